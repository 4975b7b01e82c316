//! STIX 2.1 bundles in and out, for incident reports (DESIGN.md flow 6).
//!
//! * [`Bundle::parse`] reads a bundle strictly (STIX 2.0 and 2.1 objects):
//!   the bundle and object ids, types, timestamps, references, and every
//!   indicator pattern of type `stix` through a real STIX patterning
//!   parser ([`pattern`]). The first problem is an [`Error`] naming the
//!   object and property: `stix: objects[3] (indicator--…): pattern:
//!   expected ']' at byte 27`. Size, nesting and count limits
//!   ([`Limits`]) are checked before the JSON is deserialised. Every
//!   object is kept verbatim ([`Object::raw`]), so nothing is lost on the
//!   way back out.
//! * [`extract`] says what the platform keeps of a bundle as an incident
//!   report ([`Extracted`]): title, description, the strictest TLP, the
//!   indicators (normalised by `yata-indicator`) of indicator patterns and
//!   cyber-observable objects, CVE ids, and when the activity was seen.
//!   Values that do not normalise are located warnings, not errors.
//! * [`export`] writes a report as a bundle ([`ReportExport`]): the objects
//!   of the bundle it was imported from, unchanged, or an identity, an
//!   incident, indicators, vulnerabilities, their relationships and the
//!   official TLP 2.0 marking definition. Ids are UUIDv5 of the report id,
//!   so exporting the same report twice gives the same bundle.
//!
//! ```
//! use yata_stix::{Bundle, Limits, extract};
//!
//! let bundle = Bundle::parse(br#"{
//!     "type": "bundle",
//!     "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982",
//!     "objects": [{
//!         "type": "indicator", "spec_version": "2.1",
//!         "id": "indicator--33fe3b22-0201-47cf-85d0-97c02164528d",
//!         "created": "2014-05-08T09:00:00.000Z", "modified": "2014-05-08T09:00:00.000Z",
//!         "pattern_type": "stix", "pattern": "[ipv4-addr:value = '198.51.100.7']",
//!         "valid_from": "2014-05-08T09:00:00Z"
//!     }]
//! }"#, &Limits::default()).unwrap();
//! let report = extract(&bundle);
//! assert_eq!(report.indicators[0].indicator.value(), "198.51.100.7");
//! ```
//!
//! Hand-written: the Rust STIX crates either model every object as a type
//! (which would lose what they do not model on the way back out) or have
//! no patterning parser; this crate keeps the JSON as it came and checks
//! only what it relies on. No IO: bytes in, values out.

#![forbid(unsafe_code)]

mod bundle;
mod export;
mod extract;
pub mod pattern;
mod uuid;

pub use bundle::{Bundle, Limits, Object};
pub use export::{ReportExport, TLP2_EXTENSION, export, pattern_for, tlp_marking_id};
pub use extract::{Extracted, ExtractedIndicator, extract};
pub use pattern::Pattern;

/// Why a bundle or a pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("stix: input is {size} bytes, more than the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("stix: json nested deeper than {limit} levels at byte {at}")]
    TooDeep { limit: usize, at: usize },
    #[error("stix: objects: more than the limit of {limit} objects")]
    TooManyObjects { limit: usize },
    #[error("stix: not valid json: {0}")]
    Json(String),
    /// A rule broken at a place: `at` is `objects[3] (indicator--…): pattern`
    /// or a top-level property (`id`).
    #[error("stix: {at}: {rule}")]
    Invalid { at: String, rule: String },
    /// A STIX pattern that does not parse, with the byte it fails at.
    #[error("pattern: {message} at byte {offset}")]
    Pattern { offset: usize, message: String },
}
