//! Deadline policies: how many days each BOD 26-04 timeline allows, per
//! deployment and per organisation kind. Policies are TOML data; the default
//! (`data/default-policy.toml`, also [`Policy::default`]) is BOD 26-04 itself.
//!
//! ```toml
//! epss_escalate_percentile = 0.95  # optional, see below
//!
//! [timelines]                      # overrides the default, key by key
//! "14 days" = 10
//!
//! [org_kind.operator.timelines]    # overrides [timelines] for operators
//! "60 days" = 30
//! ```
//!
//! Keys of `[timelines]` are the BOD 26-04 outcomes. "fix on system upgrade"
//! has no day count by default ([`Policy::days`] gives `None`: fix it when the
//! system is next upgraded); a deployment may give it one. A key left out of
//! `[timelines]` keeps its default; a key left out of an organisation kind's
//! table keeps the `[timelines]` value.
//!
//! EPSS escalation: when a finding's EPSS percentile is at least
//! `epss_escalate_percentile`, or its score at least `epss_escalate_score`,
//! its deadline is that of the next more urgent timeline (60 days → 14 days,
//! fix on system upgrade → 60 days, …), never later than its own. Escalation
//! changes only the deadline, never the decisions or the forensics flag.
//!
//! Unknown keys, organisation kinds and timeline names are errors, with the
//! line and column of the offending key.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use crate::Error;
use crate::points::Timeline;
use crate::tables::Decisions;

named_enum! {
    /// The kinds of organisation a policy can distinguish.
    OrgKind, "organisation kind" {
        /// The national coordinating organisation.
        Nco = "nco",
        Ministry = "ministry",
        Operator = "operator",
        Government = "government",
        Vendor = "vendor",
    }
}

/// Days per BOD 26-04 timeline; `None` is "no fixed day count" in a policy's
/// base and "as the base" in an organisation kind's override.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Days([Option<u32>; 5]);

impl Days {
    fn get(&self, t: Timeline) -> Option<u32> {
        self.0[t as usize]
    }

    fn set(&mut self, t: Timeline, days: Option<u32>) {
        self.0[t as usize] = days;
    }
}

/// A deadline policy. `Default` is the BOD 26-04 policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    base: Days,
    org_kinds: BTreeMap<OrgKind, Days>,
    epss_escalate_percentile: Option<f64>,
    epss_escalate_score: Option<f64>,
}

impl Default for Policy {
    fn default() -> Policy {
        let mut base = Days::default();
        base.set(Timeline::Days3Forensic, Some(3));
        base.set(Timeline::Days3, Some(3));
        base.set(Timeline::Days14, Some(14));
        base.set(Timeline::Days60, Some(60));
        base.set(Timeline::FixOnSystemUpgrade, None);
        Policy {
            base,
            org_kinds: BTreeMap::new(),
            epss_escalate_percentile: None,
            epss_escalate_score: None,
        }
    }
}

/// The default policy as shipped, with its comments.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../data/default-policy.toml");

impl Policy {
    /// Parses a policy document; see the module documentation.
    pub fn from_toml(text: &str) -> Result<Policy, Error> {
        let doc: PolicyToml = toml::from_str(text).map_err(|e| located(text, &e))?;
        let mut policy = Policy::default();
        doc.timelines.apply(&mut policy.base);
        for (kind, org) in doc.org_kind {
            let mut days = Days::default();
            org.timelines.apply(&mut days);
            policy.org_kinds.insert(kind, days);
        }
        policy.epss_escalate_percentile = doc.epss_escalate_percentile;
        policy.epss_escalate_score = doc.epss_escalate_score;
        Ok(policy)
    }

    /// Days allowed for `timeline` in organisations of `org_kind`; `None`
    /// when the timeline has no fixed day count.
    pub fn days(&self, timeline: Timeline, org_kind: Option<OrgKind>) -> Option<u32> {
        org_kind
            .and_then(|k| self.org_kinds.get(&k))
            .and_then(|d| d.get(timeline))
            .or_else(|| self.base.get(timeline))
    }

    /// The EPSS percentile at or above which a finding is escalated.
    pub fn epss_escalate_percentile(&self) -> Option<f64> {
        self.epss_escalate_percentile
    }

    /// The EPSS score at or above which a finding is escalated.
    pub fn epss_escalate_score(&self) -> Option<f64> {
        self.epss_escalate_score
    }

    /// Whether a finding with EPSS `(score, percentile)` is escalated.
    pub fn escalates(&self, epss: Option<(f64, f64)>) -> bool {
        let Some((score, percentile)) = epss else {
            return false;
        };
        // NaN compares false: it never escalates.
        self.epss_escalate_percentile
            .is_some_and(|p| percentile >= p)
            || self.epss_escalate_score.is_some_and(|s| score >= s)
    }

    /// Days to fix a finding with these decisions, in organisations of
    /// `org_kind`, with EPSS `(score, percentile)`; `None` when there is no
    /// fixed day count.
    pub fn deadline_days(
        &self,
        decisions: &Decisions,
        org_kind: Option<OrgKind>,
        epss: Option<(f64, f64)>,
    ) -> Option<u32> {
        let timeline = decisions.bod_26_04;
        let own = self.days(timeline, org_kind);
        if !self.escalates(epss) {
            return own;
        }
        match (own, self.days(timeline.escalated(), org_kind)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// A TOML error with the line and column of its span.
fn located(text: &str, e: &toml::de::Error) -> Error {
    let (line, column) = match e.span() {
        Some(span) => {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    Error::Policy {
        line,
        column,
        message: e.message().trim_end().to_owned(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyToml {
    #[serde(default)]
    timelines: TimelinesToml,
    #[serde(default)]
    org_kind: BTreeMap<OrgKind, OrgToml>,
    #[serde(default, deserialize_with = "fraction")]
    epss_escalate_percentile: Option<f64>,
    #[serde(default, deserialize_with = "fraction")]
    epss_escalate_score: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgToml {
    #[serde(default)]
    timelines: TimelinesToml,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TimelinesToml {
    #[serde(rename = "3 days & forensic investigation")]
    days3_forensic: Option<u32>,
    #[serde(rename = "3 days")]
    days3: Option<u32>,
    #[serde(rename = "14 days")]
    days14: Option<u32>,
    #[serde(rename = "60 days")]
    days60: Option<u32>,
    #[serde(rename = "fix on system upgrade")]
    fix_on_system_upgrade: Option<u32>,
}

impl TimelinesToml {
    /// Overrides the days the document gives, keeps the others.
    fn apply(&self, days: &mut Days) {
        let given = [
            (Timeline::Days3Forensic, self.days3_forensic),
            (Timeline::Days3, self.days3),
            (Timeline::Days14, self.days14),
            (Timeline::Days60, self.days60),
            (Timeline::FixOnSystemUpgrade, self.fix_on_system_upgrade),
        ];
        for (t, d) in given {
            if d.is_some() {
                days.set(t, d);
            }
        }
    }
}

/// A number from 0 to 1 (EPSS scores and percentiles).
fn fraction<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let x = f64::deserialize(d)?;
    if (0.0..=1.0).contains(&x) {
        Ok(Some(x))
    } else {
        Err(serde::de::Error::custom(format!(
            "{x} is not between 0 and 1"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::points::{CoordinatorDecision, DeployerPriority};

    fn decisions(t: Timeline) -> Decisions {
        Decisions {
            bod_26_04: t,
            deployer: DeployerPriority::Scheduled,
            coordinator: CoordinatorDecision::Track,
            forensics: t == Timeline::Days3Forensic,
        }
    }

    /// Deadline under `policy` for each timeline, least urgent first.
    fn check(policy: &str, org: Option<&str>, epss: Option<(f64, f64)>, expect: [Option<u32>; 5]) {
        let policy = Policy::from_toml(policy).unwrap();
        let org = org.map(|o| o.parse().unwrap());
        let got: Vec<_> = Timeline::ALL
            .iter()
            .map(|&t| policy.deadline_days(&decisions(t), org, epss))
            .collect();
        assert_eq!(got, expect);
    }

    fn check_err(policy: &str, expect: &str) {
        assert_eq!(Policy::from_toml(policy).unwrap_err().to_string(), expect);
    }

    const BOD: [Option<u32>; 5] = [None, Some(60), Some(14), Some(3), Some(3)];

    #[test]
    fn shipped_default_is_the_default() {
        assert_eq!(
            Policy::from_toml(DEFAULT_POLICY_TOML).unwrap(),
            Policy::default()
        );
        assert_eq!(Policy::from_toml("").unwrap(), Policy::default());
        check("", None, None, BOD);
        check("", Some("operator"), Some((1.0, 1.0)), BOD);
    }

    #[test]
    fn overrides_per_decision_and_org_kind() {
        let policy = r#"
            [timelines]
            "14 days" = 10
            "fix on system upgrade" = 180

            [org_kind.operator.timelines]
            "60 days" = 30
            "3 days & forensic investigation" = 1
        "#;
        check(
            policy,
            None,
            None,
            [Some(180), Some(60), Some(10), Some(3), Some(3)],
        );
        check(
            policy,
            Some("ministry"),
            None,
            [Some(180), Some(60), Some(10), Some(3), Some(3)],
        );
        check(
            policy,
            Some("operator"),
            None,
            [Some(180), Some(30), Some(10), Some(3), Some(1)],
        );
    }

    #[test]
    fn epss_escalates_one_step() {
        let policy = "epss_escalate_percentile = 0.95";
        check(
            policy,
            None,
            Some((0.5, 0.95)),
            [Some(60), Some(14), Some(3), Some(3), Some(3)],
        );
        check(policy, None, Some((0.5, 0.94)), BOD);
        check(policy, None, Some((f64::NAN, f64::NAN)), BOD);
        check(policy, None, None, BOD);
        let by_score = "epss_escalate_score = 0.1";
        check(
            by_score,
            None,
            Some((0.1, 0.0)),
            [Some(60), Some(14), Some(3), Some(3), Some(3)],
        );
        // Escalation never makes a deadline later.
        let odd =
            "epss_escalate_percentile = 0.5\n[timelines]\n\"3 days & forensic investigation\" = 5";
        check(
            odd,
            None,
            Some((0.0, 0.9)),
            [Some(60), Some(14), Some(3), Some(3), Some(5)],
        );
    }

    #[test]
    fn errors_are_located() {
        check_err(
            "[timelines]\n\"15 days\" = 3\n",
            "policy: line 2, column 1: unknown field `15 days`, expected one of \
             `3 days & forensic investigation`, `3 days`, `14 days`, `60 days`, \
             `fix on system upgrade`",
        );
        check_err(
            "[org_kind.agency.timelines]\n\"3 days\" = 1\n",
            "policy: line 1, column 11: organisation kind: unknown value \"agency\" \
             (expected one of: nco, ministry, operator, government, vendor)",
        );
        check_err(
            "epss_escalate_percentile = 95",
            "policy: line 1, column 28: 95 is not between 0 and 1",
        );
        check_err(
            "[timelines]\n\"3 days\" = -1",
            "policy: line 2, column 12: invalid value: integer `-1`, expected u32",
        );
        check_err(
            "colour = 1",
            "policy: line 1, column 1: unknown field `colour`, expected one of `timelines`, \
             `org_kind`, `epss_escalate_percentile`, `epss_escalate_score`",
        );
        check_err(
            "[timelines\n",
            "policy: line 1, column 11: unclosed table, expected `]`",
        );
    }
}
