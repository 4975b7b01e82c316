//! `pnpm-lock.yaml`, lockfile versions 5.x, 6.x and 9.x.
//!
//! Package keys: v5 `/name/1.0.0_peer@2.0.0`, v6 `/name@1.0.0(peer@2.0.0)`,
//! v9 `name@1.0.0` (in `packages`) and `name@1.0.0(peer@2.0.0)` (in
//! `snapshots`, which hold the dependency edges). Peer suffixes make the
//! same package appear more than once; it becomes one component.
//! v5/v6 say `dev: true`; for v9 dev-only packages are those reachable only
//! from the importers' `devDependencies`.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::common::{Lock, NPM, pointer, prefixed_hash};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::PnpmLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `/name/version_peer`
    V5,
    /// `/name@version(peer)`
    V6,
    /// `name@version(peer)`
    V9,
}

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let doc = super::common::yaml(F, super::common::text(F, bytes)?, limits)?;
    let mut lock = Lock::new(F, bytes, limits);
    let Some(root) = doc.as_object() else {
        return Err(lock.error("", "expected a mapping"));
    };
    let empty = Map::new();
    let packages = match root.get("packages") {
        Some(Value::Object(p)) => p,
        None | Some(Value::Null) => &empty,
        Some(_) => return Err(lock.error("/packages", "expected a mapping")),
    };
    let version = match root.get("lockfileVersion") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let layout = match version.as_deref().and_then(|v| v.split('.').next()) {
        Some("5") | Some("4") | Some("3") => Layout::V5,
        Some("6") | Some("7") | Some("8") => Layout::V6,
        Some(_) => Layout::V9,
        None => {
            lock.warn("/lockfileVersion", "missing: layout guessed from the keys");
            match packages.keys().next() {
                Some(k) if k.starts_with('/') => {
                    let rest = k.trim_start_matches('/').trim_start_matches('@');
                    if rest.contains('@') {
                        Layout::V6
                    } else {
                        Layout::V5
                    }
                }
                _ => Layout::V9,
            }
        }
    };
    lock.inv.document.spec_version = version;

    let mut ids: HashMap<(String, String), String> = HashMap::new();
    let mut by_key: HashMap<&str, String> = HashMap::new();
    for (key, value) in packages {
        let at = pointer("/packages", key);
        let Some(obj) = value.as_object() else {
            lock.warn(at, "expected a mapping: skipped");
            continue;
        };
        let parsed = parse_key(key, layout);
        let explicit = obj
            .get("name")
            .and_then(Value::as_str)
            .zip(obj.get("version").and_then(Value::as_str));
        let resolution = obj.get("resolution").and_then(Value::as_object);
        let registry = resolution.is_none_or(|r| {
            r.get("tarball").is_none() && r.get("type").is_none() && r.get("directory").is_none()
        });
        let (name, version) = match (explicit, &parsed) {
            (Some((n, v)), _) => (n.to_owned(), v.to_owned()),
            (None, Some((n, v))) => (n.clone(), v.clone()),
            (None, None) => {
                lock.warn(at, format!("{key}: not a package key: skipped"));
                continue;
            }
        };
        let local = resolution.is_some_and(|r| r.get("directory").is_some())
            || version.starts_with("file:")
            || version.starts_with("link:");
        if local {
            lock.warn(at, format!("{key}: local package: skipped"));
            continue;
        }
        if !registry || version.contains(['/', ':']) {
            lock.warn(at.clone(), format!("{key}: not from the npm registry"));
        }
        let mut c = lock.package(&at, NPM, &name, &version);
        if obj.get("dev") == Some(&Value::Bool(true)) {
            c.scope = Some("dev".to_owned());
        }
        if let Some(integrity) = resolution
            .and_then(|r| r.get("integrity"))
            .and_then(Value::as_str)
        {
            c.hashes
                .extend(integrity.split_whitespace().filter_map(prefixed_hash));
        }
        let id = lock.add(&at, c)?;
        by_key.insert(key, id.clone());
        if let Some(k) = parsed {
            ids.insert(k, id.clone());
        }
        ids.insert((name, version), id);
    }

    // Edges: v9 from `snapshots`, earlier from `packages`.
    let graph = if layout == Layout::V9 {
        match root.get("snapshots") {
            Some(Value::Object(s)) => s,
            _ => &empty,
        }
    } else {
        packages
    };
    for (key, value) in graph {
        let from = by_key
            .get(key.as_str())
            .or_else(|| parse_key(key, layout).and_then(|k| ids.get(&k)));
        let Some(from) = from else {
            continue;
        };
        let Some(obj) = value.as_object() else {
            continue;
        };
        for section in ["dependencies", "optionalDependencies"] {
            for to in targets(obj.get(section), layout, &ids) {
                lock.edge(from, &to);
            }
        }
    }

    if layout == Layout::V9 {
        let mut prod = Vec::new();
        let mut dev = Vec::new();
        if let Some(Value::Object(importers)) = root.get("importers") {
            for importer in importers.values().filter_map(Value::as_object) {
                prod.extend(targets(importer.get("dependencies"), layout, &ids));
                prod.extend(targets(importer.get("optionalDependencies"), layout, &ids));
                dev.extend(targets(importer.get("devDependencies"), layout, &ids));
            }
        }
        lock.mark_dev_only(&prod, &dev);
    }
    Ok(lock.finish())
}

/// The ids a dependency map points at. Values are a version reference, or
/// (v6+ importers) a mapping with `version`.
fn targets(
    map: Option<&Value>,
    layout: Layout,
    ids: &HashMap<(String, String), String>,
) -> Vec<String> {
    let Some(Value::Object(map)) = map else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(name, v)| {
            let reference = match v {
                Value::String(s) => s.as_str(),
                Value::Object(o) => o.get("version")?.as_str()?,
                _ => return None,
            };
            ids.get(&reference_key(name, reference, layout)?).cloned()
        })
        .collect()
}

/// The package a version reference names: `1.0.0`, `1.0.0_peer`,
/// `1.0.0(peer)`, or an alias `/other/1.0.0`, `/other@1.0.0`, `other@1.0.0`.
fn reference_key(name: &str, reference: &str, layout: Layout) -> Option<(String, String)> {
    if reference.starts_with("link:") {
        return None;
    }
    if reference.starts_with('/') {
        return parse_key(reference, layout);
    }
    if layout == Layout::V9 && reference.get(1..).is_some_and(|r| r.contains('@')) {
        let bare = strip_peers(reference, layout);
        if !bare.get(1..).is_some_and(|r| r.contains('@')) {
            return Some((name.to_owned(), bare.to_owned()));
        }
        return parse_key(reference, layout);
    }
    Some((name.to_owned(), strip_peers(reference, layout).to_owned()))
}

fn strip_peers(s: &str, layout: Layout) -> &str {
    let cut = match layout {
        Layout::V5 => s.find('_'),
        Layout::V6 | Layout::V9 => s.find('('),
    };
    cut.map_or(s, |i| &s[..i])
}

/// A package key as (name, version), peer suffixes removed.
fn parse_key(key: &str, layout: Layout) -> Option<(String, String)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    let (name, version) = match layout {
        Layout::V5 => {
            let name_end = if key.starts_with('@') {
                let first = key.find('/')?;
                first + 1 + key[first + 1..].find('/')?
            } else {
                key.find('/')?
            };
            (&key[..name_end], strip_peers(&key[name_end + 1..], layout))
        }
        Layout::V6 | Layout::V9 => {
            let key = strip_peers(key, layout);
            let i = key.get(1..)?.find('@')? + 1;
            (&key[..i], &key[i + 1..])
        }
    };
    (!name.is_empty() && !version.is_empty()).then(|| (name.to_owned(), version.to_owned()))
}
