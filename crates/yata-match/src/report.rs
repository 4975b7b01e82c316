//! The JSON form of a work item: the contract `yata scan --format json`
//! prints and the server's findings listing extends. One function, so the
//! two cannot drift apart.

use serde_json::{Value, json};
use yata_model::inventory::Inventory;

use crate::matcher::{InstalledPackage, Subject};
use crate::worklist::WorkItem;

/// `item` as the JSON contract names it; `inventory` is the document the
/// item's subject indexes into.
pub fn finding_json(item: &WorkItem, inventory: &Inventory) -> Value {
    let a = &item.assessment;
    let (kind, subject) = subject_json(item, inventory);
    let i = &a.inputs;
    let mut v = json!({
        "id": item.finding.vulnerability.as_str(),
        "aliases": item.aliases.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        "confidence": item.finding.confidence.as_str(),
        "fixed_versions": item.finding.fixed_versions(),
        "cvss": a.cvss,
        "epss": a.epss,
        "kev": a.kev,
        "ssvc": {
            "exploitation": i.exploitation,
            "automatable": i.automatable,
            "technical_impact": i.technical_impact,
            "system_exposure": i.system_exposure,
            "publicly_exposed": i.publicly_exposed,
            "human_impact": i.human_impact,
            "mission_well_being": i.mission_well_being,
            "in_kev": i.in_kev,
            "deployer": a.decisions.deployer.as_str(),
            "coordinator": a.decisions.coordinator.as_str(),
        },
        "decision": a.decisions.bod_26_04.as_str(),
        "deadline_days": a.deadline_days,
        "forensics": a.decisions.forensics,
        "explanation": item.finding.explanation(),
        "evidence": item.finding.evidence,
        "suppressed": item.vex.as_ref().filter(|v| v.suppresses()),
        "informational": item.finding.informational(),
        "vex": item.vex,
    });
    v[kind] = subject;
    v
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

/// What a finding is about, as the JSON contract names it.
fn subject_json(item: &WorkItem, inventory: &Inventory) -> (&'static str, Value) {
    match item.finding.subject {
        Subject::Component(i) => {
            let c = &inventory.components[i];
            let installed = InstalledPackage::of(c);
            let ecosystem = installed
                .last()
                .map(|p| p.ecosystem.to_string())
                .or_else(|| c.ecosystem.clone());
            (
                "package",
                json!({
                    "purl": c.purl,
                    "name": c.name,
                    "version": c.version,
                    "ecosystem": ecosystem,
                }),
            )
        }
        Subject::Product(i) => {
            let p = &inventory.products[i];
            (
                "product",
                json!({
                    "vendor": p.vendor,
                    "product": p.product,
                    "version": p.version,
                    "cpe": p.cpe,
                    "hostname": p.hostname,
                }),
            )
        }
    }
}
