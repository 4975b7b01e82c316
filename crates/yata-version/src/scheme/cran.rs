//! CRAN package versions as R's `package_version` reads them: at least two
//! non-negative integers separated by `.` or `-` (`1.0-2`), compared component
//! by component as numbers, a missing component before any present one
//! (`1.0 < 1.0.0`); the separators do not matter (`0.1-0 == 0.1.0`).
//!
//! Written here: R's rule is a regular expression and an integer vector.
//!
//! Rejected, as R rejects them: anything but ASCII digits, `.` and `-`; an empty
//! component (`1..2`, `.1`, `1.`); a single component (`1`, which R's
//! `numeric_version` allows but `package_version` does not); and a component
//! above 2147483647, which R cannot hold in an integer.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{Scheme, VersionError};

/// A valid CRAN package version.
#[derive(Debug, Clone)]
pub struct CranVersion {
    raw: Box<str>,
    components: Box<[u32]>,
}

impl CranVersion {
    /// The numeric components.
    pub fn components(&self) -> &[u32] {
        &self.components
    }
}

/// R's integers are 32-bit and signed.
const MAX_COMPONENT: u32 = i32::MAX as u32;

impl FromStr for CranVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = |reason: String| VersionError::new(Scheme::Cran, s, reason);
        if s.is_empty() {
            return Err(error("version string is empty".into()));
        }
        let mut components = Vec::with_capacity(4);
        let mut start = 0;
        let mut value: Option<u32> = Some(0);
        for (at, c) in s.char_indices().chain([(s.len(), '.')]) {
            match c {
                '0'..='9' => {
                    value = value
                        .and_then(|v| v.checked_mul(10))
                        .and_then(|v| v.checked_add(u32::from(c as u8 - b'0')));
                }
                '.' | '-' => {
                    if at == start {
                        return Err(error(format!("empty component at byte {at}")));
                    }
                    match value {
                        Some(v) if v <= MAX_COMPONENT => components.push(v),
                        _ => {
                            return Err(error(format!(
                                "component at byte {start} is larger than {MAX_COMPONENT}"
                            )));
                        }
                    }
                    start = at + 1;
                    value = Some(0);
                }
                _ => return Err(error(format!("unexpected character {c:?} at byte {at}"))),
            }
        }
        if components.len() < 2 {
            return Err(error(
                "expected at least two components separated by '.' or '-'".into(),
            ));
        }
        Ok(CranVersion {
            raw: s.into(),
            components: components.into_boxed_slice(),
        })
    }
}

impl fmt::Display for CranVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for CranVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.components.cmp(&other.components)
    }
}

impl PartialOrd for CranVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for CranVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for CranVersion {}

#[cfg(test)]
mod tests {
    use super::CranVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;

    fn parse(s: &str) -> CranVersion {
        laws::parse(s)
    }

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<CranVersion>(a, op, b);
    }

    fn check_err(input: &str, reason: &str) {
        laws::check_err::<CranVersion>(input, reason);
    }

    #[test]
    fn order() {
        check("1.0-0", "<", "1.0-1");
        check("0.1-0", "=", "0.1.0");
        check("0.01", "=", "0.1");
        check("1.0", "<", "1.0.0");
        check("1.9", "<", "1.10");
        check("2.0", ">", "1.99.99");
        check("1.2.3", "=", "1-2-3");
        assert_eq!(parse("1.02-3").components(), [1, 2, 3]);
    }

    #[test]
    fn errors() {
        check_err("", "version string is empty");
        check_err(
            "1",
            "expected at least two components separated by '.' or '-'",
        );
        check_err("1.", "empty component at byte 2");
        check_err(".1", "empty component at byte 0");
        check_err("1..2", "empty component at byte 2");
        check_err("1.2a", "unexpected character 'a' at byte 3");
        check_err("1.2 ", "unexpected character ' ' at byte 3");
        check_err("1_2", "unexpected character '_' at byte 1");
        check_err(
            "1.2147483648",
            "component at byte 2 is larger than 2147483647",
        );
        check_err(
            "1.99999999999",
            "component at byte 2 is larger than 2147483647",
        );
        assert_eq!(parse("1.2147483647").components(), [1, 2147483647]);
    }

    /// Realistic CRAN versions: `1.2-3`, `0.9.12`, `2024.1.15`.
    fn version() -> impl Strategy<Value = String> {
        (
            "[0-9]{1,4}",
            prop::collection::vec(("[.-]", "[0-9]{1,3}"), 1..4),
        )
            .prop_map(|(head, rest)| {
                head + &rest.into_iter().map(|(s, n)| s + &n).collect::<String>()
            })
    }

    proptest! {
        #[test]
        fn round_trip(s in version()) {
            laws::round_trip::<CranVersion>(&s);
        }

        #[test]
        fn order_laws(a in version(), b in version(), c in version()) {
            laws::order_laws_on::<CranVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(s in any::<String>(), t in "[0-9.-]{0,12}") {
            let _ = s.parse::<CranVersion>();
            let _ = t.parse::<CranVersion>();
        }
    }
}
