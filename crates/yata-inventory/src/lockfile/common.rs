//! Helpers shared by the lockfile and manifest readers: ecosystems and their
//! PURLs, hashes, reading text/JSON/YAML/TOML with located errors and bounded
//! nesting, and [`Lock`], the inventory builder that keeps each package once
//! and bounds the component count.

use std::collections::{HashMap, HashSet};

use yata_model::inventory::{Component, Dependency, Hash, SourceDocument};

use crate::{Format, Inventory, InventoryError, Limit, Limits};

/// A package ecosystem: its PURL type and its OSV ecosystem name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ecosystem {
    pub purl_type: &'static str,
    pub osv: &'static str,
}

pub(crate) const NPM: Ecosystem = Ecosystem {
    purl_type: "npm",
    osv: "npm",
};
pub(crate) const CRATES_IO: Ecosystem = Ecosystem {
    purl_type: "cargo",
    osv: "crates.io",
};
pub(crate) const PYPI: Ecosystem = Ecosystem {
    purl_type: "pypi",
    osv: "PyPI",
};
pub(crate) const GO: Ecosystem = Ecosystem {
    purl_type: "golang",
    osv: "Go",
};
pub(crate) const RUBYGEMS: Ecosystem = Ecosystem {
    purl_type: "gem",
    osv: "RubyGems",
};
pub(crate) const PACKAGIST: Ecosystem = Ecosystem {
    purl_type: "composer",
    osv: "Packagist",
};
pub(crate) const MAVEN: Ecosystem = Ecosystem {
    purl_type: "maven",
    osv: "Maven",
};
pub(crate) const NUGET: Ecosystem = Ecosystem {
    purl_type: "nuget",
    osv: "NuGet",
};
pub(crate) const PUB: Ecosystem = Ecosystem {
    purl_type: "pub",
    osv: "Pub",
};
pub(crate) const HEX: Ecosystem = Ecosystem {
    purl_type: "hex",
    osv: "Hex",
};

/// A component of `eco` with its canonical PURL, ecosystem and id (the PURL).
/// npm names `@scope/name` are split into group `@scope` and name `name`.
/// When no PURL can be built from the values, the component has none, its
/// id is `name@version`, and the error says why.
pub(crate) fn package(eco: Ecosystem, name: &str, version: &str) -> (Component, Option<String>) {
    if eco == NPM
        && let Some((scope, rest)) = name.split_once('/')
        && scope.starts_with('@')
    {
        return package_in(eco, Some(scope), rest, Some(version), &[]);
    }
    package_in(eco, None, name, Some(version), &[])
}

/// Like [`package`] with an explicit namespace (Maven group, Go module path
/// prefix, Packagist vendor, npm scope with its `@`), PURL qualifiers and
/// perhaps no version (an empty one is none). The id without a PURL is
/// `namespace/name@version`, or without the `@version` when there is none.
pub(crate) fn package_in(
    eco: Ecosystem,
    namespace: Option<&str>,
    name: &str,
    version: Option<&str>,
    qualifiers: &[(&str, &str)],
) -> (Component, Option<String>) {
    let mut c = Component::named(name);
    c.group = namespace.map(str::to_owned);
    c.version = version.filter(|v| !v.is_empty()).map(str::to_owned);
    c.ecosystem = Some(eco.osv.to_owned());
    let mut builder = yata_purl::Purl::builder(eco.purl_type, name);
    if let Some(ns) = namespace {
        builder = builder.namespace(ns);
    }
    if let Some(v) = &c.version {
        builder = builder.version(v);
    }
    for (k, v) in qualifiers {
        builder = builder.qualifier(k, v);
    }
    match builder.build() {
        Ok(purl) => {
            let purl = purl.to_string();
            c.id = Some(purl.clone());
            c.purl = Some(purl);
            (c, None)
        }
        Err(e) => {
            let mut id = match namespace {
                Some(ns) => format!("{ns}/{name}"),
                None => name.to_owned(),
            };
            if let Some(v) = &c.version {
                id = format!("{id}@{v}");
            }
            let problem = format!("no PURL for {id}: {e}");
            c.id = Some(id);
            (c, Some(problem))
        }
    }
}

/// A hash as the document writes it; hex values are lower-cased.
pub(crate) fn hash(alg: &str, value: &str) -> Hash {
    let value = if value.bytes().all(|b| b.is_ascii_hexdigit()) {
        value.to_ascii_lowercase()
    } else {
        value.to_owned()
    };
    Hash {
        alg: alg.to_owned(),
        value,
    }
}

/// A hash written `alg-value` / `alg:value` / `alg=value` (npm `integrity`,
/// pip `sha256:…`), with the algorithm named as CycloneDX does (`SHA-256`).
pub(crate) fn prefixed_hash(text: &str) -> Option<Hash> {
    let (alg, value) = text.trim().split_once(['-', ':', '='])?;
    let alg = match alg.to_ascii_lowercase().as_str() {
        "sha1" => "SHA-1",
        "sha256" => "SHA-256",
        "sha384" => "SHA-384",
        "sha512" => "SHA-512",
        "md5" => "MD5",
        "blake2b_256" | "blake2b-256" => "BLAKE2b-256",
        _ => return None,
    };
    (!value.is_empty()).then(|| hash(alg, value))
}

/// A lower-case hex hash, when `value` is hex.
pub(crate) fn hex_hash(alg: &str, value: &str) -> Option<Hash> {
    (!value.is_empty() && value.bytes().all(|b| b.is_ascii_hexdigit())).then(|| Hash {
        alg: alg.to_owned(),
        value: value.to_ascii_lowercase(),
    })
}

/// PEP 503 normalised name: lowercase, runs of `-_.` as one `-`.
pub(crate) fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for ch in name.chars() {
        if matches!(ch, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(ch.to_lowercase());
        }
    }
    out
}

/// `base` and the JSON Pointer segment for `key`.
pub(crate) fn pointer(base: &str, key: &str) -> String {
    format!("{base}/{}", pointer_token(key))
}

/// Escapes one JSON Pointer reference token (RFC 6901).
pub(crate) fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// The document as UTF-8 text without a byte-order mark; invalid UTF-8 is an
/// error at its line.
pub(crate) fn text(format: Format, bytes: &[u8]) -> Result<&str, InventoryError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.strip_prefix('\u{feff}').unwrap_or(s)),
        Err(e) => {
            let at = e.valid_up_to();
            let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
            Err(InventoryError::new(
                format,
                format!("line {line}"),
                format!("invalid UTF-8 at byte {at}"),
            ))
        }
    }
}

/// Reads JSON into a value, refusing nesting deeper than `limits.max_depth`
/// before any value is built (serde_json itself stops at 128 levels).
pub(crate) fn json(
    format: Format,
    text: &str,
    limits: &Limits,
) -> Result<serde_json::Value, InventoryError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(InventoryError::new(
                        format,
                        "",
                        format!("nesting deeper than {}", limits.max_depth),
                    )
                    .with_limit(Limit::Depth));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    serde_json::from_str(text).map_err(|e| {
        InventoryError::new(
            format,
            format!("line {} column {}", e.line(), e.column()),
            format!("invalid JSON: {e}"),
        )
    })
}

/// Reads YAML into a JSON value, bounding nesting by `limits.max_depth`.
pub(crate) fn yaml(
    format: Format,
    text: &str,
    limits: &Limits,
) -> Result<serde_json::Value, InventoryError> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = limits.max_depth;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let path = e
            .location()
            .map(|at| format!("line {} column {}", at.line(), at.column()))
            .unwrap_or_default();
        let error = InventoryError::new(format, path, format!("invalid YAML: {e}"));
        match e {
            serde_saphyr::Error::Budget {
                breach: serde_saphyr::budget::BudgetBreach::Depth { .. },
                ..
            } => error.with_limit(Limit::Depth),
            _ => error,
        }
    })
}

/// Reads TOML into a table, after checking that no array or inline table
/// nests deeper than `limits.max_depth` (the parser recurses on them).
pub(crate) fn toml(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
) -> Result<toml::Table, InventoryError> {
    toml_text(format, text(format, bytes)?, limits)
}

/// [`toml`] of text already decoded.
pub(crate) fn toml_text(
    format: Format,
    text: &str,
    limits: &Limits,
) -> Result<toml::Table, InventoryError> {
    if let Some(line) = too_deep(text, limits.max_depth) {
        return Err(InventoryError::new(
            format,
            format!("line {line}"),
            format!("nesting deeper than {}", limits.max_depth),
        )
        .with_limit(Limit::Depth));
    }
    text.parse::<toml::Table>().map_err(|e| {
        let path = e
            .span()
            .map(|s| {
                let end = s.start.min(text.len());
                let line = 1 + text.as_bytes()[..end]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                format!("line {line}")
            })
            .unwrap_or_default();
        InventoryError::new(format, path, format!("invalid TOML: {}", e.message()))
    })
}

/// The line where brackets outside strings first nest deeper than `max`.
/// Conservative: it ignores comments and string escapes subtleties only in
/// the direction of counting more brackets, never fewer.
fn too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut line = 1;
    for b in text.bytes() {
        match b {
            b'\n' => line += 1,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(line);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The inventory being built: each package once (by id), edges without
/// repeats, at most `limits.max_components` components.
#[derive(Debug)]
pub(crate) struct Lock {
    format: Format,
    pub inv: Inventory,
    index: HashMap<String, usize>,
    edges: Vec<Dependency>,
    edge_index: HashMap<String, usize>,
    max_components: usize,
}

impl Lock {
    pub fn new(format: Format, bytes: &[u8], limits: &Limits) -> Lock {
        Lock {
            format,
            inv: Inventory::new(SourceDocument::new(format.name(), crate::digest(bytes))),
            index: HashMap::new(),
            edges: Vec::new(),
            edge_index: HashMap::new(),
            max_components: limits.max_components,
        }
    }

    pub fn error(
        &self,
        path: impl Into<String>,
        message: impl std::fmt::Display,
    ) -> InventoryError {
        InventoryError::new(self.format, path, message)
    }

    pub fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.inv.warn(path, message);
    }

    /// Builds a component of `eco` (see [`package`]), warning at `path` when
    /// it has no PURL.
    pub fn package(&mut self, path: &str, eco: Ecosystem, name: &str, version: &str) -> Component {
        let (c, problem) = package(eco, name, version);
        if let Some(problem) = problem {
            self.warn(path, problem);
        }
        c
    }

    /// Adds `c` unless a component with its id is there already, in which
    /// case new hashes are added to it and a non-dev scope wins over `dev`.
    /// Returns the id.
    pub fn add(&mut self, path: &str, c: Component) -> Result<String, InventoryError> {
        self.add_new(path, c).map(|(id, _)| id)
    }

    /// [`Lock::add`], returning whether `c` was new (the last component).
    pub fn insert(&mut self, path: &str, c: Component) -> Result<bool, InventoryError> {
        self.add_new(path, c).map(|(_, new)| new)
    }

    fn add_new(&mut self, path: &str, c: Component) -> Result<(String, bool), InventoryError> {
        let id = c
            .id
            .clone()
            .unwrap_or_else(|| format!("{}@{}", c.name, c.version.as_deref().unwrap_or_default()));
        if let Some(&i) = self.index.get(&id) {
            let old = &mut self.inv.components[i];
            for h in c.hashes {
                if !old.hashes.contains(&h) {
                    old.hashes.push(h);
                }
            }
            if old.scope.as_deref() == Some("dev") && c.scope.as_deref() != Some("dev") {
                old.scope = c.scope;
            }
            return Ok((id, false));
        }
        if self.inv.components.len() >= self.max_components {
            return Err(self
                .error(
                    path,
                    format!("more than {} components", self.max_components),
                )
                .with_limit(Limit::Components));
        }
        let mut c = c;
        c.id = Some(id.clone());
        self.index.insert(id.clone(), self.inv.components.len());
        self.inv.components.push(c);
        Ok((id, true))
    }

    /// Records that `from` depends on `to`.
    pub fn edge(&mut self, from: &str, to: &str) {
        if from == to {
            return;
        }
        let i = match self.edge_index.get(from) {
            Some(&i) => i,
            None => {
                self.edge_index.insert(from.to_owned(), self.edges.len());
                self.edges.push(Dependency {
                    from: from.to_owned(),
                    to: Vec::new(),
                });
                self.edges.len() - 1
            }
        };
        let to_list = &mut self.edges[i].to;
        if !to_list.iter().any(|t| t == to) {
            to_list.push(to.to_owned());
        }
    }

    /// Records that `from` depends on each of `to`, in sorted order.
    pub fn edges(&mut self, from: &str, mut to: Vec<String>) {
        to.sort();
        to.dedup();
        for t in &to {
            self.edge(from, t);
        }
    }

    /// Marks `dev` every component reachable from `dev_roots` but not from
    /// `prod_roots` along the recorded edges.
    pub fn mark_dev_only(&mut self, prod_roots: &[String], dev_roots: &[String]) {
        let prod = self.reachable(prod_roots);
        let dev = self.reachable(dev_roots);
        for c in &mut self.inv.components {
            if let Some(id) = &c.id
                && dev.contains(id.as_str())
                && !prod.contains(id.as_str())
            {
                c.scope = Some("dev".to_owned());
            }
        }
    }

    fn reachable(&self, roots: &[String]) -> HashSet<String> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut stack: Vec<&str> = roots.iter().map(String::as_str).collect();
        while let Some(id) = stack.pop() {
            if !seen.insert(id.to_owned()) {
                continue;
            }
            if let Some(&i) = self.edge_index.get(id) {
                stack.extend(self.edges[i].to.iter().map(String::as_str));
            }
        }
        seen
    }

    pub fn finish(mut self) -> Inventory {
        self.inv.dependencies = self.edges;
        self.inv
    }
}
