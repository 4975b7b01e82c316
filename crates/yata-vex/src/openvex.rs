//! OpenVEX: v0.2.0 (`@context` `https://openvex.dev/ns/v0.2.0`) and the
//! earlier documents (`https://openvex.dev/ns`, `…/ns/v0.0.1`), where the
//! vulnerability and the products may be plain strings.
//!
//! * **vulnerability**: its `name`, else its `@id`; `aliases` kept.
//! * **products**: each product's `@id` (a purl, a CPE or another IRI) and
//!   its `identifiers` (`purl`, `cpe23`, `cpe22`); `subcomponents` likewise.
//! * **timestamp**: the statement's `timestamp`, else its `last_updated`,
//!   else the document's `timestamp`, else the document's `last_updated`.

use serde_json::{Map, Value};

use crate::{
    Document, Format, Justification, JustificationKind, Limits, Out, ProductRef, Statement, Status,
    VexError,
};

const CONTEXT: &str = "https://openvex.dev/ns";

/// Whether `@context` names OpenVEX (a string, or a list holding one).
pub(crate) fn is_context(context: Option<&Value>) -> bool {
    let is = |v: &Value| v.as_str().is_some_and(|s| s.starts_with(CONTEXT));
    match context {
        Some(Value::Array(list)) => list.iter().any(is),
        Some(v) => is(v),
        None => false,
    }
}

/// Reads an OpenVEX document.
pub fn parse_openvex(bytes: &[u8], limits: &Limits) -> Result<Document, VexError> {
    from_value(&crate::json(bytes, limits)?, limits)
}

pub(crate) fn from_value(value: &Value, limits: &Limits) -> Result<Document, VexError> {
    let mut out = Out::new(Format::OpenVex, limits);
    let Some(doc) = value.as_object() else {
        return Err(out.invalid("", "not a JSON object"));
    };
    if !is_context(doc.get("@context")) {
        return Err(out.invalid("@context", "not an OpenVEX context"));
    }
    let doc_time = out
        .timestamp(doc, "timestamp", "")
        .or_else(|| out.timestamp(doc, "last_updated", ""));
    let statements = match doc.get("statements") {
        Some(Value::Array(list)) => list,
        Some(_) => return Err(out.invalid("statements", "not an array")),
        None => return Err(out.invalid("statements", "missing")),
    };
    for (i, s) in statements.iter().enumerate() {
        let at = format!("statements[{i}]");
        let Some(s) = s.as_object() else {
            out.warn(at, "not an object; ignored");
            continue;
        };
        if let Some(statement) = statement(&mut out, s, &at, doc_time) {
            out.push(statement)?;
        }
    }
    Ok(out.finish())
}

fn statement(
    out: &mut Out,
    s: &Map<String, Value>,
    at: &str,
    doc_time: Option<jiff::Timestamp>,
) -> Option<Statement> {
    let (vulnerability, aliases) = vulnerability(out, s.get("vulnerability"), at)?;
    let status = match out.text(s, "status", at) {
        None => {
            out.warn(format!("{at}.status"), "missing; statement ignored");
            return None;
        }
        Some(text) => match text.as_str() {
            "not_affected" => Status::NotAffected,
            "affected" => Status::Affected,
            "fixed" => Status::Fixed,
            "under_investigation" => Status::UnderInvestigation,
            _ => {
                out.warn(
                    format!("{at}.status"),
                    format!("unknown status {text:?}; statement ignored"),
                );
                return None;
            }
        },
    };
    let justification = out.text(s, "justification", at).and_then(|text| {
        match JustificationKind::from_openvex(&text) {
            Some(kind) => Some(Justification {
                kind,
                as_written: text,
            }),
            None => {
                out.warn(
                    format!("{at}.justification"),
                    format!("unknown justification {text:?}; ignored"),
                );
                None
            }
        }
    });
    let mut products = Vec::new();
    let mut subcomponents = Vec::new();
    for (j, p) in out.array(s, "products", at).iter().enumerate() {
        let here = format!("{at}.products[{j}]");
        product(out, p, &here, &mut products);
        if let Some(p) = p.as_object() {
            for (k, sub) in out.array(p, "subcomponents", &here).iter().enumerate() {
                product(
                    out,
                    sub,
                    &format!("{here}.subcomponents[{k}]"),
                    &mut subcomponents,
                );
            }
        }
    }
    // v0.0.1 put subcomponents beside the products.
    for (k, sub) in out.array(s, "subcomponents", at).iter().enumerate() {
        product(
            out,
            sub,
            &format!("{at}.subcomponents[{k}]"),
            &mut subcomponents,
        );
    }
    if products.is_empty() {
        out.warn(format!("{at}.products"), "no product; statement ignored");
        return None;
    }
    let timestamp = out
        .timestamp(s, "timestamp", at)
        .or_else(|| out.timestamp(s, "last_updated", at))
        .or(doc_time);
    Some(Statement {
        vulnerability,
        aliases,
        products,
        subcomponents,
        status,
        justification,
        impact_statement: out.text(s, "impact_statement", at),
        action_statement: out.text(s, "action_statement", at),
        timestamp,
        source: Format::OpenVex,
    })
}

/// The vulnerability's id and aliases.
fn vulnerability(out: &mut Out, v: Option<&Value>, at: &str) -> Option<(String, Vec<String>)> {
    let at = format!("{at}.vulnerability");
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => Some((s.trim().to_owned(), Vec::new())),
        Some(Value::Object(v)) => {
            let Some(id) = out.text(v, "name", &at).or_else(|| out.text(v, "@id", &at)) else {
                out.warn(at, "neither name nor @id; statement ignored");
                return None;
            };
            let mut aliases = Vec::new();
            for (k, a) in out.array(v, "aliases", &at).iter().enumerate() {
                match a.as_str().and_then(crate::non_blank) {
                    Some(a) => aliases.push(a),
                    None => out.warn(format!("{at}.aliases[{k}]"), "not a string; ignored"),
                }
            }
            Some((id, aliases))
        }
        None => {
            out.warn(at, "missing; statement ignored");
            None
        }
        Some(_) => {
            out.warn(at, "neither a string nor an object; statement ignored");
            None
        }
    }
}

/// One product (or subcomponent): a string, or an object with `@id` and
/// `identifiers`.
fn product(out: &mut Out, p: &Value, at: &str, into: &mut Vec<ProductRef>) {
    match p {
        Value::String(s) => match crate::non_blank(s) {
            Some(s) => into.push(out.identifier(&s, at)),
            None => out.warn(at, "empty; ignored"),
        },
        Value::Object(p) => {
            let before = into.len();
            if let Some(id) = out.text(p, "@id", at) {
                let r = out.identifier(&id, &format!("{at}.@id"));
                into.push(r);
            }
            match p.get("identifiers") {
                None | Some(Value::Null) => {}
                Some(Value::Object(ids)) => {
                    let here = format!("{at}.identifiers");
                    if let Some(purl) = out.text(ids, "purl", &here) {
                        let r = out.purl(&purl, &format!("{here}.purl"));
                        into.push(r);
                    }
                    for key in ["cpe23", "cpe22"] {
                        if let Some(cpe) = out.text(ids, key, &here) {
                            into.push(ProductRef::Cpe(cpe));
                        }
                    }
                }
                Some(_) => out.warn(format!("{at}.identifiers"), "not an object; ignored"),
            }
            if into.len() == before {
                out.warn(at, "neither @id nor identifiers; ignored");
            }
        }
        _ => out.warn(at, "neither a string nor an object; ignored"),
    }
}
