//! CVSS v3.0 and v3.1 (FIRST specification documents, section 7 and
//! appendix A of v3.1). The versions differ in `Roundup` and in the modified
//! impact of a changed scope.

use std::fmt;
use std::str::FromStr;

use crate::parse::{self, Group, Metric, Values, metric};
use crate::{Error, Version};

const N: usize = 22;

const REQ: &[&str] = &["X", "H", "M", "L"];
const CIA: &[&str] = &["H", "L", "N"];
const MCIA: &[&str] = &["X", "H", "L", "N"];

static TABLE: [Metric; N] = [
    metric("AV", Group::Base, &["N", "A", "L", "P"]),
    metric("AC", Group::Base, &["L", "H"]),
    metric("PR", Group::Base, &["N", "L", "H"]),
    metric("UI", Group::Base, &["N", "R"]),
    metric("S", Group::Base, &["U", "C"]),
    metric("C", Group::Base, CIA),
    metric("I", Group::Base, CIA),
    metric("A", Group::Base, CIA),
    metric("E", Group::Temporal, &["X", "H", "F", "P", "U"]),
    metric("RL", Group::Temporal, &["X", "U", "W", "T", "O"]),
    metric("RC", Group::Temporal, &["X", "C", "R", "U"]),
    metric("CR", Group::Environmental, REQ),
    metric("IR", Group::Environmental, REQ),
    metric("AR", Group::Environmental, REQ),
    metric("MAV", Group::Environmental, &["X", "N", "A", "L", "P"]),
    metric("MAC", Group::Environmental, &["X", "L", "H"]),
    metric("MPR", Group::Environmental, &["X", "N", "L", "H"]),
    metric("MUI", Group::Environmental, &["X", "N", "R"]),
    metric("MS", Group::Environmental, &["X", "U", "C"]),
    metric("MC", Group::Environmental, MCIA),
    metric("MI", Group::Environmental, MCIA),
    metric("MA", Group::Environmental, MCIA),
];

const AV: usize = 0;
const AC: usize = 1;
const PR: usize = 2;
const UI: usize = 3;
const S: usize = 4;
const C: usize = 5;
const I: usize = 6;
const A: usize = 7;
const E: usize = 8;
const RL: usize = 9;
const RC: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;
/// Offset from a base metric to its modified counterpart (`AV` → `MAV`).
const MODIFIED: usize = 14;

/// A valid CVSS v3.0 or v3.1 vector, e.g.
/// `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Vector {
    version: Version,
    values: Values<N>,
}

impl Vector {
    /// [`Version::V3_0`] or [`Version::V3_1`].
    pub fn version(&self) -> Version {
        self.version
    }

    /// The value of a metric as written, e.g. `"AV"` → `"N"`.
    pub fn metric(&self, name: &str) -> Option<&'static str> {
        parse::by_name(&TABLE, &self.values, name)
    }

    /// Whether a temporal metric is given (other than `X`).
    pub fn has_temporal(&self) -> bool {
        parse::defined(&TABLE, &self.values, Group::Temporal)
    }

    /// Whether an environmental metric is given (other than `X`).
    pub fn has_environmental(&self) -> bool {
        parse::defined(&TABLE, &self.values, Group::Environmental)
    }

    /// Value of metric `i`, `X` when absent.
    fn get(&self, i: usize) -> &'static str {
        parse::value(&TABLE, &self.values, i).unwrap_or("X")
    }

    /// Value of base metric `i` as modified by the environmental group.
    fn modified(&self, i: usize) -> &'static str {
        match self.get(i + MODIFIED) {
            "X" => self.get(i),
            v => v,
        }
    }

    fn roundup(&self, x: f64) -> f64 {
        match self.version {
            Version::V3_0 => (x * 10.0).ceil() / 10.0,
            // Appendix A of v3.1: avoids floating-point surprises.
            _ => {
                let int_input = (x * 100_000.0).round() as i64;
                if int_input % 10_000 == 0 {
                    int_input as f64 / 100_000.0
                } else {
                    ((int_input / 10_000) + 1) as f64 / 10.0
                }
            }
        }
    }

    fn exploitability(av: &str, ac: &str, pr: &str, ui: &str, changed: bool) -> f64 {
        let av = match av {
            "N" => 0.85,
            "A" => 0.62,
            "L" => 0.55,
            _ => 0.2,
        };
        let ac = if ac == "L" { 0.77 } else { 0.44 };
        let pr = match (pr, changed) {
            ("N", _) => 0.85,
            ("L", false) => 0.62,
            ("L", true) => 0.68,
            (_, false) => 0.27,
            (_, true) => 0.5,
        };
        let ui = if ui == "N" { 0.85 } else { 0.62 };
        8.22 * av * ac * pr * ui
    }

    fn cia(v: &str) -> f64 {
        match v {
            "H" => 0.56,
            "L" => 0.22,
            _ => 0.0,
        }
    }

    fn requirement(&self, i: usize) -> f64 {
        match self.get(i) {
            "H" => 1.5,
            "L" => 0.5,
            _ => 1.0,
        }
    }

    fn temporal_factor(&self) -> f64 {
        let e = match self.get(E) {
            "F" => 0.97,
            "P" => 0.94,
            "U" => 0.91,
            _ => 1.0,
        };
        let rl = match self.get(RL) {
            "W" => 0.97,
            "T" => 0.96,
            "O" => 0.95,
            _ => 1.0,
        };
        let rc = match self.get(RC) {
            "R" => 0.96,
            "U" => 0.92,
            _ => 1.0,
        };
        e * rl * rc
    }

    pub fn base_score(&self) -> f64 {
        let changed = self.get(S) == "C";
        let iss = 1.0
            - (1.0 - Self::cia(self.get(C)))
                * (1.0 - Self::cia(self.get(I)))
                * (1.0 - Self::cia(self.get(A)));
        let impact = if changed {
            7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
        } else {
            6.42 * iss
        };
        let exploitability = Self::exploitability(
            self.get(AV),
            self.get(AC),
            self.get(PR),
            self.get(UI),
            changed,
        );
        if impact <= 0.0 {
            0.0
        } else if changed {
            self.roundup((1.08 * (impact + exploitability)).min(10.0))
        } else {
            self.roundup((impact + exploitability).min(10.0))
        }
    }

    /// The temporal score; equals the base score when no temporal metric is
    /// given.
    pub fn temporal_score(&self) -> f64 {
        self.roundup(self.base_score() * self.temporal_factor())
    }

    /// The environmental score, computed with `X` for absent metrics.
    pub fn environmental_score(&self) -> f64 {
        let changed = self.modified(S) == "C";
        let miss = (1.0
            - (1.0 - self.requirement(CR) * Self::cia(self.modified(C)))
                * (1.0 - self.requirement(IR) * Self::cia(self.modified(I)))
                * (1.0 - self.requirement(AR) * Self::cia(self.modified(A))))
        .min(0.915);
        let impact = match (changed, self.version) {
            (false, _) => 6.42 * miss,
            (true, Version::V3_0) => 7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powi(15),
            (true, _) => 7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13),
        };
        let exploitability = Self::exploitability(
            self.modified(AV),
            self.modified(AC),
            self.modified(PR),
            self.modified(UI),
            changed,
        );
        if impact <= 0.0 {
            return 0.0;
        }
        let sum = if changed {
            (1.08 * (impact + exploitability)).min(10.0)
        } else {
            (impact + exploitability).min(10.0)
        };
        self.roundup(self.roundup(sum) * self.temporal_factor())
    }
}

impl FromStr for Vector {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let (version, body) = if let Some(body) = s.strip_prefix("CVSS:3.1/") {
            (Version::V3_1, body)
        } else if let Some(body) = s.strip_prefix("CVSS:3.0/") {
            (Version::V3_0, body)
        } else {
            let prefix = s.split('/').next().unwrap_or(s);
            return Err(Error::UnknownVersion(prefix.chars().take(16).collect()));
        };
        Ok(Vector {
            version,
            values: parse::parse(version, body, &TABLE)?,
        })
    }
}

impl fmt::Display for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CVSS:{}/", self.version)?;
        parse::write(f, &TABLE, &self.values)
    }
}

/// The metrics of v3.0 and v3.1 (the same) in specification order.
pub fn metrics() -> &'static [Metric] {
    &TABLE
}
