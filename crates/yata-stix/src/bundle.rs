//! The bundle, its objects, and the strict checks of [`Bundle::parse`].

use std::collections::HashMap;

use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::Error;
use crate::pattern::{self, Pattern};
use crate::uuid::is_uuid;

/// Limits on what [`Bundle::parse`] reads, checked before and while the
/// JSON is deserialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input in bytes (default 16 MiB).
    pub max_bytes: usize,
    /// Most objects in the bundle (default 100 000).
    pub max_objects: usize,
    /// Deepest nesting of JSON arrays and objects (default 64; a pre-scan
    /// refuses deeper input before serde_json, whose own recursion limit
    /// of 128 then never comes into play), and of parentheses and brackets
    /// in a pattern (at most [`pattern::HARD_MAX_DEPTH`], 64, whatever
    /// this says).
    pub max_depth: usize,
    /// Longest indicator pattern in bytes (default 64 KiB).
    pub max_pattern_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 16 << 20,
            max_objects: 100_000,
            max_depth: 64,
            max_pattern_bytes: 64 << 10,
        }
    }
}

/// A STIX bundle: its id and its objects in document order.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub(crate) id: String,
    pub(crate) objects: Vec<Object>,
}

/// One object of a bundle, kept verbatim.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub(crate) kind: String,
    pub(crate) id: String,
    pub(crate) raw: Map<String, Value>,
}

/// Properties whose value is a STIX timestamp wherever they appear at the
/// top level of an object.
const TIMESTAMPS: &[&str] = &[
    "created",
    "modified",
    "valid_from",
    "valid_until",
    "first_seen",
    "last_seen",
    "first_observed",
    "last_observed",
    "published",
];

impl Bundle {
    /// Reads a bundle strictly; the first problem found is the error.
    ///
    /// Checked: the limits; a JSON object with `type` `bundle` and an id
    /// `bundle--<uuid>`; `objects` (if present) an array of objects, each
    /// with a `type` of the STIX charset (a–z, 0–9, `-`, 3 to 250
    /// characters, starting with a letter, no `--`) and an id
    /// `<type>--<uuid>`; `spec_version` 2.0 or 2.1; timestamps (`created`,
    /// `modified`, `valid_from`, `first_seen`… at the top level of an
    /// object) in the STIX form `YYYY-MM-DDTHH:MM:SS[.s]Z`, `modified` not
    /// before `created`, ends not before starts; `created_by_ref`,
    /// `object_marking_refs`, relationship and sighting references are
    /// ids; an indicator's `pattern` is a string and, when its
    /// `pattern_type` is `stix` or absent (STIX 2.0), a valid STIX
    /// pattern; no two objects share an id and `modified`.
    pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Bundle, Error> {
        if bytes.len() > limits.max_bytes {
            return Err(Error::TooLarge {
                size: bytes.len(),
                limit: limits.max_bytes,
            });
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        check_depth(bytes, limits.max_depth)?;
        let value: Value = serde_json::from_slice(bytes).map_err(|e| Error::Json(e.to_string()))?;
        Bundle::from_value(value, limits)
    }

    /// Checks an already deserialised bundle as [`Bundle::parse`] does
    /// (except the byte and depth limits).
    pub fn from_value(value: Value, limits: &Limits) -> Result<Bundle, Error> {
        let Value::Object(mut top) = value else {
            return Err(invalid("bundle", "expected a json object"));
        };
        match top.get("type") {
            Some(Value::String(t)) if t == "bundle" => {}
            Some(Value::String(t)) => {
                return Err(invalid("type", format!("expected \"bundle\", found {t:?}")));
            }
            _ => return Err(invalid("type", "expected the string \"bundle\"")),
        }
        let id = match top.get("id") {
            Some(Value::String(id)) => {
                check_id(id, Some("bundle")).map_err(|rule| invalid("id", rule))?;
                id.clone()
            }
            _ => return Err(invalid("id", "missing (expected bundle--<uuid>)")),
        };
        if let Some(v) = top.get("spec_version") {
            check_spec_version(v).map_err(|rule| invalid("spec_version", rule))?;
        }
        let items = match top.remove("objects") {
            None => Vec::new(),
            Some(Value::Array(items)) => items,
            Some(_) => return Err(invalid("objects", "expected an array")),
        };
        if items.len() > limits.max_objects {
            return Err(Error::TooManyObjects {
                limit: limits.max_objects,
            });
        }
        let mut objects = Vec::with_capacity(items.len());
        let mut seen: HashMap<(String, Option<Timestamp>), usize> = HashMap::new();
        for (i, item) in items.into_iter().enumerate() {
            let (object, modified) = check_object(i, item, limits)?;
            match seen.entry((object.id.clone(), modified)) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    return Err(invalid(
                        &object.location(i),
                        format!(
                            "same id and modified as objects[{}] (a duplicate)",
                            first.get()
                        ),
                    ));
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
            objects.push(object);
        }
        Ok(Bundle { id, objects })
    }

    /// The bundle id (`bundle--<uuid>`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The objects in document order.
    pub fn objects(&self) -> &[Object] {
        &self.objects
    }

    /// The bundle as JSON: `{"type": "bundle", "id": …, "objects": […]}`
    /// with every object as it was read.
    pub fn to_json(&self) -> Value {
        let mut top = Map::new();
        top.insert("type".into(), Value::from("bundle"));
        top.insert("id".into(), Value::from(self.id.clone()));
        top.insert(
            "objects".into(),
            Value::Array(
                self.objects
                    .iter()
                    .map(|o| Value::Object(o.raw.clone()))
                    .collect(),
            ),
        );
        Value::Object(top)
    }
}

impl Object {
    /// The object's `type` (`indicator`, `ipv4-addr`, `x-custom`…).
    pub fn object_type(&self) -> &str {
        &self.kind
    }

    /// The object's id (`indicator--<uuid>`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Every property as read.
    pub fn raw(&self) -> &Map<String, Value> {
        &self.raw
    }

    /// A top-level string property.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.raw.get(key).and_then(Value::as_str)
    }

    /// A top-level timestamp property (already checked by `parse`).
    pub fn timestamp(&self, key: &str) -> Option<Timestamp> {
        self.str(key).and_then(|s| parse_timestamp(s).ok())
    }

    pub(crate) fn location(&self, index: usize) -> String {
        format!("objects[{index}] ({})", self.id)
    }
}

fn invalid(at: &str, rule: impl Into<String>) -> Error {
    Error::Invalid {
        at: at.to_owned(),
        rule: rule.into(),
    }
}

/// Refuses JSON nested deeper than `limit` before serde_json sees it.
fn check_depth(bytes: &[u8], limit: usize) -> Result<(), Error> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (at, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return Err(Error::TooDeep { limit, at });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// The STIX type charset: a–z, 0–9 and `-`, 3 to 250 characters, starting
/// with a letter, without `--`.
fn check_type(t: &str) -> Result<(), String> {
    if !(3..=250).contains(&t.len()) {
        return Err(format!("{t:?} is not a STIX type (3 to 250 characters)"));
    }
    if !t.starts_with(|c: char| c.is_ascii_lowercase())
        || !t
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || t.contains("--")
    {
        return Err(format!(
            "{t:?} is not a STIX type (a-z, 0-9 and single hyphens, starting with a letter)"
        ));
    }
    Ok(())
}

/// `<type>--<uuid>`, with the type `expected` if given.
pub(crate) fn check_id(id: &str, expected: Option<&str>) -> Result<(), String> {
    let Some((t, uuid)) = id.split_once("--") else {
        return Err(format!("{id:?} is not a STIX id (<type>--<uuid>)"));
    };
    check_type(t).map_err(|_| format!("{id:?} is not a STIX id (<type>--<uuid>)"))?;
    if !is_uuid(uuid) {
        return Err(format!("{id:?} is not a STIX id: {uuid:?} is not a UUID"));
    }
    if let Some(expected) = expected
        && t != expected
    {
        return Err(format!("{id:?} does not start with {expected}--"));
    }
    Ok(())
}

fn check_spec_version(v: &Value) -> Result<(), String> {
    match v.as_str() {
        Some("2.0" | "2.1") => Ok(()),
        _ => Err(format!("expected \"2.0\" or \"2.1\", found {v}")),
    }
}

/// A STIX timestamp: RFC 3339 in UTC with `Z`, `YYYY-MM-DDTHH:MM:SS[.s]Z`.
pub(crate) fn parse_timestamp(s: &str) -> Result<Timestamp, String> {
    if !pattern::is_timestamp(s) {
        return Err(format!(
            "{s:?} is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z)"
        ));
    }
    s.parse::<Timestamp>()
        .map_err(|e| format!("{s:?} is not a valid timestamp: {e}"))
}

fn check_object(
    index: usize,
    item: Value,
    limits: &Limits,
) -> Result<(Object, Option<Timestamp>), Error> {
    let at = format!("objects[{index}]");
    let Value::Object(raw) = item else {
        return Err(invalid(&at, "expected a json object"));
    };
    let kind = match raw.get("type") {
        Some(Value::String(t)) => {
            check_type(t).map_err(|rule| invalid(&format!("{at}: type"), rule))?;
            t.clone()
        }
        _ => {
            return Err(invalid(
                &format!("{at}: type"),
                "missing (expected a string)",
            ));
        }
    };
    let id = match raw.get("id") {
        Some(Value::String(id)) => {
            check_id(id, Some(&kind)).map_err(|rule| invalid(&format!("{at}: id"), rule))?;
            id.clone()
        }
        _ => return Err(invalid(&format!("{at}: id"), "missing (expected a string)")),
    };
    let object = Object { kind, id, raw };
    let at = object.location(index);
    let field = |name: &str| format!("{at}: {name}");
    let raw = &object.raw;

    if let Some(v) = raw.get("spec_version") {
        check_spec_version(v).map_err(|rule| invalid(&field("spec_version"), rule))?;
    }
    let mut times: HashMap<&str, Timestamp> = HashMap::new();
    for &name in TIMESTAMPS {
        match raw.get(name) {
            None => {}
            Some(Value::String(s)) => {
                let t = parse_timestamp(s).map_err(|rule| invalid(&field(name), rule))?;
                times.insert(name, t);
            }
            Some(v) => {
                return Err(invalid(
                    &field(name),
                    format!("expected a timestamp, found {v}"),
                ));
            }
        }
    }
    for (start, end, strict) in [
        ("created", "modified", false),
        ("valid_from", "valid_until", true),
        ("first_seen", "last_seen", false),
        ("first_observed", "last_observed", false),
    ] {
        if let (Some(s), Some(e)) = (times.get(start), times.get(end))
            && (e < s || (strict && e == s))
        {
            let relation = if strict { "after" } else { "at or after" };
            return Err(invalid(
                &field(end),
                format!(
                    "must be {relation} {start} ({} < {})",
                    raw_str(raw, end),
                    raw_str(raw, start)
                ),
            ));
        }
    }
    if let Some(v) = raw.get("created_by_ref") {
        ref_id(v, None).map_err(|rule| invalid(&field("created_by_ref"), rule))?;
    }
    refs(raw, "object_marking_refs", Some("marking-definition"), &at)?;
    match object.kind.as_str() {
        "indicator" => {
            let pattern = match raw.get("pattern") {
                Some(Value::String(p)) => p,
                _ => return Err(invalid(&field("pattern"), "missing (expected a string)")),
            };
            let pattern_type = match raw.get("pattern_type") {
                None => None,
                Some(Value::String(t)) => Some(t.as_str()),
                Some(v) => {
                    return Err(invalid(
                        &field("pattern_type"),
                        format!("expected a string, found {v}"),
                    ));
                }
            };
            if matches!(pattern_type, None | Some("stix")) {
                if pattern.len() > limits.max_pattern_bytes {
                    return Err(invalid(
                        &field("pattern"),
                        format!(
                            "{} bytes, more than the limit of {}",
                            pattern.len(),
                            limits.max_pattern_bytes
                        ),
                    ));
                }
                if let Err(e) = Pattern::parse_with_depth(pattern, limits.max_depth) {
                    return Err(invalid(&at, e.to_string()));
                }
            }
        }
        "relationship" => {
            for name in ["source_ref", "target_ref"] {
                match raw.get(name) {
                    Some(v) => ref_id(v, None).map_err(|rule| invalid(&field(name), rule))?,
                    None => return Err(invalid(&field(name), "missing (expected an id)")),
                }
            }
            if !raw.get("relationship_type").is_some_and(Value::is_string) {
                return Err(invalid(
                    &field("relationship_type"),
                    "missing (expected a string)",
                ));
            }
        }
        "sighting" => {
            match raw.get("sighting_of_ref") {
                Some(v) => {
                    ref_id(v, None).map_err(|rule| invalid(&field("sighting_of_ref"), rule))?
                }
                None => {
                    return Err(invalid(
                        &field("sighting_of_ref"),
                        "missing (expected an id)",
                    ));
                }
            }
            refs(raw, "observed_data_refs", None, &at)?;
            refs(raw, "where_sighted_refs", None, &at)?;
        }
        "observed-data" => {
            refs(raw, "object_refs", None, &at)?;
            if let Some(v) = raw.get("objects") {
                let Value::Object(map) = v else {
                    return Err(invalid(&field("objects"), "expected a json object"));
                };
                for (key, sco) in map {
                    if !sco.get("type").is_some_and(Value::is_string) {
                        return Err(invalid(
                            &field(&format!("objects.{key}")),
                            "expected an object with a type",
                        ));
                    }
                }
            }
        }
        "report" | "grouping" | "note" | "opinion" => {
            refs(raw, "object_refs", None, &at)?;
        }
        _ => {}
    }
    let modified = times.get("modified").copied();
    Ok((object, modified))
}

fn raw_str<'a>(raw: &'a Map<String, Value>, key: &str) -> &'a str {
    raw.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn ref_id(v: &Value, expected: Option<&str>) -> Result<(), String> {
    match v {
        Value::String(id) => check_id(id, expected),
        other => Err(format!("expected an id, found {other}")),
    }
}

/// A list of ids, if present, each located by its index.
fn refs(
    raw: &Map<String, Value>,
    name: &str,
    expected: Option<&str>,
    at: &str,
) -> Result<(), Error> {
    let Some(v) = raw.get(name) else {
        return Ok(());
    };
    let Value::Array(items) = v else {
        return Err(invalid(
            &format!("{at}: {name}"),
            format!("expected a list of ids, found {v}"),
        ));
    };
    for (i, item) in items.iter().enumerate() {
        ref_id(item, expected).map_err(|rule| invalid(&format!("{at}: {name}[{i}]"), rule))?;
    }
    Ok(())
}
