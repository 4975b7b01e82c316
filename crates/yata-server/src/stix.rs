//! Incident reports in and out as STIX 2.1 (`yata-stix`): a bundle filed
//! as a report keeps every object (stored as given) and gives the report
//! its title (its incident's, report's or grouping's name, else its first
//! named object's), description, TLP (the strictest marking in the bundle;
//! AMBER when it has none, or `?tlp=`), indicators with when they were
//! seen, and vulnerabilities; the export is the bundle again plus objects
//! for what the report gained since, or a new bundle for a report filed as
//! JSON.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use yata_indicator::Indicator;
use yata_model::{Tlp, VulnId};
use yata_stix::{Bundle, Limits, ReportExport};
use yata_store::{IncidentId, IncidentIndicator, IncidentStatus, NewIncident, ServiceImpact};

use crate::api::incidents::MAX_INDICATORS;
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access};

/// A bundle as a new report of the caller's organisation.
pub async fn report(
    _state: &AppState,
    p: &Principal,
    bytes: &[u8],
    tlp: Option<Tlp>,
) -> Result<(NewIncident, Vec<String>), AppError> {
    let bundle = Bundle::parse(bytes, &Limits::default()).map_err(|e| AppError::Unprocessable {
        message: "not a STIX 2.1 bundle this platform reads".into(),
        errors: vec![e.to_string()],
    })?;
    let x = yata_stix::extract(&bundle);
    if x.indicators.len() > MAX_INDICATORS {
        return Err(AppError::Unprocessable {
            message: "too many indicators".into(),
            errors: vec![format!(
                "the bundle holds {} indicators; a report holds at most {MAX_INDICATORS}",
                x.indicators.len()
            )],
        });
    }
    let now = Timestamp::now();
    let first = x.first_seen.unwrap_or(now);
    let last = x.last_seen.unwrap_or(first).max(first);
    let mut indicators: Vec<IncidentIndicator> = x
        .indicators
        .iter()
        .map(|i| {
            let f = i.first_seen.unwrap_or(first);
            IncidentIndicator {
                kind: i.indicator.kind().as_str().to_owned(),
                value: i.indicator.value().to_owned(),
                first_seen: Some(f),
                last_seen: Some(i.last_seen.unwrap_or(last).max(f)),
            }
        })
        .collect();
    indicators.sort_by(|a, b| (&a.kind, &a.value).cmp(&(&b.kind, &b.value)));
    indicators.dedup_by(|a, b| a.kind == b.kind && a.value == b.value);
    // A bundle without incident, report or grouping is named by its first
    // named object (an indicator's name says more than the bundle's id).
    let title = if x.title == bundle.id() {
        bundle
            .objects()
            .iter()
            .find_map(|o| o.str("name"))
            .unwrap_or(&x.title)
    } else {
        &x.title
    };
    let title: String = title
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(300)
        .collect();
    let tlp = tlp.or(x.tlp).unwrap_or(Tlp::Amber);
    if tlp == Tlp::Red {
        return Err(AppError::BadRequest(
            "tlp: a TLP:RED report names its recipients: file it as JSON with recipients".into(),
        ));
    }
    Ok((
        NewIncident {
            org: p.org.id,
            reporter_user: p.user,
            title: if title.trim().is_empty() {
                bundle.id().to_owned()
            } else {
                title
            },
            description: x.description.unwrap_or_default(),
            status: IncidentStatus::Suspected,
            tlp,
            detected_at: x.first_seen,
            started_at: None,
            contained_at: None,
            service_impact: ServiceImpact::None,
            continuity_impact: None,
            handling: None,
            assets: Vec::new(),
            vulnerabilities: x
                .vulnerabilities
                .iter()
                .map(|v| v.as_str().to_owned())
                .collect(),
            indicators,
            recipients: Vec::new(),
            stix: Some(bundle.to_json().to_string()),
        },
        x.warnings,
    ))
}

/// `GET /api/v1/incidents/{incident}/stix`: the report as a STIX 2.1 bundle.
pub async fn export(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (i, org) = visibility::incident(&state, &p, IncidentId(id), Access::Read).await?;
    let imported = match state.store().incident_stix(i.head.id).await? {
        Some(text) => Some(
            Bundle::parse(text.as_bytes(), &Limits::default())
                .map_err(|e| AppError::internal(format!("stored bundle of incident {id}: {e}")))?,
        ),
        None => None,
    };
    let indicators: Vec<Indicator> = i
        .indicators
        .iter()
        .filter_map(|x| Indicator::parse_as(x.kind.parse().ok()?, &x.value).ok())
        .collect();
    let vulnerabilities: Vec<VulnId> = i
        .vulnerabilities
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let report_id = format!("incident:{}", i.head.id.0);
    let bundle = yata_stix::export(&ReportExport {
        report_id: &report_id,
        title: &i.head.title,
        description: Some(i.head.description.as_str()).filter(|d| !d.is_empty()),
        status: i.head.status.as_str(),
        created: i.head.created_at,
        modified: i.head.updated_at,
        tlp: i.head.tlp,
        author: Some(&org.name),
        indicators: &indicators,
        vulnerabilities: &vulnerabilities,
        imported: imported.as_ref(),
    });
    Ok((
        [(header::CONTENT_TYPE, "application/stix+json;version=2.1")],
        bundle.to_json().to_string(),
    )
        .into_response())
}
