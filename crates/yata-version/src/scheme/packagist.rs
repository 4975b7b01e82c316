//! Packagist (Composer) versions: normalised the parts of the way Composer's
//! `VersionParser::normalize` does that matter for order, then ordered like
//! PHP's `version_compare`, as OSV (osv-scalibr) applies it.
//!
//! Written here rather than taken from a crate because no Rust crate
//! implements `version_compare` with Composer's normalisation.
//!
//! # Normalisation
//! * One leading `v` or `V` is dropped (`v1.0 == 1.0`).
//! * The branch names `master`, `trunk` and `default` read as `dev-master`
//!   and so on, as Composer reads them.
//! * `-`, `_` and `+` separate components like `.`, and so does every
//!   transition between a digit and a non-digit (`1.0rc1` is `1.0.rc.1`).
//! * A `stable` component is dropped (`1.0-stable == 1.0`), as Composer
//!   does.
//!
//! # Order
//! Components compare left to right. Two numbers compare as integers of any
//! size. Other components are "special forms", ranked by prefix and
//! case-insensitively (Composer accepts stability flags in any case):
//! anything else < `dev` < `alpha` = `a…` < `beta` = `b…` < `RC` = `rc…` <
//! `#` < `pl` = `p…` (so `patch` is `p`). A number ranks as `#` against a
//! special form. When one version runs out, each remaining component of the
//! other is compared with `#`, and a remaining number makes it greater:
//! `1.0 < 1.0.0`, `1.0-dev < 1.0 < 1.0pl1`.
//!
//! `#` is the one blemish: PHP ranks it equal to every number and to a
//! missing component, while a number is greater than a missing component,
//! so `1.2.3.# == 1.2.3`, `1.2.3.# == 1.2.3.1` but `1.2.3 < 1.2.3.1`. We keep
//! this (the shared conformance cases require it); among versions without a
//! `#` component the order is total. Composer never produces a `#`.
//!
//! Build metadata is not stripped (`1.0.0+1 > 1.0.0`, and `1.0.0+build`
//! is a `b…`, a beta, so `< 1.0.0`), unlike Composer,
//! and missing components are not padded (`1.0 < 1.0.0`), unlike Composer
//! and like `version_compare`: OSV's data and ordering work on the strings
//! as published.
//!
//! # What is rejected
//! Composer rejects far more than `version_compare` orders, and OSV's data
//! hold versions Composer would refuse (`1.2.3-asdf`), so we accept any
//! non-empty string of printable ASCII and reject:
//! * the empty string and a lone `v`;
//! * whitespace, control characters and non-ASCII characters;
//! * empty components: separators at either end or next to each other
//!   (`1..0`, `1.0-`, `.1`), which `version_compare` and osv-scalibr read
//!   differently.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::natural::Natural;
use crate::{Scheme, VersionError};

/// A Packagist version: the input as given and its components.
#[derive(Debug, Clone)]
pub struct PackagistVersion {
    raw: Box<str>,
    components: Box<[Component]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Component {
    Num(Natural),
    /// A special form, by rank: see [`rank`].
    Special(i8),
}

/// The rank of `#`, which numbers take against special forms.
const NUMBER: i8 = 4;

/// `compare_special_version_forms`' order, matched by prefix, ignoring case.
fn rank(word: &str) -> i8 {
    let starts = |p: &str| {
        word.get(..p.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(p))
    };
    if starts("dev") {
        0
    } else if starts("a") {
        1
    } else if starts("b") {
        2
    } else if starts("rc") {
        3
    } else if starts("#") {
        NUMBER
    } else if starts("p") {
        5
    } else {
        -1
    }
}

fn is_separator(b: u8) -> bool {
    matches!(b, b'.' | b'-' | b'_' | b'+')
}

impl FromStr for PackagistVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| VersionError::new(Scheme::Packagist, s, reason);
        if s.is_empty() {
            return Err(err("empty version".into()));
        }
        if let Some((i, c)) = s.char_indices().find(|(_, c)| !c.is_ascii_graphic()) {
            return Err(err(format!("unexpected character {c:?} at byte {i}")));
        }
        let offset = usize::from(s.starts_with(['v', 'V']));
        let body = &s[offset..];
        if body.is_empty() {
            return Err(err("no version after 'v'".into()));
        }

        let mut components = Vec::with_capacity(body.len() / 2 + 2);
        if matches!(body, "master" | "trunk" | "default") {
            components.push(Component::Special(0));
        }
        let bytes = body.as_bytes();
        let mut start = 0;
        while start <= bytes.len() {
            // One component between separators: [start, end).
            let end = bytes[start..]
                .iter()
                .position(|&b| is_separator(b))
                .map_or(bytes.len(), |p| start + p);
            if start == end {
                return Err(err(format!("empty component at byte {}", offset + start)));
            }
            // Split further at digit/non-digit transitions.
            let mut i = start;
            while i < end {
                let digit = bytes[i].is_ascii_digit();
                let j = bytes[i..end]
                    .iter()
                    .position(|b| b.is_ascii_digit() != digit)
                    .map_or(end, |p| i + p);
                let text = &body[i..j];
                if digit {
                    components.push(Component::Num(
                        Natural::parse(text).unwrap_or(Natural::ZERO),
                    ));
                } else if !text.eq_ignore_ascii_case("stable") {
                    components.push(Component::Special(rank(text)));
                }
                i = j;
            }
            start = end + 1;
        }
        Ok(PackagistVersion {
            raw: s.into(),
            components: components.into(),
        })
    }
}

impl fmt::Display for PackagistVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for PackagistVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        use Component::*;
        let (a, b) = (&self.components, &other.components);
        for (x, y) in a.iter().zip(b.iter()) {
            let ord = match (x, y) {
                (Num(m), Num(n)) => m.cmp(n),
                (Special(r), Special(s)) => r.cmp(s),
                (Num(_), Special(s)) => NUMBER.cmp(s),
                (Special(r), Num(_)) => r.cmp(&NUMBER),
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        let (rest, sign) = match a.len().cmp(&b.len()) {
            Ordering::Equal => return Ordering::Equal,
            Ordering::Greater => (&a[b.len()..], Ordering::Greater),
            Ordering::Less => (&b[a.len()..], Ordering::Less),
        };
        // The longer version's remaining components against `#`.
        for c in rest.iter() {
            let ord = match c {
                Num(_) => Ordering::Greater,
                Special(r) => r.cmp(&NUMBER),
            };
            if ord != Ordering::Equal {
                return if sign == Ordering::Greater {
                    ord
                } else {
                    ord.reverse()
                };
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for PackagistVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PackagistVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PackagistVersion {}

#[cfg(test)]
mod tests {
    use super::PackagistVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<PackagistVersion>(a, op, b);
    }

    fn check_err(input: &str, reason: &str) {
        laws::check_err::<PackagistVersion>(input, reason);
    }

    /// From php-src's `version_compare.phpt` (PHP licence; facts, not code).
    #[test]
    fn php_special_forms_in_order() {
        let order = ["1.0-dev", "1.0a1", "1.0b1", "1.0RC1", "1.0", "1.0pl1"];
        for (i, a) in order.iter().enumerate() {
            check(a, "=", a);
            for b in &order[i + 1..] {
                check(a, "<", b);
            }
        }
        check("1.0RC1", "=", "1.0rc1");
        check("4.3-2RC1", "<", "4.3-2RC2");
        check("4.3-2RC2", ">", "4.3-2beta5");
        check("4.3-2", ">", "4.3-2beta1");
        check("1.0.0", ">", "1.0");
        check("1.0.0rc2", "=", "1.0.0.rc2");
    }

    /// Composer's `ComparatorTest` cases and its stability names.
    #[test]
    fn composer() {
        check("1.25.0", "<", "1.26.0");
        check("1.0.0", "<", "1.2-dev");
        check("dev-foo", "<", "1.26.0");
        check("1.25.0-beta2.1", "=", "1.25.0-b.2.1");
        check("1.25.0beta2.1", "=", "1.25.0-b2.1");
        check("1.0.0-ALPHA1", "=", "1.0.0-alpha1");
        check("1.0.0-Beta", "=", "1.0.0-b");
        check("1.0.0-patch1", "=", "1.0.0-pl1");
        check("1.0.0-p1", ">", "1.0.0");
        check("1.0.0-stable", "=", "1.0.0");
        check("1.0.0_RC", "=", "1.0.0-rc");
        check("master", "=", "dev-master");
        check("dev-master", "<", "1.0");
        check("v1.0", "=", "V1.0");
    }

    #[test]
    fn edges() {
        check("1.2.3.#", "=", "1.2.3");
        check("1.2.3.#", "=", "1.2.3.1");
        check("1.2.3.#.1", ">", "1.2.3");
        check("1.2.3.#.beta", "<", "1.2.3");
        // `#` is equal to both, which are not equal: PHP's order is not
        // transitive there.
        check("1.2.3", "<", "1.2.3.1");
        check("1.0-foo", "<", "1.0-dev");
        check("1.0-foo", "=", "1.0-xyz");
        check("1.0-bar", "=", "1.0-beta");
        check("1.0.99999999999999999999999", ">", "1.0");
        check(
            "999999999999999999999999999991",
            "<",
            "999999999999999999999999999999",
        );
        check("1.0+build", "<", "1.0");
        check("1.0+1", ">", "1.0");
        check("1.0-feature/x", "<", "1.0");
    }

    #[test]
    fn rejects() {
        check_err("", "empty version");
        check_err("v", "no version after 'v'");
        check_err("1.0 ", "unexpected character ' ' at byte 3");
        check_err("1.é", "unexpected character 'é' at byte 2");
        check_err("1..0", "empty component at byte 2");
        check_err("1.0-", "empty component at byte 4");
        check_err(".1", "empty component at byte 0");
        check_err("v-1", "empty component at byte 1");
    }

    fn version() -> impl Strategy<Value = String> {
        let part = prop_oneof![
            "[0-9]{1,3}",
            // No `#`: it makes the order intransitive, as in PHP.
            "(dev|alpha|a|beta|b|RC|rc|pl|p|patch|stable|foo)[0-9]{0,2}",
            "[0-9]{21}",
        ];
        let sep = prop_oneof![Just("."), Just("-"), Just("_"), Just("+")];
        (
            "(v|V)?",
            "[0-9]{1,2}",
            prop::collection::vec((sep, part), 0..5),
        )
            .prop_map(|(v, first, rest)| {
                let mut s = v + &first;
                for (sep, part) in rest {
                    s.push_str(sep);
                    s.push_str(&part);
                }
                s
            })
    }

    proptest! {
        #[test]
        fn order_laws(a in version(), b in version(), c in version()) {
            laws::order_laws_on::<PackagistVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(s in "\\PC*|[0-9a-zA-Z.+_#\\-]*") {
            let _ = s.parse::<PackagistVersion>();
        }
    }
}
