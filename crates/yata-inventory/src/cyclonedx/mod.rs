//! CycloneDX 1.2–1.7, JSON ([`parse_json`]) and XML ([`parse_xml`]), read
//! tolerantly into an [`Inventory`]; strict JSON-schema validation is
//! [`validate`].
//!
//! Both readers walk the document into the same model with the same rules,
//! so the JSON and XML forms of one BOM give equal inventories:
//!
//! - `components` holds every component once, depth-first in document order:
//!   the top-level `components` and their nested `components`, then the
//!   nested `components` of `metadata.component` (the subject itself is
//!   [`Inventory::subject`], not a component).
//! - Strings are taken as written, except that XML text is trimmed (the XSD
//!   types are `xs:normalizedString`/`xs:token`), hex hash values are
//!   lower-cased, and PURLs are printed canonically by [`yata_purl::Purl`].
//! - Tools are `name version` (`vendor` dropped), from the legacy `tools`
//!   list and from the 1.5+ `tools.components`/`tools.services`.
//! - Located warnings use the JSON path in both formats
//!   (`components[3].components[0].purl`), counting `<component>` elements
//!   in XML.
//!
//! Limits: [`Limits::max_depth`] bounds JSON/XML nesting and
//! [`Limits::max_components`] the number of components; both are errors.

mod json;
mod validate;
mod xml;

use std::collections::HashSet;

use yata_model::inventory::{Component, Hash};
use yata_purl::Purl;
use yata_version::ecosystem::Ecosystem;

use crate::{Format, Inventory, InventoryError, Limit, Limits};

pub use validate::{Violation, validate};

/// Reads a CycloneDX JSON document (any spec version from 1.2 to 1.7).
pub fn parse_json(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    json::parse(bytes, limits)
}

/// Reads a CycloneDX XML document (namespace `http://cyclonedx.org/schema/bom/1.x`).
/// A DOCTYPE that declares entities is refused; entities are never expanded.
pub fn parse_xml(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    xml::parse(bytes, limits)
}

/// The spec versions this module knows.
const KNOWN_VERSIONS: &[&str] = &["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

/// What both readers share while walking one document.
struct Builder<'l> {
    format: Format,
    inv: Inventory,
    limits: &'l Limits,
    ids: HashSet<String>,
}

impl<'l> Builder<'l> {
    fn new(format: Format, bytes: &[u8], limits: &'l Limits) -> Self {
        let document =
            yata_model::inventory::SourceDocument::new(format.name(), crate::digest(bytes));
        Builder {
            format,
            inv: Inventory::new(document),
            limits,
            ids: HashSet::new(),
        }
    }

    fn error(&self, path: impl Into<String>, message: impl std::fmt::Display) -> InventoryError {
        InventoryError::new(self.format, path, message)
    }

    fn spec_version(&mut self, path: &str, version: &str) {
        if !KNOWN_VERSIONS.contains(&version) {
            self.inv
                .warn(path, format!("unknown spec version {version:?}"));
        }
        self.inv.document.spec_version = Some(version.to_owned());
    }

    fn timestamp(&mut self, path: &str, text: &str) {
        match text.parse() {
            Ok(t) => self.inv.document.created = Some(t),
            Err(e) => self
                .inv
                .warn(path, format!("not an RFC 3339 date-time {text:?}: {e}")),
        }
    }

    fn tool(&mut self, name: Option<&str>, version: Option<&str>) {
        let name = name.unwrap_or_default();
        let tool = match version {
            Some(v) if !name.is_empty() => format!("{name} {v}"),
            Some(v) => v.to_owned(),
            None => name.to_owned(),
        };
        if !tool.is_empty() {
            self.inv.document.tools.push(tool);
        }
    }

    /// Checks the depth of a nested component at `depth` (1 for top level).
    fn check_depth(&self, path: &str, depth: usize) -> Result<(), InventoryError> {
        if depth > self.limits.max_depth {
            return Err(self
                .error(
                    path,
                    format!("components nest deeper than {}", self.limits.max_depth),
                )
                .with_limit(Limit::Depth));
        }
        Ok(())
    }

    /// Adds a finished component (see [`Builder::finish`]).
    fn push(&mut self, path: &str, component: Component) -> Result<(), InventoryError> {
        if self.inv.components.len() >= self.limits.max_components {
            return Err(self
                .error(
                    path,
                    format!("more than {} components", self.limits.max_components),
                )
                .with_limit(Limit::Components));
        }
        self.inv.components.push(component);
        Ok(())
    }

    /// Normalises what the readers collected into `raw` at `path`.
    fn finish(&mut self, path: &str, raw: RawComponent) -> Component {
        let mut c = Component::named(raw.name.as_deref().unwrap_or_default());
        if raw.name.is_none() {
            self.inv.warn(path, "component without a name");
        }
        if let Some(id) = &raw.id
            && !self.ids.insert(id.clone())
        {
            self.inv.warn(
                format!("{path}.bom-ref"),
                format!("duplicate bom-ref {id:?}"),
            );
        }
        c.id = raw.id;
        c.version = raw.version;
        c.group = raw.group;
        c.cpe = raw.cpe;
        c.kind = raw.kind;
        c.scope = raw.scope;
        c.supplier = raw.supplier;
        c.licenses = raw.licenses;
        c.hashes = raw
            .hashes
            .into_iter()
            .map(|(alg, value)| Hash {
                alg,
                value: if value.bytes().all(|b| b.is_ascii_hexdigit()) {
                    value.to_ascii_lowercase()
                } else {
                    value
                },
            })
            .collect();
        if let Some(text) = raw.purl {
            self.purl(&format!("{path}.purl"), &text, &mut c);
        }
        c
    }

    fn purl(&mut self, path: &str, text: &str, c: &mut Component) {
        let purl = match text.parse::<Purl>() {
            Ok(p) => p,
            Err(strict) => match Purl::parse_lenient(text) {
                Ok(p) => {
                    self.inv.warn(path, format!("{strict}; read leniently"));
                    p
                }
                Err(e) => {
                    self.inv.warn(path, format!("{e}: {text:?}"));
                    return;
                }
            },
        };
        let distro = purl.qualifiers().get("distro");
        c.ecosystem = Ecosystem::from_purl(purl.ty(), purl.namespace(), purl.name(), distro)
            .map(|(eco, _)| eco.to_string());
        c.purl = Some(purl.to_string());
    }
}

/// A component's fields as the document writes them, before normalisation.
#[derive(Debug, Default)]
struct RawComponent {
    id: Option<String>,
    name: Option<String>,
    version: Option<String>,
    group: Option<String>,
    purl: Option<String>,
    cpe: Option<String>,
    kind: Option<String>,
    scope: Option<String>,
    supplier: Option<String>,
    hashes: Vec<(String, String)>,
    licenses: Vec<String>,
}
