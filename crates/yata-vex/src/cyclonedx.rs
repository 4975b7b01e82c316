//! CycloneDX VEX: the `vulnerabilities[]` of a 1.4 to 1.6 JSON BOM that
//! carry an `analysis` (those without one are vulnerability reports, not
//! statements, and are passed over).
//!
//! * **status** from `analysis.state`: `resolved`, `resolved_with_pedigree`
//!   → fixed; `not_affected`, `false_positive` → not affected;
//!   `exploitable` → affected; `in_triage` → under investigation.
//! * **products**: each `affects[].ref`, resolved through the document's
//!   own components (`metadata.component` and nested ones included) to
//!   their purl and CPE, else their name; a ref that names no component is
//!   read as a purl or CPE when it is one, else kept as a bom-ref (BOM-Links
//!   silently, others with a warning).
//! * **aliases**: `references[].id`. **impact statement**:
//!   `analysis.detail`. **action statement**: `recommendation`, else
//!   `workaround`, else `response: <analysis.response, …>`.
//! * **timestamp**: `analysis.lastUpdated`, `firstIssued`, the
//!   vulnerability's `updated`, `published`, else `metadata.timestamp`.

use std::collections::HashMap;

use serde_json::{Map, Value};
use yata_model::inventory::{Component, Inventory, VexStatement};
use yata_purl::Purl;

use crate::{
    Document, Format, Justification, JustificationKind, Limits, Out, ProductRef, Statement, Status,
    VexError,
};

/// Reads a CycloneDX JSON BOM's VEX statements.
pub fn parse_cyclonedx(bytes: &[u8], limits: &Limits) -> Result<Document, VexError> {
    from_value(&crate::json(bytes, limits)?, limits)
}

pub(crate) fn from_value(value: &Value, limits: &Limits) -> Result<Document, VexError> {
    let mut out = Out::new(Format::CycloneDx, limits);
    let Some(doc) = value.as_object() else {
        return Err(out.invalid("", "not a JSON object"));
    };
    if doc.get("bomFormat").and_then(Value::as_str) != Some("CycloneDX") {
        return Err(out.invalid("bomFormat", "not \"CycloneDX\""));
    }
    let mut components = HashMap::new();
    let metadata = doc.get("metadata").and_then(Value::as_object);
    if let Some(c) = metadata.and_then(|m| m.get("component")) {
        component(&mut out, c, "metadata.component", &mut components);
    }
    for (i, c) in out.array(doc, "components", "").iter().enumerate() {
        component(&mut out, c, &format!("components[{i}]"), &mut components);
    }
    let doc_time = metadata.and_then(|m| out.timestamp(m, "timestamp", "metadata"));
    for (i, v) in out.array(doc, "vulnerabilities", "").iter().enumerate() {
        let at = format!("vulnerabilities[{i}]");
        let Some(v) = v.as_object() else {
            out.warn(at, "not an object; ignored");
            continue;
        };
        if let Some(s) = vulnerability(&mut out, v, &at, &components, doc_time) {
            out.push(s)?;
        }
    }
    Ok(out.finish())
}

/// Records a component's (and its nested components') identity by bom-ref.
fn component(out: &mut Out, c: &Value, at: &str, into: &mut HashMap<String, Vec<ProductRef>>) {
    let Some(c) = c.as_object() else {
        out.warn(at, "not an object; ignored");
        return;
    };
    if let Some(bom_ref) = out.text(c, "bom-ref", at) {
        let mut refs = Vec::new();
        if let Some(purl) = out.text(c, "purl", at) {
            refs.push(out.purl(&purl, &format!("{at}.purl")));
        }
        if let Some(cpe) = out.text(c, "cpe", at) {
            refs.push(ProductRef::Cpe(cpe));
        }
        if refs.is_empty()
            && let Some(name) = out.text(c, "name", at)
        {
            let vendor = out.text(c, "publisher", at).or_else(|| {
                c.get("supplier")
                    .and_then(Value::as_object)
                    .and_then(|s| s.get("name"))
                    .and_then(Value::as_str)
                    .and_then(crate::non_blank)
            });
            let product = match out.text(c, "group", at) {
                Some(group) => format!("{group}/{name}"),
                None => name,
            };
            refs.push(ProductRef::Name {
                vendor,
                product,
                version: out.text(c, "version", at),
            });
        }
        if !refs.is_empty() {
            into.entry(bom_ref).or_insert(refs);
        }
    }
    for (j, child) in out.array(c, "components", at).iter().enumerate() {
        component(out, child, &format!("{at}.components[{j}]"), into);
    }
}

fn vulnerability(
    out: &mut Out,
    v: &Map<String, Value>,
    at: &str,
    components: &HashMap<String, Vec<ProductRef>>,
    doc_time: Option<jiff::Timestamp>,
) -> Option<Statement> {
    let analysis = match v.get("analysis") {
        None | Some(Value::Null) => return None,
        Some(Value::Object(a)) => a,
        Some(_) => {
            out.warn(format!("{at}.analysis"), "not an object; ignored");
            return None;
        }
    };
    let an_at = format!("{at}.analysis");
    let Some(id) = out.text(v, "id", at) else {
        out.warn(at, "vulnerability without id; ignored");
        return None;
    };
    let Some(state) = out.text(analysis, "state", &an_at) else {
        out.warn(an_at, "analysis without state; not a VEX statement");
        return None;
    };
    let Some(status) = status(&state) else {
        out.warn(
            format!("{an_at}.state"),
            format!("unknown state {state:?}; ignored"),
        );
        return None;
    };
    let mut aliases = Vec::new();
    for (j, r) in out.array(v, "references", at).iter().enumerate() {
        match r
            .as_object()
            .and_then(|r| r.get("id"))
            .and_then(Value::as_str)
            .and_then(crate::non_blank)
        {
            Some(a) => aliases.push(a),
            None => out.warn(format!("{at}.references[{j}]"), "without id; ignored"),
        }
    }
    let justification = out
        .text(analysis, "justification", &an_at)
        .and_then(|j| justification(out, j, &format!("{an_at}.justification")));
    let mut responses = Vec::new();
    for (j, r) in out.array(analysis, "response", &an_at).iter().enumerate() {
        match r.as_str() {
            Some(r) => responses.push(r.to_owned()),
            None => out.warn(format!("{an_at}.response[{j}]"), "not a string; ignored"),
        }
    }
    let mut products = Vec::new();
    for (j, a) in out.array(v, "affects", at).iter().enumerate() {
        let here = format!("{at}.affects[{j}]");
        match a.as_object().map(|a| out.text(a, "ref", &here)) {
            Some(Some(r)) => resolve(out, &r, components, &format!("{here}.ref"), &mut products),
            _ => out.warn(here, "affect without ref; ignored"),
        }
    }
    if products.is_empty() {
        out.warn(format!("{at}.affects"), "no product; statement ignored");
        return None;
    }
    let action_statement = out
        .text(v, "recommendation", at)
        .or_else(|| out.text(v, "workaround", at))
        .or_else(|| (!responses.is_empty()).then(|| format!("response: {}", responses.join(", "))));
    let timestamp = out
        .timestamp(analysis, "lastUpdated", &an_at)
        .or_else(|| out.timestamp(analysis, "firstIssued", &an_at))
        .or_else(|| out.timestamp(v, "updated", at))
        .or_else(|| out.timestamp(v, "published", at))
        .or(doc_time);
    Some(Statement {
        vulnerability: id,
        aliases,
        products,
        subcomponents: Vec::new(),
        status,
        justification,
        impact_statement: out.text(analysis, "detail", &an_at),
        action_statement,
        timestamp,
        source: Format::CycloneDx,
    })
}

fn status(state: &str) -> Option<Status> {
    Some(match state {
        "resolved" | "resolved_with_pedigree" => Status::Fixed,
        "not_affected" | "false_positive" => Status::NotAffected,
        "exploitable" => Status::Affected,
        "in_triage" => Status::UnderInvestigation,
        _ => return None,
    })
}

fn justification(out: &mut Out, text: String, at: &str) -> Option<Justification> {
    match JustificationKind::from_cyclonedx(&text) {
        Some(kind) => Some(Justification {
            kind,
            as_written: text,
        }),
        None => {
            out.warn(at, format!("unknown justification {text:?}; ignored"));
            None
        }
    }
}

/// An `affects` ref: a component's identity, else the ref read as it is.
fn resolve(
    out: &mut Out,
    r: &str,
    components: &HashMap<String, Vec<ProductRef>>,
    at: &str,
    into: &mut Vec<ProductRef>,
) {
    if let Some(refs) = components.get(r) {
        into.extend(refs.iter().cloned());
    } else if r.starts_with("pkg:") || r.starts_with("cpe:") {
        into.push(out.identifier(r, at));
    } else {
        if !r.starts_with("urn:cdx:") {
            out.warn(at, format!("{r:?} names no component of this BOM"));
        }
        into.push(ProductRef::BomRef(r.to_owned()));
    }
}

/// Converts the VEX statements `yata-inventory` extracted from a BOM,
/// resolving their refs through the inventory's components. Warnings are
/// located at `vex[i]`.
pub fn from_cyclonedx_statements(statements: &[VexStatement], inventory: &Inventory) -> Document {
    let limits = Limits {
        max_statements: usize::MAX,
        ..Limits::default()
    };
    let mut out = Out::new(Format::CycloneDx, &limits);
    let mut components: HashMap<String, Vec<ProductRef>> = HashMap::new();
    let subject = inventory.subject.iter().map(|c| (c, "subject".to_owned()));
    let others =
        (inventory.components.iter().enumerate()).map(|(i, c)| (c, format!("components[{i}]")));
    for (c, at) in subject.chain(others) {
        if let Some(id) = &c.id {
            let refs = identity(&mut out, c, &at);
            if !refs.is_empty() {
                components.entry(id.clone()).or_insert(refs);
            }
        }
    }
    for (i, s) in statements.iter().enumerate() {
        let at = format!("vex[{i}]");
        let Some(status) = status(&s.state) else {
            out.warn(
                format!("{at}.state"),
                format!("unknown state {:?}; ignored", s.state),
            );
            continue;
        };
        let justification = s
            .justification
            .clone()
            .and_then(|j| justification(&mut out, j, &format!("{at}.justification")));
        let mut products = Vec::new();
        for (j, r) in s.affects.iter().enumerate() {
            resolve(
                &mut out,
                r,
                &components,
                &format!("{at}.affects[{j}]"),
                &mut products,
            );
        }
        if products.is_empty() {
            out.warn(format!("{at}.affects"), "no product; statement ignored");
            continue;
        }
        let statement = Statement {
            vulnerability: s.vulnerability.clone(),
            aliases: Vec::new(),
            products,
            subcomponents: Vec::new(),
            status,
            justification,
            impact_statement: s.detail.as_deref().and_then(crate::non_blank),
            action_statement: (!s.responses.is_empty())
                .then(|| format!("response: {}", s.responses.join(", "))),
            timestamp: None,
            source: Format::CycloneDx,
        };
        // The limit is unbounded here: the inventory reader bounded the
        // document.
        if out.push(statement).is_err() {
            break;
        }
    }
    out.finish()
}

/// An inventory component's purl and CPE, else its name.
fn identity(out: &mut Out, c: &Component, at: &str) -> Vec<ProductRef> {
    let mut refs = Vec::new();
    if let Some(purl) = &c.purl {
        match purl.parse::<Purl>() {
            Ok(p) => refs.push(ProductRef::Purl(p)),
            Err(e) => out.warn(format!("{at}.purl"), format!("invalid purl: {e}")),
        }
    }
    if let Some(cpe) = &c.cpe {
        refs.push(ProductRef::Cpe(cpe.clone()));
    }
    if refs.is_empty() && !c.name.is_empty() {
        refs.push(ProductRef::Name {
            vendor: c.supplier.clone(),
            product: match &c.group {
                Some(g) => format!("{g}/{}", c.name),
                None => c.name.clone(),
            },
            version: c.version.clone(),
        });
    }
    refs
}
