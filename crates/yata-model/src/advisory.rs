//! Advisories: what one source says about one vulnerability ([`Record`]).
//!
//! Every importer turns its source's records into [`Record`]s, keeping what
//! the source said and nothing more; the knowledge layer merges the records
//! whose ids and aliases meet into one vulnerability, and because each fact
//! stays inside the record it came from, every merged fact keeps its source
//! ([`Record::source`]) and the time the source gave for it
//! ([`Record::modified`], or the per-fact dates of KEV, SSVC and EPSS).
//!
//! Serialisation is field-for-field (no skipped fields), so that compact
//! non-self-describing encodings such as the snapshot's work.
//!
//! Strings that have a syntax checked elsewhere (PURLs, CPEs, versions,
//! CVSS vectors, ecosystems) are kept as written: the matcher and the scorer
//! parse them and report what they cannot use, so an advisory is never lost
//! for one odd field.

use std::collections::BTreeSet;
use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::VulnId;

/// The kind of feed a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SourceKind {
    /// OSV records (osv.dev, PyPA, Go vulndb, GHSA in OSV form, …).
    Osv,
    /// RustSec advisory-db in its native format.
    Rustsec,
    /// CVE JSON 5 records (CNA and ADP containers).
    Cve5,
    /// The CISA Known Exploited Vulnerabilities catalog.
    Kev,
    /// FIRST EPSS scores.
    Epss,
    /// CSAF 2.0 advisories and VEX documents.
    Csaf,
    /// JVN (JVNRSS / VULDEF).
    Jvn,
}

impl SourceKind {
    pub const ALL: &'static [SourceKind] = &[
        SourceKind::Osv,
        SourceKind::Rustsec,
        SourceKind::Cve5,
        SourceKind::Kev,
        SourceKind::Epss,
        SourceKind::Csaf,
        SourceKind::Jvn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Osv => "osv",
            SourceKind::Rustsec => "rustsec",
            SourceKind::Cve5 => "cve5",
            SourceKind::Kev => "kev",
            SourceKind::Epss => "epss",
            SourceKind::Csaf => "csaf",
            SourceKind::Jvn => "jvn",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one source says about one vulnerability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub source: SourceKind,
    /// The record's own id in its source (`PYSEC-2021-839`, `CVE-2021-44228`,
    /// a CSAF `tracking.id`, …). For KEV and EPSS, the CVE they describe.
    pub id: VulnId,
    /// The document that holds the record, where one source has many
    /// documents that may speak of the same id: a CSAF advisory
    /// (`<publisher namespace> <tracking id>`). Records are keyed by
    /// `(source, document, id)`, so two vendors' CSAF advisories on one CVE
    /// are two records.
    pub document: Option<String>,
    /// Ids the source says name the same vulnerability.
    pub aliases: BTreeSet<VulnId>,
    /// Ids the source says are related but not the same.
    pub related: BTreeSet<VulnId>,
    pub published: Option<Timestamp>,
    /// When the source last changed the record.
    pub modified: Option<Timestamp>,
    /// When the source withdrew the record (OSV `withdrawn`, CVE `REJECTED`).
    pub withdrawn: Option<Timestamp>,
    pub summary: Option<String>,
    pub details: Option<String>,
    pub severities: Vec<Severity>,
    /// CWE ids, `CWE-79` form.
    pub cwes: BTreeSet<String>,
    pub references: Vec<Reference>,
    pub packages: Vec<AffectedPackage>,
    pub products: Vec<AffectedProduct>,
    pub kev: Option<Kev>,
    pub ssvc: Option<Ssvc>,
    pub epss: Option<Epss>,
}

impl Record {
    /// An empty record of `source` with id `id`, to be filled in.
    pub fn new(source: SourceKind, id: VulnId) -> Record {
        Record {
            source,
            id,
            document: None,
            aliases: BTreeSet::new(),
            related: BTreeSet::new(),
            published: None,
            modified: None,
            withdrawn: None,
            summary: None,
            details: None,
            severities: Vec::new(),
            cwes: BTreeSet::new(),
            references: Vec::new(),
            packages: Vec::new(),
            products: Vec::new(),
            kev: None,
            ssvc: None,
            epss: None,
        }
    }

    /// The record's id and aliases.
    pub fn ids(&self) -> impl Iterator<Item = &VulnId> {
        std::iter::once(&self.id).chain(&self.aliases)
    }
}

/// A severity score as the source gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Severity {
    pub kind: SeverityKind,
    /// The vector (`CVSS:3.1/AV:N/…`, or a v2 vector without prefix) or, for
    /// other kinds, the score text as written.
    pub score: String,
    /// The base score the source stated, if it stated one.
    pub base_score: Option<f64>,
    /// Who within the source gave it (`cna`, `adp:CISA-ADP`, a CSAF product
    /// group…), when the source says.
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SeverityKind {
    CvssV2,
    CvssV3,
    CvssV4,
    /// Anything else (`Ubuntu` priorities, vendor ratings): the name as given.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The source's reference type, lower case (`advisory`, `fix`, `web`, a
    /// CVE-5 tag…), when it gives one.
    pub kind: Option<String>,
    pub url: String,
}

/// A package (in a package ecosystem) that the record says is affected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AffectedPackage {
    /// The OSV ecosystem as written (`PyPI`, `Debian:12`, …).
    pub ecosystem: String,
    pub name: String,
    pub purl: Option<String>,
    pub ranges: Vec<VersionRange>,
    /// Explicitly listed affected versions.
    pub versions: Vec<String>,
    /// Severities given for this package only.
    pub severities: Vec<Severity>,
    /// `ecosystem_specific` (and RustSec's affected functions, OS and arch),
    /// as compact JSON text.
    pub ecosystem_specific: Option<String>,
}

/// An OSV range, as written (see `yata_version::osv` for its evaluation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRange {
    /// `SEMVER`, `ECOSYSTEM` or `GIT`.
    pub kind: String,
    pub repo: Option<String>,
    pub events: Vec<RangeEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeEvent {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

/// A product (vendor software, appliance, OS) that the record says is
/// affected, or explicitly not affected, or fixed: CVE-5 `affected[]`
/// entries, CSAF product-tree products with their status, JVN CPEs, and
/// KEV's vendor/product pairs (which carry no versions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AffectedProduct {
    pub vendor: Option<String>,
    pub product: Option<String>,
    /// CPE names as written (2.3 formatted strings or 2.2 URIs).
    pub cpes: Vec<String>,
    /// A PURL for the product, when the source gives one (CVE-5
    /// `packageURL`, CSAF `purl` helper).
    pub purl: Option<String>,
    /// CVE-5 `packageName` / `collectionURL`, platforms and modules, when
    /// given.
    pub package_name: Option<String>,
    pub collection_url: Option<String>,
    pub platforms: Vec<String>,
    /// Version entries, CVE-5 style.
    pub versions: Vec<ProductVersion>,
    /// Status of versions no entry covers (CVE-5 `defaultStatus`).
    pub default_status: Option<Status>,
    /// Why a not-affected status holds (CSAF/VEX justification, CVE-5 has
    /// none).
    pub justification: Option<String>,
    /// Remediations the source gives for this product (CSAF).
    pub remediations: Vec<Remediation>,
}

impl AffectedProduct {
    /// A product named only by vendor and product, with no version
    /// information (KEV).
    pub fn named(vendor: &str, product: &str) -> AffectedProduct {
        AffectedProduct {
            vendor: Some(vendor.to_owned()),
            product: Some(product.to_owned()),
            cpes: Vec::new(),
            purl: None,
            package_name: None,
            collection_url: None,
            platforms: Vec::new(),
            versions: Vec::new(),
            default_status: None,
            justification: None,
            remediations: Vec::new(),
        }
    }
}

/// A CVE-5 version entry: one version (`less_than` / `less_than_or_equal`
/// absent), or a range starting at `version` with `changes` along it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductVersion {
    pub version: String,
    pub status: Status,
    /// `semver`, `custom`, `git`, `rpm`, `maven`, … as written.
    pub version_type: Option<String>,
    pub less_than: Option<String>,
    pub less_than_or_equal: Option<String>,
    pub changes: Vec<StatusChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub at: String,
    pub status: Status,
}

/// The status of a product version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Affected,
    /// Not affected (CVE-5 `unaffected`, CSAF `known_not_affected`).
    Unaffected,
    /// CSAF `fixed` / `first_fixed`.
    Fixed,
    /// CSAF `under_investigation`.
    UnderInvestigation,
    /// CSAF `recommended`: the version to move to.
    Recommended,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    /// CSAF category: `vendor_fix`, `workaround`, `mitigation`, `no_fix_planned`,
    /// `none_available`.
    pub category: String,
    pub details: String,
    pub url: Option<String>,
}

/// A CISA KEV catalog entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kev {
    pub vendor_project: String,
    pub product: String,
    pub vulnerability_name: String,
    pub date_added: Date,
    pub due_date: Option<Date>,
    /// `Known` or `Unknown` as the catalog says.
    pub known_ransomware_campaign_use: String,
    pub required_action: String,
    pub short_description: String,
    pub notes: String,
    /// The catalog version that contained the entry.
    pub catalog_version: Option<String>,
}

/// SSVC decision points, as CISA's ADP container states them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ssvc {
    /// `none`, `poc` or `active`.
    pub exploitation: String,
    /// `yes` or `no`.
    pub automatable: String,
    /// `partial` or `total`.
    pub technical_impact: String,
    pub timestamp: Option<Timestamp>,
    /// Who gave them (`CISA-ADP`).
    pub by: String,
    /// The SSVC version the source used.
    pub version: Option<String>,
}

/// A FIRST EPSS score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Epss {
    pub score: f64,
    pub percentile: f64,
    pub model_version: String,
    pub date: Date,
}
