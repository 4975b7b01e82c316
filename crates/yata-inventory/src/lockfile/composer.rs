//! PHP Composer `composer.lock`
//! (<https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control>).
//!
//! `packages` and `packages-dev` (scope `dev`) are components with the dist
//! `shasum` (SHA-1) when non-empty; `require` entries naming locked packages
//! are dependency edges (platform requirements such as `php` and `ext-*` are
//! not packages).

use std::collections::BTreeMap;

use serde_json::Value;

use super::common::{Lock, PACKAGIST, hash, json, package_in, text};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::ComposerLock;

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let doc = json(F, text(F, bytes)?, limits)?;
    let Some(root) = doc.as_object() else {
        return Err(InventoryError::new(F, "", "expected a JSON object"));
    };
    let mut b = Lock::new(F, bytes, limits);
    for key in ["content-hash", "plugin-api-version", "minimum-stability"] {
        if let Some(v) = root.get(key).and_then(Value::as_str) {
            b.inv.document.metadata.insert(key.into(), v.to_owned());
        }
    }
    if !root.contains_key("packages") {
        return Err(InventoryError::new(F, "/packages", "missing"));
    }
    let mut by_name: BTreeMap<String, String> = BTreeMap::new();
    let mut requires: Vec<(String, String, Vec<String>)> = Vec::new();
    for (list, scope) in [("packages", None), ("packages-dev", Some("dev"))] {
        let packages = match root.get(list) {
            None | Some(Value::Null) => continue,
            Some(Value::Array(a)) => a,
            Some(_) => {
                return Err(InventoryError::new(
                    F,
                    format!("/{list}"),
                    "expected an array",
                ));
            }
        };
        for (i, p) in packages.iter().enumerate() {
            let path = format!("/{list}/{i}");
            let name = p.get("name").and_then(Value::as_str);
            let Some((vendor, short)) = name.and_then(|n| n.split_once('/')) else {
                b.warn(
                    format!("{path}/name"),
                    "missing or not `vendor/name`; package skipped",
                );
                continue;
            };
            let name = name.unwrap_or_default();
            let version = p.get("version").and_then(Value::as_str);
            if version.is_none() {
                b.warn(format!("{path}/version"), "missing");
            }
            let mut c = package_in(PACKAGIST, Some(vendor), short, version, &[]).0;
            c.scope = scope.map(str::to_owned);
            if let Some(sum) = p.pointer("/dist/shasum").and_then(Value::as_str)
                && !sum.is_empty()
            {
                c.hashes.push(hash("SHA-1", sum));
            }
            let id = c.id.clone().unwrap_or_default();
            if b.insert(&path, c)? {
                by_name.insert(name.to_ascii_lowercase(), id.clone());
                let deps = p
                    .get("require")
                    .and_then(Value::as_object)
                    .map(|r| r.keys().filter(|k| k.contains('/')).cloned().collect())
                    .unwrap_or_default();
                requires.push((format!("{path}/require"), id, deps));
            }
        }
    }
    for (path, from, names) in requires {
        let mut to = Vec::new();
        for n in names {
            match by_name.get(&n.to_ascii_lowercase()) {
                Some(id) => to.push(id.clone()),
                None => b.warn(path.clone(), format!("requires {n}, which is not locked")),
            }
        }
        b.edges(&from, to);
    }
    Ok(b.finish())
}
