//! Deadline policy parsing never panics, and a parsed policy answers every
//! deadline question without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_priority::{CoordinatorDecision, Decisions, DeployerPriority, OrgKind, Policy, Timeline};

fuzz_target!(|text: &str| {
    if let Ok(policy) = Policy::from_toml(text) {
        for &t in Timeline::ALL {
            let d = Decisions {
                bod_26_04: t,
                deployer: DeployerPriority::Scheduled,
                coordinator: CoordinatorDecision::Track,
                forensics: t == Timeline::Days3Forensic,
            };
            for org in std::iter::once(None).chain(OrgKind::ALL.iter().copied().map(Some)) {
                let _ = policy.deadline_days(&d, org, Some((1.0, 1.0)));
                let _ = policy.deadline_days(&d, org, None);
            }
        }
    }
});
