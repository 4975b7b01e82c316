//! The JSON form of a work item: the contract `yata scan --format json`
//! prints and the server's findings listing extends. One function, so the
//! two cannot drift apart.

use serde::Serialize;
use serde_json::Value;
use yata_model::inventory::Inventory;
use yata_priority::{
    Automatable, Exploitation, HumanImpact, InKev, Input, MissionWellBeing, PubliclyExposed,
    SystemExposure, TechnicalImpact,
};

use crate::assess::{CvssScore, EpssScore};
use crate::matcher::{Evidence, InstalledPackage, Subject};
use crate::vex::VexVerdict;
use crate::worklist::WorkItem;

/// `item` as the JSON contract names it; `inventory` is the document the
/// item's subject indexes into. The same as [`FindingJson`] as a value.
pub fn finding_json(item: &WorkItem, inventory: &Inventory) -> Value {
    serde_json::to_value(FindingJson::new(item, inventory))
        .expect("a finding serialises: every map in it has string keys")
}

/// One finding of the JSON contract, borrowed from its work item: written
/// straight to the output, with no tree of values built first (a work list
/// of a thousand findings printed in a fifth of the time).
#[derive(Debug, Serialize)]
pub struct FindingJson<'a> {
    id: &'a str,
    aliases: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    package: Option<PackageJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    product: Option<ProductJson<'a>>,
    confidence: &'static str,
    fixed_versions: Vec<String>,
    cvss: &'a Option<CvssScore>,
    epss: &'a Option<EpssScore>,
    kev: bool,
    ssvc: SsvcJson<'a>,
    decision: &'static str,
    deadline_days: Option<u32>,
    forensics: bool,
    explanation: String,
    evidence: &'a [Evidence],
    suppressed: Option<&'a VexVerdict>,
    informational: Option<&'a str>,
    vex: &'a Option<VexVerdict>,
}

#[derive(Debug, Serialize)]
struct SsvcJson<'a> {
    exploitation: &'a Input<Exploitation>,
    automatable: &'a Input<Automatable>,
    technical_impact: &'a Input<TechnicalImpact>,
    system_exposure: &'a Input<SystemExposure>,
    publicly_exposed: &'a Input<PubliclyExposed>,
    human_impact: &'a Input<HumanImpact>,
    mission_well_being: &'a Input<MissionWellBeing>,
    in_kev: &'a Input<InKev>,
    deployer: &'static str,
    coordinator: &'static str,
}

#[derive(Debug, Serialize)]
struct PackageJson<'a> {
    purl: &'a Option<String>,
    name: &'a str,
    version: &'a Option<String>,
    ecosystem: Option<String>,
}

#[derive(Debug, Serialize)]
struct ProductJson<'a> {
    vendor: &'a Option<String>,
    product: &'a str,
    version: &'a Option<String>,
    cpe: &'a Option<String>,
    hostname: &'a Option<String>,
}

impl<'a> FindingJson<'a> {
    pub fn new(item: &'a WorkItem, inventory: &'a Inventory) -> FindingJson<'a> {
        let a = &item.assessment;
        let i = &a.inputs;
        let (package, product) = match item.finding.subject {
            Subject::Component(n) => {
                let c = &inventory.components[n];
                let ecosystem = InstalledPackage::of(c)
                    .last()
                    .map(|p| p.ecosystem.to_string())
                    .or_else(|| c.ecosystem.clone());
                let package = PackageJson {
                    purl: &c.purl,
                    name: &c.name,
                    version: &c.version,
                    ecosystem,
                };
                (Some(package), None)
            }
            Subject::Product(n) => {
                let p = &inventory.products[n];
                let product = ProductJson {
                    vendor: &p.vendor,
                    product: &p.product,
                    version: &p.version,
                    cpe: &p.cpe,
                    hostname: &p.hostname,
                };
                (None, Some(product))
            }
        };
        FindingJson {
            id: item.finding.vulnerability.as_str(),
            aliases: item.aliases.iter().map(|a| a.as_str()).collect(),
            package,
            product,
            confidence: item.finding.confidence.as_str(),
            fixed_versions: item.finding.fixed_versions(),
            cvss: &a.cvss,
            epss: &a.epss,
            kev: a.kev,
            ssvc: SsvcJson {
                exploitation: &i.exploitation,
                automatable: &i.automatable,
                technical_impact: &i.technical_impact,
                system_exposure: &i.system_exposure,
                publicly_exposed: &i.publicly_exposed,
                human_impact: &i.human_impact,
                mission_well_being: &i.mission_well_being,
                in_kev: &i.in_kev,
                deployer: a.decisions.deployer.as_str(),
                coordinator: a.decisions.coordinator.as_str(),
            },
            decision: a.decisions.bod_26_04.as_str(),
            deadline_days: a.deadline_days,
            forensics: a.decisions.forensics,
            explanation: item.finding.explanation(),
            evidence: &item.finding.evidence,
            suppressed: item.vex.as_ref().filter(|v| v.suppresses()),
            informational: item.finding.informational(),
            vex: &item.vex,
        }
    }
}

/// A stable, human-readable key of what a finding is about within its
/// inventory: the component's purl (else name@version), or
/// `product:vendor/product@version`. The server keys findings by it.
pub fn subject_key(item: &WorkItem, inventory: &Inventory) -> String {
    match item.finding.subject {
        Subject::Component(i) => {
            let c = &inventory.components[i];
            match &c.purl {
                Some(p) => p.clone(),
                None => format!("{}@{}", c.name, c.version.as_deref().unwrap_or_default()),
            }
        }
        Subject::Product(i) => {
            let p = &inventory.products[i];
            format!(
                "product:{}/{}@{}",
                p.vendor.as_deref().unwrap_or_default(),
                p.product,
                p.version.as_deref().unwrap_or_default()
            )
        }
    }
}
