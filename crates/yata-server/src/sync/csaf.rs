//! A CSAF provider as a feed source (CSAF 2.0 §7.3): its
//! `provider-metadata.json`, the ROLIE feeds of its public distributions
//! and the `changes.csv` of its directory distributions (read by
//! [`yata_feeds::provider`]); every document updated since the last sync
//! is fetched into a private temporary directory, where the importer reads
//! it as CSAF.
//!
//! A ROLIE entry's `hash` link (`.sha256` / `.sha512`) is checked: a
//! document that does not match refuses the whole sync. Everything an https
//! provider names must be https. OpenPGP signatures (`.asc`) are not
//! verified, and document URLs may name any host the provider chooses (the
//! NCO configures which providers to trust).

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use sha2::{Digest, Sha256, Sha512};
use yata_feeds::provider;

use super::hex;
use crate::webhooks::client;

/// Largest provider metadata, ROLIE feed or `changes.csv`.
const MAX_INDEX: u64 = 64 << 20;
/// Largest single CSAF document.
const MAX_DOCUMENT: u64 = 64 << 20;
/// Most documents one sync fetches.
const MAX_DOCUMENTS: usize = 200_000;

/// One document a distribution lists.
#[derive(Debug, Clone)]
struct Listed {
    updated: Timestamp,
    hash: Option<String>,
}

/// The documents fetched by one crawl.
pub(super) struct Crawl {
    pub dir: tempfile::TempDir,
    pub documents: usize,
    /// The newest `updated` of all listed documents: the next crawl's
    /// "since".
    pub newest: Timestamp,
}

/// Fetches the provider's public documents updated after `since` (all on
/// a first crawl); `None` if there are none.
pub(super) async fn crawl(
    metadata_url: &str,
    since: Option<Timestamp>,
    max_total: u64,
    timeout: Duration,
) -> Result<Option<Crawl>, String> {
    let bytes = get_bytes(metadata_url, MAX_INDEX, timeout).await?;
    let distributions =
        provider::provider_metadata(&bytes).map_err(|e| format!("{metadata_url}: {e}"))?;
    // By document URL, the latest listing of each.
    let mut listed: BTreeMap<String, Listed> = BTreeMap::new();
    let mut add = |url: String, item: Listed| {
        if listed.get(&url).is_none_or(|l| l.updated < item.updated) {
            listed.insert(url, item);
        }
    };
    for feed in &distributions.rolie_feeds {
        let url = absolute(metadata_url, feed)?;
        let bytes = get_bytes(&url, MAX_INDEX, timeout).await?;
        for entry in provider::rolie_feed(&bytes).map_err(|e| format!("{url}: {e}"))? {
            let hash = entry
                .hash
                .as_deref()
                .map(|h| absolute(&url, h))
                .transpose()?;
            add(
                absolute(&url, &entry.url)?,
                Listed {
                    updated: entry.updated,
                    hash,
                },
            );
        }
    }
    for dir in &distributions.directories {
        let dir = absolute(metadata_url, dir)?;
        let dir = dir.trim_end_matches('/');
        let changes = format!("{dir}/changes.csv");
        let bytes = get_bytes(&changes, MAX_INDEX, timeout).await?;
        for entry in provider::changes_csv(&bytes).map_err(|e| format!("{changes}: {e}"))? {
            add(
                format!("{dir}/{}", entry.url),
                Listed {
                    updated: entry.updated,
                    hash: None,
                },
            );
        }
    }
    let newest = listed.values().map(|l| l.updated).max();
    let due: Vec<(String, Listed)> = listed
        .into_iter()
        .filter(|(_, l)| since.is_none_or(|s| l.updated > s))
        .collect();
    let Some(newest) = newest.filter(|_| !due.is_empty()) else {
        return Ok(None);
    };
    if due.len() > MAX_DOCUMENTS {
        return Err(format!(
            "{metadata_url}: {} documents to fetch, more than {MAX_DOCUMENTS}",
            due.len()
        ));
    }
    let dir = tempfile::Builder::new()
        .prefix("yata-csaf-")
        .tempdir()
        .map_err(|e| format!("temporary directory: {e}"))?;
    let mut total = 0u64;
    for (i, (url, item)) in due.iter().enumerate() {
        let body = get_bytes(url, MAX_DOCUMENT, timeout).await?;
        total += body.len() as u64;
        if total > max_total {
            return Err(format!(
                "{metadata_url}: more than the {max_total} bytes allowed (max_download_mib)"
            ));
        }
        if let Some(hash) = &item.hash {
            check_hash(url, &body, hash, timeout).await?;
        }
        tokio::fs::write(dir.path().join(format!("{i:06}.json")), &body)
            .await
            .map_err(|e| format!("temporary directory: {e}"))?;
    }
    Ok(Some(Crawl {
        dir,
        documents: due.len(),
        newest,
    }))
}

/// The document's SHA-256 or SHA-512 (by the hash file's extension) against
/// the first word of the hash file.
async fn check_hash(
    url: &str,
    body: &[u8],
    hash_url: &str,
    timeout: Duration,
) -> Result<(), String> {
    let actual = if hash_url.ends_with(".sha512") {
        hex(&Sha512::digest(body))
    } else if hash_url.ends_with(".sha256") {
        hex(&Sha256::digest(body))
    } else {
        return Ok(());
    };
    let file = get_bytes(hash_url, 4096, timeout).await?;
    let expected = String::from_utf8_lossy(&file)
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if expected != actual {
        return Err(format!(
            "{url}: does not match its hash {hash_url} (SHA of the document: {actual}); nothing was imported"
        ));
    }
    Ok(())
}

async fn get_bytes(url: &str, max: u64, timeout: Duration) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match client::get(url, None, None, &mut out, max, timeout).await? {
        client::Fetched::Body { .. } => Ok(out),
        client::Fetched::NotModified => Err(format!("{url}: 304 to an unconditional request")),
    }
}

/// `reference` as an absolute URL, relative ones against `base`. What an
/// https document names must be https too: a feed, a document or a hash
/// must not come in clear when the provider does not.
fn absolute(base: &str, reference: &str) -> Result<String, String> {
    let url = if reference.contains("://") {
        reference.to_owned()
    } else {
        client::resolve(&client::target(base)?, reference)
    };
    if base.starts_with("https://") && !url.starts_with("https://") {
        return Err(format!("{base}: names {url}, which is not https"));
    }
    Ok(url)
}
