//! The CSAF 2.0 JSON schema check and the CVSS schema check of test 6.1.8,
//! with the bundled schemas only (no retrieval: `offline`).

use std::sync::LazyLock;

use jsonschema::{Registry, Validator};
use serde_json::{Value, json};

use crate::Out;

const CSAF: &str = include_str!("../schema/csaf_json_schema.json");
const CVSS_V2: &str = include_str!("../schema/cvss-v2.0.json");
const CVSS_V30: &str = include_str!("../schema/cvss-v3.0.json");
const CVSS_V31: &str = include_str!("../schema/cvss-v3.1.json");

/// The URIs by which the CSAF schema refers to the CVSS schemas.
const CVSS_URIS: [(&str, &str); 3] = [
    ("https://www.first.org/cvss/cvss-v2.0.json", CVSS_V2),
    ("https://www.first.org/cvss/cvss-v3.0.json", CVSS_V30),
    ("https://www.first.org/cvss/cvss-v3.1.json", CVSS_V31),
];

struct Validators {
    csaf: Validator,
    cvss_v2: Validator,
    cvss_v3: Validator,
}

/// Compiled once; an `Err` (a broken bundled schema) is reported as a
/// failure instead of a panic, and a unit test keeps it from happening.
static VALIDATORS: LazyLock<Result<Validators, String>> = LazyLock::new(compile);

fn compile() -> Result<Validators, String> {
    let parse = |text: &str| serde_json::from_str::<Value>(text).map_err(|e| e.to_string());
    let mut builder = Registry::new();
    for (uri, text) in CVSS_URIS {
        builder = builder.add(uri, parse(text)?).map_err(|e| e.to_string())?;
    }
    let registry = builder.prepare().map_err(|e| e.to_string())?;
    let build = |schema: &Value| {
        jsonschema::options()
            .offline()
            .with_registry(&registry)
            .should_validate_formats(true)
            .build(schema)
            .map_err(|e| e.to_string())
    };
    Ok(Validators {
        csaf: build(&parse(CSAF)?)?,
        cvss_v2: build(&json!({"$ref": CVSS_URIS[0].0}))?,
        cvss_v3: build(&json!({"oneOf": [{"$ref": CVSS_URIS[1].0}, {"$ref": CVSS_URIS[2].0}]}))?,
    })
}

fn validators(out: &mut Out) -> Option<&'static Validators> {
    match &*VALIDATORS {
        Ok(v) => Some(v),
        Err(e) => {
            out.fail(
                "",
                format!("internal error: the bundled schemas do not compile: {e}"),
            );
            None
        }
    }
}

/// Validates the document against the CSAF 2.0 JSON schema.
pub(crate) fn check(doc: &Value, out: &mut Out) {
    let Some(v) = validators(out) else { return };
    report(&v.csaf, doc, "", out);
}

/// Validates a `cvss_v2` or `cvss_v3` object against the FIRST schemas (6.1.8).
pub(crate) fn check_cvss(key: &str, obj: &Value, path: &str, out: &mut Out) {
    let Some(v) = validators(out) else { return };
    let validator = if key == "cvss_v2" {
        &v.cvss_v2
    } else {
        &v.cvss_v3
    };
    report(validator, obj, path, out);
}

fn report(validator: &Validator, instance: &Value, prefix: &str, out: &mut Out) {
    for error in validator.iter_errors(instance) {
        out.fail(
            format!("{prefix}{}", error.instance_path()),
            error.to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_schemas_compile() {
        if let Err(e) = &*VALIDATORS {
            panic!("{e}");
        }
    }
}
