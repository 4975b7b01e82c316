//! Every row of the upstream SSVC decision tables (`../shared/data/ssvc`)
//! gives the same outcome through the public API, and the project's tables
//! have exactly the upstream rows: no missing or extra combinations.

use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;

use yata_priority::tables::{BOD_26_04, COORDINATOR, DEPLOYER};
use yata_priority::{
    Automatable, Exploitation, HumanImpact, InKev, Input, MissionWellBeing, PubliclyExposed,
    RiskInputs, Source, SystemExposure, TechnicalImpact, decide,
};

/// The data rows of an upstream CSV, without its `row` column.
fn rows(relative: &str) -> Option<Vec<Vec<String>>> {
    let path = yata_testdata::path(relative)?;
    let mut reader = csv::Reader::from_path(Path::new(&path)).unwrap();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().skip(1).map(str::to_owned).collect())
        .collect();
    assert!(!rows.is_empty(), "{relative} has no rows");
    Some(rows)
}

fn parse<T: FromStr<Err = yata_priority::Error>>(s: &str) -> T {
    s.parse().unwrap_or_else(|e| panic!("{e}"))
}

/// Inputs with the given values, every source `Default`.
#[allow(clippy::too_many_arguments)]
fn inputs(
    exploitation: Exploitation,
    automatable: Automatable,
    technical_impact: TechnicalImpact,
    system_exposure: SystemExposure,
    human_impact: HumanImpact,
    mission_well_being: MissionWellBeing,
    in_kev: InKev,
    publicly_exposed: PubliclyExposed,
) -> RiskInputs {
    let d = Source::Default;
    RiskInputs {
        exploitation: Input::new(exploitation, d),
        automatable: Input::new(automatable, d),
        technical_impact: Input::new(technical_impact, d),
        system_exposure: Input::new(system_exposure, d),
        human_impact: Input::new(human_impact, d),
        mission_well_being: Input::new(mission_well_being, d),
        in_kev: Input::new(in_kev, d),
        publicly_exposed: Input::new(publicly_exposed, d),
    }
}

#[test]
fn bod_26_04_matches_upstream() {
    let Some(rows) = rows("ssvc/cisa/cisa_bod_26_04_1_0_0.csv") else {
        return;
    };
    assert_eq!(rows.len(), 16);
    assert_eq!(BOD_26_04.len(), rows.len());
    for row in &rows {
        let (kev, exposed, auto, impact) = (
            parse(&row[0]),
            parse(&row[1]),
            parse(&row[2]),
            parse(&row[3]),
        );
        // The outcome must not depend on the points this table does not read.
        for &e in Exploitation::ALL {
            for &s in SystemExposure::ALL {
                for &h in HumanImpact::ALL {
                    for &m in MissionWellBeing::ALL {
                        let d = decide(&inputs(e, auto, impact, s, h, m, kev, exposed));
                        assert_eq!(d.bod_26_04.to_string(), row[4], "{row:?}");
                        assert_eq!(d.forensics, row[4] == "3 days & forensic investigation");
                    }
                }
            }
        }
    }
    let combinations: BTreeSet<_> = BOD_26_04.iter().map(|r| (r.0, r.1, r.2, r.3)).collect();
    assert_eq!(combinations.len(), 2 * 2 * 2 * 2);
}

#[test]
fn deployer_matches_upstream() {
    let Some(rows) = rows("ssvc/ssvc/deployer_patch_application_priority_1_0_0.csv") else {
        return;
    };
    assert_eq!(rows.len(), 72);
    assert_eq!(DEPLOYER.len(), rows.len());
    for row in &rows {
        let (e, s, a, h) = (
            parse(&row[0]),
            parse(&row[1]),
            parse(&row[2]),
            parse(&row[3]),
        );
        for &t in TechnicalImpact::ALL {
            for &m in MissionWellBeing::ALL {
                for &k in InKev::ALL {
                    for &p in PubliclyExposed::ALL {
                        let d = decide(&inputs(e, a, t, s, h, m, k, p));
                        assert_eq!(d.deployer.to_string(), row[4], "{row:?}");
                    }
                }
            }
        }
    }
    let combinations: BTreeSet<_> = DEPLOYER.iter().map(|r| (r.0, r.1, r.2, r.3)).collect();
    assert_eq!(combinations.len(), 3 * 3 * 2 * 4);
}

#[test]
fn coordinator_matches_upstream() {
    let Some(rows) = rows("ssvc/cisa/cisa_coordinator_2_0_3.csv") else {
        return;
    };
    assert_eq!(rows.len(), 36);
    assert_eq!(COORDINATOR.len(), rows.len());
    for row in &rows {
        let (e, a, t, m) = (
            parse(&row[0]),
            parse(&row[1]),
            parse(&row[2]),
            parse(&row[3]),
        );
        for &s in SystemExposure::ALL {
            for &h in HumanImpact::ALL {
                for &k in InKev::ALL {
                    for &p in PubliclyExposed::ALL {
                        let d = decide(&inputs(e, a, t, s, h, m, k, p));
                        assert_eq!(d.coordinator.to_string(), row[4], "{row:?}");
                    }
                }
            }
        }
    }
    let combinations: BTreeSet<_> = COORDINATOR.iter().map(|r| (r.0, r.1, r.2, r.3)).collect();
    assert_eq!(combinations.len(), 3 * 2 * 2 * 3);
}

/// The upstream headers name the decision points and versions we implement.
#[test]
fn upstream_headers() {
    let Some(root) = yata_testdata::shared_data() else {
        return;
    };
    let header = |p: &str| {
        let text = std::fs::read_to_string(root.join(p)).unwrap();
        text.lines().next().unwrap().to_owned()
    };
    assert_eq!(
        header("ssvc/cisa/cisa_bod_26_04_1_0_0.csv"),
        "row,In KEV v1.0.0 (cisa),Publicly Exposed v1.0.0 (cisa),Automatable v2.0.0,\
         Technical Impact v1.0.0,CISA BOD 26-04 Remediation Timelines v1.0.0 (cisa)"
    );
    assert_eq!(
        header("ssvc/ssvc/deployer_patch_application_priority_1_0_0.csv"),
        "row,Exploitation v1.1.0,System Exposure v1.0.1,Automatable v2.0.0,Human Impact v2.0.2,\
         \"Defer, Scheduled, Out-of-Cycle, Immediate v1.0.0\""
    );
    assert_eq!(
        header("ssvc/cisa/cisa_coordinator_2_0_3.csv"),
        "row,Exploitation v1.1.0,Automatable v2.0.0,Technical Impact v1.0.0,\
         Mission and Well-Being Impact v1.0.0,CISA Levels v1.1.0 (cisa)"
    );
}
