//! Maven `pom.xml` (<https://maven.apache.org/pom.html>).
//!
//! A manifest, not a lockfile: the declared `dependencies` are components
//! (scope `test` as declared; `<optional>true</optional>` → `optional`),
//! edges from the project (the subject). Within the file, `${…}` references
//! are resolved against `properties`, `project.*`/`pom.*` coordinates and
//! `project.parent.*`, nested references included (a cycle is a warning);
//! `dependencyManagement` supplies versions (and scopes) to dependencies
//! without one. What the file alone cannot settle (a property of the parent
//! POM, `env.*`, a version range, an imported BOM) is a warning, and the
//! component is kept without a version. Parent coordinates are noted in the
//! metadata. Profiles are not activated.
//!
//! XML safety: a DOCTYPE declaring entities is refused and no entity other
//! than the five predefined ones and character references is ever expanded.

use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::common::{Lock, MAVEN, package_in, text};
use crate::{Format, Inventory, InventoryError, Limit, Limits};

const F: Format = Format::PomXml;

#[derive(Debug, Default, Clone)]
struct Dep {
    group: String,
    artifact: String,
    version: String,
    scope: String,
    optional: String,
    /// Where it is, for warnings: `/project/dependencies/dependency[2]`.
    path: String,
}

#[derive(Debug, Default)]
struct Pom {
    model_version: String,
    group: String,
    artifact: String,
    version: String,
    name: String,
    parent: Dep,
    properties: BTreeMap<String, String>,
    dependencies: Vec<Dep>,
    managed: Vec<Dep>,
}

pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let text = text(F, bytes)?;
    let pom = read(text, limits)?;
    let mut b = Lock::new(F, bytes, limits);
    if !pom.model_version.is_empty() {
        b.inv.document.spec_version = Some(pom.model_version.clone());
    }

    let resolver = Resolver { pom: &pom };
    let resolve = |b: &mut Lock, path: &str, raw: &str| -> Option<String> {
        match resolver.resolve(raw) {
            Ok(v) if v.is_empty() => None,
            Ok(v) => Some(v),
            Err(why) => {
                b.warn(path, why);
                None
            }
        }
    };

    let parent = &pom.parent;
    if !parent.artifact.is_empty() {
        b.inv.document.metadata.insert(
            "parent".into(),
            format!("{}:{}:{}", parent.group, parent.artifact, parent.version),
        );
    }
    let group = if pom.group.is_empty() {
        &parent.group
    } else {
        &pom.group
    };
    let group = resolve(&mut b, "/project/groupId", group).unwrap_or_default();
    let artifact = resolve(&mut b, "/project/artifactId", &pom.artifact).unwrap_or_default();
    let version = if pom.version.is_empty() {
        &parent.version
    } else {
        &pom.version
    };
    let version = resolve(&mut b, "/project/version", version);
    if !pom.name.is_empty() {
        b.inv.document.name = Some(pom.name.clone());
    }
    let subject = if artifact.is_empty() {
        b.warn("/project/artifactId", "missing");
        None
    } else {
        let g = Some(group.as_str()).filter(|g| !g.is_empty());
        Some(package_in(MAVEN, g, &artifact, version.as_deref(), &[]).0)
    };

    // (groupId, artifactId) → (version, scope), resolved.
    let mut managed: BTreeMap<(String, String), (Option<String>, String)> = BTreeMap::new();
    for d in &pom.managed {
        let g = resolve(&mut b, &format!("{}/groupId", d.path), &d.group).unwrap_or_default();
        let a = resolve(&mut b, &format!("{}/artifactId", d.path), &d.artifact).unwrap_or_default();
        if d.scope == "import" {
            b.warn(
                &d.path,
                format!("imports the BOM {g}:{a}, whose managed versions are not in this file"),
            );
            continue;
        }
        let v = resolve(&mut b, &format!("{}/version", d.path), &d.version);
        managed.insert((g, a), (v, d.scope.clone()));
    }

    let mut direct = Vec::new();
    for d in &pom.dependencies {
        let g = resolve(&mut b, &format!("{}/groupId", d.path), &d.group).unwrap_or_default();
        let a = resolve(&mut b, &format!("{}/artifactId", d.path), &d.artifact).unwrap_or_default();
        if g.is_empty() || a.is_empty() {
            b.warn(&d.path, "groupId or artifactId missing; skipped");
            continue;
        }
        let managed = managed.get(&(g.clone(), a.clone()));
        let mut version = if d.version.is_empty() {
            let v = managed.and_then(|m| m.0.clone());
            if v.is_none() {
                b.warn(
                    &d.path,
                    format!("{g}:{a} has no version here or in dependencyManagement (a parent POM may manage it); kept without version"),
                );
            }
            v
        } else {
            resolve(&mut b, &format!("{}/version", d.path), &d.version)
        };
        if let Some(v) = &version
            && (v.starts_with('[') || v.starts_with('(') || v.contains(','))
        {
            b.warn(
                format!("{}/version", d.path),
                format!(
                    "{g}:{a} version range {v} is resolved at build time; kept without version"
                ),
            );
            version = None;
        }
        let mut c = package_in(MAVEN, Some(&g), &a, version.as_deref(), &[]).0;
        let scope = match d.scope.as_str() {
            "" => managed.map(|m| m.1.as_str()).unwrap_or(""),
            s => s,
        };
        if scope == "test" {
            c.scope = Some("test".into());
        } else if d.optional.trim() == "true" {
            c.scope = Some("optional".into());
        }
        let id = c.id.clone().unwrap_or_default();
        if b.insert(&d.path, c)? {
            direct.push(id);
        }
    }
    if let Some(s) = subject {
        let id = s.id.clone().unwrap_or_default();
        b.inv.subject = Some(s);
        b.edges(&id, direct);
    }
    Ok(b.finish())
}

/// Reads the parts of the POM this reader uses.
fn read(text: &str, limits: &Limits) -> Result<Pom, InventoryError> {
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|&(_, c)| c == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_at = |pos: u64| 1 + newlines.partition_point(|&nl| (nl as u64) < pos);

    let mut reader = Reader::from_str(text);
    let mut pom = Pom::default();
    let mut stack: Vec<String> = Vec::new();
    // Path segments with sibling indexes, for messages.
    let mut located: Vec<String> = Vec::new();
    let mut counts: Vec<BTreeMap<String, usize>> = vec![BTreeMap::new()];
    let mut buf = String::new();
    let mut current: Option<Dep> = None;
    let mut saw_root = false;
    let here = |located: &[String]| format!("/{}", located.join("/"));

    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            InventoryError::new(
                F,
                format!(
                    "{} (line {})",
                    here(&located),
                    line_at(reader.error_position())
                ),
                e,
            )
        })?;
        match event {
            Event::DocType(d) => {
                if d.contains("<!ENTITY") {
                    return Err(InventoryError::new(
                        F,
                        format!("line {}", line_at(pos)),
                        "DOCTYPE declares entities, which are never expanded; refused",
                    ));
                }
            }
            Event::Start(e) => {
                let name: String = {
                    let local = e.local_name();
                    let local: &str = local.as_ref();
                    local.to_owned()
                };
                if stack.is_empty() {
                    if name != "project" {
                        return Err(InventoryError::new(
                            F,
                            format!("/{name}"),
                            "root element is not <project>",
                        ));
                    }
                    saw_root = true;
                }
                let n = {
                    let c = counts
                        .last_mut()
                        .map(|c| c.entry(name.clone()).or_insert(0));
                    match c {
                        Some(c) => {
                            *c += 1;
                            *c
                        }
                        None => 1,
                    }
                };
                located.push(if n > 1 || name == "dependency" {
                    format!("{name}[{n}]")
                } else {
                    name.clone()
                });
                counts.push(BTreeMap::new());
                stack.push(name);
                if stack.len() > limits.max_depth {
                    return Err(InventoryError::new(
                        F,
                        here(&located),
                        format!("nesting deeper than {}", limits.max_depth),
                    )
                    .with_limit(Limit::Depth));
                }
                if is_dependency(&stack) {
                    current = Some(Dep {
                        path: here(&located),
                        ..Dep::default()
                    });
                }
                buf.clear();
            }
            Event::Empty(e) => {
                // An empty element has no text: nothing to record, unless
                // it is the root.
                if stack.is_empty() {
                    let local = e.local_name();
                    let local: &str = local.as_ref();
                    if local != "project" {
                        return Err(InventoryError::new(
                            F,
                            format!("/{local}"),
                            "root element is not <project>",
                        ));
                    }
                    saw_root = true;
                }
            }
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::CData(t) => buf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match &*r {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                    Err(_) => None,
                };
                match ch {
                    Some(c) => buf.push(c),
                    None => {
                        return Err(InventoryError::new(
                            F,
                            format!("{} (line {})", here(&located), line_at(pos)),
                            format!("entity &{}; is not expanded", &*r),
                        ));
                    }
                }
            }
            Event::End(_) => {
                let value = buf.trim().to_owned();
                buf.clear();
                record(&mut pom, &stack, &mut current, value);
                if is_dependency(&stack)
                    && let Some(d) = current.take()
                {
                    if stack.get(1).map(String::as_str) == Some("dependencies") {
                        pom.dependencies.push(d);
                    } else {
                        pom.managed.push(d);
                    }
                }
                stack.pop();
                located.pop();
                counts.pop();
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !saw_root {
        return Err(InventoryError::new(F, "", "no <project> element"));
    }
    Ok(pom)
}

/// `project/dependencies/dependency` or
/// `project/dependencyManagement/dependencies/dependency`.
fn is_dependency(stack: &[String]) -> bool {
    let s: Vec<&str> = stack.iter().map(String::as_str).collect();
    matches!(
        s[..],
        ["project", "dependencies", "dependency"]
            | [
                "project",
                "dependencyManagement",
                "dependencies",
                "dependency"
            ]
    )
}

/// Stores the text of the element that ends at `stack`.
fn record(pom: &mut Pom, stack: &[String], current: &mut Option<Dep>, value: String) {
    let s: Vec<&str> = stack.iter().map(String::as_str).collect();
    match s[..] {
        ["project", "modelVersion"] => pom.model_version = value,
        ["project", "groupId"] => pom.group = value,
        ["project", "artifactId"] => pom.artifact = value,
        ["project", "version"] => pom.version = value,
        ["project", "name"] => pom.name = value,
        ["project", "parent", field] => set(&mut pom.parent, field, value),
        ["project", "properties", key] => {
            pom.properties.insert(key.to_owned(), value);
        }
        ["project", "dependencies", "dependency", field]
        | [
            "project",
            "dependencyManagement",
            "dependencies",
            "dependency",
            field,
        ] => {
            if let Some(d) = current {
                set(d, field, value);
            }
        }
        _ => {}
    }
}

fn set(d: &mut Dep, field: &str, value: String) {
    match field {
        "groupId" => d.group = value,
        "artifactId" => d.artifact = value,
        "version" => d.version = value,
        "scope" => d.scope = value,
        "optional" => d.optional = value,
        _ => {}
    }
}

/// Resolves `${…}` references within one POM.
struct Resolver<'a> {
    pom: &'a Pom,
}

/// Longest chain of nested references followed.
const MAX_NESTING: usize = 32;
/// Most references expanded for one value, and its longest expansion: a
/// property "billion laughs" (`${a}${a}` with `a` = `${b}${b}`, …) stops here.
const MAX_LOOKUPS: usize = 1000;
const MAX_VALUE: usize = 4096;

impl Resolver<'_> {
    fn resolve(&self, raw: &str) -> Result<String, String> {
        let mut seen = Vec::new();
        let mut lookups = 0;
        self.expand(raw, &mut seen, &mut lookups)
    }

    fn expand(
        &self,
        raw: &str,
        seen: &mut Vec<String>,
        lookups: &mut usize,
    ) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = raw;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(format!("unterminated property reference in {raw:?}"));
            };
            let key = &after[..end];
            out.push_str(&self.property(key, seen, lookups)?);
            if out.len() > MAX_VALUE {
                return Err(format!("value of {raw:?} expands beyond {MAX_VALUE} bytes"));
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn property(
        &self,
        key: &str,
        seen: &mut Vec<String>,
        lookups: &mut usize,
    ) -> Result<String, String> {
        *lookups += 1;
        if *lookups > MAX_LOOKUPS {
            return Err(format!(
                "more than {MAX_LOOKUPS} property references to expand"
            ));
        }
        if seen.iter().any(|k| k == key) {
            seen.push(key.to_owned());
            return Err(format!("property cycle {}", seen.join(" → ")));
        }
        if seen.len() >= MAX_NESTING {
            return Err(format!(
                "property references nested deeper than {MAX_NESTING}"
            ));
        }
        let p = self.pom;
        let builtin = |field: &'static str| -> Option<&str> {
            let (own, parent) = match field {
                "groupId" => (&p.group, &p.parent.group),
                "version" => (&p.version, &p.parent.version),
                _ => (&p.artifact, &p.parent.artifact),
            };
            Some(if own.is_empty() && field != "artifactId" {
                parent
            } else {
                own
            })
            .filter(|v| !v.is_empty())
            .map(String::as_str)
        };
        let raw = match key {
            _ if p.properties.contains_key(key) => p.properties.get(key).map(String::as_str),
            "project.version" | "pom.version" | "version" => builtin("version"),
            "project.groupId" | "pom.groupId" | "groupId" => builtin("groupId"),
            "project.artifactId" | "pom.artifactId" | "artifactId" => builtin("artifactId"),
            "project.parent.version" | "parent.version" => {
                Some(p.parent.version.as_str()).filter(|v| !v.is_empty())
            }
            "project.parent.groupId" | "parent.groupId" => {
                Some(p.parent.group.as_str()).filter(|v| !v.is_empty())
            }
            "project.parent.artifactId" | "parent.artifactId" => {
                Some(p.parent.artifact.as_str()).filter(|v| !v.is_empty())
            }
            _ => None,
        };
        let Some(raw) = raw else {
            return Err(format!("property ${{{key}}} is not defined in this file"));
        };
        seen.push(key.to_owned());
        let v = self.expand(raw, seen, lookups)?;
        seen.pop();
        Ok(v)
    }
}
