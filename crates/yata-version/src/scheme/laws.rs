//! Test helpers shared by the scheme modules: the order laws every version
//! type must obey, checked on values produced by proptest strategies.

use std::cmp::Ordering;
use std::fmt::{Debug, Display};
use std::str::FromStr;

/// `input` as a `T`, which it must be.
#[track_caller]
pub(crate) fn parse<T>(input: &str) -> T
where
    T: FromStr,
    T::Err: Display,
{
    input
        .parse()
        .unwrap_or_else(|e| panic!("{input:?} should parse: {e}"))
}

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
    let pa = parse::<T>(a);
    let pb = parse::<T>(b);
    assert_eq!(pa.cmp(&pb), expected, "{a} {op} {b}");
    assert_eq!(pb.cmp(&pa), expected.reverse(), "{b} vs {a}");
    assert_eq!(pa == pb, expected == Ordering::Equal, "{a} == {b}");
}

/// Each version is older than the next.
#[track_caller]
pub(crate) fn check_ascending<T>(versions: &[&str])
where
    T: FromStr + Ord + Debug,
    T::Err: Display,
{
    for pair in versions.windows(2) {
        check::<T>(pair[0], "<", pair[1]);
    }
}

/// `input` must be rejected with exactly `reason`; the error is returned
/// for further checks (its scheme, say).
#[track_caller]
pub(crate) fn check_err<T>(input: &str, reason: &str) -> crate::VersionError
where
    T: FromStr<Err = crate::VersionError> + Debug,
{
    match input.parse::<T>() {
        Ok(v) => panic!("{input:?} parsed as {v:?}, expected error {reason:?}"),
        Err(e) => {
            assert_eq!(e.reason(), reason, "{input:?}");
            e
        }
    }
}

/// `input` parses, displays as itself, and its display parses back to an
/// equal version, which is returned.
#[track_caller]
pub(crate) fn round_trip<T>(input: &str) -> T
where
    T: FromStr + Ord + Display + Debug,
    T::Err: Display,
{
    let v = parse::<T>(input);
    assert_eq!(v.to_string(), input, "display is the input");
    let back = parse::<T>(&v.to_string());
    assert_eq!(back.cmp(&v), Ordering::Equal, "{input:?} round-trips");
    assert_eq!(back, v, "{input:?} round-trips");
    v
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

/// [`order_laws`] on three strings that must all be valid versions.
#[track_caller]
pub(crate) fn order_laws_on<T>(inputs: [&str; 3])
where
    T: FromStr + Ord + Display + Debug,
    T::Err: Display + Debug,
{
    let [a, b, c] = inputs.map(parse::<T>);
    order_laws(&a, &b, &c);
}

/// The round trip and the order laws on whichever of `inputs` parse as `T`
/// (the others are skipped): every valid one displays as itself, and every
/// triple drawn from the valid ones, repeats included, obeys [`order_laws`].
#[track_caller]
pub(crate) fn laws_on_text<T>(inputs: [&str; 3])
where
    T: FromStr + Ord + Display + Debug,
    T::Err: Display + Debug,
{
    let parsed: Vec<T> = inputs
        .iter()
        .filter(|s| s.parse::<T>().is_ok())
        .map(|s| round_trip::<T>(s))
        .collect();
    for a in &parsed {
        for b in &parsed {
            for c in &parsed {
                order_laws(a, b, c);
            }
        }
    }
}
