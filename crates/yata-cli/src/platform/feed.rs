//! `yata feed import --db`: an import stored in the platform store, with the
//! re-evaluation the servers pick up queued in the same transaction.

use yata_knowledge::AdvisoryDb;
use yata_knowledge::snapshot;
use yata_store::FeedSnapshotMeta;

use crate::Failure;
use crate::cmd_feed::{ImportArgs, encode, load, print_outcome, read_sources, write_atomically};

pub(crate) fn import_into_store(args: ImportArgs) -> Result<(), Failure> {
    let url = args.db.as_deref().ok_or_else(|| {
        Failure::BadInput("an import into the platform store needs --db URL".into())
    })?;
    // The stored snapshot this import is built on: storing is refused if
    // another import stored a newer one meanwhile.
    let (mut db, stored_on) = match &args.base {
        Some(base) => (load(base)?, None),
        None => stored_base(url)?,
    };
    let records = read_sources(&args)?;
    // What the servers must look at again: the vulnerabilities these
    // records name, in the base and (below) in the result.
    let base_scope = yata_server::reevaluate::Scope::of_records(
        records.iter(),
        &[&db],
        db.records().len() + records.len(),
    );
    let update = db.update(records);
    let scope = base_scope.expanded_in(&db);
    let bytes = encode(&db)?;
    let mut written = Vec::new();
    if let Some(out) = &args.out {
        write_atomically(out, &bytes)?;
        written.push(out.display().to_string());
    }
    let base = match (&args.base, stored_on) {
        // Built on a file: it replaces whatever the store holds.
        (Some(_), _) => latest_id(url)?,
        (None, id) => id,
    };
    store_snapshot(url, &db, bytes, &scope, base)?;
    written.push(format!("{url} (re-evaluation queued)"));
    print_outcome(&db, &update, &written);
    Ok(())
}

/// The store's latest snapshot, or an empty database if it has none.
fn stored_base(url: &str) -> Result<(AdvisoryDb, Option<i64>), Failure> {
    match latest_snapshot(url)? {
        Some((meta, bytes)) => snapshot::decode(&bytes)
            .map(|s| (s.db, Some(meta.id)))
            .map_err(|e| {
                Failure::Other(anyhow::anyhow!("{url}: stored snapshot {}: {e}", meta.id))
            }),
        None => Ok((AdvisoryDb::default(), None)),
    }
}

/// The id of the store's latest snapshot.
fn latest_id(url: &str) -> Result<Option<i64>, Failure> {
    Ok(latest_snapshot(url)?.map(|(meta, _)| meta.id))
}

/// The store's latest snapshot and its bytes.
fn latest_snapshot(url: &str) -> Result<Option<(FeedSnapshotMeta, Vec<u8>)>, Failure> {
    super::runtime()?.block_on(async {
        let store = super::open_store(url).await?;
        let latest = store
            .latest_feed_snapshot()
            .await
            .map_err(|e| Failure::Other(e.into()))?;
        store.close().await.map_err(|e| Failure::Other(e.into()))?;
        Ok(latest)
    })
}

/// Stores the snapshot in the platform store and queues the re-evaluation
/// a running server picks up.
fn store_snapshot(
    url: &str,
    db: &AdvisoryDb,
    bytes: Vec<u8>,
    scope: &yata_server::reevaluate::Scope,
    base: Option<i64>,
) -> Result<(), Failure> {
    let other = |e: yata_store::Error| Failure::Other(e.into());
    super::runtime()?.block_on(async {
        let store = super::open_store(url).await?;
        let summary = serde_json::json!({
            "vulnerabilities": db.len(),
            "records": db.records().len(),
            "sources": [{ "kind": "cli" }],
        });
        // The re-evaluation is queued in the snapshot's own transaction.
        store
            .put_feed_snapshot(
                &yata_store::Actor::Cli,
                &yata_store::NewFeedSnapshot {
                    digest: yata_inventory::digest(&bytes),
                    summary: summary.to_string(),
                    body: bytes,
                    base,
                    job: Some(yata_store::NewJob {
                        kind: yata_server::api::feeds::REEVALUATE_JOB.into(),
                        payload: scope.to_payload(),
                        run_at: jiff::Timestamp::now(),
                    }),
                },
            )
            .await
            .map_err(|e| match e {
                yata_store::Error::Conflict(m) => Failure::Other(anyhow::anyhow!(
                    "{url}: {m} (another import was stored meanwhile; nothing written)"
                )),
                e => other(e),
            })?;
        store.close().await.map_err(other)
    })
}
