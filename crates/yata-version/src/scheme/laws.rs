//! Test helpers shared by the scheme modules: the order laws every version
//! type must obey, checked on values produced by proptest strategies.

use std::cmp::Ordering;
use std::fmt::{Debug, Display};
use std::str::FromStr;

/// `a OP b` must hold for two valid versions of type `T`.
#[track_caller]
pub(crate) fn check<T>(a: &str, op: &str, b: &str)
where
    T: FromStr + Ord + Debug,
    T::Err: Display,
{
    let expected = match op {
        "<" => Ordering::Less,
        "=" => Ordering::Equal,
        ">" => Ordering::Greater,
        _ => panic!("unknown operator {op:?}"),
    };
    let pa = a.parse::<T>().unwrap_or_else(|e| panic!("{a:?}: {e}"));
    let pb = b.parse::<T>().unwrap_or_else(|e| panic!("{b:?}: {e}"));
    assert_eq!(pa.cmp(&pb), expected, "{a} {op} {b}");
    assert_eq!(pb.cmp(&pa), expected.reverse(), "{b} vs {a}");
    assert_eq!(pa == pb, expected == Ordering::Equal, "{a} == {b}");
}

/// `input` must be rejected with exactly `reason`.
#[track_caller]
pub(crate) fn check_err<T>(input: &str, reason: &str)
where
    T: FromStr<Err = crate::VersionError> + Debug,
{
    match input.parse::<T>() {
        Ok(v) => panic!("{input:?} parsed as {v:?}, expected error {reason:?}"),
        Err(e) => assert_eq!(e.reason(), reason, "{input:?}"),
    }
}

/// Antisymmetry and transitivity on a triple, consistency of `==` with
/// `cmp`, and the display round trip.
pub(crate) fn order_laws<T>(a: &T, b: &T, c: &T)
where
    T: FromStr + Ord + Display + Debug,
    T::Err: Debug,
{
    for x in [a, b, c] {
        assert_eq!(x.cmp(x), Ordering::Equal, "{x} vs itself");
        let back: T = x.to_string().parse().expect("display must parse");
        assert_eq!(back.to_string(), x.to_string());
        assert_eq!(back.cmp(x), Ordering::Equal);
    }
    for (x, y) in [(a, b), (b, c), (a, c)] {
        assert_eq!(x.cmp(y), y.cmp(x).reverse(), "{x} vs {y}");
        assert_eq!(x == y, x.cmp(y) == Ordering::Equal, "{x} vs {y}");
    }
    let mut v = [a, b, c];
    v.sort();
    let [x, y, z] = v;
    assert!(x <= y && y <= z && x <= z, "{x} <= {y} <= {z}");
    if x == y && y == z {
        assert_eq!(x.cmp(z), Ordering::Equal);
    }
    // Transitivity in every orientation, not only the sorted one.
    for (p, q, r) in [
        (a, b, c),
        (a, c, b),
        (b, a, c),
        (b, c, a),
        (c, a, b),
        (c, b, a),
    ] {
        if p <= q && q <= r {
            assert!(p <= r, "{p} <= {q} <= {r} but not {p} <= {r}");
        }
        if p == q && q == r {
            assert!(p == r, "{p} == {q} == {r} but not {p} == {r}");
        }
    }
}
