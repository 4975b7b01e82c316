//! `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1–3.
//!
//! v2 and v3 list every installed package under `packages`, keyed by its
//! `node_modules/…` path; v1 nests them under `dependencies`. Both are read
//! into the same path-keyed list, and dependency edges are resolved the way
//! Node resolves `require`: the nearest `node_modules/<name>` up the path.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::common::{Lock, NPM, pointer, prefixed_hash};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::NpmLock;

/// One installed package, from either layout.
#[derive(Debug)]
struct Entry<'a> {
    /// `node_modules/a/node_modules/b`; `` for the root.
    path: String,
    /// JSON Pointer of the entry.
    at: String,
    obj: &'a Map<String, Value>,
    /// Names this package requires (v1 `requires`; v2+ dependency maps).
    needs: Vec<&'a str>,
}

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let doc = super::common::json(F, super::common::text(F, bytes)?, limits)?;
    let mut lock = Lock::new(F, bytes, limits);
    let Some(root) = doc.as_object() else {
        return Err(lock.error("", "expected a JSON object"));
    };
    match root.get("lockfileVersion") {
        Some(Value::Number(n)) => lock.inv.document.spec_version = Some(n.to_string()),
        Some(Value::String(s)) => lock.inv.document.spec_version = Some(s.clone()),
        None => lock.warn("/lockfileVersion", "missing; read as version 1"),
        Some(_) => return Err(lock.error("/lockfileVersion", "expected a number")),
    }
    lock.inv.document.name = str_of(root, "name").map(str::to_owned);

    let entries = if let Some(packages) = root.get("packages") {
        let Some(packages) = packages.as_object() else {
            return Err(lock.error("/packages", "expected an object"));
        };
        v2_entries(&mut lock, packages)
    } else {
        match root.get("dependencies") {
            Some(Value::Object(deps)) => v1_entries(&mut lock, deps),
            Some(_) => return Err(lock.error("/dependencies", "expected an object")),
            None => Vec::new(),
        }
    };

    // The project itself: v2+ `packages[""]`, else the top-level fields.
    let root_entry = entries.iter().find(|e| e.path.is_empty());
    let root_obj = root_entry.map_or(root, |e| e.obj);
    let subject_name = str_of(root_obj, "name").or_else(|| str_of(root, "name"));
    let subject_version = str_of(root_obj, "version").or_else(|| str_of(root, "version"));
    let subject_id = subject_name.map(|name| {
        let c = lock.package("", NPM, name, subject_version.unwrap_or_default());
        let id = c.id.clone().unwrap_or_default();
        lock.inv.subject = Some(c);
        id
    });

    // Links point at the folder holding the real package.
    let links: HashMap<&str, &str> = entries
        .iter()
        .filter(|e| e.obj.get("link") == Some(&Value::Bool(true)))
        .filter_map(|e| Some((e.path.as_str(), str_of(e.obj, "resolved")?)))
        .collect();
    let mut ids: HashMap<String, String> = HashMap::new();
    for e in &entries {
        if e.path.is_empty() || links.contains_key(e.path.as_str()) {
            continue;
        }
        if !e.path.starts_with("node_modules/") && !e.path.contains("/node_modules/") {
            lock.warn(
                e.at.clone(),
                "workspace package of the project, not from a registry: skipped",
            );
            continue;
        }
        if let Some(id) = component(&mut lock, e)? {
            ids.insert(e.path.clone(), id);
        }
    }
    if let Some(root_id) = &subject_id {
        ids.insert(String::new(), root_id.clone());
    }

    let index: HashMap<&str, ()> = entries.iter().map(|e| (e.path.as_str(), ())).collect();
    for e in &entries {
        let Some(from) = ids.get(&e.path) else {
            continue;
        };
        for name in &e.needs {
            if let Some(target) = resolve(&index, &links, &e.path, name)
                && let Some(to) = ids.get(&target)
            {
                lock.edge(from, to);
            }
        }
    }
    Ok(lock.finish())
}

fn str_of<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

fn v2_entries<'a>(lock: &mut Lock, packages: &'a Map<String, Value>) -> Vec<Entry<'a>> {
    let mut out = Vec::with_capacity(packages.len());
    for (path, value) in packages {
        let at = pointer("/packages", path);
        let Some(obj) = value.as_object() else {
            lock.warn(at, "expected an object: skipped");
            continue;
        };
        let mut needs = Vec::new();
        let maps: &[&str] = if path.is_empty() {
            &[
                "dependencies",
                "devDependencies",
                "optionalDependencies",
                "peerDependencies",
            ]
        } else {
            &["dependencies", "optionalDependencies", "peerDependencies"]
        };
        for key in maps {
            if let Some(Value::Object(deps)) = obj.get(*key) {
                needs.extend(deps.keys().map(String::as_str));
            }
        }
        out.push(Entry {
            path: path.clone(),
            at,
            obj,
            needs,
        });
    }
    out
}

/// Flattens v1's nested `dependencies` into `node_modules/…` paths.
fn v1_entries<'a>(lock: &mut Lock, deps: &'a Map<String, Value>) -> Vec<Entry<'a>> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, String, &'a Map<String, Value>)> =
        vec![(String::new(), "/dependencies".to_owned(), deps)];
    while let Some((parent, at, deps)) = stack.pop() {
        for (name, value) in deps {
            let at = pointer(&at, name);
            let Some(obj) = value.as_object() else {
                lock.warn(at, "expected an object: skipped");
                continue;
            };
            let path = if parent.is_empty() {
                format!("node_modules/{name}")
            } else {
                format!("{parent}/node_modules/{name}")
            };
            let needs = match obj.get("requires") {
                Some(Value::Object(r)) => r.keys().map(String::as_str).collect(),
                _ => Vec::new(),
            };
            if let Some(Value::Object(nested)) = obj.get("dependencies") {
                stack.push((path.clone(), format!("{at}/dependencies"), nested));
            }
            out.push(Entry {
                path,
                at,
                obj,
                needs,
            });
        }
    }
    // Document order (the stack visits nested levels last).
    out.sort_by(|a, b| a.at.cmp(&b.at));
    out
}

/// The name under which `path` is installed: after its last `node_modules/`.
fn installed_name(path: &str) -> &str {
    match path.rfind("node_modules/") {
        Some(i) => &path[i + "node_modules/".len()..],
        None => path,
    }
}

/// Adds the component of one entry; `None` when it is skipped.
fn component(lock: &mut Lock, e: &Entry<'_>) -> Result<Option<String>, InventoryError> {
    let mut name = str_of(e.obj, "name").unwrap_or_else(|| installed_name(&e.path));
    let Some(mut version) = str_of(e.obj, "version") else {
        lock.warn(e.at.clone(), "no version: skipped");
        return Ok(None);
    };
    // v1 aliases: `"version": "npm:real-name@1.2.3"`.
    if let Some(alias) = version.strip_prefix("npm:") {
        match alias[1.min(alias.len())..].find('@') {
            Some(i) => {
                name = &alias[..i + 1];
                version = &alias[i + 2..];
            }
            None => version = alias,
        }
    }
    let resolved = str_of(e.obj, "resolved").unwrap_or_default();
    if version.starts_with("file:") || version.starts_with("link:") {
        lock.warn(
            e.at.clone(),
            format!("{name}: local package {version}: skipped"),
        );
        return Ok(None);
    }
    let from_git = is_git(version) || is_git(resolved);
    let mut c = if is_git(version) {
        // v1 writes the git reference as the version.
        let mut c = yata_model::inventory::Component::named(name);
        c.version = Some(version.to_owned());
        c.ecosystem = Some(NPM.osv.to_owned());
        c
    } else {
        lock.package(&e.at, NPM, name, version)
    };
    if from_git {
        lock.warn(
            e.at.clone(),
            format!("{name}: from git, not from the registry"),
        );
    }
    if e.obj.get("dev") == Some(&Value::Bool(true)) {
        c.scope = Some("dev".to_owned());
    }
    if let Some(integrity) = str_of(e.obj, "integrity") {
        c.hashes
            .extend(integrity.split_whitespace().filter_map(prefixed_hash));
    }
    lock.add(&e.at, c).map(Some)
}

fn is_git(spec: &str) -> bool {
    spec.starts_with("git+")
        || spec.starts_with("git:")
        || spec.starts_with("github:")
        || spec.starts_with("gitlab:")
        || spec.starts_with("bitbucket:")
}

/// Node's lookup: `from/node_modules/name`, then each enclosing
/// `node_modules` up to the root; links are followed to their target.
fn resolve(
    index: &HashMap<&str, ()>,
    links: &HashMap<&str, &str>,
    from: &str,
    name: &str,
) -> Option<String> {
    let mut base = from;
    loop {
        let candidate = if base.is_empty() {
            format!("node_modules/{name}")
        } else {
            format!("{base}/node_modules/{name}")
        };
        if index.contains_key(candidate.as_str()) {
            return Some(match links.get(candidate.as_str()) {
                Some(target) => (*target).to_owned(),
                None => candidate,
            });
        }
        if base.is_empty() {
            return None;
        }
        base = match base.rfind("node_modules/") {
            Some(i) => base[..i].trim_end_matches('/'),
            None => "",
        };
    }
}
