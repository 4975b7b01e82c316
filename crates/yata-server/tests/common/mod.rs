//! The harness of the server tests: an in-process router over a fresh
//! store (SQLite file or PostgreSQL database, see
//! `yata_store::testing`), tokens for every caller a test needs, and the
//! RustSec advisories of the shared data as the server's knowledge.

#![allow(dead_code)] // Each test binary uses part of the harness.

use std::sync::OnceLock;

pub mod browser;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use yata_priority::Policy;
use yata_server::{AppState, ServiceConfig, auth, router};
use yata_store::testing::TestDatabase;
use yata_store::{Actor, NewOrganization, NewToken, OrgId, OrgKind, Role};

pub struct App {
    pub router: Router,
    pub state: AppState,
    pub db: TestDatabase,
    /// An NCO admin token.
    pub nco: String,
}

/// A Cargo.lock with smallvec 1.6.0 (RUSTSEC-2021-0003), time 0.1.43
/// (RUSTSEC-2020-0071) and hyper 0.14.9 (RUSTSEC-2021-0078, -0079); serde
/// 1.0.200 is clean.
pub const VULNERABLE_LOCK: &str = r#"version = 3

[[package]]
name = "demo"
version = "0.1.0"
dependencies = ["smallvec", "time", "hyper", "serde"]

[[package]]
name = "smallvec"
version = "1.6.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "time"
version = "0.1.43"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "hyper"
version = "0.14.9"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

/// The same project with every crate at a fixed version.
pub const FIXED_LOCK: &str = r#"version = 3

[[package]]
name = "demo"
version = "0.1.0"
dependencies = ["smallvec", "time", "hyper", "serde"]

[[package]]
name = "smallvec"
version = "1.13.2"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "time"
version = "0.3.47"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "hyper"
version = "1.4.1"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

/// A snapshot of the shared RustSec advisory database, made once per test
/// binary; `None` outside CI without the shared data.
pub fn rustsec_snapshot() -> Option<&'static [u8]> {
    static SNAPSHOT: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    SNAPSHOT
        .get_or_init(|| {
            let dir = yata_testdata::path("rustsec/advisory-db")?;
            let result = yata_feeds::import::import(
                &dir,
                &yata_feeds::import::ImportConfig::default(),
                &|_| {},
            )
            .unwrap();
            assert!(result.problems.is_empty(), "{:?}", &result.problems[..3]);
            let db = yata_knowledge::AdvisoryDb::new(result.records);
            Some(yata_knowledge::snapshot::encode(&db, jiff::Timestamp::now()).unwrap())
        })
        .as_deref()
}

pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh app on `backend` with an NCO and an NCO admin token; `None`
/// when PostgreSQL is asked for outside CI without a server.
pub async fn app(backend: Backend) -> Option<App> {
    let config = ServiceConfig {
        feeds: yata_server::config::FeedsConfig {
            sources: vec![yata_server::config::FeedSource {
                name: MATRIX_SOURCE.into(),
                location: yata_server::config::Location::Path("/nonexistent/yata-feeds".into()),
                format: None,
                every: jiff::SignedDuration::from_hours(24),
            }],
            ..Default::default()
        },
        // Short, so a test can see a cached view expire.
        view_cache: std::time::Duration::from_secs(1),
        ..ServiceConfig::default()
    };
    app_with(backend, config).await
}

/// The one feed source [`app`] configures (a path that does not exist:
/// nothing is synced unless a test runs the job).
#[allow(dead_code)]
pub const MATRIX_SOURCE: &str = "matrix";

/// As [`app`], with the server configured by `config`.
pub async fn app_with(backend: Backend, config: ServiceConfig) -> Option<App> {
    let db = match backend {
        Backend::Sqlite => TestDatabase::sqlite(),
        Backend::Postgres => TestDatabase::postgres().await?,
    };
    let store = yata_store::open(&db.url).await.unwrap();
    let state = AppState::new(store, Policy::default(), config);
    state.set_ready();
    let nco_org = state.store().nco_organization(&Actor::Cli).await.unwrap();
    let nco = token(&state, nco_org, Role::Admin).await;
    Some(App {
        router: router(state.clone()),
        state,
        db,
        nco,
    })
}

/// A new token of `role` in `org`, made directly in the store.
pub async fn token(state: &AppState, org: OrgId, role: Role) -> String {
    let secret = auth::new_secret(auth::TOKEN_PREFIX).unwrap();
    state
        .store()
        .create_token(
            &Actor::Cli,
            &NewToken {
                hash: auth::secret_hash(&secret),
                name: format!("test {role}"),
                org,
                user: None,
                role,
                expires_at: None,
            },
        )
        .await
        .unwrap();
    secret
}

/// A person made directly in the store, member of `org` with `role`; with
/// a password when one is given.
pub async fn member(
    state: &AppState,
    org: OrgId,
    role: Role,
    name: &str,
    email: &str,
    password: Option<&str>,
) -> yata_store::UserId {
    let store = state.store();
    let user = store
        .create_user(
            &Actor::Cli,
            &yata_store::NewUser {
                name: name.into(),
                email: email.into(),
                password_hash: password.map(|p| auth::hash_password(p).unwrap()),
            },
        )
        .await
        .unwrap();
    store
        .set_membership(&Actor::Cli, &yata_store::Membership { user, org, role })
        .await
        .unwrap();
    user
}

/// A new organisation made directly in the store.
pub async fn organization(state: &AppState, name: &str, kind: OrgKind, sectors: &[&str]) -> OrgId {
    state
        .store()
        .create_organization(
            &Actor::Cli,
            &NewOrganization {
                name: name.into(),
                kind,
                sectors: sectors.iter().map(|s| s.to_string()).collect(),
            },
        )
        .await
        .unwrap()
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }
}

impl App {
    /// Sends one request; `body` is JSON unless `raw` is given.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: RequestBody,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            RequestBody::None => req.body(Body::empty()),
            RequestBody::Json(v) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string())),
            RequestBody::Raw(b) => req.body(Body::from(b)),
            RequestBody::Form(f) => req
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(f)),
        }
        .unwrap();
        self.request(req).await
    }

    pub async fn request(&self, req: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(Method::GET, path, Some(token), RequestBody::None)
            .await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(token), RequestBody::Json(body))
            .await
    }

    /// Loads the RustSec snapshot as the NCO would (`POST /api/v1/feeds`).
    pub async fn load_rustsec(&self) -> bool {
        let Some(snapshot) = rustsec_snapshot() else {
            return false;
        };
        let r = self
            .send(
                Method::POST,
                "/api/v1/feeds?wait=true",
                Some(&self.nco),
                RequestBody::Raw(snapshot.to_vec()),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        true
    }

    /// Creates an organisation through the API; its id.
    pub async fn create_org(&self, name: &str, kind: &str, sectors: &[&str]) -> i64 {
        let r = self
            .post(
                "/api/v1/organizations",
                &self.nco,
                json!({ "name": name, "kind": kind, "sectors": sectors }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
        r.json()["id"].as_i64().unwrap()
    }

    /// A token of `role` for `org`, issued through the API by the NCO admin.
    pub async fn issue_token(&self, org: i64, role: &str) -> String {
        let r = self
            .post(
                &format!("/api/v1/organizations/{org}/tokens"),
                &self.nco,
                json!({ "role": role, "name": format!("{role} token"), "expires_in_days": 30 }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
        r.json()["token"].as_str().unwrap().to_owned()
    }

    /// A software asset of `org`; its id.
    pub async fn create_software(&self, org: i64, token: &str, name: &str) -> i64 {
        let r = self
            .post(
                &format!("/api/v1/organizations/{org}/assets"),
                token,
                json!({ "name": name, "kind": "software", "internet_exposed": true, "criticality": "high" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.json());
        r.json()["id"].as_i64().unwrap()
    }

    /// Uploads a Cargo.lock to `asset`.
    pub async fn upload_lock(&self, asset: i64, token: &str, lock: &str) -> Reply {
        self.send(
            Method::PUT,
            &format!("/api/v1/assets/{asset}/inventory?name=Cargo.lock"),
            Some(token),
            RequestBody::Raw(lock.as_bytes().to_vec()),
        )
        .await
    }

    pub async fn finish(self) {
        self.state.store().close().await.unwrap();
        self.db.finish().await;
    }
}

pub enum RequestBody {
    None,
    Json(Value),
    Raw(Vec<u8>),
    Form(String),
}

/// Runs `case` against SQLite and PostgreSQL as two tests.
#[macro_export]
macro_rules! both {
    ($case:ident) => {
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = $crate::common::app($crate::common::Backend::Sqlite).await {
                    super::$case(&app).await;
                    app.finish().await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::common::app($crate::common::Backend::Postgres).await {
                    super::$case(&app).await;
                    app.finish().await;
                }
            }
        }
    };
}
