//! The work list and a finding's page with its transition form.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;
use yata_store::{AssetId, Finding, FindingFilter, FindingId, FindingState};

use super::{Lang, Page, Posted, html, layout, see_other};
use crate::api::findings::{FieldError, TransitionBody, allowed, checked, work_order};
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

/// Findings per page of the work list.
const PER_PAGE: usize = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `active` (open and in triage; the default), `all`, or a state.
    #[serde(default)]
    state: String,
    /// A BOD 26-04 decision, or `none`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    asset: String,
    /// `overdue`, `7` or `30` (days from now), or everything.
    #[serde(default)]
    due: String,
    page: Option<usize>,
    #[serde(default)]
    lang: String,
}

const DECISIONS: [&str; 6] = [
    "3 days & forensic investigation",
    "3 days",
    "14 days",
    "60 days",
    "fix on system upgrade",
    "none",
];

fn is_active(s: FindingState) -> bool {
    matches!(s, FindingState::Open | FindingState::InTriage)
}

fn overdue(f: &Finding, now: Timestamp) -> bool {
    is_active(f.state) && f.deadline.is_some_and(|d| d < now)
}

/// A deadline cell: the date, marked when past.
fn deadline(lang: Lang, f: &Finding, now: Timestamp) -> Markup {
    html! {
        @match f.deadline {
            Some(d) => {
                time datetime=(crate::api::rfc3339(d)) title="JST" { (lang.datetime(d)) }
                @if overdue(f, now) {
                    " " strong.overdue { (lang.t("findings.overdue")) }
                }
            }
            None => { (lang.t("findings.no_deadline")) }
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let lang = page.lang;
    let org =
        visibility::organization(&state, &page.p, page.p.org.id, Object::Status, Access::Read)
            .await?;
    let assets = state.store().assets(org.id).await?;
    let names: HashMap<AssetId, &str> = assets.iter().map(|a| (a.id, a.name.as_str())).collect();
    let asset = q.asset.parse::<i64>().ok().map(AssetId);
    let one_state = q.state.parse::<FindingState>().ok();
    let mut findings = state
        .store()
        .findings(&FindingFilter {
            org: org.id,
            asset,
            state: one_state,
        })
        .await?;
    let now = Timestamp::now();
    let window = match q.due.as_str() {
        "7" => Some(7),
        "30" => Some(30),
        _ => None,
    };
    findings.retain(|f| {
        let state_ok = match q.state.as_str() {
            "all" => true,
            _ if one_state.is_some() => true,
            _ => is_active(f.state),
        };
        let decision_ok =
            q.decision.is_empty() || f.decision.as_deref().unwrap_or("none") == q.decision.as_str();
        let due_ok = match (q.due.as_str(), window) {
            ("overdue", _) => overdue(f, now),
            (_, Some(days)) => f
                .deadline
                .is_some_and(|d| d.as_second() - now.as_second() <= days * 86_400),
            _ => true,
        };
        state_ok && decision_ok && due_ok
    });
    work_order(&mut findings);
    let total = findings.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let current = q.page.unwrap_or(1).clamp(1, pages);
    let shown = &findings[(current - 1) * PER_PAGE..(current * PER_PAGE).min(total)];
    let link = |n: usize| {
        let mut pairs = vec![
            ("state", q.state.as_str()),
            ("decision", q.decision.as_str()),
            ("asset", q.asset.as_str()),
            ("due", q.due.as_str()),
        ];
        let n = n.to_string();
        pairs.push(("page", &n));
        let pairs: Vec<_> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        format!(
            "/findings?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    };
    let _ = &q.lang;
    let body = html! {
        form.filters method="get" action="/findings" data-autosubmit {
            div {
                label for="f-state" { (lang.t("findings.filter.state")) }
                select #f-state name="state" {
                    option value="" selected[q.state.is_empty() || q.state == "active"] { (lang.t("findings.filter.active")) }
                    option value="all" selected[q.state == "all"] { (lang.t("findings.filter.all")) }
                    @for s in FindingState::ALL {
                        option value=(s.as_str()) selected[q.state == s.as_str()] { (lang.value("state", s.as_str())) }
                    }
                }
            }
            div {
                label for="f-decision" { (lang.t("findings.filter.decision")) }
                select #f-decision name="decision" {
                    option value="" { (lang.t("findings.filter.any")) }
                    @for d in DECISIONS {
                        option value=(d) selected[q.decision == d] { (lang.value("decision", d)) }
                    }
                }
            }
            div {
                label for="f-asset" { (lang.t("findings.filter.asset")) }
                select #f-asset name="asset" {
                    option value="" { (lang.t("findings.filter.any")) }
                    @for a in &assets {
                        option value=(a.id.0) selected[asset == Some(a.id)] { (a.name) }
                    }
                }
            }
            div {
                label for="f-due" { (lang.t("findings.filter.due")) }
                select #f-due name="due" {
                    option value="" { (lang.t("findings.filter.any")) }
                    option value="overdue" selected[q.due == "overdue"] { (lang.t("findings.filter.overdue")) }
                    option value="7" selected[q.due == "7"] { (lang.t("findings.filter.due7")) }
                    option value="30" selected[q.due == "30"] { (lang.t("findings.filter.due30")) }
                }
            }
            div { button type="submit" { (lang.t("findings.filter.apply")) } }
        }
        p { (lang.f("findings.count", &[("count", &total.to_string())])) }
        @if shown.is_empty() {
            p { (lang.t("findings.empty")) }
        } @else {
            div.table-wrap {
                table {
                    caption.visually-hidden { (lang.t("findings.title")) }
                    thead { tr {
                        th scope="col" { (lang.t("findings.col.vulnerability")) }
                        th scope="col" { (lang.t("findings.col.asset")) }
                        th scope="col" { (lang.t("findings.col.component")) }
                        th scope="col" { (lang.t("findings.col.decision")) }
                        th scope="col" { (lang.t("findings.col.deadline")) }
                        th scope="col" { (lang.t("findings.col.state")) }
                        th scope="col" { (lang.t("findings.col.kev")) }
                    } }
                    tbody {
                        @for f in shown {
                            tr {
                                td { a href=(format!("/findings/{}", f.id.0)) { (f.vuln_id) } }
                                td { (names.get(&f.asset).copied().unwrap_or("")) }
                                td { code { (f.subject) } }
                                td { (lang.value("decision", f.decision.as_deref().unwrap_or("none"))) }
                                td { (deadline(lang, f, now)) }
                                td { (lang.value("state", f.state.as_str())) }
                                td { @if f.kev { strong { (lang.t("findings.kev")) } } }
                            }
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pager aria-label=(lang.t("findings.pages")) {
                @if current > 1 { a href=(link(current - 1)) rel="prev" { (lang.t("findings.prev")) } }
                span { (lang.f("findings.page_of", &[("page", &current.to_string()), ("pages", &pages.to_string())])) }
                @if current < pages { a href=(link(current + 1)) rel="next" { (lang.t("findings.next")) } }
            }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(&page, lang.t("findings.title"), body),
    ))
}

/// What the transition form was sent with, to show it again with its error.
#[derive(Debug, Default, Deserialize)]
pub struct TransitionForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    expires: String,
    #[serde(default)]
    note: String,
}

/// The sources of SSVC values as users read them.
fn source(lang: Lang, v: &Value) -> String {
    lang.value("source", v.as_str().unwrap_or("default"))
        .into_owned()
}

fn ssvc_rows(lang: Lang, e: &Value) -> Vec<(&str, String, String)> {
    let s = &e["ssvc"];
    [
        (lang.t("ssvc.exploitation"), "exploitation"),
        (lang.t("ssvc.automatable"), "automatable"),
        (lang.t("ssvc.technical_impact"), "technical_impact"),
        (lang.t("ssvc.system_exposure"), "system_exposure"),
        (lang.t("ssvc.publicly_exposed"), "publicly_exposed"),
        (lang.t("ssvc.human_impact"), "human_impact"),
        (lang.t("ssvc.mission_well_being"), "mission_well_being"),
        (lang.t("ssvc.in_kev"), "in_kev"),
    ]
    .into_iter()
    .map(|(label, field)| {
        let point = &s[field];
        (
            label,
            point["value"].as_str().unwrap_or("").to_owned(),
            source(lang, &point["source"]),
        )
    })
    .collect()
}

/// The finding's page; `form` is a refused submission and its error.
async fn finding_page(
    state: &AppState,
    page: &Page,
    finding: &Finding,
    form: Option<(&TransitionForm, &FieldError)>,
) -> Result<Markup, AppError> {
    let lang = page.lang;
    let (_, org) = visibility::finding(state, &page.p, finding.id, Access::Read).await?;
    let asset = visibility::asset(state, &page.p, finding.asset, Object::Status, Access::Read)
        .await
        .ok()
        .map(|(a, _)| a);
    let history = state.store().finding_history(finding.id).await?;
    let e: Value = serde_json::from_str(&finding.explanation).unwrap_or(Value::Null);
    let now = Timestamp::now();
    let writes = visibility::writes(&page.p, &org, Object::Status);
    let error_for = |field: &str| -> Option<String> {
        form.and_then(|(_, err)| {
            (err.field == field).then(|| lang.t(&format!("form.error.{}", err.rule)).to_owned())
        })
    };
    let targets: Vec<FindingState> = FindingState::ALL
        .iter()
        .copied()
        .filter(|to| allowed(finding.state, *to))
        .collect();
    let sent = form.map(|(f, _)| f);
    let fixed: Vec<String> = e["fixed_versions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let aliases: Vec<String> = e["aliases"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let body = html! {
        dl.facts {
            dt { (lang.t("finding.asset")) }
            dd { @if let Some(a) = &asset { a href=(format!("/assets/{}", a.id.0)) { (a.name) } } }
            dt { (lang.t("finding.component")) }
            dd { code { (finding.subject) } }
            @if !aliases.is_empty() {
                dt { (lang.t("finding.aliases")) }
                dd { (aliases.join(", ")) }
            }
            dt { (lang.t("finding.state")) }
            dd { (lang.value("state", finding.state.as_str())) }
            @if let Some(j) = &finding.justification {
                dt { (lang.t("finding.justification")) }
                dd { (lang.value("justification", j)) }
            }
            @if let Some(until) = finding.risk_accepted_until {
                dt { (lang.t("finding.risk_accepted_until")) }
                dd { (lang.date(until)) }
            }
            dt { (lang.t("finding.decision")) }
            dd { (lang.value("decision", finding.decision.as_deref().unwrap_or("none"))) }
            dt { (lang.t("finding.deadline")) }
            dd { (deadline(lang, finding, now)) }
            dt { (lang.t("finding.first_seen")) }
            dd { (lang.datetime(finding.first_seen)) }
            dt { (lang.t("finding.last_seen")) }
            dd { (lang.datetime(finding.last_seen)) }
            dt { (lang.t("finding.present")) }
            dd { (if finding.present { lang.t("common.yes") } else { lang.t("common.no") }) }
        }
        h2 { (lang.t("finding.explanation")) }
        p lang="en" { (e["explanation"].as_str().unwrap_or("")) }
        h2 { (lang.t("finding.scores")) }
        div.table-wrap { table {
            thead { tr {
                th scope="col" { (lang.t("finding.score.input")) }
                th scope="col" { (lang.t("finding.score.value")) }
                th scope="col" { (lang.t("finding.score.source")) }
            } }
            tbody {
                tr {
                    th scope="row" { "CVSS" }
                    td { @if e["cvss"].is_object() {
                        (e["cvss"]["base"]) " (" (e["cvss"]["severity"].as_str().unwrap_or("")) ") "
                        code { (e["cvss"]["vector"].as_str().unwrap_or("")) }
                    } @else { (lang.t("common.unknown")) } }
                    td { (e["cvss"]["source"].as_str().unwrap_or("")) }
                }
                tr {
                    th scope="row" { "EPSS" }
                    td { @if e["epss"].is_object() {
                        (lang.f("finding.epss_value", &[
                            ("score", &e["epss"]["score"].to_string()),
                            ("percentile", &e["epss"]["percentile"].to_string()),
                        ]))
                    } @else { (lang.t("common.unknown")) } }
                    td { "FIRST EPSS " (e["epss"]["date"].as_str().unwrap_or("")) }
                }
                tr {
                    th scope="row" { "KEV" }
                    td { (if finding.kev { lang.t("finding.kev_listed") } else { lang.t("finding.kev_not_listed") }) }
                    td { "CISA KEV" }
                }
                @for (label, value, src) in ssvc_rows(lang, &e) {
                    tr {
                        th scope="row" { (label) }
                        td { (value) }
                        td { (src) }
                    }
                }
            }
        } }
        h3 { (lang.t("finding.decisions")) }
        dl.facts {
            dt { "CISA BOD 26-04" }
            dd { (lang.value("decision", e["decision"].as_str().unwrap_or("none"))) }
            dt { "CERT/CC deployer" }
            dd { (e["ssvc"]["deployer"].as_str().unwrap_or("")) }
            dt { "CISA coordinator" }
            dd { (e["ssvc"]["coordinator"].as_str().unwrap_or("")) }
        }
        h2 { (lang.t("finding.fixed_versions")) }
        @if fixed.is_empty() {
            p { (lang.t("finding.no_fix")) }
        } @else {
            ul { @for v in &fixed { li { code { (v) } } } }
        }
        h2 { (lang.t("finding.history_title")) }
        @if history.is_empty() {
            p { (lang.t("finding.no_history")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (lang.t("finding.history.at")) }
                    th scope="col" { (lang.t("finding.history.actor")) }
                    th scope="col" { (lang.t("finding.history.change")) }
                    th scope="col" { (lang.t("finding.justification")) }
                    th scope="col" { (lang.t("finding.history.note")) }
                } }
                tbody { @for t in &history { tr {
                    td { (lang.datetime(t.at)) }
                    td { (t.actor) }
                    td { (lang.value("state", t.from.as_str())) " → " (lang.value("state", t.to.as_str())) }
                    td { @if let Some(j) = &t.justification { (lang.value("justification", j)) } }
                    td { (t.note) }
                } } }
            } }
        }
        @if writes && !targets.is_empty() {
            h2 #transition { (lang.t("finding.transition_title")) }
            @if form.is_some() {
                p.errors role="alert" { (lang.t("form.has_errors")) }
            }
            form.stack method="post" action=(format!("/findings/{}", finding.id.0)) {
                (layout::csrf(page))
                div {
                    label for="to" { (lang.t("finding.transition.to")) }
                    select #to name="to" required aria-describedby="to-error" {
                        @for s in &targets {
                            option value=(s.as_str()) selected[sent.is_some_and(|f| f.to == s.as_str())] { (lang.value("state", s.as_str())) }
                        }
                    }
                    (layout::field_error("to-error", error_for("to").as_deref()))
                }
                div {
                    label for="justification" { (lang.t("finding.transition.justification")) }
                    select #justification name="justification" aria-describedby="justification-help justification-error" {
                        option value="" { (lang.t("finding.transition.no_justification")) }
                        @for j in yata_vex::JustificationKind::ALL {
                            option value=(j.as_str()) selected[sent.is_some_and(|f| f.justification == j.as_str())] { (lang.value("justification", j.as_str())) }
                        }
                    }
                    small #justification-help { (lang.t("finding.transition.justification_help")) }
                    (layout::field_error("justification-error", error_for("justification").as_deref()))
                }
                div {
                    label for="expires" { (lang.t("finding.transition.expires")) }
                    input #expires type="date" name="expires" value=(sent.map(|f| f.expires.as_str()).unwrap_or("")) aria-describedby="expires-help expires-error";
                    small #expires-help { (lang.t("finding.transition.expires_help")) }
                    (layout::field_error("expires-error", error_for("expires_at").as_deref()))
                }
                div {
                    label for="note" { (lang.t("finding.transition.note")) }
                    textarea #note name="note" rows="3" required maxlength="4000" aria-describedby="note-error" {
                        (sent.map(|f| f.note.as_str()).unwrap_or(""))
                    }
                    (layout::field_error("note-error", error_for("note").as_deref()))
                }
                div { button type="submit" { (lang.t("finding.transition.submit")) } }
            }
        }
    };
    Ok(body)
}

fn title(finding: &Finding) -> String {
    format!("{} — {}", finding.vuln_id, finding.subject)
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (finding, _) = visibility::finding(&state, &page.p, FindingId(id), Access::Read).await?;
    let body = finding_page(&state, &page, &finding, None).await?;
    Ok(html(
        StatusCode::OK,
        layout::page(&page, &title(&finding), body),
    ))
}

/// A date of the form (`2027-01-31`) as the end of that day in Tokyo.
fn end_of_day(date: &str) -> Option<String> {
    let d: jiff::civil::Date = date.parse().ok()?;
    let t = jiff::tz::offset(9).to_timestamp(d.at(23, 59, 59, 0)).ok()?;
    Some(crate::api::rfc3339(t))
}

/// The transition form: `crate::api::findings::checked` (the API's
/// rules); a refused move shows the page again with the error next to
/// its field and changes nothing.
pub async fn transition(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { page, form, .. }: Posted<TransitionForm>,
) -> Result<Response, AppError> {
    let (finding, _) = visibility::finding(&state, &page.p, FindingId(id), Access::Write).await?;
    let expires_at = match form.expires.trim() {
        "" => None,
        d => Some(end_of_day(d).unwrap_or_else(|| d.to_owned())),
    };
    let body = TransitionBody {
        to: form.to.clone(),
        justification: Some(form.justification.trim().to_owned()).filter(|j| !j.is_empty()),
        note: form.note.clone(),
        expires_at,
    };
    match checked(finding.state, &body) {
        Ok(t) => {
            state
                .store()
                .transition_finding(&page.p.actor, finding.id, &t)
                .await?;
            Ok(see_other(&format!(
                "/findings/{}?done=transitioned",
                finding.id.0
            )))
        }
        Err(error) => {
            let markup = finding_page(&state, &page, &finding, Some((&form, &error))).await?;
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                layout::page(&page, &title(&finding), markup),
            ))
        }
    }
}
