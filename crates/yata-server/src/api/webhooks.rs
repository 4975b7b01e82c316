//! An organisation's webhooks and their delivery logs (its admins only;
//! how events become deliveries is in [`crate::webhooks`]).

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use yata_priority::Timeline;
use yata_store::{Delivery, EventKind, NewWebhook, OrgId, Organization, Webhook, WebhookId};

use crate::api::{parse_enum, rfc3339};
use crate::auth::{Principal, new_secret};
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};
use crate::webhooks::{SECRET_PREFIX, client};

/// Webhooks per organisation, at most: each event is sent to each.
const MAX_WEBHOOKS: usize = 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookBody {
    pub url: String,
    pub events: Vec<String>,
    pub min_decision: Option<String>,
    pub secret: Option<String>,
}

fn webhook_json(w: &Webhook) -> Value {
    json!({
        "id": w.id.0,
        "url": w.url,
        "events": w.events.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        "min_decision": w.min_decision,
        "created_at": rfc3339(w.created_at),
    })
}

/// A delivery log entry's state, as the API shows it.
pub fn delivery_status(
    delivered_at: Option<jiff::Timestamp>,
    failed_at: Option<jiff::Timestamp>,
) -> &'static str {
    match (delivered_at, failed_at) {
        (Some(_), _) => "delivered",
        (None, Some(_)) => "failed",
        (None, None) => "pending",
    }
}

fn delivery_json(d: &Delivery) -> Value {
    json!({
        "id": d.id.0,
        "event_id": d.event.0,
        "event": d.kind.as_str(),
        "status": delivery_status(d.delivered_at, d.failed_at),
        "attempts": d.attempts,
        "last_status": d.last_status,
        "last_error": d.last_error,
        "last_attempt_at": d.last_attempt_at.map(rfc3339),
        "next_attempt_at": d.next_attempt_at.map(rfc3339),
        "delivered_at": d.delivered_at.map(rfc3339),
        "failed_at": d.failed_at.map(rfc3339),
        "created_at": rfc3339(d.created_at),
    })
}

/// A given secret: 16 to 256 printable ASCII characters (it is an HMAC
/// key, typed into the receiver's configuration too).
fn check_secret(s: &str) -> Result<(), AppError> {
    if !(16..=256).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::BadRequest(
            "secret: must be 16 to 256 printable ASCII characters without spaces".into(),
        ));
    }
    Ok(())
}

pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
    Json(body): Json<NewWebhookBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let (id, secret) = create_webhook(&state, &p, OrgId(org), body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id.0, "secret": secret })),
    ))
}

/// Registers a webhook of `org` (its admins): its id and signing secret
/// (shown once). Shared by the API and the web UI.
pub(crate) async fn create_webhook(
    state: &AppState,
    p: &Principal,
    org: OrgId,
    body: NewWebhookBody,
) -> Result<(WebhookId, String), AppError> {
    let org = visibility::organization(state, p, org, Object::Webhooks, Access::Write).await?;
    let url = body.url.trim();
    client::target(url).map_err(|e| AppError::BadRequest(format!("url: {e}")))?;
    let mut events = BTreeSet::new();
    for e in &body.events {
        events.insert(parse_enum::<EventKind>("events", e)?);
    }
    if events.is_empty() {
        return Err(AppError::BadRequest(format!(
            "events: at least one of {}",
            EventKind::ALL
                .iter()
                .map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let min_decision = body
        .min_decision
        .as_deref()
        .map(|d| parse_enum::<Timeline>("min_decision", d))
        .transpose()?;
    let secret = match body.secret {
        Some(s) => {
            check_secret(&s)?;
            s
        }
        None => new_secret(SECRET_PREFIX)?,
    };
    if state.store().webhooks(org.id).await?.len() >= MAX_WEBHOOKS {
        return Err(AppError::Conflict(format!(
            "an organisation has at most {MAX_WEBHOOKS} webhooks: delete one first"
        )));
    }
    let id = state
        .store()
        .create_webhook(
            &p.actor,
            &NewWebhook {
                org: org.id,
                url: url.to_owned(),
                events: events.into_iter().collect(),
                min_decision: min_decision.map(|d| d.as_str().to_owned()),
                secret: secret.clone(),
            },
        )
        .await?;
    Ok((id, secret))
}

pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let org =
        visibility::organization(&state, &p, OrgId(org), Object::Webhooks, Access::Read).await?;
    let hooks = state.store().webhooks(org.id).await?;
    Ok(Json(json!({
        "webhooks": hooks.iter().map(webhook_json).collect::<Vec<_>>()
    })))
}

/// The organisation's webhook `id`, if `p` may `access` it.
pub(crate) async fn webhook(
    state: &AppState,
    p: &Principal,
    org: i64,
    id: i64,
    access: Access,
) -> Result<(Organization, Webhook), AppError> {
    let org = visibility::organization(state, p, OrgId(org), Object::Webhooks, access).await?;
    let hook = state
        .store()
        .webhooks(org.id)
        .await?
        .into_iter()
        .find(|w| w.id == WebhookId(id))
        .ok_or(AppError::NotFound)?;
    Ok((org, hook))
}

pub async fn delete(
    State(state): State<AppState>,
    p: Principal,
    Path((org, id)): Path<(i64, i64)>,
) -> Result<StatusCode, AppError> {
    let (_, hook) = webhook(&state, &p, org, id, Access::Write).await?;
    state.store().delete_webhook(&p.actor, hook.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveriesQuery {
    limit: Option<u32>,
}

pub async fn deliveries(
    State(state): State<AppState>,
    p: Principal,
    Path((org, id)): Path<(i64, i64)>,
    Query(q): Query<DeliveriesQuery>,
) -> Result<Json<Value>, AppError> {
    let (_, hook) = webhook(&state, &p, org, id, Access::Read).await?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let log = state.store().webhook_deliveries(hook.id, limit).await?;
    Ok(Json(json!({
        "deliveries": log.iter().map(delivery_json).collect::<Vec<_>>()
    })))
}
