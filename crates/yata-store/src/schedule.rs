//! Periodic jobs and the scheduled feed sources' state (part of the one
//! body: compiled per driver as a child of `sql`).
//!
//! Scheduling is a compare-and-set on `schedules.next_run`: of several
//! replicas looking at the same due schedule, the first to update its row
//! moves `next_run` a period ahead and queues the job in the same
//! transaction; the others wait on the row lock (PostgreSQL re-checks the
//! condition after it) or on the database's one writer (SQLite), then find
//! it not due. Rows are taken in name order, so two replicas never wait on
//! each other both ways. Queuing a periodic job and recording a feed
//! sync's result are bookkeeping, like job leases, and not audited (what a
//! job changes is: an import's snapshot, a reopened risk); a sync asked
//! for by a person is.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::json;
use sqlx::{AssertSqlSafe, Row};

use super::{DbRow, SqlStore, ts, ts_opt};
use crate::{
    Actor, Error, FEED_SYNC_JOB, FeedSourceState, FeedSyncResult, JobId, NewJob, Periodic,
    SyncOutcome,
};

/// Queues the job of each of `periodic` that is due at `now`, or new, and
/// moves its `next_run` a period ahead.
pub(super) async fn schedule(
    store: &SqlStore,
    periodic: &[Periodic],
    now: Timestamp,
) -> Result<Vec<JobId>, Error> {
    // A cheap unlocked look first: most calls find nothing due.
    let known: BTreeMap<String, i64> = sqlx::query("SELECT name, next_run FROM schedules")
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("next_run")?)))
        .collect::<Result<_, Error>>()?;
    let at = now.as_microsecond();
    let mut due: Vec<&Periodic> = periodic
        .iter()
        .filter(|p| known.get(&p.name).is_none_or(|&next| next <= at))
        .collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    due.sort_by(|a, b| a.name.cmp(&b.name));
    let mut tx = super::super::begin_write(&store.pool).await?;
    let mut jobs = Vec::new();
    for p in due {
        let next = now
            .checked_add(p.every)
            .map_err(|e| Error::Invalid(format!("schedule {}: period: {e}", p.name)))?;
        sqlx::query(
            "INSERT INTO schedules (name, next_run) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(&p.name)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let moved =
            sqlx::query("UPDATE schedules SET next_run = $1 WHERE name = $2 AND next_run <= $3")
                .bind(next.as_microsecond())
                .bind(&p.name)
                .bind(at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if moved == 1 {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO jobs (kind, payload, run_at, created_at) \
                 VALUES ($1, $2, $3, $3) RETURNING id",
            )
            .bind(&p.kind)
            .bind(&p.payload)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            jobs.push(JobId(id));
        }
    }
    tx.commit().await?;
    Ok(jobs)
}

/// Queues a sync of feed source `name` now, whatever its schedule.
pub(super) async fn sync_now(store: &SqlStore, actor: &Actor, name: &str) -> Result<JobId, Error> {
    let mut w = store.write(actor).await?;
    let id = w
        .enqueue_job(&NewJob {
            kind: FEED_SYNC_JOB.into(),
            payload: json!({ "source": name }).to_string(),
            run_at: Timestamp::now(),
        })
        .await?;
    w.commit().await?;
    Ok(id)
}

/// Every schedule: name and next run.
pub(super) async fn schedules(store: &SqlStore) -> Result<Vec<(String, Timestamp)>, Error> {
    sqlx::query("SELECT name, next_run FROM schedules ORDER BY name")
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("name")?, ts(r.try_get("next_run")?)?)))
        .collect()
}

/// The columns of a source's state.
const STATE: &str = "SELECT name, etag, last_modified, fingerprint, checked_at, changed_at, \
                     outcome, message FROM feed_sources";

pub(super) async fn sources(store: &SqlStore) -> Result<Vec<FeedSourceState>, Error> {
    sqlx::query(AssertSqlSafe(format!("{STATE} ORDER BY name")))
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(state_from)
        .collect()
}

pub(super) async fn source(store: &SqlStore, name: &str) -> Result<Option<FeedSourceState>, Error> {
    sqlx::query(AssertSqlSafe(format!("{STATE} WHERE name = $1")))
        .bind(name)
        .fetch_optional(&store.pool)
        .await?
        .as_ref()
        .map(state_from)
        .transpose()
}

fn state_from(r: &DbRow) -> Result<FeedSourceState, Error> {
    Ok(FeedSourceState {
        name: r.try_get("name")?,
        etag: r.try_get("etag")?,
        last_modified: r.try_get("last_modified")?,
        fingerprint: r.try_get("fingerprint")?,
        checked_at: ts_opt(r.try_get("checked_at")?)?,
        changed_at: ts_opt(r.try_get("changed_at")?)?,
        outcome: r
            .try_get::<Option<String>, _>("outcome")?
            .map(|o| o.parse())
            .transpose()?,
        message: r.try_get("message")?,
    })
}

/// Records a sync's result; a failure keeps the validators and the
/// fingerprint of the last success.
pub(super) async fn record(store: &SqlStore, result: &FeedSyncResult) -> Result<(), Error> {
    let at = result.checked_at.as_microsecond();
    let mut tx = store.pool.begin().await?;
    sqlx::query("INSERT INTO feed_sources (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
        .bind(&result.name)
        .execute(&mut *tx)
        .await?;
    if result.outcome == SyncOutcome::Failed {
        sqlx::query(
            "UPDATE feed_sources SET checked_at = $1, outcome = $2, message = $3 WHERE name = $4",
        )
        .bind(at)
        .bind(result.outcome.as_str())
        .bind(&result.message)
        .bind(&result.name)
        .execute(&mut *tx)
        .await?;
    } else {
        let changed = (result.outcome == SyncOutcome::Imported).then_some(at);
        sqlx::query(
            "UPDATE feed_sources SET checked_at = $1, outcome = $2, message = $3, etag = $4, \
             last_modified = $5, fingerprint = $6, changed_at = COALESCE($7, changed_at) \
             WHERE name = $8",
        )
        .bind(at)
        .bind(result.outcome.as_str())
        .bind(&result.message)
        .bind(&result.etag)
        .bind(&result.last_modified)
        .bind(&result.fingerprint)
        .bind(changed)
        .bind(&result.name)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
