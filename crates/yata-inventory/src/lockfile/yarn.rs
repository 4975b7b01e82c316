//! `yarn.lock`: classic (v1, yarn's own indented syntax) and berry (v2+,
//! YAML with `__metadata`).
//!
//! Each entry is keyed by the specs (`name@range`, comma-separated) it
//! satisfies; dependency edges are found by looking the dependency's
//! `name@range` up among those specs. Neither layout records dev-only
//! packages, so no component has scope `dev`.

use std::collections::HashMap;

use serde_json::Value;

use super::common::{Lock, NPM, hex_hash, pointer, prefixed_hash};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::YarnLock;

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let text = super::common::text(F, bytes)?;
    let berry = text
        .lines()
        .any(|l| l.starts_with("__metadata:") || l.starts_with("\"__metadata\":"));
    if berry {
        berry_lock(bytes, limits)
    } else {
        classic(text, bytes, limits)
    }
}

/// `name@range` split at the first `@` after the first character.
fn split_spec(spec: &str) -> Option<(&str, &str)> {
    let i = spec.get(1..)?.find('@')? + 1;
    Some((&spec[..i], &spec[i + 1..]))
}

/// One entry, from either layout, before it becomes a component.
#[derive(Debug, Default)]
struct Entry {
    at: String,
    specs: Vec<String>,
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    /// (name, range) of `dependencies` and `optionalDependencies`.
    deps: Vec<(String, String)>,
    /// The project's own entry (berry `workspace:.`): edges only.
    subject: bool,
}

fn classic(text: &str, bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let mut lock = Lock::new(F, bytes, limits);
    lock.inv.document.spec_version = Some("1".to_owned());
    let mut entries: Vec<Entry> = Vec::new();
    let mut section: Option<String> = None;
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let at = || format!("line {line_no}");
        let line = raw.trim_end();
        if line.trim_start().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = line.trim_start();
        match indent {
            0 => {
                let Some(header) = body.strip_suffix(':') else {
                    return Err(lock.error(at(), "expected an entry header ending in `:`"));
                };
                let specs = split_list(header).map_err(|m| lock.error(at(), m))?;
                entries.push(Entry {
                    at: at(),
                    specs,
                    ..Entry::default()
                });
                section = None;
            }
            2 => {
                let Some(entry) = entries.last_mut() else {
                    return Err(lock.error(at(), "field outside an entry"));
                };
                if let Some(key) = body.strip_suffix(':') {
                    section = Some(unquote(key).map_err(|m| lock.error(at(), m))?);
                    continue;
                }
                section = None;
                let (key, value) = key_value(body).map_err(|m| lock.error(at(), m))?;
                match key.as_str() {
                    "version" => entry.version = Some(value),
                    "resolved" => entry.resolved = Some(value),
                    "integrity" => entry.integrity = Some(value),
                    _ => {}
                }
            }
            4 => {
                let Some(entry) = entries.last_mut() else {
                    return Err(lock.error(at(), "field outside an entry"));
                };
                let (name, range) = key_value(body).map_err(|m| lock.error(at(), m))?;
                match section.as_deref() {
                    Some("dependencies" | "optionalDependencies") => entry.deps.push((name, range)),
                    Some(_) => {}
                    None => return Err(lock.error(at(), "indented field outside a section")),
                }
            }
            _ => {
                lock.warn(at(), "unexpected indentation: line ignored");
            }
        }
    }
    finish(lock, entries, false)
}

/// `"a@^1", a@^1.1` → the specs, unquoted.
fn split_list(header: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for part in split_outside_quotes(header, ',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        out.push(unquote(part)?);
    }
    if out.is_empty() {
        return Err("entry header names no package".to_owned());
    }
    Ok(out)
}

fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, ch) in s.char_indices() {
        if ch == '"' {
            quoted = !quoted;
        } else if ch == sep && !quoted {
            out.push(&s[start..i]);
            start = i + ch.len_utf8();
        }
    }
    out.push(&s[start..]);
    out
}

fn unquote(s: &str) -> Result<String, String> {
    let s = s.trim();
    match s.strip_prefix('"') {
        Some(rest) => match rest.strip_suffix('"') {
            Some(inner) => Ok(inner.replace("\\\"", "\"")),
            None => Err(format!("unterminated string {s}")),
        },
        None => Ok(s.to_owned()),
    }
}

/// `key value` or `key "value"`.
fn key_value(body: &str) -> Result<(String, String), String> {
    let (key, rest) = if let Some(rest) = body.strip_prefix('"') {
        let end = rest
            .find('"')
            .ok_or_else(|| format!("unterminated string in {body}"))?;
        (rest[..end].to_owned(), &rest[end + 1..])
    } else {
        match body.split_once(' ') {
            Some((k, v)) => (k.to_owned(), v),
            None => (body.to_owned(), ""),
        }
    };
    Ok((key, unquote(rest)?))
}

fn berry_lock(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let doc = super::common::yaml(F, super::common::text(F, bytes)?, limits)?;
    let mut lock = Lock::new(F, bytes, limits);
    let Some(root) = doc.as_object() else {
        return Err(lock.error("", "expected a mapping"));
    };
    if let Some(meta) = root.get("__metadata").and_then(Value::as_object) {
        lock.inv.document.spec_version = meta.get("version").and_then(scalar);
    }
    let mut entries = Vec::new();
    for (key, value) in root {
        if key == "__metadata" {
            continue;
        }
        let at = pointer("", key);
        let Some(obj) = value.as_object() else {
            lock.warn(at, "expected a mapping: skipped");
            continue;
        };
        let specs = split_list(key)
            .unwrap_or_else(|_| vec![key.clone()])
            .into_iter()
            .map(|s| s.trim().to_owned())
            .collect();
        let mut deps = Vec::new();
        for section in ["dependencies", "optionalDependencies"] {
            if let Some(Value::Object(map)) = obj.get(section) {
                for (name, range) in map {
                    if let Some(range) = scalar(range) {
                        deps.push((name.clone(), range));
                    }
                }
            }
        }
        let resolution = obj.get("resolution").and_then(scalar);
        let version = obj.get("version").and_then(scalar);
        if let Some(resolution) = &resolution {
            let protocol = split_spec(resolution)
                .map(|(_, r)| r.split(':').next().unwrap_or_default())
                .unwrap_or_default();
            match protocol {
                "npm" => {}
                "workspace" => {
                    let (name, path) = split_spec(resolution).unwrap_or_default();
                    if path == "workspace:." && lock.inv.subject.is_none() {
                        let version = version.as_deref().unwrap_or_default();
                        lock.inv.subject = Some(lock.package(&at, NPM, name, version));
                        entries.push(Entry {
                            at,
                            deps,
                            subject: true,
                            ..Entry::default()
                        });
                    } else {
                        lock.warn(at, format!("{resolution}: workspace package: skipped"));
                    }
                    continue;
                }
                "patch" | "link" | "portal" | "file" | "exec" => {
                    lock.warn(
                        at,
                        format!(
                            "{resolution}: {protocol} protocol, not a registry package: skipped"
                        ),
                    );
                    continue;
                }
                _ => lock.warn(
                    at.clone(),
                    format!("{resolution}: not from the npm registry"),
                ),
            }
        }
        let checksum = obj.get("checksum").and_then(scalar);
        entries.push(Entry {
            at,
            specs,
            version,
            resolved: resolution,
            integrity: checksum,
            deps,
            subject: false,
        });
    }
    finish(lock, entries, true)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Turns entries into components and edges (both layouts).
fn finish(mut lock: Lock, entries: Vec<Entry>, berry: bool) -> Result<Inventory, InventoryError> {
    let mut by_spec: HashMap<&str, String> = HashMap::new();
    let mut ids: Vec<Option<String>> = Vec::with_capacity(entries.len());
    for e in &entries {
        if e.subject {
            ids.push(lock.inv.subject.as_ref().and_then(|s| s.id.clone()));
            continue;
        }
        let id = component(&mut lock, e, berry)?;
        if let Some(id) = &id {
            for spec in &e.specs {
                by_spec.insert(spec, id.clone());
            }
        }
        ids.push(id);
    }
    for (e, from) in entries.iter().zip(&ids) {
        let Some(from) = from else { continue };
        for (name, range) in &e.deps {
            let spec = format!("{name}@{range}");
            let npm_spec = format!("{name}@npm:{range}");
            if let Some(to) = by_spec
                .get(spec.as_str())
                .or(by_spec.get(npm_spec.as_str()))
            {
                lock.edge(from, to);
            }
        }
    }
    Ok(lock.finish())
}

fn component(lock: &mut Lock, e: &Entry, berry: bool) -> Result<Option<String>, InventoryError> {
    let Some(first) = e.specs.first() else {
        return Ok(None);
    };
    let Some((mut name, range)) = split_spec(first) else {
        lock.warn(e.at.clone(), format!("{first}: not name@range: skipped"));
        return Ok(None);
    };
    let Some(version) = e.version.as_deref() else {
        lock.warn(e.at.clone(), format!("{first}: no version: skipped"));
        return Ok(None);
    };
    // The real name: berry's `resolution`, or an alias `npm:real@range`.
    if let Some((real, _)) = e.resolved.as_deref().filter(|_| berry).and_then(split_spec) {
        name = real;
    } else if let Some((real, _)) = range.strip_prefix("npm:").and_then(split_spec) {
        name = real;
    }
    if !berry {
        if range.starts_with("file:") || range.starts_with("link:") {
            lock.warn(e.at.clone(), format!("{first}: local package: skipped"));
            return Ok(None);
        }
        let resolved = e.resolved.as_deref().unwrap_or_default();
        if resolved.starts_with("git") || range.starts_with("git") || range.starts_with("github:") {
            lock.warn(
                e.at.clone(),
                format!("{first}: from git, not from the registry"),
            );
        }
    }
    let mut c = lock.package(&e.at, NPM, name, version);
    match (&e.integrity, berry) {
        (Some(integrity), false) => c
            .hashes
            .extend(integrity.split_whitespace().filter_map(prefixed_hash)),
        // Berry's checksum is the SHA-512 of yarn's cache archive, written
        // after an optional `<cache key>/`.
        (Some(checksum), true) => {
            let hex = checksum.rsplit('/').next().unwrap_or_default();
            c.hashes.extend(hex_hash("SHA-512", hex));
        }
        (None, false) => {
            // Old classic lockfiles: `resolved "…tgz#<sha1>"`.
            if let Some((_, sha1)) = e.resolved.as_deref().and_then(|r| r.rsplit_once('#')) {
                c.hashes
                    .extend(hex_hash("SHA-1", sha1).filter(|h| h.value.len() == 40));
            }
        }
        (None, true) => {}
    }
    lock.add(&e.at, c).map(Some)
}
