//! The demo's built-in advisories (`advisories.toml`): a few dozen
//! well-known real vulnerabilities, written as the project's own compact
//! data and turned here into the documents the real feeds publish — one
//! OSV JSON document per package advisory, one CVE JSON 5 record per
//! product advisory, a CISA KEV catalogue and an EPSS CSV — which the
//! `yata-feeds` parsers then read exactly as they read an upload. Nothing
//! here matches or scores: the records go into the advisory store and the
//! real matcher does the rest.

use serde::Deserialize;
use serde_json::{Value, json};
use yata_feeds::import::SourceImport;
use yata_feeds::{Format, Parsed};

/// The built-in set, as written.
const ADVISORIES: &str = include_str!("advisories.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BuiltIn {
    epss: EpssDay,
    #[serde(rename = "vuln")]
    pub(crate) vulns: Vec<Vuln>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EpssDay {
    date: String,
    model: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Vuln {
    pub(crate) id: String,
    pub(crate) aliases: Vec<String>,
    summary: String,
    published: String,
    cvss: String,
    epss: Option<f64>,
    pub(crate) kev: Option<KevEntry>,
    #[serde(default, rename = "package")]
    pub(crate) packages: Vec<Package>,
    #[serde(default, rename = "product")]
    pub(crate) products: Vec<Product>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KevEntry {
    pub(crate) added: String,
    pub(crate) due: String,
    vendor: String,
    product: String,
    ransomware: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Package {
    pub(crate) ecosystem: String,
    pub(crate) name: String,
    /// `[introduced, fixed]` pairs.
    pub(crate) ranges: Vec<[String; 2]>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Product {
    vendor: String,
    product: String,
    versions: Vec<ProductVersion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductVersion {
    version: String,
    less_than: Option<String>,
    less_than_or_equal: Option<String>,
}

impl Vuln {
    /// The CVE among the id and aliases.
    pub(crate) fn cve(&self) -> Option<&str> {
        std::iter::once(&self.id)
            .chain(&self.aliases)
            .find(|a| a.starts_with("CVE-"))
            .map(String::as_str)
    }
}

/// The built-in set, read.
pub(crate) fn built_in() -> BuiltIn {
    // The file is part of the binary and its test reads it: a mistake in it
    // fails `cargo test`, never a user's start.
    toml::from_str(ADVISORIES).unwrap_or_else(|e| panic!("demo/advisories.toml: {e}"))
}

/// `YYYY-MM-DD` → an RFC 3339 timestamp at midnight UTC.
fn at_midnight(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

fn osv_document(v: &Vuln) -> Value {
    let affected: Vec<Value> = v
        .packages
        .iter()
        .map(|p| {
            let mut events = Vec::new();
            for [introduced, fixed] in &p.ranges {
                events.push(json!({ "introduced": introduced }));
                events.push(json!({ "fixed": fixed }));
            }
            json!({
                "package": { "ecosystem": p.ecosystem, "name": p.name },
                "ranges": [{ "type": "ECOSYSTEM", "events": events }],
            })
        })
        .collect();
    json!({
        "schema_version": "1.6.0",
        "id": v.id,
        "aliases": v.aliases,
        "published": at_midnight(&v.published),
        "modified": at_midnight(&v.published),
        "summary": v.summary,
        "severity": [{ "type": cvss_type(&v.cvss), "score": v.cvss }],
        "affected": affected,
    })
}

fn cvss_type(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:4") {
        "CVSS_V4"
    } else {
        "CVSS_V3"
    }
}

fn cve5_document(v: &Vuln) -> Value {
    let affected: Vec<Value> = v
        .products
        .iter()
        .map(|p| {
            let versions: Vec<Value> = p
                .versions
                .iter()
                .map(|r| {
                    let mut e = json!({ "version": r.version, "status": "affected" });
                    if let Some(lt) = &r.less_than {
                        e["lessThan"] = json!(lt);
                    }
                    if let Some(le) = &r.less_than_or_equal {
                        e["lessThanOrEqual"] = json!(le);
                    }
                    if r.less_than.is_some() || r.less_than_or_equal.is_some() {
                        e["versionType"] = json!("custom");
                    }
                    e
                })
                .collect();
            json!({
                "vendor": p.vendor,
                "product": p.product,
                "defaultStatus": "unaffected",
                "versions": versions,
            })
        })
        .collect();
    let metric = if v.cvss.starts_with("CVSS:3.0") {
        json!({ "cvssV3_0": { "version": "3.0", "vectorString": v.cvss } })
    } else {
        json!({ "cvssV3_1": { "version": "3.1", "vectorString": v.cvss } })
    };
    json!({
        "dataType": "CVE_RECORD",
        "dataVersion": "5.1",
        "cveMetadata": {
            "cveId": v.id,
            "state": "PUBLISHED",
            "datePublished": at_midnight(&v.published),
            "dateUpdated": at_midnight(&v.published),
        },
        "containers": {
            "cna": {
                "title": v.summary,
                "descriptions": [{ "lang": "en", "value": v.summary }],
                "affected": affected,
                "metrics": [metric],
            }
        }
    })
}

fn kev_catalog(vulns: &[Vuln]) -> Value {
    let entries: Vec<Value> = vulns
        .iter()
        .filter_map(|v| Some((v.cve()?, v.kev.as_ref()?, v)))
        .map(|(cve, k, v)| {
            json!({
                "cveID": cve,
                "vendorProject": k.vendor,
                "product": k.product,
                "vulnerabilityName": v.summary,
                "dateAdded": k.added,
                "shortDescription": v.summary,
                "requiredAction": "Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.",
                "dueDate": k.due,
                "knownRansomwareCampaignUse": k.ransomware,
                "notes": "YATA-Shield demo: built-in entry",
                "cwes": [],
            })
        })
        .collect();
    json!({
        "title": "YATA-Shield demo: built-in KEV entries",
        "catalogVersion": "demo",
        "dateReleased": "2024-10-01T00:00:00.000Z",
        "count": entries.len(),
        "vulnerabilities": entries,
    })
}

fn epss_csv(set: &BuiltIn) -> String {
    let mut csv = format!(
        "#model_version:{},score_date:{}T00:00:00+0000\ncve,epss,percentile\n",
        set.epss.model, set.epss.date
    );
    for v in &set.vulns {
        if let (Some(cve), Some(score)) = (v.cve(), v.epss) {
            csv.push_str(&format!("{cve},{score},0.99\n"));
        }
    }
    csv
}

/// The built-in set as the records an import of its documents gives.
pub fn import() -> SourceImport {
    let set = built_in();
    let mut documents: Vec<(String, Format, Vec<u8>)> = Vec::new();
    for v in &set.vulns {
        if !v.packages.is_empty() {
            let doc = serde_json::to_vec(&osv_document(v)).unwrap_or_default();
            documents.push((format!("demo/osv/{}.json", v.id), Format::OsvJson, doc));
        }
        if !v.products.is_empty() {
            let doc = serde_json::to_vec(&cve5_document(v)).unwrap_or_default();
            documents.push((format!("demo/cve/{}.json", v.id), Format::Cve5, doc));
        }
    }
    let kev = serde_json::to_vec(&kev_catalog(&set.vulns)).unwrap_or_default();
    documents.push(("demo/kev.json".into(), Format::KevJson, kev));
    documents.push((
        "demo/epss.csv".into(),
        Format::Epss,
        epss_csv(&set).into_bytes(),
    ));
    let mut parsed = Parsed::default();
    for (name, format, bytes) in &documents {
        format.parse(name, bytes, &mut parsed);
    }
    let mut out = SourceImport {
        records: parsed.records,
        documents: documents.len(),
        problems: parsed.problems,
        skipped: parsed.skipped,
    };
    out.records
        .sort_by(|a, b| (a.source, &a.id).cmp(&(b.source, &b.id)));
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn every_document_reads_without_problems() {
        let set = built_in();
        assert!((20..=40).contains(&set.vulns.len()), "{}", set.vulns.len());
        let imported = import();
        assert!(imported.problems.is_empty(), "{:?}", imported.problems);
        assert!(imported.skipped.is_empty(), "{:?}", imported.skipped);
        let db = {
            let mut db = yata_knowledge::AdvisoryDb::default();
            db.update(imported.records);
            db
        };
        // Every vulnerability is one merged vulnerability with its KEV entry.
        for v in &set.vulns {
            let id: yata_model::VulnId = v.id.parse().unwrap();
            let view = db.get(&id).unwrap_or_else(|| panic!("{} missing", v.id));
            assert_eq!(view.kev().is_some(), v.kev.is_some(), "{}", v.id);
        }
    }

    /// The built-in facts agree with the real feeds in `../shared/data`
    /// where those have them: KEV membership and dates (the KEV
    /// catalogue), and the affected ranges of the PyPI (PyPA) and RustSec
    /// advisories.
    #[test]
    fn agrees_with_shared_data() {
        let Some(data) = yata_testdata::shared_data() else {
            return;
        };
        let set = built_in();
        let catalog: Value = serde_json::from_slice(
            &std::fs::read(data.join("kev/known_exploited_vulnerabilities.json")).unwrap(),
        )
        .unwrap();
        let kev: BTreeMap<&str, &Value> = catalog["vulnerabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["cveID"].as_str().unwrap(), e))
            .collect();
        for v in &set.vulns {
            let Some(cve) = v.cve() else { continue };
            match (&v.kev, kev.get(cve)) {
                (Some(ours), Some(theirs)) => {
                    assert_eq!(theirs["dateAdded"], json!(ours.added), "{cve} dateAdded");
                    assert_eq!(theirs["dueDate"], json!(ours.due), "{cve} dueDate");
                    assert_eq!(
                        theirs["knownRansomwareCampaignUse"],
                        json!(ours.ransomware),
                        "{cve} ransomware"
                    );
                }
                (None, Some(_)) => panic!("{cve} is in KEV but not marked so"),
                (Some(_), None) => panic!("{cve} is marked KEV but the catalogue lacks it"),
                (None, None) => {}
            }
        }
        // PyPA advisories: the same ECOSYSTEM ranges.
        for v in set.vulns.iter().filter(|v| v.id.starts_with("PYSEC-")) {
            let p = &v.packages[0];
            let file = data
                .join("osv/pypa")
                .join(&p.name)
                .join(format!("{}.yaml", v.id));
            // Quoted or not, as YAML allows.
            let text = std::fs::read_to_string(&file)
                .unwrap()
                .replace(['"', '\''], "");
            for [introduced, fixed] in &p.ranges {
                for event in [
                    format!("introduced: {introduced}"),
                    format!("fixed: {fixed}"),
                ] {
                    assert!(
                        text.contains(&event),
                        "{}: {event} not in {}",
                        v.id,
                        file.display()
                    );
                }
            }
        }
        // RustSec: the patched and unaffected bounds are the ranges' ends.
        for v in set.vulns.iter().filter(|v| v.id.starts_with("RUSTSEC-")) {
            let p = &v.packages[0];
            let file = data
                .join("rustsec/advisory-db/crates")
                .join(&p.name)
                .join(format!("{}.md", v.id));
            let text = std::fs::read_to_string(&file).unwrap();
            for [introduced, fixed] in &p.ranges {
                assert!(
                    text.contains(&format!(">= {introduced}"))
                        || text.contains(&format!("< {introduced}")),
                    "{}: {introduced}",
                    v.id
                );
                assert!(text.contains(&format!(">= {fixed}")), "{}: {fixed}", v.id);
            }
        }
    }
}
