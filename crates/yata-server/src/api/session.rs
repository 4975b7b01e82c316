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
use yata_store::{Actor, Membership, NewSession, NewUser, OrgId, UserId};

use crate::api::orgs::org_json;
use crate::api::rfc3339;
use crate::auth::{
    ClientIp, Principal, SESSION_COOKIE, csrf_token, hash_password_limited, new_secret,
    secret_hash, verify_password_limited,
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
    let (user, memberships) = authenticate(&state, ip, &body.email, body.password).await?;
    let membership = match body.organization {
        Some(org) => memberships.iter().find(|m| m.org == OrgId(org)),
        None => memberships.iter().min_by_key(|m| m.org),
    }
    .ok_or(AppError::Unauthenticated)?;
    let session = open_session(&state, &Actor::User(user), user, membership.org).await?;
    session_response(session, StatusCode::OK)
}

/// Checks a password log-in within the log-in limiter (the same time
/// whether or not the e-mail is known): the user and its memberships, or
/// `Unauthenticated` / `TooManyRequests`. Shared by the API and the web
/// log-in form.
pub(crate) async fn authenticate(
    state: &AppState,
    ip: Option<std::net::IpAddr>,
    email: &str,
    password: String,
) -> Result<(UserId, Vec<Membership>), AppError> {
    let email = email.trim().to_lowercase();
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
    let ok = verify_password_limited(password, hash).await?;
    let user = match user {
        Some(u) if ok && u.disabled_at.is_none() => u,
        _ => {
            limiter.failed(ip, &email);
            return Err(AppError::Unauthenticated);
        }
    };
    let memberships = store.memberships(user.id).await?;
    if memberships.is_empty() {
        return Err(AppError::Unauthenticated);
    }
    limiter.succeeded(&email);
    Ok((user.id, memberships))
}

/// A new web session: its cookie secret, CSRF token and expiry, and the
/// `Set-Cookie` value that carries the secret.
#[derive(Debug)]
pub(crate) struct NewSessionCookie {
    pub csrf: String,
    pub expires_at: Timestamp,
    pub org: OrgId,
    pub set_cookie: HeaderValue,
}

/// Creates a session (its CSRF token derived from its secret, see
/// [`crate::auth::csrf_token`]).
pub(crate) async fn open_session(
    state: &AppState,
    actor: &Actor,
    user: UserId,
    org: OrgId,
) -> Result<NewSessionCookie, AppError> {
    let secret = new_secret("yatas_")?;
    let csrf = csrf_token(&secret);
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
    Ok(NewSessionCookie {
        csrf,
        expires_at,
        org,
        set_cookie: HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
    })
}

/// Answers with the session's cookie and CSRF token.
fn session_response(s: NewSessionCookie, status: StatusCode) -> Result<Response, AppError> {
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, s.set_cookie);
    Ok((
        status,
        headers,
        Json(json!({ "csrf_token": s.csrf, "expires_at": rfc3339(s.expires_at), "organization_id": s.org.0 })),
    )
        .into_response())
}

/// The `Set-Cookie` value that ends the session cookie.
pub(crate) const CLEAR_SESSION_COOKIE: &str =
    "yata_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";

pub async fn logout(State(state): State<AppState>, p: Principal) -> Result<Response, AppError> {
    if let Some(session) = p.session {
        state.store().delete_session(&p.actor, session).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, CLEAR_SESSION_COOKIE)],
    )
        .into_response())
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
    let session = open_session(&state, &Actor::User(user), user, org).await?;
    let mut response = session_response(session, StatusCode::OK)?;
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
