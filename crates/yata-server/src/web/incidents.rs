//! Incident reports (flow 6): the list of the reports the caller sees, the
//! report form (fields or a STIX 2.1 bundle), and a report's page with its
//! indicators, timeline, attachments, related reports (the NCO and the
//! ministries) and the forms of the reporter (update, attachment) and of
//! the hops (annotation). Everything goes through `api::incidents`'
//! shared functions, so routing and TLP are the API's.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use yata_model::Tlp;
use yata_store::{
    Incident, IncidentHead, IncidentId, IncidentStatus, OrgKind, Organization, Role, ServiceImpact,
};

use super::parts::{self, Fields, Refusal, field_error, tlp_badge, tlp_options};
use super::{Lang, Page, Posted, html, layout, see_other};
use crate::api::incidents::{
    IndicatorBody, NewIncidentBody, UpdateBody, add_attachment, annotation, apply_update, file,
    from_body, timeline, visible_reports, writer,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

fn is_writer(page: &Page) -> bool {
    matches!(page.p.role, Role::Admin | Role::Analyst)
}

fn sectors(lang: Lang, org: &Organization) -> String {
    parts::sector_names(lang, org.sectors.iter().map(String::as_str))
}

/// `/incidents`: the reports the caller sees, newest first.
pub async fn list(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let lang = page.lang;
    let reports = visible_reports(&state, &page.p).await?;
    let body = html! {
        @if is_writer(&page) {
            p { a.button href="/incidents/new" { (lang.t("incidents.new")) } }
        }
        @if reports.is_empty() {
            p { (lang.t("incidents.empty")) }
        } @else {
            div.table-wrap { table {
                caption.visually-hidden { (lang.t("incidents.title")) }
                thead { tr {
                    th scope="col" { (lang.t("incidents.col.title")) }
                    th scope="col" { (lang.t("incidents.col.organization")) }
                    th scope="col" { (lang.t("incidents.col.sector")) }
                    th scope="col" { (lang.t("incidents.col.status")) }
                    th scope="col" { "TLP" }
                    th scope="col" { (lang.t("incidents.col.impact")) }
                    th scope="col" { (lang.t("incidents.col.updated")) }
                } }
                tbody { @for (h, org) in &reports { tr {
                    td { a href=(format!("/incidents/{}", h.id.0)) { (h.title) } }
                    td { (org.name) }
                    td { (sectors(lang, org)) }
                    td { (lang.value("incident_status", h.status.as_str())) }
                    td { (tlp_badge(lang, h.tlp)) }
                    td { (lang.value("service_impact", h.service_impact.as_str())) }
                    td { (lang.datetime(h.updated_at)) }
                } } }
            } }
        }
    };
    Ok(html(
        StatusCode::OK,
        layout::page(&page, lang.t("incidents.title"), body),
    ))
}

/// The report form, filled with `sent` and showing `refusal` next to its
/// field.
async fn form_page(
    state: &AppState,
    page: &Page,
    sent: &Fields,
    refusal: Option<&Refusal>,
) -> Result<Markup, AppError> {
    let lang = page.lang;
    let org = visibility::organization(state, &page.p, page.p.org.id, Object::Status, Access::Read)
        .await?;
    let assets = state.store().assets(org.id).await?;
    let err = |f: &str| Refusal::at(refusal, f);
    let status = match sent.get("status") {
        "" => "suspected",
        s => s,
    };
    let tlp = match sent.get("tlp") {
        "" => "amber",
        t => t,
    };
    let impact = match sent.get("service_impact") {
        "" => "none",
        s => s,
    };
    const FIELDS: &[&str] = &[
        "title",
        "description",
        "status",
        "tlp",
        "detected_at",
        "started_at",
        "service_impact",
        "continuity_impact",
        "handling",
        "asset_ids",
        "vulnerabilities",
        "indicators",
        "recipients",
        "stix",
    ];
    Ok(html! {
        (parts::refusal_summary(lang, refusal, FIELDS))
        p { (lang.t("incidents.form.intro")) }
        form.stack method="post" action="/incidents/new" enctype="multipart/form-data" {
            (layout::csrf(page))
            div {
                label for="incident-title" { (lang.t("incidents.field.title")) }
                input #incident-title type="text" name="title" maxlength="300" value=(sent.get("title"))
                    aria-describedby="incident-title-error";
                (field_error(lang, "incident-title-error", err("title")))
            }
            div {
                label for="incident-description" { (lang.t("incidents.field.description")) }
                textarea #incident-description name="description" rows="5" aria-describedby="incident-description-error" { (sent.get("description")) }
                (field_error(lang, "incident-description-error", err("description")))
            }
            div {
                label for="incident-status" { (lang.t("incidents.field.status")) }
                select #incident-status name="status" aria-describedby="incident-status-error" {
                    @for s in IncidentStatus::ALL {
                        option value=(s.as_str()) selected[status == s.as_str()] { (lang.value("incident_status", s.as_str())) }
                    }
                }
                (field_error(lang, "incident-status-error", err("status")))
            }
            div {
                label for="incident-tlp" { (lang.t("incidents.field.tlp")) }
                select #incident-tlp name="tlp" aria-describedby="incident-tlp-help incident-tlp-error" {
                    (tlp_options(lang, tlp))
                }
                small #incident-tlp-help { (lang.t("incidents.field.tlp_help")) }
                (field_error(lang, "incident-tlp-error", err("tlp")))
            }
            div {
                label for="incident-recipients" { (lang.t("incidents.field.recipients")) }
                input #incident-recipients type="text" name="recipients" value=(sent.get("recipients"))
                    aria-describedby="incident-recipients-help incident-recipients-error";
                small #incident-recipients-help { (lang.t("incidents.field.recipients_help")) }
                (field_error(lang, "incident-recipients-error", err("recipients")))
            }
            div {
                label for="incident-detected" { (lang.t("incidents.field.detected_at")) }
                input #incident-detected type="datetime-local" name="detected_at" value=(sent.get("detected_at"))
                    aria-describedby="incident-time-help incident-detected-error";
                (field_error(lang, "incident-detected-error", err("detected_at")))
            }
            div {
                label for="incident-started" { (lang.t("incidents.field.started_at")) }
                input #incident-started type="datetime-local" name="started_at" value=(sent.get("started_at"))
                    aria-describedby="incident-time-help incident-started-error";
                small #incident-time-help { (lang.t("incidents.field.time_help")) }
                (field_error(lang, "incident-started-error", err("started_at")))
            }
            div {
                label for="incident-impact" { (lang.t("incidents.field.service_impact")) }
                select #incident-impact name="service_impact" aria-describedby="incident-impact-error" {
                    @for s in ServiceImpact::ALL {
                        option value=(s.as_str()) selected[impact == s.as_str()] { (lang.value("service_impact", s.as_str())) }
                    }
                }
                (field_error(lang, "incident-impact-error", err("service_impact")))
            }
            div {
                label for="incident-continuity" { (lang.t("incidents.field.continuity_impact")) }
                textarea #incident-continuity name="continuity_impact" rows="3" aria-describedby="incident-continuity-error" { (sent.get("continuity_impact")) }
                (field_error(lang, "incident-continuity-error", err("continuity_impact")))
            }
            div {
                label for="incident-handling" { (lang.t("incidents.field.handling")) }
                textarea #incident-handling name="handling" rows="3" aria-describedby="incident-handling-error" { (sent.get("handling")) }
                (field_error(lang, "incident-handling-error", err("handling")))
            }
            fieldset aria-describedby="incident-assets-error" {
                legend { (lang.t("incidents.field.assets")) }
                @if assets.is_empty() {
                    p { (lang.t("incidents.field.no_assets")) }
                }
                @for a in &assets {
                    @let id = format!("incident-asset-{}", a.id.0);
                    div {
                        input id=(id) type="checkbox" name="asset_ids" value=(a.id.0)
                            checked[sent.has("asset_ids", &a.id.0.to_string())];
                        " "
                        label for=(id) { (a.name) }
                    }
                }
                (field_error(lang, "incident-assets-error", err("asset_ids")))
            }
            div {
                label for="incident-vulnerabilities" { (lang.t("incidents.field.vulnerabilities")) }
                textarea #incident-vulnerabilities name="vulnerabilities" rows="3"
                    aria-describedby="incident-vulnerabilities-help incident-vulnerabilities-error" { (sent.get("vulnerabilities")) }
                small #incident-vulnerabilities-help { (lang.t("incidents.field.vulnerabilities_help")) }
                (field_error(lang, "incident-vulnerabilities-error", err("vulnerabilities")))
            }
            div {
                label for="incident-indicators" { (lang.t("incidents.field.indicators")) }
                textarea #incident-indicators name="indicators" rows="5"
                    aria-describedby="incident-indicators-help incident-indicators-error" { (sent.get("indicators")) }
                small #incident-indicators-help { (lang.t("incidents.field.indicators_help")) }
                (field_error(lang, "incident-indicators-error", err("indicators")))
            }
            fieldset {
                legend { (lang.t("incidents.field.stix_legend")) }
                label for="incident-stix" { (lang.t("incidents.field.stix")) }
                input #incident-stix type="file" name="stix" accept=".json,application/stix+json,application/json"
                    aria-describedby="incident-stix-help incident-stix-error";
                small #incident-stix-help { (lang.t("incidents.field.stix_help")) }
                (field_error(lang, "incident-stix-error", err("stix")))
            }
            div { button #incident-submit type="submit" { (lang.t("incidents.form.submit")) } }
        }
    })
}

/// `/incidents/new`.
pub async fn new_form(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    writer(&page.p)?;
    let body = form_page(&state, &page, &Fields::default(), None).await?;
    Ok(html(
        StatusCode::OK,
        layout::page(&page, page.lang.t("incidents.form.title"), body),
    ))
}

/// The report the form describes: a STIX bundle when one was chosen,
/// else the fields, checked by the API's rules.
async fn from_form(
    state: &AppState,
    page: &Page,
    f: &Fields,
    stix: Option<&[u8]>,
) -> Result<yata_store::NewIncident, AppError> {
    if let Some(bytes) = stix {
        let tlp: Option<Tlp> = match f.get("tlp") {
            "" => None,
            t => Some(crate::api::parse_enum("tlp", t)?),
        };
        return Ok(crate::stix::report(state, &page.p, bytes, tlp).await?.0);
    }
    let mut asset_ids = Vec::new();
    for a in f.all("asset_ids") {
        asset_ids.push(
            a.parse()
                .map_err(|_| AppError::BadRequest(format!("asset_ids: {a:?} is not an asset")))?,
        );
    }
    let recipients = parts::ids(f.get("recipients"))
        .map_err(|v| AppError::BadRequest(format!("recipients: {v:?} is not a user id")))?;
    let body = NewIncidentBody {
        title: f.get("title").to_owned(),
        description: f.get("description").to_owned(),
        status: f.get("status").to_owned(),
        tlp: f.get("tlp").to_owned(),
        indicators: f
            .lines("indicators")
            .into_iter()
            .map(IndicatorBody::Value)
            .collect(),
        vulnerabilities: f.lines("vulnerabilities"),
        asset_ids,
        detected_at: parts::zoned_input("detected_at", f.get("detected_at"))?,
        started_at: parts::zoned_input("started_at", f.get("started_at"))?,
        contained_at: None,
        service_impact: f.opt("service_impact"),
        continuity_impact: f.opt("continuity_impact"),
        handling: f.opt("handling"),
        recipients,
    };
    from_body(state, &page.p, body).await
}

/// The report form: filed through `api::incidents::file`; a refusal
/// shows the form again with the error next to its field, nothing filed.
pub async fn create(
    State(state): State<AppState>,
    Posted { page, form, files }: Posted<Fields>,
) -> Result<Response, AppError> {
    writer(&page.p)?;
    let stix = files
        .iter()
        .find(|u| u.field == "stix" && !u.bytes.is_empty())
        .map(|u| u.bytes.as_ref());
    let filed = match from_form(&state, &page, &form, stix).await {
        Ok(new) => file(&state, &page.p, &new).await,
        Err(e) => Err(e),
    };
    match filed {
        Ok(id) => Ok(see_other(&format!(
            "/incidents/{}?done=incidents.filed",
            id.0
        ))),
        Err(e) => {
            let refusal = Refusal::of(e)?;
            let body = form_page(&state, &page, &form, Some(&refusal)).await?;
            Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                layout::page(&page, page.lang.t("incidents.form.title"), body),
            ))
        }
    }
}

/// Related reports of `i` for the NCO and ministries: id, title, sectors
/// and the shared indicators.
async fn related(
    state: &AppState,
    page: &Page,
    i: &Incident,
) -> Result<Vec<(IncidentHead, Vec<String>, Vec<(String, String)>)>, AppError> {
    if !matches!(page.p.org.kind, OrgKind::Nco | OrgKind::Ministry) {
        return Ok(Vec::new());
    }
    let v = crate::correlation::related_of(state, &page.p, i.head.id).await?;
    let rows = v["related"].as_array().cloned().unwrap_or_default();
    let ids: Vec<IncidentId> = rows
        .iter()
        .filter_map(|r| r["id"].as_i64().map(IncidentId))
        .collect();
    let heads: BTreeMap<IncidentId, IncidentHead> = state
        .store()
        .incident_heads(&ids)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    Ok(rows
        .iter()
        .filter_map(|r| {
            let head = heads.get(&IncidentId(r["id"].as_i64()?))?.clone();
            let sectors = r["sectors"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let shared = r["shared"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|s| {
                            (
                                s["type"].as_str().unwrap_or("").to_owned(),
                                s["value"].as_str().unwrap_or("").to_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some((head, sectors, shared))
        })
        .collect())
}

/// A report's page; `refusal` is a refused update, annotation or file
/// (the `form` it names: `update`, `annotate`, `attach`).
async fn report_page(
    state: &AppState,
    page: &Page,
    id: IncidentId,
    refusal: Option<(&str, &Refusal)>,
) -> Result<Response, AppError> {
    let lang = page.lang;
    let (i, org) = visibility::incident(state, &page.p, id, Access::Read).await?;
    let h = &i.head;
    let entries = timeline(state, &page.p, &i, &org).await?;
    let mut assets = Vec::new();
    for a in &i.assets {
        if let Ok((asset, _)) =
            visibility::asset(state, &page.p, *a, Object::Status, Access::Read).await
        {
            assets.push(asset);
        }
    }
    let related = related(state, page, &i).await?;
    let reporter_writes = visibility::writes(&page.p, &org, Object::Incidents);
    let hop_writes = visibility::is_hop(&page.p, &org) && is_writer(page);
    let shares = matches!(page.p.org.kind, OrgKind::Nco | OrgKind::Ministry)
        && is_writer(page)
        && crate::tlp::derive(h.tlp, h.tlp).is_ok();
    let refused = |form: &str| refusal.filter(|(f, _)| *f == form).map(|(_, r)| r);
    let yes_no = |b: bool| {
        if b {
            lang.t("common.yes")
        } else {
            lang.t("common.no")
        }
    };
    let body = html! {
        p.actions {
            a href=(format!("/api/v1/incidents/{}/stix", h.id.0)) download { (lang.t("incidents.stix_export")) }
            @if shares {
                " "
                a.button href=(format!("/alerts/new?from_incident={}", h.id.0)) { (lang.t("incidents.share_as_alert")) }
            }
        }
        dl.facts {
            dt { (lang.t("incidents.col.organization")) }
            dd { (org.name) " (" (lang.value("kind", org.kind.as_str())) ")" }
            dt { (lang.t("incidents.col.sector")) }
            dd { (sectors(lang, &org)) }
            dt { (lang.t("incidents.col.status")) }
            dd { (lang.value("incident_status", h.status.as_str())) }
            dt { "TLP" }
            dd { (tlp_badge(lang, h.tlp)) " " (lang.t(&format!("tlp_help.{}", super::i18n::slug(h.tlp.as_str())))) }
            dt { (lang.t("incidents.field.service_impact")) }
            dd { (lang.value("service_impact", h.service_impact.as_str())) }
            @for (label, t) in [
                (lang.t("incidents.field.detected_at"), h.detected_at),
                (lang.t("incidents.field.started_at"), h.started_at),
                (lang.t("incidents.field.contained_at"), h.contained_at),
            ] {
                @if let Some(t) = t {
                    dt { (label) }
                    dd { time datetime=(crate::api::rfc3339(t)) title="JST" { (lang.datetime(t)) } }
                }
            }
            dt { (lang.t("incidents.filed_at")) }
            dd { (lang.datetime(h.created_at)) " — " (h.reporter) }
            dt { (lang.t("incidents.col.updated")) }
            dd { (lang.datetime(h.updated_at)) }
            dt { (lang.t("incidents.from_stix")) }
            dd { (yes_no(h.from_stix)) }
        }
        @if !h.description.is_empty() {
            h2 { (lang.t("incidents.field.description")) }
            p.prewrap { (h.description) }
        }
        @if let Some(c) = &h.continuity_impact {
            h2 { (lang.t("incidents.field.continuity_impact")) }
            p.prewrap { (c) }
        }
        @if let Some(c) = &h.handling {
            h2 { (lang.t("incidents.field.handling")) }
            p.prewrap { (c) }
        }
        @if !assets.is_empty() {
            h2 { (lang.t("incidents.field.assets")) }
            ul { @for a in &assets { li { a href=(format!("/assets/{}", a.id.0)) { (a.name) } } } }
        }
        @if !i.vulnerabilities.is_empty() {
            h2 { (lang.t("incidents.field.vulnerabilities")) }
            ul { @for v in &i.vulnerabilities { li { code { (v) } } } }
        }
        h2 #indicators { (lang.t("incidents.indicators")) }
        @if i.indicators.is_empty() {
            p { (lang.t("incidents.no_indicators")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (lang.t("incidents.indicator.type")) }
                    th scope="col" { (lang.t("incidents.indicator.value")) }
                    th scope="col" { (lang.t("incidents.indicator.first_seen")) }
                    th scope="col" { (lang.t("incidents.indicator.last_seen")) }
                } }
                tbody { @for x in &i.indicators { tr {
                    td { (x.kind) }
                    td { code { (x.value) } }
                    td { @if let Some(t) = x.first_seen { (lang.datetime(t)) } }
                    td { @if let Some(t) = x.last_seen { (lang.datetime(t)) } }
                } } }
            } }
        }
        @if matches!(page.p.org.kind, OrgKind::Nco | OrgKind::Ministry) {
            h2 #related { (lang.t("incidents.related")) }
            @if related.is_empty() {
                p { (lang.t("incidents.no_related")) }
            } @else {
                div.table-wrap { table {
                    thead { tr {
                        th scope="col" { (lang.t("incidents.col.title")) }
                        th scope="col" { (lang.t("incidents.col.sector")) }
                        th scope="col" { (lang.t("incidents.shared")) }
                    } }
                    tbody { @for (rh, rs, shared) in &related { tr {
                        td { a href=(format!("/incidents/{}", rh.id.0)) { (rh.title) } }
                        td { (parts::sector_names(lang, rs.iter().map(String::as_str))) }
                        td { @for (k, v) in shared { code { (v) } " (" (k) ") " } }
                    } } }
                } }
            }
        }
        h2 #timeline { (lang.t("incidents.timeline")) }
        @if entries.is_empty() {
            p { (lang.t("incidents.no_timeline")) }
        } @else {
            ol.timeline { @for e in &entries { li {
                (lang.datetime(e.at)) " — " (lang.value("timeline", e.kind.as_str())) " — " (e.actor)
                @if let Some(s) = e.status { " → " (lang.value("incident_status", s.as_str())) }
                @if !e.to_reporter { " " span.badge { (lang.t("incidents.hops_only")) } }
                @if !e.body.is_empty() { p.prewrap { (e.body) } }
            } } }
        }
        h2 #attachments { (lang.t("incidents.attachments")) }
        @if i.attachments.is_empty() {
            p { (lang.t("incidents.no_attachments")) }
        } @else {
            ul { @for a in &i.attachments { li {
                a href=(format!("/api/v1/incidents/{}/attachments/{}", h.id.0, a.id.0)) download { (a.name) }
                " (" (a.size) " B, SHA-256 " code { (a.digest) } ")"
            } } }
        }
        @if reporter_writes {
            @let r = refused("attach");
            form.stack method="post" action=(format!("/incidents/{}/attachments", h.id.0)) enctype="multipart/form-data" {
                (layout::csrf(page))
                (parts::refusal_summary(lang, r, &["name", "body"]))
                div {
                    label for="attachment-file" { (lang.t("incidents.attach.file")) }
                    input #attachment-file type="file" name="file" required aria-describedby="attachment-error";
                    (field_error(lang, "attachment-error", Refusal::at(r, "body").or(Refusal::at(r, "name"))))
                }
                div { button #attachment-submit type="submit" { (lang.t("incidents.attach.submit")) } }
            }
            (update_form(page, &i, refused("update")))
        }
        @if hop_writes {
            @let r = refused("annotate");
            h2 #annotate { (lang.t("incidents.annotate.title")) }
            form.stack method="post" action=(format!("/incidents/{}/annotate", h.id.0)) {
                (layout::csrf(page))
                (parts::refusal_summary(lang, r, &["body"]))
                div {
                    label for="annotation-body" { (lang.t("incidents.annotate.body")) }
                    textarea #annotation-body name="body" rows="4" required aria-describedby="annotation-error" {}
                    (field_error(lang, "annotation-error", Refusal::at(r, "body")))
                }
                div {
                    input #annotation-to-reporter type="checkbox" name="to_reporter" value="true" checked;
                    " "
                    label for="annotation-to-reporter" { (lang.t("incidents.annotate.to_reporter")) }
                }
                div { button #annotation-submit type="submit" { (lang.t("incidents.annotate.submit")) } }
            }
        }
    };
    let status = if refusal.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(html(status, layout::page(page, &h.title, body)))
}

/// The reporter's update form.
fn update_form(page: &Page, i: &Incident, refusal: Option<&Refusal>) -> Markup {
    let lang = page.lang;
    let h = &i.head;
    let err = |f: &str| Refusal::at(refusal, f);
    html! {
        h2 #update { (lang.t("incidents.update.title")) }
        form.stack method="post" action=(format!("/incidents/{}/update", h.id.0)) {
            (layout::csrf(page))
            (parts::refusal_summary(lang, refusal, &["note", "status", "contained_at", "service_impact", "continuity_impact", "handling", "indicators", "vulnerabilities"]))
            div {
                label for="update-note" { (lang.t("incidents.update.note")) }
                textarea #update-note name="note" rows="3" required aria-describedby="update-note-error" {}
                (field_error(lang, "update-note-error", err("note")))
            }
            div {
                label for="update-status" { (lang.t("incidents.field.status")) }
                select #update-status name="status" {
                    @for s in IncidentStatus::ALL {
                        option value=(s.as_str()) selected[h.status == *s] { (lang.value("incident_status", s.as_str())) }
                    }
                }
            }
            div {
                label for="update-contained" { (lang.t("incidents.field.contained_at")) }
                input #update-contained type="datetime-local" name="contained_at" value=(parts::local_value(h.contained_at))
                    aria-describedby="update-contained-help update-contained-error";
                small #update-contained-help { (lang.t("incidents.field.time_help")) }
                (field_error(lang, "update-contained-error", err("contained_at")))
            }
            div {
                label for="update-impact" { (lang.t("incidents.field.service_impact")) }
                select #update-impact name="service_impact" {
                    @for s in ServiceImpact::ALL {
                        option value=(s.as_str()) selected[h.service_impact == *s] { (lang.value("service_impact", s.as_str())) }
                    }
                }
            }
            div {
                label for="update-continuity" { (lang.t("incidents.field.continuity_impact")) }
                textarea #update-continuity name="continuity_impact" rows="3" { (h.continuity_impact.as_deref().unwrap_or("")) }
            }
            div {
                label for="update-handling" { (lang.t("incidents.field.handling")) }
                textarea #update-handling name="handling" rows="3" { (h.handling.as_deref().unwrap_or("")) }
            }
            div {
                label for="update-indicators" { (lang.t("incidents.update.indicators")) }
                textarea #update-indicators name="indicators" rows="3" aria-describedby="incident-indicators-help update-indicators-error" {}
                small #incident-indicators-help { (lang.t("incidents.field.indicators_help")) }
                (field_error(lang, "update-indicators-error", err("indicators")))
            }
            div {
                label for="update-vulnerabilities" { (lang.t("incidents.update.vulnerabilities")) }
                textarea #update-vulnerabilities name="vulnerabilities" rows="2" aria-describedby="update-vulnerabilities-error" {}
                (field_error(lang, "update-vulnerabilities-error", err("vulnerabilities")))
            }
            div { button #update-submit type="submit" { (lang.t("incidents.update.submit")) } }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    report_page(&state, &page, IncidentId(id), None).await
}

/// A refused form of the report's page: the page again with the error.
async fn refused(
    state: &AppState,
    page: &Page,
    id: IncidentId,
    form: &str,
    e: AppError,
) -> Result<Response, AppError> {
    let refusal = Refusal::of(e)?;
    report_page(state, page, id, Some((form, &refusal))).await
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { page, form, .. }: Posted<Fields>,
) -> Result<Response, AppError> {
    let id = IncidentId(id);
    let (i, _) = visibility::incident(&state, &page.p, id, Access::Write).await?;
    let changed =
        |field: &str, now: &Option<String>| form.opt(field).filter(|v| Some(v) != now.as_ref());
    let contained_at = match parts::zoned_input("contained_at", form.get("contained_at")) {
        Ok(t) => t.filter(|t| Some(*t) != i.head.contained_at),
        Err(e) => return refused(&state, &page, id, "update", e).await,
    };
    let b = UpdateBody {
        note: form.get("note").to_owned(),
        status: form.opt("status").filter(|s| s != i.head.status.as_str()),
        contained_at,
        service_impact: form
            .opt("service_impact")
            .filter(|s| s != i.head.service_impact.as_str()),
        continuity_impact: changed("continuity_impact", &i.head.continuity_impact),
        handling: changed("handling", &i.head.handling),
        indicators: form
            .lines("indicators")
            .into_iter()
            .map(IndicatorBody::Value)
            .collect(),
        vulnerabilities: form.lines("vulnerabilities"),
    };
    match apply_update(&state, &page.p, id, b).await {
        Ok(_) => Ok(see_other(&format!(
            "/incidents/{}?done=incidents.updated#timeline",
            id.0
        ))),
        Err(e) => refused(&state, &page, id, "update", e).await,
    }
}

pub async fn annotate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { page, form, .. }: Posted<Fields>,
) -> Result<Response, AppError> {
    let id = IncidentId(id);
    let to_reporter = form.has("to_reporter", "true");
    match annotation(&state, &page.p, id, form.get("body"), to_reporter).await {
        Ok(()) => Ok(see_other(&format!(
            "/incidents/{}?done=incidents.annotated#timeline",
            id.0
        ))),
        Err(e) => refused(&state, &page, id, "annotate", e).await,
    }
}

pub async fn attach(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { page, files, .. }: Posted<Fields>,
) -> Result<Response, AppError> {
    let id = IncidentId(id);
    let Some(upload) = files.iter().find(|u| u.field == "file") else {
        return refused(
            &state,
            &page,
            id,
            "attach",
            AppError::BadRequest("body: choose a file".into()),
        )
        .await;
    };
    let name = upload.file_name.as_deref().unwrap_or("");
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match add_attachment(
        &state,
        &page.p,
        id,
        name,
        "application/octet-stream",
        &upload.bytes,
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/incidents/{}?done=incidents.attached#attachments",
            id.0
        ))),
        Err(e) => refused(&state, &page, id, "attach", e).await,
    }
}
