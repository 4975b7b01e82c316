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
    pub to: String,
    pub justification: Option<String>,
    pub note: String,
    pub expires_at: Option<String>,
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

/// Why a requested move is refused: the field, the rule it breaks (a
/// stable name the web UI looks its message up by: `required`,
/// `not_allowed`, `invalid`, `length`, `future`, `workflow`) and the
/// API's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub rule: &'static str,
    pub message: String,
}

impl FieldError {
    fn new(field: &'static str, rule: &'static str, message: String) -> FieldError {
        FieldError {
            field,
            rule,
            message,
        }
    }

    /// The API's answer, the field named after `prefix` (`transitions[2].`):
    /// 409 for a move the workflow does not allow, else 400.
    pub fn into_app_error(self, prefix: &str) -> AppError {
        let message = format!("{prefix}{}: {}", self.field, self.message);
        if self.rule == "workflow" {
            AppError::Conflict(message)
        } else {
            AppError::BadRequest(message)
        }
    }
}

/// The move `body` asks of a finding now in `from`, checked: the
/// workflow allows it, a note is given, `not_affected` has a VEX
/// justification and `risk_accepted` a future expiry. Shared by the API
/// and the web UI's transition form.
pub fn checked(from: FindingState, body: &TransitionBody) -> Result<Transition, FieldError> {
    let to: FindingState = body
        .to
        .parse()
        .map_err(|e: yata_store::UnknownValue| FieldError::new("to", "invalid", e.to_string()))?;
    if !allowed(from, to) {
        return Err(FieldError::new(
            "to",
            "workflow",
            format!("a finding cannot move from {from} to {to}"),
        ));
    }
    let note = body.note.trim();
    if note.is_empty() || note.chars().count() > 4000 {
        return Err(FieldError::new(
            "note",
            "length",
            "must be 1 to 4000 characters".into(),
        ));
    }
    let justification = match (to, body.justification.as_deref()) {
        (FindingState::NotAffected, Some(j)) => {
            let kind = yata_vex::JustificationKind::from_openvex(j)
                .or_else(|| yata_vex::JustificationKind::from_cyclonedx(j))
                .ok_or_else(|| {
                    FieldError::new(
                        "justification",
                        "invalid",
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
            return Err(FieldError::new(
                "justification",
                "required",
                "required to mark a finding not_affected".into(),
            ));
        }
        (_, Some(_)) => {
            return Err(FieldError::new(
                "justification",
                "not_allowed",
                "only for not_affected".into(),
            ));
        }
        (_, None) => None,
    };
    let risk_accepted_until = match (to, body.expires_at.as_deref()) {
        (FindingState::RiskAccepted, Some(e)) => {
            let t: Timestamp = e
                .parse()
                .map_err(|e| FieldError::new("expires_at", "invalid", format!("{e}")))?;
            if t <= Timestamp::now() {
                return Err(FieldError::new(
                    "expires_at",
                    "future",
                    "must be in the future".into(),
                ));
            }
            Some(t)
        }
        (FindingState::RiskAccepted, None) => {
            return Err(FieldError::new(
                "expires_at",
                "required",
                "required to accept a risk".into(),
            ));
        }
        (_, Some(_)) => {
            return Err(FieldError::new(
                "expires_at",
                "not_allowed",
                "only for risk_accepted".into(),
            ));
        }
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
    let t = checked(finding.state, &body).map_err(|e| e.into_app_error(""))?;
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
            checked(finding.state, &body)
                .map_err(|e| e.into_app_error(&format!("transitions[{i}].")))?,
        ));
    }
    state.store().transition_findings(&p.actor, &moves).await?;
    Ok(Json(json!({ "applied": moves.len() })))
}

/// A stored finding's work-list key, from the assessment its explanation
/// keeps (the fields of `yata scan --format json`).
pub fn work_key(f: &Finding) -> yata_priority::WorkKey {
    let v: Value = serde_json::from_str(&f.explanation).unwrap_or(Value::Null);
    let text = |v: &Value| v.as_str().map(str::to_owned).unwrap_or_default();
    let decisions = yata_priority::Decisions {
        bod_26_04: text(&v["decision"])
            .parse()
            .unwrap_or(yata_priority::Timeline::FixOnSystemUpgrade),
        deployer: text(&v["ssvc"]["deployer"])
            .parse()
            .unwrap_or(yata_priority::DeployerPriority::Defer),
        coordinator: text(&v["ssvc"]["coordinator"])
            .parse()
            .unwrap_or(yata_priority::CoordinatorDecision::Track),
        forensics: v["forensics"].as_bool().unwrap_or(false),
    };
    yata_priority::WorkKey {
        deadline_days: v["deadline_days"].as_u64().map(|d| d as u32),
        decisions,
        epss: v["epss"]["score"].as_f64(),
        cvss: v["cvss"]["base"].as_f64(),
        id: f.vuln_id.clone(),
    }
}

/// Findings in the order `yata scan` lists them: by deadline (here the
/// stored date, sooner first, none last), then decision urgency, EPSS,
/// CVSS and id as `yata_priority::cmp_work` orders them; then finding id.
pub fn work_order(findings: &mut [Finding]) {
    let mut keyed: Vec<(yata_priority::WorkKey, Finding)> =
        findings.iter().map(|f| (work_key(f), f.clone())).collect();
    keyed.sort_by(|(ka, a), (kb, b)| {
        match (a.deadline, b.deadline) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| yata_priority::cmp_work(ka, kb))
        .then_with(|| a.id.cmp(&b.id))
    });
    for (slot, (_, f)) in findings.iter_mut().zip(keyed) {
        *slot = f;
    }
}
