//! CVSS v2.0 (FIRST, "A Complete Guide to the Common Vulnerability Scoring
//! System Version 2.0", section 3.2).

use std::fmt;
use std::str::FromStr;

use crate::parse::{self, Group, Metric, Values, metric};
use crate::{Error, Version};

const N: usize = 14;

static TABLE: [Metric; N] = [
    metric("AV", Group::Base, &["L", "A", "N"]),
    metric("AC", Group::Base, &["H", "M", "L"]),
    metric("Au", Group::Base, &["M", "S", "N"]),
    metric("C", Group::Base, &["N", "P", "C"]),
    metric("I", Group::Base, &["N", "P", "C"]),
    metric("A", Group::Base, &["N", "P", "C"]),
    metric("E", Group::Temporal, &["U", "POC", "F", "H", "ND"]),
    metric("RL", Group::Temporal, &["OF", "TF", "W", "U", "ND"]),
    metric("RC", Group::Temporal, &["UC", "UR", "C", "ND"]),
    metric(
        "CDP",
        Group::Environmental,
        &["N", "L", "LM", "MH", "H", "ND"],
    ),
    metric("TD", Group::Environmental, &["N", "L", "M", "H", "ND"]),
    metric("CR", Group::Environmental, &["L", "M", "H", "ND"]),
    metric("IR", Group::Environmental, &["L", "M", "H", "ND"]),
    metric("AR", Group::Environmental, &["L", "M", "H", "ND"]),
];

const AV: usize = 0;
const AC: usize = 1;
const AU: usize = 2;
const C: usize = 3;
const I: usize = 4;
const A: usize = 5;
const E: usize = 6;
const RL: usize = 7;
const RC: usize = 8;
const CDP: usize = 9;
const TD: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;

/// A valid CVSS v2.0 vector, e.g. `AV:N/AC:L/Au:N/C:P/I:P/A:P`.
///
/// `FromStr` also takes the vector wrapped in parentheses; `Display` prints
/// it bare.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Vector {
    values: Values<N>,
}

impl Vector {
    /// The value of a metric as written, e.g. `"Au"` → `"N"`.
    pub fn metric(&self, name: &str) -> Option<&'static str> {
        parse::by_name(&TABLE, &self.values, name)
    }

    /// Whether a temporal metric is given (other than `ND`).
    pub fn has_temporal(&self) -> bool {
        parse::defined(&TABLE, &self.values, Group::Temporal)
    }

    /// Whether an environmental metric is given (other than `ND`).
    pub fn has_environmental(&self) -> bool {
        parse::defined(&TABLE, &self.values, Group::Environmental)
    }

    /// Value of metric `i`, `ND` when absent.
    fn get(&self, i: usize) -> &'static str {
        parse::value(&TABLE, &self.values, i).unwrap_or("ND")
    }

    fn impact_weight(&self, i: usize) -> f64 {
        match self.get(i) {
            "P" => 0.275,
            "C" => 0.660,
            _ => 0.0,
        }
    }

    fn requirement(&self, i: usize) -> f64 {
        match self.get(i) {
            "L" => 0.5,
            "H" => 1.51,
            _ => 1.0,
        }
    }

    fn exploitability(&self) -> f64 {
        let av = match self.get(AV) {
            "L" => 0.395,
            "A" => 0.646,
            _ => 1.0,
        };
        let ac = match self.get(AC) {
            "H" => 0.35,
            "M" => 0.61,
            _ => 0.71,
        };
        let au = match self.get(AU) {
            "M" => 0.45,
            "S" => 0.56,
            _ => 0.704,
        };
        20.0 * av * ac * au
    }

    /// The base equation over a given impact, unrounded.
    fn base_with(&self, impact: f64) -> f64 {
        let f = if impact == 0.0 { 0.0 } else { 1.176 };
        ((0.6 * impact) + (0.4 * self.exploitability()) - 1.5) * f
    }

    fn temporal_factor(&self) -> f64 {
        let e = match self.get(E) {
            "U" => 0.85,
            "POC" => 0.9,
            "F" => 0.95,
            _ => 1.0,
        };
        let rl = match self.get(RL) {
            "OF" => 0.87,
            "TF" => 0.90,
            "W" => 0.95,
            _ => 1.0,
        };
        let rc = match self.get(RC) {
            "UC" => 0.90,
            "UR" => 0.95,
            _ => 1.0,
        };
        e * rl * rc
    }

    pub fn base_score(&self) -> f64 {
        let impact = 10.41
            * (1.0
                - (1.0 - self.impact_weight(C))
                    * (1.0 - self.impact_weight(I))
                    * (1.0 - self.impact_weight(A)));
        round1(self.base_with(impact))
    }

    /// The temporal score; equals the base score when no temporal metric is
    /// given.
    pub fn temporal_score(&self) -> f64 {
        round1(self.base_score() * self.temporal_factor())
    }

    /// The environmental score, computed with `ND` for absent metrics.
    pub fn environmental_score(&self) -> f64 {
        let adjusted_impact = (10.41
            * (1.0
                - (1.0 - self.impact_weight(C) * self.requirement(CR))
                    * (1.0 - self.impact_weight(I) * self.requirement(IR))
                    * (1.0 - self.impact_weight(A) * self.requirement(AR))))
        .min(10.0);
        // The base equation goes below zero for a small adjusted impact
        // (`AV:L/AC:H/Au:M/C:N/I:N/A:P/AR:L` gives -0.17); the
        // specification's scores run from 0 to 10, so the adjusted base
        // stops at 0 and collateral damage alone can still raise the score.
        let adjusted_base = round1(self.base_with(adjusted_impact).max(0.0));
        let adjusted_temporal = round1(adjusted_base * self.temporal_factor());
        let cdp = match self.get(CDP) {
            "L" => 0.1,
            "LM" => 0.3,
            "MH" => 0.4,
            "H" => 0.5,
            _ => 0.0,
        };
        let td = match self.get(TD) {
            "N" => 0.0,
            "L" => 0.25,
            "M" => 0.75,
            _ => 1.0,
        };
        round1((adjusted_temporal + (10.0 - adjusted_temporal) * cdp) * td)
    }
}

/// `round_to_1_decimal`, half up. The specification means decimal
/// arithmetic: `f64` products land just below a tie (`9.0 * 0.95` is
/// `8.549999…`, NVD says 8.6), so an epsilon lifts them onto it. Never `-0.0`.
fn round1(x: f64) -> f64 {
    const EPSILON: f64 = 1e-6;
    ((x + EPSILON) * 10.0).round() / 10.0 + 0.0
}

impl FromStr for Vector {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let body = s
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .unwrap_or(s);
        Ok(Vector {
            values: parse::parse(Version::V2_0, body, &TABLE)?,
        })
    }
}

impl fmt::Display for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        parse::write(f, &TABLE, &self.values)
    }
}

/// The metrics of v2.0 in specification order.
pub fn metrics() -> &'static [Metric] {
    &TABLE
}
