//! The platform service (layer 5): `yata serve`. An axum router over one
//! [`AppState`] (the store, the advisory knowledge and its match index,
//! the deadline policy), with:
//!
//! * [`api`]: the route table the router, the OpenAPI document
//!   ([`openapi`]) and the authorisation matrix test are made from;
//! * [`auth`]: API tokens, cookie sessions with CSRF, Argon2id passwords,
//!   log-in rate limiting;
//! * [`visibility`]: the one place that decides who sees and changes what
//!   (an invisible object answers 404);
//! * [`evaluate`]: inventories → findings with the matcher of `yata-match`,
//!   on blocking threads;
//! * [`middleware`]: request ids, security headers, metrics and the one
//!   error body shape;
//! * [`webhooks`]: the store's outbox events fanned out to organisations'
//!   webhooks and e-mail subscriptions, webhooks signed, delivered and
//!   retried by a loop of their own;
//! * [`mail`]: e-mail notifications over SMTP (when configured), in
//!   Japanese and English, delivered and retried by another loop;
//! * [`web`]: the web UI's pages (server-rendered HTML in Japanese and
//!   English, CSRF-checked forms, SVG charts), beside the API.
//!
//! Findings are computed when an inventory is uploaded (in the request:
//! parse, match, and one store transaction) and when feeds are imported
//! (a `reevaluate` job any replica may claim, or in the request with
//! `?wait=true`).

#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use tower_http::timeout::TimeoutLayer;
use yata_priority::Policy;
use yata_store::Actor;

pub mod api;
pub mod auth;
pub mod config;
pub mod correlation;
pub mod demo;
mod error;
pub mod evaluate;
pub mod jobs;
pub mod mail;
mod metrics;
pub mod middleware;
pub mod openapi;
pub mod reevaluate;
mod state;
pub mod stix;
pub mod sync;
pub mod tlp;
pub mod tls;
pub mod visibility;
pub mod web;
pub mod webhooks;

pub use error::AppError;
pub use state::{AppState, Knowledge, ServiceConfig};

/// The router of the whole service over `state`.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let mut router = Router::new();
    for (route, handler) in api::routes(&config) {
        let timeout = match route.body {
            api::Body::Upload => config.request_timeout * 10,
            _ => config.request_timeout,
        };
        router = router.route(
            route.path,
            handler.layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                timeout,
            )),
        );
    }
    router
        .merge(web::router(&state))
        .route_layer(axum::middleware::from_fn(middleware::remember_route))
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::finish,
        ))
        .with_state(state)
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    #[error("store: {0}")]
    Store(#[from] yata_store::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    App(#[from] AppError),
    #[error("tls: {0}")]
    Tls(String),
    #[error("{0}")]
    Smtp(#[from] mail::SmtpConfigError),
}

/// What `yata serve` is told.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub db_url: String,
    pub bind: SocketAddr,
    pub policy: Policy,
    pub service: ServiceConfig,
    /// PEM certificate chain and private key: serve HTTPS.
    pub tls: Option<(std::path::PathBuf, std::path::PathBuf)>,
}

/// Opens the store, loads the latest advisory snapshot, prints a bootstrap
/// link if the platform has no NCO admin yet, runs the job worker, and
/// serves until SIGINT or SIGTERM.
pub async fn serve(mut config: ServeConfig) -> Result<(), ServeError> {
    let tls = match &config.tls {
        Some((cert, key)) => Some(tls::server_config(cert, key).map_err(ServeError::Tls)?),
        None => None,
    };
    config.service.tls = tls.is_some();
    // Checked (and its password read) before anything else starts.
    let mailer = config
        .service
        .smtp
        .as_ref()
        .map(mail::Mailer::new)
        .transpose()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let store = yata_store::open(&config.db_url).await?;
    let state = AppState::new(store, config.policy, config.service);
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let local = listener.local_addr()?;
    api::feeds::reload(&state).await?;
    // Listen before filing, so that nothing changed meanwhile is missed.
    let changes = state.store().changes().await?;
    let assets = reevaluate::load_installed(&state).await?;
    tracing::info!(assets, "installed packages filed");
    if let Some(changes) = changes {
        tokio::spawn(reevaluate::follow(state.clone(), changes));
    }
    // The correlation index is built in the background; an answer that
    // needs it before then waits for the build (`correlation::refresh`).
    let building = state.clone();
    tokio::spawn(async move {
        match correlation::refresh(&building).await {
            Ok(()) => tracing::info!("incident correlation index built"),
            Err(e) => tracing::error!(error = %e, "incident correlation index"),
        }
    });
    state.set_ready();
    let k = state.knowledge();
    tracing::info!(
        %local,
        store = %state.store().backend(),
        vulnerabilities = k.db.len(),
        "serving"
    );
    eprintln!(
        "yata serve: listening on {scheme}://{local} ({} store, {} vulnerabilities)",
        state.store().backend(),
        k.db.len()
    );
    drop(k);
    if let Some(link) = bootstrap_link(&state, scheme, local).await? {
        println!("{link}");
        eprintln!(
            "yata serve: no NCO admin yet: open the link above within one hour to create one"
        );
    }
    let worker = tokio::spawn(work(state.clone()));
    let deliveries = tokio::spawn(webhooks::work(state.clone(), worker_name()));
    let mail = mailer.map(|m| tokio::spawn(mail::work(state.clone(), m, worker_name())));
    let app = router(state.clone()).into_make_service_with_connect_info::<auth::PeerAddr>();
    match tls {
        Some(config) => {
            let listener = tls::TlsListener::new(listener, config)?;
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown())
                .await?;
        }
        None => {
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown())
                .await?;
        }
    }
    worker.abort();
    deliveries.abort();
    if let Some(mail) = mail {
        mail.abort();
    }
    state.store().close().await?;
    Ok(())
}

/// A one-time link valid for one hour, if no NCO admin exists.
async fn bootstrap_link(
    state: &AppState,
    scheme: &str,
    local: SocketAddr,
) -> Result<Option<String>, ServeError> {
    if state.store().nco_admin_exists().await? {
        return Ok(None);
    }
    let secret = auth::new_secret("")?;
    let expires = Timestamp::now()
        .checked_add(SignedDuration::from_hours(1))
        .map_err(AppError::internal)?;
    state
        .store()
        .create_bootstrap_link(&Actor::System, &auth::secret_hash(&secret), expires)
        .await?;
    Ok(Some(format!("{scheme}://{local}/bootstrap/{secret}")))
}

/// Jobs one replica runs at once: a long feed sync does not hold up
/// re-evaluations, expiries and the deadline scan.
const JOB_SLOTS: usize = 2;

/// The background worker: queues the periodic jobs that are due (every
/// 15 s), and runs due jobs in [`JOB_SLOTS`] loops (see [`jobs`]).
async fn work(state: AppState) {
    let worker = worker_name();
    for slot in 1..=JOB_SLOTS {
        let (state, name) = (state.clone(), format!("{worker}#{slot}"));
        tokio::spawn(async move {
            loop {
                match jobs::run_one(&state, &name).await {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(e) => tracing::error!(error = %e, "job failed"),
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
    }
    loop {
        if let Err(e) = jobs::schedule(&state).await {
            tracing::error!(error = %e, "scheduling periodic jobs failed");
        }
        tokio::time::sleep(jobs::SCHEDULE_EVERY).await;
    }
}

/// This process among the replicas: what leases name.
fn worker_name() -> String {
    format!("{}:{}", hostname(), std::process::id())
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "localhost".into())
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
