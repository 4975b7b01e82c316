//! Go `go.mod` (<https://go.dev/ref/mod#go-mod-file>).
//!
//! The module is the subject. `require` entries are components (`// indirect`
//! ones are transitive; direct ones are edges from the module), with
//! `replace` directives applied: a replaced module is reported as its
//! replacement, except a local-path replacement, which keeps the required
//! module and warns. `exclude`d versions are noted in the metadata. The Go
//! toolchain (`toolchain`, else `go`) is a `stdlib` component, as OSV keys Go
//! standard-library advisories.

use std::collections::BTreeMap;

use yata_model::inventory::Component;

use super::common::{GO, Lock, package_in, text};
use crate::{Format, Inventory, InventoryError, Limits};

const F: Format = Format::GoMod;

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let text = text(F, bytes)?;
    let mut b = Lock::new(F, bytes, limits);
    let mut module: Option<String> = None;
    let mut go: Option<String> = None;
    let mut toolchain: Option<String> = None;
    // (path, version, indirect, line)
    let mut requires: Vec<(String, String, bool, usize)> = Vec::new();
    let mut replaces: Vec<Replace> = Vec::new();
    let mut replaced: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut excludes: Vec<String> = Vec::new();
    let mut block: Option<(String, usize)> = None;

    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let (tokens, comment) = tokenize(raw).map_err(|m| at(n, m))?;
        if tokens.is_empty() {
            continue;
        }
        let (verb, args): (String, &[String]) = match &block {
            Some((verb, _)) => {
                if tokens.len() == 1 && tokens[0] == ")" {
                    block = None;
                    continue;
                }
                (verb.clone(), &tokens[..])
            }
            None => {
                if tokens.len() == 2 && tokens[1] == "(" {
                    block = Some((tokens[0].clone(), n));
                    continue;
                }
                if tokens.len() == 3 && tokens[1] == "(" && tokens[2] == ")" {
                    continue;
                }
                (tokens[0].clone(), &tokens[1..])
            }
        };
        let indirect = comment.split(';').any(|part| part.trim() == "indirect");
        match verb.as_str() {
            "module" => match args {
                [path] => module = Some(path.clone()),
                _ => return Err(at(n, "usage: module module/path")),
            },
            "go" => match args {
                [v] => go = Some(v.clone()),
                _ => return Err(at(n, "usage: go 1.23")),
            },
            "toolchain" => match args {
                [v] => toolchain = Some(v.clone()),
                _ => return Err(at(n, "usage: toolchain go1.23.1")),
            },
            "require" => match args {
                [path, version] => requires.push((path.clone(), version.clone(), indirect, n)),
                _ => b.warn(
                    format!("line {n}"),
                    "require: expected module path and version; skipped",
                ),
            },
            "exclude" => match args {
                [path, version] => excludes.push(format!("{path}@{version}")),
                _ => b.warn(
                    format!("line {n}"),
                    "exclude: expected module path and version; skipped",
                ),
            },
            "replace" => {
                let Some(arrow) = args.iter().position(|t| t == "=>") else {
                    b.warn(format!("line {n}"), "replace: missing =>; skipped");
                    continue;
                };
                let (old, new) = (&args[..arrow], &args[arrow + 1..]);
                let old = match old {
                    [p] => (p.clone(), None),
                    [p, v] => (p.clone(), Some(v.clone())),
                    _ => {
                        b.warn(
                            format!("line {n}"),
                            "replace: bad module on the left of =>; skipped",
                        );
                        continue;
                    }
                };
                match new {
                    [p] | [p, _] => replaces.push(Replace {
                        old: old.0,
                        old_version: old.1,
                        new: p.clone(),
                        new_version: new.get(1).cloned(),
                        line: n,
                    }),
                    _ => b.warn(
                        format!("line {n}"),
                        "replace: bad module on the right of =>; skipped",
                    ),
                }
            }
            "retract" | "godebug" | "tool" | "ignore" => {}
            other => b.warn(
                format!("line {n}"),
                format!("unknown directive {other:?}; ignored"),
            ),
        }
    }
    for (i, r) in replaces.iter().enumerate() {
        replaced.entry(r.old.clone()).or_default().push(i);
    }
    if let Some((verb, line)) = block {
        return Err(at(line, format!("{verb} block not closed with )")));
    }

    let doc = &mut b.inv.document;
    if let Some(g) = &go {
        doc.spec_version = Some(g.clone());
        doc.metadata.insert("go".into(), g.clone());
    }
    if let Some(t) = &toolchain {
        doc.metadata.insert("toolchain".into(), t.clone());
    }
    if !excludes.is_empty() {
        doc.metadata.insert("exclude".into(), excludes.join(" "));
    }
    match &module {
        Some(m) => {
            doc.name = Some(m.clone());
            b.inv.subject = Some(go_module(m, None));
        }
        None => b.warn("", "no module directive"),
    }

    let mut direct = Vec::new();
    for (path, version, indirect, n) in requires {
        // A replacement of this exact version wins over one of any version.
        let rep = replaced
            .get(&path)
            .into_iter()
            .flatten()
            .filter_map(|&i| replaces.get(i))
            .filter(|r| r.old == path && r.old_version.as_deref().is_none_or(|v| v == version))
            .max_by_key(|r| r.old_version.is_some());
        let c = match rep {
            Some(Replace {
                new,
                new_version: Some(new_v),
                ..
            }) => go_module(new, Some(new_v)),
            Some(Replace {
                new,
                new_version: None,
                line: rn,
                ..
            }) => {
                b.warn(
                    format!("line {n}"),
                    format!(
                        "{path} {version} is replaced by the local directory {new} (line {rn}); its code may differ from that version"
                    ),
                );
                go_module(&path, Some(&version))
            }
            None => go_module(&path, Some(&version)),
        };
        let id = c.id.clone().unwrap_or_default();
        b.insert(&format!("line {n}"), c)?;
        if !indirect {
            direct.push(id);
        }
    }
    let stdlib = toolchain
        .as_deref()
        .and_then(|t| t.strip_prefix("go"))
        .map(|t| t.split(['-', '+']).next().unwrap_or(t))
        .or(go.as_deref());
    if let Some(v) = stdlib {
        let mut c = Component::named("stdlib");
        c.version = Some(v.to_owned());
        c.ecosystem = Some(GO.osv.to_owned());
        c.id = Some(format!("stdlib@{v}"));
        b.insert("toolchain", c)?;
    }

    if let Some(s) = b.inv.subject.as_ref().and_then(|s| s.id.clone()) {
        b.edges(&s, direct);
    }
    Ok(b.finish())
}

/// `replace old [old_version] => new [new_version]`; no new version means a
/// local directory.
#[derive(Debug)]
struct Replace {
    old: String,
    old_version: Option<String>,
    new: String,
    new_version: Option<String>,
    line: usize,
}

/// A Go module component: the name is the whole module path (as OSV keys
/// it); the PURL namespace is everything before the last `/`.
fn go_module(path: &str, version: Option<&str>) -> Component {
    let (ns, name) = match path.rsplit_once('/') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, path),
    };
    let mut c = package_in(GO, ns, name, version, &[]).0;
    c.name = path.to_owned();
    c.group = None;
    c
}

fn at(line: usize, message: impl std::fmt::Display) -> InventoryError {
    InventoryError::new(F, format!("line {line}"), message)
}

/// Splits one line into tokens (`"…"` and `` `…` `` strings unquoted, `(`,
/// `)` and `=>` on their own) and the text of a trailing `//` comment.
fn tokenize(line: &str) -> Result<(Vec<String>, String), String> {
    let mut tokens = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(i, ch)) = chars.peek() {
        match ch {
            c if c.is_whitespace() => {
                chars.next();
            }
            '/' if line[i..].starts_with("//") => {
                return Ok((tokens, line[i + 2..].trim().to_owned()));
            }
            '(' | ')' => {
                tokens.push(ch.to_string());
                chars.next();
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        None => return Err("unterminated quoted string".into()),
                        Some((_, '"')) => break,
                        Some((_, '\\')) => match chars.next() {
                            Some((_, c)) => s.push(c),
                            None => return Err("unterminated quoted string".into()),
                        },
                        Some((_, c)) => s.push(c),
                    }
                }
                tokens.push(s);
            }
            '`' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        None => return Err("unterminated raw string".into()),
                        Some((_, '`')) => break,
                        Some((_, c)) => s.push(c),
                    }
                }
                tokens.push(s);
            }
            _ => {
                let start = i;
                let mut end = line.len();
                while let Some(&(j, c)) = chars.peek() {
                    if c.is_whitespace()
                        || c == '('
                        || c == ')'
                        || c == '"'
                        || c == '`'
                        || line[j..].starts_with("//")
                    {
                        end = j;
                        break;
                    }
                    chars.next();
                }
                tokens.push(line[start..end].to_owned());
            }
        }
    }
    Ok((tokens, String::new()))
}
