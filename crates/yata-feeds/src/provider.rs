//! What a CSAF 2.0 provider publishes about its documents (CSAF 2.0 §7.1):
//! its `provider-metadata.json` (requirement 7, §7.1.7), the ROLIE feeds
//! of its distributions (requirement 15, §7.1.15, RFC 8322) and the
//! `changes.csv` of directory distributions (requirement 13, §7.1.13).
//! Bytes in, lists of what to fetch out, with the reason when a document
//! cannot be read; fetching is the caller's.
//!
//! Only the distributions anyone may read are listed: ROLIE feeds labelled
//! TLP:WHITE (CSAF 2.0) or TLP:CLEAR (2.1); the others need credentials and
//! are counted as skipped. URLs are returned as written (the caller
//! resolves relative ones against the document they came from).

use jiff::Timestamp;
use serde_json::Value;

/// A provider's public distributions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Distributions {
    /// URLs of ROLIE feeds labelled TLP:WHITE or TLP:CLEAR.
    pub rolie_feeds: Vec<String>,
    /// `directory_url`s: each has a `changes.csv`.
    pub directories: Vec<String>,
    /// ROLIE feeds with another label (not public), by label.
    pub skipped: Vec<String>,
}

/// One document a distribution lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The document's URL (or path, for `changes.csv`) as written.
    pub url: String,
    pub updated: Timestamp,
    /// Its `hash` link (`…json.sha256` / `.sha512`), if any.
    pub hash: Option<String>,
}

/// Reads `provider-metadata.json`.
pub fn provider_metadata(bytes: &[u8]) -> Result<Distributions, String> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let list = v["distributions"]
        .as_array()
        .ok_or("no `distributions` array")?;
    let mut out = Distributions::default();
    for (i, d) in list.iter().enumerate() {
        if let Some(dir) = d.get("directory_url") {
            let dir = dir
                .as_str()
                .ok_or_else(|| format!("distributions[{i}].directory_url: not a string"))?;
            out.directories.push(dir.to_owned());
        }
        let Some(feeds) = d.get("rolie").and_then(|r| r.get("feeds")) else {
            continue;
        };
        let feeds = feeds
            .as_array()
            .ok_or_else(|| format!("distributions[{i}].rolie.feeds: not an array"))?;
        for (j, f) in feeds.iter().enumerate() {
            let at = format!("distributions[{i}].rolie.feeds[{j}]");
            let label = f["tlp_label"]
                .as_str()
                .ok_or_else(|| format!("{at}.tlp_label: missing"))?
                .to_ascii_uppercase();
            let url = f["url"]
                .as_str()
                .ok_or_else(|| format!("{at}.url: missing"))?;
            if matches!(label.as_str(), "WHITE" | "CLEAR") {
                out.rolie_feeds.push(url.to_owned());
            } else {
                out.skipped.push(label);
            }
        }
    }
    Ok(out)
}

/// Reads a ROLIE feed: each entry's document (`content.src`, else its
/// `self` link), `updated` time and `hash` link.
pub fn rolie_feed(bytes: &[u8]) -> Result<Vec<Listed>, String> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let entries = match &v["feed"]["entry"] {
        Value::Array(entries) => entries.as_slice(),
        // RFC 8322 allows a feed with no entries to omit them.
        Value::Null if v["feed"].is_object() => &[],
        _ => return Err("no `feed.entry` array".into()),
    };
    let mut out = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let at = format!("feed.entry[{i}]");
        let link = |rel: &str| {
            e["link"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|l| l["rel"] == rel)
                .and_then(|l| l["href"].as_str())
                .map(str::to_owned)
        };
        let url = e["content"]["src"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| link("self"))
            .ok_or_else(|| format!("{at}: neither content.src nor a self link"))?;
        let updated = e["updated"]
            .as_str()
            .ok_or_else(|| format!("{at}.updated: missing"))?;
        let updated = updated
            .parse()
            .map_err(|err| format!("{at}.updated {updated:?}: {err}"))?;
        out.push(Listed {
            url,
            updated,
            hash: link("hash"),
        });
    }
    Ok(out)
}

/// Reads a directory distribution's `changes.csv`: one
/// `"<path>","<RFC 3339 time>"` per line, the path relative to the
/// directory. Paths that would leave it (`..`, absolute, another host) are
/// refused with their line.
pub fn changes_csv(bytes: &[u8]) -> Result<Vec<Listed>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut out = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 1;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let (Some(path), Some(time)) = (record.get(0), record.get(1)) else {
            return Err(format!("line {line}: expected \"path\",\"time\""));
        };
        let path = path.trim();
        if path.is_empty()
            || path.starts_with('/')
            || path.contains('\\')
            || path.contains("://")
            || path.split('/').any(|segment| segment == "..")
        {
            return Err(format!("line {line}: path {path:?} leaves the directory"));
        }
        let updated = time
            .trim()
            .parse()
            .map_err(|e| format!("line {line}: time {time:?}: {e}"))?;
        out.push(Listed {
            url: path.to_owned(),
            updated,
            hash: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(path: &str) -> Option<Vec<u8>> {
        yata_testdata::path(&format!("csaf/examples/{path}")).map(|p| std::fs::read(p).unwrap())
    }

    #[test]
    fn the_specification_examples_read() {
        let Some(metadata) = example("provider-metadata/example-01-provider-metadata.json") else {
            return;
        };
        let d = provider_metadata(&metadata).unwrap();
        assert_eq!(
            d.rolie_feeds,
            ["https://www.example.com/.well-known/csaf/feed-tlp-white.json"]
        );
        assert!(d.directories.is_empty() && d.skipped.is_empty());
        let feed = example("ROLIE/example-01-feed-tlp-white.json").unwrap();
        let listed = rolie_feed(&feed).unwrap();
        assert_eq!(
            listed,
            [Listed {
                url: "https://psirt.domain.tld/advisories/csaf/2020/2020-ESA-001.json".into(),
                updated: "2021-01-01T12:00:00Z".parse().unwrap(),
                hash: Some(
                    "https://psirt.domain.tld/advisories/csaf/2020/2020-ESA-001.json.sha512".into()
                ),
            }]
        );
    }

    #[test]
    fn only_public_feeds_are_listed() {
        let d = provider_metadata(
            br#"{"distributions": [
                {"directory_url": "https://x.jp/csaf/white/"},
                {"rolie": {"feeds": [
                    {"tlp_label": "CLEAR", "url": "https://x.jp/clear.json"},
                    {"tlp_label": "AMBER", "url": "https://x.jp/amber.json"},
                    {"tlp_label": "white", "url": "https://x.jp/white.json"}
                ]}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(
            d.rolie_feeds,
            ["https://x.jp/clear.json", "https://x.jp/white.json"]
        );
        assert_eq!(d.directories, ["https://x.jp/csaf/white/"]);
        assert_eq!(d.skipped, ["AMBER"]);
        for (bad, wanted) in [
            (&b"{}"[..], "no `distributions`"),
            (b"[", "not JSON"),
            (
                br#"{"distributions":[{"rolie":{"feeds":[{"url":"u"}]}}]}"#,
                "distributions[0].rolie.feeds[0].tlp_label",
            ),
        ] {
            let e = provider_metadata(bad).unwrap_err();
            assert!(e.contains(wanted), "{e}");
        }
    }

    #[test]
    fn rolie_entries_need_a_document_and_a_time() {
        let e = rolie_feed(br#"{"feed":{"entry":[{"content":{"src":"a.json"}}]}}"#).unwrap_err();
        assert_eq!(e, "feed.entry[0].updated: missing");
        let e =
            rolie_feed(br#"{"feed":{"entry":[{"updated":"2021-01-01T00:00:00Z"}]}}"#).unwrap_err();
        assert!(e.contains("neither content.src nor a self link"), "{e}");
        assert!(rolie_feed(br#"{"feed":{"id":"x"}}"#).unwrap().is_empty());
    }

    #[test]
    fn changes_csv_lines_stay_in_their_directory() {
        let listed = changes_csv(
            b"\"2023/esa-2023-001.json\",\"2023-05-01T10:00:00Z\"\n\n\"2022/esa-2022-009.json\",\"2022-12-24T00:00:00+09:00\"\n",
        )
        .unwrap();
        assert_eq!(
            listed
                .iter()
                .map(|l| (l.url.as_str(), l.updated.as_second()))
                .collect::<Vec<_>>(),
            [
                ("2023/esa-2023-001.json", 1_682_935_200),
                ("2022/esa-2022-009.json", 1_671_807_600)
            ]
        );
        for (bad, line) in [
            ("\"../x.json\",\"2023-05-01T10:00:00Z\"", "line 1: path"),
            (
                "\"a.json\",\"2023-05-01T10:00:00Z\"\n\"/etc/x.json\",\"2023-05-01T10:00:00Z\"",
                "line 2: path",
            ),
            (
                "\"https://evil.example/x.json\",\"2023-05-01T10:00:00Z\"",
                "line 1: path",
            ),
            (
                "\"2023/../../x.json\",\"2023-05-01T10:00:00Z\"",
                "line 1: path",
            ),
            ("\"x.json\",\"yesterday\"", "line 1: time"),
            ("\"x.json\"", "line 1: expected"),
        ] {
            let e = changes_csv(bad.as_bytes()).unwrap_err();
            assert!(e.starts_with(line), "{bad}: {e}");
        }
    }
}
