//! Attribute names and values, and the one canonical text every string value
//! is kept in.
//!
//! A string value is stored as its formatted-string (FS) binding, made
//! canonical: letters, digits, `_`, `.` and `-` bare; every other printable
//! ASCII character quoted with `\`; unquoted `*` and `?` only as wildcards at
//! the ends. So two values mean the same characters exactly when their texts
//! are equal, ignoring ASCII case where matching does.

use std::borrow::Cow;
use std::fmt;

use crate::Reason;

/// The eleven attributes of a well-formed name, in binding order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attribute {
    /// `a` (application), `o` (operating system) or `h` (hardware).
    Part,
    /// Who made the product.
    Vendor,
    /// The product's name.
    Product,
    /// The product's version.
    Version,
    /// Update or service pack.
    Update,
    /// Legacy edition (CPE 2.2).
    Edition,
    /// An RFC 5646 language tag.
    Language,
    /// Software edition (market or class of end users).
    SwEdition,
    /// Software environment the product runs in.
    TargetSw,
    /// Instruction set architecture.
    TargetHw,
    /// Anything else.
    Other,
}

impl Attribute {
    /// All attributes in binding order.
    pub const ALL: [Attribute; 11] = [
        Attribute::Part,
        Attribute::Vendor,
        Attribute::Product,
        Attribute::Version,
        Attribute::Update,
        Attribute::Edition,
        Attribute::Language,
        Attribute::SwEdition,
        Attribute::TargetSw,
        Attribute::TargetHw,
        Attribute::Other,
    ];

    /// The name NISTIR 7695 gives the attribute (`sw_edition`, …).
    pub fn name(self) -> &'static str {
        match self {
            Attribute::Part => "part",
            Attribute::Vendor => "vendor",
            Attribute::Product => "product",
            Attribute::Version => "version",
            Attribute::Update => "update",
            Attribute::Edition => "edition",
            Attribute::Language => "language",
            Attribute::SwEdition => "sw_edition",
            Attribute::TargetSw => "target_sw",
            Attribute::TargetHw => "target_hw",
            Attribute::Other => "other",
        }
    }

    /// 1-based position in the formatted string (part = 1, other = 11).
    pub fn number(self) -> usize {
        self.index() + 1
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An attribute value: one of the logical values ANY and NA, or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value<'a> {
    /// ANY: any value, including NA (bound as `*` in FS, empty in the URI).
    Any,
    /// NA: not applicable (bound as `-`).
    Na,
    /// A string, possibly with wildcards at its ends.
    Str(AvStr<'a>),
}

impl<'a> Value<'a> {
    pub(crate) fn from_fs(text: &'a str) -> Value<'a> {
        match text {
            "*" => Value::Any,
            "-" => Value::Na,
            _ => Value::Str(AvStr(text)),
        }
    }

    /// The string, if this is one.
    pub fn as_str(self) -> Option<AvStr<'a>> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is ANY.
    pub fn is_any(self) -> bool {
        self == Value::Any
    }

    /// Whether this is NA.
    pub fn is_na(self) -> bool {
        self == Value::Na
    }

    /// Whether this is a string with unquoted `*` or `?`.
    pub fn has_wildcards(self) -> bool {
        self.as_str().is_some_and(AvStr::has_wildcards)
    }

    /// The value as it appears in a formatted string (`*`, `-`, `8.0\:1`).
    pub fn as_fs(self) -> &'a str {
        match self {
            Value::Any => "*",
            Value::Na => "-",
            Value::Str(s) => s.as_fs(),
        }
    }
}

impl fmt::Display for Value<'_> {
    /// The formatted-string binding of the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_fs())
    }
}

/// A validated attribute-value string, borrowed from a [`crate::Cpe`].
///
/// Kept in canonical formatted-string form (see the module docs), so it can be
/// compared, matched and printed without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AvStr<'a>(&'a str);

impl<'a> AvStr<'a> {
    /// The formatted-string binding: `.`, `-` and `_` bare, other punctuation
    /// quoted with `\`, wildcards bare (`8.0`, `c\+\+`, `9.*`).
    pub fn as_fs(self) -> &'a str {
        self.0
    }

    /// The well-formed-name form, where every character but letters, digits
    /// and `_` is quoted (`8\.0`, `c\+\+`, `9\.*`).
    pub fn to_wfn(self) -> String {
        let mut out = String::with_capacity(self.0.len() + 4);
        for &b in self.0.as_bytes() {
            if b == b'.' || b == b'-' {
                out.push('\\');
            }
            out.push(char::from(b));
        }
        out
    }

    /// The characters the value stands for, quoting removed (`8.0.6001`,
    /// `c++`). Unquoted wildcards are kept as `*` and `?`, so the result is
    /// unambiguous only when [`Self::has_wildcards`] is false.
    pub fn unquoted(self) -> Cow<'a, str> {
        if !self.0.contains('\\') {
            return Cow::Borrowed(self.0);
        }
        let mut out = String::with_capacity(self.0.len());
        let mut quoted = false;
        for c in self.0.chars() {
            if c == '\\' && !quoted {
                quoted = true;
                continue;
            }
            quoted = false;
            out.push(c);
        }
        Cow::Owned(out)
    }

    /// Whether the value has an unquoted `*` or `?`.
    pub fn has_wildcards(self) -> bool {
        has_wildcards(self.0.as_bytes())
    }

    /// Whether two values stand for the same characters, ignoring ASCII case
    /// (as NISTIR 7696 matching does).
    pub fn eq_ignore_case(self, other: AvStr<'_>) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl fmt::Display for AvStr<'_> {
    /// The formatted-string binding of the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Whether canonical text has an unquoted `*` or `?`.
pub(crate) fn has_wildcards(text: &[u8]) -> bool {
    if !text.iter().any(|&b| b == b'*' || b == b'?') {
        return false;
    }
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'*' | b'?' => return true,
            _ => i += 1,
        }
    }
    false
}

/// Characters that stand for themselves, unquoted, in the formatted string.
pub(crate) fn is_fs_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Printable ASCII punctuation, every character that may be quoted.
pub(crate) fn is_quotable(b: u8) -> bool {
    b.is_ascii_graphic() && !b.is_ascii_alphanumeric()
}

/// The character at `i`, for messages (the whole UTF-8 character, not a byte).
pub(crate) fn char_at(text: &[u8], i: usize) -> char {
    match std::str::from_utf8(&text[i..]) {
        Ok(s) => s.chars().next().unwrap_or('\u{fffd}'),
        Err(e) if e.valid_up_to() > 0 => std::str::from_utf8(&text[i..i + e.valid_up_to()])
            .ok()
            .and_then(|s| s.chars().next())
            .unwrap_or('\u{fffd}'),
        Err(_) => '\u{fffd}',
    }
}

/// What a formatted-string component turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scanned {
    Any,
    Na,
    /// A string; `rewrite` when it quotes `.`, `-` or `_`, which the
    /// canonical form leaves bare.
    Str {
        rewrite: bool,
    },
}

/// Validates one formatted-string component (NISTIR 7695 6.2.3 `unbind_value_fs`
/// with the value grammar of 5.3.2). Errors carry the byte offset in `text`.
pub(crate) fn scan_fs(text: &[u8]) -> Result<Scanned, (usize, Reason)> {
    match text {
        b"" => return Err((0, Reason::Empty)),
        b"*" => return Ok(Scanned::Any),
        b"-" => return Ok(Scanned::Na),
        _ => {}
    }
    let mut rewrite = false;
    // Byte range of the value without its leading and trailing wildcards.
    let lead = if text[0] == b'*' {
        1
    } else {
        text.iter().take_while(|&&b| b == b'?').count()
    };
    let mut i = lead;
    let mut body_end = lead;
    while i < text.len() {
        let b = text[i];
        match b {
            b'\\' => {
                let Some(&q) = text.get(i + 1) else {
                    return Err((i, Reason::DanglingEscape));
                };
                if q.is_ascii_alphanumeric() {
                    return Err((i + 1, Reason::QuotedAlphanumeric(char::from(q))));
                }
                if !is_quotable(q) {
                    return Err((i + 1, Reason::InvalidChar(char_at(text, i + 1))));
                }
                rewrite |= matches!(q, b'.' | b'-' | b'_');
                i += 2;
                body_end = i;
            }
            b'*' => {
                if i + 1 != text.len() {
                    return Err((i, Reason::EmbeddedWildcard('*')));
                }
                i += 1;
            }
            b'?' => {
                if !text[i..].iter().all(|&b| b == b'?') {
                    return Err((i, Reason::EmbeddedWildcard('?')));
                }
                i = text.len();
            }
            _ if is_fs_bare(b) => {
                i += 1;
                body_end = i;
            }
            _ if is_quotable(b) => return Err((i, Reason::UnquotedSpecial(char::from(b)))),
            _ => return Err((i, Reason::InvalidChar(char_at(text, i)))),
        }
    }
    // NISTIR 7695 5.3.2: a value may not be a lone quoted hyphen (body1
    // excludes it) unless wildcards come first; canonically it would read as
    // NA.
    let body = &text[lead..body_end];
    if lead == 0 && (body == b"-" || body == b"\\-") {
        return Err((0, Reason::LoneHyphen));
    }
    Ok(Scanned::Str { rewrite })
}

/// Appends canonical text for a component that [`scan_fs`] accepted.
pub(crate) fn push_canonical(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' {
            let q = bytes[i + 1];
            if !matches!(q, b'.' | b'-' | b'_') {
                out.push('\\');
            }
            out.push(char::from(q));
            i += 2;
        } else {
            out.push(char::from(b));
            i += 1;
        }
    }
}

/// How many characters an end wildcard run may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Run {
    /// `*`: any number.
    Many,
    /// `?` repeated n times (n may be 0: no wildcard). Per the NISTIR 7696
    /// `compare_strings` pseudocode a run of n question marks at an end
    /// matches at most n characters.
    AtMost(usize),
}

impl Run {
    fn max(self) -> usize {
        match self {
            Run::Many => usize::MAX,
            Run::AtMost(n) => n,
        }
    }
}

/// Splits canonical text into leading run, literal body, trailing run.
pub(crate) fn split_wildcards(text: &[u8]) -> (Run, &[u8], Run) {
    let (lead, start) = match text.first() {
        Some(b'*') => (Run::Many, 1),
        _ => {
            let n = text.iter().take_while(|&&b| b == b'?').count();
            (Run::AtMost(n), n)
        }
    };
    let mut i = start;
    let mut end = start;
    while i < text.len() {
        match text[i] {
            b'\\' => {
                i += 2;
                end = i;
            }
            b'*' | b'?' => i += 1,
            _ => {
                i += 1;
                end = i;
            }
        }
    }
    let end = end.min(text.len());
    let trail = &text[end..];
    let trail = if trail.contains(&b'*') {
        Run::Many
    } else {
        Run::AtMost(trail.len())
    };
    (lead, &text[start..end], trail)
}

/// Whether `source` (canonical, may have end wildcards) matches `target`
/// (canonical, no wildcards), ignoring ASCII case.
pub(crate) fn wildcard_match(source: &[u8], target: &[u8]) -> bool {
    let (lead, body, trail) = split_wildcards(source);
    let n = if target.contains(&b'\\') {
        literal_count(target)
    } else {
        target.len()
    };
    let m = literal_count(body);
    if m > n {
        return false;
    }
    let max_pre = lead.max().min(n - m);
    // `pos` is the byte offset of character `pre` of the target. Identical
    // canonical bytes from a character boundary mean identical characters, so
    // comparing bytes is enough.
    let mut pos = 0;
    for pre in 0..=max_pre {
        let suffix = n - m - pre;
        if suffix <= trail.max()
            && target
                .get(pos..pos + body.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(body))
        {
            return true;
        }
        match target.get(pos) {
            Some(b'\\') => pos += 2,
            Some(_) => pos += 1,
            None => break,
        }
    }
    false
}

/// Number of characters in canonical literal text (each `\x` counts once).
fn literal_count(text: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < text.len() {
        i += if text[i] == b'\\' { 2 } else { 1 };
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_count_counts_quoted_backslash_once() {
        assert_eq!(literal_count(b"a\\\\b"), 3);
        assert_eq!(literal_count(b"\\!\\#x"), 3);
    }
}
