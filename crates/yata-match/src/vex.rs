//! Applying VEX statements to findings.
//!
//! A statement applies to a finding when
//! * its vulnerability (or one of its aliases) is the finding's
//!   vulnerability under any of its ids, and
//! * one of its products or subcomponents names the finding's subject: the
//!   same PURL (a PURL without version covers every version; qualifiers and
//!   subpath are ignored), a CPE that matches the subject's CPE, the
//!   component's `bom-ref`, or the product's vendor, name and version.
//!
//! Of several statements that apply, the latest (by timestamp; the one
//! given last on a tie or without timestamps) decides. `not_affected` and
//! `fixed` suppress the finding; `under_investigation` and `affected` only
//! annotate it.

use serde::Serialize;
use yata_cpe::{Cpe, Relation};
use yata_knowledge::AdvisoryDb;
use yata_model::VulnId;
use yata_model::inventory::Inventory;
use yata_purl::Purl;
use yata_vex::{ProductRef, Statement};

use crate::key::{normalize_product, normalize_vendor};
use crate::matcher::{Finding, Subject};

/// The statement that decided a finding's VEX status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VexVerdict {
    /// `not_affected`, `affected`, `fixed`, `under_investigation`.
    pub status: &'static str,
    /// The CISA justification (`vulnerable_code_not_present`, …) and the
    /// label as the document wrote it.
    pub justification: Option<String>,
    pub justification_as_written: Option<String>,
    pub impact_statement: Option<String>,
    pub action_statement: Option<String>,
    /// `openvex`, `cyclonedx`, `csaf`.
    pub format: &'static str,
    /// The vulnerability id as the statement wrote it.
    pub vulnerability: String,
    pub timestamp: Option<String>,
}

impl VexVerdict {
    /// Whether the finding is suppressed: not affected, or fixed.
    pub fn suppresses(&self) -> bool {
        matches!(self.status, "not_affected" | "fixed")
    }
}

/// The verdict of `statements` on `finding` of `inventory`, if any applies.
pub fn verdict(
    db: &AdvisoryDb,
    inventory: &Inventory,
    finding: &Finding,
    statements: &[Statement],
) -> Option<VexVerdict> {
    let ids = ids_of(db, &finding.vulnerability);
    let mut best: Option<(usize, &Statement)> = None;
    for (i, s) in statements.iter().enumerate() {
        let names_vuln = std::iter::once(&s.vulnerability)
            .chain(&s.aliases)
            .any(|v| {
                ids.iter()
                    .any(|id| id.as_str().eq_ignore_ascii_case(v.trim()))
            });
        if !names_vuln {
            continue;
        }
        let names_subject = s
            .products
            .iter()
            .chain(&s.subcomponents)
            .any(|p| names(p, inventory, finding.subject));
        if !names_subject {
            continue;
        }
        let later = match best {
            None => true,
            Some((_, b)) => match (b.timestamp, s.timestamp) {
                (Some(a), Some(c)) => c >= a,
                _ => true,
            },
        };
        if later {
            best = Some((i, s));
        }
    }
    let (_, s) = best?;
    Some(VexVerdict {
        status: s.status.as_str(),
        justification: s.justification.as_ref().map(|j| j.kind.as_str().to_owned()),
        justification_as_written: s.justification.as_ref().map(|j| j.as_written.clone()),
        impact_statement: s.impact_statement.clone(),
        action_statement: s.action_statement.clone(),
        format: s.source.name(),
        vulnerability: s.vulnerability.clone(),
        timestamp: s.timestamp.map(|t| t.to_string()),
    })
}

/// Every id the vulnerability is known by.
fn ids_of(db: &AdvisoryDb, id: &VulnId) -> Vec<VulnId> {
    match db.get(id) {
        Some(v) => std::iter::once(v.id())
            .chain(v.aliases())
            .cloned()
            .collect(),
        None => vec![id.clone()],
    }
}

fn names(p: &ProductRef, inventory: &Inventory, subject: Subject) -> bool {
    match subject {
        Subject::Component(i) => {
            let Some(c) = inventory.components.get(i) else {
                return false;
            };
            match p {
                ProductRef::Purl(stated) => c
                    .purl
                    .as_deref()
                    .and_then(|s| s.parse::<Purl>().ok())
                    .is_some_and(|installed| purl_covers(stated, &installed)),
                ProductRef::Cpe(stated) => cpe_covers(stated, c.cpe.as_deref()),
                ProductRef::BomRef(r) => c.id.as_deref() == Some(r.as_str()),
                ProductRef::Name {
                    product, version, ..
                } => {
                    normalize_product(product) == normalize_product(&c.name)
                        && version
                            .as_deref()
                            .is_none_or(|v| c.version.as_deref() == Some(v))
                }
                ProductRef::Other(_) => false,
            }
        }
        Subject::Product(i) => {
            let Some(prod) = inventory.products.get(i) else {
                return false;
            };
            match p {
                ProductRef::Cpe(stated) => cpe_covers(stated, prod.cpe.as_deref()),
                ProductRef::Name {
                    vendor,
                    product,
                    version,
                } => {
                    normalize_product(product) == normalize_product(&prod.product)
                        && vendor.as_deref().is_none_or(|v| {
                            prod.vendor
                                .as_deref()
                                .is_some_and(|pv| normalize_vendor(v) == normalize_vendor(pv))
                        })
                        && version
                            .as_deref()
                            .is_none_or(|v| prod.version.as_deref() == Some(v))
                }
                ProductRef::Purl(_) | ProductRef::BomRef(_) | ProductRef::Other(_) => false,
            }
        }
    }
}

/// Same type, namespace and name; the stated version, when given, equal.
fn purl_covers(stated: &Purl, installed: &Purl) -> bool {
    stated.ty() == installed.ty()
        && stated.namespace() == installed.namespace()
        && stated.name() == installed.name()
        && stated
            .version()
            .is_none_or(|v| installed.version() == Some(v))
}

fn cpe_covers(stated: &str, installed: Option<&str>) -> bool {
    let (Ok(stated), Some(Ok(installed))) = (Cpe::parse(stated), installed.map(Cpe::parse)) else {
        return false;
    };
    matches!(
        stated.compare(&installed),
        Relation::Equal | Relation::Superset
    )
}
