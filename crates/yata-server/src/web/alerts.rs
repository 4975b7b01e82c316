//! Alerts (注意喚起): the caller's inbox and an alert's page with the
//! acknowledgement buttons; for the NCO and the ministries the alerts they
//! issued, each one's progress with the reminder button, and the composer
//! with its targeting preview. Everything goes through `api::alerts`'
//! shared functions, so TLP, targeting and acknowledgement rules are the
//! API's.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use maud::{Markup, html};
use serde_json::Value;
use yata_store::{
    AckStatus, Alert, AlertId, AlertRecipient, AlertSeverity, OrgId, OrgKind, Organization, Role,
};

use super::charts;
use super::parts::{
    self, Fields, Refusal, field_error, sector_name, sector_names, tlp_badge, tlp_options,
};
use super::{Lang, Page, Posted, html, layout, see_other};
use crate::api::alerts::{
    NewAlertBody, Preview, Targets, acknowledge, inbox as inbox_of, issue, issued as issued_by,
    issuer, open, preview_of, progress_of, readable, remind_all,
};
use crate::api::incidents::IndicatorBody;
use crate::error::AppError;
use crate::state::AppState;
use crate::tlp::Standing;

fn is_writer(page: &Page) -> bool {
    matches!(page.p.role, Role::Admin | Role::Analyst)
}

fn issues_alerts(page: &Page) -> bool {
    matches!(page.p.org.kind, OrgKind::Nco | OrgKind::Ministry) && is_writer(page)
}

/// An alert's title and body in `lang`, or in the other language with
/// `true` (the page says so) when it has none in `lang`.
fn texts(lang: Lang, a: &Alert) -> (String, Option<String>, bool) {
    let ja = (a.title_ja.clone(), a.body_ja.clone());
    let en = (a.title_en.clone(), a.body_en.clone());
    let (mine, other) = match lang {
        Lang::Ja => (ja, en),
        Lang::En => (en, ja),
    };
    match (mine, other) {
        ((Some(t), b), _) => (t, b, false),
        (_, (Some(t), b)) => (t, b, true),
        _ => (String::new(), None, false),
    }
}

fn title_of(lang: Lang, a: &Alert) -> String {
    texts(lang, a).0
}

/// A deadline, marked when past.
fn deadline(lang: Lang, d: Option<Timestamp>, open: bool) -> Markup {
    html! {
        @match d {
            Some(d) => {
                time datetime=(crate::api::rfc3339(d)) title="JST" { (lang.datetime(d)) }
                @if open && d < Timestamp::now() { " " strong.overdue { (lang.t("alerts.past_deadline")) } }
            }
            None => { (lang.t("alerts.no_deadline")) }
        }
    }
}

fn severity(lang: Lang, s: Option<AlertSeverity>) -> String {
    match s {
        Some(s) => lang.value("severity", s.as_str()).into_owned(),
        None => lang.t("alerts.no_severity").to_owned(),
    }
}

/// `/alerts`: the inbox, newest first.
pub async fn inbox(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let lang = page.lang;
    let alerts = inbox_of(&state, &page.p).await?;
    let mut issuers = Vec::with_capacity(alerts.len());
    for (a, _) in &alerts {
        issuers.push(state.organization(a.issuer_org).await?);
    }
    let body = html! {
        @if issues_alerts(&page) {
            p.actions {
                a href="/alerts/issued" { (lang.t("alerts.issued_title")) }
                " "
                a.button href="/alerts/new" { (lang.t("alerts.compose")) }
            }
        }
        @if alerts.is_empty() {
            p { (lang.t("alerts.inbox_empty")) }
        } @else {
            div.table-wrap { table {
                caption.visually-hidden { (lang.t("alerts.inbox_title")) }
                thead { tr {
                    th scope="col" { (lang.t("alerts.col.title")) }
                    th scope="col" { "TLP" }
                    th scope="col" { (lang.t("alerts.col.severity")) }
                    th scope="col" { (lang.t("alerts.col.deadline")) }
                    th scope="col" { (lang.t("alerts.col.status")) }
                    th scope="col" { (lang.t("alerts.col.issuer")) }
                    th scope="col" { (lang.t("alerts.col.received")) }
                } }
                tbody { @for ((a, r), issuer) in alerts.iter().zip(&issuers) { tr {
                    td {
                        a href=(format!("/alerts/{}", a.id.0)) { (title_of(lang, a)) }
                        (reminder_badge(lang, r))
                    }
                    td { (tlp_badge(lang, a.tlp)) }
                    td { (severity(lang, a.severity)) }
                    td { (deadline(lang, a.deadline, r.status != AckStatus::Done)) }
                    td { (lang.value("ack", r.status.as_str())) }
                    td { @if let Some(o) = issuer { (o.name) } }
                    td { (lang.datetime(r.received_at)) }
                } } }
            } }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(&page, lang.t("alerts.inbox_title"), body),
    ))
}

fn reminder_badge(lang: Lang, r: &AlertRecipient) -> Markup {
    html! {
        @if r.reminders > 0 && !matches!(r.status, AckStatus::Acting | AckStatus::Done) {
            " "
            span.badge.reminder { (lang.f("alerts.reminded", &[("count", &r.reminders.to_string())])) }
        }
    }
}

fn step(lang: Lang, s: &Option<(Timestamp, String)>) -> Markup {
    html! {
        @if let Some((at, by)) = s { (lang.datetime(*at)) " — " (by) } @else { "—" }
    }
}

/// `/alerts/{id}`: the alert (opening it records "read" as the API does).
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = page.lang;
    let (a, standing, recipient) = open(&state, &page.p, AlertId(id)).await?;
    let issuer_org = state.organization(a.issuer_org).await?;
    let (title, body_text, fallback) = texts(lang, &a);
    let other = match lang {
        Lang::Ja => (a.title_en.as_deref(), a.body_en.as_deref(), "en"),
        Lang::En => (a.title_ja.as_deref(), a.body_ja.as_deref(), "ja"),
    };
    let relays = page.p.org.kind == OrgKind::Ministry
        && is_writer(&page)
        && standing != Standing::Issuer
        && crate::tlp::relay(a.tlp, a.tlp).is_ok();
    let oversight = matches!(page.p.org.kind, OrgKind::Nco | OrgKind::Ministry);
    let body = html! {
        @if fallback {
            p.note { (lang.t("alerts.fallback")) }
        }
        dl.facts {
            dt { (lang.t("alerts.col.issuer")) }
            dd { @if let Some(o) = &issuer_org { (o.name) " (" (lang.value("kind", o.kind.as_str())) ")" } }
            dt { "TLP" }
            dd { (tlp_badge(lang, a.tlp)) " " (lang.t(&format!("tlp_help.{}", super::i18n::slug(a.tlp.as_str())))) }
            dt { (lang.t("alerts.col.severity")) }
            dd { (severity(lang, a.severity)) }
            dt { (lang.t("alerts.col.deadline")) }
            dd { (deadline(lang, a.deadline, recipient.as_ref().is_some_and(|r| r.status != AckStatus::Done))) }
            dt { (lang.t("alerts.issued_at")) }
            dd { (lang.datetime(a.created_at)) }
            @if let Some(s) = &a.source_sector {
                dt { (lang.t("alerts.source_sector")) }
                dd { (sector_name(lang, s)) }
            }
            @if let Some(r) = a.relay_of {
                dt { (lang.t("alerts.relay_of")) }
                dd { a href=(format!("/alerts/{}", r.0)) { "#" (r.0) } }
            }
        }
        @if let Some(b) = &body_text {
            p.prewrap lang=(if fallback { other.2 } else { lang.code() }) { (b) }
        }
        @if !fallback && other.0.is_some() {
            details lang=(other.2) {
                summary { (lang.t("alerts.other_language")) }
                h2 { (other.0.unwrap_or("")) }
                @if let Some(b) = other.1 { p.prewrap { (b) } }
            }
        }
        @if !a.actions.is_empty() {
            h2 { (lang.t("alerts.actions")) }
            ol { @for x in &a.actions { li { (x) } } }
        }
        @if !a.vulnerabilities.is_empty() {
            h2 { (lang.t("alerts.vulnerabilities")) }
            ul { @for v in &a.vulnerabilities { li {
                @if oversight {
                    a href=(format!("/exposure?{}", serde_urlencoded::to_string([("id", v)]).unwrap_or_default())) { code { (v) } }
                } @else { code { (v) } }
            } } }
        }
        @if !a.indicators.is_empty() {
            h2 { (lang.t("alerts.indicators")) }
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (lang.t("incidents.indicator.type")) }
                    th scope="col" { (lang.t("incidents.indicator.value")) }
                } }
                tbody { @for (k, v) in &a.indicators { tr { td { (k) } td { code { (v) } } } } }
            } }
        }
        @if let Some(r) = &recipient {
            h2 #acknowledgement { (lang.t("alerts.ack_title")) (reminder_badge(lang, r)) }
            dl.facts {
                dt { (lang.t("alerts.col.status")) }
                dd { (lang.value("ack", r.status.as_str())) }
                dt { (lang.t("alerts.reason")) }
                dd { (lang.value("reason", r.reason.as_str())) }
                dt { (lang.value("ack", "received")) }
                dd { (lang.datetime(r.received_at)) }
                dt { (lang.value("ack", "read")) }
                dd { (step(lang, &r.read)) }
                dt { (lang.value("ack", "acting")) }
                dd { (step(lang, &r.acting)) }
                dt { (lang.value("ack", "done")) }
                dd { (step(lang, &r.done)) }
                @if let Some(n) = &r.note {
                    dt { (lang.t("alerts.ack_note")) }
                    dd.prewrap { (n) }
                }
            }
            @if is_writer(&page) && r.status != AckStatus::Done {
                form.stack method="post" action=(format!("/alerts/{}/ack", a.id.0)) {
                    (layout::csrf(&page))
                    div {
                        label for="ack-note" { (lang.t("alerts.ack_note")) }
                        textarea #ack-note name="note" rows="3" maxlength="10000" {}
                    }
                    div.buttons {
                        @if r.status != AckStatus::Acting {
                            button #ack-acting type="submit" name="status" value="acting" { (lang.t("alerts.ack_acting")) }
                            " "
                        }
                        button #ack-done type="submit" name="status" value="done" { (lang.t("alerts.ack_done")) }
                    }
                }
            }
        }
        @if standing == Standing::Issuer {
            p { a.button href=(format!("/alerts/{}/progress", a.id.0)) { (lang.t("alerts.progress_title")) } }
        }
        @if relays {
            p { a.button href=(format!("/alerts/new?relay_of={}", a.id.0)) { (lang.t("alerts.relay")) } }
        }
    };
    Ok(html(StatusCode::OK, layout::page(&page, &title, body)))
}

/// The acknowledgement buttons ("acting", "done") with a note.
pub async fn ack(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { page, form, .. }: Posted<Fields>,
) -> Result<Response, AppError> {
    let note = form.opt("note");
    acknowledge(
        &state,
        &page.p,
        AlertId(id),
        form.get("status"),
        note.as_deref(),
    )
    .await?;
    Ok(see_other(&format!(
        "/alerts/{id}?done=alerts.acknowledged#acknowledgement"
    )))
}

/// `/alerts/issued`: what the caller's organisation issued.
pub async fn issued(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let lang = page.lang;
    if !matches!(page.p.org.kind, OrgKind::Nco | OrgKind::Ministry) {
        return Err(AppError::NotFound);
    }
    let alerts = issued_by(&state, &page.p).await?;
    let body = html! {
        @if issues_alerts(&page) {
            p { a.button href="/alerts/new" { (lang.t("alerts.compose")) } }
        }
        @if alerts.is_empty() {
            p { (lang.t("alerts.issued_empty")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (lang.t("alerts.col.title")) }
                    th scope="col" { "TLP" }
                    th scope="col" { (lang.t("alerts.col.severity")) }
                    th scope="col" { (lang.t("alerts.col.deadline")) }
                    th scope="col" { (lang.t("alerts.issued_at")) }
                    th scope="col" { (lang.t("alerts.progress_title")) }
                } }
                tbody { @for a in &alerts { tr {
                    td { a href=(format!("/alerts/{}", a.id.0)) { (title_of(lang, a)) } }
                    td { (tlp_badge(lang, a.tlp)) }
                    td { (severity(lang, a.severity)) }
                    td { (deadline(lang, a.deadline, false)) }
                    td { (lang.datetime(a.created_at)) }
                    td { a href=(format!("/alerts/{}/progress", a.id.0)) { (lang.t("alerts.progress_link")) } }
                } } }
            } }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(&page, lang.t("alerts.issued_title"), body),
    ))
}

fn count(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// The acknowledgement states of a progress map in order, named.
fn ack_parts(lang: Lang, by_status: &Value) -> Vec<(String, u64)> {
    AckStatus::ALL
        .iter()
        .map(|s| {
            (
                lang.value("ack", s.as_str()).into_owned(),
                count(&by_status[s.as_str()]),
            )
        })
        .collect()
}

fn progress_step(lang: Lang, v: &Value) -> Markup {
    html! {
        @if let (Some(at), Some(by)) = (v["at"].as_str(), v["by"].as_str()) {
            @if let Ok(t) = at.parse::<Timestamp>() { (lang.datetime(t)) } " — " (by)
        } @else { "—" }
    }
}

/// `/alerts/{id}/progress`: the issuer's view of the acknowledgements.
pub async fn progress(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = page.lang;
    let (a, _, _) = readable(&state, &page.p, AlertId(id)).await?;
    let v = progress_of(&state, &page.p, a.id).await?;
    let empty = lang.t("charts.empty");
    let total = ack_parts(lang, &v["by_status"]);
    let sectors: Vec<(String, Vec<(String, u64)>)> = v["by_sector"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(code, counts)| (sector_name(lang, code), ack_parts(lang, counts)))
                .collect()
        })
        .unwrap_or_default();
    let orgs = v["organizations"].as_array().cloned().unwrap_or_default();
    let body = html! {
        p { a href=(format!("/alerts/{}", a.id.0)) { (title_of(lang, &a)) } }
        p { (lang.f("alerts.recipients_total", &[("count", &count(&v["total"]).to_string())])) }
        div.charts {
            figure {
                (charts::stacked_bar(lang.t("alerts.progress_all"), &total, empty))
            }
            @for (name, parts) in &sectors {
                figure { (charts::stacked_bar(name, parts, empty)) }
            }
        }
        @if is_writer(&page) {
            form.inline method="post" action=(format!("/alerts/{}/remind", a.id.0)) data-confirm=(lang.t("alerts.remind_confirm")) {
                (layout::csrf(&page))
                button #remind-submit type="submit" { (lang.t("alerts.remind")) }
            }
        }
        h2 { (lang.t("alerts.by_organization")) }
        @if orgs.is_empty() {
            p { (lang.t("alerts.no_recipients")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (lang.t("alerts.col.organization")) }
                    th scope="col" { (lang.t("incidents.col.sector")) }
                    th scope="col" { (lang.t("alerts.col.status")) }
                    th scope="col" { (lang.value("ack", "read")) }
                    th scope="col" { (lang.value("ack", "acting")) }
                    th scope="col" { (lang.value("ack", "done")) }
                    th scope="col" { (lang.t("alerts.ack_note")) }
                    th scope="col" class="num" { (lang.t("alerts.reminders")) }
                } }
                tbody { @for o in &orgs { tr {
                    td { (o["name"].as_str().unwrap_or("")) }
                    td { (sector_name(lang, o["sector"].as_str().unwrap_or("none"))) }
                    td { (lang.value("ack", o["status"].as_str().unwrap_or(""))) }
                    td { (progress_step(lang, &o["read"])) }
                    td { (progress_step(lang, &o["acting"])) }
                    td { (progress_step(lang, &o["done"])) }
                    td.prewrap { (o["note"].as_str().unwrap_or("")) }
                    td.num { (count(&o["reminders"])) }
                } } }
            } }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(&page, lang.t("alerts.progress_title"), body),
    ))
}

pub async fn remind(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { page, .. }: Posted<Fields>,
) -> Result<Response, AppError> {
    remind_all(&state, &page.p, AlertId(id)).await?;
    Ok(see_other(&format!(
        "/alerts/{id}/progress?done=alerts.reminded"
    )))
}

/// The organisations the composer offers: every other one (the NCO), the
/// supervised ones (a ministry).
async fn addressable(state: &AppState, page: &Page) -> Result<Vec<Organization>, AppError> {
    let mut orgs: Vec<Organization> = match page.p.org.kind {
        OrgKind::Nco => state.store().organizations().await?,
        _ => {
            let ids: Vec<OrgId> = state
                .store()
                .supervised_organizations(page.p.org.id)
                .await?;
            state.organizations(&ids).await?.into_values().collect()
        }
    };
    orgs.retain(|o| o.id != page.p.org.id);
    orgs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(orgs)
}

/// The composer: `sent` filled in, `preview` shown above the issue
/// button, `refusal` next to its field.
async fn composer_page(
    state: &AppState,
    page: &Page,
    sent: &Fields,
    preview: Option<&Preview>,
    refusal: Option<&Refusal>,
) -> Result<Markup, AppError> {
    let lang = page.lang;
    let sectors: Vec<String> = match page.p.org.kind {
        OrgKind::Nco => state
            .store()
            .sectors()
            .await?
            .into_iter()
            .map(|s| s.code)
            .collect(),
        _ => page.p.org.sectors.clone(),
    };
    let orgs = addressable(state, page).await?;
    let err = |f: &str| Refusal::at(refusal, f);
    let tlp = match sent.get("tlp") {
        "" => "amber",
        t => t,
    };
    const FIELDS: &[&str] = &[
        "title",
        "title_ja",
        "body",
        "body_ja",
        "tlp",
        "severity",
        "deadline",
        "actions",
        "targets",
        "recipients",
        "vulnerabilities",
        "indicators",
    ];
    Ok(html! {
        (parts::refusal_summary(lang, refusal, FIELDS))
        @if let Some(v) = preview {
            section.preview #preview role="status" aria-labelledby="preview-title" {
                h2 #preview-title { (lang.t("alerts.preview_title")) }
                p #preview-count { (lang.f("alerts.preview_count", &[("count", &v.organizations.to_string())])) }
                @if v.named_people > 0 {
                    p { (lang.f("alerts.preview_named", &[("count", &v.named_people.to_string())])) }
                }
                @if !v.by_sector.is_empty() {
                    table {
                        thead { tr {
                            th scope="col" { (lang.t("incidents.col.sector")) }
                            th scope="col" class="num" { (lang.t("alerts.col.organizations")) }
                        } }
                        tbody { @for (s, n) in &v.by_sector { tr { td { (sector_name(lang, s)) } td.num { (n) } } } }
                    }
                }
                p { (lang.t("alerts.preview_then_issue")) }
            }
        }
        form.stack method="post" action="/alerts/new" {
            (layout::csrf(page))
            @if let Some(i) = sent.opt("from_incident") {
                input type="hidden" name="from_incident" value=(i);
                p.note { (lang.t("alerts.from_incident_note")) }
            }
            @if let Some(r) = sent.opt("relay_of") {
                input type="hidden" name="relay_of" value=(r);
                p.note { (lang.t("alerts.relay_note")) }
            }
            div {
                label for="alert-title-ja" { (lang.t("alerts.field.title_ja")) }
                input #alert-title-ja type="text" name="title_ja" lang="ja" maxlength="300" value=(sent.get("title_ja")) aria-describedby="alert-title-ja-error";
                (field_error(lang, "alert-title-ja-error", err("title_ja")))
            }
            div {
                label for="alert-body-ja" { (lang.t("alerts.field.body_ja")) }
                textarea #alert-body-ja name="body_ja" lang="ja" rows="5" aria-describedby="alert-body-ja-error" { (sent.get("body_ja")) }
                (field_error(lang, "alert-body-ja-error", err("body_ja")))
            }
            div {
                label for="alert-title-en" { (lang.t("alerts.field.title_en")) }
                input #alert-title-en type="text" name="title" lang="en" maxlength="300" value=(sent.get("title")) aria-describedby="alert-title-help alert-title-en-error";
                small #alert-title-help { (lang.t("alerts.field.title_help")) }
                (field_error(lang, "alert-title-en-error", err("title")))
            }
            div {
                label for="alert-body-en" { (lang.t("alerts.field.body_en")) }
                textarea #alert-body-en name="body" lang="en" rows="5" aria-describedby="alert-body-en-error" { (sent.get("body")) }
                (field_error(lang, "alert-body-en-error", err("body")))
            }
            div {
                label for="alert-tlp" { (lang.t("incidents.field.tlp")) }
                select #alert-tlp name="tlp" aria-describedby="alert-tlp-error" { (tlp_options(lang, tlp)) }
                (field_error(lang, "alert-tlp-error", err("tlp")))
            }
            div {
                label for="alert-severity" { (lang.t("alerts.col.severity")) }
                select #alert-severity name="severity" {
                    option value="" { (lang.t("alerts.no_severity")) }
                    @for s in AlertSeverity::ALL {
                        option value=(s.as_str()) selected[sent.get("severity") == s.as_str()] { (lang.value("severity", s.as_str())) }
                    }
                }
            }
            div {
                label for="alert-deadline" { (lang.t("alerts.col.deadline")) }
                input #alert-deadline type="datetime-local" name="deadline" value=(sent.get("deadline")) aria-describedby="alert-deadline-help alert-deadline-error";
                small #alert-deadline-help { (lang.t("incidents.field.time_help")) }
                (field_error(lang, "alert-deadline-error", err("deadline")))
            }
            div {
                label for="alert-actions" { (lang.t("alerts.field.actions")) }
                textarea #alert-actions name="actions" rows="4" aria-describedby="alert-actions-help alert-actions-error" { (sent.get("actions")) }
                small #alert-actions-help { (lang.t("alerts.field.one_per_line")) }
                (field_error(lang, "alert-actions-error", err("actions")))
            }
            fieldset aria-describedby="alert-targets-error" {
                legend { (lang.t("alerts.field.targets")) }
                div {
                    input #alert-target-all type="checkbox" name="all" value="true" checked[sent.has("all", "true")];
                    " "
                    label for="alert-target-all" { (lang.t("alerts.field.all")) }
                }
                fieldset {
                    legend { (lang.t("alerts.field.sectors")) }
                    @for s in &sectors {
                        @let id = format!("alert-sector-{s}");
                        div {
                            input id=(id) type="checkbox" name="sectors" value=(s) checked[sent.has("sectors", s)];
                            " "
                            label for=(id) { (sector_name(lang, s)) }
                        }
                    }
                }
                details open[!sent.all("organizations").is_empty()] {
                    summary { (lang.t("alerts.field.organizations")) }
                    @for o in &orgs {
                        @let id = format!("alert-org-{}", o.id.0);
                        div {
                            input id=(id) type="checkbox" name="organizations" value=(o.id.0) checked[sent.has("organizations", &o.id.0.to_string())];
                            " "
                            label for=(id) { (o.name) " (" (sector_names(lang, o.sectors.iter().map(String::as_str))) ")" }
                        }
                    }
                }
                div {
                    label for="alert-exposed-to" { (lang.t("alerts.field.exposed_to")) }
                    textarea #alert-exposed-to name="exposed_to" rows="2" aria-describedby="alert-exposed-help" { (sent.get("exposed_to")) }
                    small #alert-exposed-help { (lang.t("alerts.field.exposed_help")) }
                }
                (field_error(lang, "alert-targets-error", err("targets")))
            }
            div {
                label for="alert-recipients" { (lang.t("alerts.field.recipients")) }
                input #alert-recipients type="text" name="recipients" value=(sent.get("recipients")) aria-describedby="alert-recipients-help alert-recipients-error";
                small #alert-recipients-help { (lang.t("alerts.field.recipients_help")) }
                (field_error(lang, "alert-recipients-error", err("recipients")))
            }
            div {
                label for="alert-vulnerabilities" { (lang.t("alerts.vulnerabilities")) }
                textarea #alert-vulnerabilities name="vulnerabilities" rows="2" aria-describedby="alert-vulnerabilities-help alert-vulnerabilities-error" { (sent.get("vulnerabilities")) }
                small #alert-vulnerabilities-help { (lang.t("alerts.field.one_per_line")) }
                (field_error(lang, "alert-vulnerabilities-error", err("vulnerabilities")))
            }
            div {
                label for="alert-indicators" { (lang.t("alerts.indicators")) }
                textarea #alert-indicators name="indicators" rows="3" aria-describedby="alert-indicators-help alert-indicators-error" { (sent.get("indicators")) }
                small #alert-indicators-help { (lang.t("incidents.field.indicators_help")) }
                (field_error(lang, "alert-indicators-error", err("indicators")))
            }
            div.buttons {
                button #alert-preview type="submit" name="action" value="preview" { (lang.t("alerts.preview")) }
                @if preview.is_some() {
                    " "
                    button #alert-issue type="submit" name="action" value="issue" { (lang.t("alerts.issue")) }
                }
            }
        }
    })
}

/// Where the composer was opened from: a report's page or an alert's.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ComposerQuery {
    from_incident: Option<i64>,
    relay_of: Option<i64>,
}

/// `/alerts/new` (`?from_incident=` from a report's page, `?relay_of=`
/// from an alert's).
pub async fn composer(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ComposerQuery>,
) -> Result<Response, AppError> {
    issuer(&page.p)?;
    let mut sent = Fields::default();
    for (name, v) in [("from_incident", q.from_incident), ("relay_of", q.relay_of)] {
        if let Some(v) = v {
            sent.0.push((name.to_owned(), v.to_string()));
        }
    }
    let body = composer_page(&state, &page, &sent, None, None).await?;
    Ok(html(
        StatusCode::OK,
        layout::page(&page, page.lang.t("alerts.compose"), body),
    ))
}

/// The composer's fields as the API's body.
fn body_of(f: &Fields) -> Result<NewAlertBody, AppError> {
    let id = |name: &str| -> Result<Option<i64>, AppError> {
        f.opt(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| AppError::BadRequest(format!("{name}: not an id")))
            })
            .transpose()
    };
    let mut organizations = Vec::new();
    for o in f.all("organizations") {
        organizations.push(o.parse().map_err(|_| {
            AppError::BadRequest(format!("targets.organizations: {o:?} is not an id"))
        })?);
    }
    Ok(NewAlertBody {
        title: f.opt("title"),
        body: f.opt("body"),
        title_ja: f.opt("title_ja"),
        body_ja: f.opt("body_ja"),
        tlp: f.opt("tlp"),
        severity: f.opt("severity"),
        deadline: parts::zoned_input("deadline", f.get("deadline"))?,
        actions: f.lines("actions"),
        targets: Targets {
            all: f.has("all", "true"),
            sectors: f.all("sectors").into_iter().map(str::to_owned).collect(),
            organizations,
            exposed_to: f.lines("exposed_to"),
        },
        recipients: parts::ids(f.get("recipients"))
            .map_err(|v| AppError::BadRequest(format!("recipients: {v:?} is not a user id")))?,
        vulnerabilities: f.lines("vulnerabilities"),
        indicators: f
            .lines("indicators")
            .into_iter()
            .map(IndicatorBody::Value)
            .collect(),
        from_incident: id("from_incident")?,
        relay_of: id("relay_of")?,
    })
}

/// The composer's buttons: "preview" (how many organisations by sector,
/// nothing issued) and "issue".
pub async fn compose(
    State(state): State<AppState>,
    Posted { page, form, .. }: Posted<Fields>,
) -> Result<Response, AppError> {
    issuer(&page.p)?;
    let issuing = form.get("action") == "issue";
    let result = match body_of(&form) {
        Ok(b) if issuing => issue(&state, &page.p, b).await.map(Err),
        Ok(b) => preview_of(&state, &page.p, b).await.map(Ok),
        Err(e) => Err(e),
    };
    let (preview, refusal) = match result {
        Ok(Err(id)) => {
            return Ok(see_other(&format!(
                "/alerts/{}/progress?done=alerts.issued",
                id.0
            )));
        }
        Ok(Ok(p)) => (Some(p), None),
        Err(e) => (None, Some(Refusal::of(e)?)),
    };
    let body = composer_page(&state, &page, &form, preview.as_ref(), refusal.as_ref()).await?;
    let status = if refusal.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(html(
        status,
        layout::page(&page, page.lang.t("alerts.compose"), body),
    ))
}
