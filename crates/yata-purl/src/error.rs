use std::fmt;

/// The part of a PURL an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Component {
    Scheme,
    Type,
    Namespace,
    Name,
    Version,
    Qualifiers,
    Subpath,
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Component::Scheme => "scheme",
            Component::Type => "type",
            Component::Namespace => "namespace",
            Component::Name => "name",
            Component::Version => "version",
            Component::Qualifiers => "qualifiers",
            Component::Subpath => "subpath",
        })
    }
}

/// Why a string or a set of components is not a valid PURL.
///
/// Byte offsets (`at`) count from the start of the parsed string; for
/// [`PurlBuilder`](crate::PurlBuilder) they count from the start of the
/// offending component value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PurlError {
    #[error("purl: missing required scheme \"pkg:\"")]
    MissingScheme,
    #[error("purl: type: missing")]
    MissingType,
    #[error("purl: type: invalid character {ch:?} at byte {at}")]
    InvalidTypeChar { ch: char, at: usize },
    #[error("purl: type: must start with an ASCII letter, found {ch:?} at byte {at}")]
    TypeStart { ch: char, at: usize },
    #[error("purl: name: missing")]
    MissingName,
    #[error("purl: version: empty after '@' at byte {at}")]
    EmptyVersion { at: usize },
    #[error("purl: {component}: invalid percent-encoding at byte {at}")]
    InvalidPercentEncoding { component: Component, at: usize },
    #[error("purl: {component}: percent-decoded bytes are not UTF-8 at byte {at}")]
    InvalidUtf8 { component: Component, at: usize },
    #[error("purl: qualifiers: missing '=' in {pair:?} at byte {at}")]
    QualifierWithoutEquals { pair: Box<str>, at: usize },
    #[error("purl: qualifiers: invalid key {key:?} at byte {at}: {reason}")]
    InvalidQualifierKey {
        key: Box<str>,
        at: usize,
        reason: &'static str,
    },
    #[error("purl: qualifiers: duplicate key {key:?} at byte {at}")]
    DuplicateQualifier { key: Box<str>, at: usize },
    #[error("purl: subpath: segment {segment:?} contains '/' at byte {at}")]
    SubpathSegmentSlash { segment: Box<str>, at: usize },
    #[error("purl: namespace: required for type {ty:?}")]
    NamespaceRequired { ty: Box<str> },
    #[error("purl: namespace: not allowed for type {ty:?}")]
    NamespaceProhibited { ty: Box<str> },
    #[error("purl: qualifiers: {key:?} is required for type {ty:?}")]
    QualifierRequired { ty: Box<str>, key: &'static str },
    /// A rule of the type's definition (for example the characters a name
    /// may hold) is broken.
    #[error("purl: {component}: {reason} for type {ty:?}")]
    TypeRule {
        ty: Box<str>,
        component: Component,
        reason: &'static str,
    },
}
