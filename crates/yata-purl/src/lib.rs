//! Package URLs (PURL, ECMA-427): parsing, type-specific normalisation and
//! canonical printing, conformant with the purl-spec test suite.
//!
//! Hand-written because the `packageurl` crate (0.7.1) fails 24 of the 586
//! purl-spec conformance tests (type rules such as `git`, `cpan`, `brew`,
//! `swift` and the qualifier-key case rule) and keeps components unvalidated.
//!
//! A [`Purl`] is always valid and normalised: it is built only by parsing
//! ([`FromStr`], [`Purl::parse_lenient`]) or by [`PurlBuilder::build`], which
//! apply the same checks. [`Display`](fmt::Display) prints the canonical form,
//! so `parse(p.to_string()) == p`.
//!
//! A `Purl` holds its decoded components in one string buffer; getters borrow
//! from it and printing encodes on the fly, so parsing costs one allocation
//! (two with qualifiers, three when a case-folded component is not ASCII).

#![forbid(unsafe_code)]

mod encoding;
mod error;
mod types;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

pub use error::{Component, PurlError};

use encoding::{decode_into, write_encoded};
use types::{NameRule, Requirement, TypeRules};

/// A byte range in [`Purl::buf`].
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

/// A validated, normalised Package URL.
///
/// Equality, ordering and hashing are by component values.
#[derive(Clone)]
pub struct Purl {
    buf: String,
    ty: Span,
    namespace: Option<Span>,
    name: Span,
    version: Option<Span>,
    /// Sorted by key, keys unique.
    qualifiers: Vec<(Span, Span)>,
    subpath: Option<Span>,
}

impl Purl {
    /// Parses `input` like [`FromStr`], but also accepts qualifier keys that
    /// are not lowercase (`?Arch=x86`), lowercasing them. ECMA-427 requires
    /// lowercase keys; the purl-spec "recommended" tests show this repair.
    pub fn parse_lenient(input: &str) -> Result<Purl, PurlError> {
        parse(input, true)
    }

    /// Starts building a PURL from decoded component values.
    pub fn builder<'a>(ty: &'a str, name: &'a str) -> PurlBuilder<'a> {
        PurlBuilder {
            ty,
            namespace: None,
            name,
            version: None,
            qualifiers: Vec::new(),
            subpath: None,
        }
    }

    fn get(&self, span: Span) -> &str {
        self.buf.get(span.start..span.end).unwrap_or_default()
    }

    /// The package type, lowercase (`npm`, `maven`, ...).
    pub fn ty(&self) -> &str {
        self.get(self.ty)
    }

    /// The decoded namespace, segments joined with `/`.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.map(|s| self.get(s))
    }

    /// The decoded name.
    pub fn name(&self) -> &str {
        self.get(self.name)
    }

    /// The decoded version.
    pub fn version(&self) -> Option<&str> {
        self.version.map(|s| self.get(s))
    }

    /// The qualifiers, sorted by key; values are decoded and never empty.
    pub fn qualifiers(&self) -> Qualifiers<'_> {
        Qualifiers {
            buf: &self.buf,
            pairs: &self.qualifiers,
        }
    }

    /// The decoded subpath, segments joined with `/`.
    pub fn subpath(&self) -> Option<&str> {
        self.subpath.map(|s| self.get(s))
    }

    fn key(
        &self,
    ) -> (
        &str,
        Option<&str>,
        &str,
        Option<&str>,
        Qualifiers<'_>,
        Option<&str>,
    ) {
        (
            self.ty(),
            self.namespace(),
            self.name(),
            self.version(),
            self.qualifiers(),
            self.subpath(),
        )
    }
}

impl FromStr for Purl {
    type Err = PurlError;

    /// Parses a PURL as ECMA-427 requires (qualifier keys must be lowercase;
    /// see [`Purl::parse_lenient`]) and normalises it.
    fn from_str(input: &str) -> Result<Purl, PurlError> {
        parse(input, false)
    }
}

impl fmt::Display for Purl {
    /// The canonical form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host_namespace = types::rules(self.ty()).host_namespace;
        f.write_str("pkg:")?;
        f.write_str(self.ty())?;
        f.write_str("/")?;
        if let Some(ns) = self.namespace() {
            if host_namespace {
                write_encoded(f, ns)?;
            } else {
                write_segments(f, ns)?;
            }
            f.write_str("/")?;
        }
        if host_namespace {
            write_segments(f, self.name())?;
        } else {
            write_encoded(f, self.name())?;
        }
        if let Some(v) = self.version() {
            f.write_str("@")?;
            write_encoded(f, v)?;
        }
        for (i, (k, v)) in self.qualifiers().iter().enumerate() {
            f.write_str(if i == 0 { "?" } else { "&" })?;
            f.write_str(k)?;
            f.write_str("=")?;
            write_encoded(f, v)?;
        }
        if let Some(s) = self.subpath() {
            f.write_str("#")?;
            write_segments(f, s)?;
        }
        Ok(())
    }
}

fn write_segments(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    for (i, segment) in s.split('/').enumerate() {
        if i > 0 {
            f.write_str("/")?;
        }
        write_encoded(f, segment)?;
    }
    Ok(())
}

impl fmt::Debug for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Purl({self})")
    }
}

impl PartialEq for Purl {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Purl {}

impl PartialOrd for Purl {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Purl {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl Hash for Purl {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

/// A sorted, read-only view of a PURL's qualifiers.
#[derive(Clone, Copy)]
pub struct Qualifiers<'a> {
    buf: &'a str,
    pairs: &'a [(Span, Span)],
}

impl<'a> Qualifiers<'a> {
    /// The value for `key` (keys are lowercase).
    pub fn get(&self, key: &str) -> Option<&'a str> {
        let i = self
            .pairs
            .binary_search_by(|(k, _)| self.text(*k).cmp(key))
            .ok()?;
        self.pairs.get(i).map(|(_, v)| self.text(*v))
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// `(key, value)` pairs in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'a str, &'a str)> + 'a {
        let buf = self.buf;
        self.pairs.iter().map(move |(k, v)| {
            (
                buf.get(k.start..k.end).unwrap_or_default(),
                buf.get(v.start..v.end).unwrap_or_default(),
            )
        })
    }

    fn text(&self, span: Span) -> &'a str {
        self.buf.get(span.start..span.end).unwrap_or_default()
    }
}

impl fmt::Debug for Qualifiers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for Qualifiers<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Qualifiers<'_> {}

impl PartialOrd for Qualifiers<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Qualifiers<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.iter().cmp(other.iter())
    }
}

impl Hash for Qualifiers<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len().hash(state);
        for pair in self.iter() {
            pair.hash(state);
        }
    }
}

/// Builds a [`Purl`] from decoded component values, applying the same
/// validation and normalisation as parsing. Empty optional values count as
/// absent.
#[derive(Debug, Clone)]
pub struct PurlBuilder<'a> {
    ty: &'a str,
    namespace: Option<&'a str>,
    name: &'a str,
    version: Option<&'a str>,
    qualifiers: Vec<(&'a str, &'a str)>,
    subpath: Option<&'a str>,
}

impl<'a> PurlBuilder<'a> {
    /// The namespace; `/` separates segments.
    pub fn namespace(mut self, namespace: &'a str) -> Self {
        self.namespace = Some(namespace);
        self
    }

    pub fn version(mut self, version: &'a str) -> Self {
        self.version = Some(version);
        self
    }

    /// Adds a qualifier; the key is lowercased, an empty value is dropped.
    pub fn qualifier(mut self, key: &'a str, value: &'a str) -> Self {
        self.qualifiers.push((key, value));
        self
    }

    /// The subpath; `/` separates segments, and empty, `.` and `..` segments
    /// are dropped.
    pub fn subpath(mut self, subpath: &'a str) -> Self {
        self.subpath = Some(subpath);
        self
    }

    pub fn build(&self) -> Result<Purl, PurlError> {
        let capacity = [self.ty, self.name]
            .into_iter()
            .chain(self.namespace)
            .chain(self.version)
            .chain(self.subpath)
            .chain(self.qualifiers.iter().flat_map(|(k, v)| [*k, *v]))
            .map(str::len)
            .sum();
        let raw = Raw {
            capacity,
            ty: self.ty,
            ty_at: 0,
            namespace: self.namespace.map(Text::Decoded),
            name: Text::Decoded(self.name),
            version: self.version.filter(|v| !v.is_empty()).map(Text::Decoded),
            qualifiers: Quals::Pairs(&self.qualifiers),
            subpath: self.subpath.map(Text::Decoded),
            lenient_keys: true,
        };
        assemble(raw)
    }
}

/// A component value as found in a PURL string (percent-encoded, at a byte
/// offset) or as given to the builder (decoded).
#[derive(Debug, Clone, Copy)]
enum Text<'a> {
    Encoded { raw: &'a str, at: usize },
    Decoded(&'a str),
}

impl<'a> Text<'a> {
    fn is_empty(&self) -> bool {
        match self {
            Text::Encoded { raw, .. } => raw.is_empty(),
            Text::Decoded(s) => s.is_empty(),
        }
    }

    fn append_to(&self, out: &mut Vec<u8>, component: Component) -> Result<(), PurlError> {
        match *self {
            Text::Encoded { raw, at } => decode_into(out, raw, component, at),
            Text::Decoded(s) => {
                out.extend_from_slice(s.as_bytes());
                Ok(())
            }
        }
    }

    /// `/`-separated pieces with their offsets (0 for decoded text).
    fn segments(self) -> impl Iterator<Item = Text<'a>> {
        let (s, base, encoded) = match self {
            Text::Encoded { raw, at } => (raw, at, true),
            Text::Decoded(s) => (s, 0, false),
        };
        s.split('/').scan(base, move |at, seg| {
            let this = *at;
            *at += seg.len() + 1;
            Some(if encoded {
                Text::Encoded { raw: seg, at: this }
            } else {
                Text::Decoded(seg)
            })
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Quals<'a> {
    Encoded { raw: &'a str, at: usize },
    Pairs(&'a [(&'a str, &'a str)]),
}

/// The components before validation and normalisation.
struct Raw<'a> {
    /// Expected size of the decoded components, to allocate once.
    capacity: usize,
    ty: &'a str,
    ty_at: usize,
    namespace: Option<Text<'a>>,
    name: Text<'a>,
    version: Option<Text<'a>>,
    qualifiers: Quals<'a>,
    subpath: Option<Text<'a>>,
    lenient_keys: bool,
}

fn parse(input: &str, lenient_keys: bool) -> Result<Purl, PurlError> {
    let (rest, subpath) = match input.rsplit_once('#') {
        Some((rest, sub)) => (
            rest,
            Some(Text::Encoded {
                raw: sub,
                at: rest.len() + 1,
            }),
        ),
        None => (input, None),
    };
    let (rest, qualifiers) = match rest.rsplit_once('?') {
        Some((rest, q)) => (
            rest,
            Some(Quals::Encoded {
                raw: q,
                at: rest.len() + 1,
            }),
        ),
        None => (rest, None),
    };
    let Some((scheme, after_scheme)) = rest.split_once(':') else {
        return Err(PurlError::MissingScheme);
    };
    if !scheme.eq_ignore_ascii_case("pkg") {
        return Err(PurlError::MissingScheme);
    }
    let after_slashes = after_scheme.trim_start_matches('/');
    let ty_at = rest.len() - after_slashes.len();
    let (ty, path, path_at) = match after_slashes.split_once('/') {
        Some((ty, path)) => (ty, path, ty_at + ty.len() + 1),
        None => (after_slashes, "", rest.len()),
    };
    check_type(ty, ty_at)?;
    let ty_rules = types::rules(&ty.to_ascii_lowercase());

    // The version separator is the last '@' after the last '/'.
    let last_slash = path.rfind('/').map_or(0, |i| i + 1);
    let (path, version) = match path.get(last_slash..).and_then(|tail| tail.rfind('@')) {
        Some(i) => {
            let at = last_slash + i;
            let version = path.get(at + 1..).unwrap_or_default();
            if version.is_empty() {
                return Err(PurlError::EmptyVersion { at: path_at + at });
            }
            (
                path.get(..at).unwrap_or_default(),
                Some(Text::Encoded {
                    raw: version,
                    at: path_at + at + 1,
                }),
            )
        }
        None => (path, None),
    };

    let (namespace, name) = if ty_rules.host_namespace {
        let trimmed = path.trim_start_matches('/');
        let at = path_at + path.len() - trimmed.len();
        match trimmed.split_once('/') {
            Some((host, name)) => (
                Some(Text::Encoded { raw: host, at }),
                Text::Encoded {
                    raw: name,
                    at: at + host.len() + 1,
                },
            ),
            None => (None, Text::Encoded { raw: trimmed, at }),
        }
    } else {
        match path.rsplit_once('/') {
            Some((ns, name)) => (
                Some(Text::Encoded {
                    raw: ns,
                    at: path_at,
                }),
                Text::Encoded {
                    raw: name,
                    at: path_at + ns.len() + 1,
                },
            ),
            None => (
                None,
                Text::Encoded {
                    raw: path,
                    at: path_at,
                },
            ),
        }
    };
    assemble(Raw {
        capacity: input.len(),
        ty,
        ty_at,
        namespace,
        name,
        version,
        qualifiers: qualifiers.unwrap_or(Quals::Pairs(&[])),
        subpath,
        lenient_keys,
    })
}

fn check_type(ty: &str, at: usize) -> Result<(), PurlError> {
    let mut chars = ty.char_indices();
    let Some((_, first)) = chars.next() else {
        return Err(PurlError::MissingType);
    };
    if !first.is_ascii_alphabetic() {
        return Err(PurlError::TypeStart { ch: first, at });
    }
    for (i, ch) in chars {
        if !(ch.is_ascii_alphanumeric() || matches!(ch, '.' | '+' | '-')) {
            return Err(PurlError::InvalidTypeChar { ch, at: at + i });
        }
    }
    Ok(())
}

fn check_key(key: &str, at: usize) -> Result<(), PurlError> {
    let fail = |reason| {
        Err(PurlError::InvalidQualifierKey {
            key: key.into(),
            at,
            reason,
        })
    };
    match key.bytes().next() {
        None => return fail("empty"),
        Some(b) if b.is_ascii_digit() => return fail("must not start with a digit"),
        Some(_) => {}
    }
    if key
        .bytes()
        .any(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')))
    {
        return fail("only lowercase ASCII letters, digits, '.', '-' and '_' are allowed");
    }
    Ok(())
}

fn span(start: usize, buf: &[u8]) -> Span {
    Span {
        start,
        end: buf.len(),
    }
}

/// Appends the non-empty segments of `text` joined with `/`; `None` when
/// there are none. For subpaths, `.` and `..` are dropped and a decoded `/`
/// is an error.
fn append_segments(
    buf: &mut Vec<u8>,
    text: Text<'_>,
    component: Component,
) -> Result<Option<Span>, PurlError> {
    let start = buf.len();
    for segment in text.segments() {
        if segment.is_empty() {
            continue;
        }
        let before = buf.len();
        if before > start {
            buf.push(b'/');
        }
        let seg_start = buf.len();
        segment.append_to(buf, component)?;
        if component == Component::Subpath {
            let decoded = buf.get(seg_start..).unwrap_or_default();
            if decoded == b"." || decoded == b".." {
                buf.truncate(before);
                continue;
            }
            if decoded.contains(&b'/') {
                let (segment, at) = match segment {
                    Text::Encoded { raw, at } => (raw, at),
                    Text::Decoded(s) => (s, 0),
                };
                return Err(PurlError::SubpathSegmentSlash {
                    segment: segment.into(),
                    at,
                });
            }
        }
    }
    Ok((buf.len() > start).then(|| span(start, buf)))
}

fn assemble(raw: Raw<'_>) -> Result<Purl, PurlError> {
    check_type(raw.ty, raw.ty_at)?;
    let mut buf: Vec<u8> = Vec::with_capacity(raw.capacity);
    buf.extend_from_slice(raw.ty.as_bytes());
    buf.make_ascii_lowercase();
    let ty = span(0, &buf);
    let rules: TypeRules = types::rules(std::str::from_utf8(&buf).unwrap_or_default());

    let qualifiers = append_qualifiers(&mut buf, raw.qualifiers, raw.lenient_keys)?;

    let mut namespace = None;
    if let Some(text) = raw.namespace {
        let start = buf.len();
        if rules.host_namespace {
            // One segment, the host: kept whole, `/` and all.
            text.append_to(&mut buf, Component::Namespace)?;
            namespace = (buf.len() > start).then(|| span(start, &buf));
        } else {
            namespace = append_segments(&mut buf, text, Component::Namespace)?;
        }
        if namespace.is_some() && rules.lower_namespace {
            types::lowercase_tail(&mut buf, start);
            namespace = Some(span(start, &buf));
        }
    }

    let start = buf.len();
    if rules.host_namespace {
        append_segments(&mut buf, raw.name, Component::Name)?;
    } else {
        raw.name.append_to(&mut buf, Component::Name)?;
    }
    if buf.len() == start {
        return Err(PurlError::MissingName);
    }
    let lower_name = rules.lower_name
        || (rules.name_rule == NameRule::Mlflow
            && qualifier_value(&buf, &qualifiers, b"repository_url")
                .is_some_and(|v| v.windows(10).any(|w| w.eq_ignore_ascii_case(b"databricks"))));
    if lower_name {
        types::lowercase_tail(&mut buf, start);
    }
    if rules.name_rule == NameRule::Pypi {
        types::pypi_normalize(&mut buf, start);
    }
    let name = span(start, &buf);

    let version = match raw.version {
        Some(text) => {
            let start = buf.len();
            text.append_to(&mut buf, Component::Version)?;
            if rules.lower_version {
                types::lowercase_tail(&mut buf, start);
            }
            Some(span(start, &buf))
        }
        None => None,
    };

    let subpath = match raw.subpath {
        Some(text) => append_segments(&mut buf, text, Component::Subpath)?,
        None => None,
    };

    let buf = String::from_utf8(buf).map_err(|e| PurlError::InvalidUtf8 {
        component: Component::Name,
        at: e.utf8_error().valid_up_to(),
    })?;
    let purl = Purl {
        buf,
        ty,
        namespace,
        name,
        version,
        qualifiers,
        subpath,
    };
    let ty_name = || purl.ty().into();
    match (rules.namespace, purl.namespace.is_some()) {
        (Requirement::Required, false) => {
            return Err(PurlError::NamespaceRequired { ty: ty_name() });
        }
        (Requirement::Prohibited, true) => {
            return Err(PurlError::NamespaceProhibited { ty: ty_name() });
        }
        _ => {}
    }
    if let Some(key) = rules.required_qualifier
        && purl.qualifiers().get(key).is_none()
    {
        return Err(PurlError::QualifierRequired { ty: ty_name(), key });
    }
    types::check(purl.ty(), purl.name(), purl.version())?;
    Ok(purl)
}

fn qualifier_value<'b>(buf: &'b [u8], pairs: &[(Span, Span)], key: &[u8]) -> Option<&'b [u8]> {
    pairs.iter().find_map(|(k, v)| {
        (buf.get(k.start..k.end)? == key)
            .then(|| buf.get(v.start..v.end))
            .flatten()
    })
}

fn append_qualifiers(
    buf: &mut Vec<u8>,
    quals: Quals<'_>,
    lenient_keys: bool,
) -> Result<Vec<(Span, Span)>, PurlError> {
    let mut pairs: Vec<(Span, Span)> = Vec::with_capacity(match quals {
        Quals::Encoded { raw, .. } => raw.split('&').count(),
        Quals::Pairs(list) => list.len(),
    });
    let mut push = |buf: &mut Vec<u8>, key: &str, key_at: usize, value: Text<'_>| {
        let key_start = buf.len();
        buf.extend_from_slice(key.as_bytes());
        if lenient_keys {
            buf.get_mut(key_start..)
                .unwrap_or_default()
                .make_ascii_lowercase();
        }
        let key_span = span(key_start, buf);
        check_key(
            std::str::from_utf8(buf.get(key_start..).unwrap_or_default()).unwrap_or_default(),
            key_at,
        )
        .map_err(|e| match e {
            // Report the key as written, not as lowercased.
            PurlError::InvalidQualifierKey { at, reason, .. } => PurlError::InvalidQualifierKey {
                key: key.into(),
                at,
                reason,
            },
            other => other,
        })?;
        let value_start = buf.len();
        value.append_to(buf, Component::Qualifiers)?;
        if buf.len() == value_start {
            buf.truncate(key_start);
        } else {
            pairs.push((key_span, span(value_start, buf)));
        }
        Ok::<(), PurlError>(())
    };
    match quals {
        Quals::Encoded { raw, at } => {
            let mut offset = at;
            for pair in raw.split('&') {
                let pair_at = offset;
                offset += pair.len() + 1;
                if pair.is_empty() {
                    continue;
                }
                let Some((key, value)) = pair.split_once('=') else {
                    return Err(PurlError::QualifierWithoutEquals {
                        pair: pair.into(),
                        at: pair_at,
                    });
                };
                let value = Text::Encoded {
                    raw: value,
                    at: pair_at + key.len() + 1,
                };
                push(buf, key, pair_at, value)?;
            }
        }
        Quals::Pairs(list) => {
            for &(key, value) in list {
                push(buf, key, 0, Text::Decoded(value))?;
            }
        }
    }
    let text = |s: Span| buf.get(s.start..s.end).unwrap_or_default();
    // Stable: of equal keys, the later one stays later.
    pairs.sort_by(|a, b| text(a.0).cmp(text(b.0)));
    for w in pairs.windows(2) {
        if let [a, b] = w
            && text(a.0) == text(b.0)
        {
            let key = String::from_utf8_lossy(text(b.0)).into_owned();
            let at = duplicate_at(quals, &key);
            return Err(PurlError::DuplicateQualifier {
                key: key.into(),
                at,
            });
        }
    }
    Ok(pairs)
}

/// Where the second pair with (lowercased) `key` starts; error path only.
fn duplicate_at(quals: Quals<'_>, key: &str) -> usize {
    let Quals::Encoded { raw, at } = quals else {
        return 0;
    };
    let mut offset = at;
    let mut seen = false;
    for pair in raw.split('&') {
        let k = pair.split_once('=').map_or(pair, |(k, _)| k);
        if k.eq_ignore_ascii_case(key) {
            if seen {
                return offset;
            }
            seen = true;
        }
        offset += pair.len() + 1;
    }
    at
}

#[cfg(test)]
mod tests;
