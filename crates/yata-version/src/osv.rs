//! OSV `affected[]` evaluation, exactly as the OSV schema's "Evaluation"
//! pseudocode says:
//!
//! * a version is affected if it is listed in `versions` or lies in any range;
//! * a range applies only if the version is before some `limit` (an implicit
//!   `limit: "*"` when there is none);
//! * the events are sorted by version (`introduced: "0"` before everything,
//!   `limit: "*"` after everything; ties keep their written order) and walked in
//!   order: `introduced` (v ≥ e) sets vulnerable, `fixed` (v ≥ e) clears it,
//!   `last_affected` (v > e) clears it.
//!
//! `SEMVER` ranges are ordered by [`Scheme::SemVer`], `ECOSYSTEM` ranges by the
//! package's ecosystem scheme. `GIT` ranges are kept but cannot be ordered
//! without the repository: they match a *commit* only, when it is named by an
//! `introduced` or `last_affected` event of the range and by no `fixed` event
//! (see [`CompiledAffected::evaluate_commit`]).
//!
//! Ranges are compiled once (every event version parsed and the events sorted)
//! so that evaluating many installed versions against one advisory is cheap.

use std::cmp::Ordering;
use std::fmt;

use crate::{Scheme, Version, VersionError};

/// The `type` of an OSV range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RangeKind {
    SemVer,
    Ecosystem,
    Git,
}

impl RangeKind {
    /// Parses the OSV spelling (`SEMVER`, `ECOSYSTEM`, `GIT`).
    pub fn from_osv(s: &str) -> Option<RangeKind> {
        match s {
            "SEMVER" => Some(RangeKind::SemVer),
            "ECOSYSTEM" => Some(RangeKind::Ecosystem),
            "GIT" => Some(RangeKind::Git),
            _ => None,
        }
    }

    pub fn as_osv(self) -> &'static str {
        match self {
            RangeKind::SemVer => "SEMVER",
            RangeKind::Ecosystem => "ECOSYSTEM",
            RangeKind::Git => "GIT",
        }
    }
}

impl fmt::Display for RangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_osv())
    }
}

/// Which kind of event an OSV range event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

impl EventKind {
    pub fn as_osv(self) -> &'static str {
        match self {
            EventKind::Introduced => "introduced",
            EventKind::Fixed => "fixed",
            EventKind::LastAffected => "last_affected",
            EventKind::Limit => "limit",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_osv())
    }
}

/// One event of an OSV range, as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    pub kind: EventKind,
    pub version: String,
}

impl Event {
    pub fn new(kind: EventKind, version: impl Into<String>) -> Event {
        Event {
            kind,
            version: version.into(),
        }
    }
}

/// One OSV range, as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Range {
    pub kind: RangeKind,
    /// The repository of a `GIT` range.
    pub repo: Option<String>,
    pub events: Vec<Event>,
}

/// Why an OSV `affected` entry cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OsvRangeError {
    #[error("ranges[{range}].events[{event}].{kind}: {source}")]
    Version {
        range: usize,
        event: usize,
        kind: EventKind,
        source: VersionError,
    },
    #[error("ranges[{range}]: ECOSYSTEM range needs an ecosystem with a known version ordering")]
    NoEcosystemOrdering { range: usize },
    #[error("ranges[{range}]: no introduced event")]
    NoIntroduced { range: usize },
    #[error("ranges[{range}]: both fixed and last_affected events")]
    FixedAndLastAffected { range: usize },
}

/// A bound of a compiled range event.
#[derive(Debug, Clone)]
enum Bound {
    /// `introduced: "0"`: before every version.
    Zero,
    Version(Version),
    /// `limit: "*"`: after every version.
    Infinity,
}

impl Bound {
    fn cmp_version(&self, v: &Version) -> Ordering {
        match self {
            Bound::Zero => Ordering::Less,
            Bound::Infinity => Ordering::Greater,
            // Both come from the same scheme by construction.
            Bound::Version(b) => b.try_cmp(v).unwrap_or(Ordering::Equal),
        }
    }

    fn cmp_bound(&self, other: &Bound) -> Ordering {
        match (self, other) {
            (Bound::Zero, Bound::Zero) | (Bound::Infinity, Bound::Infinity) => Ordering::Equal,
            (Bound::Zero, _) | (_, Bound::Infinity) => Ordering::Less,
            (_, Bound::Zero) | (Bound::Infinity, _) => Ordering::Greater,
            (Bound::Version(a), Bound::Version(b)) => a.try_cmp(b).unwrap_or(Ordering::Equal),
        }
    }
}

#[derive(Debug, Clone)]
struct CompiledEvent {
    kind: EventKind,
    bound: Bound,
    /// Index into the range's events as written, for explanations.
    written: usize,
}

#[derive(Debug, Clone)]
enum CompiledRange {
    Ordered {
        index: usize,
        kind: RangeKind,
        scheme: Scheme,
        /// All but limits, sorted by bound (stable).
        events: Vec<CompiledEvent>,
        limits: Vec<CompiledEvent>,
        written: Vec<Event>,
    },
    Git {
        index: usize,
        written: Vec<Event>,
    },
}

/// What decided that a version is affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The version is listed in `versions` (string equality, or equality under
    /// the ecosystem's ordering).
    Listed { version: String },
    /// The version lies in a range.
    InRange {
        /// Index of the range in `ranges`.
        range: usize,
        kind: RangeKind,
        /// The `introduced` event that opened the affected interval (`"0"` for
        /// "since the beginning").
        introduced: String,
        /// The next event that closes the interval, if any: `fixed`,
        /// `last_affected` or `limit`.
        until: Option<Event>,
    },
    /// A `GIT` range names the commit as affected.
    Commit { range: usize, commit: String },
}

/// An OSV `affected` entry's `ranges` and `versions`, compiled for evaluation.
#[derive(Debug, Clone)]
pub struct CompiledAffected {
    scheme: Option<Scheme>,
    ranges: Vec<CompiledRange>,
    versions: Vec<String>,
    parsed_versions: Vec<Version>,
}

impl CompiledAffected {
    /// Compiles `ranges` and `versions` for a package whose ecosystem orders
    /// versions with `scheme` (`None` when the ecosystem has no known ordering:
    /// then only `SEMVER` and `GIT` ranges and exact `versions` entries apply).
    ///
    /// Explicit `versions` entries that do not parse under `scheme` are kept and
    /// matched by string equality (OSV allows arbitrary tags there).
    pub fn new(
        scheme: Option<Scheme>,
        ranges: &[Range],
        versions: &[String],
    ) -> Result<CompiledAffected, OsvRangeError> {
        let mut compiled = Vec::with_capacity(ranges.len());
        for (index, range) in ranges.iter().enumerate() {
            compiled.push(compile_range(scheme, index, range)?);
        }
        let parsed_versions = match scheme {
            Some(s) => versions.iter().filter_map(|v| s.parse(v).ok()).collect(),
            None => Vec::new(),
        };
        Ok(CompiledAffected {
            scheme,
            ranges: compiled,
            versions: versions.to_vec(),
            parsed_versions,
        })
    }

    /// The ecosystem ordering this entry was compiled with.
    pub fn scheme(&self) -> Option<Scheme> {
        self.scheme
    }

    /// Whether `version` is affected, and why; `None` when it is not.
    ///
    /// The version is parsed once per scheme that a range needs. A version
    /// that a needed scheme rejects is an error: the caller decides how to
    /// report an installed version that cannot be ordered.
    pub fn evaluate(&self, version: &str) -> Result<Option<Decision>, VersionError> {
        if let Some(listed) = self.versions.iter().find(|v| v.as_str() == version) {
            return Ok(Some(Decision::Listed {
                version: listed.clone(),
            }));
        }
        let mut eco: Option<Version> = None;
        let mut semver: Option<Version> = None;
        if let Some(scheme) = self.scheme
            && (!self.parsed_versions.is_empty() || self.needs(RangeKind::Ecosystem))
        {
            let v = scheme.parse(version)?;
            if let Some(listed) = self.parsed_versions.iter().find(|p| **p == v) {
                return Ok(Some(Decision::Listed {
                    version: listed.to_string(),
                }));
            }
            eco = Some(v);
        }
        for range in &self.ranges {
            let CompiledRange::Ordered {
                index,
                kind,
                scheme,
                events,
                limits,
                written,
            } = range
            else {
                continue;
            };
            let v = match kind {
                RangeKind::SemVer => match &semver {
                    Some(v) => v,
                    None => semver.insert(Scheme::SemVer.parse(version)?),
                },
                _ => match &eco {
                    Some(v) => v,
                    None => eco.insert(scheme.parse(version)?),
                },
            };
            if let Some(decision) = evaluate_range(*index, *kind, events, limits, written, v) {
                return Ok(Some(decision));
            }
        }
        Ok(None)
    }

    /// Whether the commit `commit` (a full hash) is affected according to the
    /// `GIT` ranges: named by an `introduced` or `last_affected` event and by
    /// no `fixed` or `limit` event of the same range. Without the repository
    /// graph nothing else about commits can be known.
    pub fn evaluate_commit(&self, commit: &str) -> Option<Decision> {
        for range in &self.ranges {
            let CompiledRange::Git { index, written } = range else {
                continue;
            };
            let named = |kinds: &[EventKind]| {
                written
                    .iter()
                    .any(|e| kinds.contains(&e.kind) && e.version.eq_ignore_ascii_case(commit))
            };
            if named(&[EventKind::Introduced, EventKind::LastAffected])
                && !named(&[EventKind::Fixed, EventKind::Limit])
            {
                return Some(Decision::Commit {
                    range: *index,
                    commit: commit.to_owned(),
                });
            }
        }
        None
    }

    /// Every `fixed` version named by an ordered range, in range order.
    pub fn fixed_versions(&self) -> impl Iterator<Item = &str> {
        self.ranges.iter().flat_map(|r| match r {
            CompiledRange::Ordered { written, .. } => written
                .iter()
                .filter(|e| e.kind == EventKind::Fixed)
                .map(|e| e.version.as_str())
                .collect::<Vec<_>>(),
            CompiledRange::Git { .. } => Vec::new(),
        })
    }

    fn needs(&self, kind: RangeKind) -> bool {
        self.ranges
            .iter()
            .any(|r| matches!(r, CompiledRange::Ordered { kind: k, .. } if *k == kind))
    }
}

fn compile_range(
    scheme: Option<Scheme>,
    index: usize,
    range: &Range,
) -> Result<CompiledRange, OsvRangeError> {
    if !range.events.iter().any(|e| e.kind == EventKind::Introduced) {
        return Err(OsvRangeError::NoIntroduced { range: index });
    }
    let has = |k| range.events.iter().any(|e| e.kind == k);
    if has(EventKind::Fixed) && has(EventKind::LastAffected) {
        return Err(OsvRangeError::FixedAndLastAffected { range: index });
    }
    let scheme = match range.kind {
        RangeKind::Git => {
            return Ok(CompiledRange::Git {
                index,
                written: range.events.clone(),
            });
        }
        RangeKind::SemVer => Scheme::SemVer,
        RangeKind::Ecosystem => {
            scheme.ok_or(OsvRangeError::NoEcosystemOrdering { range: index })?
        }
    };
    let mut events = Vec::with_capacity(range.events.len());
    let mut limits = Vec::new();
    for (written, event) in range.events.iter().enumerate() {
        let bound = match (event.kind, event.version.as_str()) {
            (EventKind::Introduced, "0") => Bound::Zero,
            (EventKind::Limit, v) if v.contains('*') => Bound::Infinity,
            (_, v) => Bound::Version(scheme.parse(v).map_err(|source| OsvRangeError::Version {
                range: index,
                event: written,
                kind: event.kind,
                source,
            })?),
        };
        let compiled = CompiledEvent {
            kind: event.kind,
            bound,
            written,
        };
        if event.kind == EventKind::Limit {
            limits.push(compiled);
        } else {
            events.push(compiled);
        }
    }
    events.sort_by(|a, b| a.bound.cmp_bound(&b.bound));
    Ok(CompiledRange::Ordered {
        index,
        kind: range.kind,
        scheme,
        events,
        limits,
        written: range.events.clone(),
    })
}

fn evaluate_range(
    index: usize,
    kind: RangeKind,
    events: &[CompiledEvent],
    limits: &[CompiledEvent],
    written: &[Event],
    v: &Version,
) -> Option<Decision> {
    // BeforeLimits: no limit means an implicit "*".
    let before_limits = limits.is_empty()
        || limits
            .iter()
            .any(|l| l.bound.cmp_version(v) == Ordering::Greater);
    if !before_limits {
        return None;
    }
    let mut opened_by: Option<usize> = None;
    for (i, event) in events.iter().enumerate() {
        let order = event.bound.cmp_version(v); // bound vs v
        match event.kind {
            EventKind::Introduced if order != Ordering::Greater => opened_by = Some(i),
            EventKind::Fixed if order != Ordering::Greater => opened_by = None,
            EventKind::LastAffected if order == Ordering::Less => opened_by = None,
            _ => {}
        }
    }
    let opened = opened_by?;
    let introduced = written[events[opened].written].version.clone();
    let until = events[opened + 1..]
        .iter()
        .find(|e| e.kind != EventKind::Introduced)
        .map(|e| written[e.written].clone())
        .or_else(|| {
            limits
                .iter()
                .filter(|l| l.bound.cmp_version(v) == Ordering::Greater)
                .min_by(|a, b| a.bound.cmp_bound(&b.bound))
                .map(|l| written[l.written].clone())
        });
    Some(Decision::InRange {
        range: index,
        kind,
        introduced,
        until,
    })
}
