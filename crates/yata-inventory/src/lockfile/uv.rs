//! `uv.lock` (version 1).
//!
//! The project is the package whose `source` is `editable` or `virtual`
//! `"."`; other local packages (workspace members, paths) are kept with a
//! warning. Dev-only packages are those reachable only through the local
//! packages' `dev-dependencies`.

use std::collections::HashMap;

use toml::{Table, Value};

use super::common::{Lock, PYPI, pep503, prefixed_hash};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::UvLock;

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let doc = super::common::toml(F, bytes, limits)?;
    let mut lock = Lock::new(F, bytes, limits);
    lock.inv.document.spec_version = match doc.get("version") {
        Some(Value::Integer(n)) => Some(n.to_string()),
        Some(_) => return Err(lock.error("/version", "expected an integer")),
        None => {
            lock.warn("/version", "missing");
            None
        }
    };
    if let Some(Value::Integer(r)) = doc.get("revision") {
        lock.inv
            .document
            .metadata
            .insert("revision".to_owned(), r.to_string());
    }
    let packages: &[Value] = match doc.get("package") {
        Some(Value::Array(p)) => p,
        Some(_) => return Err(lock.error("/package", "expected an array of tables")),
        None => &[],
    };

    struct Pkg<'a> {
        id: String,
        table: &'a Table,
        local: bool,
    }
    let mut pkgs = Vec::with_capacity(packages.len());
    // (normalised name, version) → id; and normalised name → ids.
    let mut ids: HashMap<(String, String), String> = HashMap::new();
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for (i, value) in packages.iter().enumerate() {
        let at = format!("/package/{i}");
        let Some(table) = value.as_table() else {
            return Err(lock.error(at, "expected a table"));
        };
        let Some(name) = str_of(table, "name") else {
            return Err(lock.error(at, "a package needs a `name`"));
        };
        let version = str_of(table, "version").unwrap_or_default();
        let source = table.get("source").and_then(Value::as_table);
        let kind = source.and_then(|s| s.keys().next()).map(String::as_str);
        let place = source
            .and_then(|s| s.values().next())
            .and_then(Value::as_str)
            .unwrap_or_default();
        let local = matches!(kind, Some("editable" | "virtual" | "directory" | "path"));
        let mut c = lock.package(&at, PYPI, name, version);
        if local && place == "." && lock.inv.subject.is_none() {
            let id = c.id.clone().unwrap_or_default();
            lock.inv.subject = Some(c);
            ids.insert((pep503(name), version.to_owned()), id.clone());
            by_name.entry(pep503(name)).or_default().push(id.clone());
            pkgs.push(Pkg {
                id,
                table,
                local: true,
            });
            continue;
        }
        match kind {
            Some("registry") | None => {}
            Some(kind) => lock.warn(
                at.clone(),
                format!("{name} {version}: {kind} source {place}, not from PyPI"),
            ),
        }
        if version.is_empty() {
            lock.warn(at.clone(), format!("{name}: no version"));
        }
        let artifacts = table.get("sdist").into_iter().chain(
            table
                .get("wheels")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        for artifact in artifacts.filter_map(Value::as_table) {
            if let Some(h) = str_of(artifact, "hash").and_then(prefixed_hash)
                && !c.hashes.contains(&h)
            {
                c.hashes.push(h);
            }
        }
        let id = lock.add(&at, c)?;
        ids.insert((pep503(name), version.to_owned()), id.clone());
        by_name.entry(pep503(name)).or_default().push(id.clone());
        pkgs.push(Pkg { id, table, local });
    }

    // `{ name, version?, extra?, marker? }`; without a version the name is
    // unique in the lockfile.
    let resolve = |dep: &Value| -> Vec<String> {
        let Some(dep) = dep.as_table() else {
            return Vec::new();
        };
        let Some(name) = str_of(dep, "name").map(pep503) else {
            return Vec::new();
        };
        match str_of(dep, "version") {
            Some(v) => ids
                .get(&(name, v.to_owned()))
                .cloned()
                .into_iter()
                .collect(),
            None => by_name.get(&name).cloned().unwrap_or_default(),
        }
    };
    let mut edges = Vec::new();
    let mut prod_roots = Vec::new();
    let mut dev_roots = Vec::new();
    for p in &pkgs {
        let prod: Vec<&Value> = list(p.table.get("dependencies"))
            .into_iter()
            .chain(groups(p.table.get("optional-dependencies")))
            .collect();
        let dev = groups(p.table.get("dev-dependencies"));
        for to in prod.iter().flat_map(|d| resolve(d)) {
            if p.local {
                prod_roots.push(to.clone());
            }
            edges.push((p.id.clone(), to));
        }
        for to in dev.iter().flat_map(|d| resolve(d)) {
            if p.local {
                dev_roots.push(to.clone());
            }
            edges.push((p.id.clone(), to));
        }
    }
    for (from, to) in edges {
        lock.edge(&from, &to);
    }
    lock.mark_dev_only(&prod_roots, &dev_roots);
    Ok(lock.finish())
}

fn str_of<'a>(table: &'a Table, key: &str) -> Option<&'a str> {
    table.get(key).and_then(Value::as_str)
}

fn list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        _ => Vec::new(),
    }
}

/// The entries of every group of a `{ group = [...] }` table.
fn groups(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Table(t)) => t.values().filter_map(Value::as_array).flatten().collect(),
        _ => Vec::new(),
    }
}
