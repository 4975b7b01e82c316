//! Bundler `Gemfile.lock` (<https://bundler.io/guides/bundler_lockfile.html>).
//!
//! The gems of the `GEM`, `GIT` and `PATH` sections are components (a
//! platform-specific gem such as `nokogiri (1.15.4-x86_64-linux)` gets a
//! `platform` PURL qualifier; a git gem a `vcs_url`); the indented lines under
//! each gem are dependency edges; `CHECKSUMS` (Bundler 2.5+) gives hashes.
//! `DEPENDENCIES`, `PLATFORMS`, `RUBY VERSION` and `BUNDLED WITH` are noted in
//! the document metadata. The lockfile records no groups, so no scopes.

use std::collections::BTreeMap;

use super::common::{Lock, RUBYGEMS, hash, package_in, text};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::GemfileLock;

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let text = text(F, bytes)?;
    let mut b = Lock::new(F, bytes, limits);
    let mut section = String::new();
    let mut remote: Option<String> = None;
    let mut revision: Option<String> = None;
    let mut in_specs = false;
    // Gem name → ids of its components (one per platform).
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // (from id, dependency names)
    let mut deps: Vec<(String, Vec<String>)> = Vec::new();
    let mut direct: Vec<String> = Vec::new();
    let mut platforms: Vec<String> = Vec::new();
    let mut checksums: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut saw_section = false;
    // `name (version)` as written → component index, for CHECKSUMS.
    let mut written: BTreeMap<String, usize> = BTreeMap::new();

    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = line.trim();
        if indent == 0 {
            section = body.to_owned();
            saw_section = true;
            remote = None;
            revision = None;
            in_specs = false;
            continue;
        }
        if !saw_section {
            return Err(at(n, "indented line before any section"));
        }
        match section.as_str() {
            "GEM" | "GIT" | "PATH" | "PLUGIN SOURCE" => {
                if indent == 2 {
                    in_specs = body == "specs:";
                    if let Some((k, v)) = body.split_once(':') {
                        match k {
                            "remote" => remote = Some(v.trim().to_owned()),
                            "revision" => revision = Some(v.trim().to_owned()),
                            _ => {}
                        }
                    }
                } else if in_specs && indent == 4 {
                    let (name, version) = spec(body).ok_or_else(|| {
                        at(n, format!("expected `name (version)`, found {body:?}"))
                    })?;
                    let Some(version) = version else {
                        return Err(at(n, format!("gem {name} has no version")));
                    };
                    let (version, platform) = split_platform(version);
                    let vcs = match (&section[..], &remote, &revision) {
                        ("GIT", Some(r), Some(rev)) => Some(format!("git+{r}@{rev}")),
                        ("GIT", Some(r), None) => Some(format!("git+{r}")),
                        _ => None,
                    };
                    let mut q: Vec<(&str, &str)> = Vec::new();
                    if let Some(p) = platform {
                        q.push(("platform", p));
                    }
                    if let Some(v) = &vcs {
                        q.push(("vcs_url", v));
                    }
                    let c = package_in(RUBYGEMS, None, name, Some(version), &q).0;
                    let id = c.id.clone().unwrap_or_default();
                    if section == "PATH" {
                        b.warn(
                            format!("line {n}"),
                            format!(
                                "{name} {version} comes from the local path {}",
                                remote.as_deref().unwrap_or("?")
                            ),
                        );
                    }
                    if section == "PLUGIN SOURCE" {
                        continue;
                    }
                    if b.insert(&format!("line {n}"), c)? {
                        written.insert(body.to_owned(), b.inv.components.len() - 1);
                        by_name.entry(name.to_owned()).or_default().push(id.clone());
                        deps.push((id, Vec::new()));
                    }
                } else if in_specs && indent == 6 {
                    let (name, _) = spec(body)
                        .ok_or_else(|| at(n, format!("expected a dependency, found {body:?}")))?;
                    if let Some((_, to)) = deps.last_mut() {
                        to.push(name.to_owned());
                    }
                } else if in_specs {
                    b.warn(format!("line {n}"), "unexpected indentation; ignored");
                }
            }
            "DEPENDENCIES" => {
                let (name, _) = spec(body)
                    .ok_or_else(|| at(n, format!("expected a dependency, found {body:?}")))?;
                direct.push(name.trim_end_matches('!').to_owned());
            }
            "PLATFORMS" => platforms.push(body.to_owned()),
            "RUBY VERSION" => {
                b.inv
                    .document
                    .metadata
                    .insert("ruby".into(), body.to_owned());
            }
            "BUNDLED WITH" => {
                b.inv
                    .document
                    .metadata
                    .insert("bundled_with".into(), body.to_owned());
                b.inv.document.tools.push(format!("bundler {body}"));
            }
            "CHECKSUMS" => {
                // `name (version[-platform]) sha256=hex[,alg=hex]`
                if let Some(close) = body.find(") ") {
                    let (gem, sums) = body.split_at(close + 1);
                    for sum in sums.trim().split(',') {
                        if let Some((alg, value)) = sum.split_once('=') {
                            checksums.entry(gem.to_owned()).or_default().push((
                                alg.to_ascii_uppercase().replace("SHA", "SHA-"),
                                value.to_owned(),
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    for (key, sums) in &checksums {
        if let Some(c) = written.get(key).and_then(|&i| b.inv.components.get_mut(i)) {
            c.hashes.extend(sums.iter().map(|(a, v)| hash(a, v)));
        }
    }
    for (from, names) in deps {
        let to = names
            .iter()
            .filter_map(|n| by_name.get(n))
            .flatten()
            .cloned()
            .collect();
        b.edges(&from, to);
    }
    let meta = &mut b.inv.document.metadata;
    if !platforms.is_empty() {
        meta.insert("platforms".into(), platforms.join(" "));
    }
    if !direct.is_empty() {
        meta.insert("dependencies".into(), direct.join(" "));
    }
    for name in &direct {
        if !by_name.contains_key(name) {
            b.warn(
                "DEPENDENCIES",
                format!("{name} is not among the locked gems"),
            );
        }
    }
    Ok(b.finish())
}

/// `name (version)` or `name (>= 1, < 2)` or `name`.
fn spec(body: &str) -> Option<(&str, Option<&str>)> {
    match body.split_once(' ') {
        None => Some((body, None)),
        Some((name, rest)) => {
            let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
            Some((name, Some(inner.trim())))
        }
    }
    .filter(|(name, _)| !name.is_empty())
}

/// `1.15.4-x86_64-linux` → (`1.15.4`, `x86_64-linux`): RubyGems versions
/// contain no `-`, so the first one starts the platform.
fn split_platform(version: &str) -> (&str, Option<&str>) {
    match version.split_once('-') {
        Some((v, p)) if !p.is_empty() => (v, Some(p)),
        _ => (version, None),
    }
}

fn at(line: usize, message: impl std::fmt::Display) -> InventoryError {
    InventoryError::new(F, format!("line {line}"), message)
}
