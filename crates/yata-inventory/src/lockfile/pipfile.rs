//! `Pipfile.lock` (pipfile-spec 6): `default` and `develop` sections of
//! `name: { version: "==1.0", hashes, markers }`. Packages without a pinned
//! version (git, path, editable) are reported and skipped. The format
//! records no dependency edges.

use serde_json::Value;

use super::common::{Lock, PYPI, pointer, prefixed_hash};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::PipfileLock;

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let doc = super::common::json(F, super::common::text(F, bytes)?, limits)?;
    let mut lock = Lock::new(F, bytes, limits);
    let Some(root) = doc.as_object() else {
        return Err(lock.error("", "expected a JSON object"));
    };
    lock.inv.document.spec_version = root
        .get("_meta")
        .and_then(|m| m.get("pipfile-spec"))
        .and_then(|v| match v {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) => Some(s.clone()),
            _ => None,
        });
    for (section, dev) in [("default", false), ("develop", true)] {
        let base = format!("/{section}");
        let packages = match root.get(section) {
            Some(Value::Object(p)) => p,
            None => continue,
            Some(_) => return Err(lock.error(base, "expected an object")),
        };
        for (name, entry) in packages {
            let at = pointer(&base, name);
            let Some(entry) = entry.as_object() else {
                lock.warn(at, "expected an object: skipped");
                continue;
            };
            let version = entry.get("version").and_then(Value::as_str);
            let Some(version) = version.and_then(|v| {
                v.strip_prefix("===")
                    .or_else(|| v.strip_prefix("=="))
                    .map(str::trim)
            }) else {
                let what = ["git", "path", "file", "editable"]
                    .into_iter()
                    .find(|k| entry.contains_key(*k))
                    .unwrap_or("no pinned version");
                lock.warn(at, format!("{name}: unresolved ({what}): skipped"));
                continue;
            };
            let mut c = lock.package(&at, PYPI, name, version);
            if dev {
                c.scope = Some("dev".to_owned());
            }
            if let Some(Value::Array(hashes)) = entry.get("hashes") {
                c.hashes.extend(
                    hashes
                        .iter()
                        .filter_map(Value::as_str)
                        .filter_map(prefixed_hash),
                );
            }
            lock.add(&at, c)?;
        }
    }
    Ok(lock.finish())
}
