//! NuGet `packages.lock.json`
//! (<https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files#locking-dependencies>).
//!
//! For every target framework, `Direct`, `Transitive` and `CentralTransitive`
//! packages are components (once each across frameworks) with their
//! `contentHash` (base64 SHA-512, as written); `Project` references are
//! components without a PURL (they are built from source, not fetched).
//! Each entry's `dependencies` are edges to the packages resolved in the
//! same framework.

use std::collections::BTreeMap;

use serde_json::Value;
use yata_model::inventory::Component;

use super::common::{Lock, NUGET, hash, json, package_in, pointer_token, text};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::NugetLock;

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let doc = json(F, text(F, bytes)?, limits)?;
    let Some(root) = doc.as_object() else {
        return Err(InventoryError::new(F, "", "expected a JSON object"));
    };
    let mut b = Lock::new(F, bytes, limits);
    match root.get("version") {
        Some(Value::Number(v)) => b.inv.document.spec_version = Some(v.to_string()),
        Some(_) => return Err(InventoryError::new(F, "/version", "expected a number")),
        None => b.warn("/version", "missing"),
    }
    let frameworks = match root.get("dependencies") {
        Some(Value::Object(o)) => o,
        Some(_) => {
            return Err(InventoryError::new(
                F,
                "/dependencies",
                "expected an object",
            ));
        }
        None => return Err(InventoryError::new(F, "/dependencies", "missing")),
    };
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut names = Vec::new();
    for (tfm, packages) in frameworks {
        names.push(tfm.clone());
        let fpath = format!("/dependencies/{}", pointer_token(tfm));
        let Some(packages) = packages.as_object() else {
            return Err(InventoryError::new(F, fpath, "expected an object"));
        };
        // Package name (case-insensitive) → id, within this framework.
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        let mut pending: Vec<(String, String, Vec<String>)> = Vec::new();
        for (name, entry) in packages {
            let path = format!("{fpath}/{}", pointer_token(name));
            let Some(entry) = entry.as_object() else {
                return Err(InventoryError::new(F, path, "expected an object"));
            };
            let kind = entry.get("type").and_then(Value::as_str).unwrap_or("");
            let resolved = entry.get("resolved").and_then(Value::as_str);
            let c = match kind {
                "Project" => {
                    let mut c = Component::named(name);
                    c.version = resolved.map(str::to_owned);
                    c.id = Some(format!("project:{name}"));
                    c.kind = Some("application".into());
                    c
                }
                "Direct" | "Transitive" | "CentralTransitive" => {
                    if resolved.is_none() {
                        b.warn(format!("{path}/resolved"), "missing; kept without version");
                    }
                    let mut c = package_in(NUGET, None, name, resolved, &[]).0;
                    if let Some(h) = entry.get("contentHash").and_then(Value::as_str) {
                        c.hashes.push(hash("SHA-512", h));
                    }
                    c
                }
                other => {
                    b.warn(
                        format!("{path}/type"),
                        format!("unknown type {other:?}; skipped"),
                    );
                    continue;
                }
            };
            let id = c.id.clone().unwrap_or_default();
            b.insert(&path, c)?;
            ids.insert(name.to_ascii_lowercase(), id.clone());
            let deps = entry
                .get("dependencies")
                .and_then(Value::as_object)
                .map(|d| d.keys().cloned().collect())
                .unwrap_or_default();
            pending.push((path, id, deps));
        }
        for (path, from, deps) in pending {
            for d in deps {
                match ids.get(&d.to_ascii_lowercase()) {
                    Some(to) => edges.entry(from.clone()).or_default().push(to.clone()),
                    None => b.warn(
                        format!("{path}/dependencies"),
                        format!("{d} is not resolved in {tfm}"),
                    ),
                }
            }
        }
    }
    b.inv
        .document
        .metadata
        .insert("target_frameworks".into(), names.join(" "));
    for (from, to) in edges {
        b.edges(&from, to);
    }
    Ok(b.finish())
}
