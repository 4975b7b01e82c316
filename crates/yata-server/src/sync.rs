//! Scheduled feed sources (`[[feeds.source]]` in the configuration file,
//! see [`crate::config`]): each is synced by a job, queued when its period
//! has passed ([`crate::jobs::schedule`], once per period across replicas)
//! or on demand (`POST /api/v1/feeds/sources/{name}/sync`).
//!
//! A sync ([`run`]) reads the source and, if it changed, merges its records
//! into the latest snapshot exactly as an upload to `POST /api/v1/feeds`
//! does (stored snapshot, re-evaluation job, knowledge swapped):
//!
//! * a URL is fetched with `If-None-Match` / `If-Modified-Since` from the
//!   last fetch (304: unchanged), into a private temporary file, at most
//!   `max_download_mib`; a body with the same SHA-256 as the last import
//!   (servers that ignore conditions) is unchanged too. Never under
//!   `offline = true`, which the configuration already refuses.
//! * a CSAF provider ([`csaf`]) is crawled for the documents of its public
//!   distributions updated since the newest `updated` time of the last
//!   import (kept as its `Last-Modified` validator);
//! * a local file is fingerprinted by its SHA-256, a directory by its
//!   listing (relative paths, sizes, modification times), and read in
//!   place when the fingerprint moved.
//!
//! The same rule as uploads applies: records with problems refuse the
//! whole import and nothing changes; the sync is recorded as failed with
//! the first problems, and the validators of the last success are kept so
//! the next period tries again. Every sync's outcome is in the store
//! (`GET /api/v1/feeds/sources`).

use std::io::Read;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use yata_feeds::import::{ImportConfig, import};
use yata_store::{Actor, FeedSyncResult, SyncOutcome};

use crate::api::feeds::{merge_records, store_merged_if};
use crate::config::{FeedSource, Location};
use crate::error::AppError;
use crate::state::AppState;
use crate::webhooks::client::{self, Fetched};

mod csaf;

/// How many record problems a failed sync's message lists.
const SHOWN_PROBLEMS: usize = 5;

/// Runs the sync job with `payload` (`{"source": name}`) and records its
/// outcome. Errors of the source itself (unreachable, bad records) are the
/// outcome, not an error of the job: the job is done, the next period
/// tries again.
pub async fn run(state: &AppState, payload: &str) -> Result<SyncOutcome, AppError> {
    let name = serde_json::from_str::<Value>(payload)
        .ok()
        .and_then(|v| v["source"].as_str().map(str::to_owned))
        .ok_or_else(|| AppError::internal(format!("feed sync job payload {payload:?}")))?;
    let checked_at = Timestamp::now();
    let Some(source) = state.config().feeds.source(&name).cloned() else {
        tracing::warn!(source = name, "feed sync of a source no longer configured");
        return Ok(SyncOutcome::Failed);
    };
    let prior = state.store().feed_source(&name).await?;
    let (outcome, message, validators) = match sync(state, &source, prior.as_ref()).await {
        Ok(Synced::Unchanged { why, validators }) => (SyncOutcome::Unchanged, why, validators),
        Ok(Synced::Imported {
            summary,
            validators,
        }) => (SyncOutcome::Imported, summary, validators),
        Err(e) => (SyncOutcome::Failed, e, Validators::default()),
    };
    match outcome {
        SyncOutcome::Failed => tracing::warn!(source = name, %message, "feed sync failed"),
        _ => tracing::info!(source = name, outcome = outcome.as_str(), %message, "feed synced"),
    }
    state
        .store()
        .record_feed_sync(&FeedSyncResult {
            name,
            checked_at,
            outcome,
            message,
            etag: validators.etag,
            last_modified: validators.last_modified,
            fingerprint: validators.fingerprint,
        })
        .await?;
    Ok(outcome)
}

/// What identifies the content last read.
#[derive(Debug, Default)]
struct Validators {
    etag: Option<String>,
    last_modified: Option<String>,
    fingerprint: Option<String>,
}

enum Synced {
    Unchanged {
        why: String,
        validators: Validators,
    },
    Imported {
        summary: String,
        validators: Validators,
    },
}

async fn sync(
    state: &AppState,
    source: &FeedSource,
    prior: Option<&yata_store::FeedSourceState>,
) -> Result<Synced, String> {
    let feeds = &state.config().feeds;
    let prior_fingerprint = prior.and_then(|p| p.fingerprint.clone());
    match &source.location {
        Location::Url(url) => {
            if feeds.offline {
                return Err(format!(
                    "{url}: offline = true: never contacting the outside"
                ));
            }
            let temp = tempfile::Builder::new()
                .prefix("yata-sync-")
                .tempfile()
                .map_err(|e| format!("temporary file: {e}"))?;
            let mut file = tokio::fs::File::from_std(
                temp.reopen().map_err(|e| format!("temporary file: {e}"))?,
            );
            // Validators only go with a fingerprint: without one nothing
            // was imported from them.
            let conditional = prior.filter(|p| p.fingerprint.is_some());
            let fetched = client::get(
                url,
                conditional.and_then(|p| p.etag.as_deref()),
                conditional.and_then(|p| p.last_modified.as_deref()),
                &mut file,
                feeds.max_download,
                feeds.download_timeout,
            )
            .await?;
            drop(file);
            match fetched {
                Fetched::NotModified if conditional.is_none() => Err(format!(
                    "{url}: 304 Not Modified to an unconditional request"
                )),
                Fetched::NotModified => Ok(Synced::Unchanged {
                    why: "not modified (HTTP 304)".into(),
                    validators: Validators {
                        etag: prior.and_then(|p| p.etag.clone()),
                        last_modified: prior.and_then(|p| p.last_modified.clone()),
                        fingerprint: prior_fingerprint,
                    },
                }),
                Fetched::Body {
                    bytes,
                    etag,
                    last_modified,
                } => {
                    let path = temp.path().to_owned();
                    let fingerprint = blocking(move || file_digest(&path)).await?;
                    let validators = Validators {
                        etag,
                        last_modified,
                        fingerprint: Some(fingerprint),
                    };
                    if validators.fingerprint == prior_fingerprint {
                        return Ok(Synced::Unchanged {
                            why: format!("the same {bytes} bytes as last time"),
                            validators,
                        });
                    }
                    let imported = import_into(state, temp.path().to_owned(), source).await?;
                    drop(temp);
                    Ok(imported.synced(&format!("{bytes} bytes fetched; "), validators))
                }
            }
        }
        Location::CsafProvider(url) => {
            if feeds.offline {
                return Err(format!(
                    "{url}: offline = true: never contacting the outside"
                ));
            }
            // Documents updated after the newest of the last import, less
            // a day: one published later with an earlier or equal time (a
            // batch, a clock behind) is still fetched, and what is fetched
            // again merges as unchanged.
            let started = Timestamp::now();
            let since = prior
                .filter(|p| p.fingerprint.is_some())
                .and_then(|p| p.last_modified.as_deref())
                .and_then(|m| m.parse::<Timestamp>().ok())
                .map(|t| t - CSAF_OVERLAP);
            let kept = Validators {
                etag: None,
                last_modified: prior.and_then(|p| p.last_modified.clone()),
                fingerprint: prior_fingerprint,
            };
            let Some(crawl) =
                csaf::crawl(url, since, feeds.max_download, feeds.download_timeout).await?
            else {
                return Ok(Synced::Unchanged {
                    why: match since {
                        Some(s) => format!("no document updated since {}", crate::api::rfc3339(s)),
                        None => "no public documents listed".into(),
                    },
                    validators: kept,
                });
            };
            // Never past this crawl's start: a document dated in the future
            // must not hide the ones published until then.
            let newest = crawl.newest.min(started).to_string();
            let imported = import_into(state, crawl.dir.path().to_owned(), source).await?;
            Ok(imported.synced(
                &format!("{} CSAF documents fetched; ", crawl.documents),
                Validators {
                    etag: None,
                    fingerprint: Some(format!("newest {newest}")),
                    last_modified: Some(newest),
                },
            ))
        }
        Location::Path(path) => {
            let at = path.clone();
            let fingerprint = blocking(move || path_fingerprint(&at)).await?;
            let validators = Validators {
                fingerprint: Some(fingerprint),
                ..Validators::default()
            };
            if validators.fingerprint == prior_fingerprint {
                return Ok(Synced::Unchanged {
                    why: "the same content as last time".into(),
                    validators,
                });
            }
            let imported = import_into(state, path.clone(), source).await?;
            Ok(imported.synced("", validators))
        }
    }
}

/// Times a sync that lost the race to store a snapshot with another
/// replica's import reads its source again on the new latest one.
const STORE_ATTEMPTS: usize = 3;

/// What reading and merging a source gave.
enum Imported {
    /// Stored as the new snapshot; the summary line.
    Stored(String),
    /// Its records were all in the latest snapshot already.
    Nothing(String),
}

impl Imported {
    /// The sync's outcome, its message starting with `prefix`; the content
    /// read is remembered (`validators`) either way.
    fn synced(self, prefix: &str, validators: Validators) -> Synced {
        match self {
            Imported::Stored(line) => Synced::Imported {
                summary: format!("{prefix}{line}"),
                validators,
            },
            Imported::Nothing(why) => Synced::Unchanged {
                why: format!("{prefix}{why}"),
                validators,
            },
        }
    }
}

/// How far before the newest `updated` time of its last import a CSAF
/// provider is crawled again.
const CSAF_OVERLAP: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// Reads the source at `path` and merges it as an upload would, unless it
/// adds and updates nothing; why nothing was imported otherwise.
async fn import_into(
    state: &AppState,
    path: PathBuf,
    source: &FeedSource,
) -> Result<Imported, String> {
    let format = match source.location {
        Location::CsafProvider(_) => Some(yata_feeds::Format::Csaf),
        _ => source.format,
    };
    for attempt in 1..=STORE_ATTEMPTS {
        let config = ImportConfig {
            format,
            ..ImportConfig::default()
        };
        let (read, shown) = (path.clone(), path.clone());
        let result = blocking(move || {
            import(&read, &config, &|_| {}).map_err(|e| format!("{}: {e}", shown.display()))
        })
        .await?;
        let stored = store_merged_if(
            state,
            &Actor::System,
            move |base| merge_records("sync", result, base),
            false,
            true,
        )
        .await;
        let line = |summary: &Value| {
            let l = &summary["sources"][0];
            format!(
                "{} documents: {} added, {} updated, {} unchanged",
                l["documents"], l["added"], l["updated"], l["unchanged"]
            )
        };
        match stored {
            Ok(Some((_, summary))) => return Ok(Imported::Stored(line(&summary))),
            Ok(None) => {
                return Ok(Imported::Nothing(
                    "every record read is already in the latest snapshot".into(),
                ));
            }
            // Another replica stored a snapshot meanwhile: merge again on it.
            Err(AppError::Conflict(m)) if attempt < STORE_ATTEMPTS => {
                tracing::info!(source = source.name, %m, "feed sync: merging again");
            }
            Err(AppError::Unprocessable { message, errors }) => {
                let mut m = message;
                for e in errors.iter().take(SHOWN_PROBLEMS) {
                    m.push_str("; ");
                    m.push_str(e);
                }
                return Err(m);
            }
            Err(e) => {
                tracing::error!(source = source.name, error = ?e, "feed sync: import failed");
                return Err(e.to_string());
            }
        }
    }
    Err("another replica kept storing snapshots; the next period tries again".into())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("internal: {e}"))?
}

/// SHA-256 of a file's bytes, hex.
fn file_digest(path: &Path) -> Result<String, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    Ok(hex(&hash.finalize()))
}

/// A file's SHA-256, or for a directory the SHA-256 of its listing: every
/// file's path relative to it, size and modification time, sorted.
fn path_fingerprint(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_dir() {
        return file_digest(path);
    }
    let mut lines = Vec::new();
    let mut pending = vec![path.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let meta = entry
                .metadata()
                .map_err(|e| format!("{}: {e}", entry.path().display()))?;
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                let modified = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                let relative = entry.path();
                let relative = relative.strip_prefix(path).unwrap_or(&relative);
                lines.push(format!(
                    "{}\t{}\t{modified}",
                    relative.display(),
                    meta.len()
                ));
            }
        }
    }
    lines.sort();
    let mut hash = Sha256::new();
    for l in &lines {
        hash.update(l.as_bytes());
        hash.update(b"\n");
    }
    Ok(hex(&hash.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The sources' configuration and state, for the API.
pub async fn sources_json(state: &AppState) -> Result<Value, AppError> {
    let stored = state.store().feed_sources().await?;
    let schedules = state.store().schedules().await?;
    let feeds = &state.config().feeds;
    let sources: Vec<Value> = feeds
        .sources
        .iter()
        .map(|s| {
            let st = stored.iter().find(|x| x.name == s.name);
            let next_run = schedules
                .iter()
                .find(|(n, _)| *n == yata_store::Periodic::feed_sync(&s.name, s.every).name)
                .map(|(_, t)| crate::api::rfc3339(*t));
            json!({
                "name": s.name,
                "location": s.location.to_string(),
                "kind": match s.location {
                    Location::Url(_) => "url",
                    Location::Path(_) => "path",
                    Location::CsafProvider(_) => "csaf-provider",
                },
                "format": s.format.map(|f| f.to_string()),
                "every_secs": s.every.as_secs(),
                "next_run": next_run,
                "checked_at": st.and_then(|x| x.checked_at).map(crate::api::rfc3339),
                "changed_at": st.and_then(|x| x.changed_at).map(crate::api::rfc3339),
                "outcome": st.and_then(|x| x.outcome).map(|o| o.as_str()),
                "message": st.and_then(|x| x.message.clone()),
            })
        })
        .collect();
    Ok(json!({ "offline": feeds.offline, "sources": sources }))
}
