//! Maven versions, ordered like Maven 3.9's `ComparableVersion` (the order the
//! POM reference specifies and OSV applies to the `Maven` ecosystem).
//!
//! Written here rather than taken from a crate because no Rust crate
//! implements `ComparableVersion` exactly.
//!
//! # Parsing
//! The lower-cased input is split into items at `.` and `-` and at every
//! transition between digits and non-digits. Numbers become numeric items
//! (unbounded, leading zeros ignored), other runs become qualifiers. A `-`,
//! and every transition, opens a sub-list that holds the rest of the version,
//! so `1.0-alpha-1` is `[1, 0, [alpha, [1]]]` and `1.0alpha1` is
//! `[1, 0, [alpha, [1]]]` too (a qualifier that follows a `.` directly and is
//! followed by a digit is moved into its own sub-list: `1.0.0.X1 < 1.0.0-X2`).
//! An empty item between separators is `0`.
//!
//! Each list is then normalised from the innermost outwards: trailing "null"
//! items (`0`, the release qualifier, an empty list) are dropped, also just
//! before a non-empty sub-list, so `1.0-1 == 1-1` and `1.0.0 == 1`.
//! One deliberate difference from Maven 3.9: an inner list left holding only
//! its own sub-list is merged with it, so `1-ga-1 == 1-0-1 == 1-1` as in the
//! POM reference's flat model and in OSV (Maven 3.9 orders them below `1-1`).
//!
//! Qualifiers rank `alpha` (`a` before a digit) < `beta` (`b`) < `milestone`
//! (`m`) < `rc` = `cr` < `snapshot` < release (`""`, `ga`, `final`, `release`)
//! < `sp` < any other qualifier, others ordered lexically (case-insensitive).
//! Between kinds: a qualifier < a sub-list < a number, except where one
//! version is longer, where the extra item is compared with "nothing", which
//! is `0` for a number, the release qualifier for a qualifier, and
//! item-by-item for a list.
//!
//! # What is rejected
//! Maven itself accepts any string. We reject what cannot be a version in
//! practice and what we could not order the way Maven does:
//! * the empty string;
//! * whitespace and control characters anywhere;
//! * non-ASCII digits (Java's `Character.isDigit` treats them as digits; we
//!   only order ASCII digits).
//!
//! Any other non-ASCII character is part of a qualifier and lower-cased with
//! Unicode rules, as Java does. Qualifiers compare by code point, where Java
//! compares UTF-16 units; the two differ only between characters above
//! U+FFFF and those in U+E000–U+FFFF.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::natural::Natural;
use crate::{Scheme, VersionError};

/// A Maven version: the input as given and its normalised item list.
#[derive(Debug, Clone)]
pub struct MavenVersion {
    raw: Box<str>,
    /// The item lists, flattened: a [`Item::Sub`] marker is the last child of
    /// its list and everything after it belongs to that sub-list (in
    /// `ComparableVersion` a sub-list is always the last item of its parent).
    items: Box<[Item]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Num(Natural),
    Qualifier(Qualifier),
    /// "The rest is a sub-list".
    Sub,
}

/// A string item: its rank among the well-known qualifiers, and for unknown
/// ones (rank [`UNKNOWN`]) the byte range of its text in the raw input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Qualifier {
    rank: u8,
    start: usize,
    end: usize,
}

const RELEASE: u8 = 5;
const UNKNOWN: u8 = 7;

impl MavenVersion {
    /// The items as [`ComparableVersion`] would print its canonical form,
    /// for tests and debugging.
    #[cfg(test)]
    fn canonical(&self) -> String {
        let mut out = String::new();
        let mut first = true;
        for item in &self.items {
            match item {
                Item::Sub => {
                    if !out.is_empty() {
                        out.push('-');
                    }
                    first = true;
                    continue;
                }
                _ if !first => out.push('.'),
                _ => {}
            }
            first = false;
            match item {
                Item::Num(Natural::Small(n)) => out.push_str(&n.to_string()),
                Item::Num(Natural::Big(n)) => out.push_str(n),
                Item::Qualifier(q) => out.push_str(&self.qualifier_text(q)),
                Item::Sub => unreachable!(),
            }
        }
        out
    }

    #[cfg(test)]
    fn qualifier_text(&self, q: &Qualifier) -> String {
        const KNOWN: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
        match KNOWN.get(usize::from(q.rank)) {
            Some(k) => (*k).to_owned(),
            None => self.raw[q.start..q.end].to_lowercase(),
        }
    }
}

impl FromStr for MavenVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| VersionError::new(Scheme::Maven, s, reason);
        if s.is_empty() {
            return Err(err("empty version".into()));
        }
        let ascii_ok = s.bytes().all(|b| b.is_ascii_graphic());
        for (i, c) in s.char_indices().filter(|_| !ascii_ok) {
            if c.is_whitespace() || c.is_control() {
                return Err(err(format!("unexpected character {c:?} at byte {i}")));
            }
            if !c.is_ascii() && c.is_numeric() {
                return Err(err(format!("non-ASCII digit {c:?} at byte {i}")));
            }
        }
        let mut items = parse_items(s);
        normalize(&mut items);
        let kept = items.iter().flatten().count();
        let mut out = Vec::with_capacity(kept);
        out.extend(items.into_iter().flatten());
        Ok(MavenVersion {
            raw: s.into(),
            items: out.into_boxed_slice(),
        })
    }
}

/// Builds the flat item list like `ComparableVersion.parseVersion`, before
/// normalisation. `None` marks an item that normalisation removed.
fn parse_items(s: &str) -> Vec<Option<Item>> {
    let bytes = s.as_bytes();
    let mut items: Vec<Option<Item>> = Vec::with_capacity(bytes.len() / 2 + 2);
    // Whether the current (innermost) list has any item yet.
    let mut list_len = 0usize;
    let mut is_digit = false;
    let mut start = 0usize;
    fn push(items: &mut Vec<Option<Item>>, list_len: &mut usize, item: Item) {
        if matches!(item, Item::Sub) {
            *list_len = 0;
        } else {
            *list_len += 1;
        }
        items.push(Some(item));
    }
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'.' | b'-' => {
                let item = if i == start {
                    Item::Num(Natural::ZERO)
                } else {
                    parse_item(s, is_digit, start, i, false)
                };
                push(&mut items, &mut list_len, item);
                start = i + 1;
                if b == b'-' {
                    // The parent gains the sub-list as an item.
                    push(&mut items, &mut list_len, Item::Sub);
                }
            }
            b'0'..=b'9' => {
                if !is_digit && i > start {
                    // Qualifier followed by a digit: 1.0.0.X1 < 1.0.0-X2.
                    if list_len > 0 {
                        push(&mut items, &mut list_len, Item::Sub);
                    }
                    let q = parse_item(s, false, start, i, true);
                    push(&mut items, &mut list_len, q);
                    start = i;
                    push(&mut items, &mut list_len, Item::Sub);
                }
                is_digit = true;
            }
            _ => {
                if is_digit && i > start {
                    let n = parse_item(s, true, start, i, false);
                    push(&mut items, &mut list_len, n);
                    start = i;
                    push(&mut items, &mut list_len, Item::Sub);
                }
                is_digit = false;
            }
        }
    }
    if s.len() > start {
        if !is_digit && list_len > 0 {
            push(&mut items, &mut list_len, Item::Sub);
        }
        let item = parse_item(s, is_digit, start, s.len(), false);
        push(&mut items, &mut list_len, item);
    }
    items
}

/// One item from `s[start..end]`, which splits at ASCII bytes only, so the
/// range always lies on character boundaries.
fn parse_item(s: &str, is_digit: bool, start: usize, end: usize, followed_by_digit: bool) -> Item {
    let text = s.get(start..end).unwrap_or_default();
    if is_digit {
        return Item::Num(Natural::parse(text).unwrap_or(Natural::ZERO));
    }
    let lower = |k: &str| text.eq_ignore_ascii_case(k);
    let rank = if followed_by_digit && lower("a") || lower("alpha") {
        0
    } else if followed_by_digit && lower("b") || lower("beta") {
        1
    } else if followed_by_digit && lower("m") || lower("milestone") {
        2
    } else if lower("rc") || lower("cr") {
        3
    } else if lower("snapshot") {
        4
    } else if lower("ga") || lower("final") || lower("release") {
        RELEASE
    } else if lower("sp") {
        6
    } else {
        UNKNOWN
    };
    Item::Qualifier(Qualifier { rank, start, end })
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Num(n) => n.is_zero(),
            Item::Qualifier(q) => q.rank == RELEASE,
            Item::Sub => false,
        }
    }
}

/// `ListItem.normalize` on every list, innermost first: drop trailing null
/// items, and a sub-list that ends up empty.
fn normalize(items: &mut [Option<Item>]) {
    let mut end = items.len();
    // Whether the list being normalised keeps a (non-empty) sub-list.
    let mut has_sub = false;
    loop {
        let start = items[..end]
            .iter()
            .rposition(|it| matches!(it, Some(Item::Sub)))
            .map_or(0, |p| p + 1);
        let mut j = end;
        while j > start && items[j - 1].as_ref().is_some_and(Item::is_null) {
            items[j - 1] = None;
            j -= 1;
        }
        let non_empty = j > start || has_sub;
        if start == 0 {
            break;
        }
        if !non_empty {
            items[start - 1] = None;
        } else if j == start && has_sub {
            // A sub-list left holding only its own sub-list: merge the two,
            // as the POM reference's flat model does (`1-ga-1 == 1-1`).
            items[end] = None;
        }
        has_sub = non_empty;
        end = start - 1;
    }
}

impl fmt::Display for MavenVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.items[..], &other.items[..]);
        cmp_lists((&self.raw, a), (&other.raw, b))
    }
}

/// `ListItem.compareTo(ListItem)` on two flattened lists. A sub-list is
/// always the last child, so the recursion into it is a tail call: a loop.
fn cmp_lists((ra, mut a): (&str, &[Item]), (rb, mut b): (&str, &[Item])) -> Ordering {
    let mut i = 0;
    loop {
        let ord = match (a.get(i), b.get(i)) {
            (None, None) => return Ordering::Equal,
            (Some(Item::Sub), Some(Item::Sub)) => {
                a = &a[i + 1..];
                b = &b[i + 1..];
                i = 0;
                continue;
            }
            (Some(Item::Sub), None) => return cmp_list_with_null(&a[i + 1..]),
            (None, Some(Item::Sub)) => return cmp_list_with_null(&b[i + 1..]).reverse(),
            (Some(x), None) => cmp_with_null(x),
            (None, Some(y)) => cmp_with_null(y).reverse(),
            (Some(x), Some(y)) => cmp_items(ra, x, rb, y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
        i += 1;
    }
}

/// `item.compareTo(null)` for a number or qualifier.
fn cmp_with_null(item: &Item) -> Ordering {
    match item {
        Item::Num(n) => {
            if n.is_zero() {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        Item::Qualifier(q) => q.rank.cmp(&RELEASE),
        Item::Sub => Ordering::Equal,
    }
}

/// `ListItem.compareTo(null)`: the first item that is not null decides
/// (MNG-6964), looking into sub-lists.
fn cmp_list_with_null(items: &[Item]) -> Ordering {
    items
        .iter()
        .map(cmp_with_null)
        .find(|o| *o != Ordering::Equal)
        .unwrap_or(Ordering::Equal)
}

/// Two items, at least one of them not a sub-list.
fn cmp_items(ra: &str, x: &Item, rb: &str, y: &Item) -> Ordering {
    use Item::*;
    match (x, y) {
        (Num(m), Num(n)) => m.cmp(n),
        (Qualifier(p), Qualifier(q)) => cmp_qualifiers(ra, p, rb, q),
        // 1.1 > 1-1 > 1-sp
        (Num(_), _) | (Sub, Qualifier(_)) => Ordering::Greater,
        (_, Num(_)) | (Qualifier(_), Sub) => Ordering::Less,
        (Sub, Sub) => Ordering::Equal,
    }
}

fn cmp_qualifiers(ra: &str, p: &Qualifier, rb: &str, q: &Qualifier) -> Ordering {
    p.rank.cmp(&q.rank).then_with(|| {
        if p.rank != UNKNOWN {
            return Ordering::Equal;
        }
        let a = ra.get(p.start..p.end).unwrap_or_default();
        let b = rb.get(q.start..q.end).unwrap_or_default();
        if a.is_ascii() && b.is_ascii() {
            let lower = |c: u8| c.to_ascii_lowercase();
            a.bytes().map(lower).cmp(b.bytes().map(lower))
        } else {
            a.chars()
                .flat_map(char::to_lowercase)
                .cmp(b.chars().flat_map(char::to_lowercase))
        }
    })
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MavenVersion {}

#[cfg(test)]
mod tests {
    use super::MavenVersion;
    use crate::scheme::laws;
    use proptest::prelude::*;

    fn check(a: &str, op: &str, b: &str) {
        laws::check::<MavenVersion>(a, op, b);
    }

    fn canonical(s: &str) -> String {
        s.parse::<MavenVersion>().unwrap().canonical()
    }

    /// Ported from Maven's `ComparableVersionTest` (Apache-2.0).
    const VERSIONS_QUALIFIER: &[&str] = &[
        "1-alpha2snapshot",
        "1-alpha2",
        "1-alpha-123",
        "1-beta-2",
        "1-beta123",
        "1-m2",
        "1-m11",
        "1-rc",
        "1-cr2",
        "1-rc123",
        "1-SNAPSHOT",
        "1",
        "1-sp",
        "1-sp2",
        "1-sp123",
        "1-abc",
        "1-def",
        "1-pom-1",
        "1-1-snapshot",
        "1-1",
        "1-2",
        "1-123",
    ];

    /// Ported from Maven's `ComparableVersionTest` (Apache-2.0).
    const VERSIONS_NUMBER: &[&str] = &[
        "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
        "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11",
        "11.a", "11b", "11c", "11m",
    ];

    #[test]
    fn ordered_sequences() {
        for list in [VERSIONS_QUALIFIER, VERSIONS_NUMBER] {
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    check(a, "<", b);
                }
            }
        }
    }

    #[test]
    fn upstream_equalities() {
        for (a, b) in [
            ("1", "1"),
            ("1", "1.0"),
            ("1", "1.0.0"),
            ("1.0", "1.0.0"),
            ("1", "1-0"),
            ("1", "1.0-0"),
            ("1.0", "1.0-0"),
            ("1a", "1-a"),
            ("1a", "1.0-a"),
            ("1a", "1.0.0-a"),
            ("1.0a", "1-a"),
            ("1.0.0a", "1-a"),
            ("1x", "1-x"),
            ("1x", "1.0-x"),
            ("1x", "1.0.0-x"),
            ("1.0x", "1-x"),
            ("1.0.0x", "1-x"),
            ("1cr", "1rc"),
            ("1a1", "1-alpha-1"),
            ("1b2", "1-beta-2"),
            ("1m3", "1-milestone-3"),
            ("1X", "1x"),
            ("1A", "1a"),
            ("1B", "1b"),
            ("1M", "1m"),
            ("1Ga", "1"),
            ("1GA", "1"),
            ("1RELEASE", "1"),
            ("1release", "1"),
            ("1RELeaSE", "1"),
            ("1Final", "1"),
            ("1FinaL", "1"),
            ("1FINAL", "1"),
            ("1Cr", "1Rc"),
            ("1cR", "1rC"),
            ("1m3", "1Milestone3"),
            ("1m3", "1MileStone3"),
            ("1m3", "1MILESTONE3"),
            ("1", "01"),
            ("1", "001"),
            ("1.1", "1.01"),
            ("1-foo", "1.0.0-foo.0.0"),
            ("1", "1.0.0-0.0.0"),
        ] {
            check(a, "=", b);
        }
    }

    #[test]
    fn upstream_regressions() {
        // MNG-5568
        check("6.1.0rc3", "<", "6.1.0");
        check("6.1.0rc3", "<", "6.1H.5-beta");
        check("6.1.0", "<", "6.1H.5-beta");
        // MNG-6572
        check("20190126.230843", "<", "1234567890.12345");
        check("1234567890.12345", "<", "123456789012345.1H.5-beta");
        check(
            "123456789012345.1H.5-beta",
            "<",
            "12345678901234567890.1H.5-beta",
        );
        // MNG-6964
        check("1-0.alpha", "<", "1");
        check("1-0.beta", "<", "1");
        check("1-0.alpha", "<", "1-0.beta");
        // MNG-7644
        for x in [
            "abc",
            "alpha",
            "a",
            "beta",
            "b",
            "def",
            "milestone",
            "m",
            "RC",
        ] {
            check(&format!("1.0.0.{x}1"), "<", &format!("1.0.0-{x}2"));
            check(&format!("2-{x}"), "=", &format!("2.0.{x}"));
            check(&format!("2-{x}"), "=", &format!("2.0.0.{x}"));
            check(&format!("2.0.{x}"), "=", &format!("2.0.0.{x}"));
            // From the class documentation.
            check(&format!("1.0.{x}2"), "<", &format!("1.0-{x}3"));
            check(&format!("1.0-{x}3"), "<", "1.0.1");
        }
    }

    #[test]
    fn hyphen_and_dot() {
        check("1.0-alpha-1", "<", "1.0");
        check("1.0-SNAPSHOT", "<", "1.0");
        check("1.0-alpha-1-SNAPSHOT", "<", "1.0-alpha-1");
        check("1.0", "<", "1.0-1");
        check("1.0.0", "<", "1.0-1");
        check("2.0-1", "<", "2.0.1");
        check("2.0.1", "<", "2.0.1-xyz");
        check("2.0.1-xyz", "<", "2.0.1-123");
        check("1-sp", ">", "1-ga");
        check("1.ga", "=", "1");
        check("1.", "=", "1");
        check("1-", "=", "1");
        check("1..1", "=", "1.0.1");
        check("-1", "=", "0-1");
        check("1.0.RC2", "<", "1.0-RC3");
        check("1-1.foo-bar-1-baz-0.1", "=", "1-1.foo-bar1baz-.1");
        // The POM reference's flat model, where Maven 3.9 keeps a nesting level.
        check("1-ga-1", "=", "1-1");
        check("1-0-1", "=", "1-1");
        check("1-0-alpha", "=", "1-alpha");
        // The outermost list keeps its leading zeros.
        check("0.0.0-2021", "<", "20");
    }

    #[test]
    fn canonical_forms() {
        // From ComparableVersionTest's canonical checks.
        assert_eq!(canonical("1.0-alpha-1"), "1-alpha-1");
        assert_eq!(canonical("1.0.0"), "1");
        assert_eq!(canonical("1.0.0-1"), "1-1");
        assert_eq!(canonical("1-1.foo-bar-1-baz-0.1"), "1-1.foo-bar-1-baz-0.1");
        assert_eq!(canonical("0.0.0-2021"), "2021");
        assert_eq!(canonical("1.0.0.X1"), "1-x-1");
        assert_eq!(canonical("1.0.0Final"), "1");
    }

    #[test]
    fn unbounded_numbers() {
        check(
            "999999999999999999999999999991",
            "<",
            "999999999999999999999999999999",
        );
        check("18446744073709551616", ">", "18446744073709551615");
        check("0018446744073709551616", "=", "18446744073709551616");
    }

    #[test]
    fn non_ascii_qualifiers() {
        check("1-ÄBC", "=", "1-äbc");
        check("1-äbc", ">", "1-abc");
        check("1-é", ">", "1-sp");
    }

    #[test]
    fn rejects() {
        use laws::check_err;
        check_err::<MavenVersion>("", "empty version");
        check_err::<MavenVersion>("1.0 ", "unexpected character ' ' at byte 3");
        check_err::<MavenVersion>("1\t0", "unexpected character '\\t' at byte 1");
        check_err::<MavenVersion>("1\u{0}", "unexpected character '\\0' at byte 1");
        check_err::<MavenVersion>("1.\u{663}", "non-ASCII digit '٣' at byte 2");
    }

    fn version() -> impl Strategy<Value = String> {
        let part = prop_oneof![
            "[0-9]{1,3}",
            Just("0".to_owned()),
            "(alpha|beta|milestone|rc|cr|snapshot|ga|final|release|sp|a|b|m|foo|x|SNAPSHOT|RC|Final)",
            "[a-z]{1,3}[0-9]{1,2}",
            Just("".to_owned()),
            "[0-9]{20,22}",
        ];
        let sep = prop_oneof![Just("."), Just("-"), Just("")];
        ("[0-9]{1,2}", prop::collection::vec((sep, part), 0..6)).prop_map(|(first, rest)| {
            let mut s = first;
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
            laws::order_laws_on::<MavenVersion>([&a, &b, &c]);
        }

        #[test]
        fn never_panics(s in "\\PC*|[0-9a-zA-Z.\\-]*") {
            let _ = s.parse::<MavenVersion>();
        }
    }
}
