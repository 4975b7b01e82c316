//! An unbounded non-negative integer parsed once from a digit string, so that
//! comparing two of them costs one integer comparison in the common case.

use std::cmp::Ordering;

use super::num::cmp_digits;

/// A non-negative integer of any size.
///
/// Values that fit in a `u64` are stored inline; larger ones keep their digits
/// (leading zeros stripped), which only happens for unusual inputs such as
/// `999999999999999999999999999991`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Natural {
    Small(u64),
    /// More than `u64::MAX`: ASCII digits without leading zeros.
    Big(Box<str>),
}

impl Natural {
    pub(crate) const ZERO: Natural = Natural::Small(0);

    /// Parses a non-empty string of ASCII digits; leading zeros are ignored.
    ///
    /// Returns `None` when `digits` is empty or holds anything but `0`–`9`.
    pub(crate) fn parse(digits: &str) -> Option<Natural> {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut value: u64 = 0;
        for b in digits.bytes() {
            match value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
            {
                Some(v) => value = v,
                None => {
                    let stripped = digits.trim_start_matches('0');
                    return Some(Natural::Big(stripped.into()));
                }
            }
        }
        Some(Natural::Small(value))
    }

    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Natural::Small(0))
    }
}

impl Ord for Natural {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Natural::Small(a), Natural::Small(b)) => a.cmp(b),
            (Natural::Small(_), Natural::Big(_)) => Ordering::Less,
            (Natural::Big(_), Natural::Small(_)) => Ordering::Greater,
            (Natural::Big(a), Natural::Big(b)) => cmp_digits(a, b),
        }
    }
}

impl PartialOrd for Natural {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::Natural;
    use std::cmp::Ordering::*;

    fn n(s: &str) -> Natural {
        Natural::parse(s).unwrap()
    }

    #[test]
    fn parses_and_orders() {
        assert_eq!(n("007"), n("7"));
        assert_eq!(n("0"), Natural::ZERO);
        assert!(n("000").is_zero());
        assert_eq!(n("18446744073709551615"), Natural::Small(u64::MAX));
        assert_eq!(
            n("18446744073709551616"),
            Natural::Big("18446744073709551616".into())
        );
        assert_eq!(n("018446744073709551616"), n("18446744073709551616"));
        assert_eq!(
            n("18446744073709551616").cmp(&n("18446744073709551615")),
            Greater
        );
        assert_eq!(
            n("999999999999999999999999999991").cmp(&n("999999999999999999999999999999")),
            Less
        );
        assert_eq!(Natural::parse(""), None);
        assert_eq!(Natural::parse("1a"), None);
        assert_eq!(Natural::parse("-1"), None);
    }
}
