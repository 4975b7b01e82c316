//! Decision-point values with their provenance, and the rules that gather
//! them from what is known about a vulnerability and an asset (see the crate
//! documentation for the rules).

use serde::Serialize;
use yata_model::Ssvc;
use yata_model::inventory::Criticality;

use crate::points::{
    Automatable, Exploitation, HumanImpact, InKev, MissionWellBeing, PubliclyExposed,
    SystemExposure, TechnicalImpact,
};

/// Where a decision-point value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The CISA KEV catalog (listed or not).
    Kev,
    /// CISA's ADP SSVC assessment in the CVE record.
    CisaAdp,
    /// Derived from the CVSS vector's base metrics.
    DerivedFromCvss,
    /// An attribute of the asset (exposure, criticality).
    Asset,
    /// Nothing was known: the documented conservative default.
    Default,
}

/// A decision-point value and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Input<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Input<T> {
    pub fn new(value: T, source: Source) -> Input<T> {
        Input { value, source }
    }
}

/// Every decision point the three tables read, each with its provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct RiskInputs {
    pub exploitation: Input<Exploitation>,
    pub automatable: Input<Automatable>,
    pub technical_impact: Input<TechnicalImpact>,
    pub system_exposure: Input<SystemExposure>,
    pub human_impact: Input<HumanImpact>,
    pub mission_well_being: Input<MissionWellBeing>,
    pub in_kev: Input<InKev>,
    pub publicly_exposed: Input<PubliclyExposed>,
}

/// What is known about one finding, before the rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Evidence {
    /// Listed in the KEV catalog.
    pub in_kev: bool,
    /// CISA ADP's SSVC values, when the CVE record has them.
    pub adp: AdpSsvc,
    /// Values derived from the CVSS vector, when there is one.
    pub cvss: CvssDerived,
    /// The asset's attributes.
    pub asset: Asset,
}

/// CISA ADP's SSVC decision points; each `None` when absent or unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AdpSsvc {
    pub exploitation: Option<Exploitation>,
    pub automatable: Option<Automatable>,
    pub technical_impact: Option<TechnicalImpact>,
}

impl AdpSsvc {
    /// Reads ADP's spelling (`none` / `poc` / `active`, `yes` / `no`,
    /// `partial` / `total`, any case; the SSVC names are accepted too). A
    /// value it cannot read is treated as absent, so the next rule applies.
    pub fn from_strs(exploitation: &str, automatable: &str, technical_impact: &str) -> AdpSsvc {
        let exploitation = match exploitation.trim().to_ascii_lowercase().as_str() {
            "poc" | "public poc" => Some(Exploitation::PublicPoc),
            other => other.parse().ok(),
        };
        AdpSsvc {
            exploitation,
            automatable: automatable.trim().to_ascii_lowercase().parse().ok(),
            technical_impact: technical_impact.trim().to_ascii_lowercase().parse().ok(),
        }
    }

    /// The values of a model record's SSVC container.
    pub fn from_model(ssvc: &Ssvc) -> AdpSsvc {
        AdpSsvc::from_strs(
            &ssvc.exploitation,
            &ssvc.automatable,
            &ssvc.technical_impact,
        )
    }
}

/// Automatable and Technical Impact as derived from a CVSS vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CvssDerived {
    pub automatable: Option<Automatable>,
    pub technical_impact: Option<TechnicalImpact>,
}

impl CvssDerived {
    /// Derives both from a vector's metrics: `metric("AV")` gives the value
    /// letter (`"N"`), `major` is the CVSS major version (2, 3 or 4).
    pub fn from_metrics<'m>(major: u8, metric: impl Fn(&str) -> Option<&'m str>) -> CvssDerived {
        CvssDerived {
            automatable: automatable_from_cvss(major, &metric),
            technical_impact: technical_impact_from_cvss(major, &metric),
        }
    }
}

/// Automatable from CVSS base metrics: *yes* iff the attack needs nothing an
/// attacker's script cannot supply — network vector, low complexity, no
/// privileges, no user interaction (v2: `AV:N/AC:L/Au:N`; v3:
/// `AV:N/AC:L/PR:N/UI:N`; v4: `AV:N/AC:L/AT:N/PR:N/UI:N`). A v4 vector's
/// supplemental `AU:Y` / `AU:N` is SSVC's Automatable itself and wins.
/// `None` for another version or when a metric is missing.
pub fn automatable_from_cvss<'m>(
    major: u8,
    metric: impl Fn(&str) -> Option<&'m str>,
) -> Option<Automatable> {
    let required: &[(&str, &str)] = match major {
        2 => &[("AV", "N"), ("AC", "L"), ("Au", "N")],
        3 => &[("AV", "N"), ("AC", "L"), ("PR", "N"), ("UI", "N")],
        4 => {
            match metric("AU") {
                Some("Y") => return Some(Automatable::Yes),
                Some("N") => return Some(Automatable::No),
                _ => {}
            }
            &[
                ("AV", "N"),
                ("AC", "L"),
                ("AT", "N"),
                ("PR", "N"),
                ("UI", "N"),
            ]
        }
        _ => return None,
    };
    all_equal(required, metric).map(|yes| {
        if yes {
            Automatable::Yes
        } else {
            Automatable::No
        }
    })
}

/// Technical Impact from CVSS base metrics: *total* iff confidentiality,
/// integrity and availability impacts on the vulnerable system are all at
/// their maximum (v2: `C:C/I:C/A:C`; v3: `C:H/I:H/A:H`; v4:
/// `VC:H/VI:H/VA:H`), else *partial*. `None` for another version or when a
/// metric is missing.
pub fn technical_impact_from_cvss<'m>(
    major: u8,
    metric: impl Fn(&str) -> Option<&'m str>,
) -> Option<TechnicalImpact> {
    let required: &[(&str, &str)] = match major {
        2 => &[("C", "C"), ("I", "C"), ("A", "C")],
        3 => &[("C", "H"), ("I", "H"), ("A", "H")],
        4 => &[("VC", "H"), ("VI", "H"), ("VA", "H")],
        _ => return None,
    };
    all_equal(required, metric).map(|total| {
        if total {
            TechnicalImpact::Total
        } else {
            TechnicalImpact::Partial
        }
    })
}

/// Whether every metric has its value; `None` if one is missing.
fn all_equal<'m>(
    required: &[(&str, &str)],
    metric: impl Fn(&str) -> Option<&'m str>,
) -> Option<bool> {
    let mut all = true;
    for (name, want) in required {
        all &= metric(name)? == *want;
    }
    Some(all)
}

/// The asset's attributes that SSVC reads; `None` when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Asset {
    pub internet_exposed: Option<bool>,
    pub criticality: Option<Criticality>,
}

impl RiskInputs {
    /// Applies the rules of the crate documentation.
    pub fn gather(evidence: &Evidence) -> RiskInputs {
        use Source::{Asset as FromAsset, CisaAdp, Default, DerivedFromCvss, Kev};
        let Evidence {
            in_kev,
            adp,
            cvss,
            asset,
        } = *evidence;

        let exploitation = match (in_kev, adp.exploitation) {
            (true, _) => Input::new(Exploitation::Active, Kev),
            (false, Some(e)) => Input::new(e, CisaAdp),
            (false, None) => Input::new(Exploitation::None, Default),
        };
        let automatable = match (adp.automatable, cvss.automatable) {
            (Some(a), _) => Input::new(a, CisaAdp),
            (None, Some(a)) => Input::new(a, DerivedFromCvss),
            (None, None) => Input::new(Automatable::Yes, Default),
        };
        let technical_impact = match (adp.technical_impact, cvss.technical_impact) {
            (Some(t), _) => Input::new(t, CisaAdp),
            (None, Some(t)) => Input::new(t, DerivedFromCvss),
            (None, None) => Input::new(TechnicalImpact::Total, Default),
        };
        let (publicly_exposed, system_exposure) = match asset.internet_exposed {
            Some(true) => (
                Input::new(PubliclyExposed::Yes, FromAsset),
                Input::new(SystemExposure::Open, FromAsset),
            ),
            Some(false) => (
                Input::new(PubliclyExposed::No, FromAsset),
                Input::new(SystemExposure::Controlled, FromAsset),
            ),
            None => (
                Input::new(PubliclyExposed::Yes, Default),
                Input::new(SystemExposure::Open, Default),
            ),
        };
        let (human_impact, mission_well_being) = match asset.criticality {
            Some(c) => {
                let (h, m) = impact_of(c);
                (Input::new(h, FromAsset), Input::new(m, FromAsset))
            }
            None => {
                let (h, m) = impact_of(Criticality::VeryHigh);
                (Input::new(h, Default), Input::new(m, Default))
            }
        };
        let in_kev = Input::new(if in_kev { InKev::Yes } else { InKev::No }, Kev);

        RiskInputs {
            exploitation,
            automatable,
            technical_impact,
            system_exposure,
            human_impact,
            mission_well_being,
            in_kev,
            publicly_exposed,
        }
    }
}

/// Asset criticality → (Human Impact, Mission and Well-Being Impact).
fn impact_of(c: Criticality) -> (HumanImpact, MissionWellBeing) {
    match c {
        Criticality::Low => (HumanImpact::Low, MissionWellBeing::Low),
        Criticality::Medium => (HumanImpact::Medium, MissionWellBeing::Medium),
        Criticality::High => (HumanImpact::High, MissionWellBeing::High),
        Criticality::VeryHigh => (HumanImpact::VeryHigh, MissionWellBeing::High),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::points::Timeline;
    use crate::tables::decide;
    use Source::{Asset as FromAsset, CisaAdp, Default, DerivedFromCvss, Kev};

    /// Gathers from the evidence, then checks the BOD 26-04 timeline.
    fn check(evidence: Evidence, expect: &str) {
        let got = decide(&RiskInputs::gather(&evidence)).bod_26_04;
        assert_eq!(got.to_string(), expect, "{evidence:?}");
    }

    fn evidence(in_kev: bool, exposed: bool, adp_automatable: &str, adp_impact: &str) -> Evidence {
        Evidence {
            in_kev,
            adp: AdpSsvc::from_strs("none", adp_automatable, adp_impact),
            cvss: CvssDerived::default(),
            asset: Asset {
                internet_exposed: Some(exposed),
                criticality: Some(Criticality::Medium),
            },
        }
    }

    #[test]
    fn every_bod_26_04_row_from_evidence() {
        // In KEV, internet-exposed asset, ADP Automatable, ADP Technical Impact.
        check(
            evidence(false, false, "no", "partial"),
            "fix on system upgrade",
        );
        check(evidence(true, false, "no", "partial"), "14 days");
        check(evidence(false, true, "no", "partial"), "60 days");
        check(evidence(false, false, "yes", "partial"), "60 days");
        check(
            evidence(false, false, "no", "total"),
            "fix on system upgrade",
        );
        check(evidence(true, true, "no", "partial"), "14 days");
        check(evidence(true, false, "yes", "partial"), "14 days");
        check(evidence(false, true, "yes", "partial"), "14 days");
        check(evidence(true, false, "no", "total"), "14 days");
        check(evidence(false, true, "no", "total"), "14 days");
        check(evidence(false, false, "yes", "total"), "60 days");
        check(evidence(true, true, "yes", "partial"), "3 days");
        check(
            evidence(true, true, "no", "total"),
            "3 days & forensic investigation",
        );
        check(
            evidence(true, false, "yes", "total"),
            "3 days & forensic investigation",
        );
        check(evidence(false, true, "yes", "total"), "3 days");
        check(
            evidence(true, true, "yes", "total"),
            "3 days & forensic investigation",
        );
    }

    #[test]
    fn exposure_flips_the_outcome() {
        check(evidence(false, false, "yes", "total"), "60 days");
        check(evidence(false, true, "yes", "total"), "3 days");
        check(evidence(true, false, "yes", "partial"), "14 days");
        check(evidence(true, true, "yes", "partial"), "3 days");
        // Unknown exposure is conservatively exposed.
        let mut unknown = evidence(false, false, "yes", "total");
        unknown.asset.internet_exposed = None;
        check(unknown, "3 days");
    }

    #[test]
    fn automatability_flips_the_outcome() {
        check(evidence(false, true, "no", "total"), "14 days");
        check(evidence(false, true, "yes", "total"), "3 days");
        check(
            evidence(false, false, "no", "partial"),
            "fix on system upgrade",
        );
        check(evidence(false, false, "yes", "partial"), "60 days");
        // Derived from CVSS when ADP is silent: AV:N/AC:L/PR:N/UI:N is automatable.
        let mut derived = evidence(false, true, "", "total");
        derived.cvss = cvss(3, "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        check(derived, "3 days");
        derived.cvss = cvss(3, "AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H");
        check(derived, "14 days");
    }

    fn cvss(major: u8, vector: &str) -> CvssDerived {
        CvssDerived::from_metrics(major, |name| {
            vector
                .split('/')
                .filter_map(|m| m.split_once(':'))
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v)
        })
    }

    fn check_cvss(major: u8, vector: &str, automatable: Option<&str>, impact: Option<&str>) {
        let got = cvss(major, vector);
        assert_eq!(got.automatable.map(|a| a.as_str()), automatable, "{vector}");
        assert_eq!(got.technical_impact.map(|t| t.as_str()), impact, "{vector}");
    }

    #[test]
    fn derivation_from_cvss() {
        check_cvss(2, "AV:N/AC:L/Au:N/C:C/I:C/A:C", Some("yes"), Some("total"));
        check_cvss(2, "AV:N/AC:M/Au:N/C:C/I:C/A:P", Some("no"), Some("partial"));
        check_cvss(2, "AV:N/AC:L/Au:S/C:N/I:N/A:N", Some("no"), Some("partial"));
        check_cvss(
            3,
            "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            Some("yes"),
            Some("total"),
        );
        check_cvss(
            3,
            "AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:L",
            Some("no"),
            Some("partial"),
        );
        check_cvss(
            3,
            "AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
            Some("no"),
            Some("total"),
        );
        let v4 = "AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        check_cvss(4, v4, Some("yes"), Some("total"));
        check_cvss(4, &format!("{v4}/AU:N"), Some("no"), Some("total"));
        check_cvss(4, &format!("{v4}/AU:X"), Some("yes"), Some("total"));
        check_cvss(
            4,
            "AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:H",
            Some("no"),
            Some("partial"),
        );
        check_cvss(
            4,
            "AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/AU:Y",
            Some("yes"),
            Some("total"),
        );
        // Missing metrics or an unknown version derive nothing.
        check_cvss(3, "AV:N/AC:L", None, None);
        check_cvss(5, "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", None, None);
    }

    #[test]
    fn provenance_and_defaults() {
        let nothing = RiskInputs::gather(&Evidence::default());
        assert_eq!(
            nothing.exploitation,
            Input::new(Exploitation::None, Default)
        );
        assert_eq!(nothing.automatable, Input::new(Automatable::Yes, Default));
        assert_eq!(
            nothing.technical_impact,
            Input::new(TechnicalImpact::Total, Default)
        );
        assert_eq!(
            nothing.publicly_exposed,
            Input::new(PubliclyExposed::Yes, Default)
        );
        assert_eq!(
            nothing.system_exposure,
            Input::new(SystemExposure::Open, Default)
        );
        assert_eq!(
            nothing.human_impact,
            Input::new(HumanImpact::VeryHigh, Default)
        );
        assert_eq!(
            nothing.mission_well_being,
            Input::new(MissionWellBeing::High, Default)
        );
        assert_eq!(nothing.in_kev, Input::new(InKev::No, Kev));
        assert_eq!(decide(&nothing).bod_26_04, Timeline::Days3);

        let mut e = evidence(false, false, "yes", "partial");
        e.adp = AdpSsvc::from_strs("poc", "Yes", "bogus");
        e.cvss = cvss(3, "AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H");
        e.asset.criticality = Some(Criticality::VeryHigh);
        let got = RiskInputs::gather(&e);
        assert_eq!(
            got.exploitation,
            Input::new(Exploitation::PublicPoc, CisaAdp)
        );
        assert_eq!(got.automatable, Input::new(Automatable::Yes, CisaAdp));
        assert_eq!(
            got.technical_impact,
            Input::new(TechnicalImpact::Total, DerivedFromCvss)
        );
        assert_eq!(
            got.system_exposure,
            Input::new(SystemExposure::Controlled, FromAsset)
        );
        assert_eq!(
            got.human_impact,
            Input::new(HumanImpact::VeryHigh, FromAsset)
        );
        assert_eq!(
            got.mission_well_being,
            Input::new(MissionWellBeing::High, FromAsset)
        );

        // KEV beats ADP's exploitation.
        e.in_kev = true;
        e.adp.exploitation = Some(Exploitation::None);
        assert_eq!(
            RiskInputs::gather(&e).exploitation,
            Input::new(Exploitation::Active, Kev)
        );
    }

    #[test]
    fn serde_shape() {
        let got = RiskInputs::gather(&evidence(true, true, "yes", "total"));
        let json = serde_json::to_value(got).unwrap();
        assert_eq!(
            json["exploitation"],
            serde_json::json!({"value": "active", "source": "kev"})
        );
        assert_eq!(
            json["automatable"],
            serde_json::json!({"value": "yes", "source": "cisa_adp"})
        );
        assert_eq!(
            json["human_impact"],
            serde_json::json!({"value": "medium", "source": "asset"})
        );
    }
}
