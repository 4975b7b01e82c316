//! Background jobs: rows of the store's job table, leased by one replica
//! at a time (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, one writer
//! on SQLite); a crashed replica's job is taken over when its lease runs
//! out. Kinds:
//!
//! * `reevaluate` — queued with each stored feed snapshot: findings
//!   re-evaluated for the changed vulnerabilities ([`crate::reevaluate`]);
//! * `feed-sync` — one scheduled feed source ([`crate::sync`]);
//! * `expiries` — accepted risks past their expiry reopened;
//! * `deadline-scan` — webhook events for approaching and passed deadlines
//!   ([`crate::webhooks::scan_deadlines`]).
//!
//! The last three are periodic: [`schedule`] queues each once per period
//! across replicas (the store's schedules). Webhook deliveries have their
//! own leased queue ([`crate::webhooks`]).

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use yata_store::{FEED_SYNC_JOB, Periodic};

use crate::api::feeds::{REEVALUATE_JOB, reload};
use crate::error::AppError;
use crate::reevaluate::{Scope, reevaluate};
use crate::state::AppState;
use crate::webhooks;

/// Accepted risks past their expiry are reopened.
pub const EXPIRIES_JOB: &str = "expiries";
/// Webhook events for approaching and passed deadlines are written.
pub const DEADLINE_SCAN_JOB: &str = "deadline-scan";

/// How often the worker looks for due periodic jobs.
pub const SCHEDULE_EVERY: Duration = Duration::from_secs(15);

/// The periodic jobs of this configuration: each feed source at its period,
/// the expiries and the deadline scan every minute.
pub fn periodic(state: &AppState) -> Vec<Periodic> {
    let minute = SignedDuration::from_mins(1);
    let mut all: Vec<Periodic> = state
        .config()
        .feeds
        .sources
        .iter()
        .map(|s| Periodic::feed_sync(&s.name, s.every))
        .collect();
    for kind in [EXPIRIES_JOB, DEADLINE_SCAN_JOB] {
        all.push(Periodic {
            name: kind.into(),
            every: minute,
            kind: kind.into(),
            payload: "{}".into(),
        });
    }
    all
}

/// Queues the periodic jobs that are due; how many.
pub async fn schedule(state: &AppState) -> Result<usize, AppError> {
    let jobs = state
        .store()
        .schedule_jobs(&periodic(state), Timestamp::now())
        .await?;
    Ok(jobs.len())
}

/// A job that failed this many times is given up: finished, its error
/// logged (a failing job is retried when its lease runs out).
const MAX_ATTEMPTS: u32 = 5;

/// Runs one due job, if any: what the background worker calls. Whether
/// there was one. While it runs, its lease is renewed (every third of the
/// lease), so a long feed sync is not taken over by another replica; a
/// replica that dies stops renewing, and its job is taken over when the
/// lease runs out.
pub async fn run_one(state: &AppState, worker: &str) -> Result<bool, AppError> {
    let lease = state.config().job_lease;
    let Some(job) = state
        .store()
        .claim_job(worker, Timestamp::now(), lease)
        .await?
    else {
        return Ok(false);
    };
    let renewal = {
        let (state, worker, id) = (state.clone(), worker.to_owned(), job.id);
        let every = Duration::try_from(lease / 3).unwrap_or(Duration::from_secs(60));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if let Err(e) = state
                    .store()
                    .renew_job(id, &worker, Timestamp::now() + lease)
                    .await
                {
                    tracing::warn!(job = id.0, error = %e, "job lease not renewed");
                    return;
                }
            }
        })
    };
    let result = execute(state, &job).await;
    renewal.abort();
    match result {
        Ok(()) => {}
        Err(e) if job.attempts >= MAX_ATTEMPTS => {
            tracing::error!(
                job = job.id.0,
                kind = job.kind,
                attempts = job.attempts,
                error = %e,
                "job failed too often; given up"
            );
        }
        Err(e) => return Err(e),
    }
    state.store().finish_job(job.id, worker).await?;
    Ok(true)
}

async fn execute(state: &AppState, job: &yata_store::Job) -> Result<(), AppError> {
    match job.kind.as_str() {
        REEVALUATE_JOB => {
            let _guard = state.evaluation_lock().lock().await;
            reload(state).await?;
            let scope = Scope::from_payload(&job.payload);
            let (assets, update) = reevaluate(state, &scope).await?;
            tracing::info!(job = job.id.0, assets, ?update, "re-evaluated findings");
        }
        FEED_SYNC_JOB => {
            crate::sync::run(state, &job.payload).await?;
        }
        EXPIRIES_JOB => {
            let n = state.store().reopen_expired_risks(Timestamp::now()).await?;
            if n > 0 {
                tracing::info!(reopened = n, "accepted risks expired");
            }
        }
        DEADLINE_SCAN_JOB => {
            let config = webhooks::DeliveryConfig::default();
            webhooks::scan_deadlines(state, Timestamp::now(), &config).await?;
        }
        other => tracing::warn!(
            job = job.id.0,
            kind = other,
            "unknown job kind; finishing it"
        ),
    }
    Ok(())
}
