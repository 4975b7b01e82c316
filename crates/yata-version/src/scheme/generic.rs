//! A documented order for free-form vendor product versions, used only when a
//! source says the version type is custom or unknown: `7.2.4` (Fortinet),
//! `10.2.9-h1` (Palo Alto), `15.2(4)M3` (Cisco IOS), `22.7R2.3` (Ivanti),
//! `13.1-49.15` (Citrix), `10.0.19045.3570` (Microsoft), `1.2.3 build 456`.
//!
//! No ecosystem defines this order, so it is ours; the rules below are the
//! specification.
//!
//! # Accepted input
//!
//! Any string except an empty one, one of only whitespace, and one holding a
//! control character (Unicode category Cc: `\0`, `\t`, `\n`, `\u{7f}`, ...).
//!
//! # Tokens
//!
//! 1. The string is split into maximal runs of
//!    * ASCII digits `0`-`9`: a **number**, of any size, leading zeros ignored;
//!    * letters (Unicode alphabetic characters): a **word**;
//!    * anything else (`. - _ + ( ) , : / ~`, whitespace, symbols, other digits):
//!      a **separator**, which only ends a run and is otherwise ignored, so
//!      `13.1-49.15 == 13.1.49.15` and `15.2(4)M == 15.2.4.M`.
//!
//!    A change between digits and letters also ends a run: `22.7R2` is the
//!    tokens `22`, `7`, `R`, `2`, and `rc1` is `rc`, `1`.
//! 2. Words compare case-insensitively (ASCII letters are lower-cased; other
//!    letters compare by code point).
//! 3. A word equal (ignoring ASCII case) to one of these is a **pre-release
//!    marker**, ranked `dev < alpha < beta < pre = preview < rc`. Other words
//!    (`h`, `m`, `r`, `build`, `patch`, `a`, `b`) are ordinary words: a lone
//!    `a` or `b` is not taken for alpha or beta, since vendors use letters for
//!    patch levels (`1.0.2a` comes after `1.0.2`).
//! 4. A first token `v` written directly before a digit is dropped: `v1.2 == 1.2`.
//! 5. Numbers equal to zero directly before a pre-release marker are dropped:
//!    `1.0.0-rc1 == 1.0-rc1 == 1-rc1`.
//!
//! # Order
//!
//! Two versions compare token by token, the first difference deciding; the
//! shorter one is padded with "nothing", which is the same as the number `0`
//! (`1.2 == 1.2.0`, and a string without tokens equals `0`). Two tokens compare
//! by kind first:
//!
//! > pre-release marker `<` nothing (or `0`) `<` word `<` positive number
//!
//! and within a kind: markers by rank, words alphabetically, numbers by value.
//!
//! So a pre-release marker makes a version older than the version it precedes,
//! any other suffix makes it newer, and a word sorts before any further
//! numbered release:
//!
//! * `1.0-dev < 1.0-alpha < 1.0-beta2 < 1.0-rc1 < 1.0 < 1.0a < 1.0.1`
//! * `10.2.9 < 10.2.9-h1 < 10.2.9-h12 < 10.2.10`
//! * `15.2(4)M < 15.2(4)M1 < 15.2(4)M10 < 15.2(5)`
//! * `1.2.3 < 1.2.3 build 456 < 1.2.3.4567 < 1.2.4`
//! * `22.7R1.4 < 22.7R2 < 22.7R2.3 < 22.8R1`
//!
//! Known limits: separators carry no meaning (`1.2-3 == 1.2.3`); padding applies
//! only at the end (`1.a > 1.0.a`); words of different trains compare
//! alphabetically (`15.2(4)E < 15.2(4)M`), which is an order but not a
//! statement that one train supersedes the other.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::scheme::num::cmp_digits;
use crate::{Scheme, VersionError};

/// A free-form vendor version; see the [module docs](self) for the order.
#[derive(Debug, Clone)]
pub struct GenericVersion {
    raw: Box<str>,
    tokens: Box<[Token]>,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    /// A number's value, or [`BIG`] when it has more than 19 digits.
    value: u64,
    /// Byte range in `raw`: a word, or a number's digits without leading zeros
    /// (empty for zero).
    start: usize,
    end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A pre-release marker and its rank.
    Pre(u8),
    Number,
    Word,
}

/// The value of numbers too long for `u64`, which compare by their digits.
const BIG: u64 = u64::MAX;

/// Pre-release markers and their ranks.
const MARKERS: [(&str, u8); 6] = [
    ("dev", 0),
    ("alpha", 1),
    ("beta", 2),
    ("pre", 3),
    ("preview", 3),
    ("rc", 4),
];

impl FromStr for GenericVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = |reason: String| VersionError::new(Scheme::Generic, s, reason);
        if s.is_empty() {
            return Err(error("version string is empty".into()));
        }
        let tokens = tokenise(s)
            .map_err(|(at, c)| error(format!("control character {c:?} at byte {at}")))?;
        if tokens.is_empty() && s.chars().all(char::is_whitespace) {
            return Err(error("version string is blank".into()));
        }
        Ok(GenericVersion {
            raw: s.into(),
            tokens: tokens.into_boxed_slice(),
        })
    }
}

/// The character at byte `i` of `s` (a char boundary) and its length.
fn char_at(s: &str, i: usize) -> (char, usize) {
    let c = s[i..].chars().next().unwrap_or('\0');
    (c, c.len_utf8())
}

/// Whether the character at byte `i` is a letter, and its length.
fn letter_at(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes()[i];
    if b.is_ascii() {
        return b.is_ascii_alphabetic().then_some(1);
    }
    let (c, len) = char_at(s, i);
    c.is_alphabetic().then_some(len)
}

/// Splits `s` into tokens, or finds its first control character.
fn tokenise(s: &str) -> Result<Vec<Token>, (usize, char)> {
    let b = s.as_bytes();
    let mut tokens: Vec<Token> = Vec::with_capacity(8);
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_digit() {
            while i < b.len() && b[i] == b'0' {
                i += 1;
            }
            let digits = i;
            let mut value: u64 = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                value = value.wrapping_mul(10).wrapping_add(u64::from(b[i] - b'0'));
                i += 1;
            }
            // Up to 19 digits fit; longer numbers compare by their digits.
            let value = if i - digits <= 19 { value } else { BIG };
            tokens.push(Token {
                kind: Kind::Number,
                value,
                start: digits,
                end: i,
            });
        } else if let Some(len) = letter_at(s, i) {
            i += len;
            while i < b.len() {
                match letter_at(s, i) {
                    Some(len) => i += len,
                    None => break,
                }
            }
            let word = &s[start..i];
            let next_is_digit = b.get(i).is_some_and(u8::is_ascii_digit);
            if start == 0 && next_is_digit && word.eq_ignore_ascii_case("v") {
                continue;
            }
            let kind = match MARKERS.iter().find(|(m, _)| word.eq_ignore_ascii_case(m)) {
                Some(&(_, rank)) => {
                    while tokens
                        .last()
                        .is_some_and(|t| t.kind == Kind::Number && t.value == 0)
                    {
                        tokens.pop();
                    }
                    Kind::Pre(rank)
                }
                None => Kind::Word,
            };
            tokens.push(Token {
                kind,
                value: 0,
                start,
                end: i,
            });
        } else {
            let (c, len) = if b[i].is_ascii() {
                (char::from(b[i]), 1)
            } else {
                char_at(s, i)
            };
            if c.is_control() {
                return Err((i, c));
            }
            i += len;
        }
    }
    Ok(tokens)
}

impl GenericVersion {
    fn text(&self, t: &Token) -> &[u8] {
        self.raw.as_bytes().get(t.start..t.end).unwrap_or_default()
    }

    /// The kind class of a token (or of the padding) for the order
    /// marker < nothing/zero < word < positive number.
    fn class(t: Option<&Token>) -> u8 {
        match t {
            Some(Token {
                kind: Kind::Pre(_), ..
            }) => 0,
            None => 1,
            Some(t) if t.kind == Kind::Number && t.value == 0 => 1,
            Some(Token {
                kind: Kind::Word, ..
            }) => 2,
            Some(_) => 3,
        }
    }

    fn cmp_token(&self, a: Option<&Token>, other: &Self, b: Option<&Token>) -> Ordering {
        let order = Self::class(a).cmp(&Self::class(b));
        if order.is_ne() {
            return order;
        }
        let (Some(a), Some(b)) = (a, b) else {
            return Ordering::Equal;
        };
        match (a.kind, b.kind) {
            (Kind::Pre(x), Kind::Pre(y)) => x.cmp(&y),
            (Kind::Word, Kind::Word) => {
                let (x, y) = (self.text(a), other.text(b));
                x.iter()
                    .map(u8::to_ascii_lowercase)
                    .cmp(y.iter().map(u8::to_ascii_lowercase))
            }
            (Kind::Number, Kind::Number) if a.value != BIG && b.value != BIG => {
                a.value.cmp(&b.value)
            }
            // Long numbers (digits are ASCII, so valid `str`).
            _ => cmp_digits(
                std::str::from_utf8(self.text(a)).unwrap_or(""),
                std::str::from_utf8(other.text(b)).unwrap_or(""),
            ),
        }
    }
}

impl fmt::Display for GenericVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for GenericVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        for i in 0..self.tokens.len().max(other.tokens.len()) {
            let order = self.cmp_token(self.tokens.get(i), other, other.tokens.get(i));
            if order.is_ne() {
                return order;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GenericVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GenericVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GenericVersion {}

#[cfg(test)]
mod tests {
    use super::GenericVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;
    use std::cmp::Ordering;

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<GenericVersion>(a, op, b);
    }

    fn check_err(input: &str, reason: &str) {
        laws::check_err::<GenericVersion>(input, reason);
    }

    fn check_ascending(versions: &[&str]) {
        laws::check_ascending::<GenericVersion>(versions);
    }

    #[test]
    fn fortinet() {
        check_ascending(&[
            "7.0.12", "7.0.13", "7.0.14", "7.2.0", "7.2.4", "7.2.10", "7.4.1",
        ]);
        check("7.2", "=", "7.2.0");
    }

    #[test]
    fn palo_alto() {
        check_ascending(&[
            "10.2.8-h12",
            "10.2.9",
            "10.2.9-h1",
            "10.2.9-h2",
            "10.2.9-h10",
            "10.2.10",
            "11.0.0",
        ]);
    }

    #[test]
    fn cisco_ios() {
        check_ascending(&[
            "15.2(4)M",
            "15.2(4)M1",
            "15.2(4)M3",
            "15.2(4)M10",
            "15.2(5)",
            "15.2(5)M1",
        ]);
        check_ascending(&["12.2(55)SE", "12.2(55)SE1", "12.2(55)SE12", "12.2(58)SE"]);
        check("15.2(4)M3", "=", "15.2(4)m3");
    }

    #[test]
    fn ivanti() {
        check_ascending(&["22.7R1", "22.7R1.4", "22.7R2", "22.7R2.3", "22.8R1"]);
    }

    #[test]
    fn citrix() {
        check_ascending(&["13.1-49.13", "13.1-49.15", "13.1-51.15", "14.1-12.35"]);
        check("13.1-49.15", "=", "13.1.49.15");
    }

    #[test]
    fn microsoft() {
        check_ascending(&["10.0.19045.3570", "10.0.19045.3693", "10.0.22621.2428"]);
    }

    #[test]
    fn builds() {
        check_ascending(&[
            "1.2.3",
            "1.2.3 build 456",
            "1.2.3 build 457",
            "1.2.3.4567",
            "1.2.4",
        ]);
        check("1.2.3 (build 456)", "=", "1.2.3 build 456");
        check("1.2.3 Build 456", "=", "1.2.3 build 456");
    }

    #[test]
    fn pre_releases() {
        check_ascending(&[
            "1.0-dev",
            "1.0-alpha",
            "1.0-alpha2",
            "1.0-beta",
            "1.0 Beta 2",
            "1.0-pre1",
            "1.0-rc1",
            "1.0-RC2",
            "1.0",
            "1.0a",
            "1.0b",
            "1.0.1",
        ]);
        check("1.0.0-RC1", "=", "1.0-rc1");
        check("1-rc1", "=", "1.0.0.rc1");
        check("1.0-pre", "=", "1.0-preview");
        check("2.0-rc1", ">", "1.9.9");
        check("1.0 beta 2", "=", "1.0-beta2");
    }

    #[test]
    fn padding_and_separators() {
        check("1.2", "=", "1.2.0.0");
        check("v1.2", "=", "1.2");
        check("V1.2.0", "=", "1.2");
        check("v", ">", "0");
        check("vX1", "<", "1");
        check("---", "=", "0");
        check("  1.2  ", "=", "1.2");
        check("1.02", "=", "1.2");
        check("1.a", ">", "1.0.a");
        check(
            "1.99999999999999999999999999999",
            ">",
            "1.99999999999999999999999999998",
        );
        check("1.0-é", ">", "1.0-e");
        check("1.0-É", "<", "1.0-é");
    }

    #[test]
    fn errors() {
        check_err("", "version string is empty");
        check_err("   ", "version string is blank");
        check_err("1.0\n", "control character '\\n' at byte 3");
        check_err("1.0\u{7f}", "control character '\\u{7f}' at byte 3");
    }

    /// Realistic vendor versions in the styles the module docs name.
    fn version() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,3}(\\.[0-9]{1,5})?",
            "[0-9]{1,2}\\.[0-9]\\.[0-9]{1,2}(-h[0-9]{1,2})?",
            "1[25]\\.[0-9]\\([0-9]{1,2}\\)(M|E|SE|T)[0-9]{0,2}",
            "2[0-9]\\.[0-9]R[0-9](\\.[0-9])?",
            "1[0-4]\\.[01]-[0-9]{1,2}\\.[0-9]{1,2}",
            "[0-9]\\.[0-9](\\.[0-9])?( build [0-9]{1,4}|-(dev|alpha|beta|pre|rc|RC|Beta)[0-9]?|[a-c])?",
            "v?[0-9]\\.[0-9]{1,2}",
        ]
    }

    proptest! {
        #[test]
        fn round_trip(s in version()) {
            laws::round_trip::<GenericVersion>(&s);
        }

        #[test]
        fn order_laws(a in version(), b in version(), c in version()) {
            laws::order_laws_on::<GenericVersion>([&a, &b, &c]);
        }

        #[test]
        fn order_laws_on_any_text(a in "\\PC{0,8}", b in "\\PC{0,8}", c in "[0-9a-zA-Z. ()-]{1,8}") {
            laws::laws_on_text::<GenericVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            if let Ok(v) = s.parse::<GenericVersion>() {
                prop_assert_eq!(v.cmp(&v), Ordering::Equal);
            }
        }
    }
}
