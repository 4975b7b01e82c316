//! Helpers shared by several schemes.

use std::cmp::Ordering;

/// Compares two ASCII digit strings as unbounded non-negative integers:
/// leading zeros are ignored, so `"007" == "7"` and
/// `"999999999999999999999999999991" < "999999999999999999999999999999"`.
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::cmp_digits;
    use std::cmp::Ordering::*;

    #[test]
    fn digits() {
        assert_eq!(cmp_digits("007", "7"), Equal);
        assert_eq!(cmp_digits("", "0"), Equal);
        assert_eq!(cmp_digits("10", "9"), Greater);
        assert_eq!(
            cmp_digits(
                "999999999999999999999999999991",
                "999999999999999999999999999999"
            ),
            Less
        );
    }
}
