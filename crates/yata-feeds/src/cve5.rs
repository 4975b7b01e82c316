//! CVE JSON 5.0 / 5.1 records (the CVE List, cvelistV5, CISA vulnrichment):
//! one document is one CVE record and becomes one [`Record`].
//!
//! What is read, and from where:
//!
//! * id, state and dates from `cveMetadata`; a `REJECTED` record is
//!   withdrawn at `dateRejected` (or `dateUpdated`) and its rejected reasons
//!   are its details; `replacedBy` ids become [`Record::related`];
//! * summary = the CNA's `title`; details = the CNA's English description
//!   (`lang` starting with `en`), else its first one;
//! * from the CNA and from every ADP container: CWE ids (`problemTypes`),
//!   references (deduplicated by URL, CNA first), CVSS v2.0 / v3.0 / v3.1 /
//!   v4.0 metrics (`by` is `cna` or `adp:<shortName>`) and `affected`
//!   products with their version entries;
//! * from ADP containers only: SSVC decision points (`metrics[].other` of
//!   type `ssvc`, as CISA's ADP writes them) and the KEV marker (type
//!   `kev`).
//!
//! Real-world variations are accepted: missing containers, version entries
//! without `version` (only `lessThan`), `*` versions, `n/a` vendors and
//! products (read as absent), SSVC values in any case. A value of the wrong
//! JSON type, an unknown `state` or `status`, or a date that is not one makes
//! the whole record a located problem (JSON Pointer), never a panic.
//!
//! Speed: the record is deserialised once into borrowed structs (strings
//! stay slices of the input unless they contain escapes); `metrics[].other`
//! contents are kept raw and read only for the two types we use. Locating an
//! error costs a second, path-tracking parse, done only when the first fails.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::value::RawValue;
use yata_model::{
    AffectedProduct, Kev, ProductVersion, Record, Reference, Severity, SeverityKind, SourceKind,
    Ssvc, Status, StatusChange, VulnId,
};

use crate::Parsed;

/// Parses one CVE JSON 5 record.
pub fn parse(name: &str, bytes: &[u8], out: &mut Parsed) {
    let raw: RawRecord<'_> = match serde_json::from_slice(bytes) {
        Ok(raw) => raw,
        Err(error) => {
            // Parse again, tracking the path, to say where. (Trailing bytes
            // after the record are the one error the path-tracking parse does
            // not see: they are at the top.)
            let path = match crate::from_json::<RawRecord<'_>>(bytes) {
                Err((path, _)) => path,
                Ok(_) => "/".to_owned(),
            };
            out.problem(name, path, format_args!("cve5: {error}"));
            return;
        }
    };
    match convert(raw) {
        Ok(record) => out.records.push(record),
        Err((path, message)) => out.problem(name, path, format_args!("cve5: {message}")),
    }
}

/// A located error: JSON Pointer and message.
type Located = (String, String);

fn convert(raw: RawRecord<'_>) -> Result<Record, Located> {
    let meta = raw.cve_metadata;
    let mut record = Record::new(SourceKind::Cve5, meta.cve_id);
    record.published = meta.date_published.map(|t| t.0);
    record.modified = meta.date_updated.map(|t| t.0);

    let containers = raw.containers;
    if let Some(cna) = &containers.cna {
        record.summary = cna
            .title
            .as_ref()
            .map(|t| t.0.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let texts = match meta.state {
            State::Published => &cna.descriptions,
            State::Rejected => &cna.rejected_reasons,
        };
        record.details = english(texts).map(Str::string);
        record.related.extend(cna.replaced_by.iter().cloned());
    }
    if meta.state == State::Rejected {
        record.withdrawn = meta.date_rejected.or(meta.date_updated).map(|t| t.0);
    }

    let cna = containers.cna.iter().map(|c| (Author::Cna, c));
    let adps = containers
        .adp
        .iter()
        .enumerate()
        .map(|(i, c)| (Author::Adp(i), c));
    let mut seen_urls = BTreeSet::new();
    for (author, container) in cna.chain(adps) {
        read_container(author, container, &mut record, &mut seen_urls)?;
    }

    if let Some(kev) = &mut record.kev {
        // The vendor and product of the KEV marker: what the CNA names first.
        if let Some(first) = containers.cna.as_ref().and_then(|c| c.affected.first()) {
            kev.vendor_project = known(&first.vendor).unwrap_or_default();
            kev.product = known(&first.product).unwrap_or_default();
        }
    }
    Ok(record)
}

/// Which container a fact comes from (ADPs by index, for error paths).
#[derive(Clone, Copy)]
enum Author {
    Cna,
    Adp(usize),
}

impl Author {
    fn pointer(self) -> String {
        match self {
            Author::Cna => "/containers/cna".to_owned(),
            Author::Adp(i) => format!("/containers/adp/{i}"),
        }
    }
}

fn read_container<'c>(
    author: Author,
    c: &'c Container<'_>,
    record: &mut Record,
    seen_urls: &mut BTreeSet<&'c str>,
) -> Result<(), Located> {
    // The ADP's name (`CISA-ADP`), or its org id if it gives no name.
    let provider = c
        .provider_metadata
        .as_ref()
        .and_then(|p| p.short_name.as_ref().or(p.org_id.as_ref()))
        .map_or("", |name| &*name.0);
    let by = match author {
        Author::Cna => "cna".to_owned(),
        Author::Adp(_) if provider.is_empty() => "adp".to_owned(),
        Author::Adp(_) => format!("adp:{provider}"),
    };

    for problem_type in &c.problem_types {
        for d in &problem_type.descriptions {
            if let Some(cwe) = d.cwe_id.as_ref().and_then(|id| cwe(&id.0)) {
                record.cwes.insert(cwe);
            }
        }
    }

    for r in &c.references {
        if !seen_urls.insert(&r.url.0) {
            continue;
        }
        let kind = r
            .tags
            .iter()
            .map(|t| t.0.trim())
            .find(|t| !t.is_empty() && *t != "x_transferred")
            .map(str::to_ascii_lowercase);
        record.references.push(Reference {
            kind,
            url: r.url.string(),
        });
    }

    for (i, metric) in c.metrics.iter().enumerate() {
        let cvss = [
            (&metric.cvss_v4_0, SeverityKind::CvssV4),
            (&metric.cvss_v3_1, SeverityKind::CvssV3),
            (&metric.cvss_v3_0, SeverityKind::CvssV3),
            (&metric.cvss_v2_0, SeverityKind::CvssV2),
        ];
        for (cvss, kind) in cvss {
            // A metric without a vector gives nothing a scorer can check.
            if let Some(Cvss {
                vector_string: Some(vector),
                base_score,
            }) = cvss
            {
                record.severities.push(Severity {
                    kind,
                    score: vector.string(),
                    base_score: *base_score,
                    by: Some(by.clone()),
                });
            }
        }
        let (Author::Adp(_), Some(other)) = (author, &metric.other) else {
            continue;
        };
        let Some(content) = other.content else {
            continue;
        };
        let at = || format!("{}/metrics/{i}/other/content", author.pointer());
        if other.kind.0.eq_ignore_ascii_case("ssvc") && record.ssvc.is_none() {
            let content: SsvcContent<'_> = content_of(content, at)?;
            record.ssvc = content.into_ssvc(provider);
        } else if other.kind.0.eq_ignore_ascii_case("kev") && record.kev.is_none() {
            let content: KevContent<'_> = content_of(content, at)?;
            record.kev = Some(content.into_kev());
        }
    }

    for a in &c.affected {
        record.products.push(product(a));
    }
    Ok(())
}

/// Reads the raw content of a `metrics[].other` entry, locating errors below
/// `at()`.
fn content_of<'a, T: Deserialize<'a>>(
    content: &'a RawValue,
    at: impl Fn() -> String,
) -> Result<T, Located> {
    serde_json::from_str(content.get()).map_err(|_| {
        match crate::from_json::<T>(content.get().as_bytes()) {
            Err((path, message)) if path == "/" => (at(), message),
            Err((path, message)) => (at() + &path, message),
            Ok(_) => (at(), "trailing characters".to_owned()),
        }
    })
}

fn product(a: &Affected<'_>) -> AffectedProduct {
    let mut p = AffectedProduct::named("", "");
    p.vendor = known(&a.vendor);
    p.product = known(&a.product);
    p.cpes = a.cpes.iter().map(Str::string).collect();
    p.purl = a.package_url.as_ref().map(Str::string);
    p.package_name = a.package_name.as_ref().map(Str::string);
    p.collection_url = a.collection_url.as_ref().map(Str::string);
    p.platforms = a.platforms.iter().map(Str::string).collect();
    p.default_status = a.default_status.map(|s| s.0);
    p.versions = a
        .versions
        .iter()
        .map(|v| ProductVersion {
            // An entry with only `lessThan` / `lessThanOrEqual` has no lower
            // bound: its version is left empty.
            version: v.version.as_ref().map(Str::string).unwrap_or_default(),
            status: v.status.0,
            version_type: v.version_type.as_ref().map(Str::string),
            less_than: v.less_than.as_ref().map(Str::string),
            less_than_or_equal: v.less_than_or_equal.as_ref().map(Str::string),
            changes: v
                .changes
                .iter()
                .map(|c| StatusChange {
                    at: c.at.string(),
                    status: c.status.0,
                })
                .collect(),
        })
        .collect();
    p
}

/// A vendor or product name, unless absent, empty or `n/a`.
fn known(s: &Option<Str<'_>>) -> Option<String> {
    let s = s.as_ref()?.0.trim();
    (!s.is_empty() && !s.eq_ignore_ascii_case("n/a")).then(|| s.to_owned())
}

/// The English text (`lang` `en`, `en-US`, …), else the first.
fn english<'t, 'a>(texts: &'t [Text<'a>]) -> Option<&'t Str<'a>> {
    texts
        .iter()
        .find(|t| {
            t.lang
                .0
                .get(..2)
                .is_some_and(|l| l.eq_ignore_ascii_case("en"))
        })
        .or(texts.first())
        .map(|t| &t.value)
}

/// `CWE-79` from `CWE-79` or ` cwe-79 `; `None` for anything else
/// (`NVD-CWE-noinfo`, free text).
fn cwe(id: &str) -> Option<String> {
    let id = id.trim();
    let number = id.get(..4).filter(|p| p.eq_ignore_ascii_case("CWE-"))?;
    let digits = &id[number.len()..];
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("CWE-{digits}"))
}

// ---------------------------------------------------------------------------
// The record as written: borrowed, and only what we read. Unknown fields are
// skipped.

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a CVE JSON 5 record")]
struct RawRecord<'a> {
    cve_metadata: Metadata,
    #[serde(default, borrow)]
    containers: Containers<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a cveMetadata object")]
struct Metadata {
    cve_id: VulnId,
    state: State,
    #[serde(default)]
    date_published: Option<Ts>,
    #[serde(default)]
    date_updated: Option<Ts>,
    #[serde(default)]
    date_rejected: Option<Ts>,
}

#[derive(Default, Deserialize)]
#[serde(expecting = "a containers object")]
struct Containers<'a> {
    #[serde(default, borrow)]
    cna: Option<Container<'a>>,
    #[serde(default, borrow)]
    adp: Vec<Container<'a>>,
}

/// A CNA or ADP container (the CNA's rejected form included).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a CNA or ADP container")]
struct Container<'a> {
    #[serde(default, borrow)]
    provider_metadata: Option<Provider<'a>>,
    #[serde(default, borrow)]
    title: Option<Str<'a>>,
    #[serde(default, borrow)]
    descriptions: Vec<Text<'a>>,
    #[serde(default, borrow)]
    rejected_reasons: Vec<Text<'a>>,
    #[serde(default)]
    replaced_by: Vec<VulnId>,
    #[serde(default, borrow)]
    problem_types: Vec<ProblemType<'a>>,
    #[serde(default, borrow)]
    references: Vec<RawReference<'a>>,
    #[serde(default, borrow)]
    metrics: Vec<Metric<'a>>,
    #[serde(default, borrow)]
    affected: Vec<Affected<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a providerMetadata object")]
struct Provider<'a> {
    #[serde(default, borrow)]
    short_name: Option<Str<'a>>,
    #[serde(default, borrow)]
    org_id: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a description object")]
struct Text<'a> {
    #[serde(default, borrow)]
    lang: Str<'a>,
    #[serde(borrow)]
    value: Str<'a>,
}

#[derive(Deserialize)]
#[serde(expecting = "a problemTypes object")]
struct ProblemType<'a> {
    #[serde(default, borrow)]
    descriptions: Vec<ProblemTypeDescription<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a problem type description object")]
struct ProblemTypeDescription<'a> {
    #[serde(default, borrow)]
    cwe_id: Option<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a reference object")]
struct RawReference<'a> {
    #[serde(borrow)]
    url: Str<'a>,
    #[serde(default, borrow)]
    tags: Vec<Str<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a metrics object")]
struct Metric<'a> {
    #[serde(default, borrow, rename = "cvssV2_0")]
    cvss_v2_0: Option<Cvss<'a>>,
    #[serde(default, borrow, rename = "cvssV3_0")]
    cvss_v3_0: Option<Cvss<'a>>,
    #[serde(default, borrow, rename = "cvssV3_1")]
    cvss_v3_1: Option<Cvss<'a>>,
    #[serde(default, borrow, rename = "cvssV4_0")]
    cvss_v4_0: Option<Cvss<'a>>,
    #[serde(default, borrow)]
    other: Option<Other<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a CVSS object")]
struct Cvss<'a> {
    #[serde(default, borrow)]
    vector_string: Option<Str<'a>>,
    #[serde(default)]
    base_score: Option<f64>,
}

/// `metrics[].other`: a type name and content whose shape depends on it,
/// kept raw until the type is known.
#[derive(Deserialize)]
#[serde(expecting = "an object with type and content")]
struct Other<'a> {
    #[serde(borrow, rename = "type")]
    kind: Str<'a>,
    #[serde(default, borrow)]
    content: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(expecting = "SSVC content")]
struct SsvcContent<'a> {
    #[serde(default, borrow)]
    options: Vec<SsvcOption<'a>>,
    #[serde(default)]
    timestamp: Option<Ts>,
    #[serde(default, borrow)]
    version: Option<Str<'a>>,
}

/// One entry of SSVC `options`: `{"Exploitation": "none"}` and so on.
#[derive(Deserialize)]
#[serde(expecting = "an SSVC option object")]
struct SsvcOption<'a> {
    #[serde(default, borrow, rename = "Exploitation", alias = "exploitation")]
    exploitation: Option<Str<'a>>,
    #[serde(default, borrow, rename = "Automatable", alias = "automatable")]
    automatable: Option<Str<'a>>,
    #[serde(
        default,
        borrow,
        rename = "Technical Impact",
        alias = "technical impact",
        alias = "Technical impact"
    )]
    technical_impact: Option<Str<'a>>,
}

impl SsvcContent<'_> {
    /// The decision points, lower case; `None` unless all three are given.
    fn into_ssvc(self, by: &str) -> Option<Ssvc> {
        let point = |get: for<'o> fn(&'o SsvcOption<'o>) -> Option<&'o str>| {
            self.options
                .iter()
                .find_map(get)
                .map(|v| v.trim().to_ascii_lowercase())
        };
        Some(Ssvc {
            exploitation: point(|o| o.exploitation.as_ref().map(|v| &*v.0))?,
            automatable: point(|o| o.automatable.as_ref().map(|v| &*v.0))?,
            technical_impact: point(|o| o.technical_impact.as_ref().map(|v| &*v.0))?,
            timestamp: self.timestamp.map(|t| t.0),
            by: by.to_owned(),
            version: self.version.map(|v| v.0.into_owned()),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "KEV content")]
struct KevContent<'a> {
    date_added: KevDate,
    #[serde(default, borrow)]
    reference: Option<Str<'a>>,
}

impl KevContent<'_> {
    /// The KEV marker as the ADP gives it: the date the vulnerability was
    /// added and a link to the catalog. The catalog entry itself (name,
    /// required action, due date, ransomware use) comes from the KEV catalog
    /// importer and is merged in later by the knowledge layer; here those
    /// fields stay empty strings (and `None`), and the vendor and product
    /// are the CNA's first `affected` entry's, set by the caller. The
    /// reference URL goes to `notes`, where the catalog keeps its links.
    fn into_kev(self) -> Kev {
        Kev {
            vendor_project: String::new(),
            product: String::new(),
            vulnerability_name: String::new(),
            date_added: self.date_added.0,
            due_date: None,
            known_ransomware_campaign_use: String::new(),
            required_action: String::new(),
            short_description: String::new(),
            notes: self.reference.map(|r| r.0.into_owned()).unwrap_or_default(),
            catalog_version: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "an affected product object")]
struct Affected<'a> {
    #[serde(default, borrow)]
    vendor: Option<Str<'a>>,
    #[serde(default, borrow)]
    product: Option<Str<'a>>,
    #[serde(default, borrow, rename = "collectionURL")]
    collection_url: Option<Str<'a>>,
    #[serde(default, borrow)]
    package_name: Option<Str<'a>>,
    #[serde(default, borrow, rename = "packageURL")]
    package_url: Option<Str<'a>>,
    #[serde(default, borrow)]
    cpes: Vec<Str<'a>>,
    #[serde(default, borrow)]
    platforms: Vec<Str<'a>>,
    #[serde(default)]
    default_status: Option<St>,
    #[serde(default, borrow)]
    versions: Vec<Version<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a version object")]
struct Version<'a> {
    #[serde(default, borrow)]
    version: Option<Str<'a>>,
    status: St,
    #[serde(default, borrow)]
    version_type: Option<Str<'a>>,
    #[serde(default, borrow)]
    less_than: Option<Str<'a>>,
    #[serde(default, borrow)]
    less_than_or_equal: Option<Str<'a>>,
    #[serde(default, borrow)]
    changes: Vec<Change<'a>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a change object")]
struct Change<'a> {
    #[serde(borrow)]
    at: Str<'a>,
    status: St,
}

// ---------------------------------------------------------------------------
// Leaf values, checked while deserialising so that serde locates errors.

/// A string borrowed from the input unless it has escapes. (Serde borrows a
/// bare `Cow<str>` field, but not one inside `Option` or `Vec`.)
#[derive(Default)]
struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(StrVisitor)
    }
}

impl Str<'_> {
    fn string(&self) -> String {
        String::from(&*self.0)
    }
}

/// A timestamp, read leniently ([`crate::timestamp`]).
#[derive(Clone, Copy)]
struct Ts(Timestamp);

impl<'de> Deserialize<'de> for Ts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Str::deserialize(d)?;
        crate::timestamp(&s.0).map(Ts).map_err(de::Error::custom)
    }
}

/// KEV `dateAdded`: a date, or a timestamp whose UTC date is taken.
struct KevDate(Date);

impl<'de> Deserialize<'de> for KevDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Str::deserialize(d)?;
        let s = s.0.trim();
        if let Ok(date) = s.parse::<Date>() {
            return Ok(KevDate(date));
        }
        crate::timestamp(s)
            .map(|t| KevDate(jiff::tz::Offset::UTC.to_datetime(t).date()))
            .map_err(de::Error::custom)
    }
}

/// `cveMetadata.state`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Published,
    Rejected,
}

impl<'de> Deserialize<'de> for State {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Str::deserialize(d)?;
        match s.0.trim() {
            s if s.eq_ignore_ascii_case("PUBLISHED") => Ok(State::Published),
            s if s.eq_ignore_ascii_case("REJECTED") => Ok(State::Rejected),
            other => Err(de::Error::invalid_value(
                de::Unexpected::Str(other),
                &"PUBLISHED or REJECTED",
            )),
        }
    }
}

/// A CVE-5 version status: `affected`, `unaffected` or `unknown`, in any
/// case.
#[derive(Clone, Copy)]
struct St(Status);

impl<'de> Deserialize<'de> for St {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Str::deserialize(d)?;
        match s.0.trim() {
            s if s.eq_ignore_ascii_case("affected") => Ok(St(Status::Affected)),
            s if s.eq_ignore_ascii_case("unaffected") => Ok(St(Status::Unaffected)),
            s if s.eq_ignore_ascii_case("unknown") => Ok(St(Status::Unknown)),
            other => Err(de::Error::invalid_value(
                de::Unexpected::Str(other),
                &"affected, unaffected or unknown",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::cwe;

    #[test]
    fn cwe_ids() {
        assert_eq!(cwe("CWE-79").as_deref(), Some("CWE-79"));
        assert_eq!(cwe(" cwe-1321 ").as_deref(), Some("CWE-1321"));
        assert_eq!(cwe("NVD-CWE-noinfo"), None);
        assert_eq!(cwe("CWE-"), None);
        assert_eq!(cwe("CWE-79 XSS"), None);
        assert_eq!(cwe("é"), None);
    }
}
