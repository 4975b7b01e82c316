//! Who is calling: API tokens (`Authorization: Bearer …`) and, for the web
//! UI, session cookies with a CSRF token. Secrets are 256-bit random values
//! shown once; only their SHA-256 reaches the store. Passwords are Argon2id.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use yata_store::{Actor, OrgId, Organization, Role, SessionId, UserId};

use crate::error::AppError;
use crate::state::AppState;

/// The prefix of every API token: makes a leaked one easy to recognise
/// (secret scanners) and tells it from a session secret.
pub const TOKEN_PREFIX: &str = "yata_";
/// The session cookie's name.
pub const SESSION_COOKIE: &str = "yata_session";
/// The header an unsafe request of a cookie session must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A new random secret: `prefix` and 64 hex digits (256 bits).
pub fn new_secret(prefix: &str) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    let mut s = String::with_capacity(prefix.len() + 64);
    s.push_str(prefix);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    Ok(s)
}

/// What the store keeps of a secret.
pub fn secret_hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// The CSRF token of the session whose cookie secret is `session_secret`:
/// SHA-256 of it under a label, in hex. Derived rather than random so
/// that a page can render it into its forms from the request's cookie
/// alone, while the store keeps only its hash as before: it reveals
/// nothing of the secret (one-way), and a cross-site attacker, who can
/// neither read the `HttpOnly`, `SameSite=Strict` cookie nor the page,
/// cannot know it.
pub fn csrf_token(session_secret: &str) -> String {
    let digest = Sha256::digest(format!("yata-csrf\n{session_secret}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// An Argon2id PHC string of `password` (default parameters: 19 MiB, 2
/// passes, as OWASP recommends).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(AppError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(AppError::internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

/// Argon2id costs 19 MiB and tens of milliseconds a hash: at most this
/// many run at once, whatever the number of log-in or bootstrap requests.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// [`hash_password`] on a blocking thread, within the hashing limit.
pub async fn hash_password_limited(password: String) -> Result<String, AppError> {
    let _permit = HASHING.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(AppError::internal)?
}

/// [`verify_password`] on a blocking thread, within the hashing limit.
pub async fn verify_password_limited(password: String, hash: String) -> Result<bool, AppError> {
    let _permit = HASHING.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(AppError::internal)
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// An Argon2id hash of a random password nobody knows: log-in verifies
/// against it when the e-mail is unknown, so both answers take as long.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        new_secret("")
            .and_then(|p| hash_password(&p))
            .unwrap_or_default()
    })
}

/// The caller of a request, as the visibility rules see it.
#[derive(Debug, Clone)]
pub struct Principal {
    pub actor: Actor,
    pub user: Option<UserId>,
    /// The organisation the caller acts for.
    pub org: Organization,
    pub role: Role,
    /// The web session, when signed in by cookie.
    pub session: Option<SessionId>,
}

impl Principal {
    pub fn org_id(&self) -> OrgId {
        self.org.id
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let value = value.to_str().map_err(|_| AppError::Unauthenticated)?;
            let secret = value
                .strip_prefix("Bearer ")
                .ok_or(AppError::Unauthenticated)?
                .trim();
            return token_principal(state, secret).await;
        }
        if let Some(secret) = cookie(parts, SESSION_COOKIE) {
            let csrf = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            return session_principal(state, &secret, (!safe).then_some(csrf)).await;
        }
        Err(AppError::Unauthenticated)
    }
}

async fn token_principal(state: &AppState, secret: &str) -> Result<Principal, AppError> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Err(AppError::Unauthenticated);
    }
    let store = state.store();
    let token = store
        .token_by_hash(&secret_hash(secret))
        .await?
        .filter(|t| t.is_valid_at(Timestamp::now()))
        .ok_or(AppError::Unauthenticated)?;
    if let Some(user) = token.user {
        let active = store
            .user(user)
            .await?
            .is_some_and(|u| u.disabled_at.is_none());
        if !active {
            return Err(AppError::Unauthenticated);
        }
    }
    let org = state
        .organization(token.org)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(Principal {
        actor: Actor::Token(token.id),
        user: token.user,
        org,
        role: token.role,
        session: None,
    })
}

/// A cookie session; `csrf` is `Some` for unsafe methods, which must carry
/// the session's CSRF token (the API's header, or a web form's field).
pub(crate) async fn session_principal(
    state: &AppState,
    secret: &str,
    csrf: Option<Option<String>>,
) -> Result<Principal, AppError> {
    let store = state.store();
    let session = store
        .session_by_hash(&secret_hash(secret))
        .await?
        .filter(|s| Timestamp::now() < s.expires_at)
        .ok_or(AppError::Unauthenticated)?;
    if let Some(csrf) = csrf {
        let ok = csrf.is_some_and(|c| secret_hash(&c) == session.csrf_hash);
        if !ok {
            return Err(AppError::Forbidden(format!(
                "missing or wrong CSRF token ({CSRF_HEADER} header or csrf form field)"
            )));
        }
    }
    let user = store
        .user(session.user)
        .await?
        .filter(|u| u.disabled_at.is_none())
        .ok_or(AppError::Unauthenticated)?;
    let role = store
        .memberships(user.id)
        .await?
        .into_iter()
        .find(|m| m.org == session.org)
        .map(|m| m.role)
        .ok_or(AppError::Unauthenticated)?;
    let org = state
        .organization(session.org)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(Principal {
        actor: Actor::User(user.id),
        user: Some(user.id),
        org,
        role,
        session: Some(session.id),
    })
}

/// The peer address of a connection, over plain TCP or TLS (what
/// `ConnectInfo` carries).
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub std::net::SocketAddr);

impl
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, tokio::net::TcpListener>>
    for PeerAddr
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

impl
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, crate::tls::TlsListener>>
    for PeerAddr
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, crate::tls::TlsListener>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

/// The client's address, when the server knows it (not in in-process tests).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<PeerAddr>>()
                .map(|c| c.0.0.ip()),
        ))
    }
}

/// The value of cookie `name`, if the request has one.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Failed logins allowed per key (address, and e-mail) in a window before
/// further attempts are refused until the window passes.
const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts failed logins per client address and per e-mail, in memory (one
/// replica's view: an attacker spreading over replicas gets replicas × the
/// budget, still far from a brute force).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginLimiter {
    fn keys(ip: Option<IpAddr>, email: &str) -> [String; 2] {
        [
            format!("ip:{}", ip.map(|i| i.to_string()).unwrap_or_default()),
            format!("email:{email}"),
        ]
    }

    /// Whether another attempt is allowed now.
    pub fn allows(&self, ip: Option<IpAddr>, email: &str) -> bool {
        let now = Instant::now();
        let Ok(mut map) = self.failures.lock() else {
            return false;
        };
        map.retain(|_, (_, since)| now.duration_since(*since) < WINDOW);
        Self::keys(ip, email)
            .iter()
            .all(|k| map.get(k).is_none_or(|(n, _)| *n < MAX_FAILURES))
    }

    pub fn failed(&self, ip: Option<IpAddr>, email: &str) {
        let now = Instant::now();
        if let Ok(mut map) = self.failures.lock() {
            for k in Self::keys(ip, email) {
                map.entry(k).or_insert((0, now)).0 += 1;
            }
        }
    }

    pub fn succeeded(&self, email: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("email:{email}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("correct horse", "not a phc string"));
    }

    #[test]
    fn secrets_are_256_bit_and_distinct() {
        let a = new_secret(TOKEN_PREFIX).unwrap();
        let b = new_secret(TOKEN_PREFIX).unwrap();
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert_ne!(a, b);
        assert_ne!(secret_hash(&a), secret_hash(&b));
    }

    #[test]
    fn login_limiter_stops_after_five_failures_per_email() {
        let l = LoginLimiter::default();
        let ip: Option<IpAddr> = "192.0.2.1".parse().ok();
        for _ in 0..MAX_FAILURES {
            assert!(l.allows(ip, "a@example.jp"));
            l.failed(ip, "a@example.jp");
        }
        assert!(!l.allows(ip, "a@example.jp"));
        // The same address is spent too, whatever the e-mail.
        assert!(!l.allows(ip, "b@example.jp"));
        let other: Option<IpAddr> = "192.0.2.2".parse().ok();
        assert!(!l.allows(other, "a@example.jp"));
        assert!(l.allows(other, "b@example.jp"));
    }
}
