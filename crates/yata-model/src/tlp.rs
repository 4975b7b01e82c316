use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Traffic Light Protocol 2.0 marking (FIRST, 2022), from the least to
/// the most restrictive: the derived order is "stricter is greater", so the
/// marking of something built from several sources is their maximum.
///
/// Written as the API spells it: `clear`, `green`, `amber`, `amber+strict`,
/// `red`. Parsing also accepts the upper-case labels with or without the
/// `TLP:` prefix and TLP 1.0's `white` (= CLEAR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

/// Why a string is not a TLP marking.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown TLP marking {0:?} (expected clear, green, amber, amber+strict or red)")]
pub struct TlpError(pub String);

impl Tlp {
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// The API spelling (`amber+strict`).
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// The label as TLP 2.0 prints it (`TLP:AMBER+STRICT`).
    pub fn label(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }
}

impl FromStr for Tlp {
    type Err = TlpError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let bare = trimmed
            .get(..4)
            .filter(|p| p.eq_ignore_ascii_case("tlp:"))
            .map_or(trimmed, |_| &trimmed[4..]);
        let tlp = match bare.to_ascii_lowercase().as_str() {
            "clear" | "white" => Tlp::Clear,
            "green" => Tlp::Green,
            "amber" => Tlp::Amber,
            "amber+strict" => Tlp::AmberStrict,
            "red" => Tlp::Red,
            _ => return Err(TlpError(s.to_owned())),
        };
        Ok(tlp)
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Tlp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Tlp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marking_reads_back_from_its_spelling_and_label() {
        for tlp in Tlp::ALL {
            assert_eq!(tlp.as_str().parse::<Tlp>(), Ok(tlp));
            assert_eq!(tlp.label().parse::<Tlp>(), Ok(tlp));
            let json = serde_json::to_string(&tlp).unwrap();
            assert_eq!(serde_json::from_str::<Tlp>(&json).unwrap(), tlp);
        }
        assert_eq!("TLP:WHITE".parse::<Tlp>(), Ok(Tlp::Clear));
        assert!("amber strict".parse::<Tlp>().is_err());
        assert!("tlp:".parse::<Tlp>().is_err());
    }

    #[test]
    fn stricter_markings_are_greater() {
        assert!(Tlp::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Tlp::Green.max(Tlp::AmberStrict), Tlp::AmberStrict);
    }
}
