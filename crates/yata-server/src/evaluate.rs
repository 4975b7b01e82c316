//! Findings from inventories: the matcher's work list for one asset,
//! turned into the observations the store reconciles its findings with.
//! CPU-bound; callers run it on a blocking thread.

use std::collections::{HashMap, HashSet};

use jiff::{SignedDuration, Timestamp};
use yata_match::{AssetContext, WorkConfig, report, work_list};
use yata_model::inventory::{Criticality, Inventory, Product, SourceDocument};
use yata_priority::Policy;
use yata_store::{
    Asset, AssetKind, Criticality as StoredCriticality, Finding, FindingState, InventoryDocument,
    Observation, OrgKind,
};

use crate::error::AppError;
use crate::state::Knowledge;

/// The stored format name of a product asset's one-product inventory.
pub const PRODUCT_FORMAT: &str = "yata-product";

/// The one-product inventory a product asset stands for.
pub fn product_inventory(asset: &Asset) -> Inventory {
    let mut inv = Inventory::new(SourceDocument {
        format: PRODUCT_FORMAT.into(),
        spec_version: None,
        digest: String::new(),
        name: Some(asset.name.clone()),
        created: None,
        tools: Vec::new(),
        metadata: Default::default(),
    });
    let mut p = Product::named(asset.product.as_deref().unwrap_or_default());
    p.vendor = asset.vendor.clone();
    p.version = asset.version.clone();
    p.cpe = asset.cpe.clone();
    p.hostname = Some(asset.name.clone());
    inv.products.push(p);
    inv
}

/// Reads a stored inventory document back.
pub fn load_inventory(
    asset: &Asset,
    doc: &InventoryDocument,
    limits: &yata_inventory::Limits,
) -> Result<Inventory, AppError> {
    if asset.kind == AssetKind::Product || doc.meta.format == PRODUCT_FORMAT {
        return Ok(product_inventory(asset));
    }
    let format: yata_inventory::Format = doc.meta.format.parse().map_err(AppError::internal)?;
    yata_inventory::parse(format, &doc.body, limits).map_err(AppError::internal)
}

/// The packages `inventory` installs, as the match index keys them.
pub fn installed_packages(inventory: &Inventory) -> Vec<yata_match::InstalledPackage> {
    inventory
        .components
        .iter()
        .flat_map(yata_match::InstalledPackage::of)
        .collect()
}

/// The population's id of a store asset (ids beyond `u32` would need a
/// wider population id; the store hands them out from 1 upwards).
pub fn population_id(asset: yata_store::AssetId) -> Option<yata_match::AssetId> {
    u32::try_from(asset.0).ok().map(yata_match::AssetId)
}

/// Files `inventory` as what `asset` has installed now.
pub fn install(installed: &mut crate::state::Installed, asset: &Asset, inventory: &Inventory) {
    if asset.kind == AssetKind::Product {
        installed.products.insert(asset.id);
    } else if let Some(id) = population_id(asset.id) {
        installed
            .packages
            .replace_asset(id, &installed_packages(inventory));
    }
}

fn criticality(c: StoredCriticality) -> Criticality {
    match c {
        StoredCriticality::Low => Criticality::Low,
        StoredCriticality::Medium => Criticality::Medium,
        StoredCriticality::High => Criticality::High,
        StoredCriticality::VeryHigh => Criticality::VeryHigh,
    }
}

fn policy_kind(k: OrgKind) -> Option<yata_priority::OrgKind> {
    k.as_str().parse().ok()
}

/// The observations of `inventory` on `asset` now. `existing` are the
/// asset's findings: a finding still present keeps the deadline counted
/// from when it was first seen; a new or reappearing one counts from `now`.
/// Findings a VEX statement suppresses and informational advisories are
/// not findings; a (vulnerability, subject) pair is observed once, at its
/// most urgent.
pub fn observations(
    knowledge: &Knowledge,
    policy: &Policy,
    inventory: &Inventory,
    asset: &Asset,
    org_kind: OrgKind,
    existing: &[Finding],
    now: Timestamp,
) -> Vec<Observation> {
    let config = WorkConfig {
        policy,
        context: AssetContext {
            asset: yata_priority::Asset {
                internet_exposed: Some(asset.internet_exposed),
                criticality: Some(criticality(asset.criticality)),
            },
            org_kind: policy_kind(org_kind),
        },
        statements: &[],
    };
    let since: HashMap<(&str, &str), Timestamp> = existing
        .iter()
        .filter(|f| f.state != FindingState::Fixed)
        .map(|f| ((f.vuln_id.as_str(), f.subject.as_str()), f.first_seen))
        .collect();
    // Every finding's id, by subject: a vulnerability whose primary id
    // changed (a GHSA that was given a CVE) keeps its finding, its state
    // and its history, under the id it was first recorded by.
    let mut by_subject: HashMap<&str, Vec<&str>> = HashMap::new();
    for f in existing {
        by_subject
            .entry(f.subject.as_str())
            .or_default()
            .push(f.vuln_id.as_str());
    }
    let list = work_list(&knowledge.db, &knowledge.index, inventory, &config);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.items.len());
    for item in &list.items {
        if item.suppressed() || item.finding.informational().is_some() {
            continue;
        }
        let subject = report::subject_key(item, inventory);
        let primary = item.finding.vulnerability.as_str();
        let vuln_id = match by_subject.get(subject.as_str()) {
            Some(ids) if !ids.contains(&primary) => ids
                .iter()
                .find(|id| item.aliases.iter().any(|a| a.as_str() == **id))
                .map_or(primary, |id| *id),
            _ => primary,
        }
        .to_owned();
        if !seen.insert((vuln_id.clone(), subject.clone())) {
            continue;
        }
        let start = since
            .get(&(vuln_id.as_str(), subject.as_str()))
            .copied()
            .unwrap_or(now);
        let deadline = item.assessment.deadline_days.and_then(|d| {
            start
                .checked_add(SignedDuration::from_hours(24 * i64::from(d)))
                .ok()
        });
        out.push(Observation {
            decision: Some(item.assessment.decisions.bod_26_04.as_str().to_owned()),
            deadline,
            kev: item.assessment.kev,
            epss: item.assessment.epss.as_ref().map(|e| e.score),
            explanation: report::finding_json(item, inventory).to_string(),
            vuln_id,
            subject,
        });
    }
    out
}
