//! CVSS v4.0 (FIRST specification document, section 8): the MacroVector
//! lookup and the severity-distance interpolation, transcribed from FIRST's
//! reference calculator (cvss-v4-calculator, `cvss_score.js`,
//! `max_composed.js`, `max_severity.js`), including its floating-point order
//! of operations; rounding as the Python reference does.

use std::fmt;
use std::str::FromStr;

use crate::parse::{self, Group, Metric, Values, metric};
use crate::{Error, Version};

#[path = "v4_lookup.rs"]
mod lookup;

const N: usize = 32;

const HLN: &[&str] = &["H", "L", "N"];
const XHLN: &[&str] = &["X", "H", "L", "N"];
const XSHLN: &[&str] = &["X", "S", "H", "L", "N"];
const REQ: &[&str] = &["X", "H", "M", "L"];

static TABLE: [Metric; N] = [
    metric("AV", Group::Base, &["N", "A", "L", "P"]),
    metric("AC", Group::Base, &["L", "H"]),
    metric("AT", Group::Base, &["N", "P"]),
    metric("PR", Group::Base, &["N", "L", "H"]),
    metric("UI", Group::Base, &["N", "P", "A"]),
    metric("VC", Group::Base, HLN),
    metric("VI", Group::Base, HLN),
    metric("VA", Group::Base, HLN),
    metric("SC", Group::Base, HLN),
    metric("SI", Group::Base, HLN),
    metric("SA", Group::Base, HLN),
    metric("E", Group::Temporal, &["X", "A", "P", "U"]),
    metric("CR", Group::Environmental, REQ),
    metric("IR", Group::Environmental, REQ),
    metric("AR", Group::Environmental, REQ),
    metric("MAV", Group::Environmental, &["X", "N", "A", "L", "P"]),
    metric("MAC", Group::Environmental, &["X", "L", "H"]),
    metric("MAT", Group::Environmental, &["X", "N", "P"]),
    metric("MPR", Group::Environmental, &["X", "N", "L", "H"]),
    metric("MUI", Group::Environmental, &["X", "N", "P", "A"]),
    metric("MVC", Group::Environmental, XHLN),
    metric("MVI", Group::Environmental, XHLN),
    metric("MVA", Group::Environmental, XHLN),
    metric("MSC", Group::Environmental, XHLN),
    metric("MSI", Group::Environmental, XSHLN),
    metric("MSA", Group::Environmental, XSHLN),
    metric("S", Group::Supplemental, &["X", "N", "P"]),
    metric("AU", Group::Supplemental, &["X", "N", "Y"]),
    metric("R", Group::Supplemental, &["X", "A", "U", "I"]),
    metric("V", Group::Supplemental, &["X", "D", "C"]),
    metric("RE", Group::Supplemental, &["X", "L", "M", "H"]),
    metric(
        "U",
        Group::Supplemental,
        &["X", "Clear", "Green", "Amber", "Red"],
    ),
];

const AV: usize = 0;
const AC: usize = 1;
const AT: usize = 2;
const PR: usize = 3;
const UI: usize = 4;
const VC: usize = 5;
const VI: usize = 6;
const VA: usize = 7;
const SC: usize = 8;
const SI: usize = 9;
const SA: usize = 10;
const E: usize = 11;
const CR: usize = 12;
const IR: usize = 13;
const AR: usize = 14;
/// Offset from a base metric to its modified counterpart (`AV` → `MAV`).
const MODIFIED: usize = 15;
const MSI: usize = SI + MODIFIED;
const MSA: usize = SA + MODIFIED;

/// Which metric groups a v4.0 score takes into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nomenclature {
    /// CVSS-B: base metrics only.
    Base,
    /// CVSS-BT: base and threat metrics.
    BaseThreat,
    /// CVSS-BE: base and environmental metrics.
    BaseEnvironmental,
    /// CVSS-BTE: base, threat and environmental metrics.
    BaseThreatEnvironmental,
}

impl Nomenclature {
    /// `"CVSS-B"`, `"CVSS-BT"`, `"CVSS-BE"` or `"CVSS-BTE"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Nomenclature::Base => "CVSS-B",
            Nomenclature::BaseThreat => "CVSS-BT",
            Nomenclature::BaseEnvironmental => "CVSS-BE",
            Nomenclature::BaseThreatEnvironmental => "CVSS-BTE",
        }
    }
}

impl fmt::Display for Nomenclature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A valid CVSS v4.0 vector, e.g.
/// `CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Vector {
    values: Values<N>,
}

/// The highest-severity vectors of each EQ level (`max_composed.js`), as
/// values of (AV, PR, UI), (AC, AT), (VC, VI, VA, CR, IR, AR), (SC, SI, SA).
const EQ1_MAX: [&[[&str; 3]]; 3] = [
    &[["N", "N", "N"]],
    &[["A", "N", "N"], ["N", "L", "N"], ["N", "N", "P"]],
    &[["P", "N", "N"], ["A", "L", "P"]],
];
const EQ2_MAX: [&[[&str; 2]]; 2] = [&[["L", "N"]], &[["H", "N"], ["L", "P"]]];
/// Indexed by EQ3, then EQ6.
const EQ3_EQ6_MAX: [[&[[&str; 6]]; 2]; 3] = [
    [
        &[["H", "H", "H", "H", "H", "H"]],
        &[
            ["H", "H", "L", "M", "M", "H"],
            ["H", "H", "H", "M", "M", "M"],
        ],
    ],
    [
        &[
            ["L", "H", "H", "H", "H", "H"],
            ["H", "L", "H", "H", "H", "H"],
        ],
        &[
            ["L", "H", "L", "H", "M", "H"],
            ["L", "H", "H", "H", "M", "M"],
            ["H", "L", "H", "M", "H", "M"],
            ["H", "L", "L", "M", "H", "H"],
            ["L", "L", "H", "H", "H", "M"],
        ],
    ],
    [&[], &[["L", "L", "L", "H", "H", "H"]]],
];
const EQ4_MAX: [[&str; 3]; 3] = [["H", "S", "S"], ["H", "H", "H"], ["L", "L", "L"]];

/// The maximal severity distance within each EQ level, plus one
/// (`max_severity.js`).
const EQ1_DEPTH: [f64; 3] = [1.0, 4.0, 5.0];
const EQ2_DEPTH: [f64; 2] = [1.0, 2.0];
const EQ3_EQ6_DEPTH: [[f64; 2]; 3] = [[7.0, 6.0], [8.0, 8.0], [f64::NAN, 10.0]];
const EQ4_DEPTH: [f64; 3] = [6.0, 5.0, 4.0];

/// The severity level of a metric value (`cvss_score.js`): 0.0 is the most
/// severe; each step down adds 0.1.
fn level(metric: usize, value: &str) -> f64 {
    match (metric, value) {
        (AV, "N") | (PR, "N") | (UI, "N") | (AC, "L") | (AT, "N") => 0.0,
        (AV, "A") | (PR, "L") | (UI, "P") | (AC, "H") | (AT, "P") => 0.1,
        (AV, "L") | (PR, "H") | (UI, "A") => 0.2,
        (AV, "P") => 0.3,
        (VC | VI | VA | CR | IR | AR, "H") => 0.0,
        (VC | VI | VA, "L") | (CR | IR | AR, "M") => 0.1,
        (VC | VI | VA, "N") | (CR | IR | AR, "L") => 0.2,
        (SC | SI | SA, "S") => 0.0,
        (SC | SI | SA, "H") => 0.1,
        (SC | SI | SA, "L") => 0.2,
        _ => 0.3,
    }
}

/// The distances to the first of `maxes` that is at least as severe in every
/// metric.
fn pick<T, const K: usize>(maxes: &[T], dist: impl Fn(&T) -> [f64; K]) -> Option<[f64; K]> {
    maxes
        .iter()
        .map(dist)
        .find(|ds| ds.iter().all(|&x| x >= 0.0))
}

impl Vector {
    /// The value of a metric as written, e.g. `"AV"` → `"N"`.
    pub fn metric(&self, name: &str) -> Option<&'static str> {
        parse::by_name(&TABLE, &self.values, name)
    }

    /// Which groups the score takes into account: a group counts when one of
    /// its metrics is given with a value other than `X`.
    pub fn nomenclature(&self) -> Nomenclature {
        let threat = parse::defined(&TABLE, &self.values, Group::Temporal);
        let environmental = parse::defined(&TABLE, &self.values, Group::Environmental);
        match (threat, environmental) {
            (false, false) => Nomenclature::Base,
            (true, false) => Nomenclature::BaseThreat,
            (false, true) => Nomenclature::BaseEnvironmental,
            (true, true) => Nomenclature::BaseThreatEnvironmental,
        }
    }

    /// Value of metric `i`, `X` when absent.
    fn get(&self, i: usize) -> &'static str {
        parse::value(&TABLE, &self.values, i).unwrap_or("X")
    }

    /// The value scoring uses (`m` in `cvss_score.js`): the modified value
    /// when given, `E:X` as `A`, a requirement `X` as `H`.
    fn effective(&self, i: usize) -> &'static str {
        match (i, self.get(i)) {
            (E, "X") => "A",
            (CR | IR | AR, "X") => "H",
            (0..=SA, v) => match self.get(i + MODIFIED) {
                "X" => v,
                m => m,
            },
            (_, v) => v,
        }
    }

    /// EQ1–EQ6 of the vector.
    fn macro_vector(&self) -> [u8; 6] {
        let m = |i| self.effective(i);
        let eq1 = if m(AV) == "N" && m(PR) == "N" && m(UI) == "N" {
            0
        } else if (m(AV) == "N" || m(PR) == "N" || m(UI) == "N") && m(AV) != "P" {
            1
        } else {
            2
        };
        let eq2 = if m(AC) == "L" && m(AT) == "N" { 0 } else { 1 };
        let eq3 = if m(VC) == "H" && m(VI) == "H" {
            0
        } else if m(VC) == "H" || m(VI) == "H" || m(VA) == "H" {
            1
        } else {
            2
        };
        let eq4 = if self.get(MSI) == "S" || self.get(MSA) == "S" {
            0
        } else if m(SC) == "H" || m(SI) == "H" || m(SA) == "H" {
            1
        } else {
            2
        };
        let eq5 = match m(E) {
            "A" => 0,
            "P" => 1,
            _ => 2,
        };
        let eq6 = if (m(CR) == "H" && m(VC) == "H")
            || (m(IR) == "H" && m(VI) == "H")
            || (m(AR) == "H" && m(VA) == "H")
        {
            0
        } else {
            1
        };
        [eq1, eq2, eq3, eq4, eq5, eq6]
    }

    /// The score of the vector as given: CVSS-B, -BT, -BE or -BTE as
    /// [`Vector::nomenclature`] says.
    pub fn score(&self) -> f64 {
        let m = |i| self.effective(i);
        if [VC, VI, VA, SC, SI, SA].iter().all(|&i| m(i) == "N") {
            return 0.0;
        }
        let mv = self.macro_vector();
        let [eq1, eq2, eq3, eq4, _, eq6] = mv.map(usize::from);
        let Some(value) = lookup::lookup(mv) else {
            // Every valid vector has a MacroVector in the table.
            return 0.0;
        };
        let lower = |i: usize, by: u8| {
            let mut next = mv;
            next[i] += by;
            lookup::lookup(next)
        };
        let eq3eq6_lower = match (eq3, eq6) {
            (1, 1) | (0, 1) => lower(2, 1),
            (1, 0) => lower(5, 1),
            (0, 0) => match (lower(5, 1), lower(2, 1)) {
                (Some(left), Some(right)) if left > right => Some(left),
                (_, right) => right,
            },
            _ => None,
        };
        let lowers = [
            lower(0, 1),
            lower(1, 1),
            eq3eq6_lower,
            lower(3, 1),
            lower(4, 1),
        ];

        // The first highest-severity vector of the MacroVector that is at
        // least as severe as this one in every metric; when none is, the
        // reference uses the last one tried.
        let d = |i: usize, max: &str| level(i, m(i)) - level(i, max);
        let dist1 = |x: &[&str; 3]| [d(AV, x[0]), d(PR, x[1]), d(UI, x[2])];
        let dist2 = |x: &[&str; 2]| [d(AC, x[0]), d(AT, x[1])];
        let dist36 = |x: &[&str; 6]| {
            [
                d(VC, x[0]),
                d(VI, x[1]),
                d(VA, x[2]),
                d(CR, x[3]),
                d(IR, x[4]),
                d(AR, x[5]),
            ]
        };
        let dist4 = |x: &[&str; 3]| [d(SC, x[0]), d(SI, x[1]), d(SA, x[2])];
        let found = match (
            pick(EQ1_MAX[eq1], dist1),
            pick(EQ2_MAX[eq2], dist2),
            pick(EQ3_EQ6_MAX[eq3][eq6], dist36),
            pick(&[EQ4_MAX[eq4]], dist4),
        ) {
            (Some(d1), Some(d2), Some(d36), Some(d4)) => Some((d1, d2, d36, d4)),
            _ => None,
        };
        let (d1, d2, d36, d4) = match found {
            Some(found) => found,
            None => {
                let last1 = EQ1_MAX[eq1].last().map_or([0.0; 3], dist1);
                let last2 = EQ2_MAX[eq2].last().map_or([0.0; 2], dist2);
                let last36 = EQ3_EQ6_MAX[eq3][eq6].last().map_or([0.0; 6], dist36);
                (last1, last2, last36, dist4(&EQ4_MAX[eq4]))
            }
        };
        let current = [
            d1[0] + d1[1] + d1[2],
            d2[0] + d2[1],
            d36[0] + d36[1] + d36[2] + d36[3] + d36[4] + d36[5],
            d4[0] + d4[1] + d4[2],
            0.0,
        ];
        let step = 0.1;
        let depth = [
            EQ1_DEPTH[eq1] * step,
            EQ2_DEPTH[eq2] * step,
            EQ3_EQ6_DEPTH[eq3][eq6] * step,
            EQ4_DEPTH[eq4] * step,
            1.0,
        ];
        let mut existing = 0u32;
        let mut sum = 0.0;
        for k in 0..5 {
            if let Some(lower) = lowers[k] {
                existing += 1;
                // EQ5's proportion is always 0.
                let proportion = if k == 4 { 0.0 } else { current[k] / depth[k] };
                sum += (value - lower) * proportion;
            }
        }
        let mean = if existing == 0 {
            0.0
        } else {
            sum / f64::from(existing)
        };
        let score = (value - mean).clamp(0.0, 10.0);
        // Half up after an epsilon, as Red Hat's Python `cvss` package
        // (`cvss4.py`) rounds and the conformance data expects: the
        // interpolation lands just below ties (5.65 as 5.6499…) that the
        // reference scores as 5.7.
        const EPSILON: f64 = 1e-6;
        ((score + EPSILON) * 10.0 + 0.5).floor() / 10.0
    }
}

impl FromStr for Vector {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let Some(body) = s.strip_prefix("CVSS:4.0/") else {
            let prefix = s.split('/').next().unwrap_or(s);
            return Err(Error::UnknownVersion(prefix.chars().take(16).collect()));
        };
        Ok(Vector {
            values: parse::parse(Version::V4_0, body, &TABLE)?,
        })
    }
}

impl fmt::Display for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CVSS:4.0/")?;
        parse::write(f, &TABLE, &self.values)
    }
}

/// The metrics of v4.0 in specification order.
pub fn metrics() -> &'static [Metric] {
    &TABLE
}
