use std::borrow::Cow;

use crate::Scheme;

/// A version string that its scheme does not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {scheme} version {input:?}: {reason}")]
#[non_exhaustive]
pub struct VersionError {
    scheme: Scheme,
    input: Box<str>,
    reason: Cow<'static, str>,
}

impl VersionError {
    /// `reason` names what is wrong and, where it helps, where: for example
    /// `"unexpected character '%' at byte 4"`.
    pub fn new(scheme: Scheme, input: &str, reason: impl Into<Cow<'static, str>>) -> Self {
        VersionError {
            scheme,
            input: input.into(),
            reason: reason.into(),
        }
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    pub fn input(&self) -> &str {
        &self.input
    }

    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// A name that is neither an OSV ecosystem, a `vers` scheme nor `generic`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown version scheme {0:?}")]
pub struct UnknownScheme(pub Box<str>);
