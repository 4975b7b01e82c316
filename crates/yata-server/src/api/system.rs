//! Probes, metrics, the OpenAPI document and the audit log.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use yata_store::Role;

use crate::api::rfc3339;
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility;

/// The process answers.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The store answers and the knowledge is loaded.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    if !state.is_ready() {
        return Err(AppError::Unavailable("loading advisories".into()));
    }
    state.store().sectors().await.map_err(|e| {
        tracing::error!(error = %e, "readiness: the store does not answer");
        AppError::Unavailable("the store does not answer".into())
    })?;
    let k = state.knowledge();
    Ok(Json(json!({
        "status": "ready",
        "store": state.store().backend().to_string(),
        "vulnerabilities": k.db.len(),
        "feed_digest": k.digest,
    })))
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics().render(),
    )
        .into_response()
}

pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::document().to_string(),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    after: Option<u64>,
    limit: Option<u32>,
}

/// The audit log, in order (NCO admins and auditors).
pub async fn audit(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Value>, AppError> {
    if !visibility::is_nco(&p, &[Role::Admin, Role::Auditor]) {
        return Err(AppError::Forbidden(
            "only NCO admins and auditors read the audit log".into(),
        ));
    }
    let limit = q.limit.unwrap_or(1000).clamp(1, 10_000);
    let entries = state
        .store()
        .audit_entries(q.after.unwrap_or(0), limit)
        .await?;
    Ok(Json(json!({
        "entries": entries.iter().map(|e| json!({
            "seq": e.seq,
            "at": rfc3339(e.at),
            "actor": e.actor,
            "action": e.action,
            "object": e.object,
            "details": serde_json::from_str::<Value>(&e.details).unwrap_or(Value::Null),
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        })).collect::<Vec<_>>()
    })))
}

/// Recomputes the audit chain (NCO admins and auditors).
pub async fn audit_verify(
    State(state): State<AppState>,
    p: Principal,
) -> Result<(StatusCode, Json<Value>), AppError> {
    if !visibility::is_nco(&p, &[Role::Admin, Role::Auditor]) {
        return Err(AppError::Forbidden(
            "only NCO admins and auditors read the audit log".into(),
        ));
    }
    Ok(match state.store().verify_audit().await? {
        Ok(n) => (
            StatusCode::OK,
            Json(json!({ "intact": true, "entries": n })),
        ),
        Err(b) => (
            StatusCode::OK,
            Json(json!({ "intact": false, "broken_at": b.seq, "reason": b.reason })),
        ),
    })
}
