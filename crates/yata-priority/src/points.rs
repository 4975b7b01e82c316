//! SSVC decision points and the outcomes of the three decision tables, each an
//! enum whose `Display` and `FromStr` use the value names of the SSVC data
//! files (`public poc`, `very high`, `3 days & forensic investigation`, …).
//! Serde goes through the same names.
//!
//! Variants are declared from least to most urgent, so the derived `Ord` says
//! "greater is more urgent" for every outcome.

named_enum! {
    /// SSVC Exploitation v1.1.0: evidence of active exploitation.
    Exploitation, "Exploitation" {
        None = "none",
        /// A public proof of concept exists (CISA ADP writes `poc`).
        PublicPoc = "public poc",
        Active = "active",
    }
}

named_enum! {
    /// SSVC Automatable v2.0.0: can steps 1–4 of the kill chain be automated?
    Automatable, "Automatable" {
        No = "no",
        Yes = "yes",
    }
}

named_enum! {
    /// SSVC Technical Impact v1.0.0: the control an attacker gains.
    TechnicalImpact, "Technical Impact" {
        Partial = "partial",
        Total = "total",
    }
}

named_enum! {
    /// SSVC System Exposure v1.0.1: the accessible attack surface.
    SystemExposure, "System Exposure" {
        Small = "small",
        Controlled = "controlled",
        Open = "open",
    }
}

named_enum! {
    /// SSVC Human Impact v2.0.2: safety and mission impact combined.
    HumanImpact, "Human Impact" {
        Low = "low",
        Medium = "medium",
        High = "high",
        VeryHigh = "very high",
    }
}

named_enum! {
    /// CISA Mission and Well-Being Impact v1.0.0.
    MissionWellBeing, "Mission and Well-Being Impact" {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

named_enum! {
    /// CISA In KEV v1.0.0: listed in the Known Exploited Vulnerabilities catalog.
    InKev, "In KEV" {
        No = "no",
        Yes = "yes",
    }
}

named_enum! {
    /// CISA Publicly Exposed v1.0.0: reachable from the public Internet.
    PubliclyExposed, "Publicly Exposed" {
        No = "no",
        Yes = "yes",
    }
}

named_enum! {
    /// Outcome of CISA BOD 26-04 Remediation Timelines v1.0.0.
    Timeline, "CISA BOD 26-04 Remediation Timelines" {
        FixOnSystemUpgrade = "fix on system upgrade",
        Days60 = "60 days",
        Days14 = "14 days",
        Days3 = "3 days",
        /// Three days, and the system needs a forensic investigation.
        Days3Forensic = "3 days & forensic investigation",
    }
}

named_enum! {
    /// Outcome of the CERT/CC deployer patch application priority v1.0.0.
    DeployerPriority, "Defer, Scheduled, Out-of-Cycle, Immediate" {
        Defer = "defer",
        Scheduled = "scheduled",
        OutOfCycle = "out-of-cycle",
        Immediate = "immediate",
    }
}

named_enum! {
    /// Outcome of the CISA coordinator tree 2.0.3 (CISA Levels v1.1.0).
    CoordinatorDecision, "CISA Levels" {
        Track = "track",
        TrackStar = "track*",
        Attend = "attend",
        Act = "act",
    }
}

impl Timeline {
    /// The next more urgent timeline; the most urgent stays itself.
    pub fn escalated(self) -> Timeline {
        match self {
            Timeline::FixOnSystemUpgrade => Timeline::Days60,
            Timeline::Days60 => Timeline::Days14,
            Timeline::Days14 => Timeline::Days3,
            Timeline::Days3 | Timeline::Days3Forensic => Timeline::Days3Forensic,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use std::fmt;
    use std::str::FromStr;

    fn round_trip<T>(all: &[T])
    where
        T: Copy + fmt::Display + FromStr<Err = Error> + PartialEq + fmt::Debug,
    {
        for v in all {
            assert_eq!(v.to_string().parse::<T>().unwrap(), *v);
        }
    }

    #[test]
    fn names_round_trip() {
        round_trip(Exploitation::ALL);
        round_trip(Automatable::ALL);
        round_trip(TechnicalImpact::ALL);
        round_trip(SystemExposure::ALL);
        round_trip(HumanImpact::ALL);
        round_trip(MissionWellBeing::ALL);
        round_trip(InKev::ALL);
        round_trip(PubliclyExposed::ALL);
        round_trip(Timeline::ALL);
        round_trip(DeployerPriority::ALL);
        round_trip(CoordinatorDecision::ALL);
    }

    #[test]
    fn unknown_value_names_the_point() {
        let e = "poc".parse::<Exploitation>().unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"Exploitation: unknown value "poc" (expected one of: none, public poc, active)"#
        );
    }

    #[test]
    fn serde_uses_the_names() {
        let json = serde_json::to_string(&Timeline::Days3Forensic).unwrap();
        assert_eq!(json, r#""3 days & forensic investigation""#);
        let back: HumanImpact = serde_json::from_str(r#""very high""#).unwrap();
        assert_eq!(back, HumanImpact::VeryHigh);
    }
}
