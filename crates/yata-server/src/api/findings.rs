//! Findings: listing, one finding with its history, workflow transitions,
//! and the organisation's decisions as VEX.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use yata_store::{AssetId, Finding, FindingFilter, FindingId, FindingState, OrgId, Transition};

use crate::api::{parse_enum, rfc3339};
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

/// A finding as the API shows it: `yata scan --format json`'s fields (kept
/// as computed, in `explanation`) plus the workflow's.
fn write_finding(out: &mut String, f: &Finding) {
    let head = json!({
        "finding_id": f.id.0,
        "asset_id": f.asset.0,
        "organization_id": f.org.0,
        "subject": f.subject,
        "state": f.state.as_str(),
        "present": f.present,
        "first_seen": rfc3339(f.first_seen),
        "last_seen": rfc3339(f.last_seen),
        "state_changed_at": rfc3339(f.state_changed_at),
        "deadline": f.deadline.map(rfc3339),
        "overdue": f.deadline.is_some_and(|d| d < Timestamp::now())
            && matches!(f.state, FindingState::Open | FindingState::InTriage),
        "justification": f.justification,
        "risk_accepted_until": f.risk_accepted_until.map(rfc3339),
    })
    .to_string();
    // The stored explanation is a JSON object; splice its members after the
    // workflow fields instead of parsing and re-serialising it.
    let rest = f.explanation.trim();
    match rest.strip_prefix('{').map(str::trim_start) {
        Some(members) if members != "}" && members.ends_with('}') => {
            out.push_str(&head[..head.len() - 1]);
            out.push(',');
            out.push_str(members);
        }
        _ => out.push_str(&head),
    }
}

fn findings_response(findings: &[Finding]) -> Response {
    let mut out = String::with_capacity(64 + findings.len() * 1500);
    out.push_str("{\"findings\":[");
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_finding(&mut out, f);
    }
    out.push_str("]}");
    ([(header::CONTENT_TYPE, "application/json")], out).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    state: Option<String>,
    asset: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let org =
        visibility::organization(&state, &p, OrgId(org), Object::Status, Access::Read).await?;
    let filter = FindingFilter {
        org: org.id,
        asset: q.asset.map(AssetId),
        state: q
            .state
            .as_deref()
            .map(|s| parse_enum::<FindingState>("state", s))
            .transpose()?,
    };
    let findings = state.store().findings(&filter).await?;
    Ok(findings_response(&findings))
}

pub async fn get(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (finding, _) = visibility::finding(&state, &p, FindingId(id), Access::Read).await?;
    let mut out = String::new();
    write_finding(&mut out, &finding);
    Ok(([(header::CONTENT_TYPE, "application/json")], out).into_response())
}

pub async fn history(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let (finding, _) = visibility::finding(&state, &p, FindingId(id), Access::Read).await?;
    let history = state.store().finding_history(finding.id).await?;
    Ok(Json(json!({
        "transitions": history.iter().map(|t| json!({
            "at": rfc3339(t.at),
            "actor": t.actor,
            "from": t.from.as_str(),
            "to": t.to.as_str(),
            "justification": t.justification,
            "note": t.note,
        })).collect::<Vec<_>>()
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    to: String,
    justification: Option<String>,
    note: String,
    expires_at: Option<String>,
}

/// Whether the workflow allows `from` → `to`: anything may go to triage or
/// to a decision; a decision may be reopened or taken back to triage.
pub fn allowed(from: FindingState, to: FindingState) -> bool {
    use FindingState::*;
    match (from, to) {
        (a, b) if a == b => false,
        (Open | InTriage, _) => true,
        (_, Open | InTriage) => true,
        _ => false,
    }
}

/// The move `body` asks of a finding now in `from`, checked: the
/// workflow allows it, a note is given, `not_affected` has a VEX
/// justification and `risk_accepted` a future expiry. Messages start with
/// `prefix` (`transitions[2].`) and the field.
fn checked(
    prefix: &str,
    from: FindingState,
    body: &TransitionBody,
) -> Result<Transition, AppError> {
    let bad =
        |field: &str, message: String| AppError::BadRequest(format!("{prefix}{field}: {message}"));
    let to: FindingState = body
        .to
        .parse()
        .map_err(|e: yata_store::UnknownValue| bad("to", e.to_string()))?;
    if !allowed(from, to) {
        return Err(AppError::Conflict(format!(
            "{prefix}to: a finding cannot move from {from} to {to}"
        )));
    }
    let note = body.note.trim();
    if note.is_empty() || note.chars().count() > 4000 {
        return Err(bad("note", "must be 1 to 4000 characters".into()));
    }
    let justification = match (to, body.justification.as_deref()) {
        (FindingState::NotAffected, Some(j)) => {
            let kind = yata_vex::JustificationKind::from_openvex(j)
                .or_else(|| yata_vex::JustificationKind::from_cyclonedx(j))
                .ok_or_else(|| {
                    bad(
                        "justification",
                        format!(
                            "{j:?} is not a VEX justification (one of {})",
                            yata_vex::JustificationKind::ALL
                                .iter()
                                .map(|k| k.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })?;
            Some(kind.as_str().to_owned())
        }
        (FindingState::NotAffected, None) => {
            return Err(bad(
                "justification",
                "required to mark a finding not_affected".into(),
            ));
        }
        (_, Some(_)) => return Err(bad("justification", "only for not_affected".into())),
        (_, None) => None,
    };
    let risk_accepted_until = match (to, body.expires_at.as_deref()) {
        (FindingState::RiskAccepted, Some(e)) => {
            let t: Timestamp = e.parse().map_err(|e| bad("expires_at", format!("{e}")))?;
            if t <= Timestamp::now() {
                return Err(bad("expires_at", "must be in the future".into()));
            }
            Some(t)
        }
        (FindingState::RiskAccepted, None) => {
            return Err(bad("expires_at", "required to accept a risk".into()));
        }
        (_, Some(_)) => return Err(bad("expires_at", "only for risk_accepted".into())),
        (_, None) => None,
    };
    Ok(Transition {
        from,
        to,
        justification,
        note: note.to_owned(),
        risk_accepted_until,
    })
}

pub async fn transition(
    State(state): State<AppState>,
    p: Principal,
    Path(id): Path<i64>,
    Json(body): Json<TransitionBody>,
) -> Result<Response, AppError> {
    let (finding, _) = visibility::finding(&state, &p, FindingId(id), Access::Write).await?;
    let t = checked("", finding.state, &body)?;
    state
        .store()
        .transition_finding(&p.actor, finding.id, &t)
        .await?;
    let updated = state
        .store()
        .finding(finding.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut out = String::new();
    write_finding(&mut out, &updated);
    Ok(([(header::CONTENT_TYPE, "application/json")], out).into_response())
}

/// One move of a batch: a transition and the finding it moves.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    finding_id: i64,
    to: String,
    justification: Option<String>,
    note: String,
    expires_at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    transitions: Vec<BatchItem>,
}

/// Most moves one batch may carry.
const MAX_BATCH: usize = 10_000;

/// Moves many findings in one transaction: all, or none.
pub async fn transition_batch(
    State(state): State<AppState>,
    p: Principal,
    Json(body): Json<BatchBody>,
) -> Result<Json<serde_json::Value>, AppError> {
    if body.transitions.is_empty() || body.transitions.len() > MAX_BATCH {
        return Err(AppError::BadRequest(format!(
            "transitions: 1 to {MAX_BATCH} moves"
        )));
    }
    let mut moves = Vec::with_capacity(body.transitions.len());
    let mut seen = std::collections::HashSet::new();
    for (i, item) in body.transitions.iter().enumerate() {
        if !seen.insert(item.finding_id) {
            return Err(AppError::BadRequest(format!(
                "transitions[{i}].finding_id: finding {} appears twice",
                item.finding_id
            )));
        }
        let (finding, _) =
            visibility::finding(&state, &p, FindingId(item.finding_id), Access::Write).await?;
        let body = TransitionBody {
            to: item.to.clone(),
            justification: item.justification.clone(),
            note: item.note.clone(),
            expires_at: item.expires_at.clone(),
        };
        moves.push((
            finding.id,
            checked(&format!("transitions[{i}]."), finding.state, &body)?,
        ));
    }
    state.store().transition_findings(&p.actor, &moves).await?;
    Ok(Json(json!({ "applied": moves.len() })))
}
