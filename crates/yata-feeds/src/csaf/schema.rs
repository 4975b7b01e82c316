//! The parts of a CSAF 2.0 document the importer reads, as serde types.
//!
//! Lenient on purpose: categories are strings (an unknown category is not an
//! error), everything the schema makes optional is optional here, and fields
//! the importer does not use are ignored. What is left to fail is a value of
//! the wrong JSON type or a missing field without which nothing can be said
//! (`document.tracking.id`, a product's `product_id`, a reference's `url`).

use serde::Deserialize;

/// The whole document. The product tree and each vulnerability stay JSON
/// values here and are read one by one, so that one malformed vulnerability
/// costs only its own record.
#[derive(Debug, Deserialize)]
pub(super) struct Csaf {
    pub document: Document,
    #[serde(default)]
    pub product_tree: Option<serde_json::Value>,
    #[serde(default)]
    pub vulnerabilities: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Document {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub publisher: Option<Publisher>,
    pub tracking: Tracking,
    #[serde(default)]
    pub references: Vec<Reference>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Publisher {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Tracking {
    pub id: String,
    #[serde(default)]
    pub initial_release_date: Option<String>,
    #[serde(default)]
    pub current_release_date: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Reference {
    #[serde(default)]
    pub category: Option<String>,
    pub url: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ProductTree {
    #[serde(default)]
    pub branches: Vec<Branch>,
    #[serde(default)]
    pub full_product_names: Vec<FullProductName>,
    #[serde(default)]
    pub relationships: Vec<Relationship>,
    #[serde(default)]
    pub product_groups: Vec<ProductGroup>,
}

/// A branch: a node of the vendor → product → version tree, with either
/// sub-branches or a product (the schema wants exactly one of them; both
/// are read if both are there).
#[derive(Debug, Deserialize)]
pub(super) struct Branch {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub branches: Vec<Branch>,
    #[serde(default)]
    pub product: Option<FullProductName>,
}

#[derive(Debug, Deserialize)]
pub(super) struct FullProductName {
    #[serde(default)]
    pub name: Option<String>,
    pub product_id: String,
    #[serde(default)]
    pub product_identification_helper: Option<Helper>,
}

/// `product_identification_helper`: only `cpe` and `purl` are used; hashes,
/// model and serial numbers, SKUs, SBOM URLs and generic URIs are accepted
/// and ignored.
#[derive(Debug, Deserialize)]
pub(super) struct Helper {
    #[serde(default)]
    pub cpe: Option<String>,
    #[serde(default)]
    pub purl: Option<String>,
}

/// A relationship. Its `category` (`default_component_of`, `installed_on`,
/// `installed_with`, `external_component_of`, `optional_component_of`) is not
/// read: every one of them makes a composite product of a component on a
/// platform.
#[derive(Debug, Deserialize)]
pub(super) struct Relationship {
    pub full_product_name: FullProductName,
    pub product_reference: String,
    pub relates_to_product_reference: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct ProductGroup {
    pub group_id: String,
    #[serde(default)]
    pub product_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Vulnerability {
    #[serde(default)]
    pub cve: Option<String>,
    #[serde(default)]
    pub ids: Vec<Id>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(default)]
    pub cwe: Option<Cwe>,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub release_date: Option<String>,
    #[serde(default)]
    pub scores: Vec<Score>,
    #[serde(default)]
    pub product_status: Option<ProductStatus>,
    #[serde(default)]
    pub flags: Vec<Flag>,
    #[serde(default)]
    pub threats: Vec<Threat>,
    #[serde(default)]
    pub remediations: Vec<Remediation>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Id {
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Note {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Cwe {
    pub id: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Score {
    #[serde(default)]
    pub cvss_v2: Option<Cvss>,
    #[serde(default)]
    pub cvss_v3: Option<Cvss>,
    #[serde(default)]
    pub products: Vec<String>,
}

/// A CVSS v2 or v3 object: only the vector and the stated base score are
/// kept; the scorer recomputes the rest from the vector.
#[derive(Debug, Deserialize)]
pub(super) struct Cvss {
    #[serde(default, rename = "vectorString")]
    pub vector_string: Option<String>,
    #[serde(default, rename = "baseScore")]
    pub base_score: Option<f64>,
}

/// `product_status`: product ids per status group.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ProductStatus {
    #[serde(default)]
    pub first_affected: Vec<String>,
    #[serde(default)]
    pub first_fixed: Vec<String>,
    #[serde(default)]
    pub fixed: Vec<String>,
    #[serde(default)]
    pub known_affected: Vec<String>,
    #[serde(default)]
    pub known_not_affected: Vec<String>,
    #[serde(default)]
    pub last_affected: Vec<String>,
    #[serde(default)]
    pub recommended: Vec<String>,
    #[serde(default)]
    pub under_investigation: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Flag {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub product_ids: Vec<String>,
    #[serde(default)]
    pub group_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Threat {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub product_ids: Vec<String>,
    #[serde(default)]
    pub group_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Remediation {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub product_ids: Vec<String>,
    #[serde(default)]
    pub group_ids: Vec<String>,
}
