//! Organisations, sectors and API tokens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::{Value, json};
use yata_store::{NewOrganization, NewToken, OrgId, OrgKind, Organization, Role, TokenId};

use crate::api::{parse_enum, rfc3339};
use crate::auth::{Principal, TOKEN_PREFIX, new_secret, secret_hash};
use crate::error::AppError;
use crate::state::AppState;
use crate::visibility::{self, Access, Object};

pub fn org_json(o: &Organization) -> Value {
    json!({
        "id": o.id.0,
        "name": o.name,
        "kind": o.kind.as_str(),
        "sectors": o.sectors,
        "created_at": rfc3339(o.created_at),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrgBody {
    name: String,
    kind: String,
    #[serde(default)]
    sectors: Vec<String>,
}

pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    Json(body): Json<NewOrgBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    visibility::require_nco_admin(&p)?;
    let kind: OrgKind = parse_enum("kind", &body.kind)?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "name: must be 1 to 200 characters".into(),
        ));
    }
    if matches!(kind, OrgKind::Ministry | OrgKind::Operator) && body.sectors.is_empty() {
        return Err(AppError::BadRequest(format!(
            "sectors: a {kind} needs at least one sector"
        )));
    }
    let id = state
        .store()
        .create_organization(
            &p.actor,
            &NewOrganization {
                name: name.to_owned(),
                kind,
                sectors: body.sectors,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id.0 }))))
}

pub async fn list(State(state): State<AppState>, p: Principal) -> Result<Json<Value>, AppError> {
    let orgs = visibility::visible_organizations(&state, &p).await?;
    Ok(Json(json!({
        "organizations": orgs.iter().map(org_json).collect::<Vec<_>>()
    })))
}

pub async fn get(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let org =
        visibility::organization(&state, &p, OrgId(org), Object::Status, Access::Read).await?;
    Ok(Json(org_json(&org)))
}

pub async fn sectors(
    State(state): State<AppState>,
    _p: Principal,
) -> Result<Json<Value>, AppError> {
    let sectors = state.store().sectors().await?;
    Ok(Json(json!({
        "sectors": sectors.iter().map(|s| json!({
            "code": s.code, "name_ja": s.name_ja, "name_en": s.name_en,
        })).collect::<Vec<_>>()
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    role: String,
    name: String,
    expires_in_days: Option<u32>,
}

/// Tokens live at most ten years; without `expires_in_days`, 90 days.
const MAX_TOKEN_DAYS: u32 = 3650;
const DEFAULT_TOKEN_DAYS: u32 = 90;

pub async fn create_token(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
    Json(body): Json<NewTokenBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let issued = issue_token(
        &state,
        &p,
        OrgId(org),
        &body.role,
        &body.name,
        body.expires_in_days,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "token": issued.secret, "id": issued.id.0, "expires_at": rfc3339(issued.expires_at) }),
        ),
    ))
}

/// A token just issued: its secret is shown this once.
#[derive(Debug)]
pub(crate) struct IssuedToken {
    pub id: TokenId,
    pub secret: String,
    pub expires_at: Timestamp,
}

/// Issues an API token of `role` for `org` (its admins; NCO admins for
/// any); shared by the API and the web UI.
pub(crate) async fn issue_token(
    state: &AppState,
    p: &Principal,
    org: OrgId,
    role: &str,
    name: &str,
    expires_in_days: Option<u32>,
) -> Result<IssuedToken, AppError> {
    let org = visibility::organization(state, p, org, Object::Tokens, Access::Write).await?;
    let role: Role = parse_enum("role", role)?;
    let days = expires_in_days.unwrap_or(DEFAULT_TOKEN_DAYS);
    if days == 0 || days > MAX_TOKEN_DAYS {
        return Err(AppError::BadRequest(format!(
            "expires_in_days: must be 1 to {MAX_TOKEN_DAYS}"
        )));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "name: must be 1 to 200 characters".into(),
        ));
    }
    let secret = new_secret(TOKEN_PREFIX)?;
    let expires_at = Timestamp::now()
        .checked_add(SignedDuration::from_hours(24 * i64::from(days)))
        .map_err(AppError::internal)?;
    let id = state
        .store()
        .create_token(
            &p.actor,
            &NewToken {
                hash: secret_hash(&secret),
                name: name.to_owned(),
                org: org.id,
                user: None,
                role,
                expires_at: Some(expires_at),
            },
        )
        .await?;
    Ok(IssuedToken {
        id,
        secret,
        expires_at,
    })
}

pub async fn list_tokens(
    State(state): State<AppState>,
    p: Principal,
    Path(org): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let org =
        visibility::organization(&state, &p, OrgId(org), Object::Tokens, Access::Read).await?;
    let now = Timestamp::now();
    let tokens = state.store().tokens(org.id).await?;
    Ok(Json(json!({
        "tokens": tokens.iter().map(|t| json!({
            "id": t.id.0,
            "name": t.name,
            "role": t.role.as_str(),
            "user_id": t.user.map(|u| u.0),
            "created_at": rfc3339(t.created_at),
            "expires_at": t.expires_at.map(rfc3339),
            "revoked_at": t.revoked_at.map(rfc3339),
            "valid": t.is_valid_at(now),
        })).collect::<Vec<_>>()
    })))
}

pub async fn revoke_token(
    State(state): State<AppState>,
    p: Principal,
    Path((org, token)): Path<(i64, i64)>,
) -> Result<StatusCode, AppError> {
    revoke(&state, &p, OrgId(org), TokenId(token)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes `org`'s token `token`; shared by the API and the web UI.
pub(crate) async fn revoke(
    state: &AppState,
    p: &Principal,
    org: OrgId,
    token: TokenId,
) -> Result<(), AppError> {
    let org = visibility::organization(state, p, org, Object::Tokens, Access::Write).await?;
    let tokens = state.store().tokens(org.id).await?;
    let token = tokens
        .iter()
        .find(|t| t.id == token)
        .ok_or(AppError::NotFound)?;
    state.store().revoke_token(&p.actor, token.id).await?;
    Ok(())
}
