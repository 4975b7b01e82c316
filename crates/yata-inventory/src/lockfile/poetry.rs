//! `poetry.lock` (lock-version 1.x and 2.x).
//!
//! Hashes are in each package's `files` (poetry ≥ 1.2) or in
//! `[metadata.files]` (older). Dev-only packages say `category = "dev"`
//! (poetry < 1.5) or have `groups` without `main` (poetry 2). Dependencies
//! name constraints, not versions; an edge goes to every locked version of
//! the named package.

use std::collections::HashMap;

use toml::{Table, Value};

use super::common::{Lock, PYPI, pep503, prefixed_hash};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::PoetryLock;

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let doc = super::common::toml(F, bytes, limits)?;
    let mut lock = Lock::new(F, bytes, limits);
    let metadata = doc.get("metadata").and_then(Value::as_table);
    lock.inv.document.spec_version = metadata
        .and_then(|m| m.get("lock-version"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let old_files = metadata
        .and_then(|m| m.get("files"))
        .and_then(Value::as_table);
    let packages: &[Value] = match doc.get("package") {
        Some(Value::Array(p)) => p,
        Some(_) => return Err(lock.error("/package", "expected an array of tables")),
        None => &[],
    };

    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    let mut deps: Vec<(String, String, Vec<String>)> = Vec::new();
    for (i, value) in packages.iter().enumerate() {
        let at = format!("/package/{i}");
        let Some(table) = value.as_table() else {
            return Err(lock.error(at, "expected a table"));
        };
        let (Some(name), Some(version)) = (str_of(table, "name"), str_of(table, "version")) else {
            return Err(lock.error(at, "a package needs `name` and `version`"));
        };
        if let Some(source) = table.get("source").and_then(Value::as_table) {
            let kind = str_of(source, "type").unwrap_or_default();
            if kind != "legacy" {
                let url = str_of(source, "url").unwrap_or_default();
                lock.warn(
                    at.clone(),
                    format!("{name} {version}: from {kind} {url}, not from PyPI"),
                );
            }
        }
        let mut c = lock.package(&at, PYPI, name, version);
        let dev = match (str_of(table, "category"), table.get("groups")) {
            (Some(category), _) => category == "dev",
            (None, Some(Value::Array(groups))) => {
                !groups.is_empty() && !groups.iter().any(|g| g.as_str() == Some("main"))
            }
            _ => false,
        };
        if dev {
            c.scope = Some("dev".to_owned());
        }
        let files = table.get("files").or_else(|| old_files?.get(name));
        if let Some(Value::Array(files)) = files {
            for file in files.iter().filter_map(Value::as_table) {
                if let Some(h) = str_of(file, "hash").and_then(prefixed_hash)
                    && !c.hashes.contains(&h)
                {
                    c.hashes.push(h);
                }
            }
        }
        let id = lock.add(&at, c)?;
        by_name.entry(pep503(name)).or_default().push(id.clone());
        let names = match table.get("dependencies") {
            Some(Value::Table(d)) => d.keys().map(|k| pep503(k)).collect(),
            _ => Vec::new(),
        };
        deps.push((at, id, names));
    }
    for (_, from, names) in &deps {
        for name in names {
            for to in by_name.get(name).into_iter().flatten() {
                lock.edge(from, to);
            }
        }
    }
    Ok(lock.finish())
}

fn str_of<'a>(table: &'a Table, key: &str) -> Option<&'a str> {
    table.get(key).and_then(Value::as_str)
}
