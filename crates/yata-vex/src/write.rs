//! CycloneDX VEX out: a BOM with one `vulnerabilities[]` entry per
//! statement and one component per purl, CPE or named product, which the
//! entries' `affects` refer to by bom-ref.
//!
//! Equal statements are written once. Read back with [`crate::parse`], the
//! statements come back the same except for: `source` (now CycloneDX); the
//! justification's `as_written`
//! (now the CycloneDX justification, unless it was one); `subcomponents`,
//! which CycloneDX cannot tell from products (they join the affects); and
//! `Other` refs, which come back as bom-refs.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use crate::{ProductRef, Statement, Status, VexError};

/// The CycloneDX spec version written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecVersion {
    V1_5,
    V1_6,
}

impl SpecVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            SpecVersion::V1_5 => "1.5",
            SpecVersion::V1_6 => "1.6",
        }
    }
}

/// Writes `statements` as a CycloneDX JSON VEX BOM, pretty-printed, with
/// `serialNumber` `urn:uuid:<serial>`; `serial` must be an RFC 4122 UUID
/// (`xxxxxxxx-xxxx-Mxxx-Nxxx-xxxxxxxxxxxx`, version 1 to 5), as the schema
/// requires. The output depends on nothing else.
pub fn to_cyclonedx_vex(
    statements: &[Statement],
    spec: SpecVersion,
    serial: &str,
) -> Result<String, VexError> {
    if !is_uuid(serial) {
        return Err(VexError::InvalidSerial(serial.to_owned()));
    }
    let mut components: Vec<Value> = Vec::new();
    let mut bom_refs: HashMap<&ProductRef, String> = HashMap::new();
    let mut vulnerabilities = Vec::with_capacity(statements.len());
    let mut written = HashSet::new();
    for s in statements {
        let mut affects = Vec::new();
        let mut seen = HashSet::new();
        for p in s.products.iter().chain(&s.subcomponents) {
            let r = match bom_refs.get(p) {
                Some(r) => r.clone(),
                None => {
                    let r = match component(p, components.len()) {
                        Some((r, c)) => {
                            components.push(c);
                            r
                        }
                        None => p.to_string(),
                    };
                    bom_refs.insert(p, r.clone());
                    r
                }
            };
            if seen.insert(r.clone()) {
                affects.push(json!({ "ref": r }));
            }
        }
        let mut analysis = Map::new();
        analysis.insert("state".into(), state(s.status).into());
        if let Some(j) = &s.justification {
            let label = if crate::JustificationKind::from_cyclonedx(&j.as_written).is_some() {
                j.as_written.as_str()
            } else {
                j.kind.to_cyclonedx()
            };
            analysis.insert("justification".into(), label.into());
        }
        if let Some(d) = &s.impact_statement {
            analysis.insert("detail".into(), d.as_str().into());
        }
        if let Some(t) = &s.timestamp {
            analysis.insert("lastUpdated".into(), t.to_string().into());
        }
        let mut v = Map::new();
        v.insert("id".into(), s.vulnerability.as_str().into());
        v.insert("source".into(), source(&s.vulnerability));
        if !s.aliases.is_empty() {
            let refs: Vec<Value> = s
                .aliases
                .iter()
                .map(|a| json!({ "id": a, "source": source(a) }))
                .collect();
            v.insert("references".into(), refs.into());
        }
        if let Some(a) = &s.action_statement {
            v.insert("recommendation".into(), a.as_str().into());
        }
        v.insert("analysis".into(), analysis.into());
        v.insert("affects".into(), affects.into());
        let v = Value::Object(v);
        // The schema wants vulnerabilities unique: equal statements are
        // written once.
        if written.insert(v.to_string()) {
            vulnerabilities.push(v);
        }
    }
    let mut bom = Map::new();
    bom.insert("bomFormat".into(), "CycloneDX".into());
    bom.insert("specVersion".into(), spec.as_str().into());
    bom.insert("serialNumber".into(), format!("urn:uuid:{serial}").into());
    bom.insert("version".into(), 1.into());
    if !components.is_empty() {
        bom.insert("components".into(), components.into());
    }
    bom.insert("vulnerabilities".into(), vulnerabilities.into());
    // Serialising a `Value` of strings, numbers, arrays and objects cannot
    // fail.
    Ok(serde_json::to_string_pretty(&Value::Object(bom)).unwrap_or_default())
}

/// A component for a product, with its bom-ref; `None` for refs that are
/// written as they are (bom-refs, other identifiers).
fn component(p: &ProductRef, n: usize) -> Option<(String, Value)> {
    match p {
        ProductRef::Purl(purl) => {
            let text = purl.to_string();
            let mut c = json!({
                "type": "library",
                "bom-ref": text,
                "name": purl.name(),
                "purl": text,
            });
            if let Some(ns) = purl.namespace() {
                c["group"] = ns.into();
            }
            if let Some(v) = purl.version() {
                c["version"] = v.into();
            }
            Some((text, c))
        }
        ProductRef::Cpe(cpe) => Some((
            cpe.clone(),
            json!({ "type": "application", "bom-ref": cpe, "name": cpe, "cpe": cpe }),
        )),
        ProductRef::Name {
            vendor,
            product,
            version,
        } => {
            let r = format!("yata-vex:product-{}", n + 1);
            let mut c = json!({ "type": "application", "bom-ref": r, "name": product });
            if let Some(v) = vendor {
                c["publisher"] = v.as_str().into();
            }
            if let Some(v) = version {
                c["version"] = v.as_str().into();
            }
            Some((r, c))
        }
        ProductRef::BomRef(_) | ProductRef::Other(_) => None,
    }
}

fn state(status: Status) -> &'static str {
    match status {
        Status::NotAffected => "not_affected",
        Status::Affected => "exploitable",
        Status::Fixed => "resolved",
        Status::UnderInvestigation => "in_triage",
    }
}

/// Where an id comes from, by its prefix.
fn source(id: &str) -> Value {
    if id.starts_with("CVE-") {
        json!({ "name": "NVD", "url": format!("https://nvd.nist.gov/vuln/detail/{id}") })
    } else if id.starts_with("GHSA-") {
        json!({ "name": "GitHub", "url": format!("https://github.com/advisories/{id}") })
    } else {
        match id.split_once('-') {
            Some((prefix, _)) if !prefix.is_empty() => json!({ "name": prefix }),
            _ => json!({}),
        }
    }
}

/// `xxxxxxxx-xxxx-Mxxx-Nxxx-xxxxxxxxxxxx`, M in 1–5, N in 8–b: the pattern
/// CycloneDX's schema requires of `serialNumber`.
fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
        && (b'1'..=b'5').contains(&b[14])
        && matches!(b[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B')
}
