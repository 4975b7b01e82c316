//! Hackage package versions under the Haskell Package Versioning Policy: a
//! non-empty sequence of non-negative integers separated by `.`, compared
//! lexicographically as a list of numbers, so a prefix sorts first
//! (`1.0 < 1.0.0 < 1.0.1`).
//!
//! Written here: it is a list of integers; Cabal's parser (`Distribution.Types.Version`)
//! sets what is valid.
//!
//! Rejected, as Cabal rejects them: anything but ASCII digits and `.`; an empty
//! component (`1..2`, `.1`, `1.`); a leading zero (`1.01`, while `1.0` is fine);
//! and a component of more than 9 digits. Cabal still reads the deprecated tags
//! (`1.0-beta`) with a warning, but Hackage refuses them, and so do we.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{Scheme, VersionError};

/// A valid Hackage (PVP) version.
#[derive(Debug, Clone)]
pub struct HackageVersion {
    raw: Box<str>,
    components: Box<[u32]>,
}

impl HackageVersion {
    /// The numeric components.
    pub fn components(&self) -> &[u32] {
        &self.components
    }
}

/// Cabal allows at most 9 digits per component.
const MAX_DIGITS: usize = 9;

impl FromStr for HackageVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = |reason: String| VersionError::new(Scheme::Hackage, s, reason);
        if s.is_empty() {
            return Err(error("version string is empty".into()));
        }
        let mut components = Vec::with_capacity(4);
        let mut start = 0;
        let mut value: u32 = 0;
        for (at, c) in s.char_indices().chain([(s.len(), '.')]) {
            match c {
                '0'..='9' => {
                    if at > start && s.as_bytes()[start] == b'0' {
                        return Err(error(format!("leading zero in component at byte {start}")));
                    }
                    if at - start == MAX_DIGITS {
                        return Err(error(format!(
                            "component at byte {start} has more than {MAX_DIGITS} digits"
                        )));
                    }
                    // At most 9 digits: cannot overflow.
                    value = value * 10 + u32::from(c as u8 - b'0');
                }
                '.' => {
                    if at == start {
                        return Err(error(format!("empty component at byte {at}")));
                    }
                    components.push(value);
                    start = at + 1;
                    value = 0;
                }
                _ => return Err(error(format!("unexpected character {c:?} at byte {at}"))),
            }
        }
        Ok(HackageVersion {
            raw: s.into(),
            components: components.into_boxed_slice(),
        })
    }
}

impl fmt::Display for HackageVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for HackageVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.components.cmp(&other.components)
    }
}

impl PartialOrd for HackageVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for HackageVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for HackageVersion {}

#[cfg(test)]
mod tests {
    use super::HackageVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;

    fn parse(s: &str) -> HackageVersion {
        laws::parse(s)
    }

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<HackageVersion>(a, op, b);
    }

    fn check_err(input: &str, reason: &str) {
        laws::check_err::<HackageVersion>(input, reason);
    }

    #[test]
    fn order() {
        check("0", "<", "0.0");
        check("1.0", "<", "1.0.0");
        check("1.0.0", "<", "1.0.1");
        check("1.2.0.0", "<", "1.10");
        check("2", ">", "1.999999999");
        check("4.18.2.1", "=", "4.18.2.1");
        assert_eq!(parse("0.10.2").components(), [0, 10, 2]);
    }

    #[test]
    fn errors() {
        check_err("", "version string is empty");
        check_err("1.", "empty component at byte 2");
        check_err(".1", "empty component at byte 0");
        check_err("1..2", "empty component at byte 2");
        check_err("1.01", "leading zero in component at byte 2");
        check_err("00", "leading zero in component at byte 0");
        check_err("1.0-beta", "unexpected character '-' at byte 3");
        check_err("v1.0", "unexpected character 'v' at byte 0");
        check_err("1.1234567890", "component at byte 2 has more than 9 digits");
        assert_eq!(parse("1.123456789").components(), [1, 123456789]);
    }

    /// Realistic PVP versions: `0.1.0.0`, `4.18.2.1`, `2`.
    fn version() -> impl Strategy<Value = String> {
        prop::collection::vec(prop_oneof![Just(0u32), 1u32..30, 1u32..1_000_000_000], 1..6)
            .prop_map(|parts| {
                parts
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".")
            })
    }

    proptest! {
        #[test]
        fn round_trip(s in version()) {
            laws::round_trip::<HackageVersion>(&s);
        }

        #[test]
        fn order_laws(a in version(), b in version(), c in version()) {
            laws::order_laws_on::<HackageVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(s in any::<String>(), t in "[0-9.]{0,12}") {
            let _ = s.parse::<HackageVersion>();
            let _ = t.parse::<HackageVersion>();
        }
    }
}
