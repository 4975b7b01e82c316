//! `Cargo.lock`, versions 1–4.
//!
//! v1 has no `version` key and keeps checksums in `[metadata]`
//! (`"checksum name version (source)" = "hex"`); v2 has no `version` key
//! and checksums inline; v3 and v4 say `version = 3` / `4`.
//! Packages without a registry `source` (path and workspace crates, git
//! crates) are kept with a warning and a plain `pkg:cargo` PURL.

use std::collections::HashMap;

use toml::{Table, Value};

use super::common::{CRATES_IO, Lock, hex_hash};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::CargoLock;

const CRATES_IO_SOURCES: &[&str] = &[
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let doc = super::common::toml(F, bytes, limits)?;
    let mut lock = Lock::new(F, bytes, limits);
    let metadata = doc.get("metadata").and_then(Value::as_table);
    let v1_checksums: HashMap<&str, &str> = metadata
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.strip_prefix("checksum ")?, v.as_str()?)))
        .collect();
    lock.inv.document.spec_version = match doc.get("version") {
        Some(Value::Integer(n)) => Some(n.to_string()),
        Some(_) => return Err(lock.error("/version", "expected an integer")),
        None if !v1_checksums.is_empty() => Some("1".to_owned()),
        None => Some("2".to_owned()),
    };
    let packages: &[Value] = match doc.get("package") {
        Some(Value::Array(p)) => p,
        Some(_) => return Err(lock.error("/package", "expected an array of tables")),
        None => &[],
    };

    struct Pkg<'a> {
        at: String,
        name: &'a str,
        version: &'a str,
        deps: Vec<&'a str>,
    }
    let mut pkgs = Vec::with_capacity(packages.len());
    let mut ids: HashMap<(&str, &str), String> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<String>> = HashMap::new();
    for (i, value) in packages.iter().enumerate() {
        let at = format!("/package/{i}");
        let Some(table) = value.as_table() else {
            return Err(lock.error(at, "expected a table"));
        };
        let (Some(name), Some(version)) = (str_of(table, "name"), str_of(table, "version")) else {
            return Err(lock.error(at, "a package needs `name` and `version`"));
        };
        let source = str_of(table, "source");
        match source {
            Some(s) if CRATES_IO_SOURCES.contains(&s) => {}
            Some(s) if s.starts_with("git+") => {
                lock.warn(at.clone(), format!("{name} {version}: from git ({s})"))
            }
            Some(s) => lock.warn(
                at.clone(),
                format!("{name} {version}: from another registry ({s})"),
            ),
            None => lock.warn(
                at.clone(),
                format!("{name} {version}: path or workspace crate, not from a registry"),
            ),
        }
        let mut c = lock.package(&at, CRATES_IO, name, version);
        let checksum = str_of(table, "checksum").or_else(|| {
            let key = match source {
                Some(s) => format!("{name} {version} ({s})"),
                None => format!("{name} {version}"),
            };
            v1_checksums.get(key.as_str()).copied()
        });
        if let Some(checksum) = checksum {
            match hex_hash("SHA-256", checksum) {
                Some(h) => c.hashes.push(h),
                None => lock.warn(format!("{at}/checksum"), "not hex: ignored"),
            }
        }
        let id = lock.add(&at, c)?;
        ids.insert((name, version), id.clone());
        by_name.entry(name).or_default().push(id);
        let deps = match table.get("dependencies") {
            Some(Value::Array(d)) => d.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        pkgs.push(Pkg {
            at,
            name,
            version,
            deps,
        });
    }

    // `name`, `name version` or `name version (source)`.
    for p in &pkgs {
        let Some(from) = ids.get(&(p.name, p.version)).cloned() else {
            continue;
        };
        for dep in &p.deps {
            let mut words = dep.split_whitespace();
            let name = words.next().unwrap_or_default();
            let target = match words.next() {
                Some(version) => ids.get(&(name, version)),
                None => match by_name.get(name).map(Vec::as_slice) {
                    Some([only]) => Some(only),
                    _ => None,
                },
            };
            match target {
                Some(to) => {
                    let to = to.clone();
                    lock.edge(&from, &to);
                }
                None => lock.warn(
                    format!("{}/dependencies", p.at),
                    format!("{dep}: no such package in the lockfile"),
                ),
            }
        }
    }
    Ok(lock.finish())
}

fn str_of<'a>(table: &'a Table, key: &str) -> Option<&'a str> {
    table.get(key).and_then(Value::as_str)
}
