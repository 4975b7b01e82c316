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
    /// The raw source's format (`osv-json`, `cve5`, `kev-json`, `epss`, …) when detection
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
    let keys = state.config().trusted_keys.clone();
    let (status, response) = store_merged(
        &state,
        &p.actor,
        move |base| merge(&body, format, base, &keys),
        q.wait,
    )
    .await?;
    Ok((status, Json(response)))
}

/// Builds the new advisory database from the latest stored snapshot's
/// body with `build` (under the evaluation lock, so two imports never undo
/// each other), stores it as the new snapshot with its re-evaluation job,
/// swaps the in-memory knowledge, and re-evaluates now if `wait` (200) or
/// leaves it to the job (202). The answer is the import's summary.
pub(crate) async fn store_merged<F>(
    state: &AppState,
    actor: &yata_store::Actor,
    build: F,
    wait: bool,
) -> Result<(StatusCode, Value), AppError>
where
    F: FnOnce(Option<Vec<u8>>) -> Result<(AdvisoryDb, Value), AppError> + Send + 'static,
{
    store_merged_if(state, actor, build, wait, false)
        .await
        .map(|stored| stored.unwrap_or_else(|| unreachable!("stored whatever it changes")))
}

/// As [`store_merged`]; with `only_if_changed`, a merge that added and
/// updated nothing (the base's records again) stores nothing and answers
/// `None`.
pub(crate) async fn store_merged_if<F>(
    state: &AppState,
    actor: &yata_store::Actor,
    build: F,
    wait: bool,
    only_if_changed: bool,
) -> Result<Option<(StatusCode, Value)>, AppError>
where
    F: FnOnce(Option<Vec<u8>>) -> Result<(AdvisoryDb, Value), AppError> + Send + 'static,
{
    let _guard = state.evaluation_lock().lock().await;
    let base = state.store().latest_feed_snapshot().await?;
    let base_id = base.as_ref().map(|(meta, _)| meta.id);
    let (db, sources) = tokio::task::spawn_blocking(move || build(base.map(|b| b.1)))
        .await
        .map_err(AppError::internal)??;
    let unchanged = sources
        .as_array()
        .is_some_and(|lines| lines.iter().all(|l| l["added"] == 0 && l["updated"] == 0));
    if only_if_changed && base_id.is_some() && unchanged {
        return Ok(None);
    }
    let created = Timestamp::now();
    let old = state.knowledge();
    let (bytes, db, scope) = tokio::task::spawn_blocking(move || {
        let scope = Scope::between(&old.db, &db);
        snapshot::encode_keyed(&db, created, &yata_match::snapshot_keys()).map(|b| (b, db, scope))
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
    let run_at = if wait {
        Timestamp::now() + jiff::SignedDuration::from_mins(15)
    } else {
        Timestamp::now()
    };
    state
        .store()
        .put_feed_snapshot(
            actor,
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
    if wait {
        let (assets, update) = reevaluate(state, &scope).await?;
        response["reevaluated"] = json!({ "assets": assets, "findings": update_json(&update) });
        Ok(Some((StatusCode::OK, response)))
    } else {
        response["reevaluation"] = json!("queued");
        Ok(Some((StatusCode::ACCEPTED, response)))
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
    merge_records(kind, result, base)
}

/// `base` (a stored snapshot's body; none: empty) with the records of
/// `result` merged in, and the source's line of the summary. Records with
/// problems, or none at all, refuse the whole import.
pub(crate) fn merge_records(
    kind: &str,
    result: yata_feeds::import::SourceImport,
    base: Option<Vec<u8>>,
) -> Result<(AdvisoryDb, Value), AppError> {
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
/// a private temporary file holds the body while they do (zip and gzip are
/// known by their first bytes).
fn import_raw(
    body: &[u8],
    config: &ImportConfig,
) -> Result<yata_feeds::import::SourceImport, AppError> {
    let mut file = tempfile::Builder::new()
        .prefix("yata-feed-")
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

/// The scheduled feed sources: configuration and last sync (the NCO).
pub async fn sources(State(state): State<AppState>, p: Principal) -> Result<Json<Value>, AppError> {
    if !visibility::is_nco(&p, yata_store::Role::ALL) {
        return Err(AppError::Forbidden(
            "only the NCO sees the feed sources".into(),
        ));
    }
    Ok(Json(crate::sync::sources_json(&state).await?))
}

/// Queues a sync of one configured source now (NCO admin).
pub async fn sync_source(
    State(state): State<AppState>,
    p: Principal,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    visibility::require_nco_admin(&p)?;
    if state.config().feeds.source(&name).is_none() {
        return Err(AppError::NotFound);
    }
    let job = state.store().sync_feed_now(&p.actor, &name).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "source": name, "job": job.0 })),
    ))
}
