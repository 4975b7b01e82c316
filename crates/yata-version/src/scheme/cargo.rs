//! crates.io versions: strict SemVer 2.0, parsed by dtolnay's `semver` crate,
//! which is what Cargo itself uses.
//!
//! Rejected, as Cargo rejects them: a leading `v` or `=`, surrounding
//! whitespace, missing minor or patch (`1.2`), leading zeros in numbers or in
//! numeric pre-release identifiers, numbers beyond `u64::MAX`, empty
//! identifiers, and characters outside `[0-9A-Za-z-.]` in pre-release or
//! build metadata.
//!
//! Precedence is SemVer 2.0's: build metadata is ignored, so
//! `1.0.0+a == 1.0.0+b` (unlike `semver::Version`'s own `Ord`, which orders
//! build metadata too).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{Scheme, VersionError};

/// A crates.io version.
#[derive(Debug, Clone)]
pub struct CargoVersion(semver::Version);

impl CargoVersion {
    /// The parsed version, build metadata included.
    pub fn as_semver(&self) -> &semver::Version {
        &self.0
    }
}

impl FromStr for CargoVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        semver::Version::parse(s)
            .map(CargoVersion)
            .map_err(|e| VersionError::new(Scheme::Cargo, s, e.to_string()))
    }
}

impl fmt::Display for CargoVersion {
    /// The input exactly: the strict grammar has a single spelling per
    /// parsed value, and `semver` keeps pre-release and build text verbatim.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Ord for CargoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        a.major
            .cmp(&b.major)
            .then(a.minor.cmp(&b.minor))
            .then(a.patch.cmp(&b.patch))
            .then_with(|| a.pre.cmp(&b.pre))
    }
}

impl PartialOrd for CargoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for CargoVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for CargoVersion {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::laws;

    fn parse(s: &str) -> CargoVersion {
        laws::parse(s)
    }

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<CargoVersion>(a, op, b);
    }

    fn check_err(s: &str, reason: &str) {
        let e = laws::check_err::<CargoVersion>(s, reason);
        assert_eq!(e.scheme(), Scheme::Cargo);
    }

    #[test]
    fn order() {
        let chain = [
            "0.0.0-0",
            "0.0.0",
            "0.0.1",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.10.0",
            "18446744073709551615.0.0",
        ];
        laws::check_ascending::<CargoVersion>(&chain);
        check("1.0.0+build.1", "=", "1.0.0+build.2");
        check("1.0.0-rc.1+a", "=", "1.0.0-rc.1");
        check("1.0.0-0a", ">", "1.0.0-99");
    }

    #[test]
    fn display_is_input() {
        for s in ["1.2.3", "1.2.3-rc.1+build.007", "0.0.0-x-y-z.--"] {
            assert_eq!(parse(s).to_string(), s);
        }
    }

    #[test]
    fn rejects() {
        check_err("", "empty string, expected a semver version");
        check_err(
            "v1.2.3",
            "unexpected character 'v' while parsing major version number",
        );
        check_err(
            "1.2",
            "unexpected end of input while parsing minor version number",
        );
        check_err("01.2.3", "invalid leading zero in major version number");
        check_err("1.2.3-01", "invalid leading zero in pre-release identifier");
        check_err(
            "18446744073709551616.0.0",
            "value of major version number exceeds u64::MAX",
        );
        check_err(
            " 1.2.3",
            "unexpected character ' ' while parsing major version number",
        );
        check_err(
            "1.2.3-a..b",
            "empty identifier segment in pre-release identifier",
        );
    }

    mod properties {
        use super::super::CargoVersion;
        use crate::scheme::laws::laws_on_text;
        use proptest::prelude::*;

        /// Strict SemVer versions with small numbers, so that equal parts
        /// and build-only differences are frequent.
        pub(crate) fn version() -> impl Strategy<Value = String> {
            let num = prop_oneof!["0", "[1-9]", "1[0-9]"];
            let id = prop_oneof!["0", "[1-9]", "[a-c]", "rc", "[a-z0-9-]{1,4}"];
            (
                num.clone(),
                num.clone(),
                num,
                proptest::collection::vec(id, 0..3),
                prop_oneof!["", "\\+[a-z0-9]{1,3}(\\.[0-9]{1,2})?"],
            )
                .prop_map(|(ma, mi, pa, pre, build)| {
                    // A numeric identifier with a leading zero is invalid
                    // SemVer: such draws get no pre-release at all.
                    let leading_zero = |id: &String| {
                        id.len() > 1
                            && id.starts_with('0')
                            && id.bytes().all(|b| b.is_ascii_digit())
                    };
                    let pre = if pre.is_empty() || pre.iter().any(leading_zero) {
                        String::new()
                    } else {
                        format!("-{}", pre.join("."))
                    };
                    format!("{ma}.{mi}.{pa}{pre}{build}")
                })
        }

        proptest! {
            #[test]
            fn laws(a in version(), b in version(), c in version()) {
                prop_assert!(a.parse::<CargoVersion>().is_ok(), "{a:?} is valid");
                laws_on_text::<CargoVersion>([&a, &b, &c]);
            }

            #[test]
            fn never_panics(s in "\\PC*", t in "[v0-9.+a-z-]{0,12}") {
                let _ = s.parse::<CargoVersion>();
                laws_on_text::<CargoVersion>([&s, &t, "1.0.0"]);
            }
        }
    }
}
