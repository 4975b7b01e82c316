//! CVSS vectors and scores: v2.0, v3.0, v3.1 and v4.0.
//!
//! Hand-written because crates.io `cvss` 3.0.0, though it scores every vector
//! of the shared conformance data right, accepts v3 vectors that lack
//! mandatory base metrics (`CVSS:3.1/AC:L/…` without `AV` scores 5.9), and a
//! layer-1 crate depends on nothing but `thiserror`.
//!
//! # Parsing
//!
//! [`Cvss::from_str`](std::str::FromStr) tells the version by prefix:
//! `CVSS:3.0/`, `CVSS:3.1/`, `CVSS:4.0/`; a vector without prefix is v2,
//! optionally wrapped in parentheses as NVD once wrote them. Each version's
//! `Vector` parses only its own form. Parsing is strict: an unknown metric, a
//! metric given twice, a missing base metric or a value the specification does
//! not define is an [`Error`] naming the metric. Metrics may come in any order
//! (the v3 specifications allow it and real vectors do it); values are case
//! sensitive. `Display` prints the metrics given, in the specification's
//! order, each with its value as given (so an explicit `X` stays).
//!
//! # Scores
//!
//! Each version's formulas, rounded as its specification says (v3.0 and v3.1
//! differ in `Roundup`; v4.0 has no formula but the MacroVector lookup table
//! and the severity-distance interpolation of FIRST's reference calculator).
//! Scores are `f64` with one decimal. A group of metrics counts as *given*
//! when at least one of its metrics is present with a value other than "not
//! defined" (`X`, or `ND` in v2): [`Scores`] reports a temporal or
//! environmental score only then; the version's `Vector` computes them always.

#![forbid(unsafe_code)]

use std::fmt;
use std::str::FromStr;

mod parse;
pub mod v2;
pub mod v3;
pub mod v4;

pub use parse::{Group, Metric};

/// A CVSS version, as written in a vector's prefix (`2.0` has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    V2_0,
    V3_0,
    V3_1,
    V4_0,
}

impl Version {
    /// `"2.0"`, `"3.0"`, `"3.1"` or `"4.0"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2_0 => "2.0",
            Version::V3_0 => "3.0",
            Version::V3_1 => "3.1",
            Version::V4_0 => "4.0",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a vector was rejected. Every message names the version and, where
/// there is one, the metric.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Nothing to parse.
    #[error("cvss: empty vector")]
    Empty,
    /// A `CVSS:` prefix with a version this crate does not know, or a prefix
    /// that is not the one the parser was asked for.
    #[error("cvss: unknown version prefix {0:?}")]
    UnknownVersion(String),
    /// A component that is not `METRIC:VALUE`.
    #[error("cvss {version}: malformed component {component:?}, expected METRIC:VALUE")]
    Malformed { version: Version, component: String },
    /// A metric the version does not define.
    #[error("cvss {version}: unknown metric {metric:?}")]
    UnknownMetric { version: Version, metric: String },
    /// A metric given more than once.
    #[error("cvss {version}: metric {metric}: given more than once")]
    Duplicate {
        version: Version,
        metric: &'static str,
    },
    /// A value the version does not define for the metric.
    #[error("cvss {version}: metric {metric}: invalid value {value:?}")]
    InvalidValue {
        version: Version,
        metric: &'static str,
        value: String,
    },
    /// A mandatory base metric is absent.
    #[error("cvss {version}: metric {metric}: missing (a mandatory base metric)")]
    Missing {
        version: Version,
        metric: &'static str,
    },
}

impl Error {
    /// The metric the error is about, if it is about one.
    pub fn metric(&self) -> Option<&str> {
        match self {
            Error::UnknownMetric { metric, .. } => Some(metric),
            Error::Duplicate { metric, .. }
            | Error::InvalidValue { metric, .. }
            | Error::Missing { metric, .. } => Some(metric),
            Error::Empty | Error::UnknownVersion(_) | Error::Malformed { .. } => None,
        }
    }
}

/// Qualitative severity. v3 and v4 use the FIRST scale (None 0.0, Low
/// 0.1–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0); v2 uses NVD's
/// (Low 0.0–3.9, Medium 4.0–6.9, High 7.0–10.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The FIRST scale of v3 and v4.
    pub fn of_score(score: f64) -> Severity {
        if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score > 0.0 {
            Severity::Low
        } else {
            Severity::None
        }
    }

    /// NVD's scale for v2, which has no None or Critical.
    pub fn of_v2_score(score: f64) -> Severity {
        if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else {
            Severity::Low
        }
    }

    /// `"None"`, `"Low"`, `"Medium"`, `"High"` or `"Critical"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "None",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scores of a vector, each rounded to one decimal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// v2/v3: the base score. v4: the score of the vector as given (CVSS-B,
    /// -BT, -BE or -BTE, see [`v4::Vector::nomenclature`]).
    pub base: f64,
    /// v2/v3, when a temporal metric is given; always `None` for v4.
    pub temporal: Option<f64>,
    /// v2/v3, when an environmental metric is given; always `None` for v4.
    pub environmental: Option<f64>,
}

impl Scores {
    /// The environmental score if there is one, else the temporal, else the
    /// base.
    pub fn most_specific(&self) -> f64 {
        self.environmental.or(self.temporal).unwrap_or(self.base)
    }
}

/// A vector of any version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cvss {
    V2(v2::Vector),
    V3(v3::Vector),
    V4(v4::Vector),
}

impl Cvss {
    pub fn version(&self) -> Version {
        match self {
            Cvss::V2(_) => Version::V2_0,
            Cvss::V3(v) => v.version(),
            Cvss::V4(_) => Version::V4_0,
        }
    }

    /// The scores, with temporal and environmental only where given.
    pub fn scores(&self) -> Scores {
        match self {
            Cvss::V2(v) => Scores {
                base: v.base_score(),
                temporal: v.has_temporal().then(|| v.temporal_score()),
                environmental: v.has_environmental().then(|| v.environmental_score()),
            },
            Cvss::V3(v) => Scores {
                base: v.base_score(),
                temporal: v.has_temporal().then(|| v.temporal_score()),
                environmental: v.has_environmental().then(|| v.environmental_score()),
            },
            Cvss::V4(v) => Scores {
                base: v.score(),
                temporal: None,
                environmental: None,
            },
        }
    }

    /// The severity of the most specific score, on the version's scale.
    pub fn severity(&self) -> Severity {
        let score = self.scores().most_specific();
        match self {
            Cvss::V2(_) => Severity::of_v2_score(score),
            Cvss::V3(_) | Cvss::V4(_) => Severity::of_score(score),
        }
    }

    /// The value of a metric as written (`"AV"` → `"N"`), or `None` when the
    /// vector does not give it or the version has no such metric.
    pub fn metric(&self, name: &str) -> Option<&str> {
        match self {
            Cvss::V2(v) => v.metric(name),
            Cvss::V3(v) => v.metric(name),
            Cvss::V4(v) => v.metric(name),
        }
    }
}

impl FromStr for Cvss {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        if s.is_empty() {
            return Err(Error::Empty);
        }
        if s.starts_with("CVSS:3.") {
            s.parse().map(Cvss::V3)
        } else if s.starts_with("CVSS:4.0/") {
            s.parse().map(Cvss::V4)
        } else if s.starts_with("CVSS:") {
            let prefix = s.split('/').next().unwrap_or(s);
            Err(Error::UnknownVersion(prefix.chars().take(16).collect()))
        } else {
            s.parse().map(Cvss::V2)
        }
    }
}

impl fmt::Display for Cvss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cvss::V2(v) => v.fmt(f),
            Cvss::V3(v) => v.fmt(f),
            Cvss::V4(v) => v.fmt(f),
        }
    }
}

impl From<v2::Vector> for Cvss {
    fn from(v: v2::Vector) -> Self {
        Cvss::V2(v)
    }
}

impl From<v3::Vector> for Cvss {
    fn from(v: v3::Vector) -> Self {
        Cvss::V3(v)
    }
}

impl From<v4::Vector> for Cvss {
    fn from(v: v4::Vector) -> Self {
        Cvss::V4(v)
    }
}
