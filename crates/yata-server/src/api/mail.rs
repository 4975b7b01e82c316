//! An organisation's e-mail subscriptions and their delivery logs (its
//! admins only, like webhooks; how events become messages is in
//! [`crate::mail`]).

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use yata_priority::Timeline;
use yata_store::{
    EventKind, MailDelivery, MailLanguage, MailSubscription, MailSubscriptionId,
    NewMailSubscription, OrgId,
};

use crate::api::webhooks::delivery_status;
use crate::api::{parse_enum, rfc3339};
use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

/// Subscriptions per organisation, at most: each event is one message to each.
const MAX_SUBSCRIPTIONS: usize = 50;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMailSubscriptionBody {
    address: String,
    events: Vec<String>,
    min_decision: Option<String>,
    language: Option<String>,
}

fn subscription_json(m: &MailSubscription) -> Value {
    json!({
        "id": m.id.0,
        "address": m.address,
        "events": m.events.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        "min_decision": m.min_decision,
        "language": m.language.as_str(),
        "created_at": rfc3339(m.created_at),
    })
}

fn delivery_json(d: &MailDelivery) -> Value {
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

/// One mailbox, `local@domain`, as SMTP takes it (no display name); the
/// domain in lower case (it is case-insensitive, the local part is not),
/// so an address is subscribed once however it is typed.
fn check_address(address: &str) -> Result<String, AppError> {
    let address = address.trim();
    if address.len() > 254 {
        return Err(AppError::BadRequest(
            "address: at most 254 characters".into(),
        ));
    }
    address
        .parse::<lettre::Address>()
        .map(|a| format!("{}@{}", a.user(), a.domain().to_ascii_lowercase()))
        .map_err(|e| AppError::BadRequest(format!("address: {address:?}: {e}")))
}

pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
    Json(body): Json<NewMailSubscriptionBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let org = visibility::organization(
        &state,
        &p,
        OrgId(org),
        Object::MailSubscriptions,
        Access::Write,
    )
    .await?;
    if state.config().smtp.is_none() {
        return Err(AppError::Conflict(
            "e-mail is off on this server: it has no [smtp] configuration".into(),
        ));
    }
    let address = check_address(&body.address)?;
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
    let language = body
        .language
        .as_deref()
        .map(|l| parse_enum::<MailLanguage>("language", l))
        .transpose()?
        .unwrap_or(MailLanguage::JaEn);
    if state.store().mail_subscriptions(org.id).await?.len() >= MAX_SUBSCRIPTIONS {
        return Err(AppError::Conflict(format!(
            "an organisation has at most {MAX_SUBSCRIPTIONS} e-mail subscriptions: delete one first"
        )));
    }
    let id = state
        .store()
        .create_mail_subscription(
            &p.actor,
            &NewMailSubscription {
                org: org.id,
                address,
                events: events.into_iter().collect(),
                min_decision: min_decision.map(|d| d.as_str().to_owned()),
                language,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id.0 }))))
}

pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let org = visibility::organization(
        &state,
        &p,
        OrgId(org),
        Object::MailSubscriptions,
        Access::Read,
    )
    .await?;
    let subs = state.store().mail_subscriptions(org.id).await?;
    Ok(Json(json!({
        "enabled": state.config().smtp.is_some(),
        "subscriptions": subs.iter().map(subscription_json).collect::<Vec<_>>()
    })))
}

/// The organisation's subscription `id`, if `p` may `access` it.
async fn subscription(
    state: &AppState,
    p: &Principal,
    org: i64,
    id: i64,
    access: Access,
) -> Result<MailSubscription, AppError> {
    let org =
        visibility::organization(state, p, OrgId(org), Object::MailSubscriptions, access).await?;
    state
        .store()
        .mail_subscriptions(org.id)
        .await?
        .into_iter()
        .find(|m| m.id == MailSubscriptionId(id))
        .ok_or(AppError::NotFound)
}

pub async fn delete(
    State(state): State<AppState>,
    p: Principal,
    Path((org, id)): Path<(i64, i64)>,
) -> Result<StatusCode, AppError> {
    let sub = subscription(&state, &p, org, id, Access::Write).await?;
    state
        .store()
        .delete_mail_subscription(&p.actor, sub.id)
        .await?;
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
    let sub = subscription(&state, &p, org, id, Access::Read).await?;
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let log = state.store().mail_deliveries(sub.id, limit).await?;
    Ok(Json(json!({
        "deliveries": log.iter().map(delivery_json).collect::<Vec<_>>()
    })))
}
