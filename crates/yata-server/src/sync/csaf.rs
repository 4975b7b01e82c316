//! A CSAF provider as a feed source (CSAF 2.0 §7.1.20, §7.3): its
//! `provider-metadata.json`, the ROLIE feeds of its distributions labelled
//! TLP:WHITE (2.0) or TLP:CLEAR (2.1) — the others need credentials — and
//! the `changes.csv` of its directory distributions; every document
//! updated since the last sync is fetched into a private temporary
//! directory, where the importer reads it as CSAF.
//!
//! A ROLIE entry's `hash` link (`.sha256` / `.sha512`) is checked: a
//! document that does not match refuses the whole sync. OpenPGP signatures
//! (`.asc`) are not verified.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use serde_json::Value;
use sha2::{Digest, Sha256, Sha512};

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
    let metadata = get_json(metadata_url, timeout).await?;
    let distributions = metadata["distributions"]
        .as_array()
        .ok_or_else(|| format!("{metadata_url}: no `distributions`"))?;
    let mut listed: BTreeMap<String, Listed> = BTreeMap::new();
    let mut add = |url: String, item: Listed| {
        let keep = listed.get(&url).is_none_or(|l| l.updated < item.updated);
        if keep {
            listed.insert(url, item);
        }
    };
    for d in distributions {
        for feed in d["rolie"]["feeds"].as_array().into_iter().flatten() {
            let label = feed["tlp_label"]
                .as_str()
                .unwrap_or("")
                .to_ascii_uppercase();
            if !matches!(label.as_str(), "WHITE" | "CLEAR") {
                continue;
            }
            let Some(url) = feed["url"].as_str() else {
                continue;
            };
            let url = absolute(metadata_url, url)?;
            let rolie = get_json(&url, timeout).await?;
            for e in rolie["feed"]["entry"].as_array().into_iter().flatten() {
                let links = e["link"].as_array().cloned().unwrap_or_default();
                let link = |rel: &str| {
                    links
                        .iter()
                        .find(|l| l["rel"] == rel)
                        .and_then(|l| l["href"].as_str())
                        .map(str::to_owned)
                };
                let Some(src) = e["content"]["src"]
                    .as_str()
                    .map(str::to_owned)
                    .or(link("self"))
                else {
                    continue;
                };
                let updated = e["updated"]
                    .as_str()
                    .and_then(|u| u.parse::<Timestamp>().ok())
                    .ok_or_else(|| format!("{url}: entry {}: no valid `updated`", e["id"]))?;
                let hash = link("hash").map(|h| absolute(&url, &h)).transpose()?;
                add(absolute(&url, &src)?, Listed { updated, hash });
            }
        }
        if let Some(dir) = d["directory_url"].as_str() {
            let dir = absolute(metadata_url, dir)?;
            let dir = dir.trim_end_matches('/');
            let csv = get_bytes(&format!("{dir}/changes.csv"), MAX_INDEX, timeout).await?;
            for (n, line) in String::from_utf8_lossy(&csv).lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let (path, updated) = changes_line(line).ok_or_else(|| {
                    format!("{dir}/changes.csv: line {}: not \"path\",\"time\"", n + 1)
                })?;
                add(
                    format!("{dir}/{path}"),
                    Listed {
                        updated,
                        hash: None,
                    },
                );
            }
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
        std::fs::write(dir.path().join(format!("{i:06}.json")), &body)
            .map_err(|e| format!("temporary directory: {e}"))?;
    }
    Ok(Some(Crawl {
        dir,
        documents: due.len(),
        newest,
    }))
}

/// `"2023/example-2023-0001.json","2023-05-01T10:00:00Z"` (CSAF 2.0
/// §7.1.16): the path and the time.
fn changes_line(line: &str) -> Option<(String, Timestamp)> {
    let mut fields = line.split(',').map(|f| f.trim().trim_matches('"'));
    let path = fields.next()?;
    let updated = fields.next()?.parse().ok()?;
    if path.is_empty() || path.contains("..") || path.starts_with('/') || path.contains("://") {
        return None;
    }
    Some((path.to_owned(), updated))
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
            "{url}: does not match its hash {hash_url} (expected {expected}, got {actual}); nothing was imported"
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

async fn get_json(url: &str, timeout: Duration) -> Result<Value, String> {
    let bytes = get_bytes(url, MAX_INDEX, timeout).await?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{url}: not JSON: {e}"))
}

/// `reference` as an absolute URL, relative ones against `base`.
fn absolute(base: &str, reference: &str) -> Result<String, String> {
    if reference.contains("://") {
        return Ok(reference.to_owned());
    }
    let t = client::target(base)?;
    Ok(client::resolve(&t, reference))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_csv_lines_name_a_relative_path_and_a_time() {
        let (path, at) =
            changes_line("\"2023/esa-2023-001.json\",\"2023-05-01T10:00:00Z\"").unwrap();
        assert_eq!(path, "2023/esa-2023-001.json");
        assert_eq!(at.as_second(), 1_682_935_200);
        for bad in [
            "\"../x.json\",\"2023-05-01T10:00:00Z\"",
            "\"/etc/x.json\",\"2023-05-01T10:00:00Z\"",
            "\"https://evil.example/x.json\",\"2023-05-01T10:00:00Z\"",
            "\"x.json\",\"yesterday\"",
            "\"x.json\"",
        ] {
            assert!(changes_line(bad).is_none(), "{bad}");
        }
    }
}
