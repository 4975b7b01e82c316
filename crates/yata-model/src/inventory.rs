//! Inventories: what an organisation has, read from one document (an SBOM, a
//! lockfile, a package database, an asset register).
//!
//! Components are software packages (identified for matching by PURL or CPE);
//! products are things bought and run (appliances, OT systems, licensed
//! software: vendor, product, version, CPE) with the asset attributes that
//! drive priority. A component with neither PURL nor CPE is kept and counted
//! as unidentifiable for matching ([`Component::is_identifiable`]).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One inventory document, read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub document: SourceDocument,
    /// What the document describes: CycloneDX `metadata.component`, the SPDX
    /// package the document DESCRIBES, the project of a lockfile.
    pub subject: Option<Component>,
    /// Every component of the document once, nested ones included, in
    /// document order.
    pub components: Vec<Component>,
    /// Dependency edges between components, by [`Component::id`].
    pub dependencies: Vec<Dependency>,
    pub products: Vec<Product>,
    /// VEX statements embedded in the document (CycloneDX `vulnerabilities`
    /// with `analysis`), kept for the VEX step of matching.
    pub vex: Vec<VexStatement>,
    /// Things the document bent or that could not be used, located.
    pub warnings: Vec<Warning>,
}

impl Inventory {
    /// An empty inventory of `document`.
    pub fn new(document: SourceDocument) -> Inventory {
        Inventory {
            document,
            subject: None,
            components: Vec::new(),
            dependencies: Vec::new(),
            products: Vec::new(),
            vex: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning {
            path: path.into(),
            message: message.into(),
        });
    }
}

/// The document an inventory was read from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceDocument {
    /// The format name (`cyclonedx-json`, `spdx-tag-value`, `cargo-lock`,
    /// `dpkg-status`, `product-csv`, …).
    pub format: String,
    /// The format's own version (`1.6`, `SPDX-2.3`, lockfile version `3`).
    pub spec_version: Option<String>,
    /// SHA-256 of the document's bytes, lower-case hex.
    pub digest: String,
    /// The document's name or serial number, if it has one.
    pub name: Option<String>,
    /// When the document says it was made.
    pub created: Option<Timestamp>,
    /// The tools that made it, as written.
    pub tools: Vec<String>,
    /// Anything else of note (`namespace`, `distro`, …), sorted.
    pub metadata: BTreeMap<String, String>,
}

impl SourceDocument {
    /// A document of `format` whose bytes hash to `digest`.
    pub fn new(format: &str, digest: String) -> SourceDocument {
        SourceDocument {
            format: format.to_owned(),
            spec_version: None,
            digest,
            name: None,
            created: None,
            tools: Vec::new(),
            metadata: BTreeMap::new(),
        }
    }
}

/// A software component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// The component's id within the document (CycloneDX `bom-ref`, SPDX
    /// `SPDXID`, or one the parser makes), for dependency edges.
    pub id: Option<String>,
    pub name: String,
    pub version: Option<String>,
    /// Group / namespace where the format has one (Maven group, npm scope).
    pub group: Option<String>,
    /// Canonical PURL (as printed by `yata_purl::Purl`), when known.
    pub purl: Option<String>,
    /// CPE 2.3 formatted string (or 2.2 URI as written), when known.
    pub cpe: Option<String>,
    /// The OSV ecosystem (`npm`, `PyPI`, `Debian:12`, …), when known.
    pub ecosystem: Option<String>,
    /// `library`, `application`, `framework`, `operating-system`, `container`,
    /// `firmware`, `device`, … as the document says.
    pub kind: Option<String>,
    /// `required`, `optional`, `excluded`, or a lockfile's `dev`.
    pub scope: Option<String>,
    pub hashes: Vec<Hash>,
    /// SPDX ids or expressions, or licence names, as written.
    pub licenses: Vec<String>,
    pub supplier: Option<String>,
    /// For distribution packages: the source package (Debian's `Source:`,
    /// RPM's source RPM), which OSV's distribution data is keyed by.
    pub source_package: Option<String>,
    /// The source package's version, when it differs from `version`.
    pub source_version: Option<String>,
}

impl Component {
    /// A component with only a name, to be filled in.
    pub fn named(name: &str) -> Component {
        Component {
            id: None,
            name: name.to_owned(),
            version: None,
            group: None,
            purl: None,
            cpe: None,
            ecosystem: None,
            kind: None,
            scope: None,
            hashes: Vec::new(),
            licenses: Vec::new(),
            supplier: None,
            source_package: None,
            source_version: None,
        }
    }

    /// Whether the matcher can identify it: it has a PURL or a CPE.
    pub fn is_identifiable(&self) -> bool {
        self.purl.is_some() || self.cpe.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hash {
    /// `SHA-256`, `SHA-1`, `MD5`, … as the document writes it.
    pub alg: String,
    /// Lower-case hex (or the document's encoding when not hex, e.g. npm's
    /// base64 `integrity`).
    pub value: String,
}

/// `from` depends on each of `to` (component ids).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    pub from: String,
    pub to: Vec<String>,
}

/// A product (appliance, OT system, licensed software) with asset attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub vendor: Option<String>,
    pub product: String,
    pub version: Option<String>,
    pub cpe: Option<String>,
    pub hostname: Option<String>,
    pub internet_exposed: Option<bool>,
    pub criticality: Option<Criticality>,
    pub location: Option<String>,
    pub owner: Option<String>,
    /// Columns the reader did not know, by header, as written.
    pub notes: BTreeMap<String, String>,
}

impl Product {
    pub fn named(product: &str) -> Product {
        Product {
            vendor: None,
            product: product.to_owned(),
            version: None,
            cpe: None,
            hostname: None,
            internet_exposed: None,
            criticality: None,
            location: None,
            owner: None,
            notes: BTreeMap::new(),
        }
    }
}

/// Mission criticality of an asset (SSVC's Mission Impact inputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criticality {
    Low,
    Medium,
    High,
    VeryHigh,
}

/// A VEX statement embedded in an inventory document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VexStatement {
    /// The vulnerability id as written (`CVE-…`, `GHSA-…`).
    pub vulnerability: String,
    /// The component ids (or PURLs) it is about.
    pub affects: Vec<String>,
    /// CycloneDX `analysis.state`: `resolved`, `resolved_with_pedigree`,
    /// `exploitable`, `in_triage`, `false_positive`, `not_affected`.
    pub state: String,
    pub justification: Option<String>,
    pub responses: Vec<String>,
    pub detail: Option<String>,
}

/// A located note about the document: `components[3].purl: …`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub path: String,
    pub message: String,
}
