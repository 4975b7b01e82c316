//! CycloneDX JSON: `serde_json::Value`, walked tolerantly.

use serde_json::{Map, Value};
use yata_model::inventory::{Dependency, VexStatement};

use super::{Builder, RawComponent};
use crate::{Format, Inventory, InventoryError, Limits};

pub(super) fn parse(bytes: &[u8], limits: &Limits) -> Result<Inventory, InventoryError> {
    let mut b = Builder::new(Format::CycloneDxJson, bytes, limits);
    if let Some(offset) = too_deep(bytes, limits.max_depth) {
        return Err(b.error(
            format!("byte {offset}"),
            format!("JSON nests deeper than {}", limits.max_depth),
        ));
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        b.error(
            format!("line {} column {}", e.line(), e.column()),
            format!("not JSON: {e}"),
        )
    })?;
    let Some(root) = doc.as_object() else {
        return Err(b.error("", "not a JSON object"));
    };
    match root.get("bomFormat") {
        Some(Value::String(s)) if s == "CycloneDX" => {}
        None => b.inv.warn("bomFormat", "missing; read as CycloneDX"),
        Some(other) => {
            return Err(b.error("bomFormat", format!("{other} is not \"CycloneDX\"")));
        }
    }
    match text(&mut b, root, "specVersion", "") {
        Some(v) => b.spec_version("specVersion", &v),
        None => b.inv.warn("specVersion", "missing"),
    }
    b.inv.document.name = text(&mut b, root, "serialNumber", "");

    let mut subject_components = None;
    if let Some(meta) = object(&mut b, root, "metadata", "") {
        if let Some(t) = text(&mut b, meta, "timestamp", "metadata") {
            b.timestamp("metadata.timestamp", &t);
        }
        match meta.get("tools") {
            Some(Value::Array(tools)) => {
                for tool in tools.iter().filter_map(Value::as_object) {
                    b.tool(str_of(tool, "name"), str_of(tool, "version"));
                }
            }
            Some(Value::Object(tools)) => {
                for key in ["components", "services"] {
                    for tool in tools
                        .get(key)
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_object)
                    {
                        b.tool(str_of(tool, "name"), str_of(tool, "version"));
                    }
                }
            }
            Some(_) => b
                .inv
                .warn("metadata.tools", "neither an array nor an object"),
            None => {}
        }
        if let Some(c) = object(&mut b, meta, "component", "metadata") {
            let raw = raw_component(&mut b, c, "metadata.component");
            b.inv.subject = Some(b.finish("metadata.component", raw));
            subject_components = c.get("components");
        }
    }
    if let Some(list) = root.get("components") {
        components(&mut b, list, "components", 1)?;
    }
    if let Some(list) = subject_components {
        components(&mut b, list, "metadata.component.components", 1)?;
    }
    if let Some(list) = root.get("dependencies") {
        dependencies(&mut b, list);
    }
    if let Some(list) = root.get("vulnerabilities") {
        vulnerabilities(&mut b, list);
    }
    Ok(b.inv)
}

/// The byte offset at which `bytes` first nests deeper than `max`, if it does.
/// A plain scan that skips strings; it runs before `serde_json` (whose own
/// recursion limit is 128) so that `max_depth` holds for any value.
fn too_deep(bytes: &[u8], max: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &c) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn str_of<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

/// The string at `key`, with a warning when it is there but not a string.
fn text(b: &mut Builder, obj: &Map<String, Value>, key: &str, path: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        Value::Number(n) => {
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

fn object<'a>(
    b: &mut Builder,
    obj: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Option<&'a Map<String, Value>> {
    match obj.get(key)? {
        Value::Object(o) => Some(o),
        _ => {
            b.inv.warn(join(path, key), "not an object; ignored");
            None
        }
    }
}

fn array<'a>(b: &mut Builder, value: &'a Value, path: &str) -> &'a [Value] {
    match value {
        Value::Array(a) => a,
        _ => {
            b.inv.warn(path, "not an array; ignored");
            &[]
        }
    }
}

fn components(
    b: &mut Builder,
    list: &Value,
    path: &str,
    depth: usize,
) -> Result<(), InventoryError> {
    for (i, item) in array(b, list, path).iter().enumerate() {
        let here = format!("{path}[{i}]");
        let Some(obj) = item.as_object() else {
            b.inv.warn(here, "not an object; ignored");
            continue;
        };
        b.check_depth(&here, depth)?;
        let raw = raw_component(b, obj, &here);
        let component = b.finish(&here, raw);
        b.push(&here, component)?;
        if let Some(nested) = obj.get("components") {
            components(b, nested, &format!("{here}.components"), depth + 1)?;
        }
    }
    Ok(())
}

fn raw_component(b: &mut Builder, obj: &Map<String, Value>, path: &str) -> RawComponent {
    let mut raw = RawComponent {
        id: text(b, obj, "bom-ref", path),
        name: text(b, obj, "name", path),
        version: text(b, obj, "version", path),
        group: text(b, obj, "group", path),
        purl: text(b, obj, "purl", path),
        cpe: text(b, obj, "cpe", path),
        kind: text(b, obj, "type", path),
        scope: text(b, obj, "scope", path),
        ..RawComponent::default()
    };
    let here = join(path, "supplier");
    if let Some(supplier) = object(b, obj, "supplier", path) {
        raw.supplier = text(b, supplier, "name", &here);
    }
    if let Some(hashes) = obj.get("hashes") {
        let here = join(path, "hashes");
        for (i, h) in array(b, hashes, &here).iter().enumerate() {
            let at = format!("{here}[{i}]");
            match h
                .as_object()
                .map(|h| (str_of(h, "alg"), str_of(h, "content")))
            {
                Some((Some(alg), Some(content))) => {
                    raw.hashes.push((alg.to_owned(), content.to_owned()));
                }
                _ => b.inv.warn(at, "hash without alg and content; ignored"),
            }
        }
    }
    if let Some(licenses) = obj.get("licenses") {
        let here = join(path, "licenses");
        for (i, l) in array(b, licenses, &here).iter().enumerate() {
            let at = format!("{here}[{i}]");
            let Some(l) = l.as_object() else {
                b.inv.warn(at, "not an object; ignored");
                continue;
            };
            let found = match (
                str_of(l, "expression"),
                l.get("license").and_then(Value::as_object),
            ) {
                (Some(e), _) => Some(e),
                (None, Some(lic)) => str_of(lic, "id").or_else(|| str_of(lic, "name")),
                (None, None) => None,
            };
            match found {
                Some(s) => raw.licenses.push(s.to_owned()),
                None => b
                    .inv
                    .warn(at, "licence without id, name or expression; ignored"),
            }
        }
    }
    raw
}

fn dependencies(b: &mut Builder, list: &Value) {
    for (i, item) in array(b, list, "dependencies").iter().enumerate() {
        let here = format!("dependencies[{i}]");
        let Some(obj) = item.as_object() else {
            b.inv.warn(here, "not an object; ignored");
            continue;
        };
        let Some(from) = text(b, obj, "ref", &here) else {
            b.inv.warn(here, "dependency without ref; ignored");
            continue;
        };
        let mut to = Vec::new();
        if let Some(list) = obj.get("dependsOn") {
            let at = format!("{here}.dependsOn");
            for (j, r) in array(b, list, &at).iter().enumerate() {
                match r {
                    Value::String(s) => to.push(s.clone()),
                    // CycloneDX 1.2's schema allowed `{"ref": …}` here too.
                    Value::Object(o) if o.get("ref").is_some_and(Value::is_string) => {
                        to.push(str_of(o, "ref").unwrap_or_default().to_owned());
                    }
                    _ => b.inv.warn(format!("{at}[{j}]"), "not a ref; ignored"),
                }
            }
        }
        b.inv.dependencies.push(Dependency { from, to });
    }
}

fn vulnerabilities(b: &mut Builder, list: &Value) {
    for (i, item) in array(b, list, "vulnerabilities").iter().enumerate() {
        let here = format!("vulnerabilities[{i}]");
        let Some(obj) = item.as_object() else {
            b.inv.warn(here, "not an object; ignored");
            continue;
        };
        let Some(analysis) = object(b, obj, "analysis", &here) else {
            continue;
        };
        let at = format!("{here}.analysis");
        let Some(state) = text(b, analysis, "state", &at) else {
            b.inv
                .warn(at, "analysis without state; not a VEX statement");
            continue;
        };
        let Some(vulnerability) = text(b, obj, "id", &here) else {
            b.inv.warn(here, "vulnerability without id; ignored");
            continue;
        };
        let mut affects = Vec::new();
        if let Some(list) = obj.get("affects") {
            let at = format!("{here}.affects");
            for (j, a) in array(b, list, &at).iter().enumerate() {
                match a.as_object().and_then(|a| str_of(a, "ref")) {
                    Some(r) => affects.push(r.to_owned()),
                    None => b
                        .inv
                        .warn(format!("{at}[{j}]"), "affect without ref; ignored"),
                }
            }
        }
        let mut responses = Vec::new();
        if let Some(list) = analysis.get("response") {
            let at = format!("{at}.response");
            for (j, r) in array(b, list, &at).iter().enumerate() {
                match r.as_str() {
                    Some(r) => responses.push(r.to_owned()),
                    None => b.inv.warn(format!("{at}[{j}]"), "not a string; ignored"),
                }
            }
        }
        let justification = text(b, analysis, "justification", &at);
        let detail = text(b, analysis, "detail", &at);
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
