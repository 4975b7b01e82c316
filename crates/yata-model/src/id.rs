use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A vulnerability identifier from any database: `CVE-2021-44228`,
/// `GHSA-jfh8-c2jp-5v3q`, `PYSEC-2021-839`, `GO-2022-0229`,
/// `RUSTSEC-2021-0001`, `JVNDB-2024-000001`, `JVN#12345678`, a CSAF tracking
/// id…
///
/// Valid: 1 to 256 printable ASCII characters without whitespace. CVE ids are
/// normalised to upper case (`cve-2021-44228` → `CVE-2021-44228`), as are the
/// prefixes `GHSA-`, `PYSEC-`, `GO-`, `RUSTSEC-`, `JVNDB-` and `JVN#`
/// (and GHSA bodies to lower case, as GitHub writes them).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VulnId(Box<str>);

/// Why a string is not a vulnerability identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VulnIdError {
    #[error("vulnerability id is empty")]
    Empty,
    #[error("vulnerability id is longer than 256 bytes")]
    TooLong,
    #[error("vulnerability id {id:?}: invalid character at byte {at}")]
    InvalidChar { id: String, at: usize },
}

const PREFIXES: &[&str] = &[
    "CVE-", "GHSA-", "PYSEC-", "GO-", "RUSTSEC-", "JVNDB-", "JVN#",
];

impl VulnId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a CVE id (`CVE-YYYY-NNNN…`).
    pub fn is_cve(&self) -> bool {
        let Some(rest) = self.0.strip_prefix("CVE-") else {
            return false;
        };
        let Some((year, number)) = rest.split_once('-') else {
            return false;
        };
        year.len() == 4
            && year.bytes().all(|b| b.is_ascii_digit())
            && number.len() >= 4
            && number.bytes().all(|b| b.is_ascii_digit())
    }

    /// The database prefix: the part before the first `-` or `#`
    /// (`CVE`, `GHSA`, `JVN`, …), or the whole id.
    pub fn prefix(&self) -> &str {
        self.0.split(['-', '#']).next().unwrap_or(&self.0)
    }
}

impl FromStr for VulnId {
    type Err = VulnIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(VulnIdError::Empty);
        }
        if s.len() > 256 {
            return Err(VulnIdError::TooLong);
        }
        if let Some(at) = s.bytes().position(|b| !b.is_ascii_graphic()) {
            return Err(VulnIdError::InvalidChar {
                id: s.to_owned(),
                at,
            });
        }
        for prefix in PREFIXES {
            if s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix) {
                let body = &s[prefix.len()..];
                let body = if *prefix == "GHSA-" {
                    body.to_ascii_lowercase()
                } else {
                    body.to_ascii_uppercase()
                };
                return Ok(VulnId(format!("{prefix}{body}").into()));
            }
        }
        Ok(VulnId(s.into()))
    }
}

impl fmt::Display for VulnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for VulnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for VulnId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for VulnId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> VulnId {
        s.parse().unwrap()
    }

    #[test]
    fn normalises_known_prefixes() {
        assert_eq!(id("cve-2021-44228").as_str(), "CVE-2021-44228");
        assert_eq!(id("GHSA-JFH8-C2JP-5V3Q").as_str(), "GHSA-jfh8-c2jp-5v3q");
        assert_eq!(id("jvndb-2024-000001").as_str(), "JVNDB-2024-000001");
        assert_eq!(id("jvn#12345678").as_str(), "JVN#12345678");
        assert_eq!(id("  PYSEC-2021-839 ").as_str(), "PYSEC-2021-839");
        assert_eq!(id("RHSA-2024:1234").as_str(), "RHSA-2024:1234");
    }

    #[test]
    fn cve_and_prefix() {
        assert!(id("CVE-2021-44228").is_cve());
        assert!(id("CVE-2024-1234567").is_cve());
        assert!(!id("CVE-21-1").is_cve());
        assert!(!id("GHSA-jfh8-c2jp-5v3q").is_cve());
        assert_eq!(id("GHSA-jfh8-c2jp-5v3q").prefix(), "GHSA");
        assert_eq!(id("JVN#12345678").prefix(), "JVN");
    }

    #[test]
    fn rejects() {
        assert_eq!("".parse::<VulnId>(), Err(VulnIdError::Empty));
        assert!("CVE 2021".parse::<VulnId>().is_err());
        assert!("x".repeat(300).parse::<VulnId>().is_err());
    }
}
