//! Scheduled feed sources (part of the one body: compiled per driver as a
//! child of `sql`): which are due, and what their last sync found.
//!
//! Scheduling is a compare-and-set on `next_run` inside an audited write,
//! which takes the audit head's lock: of several replicas looking at the
//! same due source, the first moves `next_run` a period ahead and queues
//! the sync job in the same transaction; the others then find it not due.
//! Recording a sync's result is bookkeeping and not audited (an import it
//! makes is, as every stored snapshot is).

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sqlx::Row;

use super::{DbRow, SqlStore, ts, ts_opt};
use crate::{
    Actor, Error, FEED_SYNC_JOB, FeedSourceState, FeedSyncResult, JobId, NewJob, SyncOutcome,
};

/// Queues a sync job for each source in `sources` (name, period) that is
/// due at `now`, or new, and moves its `next_run` a period ahead.
pub(super) async fn schedule(
    store: &SqlStore,
    actor: &Actor,
    sources: &[(String, SignedDuration)],
    now: Timestamp,
) -> Result<Vec<JobId>, Error> {
    // A cheap unlocked look first: most calls find nothing due.
    let known: BTreeMap<String, i64> = sqlx::query("SELECT name, next_run FROM feed_sources")
        .fetch_all(&store.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("next_run")?)))
        .collect::<Result<_, Error>>()?;
    let at = now.as_microsecond();
    let due: Vec<&(String, SignedDuration)> = sources
        .iter()
        .filter(|(name, _)| known.get(name).is_none_or(|&next| next <= at))
        .collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = store.write(actor).await?;
    let mut jobs = Vec::new();
    for (name, every) in due {
        let next = now
            .checked_add(*every)
            .map_err(|e| Error::Invalid(format!("feed source {name}: period: {e}")))?;
        sqlx::query("INSERT INTO feed_sources (name, next_run) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(at)
            .execute(&mut *w.tx)
            .await?;
        let moved =
            sqlx::query("UPDATE feed_sources SET next_run = $1 WHERE name = $2 AND next_run <= $3")
                .bind(next.as_microsecond())
                .bind(name)
                .bind(at)
                .execute(&mut *w.tx)
                .await?
                .rows_affected();
        if moved == 1 {
            jobs.push(w.enqueue_job(&sync_job(name, now)).await?);
        }
    }
    w.commit().await?;
    Ok(jobs)
}

/// Queues a sync of `name` now, whatever its schedule.
pub(super) async fn sync_now(store: &SqlStore, actor: &Actor, name: &str) -> Result<JobId, Error> {
    let mut w = store.write(actor).await?;
    let id = w.enqueue_job(&sync_job(name, Timestamp::now())).await?;
    w.commit().await?;
    Ok(id)
}

fn sync_job(name: &str, at: Timestamp) -> NewJob {
    NewJob {
        kind: FEED_SYNC_JOB.into(),
        payload: json!({ "source": name }).to_string(),
        run_at: at,
    }
}

pub(super) async fn sources(store: &SqlStore) -> Result<Vec<FeedSourceState>, Error> {
    sqlx::query(
        "SELECT name, next_run, etag, last_modified, fingerprint, checked_at, changed_at, \
         outcome, message FROM feed_sources ORDER BY name",
    )
    .fetch_all(&store.pool)
    .await?
    .iter()
    .map(state_from)
    .collect()
}

pub(super) async fn source(store: &SqlStore, name: &str) -> Result<Option<FeedSourceState>, Error> {
    sqlx::query(
        "SELECT name, next_run, etag, last_modified, fingerprint, checked_at, changed_at, \
         outcome, message FROM feed_sources WHERE name = $1",
    )
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
        next_run: ts(r.try_get("next_run")?)?,
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
/// fingerprint of the last success. A source not scheduled yet (synced on
/// demand first) is added, due now.
pub(super) async fn record(store: &SqlStore, result: &FeedSyncResult) -> Result<(), Error> {
    let at = result.checked_at.as_microsecond();
    let mut tx = store.pool.begin().await?;
    sqlx::query(
        "INSERT INTO feed_sources (name, next_run) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(&result.name)
    .bind(at)
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
