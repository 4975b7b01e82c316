//! SPDX 2 JSON into a [`Doc2`]; locations are JSON Pointers.

use serde_json::{Map, Value};

use super::{Doc2, ExternalRef, Package2, Relationship2};
use crate::{Format, InventoryError, Limit, Limits};

type Warnings = Vec<(String, String)>;

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<(Doc2, Warnings), InventoryError> {
    let err = |path: &str, msg: String| InventoryError::new(Format::SpdxJson, path, msg);
    // serde_json bounds nesting itself (128 levels).
    let root: Value = serde_json::from_slice(bytes).map_err(|e| err("", e.to_string()))?;
    let Some(root) = root.as_object() else {
        return Err(err("", "expected a JSON object".to_owned()));
    };
    let mut w = Warnings::new();
    let spdx_version = match root.get("spdxVersion") {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(_) => return Err(err("/spdxVersion", "expected a string".to_owned())),
        None => {
            return Err(err(
                "/spdxVersion",
                "missing: not an SPDX 2 document".to_owned(),
            ));
        }
    };
    if !spdx_version.starts_with("SPDX-2.") {
        w.push((
            "/spdxVersion".to_owned(),
            format!("{spdx_version:?} is not SPDX 2.2 or 2.3; read as such"),
        ));
    }
    let mut doc = Doc2 {
        spdx_version: Some(spdx_version),
        name: string(root, "name", "", &mut w),
        namespace: string(root, "documentNamespace", "", &mut w),
        ..Doc2::default()
    };
    if let Some(info) = object(root, "creationInfo", "", &mut w) {
        doc.created = string(info, "created", "/creationInfo", &mut w)
            .map(|c| (c, "/creationInfo/created".to_owned()));
        for (i, c) in array(info, "creators", "/creationInfo", &mut w)
            .iter()
            .enumerate()
        {
            match c.as_str() {
                Some(c) => doc.creators.push(c.to_owned()),
                None => w.push((
                    format!("/creationInfo/creators/{i}"),
                    "expected a string".to_owned(),
                )),
            }
        }
    }
    let packages = array(root, "packages", "", &mut w);
    if packages.len() > limits.max_components {
        return Err(err(
            "/packages",
            format!(
                "{} packages exceed the limit of {}",
                packages.len(),
                limits.max_components
            ),
        )
        .with_limit(Limit::Components));
    }
    for (i, p) in packages.iter().enumerate() {
        let path = format!("/packages/{i}");
        match p.as_object() {
            Some(p) => doc.packages.push(package(p, path, &mut w)),
            None => w.push((path, "expected an object".to_owned())),
        }
    }
    doc.files = array(root, "files", "", &mut w).len();
    doc.snippets = array(root, "snippets", "", &mut w).len();
    for (i, d) in array(root, "documentDescribes", "", &mut w)
        .iter()
        .enumerate()
    {
        match d.as_str() {
            Some(d) => doc.describes.push(d.trim().to_owned()),
            None => w.push((
                format!("/documentDescribes/{i}"),
                "expected a string".to_owned(),
            )),
        }
    }
    for (i, r) in array(root, "relationships", "", &mut w).iter().enumerate() {
        let path = format!("/relationships/{i}");
        let Some(r) = r.as_object() else {
            w.push((path, "expected an object".to_owned()));
            continue;
        };
        let from = string(r, "spdxElementId", &path, &mut w);
        let ty = string(r, "relationshipType", &path, &mut w);
        let to = string(r, "relatedSpdxElement", &path, &mut w);
        match (from, ty, to) {
            (Some(from), Some(ty), Some(to)) => doc.relationships.push(Relationship2 {
                from: from.trim().to_owned(),
                ty: ty.trim().to_ascii_uppercase(),
                to: to.trim().to_owned(),
            }),
            _ => w.push((
                path,
                "relationship lacks an element, a type or a related element".to_owned(),
            )),
        }
    }
    Ok((doc, w))
}

fn package(p: &Map<String, Value>, path: String, w: &mut Warnings) -> Package2 {
    let mut out = Package2 {
        id: string(p, "SPDXID", &path, w),
        name: string(p, "name", &path, w),
        version: string(p, "versionInfo", &path, w),
        supplier: string(p, "supplier", &path, w),
        license_concluded: string(p, "licenseConcluded", &path, w),
        license_declared: string(p, "licenseDeclared", &path, w),
        purpose: string(p, "primaryPackagePurpose", &path, w),
        ..Package2::default()
    };
    for (i, c) in array(p, "checksums", &path, w).iter().enumerate() {
        let at = format!("{path}/checksums/{i}");
        let Some(c) = c.as_object() else {
            w.push((at, "expected an object".to_owned()));
            continue;
        };
        match (
            string(c, "algorithm", &at, w),
            string(c, "checksumValue", &at, w),
        ) {
            (Some(alg), Some(v)) => out.checksums.push((alg, v)),
            _ => w.push((at, "checksum lacks algorithm or checksumValue".to_owned())),
        }
    }
    for (i, r) in array(p, "externalRefs", &path, w).iter().enumerate() {
        let at = format!("{path}/externalRefs/{i}");
        let Some(r) = r.as_object() else {
            w.push((at, "expected an object".to_owned()));
            continue;
        };
        match (
            string(r, "referenceType", &at, w),
            string(r, "referenceLocator", &at, w),
        ) {
            (Some(ty), Some(locator)) => out.external_refs.push(ExternalRef {
                path: format!("{at}/referenceLocator"),
                ty,
                locator,
            }),
            _ => w.push((
                at,
                "external ref lacks referenceType or referenceLocator".to_owned(),
            )),
        }
    }
    out.path = path;
    out
}

/// A string member; another type is warned about and ignored.
fn string(o: &Map<String, Value>, key: &str, path: &str, w: &mut Warnings) -> Option<String> {
    match o.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        _ => {
            w.push((format!("{path}/{key}"), "expected a string".to_owned()));
            None
        }
    }
}

fn object<'a>(
    o: &'a Map<String, Value>,
    key: &str,
    path: &str,
    w: &mut Warnings,
) -> Option<&'a Map<String, Value>> {
    match o.get(key)? {
        Value::Object(m) => Some(m),
        Value::Null => None,
        _ => {
            w.push((format!("{path}/{key}"), "expected an object".to_owned()));
            None
        }
    }
}

fn array<'a>(o: &'a Map<String, Value>, key: &str, path: &str, w: &mut Warnings) -> &'a [Value] {
    match o.get(key) {
        Some(Value::Array(a)) => a,
        None | Some(Value::Null) => &[],
        Some(_) => {
            w.push((format!("{path}/{key}"), "expected an array".to_owned()));
            &[]
        }
    }
}
