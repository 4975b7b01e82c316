//! The CSAF writer's checks, shared by the corpus tests (`vex.rs`) and the
//! writer's own (`csaf_out.rs`): write, validate with `yata-csaf`, read
//! back, and compare with what `to_csaf_vex`'s documented differences
//! predict ([`expected`], written plainly, statement by statement).

// Each test crate that includes this module uses a part of it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use yata_csaf::Group;
use yata_vex::{
    CsafMeta, Format, Justification, JustificationKind, ProductRef, Statement, Status, parse,
    to_csaf_vex,
};

pub fn meta() -> CsafMeta {
    CsafMeta {
        id: "YATA-VEX-2024-0001".into(),
        title: "Example organisation: VEX".into(),
        publisher_name: "Example organisation".into(),
        publisher_namespace: "https://example.org".into(),
        publisher_category: "user".into(),
        generated: "2024-06-01T09:30:00Z".parse().unwrap(),
        tlp: Some("CLEAR".into()),
    }
}

/// Optional (6.2) and informative (6.3) tests a written document may fail,
/// because the statements do not carry what they ask for:
/// * 6.2.3 Missing Score: statements have no CVSS scores;
/// * 6.2.11 Missing Canonical URL and 6.2.12 Missing Document Language:
///   [`CsafMeta`] has neither;
/// * 6.2.16 Missing Product Identification Helper: products known by name;
/// * 6.2.17 CVE in field IDs: a statement with a second CVE among its ids;
/// * 6.2.18 Product Version Range without vers and 6.3.10 Usage of Product
///   Version Range: a named product's version reads as a range;
/// * 6.3.3 Missing CVE: vulnerabilities known by other ids only;
/// * 6.3.4 Missing CWE: statements have no CWE;
/// * 6.3.11 Usage of V as Version Indicator: a version written `v1.2`.
pub const ALLOWED: [&str; 10] = [
    "6.2.3", "6.2.11", "6.2.12", "6.2.16", "6.2.17", "6.2.18", "6.3.3", "6.3.4", "6.3.10", "6.3.11",
];

/// What became of a statement list.
#[derive(Debug)]
pub enum Outcome {
    /// Written, valid and read back as expected; the optional and
    /// informative tests that failed, with their counts.
    Written(BTreeMap<&'static str, usize>),
    /// No statements: nothing to write (an error).
    Empty,
    /// Refused because statements disagree about a product (the error).
    Conflict(String),
}

/// Writes `statements` as CSAF and checks everything this crate promises
/// of the result.
#[track_caller]
pub fn check(statements: &[Statement]) -> Outcome {
    let meta = meta();
    let written = match to_csaf_vex(statements, &meta) {
        Ok(w) => w,
        Err(e) if statements.is_empty() => {
            assert_eq!(
                e.to_string(),
                "csaf: statements: empty: a CSAF VEX document needs at least one vulnerability"
            );
            return Outcome::Empty;
        }
        Err(e) => {
            assert!(expected(statements).is_err(), "unexpected error: {e}");
            let message = e.to_string();
            assert!(
                message.starts_with("csaf: statements[")
                    && (message.contains("one status per vulnerability")
                        || message.contains("one justification per vulnerability")),
                "{message}"
            );
            return Outcome::Conflict(message);
        }
    };
    let report = yata_csaf::validate(written.as_bytes()).expect("validates");
    let mut failed = BTreeMap::new();
    for f in report.failures() {
        assert!(
            !matches!(f.group(), Group::Schema | Group::Mandatory) && ALLOWED.contains(&f.test()),
            "{f}\n{}",
            &written[..written.len().min(6000)]
        );
        *failed.entry(f.test()).or_default() += 1;
    }
    assert!(report.is_valid());

    // Deterministic, whatever the order of the statements.
    let mut reversed = statements.to_vec();
    reversed.reverse();
    assert_eq!(
        to_csaf_vex(&reversed, &meta).unwrap(),
        written,
        "order independent"
    );

    let back = parse(written.as_bytes()).expect("reads back");
    assert_eq!(back.format, Format::Csaf);
    assert_eq!(back.warnings, [], "{written}");
    let mut got: Vec<String> = back.statements.iter().map(|s| format!("{s:?}")).collect();
    got.sort();
    let want = expected(statements).expect("no conflict, since written");
    assert_eq!(got, want, "{written}");
    Outcome::Written(failed)
}

pub const GENERIC_IMPACT: &str =
    "The publisher states that this product is not affected; no justification was given.";
pub const AFFECTED_ACTION: &str = "No remediation has been stated for this product yet.";
pub const UNDER_INVESTIGATION_ACTION: &str =
    "The product is under investigation; no remediation is known yet.";

fn is_cve(id: &str) -> bool {
    let parts: Vec<&str> = id.splitn(3, '-').collect();
    matches!(parts[..], ["CVE", y, n]
        if y.len() == 4 && n.len() >= 4
            && y.bytes().chain(n.bytes()).all(|b| b.is_ascii_digit()))
}

/// The statements `parse(to_csaf_vex(statements))` should give, as sorted
/// `Debug` strings; `Err` when two statements give one product two statuses
/// or justifications. Assumes every CPE fits the schema's pattern.
pub fn expected(statements: &[Statement]) -> Result<Vec<String>, ()> {
    #[derive(Default)]
    struct Said {
        status: Option<Status>,
        justification: Option<JustificationKind>,
        impacts: BTreeSet<String>,
        actions: BTreeSet<(String, String)>,
        products: Vec<ProductRef>,
    }
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut said: BTreeMap<(String, String), Said> = BTreeMap::new();
    for s in statements {
        let all: Vec<&String> = std::iter::once(&s.vulnerability)
            .chain(&s.aliases)
            .collect();
        let group = all
            .iter()
            .find(|id| is_cve(id))
            .copied()
            .unwrap_or(&s.vulnerability)
            .clone();
        ids.entry(group.clone())
            .or_default()
            .extend(all.into_iter().cloned());
        let named = |p: &ProductRef| match p {
            ProductRef::BomRef(t) | ProductRef::Other(t) => ProductRef::Name {
                vendor: None,
                product: t.clone(),
                version: None,
            },
            p => p.clone(),
        };
        let products: Vec<Vec<ProductRef>> = match &s.products[..] {
            [p @ ProductRef::Purl(_), c @ ProductRef::Cpe(_)] => vec![vec![p.clone(), c.clone()]],
            list => list.iter().map(|p| vec![named(p)]).collect(),
        };
        for product in products {
            let entry = said
                .entry((group.clone(), format!("{product:?}")))
                .or_default();
            let justification = s
                .justification
                .as_ref()
                .filter(|_| s.status == Status::NotAffected)
                .map(|j| j.kind);
            if entry.status.is_some_and(|st| st != s.status)
                || (entry.status.is_some() && entry.justification != justification)
            {
                return Err(());
            }
            entry.status = Some(s.status);
            entry.justification = justification;
            entry.products = product;
            if let Some(t) = s.impact_statement.as_deref().map(str::trim)
                && !t.is_empty()
            {
                entry.impacts.insert(t.to_owned());
            }
            if let Some(t) = s.action_statement.as_deref().map(str::trim)
                && !t.is_empty()
            {
                entry.actions.extend(remediations(t, s.status));
            }
        }
    }
    let mut out = Vec::new();
    for ((group, _), said) in said {
        let status = said.status.unwrap();
        let mut impacts: Vec<String> = said.impacts.into_iter().collect();
        if impacts.is_empty() && status == Status::NotAffected && said.justification.is_none() {
            impacts.push(GENERIC_IMPACT.into());
        }
        let mut actions = said.actions;
        if actions.is_empty() {
            match status {
                Status::Affected => {
                    actions.insert(("none_available".into(), AFFECTED_ACTION.into()));
                }
                Status::UnderInvestigation => {
                    actions.insert(("none_available".into(), UNDER_INVESTIGATION_ACTION.into()));
                }
                Status::NotAffected | Status::Fixed => {}
            }
        }
        let actions: Vec<String> = actions
            .into_iter()
            .map(|(c, d)| format!("{c}: {d}"))
            .collect();
        let statement = Statement {
            aliases: ids[&group]
                .iter()
                .filter(|a| **a != group)
                .cloned()
                .collect(),
            vulnerability: group,
            products: said.products,
            subcomponents: Vec::new(),
            status,
            justification: said.justification.map(|kind| Justification {
                kind,
                as_written: kind.as_str().into(),
            }),
            impact_statement: (!impacts.is_empty()).then(|| impacts.join("\n")),
            action_statement: (!actions.is_empty()).then(|| actions.join("\n")),
            timestamp: Some(meta().generated),
            source: Format::Csaf,
        };
        out.push(format!("{statement:?}"));
    }
    out.sort();
    Ok(out)
}

/// An action statement as (category, details): `category: details` lines
/// each, else the whole text as `vendor_fix` (fixed) or `mitigation`.
fn remediations(action: &str, status: Status) -> Vec<(String, String)> {
    const CATEGORIES: [&str; 5] = [
        "mitigation",
        "no_fix_planned",
        "none_available",
        "vendor_fix",
        "workaround",
    ];
    let mut lines = Vec::new();
    for line in action.lines().filter(|l| !l.trim().is_empty()) {
        match line.split_once(':') {
            Some((c, d)) if CATEGORIES.contains(&c) && !d.trim().is_empty() => {
                lines.push((c.to_owned(), d.trim().to_owned()));
            }
            _ => {
                let c = if status == Status::Fixed {
                    "vendor_fix"
                } else {
                    "mitigation"
                };
                return vec![(c.into(), action.to_owned())];
            }
        }
    }
    lines
}

/// Outcomes over a corpus, for the test log and its assertions.
#[derive(Debug, Default)]
pub struct Tally {
    pub written: usize,
    pub empty: usize,
    pub conflicts: Vec<String>,
    /// Failed optional and informative tests: documents failing each.
    pub failed: BTreeMap<&'static str, usize>,
}

impl Tally {
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Written(failed) => {
                self.written += 1;
                for test in failed.into_keys() {
                    *self.failed.entry(test).or_default() += 1;
                }
            }
            Outcome::Empty => self.empty += 1,
            Outcome::Conflict(e) => self.conflicts.push(e),
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "csaf out: {} written and valid, {} without statements, {} refused for conflicts; \
             documents failing optional/informative tests: {:?}",
            self.written,
            self.empty,
            self.conflicts.len(),
            self.failed
        )?;
        for c in &self.conflicts {
            write!(f, "\n  refused: {c}")?;
        }
        Ok(())
    }
}
