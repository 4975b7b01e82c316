//! Re-evaluation after a feed change: only the assets the change can
//! touch. A [`Scope`] names the vulnerabilities whose records changed (or
//! says "all" when most did); the assets looked at again are those whose
//! installed packages an advisory of the scope names (the population's
//! `affected_by`), those with a finding of the scope (so withdrawn
//! advisories and fixed ranges close their findings), and every product
//! asset. Each is reconciled in its own store transaction, a few at a
//! time, and only for the scope's vulnerabilities (all of its findings for
//! [`Scope::All`]): the change cannot have touched the others.

use std::collections::{BTreeSet, HashSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use yata_knowledge::AdvisoryDb;
use yata_model::Record;
use yata_store::{Actor, AssetId, FindingFilter, FindingsUpdate};

use crate::error::AppError;
use crate::evaluate;
use crate::state::AppState;

/// Which vulnerabilities a feed change touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Too much changed to list: every asset.
    All,
    /// These ids (each vulnerability with all its aliases).
    Vulnerabilities(Vec<String>),
}

/// Past this share of the records changed, a listed scope costs more than
/// it saves.
const MAX_LISTED_SHARE: usize = 5;

impl Scope {
    /// The scope of `records` (changed, added or removed), each expanded to
    /// its vulnerability's every id in each of `dbs` (old and new: a merge
    /// may move an alias from one vulnerability to another).
    pub fn of_records<'a>(
        records: impl ExactSizeIterator<Item = &'a Record>,
        dbs: &[&AdvisoryDb],
        total: usize,
    ) -> Scope {
        if records.len() > 1000 && records.len() * MAX_LISTED_SHARE > total {
            return Scope::All;
        }
        let mut ids: BTreeSet<String> = BTreeSet::new();
        for r in records {
            for id in std::iter::once(&r.id).chain(&r.aliases) {
                ids.insert(id.as_str().to_owned());
                for db in dbs {
                    add_ids_of(&mut ids, id, db);
                }
            }
        }
        Scope::Vulnerabilities(ids.into_iter().collect())
    }

    /// The same scope with each id's vulnerability's every id in `db`
    /// (after an import merged records that gave some ids new aliases).
    pub fn expanded_in(self, db: &AdvisoryDb) -> Scope {
        let Scope::Vulnerabilities(listed) = self else {
            return Scope::All;
        };
        let mut ids: BTreeSet<String> = BTreeSet::new();
        for id in listed {
            if let Ok(v) = id.parse::<yata_model::VulnId>() {
                add_ids_of(&mut ids, &v, db);
            }
            ids.insert(id);
        }
        Scope::Vulnerabilities(ids.into_iter().collect())
    }

    /// What differs between `old` and `new`.
    pub fn between(old: &AdvisoryDb, new: &AdvisoryDb) -> Scope {
        let (changed, removed) = yata_knowledge::advisories::changed_records(old, new);
        let all: Vec<&Record> = changed.into_iter().chain(removed).collect();
        Scope::of_records(all.into_iter(), &[old, new], new.records().len())
    }

    /// The job payload; an unreadable one means [`Scope::All`].
    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "\"all\"".into())
    }

    pub fn from_payload(payload: &str) -> Scope {
        serde_json::from_str(payload).unwrap_or(Scope::All)
    }
}

/// Adds the ids of `id`'s vulnerability in `db` (its primary id and
/// aliases), if `db` knows it.
fn add_ids_of(ids: &mut BTreeSet<String>, id: &yata_model::VulnId, db: &AdvisoryDb) {
    if let Some(v) = db.get(id) {
        ids.insert(v.id().as_str().to_owned());
        ids.extend(v.aliases().iter().map(|a| a.as_str().to_owned()));
    }
}

/// The assets `scope` can touch.
async fn assets_in(state: &AppState, scope: &Scope) -> Result<Vec<AssetId>, AppError> {
    let ids = match scope {
        Scope::All => return Ok(state.store().assets_with_inventory().await?),
        Scope::Vulnerabilities(ids) => ids,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // CPU work over the whole population: on a blocking thread.
    let (walker, ids_owned) = (state.clone(), ids.clone());
    let mut assets: BTreeSet<AssetId> = tokio::task::spawn_blocking(move || {
        let wanted: HashSet<&str> = ids_owned.iter().map(String::as_str).collect();
        let knowledge = walker.knowledge();
        let installed = walker.installed().blocking_read();
        let mut assets = BTreeSet::new();
        for r in knowledge.db.records().iter().filter(|r| {
            wanted.contains(r.id.as_str()) || r.aliases.iter().any(|a| wanted.contains(a.as_str()))
        }) {
            let affected = installed.packages.affected_by(r);
            assets.extend(affected.assets.iter().map(|a| AssetId(i64::from(a.0))));
        }
        assets.extend(installed.products.iter().copied());
        assets
    })
    .await
    .map_err(AppError::internal)?;
    for f in state.store().findings_of_vulnerabilities(ids).await? {
        assets.insert(f.asset);
    }
    Ok(assets.into_iter().collect())
}

/// Assets re-evaluated at once: one's matching (parse and match, on a
/// blocking thread) overlaps another's store transaction (writers queue on
/// the audit head anyway). Measured with the national benchmark on 2
/// shared cores, a KEV entry touching 920 assets: 47 ms per asset one at a
/// time rewriting all their findings, 30 ms four at a time, 13 ms four at a
/// time rewriting only the scope's.
const IN_FLIGHT: usize = 4;

/// Re-evaluates the assets `scope` can touch against the current
/// knowledge, [`IN_FLIGHT`] at a time, each in its own transaction.
/// Returns how many assets and the summed update.
pub async fn reevaluate(
    state: &AppState,
    scope: &Scope,
) -> Result<(u64, FindingsUpdate), AppError> {
    let mut total = FindingsUpdate::default();
    let mut assets = 0;
    let mut pending = assets_in(state, scope).await?.into_iter();
    // Only the scope's findings are rewritten: the change cannot have
    // touched the others.
    let only: Option<std::sync::Arc<[String]>> = match scope {
        Scope::All => None,
        Scope::Vulnerabilities(ids) => Some(ids.as_slice().into()),
    };
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < IN_FLIGHT {
            let Some(id) = pending.next() else { break };
            let (state, only) = (state.clone(), only.clone());
            running.spawn(async move { (id, reevaluate_asset(&state, id, only.as_deref()).await) });
        }
        let Some(done) = running.join_next().await else {
            break;
        };
        let (id, result) = done.map_err(AppError::internal)?;
        // One asset that cannot be re-evaluated (an inventory the current
        // limits refuse, say) must not stop the others.
        let u = match result {
            Ok(Some(u)) => u,
            Ok(None) => continue,
            Err(e) => {
                tracing::error!(asset = id.0, error = %e, "re-evaluating an asset failed");
                continue;
            }
        };
        total.opened += u.opened;
        total.reopened += u.reopened;
        total.refreshed += u.refreshed;
        total.resolved += u.resolved;
        assets += 1;
    }
    Ok((assets, total))
}

/// Reconciles one asset's findings with its current inventory; `None` if
/// it has none (any more).
async fn reevaluate_asset(
    state: &AppState,
    id: AssetId,
    only: Option<&[String]>,
) -> Result<Option<FindingsUpdate>, AppError> {
    let store = state.store();
    let Some(asset) = store.asset(id).await? else {
        return Ok(None);
    };
    let org = state
        .organization(asset.org)
        .await?
        .ok_or(AppError::NotFound)?;
    // An upload may replace the inventory while this one is evaluated: the
    // result is then about a document that is no longer current, so it is
    // computed again from the new one (an upload's own reconciliation used
    // the knowledge of its time; this one uses the current).
    for _ in 0..3 {
        let Some(doc) = store.current_inventory(id).await? else {
            return Ok(None);
        };
        let evaluated = doc.meta.id;
        let existing = store
            .findings(&FindingFilter {
                org: org.id,
                asset: Some(id),
                state: None,
            })
            .await?;
        let knowledge = state.knowledge();
        let policy = state.policy().clone();
        let limits = state.config().inventory_limits.clone();
        let kind = org.kind;
        let asset = asset.clone();
        let observations = tokio::task::spawn_blocking(move || {
            let inventory = evaluate::load_inventory(&asset, &doc, &limits)?;
            Ok::<_, AppError>(evaluate::observations(
                &knowledge,
                &policy,
                &inventory,
                &asset,
                kind,
                &existing,
                Timestamp::now(),
            ))
        })
        .await
        .map_err(AppError::internal)??;
        let current = store.current_inventory(id).await?.map(|d| d.meta.id);
        if current != Some(evaluated) {
            continue;
        }
        let update = match only {
            Some(vulns) => {
                store
                    .refresh_findings_of(&Actor::System, id, &observations, vulns)
                    .await?
            }
            None => {
                store
                    .refresh_findings(&Actor::System, id, &observations)
                    .await?
            }
        };
        return Ok(Some(update));
    }
    Err(AppError::internal(format!(
        "asset {id}: its inventory kept changing during re-evaluation"
    )))
}

/// Files every asset's current inventory in the population (server
/// start-up), [`IN_FLIGHT`] at a time (reading one overlaps parsing
/// another). Returns how many assets.
pub async fn load_installed(state: &AppState) -> Result<u64, AppError> {
    let mut n = 0;
    let mut pending = state.store().assets_with_inventory().await?.into_iter();
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.len() < IN_FLIGHT {
            let Some(id) = pending.next() else { break };
            let state = state.clone();
            running.spawn(async move {
                let filed = async {
                    let store = state.store();
                    let (Some(asset), Some(doc)) =
                        (store.asset(id).await?, store.current_inventory(id).await?)
                    else {
                        return Ok::<_, AppError>(false);
                    };
                    file_inventory(&state, asset, doc).await.map(|()| true)
                };
                (id, filed.await)
            });
        }
        let Some(done) = running.join_next().await else {
            break;
        };
        match done.map_err(AppError::internal)? {
            (_, Ok(true)) => n += 1,
            (_, Ok(false)) => {}
            // Logged, not fatal: the server starts; that asset is matched
            // again when its inventory is next uploaded.
            (id, Err(e)) => tracing::error!(asset = id.0, error = %e, "filing an inventory failed"),
        }
    }
    Ok(n)
}

/// Files one asset's current inventory in the population (another replica
/// changed it).
pub async fn load_installed_asset(state: &AppState, id: AssetId) -> Result<(), AppError> {
    let store = state.store();
    let (Some(asset), Some(doc)) = (store.asset(id).await?, store.current_inventory(id).await?)
    else {
        return Ok(());
    };
    file_inventory(state, asset, doc).await
}

/// Reads `doc` back (on a blocking thread) and files it as what `asset`
/// has installed.
async fn file_inventory(
    state: &AppState,
    asset: yata_store::Asset,
    doc: yata_store::InventoryDocument,
) -> Result<(), AppError> {
    let limits = state.config().inventory_limits.clone();
    let (asset, inventory) = tokio::task::spawn_blocking(move || {
        evaluate::load_inventory(&asset, &doc, &limits).map(|inv| (asset, inv))
    })
    .await
    .map_err(AppError::internal)??;
    evaluate::install(&mut *state.installed().write().await, &asset, &inventory);
    Ok(())
}

/// Follows the announcements of other replicas' writes (PostgreSQL): a
/// changed inventory is filed again, a new feed snapshot is loaded. This
/// replica's own writes come back too; filing or loading them again is
/// cheap next to missing another's.
pub async fn follow(state: AppState, mut changes: tokio::sync::mpsc::Receiver<String>) {
    while let Some(payload) = changes.recv().await {
        let result = if let Some(id) = payload.strip_prefix("inventory:") {
            match id.parse() {
                Ok(id) => load_installed_asset(&state, AssetId(id)).await,
                Err(_) => Ok(()),
            }
        } else if payload.starts_with("feed:") {
            crate::api::feeds::reload(&state).await.map(|_| ())
        } else {
            Ok(())
        };
        if let Err(e) = result {
            tracing::error!(payload, error = %e, "following a change failed");
        }
    }
}
