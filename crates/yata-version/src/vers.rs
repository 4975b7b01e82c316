//! `vers:` version range specifiers (purl-spec `VERSION-RANGE-SPEC.rst`).
//!
//! A [`VersionRange`] is syntactically valid by construction: a known
//! versioning scheme and either `*` alone or a list of constraints with
//! non-empty, percent-decoded versions. Whether it is *sorted and unique*
//! needs the scheme's ordering, so that is checked by [`VersionRange::validate`]
//! (strict) or established by [`VersionRange::normalize`] (lenient).
//!
//! Every operation that orders versions has a `*_by` twin taking any
//! comparator, so ranges can be used (and tested) without a [`Scheme`].

use std::borrow::Cow;
use std::cmp::Ordering;
use std::error::Error as StdError;
use std::fmt;
use std::str::FromStr;

use crate::{Scheme, Version, VersionError};

/// A constraint's comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    /// `=`, written as the bare version in the canonical form.
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Comparator {
    /// The operator as written; `""` for equality, as the canonical form has it.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Eq => "",
            Comparator::Ne => "!=",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }

    fn is_upper_bound(self) -> bool {
        matches!(self, Comparator::Lt | Comparator::Le)
    }

    fn is_lower_bound(self) -> bool {
        matches!(self, Comparator::Gt | Comparator::Ge)
    }

    /// Whether `ord` (the tested version compared to the constraint's) satisfies it.
    fn accepts(self, ord: Ordering) -> bool {
        match self {
            Comparator::Eq => ord.is_eq(),
            Comparator::Ne => ord.is_ne(),
            Comparator::Lt => ord.is_lt(),
            Comparator::Le => ord.is_le(),
            Comparator::Gt => ord.is_gt(),
            Comparator::Ge => ord.is_ge(),
        }
    }
}

impl fmt::Display for Comparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Comparator::Eq => "=",
            other => other.as_str(),
        })
    }
}

/// One `<comparator><version>` of a range; the version is decoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Constraint {
    comparator: Comparator,
    version: Box<str>,
}

impl Constraint {
    pub fn comparator(&self) -> Comparator {
        self.comparator
    }

    pub fn version(&self) -> &str {
        &self.version
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.comparator.as_str())?;
        write_encoded(f, &self.version)
    }
}

/// Why a `vers` string is not a valid range, or a containment check failed.
/// Constraint numbers count from 1, in the order written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VersRangeError {
    #[error("vers: missing required scheme \"vers:\"")]
    MissingScheme,
    #[error("vers: scheme {found:?} must be lowercase \"vers\"")]
    SchemeNotLowercase { found: Box<str> },
    #[error("vers: missing versioning scheme and '/' after \"vers:\"")]
    MissingVersioningScheme,
    #[error("vers: versioning scheme {name:?} must be lowercase")]
    VersioningSchemeNotLowercase { name: Box<str> },
    #[error("vers: unknown versioning scheme {name:?}")]
    UnknownVersioningScheme { name: Box<str> },
    #[error("vers: invalid character {ch:?} at byte {at}: only printable ASCII is allowed")]
    InvalidCharacter { ch: char, at: usize },
    #[error("vers: no constraints after the versioning scheme")]
    EmptyConstraints,
    #[error("vers: constraint {constraint}: '*' must be the only constraint")]
    StarNotAlone { constraint: usize },
    #[error("vers: versioning scheme {name:?} only allows the constraint '*'")]
    StarRequired { name: Box<str> },
    #[error("vers: constraint {constraint}: empty version")]
    EmptyVersion { constraint: usize },
    #[error("vers: constraint {constraint}: invalid percent-encoding at byte {at} of the version")]
    InvalidPercentEncoding { constraint: usize, at: usize },
    #[error("vers: constraint {constraint}: version {version:?} occurs more than once")]
    DuplicateVersion {
        constraint: usize,
        version: Box<str>,
    },
    #[error("vers: constraint {constraint}: not sorted by version")]
    NotSorted { constraint: usize },
    #[error(
        "vers: constraint {constraint}: {second:?} may not follow {first:?} \
         (bounds must alternate, and '=' is followed only by '=', '>' or '>=')"
    )]
    InvalidSequence {
        constraint: usize,
        first: Comparator,
        second: Comparator,
    },
    #[error("vers: {0}")]
    Version(#[from] VersionError),
    #[error("vers: comparing versions: {0}")]
    Compare(Box<dyn StdError + Send + Sync>),
}

impl VersRangeError {
    fn compare<E: StdError + Send + Sync + 'static>(e: E) -> Self {
        VersRangeError::Compare(Box::new(e))
    }
}

/// Maps a `vers` versioning-scheme name to the [`Scheme`] that orders its
/// versions. `all` and `none` (which need no ordering) and unknown names
/// give `None`.
pub fn scheme_for(name: &str) -> Option<Scheme> {
    Some(match name {
        "npm" => Scheme::Npm,
        "pypi" => Scheme::PyPI,
        "maven" => Scheme::Maven,
        "nuget" => Scheme::NuGet,
        "gem" => Scheme::RubyGems,
        "deb" => Scheme::Debian,
        "rpm" => Scheme::Rpm,
        "apk" | "alpine" => Scheme::Alpine,
        "golang" => Scheme::Go,
        "cargo" => Scheme::Cargo,
        "composer" => Scheme::Packagist,
        "pub" => Scheme::Pub,
        "hex" => Scheme::Hex,
        "cran" => Scheme::Cran,
        "hackage" => Scheme::Hackage,
        "semver" => Scheme::SemVer,
        "generic" => Scheme::Generic,
        _ => return None,
    })
}

/// The versioning schemes that contain every version (`all`) or none (`none`).
fn universal(name: &str) -> Option<bool> {
    match name {
        "all" => Some(true),
        "none" => Some(false),
        _ => None,
    }
}

/// A parsed `vers:` range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersionRange {
    scheme: Box<str>,
    /// Empty means `*`.
    constraints: Box<[Constraint]>,
}

impl FromStr for VersionRange {
    type Err = VersRangeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VersionRange::parse(s)
    }
}

impl VersionRange {
    /// Parses a range, leniently: spaces and tabs are dropped, the URI scheme
    /// and versioning scheme may be in any case, constraints keep the order
    /// written. See [`VersionRange::normalize`] to sort them and
    /// [`VersionRange::validate`] for the strict check.
    pub fn parse(input: &str) -> Result<VersionRange, VersRangeError> {
        parse(input, false)
    }

    /// Parses `input` and checks that it is a valid range as the spec
    /// defines it: lowercase schemes, versions unique and sorted by the
    /// scheme's order, and comparators in a valid sequence.
    pub fn validate(input: &str) -> Result<VersionRange, VersRangeError> {
        let range = parse(input, true)?;
        if let Some(scheme) = range.scheme() {
            range.check_order(scheme_cmp(scheme))?;
        }
        Ok(range)
    }

    /// [`VersionRange::validate`] with a caller-supplied version order.
    pub fn validate_by<E>(
        input: &str,
        cmp: impl Fn(&str, &str) -> Result<Ordering, E>,
    ) -> Result<VersionRange, VersRangeError>
    where
        E: StdError + Send + Sync + 'static,
    {
        let range = parse(input, true)?;
        range.check_order(cmp)?;
        Ok(range)
    }

    /// Sorts the constraints by the scheme's version order and drops exact
    /// duplicates. The same version under two comparators is an error.
    pub fn normalize(self) -> Result<VersionRange, VersRangeError> {
        match self.scheme() {
            Some(scheme) => self.normalize_by(scheme_cmp(scheme)),
            None => Ok(self),
        }
    }

    /// [`VersionRange::normalize`] with a caller-supplied version order.
    pub fn normalize_by<E>(
        self,
        cmp: impl Fn(&str, &str) -> Result<Ordering, E>,
    ) -> Result<VersionRange, VersRangeError>
    where
        E: StdError + Send + Sync + 'static,
    {
        let mut list = self.constraints.into_vec();
        let mut failure = None;
        list.sort_by(|a, b| {
            cmp(&a.version, &b.version).unwrap_or_else(|e| {
                failure.get_or_insert(e);
                Ordering::Equal
            })
        });
        if let Some(e) = failure {
            return Err(VersRangeError::compare(e));
        }
        let mut out: Vec<Constraint> = Vec::with_capacity(list.len());
        for (i, c) in list.into_iter().enumerate() {
            if let Some(prev) = out.last()
                && cmp(&prev.version, &c.version)
                    .map_err(VersRangeError::compare)?
                    .is_eq()
            {
                if prev.comparator == c.comparator {
                    continue;
                }
                return Err(VersRangeError::DuplicateVersion {
                    constraint: i + 1,
                    version: c.version,
                });
            }
            out.push(c);
        }
        Ok(VersionRange {
            scheme: self.scheme,
            constraints: out.into_boxed_slice(),
        })
    }

    /// The versioning-scheme name as written in the range (lowercase).
    pub fn scheme_name(&self) -> &str {
        &self.scheme
    }

    /// The version ordering of this range; `None` for `all` and `none`.
    pub fn scheme(&self) -> Option<Scheme> {
        scheme_for(&self.scheme)
    }

    /// Whether the range is `*`.
    pub fn is_star(&self) -> bool {
        self.constraints.is_empty()
    }

    /// The constraints, in stored order; empty for `*`.
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// Whether `version` is in the range, comparing with the range's
    /// [`Scheme`]. Errors when a version does not parse in that scheme.
    pub fn contains(&self, version: &str) -> Result<bool, VersRangeError> {
        if let Some(all) = universal(&self.scheme) {
            return Ok(all);
        }
        let Some(scheme) = self.scheme() else {
            return Err(VersRangeError::UnknownVersioningScheme {
                name: self.scheme.clone(),
            });
        };
        if self.is_star() {
            return Ok(true);
        }
        let tested = scheme.parse(version)?;
        let mut items = Vec::with_capacity(self.constraints.len());
        for c in self.constraints.iter() {
            items.push((c, scheme.parse(&c.version)?));
        }
        contains_in(items, &tested, |a: &Version, b: &Version| {
            a.try_cmp(b)
                .ok_or_else(|| VersionError::new(scheme, version, "versions of different schemes"))
        })
    }

    /// Whether `version` is in the range, by the spec's containment
    /// algorithm, with `cmp` as the version order.
    ///
    /// The constraints need not be sorted; versions equal under `cmp` in two
    /// constraints are an error. One step is added to the spec's text, as the
    /// reference implementations (univers, versatile) do: when a single
    /// `<`, `<=`, `>` or `>=` constraint remains, the version is in the
    /// range if it satisfies it (the spec's pairwise loop never runs then).
    pub fn contains_by<E>(
        &self,
        version: &str,
        cmp: impl Fn(&str, &str) -> Result<Ordering, E>,
    ) -> Result<bool, VersRangeError>
    where
        E: StdError + Send + Sync + 'static,
    {
        if let Some(all) = universal(&self.scheme) {
            return Ok(all);
        }
        if self.is_star() {
            return Ok(true);
        }
        let items = self
            .constraints
            .iter()
            .map(|c| (c, c.version.as_ref()))
            .collect();
        contains_in(items, &version, |a: &&str, b: &&str| cmp(a, b))
    }

    /// The spec's validation rules over the constraints as written.
    fn check_order<E>(
        &self,
        cmp: impl Fn(&str, &str) -> Result<Ordering, E>,
    ) -> Result<(), VersRangeError>
    where
        E: StdError + Send + Sync + 'static,
    {
        for (i, pair) in self.constraints.windows(2).enumerate() {
            let [a, b] = pair else { continue };
            match cmp(&a.version, &b.version).map_err(VersRangeError::compare)? {
                Ordering::Less => {}
                Ordering::Equal => {
                    return Err(VersRangeError::DuplicateVersion {
                        constraint: i + 2,
                        version: b.version.clone(),
                    });
                }
                Ordering::Greater => return Err(VersRangeError::NotSorted { constraint: i + 2 }),
            }
        }
        // Ignoring '!=', '=' is followed only by '=', '>' or '>='; ignoring
        // '=' as well, lower and upper bounds alternate.
        let mut previous: Option<Comparator> = None;
        let mut previous_bound: Option<Comparator> = None;
        for (i, c) in self.constraints.iter().enumerate() {
            let this = c.comparator;
            if this == Comparator::Ne {
                continue;
            }
            let bad = |first| VersRangeError::InvalidSequence {
                constraint: i + 1,
                first,
                second: this,
            };
            if previous == Some(Comparator::Eq) && this.is_upper_bound() {
                return Err(bad(Comparator::Eq));
            }
            if this != Comparator::Eq {
                if let Some(prev) = previous_bound
                    && prev.is_upper_bound() == this.is_upper_bound()
                {
                    return Err(bad(prev));
                }
                previous_bound = Some(this);
            }
            previous = Some(this);
        }
        Ok(())
    }
}

/// The spec's containment check over constraints paired with their
/// comparable versions `V` (strings or parsed versions).
fn contains_in<V, E>(
    mut items: Vec<(&Constraint, V)>,
    tested: &V,
    cmp: impl Fn(&V, &V) -> Result<Ordering, E>,
) -> Result<bool, VersRangeError>
where
    E: StdError + Send + Sync + 'static,
{
    let mut failure = None;
    items.sort_by(|a, b| {
        cmp(&a.1, &b.1).unwrap_or_else(|e| {
            failure.get_or_insert(e);
            Ordering::Equal
        })
    });
    if let Some(e) = failure {
        return Err(VersRangeError::compare(e));
    }
    for (i, pair) in items.windows(2).enumerate() {
        if let [a, b] = pair
            && cmp(&a.1, &b.1).map_err(VersRangeError::compare)?.is_eq()
        {
            return Err(VersRangeError::DuplicateVersion {
                constraint: i + 2,
                version: b.0.version.clone(),
            });
        }
    }
    let vs = |v: &V| cmp(tested, v).map_err(VersRangeError::compare);

    for (c, v) in &items {
        if matches!(
            c.comparator,
            Comparator::Eq | Comparator::Le | Comparator::Ge
        ) && vs(v)?.is_eq()
        {
            return Ok(true);
        }
    }
    for (c, v) in &items {
        if c.comparator == Comparator::Ne && vs(v)?.is_eq() {
            return Ok(false);
        }
    }
    let bounds: Vec<(Comparator, &V)> = items
        .iter()
        .filter(|(c, _)| !matches!(c.comparator, Comparator::Eq | Comparator::Ne))
        .map(|(c, v)| (c.comparator, v))
        .collect();
    match bounds.as_slice() {
        [] => return Ok(false),
        [(only, v)] => return Ok(only.accepts(vs(v)?)),
        _ => {}
    }
    let last = bounds.len() - 2;
    for (i, pair) in bounds.windows(2).enumerate() {
        let [(current, cv), (next, nv)] = pair else {
            continue;
        };
        if i == 0 && current.is_upper_bound() && vs(cv)?.is_lt() {
            return Ok(true);
        }
        if i == last && next.is_lower_bound() && vs(nv)?.is_gt() {
            return Ok(true);
        }
        if current.is_lower_bound() && next.is_upper_bound() && vs(cv)?.is_gt() && vs(nv)?.is_lt() {
            return Ok(true);
        }
    }
    Ok(false)
}

fn scheme_cmp(scheme: Scheme) -> impl Fn(&str, &str) -> Result<Ordering, VersionError> {
    move |a, b| scheme.compare(a, b)
}

impl fmt::Display for VersionRange {
    /// The canonical form: `vers:<scheme>/<constraint>|...`, with `=` omitted
    /// and separator characters in versions percent-encoded. Constraints are
    /// printed in stored order: [`VersionRange::normalize`] first for the
    /// sorted canonical form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vers:{}/", self.scheme)?;
        if self.is_star() {
            return f.write_str("*");
        }
        for (i, c) in self.constraints.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

fn write_encoded(f: &mut fmt::Formatter<'_>, version: &str) -> fmt::Result {
    for ch in version.chars() {
        let plain = ch.is_ascii_graphic() && !matches!(ch, '<' | '>' | '=' | '!' | '*' | '|' | '%');
        if plain {
            write!(f, "{ch}")?;
        } else {
            let mut bytes = [0; 4];
            for b in ch.encode_utf8(&mut bytes).bytes() {
                write!(f, "%{b:02X}")?;
            }
        }
    }
    Ok(())
}

fn parse(input: &str, strict: bool) -> Result<VersionRange, VersRangeError> {
    for (at, ch) in input.char_indices() {
        if !(ch.is_ascii_graphic() || ch == ' ' || ch == '\t') {
            return Err(VersRangeError::InvalidCharacter { ch, at });
        }
    }
    let text: Cow<'_, str> = if input.contains([' ', '\t']) {
        Cow::Owned(input.chars().filter(|c| !matches!(c, ' ' | '\t')).collect())
    } else {
        Cow::Borrowed(input)
    };
    let Some((uri_scheme, spec)) = text.split_once(':') else {
        return Err(VersRangeError::MissingScheme);
    };
    if !uri_scheme.eq_ignore_ascii_case("vers") {
        return Err(VersRangeError::MissingScheme);
    }
    if strict && uri_scheme != "vers" {
        return Err(VersRangeError::SchemeNotLowercase {
            found: uri_scheme.into(),
        });
    }
    let Some((name, constraints)) = spec.split_once('/') else {
        return Err(VersRangeError::MissingVersioningScheme);
    };
    if name.is_empty() {
        return Err(VersRangeError::MissingVersioningScheme);
    }
    if strict && name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(VersRangeError::VersioningSchemeNotLowercase { name: name.into() });
    }
    let name = name.to_ascii_lowercase();
    if scheme_for(&name).is_none() && universal(&name).is_none() {
        return Err(VersRangeError::UnknownVersioningScheme { name: name.into() });
    }
    if constraints.is_empty() {
        return Err(VersRangeError::EmptyConstraints);
    }
    if constraints == "*" {
        return Ok(VersionRange {
            scheme: name.into(),
            constraints: Box::default(),
        });
    }
    if universal(&name).is_some() {
        return Err(VersRangeError::StarRequired { name: name.into() });
    }
    let mut list = Vec::new();
    for (i, raw) in constraints
        .trim_matches('|')
        .split('|')
        .filter(|c| !c.is_empty())
        .enumerate()
    {
        let number = i + 1;
        if raw == "*" || raw.starts_with('*') {
            return Err(VersRangeError::StarNotAlone { constraint: number });
        }
        let (comparator, version) = [
            (">=", Comparator::Ge),
            ("<=", Comparator::Le),
            ("!=", Comparator::Ne),
            ("<", Comparator::Lt),
            (">", Comparator::Gt),
            ("=", Comparator::Eq),
        ]
        .into_iter()
        .find_map(|(op, cmp)| raw.strip_prefix(op).map(|v| (cmp, v)))
        .unwrap_or((Comparator::Eq, raw));
        if version.is_empty() {
            return Err(VersRangeError::EmptyVersion { constraint: number });
        }
        let version =
            percent_decode(version).map_err(|at| VersRangeError::InvalidPercentEncoding {
                constraint: number,
                at,
            })?;
        list.push(Constraint {
            comparator,
            version: version.into(),
        });
    }
    if list.is_empty() {
        return Err(VersRangeError::EmptyConstraints);
    }
    Ok(VersionRange {
        scheme: name.into(),
        constraints: list.into_boxed_slice(),
    })
}

/// Decodes `%XX` escapes; the error is the byte offset of a bad escape or of
/// bytes that do not decode to UTF-8.
fn percent_decode(s: &str) -> Result<Cow<'_, str>, usize> {
    if !s.contains('%') {
        return Ok(Cow::Borrowed(s));
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).and_then(|&h| (h as char).to_digit(16));
            let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) else {
                return Err(i);
            };
            // Two hex digits make a value below 256.
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|e| e.utf8_error().valid_up_to())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode() {
        assert_eq!(percent_decode("1%7C2").unwrap(), "1|2");
        assert_eq!(percent_decode("1%7").unwrap_err(), 1);
        assert_eq!(percent_decode("plain").unwrap(), "plain");
    }

    #[test]
    fn scheme_names() {
        assert_eq!(scheme_for("apk"), Some(Scheme::Alpine));
        assert_eq!(scheme_for("alpine"), Some(Scheme::Alpine));
        assert_eq!(scheme_for("golang"), Some(Scheme::Go));
        assert_eq!(scheme_for("tomee"), None);
    }
}
