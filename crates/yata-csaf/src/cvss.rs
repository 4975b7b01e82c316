//! CVSS v2.0, v3.0 and v3.1 scores computed from a vector string, as tests
//! 6.1.9 (Invalid CVSS computation) and 6.1.10 (Inconsistent CVSS) need them.
//!
//! Only what those tests need: scores, severities and the mapping between
//! vector metrics and the JSON property names of the FIRST schemas. A vector
//! that is not well formed yields `None`; the tests then skip it, as the
//! reference validator does (test 6.1.8 and the schema report the vector).

/// The three scores of a vector: base, temporal, environmental.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scores {
    pub base: f64,
    pub temporal: f64,
    pub environmental: f64,
}

/// Metric abbreviation, JSON property and `(vector value, property value)` pairs.
pub(crate) type Mapping = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const ND2: (&str, &str) = ("ND", "NOT_DEFINED");
const X: (&str, &str) = ("X", "NOT_DEFINED");

pub(crate) const V2_MAPPING: &[Mapping] = &[
    (
        "AV",
        "accessVector",
        &[("L", "LOCAL"), ("A", "ADJACENT_NETWORK"), ("N", "NETWORK")],
    ),
    (
        "AC",
        "accessComplexity",
        &[("H", "HIGH"), ("M", "MEDIUM"), ("L", "LOW")],
    ),
    (
        "Au",
        "authentication",
        &[("M", "MULTIPLE"), ("S", "SINGLE"), ("N", "NONE")],
    ),
    (
        "C",
        "confidentialityImpact",
        &[("N", "NONE"), ("P", "PARTIAL"), ("C", "COMPLETE")],
    ),
    (
        "I",
        "integrityImpact",
        &[("N", "NONE"), ("P", "PARTIAL"), ("C", "COMPLETE")],
    ),
    (
        "A",
        "availabilityImpact",
        &[("N", "NONE"), ("P", "PARTIAL"), ("C", "COMPLETE")],
    ),
    (
        "E",
        "exploitability",
        &[
            ("U", "UNPROVEN"),
            ("POC", "PROOF_OF_CONCEPT"),
            ("F", "FUNCTIONAL"),
            ("H", "HIGH"),
            ND2,
        ],
    ),
    (
        "RL",
        "remediationLevel",
        &[
            ("OF", "OFFICIAL_FIX"),
            ("TF", "TEMPORARY_FIX"),
            ("W", "WORKAROUND"),
            ("U", "UNAVAILABLE"),
            ND2,
        ],
    ),
    (
        "RC",
        "reportConfidence",
        &[
            ("UC", "UNCONFIRMED"),
            ("UR", "UNCORROBORATED"),
            ("C", "CONFIRMED"),
            ND2,
        ],
    ),
    (
        "CDP",
        "collateralDamagePotential",
        &[
            ("N", "NONE"),
            ("L", "LOW"),
            ("LM", "LOW_MEDIUM"),
            ("MH", "MEDIUM_HIGH"),
            ("H", "HIGH"),
            ND2,
        ],
    ),
    (
        "TD",
        "targetDistribution",
        &[
            ("N", "NONE"),
            ("L", "LOW"),
            ("M", "MEDIUM"),
            ("H", "HIGH"),
            ND2,
        ],
    ),
    (
        "CR",
        "confidentialityRequirement",
        &[("L", "LOW"), ("M", "MEDIUM"), ("H", "HIGH"), ND2],
    ),
    (
        "IR",
        "integrityRequirement",
        &[("L", "LOW"), ("M", "MEDIUM"), ("H", "HIGH"), ND2],
    ),
    (
        "AR",
        "availabilityRequirement",
        &[("L", "LOW"), ("M", "MEDIUM"), ("H", "HIGH"), ND2],
    ),
];

const AV3: &[(&str, &str)] = &[
    ("N", "NETWORK"),
    ("A", "ADJACENT_NETWORK"),
    ("L", "LOCAL"),
    ("P", "PHYSICAL"),
];
const MAV3: &[(&str, &str)] = &[
    ("N", "NETWORK"),
    ("A", "ADJACENT_NETWORK"),
    ("L", "LOCAL"),
    ("P", "PHYSICAL"),
    X,
];
const LH: &[(&str, &str)] = &[("L", "LOW"), ("H", "HIGH")];
const NLH: &[(&str, &str)] = &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")];
const XNLH: &[(&str, &str)] = &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH"), X];
const XLH: &[(&str, &str)] = &[("L", "LOW"), ("H", "HIGH"), X];
const XLMH: &[(&str, &str)] = &[("L", "LOW"), ("M", "MEDIUM"), ("H", "HIGH"), X];

pub(crate) const V3_MAPPING: &[Mapping] = &[
    ("AV", "attackVector", AV3),
    ("AC", "attackComplexity", LH),
    ("PR", "privilegesRequired", NLH),
    ("UI", "userInteraction", &[("N", "NONE"), ("R", "REQUIRED")]),
    ("S", "scope", &[("U", "UNCHANGED"), ("C", "CHANGED")]),
    ("C", "confidentialityImpact", NLH),
    ("I", "integrityImpact", NLH),
    ("A", "availabilityImpact", NLH),
    (
        "E",
        "exploitCodeMaturity",
        &[
            ("U", "UNPROVEN"),
            ("P", "PROOF_OF_CONCEPT"),
            ("F", "FUNCTIONAL"),
            ("H", "HIGH"),
            X,
        ],
    ),
    (
        "RL",
        "remediationLevel",
        &[
            ("O", "OFFICIAL_FIX"),
            ("T", "TEMPORARY_FIX"),
            ("W", "WORKAROUND"),
            ("U", "UNAVAILABLE"),
            X,
        ],
    ),
    (
        "RC",
        "reportConfidence",
        &[("U", "UNKNOWN"), ("R", "REASONABLE"), ("C", "CONFIRMED"), X],
    ),
    ("CR", "confidentialityRequirement", XLMH),
    ("IR", "integrityRequirement", XLMH),
    ("AR", "availabilityRequirement", XLMH),
    ("MAV", "modifiedAttackVector", MAV3),
    ("MAC", "modifiedAttackComplexity", XLH),
    ("MPR", "modifiedPrivilegesRequired", XNLH),
    (
        "MUI",
        "modifiedUserInteraction",
        &[("N", "NONE"), ("R", "REQUIRED"), X],
    ),
    (
        "MS",
        "modifiedScope",
        &[("U", "UNCHANGED"), ("C", "CHANGED"), X],
    ),
    ("MC", "modifiedConfidentialityImpact", XNLH),
    ("MI", "modifiedIntegrityImpact", XNLH),
    ("MA", "modifiedAvailabilityImpact", XNLH),
];

/// Splits `AV:N/AC:L/...` into metrics; `None` on a malformed part, an
/// unknown metric or value, or a repeated metric.
fn metrics<'a>(parts: &'a str, mapping: &[Mapping]) -> Option<Vec<(&'a str, &'a str)>> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for part in parts.split('/') {
        let (key, value) = part.split_once(':')?;
        let (_, _, values) = mapping.iter().find(|(k, _, _)| *k == key)?;
        if !values.iter().any(|(v, _)| *v == value) || out.iter().any(|(k, _)| *k == key) {
            return None;
        }
        out.push((key, value));
    }
    Some(out)
}

/// A modified metric that is absent or `X` takes its base value.
fn pick<'a>(metrics: &[(&str, &'a str)], key: &str, fallback: &'a str) -> &'a str {
    match lookup(metrics, key) {
        None | Some("X") => fallback,
        Some(v) => v,
    }
}

fn lookup<'a>(metrics: &[(&str, &'a str)], key: &str) -> Option<&'a str> {
    metrics.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The CVSS version a vector claims, for 3.x vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum V3 {
    V30,
    V31,
}

/// Scores of a CVSS v3.x vector (`CVSS:3.x/...`), or `None` when it is not a
/// valid vector of that version with all eight base metrics.
pub(crate) fn v3_scores(vector: &str, version: V3) -> Option<Scores> {
    let prefix = match version {
        V3::V30 => "CVSS:3.0/",
        V3::V31 => "CVSS:3.1/",
    };
    let m = metrics(vector.strip_prefix(prefix)?, V3_MAPPING)?;
    let base = |k: &str| lookup(&m, k);
    // The base metrics are mandatory.
    let (av, ac, pr, ui, s, c, i, a) = (
        base("AV")?,
        base("AC")?,
        base("PR")?,
        base("UI")?,
        base("S")?,
        base("C")?,
        base("I")?,
        base("A")?,
    );
    let opt = |k: &str| lookup(&m, k).unwrap_or("X");
    let modified = |k: &str, fallback| pick(&m, k, fallback);
    let roundup = |x: f64| match version {
        V3::V30 => (x * 10.0).ceil() / 10.0,
        V3::V31 => roundup31(x),
    };

    let changed = s == "C";
    let iss = 1.0 - (1.0 - cia3(c)) * (1.0 - cia3(i)) * (1.0 - cia3(a));
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av3(av) * ac3(ac) * pr3(pr, changed) * ui3(ui);
    let base_score = if impact <= 0.0 {
        0.0
    } else if changed {
        roundup((1.08 * (impact + exploitability)).min(10.0))
    } else {
        roundup((impact + exploitability).min(10.0))
    };

    let e = match opt("E") {
        "U" => 0.91,
        "P" => 0.94,
        "F" => 0.97,
        _ => 1.0,
    };
    let rl = match opt("RL") {
        "O" => 0.95,
        "T" => 0.96,
        "W" => 0.97,
        _ => 1.0,
    };
    let rc = match opt("RC") {
        "U" => 0.92,
        "R" => 0.96,
        _ => 1.0,
    };
    let temporal = roundup(base_score * e * rl * rc);

    let req = |k: &str| match opt(k) {
        "L" => 0.5,
        "H" => 1.5,
        _ => 1.0,
    };
    let ms_changed = modified("MS", s) == "C";
    let miss = (1.0
        - (1.0 - req("CR") * cia3(modified("MC", c)))
            * (1.0 - req("IR") * cia3(modified("MI", i)))
            * (1.0 - req("AR") * cia3(modified("MA", a))))
    .min(0.915);
    let modified_impact = if ms_changed {
        match version {
            V3::V30 => 7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powi(15),
            V3::V31 => 7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13),
        }
    } else {
        6.42 * miss
    };
    let modified_exploitability = 8.22
        * av3(modified("MAV", av))
        * ac3(modified("MAC", ac))
        * pr3(modified("MPR", pr), ms_changed)
        * ui3(modified("MUI", ui));
    let environmental = if modified_impact <= 0.0 {
        0.0
    } else if ms_changed {
        roundup(
            roundup((1.08 * (modified_impact + modified_exploitability)).min(10.0)) * e * rl * rc,
        )
    } else {
        roundup(roundup((modified_impact + modified_exploitability).min(10.0)) * e * rl * rc)
    };
    Some(Scores {
        base: base_score,
        temporal,
        environmental,
    })
}

/// CVSS v3.1 Roundup (specification, Appendix A): the smallest number with
/// one decimal that is not less than `x`, robust to floating-point noise.
fn roundup31(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

fn cia3(v: &str) -> f64 {
    match v {
        "H" => 0.56,
        "L" => 0.22,
        _ => 0.0,
    }
}

fn av3(v: &str) -> f64 {
    match v {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        _ => 0.2,
    }
}

fn ac3(v: &str) -> f64 {
    if v == "L" { 0.77 } else { 0.44 }
}

fn pr3(v: &str, scope_changed: bool) -> f64 {
    match (v, scope_changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        (_, false) => 0.27,
        (_, true) => 0.5,
    }
}

fn ui3(v: &str) -> f64 {
    if v == "N" { 0.85 } else { 0.62 }
}

/// The qualitative severity of a CVSS v3 score.
pub(crate) fn v3_severity(score: f64) -> &'static str {
    if score <= 0.0 {
        "NONE"
    } else if score < 4.0 {
        "LOW"
    } else if score < 7.0 {
        "MEDIUM"
    } else if score < 9.0 {
        "HIGH"
    } else {
        "CRITICAL"
    }
}

/// Scores of a CVSS v2 vector, or `None` when it is not a valid vector with
/// all six base metrics.
pub(crate) fn v2_scores(vector: &str) -> Option<Scores> {
    let m = metrics(vector, V2_MAPPING)?;
    let get = |k: &str| lookup(&m, k);
    let (av, ac, au) = (get("AV")?, get("AC")?, get("Au")?);
    let (c, i, a) = (get("C")?, get("I")?, get("A")?);
    let opt = |k: &str| get(k).unwrap_or("ND");
    let round1 = |x: f64| (x * 10.0).round() / 10.0;

    let cia = |v: &str| match v {
        "P" => 0.275,
        "C" => 0.660,
        _ => 0.0,
    };
    let av = match av {
        "L" => 0.395,
        "A" => 0.646,
        _ => 1.0,
    };
    let ac = match ac {
        "H" => 0.35,
        "M" => 0.61,
        _ => 0.71,
    };
    let au = match au {
        "M" => 0.45,
        "S" => 0.56,
        _ => 0.704,
    };
    let exploitability = 20.0 * av * ac * au;
    let base_with = |impact: f64| {
        let f = if impact == 0.0 { 0.0 } else { 1.176 };
        round1((0.6 * impact + 0.4 * exploitability - 1.5) * f)
    };
    let impact = 10.41 * (1.0 - (1.0 - cia(c)) * (1.0 - cia(i)) * (1.0 - cia(a)));
    let base = base_with(impact);

    let e = match opt("E") {
        "U" => 0.85,
        "POC" => 0.9,
        "F" => 0.95,
        _ => 1.0,
    };
    let rl = match opt("RL") {
        "OF" => 0.87,
        "TF" => 0.9,
        "W" => 0.95,
        _ => 1.0,
    };
    let rc = match opt("RC") {
        "UC" => 0.9,
        "UR" => 0.95,
        _ => 1.0,
    };
    let temporal = round1(base * e * rl * rc);

    let req = |k: &str| match opt(k) {
        "L" => 0.5,
        "H" => 1.51,
        _ => 1.0,
    };
    let adjusted_impact = (10.41
        * (1.0
            - (1.0 - cia(c) * req("CR"))
                * (1.0 - cia(i) * req("IR"))
                * (1.0 - cia(a) * req("AR"))))
    .min(10.0);
    let adjusted_temporal = round1(base_with(adjusted_impact) * e * rl * rc);
    let cdp = match opt("CDP") {
        "L" => 0.1,
        "LM" => 0.3,
        "MH" => 0.4,
        "H" => 0.5,
        _ => 0.0,
    };
    let td = match opt("TD") {
        "N" => 0.0,
        "L" => 0.25,
        "M" => 0.75,
        _ => 1.0,
    };
    let environmental = round1((adjusted_temporal + (10.0 - adjusted_temporal) * cdp) * td);
    Some(Scores {
        base,
        temporal,
        environmental,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check3(vector: &str, version: V3, expect: Option<(f64, f64, f64)>) {
        let got = v3_scores(vector, version).map(|s| (s.base, s.temporal, s.environmental));
        assert_eq!(got, expect, "{vector}");
    }

    fn check2(vector: &str, expect: Option<(f64, f64, f64)>) {
        let got = v2_scores(vector).map(|s| (s.base, s.temporal, s.environmental));
        assert_eq!(got, expect, "{vector}");
    }

    #[test]
    fn v3_examples() {
        check3(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            V3::V31,
            Some((9.8, 9.8, 9.8)),
        );
        check3(
            "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H",
            V3::V31,
            Some((6.5, 6.5, 6.5)),
        );
        check3(
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
            V3::V30,
            Some((10.0, 10.0, 10.0)),
        );
        check3(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C",
            V3::V31,
            Some((9.8, 8.8, 8.8)),
        );
        check3(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N",
            V3::V31,
            Some((0.0, 0.0, 0.0)),
        );
        // Wrong version prefix, missing base metric, repeated metric.
        check3(
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            V3::V31,
            None,
        );
        check3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", V3::V31, None);
        check3(
            "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            V3::V31,
            None,
        );
    }

    #[test]
    fn v2_examples() {
        check2("AV:N/AC:L/Au:N/C:C/I:C/A:C", Some((10.0, 10.0, 10.0)));
        check2("AV:L/AC:L/Au:M/C:C/I:C/A:C", Some((6.5, 6.5, 6.5)));
        check2(
            "AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C",
            Some((7.8, 6.4, 6.4)),
        );
        check2(
            "AV:N/AC:L/Au:N/C:N/I:N/A:C/CDP:H/TD:H/CR:M/IR:M/AR:H",
            Some((7.8, 7.8, 10.0)),
        );
        check2("AV:N/AC:L/Au:N/C:N/I:N", None);
    }

    #[test]
    fn conformance_with_shared_vectors() {
        // The RedHat cvss test vectors carry expected (base, temporal, environmental).
        let Some(dir) = yata_testdata::path("cvss") else {
            return;
        };
        for (file, kind) in [
            ("vectors_simple2", 2),
            ("vectors_cvsslib2", 2),
            ("vectors_simple3", 30),
            ("vectors_cvsslib3", 30),
            ("vectors_simple31", 31),
        ] {
            let Ok(text) = std::fs::read_to_string(dir.join(file)) else {
                continue;
            };
            let mut n = 0;
            for line in text.lines() {
                let Some((vector, scores)) = line.split_once(" - (") else {
                    continue;
                };
                let nums: Vec<Option<f64>> = scores
                    .trim_end_matches(')')
                    .split(',')
                    .map(|s| s.trim().parse().ok())
                    .collect();
                let [b, t, e] = nums[..] else { continue };
                let got = match kind {
                    2 => v2_scores(vector),
                    30 => v3_scores(vector, V3::V30),
                    _ => v3_scores(vector, V3::V31),
                };
                let Some(got) = got else { continue };
                for (got, want) in [(got.base, b), (got.temporal, t), (got.environmental, e)] {
                    if let Some(want) = want {
                        assert_eq!(got, want, "{file}: {vector}");
                    }
                }
                n += 1;
            }
            assert!(n > 0, "{file}: no vectors checked");
        }
    }
}
