//! Alpine (apk) package versions, `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`,
//! ordered as apk-tools orders them.
//!
//! Written here: no crate implements apk's order. The shared conformance data
//! (from osv-scalibr, checked against `apk version -t`) is the reference, and it
//! includes strings that apk calls invalid but still compares; so do we.
//!
//! # Parsing
//!
//! Every string is accepted except an empty one and one holding whitespace or
//! control characters. It is read left to right, each part optional:
//!
//! 1. numbers: runs of ASCII digits, each optionally followed by one `.`; a
//!    trailing `.` makes a last, empty number (`1.2.` has `1`, `2`, ``);
//! 2. a letter: one of `a`-`z`;
//! 3. suffixes: `_` and one of `alpha beta pre rc cvs svn git hg p`, then digits;
//! 4. a commit hash: `~` and lower-case hex digits (ignored by the order);
//! 5. a revision: `-r` and digits (none means `-r0`);
//! 6. whatever is left over: after a revision, or when it starts with `-`, it is
//!    "revision junk"; otherwise it is "junk" (`_blah`, `.r1`, `A`).
//!
//! # Order
//!
//! Parts compare in this order, the first difference deciding:
//!
//! 1. numbers, position by position, a missing number counting as `0`. The first
//!    compares by value. Later ones compare by value, except that when either
//!    starts with `0` (or is empty) both compare as strings, so `1.05 < 1.4` and
//!    `1.0 < 1.00 < 1.01`;
//! 2. the letter, none first, then `a` to `z`;
//! 3. suffixes, position by position, a missing one counting as "no suffix":
//!    `_alpha < _beta < _pre < _rc <` no suffix `< _cvs < _svn < _git < _hg < _p`,
//!    and the same suffix by its number (none = 0);
//! 4. the revision number (none = 0);
//! 5. what is left over: junk (compared byte by byte) `<` revision junk (all
//!    equal, as apk does not look past it) `<` nothing left.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::scheme::num::cmp_digits;
use crate::{Scheme, VersionError};

/// An Alpine package version.
#[derive(Debug, Clone)]
pub struct AlpineVersion {
    raw: Box<str>,
    /// The numbers, then the suffixes.
    parts: Box<[Part]>,
    numbers: usize,
    letter: Option<u8>,
    /// Byte range of the revision digits (empty: 0).
    revision: (usize, usize),
    rest: Rest,
}

/// A number, or a suffix with its number: byte ranges of digits in `raw`.
#[derive(Debug, Clone, Copy)]
struct Part {
    /// The suffix weight; unused for numbers.
    weight: u8,
    start: usize,
    end: usize,
}

/// What is left after the revision, from least to greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rest {
    /// Unparsed text starting at this byte (not with `-`).
    Junk(usize),
    /// Text after a revision, or starting with `-`.
    RevisionJunk,
    End,
}

/// The suffixes in the order of their names' alternatives (`pre` before `p`),
/// with their weights; "no suffix" weighs [`NO_SUFFIX`].
const SUFFIXES: [(&str, u8); 9] = [
    ("alpha", 0),
    ("beta", 1),
    ("pre", 2),
    ("rc", 3),
    ("cvs", 5),
    ("svn", 6),
    ("git", 7),
    ("hg", 8),
    ("p", 9),
];
const NO_SUFFIX: u8 = 4;

impl FromStr for AlpineVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(VersionError::new(
                Scheme::Alpine,
                s,
                "version string is empty",
            ));
        }
        if let Some((at, c)) = s
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || c.is_control())
        {
            return Err(VersionError::new(
                Scheme::Alpine,
                s,
                format!("unexpected character {c:?} at byte {at}"),
            ));
        }
        let b = s.as_bytes();
        let digits_from =
            |pos: usize| pos + b[pos..].iter().take_while(|c| c.is_ascii_digit()).count();
        let mut parts = Vec::new();
        let mut pos = 0;

        // 1. numbers
        let mut after_dot = false;
        while b.get(pos).is_some_and(u8::is_ascii_digit) {
            let end = digits_from(pos);
            parts.push(Part {
                weight: 0,
                start: pos,
                end,
            });
            pos = end;
            after_dot = b.get(pos) == Some(&b'.');
            if after_dot {
                pos += 1;
            }
        }
        if after_dot {
            parts.push(Part {
                weight: 0,
                start: pos,
                end: pos,
            });
        }
        let numbers = parts.len();

        // 2. letter
        let letter = b.get(pos).copied().filter(u8::is_ascii_lowercase);
        if letter.is_some() {
            pos += 1;
        }

        // 3. suffixes
        while b.get(pos) == Some(&b'_') {
            let Some(&(name, weight)) = SUFFIXES
                .iter()
                .find(|(name, _)| b[pos + 1..].starts_with(name.as_bytes()))
            else {
                break;
            };
            let start = pos + 1 + name.len();
            let end = digits_from(start);
            parts.push(Part { weight, start, end });
            pos = end;
        }

        // 4. hash
        if b.get(pos) == Some(&b'~') {
            let hex = b[pos + 1..]
                .iter()
                .take_while(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
                .count();
            if hex > 0 {
                pos += 1 + hex;
            }
        }

        // 5. revision and 6. the rest
        let mut revision = (pos, pos);
        let rest = if pos == b.len() {
            Rest::End
        } else if b[pos..].starts_with(b"-r") {
            let end = digits_from(pos + 2);
            revision = (pos + 2, end);
            if end == b.len() {
                Rest::End
            } else {
                Rest::RevisionJunk
            }
        } else if b[pos] == b'-' {
            Rest::RevisionJunk
        } else {
            Rest::Junk(pos)
        };

        Ok(AlpineVersion {
            raw: s.into(),
            parts: parts.into_boxed_slice(),
            numbers,
            letter,
            revision,
            rest,
        })
    }
}

impl AlpineVersion {
    fn text(&self, start: usize, end: usize) -> &str {
        self.raw.get(start..end).unwrap_or("")
    }

    /// The digits of number `i`; a missing number is `"0"`.
    fn number(&self, i: usize) -> &str {
        match self.parts[..self.numbers].get(i) {
            Some(p) => self.text(p.start, p.end),
            None => "0",
        }
    }

    /// Suffix `i` as (weight, digits); a missing one is "no suffix".
    fn suffix(&self, i: usize) -> (u8, &str) {
        match self.parts[self.numbers..].get(i) {
            Some(p) => (p.weight, self.text(p.start, p.end)),
            None => (NO_SUFFIX, ""),
        }
    }

    fn revision_digits(&self) -> &str {
        self.text(self.revision.0, self.revision.1)
    }

    fn suffixes(&self) -> usize {
        self.parts.len() - self.numbers
    }
}

/// Numbers after the first: by value, or as strings when either has a leading
/// zero (or is empty). A total order: all zero-led strings sort before all
/// others, since `'0'` is the least digit.
fn cmp_later_number(a: &str, b: &str) -> Ordering {
    let zero_led = |s: &str| !s.starts_with(|c: char| matches!(c, '1'..='9'));
    if zero_led(a) || zero_led(b) {
        a.cmp(b)
    } else {
        cmp_digits(a, b)
    }
}

impl fmt::Display for AlpineVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for AlpineVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        for i in 0..self.numbers.max(other.numbers) {
            let (a, b) = (self.number(i), other.number(i));
            let order = if i == 0 {
                cmp_digits(a, b)
            } else {
                cmp_later_number(a, b)
            };
            if order.is_ne() {
                return order;
            }
        }
        let order = self.letter.cmp(&other.letter);
        if order.is_ne() {
            return order;
        }
        for i in 0..self.suffixes().max(other.suffixes()) {
            let ((wa, na), (wb, nb)) = (self.suffix(i), other.suffix(i));
            let order = wa.cmp(&wb).then_with(|| cmp_digits(na, nb));
            if order.is_ne() {
                return order;
            }
        }
        cmp_digits(self.revision_digits(), other.revision_digits()).then_with(|| {
            match (self.rest, other.rest) {
                (Rest::Junk(a), Rest::Junk(b)) => {
                    self.raw.as_bytes()[a..].cmp(&other.raw.as_bytes()[b..])
                }
                (a, b) => a.cmp(&b),
            }
        })
    }
}

impl PartialOrd for AlpineVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for AlpineVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for AlpineVersion {}

#[cfg(test)]
mod tests {
    use super::AlpineVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;
    use std::cmp::Ordering;

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<AlpineVersion>(a, op, b);
    }

    fn check_err(input: &str, reason: &str) {
        laws::check_err::<AlpineVersion>(input, reason);
    }

    #[test]
    fn order() {
        check("1.2.3", "<", "1.2.4");
        check("1.2", "<", "1.10");
        check("1.2", "=", "1.2.0");
        check("1.0", "<", "1.00");
        check("1.05", "<", "1.4");
        check("1.2", "<", "1.2a");
        check("1.2a", "<", "1.2b");
        check("1.2_alpha", "<", "1.2_beta");
        check("1.2_beta2", "<", "1.2_pre1");
        check("1.2_pre1", "<", "1.2_rc1");
        check("1.2_rc1", "<", "1.2");
        check("1.2", "<", "1.2_cvs");
        check("1.2_cvs", "<", "1.2_svn");
        check("1.2_git1", "<", "1.2_hg1");
        check("1.2_hg1", "<", "1.2_p1");
        check("1.2_p1", "<", "1.2_p10");
        check("1.2_rc1_p1", ">", "1.2_rc1");
        check("1.2-r1", "<", "1.2-r2");
        check("1.2-r9", "<", "1.2.1");
        check("1.2", "=", "1.2-r0");
        check("1.2~abc123-r1", "=", "1.2-r1");
        check("1.2-r1", ">", "1.2-r1-junk");
        check("1.2_blah", "<", "1.2");
        check(".2", ">", ".1");
        check("99999999999999999999999", ">", "99999999999999999999998");
    }

    #[test]
    fn errors() {
        check_err("", "version string is empty");
        check_err("1.0 -r1", "unexpected character ' ' at byte 3");
        check_err("1.0\t", "unexpected character '\\t' at byte 3");
    }

    /// Realistic apk versions.
    fn version() -> impl Strategy<Value = String> {
        (
            "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}",
            "[a-z]?",
            prop::collection::vec("_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]{0,2}", 0..3),
            "(~[0-9a-f]{1,8})?",
            "(-r[0-9]{1,2})?",
        )
            .prop_map(|(n, l, s, h, r)| format!("{n}{l}{}{h}{r}", s.concat()))
    }

    /// Anything apk might be handed, junk included.
    fn lenient() -> impl Strategy<Value = String> {
        prop_oneof![version(), "[0-9a-zA-Z._~-]{1,10}"]
    }

    proptest! {
        #[test]
        fn round_trip(s in lenient()) {
            laws::round_trip::<AlpineVersion>(&s);
        }

        #[test]
        fn order_laws(a in lenient(), b in lenient(), c in lenient()) {
            laws::order_laws_on::<AlpineVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            if let Ok(v) = s.parse::<AlpineVersion>() {
                prop_assert_eq!(v.cmp(&v), Ordering::Equal);
            }
        }
    }
}
