//! Advisory feeds imported into the server: a snapshot replaces the
//! knowledge, a raw source (OSV, CVE-5, KEV, EPSS, CSAF… as a file or zip)
//! is merged into it. Either way the result is stored as a snapshot (so
//! every replica and every restart loads the same), the in-memory index is
//! swapped, and findings are re-evaluated.

use std::io::Write;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};
use yata_feeds::import::{ImportConfig, import};
use yata_knowledge::{AdvisoryDb, snapshot};
use yata_store::{NewFeedSnapshot, NewJob};

use crate::api::assets::update_json;
use crate::api::rfc3339;
use crate::auth::Principal;
use crate::error::AppError;
use crate::reevaluate::{Scope, reevaluate};
use crate::state::{AppState, Knowledge};
use crate::visibility;

/// The job kind that re-evaluates every asset against the latest snapshot.
pub const REEVALUATE_JOB: &str = "reevaluate";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// The raw source's format (`osv`, `cve5`, `kev`, …) when detection
    /// should not guess.
    format: Option<String>,
    /// Re-evaluate findings before answering (200) instead of in the
    /// background (202).
    #[serde(default)]
    wait: bool,
}

/// How many record problems an error response lists.
const SHOWN_PROBLEMS: usize = 50;

pub async fn upload(
    State(state): State<AppState>,
    p: Principal,
    Query(q): Query<FeedQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    visibility::require_nco_admin(&p)?;
    let format = q
        .format
        .as_deref()
        .map(|f| f.parse::<yata_feeds::Format>())
        .transpose()
        .map_err(|e| AppError::BadRequest(format!("format: {e}")))?;
    let _guard = state.evaluation_lock().lock().await;
    let base = state.store().latest_feed_snapshot().await?;
    let base_id = base.as_ref().map(|(meta, _)| meta.id);
    let keys = state.config().trusted_keys.clone();
    let (db, sources) =
        tokio::task::spawn_blocking(move || merge(&body, format, base.map(|b| b.1), &keys))
            .await
            .map_err(AppError::internal)??;
    let created = Timestamp::now();
    let old = state.knowledge();
    let (bytes, db, scope) = tokio::task::spawn_blocking(move || {
        let scope = Scope::between(&old.db, &db);
        snapshot::encode(&db, created).map(|b| (b, db, scope))
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    let digest = yata_inventory::digest(&bytes);
    let summary = json!({
        "vulnerabilities": db.len(),
        "records": db.records().len(),
        "sources": sources,
    });
    // The re-evaluation job is queued in the snapshot's own transaction,
    // so a stored snapshot always gets its re-evaluation. With `wait` the
    // request re-evaluates now and the job is a safety net for a request
    // cut off half-way (a later run of it finds nothing left to change).
    let run_at = if q.wait {
        Timestamp::now() + jiff::SignedDuration::from_mins(15)
    } else {
        Timestamp::now()
    };
    state
        .store()
        .put_feed_snapshot(
            &p.actor,
            &NewFeedSnapshot {
                digest: digest.clone(),
                summary: summary.to_string(),
                body: bytes,
                base: base_id,
                job: Some(NewJob {
                    kind: REEVALUATE_JOB.into(),
                    payload: scope.to_payload(),
                    run_at,
                }),
            },
        )
        .await?;
    let knowledge = tokio::task::spawn_blocking(move || Knowledge::new(db, Some(digest)))
        .await
        .map_err(AppError::internal)?;
    state.set_knowledge(knowledge);
    let mut response = summary;
    if q.wait {
        let (assets, update) = reevaluate(&state, &scope).await?;
        response["reevaluated"] = json!({ "assets": assets, "findings": update_json(&update) });
        Ok((StatusCode::OK, Json(response)))
    } else {
        response["reevaluation"] = json!("queued");
        Ok((StatusCode::ACCEPTED, Json(response)))
    }
}

/// The new advisory database: `body` itself if it is a snapshot, else the
/// stored base with `body`'s records merged in. Records with problems
/// refuse the whole upload.
fn merge(
    body: &[u8],
    format: Option<yata_feeds::Format>,
    base: Option<Vec<u8>>,
    trusted: &[yata_feeds::bundle::VerifyingKey],
) -> Result<(AdvisoryDb, Value), AppError> {
    if snapshot::is_snapshot(body) {
        let s = snapshot::decode(body)
            .map_err(|e| unprocessable(format!("snapshot: {e}"), Vec::new()))?;
        let n = s.db.records().len();
        return Ok((
            s.db,
            json!([{ "kind": "snapshot", "records": n, "created": rfc3339(s.created) }]),
        ));
    }
    let config = ImportConfig {
        format,
        ..ImportConfig::default()
    };
    let (kind, result) = if yata_feeds::bundle::is_bundle(body) {
        ("bundle", import_bundle(body, trusted, &config)?)
    } else {
        ("raw", import_raw(body, &config)?)
    };
    if !result.problems.is_empty() {
        let errors = result
            .problems
            .iter()
            .take(SHOWN_PROBLEMS)
            .map(|p| p.to_string())
            .collect();
        return Err(unprocessable(
            format!(
                "{} records cannot be read; nothing was imported",
                result.problems.len()
            ),
            errors,
        ));
    }
    if result.records.is_empty() {
        return Err(unprocessable(
            "no advisory records found in the upload".into(),
            result
                .skipped
                .iter()
                .take(SHOWN_PROBLEMS)
                .map(|p| p.to_string())
                .collect(),
        ));
    }
    let mut db = match base {
        Some(bytes) => snapshot::decode(&bytes).map_err(AppError::internal)?.db,
        None => AdvisoryDb::default(),
    };
    let documents = result.documents;
    let skipped = result.skipped.len();
    let update = db.update(result.records);
    Ok((
        db,
        json!([{
            "kind": kind,
            "documents": documents,
            "skipped": skipped,
            "added": update.added,
            "updated": update.updated,
            "unchanged": update.unchanged,
            "stale": update.stale,
        }]),
    ))
}

fn unprocessable(message: String, errors: Vec<String>) -> AppError {
    AppError::Unprocessable { message, errors }
}

/// A raw source: the importers read files (zip archives need to seek), so
/// a private temporary file holds the body while they do, named `.zip` or
/// `.gz` when the body is one (`yata_feeds::source` goes by the name).
fn import_raw(
    body: &[u8],
    config: &ImportConfig,
) -> Result<yata_feeds::import::SourceImport, AppError> {
    let suffix = if body.starts_with(b"PK\x03\x04") {
        ".zip"
    } else if body.starts_with(&[0x1f, 0x8b]) {
        ".gz"
    } else {
        ""
    };
    let mut file = tempfile::Builder::new()
        .prefix("yata-feed-")
        .suffix(suffix)
        .tempfile()
        .map_err(AppError::internal)?;
    file.write_all(body).map_err(AppError::internal)?;
    file.flush().map_err(AppError::internal)?;
    import(file.path(), config, &|_| {})
        .map_err(|e| unprocessable(format!("feed: {e}"), Vec::new()))
}

/// A signed bundle: its signature is checked against the server's trusted
/// keys before anything in it is read; then every source in it.
fn import_bundle(
    body: &[u8],
    trusted: &[yata_feeds::bundle::VerifyingKey],
    config: &ImportConfig,
) -> Result<yata_feeds::import::SourceImport, AppError> {
    if trusted.is_empty() {
        return Err(unprocessable(
            "a signed feed bundle, but the server trusts no keys (yata serve --trusted-key); nothing was imported".into(),
            Vec::new(),
        ));
    }
    let verified = yata_feeds::bundle::open(body, trusted)
        .map_err(|e| unprocessable(format!("bundle: {e}; nothing was imported"), Vec::new()))?;
    let mut all = yata_feeds::import::SourceImport::default();
    for source in verified.sources() {
        let one = yata_feeds::import::import_bundle(source.name(), &verified, config, &|_| {})
            .map_err(|e| unprocessable(format!("bundle: {}: {e}", source.name()), Vec::new()))?;
        all.documents += one.documents;
        all.records.extend(one.records);
        all.problems.extend(one.problems);
        all.skipped.extend(one.skipped);
    }
    Ok(all)
}

/// The stored snapshot the server runs on.
pub async fn status(State(state): State<AppState>, _p: Principal) -> Result<Json<Value>, AppError> {
    let k = state.knowledge();
    Ok(Json(json!({
        "vulnerabilities": k.db.len(),
        "records": k.db.records().len(),
        "digest": k.digest,
    })))
}

/// Loads the latest stored snapshot into `state` if it differs from the
/// one loaded (start-up, and after another process imported feeds).
/// Returns whether it changed.
pub async fn reload(state: &AppState) -> Result<bool, AppError> {
    let Some((meta, bytes)) = state.store().latest_feed_snapshot().await? else {
        return Ok(false);
    };
    if state.knowledge().digest.as_deref() == Some(meta.digest.as_str()) {
        return Ok(false);
    }
    let knowledge = tokio::task::spawn_blocking(move || {
        snapshot::decode(&bytes).map(|s| Knowledge::new(s.db, Some(meta.digest)))
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    state.set_knowledge(knowledge);
    Ok(true)
}

/// Runs one due job, if any: what the background worker calls.
pub async fn run_one_job(state: &AppState, worker: &str) -> Result<bool, AppError> {
    let Some(job) = state
        .store()
        .claim_job(worker, Timestamp::now(), state.config().job_lease)
        .await?
    else {
        return Ok(false);
    };
    if job.kind == REEVALUATE_JOB {
        let _guard = state.evaluation_lock().lock().await;
        reload(state).await?;
        let scope = Scope::from_payload(&job.payload);
        let (assets, update) = reevaluate(state, &scope).await?;
        tracing::info!(job = job.id.0, assets, ?update, "re-evaluated findings");
    } else {
        tracing::warn!(
            job = job.id.0,
            kind = job.kind,
            "unknown job kind; finishing it"
        );
    }
    state.store().finish_job(job.id, worker).await?;
    Ok(true)
}
