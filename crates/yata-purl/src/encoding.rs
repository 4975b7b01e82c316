//! Percent-encoding as the PURL specification defines it: everything but
//! ASCII letters, digits, `.-_~` and `:` is encoded in the canonical form.

use std::fmt;

use crate::{Component, PurlError};

/// Appends the percent-decoding of `raw` to `out`. `base` is the byte offset
/// of `raw` in the parsed input, for error locations.
///
/// The appended bytes are checked to be UTF-8.
pub(crate) fn decode_into(
    out: &mut Vec<u8>,
    raw: &str,
    component: Component,
    base: usize,
) -> Result<(), PurlError> {
    let start = out.len();
    let bytes = raw.as_bytes();
    let Some(first) = bytes.iter().position(|&b| b == b'%') else {
        out.extend_from_slice(bytes);
        return Ok(());
    };
    out.extend_from_slice(&bytes[..first]);
    let mut i = first;
    while let Some(&b) = bytes.get(i) {
        if b != b'%' {
            out.push(b);
            i += 1;
            continue;
        }
        let hex = |j: usize| bytes.get(j).and_then(|&h| (h as char).to_digit(16));
        match (hex(i + 1), hex(i + 2)) {
            (Some(hi), Some(lo)) => {
                // Both digits are < 16, so the value fits in a byte.
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            _ => {
                return Err(PurlError::InvalidPercentEncoding {
                    component,
                    at: base + i,
                });
            }
        }
    }
    std::str::from_utf8(&out[start..]).map_err(|e| PurlError::InvalidUtf8 {
        component,
        at: base + e.valid_up_to(),
    })?;
    Ok(())
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b':')
}

/// Writes `s` percent-encoded, without allocating.
pub(crate) fn write_encoded(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) {
            continue;
        }
        // `run..i` holds only ASCII bytes, so it is a valid `str` slice.
        f.write_str(s.get(run..i).unwrap_or_default())?;
        let triplet = [b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]];
        f.write_str(std::str::from_utf8(&triplet).unwrap_or_default())?;
        run = i + 1;
    }
    f.write_str(s.get(run..).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(raw: &str) -> Result<String, PurlError> {
        let mut out = Vec::new();
        decode_into(&mut out, raw, Component::Name, 10)?;
        Ok(String::from_utf8(out).unwrap())
    }

    struct Enc<'a>(&'a str);
    impl fmt::Display for Enc<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_encoded(f, self.0)
        }
    }

    #[test]
    fn decodes() {
        assert_eq!(decode("a%40b%2fc").unwrap(), "a@b/c");
        assert_eq!(decode("%C3%A9").unwrap(), "é");
        assert_eq!(
            decode("ab%4").unwrap_err(),
            PurlError::InvalidPercentEncoding {
                component: Component::Name,
                at: 12
            }
        );
        assert_eq!(
            decode("%zz").unwrap_err().to_string(),
            "purl: name: invalid percent-encoding at byte 10"
        );
        assert!(matches!(
            decode("%FF").unwrap_err(),
            PurlError::InvalidUtf8 { .. }
        ));
    }

    #[test]
    fn encodes() {
        assert_eq!(Enc("a b+c/d:e@é~").to_string(), "a%20b%2Bc%2Fd:e%40%C3%A9~");
        assert_eq!(Enc("").to_string(), "");
    }
}
