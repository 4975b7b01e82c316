//! RFC 3339 date-times (the CSAF `date-time` format) as comparable instants.

/// An instant: seconds since 0000-03-01 UTC (proleptic Gregorian) and nanoseconds.
pub(crate) type Instant = (i64, u32);

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `None` if malformed.
pub(crate) fn parse(s: &str) -> Option<Instant> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(b[at] - b'0');
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        for _ in (at - start)..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(at)? {
        b'Z' | b'z' if at + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if at + 6 == b.len() && b[at + 3] == b':' => {
            let (h, m) = (num(at + 1, 2)?, num(at + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let off = h * 3600 + m * 60;
            if *sign == b'-' { -off } else { off }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some((
        days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        nanos,
    ))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 0000-03-01 (Howard Hinnant's `days_from_civil`, shifted).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(a: &str, b: &str, expect: std::cmp::Ordering) {
        assert_eq!(
            parse(a).unwrap().cmp(&parse(b).unwrap()),
            expect,
            "{a} vs {b}"
        );
    }

    #[test]
    fn ordering_across_offsets() {
        use std::cmp::Ordering::*;
        check(
            "2021-07-21T10:00:00.000Z",
            "2021-07-21T11:00:00.000+01:00",
            Equal,
        );
        check("2021-07-21T10:00:00Z", "2021-07-21T10:00:00.5Z", Less);
        check("2020-12-31T23:59:59Z", "2021-01-01T00:00:00Z", Less);
        check("2024-02-29T00:00:00-05:00", "2024-02-29T04:00:00Z", Greater);
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "",
            "2021-07-21",
            "2021-13-01T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "2021-07-21T10:00:00",
            "2021-07-21T10:00:00+0100",
            "2021-07-21T10:00:00.Z",
            "２021-07-21T10:00:00Z",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
