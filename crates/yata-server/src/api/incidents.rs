//! Incident reports: filed by an organisation (JSON or a STIX 2.1 bundle),
//! routed up the chain, updated by the reporter, annotated by the hops,
//! with attachments; read through [`crate::visibility`] and [`crate::tlp`].

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use yata_indicator::{Indicator, Kind};
use yata_model::{Tlp, VulnId};
use yata_store::{
    AssetId, AttachmentId, Incident, IncidentHead, IncidentId, IncidentIndicator, IncidentStatus,
    IncidentUpdate, NewAttachment, NewIncident, OrgKind, Organization, Role, ServiceImpact,
    TimelineEntry, UserId,
};

use crate::api::{parse_enum, rfc3339};
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access};

/// At most this many indicators per report (a bundle or a form).
pub const MAX_INDICATORS: usize = 10_000;
/// At most this many vulnerabilities per report.
const MAX_VULNERABILITIES: usize = 1_000;
/// Titles are one line of at most this many characters.
const MAX_TITLE: usize = 300;
/// Free texts (description, notes) at most this many bytes.
const MAX_TEXT: usize = 100_000;
/// Reports listed at most.
const LIST_LIMIT: u32 = 1_000;

/// An indicator as a report gives it: a value (kind inferred, defanged
/// forms accepted) or `{"type", "value", "first_seen"?, "last_seen"?}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum IndicatorBody {
    Value(String),
    Typed {
        #[serde(rename = "type")]
        kind: String,
        value: String,
        first_seen: Option<Timestamp>,
        last_seen: Option<Timestamp>,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewIncidentBody {
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) description: String,
    pub(crate) status: String,
    pub(crate) tlp: String,
    #[serde(default)]
    pub(crate) indicators: Vec<IndicatorBody>,
    #[serde(default)]
    pub(crate) vulnerabilities: Vec<String>,
    #[serde(default)]
    pub(crate) asset_ids: Vec<i64>,
    pub(crate) detected_at: Option<Timestamp>,
    pub(crate) started_at: Option<Timestamp>,
    pub(crate) contained_at: Option<Timestamp>,
    pub(crate) service_impact: Option<String>,
    pub(crate) continuity_impact: Option<String>,
    pub(crate) handling: Option<String>,
    #[serde(default)]
    pub(crate) recipients: Vec<i64>,
}

fn check_title(field: &str, s: &str) -> Result<String, AppError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > MAX_TITLE || s.contains(['\n', '\r']) {
        return Err(AppError::BadRequest(format!(
            "{field}: one line of 1 to {MAX_TITLE} characters"
        )));
    }
    Ok(s.to_owned())
}

fn check_text(field: &str, s: &str) -> Result<(), AppError> {
    if s.len() > MAX_TEXT {
        return Err(AppError::BadRequest(format!(
            "{field}: at most {MAX_TEXT} bytes"
        )));
    }
    Ok(())
}

/// Normalises a report's indicators; errors name the entry.
pub fn indicators(
    given: &[IndicatorBody],
    default_first: Timestamp,
    default_last: Timestamp,
) -> Result<Vec<IncidentIndicator>, AppError> {
    if given.len() > MAX_INDICATORS {
        return Err(AppError::BadRequest(format!(
            "indicators: at most {MAX_INDICATORS}"
        )));
    }
    let mut out: BTreeMap<(Kind, String), IncidentIndicator> = BTreeMap::new();
    for (i, g) in given.iter().enumerate() {
        let (parsed, first, last) = match g {
            IndicatorBody::Value(v) => (Indicator::parse(v), None, None),
            IndicatorBody::Typed {
                kind,
                value,
                first_seen,
                last_seen,
            } => {
                let kind: Kind = kind
                    .parse()
                    .map_err(|e| AppError::BadRequest(format!("indicators[{i}].type: {e}")))?;
                (Indicator::parse_as(kind, value), *first_seen, *last_seen)
            }
        };
        let ind = parsed.map_err(|e| AppError::BadRequest(format!("indicators[{i}]: {e}")))?;
        let first = first.unwrap_or(default_first);
        let last = last.unwrap_or(default_last).max(first);
        let entry = out
            .entry((ind.kind(), ind.value().to_owned()))
            .or_insert_with(|| IncidentIndicator {
                kind: ind.kind().as_str().to_owned(),
                value: ind.value().to_owned(),
                first_seen: Some(first),
                last_seen: Some(last),
            });
        entry.first_seen = entry.first_seen.min(Some(first));
        entry.last_seen = entry.last_seen.max(Some(last));
    }
    Ok(out.into_values().collect())
}

/// Vulnerability ids as given (any alias), validated and deduplicated.
fn vulnerabilities(given: &[String]) -> Result<Vec<String>, AppError> {
    if given.len() > MAX_VULNERABILITIES {
        return Err(AppError::BadRequest(format!(
            "vulnerabilities: at most {MAX_VULNERABILITIES}"
        )));
    }
    let mut out = Vec::with_capacity(given.len());
    for (i, v) in given.iter().enumerate() {
        let id: VulnId = v
            .parse()
            .map_err(|e| AppError::BadRequest(format!("vulnerabilities[{i}]: {e}")))?;
        out.push(id.as_str().to_owned());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The named people of a TLP:RED report: each must belong to an
/// organisation the report is routed to (its own, its ministries, the NCO).
async fn red_recipients(
    state: &AppState,
    reporter: &Organization,
    tlp: Tlp,
    given: &[i64],
) -> Result<Vec<UserId>, AppError> {
    if tlp != Tlp::Red {
        if !given.is_empty() {
            return Err(AppError::BadRequest(
                "recipients: only a TLP:RED report names its recipients".into(),
            ));
        }
        return Ok(Vec::new());
    }
    if given.is_empty() {
        return Err(AppError::BadRequest(
            "recipients: a TLP:RED report reaches only named people: give their user ids".into(),
        ));
    }
    let mut out = Vec::new();
    for (i, &u) in given.iter().enumerate() {
        let mut routed = false;
        for m in state.store().memberships(UserId(u)).await? {
            let Some(org) = state.organization(m.org).await? else {
                continue;
            };
            let hop = org.id == reporter.id
                || org.kind == OrgKind::Nco
                || (org.kind == OrgKind::Ministry
                    && matches!(reporter.kind, OrgKind::Operator | OrgKind::Government)
                    && reporter.sectors.iter().any(|s| org.sectors.contains(s)));
            routed |= hop;
        }
        if !routed {
            return Err(AppError::BadRequest(format!(
                "recipients[{i}]: user {u} is not a member of an organisation this report goes to"
            )));
        }
        out.push(UserId(u));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

pub(crate) fn writer(p: &Principal) -> Result<(), AppError> {
    if matches!(p.role, Role::Admin | Role::Analyst) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "role {} may not file or change reports",
            p.role
        )))
    }
}

/// `POST /api/v1/incidents`: a JSON report, or a STIX 2.1 bundle with
/// `Content-Type: application/stix+json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateQuery {
    /// A STIX bundle's marking when it has none (default amber).
    tlp: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<CreateQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    writer(&p)?;
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (new, warnings) = match media.as_str() {
        "application/stix+json" => {
            let tlp = q.tlp.as_deref().map(|t| parse_enum("tlp", t)).transpose()?;
            crate::stix::report(&state, &p, &body, tlp).await?
        }
        "application/json" => {
            let body: NewIncidentBody = serde_json::from_slice(&body)
                .map_err(|e| AppError::BadRequest(format!("body: {e}")))?;
            (from_body(&state, &p, body).await?, Vec::new())
        }
        other => {
            return Err(AppError::BadRequest(format!(
                "content-type {other:?}: expected application/json or application/stix+json"
            )));
        }
    };
    let id = file(&state, &p, &new).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id.0, "warnings": warnings })),
    ))
}

/// Files a report (the API's and the web form's one way in) and brings
/// the correlation index up to date with it.
pub(crate) async fn file(
    state: &AppState,
    p: &Principal,
    new: &NewIncident,
) -> Result<IncidentId, AppError> {
    writer(p)?;
    let id = state.store().create_incident(&p.actor, new).await?;
    crate::correlation::refresh(state).await?;
    Ok(id)
}

/// A JSON report's body checked into what the store keeps (errors name
/// the field: `title: …`, `indicators[2]: …`).
pub(crate) async fn from_body(
    state: &AppState,
    p: &Principal,
    b: NewIncidentBody,
) -> Result<NewIncident, AppError> {
    let title = check_title("title", &b.title)?;
    check_text("description", &b.description)?;
    for (field, text) in [
        ("continuity_impact", &b.continuity_impact),
        ("handling", &b.handling),
    ] {
        if let Some(t) = text {
            check_text(field, t)?;
        }
    }
    let tlp: Tlp = parse_enum("tlp", &b.tlp)?;
    let now = Timestamp::now();
    let first = b.started_at.or(b.detected_at).unwrap_or(now);
    let last = b.detected_at.unwrap_or(now).max(first);
    let mut assets = Vec::with_capacity(b.asset_ids.len());
    for (i, &a) in b.asset_ids.iter().enumerate() {
        // Only the reporter's own assets: anything else is "not found".
        match state.store().asset(AssetId(a)).await? {
            Some(asset) if asset.org == p.org.id => assets.push(asset.id),
            _ => {
                return Err(AppError::BadRequest(format!(
                    "asset_ids[{i}]: no asset {a} in your organisation"
                )));
            }
        }
    }
    assets.sort();
    assets.dedup();
    Ok(NewIncident {
        org: p.org.id,
        reporter_user: p.user,
        title,
        description: b.description,
        status: parse_enum("status", &b.status)?,
        tlp,
        detected_at: b.detected_at,
        started_at: b.started_at,
        contained_at: b.contained_at,
        service_impact: b
            .service_impact
            .as_deref()
            .map(|s| parse_enum("service_impact", s))
            .transpose()?
            .unwrap_or(ServiceImpact::None),
        continuity_impact: b.continuity_impact,
        handling: b.handling,
        assets,
        vulnerabilities: vulnerabilities(&b.vulnerabilities)?,
        indicators: indicators(&b.indicators, first, last)?,
        recipients: red_recipients(state, &p.org, tlp, &b.recipients).await?,
        stix: None,
    })
}

pub(crate) fn head_json(h: &IncidentHead, org: &Organization) -> Value {
    json!({
        "id": h.id.0,
        "organization": { "id": org.id.0, "name": org.name, "kind": org.kind.as_str() },
        "sectors": org.sectors,
        "title": h.title,
        "status": h.status.as_str(),
        "tlp": h.tlp.as_str(),
        "service_impact": h.service_impact.as_str(),
        "detected_at": h.detected_at.map(rfc3339),
        "started_at": h.started_at.map(rfc3339),
        "contained_at": h.contained_at.map(rfc3339),
        "from_stix": h.from_stix,
        "created_at": rfc3339(h.created_at),
        "updated_at": rfc3339(h.updated_at),
    })
}

fn timeline_json(e: &TimelineEntry) -> Value {
    json!({
        "at": rfc3339(e.at),
        "kind": e.kind.as_str(),
        "by": e.actor,
        "organization_id": e.org.0,
        "to_reporter": e.to_reporter,
        "status": e.status.map(|s| s.as_str()),
        "body": e.body,
    })
}

/// The report's timeline as the caller may read it: the reporting
/// organisation sees its own entries and the annotations addressed to it;
/// hops see all.
pub(crate) async fn timeline(
    state: &AppState,
    p: &Principal,
    i: &Incident,
    org: &Organization,
) -> Result<Vec<TimelineEntry>, AppError> {
    let hop = visibility::is_hop(p, org);
    Ok(state
        .store()
        .incident_timeline(i.head.id)
        .await?
        .into_iter()
        .filter(|e| hop || e.to_reporter || e.org == org.id)
        .collect())
}

/// The report as the caller may read it: the reporting organisation sees
/// its own entries and the annotations addressed to it; hops see all.
async fn incident_json(
    state: &AppState,
    p: &Principal,
    i: &Incident,
    org: &Organization,
) -> Result<Value, AppError> {
    let timeline: Vec<Value> = timeline(state, p, i, org)
        .await?
        .iter()
        .map(timeline_json)
        .collect();
    let mut v = head_json(&i.head, org);
    let extra = json!({
        "description": i.head.description,
        "continuity_impact": i.head.continuity_impact,
        "handling": i.head.handling,
        "reporter": i.head.reporter,
        "recipients": i.head.recipients.iter().map(|u| u.0).collect::<Vec<_>>(),
        "asset_ids": i.assets.iter().map(|a| a.0).collect::<Vec<_>>(),
        "vulnerabilities": i.vulnerabilities,
        "indicators": i.indicators.iter().map(|x| json!({
            "type": x.kind, "value": x.value,
            "first_seen": x.first_seen.map(rfc3339), "last_seen": x.last_seen.map(rfc3339),
        })).collect::<Vec<_>>(),
        "attachments": i.attachments.iter().map(|a| json!({
            "id": a.id.0, "name": a.name, "media_type": a.media_type, "size": a.size,
            "sha256": a.digest, "created_at": rfc3339(a.created_at), "by": a.actor,
        })).collect::<Vec<_>>(),
        "timeline": timeline,
    });
    if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
        m.extend(e);
    }
    Ok(v)
}

pub async fn get(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (i, org) = visibility::incident(&state, &p, IncidentId(id), Access::Read).await?;
    Ok(Json(incident_json(&state, &p, &i, &org).await?))
}

/// The reports the caller may see: its own organisation's, its sectors'
/// (a ministry), every one (the NCO), under TLP; newest first.
pub async fn list(State(state): State<AppState>, p: Principal) -> Result<Json<Value>, AppError> {
    let reports = visible_reports(&state, &p).await?;
    Ok(Json(json!({
        "incidents": reports.iter().map(|(h, o)| head_json(h, o)).collect::<Vec<_>>(),
    })))
}

/// The reports `p` sees with their organisations, newest first.
pub(crate) async fn visible_reports(
    state: &AppState,
    p: &Principal,
) -> Result<Vec<(IncidentHead, Organization)>, AppError> {
    let orgs: BTreeMap<_, _> = state
        .store()
        .organizations()
        .await?
        .into_iter()
        .filter(|o| visibility::sees_reports_of(p, o))
        .map(|o| (o.id, o))
        .collect();
    let heads = if p.org.kind == yata_store::OrgKind::Nco {
        state.store().incidents(None, LIST_LIMIT).await?
    } else {
        let ids: Vec<_> = orgs.keys().copied().collect();
        state.store().incidents(Some(&ids), LIST_LIMIT).await?
    };
    Ok(heads
        .into_iter()
        .filter(|h| crate::tlp::reads_report(p, h))
        .filter_map(|h| orgs.get(&h.org).cloned().map(|o| (h, o)))
        .collect())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    pub(crate) note: String,
    pub(crate) status: Option<String>,
    pub(crate) contained_at: Option<Timestamp>,
    pub(crate) service_impact: Option<String>,
    pub(crate) continuity_impact: Option<String>,
    pub(crate) handling: Option<String>,
    #[serde(default)]
    pub(crate) indicators: Vec<IndicatorBody>,
    #[serde(default)]
    pub(crate) vulnerabilities: Vec<String>,
}

/// `POST /api/v1/incidents/{incident}/updates`: the reporter's change.
pub async fn update(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    Json(b): Json<UpdateBody>,
) -> Result<Json<Value>, AppError> {
    let (i, org) = apply_update(&state, &p, IncidentId(id), b).await?;
    Ok(Json(incident_json(&state, &p, &i, &org).await?))
}

/// The reporter's change to report `id` (the API's and the web form's);
/// the report as it is afterwards.
pub(crate) async fn apply_update(
    state: &AppState,
    p: &Principal,
    id: IncidentId,
    b: UpdateBody,
) -> Result<(Incident, Organization), AppError> {
    let (i, _) = visibility::incident(state, p, id, Access::Write).await?;
    check_text("note", &b.note)?;
    if b.note.trim().is_empty() {
        return Err(AppError::BadRequest(
            "note: say what changed (it goes into the timeline)".into(),
        ));
    }
    for (field, text) in [
        ("continuity_impact", &b.continuity_impact),
        ("handling", &b.handling),
    ] {
        if let Some(t) = text {
            check_text(field, t)?;
        }
    }
    let now = Timestamp::now();
    let status: Option<IncidentStatus> = b
        .status
        .as_deref()
        .map(|s| parse_enum("status", s))
        .transpose()?;
    let known = i.indicators.len();
    let add = indicators(&b.indicators, now, now)?;
    if known + add.len() > MAX_INDICATORS {
        return Err(AppError::BadRequest(format!(
            "indicators: a report holds at most {MAX_INDICATORS}"
        )));
    }
    let u = IncidentUpdate {
        status,
        contained_at: b.contained_at,
        service_impact: b
            .service_impact
            .as_deref()
            .map(|s| parse_enum("service_impact", s))
            .transpose()?,
        continuity_impact: b.continuity_impact,
        handling: b.handling,
        add_indicators: add,
        add_vulnerabilities: vulnerabilities(&b.vulnerabilities)?,
        note: b.note,
    };
    state
        .store()
        .update_incident(&p.actor, i.head.id, &u)
        .await?;
    crate::correlation::refresh(state).await?;
    visibility::incident(state, p, i.head.id, Access::Read).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnotationBody {
    body: String,
    /// Whether the reporting organisation sees it (default: yes).
    to_reporter: Option<bool>,
}

/// `POST /api/v1/incidents/{incident}/annotations`: a hop's note.
pub async fn annotate(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    Json(b): Json<AnnotationBody>,
) -> Result<StatusCode, AppError> {
    annotation(
        &state,
        &p,
        IncidentId(id),
        &b.body,
        b.to_reporter.unwrap_or(true),
    )
    .await?;
    Ok(StatusCode::CREATED)
}

/// A hop's note on report `id` (the API's and the web form's).
pub(crate) async fn annotation(
    state: &AppState,
    p: &Principal,
    id: IncidentId,
    body: &str,
    to_reporter: bool,
) -> Result<(), AppError> {
    let (i, org) = visibility::incident(state, p, id, Access::Read).await?;
    if !visibility::is_hop(p, &org) {
        return Err(AppError::Forbidden(
            "annotations are the ministries' and the NCO's; the reporter posts updates".into(),
        ));
    }
    writer(p)?;
    check_text("body", body)?;
    if body.trim().is_empty() {
        return Err(AppError::BadRequest("body: empty".into()));
    }
    state
        .store()
        .annotate_incident(&p.actor, i.head.id, p.org.id, to_reporter, body)
        .await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachQuery {
    name: String,
}

/// Largest attachment.
pub const MAX_ATTACHMENT: usize = 10 << 20;

/// `POST /api/v1/incidents/{incident}/attachments?name=…`: a file, kept
/// with its SHA-256.
pub async fn attach(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    Query(q): Query<AttachQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 255)
        .unwrap_or("application/octet-stream");
    let a = add_attachment(&state, &p, IncidentId(id), &q.name, media_type, &body).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": a.0 }))))
}

/// The reporter's file on report `id` (the API's and the web form's).
pub(crate) async fn add_attachment(
    state: &AppState,
    p: &Principal,
    id: IncidentId,
    name: &str,
    media_type: &str,
    body: &[u8],
) -> Result<AttachmentId, AppError> {
    let (i, org) = visibility::incident(state, p, id, Access::Write).await?;
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > 255
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control)
    {
        return Err(AppError::BadRequest(
            "name: a file name of 1 to 255 characters without slashes".into(),
        ));
    }
    if body.is_empty() {
        return Err(AppError::BadRequest("body: empty file".into()));
    }
    if body.len() > MAX_ATTACHMENT {
        return Err(AppError::BadRequest(format!(
            "body: attachments are at most {MAX_ATTACHMENT} bytes"
        )));
    }
    let a = state
        .store()
        .add_attachment(
            &p.actor,
            i.head.id,
            org.id,
            &NewAttachment {
                name: name.to_owned(),
                media_type: media_type.to_owned(),
                body: body.to_vec(),
            },
        )
        .await?;
    Ok(a)
}

/// `GET /api/v1/incidents/{incident}/attachments/{attachment}`: the file,
/// always as a download (never rendered by the browser).
pub async fn attachment(
    State(state): State<AppState>,
    p: Principal,
    Path((id, att)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (i, _) = visibility::incident(&state, &p, IncidentId(id), Access::Read).await?;
    let (meta, body) = state
        .store()
        .attachment(i.head.id, AttachmentId(att))
        .await?
        .ok_or(AppError::NotFound)?;
    let ascii: String = meta
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (
                header::HeaderName::from_static("x-content-sha256"),
                meta.digest,
            ),
        ],
        body,
    )
        .into_response())
}
