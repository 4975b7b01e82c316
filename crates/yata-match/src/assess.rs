//! Prioritisation of a finding: its CVSS, EPSS and KEV facts from the
//! advisory store, the asset's exposure and criticality, the SSVC decisions
//! and the policy's deadline — each input with its source.

use serde::Serialize;
use yata_cvss::Cvss;
use yata_knowledge::VulnView;
use yata_model::{SeverityKind, SourceKind};
use yata_priority::{
    AdpSsvc, Asset, CvssDerived, Decisions, Evidence, OrgKind, Policy, RiskInputs, WorkKey, decide,
};

/// A CVSS vector of the vulnerability with the scores computed from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvssScore {
    /// `2.0`, `3.0`, `3.1` or `4.0`.
    pub version: &'static str,
    pub vector: String,
    pub base: f64,
    pub temporal: Option<f64>,
    pub environmental: Option<f64>,
    pub severity: &'static str,
    /// Which source gave the vector (`cve5 cna`, `cve5 adp:CISA-ADP`, `osv`).
    pub source: String,
}

/// The EPSS probability and percentile, with the model's date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpssScore {
    pub score: f64,
    pub percentile: f64,
    pub date: String,
}

/// Everything that decides a finding's priority.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    /// The vector chosen for scoring and SSVC derivation (see [`assess`]).
    pub cvss: Option<CvssScore>,
    pub epss: Option<EpssScore>,
    pub kev: bool,
    pub inputs: RiskInputs,
    pub decisions: Decisions,
    /// Days from the finding's discovery to its deadline; `None` when the
    /// policy sets no day count ("fix on system upgrade").
    pub deadline_days: Option<u32>,
}

impl Assessment {
    /// The work-list key of a finding of vulnerability `id`.
    pub fn work_key(&self, id: &str) -> WorkKey {
        WorkKey {
            deadline_days: self.deadline_days,
            decisions: self.decisions,
            epss: self.epss.as_ref().map(|e| e.score),
            cvss: self.cvss.as_ref().map(|c| c.base),
            id: id.to_owned(),
        }
    }
}

/// What the finding's asset and organisation contribute.
#[derive(Debug, Clone, Copy, Default)]
pub struct AssetContext {
    pub asset: Asset,
    pub org_kind: Option<OrgKind>,
}

/// Assesses vulnerability `view` on an asset under `policy`.
///
/// The CVSS vector is chosen in a fixed order so that the same data always
/// gives the same answer: by source (CVE-5 records — the CNA's, then ADP's —
/// before OSV, RustSec, CSAF and JVN), then by version (3.1, 3.0, 4.0, 2.0:
/// v3 is what most sources score and what the SSVC derivation reads best),
/// the first vector that parses winning.
pub fn assess(view: &VulnView<'_>, context: &AssetContext, policy: &Policy) -> Assessment {
    let cvss = best_cvss(view);
    let epss = view.epss().map(|e| EpssScore {
        score: e.value.score,
        percentile: e.value.percentile,
        date: e.value.date.to_string(),
    });
    let kev = view.kev().is_some();
    let adp = view
        .ssvc()
        .map(|s| AdpSsvc::from_model(s.value))
        .unwrap_or_default();
    let derived = cvss
        .as_ref()
        .map(|(c, _)| {
            let major = match c.version() {
                yata_cvss::Version::V2_0 => 2,
                yata_cvss::Version::V3_0 | yata_cvss::Version::V3_1 => 3,
                yata_cvss::Version::V4_0 => 4,
            };
            CvssDerived::from_metrics(major, |m| c.metric(m))
        })
        .unwrap_or_default();
    let inputs = RiskInputs::gather(&Evidence {
        in_kev: kev,
        adp,
        cvss: derived,
        asset: context.asset,
    });
    let decisions = decide(&inputs);
    let deadline_days = policy.deadline_days(
        &decisions,
        context.org_kind,
        epss.as_ref().map(|e| (e.score, e.percentile)),
    );
    Assessment {
        cvss: cvss.map(|(_, s)| s),
        epss,
        kev,
        inputs,
        decisions,
        deadline_days,
    }
}

const SOURCE_ORDER: &[SourceKind] = &[
    SourceKind::Cve5,
    SourceKind::Osv,
    SourceKind::Rustsec,
    SourceKind::Csaf,
    SourceKind::Jvn,
];

const VERSION_ORDER: &[&str] = &["3.1", "3.0", "4.0", "2.0"];

fn best_cvss(view: &VulnView<'_>) -> Option<(Cvss, CvssScore)> {
    let mut candidates: Vec<(usize, usize, usize, Cvss, String, String)> = Vec::new();
    let mut n = 0;
    for record in view.records() {
        let Some(s) = SOURCE_ORDER.iter().position(|k| *k == record.source) else {
            continue;
        };
        let severities = record
            .severities
            .iter()
            .chain(record.packages.iter().flat_map(|p| &p.severities));
        for sev in severities {
            if !matches!(
                sev.kind,
                SeverityKind::CvssV2 | SeverityKind::CvssV3 | SeverityKind::CvssV4
            ) {
                continue;
            }
            let Ok(cvss) = sev.score.trim().parse::<Cvss>() else {
                continue;
            };
            let v = VERSION_ORDER
                .iter()
                .position(|v| *v == cvss.version().as_str())
                .unwrap_or(VERSION_ORDER.len());
            // The CNA before any ADP within a CVE record.
            let by = match sev.by.as_deref() {
                None | Some("cna") => 0,
                Some(_) => 1,
            };
            let source = match &sev.by {
                Some(by) => format!("{} {by}", record.source.as_str()),
                None => record.source.as_str().to_owned(),
            };
            candidates.push((s * 2 + by, v, n, cvss, sev.score.trim().to_owned(), source));
            n += 1;
        }
    }
    candidates.sort_by_key(|c| (c.0, c.1, c.2));
    let (_, _, _, cvss, vector, source) = candidates.into_iter().next()?;
    let scores = cvss.scores();
    let score = CvssScore {
        version: cvss.version().as_str(),
        vector,
        base: scores.base,
        temporal: scores.temporal,
        environmental: scores.environmental,
        severity: cvss.severity().as_str(),
        source,
    };
    Some((cvss, score))
}
