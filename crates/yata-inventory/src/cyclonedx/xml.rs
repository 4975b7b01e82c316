//! CycloneDX XML: quick-xml events into a small element tree of the BOM
//! namespace (elements of other namespaces, the CycloneDX extension points,
//! are skipped whole), then walked like the JSON form.
//!
//! Entities: the five predefined ones and character references are read; a
//! DOCTYPE that declares entities is refused and any other entity reference
//! is kept as written with a warning, so nothing is ever expanded.

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use yata_model::inventory::{Dependency, VexStatement};

use super::{Builder, RawComponent};
use crate::{Format, Inventory, InventoryError, Limit, Limits};

const NAMESPACE: &str = "http://cyclonedx.org/schema/bom/";

pub(super) fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let mut b = Builder::new(Format::CycloneDxXml, bytes, limits);
    let (root, namespace) = read_tree(&mut b, bytes)?;
    if root.name != "bom" {
        return Err(b.error(&root.name, "the root element is not a CycloneDX <bom>"));
    }
    match namespace
        .as_deref()
        .and_then(|ns| ns.strip_prefix(NAMESPACE))
    {
        Some(version) => b.spec_version("bom/@xmlns", version),
        None => b
            .inv
            .warn("bom/@xmlns", "no CycloneDX namespace; spec version unknown"),
    }
    b.inv.document.name = root.attr("serialNumber").map(str::to_owned);

    let mut subject_components = None;
    if let Some(meta) = root.child("metadata") {
        if let Some(t) = meta.child_text("timestamp") {
            b.timestamp("metadata.timestamp", &t);
        }
        if let Some(tools) = meta.child("tools") {
            for tool in tools.children("tool") {
                b.tool(tool.child_str("name"), tool.child_str("version"));
            }
            for (list, item) in [("components", "component"), ("services", "service")] {
                for tool in tools.children(list).flat_map(|l| l.children(item)) {
                    b.tool(tool.child_str("name"), tool.child_str("version"));
                }
            }
        }
        if let Some(c) = meta.child("component") {
            let raw = raw_component(&mut b, c, "metadata.component");
            b.inv.subject = Some(b.finish("metadata.component", raw));
            subject_components = c.child("components");
        }
    }
    if let Some(list) = root.child("components") {
        components(&mut b, list, "components", 1)?;
    }
    if let Some(list) = subject_components {
        components(&mut b, list, "metadata.component.components", 1)?;
    }
    if let Some(list) = root.child("dependencies") {
        dependencies(&mut b, list);
    }
    if let Some(list) = root.child("vulnerabilities") {
        vulnerabilities(&mut b, list);
    }
    Ok(b.inv)
}

/// An element of the BOM namespace: local name, attributes (unprefixed ones
/// only), text (its text nodes concatenated) and child elements.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn child_str(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    fn child_text(&self, name: &str) -> Option<String> {
        self.child_str(name).map(str::to_owned)
    }
}

/// Reads the document into the tree of its root element, and the root's
/// namespace.
fn read_tree(b: &mut Builder, bytes: &[u8]) -> Result<(Element, Option<String>), InventoryError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| b.error(format!("byte {}", e.valid_up_to()), "not UTF-8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = NsReader::from_str(text);
    // `None` marks an element of another namespace, skipped with its content.
    let mut stack: Vec<Option<Element>> = Vec::new();
    let mut root = None;
    let mut root_ns: Option<String> = None;
    let max_depth = b.limits.max_depth;
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok(x) => x,
            Err(e) => {
                return Err(b.error(format!("byte {}", reader.error_position()), e));
            }
        };
        // Whether a start tag here belongs to the BOM: the root fixes the
        // namespace; unqualified elements are read too (tolerance).
        let in_bom = match (&ns, &root_ns) {
            (ResolveResult::Bound(n), Some(r)) => n.as_ref() == r.as_str(),
            (ResolveResult::Bound(_), None) => stack.is_empty(),
            (ResolveResult::Unbound, _) => true,
            (ResolveResult::Unknown(_), _) => false,
        };
        if let ResolveResult::Bound(n) = &ns
            && stack.is_empty()
            && root_ns.is_none()
            && matches!(event, Event::Start(_) | Event::Empty(_))
        {
            root_ns = Some(n.as_ref().to_owned());
        }
        let at = || format!("byte {}", reader.buffer_position());
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if stack.is_empty() && root.is_some() {
                    return Err(b.error(at(), "content after the root element"));
                }
                if stack.len() >= max_depth {
                    return Err(b
                        .error(at(), format!("XML nests deeper than {max_depth}"))
                        .with_limit(Limit::Depth));
                }
                let skip = !in_bom || matches!(stack.last(), Some(None));
                let element = if skip {
                    None
                } else {
                    Some(element(b, e, &at())?)
                };
                stack.push(element);
                if matches!(event, Event::Empty(_)) {
                    close(&mut stack, &mut root);
                }
            }
            Event::End(_) => close(&mut stack, &mut root),
            Event::Text(t) => {
                if let Some(Some(top)) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(Some(top)) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match r.as_ref() {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => None,
                    },
                    Err(e) => return Err(b.error(at(), e)),
                };
                if let Some(Some(top)) = stack.last_mut() {
                    match resolved {
                        Some(c) => top.text.push(c),
                        None => {
                            let name: &str = r.as_ref();
                            b.inv.warn(
                                at(),
                                format!("entity &{name}; is not expanded; kept as written"),
                            );
                            top.text.push_str(&format!("&{name};"));
                        }
                    }
                }
            }
            Event::DocType(d) => {
                if d.as_ref().contains("<!ENTITY") {
                    return Err(b.error(
                        at(),
                        "DOCTYPE declares entities; entities are never expanded",
                    ));
                }
                b.inv.warn(at(), "DOCTYPE ignored");
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(b.error("", "unexpected end of document: unclosed elements"));
    }
    match root {
        Some(root) => Ok((root, root_ns)),
        None => Err(b.error("", "no root element")),
    }
}

fn element(b: &Builder, e: &BytesStart, at: &str) -> Result<Element, InventoryError> {
    let mut el = Element {
        name: e.local_name().as_ref().to_owned(),
        ..Element::default()
    };
    for attr in e.attributes() {
        let attr = attr.map_err(|err| b.error(at, err))?;
        if attr.key.prefix().is_some() || attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| b.error(at, err))?;
        el.attrs
            .push((attr.key.as_ref().to_owned(), value.into_owned()));
    }
    Ok(el)
}

/// Closes the element on top of the stack into its parent (or the root).
fn close(stack: &mut Vec<Option<Element>>, root: &mut Option<Element>) {
    let Some(done) = stack.pop() else { return };
    match (stack.last_mut(), done) {
        (Some(Some(parent)), Some(done)) => parent.children.push(done),
        (None, Some(done)) => *root = Some(done),
        _ => {}
    }
}

fn components(
    b: &mut Builder,
    list: &Element,
    path: &str,
    depth: usize,
) -> Result<(), InventoryError> {
    for (i, el) in list.children("component").enumerate() {
        let here = format!("{path}[{i}]");
        b.check_depth(&here, depth)?;
        let raw = raw_component(b, el, &here);
        let component = b.finish(&here, raw);
        b.push(&here, component)?;
        if let Some(nested) = el.child("components") {
            components(b, nested, &format!("{here}.components"), depth + 1)?;
        }
    }
    Ok(())
}

fn raw_component(b: &mut Builder, el: &Element, path: &str) -> RawComponent {
    let mut raw = RawComponent {
        id: el.attr("bom-ref").map(str::to_owned),
        name: el.child_text("name"),
        version: el.child_text("version"),
        group: el.child_text("group"),
        purl: el.child_text("purl"),
        cpe: el.child_text("cpe"),
        kind: el.attr("type").map(str::to_owned),
        scope: el.child_text("scope"),
        supplier: el.child("supplier").and_then(|s| s.child_text("name")),
        ..RawComponent::default()
    };
    for (i, h) in el
        .children("hashes")
        .flat_map(|h| h.children("hash"))
        .enumerate()
    {
        match h.attr("alg") {
            Some(alg) => raw.hashes.push((alg.to_owned(), h.text.trim().to_owned())),
            None => b
                .inv
                .warn(format!("{path}.hashes[{i}]"), "hash without alg; ignored"),
        }
    }
    for licenses in el.children("licenses") {
        for (i, l) in licenses.children.iter().enumerate() {
            let found = match l.name.as_str() {
                "expression" => Some(l.text.trim()),
                "license" => l.child_str("id").or_else(|| l.child_str("name")),
                _ => continue,
            };
            match found {
                Some(s) => raw.licenses.push(s.to_owned()),
                None => b.inv.warn(
                    format!("{path}.licenses[{i}]"),
                    "licence without id, name or expression; ignored",
                ),
            }
        }
    }
    raw
}

fn dependencies(b: &mut Builder, list: &Element) {
    for (i, dep) in list.children("dependency").enumerate() {
        let Some(from) = dep.attr("ref") else {
            b.inv.warn(
                format!("dependencies[{i}]"),
                "dependency without ref; ignored",
            );
            continue;
        };
        let to = dep
            .children("dependency")
            .filter_map(|d| d.attr("ref"))
            .map(str::to_owned)
            .collect();
        b.inv.dependencies.push(Dependency {
            from: from.to_owned(),
            to,
        });
    }
}

fn vulnerabilities(b: &mut Builder, list: &Element) {
    for (i, v) in list.children("vulnerability").enumerate() {
        let here = format!("vulnerabilities[{i}]");
        let Some(analysis) = v.child("analysis") else {
            continue;
        };
        let Some(state) = analysis.child_text("state") else {
            b.inv.warn(
                format!("{here}.analysis"),
                "analysis without state; not a VEX statement",
            );
            continue;
        };
        let Some(vulnerability) = v.child_text("id") else {
            b.inv.warn(here, "vulnerability without id; ignored");
            continue;
        };
        let affects = v
            .children("affects")
            .flat_map(|a| a.children("target"))
            .filter_map(|t| t.child_text("ref"))
            .collect();
        let responses = analysis
            .children("responses")
            .flat_map(|r| r.children("response"))
            .map(|r| r.text.trim().to_owned())
            .collect();
        b.inv.vex.push(VexStatement {
            vulnerability,
            affects,
            state,
            justification: analysis.child_text("justification"),
            responses,
            detail: analysis.child_text("detail"),
        });
    }
}
