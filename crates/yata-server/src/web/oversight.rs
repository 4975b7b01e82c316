//! The pages of the organisations that oversee others: a ministry's
//! sectors and the drill-down to one supervised organisation, the NCO's
//! nation by sector, "who is exposed to …" and the campaigns across
//! reports. The figures are the API's (`api::views` answers, read as
//! JSON), so visibility and caching are theirs.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;
use yata_store::{FindingFilter, FindingState, IncidentHead, IncidentId, OrgId, OrgKind};

use super::charts::{self, Series};
use super::parts::{sector_name, sector_names};
use super::{Lang, Page, html, layout};
use crate::api::views::{exposure_answer, nation_answer, sector_answer};
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

fn json(bytes: &[u8]) -> Result<Value, AppError> {
    serde_json::from_slice(bytes).map_err(AppError::internal)
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// Active findings of a summary: open and in triage.
fn active(summary: &Value) -> u64 {
    n(&summary["by_state"]["open"]) + n(&summary["by_state"]["in_triage"])
}

/// The weeks and the open/overdue series (each week's end) of a
/// summary's trend.
fn trend(lang: Lang, summary: &Value) -> (Vec<String>, Vec<u64>, Vec<u64>) {
    let weeks = summary["trend"].as_array().cloned().unwrap_or_default();
    let labels = weeks
        .iter()
        .map(|w| {
            w["week_start"]
                .as_str()
                .and_then(|s| s.parse::<Timestamp>().ok())
                .map(|t| lang.date(t))
                .unwrap_or_default()
        })
        .collect();
    (
        labels,
        weeks.iter().map(|w| n(&w["open"])).collect(),
        weeks.iter().map(|w| n(&w["overdue"])).collect(),
    )
}

fn trend_chart(lang: Lang, title: &str, summary: &Value) -> Markup {
    let (labels, open, overdue) = trend(lang, summary);
    charts::line_chart(
        title,
        &labels,
        &[
            Series {
                name: lang.t("dashboard.open"),
                values: &open,
            },
            Series {
                name: lang.t("dashboard.overdue"),
                values: &overdue,
            },
        ],
        lang.t("charts.empty"),
    )
}

/// A table of organisations with their figures, linked to their pages.
fn org_table(lang: Lang, orgs: &[Value]) -> Markup {
    html! {
        div.table-wrap { table {
            thead { tr {
                th scope="col" { (lang.t("oversight.col.organization")) }
                th scope="col" { (lang.t("oversight.col.kind")) }
                th scope="col" class="num" { (lang.t("dashboard.open")) }
                th scope="col" class="num" { (lang.t("dashboard.overdue")) }
                th scope="col" class="num" { (lang.t("dashboard.kev_open")) }
                th scope="col" class="num" { (lang.t("dashboard.overdue_kev")) }
            } }
            tbody { @for o in orgs { tr {
                td { a href=(format!("/organizations/{}", o["id"])) { (o["name"].as_str().unwrap_or("")) } }
                td { (lang.value("kind", o["kind"].as_str().unwrap_or(""))) }
                td.num { (active(&o["summary"])) }
                td.num { (n(&o["summary"]["overdue"])) }
                td.num { (n(&o["summary"]["kev_open"])) }
                td.num { @if n(&o["summary"]["overdue_kev"]) > 0 { strong.overdue { (n(&o["summary"]["overdue_kev"])) } } @else { "0" } }
            } } }
        } }
    }
}

/// `/sectors`: a ministry's sectors (the NCO: all), each with its figures,
/// trend and organisations, most urgent first.
pub async fn sectors(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let lang = page.lang;
    let codes: Vec<String> = match page.p.org.kind {
        OrgKind::Ministry => page.p.org.sectors.clone(),
        OrgKind::Nco => state
            .store()
            .sectors()
            .await?
            .into_iter()
            .map(|s| s.code)
            .collect(),
        _ => return Err(AppError::NotFound),
    };
    let mut answers = Vec::with_capacity(codes.len());
    for code in &codes {
        answers.push((
            code.clone(),
            json(&sector_answer(&state, &page.p, code).await?)?,
        ));
    }
    let body = html! {
        @if codes.is_empty() {
            p { (lang.t("oversight.no_sectors")) }
        }
        @for (code, a) in &answers {
            @let name = sector_name(lang, code);
            @let orgs = a["organizations"].as_array().cloned().unwrap_or_default();
            section.sector aria-labelledby=(format!("sector-{code}")) {
                h2 id=(format!("sector-{code}")) { (name) }
                dl.facts {
                    dt { (lang.t("oversight.organizations")) }
                    dd { (orgs.len()) }
                    dt { (lang.t("dashboard.open")) }
                    dd { (active(&a["summary"])) }
                    dt { (lang.t("dashboard.overdue")) }
                    dd { (n(&a["summary"]["overdue"])) }
                    dt { (lang.t("dashboard.kev_open")) }
                    dd { (n(&a["summary"]["kev_open"])) }
                    dt { (lang.t("dashboard.overdue_kev")) }
                    dd { (n(&a["summary"]["overdue_kev"])) }
                }
                figure { (trend_chart(lang, &lang.f("oversight.trend_of", &[("sector", &name)]), &a["summary"])) }
                @if orgs.is_empty() {
                    p { (lang.t("oversight.no_organizations")) }
                } @else {
                    (org_table(lang, &orgs))
                }
            }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(&page, lang.t("oversight.sectors_title"), body),
    ))
}

/// Findings listed on an organisation's page at most.
const LISTED: usize = 200;

/// `/organizations/{id}`: a supervised organisation's figures and its
/// active findings, read-only (404 for one the caller does not see).
pub async fn organization(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = page.lang;
    let org =
        visibility::organization(&state, &page.p, OrgId(id), Object::Status, Access::Read).await?;
    let now = Timestamp::now();
    let s = state
        .store()
        .finding_summaries(&[org.id], now, 12)
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();
    let mut findings = state
        .store()
        .findings(&FindingFilter {
            org: org.id,
            asset: None,
            state: None,
        })
        .await?;
    findings.retain(|f| matches!(f.state, FindingState::Open | FindingState::InTriage));
    crate::api::findings::work_order(&mut findings);
    let total = findings.len();
    findings.truncate(LISTED);
    let open = s.by_state.get("open").copied().unwrap_or(0)
        + s.by_state.get("in_triage").copied().unwrap_or(0);
    let body = html! {
        dl.facts {
            dt { (lang.t("oversight.col.kind")) }
            dd { (lang.value("kind", org.kind.as_str())) }
            dt { (lang.t("incidents.col.sector")) }
            dd { (sector_names(lang, org.sectors.iter().map(String::as_str))) }
            dt { (lang.t("dashboard.open")) }
            dd { (open) }
            dt { (lang.t("dashboard.overdue")) }
            dd { (s.overdue) }
            dt { (lang.t("dashboard.due7")) }
            dd { (s.due_within_7_days) }
            dt { (lang.t("dashboard.kev_open")) }
            dd { (s.kev_open) }
            dt { (lang.t("dashboard.overdue_kev")) }
            dd { (s.overdue_kev) }
        }
        h2 { (lang.t("oversight.findings")) }
        @if total > LISTED {
            p { (lang.f("oversight.findings_shown", &[("shown", &LISTED.to_string()), ("total", &total.to_string())])) }
        }
        @if findings.is_empty() {
            p { (lang.t("oversight.no_findings")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (lang.t("findings.col.vulnerability")) }
                    th scope="col" { (lang.t("findings.col.component")) }
                    th scope="col" { (lang.t("findings.col.decision")) }
                    th scope="col" { (lang.t("findings.col.deadline")) }
                    th scope="col" { (lang.t("findings.col.state")) }
                    th scope="col" { (lang.t("findings.col.kev")) }
                } }
                tbody { @for f in &findings { tr {
                    td { a href=(format!("/findings/{}", f.id.0)) { (f.vuln_id) } }
                    td { code { (f.subject) } }
                    td { (lang.value("decision", f.decision.as_deref().unwrap_or("none"))) }
                    td { @if let Some(d) = f.deadline {
                        (lang.datetime(d))
                        @if d < now { " " strong.overdue { (lang.t("findings.overdue")) } }
                    } @else { (lang.t("findings.no_deadline")) } }
                    td { (lang.value("state", f.state.as_str())) }
                    td { @if f.kev { strong { (lang.t("findings.kev")) } } }
                } } }
            } }
        }
    };
    Ok(html(StatusCode::OK, layout::page(&page, &org.name, body)))
}

/// The columns of the nation's heat map: (summary field, catalogue key).
const MEASURES: [(&str, &str); 5] = [
    ("active", "dashboard.open"),
    ("overdue", "dashboard.overdue"),
    ("due_within_7_days", "dashboard.due7"),
    ("kev_open", "dashboard.kev_open"),
    ("overdue_kev", "dashboard.overdue_kev"),
];

fn measure(summary: &Value, field: &str) -> u64 {
    match field {
        "active" => active(summary),
        f => n(&summary[f]),
    }
}

/// Organisations the nation's page lists.
const URGENT: usize = 20;

/// `/nation`: the NCO's picture: sectors × figures as a heat map, the
/// sectors' table and the most urgent organisations.
pub async fn nation(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let lang = page.lang;
    let a = json(&nation_answer(&state, &page.p).await?)?;
    let sectors = a["sectors"].as_array().cloned().unwrap_or_default();
    let rows: Vec<String> = sectors
        .iter()
        .map(|s| sector_name(lang, s["sector"]["code"].as_str().unwrap_or("none")))
        .collect();
    let columns: Vec<String> = MEASURES.iter().map(|(_, k)| lang.t(k).to_owned()).collect();
    let cells: Vec<Vec<u64>> = sectors
        .iter()
        .map(|s| {
            MEASURES
                .iter()
                .map(|(f, _)| measure(&s["summary"], f))
                .collect()
        })
        .collect();
    let orgs: Vec<Value> = a["organizations"]
        .as_array()
        .map(|o| o.iter().take(URGENT).cloned().collect())
        .unwrap_or_default();
    let body = html! {
        dl.facts {
            dt { (lang.t("oversight.organizations")) }
            dd { (n(&a["organizations_total"])) }
            @for (f, k) in MEASURES {
                dt { (lang.t(k)) }
                dd { (measure(&a["summary"], f)) }
            }
        }
        figure {
            (charts::heat_map(lang.t("oversight.heat_map"), &rows, &columns, &cells, lang.t("charts.empty")))
        }
        h2 { (lang.t("oversight.by_sector")) }
        div.table-wrap { table {
            thead { tr {
                th scope="col" { (lang.t("incidents.col.sector")) }
                th scope="col" class="num" { (lang.t("oversight.organizations")) }
                @for c in &columns { th scope="col" class="num" { (c) } }
            } }
            tbody { @for (i, s) in sectors.iter().enumerate() { tr {
                th scope="row" { (rows[i]) }
                td.num { (n(&s["organizations"])) }
                @for v in &cells[i] { td.num { (v) } }
            } } }
        } }
        figure { (trend_chart(lang, lang.t("oversight.nation_trend"), &a["summary"])) }
        h2 { (lang.t("oversight.most_urgent")) }
        @if orgs.is_empty() {
            p { (lang.t("oversight.no_organizations")) }
        } @else {
            (org_table(lang, &orgs))
        }
        p { a href="/sectors" { (lang.t("oversight.all_sectors")) } }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(&page, lang.t("oversight.nation_title"), body),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct ExposureQuery {
    #[serde(default)]
    id: String,
}

impl ExposureQuery {
    /// The id asked for, trimmed.
    pub fn id_value(&self) -> &str {
        self.id.trim()
    }
}

/// Counts as the exposure answer gives them (numbers, or `"<5"` for
/// vendors).
pub fn shown_count(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The exposure answer for `id` as a table by sector; organisations and
/// assets where the answer has them (the NCO and ministries), counts
/// only for vendors.
pub fn exposure_markup(lang: Lang, a: &Value) -> Markup {
    let sectors = a["sectors"].as_array().cloned().unwrap_or_default();
    html! {
        p.exposure-total {
            (lang.f("oversight.exposed_total", &[
                ("organizations", &shown_count(&a["organizations"])),
                ("assets", &shown_count(&a["assets"])),
                ("id", a["vulnerability"].as_str().unwrap_or("")),
            ]))
        }
        @if a["truncated"].as_bool() == Some(true) {
            p.note { (lang.f("oversight.truncated", &[("listed", &shown_count(&a["listed"])), ("findings", &shown_count(&a["findings"]))])) }
        }
        @if sectors.is_empty() {
            p { (lang.t("oversight.nobody_exposed")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (lang.t("incidents.col.sector")) }
                    th scope="col" class="num" { (lang.t("oversight.organizations")) }
                    th scope="col" class="num" { (lang.t("oversight.assets")) }
                } }
                tbody { @for s in &sectors { tr {
                    th scope="row" { (sector_name(lang, s["sector"].as_str().unwrap_or("none"))) }
                    td.num { (shown_count(&s["organizations"])) }
                    td.num { (shown_count(&s["assets"])) }
                } } }
            } }
            @for s in &sectors {
                @if let Some(exposed) = s["exposed"].as_array().filter(|e| !e.is_empty()) {
                    h3 { (sector_name(lang, s["sector"].as_str().unwrap_or("none"))) }
                    div.table-wrap { table {
                        thead { tr {
                            th scope="col" { (lang.t("oversight.col.organization")) }
                            th scope="col" { (lang.t("findings.col.asset")) }
                            th scope="col" { (lang.t("findings.col.component")) }
                            th scope="col" { (lang.t("findings.col.state")) }
                            th scope="col" { (lang.t("findings.col.deadline")) }
                        } }
                        tbody { @for o in exposed { @for f in o["assets"].as_array().into_iter().flatten() { tr {
                            td { a href=(format!("/organizations/{}", o["id"])) { (o["name"].as_str().unwrap_or("")) } }
                            td { (f["asset"].as_str().unwrap_or(""))
                                @if f["internet_exposed"].as_bool() == Some(true) { " " span.badge { (lang.t("oversight.internet")) } } }
                            td { a href=(format!("/findings/{}", f["finding_id"])) { code { (f["subject"].as_str().unwrap_or("")) } } }
                            td { (lang.value("state", f["state"].as_str().unwrap_or(""))) }
                            td {
                                @if let Some(t) = f["deadline"].as_str().and_then(|d| d.parse::<Timestamp>().ok()) { (lang.datetime(t)) }
                                @if f["overdue"].as_bool() == Some(true) { " " strong.overdue { (lang.t("findings.overdue")) } }
                            }
                        } } } }
                    } }
                }
            }
        }
    }
}

/// The "who is exposed to …" search form.
pub fn exposure_form(lang: Lang, action: &str, id: &str) -> Markup {
    html! {
        form.filters method="get" action=(action) role="search" {
            div {
                label for="exposure-id" { (lang.t("oversight.exposure_id")) }
                input #exposure-id type="search" name="id" value=(id) placeholder="CVE-2024-3400" required;
            }
            div { button #exposure-submit type="submit" { (lang.t("oversight.exposure_search")) } }
        }
    }
}

/// `/exposure?id=CVE-…`: who is exposed, grouped by sector as the API
/// answers the caller (the NCO and ministries; vendors counts only).
pub async fn exposure(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ExposureQuery>,
) -> Result<Response, AppError> {
    let lang = page.lang;
    if !matches!(
        page.p.org.kind,
        OrgKind::Nco | OrgKind::Ministry | OrgKind::Vendor
    ) {
        return Err(AppError::NotFound);
    }
    let id = q.id_value();
    let answer = if id.is_empty() {
        None
    } else {
        match exposure_answer(&state, &page.p, id).await {
            Ok(bytes) => Some(Ok(json(&bytes)?)),
            Err(AppError::BadRequest(m)) => Some(Err(m)),
            Err(e) => return Err(e),
        }
    };
    let body = html! {
        (exposure_form(lang, "/exposure", id))
        @match &answer {
            Some(Ok(a)) => { (exposure_markup(lang, a)) }
            Some(Err(m)) => { div.errors role="alert" { p { (lang.t("oversight.bad_id")) } p lang="en" { small { (m) } } } }
            None => {}
        }
    };
    let status = if matches!(answer, Some(Err(_))) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(html(
        status,
        layout::page(&page, lang.t("oversight.exposure_title"), body),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct CampaignsQuery {
    /// `all`: also clusters within one sector.
    #[serde(default)]
    scope: String,
}

/// `/campaigns`: reports linked by shared indicators, across sectors by
/// default, with their sectors and the linking indicators.
pub async fn campaigns(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<CampaignsQuery>,
) -> Result<Response, AppError> {
    let lang = page.lang;
    if !matches!(page.p.org.kind, OrgKind::Nco | OrgKind::Ministry) {
        return Err(AppError::NotFound);
    }
    let across = q.scope != "all";
    let v = crate::correlation::clusters_of(&state, &page.p, across, None).await?;
    let clusters = v["clusters"].as_array().cloned().unwrap_or_default();
    let ids: Vec<IncidentId> = clusters
        .iter()
        .flat_map(|c| c["incidents"].as_array().cloned().unwrap_or_default())
        .filter_map(|i| i.as_i64().map(IncidentId))
        .collect();
    let heads: BTreeMap<i64, IncidentHead> = state
        .store()
        .incident_heads(&ids)
        .await?
        .into_iter()
        .map(|h| (h.id.0, h))
        .collect();
    let body = html! {
        p {
            @if across {
                (lang.t("oversight.campaigns_across")) " "
                a href="/campaigns?scope=all" { (lang.t("oversight.campaigns_show_all")) }
            } @else {
                (lang.t("oversight.campaigns_all")) " "
                a href="/campaigns" { (lang.t("oversight.campaigns_show_across")) }
            }
        }
        @if clusters.is_empty() {
            p { (lang.t("oversight.no_campaigns")) }
        }
        @for (k, c) in clusters.iter().enumerate() {
            section.campaign aria-labelledby=(format!("campaign-{k}")) {
                h2 id=(format!("campaign-{k}")) {
                    (lang.f("oversight.campaign", &[("n", &(k + 1).to_string()), ("reports", &c["incidents"].as_array().map_or(0, Vec::len).to_string())]))
                }
                p { (lang.t("incidents.col.sector")) ": "
                    (sector_names(lang, c["sectors"].as_array().into_iter().flatten().filter_map(Value::as_str))) }
                ul { @for i in c["incidents"].as_array().into_iter().flatten().filter_map(Value::as_i64) { li {
                    a href=(format!("/incidents/{i}")) {
                        @if let Some(h) = heads.get(&i) { (h.title) } @else { "#" (i) }
                    }
                } } }
                h3 { (lang.f("oversight.linking", &[("count", &n(&c["indicator_count"]).to_string())])) }
                div.table-wrap { table {
                    thead { tr {
                        th scope="col" { (lang.t("incidents.indicator.type")) }
                        th scope="col" { (lang.t("incidents.indicator.value")) }
                        th scope="col" class="num" { (lang.t("oversight.reports")) }
                    } }
                    tbody { @for l in c["indicators"].as_array().into_iter().flatten() { tr {
                        td { (l["type"].as_str().unwrap_or("")) }
                        td { code { (l["value"].as_str().unwrap_or("")) } }
                        td.num { (n(&l["reports"])) }
                    } } }
                } }
            }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(&page, lang.t("oversight.campaigns_title"), body),
    ))
}
