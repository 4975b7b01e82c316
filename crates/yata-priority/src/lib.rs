//! Prioritisation: turns what is known about a finding (KEV, CISA ADP's SSVC
//! values, the CVSS vector, the asset's exposure and criticality) into SSVC
//! decisions and a deadline. Pure: no IO; the decision tables and the default
//! policy are compiled in.
//!
//! # Decision points and their sources
//!
//! [`RiskInputs::gather`] applies these rules to an [`Evidence`]; every value
//! carries its [`Source`], so a report can say which ones were defaults.
//!
//! * **Exploitation**: *active* when the CVE is in KEV ([`Source::Kev`]);
//!   otherwise CISA ADP's value (`poc` is *public poc*); otherwise *none*
//!   ([`Source::Default`]: no evidence of exploitation).
//! * **In KEV**: whether the KEV catalog lists it ([`Source::Kev`]).
//! * **Automatable**, **Technical Impact**: CISA ADP's value when present;
//!   else derived from the CVSS vector ([`Source::DerivedFromCvss`], see
//!   [`automatable_from_cvss`] and [`technical_impact_from_cvss`]); else the
//!   conservative *yes* and *total* ([`Source::Default`]).
//! * **Publicly Exposed** / **System Exposure**: an Internet-exposed asset is
//!   *yes* / *open*; one that is not is *no* / *controlled* (SSVC's System
//!   Exposure how-to: a system that is not *open* but sits on a network whose
//!   hosts browse the web or read mail is *controlled*; *small* needs
//!   evidence an asset register does not carry); unknown is *yes* / *open*
//!   ([`Source::Default`]).
//! * **Human Impact** / **Mission and Well-Being Impact** from the asset's
//!   criticality: low → low / low, medium → medium / medium, high → high /
//!   high, very-high → very high / high. Criticality maps straight onto the
//!   four Human Impact values, so SSVC's Safety × Mission table is not needed.
//!   Unknown criticality is very high / high ([`Source::Default`]).
//!
//! The CVSS derivation is this project's heuristic, not an SSVC rule. It
//! follows SSVC's definitions: Automatable asks whether reconnaissance,
//! weaponisation, delivery and exploitation can all be automated, which a
//! network attack needing no complexity, privileges or user action allows;
//! Technical Impact is *total* when the attacker gains total control of the
//! component, which CVSS expresses as full loss of confidentiality, integrity
//! and availability (SSVC `docs/howto/gathering_info/technical_impact.md`).
//! CVSS v4's supplemental `AU` metric is SSVC's Automatable (SSVC means the
//! two to be interchangeable: `docs/_includes/automatable_cvss_ssvc.md`), so
//! it wins over the derivation when the vector states it.
//!
//! # Decisions and deadlines
//!
//! [`decide`] looks the inputs up in the CISA BOD 26-04 remediation
//! timelines, the CERT/CC deployer patch application priority and the CISA
//! coordinator 2.0.3 tables ([`tables`]). [`Policy`] turns the BOD 26-04
//! timeline into a number of days ([`Policy::deadline_days`]); [`cmp_work`]
//! orders a work list.

#![forbid(unsafe_code)]

macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $point:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// The decision point's (or outcome's) name in the SSVC data.
            pub const NAME: &'static str = $point;
            /// Every value, least urgent first.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value's name in the SSVC data (what `Display` prints).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;
            fn from_str(s: &str) -> Result<Self, $crate::Error> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::Error::UnknownValue {
                        point: $point,
                        value: s.to_owned(),
                        expected: [$($text),+].join(", "),
                    }),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

mod error;
pub mod inputs;
pub mod points;
pub mod policy;
pub mod tables;
pub mod work;

pub use error::Error;
pub use inputs::{
    AdpSsvc, Asset, CvssDerived, Evidence, Input, RiskInputs, Source, automatable_from_cvss,
    technical_impact_from_cvss,
};
pub use points::{
    Automatable, CoordinatorDecision, DeployerPriority, Exploitation, HumanImpact, InKev,
    MissionWellBeing, PubliclyExposed, SystemExposure, TechnicalImpact, Timeline,
};
pub use policy::{OrgKind, Policy};
pub use tables::{Decisions, decide};
pub use work::{WorkKey, cmp_work};
