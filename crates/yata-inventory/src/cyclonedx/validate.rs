//! Strict validation of CycloneDX JSON against the official JSON schema of
//! the document's `specVersion`, bundled (`schema/cyclonedx/`) and resolved
//! offline.

use std::sync::LazyLock;

use jsonschema::{Registry, Validator};
use serde_json::Value;

use crate::{Format, InventoryError};

/// One way a document breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON Pointer to the offending value (`/components/3/purl`); empty for
    /// the whole document.
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// The BOM schemas by spec version.
const BOMS: [(&str, &str); 6] = [
    (
        "1.2",
        include_str!("../../schema/cyclonedx/bom-1.2.schema.json"),
    ),
    (
        "1.3",
        include_str!("../../schema/cyclonedx/bom-1.3.schema.json"),
    ),
    (
        "1.4",
        include_str!("../../schema/cyclonedx/bom-1.4.schema.json"),
    ),
    (
        "1.5",
        include_str!("../../schema/cyclonedx/bom-1.5.schema.json"),
    ),
    (
        "1.6",
        include_str!("../../schema/cyclonedx/bom-1.6.schema.json"),
    ),
    (
        "1.7",
        include_str!("../../schema/cyclonedx/bom-1.7.schema.json"),
    ),
];

/// The schemas the BOM schemas reference by relative `$ref`, at the URIs
/// those references resolve to.
const REFERENCED: [(&str, &str); 3] = [
    (
        "http://cyclonedx.org/schema/spdx.schema.json",
        include_str!("../../schema/cyclonedx/spdx.schema.json"),
    ),
    (
        "http://cyclonedx.org/schema/jsf-0.82.schema.json",
        include_str!("../../schema/cyclonedx/jsf-0.82.schema.json"),
    ),
    (
        "http://cyclonedx.org/schema/cryptography-defs.schema.json",
        include_str!("../../schema/cyclonedx/cryptography-defs.schema.json"),
    ),
];

/// Compiled on first use, one per version; an `Err` (a broken bundled
/// schema) is reported as an error, and a unit test keeps it from happening.
static VALIDATORS: [LazyLock<Result<Validator, String>>; 6] = [
    LazyLock::new(|| compile(BOMS[0].1)),
    LazyLock::new(|| compile(BOMS[1].1)),
    LazyLock::new(|| compile(BOMS[2].1)),
    LazyLock::new(|| compile(BOMS[3].1)),
    LazyLock::new(|| compile(BOMS[4].1)),
    LazyLock::new(|| compile(BOMS[5].1)),
];

fn compile(schema: &str) -> Result<Validator, String> {
    let parse = |text: &str| serde_json::from_str::<Value>(text).map_err(|e| e.to_string());
    let mut builder = Registry::new();
    for (uri, text) in REFERENCED {
        builder = builder.add(uri, parse(text)?).map_err(|e| e.to_string())?;
    }
    let registry = builder.prepare().map_err(|e| e.to_string())?;
    jsonschema::options()
        .offline()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&parse(schema)?)
        .map_err(|e| e.to_string())
}

/// Validates a CycloneDX JSON document against the JSON schema of its
/// `specVersion` (1.2 to 1.7), with format assertions (`date-time`, `email`,
/// `iri-reference`, …) on.
///
/// `Ok` with no violations means valid. An `Err` means the document could
/// not be checked at all: not JSON, not an object, or a `specVersion` that
/// is missing or has no bundled schema.
pub fn validate(bytes: &[u8]) -> Result<Vec<Violation>, InventoryError> {
    let error =
        |path: &str, message: String| InventoryError::new(Format::CycloneDxJson, path, message);
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        error(
            &format!("line {} column {}", e.line(), e.column()),
            format!("not JSON: {e}"),
        )
    })?;
    let version = match doc.get("specVersion") {
        Some(Value::String(v)) => v.as_str(),
        Some(_) => return Err(error("/specVersion", "not a string".into())),
        None if doc.is_object() => return Err(error("/specVersion", "missing".into())),
        None => return Err(error("", "not a JSON object".into())),
    };
    let Some(index) = BOMS.iter().position(|(v, _)| *v == version) else {
        return Err(error(
            "/specVersion",
            format!("no schema for spec version {version:?} (1.2 to 1.7 are known)"),
        ));
    };
    let validator = VALIDATORS[index].as_ref().map_err(|e| {
        error(
            "",
            format!("internal error: the bundled {version} schema does not compile: {e}"),
        )
    })?;
    Ok(validator
        .iter_errors(&doc)
        .map(|e| Violation {
            pointer: e.instance_path().to_string(),
            message: e.to_string(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_schemas_compile() {
        for (i, (version, _)) in BOMS.iter().enumerate() {
            if let Err(e) = &*VALIDATORS[i] {
                panic!("{version}: {e}");
            }
        }
    }
}
