//! CycloneDX JSON: deserialised straight from the bytes into borrowed,
//! tolerant structs, then walked.
//!
//! Every field the reader wants is a [`Node`], which accepts any JSON value,
//! so a wrong-typed field becomes a located warning during the walk, never a
//! deserialisation failure; strings without escapes borrow from the input and
//! everything the reader does not want is skipped as [`IgnoredAny`]. A
//! repeated key keeps its last value, as a `serde_json::Value` map would.
//! The walk visits the fields in a fixed order (not the document's), so the
//! warnings come in that order whatever the key order.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use yata_model::inventory::{Dependency, VexStatement};

use super::{Builder, RawComponent};
use crate::{Format, Inventory, InventoryError, Limit, Limits};

pub(super) fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let mut b = Builder::new(Format::CycloneDxJson, bytes, limits);
    let scan = scan(bytes, limits.max_depth);
    if let Some(offset) = scan.too_deep {
        return Err(b
            .error(
                format!("byte {offset}"),
                format!("JSON nests deeper than {}", limits.max_depth),
            )
            .with_limit(Limit::Depth));
    }
    let not_json = |e: serde_json::Error| {
        InventoryError::new(
            Format::CycloneDxJson,
            format!("line {} column {}", e.line(), e.column()),
            format!("not JSON: {e}"),
        )
    };
    // Skipped values are checked for syntax but not for UTF-8, lone
    // surrogate escapes or number overflow; a document that may hold one of
    // these is checked whole first, so it is refused as a complete parse
    // would refuse it.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) if !scan.suspect => text,
        _ => {
            serde_json::from_slice::<IgnoredValue>(bytes).map_err(not_json)?;
            std::str::from_utf8(bytes).map_err(|e| b.error("", format!("not UTF-8: {e}")))?
        }
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let doc = Root::deserialize(&mut de)
        .and_then(|doc| de.end().map(|()| doc))
        // Skipping words some errors differently (an object for a value);
        // the complete parse names the first error as it always has.
        .map_err(|e| {
            serde_json::from_str::<IgnoredValue>(text)
                .err()
                .unwrap_or(e)
        })
        .map_err(not_json)?;
    let Node::Obj(root) = doc else {
        return Err(b.error("", "not a JSON object"));
    };
    match root.bom_format {
        Some(Value::String(s)) if s == "CycloneDX" => {}
        None => b.inv.warn("bomFormat", "missing; read as CycloneDX"),
        Some(other) => {
            return Err(b.error("bomFormat", format!("{other} is not \"CycloneDX\"")));
        }
    }
    match text_at(&mut b, root.spec_version, "", "specVersion") {
        Some(v) => b.spec_version("specVersion", &v),
        None => b.inv.warn("specVersion", "missing"),
    }
    b.inv.document.name = text_at(&mut b, root.serial_number, "", "serialNumber");

    let mut subject_components = None;
    if let Some(meta) = object(&mut b, root.metadata, "", "metadata") {
        if let Some(t) = text_at(&mut b, meta.timestamp, "metadata", "timestamp") {
            b.timestamp("metadata.timestamp", &t);
        }
        match meta.tools {
            Some(Node::List(tools)) => {
                for tool in tools {
                    if let Node::Obj(tool) = tool {
                        b.tool(str_of(&tool.name), str_of(&tool.version));
                    }
                }
            }
            Some(Node::Obj(tools)) => {
                for list in [tools.components, tools.services] {
                    if let Some(Node::List(list)) = list {
                        for tool in list {
                            if let Node::Obj(tool) = tool {
                                b.tool(str_of(&tool.name), str_of(&tool.version));
                            }
                        }
                    }
                }
            }
            Some(_) => b
                .inv
                .warn("metadata.tools", "neither an array nor an object"),
            None => {}
        }
        if let Some(mut c) = object(&mut b, meta.component, "metadata", "component") {
            subject_components = c.components.take();
            let raw = raw_component(&mut b, c, "metadata.component");
            b.inv.subject = Some(b.finish("metadata.component", raw));
        }
    }
    if let Some(list) = root.components {
        components(&mut b, list, "components", 1)?;
    }
    if let Some(list) = subject_components {
        components(&mut b, list, "metadata.component.components", 1)?;
    }
    if let Some(list) = root.dependencies {
        dependencies(&mut b, list);
    }
    if let Some(list) = root.vulnerabilities {
        vulnerabilities(&mut b, list);
    }
    Ok(b.inv)
}

/// What one pass over the bytes finds before deserialising.
struct Scan {
    /// The byte offset at which the document first nests deeper than the limit.
    too_deep: Option<usize>,
    /// A `\uD800`–`\uDFFF` escape or a number with an exponent: something a
    /// skipped value may hold that a complete parse would refuse.
    suspect: bool,
}

/// A plain scan that skips strings; it runs before `serde_json` (whose own
/// recursion limit is 128) so that `max_depth` holds for any value. String
/// bodies, most of a document, are skipped with a SIMD search for the next
/// quote or backslash.
fn scan(bytes: &[u8], max: usize) -> Scan {
    let (mut depth, mut suspect) = (0usize, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                loop {
                    // `i` may pass the end after a trailing backslash.
                    let rest = bytes.get(i..).unwrap_or_default();
                    let Some(off) = memchr::memchr2(b'"', b'\\', rest) else {
                        i = bytes.len();
                        break;
                    };
                    i += off;
                    if bytes[i] == b'"' {
                        break;
                    }
                    // A backslash: `\uD8..`–`\uDF..` is a surrogate escape.
                    if bytes.get(i + 1) == Some(&b'u')
                        && let Some(&[h, x]) = bytes.get(i + 2..i + 4)
                    {
                        suspect |= h.eq_ignore_ascii_case(&b'd')
                            && matches!(x.to_ascii_lowercase(), b'8'..=b'9' | b'a'..=b'f');
                    }
                    i += 2;
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Scan {
                        too_deep: Some(i),
                        suspect,
                    };
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'e' | b'E' => suspect |= i > 0 && bytes[i - 1].is_ascii_digit(),
            _ => {}
        }
        i += 1;
    }
    Scan {
        too_deep: None,
        suspect,
    }
}

/// Any JSON value, parsed completely (strings checked for UTF-8 and
/// surrogates, numbers for range) but kept nowhere.
struct IgnoredValue;

impl<'de> Deserialize<'de> for IgnoredValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IgnoredValueVisitor)
    }
}

struct IgnoredValueVisitor;

impl<'de> Visitor<'de> for IgnoredValueVisitor {
    type Value = IgnoredValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<IgnoredValue, E> {
        Ok(IgnoredValue)
    }
    fn visit_i64<E>(self, _: i64) -> Result<IgnoredValue, E> {
        Ok(IgnoredValue)
    }
    fn visit_u64<E>(self, _: u64) -> Result<IgnoredValue, E> {
        Ok(IgnoredValue)
    }
    fn visit_f64<E>(self, _: f64) -> Result<IgnoredValue, E> {
        Ok(IgnoredValue)
    }
    fn visit_str<E>(self, _: &str) -> Result<IgnoredValue, E> {
        Ok(IgnoredValue)
    }
    fn visit_unit<E>(self) -> Result<IgnoredValue, E> {
        Ok(IgnoredValue)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IgnoredValue, A::Error> {
        while seq.next_element::<IgnoredValue>()?.is_some() {}
        Ok(IgnoredValue)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IgnoredValue, A::Error> {
        while map.next_entry::<IgnoredValue, IgnoredValue>()?.is_some() {}
        Ok(IgnoredValue)
    }
}

/// Any JSON value, keeping only what the reader wants: an object as `O`,
/// array items as `I` (both skipped by default), strings borrowed where
/// they have no escapes.
enum Node<'a, O = IgnoredAny, I = IgnoredAny> {
    Null,
    Bool,
    Num(Number),
    Str(Cow<'a, str>),
    Obj(O),
    List(Vec<I>),
}

/// A field read as a string.
type Text<'a> = Node<'a>;
/// A field read as an object.
type Obj<'a, O> = Node<'a, O>;
/// A field read as an array.
type List<'a, I> = Node<'a, IgnoredAny, I>;
type Root<'a> = Obj<'a, Doc<'a>>;
type Components<'a> = List<'a, Obj<'a, ComponentObj<'a>>>;

impl<'de, O: Deserialize<'de>, I: Deserialize<'de>> Deserialize<'de> for Node<'de, O, I> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor(PhantomData))
    }
}

struct NodeVisitor<O, I>(PhantomData<(O, I)>);

impl<'de, O: Deserialize<'de>, I: Deserialize<'de>> Visitor<'de> for NodeVisitor<O, I> {
    type Value = Node<'de, O, I>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Node::Bool)
    }
    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Node::Num(n.into()))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Node::Num(n.into()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
        // As `serde_json::Value` reads it.
        Ok(Number::from_f64(n).map_or(Node::Null, Node::Num))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Node::Str(Cow::Owned(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        O::deserialize(de::value::MapAccessDeserializer::new(map)).map(Node::Obj)
    }
}

/// An object key, borrowed unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A struct of optional fields read from a JSON object: unknown keys are
/// skipped, a repeated key keeps its last value.
macro_rules! object {
    ($(#[$meta:meta])* struct $name:ident { $($key:literal => $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Default)]
        struct $name<'a> {
            $($field: Option<$ty>,)*
        }

        impl<'de> Deserialize<'de> for $name<'de> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name<'de>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<Self::Value, A::Error> {
                        let mut out = $name::default();
                        while let Some(Key(key)) = map.next_key()? {
                            match &*key {
                                $($key => out.$field = Some(map.next_value()?),)*
                                _ => {
                                    map.next_value::<IgnoredAny>()?;
                                }
                            }
                        }
                        Ok(out)
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

object! {
    /// The BOM.
    struct Doc {
        "bomFormat" => bom_format: Value,
        "specVersion" => spec_version: Text<'a>,
        "serialNumber" => serial_number: Text<'a>,
        "metadata" => metadata: Obj<'a, Metadata<'a>>,
        "components" => components: Components<'a>,
        "dependencies" => dependencies: List<'a, Obj<'a, DependencyObj<'a>>>,
        "vulnerabilities" => vulnerabilities: List<'a, Obj<'a, Vulnerability<'a>>>,
    }
}

object! {
    struct Metadata {
        "timestamp" => timestamp: Text<'a>,
        // The legacy array of tools or the 1.5+ object.
        "tools" => tools: Node<'a, Tools<'a>, Obj<'a, Tool<'a>>>,
        "component" => component: Obj<'a, ComponentObj<'a>>,
    }
}

object! {
    struct Tools {
        "components" => components: List<'a, Obj<'a, Tool<'a>>>,
        "services" => services: List<'a, Obj<'a, Tool<'a>>>,
    }
}

object! {
    struct Tool {
        "name" => name: Text<'a>,
        "version" => version: Text<'a>,
    }
}

object! {
    struct ComponentObj {
        "bom-ref" => id: Text<'a>,
        "name" => name: Text<'a>,
        "version" => version: Text<'a>,
        "group" => group: Text<'a>,
        "purl" => purl: Text<'a>,
        "cpe" => cpe: Text<'a>,
        "type" => kind: Text<'a>,
        "scope" => scope: Text<'a>,
        "supplier" => supplier: Obj<'a, Supplier<'a>>,
        "hashes" => hashes: List<'a, Obj<'a, HashObj<'a>>>,
        "licenses" => licenses: List<'a, Obj<'a, LicenseChoice<'a>>>,
        "components" => components: Components<'a>,
    }
}

object! {
    struct Supplier {
        "name" => name: Text<'a>,
    }
}

object! {
    struct HashObj {
        "alg" => alg: Text<'a>,
        "content" => content: Text<'a>,
    }
}

object! {
    struct LicenseChoice {
        "expression" => expression: Text<'a>,
        "license" => license: Obj<'a, License<'a>>,
    }
}

object! {
    struct License {
        "id" => id: Text<'a>,
        "name" => name: Text<'a>,
    }
}

object! {
    struct DependencyObj {
        "ref" => from: Text<'a>,
        // Refs, or (CycloneDX 1.2's schema allowed it) `{"ref": …}` objects.
        "dependsOn" => depends_on: List<'a, Obj<'a, Ref<'a>>>,
    }
}

object! {
    struct Ref {
        "ref" => to: Text<'a>,
    }
}

object! {
    struct Vulnerability {
        "id" => id: Text<'a>,
        "affects" => affects: List<'a, Obj<'a, Ref<'a>>>,
        "analysis" => analysis: Obj<'a, Analysis<'a>>,
    }
}

object! {
    struct Analysis {
        "state" => state: Text<'a>,
        "justification" => justification: Text<'a>,
        "response" => response: List<'a, Text<'a>>,
        "detail" => detail: Text<'a>,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The field as a string, if it is one.
fn str_of<'n>(field: &'n Option<Text<'_>>) -> Option<&'n str> {
    match field {
        Some(Node::Str(s)) => Some(s),
        _ => None,
    }
}

/// The string at `path.key`, with a warning when it is there but not a string.
fn text_at(b: &mut Builder, field: Option<Text>, path: &str, key: &str) -> Option<String> {
    match field? {
        Node::Str(s) => Some(s.into_owned()),
        Node::Null => None,
        Node::Num(n) => {
            b.inv
                .warn(join(path, key), "a number where a string belongs");
            Some(n.to_string())
        }
        _ => {
            b.inv.warn(join(path, key), "not a string; ignored");
            None
        }
    }
}

/// The object at `path.key`, with a warning when it is there but not an object.
fn object<O>(b: &mut Builder, field: Option<Obj<O>>, path: &str, key: &str) -> Option<O> {
    match field? {
        Node::Obj(o) => Some(o),
        _ => {
            b.inv.warn(join(path, key), "not an object; ignored");
            None
        }
    }
}

/// The items of the array at `path`, with a warning when it is not an array.
fn array<I>(b: &mut Builder, value: List<I>, path: impl FnOnce() -> String) -> Vec<I> {
    match value {
        Node::List(items) => items,
        _ => {
            b.inv.warn(path(), "not an array; ignored");
            Vec::new()
        }
    }
}

fn components(
    b: &mut Builder,
    list: Components,
    path: &str,
    depth: usize,
) -> Result<(), InventoryError> {
    for (i, item) in array(b, list, || path.to_owned()).into_iter().enumerate() {
        let here = format!("{path}[{i}]");
        let Node::Obj(mut obj) = item else {
            b.inv.warn(here, "not an object; ignored");
            continue;
        };
        b.check_depth(&here, depth)?;
        let nested = obj.components.take();
        let raw = raw_component(b, obj, &here);
        let component = b.finish(&here, raw);
        b.push(&here, component)?;
        if let Some(nested) = nested {
            components(b, nested, &format!("{here}.components"), depth + 1)?;
        }
    }
    Ok(())
}

fn raw_component(b: &mut Builder, obj: ComponentObj, path: &str) -> RawComponent {
    let mut raw = RawComponent {
        id: text_at(b, obj.id, path, "bom-ref"),
        name: text_at(b, obj.name, path, "name"),
        version: text_at(b, obj.version, path, "version"),
        group: text_at(b, obj.group, path, "group"),
        purl: text_at(b, obj.purl, path, "purl"),
        cpe: text_at(b, obj.cpe, path, "cpe"),
        kind: text_at(b, obj.kind, path, "type"),
        scope: text_at(b, obj.scope, path, "scope"),
        ..RawComponent::default()
    };
    if let Some(supplier) = object(b, obj.supplier, path, "supplier") {
        raw.supplier = text_at(b, supplier.name, &join(path, "supplier"), "name");
    }
    if let Some(hashes) = obj.hashes {
        let items = array(b, hashes, || join(path, "hashes"));
        raw.hashes.reserve(items.len());
        for (i, h) in items.into_iter().enumerate() {
            match h {
                Node::Obj(HashObj {
                    alg: Some(Node::Str(alg)),
                    content: Some(Node::Str(content)),
                }) => raw.hashes.push((alg.into_owned(), content.into_owned())),
                _ => b.inv.warn(
                    format!("{}[{i}]", join(path, "hashes")),
                    "hash without alg and content; ignored",
                ),
            }
        }
    }
    if let Some(licenses) = obj.licenses {
        let items = array(b, licenses, || join(path, "licenses"));
        for (i, l) in items.into_iter().enumerate() {
            let at = || format!("{}[{i}]", join(path, "licenses"));
            let Node::Obj(l) = l else {
                b.inv.warn(at(), "not an object; ignored");
                continue;
            };
            let found = match (&l.expression, &l.license) {
                (Some(Node::Str(e)), _) => Some(e),
                (_, Some(Node::Obj(lic))) => match (&lic.id, &lic.name) {
                    (Some(Node::Str(id)), _) => Some(id),
                    (_, Some(Node::Str(name))) => Some(name),
                    _ => None,
                },
                _ => None,
            };
            match found {
                Some(s) => raw.licenses.push(s.to_string()),
                None => b
                    .inv
                    .warn(at(), "licence without id, name or expression; ignored"),
            }
        }
    }
    raw
}

fn dependencies(b: &mut Builder, list: List<Obj<DependencyObj>>) {
    let items = array(b, list, || "dependencies".to_owned());
    for (i, item) in items.into_iter().enumerate() {
        let here = || format!("dependencies[{i}]");
        let Node::Obj(obj) = item else {
            b.inv.warn(here(), "not an object; ignored");
            continue;
        };
        let Some(from) = text_at(b, obj.from, &here(), "ref") else {
            b.inv.warn(here(), "dependency without ref; ignored");
            continue;
        };
        let mut to = Vec::new();
        if let Some(list) = obj.depends_on {
            let at = || format!("{}.dependsOn", here());
            let refs = array(b, list, at);
            to.reserve(refs.len());
            for (j, r) in refs.into_iter().enumerate() {
                match r {
                    Node::Str(s) => to.push(s.into_owned()),
                    Node::Obj(Ref {
                        to: Some(Node::Str(s)),
                    }) => to.push(s.into_owned()),
                    _ => b.inv.warn(format!("{}[{j}]", at()), "not a ref; ignored"),
                }
            }
        }
        b.inv.dependencies.push(Dependency { from, to });
    }
}

fn vulnerabilities(b: &mut Builder, list: List<Obj<Vulnerability>>) {
    let items = array(b, list, || "vulnerabilities".to_owned());
    for (i, item) in items.into_iter().enumerate() {
        let here = format!("vulnerabilities[{i}]");
        let Node::Obj(obj) = item else {
            b.inv.warn(here, "not an object; ignored");
            continue;
        };
        let Some(analysis) = object(b, obj.analysis, &here, "analysis") else {
            continue;
        };
        let at = format!("{here}.analysis");
        let Some(state) = text_at(b, analysis.state, &at, "state") else {
            b.inv
                .warn(at, "analysis without state; not a VEX statement");
            continue;
        };
        let Some(vulnerability) = text_at(b, obj.id, &here, "id") else {
            b.inv.warn(here, "vulnerability without id; ignored");
            continue;
        };
        let mut affects = Vec::new();
        if let Some(list) = obj.affects {
            let at = format!("{here}.affects");
            for (j, a) in array(b, list, || at.clone()).into_iter().enumerate() {
                match a {
                    Node::Obj(Ref {
                        to: Some(Node::Str(r)),
                    }) => affects.push(r.into_owned()),
                    _ => b
                        .inv
                        .warn(format!("{at}[{j}]"), "affect without ref; ignored"),
                }
            }
        }
        let mut responses = Vec::new();
        if let Some(list) = analysis.response {
            let at = format!("{at}.response");
            for (j, r) in array(b, list, || at.clone()).into_iter().enumerate() {
                match r {
                    Node::Str(r) => responses.push(r.into_owned()),
                    _ => b.inv.warn(format!("{at}[{j}]"), "not a string; ignored"),
                }
            }
        }
        let justification = text_at(b, analysis.justification, &at, "justification");
        let detail = text_at(b, analysis.detail, &at, "detail");
        b.inv.vex.push(VexStatement {
            vulnerability,
            affects,
            state,
            justification,
            responses,
            detail,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::scan;

    #[track_caller]
    fn check(doc: &str, max: usize, too_deep: Option<usize>, suspect: bool) {
        let s = scan(doc.as_bytes(), max);
        assert_eq!((s.too_deep, s.suspect), (too_deep, suspect), "{doc}");
    }

    #[test]
    fn the_pre_scan_skips_strings_and_finds_depth_and_suspects() {
        check(r#"{"a":[{"b":1}]}"#, 3, None, false);
        check(r#"{"a":[{"b":1}]}"#, 2, Some(6), false);
        // Brackets and escaped quotes inside strings do not count.
        check(r#"{"a":"[[[{\"{{"}"#, 1, None, false);
        check(r#"{"a\\":"x"}"#, 1, None, false);
        // Lone surrogate escapes and exponents are suspects; other escapes not.
        check(r#"{"a":"\ud800"}"#, 1, None, true);
        check(r#"{"a":"\uDFFF"}"#, 1, None, true);
        check(r#"{"a":"\u00e9\n"}"#, 1, None, false);
        check(r#"{"a":1e999}"#, 1, None, true);
        check(r#"{"e":"1e9"}"#, 1, None, false);
        // An unterminated string ends the scan without a panic.
        check(r#"{"a":"\"#, 1, None, false);
        check("\"", 0, None, false);
    }
}
