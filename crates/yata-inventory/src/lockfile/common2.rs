//! Helpers shared by the Go, Ruby, PHP, JVM, .NET, Dart and Elixir readers.
//!
//! Kept apart from the shared `common.rs` so that the two sets of lockfile
//! readers can be written in parallel.

use std::collections::BTreeSet;

use yata_model::inventory::{Component, Dependency, Hash, Inventory, SourceDocument};
use yata_purl::Purl;

use crate::{Format, InventoryError, Limits};

/// A package ecosystem: its PURL type and its OSV ecosystem name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ecosystem {
    pub purl_type: &'static str,
    pub osv: &'static str,
}

pub(crate) const GO: Ecosystem = Ecosystem {
    purl_type: "golang",
    osv: "Go",
};
pub(crate) const GEM: Ecosystem = Ecosystem {
    purl_type: "gem",
    osv: "RubyGems",
};
pub(crate) const COMPOSER: Ecosystem = Ecosystem {
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

/// An empty inventory of `format` for `bytes`.
pub(crate) fn inventory(format: Format, bytes: &[u8]) -> Inventory {
    Inventory::new(SourceDocument::new(format.name(), crate::digest(bytes)))
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

/// A package component of `eco`: canonical PURL, OSV ecosystem, and an id
/// (the PURL, or `name@version` when no PURL can be made).
pub(crate) fn package(
    eco: Ecosystem,
    group: Option<&str>,
    name: &str,
    version: Option<&str>,
) -> Component {
    package_with(eco, group, name, version, &[])
}

/// [`package`] with PURL qualifiers.
pub(crate) fn package_with(
    eco: Ecosystem,
    group: Option<&str>,
    name: &str,
    version: Option<&str>,
    qualifiers: &[(&str, &str)],
) -> Component {
    let mut c = Component::named(name);
    c.group = group.map(str::to_owned);
    c.version = version.filter(|v| !v.is_empty()).map(str::to_owned);
    c.ecosystem = Some(eco.osv.to_owned());
    let mut b = Purl::builder(eco.purl_type, name);
    if let Some(g) = group {
        b = b.namespace(g);
    }
    if let Some(v) = &c.version {
        b = b.version(v);
    }
    for (k, v) in qualifiers {
        b = b.qualifier(k, v);
    }
    c.purl = b.build().ok().map(|p| p.to_string());
    c.id = Some(c.purl.clone().unwrap_or_else(|| {
        let full = match group {
            Some(g) => format!("{g}/{name}"),
            None => name.to_owned(),
        };
        match &c.version {
            Some(v) => format!("{full}@{v}"),
            None => full,
        }
    }));
    c
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

/// Collects components and edges, refusing more than the limit allows and
/// keeping each component id once.
#[derive(Debug)]
pub(crate) struct Builder {
    pub inv: Inventory,
    format: Format,
    max: usize,
    ids: BTreeSet<String>,
}

impl Builder {
    pub fn new(format: Format, bytes: &[u8], limits: &Limits) -> Builder {
        Builder {
            inv: inventory(format, bytes),
            format,
            max: limits.max_components,
            ids: BTreeSet::new(),
        }
    }

    /// Adds `c` unless a component with its id is already there; returns
    /// whether it was added.
    pub fn add(&mut self, path: &str, c: Component) -> Result<bool, InventoryError> {
        if let Some(id) = &c.id
            && !self.ids.insert(id.clone())
        {
            return Ok(false);
        }
        if self.inv.components.len() >= self.max {
            return Err(InventoryError::new(
                self.format,
                path,
                format!("more than {} components", self.max),
            ));
        }
        self.inv.components.push(c);
        Ok(true)
    }

    pub fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.inv.warn(path, message);
    }

    /// Records that `from` depends on `to`; nothing when `to` is empty.
    pub fn edges(&mut self, from: String, mut to: Vec<String>) {
        to.sort();
        to.dedup();
        if !to.is_empty() {
            self.inv.dependencies.push(Dependency { from, to });
        }
    }

    pub fn finish(self) -> Inventory {
        self.inv
    }
}

/// Parses JSON, locating syntax errors by line and column and refusing
/// nesting deeper than the limit.
pub(crate) fn json(
    format: Format,
    text: &str,
    limits: &Limits,
) -> Result<serde_json::Value, InventoryError> {
    // serde_json stops at 128 levels itself; a smaller limit is checked on
    // the raw text so no deep value is ever built.
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
                    ));
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
            e,
        )
    })
}

/// Escapes one JSON Pointer reference token (RFC 6901).
pub(crate) fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
