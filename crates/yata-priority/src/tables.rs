//! The three SSVC decision tables, transcribed row for row (same order) from
//! the SSVC data files, and [`decide`], which looks a finding up in each.
//!
//! The tables are data: [`decide`] only searches them. The tests in
//! `tests/tables.rs` compare every row with the upstream CSV files and check
//! that each table covers every combination of its inputs exactly once.

use serde::Serialize;

use crate::inputs::RiskInputs;
use crate::points::{
    Automatable as A, CoordinatorDecision as C, DeployerPriority as D, Exploitation as E,
    HumanImpact as H, InKev as K, MissionWellBeing as M, PubliclyExposed as P, SystemExposure as S,
    TechnicalImpact as TI, Timeline as T,
};
use crate::points::{
    Automatable, CoordinatorDecision, DeployerPriority, Exploitation, HumanImpact, InKev,
    MissionWellBeing, PubliclyExposed, SystemExposure, TechnicalImpact, Timeline,
};

/// CISA BOD 26-04 Remediation Timelines v1.0.0: In KEV, Publicly Exposed,
/// Automatable, Technical Impact → timeline. Transcribed from
/// `cisa_bod_26_04_1_0_0.csv`, row for row.
pub const BOD_26_04: [(
    InKev,
    PubliclyExposed,
    Automatable,
    TechnicalImpact,
    Timeline,
); 16] = [
    (K::No, P::No, A::No, TI::Partial, T::FixOnSystemUpgrade),
    (K::Yes, P::No, A::No, TI::Partial, T::Days14),
    (K::No, P::Yes, A::No, TI::Partial, T::Days60),
    (K::No, P::No, A::Yes, TI::Partial, T::Days60),
    (K::No, P::No, A::No, TI::Total, T::FixOnSystemUpgrade),
    (K::Yes, P::Yes, A::No, TI::Partial, T::Days14),
    (K::Yes, P::No, A::Yes, TI::Partial, T::Days14),
    (K::No, P::Yes, A::Yes, TI::Partial, T::Days14),
    (K::Yes, P::No, A::No, TI::Total, T::Days14),
    (K::No, P::Yes, A::No, TI::Total, T::Days14),
    (K::No, P::No, A::Yes, TI::Total, T::Days60),
    (K::Yes, P::Yes, A::Yes, TI::Partial, T::Days3),
    (K::Yes, P::Yes, A::No, TI::Total, T::Days3Forensic),
    (K::Yes, P::No, A::Yes, TI::Total, T::Days3Forensic),
    (K::No, P::Yes, A::Yes, TI::Total, T::Days3),
    (K::Yes, P::Yes, A::Yes, TI::Total, T::Days3Forensic),
];

/// CERT/CC deployer patch application priority v1.0.0: Exploitation,
/// System Exposure, Automatable, Human Impact → priority. Transcribed from
/// `deployer_patch_application_priority_1_0_0.csv`, row for row.
pub const DEPLOYER: [(
    Exploitation,
    SystemExposure,
    Automatable,
    HumanImpact,
    DeployerPriority,
); 72] = [
    (E::None, S::Small, A::No, H::Low, D::Defer),
    (E::None, S::Small, A::No, H::Medium, D::Defer),
    (E::None, S::Small, A::No, H::High, D::Scheduled),
    (E::None, S::Small, A::No, H::VeryHigh, D::Scheduled),
    (E::None, S::Small, A::Yes, H::Low, D::Defer),
    (E::None, S::Small, A::Yes, H::Medium, D::Scheduled),
    (E::None, S::Small, A::Yes, H::High, D::Scheduled),
    (E::None, S::Small, A::Yes, H::VeryHigh, D::Scheduled),
    (E::None, S::Controlled, A::No, H::Low, D::Defer),
    (E::None, S::Controlled, A::No, H::Medium, D::Scheduled),
    (E::None, S::Controlled, A::No, H::High, D::Scheduled),
    (E::None, S::Controlled, A::No, H::VeryHigh, D::Scheduled),
    (E::None, S::Controlled, A::Yes, H::Low, D::Scheduled),
    (E::None, S::Controlled, A::Yes, H::Medium, D::Scheduled),
    (E::None, S::Controlled, A::Yes, H::High, D::Scheduled),
    (E::None, S::Controlled, A::Yes, H::VeryHigh, D::Scheduled),
    (E::None, S::Open, A::No, H::Low, D::Defer),
    (E::None, S::Open, A::No, H::Medium, D::Scheduled),
    (E::None, S::Open, A::No, H::High, D::Scheduled),
    (E::None, S::Open, A::No, H::VeryHigh, D::Scheduled),
    (E::None, S::Open, A::Yes, H::Low, D::Scheduled),
    (E::None, S::Open, A::Yes, H::Medium, D::Scheduled),
    (E::None, S::Open, A::Yes, H::High, D::Scheduled),
    (E::None, S::Open, A::Yes, H::VeryHigh, D::OutOfCycle),
    (E::PublicPoc, S::Small, A::No, H::Low, D::Defer),
    (E::PublicPoc, S::Small, A::No, H::Medium, D::Scheduled),
    (E::PublicPoc, S::Small, A::No, H::High, D::Scheduled),
    (E::PublicPoc, S::Small, A::No, H::VeryHigh, D::Scheduled),
    (E::PublicPoc, S::Small, A::Yes, H::Low, D::Scheduled),
    (E::PublicPoc, S::Small, A::Yes, H::Medium, D::Scheduled),
    (E::PublicPoc, S::Small, A::Yes, H::High, D::Scheduled),
    (E::PublicPoc, S::Small, A::Yes, H::VeryHigh, D::Scheduled),
    (E::PublicPoc, S::Controlled, A::No, H::Low, D::Defer),
    (E::PublicPoc, S::Controlled, A::No, H::Medium, D::Scheduled),
    (E::PublicPoc, S::Controlled, A::No, H::High, D::Scheduled),
    (
        E::PublicPoc,
        S::Controlled,
        A::No,
        H::VeryHigh,
        D::Scheduled,
    ),
    (E::PublicPoc, S::Controlled, A::Yes, H::Low, D::Scheduled),
    (E::PublicPoc, S::Controlled, A::Yes, H::Medium, D::Scheduled),
    (E::PublicPoc, S::Controlled, A::Yes, H::High, D::Scheduled),
    (
        E::PublicPoc,
        S::Controlled,
        A::Yes,
        H::VeryHigh,
        D::OutOfCycle,
    ),
    (E::PublicPoc, S::Open, A::No, H::Low, D::Scheduled),
    (E::PublicPoc, S::Open, A::No, H::Medium, D::Scheduled),
    (E::PublicPoc, S::Open, A::No, H::High, D::Scheduled),
    (E::PublicPoc, S::Open, A::No, H::VeryHigh, D::OutOfCycle),
    (E::PublicPoc, S::Open, A::Yes, H::Low, D::Scheduled),
    (E::PublicPoc, S::Open, A::Yes, H::Medium, D::Scheduled),
    (E::PublicPoc, S::Open, A::Yes, H::High, D::OutOfCycle),
    (E::PublicPoc, S::Open, A::Yes, H::VeryHigh, D::OutOfCycle),
    (E::Active, S::Small, A::No, H::Low, D::Scheduled),
    (E::Active, S::Small, A::No, H::Medium, D::Scheduled),
    (E::Active, S::Small, A::No, H::High, D::OutOfCycle),
    (E::Active, S::Small, A::No, H::VeryHigh, D::OutOfCycle),
    (E::Active, S::Small, A::Yes, H::Low, D::Scheduled),
    (E::Active, S::Small, A::Yes, H::Medium, D::OutOfCycle),
    (E::Active, S::Small, A::Yes, H::High, D::OutOfCycle),
    (E::Active, S::Small, A::Yes, H::VeryHigh, D::OutOfCycle),
    (E::Active, S::Controlled, A::No, H::Low, D::Scheduled),
    (E::Active, S::Controlled, A::No, H::Medium, D::Scheduled),
    (E::Active, S::Controlled, A::No, H::High, D::OutOfCycle),
    (E::Active, S::Controlled, A::No, H::VeryHigh, D::OutOfCycle),
    (E::Active, S::Controlled, A::Yes, H::Low, D::OutOfCycle),
    (E::Active, S::Controlled, A::Yes, H::Medium, D::OutOfCycle),
    (E::Active, S::Controlled, A::Yes, H::High, D::OutOfCycle),
    (E::Active, S::Controlled, A::Yes, H::VeryHigh, D::OutOfCycle),
    (E::Active, S::Open, A::No, H::Low, D::Scheduled),
    (E::Active, S::Open, A::No, H::Medium, D::OutOfCycle),
    (E::Active, S::Open, A::No, H::High, D::OutOfCycle),
    (E::Active, S::Open, A::No, H::VeryHigh, D::Immediate),
    (E::Active, S::Open, A::Yes, H::Low, D::OutOfCycle),
    (E::Active, S::Open, A::Yes, H::Medium, D::OutOfCycle),
    (E::Active, S::Open, A::Yes, H::High, D::Immediate),
    (E::Active, S::Open, A::Yes, H::VeryHigh, D::Immediate),
];

/// CISA coordinator tree 2.0.3: Exploitation, Automatable, Technical Impact,
/// Mission and Well-Being Impact → CISA level. Transcribed from
/// `cisa_coordinator_2_0_3.csv`, row for row.
pub const COORDINATOR: [(
    Exploitation,
    Automatable,
    TechnicalImpact,
    MissionWellBeing,
    CoordinatorDecision,
); 36] = [
    (E::None, A::No, TI::Partial, M::Low, C::Track),
    (E::None, A::No, TI::Partial, M::Medium, C::Track),
    (E::None, A::No, TI::Partial, M::High, C::Track),
    (E::None, A::No, TI::Total, M::Low, C::Track),
    (E::None, A::No, TI::Total, M::Medium, C::Track),
    (E::None, A::No, TI::Total, M::High, C::TrackStar),
    (E::None, A::Yes, TI::Partial, M::Low, C::Track),
    (E::None, A::Yes, TI::Partial, M::Medium, C::Track),
    (E::None, A::Yes, TI::Partial, M::High, C::Attend),
    (E::None, A::Yes, TI::Total, M::Low, C::Track),
    (E::None, A::Yes, TI::Total, M::Medium, C::Track),
    (E::None, A::Yes, TI::Total, M::High, C::Attend),
    (E::PublicPoc, A::No, TI::Partial, M::Low, C::Track),
    (E::PublicPoc, A::No, TI::Partial, M::Medium, C::Track),
    (E::PublicPoc, A::No, TI::Partial, M::High, C::TrackStar),
    (E::PublicPoc, A::No, TI::Total, M::Low, C::Track),
    (E::PublicPoc, A::No, TI::Total, M::Medium, C::TrackStar),
    (E::PublicPoc, A::No, TI::Total, M::High, C::Attend),
    (E::PublicPoc, A::Yes, TI::Partial, M::Low, C::Track),
    (E::PublicPoc, A::Yes, TI::Partial, M::Medium, C::Track),
    (E::PublicPoc, A::Yes, TI::Partial, M::High, C::Attend),
    (E::PublicPoc, A::Yes, TI::Total, M::Low, C::Track),
    (E::PublicPoc, A::Yes, TI::Total, M::Medium, C::TrackStar),
    (E::PublicPoc, A::Yes, TI::Total, M::High, C::Attend),
    (E::Active, A::No, TI::Partial, M::Low, C::Track),
    (E::Active, A::No, TI::Partial, M::Medium, C::Track),
    (E::Active, A::No, TI::Partial, M::High, C::Attend),
    (E::Active, A::No, TI::Total, M::Low, C::Track),
    (E::Active, A::No, TI::Total, M::Medium, C::Attend),
    (E::Active, A::No, TI::Total, M::High, C::Act),
    (E::Active, A::Yes, TI::Partial, M::Low, C::Attend),
    (E::Active, A::Yes, TI::Partial, M::Medium, C::Attend),
    (E::Active, A::Yes, TI::Partial, M::High, C::Act),
    (E::Active, A::Yes, TI::Total, M::Low, C::Attend),
    (E::Active, A::Yes, TI::Total, M::Medium, C::Act),
    (E::Active, A::Yes, TI::Total, M::High, C::Act),
];

/// The outcome of every decision table for one finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Decisions {
    pub bod_26_04: Timeline,
    pub deployer: DeployerPriority,
    pub coordinator: CoordinatorDecision,
    /// True exactly when `bod_26_04` is "3 days & forensic investigation".
    pub forensics: bool,
}

impl Decisions {
    /// Urgency for ordering: BOD 26-04 first, then deployer, then coordinator
    /// (each greater = more urgent).
    pub fn urgency(&self) -> (Timeline, DeployerPriority, CoordinatorDecision) {
        (self.bod_26_04, self.deployer, self.coordinator)
    }
}

/// Looks the inputs up in each table.
pub fn decide(inputs: &RiskInputs) -> Decisions {
    let bod_26_04 = bod_26_04(
        inputs.in_kev.value,
        inputs.publicly_exposed.value,
        inputs.automatable.value,
        inputs.technical_impact.value,
    );
    Decisions {
        bod_26_04,
        deployer: deployer(
            inputs.exploitation.value,
            inputs.system_exposure.value,
            inputs.automatable.value,
            inputs.human_impact.value,
        ),
        coordinator: coordinator(
            inputs.exploitation.value,
            inputs.automatable.value,
            inputs.technical_impact.value,
            inputs.mission_well_being.value,
        ),
        forensics: bod_26_04 == Timeline::Days3Forensic,
    }
}

// The tables cover every combination (tested), so the lookups below cannot miss.
const COMPLETE: &str = "decision table covers every combination (tests/tables.rs)";

/// The BOD 26-04 remediation timeline.
pub fn bod_26_04(
    in_kev: InKev,
    exposed: PubliclyExposed,
    automatable: Automatable,
    impact: TechnicalImpact,
) -> Timeline {
    let key = (in_kev, exposed, automatable, impact);
    BOD_26_04
        .iter()
        .find(|r| (r.0, r.1, r.2, r.3) == key)
        .expect(COMPLETE)
        .4
}

/// The CERT/CC deployer patch application priority.
pub fn deployer(
    exploitation: Exploitation,
    exposure: SystemExposure,
    automatable: Automatable,
    human: HumanImpact,
) -> DeployerPriority {
    let key = (exploitation, exposure, automatable, human);
    DEPLOYER
        .iter()
        .find(|r| (r.0, r.1, r.2, r.3) == key)
        .expect(COMPLETE)
        .4
}

/// The CISA coordinator level.
pub fn coordinator(
    exploitation: Exploitation,
    automatable: Automatable,
    impact: TechnicalImpact,
    mission: MissionWellBeing,
) -> CoordinatorDecision {
    let key = (exploitation, automatable, impact, mission);
    COORDINATOR
        .iter()
        .find(|r| (r.0, r.1, r.2, r.3) == key)
        .expect(COMPLETE)
        .4
}
