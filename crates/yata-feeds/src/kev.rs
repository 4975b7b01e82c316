//! The CISA Known Exploited Vulnerabilities catalog, as JSON
//! (`known_exploited_vulnerabilities.json`, with its `catalogVersion`
//! header) or CSV (`known_exploited_vulnerabilities.csv`, the same columns
//! without the header, and `cwes` as one comma-separated cell).
//!
//! One [`Record`] per catalog entry, with the CVE as its id, the entry in
//! [`Record::kev`], the vendor/product pair as an [`AffectedProduct`], the
//! vulnerability name as summary and the short description as details.
//! Text is kept as the catalog writes it. An entry that cannot be read is a
//! problem located at `/vulnerabilities/17/dateAdded` (JSON) or
//! `row 18, column dateAdded` (CSV, rows counted from 1 after the header
//! line); the other entries are still read.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::Deserialize;
use yata_model::{AffectedProduct, Kev, Record, SourceKind, VulnId};

use crate::Parsed;

/// The catalog's top level. Entries are kept as JSON values so that one bad
/// entry does not lose the others.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Catalog {
    catalog_version: Option<String>,
    count: Option<u64>,
    vulnerabilities: Vec<serde_json::Value>,
}

/// One entry, with the fields the schema requires as required.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(rename = "cveID")]
    cve_id: VulnId,
    vendor_project: String,
    product: String,
    vulnerability_name: String,
    date_added: Date,
    short_description: String,
    required_action: String,
    #[serde(default, deserialize_with = "optional_date")]
    due_date: Option<Date>,
    #[serde(default)]
    known_ransomware_campaign_use: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    cwes: Vec<String>,
}

/// An absent, `null` or empty `dueDate` is no due date; anything else must
/// be a date.
fn optional_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => s.trim().parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// Parses the catalog in JSON.
pub fn parse_json(name: &str, bytes: &[u8], out: &mut Parsed) {
    let catalog: Catalog = match crate::from_json(bytes) {
        Ok(c) => c,
        Err((path, message)) => return out.problem(name, path, format!("kev: {message}")),
    };
    if let Some(count) = catalog.count
        && count != catalog.vulnerabilities.len() as u64
    {
        out.problem(
            name,
            "/count",
            format!(
                "kev: the catalog says {count} entries but has {}",
                catalog.vulnerabilities.len()
            ),
        );
    }
    for (i, value) in catalog.vulnerabilities.into_iter().enumerate() {
        match serde_path_to_error::deserialize::<_, Entry>(value) {
            Ok(entry) => match record(entry, catalog.catalog_version.clone()) {
                Ok(r) => out.records.push(r),
                Err((field, message)) => {
                    out.problem(name, format!("/vulnerabilities/{i}/{field}"), message)
                }
            },
            Err(e) => {
                let inner = crate::json_pointer(e.path());
                let inner = inner.strip_prefix('/').unwrap_or(&inner).to_owned();
                let path = if inner.is_empty() {
                    format!("/vulnerabilities/{i}")
                } else {
                    format!("/vulnerabilities/{i}/{inner}")
                };
                out.problem(name, path, format!("kev: {}", e.into_inner()));
            }
        }
    }
}

/// The CSV columns, in the catalog's order; all must be present.
const COLUMNS: [&str; 11] = [
    "cveID",
    "vendorProject",
    "product",
    "vulnerabilityName",
    "dateAdded",
    "shortDescription",
    "requiredAction",
    "dueDate",
    "knownRansomwareCampaignUse",
    "notes",
    "cwes",
];

/// Parses the catalog in CSV.
pub fn parse_csv(name: &str, bytes: &[u8], out: &mut Parsed) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return out.problem(name, "row 0", format!("kev: {e}")),
    };
    let mut at = [0usize; COLUMNS.len()];
    for (slot, column) in at.iter_mut().zip(COLUMNS) {
        match headers.iter().position(|h| h.trim() == column) {
            Some(i) => *slot = i,
            None => {
                return out.problem(
                    name,
                    "row 0",
                    format!("kev: the header line has no `{column}` column"),
                );
            }
        }
    }
    let mut row = csv::StringRecord::new();
    for n in 1.. {
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                out.problem(name, format!("row {n}"), format!("kev: {e}"));
                // An unreadable row (invalid UTF-8, ragged) leaves the reader
                // where the next row starts; an I/O error cannot happen on a
                // slice.
                continue;
            }
        }
        let cell = |c: usize| row.get(at[c]).unwrap_or("");
        let line = row.position().map_or(0, |p| p.line());
        match csv_entry(cell).and_then(|entry| record(entry, None)) {
            Ok(r) => out.records.push(r),
            Err((column, message)) => out.problem(
                name,
                format!("row {n}, column {column}"),
                format!("{message} (line {line})"),
            ),
        }
    }
}

type FieldError = (&'static str, String);

fn csv_entry<'a>(cell: impl Fn(usize) -> &'a str) -> Result<Entry, FieldError> {
    let date = |c: usize| -> Result<Option<Date>, FieldError> {
        let s = cell(c).trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse()
            .map(Some)
            .map_err(|e| (COLUMNS[c], format!("kev: invalid date {s:?}: {e}")))
    };
    let cve_id = cell(0)
        .parse()
        .map_err(|e| (COLUMNS[0], format!("kev: {e}")))?;
    let date_added = date(4)?.ok_or((COLUMNS[4], "kev: missing date".to_owned()))?;
    let cwes = cell(10)
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    Ok(Entry {
        cve_id,
        vendor_project: cell(1).to_owned(),
        product: cell(2).to_owned(),
        vulnerability_name: cell(3).to_owned(),
        date_added,
        short_description: cell(5).to_owned(),
        required_action: cell(6).to_owned(),
        due_date: date(7)?,
        known_ransomware_campaign_use: cell(8).to_owned(),
        notes: cell(9).to_owned(),
        cwes,
    })
}

/// The record for one entry, or the field (JSON key, CSV column) at fault.
fn record(entry: Entry, catalog_version: Option<String>) -> Result<Record, FieldError> {
    if !entry.cve_id.is_cve() {
        return Err((
            "cveID",
            format!("kev: {:?} is not a CVE id", entry.cve_id.as_str()),
        ));
    }
    let cwes = entry
        .cwes
        .iter()
        .map(|c| c.trim().to_owned())
        .collect::<BTreeSet<_>>();
    if let Some(bad) = cwes.iter().find(|c| !is_cwe(c)) {
        return Err(("cwes", format!("kev: {bad:?} is not a CWE id")));
    }
    let mut r = Record::new(SourceKind::Kev, entry.cve_id);
    r.cwes = cwes;
    r.products = vec![AffectedProduct::named(
        &entry.vendor_project,
        &entry.product,
    )];
    r.summary = Some(entry.vulnerability_name.clone()).filter(|s| !s.is_empty());
    r.details = Some(entry.short_description.clone()).filter(|s| !s.is_empty());
    r.kev = Some(Kev {
        vendor_project: entry.vendor_project,
        product: entry.product,
        vulnerability_name: entry.vulnerability_name,
        date_added: entry.date_added,
        due_date: entry.due_date,
        known_ransomware_campaign_use: entry.known_ransomware_campaign_use,
        required_action: entry.required_action,
        short_description: entry.short_description,
        notes: entry.notes,
        catalog_version,
    });
    Ok(r)
}

/// `CWE-` and digits, as KEV writes them (it writes no `NVD-CWE-noinfo`).
fn is_cwe(s: &str) -> bool {
    s.strip_prefix("CWE-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}
