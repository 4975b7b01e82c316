use std::fmt;

use crate::Attribute;

/// Why a CPE name was rejected.
///
/// Messages are lowercase and located: the attribute is named with its
/// 1-based position in the name (part = 1 … other = 11) and the byte offset
/// is counted from the start of that component as written in the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input starts with neither `cpe:2.3:` nor `cpe:/`.
    #[error("cpe: expected a name starting with 'cpe:2.3:' or 'cpe:/'")]
    Prefix,
    /// The input is longer than any CPE name can sensibly be.
    #[error("cpe: name is {len} bytes long, at most {max} allowed")]
    TooLong {
        /// Length of the input in bytes.
        len: usize,
        /// The limit ([`crate::MAX_LEN`]).
        max: usize,
    },
    /// A formatted string without exactly 11 components after `cpe:2.3:`.
    #[error("cpe: formatted string has {found} components after 'cpe:2.3:', expected 11")]
    FsComponentCount {
        /// How many colon-separated components were found.
        found: usize,
    },
    /// A URI with more than 7 components after `cpe:/`.
    #[error("cpe: uri has {found} components after 'cpe:/', at most 7 allowed")]
    UriComponentCount {
        /// How many colon-separated components were found.
        found: usize,
    },
    /// One attribute value is malformed.
    #[error("cpe: component {} ({attribute}): {reason} at byte {offset}", attribute.number())]
    Value {
        /// The attribute whose value is malformed.
        attribute: Attribute,
        /// Byte offset of the fault within the component as written.
        offset: usize,
        /// What is wrong.
        reason: Reason,
    },
}

/// What is wrong with one attribute value (see [`Error::Value`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// An empty component (`::`) in a formatted string.
    Empty,
    /// Printable punctuation that the binding requires to be quoted.
    UnquotedSpecial(char),
    /// An unquoted `*` or `?` (or `%02`/`%01`) that is not at the start or end.
    EmbeddedWildcard(char),
    /// Whitespace, a control character or a non-ASCII character.
    InvalidChar(char),
    /// A backslash at the end of a component.
    DanglingEscape,
    /// A backslash before a letter or digit.
    QuotedAlphanumeric(char),
    /// A `%` not followed by one of the percent-encodings the URI binding
    /// defines.
    BadPercent,
    /// `part` is not `a`, `o`, `h` or ANY.
    BadPart,
    /// A value that is a single (quoted) hyphen: only NA is written `-`.
    LoneHyphen,
    /// A packed URI edition (`~…`) with fewer than five `~`-separated fields.
    PackedEdition,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Empty => f.write_str("empty value"),
            Reason::UnquotedSpecial(c) => write!(f, "unquoted special character {c:?}"),
            Reason::EmbeddedWildcard(c) => {
                write!(f, "wildcard {c:?} not at the beginning or end of the value")
            }
            Reason::InvalidChar(c) => write!(f, "invalid character {c:?}"),
            Reason::DanglingEscape => f.write_str("backslash at the end of the value"),
            Reason::QuotedAlphanumeric(c) => write!(f, "quoted alphanumeric character {c:?}"),
            Reason::BadPercent => f.write_str("invalid percent-encoding"),
            Reason::BadPart => f.write_str("part must be 'a', 'o', 'h' or ANY"),
            Reason::LoneHyphen => f.write_str("a lone hyphen value (only NA is written '-')"),
            Reason::PackedEdition => f.write_str("packed edition needs five '~'-separated fields"),
        }
    }
}
