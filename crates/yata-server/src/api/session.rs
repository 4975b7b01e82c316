//! Web sign-in: password log-in to a cookie session with a CSRF token,
//! log-out, "who am I", and the first-start bootstrap link that creates
//! the first NCO admin.

use axum::Json;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::{Value, json};
use yata_store::{Actor, NewSession, NewUser, OrgId};

use crate::api::orgs::org_json;
use crate::api::rfc3339;
use crate::auth::{
    ClientIp, Principal, SESSION_COOKIE, hash_password_limited, new_secret, secret_hash,
    verify_password_limited,
};
use crate::error::AppError;
use crate::state::AppState;

/// How long a web session lasts.
const SESSION_HOURS: i64 = 12;
/// Shortest password accepted.
const MIN_PASSWORD: usize = 12;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    email: String,
    password: String,
    /// Which of the user's organisations to act for; the first by id if
    /// not given.
    organization: Option<i64>,
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<LoginBody>,
) -> Result<Response, AppError> {
    let email = body.email.trim().to_lowercase();
    let limiter = state.login_limiter();
    if !limiter.allows(ip, &email) {
        return Err(AppError::TooManyRequests);
    }
    let store = state.store();
    let user = store.user_by_email(&email).await?;
    // Verify against a fixed hash when there is no such user, so the answer
    // takes as long either way.
    let hash = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| crate::auth::dummy_hash().to_owned());
    let ok = verify_password_limited(body.password.clone(), hash).await?;
    let user = match user {
        Some(u) if ok && u.disabled_at.is_none() => u,
        _ => {
            limiter.failed(ip, &email);
            return Err(AppError::Unauthenticated);
        }
    };
    let memberships = store.memberships(user.id).await?;
    let membership = match body.organization {
        Some(org) => memberships.iter().find(|m| m.org == OrgId(org)),
        None => memberships.iter().min_by_key(|m| m.org),
    }
    .ok_or(AppError::Unauthenticated)?;
    limiter.succeeded(&email);
    start_session(
        &state,
        &Actor::User(user.id),
        user.id,
        membership.org,
        StatusCode::OK,
    )
    .await
}

/// Creates a session and answers with its cookie and CSRF token.
async fn start_session(
    state: &AppState,
    actor: &Actor,
    user: yata_store::UserId,
    org: OrgId,
    status: StatusCode,
) -> Result<Response, AppError> {
    let secret = new_secret("yatas_")?;
    let csrf = new_secret("")?;
    let expires_at = Timestamp::now()
        .checked_add(SignedDuration::from_hours(SESSION_HOURS))
        .map_err(AppError::internal)?;
    state
        .store()
        .create_session(
            actor,
            &NewSession {
                hash: secret_hash(&secret),
                user,
                org,
                csrf_hash: secret_hash(&csrf),
                expires_at,
            },
        )
        .await?;
    let secure = if state.config().tls { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    );
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
    );
    Ok((
        status,
        headers,
        Json(json!({ "csrf_token": csrf, "expires_at": rfc3339(expires_at), "organization_id": org.0 })),
    )
        .into_response())
}

pub async fn logout(State(state): State<AppState>, p: Principal) -> Result<Response, AppError> {
    if let Some(session) = p.session {
        state.store().delete_session(&p.actor, session).await?;
    }
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

pub async fn whoami(p: Principal) -> Json<Value> {
    Json(json!({
        "actor": p.actor.to_string(),
        "user_id": p.user.map(|u| u.0),
        "role": p.role.as_str(),
        "organization": org_json(&p.org),
    }))
}

/// The bootstrap page: Japanese first, then English.
pub async fn bootstrap_page(Path(_secret): Path<String>) -> Html<&'static str> {
    Html(BOOTSTRAP_FORM)
}

#[derive(Debug, Deserialize)]
pub struct BootstrapForm {
    name: String,
    email: String,
    password: String,
}

pub async fn bootstrap_submit(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    Form(form): Form<BootstrapForm>,
) -> Result<Response, AppError> {
    if form.password.chars().count() < MIN_PASSWORD {
        return Err(AppError::BadRequest(format!(
            "password: at least {MIN_PASSWORD} characters / パスワードは{MIN_PASSWORD}文字以上"
        )));
    }
    let email = form.email.trim().to_lowercase();
    if !email.contains('@') || form.name.trim().is_empty() {
        return Err(AppError::BadRequest("name and e-mail are required".into()));
    }
    let hash = hash_password_limited(form.password.clone()).await?;
    let created = state
        .store()
        .bootstrap_admin(
            &Actor::System,
            &secret_hash(&secret),
            Timestamp::now(),
            &NewUser {
                name: form.name.trim().to_owned(),
                email,
                password_hash: Some(hash),
            },
        )
        .await?;
    let Some((org, user)) = created else {
        // Unknown, used and expired links look the same.
        return Err(AppError::NotFound);
    };
    let mut response = start_session(&state, &Actor::User(user), user, org, StatusCode::OK).await?;
    *response.body_mut() = axum::body::Body::from(BOOTSTRAP_DONE);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(response)
}

const BOOTSTRAP_FORM: &str = r#"<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>YATA-Shield 初期設定 / First start</title></head>
<body>
<h1>YATA-Shield 初期設定 <small>/ First start</small></h1>
<p>国家サイバー統括室の最初の管理者を作成します。このリンクは一度だけ、1時間以内に使えます。<br>
Create the first administrator of the national cyber office. This link works once, within one hour.</p>
<form method="post">
<p><label>氏名 / Name <input name="name" required autocomplete="name"></label></p>
<p><label>メールアドレス / E-mail <input name="email" type="email" required autocomplete="username"></label></p>
<p><label>パスワード（12文字以上） / Password (12 characters or more) <input name="password" type="password" minlength="12" required autocomplete="new-password"></label></p>
<p><button type="submit">作成 / Create</button></p>
</form>
</body></html>
"#;

const BOOTSTRAP_DONE: &str = r#"<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>YATA-Shield</title></head>
<body><h1>管理者を作成しました <small>/ Administrator created</small></h1>
<p>ログインしました。<br>You are signed in.</p></body></html>
"#;
