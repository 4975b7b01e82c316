//! The work list: an inventory's findings, prioritised, with their VEX
//! status, in the order they should be worked (deadline, then decision,
//! then EPSS, then CVSS, then id: [`yata_priority::cmp_work`]).

use yata_knowledge::AdvisoryDb;
use yata_model::VulnId;
use yata_model::inventory::Inventory;
use yata_priority::Policy;
use yata_vex::Statement;

use crate::assess::{Assessment, AssetContext, assess};
use crate::index::MatchIndex;
use crate::matcher::{Finding, Matches, Subject};
use crate::vex::{VexVerdict, verdict};

/// How to prioritise an inventory's findings.
#[derive(Debug, Clone, Copy)]
pub struct WorkConfig<'a> {
    pub policy: &'a Policy,
    /// The asset's attributes; a product row's own exposure and criticality
    /// (asset registers carry them) take precedence for that product.
    pub context: AssetContext,
    /// VEX statements from outside the inventory; the inventory's own
    /// (CycloneDX embedded VEX) are applied first, so these win on a tie.
    pub statements: &'a [Statement],
}

/// One finding on the work list.
#[derive(Debug, Clone)]
pub struct WorkItem {
    pub finding: Finding,
    /// The vulnerability's other ids.
    pub aliases: Vec<VulnId>,
    pub assessment: Assessment,
    pub vex: Option<VexVerdict>,
}

impl WorkItem {
    pub fn suppressed(&self) -> bool {
        self.vex.as_ref().is_some_and(VexVerdict::suppresses)
    }
}

/// An inventory's work list, and what matching could not use.
#[derive(Debug, Clone)]
pub struct WorkList {
    /// In work order; suppressed items included (callers filter).
    pub items: Vec<WorkItem>,
    /// Matching's leftovers: `findings` is emptied into `items`.
    pub matches: Matches,
}

/// Matches `inventory`, assesses every finding and applies VEX.
pub fn work_list(
    db: &AdvisoryDb,
    index: &MatchIndex,
    inventory: &Inventory,
    config: &WorkConfig<'_>,
) -> WorkList {
    let mut matches = index.match_inventory(db, inventory);
    let embedded = yata_vex::from_cyclonedx_statements(&inventory.vex, inventory).statements;
    let statements: Vec<Statement> = embedded
        .into_iter()
        .chain(config.statements.iter().cloned())
        .collect();
    let findings = std::mem::take(&mut matches.findings);
    let mut items: Vec<WorkItem> = findings
        .into_iter()
        .map(|finding| {
            let mut context = config.context;
            if let Subject::Product(i) = finding.subject
                && let Some(p) = inventory.products.get(i)
            {
                context.asset.internet_exposed =
                    p.internet_exposed.or(context.asset.internet_exposed);
                context.asset.criticality = p.criticality.or(context.asset.criticality);
            }
            let view = db.get(&finding.vulnerability);
            let assessment = match &view {
                Some(v) => assess(v, &context, config.policy),
                None => unreachable_assessment(&context, config.policy),
            };
            let aliases = view.map(|v| v.aliases().to_vec()).unwrap_or_default();
            let vex = verdict(db, inventory, &finding, &statements);
            WorkItem {
                finding,
                aliases,
                assessment,
                vex,
            }
        })
        .collect();
    // Each key built once (it owns the id), not twice per comparison.
    items.sort_by_cached_key(|item| {
        (
            item.assessment
                .work_key(item.finding.vulnerability.as_str()),
            item.finding.subject,
        )
    });
    WorkList { items, matches }
}

/// A finding always names a vulnerability of the db it came from; should
/// one not (a db swapped under the index), it is assessed with nothing
/// known, which the defaults make urgent rather than quiet.
fn unreachable_assessment(context: &AssetContext, policy: &Policy) -> Assessment {
    let inputs = yata_priority::RiskInputs::gather(&yata_priority::Evidence {
        asset: context.asset,
        ..Default::default()
    });
    let decisions = yata_priority::decide(&inputs);
    Assessment {
        cvss: None,
        epss: None,
        kev: false,
        deadline_days: policy.deadline_days(&decisions, context.org_kind, None),
        inputs,
        decisions,
    }
}
