//! VEX documents in three formats — OpenVEX (v0.2.0 and the earlier
//! `https://openvex.dev/ns` documents), CycloneDX VEX (1.4 to 1.6 JSON, and
//! the statements `yata-inventory` extracts from embedded VEX) and CSAF 2.0
//! (`csaf_vex`, `csaf_security_advisory`) — read into one normalised list of
//! [`Statement`]s; and CycloneDX 1.5/1.6 VEX ([`to_cyclonedx_vex`]) or CSAF
//! 2.0 VEX ([`to_csaf_vex`]) written from such a list.
//!
//! Bytes in, model out, no IO. Readers are tolerant: what they cannot use
//! becomes a located [`Warning`] (`statements[3].products[0]: invalid purl:
//! …`); a document they cannot read at all is a [`VexError`]. Limits
//! ([`Limits`]) bound the document size and the number of statements; JSON
//! nesting is bounded by `serde_json`'s recursion limit (128).
//!
//! Written here rather than taken from a library: no maintained Rust crate
//! reads all three formats, and the CSAF product tree resolver of
//! `yata-feeds` is private to it (this crate has a small one of its own).

#![forbid(unsafe_code)]

use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;

use jiff::Timestamp;
use serde_json::Value;
use yata_purl::Purl;

mod csaf;
mod cyclonedx;
mod openvex;
mod write;
mod write_csaf;

pub use csaf::parse_csaf;
pub use cyclonedx::{from_cyclonedx_statements, parse_cyclonedx};
pub use openvex::parse_openvex;
pub use write::{SpecVersion, to_cyclonedx_vex};
pub use write_csaf::{CsafMeta, to_csaf_vex};

/// One VEX statement: what a document says about one vulnerability in some
/// products.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The vulnerability id as written (`CVE-2023-1234`, `GHSA-…`).
    pub vulnerability: String,
    /// Other ids of the same vulnerability (OpenVEX `aliases`, CSAF `cve`
    /// and `ids`, CycloneDX `references`), without `vulnerability`.
    pub aliases: Vec<String>,
    /// The products the statement is about; each applies on its own. One
    /// product may appear as several refs (a purl and a CPE).
    pub products: Vec<ProductRef>,
    /// OpenVEX `subcomponents`: the components of the products in which the
    /// vulnerability lies. Empty in the other formats.
    pub subcomponents: Vec<ProductRef>,
    pub status: Status,
    pub justification: Option<Justification>,
    /// Why the products are (not) affected: OpenVEX `impact_statement`,
    /// CycloneDX `analysis.detail`, CSAF `impact` threats' details.
    pub impact_statement: Option<String>,
    /// What to do: OpenVEX `action_statement`, CycloneDX `recommendation`
    /// (else `workaround`, else the `analysis.response` list), CSAF
    /// remediations as `category: details` lines.
    pub action_statement: Option<String>,
    /// When the statement was made: its own timestamp, else the document's.
    pub timestamp: Option<Timestamp>,
    pub source: Format,
}

/// What a statement names a product by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProductRef {
    Purl(Purl),
    /// A CPE (2.3 formatted string or 2.2 URI) as written.
    Cpe(String),
    /// A CycloneDX `bom-ref` or BOM-Link that could not be resolved to a
    /// purl, CPE or name.
    BomRef(String),
    /// A product known by name only (CSAF product tree branches, CycloneDX
    /// components without identifiers).
    Name {
        vendor: Option<String>,
        product: String,
        version: Option<String>,
    },
    /// An identifier of another kind, as written: an OpenVEX `@id` IRI, or
    /// a purl that does not parse (with a warning).
    Other(String),
}

impl fmt::Display for ProductRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProductRef::Purl(p) => write!(f, "{p}"),
            ProductRef::Cpe(s) | ProductRef::BomRef(s) | ProductRef::Other(s) => f.write_str(s),
            ProductRef::Name {
                vendor,
                product,
                version,
            } => {
                if let Some(v) = vendor {
                    write!(f, "{v} ")?;
                }
                f.write_str(product)?;
                if let Some(v) = version {
                    write!(f, " {v}")?;
                }
                Ok(())
            }
        }
    }
}

/// The four VEX statuses (CISA minimum requirements).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    NotAffected,
    Affected,
    Fixed,
    UnderInvestigation,
}

impl Status {
    /// The OpenVEX / CISA spelling: `not_affected`, `affected`, `fixed`,
    /// `under_investigation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotAffected => "not_affected",
            Status::Affected => "affected",
            Status::Fixed => "fixed",
            Status::UnderInvestigation => "under_investigation",
        }
    }
}

/// The five CISA / OpenVEX not-affected justifications (also CSAF's flag
/// labels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JustificationKind {
    ComponentNotPresent,
    VulnerableCodeNotPresent,
    VulnerableCodeNotInExecutePath,
    VulnerableCodeCannotBeControlledByAdversary,
    InlineMitigationsAlreadyExist,
}

impl JustificationKind {
    pub const ALL: [JustificationKind; 5] = [
        JustificationKind::ComponentNotPresent,
        JustificationKind::VulnerableCodeNotPresent,
        JustificationKind::VulnerableCodeNotInExecutePath,
        JustificationKind::VulnerableCodeCannotBeControlledByAdversary,
        JustificationKind::InlineMitigationsAlreadyExist,
    ];

    /// The OpenVEX spelling, also CSAF's flag label.
    pub fn as_str(self) -> &'static str {
        match self {
            JustificationKind::ComponentNotPresent => "component_not_present",
            JustificationKind::VulnerableCodeNotPresent => "vulnerable_code_not_present",
            JustificationKind::VulnerableCodeNotInExecutePath => {
                "vulnerable_code_not_in_execute_path"
            }
            JustificationKind::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            JustificationKind::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
        }
    }

    /// An OpenVEX justification or CSAF flag label.
    pub fn from_openvex(label: &str) -> Option<JustificationKind> {
        JustificationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == label)
    }

    /// A CycloneDX `analysis.justification`, mapped as CISA's and
    /// CycloneDX's VEX guidance do: `code_not_present` → vulnerable code not
    /// present; `code_not_reachable` → not in execute path;
    /// `requires_dependency` → component not present;
    /// `requires_configuration`, `requires_environment` → cannot be
    /// controlled by adversary; `protected_*` → inline mitigations.
    pub fn from_cyclonedx(justification: &str) -> Option<JustificationKind> {
        use JustificationKind::*;
        Some(match justification {
            "code_not_present" => VulnerableCodeNotPresent,
            "code_not_reachable" => VulnerableCodeNotInExecutePath,
            "requires_dependency" => ComponentNotPresent,
            "requires_configuration" | "requires_environment" => {
                VulnerableCodeCannotBeControlledByAdversary
            }
            "protected_by_compiler"
            | "protected_at_runtime"
            | "protected_at_perimeter"
            | "protected_by_mitigating_control" => InlineMitigationsAlreadyExist,
            _ => return None,
        })
    }

    /// The CycloneDX justification written for this kind (the inverse of
    /// [`JustificationKind::from_cyclonedx`] on these five).
    pub fn to_cyclonedx(self) -> &'static str {
        match self {
            JustificationKind::ComponentNotPresent => "requires_dependency",
            JustificationKind::VulnerableCodeNotPresent => "code_not_present",
            JustificationKind::VulnerableCodeNotInExecutePath => "code_not_reachable",
            JustificationKind::VulnerableCodeCannotBeControlledByAdversary => {
                "requires_environment"
            }
            JustificationKind::InlineMitigationsAlreadyExist => "protected_by_mitigating_control",
        }
    }
}

/// A justification: its CISA kind and the label as the document wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Justification {
    pub kind: JustificationKind,
    pub as_written: String,
}

/// The format a statement was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    OpenVex,
    CycloneDx,
    Csaf,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::OpenVex => "openvex",
            Format::CycloneDx => "cyclonedx",
            Format::Csaf => "csaf",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A VEX document read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub format: Format,
    pub statements: Vec<Statement>,
    /// What the document bent or what could not be used, located.
    pub warnings: Vec<Warning>,
}

/// A located note about a document: `statements[3].products[0]: …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Bounds on what one document may cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest document, in bytes.
    pub max_bytes: usize,
    /// Most statements one document may yield.
    pub max_statements: usize,
    /// Most (product, flag / threat / remediation) links a CSAF document may
    /// ask for: product groups make them grow as a product of two lists.
    pub max_links: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 64 << 20,
            max_statements: 1 << 20,
            max_links: 1 << 20,
        }
    }
}

/// Why a document could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VexError {
    #[error("document of {size} bytes is larger than the limit of {max}")]
    TooLarge { size: usize, max: usize },
    #[error("not JSON: line {line} column {column}: {message}")]
    NotJson {
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "not a VEX document: no OpenVEX @context, CycloneDX bomFormat or CSAF document.category"
    )]
    UnknownFormat,
    #[error("{format}: {path}: {message}")]
    Invalid {
        format: Format,
        path: String,
        message: String,
    },
    #[error("{format}: more than {max} statements")]
    TooManyStatements { format: Format, max: usize },
    #[error("cyclonedx: serial number {0:?} is not an RFC 4122 UUID")]
    InvalidSerial(String),
}

/// Reads a VEX document of any of the three formats, with default limits.
pub fn parse(bytes: &[u8]) -> Result<Document, VexError> {
    parse_with(bytes, &Limits::default())
}

/// Reads a VEX document of any of the three formats.
pub fn parse_with(bytes: &[u8], limits: &Limits) -> Result<Document, VexError> {
    let value = json(bytes, limits)?;
    match detect_value(&value) {
        Some(Format::OpenVex) => openvex::from_value(&value, limits),
        Some(Format::CycloneDx) => cyclonedx::from_value(&value, limits),
        Some(Format::Csaf) => csaf::from_value(&value, limits),
        None => Err(VexError::UnknownFormat),
    }
}

/// The format of a JSON document, if it is one of the three.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    detect_value(&json(bytes, &Limits::default()).ok()?)
}

fn detect_value(value: &Value) -> Option<Format> {
    let obj = value.as_object()?;
    if openvex::is_context(obj.get("@context")) {
        return Some(Format::OpenVex);
    }
    if obj.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        return Some(Format::CycloneDx);
    }
    let document = obj.get("document").and_then(Value::as_object)?;
    let csaf = document.contains_key("csaf_version")
        || document
            .get("category")
            .and_then(Value::as_str)
            .is_some_and(|c| c.starts_with("csaf_"));
    csaf.then_some(Format::Csaf)
}

/// Parses JSON within the size limit (nesting is bounded by serde_json).
fn json(bytes: &[u8], limits: &Limits) -> Result<Value, VexError> {
    if bytes.len() > limits.max_bytes {
        return Err(VexError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    serde_json::from_slice(bytes).map_err(|e| VexError::NotJson {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// What every reader shares: the output and its warnings.
#[derive(Debug)]
struct Out<'a> {
    format: Format,
    limits: &'a Limits,
    statements: Vec<Statement>,
    warnings: Vec<Warning>,
}

impl<'a> Out<'a> {
    fn new(format: Format, limits: &'a Limits) -> Out<'a> {
        Out {
            format,
            limits,
            statements: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning {
            path: path.into(),
            message: message.into(),
        });
    }

    fn push(&mut self, mut statement: Statement) -> Result<(), VexError> {
        if self.statements.len() >= self.limits.max_statements {
            return Err(VexError::TooManyStatements {
                format: self.format,
                max: self.limits.max_statements,
            });
        }
        dedup(&mut statement.products);
        dedup(&mut statement.subcomponents);
        statement.aliases.retain(|a| *a != statement.vulnerability);
        dedup(&mut statement.aliases);
        self.statements.push(statement);
        Ok(())
    }

    fn invalid(&self, path: impl Into<String>, message: impl Into<String>) -> VexError {
        VexError::Invalid {
            format: self.format,
            path: path.into(),
            message: message.into(),
        }
    }

    fn finish(self) -> Document {
        Document {
            format: self.format,
            statements: self.statements,
            warnings: self.warnings,
        }
    }

    /// A string field: `None` when absent, null or blank; a warning when of
    /// another type.
    fn text(
        &mut self,
        obj: &serde_json::Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Option<String> {
        match obj.get(key)? {
            Value::String(s) => non_blank(s),
            Value::Null => None,
            _ => {
                self.warn(join(at, key), "not a string; ignored");
                None
            }
        }
    }

    /// An array field: empty when absent; a warning when of another type.
    fn array<'v>(
        &mut self,
        obj: &'v serde_json::Map<String, Value>,
        key: &str,
        at: &str,
    ) -> &'v [Value] {
        match obj.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(a)) => a,
            Some(_) => {
                self.warn(join(at, key), "not an array; ignored");
                &[]
            }
        }
    }

    /// A timestamp field (RFC 3339); a warning when it does not parse.
    fn timestamp(
        &mut self,
        obj: &serde_json::Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Option<Timestamp> {
        let text = self.text(obj, key, at)?;
        match text.parse::<Timestamp>() {
            Ok(t) => Some(t),
            Err(e) => {
                self.warn(join(at, key), format!("invalid timestamp {text:?}: {e}"));
                None
            }
        }
    }

    /// A product identifier as written: a purl (`pkg:`), a CPE (`cpe:`), or
    /// another identifier. A purl that does not parse is kept as `Other`,
    /// with a warning at `at`.
    fn identifier(&mut self, text: &str, at: &str) -> ProductRef {
        if text.starts_with("pkg:") {
            self.purl(text, at)
        } else if text.starts_with("cpe:") {
            ProductRef::Cpe(text.to_owned())
        } else {
            ProductRef::Other(text.to_owned())
        }
    }

    fn purl(&mut self, text: &str, at: &str) -> ProductRef {
        match Purl::parse_lenient(text) {
            Ok(p) => ProductRef::Purl(p),
            Err(e) => {
                self.warn(at, format!("invalid purl: {e}"));
                ProductRef::Other(text.to_owned())
            }
        }
    }
}

fn non_blank(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// `at.key`, or `key` at the root.
fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

/// Removes later duplicates, keeping the first occurrence's order.
fn dedup<T: Hash + Eq + Clone>(list: &mut Vec<T>) {
    let mut seen = HashSet::with_capacity(list.len());
    list.retain(|x| seen.insert(x.clone()));
}
