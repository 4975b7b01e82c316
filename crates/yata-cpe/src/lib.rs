//! CPE 2.3 names: the well-formed name ([`Cpe`]), its two bindings (the
//! formatted string `cpe:2.3:…` and the CPE 2.2 URI `cpe:/…`, NISTIR 7695
//! §6) and name matching (NISTIR 7696).
//!
//! Hand-written because the one crate on crates.io (`cpe` 0.1.5) parses both
//! bindings but has no NISTIR 7696 matching and no borrow-only comparison.
//!
//! # Parsing
//!
//! [`Cpe::from_str`](std::str::FromStr) takes either binding, told apart by
//! prefix ([`Cpe::parse_fs`], [`Cpe::parse_uri`] take one). Decisions where
//! the spec leaves room:
//!
//! - The formatted string must have exactly 11 components after `cpe:2.3:`,
//!   as the spec's grammar says. Real data has no shorter ones (NVD and the
//!   CVE records always write 13 parts), so no leniency is needed; names with
//!   an unquoted `:` inside a value are rejected, not guessed at.
//! - Punctuation other than `.`, `-` and `_` must be quoted with `\` in the
//!   formatted string; `\` before a letter or digit is an error. Upper case
//!   is kept as written (the spec's grammar allows it); matching ignores it.
//! - The URI is lowercased while unbinding, as the spec's `decode` does; its
//!   missing trailing components are ANY; only the percent-encodings the
//!   binding defines are accepted; a lone `%02` becomes ANY (the formatted
//!   string cannot tell the string `*` from ANY either).
//! - `part` is `a`, `o`, `h` or ANY; NA is rejected. `language` is checked
//!   like any other value, not as an RFC 5646 tag.
//! - What the URI cannot express, the extended attributes, is packed into its
//!   edition component (`~edition~sw_edition~target_sw~target_hw~other`) as
//!   the spec's `pack`/`unpack` do.
//!
//! # Matching
//!
//! [`Cpe::compare`] gives the NISTIR 7696 relation of a source name to a
//! target name, case-insensitively. Unquoted `*` and `?` in the source match
//! any characters and at most one character each (a run of n `?` at an end
//! matches up to n characters, as in the spec's `compare_strings`). Wildcards
//! in the *target* make the result undefined per 7696 table 6-2; that is
//! [`Relation::Undefined`], not an error. When the attribute results mix
//! SUBSET and SUPERSET the spec's four name relations all fail; that is
//! [`Relation::Overlap`].
//!
//! # Storage
//!
//! A [`Cpe`] is its canonical formatted string plus eleven offsets: parsing
//! allocates once (not at all beyond the copy for canonical input), getters
//! borrow, printing the formatted string copies, and comparing never
//! allocates.

#![forbid(unsafe_code)]

use std::fmt;
use std::str::FromStr;

mod error;
mod matching;
mod uri;
mod value;

pub use error::{Error, Reason};
pub use matching::Relation;
pub use value::{Attribute, AvStr, Value};

use value::{Scanned, push_canonical, scan_fs};

/// The longest name accepted, in bytes (offsets are kept as `u16`).
pub const MAX_LEN: usize = u16::MAX as usize;

const FS_PREFIX: &str = "cpe:2.3:";
const URI_PREFIX: &str = "cpe:/";

/// A CPE 2.3 well-formed name (WFN): eleven attribute values, each ANY, NA or
/// a validated string.
///
/// Equality, hashing and ordering are exact (case-sensitive) over the
/// canonical formatted string; use [`Cpe::to_lowercase`] for keys that
/// should ignore case, and [`Cpe::compare`] for NISTIR 7696 matching.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cpe {
    /// Canonical formatted string.
    fs: Box<str>,
    /// Byte offset of each component in `fs`.
    starts: [u16; 11],
    /// Bit i set when attribute i is a string with unquoted wildcards.
    wild: u16,
}

impl Cpe {
    /// Parses either binding, chosen by prefix (`cpe:2.3:` or `cpe:/`, ASCII
    /// case ignored).
    pub fn parse(s: &str) -> Result<Cpe, Error> {
        if starts_with_ignore_case(s, FS_PREFIX) {
            Cpe::parse_fs(s)
        } else if starts_with_ignore_case(s, URI_PREFIX) {
            Cpe::parse_uri(s)
        } else {
            Err(Error::Prefix)
        }
    }

    /// Parses the formatted-string binding (NISTIR 7695 §6.2.3).
    pub fn parse_fs(s: &str) -> Result<Cpe, Error> {
        check_len(s.len())?;
        if !starts_with_ignore_case(s, FS_PREFIX) {
            return Err(Error::Prefix);
        }
        let b = s.as_bytes();
        let mut bounds = [(0usize, 0usize); 11];
        let mut found = 0;
        let mut start = FS_PREFIX.len();
        let mut i = start;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b':' => {
                    if let Some(slot) = bounds.get_mut(found) {
                        *slot = (start, i);
                    }
                    found += 1;
                    start = i + 1;
                    i += 1;
                }
                _ => i += 1,
            }
        }
        if let Some(slot) = bounds.get_mut(found) {
            *slot = (start, b.len());
        }
        found += 1;
        if found != 11 {
            return Err(Error::FsComponentCount { found });
        }

        let mut rewrite = !s.starts_with(FS_PREFIX);
        let mut wild = 0u16;
        for (attribute, &(start, end)) in Attribute::ALL.iter().zip(&bounds) {
            let text = &b[start..end];
            let fail = |(offset, reason)| Error::Value {
                attribute: *attribute,
                offset,
                reason,
            };
            if *attribute == Attribute::Part {
                check_part(text).map_err(fail)?;
                continue;
            }
            if let Scanned::Str { rewrite: r } = scan_fs(text).map_err(fail)? {
                rewrite |= r;
                if value::has_wildcards(text) {
                    wild |= 1 << attribute.index();
                }
            }
        }

        if !rewrite {
            let mut starts = [0u16; 11];
            for (slot, &(start, _)) in starts.iter_mut().zip(&bounds) {
                *slot = start as u16; // fits: s.len() <= MAX_LEN
            }
            return Ok(Cpe {
                fs: s.into(),
                starts,
                wild,
            });
        }
        let mut builder = Builder::new(s.len());
        for &(start, end) in &bounds {
            builder.begin();
            push_canonical(&mut builder.fs, &s[start..end]);
        }
        builder.finish(wild)
    }

    /// Parses the CPE 2.2 URI binding (NISTIR 7695 §6.1.3).
    pub fn parse_uri(s: &str) -> Result<Cpe, Error> {
        uri::parse(s)
    }

    /// The value of one attribute.
    pub fn get(&self, attribute: Attribute) -> Value<'_> {
        Value::from_fs(self.component(attribute.index()))
    }

    /// `part`: `a`, `o`, `h` or ANY.
    pub fn part(&self) -> Value<'_> {
        self.get(Attribute::Part)
    }

    /// `vendor`.
    pub fn vendor(&self) -> Value<'_> {
        self.get(Attribute::Vendor)
    }

    /// `product`.
    pub fn product(&self) -> Value<'_> {
        self.get(Attribute::Product)
    }

    /// `version`.
    pub fn version(&self) -> Value<'_> {
        self.get(Attribute::Version)
    }

    /// `update`.
    pub fn update(&self) -> Value<'_> {
        self.get(Attribute::Update)
    }

    /// `edition`.
    pub fn edition(&self) -> Value<'_> {
        self.get(Attribute::Edition)
    }

    /// `language`.
    pub fn language(&self) -> Value<'_> {
        self.get(Attribute::Language)
    }

    /// `sw_edition`.
    pub fn sw_edition(&self) -> Value<'_> {
        self.get(Attribute::SwEdition)
    }

    /// `target_sw`.
    pub fn target_sw(&self) -> Value<'_> {
        self.get(Attribute::TargetSw)
    }

    /// `target_hw`.
    pub fn target_hw(&self) -> Value<'_> {
        self.get(Attribute::TargetHw)
    }

    /// `other`.
    pub fn other(&self) -> Value<'_> {
        self.get(Attribute::Other)
    }

    /// All eleven values in binding order.
    pub fn values(&self) -> [Value<'_>; 11] {
        Attribute::ALL.map(|a| self.get(a))
    }

    /// Whether any value has unquoted wildcards (such a name is a pattern:
    /// fine as a matching source, undefined as a target).
    pub fn has_wildcards(&self) -> bool {
        self.wild != 0
    }

    /// The formatted-string binding (NISTIR 7695 §6.2.2), borrowed.
    pub fn as_fs(&self) -> &str {
        &self.fs
    }

    /// The formatted-string binding (NISTIR 7695 §6.2.2); also [`Display`](fmt::Display).
    pub fn to_fs(&self) -> String {
        self.fs.to_string()
    }

    /// The CPE 2.2 URI binding (NISTIR 7695 §6.1.2), with the extended
    /// attributes packed into the edition component when any is not ANY.
    pub fn to_uri(&self) -> String {
        uri::bind(self)
    }

    /// The well-formed name as NISTIR 7695 §5.4 writes it:
    /// `wfn:[part="a",vendor="microsoft",…,other=ANY]`.
    pub fn to_wfn(&self) -> String {
        let mut out = String::from("wfn:[");
        for (n, attribute) in Attribute::ALL.into_iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push_str(attribute.name());
            out.push('=');
            match self.get(attribute) {
                Value::Any => out.push_str("ANY"),
                Value::Na => out.push_str("NA"),
                Value::Str(s) => {
                    out.push('"');
                    out.push_str(&s.to_wfn());
                    out.push('"');
                }
            }
        }
        out.push(']');
        out
    }

    /// The same name with every letter in lower case: the normal form for
    /// keys and indexes, since NISTIR 7696 matching ignores case (and the URI
    /// binding's unbinding lowercases).
    pub fn to_lowercase(&self) -> Cpe {
        Cpe {
            fs: self.fs.to_ascii_lowercase().into(),
            starts: self.starts,
            wild: self.wild,
        }
    }

    /// Whether no value has an upper-case letter.
    pub fn is_lowercase(&self) -> bool {
        !self.fs.bytes().any(|b| b.is_ascii_uppercase())
    }

    fn component(&self, i: usize) -> &str {
        let start = usize::from(self.starts[i]);
        let end = match self.starts.get(i + 1) {
            Some(&next) => usize::from(next) - 1,
            None => self.fs.len(),
        };
        &self.fs[start..end]
    }

    pub(crate) fn wildcard_bit(&self, i: usize) -> bool {
        self.wild & (1 << i) != 0
    }
}

impl fmt::Display for Cpe {
    /// The formatted-string binding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fs)
    }
}

impl fmt::Debug for Cpe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cpe").field(&&*self.fs).finish()
    }
}

impl FromStr for Cpe {
    type Err = Error;

    /// Either binding; see [`Cpe::parse`].
    fn from_str(s: &str) -> Result<Cpe, Error> {
        Cpe::parse(s)
    }
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn check_len(len: usize) -> Result<(), Error> {
    if len > MAX_LEN {
        return Err(Error::TooLong { len, max: MAX_LEN });
    }
    Ok(())
}

fn check_part(text: &[u8]) -> Result<(), (usize, Reason)> {
    match text {
        b"a" | b"o" | b"h" | b"*" => Ok(()),
        b"" => Err((0, Reason::Empty)),
        _ => Err((0, Reason::BadPart)),
    }
}

/// Assembles a canonical formatted string component by component.
pub(crate) struct Builder {
    pub(crate) fs: String,
    starts: [usize; 11],
    next: usize,
}

impl Builder {
    pub(crate) fn new(capacity: usize) -> Builder {
        let mut fs = String::with_capacity(capacity.max(32));
        fs.push_str(FS_PREFIX);
        Builder {
            fs,
            starts: [0; 11],
            next: 0,
        }
    }

    /// Starts the next component; its text is then pushed onto `fs`.
    pub(crate) fn begin(&mut self) {
        if self.next > 0 {
            self.fs.push(':');
        }
        if let Some(slot) = self.starts.get_mut(self.next) {
            *slot = self.fs.len();
        }
        self.next += 1;
    }

    pub(crate) fn finish(self, wild: u16) -> Result<Cpe, Error> {
        debug_assert_eq!(self.next, 11);
        check_len(self.fs.len())?;
        Ok(Cpe {
            fs: self.fs.into_boxed_str(),
            starts: self.starts.map(|s| s as u16),
            wild,
        })
    }
}
