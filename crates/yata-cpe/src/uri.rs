//! The CPE 2.2 URI binding (NISTIR 7695 §6.1): `cpe:/part:vendor:product:
//! version:update:edition:language`, percent-encoded, `%01`/`%02` for the
//! wildcards `?`/`*`, empty for ANY, `-` for NA, and the four extended
//! attributes packed into edition as `~edition~sw_edition~target_sw~target_hw~other`.

use crate::value::{Scanned, is_quotable, scan_fs};
use crate::{Attribute, Builder, Cpe, Error, Reason, URI_PREFIX, Value, check_len};

const EXTENDED: [Attribute; 4] = [
    Attribute::SwEdition,
    Attribute::TargetSw,
    Attribute::TargetHw,
    Attribute::Other,
];

/// `unbind_uri`: decodes each component into the canonical formatted string.
pub(crate) fn parse(s: &str) -> Result<Cpe, Error> {
    check_len(s.len())?;
    let bytes = s.as_bytes();
    if !bytes
        .get(..URI_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(URI_PREFIX.as_bytes()))
    {
        return Err(Error::Prefix);
    }
    let rest = &s[URI_PREFIX.len()..];
    let found = rest.split(':').count();
    if found > 7 {
        return Err(Error::UriComponentCount { found });
    }
    let mut comps = [""; 7];
    for (slot, comp) in comps.iter_mut().zip(rest.split(':')) {
        *slot = comp;
    }
    let [part, vendor, product, version, update, edition, language] = comps;

    let mut b = Builder::new(s.len() + 16);
    let mut wild = 0u16;

    b.begin();
    match part.to_ascii_lowercase().as_str() {
        "" => b.fs.push('*'),
        p @ ("a" | "o" | "h") => b.fs.push_str(p),
        _ => return Err(value_error(Attribute::Part, 0, Reason::BadPart)),
    }
    for (attribute, raw) in [
        (Attribute::Vendor, vendor),
        (Attribute::Product, product),
        (Attribute::Version, version),
        (Attribute::Update, update),
    ] {
        b.begin();
        wild |= decode(&mut b.fs, raw, attribute, 0)?;
    }

    // Edition: either a plain value or five packed ones (`unpack`).
    let mut extended = [("", 0usize); 4];
    b.begin();
    if let Some(packed) = edition.strip_prefix('~') {
        let mut fields = [("", 0usize); 5];
        let mut n = 0;
        let mut offset = 1;
        for field in packed.splitn(5, '~') {
            fields[n] = (field, offset);
            offset += field.len() + 1;
            n += 1;
        }
        if n != 5 {
            return Err(value_error(Attribute::Edition, 0, Reason::PackedEdition));
        }
        wild |= decode(&mut b.fs, fields[0].0, Attribute::Edition, fields[0].1)?;
        extended.copy_from_slice(&fields[1..]);
    } else {
        wild |= decode(&mut b.fs, edition, Attribute::Edition, 0)?;
    }

    b.begin();
    wild |= decode(&mut b.fs, language, Attribute::Language, 0)?;

    for (attribute, (raw, offset)) in EXTENDED.into_iter().zip(extended) {
        b.begin();
        // Packed fields are reported against the edition component they
        // were written in.
        wild |= decode(&mut b.fs, raw, attribute, offset).map_err(|e| match e {
            Error::Value { offset, reason, .. } => value_error(Attribute::Edition, offset, reason),
            other => other,
        })?;
    }
    b.finish(wild)
}

fn value_error(attribute: Attribute, offset: usize, reason: Reason) -> Error {
    Error::Value {
        attribute,
        offset,
        reason,
    }
}

/// `decode`: one URI component onto `out` in canonical formatted-string form,
/// lowercased. Returns the attribute's wildcard bit. `base` is added to error
/// offsets (for fields packed inside edition).
fn decode(out: &mut String, raw: &str, attribute: Attribute, base: usize) -> Result<u16, Error> {
    let fail = |offset: usize, reason| value_error(attribute, base + offset, reason);
    match raw {
        "" => {
            out.push('*');
            return Ok(0);
        }
        "-" => {
            out.push('-');
            return Ok(0);
        }
        _ => {}
    }
    let start = out.len();
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            _ if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-') => {
                out.push(char::from(b.to_ascii_lowercase()));
                i += 1;
            }
            b'~' => {
                out.push_str("\\~");
                i += 1;
            }
            b'%' => {
                let Some(v) = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .map(|h| hex_value(h[0]) << 4 | hex_value(h[1]))
                else {
                    return Err(fail(i, Reason::BadPercent));
                };
                match v {
                    0x01 => {
                        // Only in a run of `%01` that starts or ends the
                        // value (a short last chunk never equals `%01`).
                        let leading = bytes[..i].chunks(3).all(|c| c == b"%01");
                        let trailing = bytes[i..].chunks(3).all(|c| c == b"%01");
                        if !(leading || trailing) {
                            return Err(fail(i, Reason::EmbeddedWildcard('?')));
                        }
                        out.push('?');
                    }
                    0x02 => {
                        if i != 0 && i + 3 != bytes.len() {
                            return Err(fail(i, Reason::EmbeddedWildcard('*')));
                        }
                        out.push('*');
                    }
                    _ if is_quotable(v) && !matches!(v, b'-' | b'.' | b'_') => {
                        out.push('\\');
                        out.push(char::from(v));
                    }
                    _ => return Err(fail(i, Reason::BadPercent)),
                }
                i += 3;
            }
            _ if is_quotable(b) => return Err(fail(i, Reason::UnquotedSpecial(char::from(b)))),
            _ => {
                return Err(fail(
                    i,
                    Reason::InvalidChar(crate::value::char_at(bytes, i)),
                ));
            }
        }
    }
    // The checks above leave only what the formatted-string grammar also
    // accepts; a lone `%02` reads as ANY there, deliberately.
    let text = &out.as_bytes()[start..];
    match scan_fs(text) {
        Ok(Scanned::Str { .. }) if crate::value::has_wildcards(text) => Ok(1 << attribute.index()),
        Ok(_) => Ok(0),
        Err((_, reason)) => Err(fail(0, reason)),
    }
}

/// `bind_to_uri`.
pub(crate) fn bind(cpe: &Cpe) -> String {
    let mut out = String::with_capacity(cpe.as_fs().len() + 8);
    out.push_str(URI_PREFIX);
    for (n, attribute) in [
        Attribute::Part,
        Attribute::Vendor,
        Attribute::Product,
        Attribute::Version,
        Attribute::Update,
        Attribute::Edition,
        Attribute::Language,
    ]
    .into_iter()
    .enumerate()
    {
        if n > 0 {
            out.push(':');
        }
        if attribute == Attribute::Edition && !EXTENDED.iter().all(|&a| cpe.get(a).is_any()) {
            // `pack`
            out.push('~');
            bind_value(&mut out, cpe.edition());
            for a in EXTENDED {
                out.push('~');
                bind_value(&mut out, cpe.get(a));
            }
        } else {
            bind_value(&mut out, cpe.get(attribute));
        }
    }
    while out.ends_with(':') {
        out.pop();
    }
    out
}

/// `bind_value_for_uri` and `transform_for_uri`.
fn bind_value(out: &mut String, value: Value<'_>) {
    let s = match value {
        Value::Any => return,
        Value::Na => {
            out.push('-');
            return;
        }
        Value::Str(s) => s.as_fs().as_bytes(),
    };
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'\\' => {
                let q = s[i + 1];
                out.push('%');
                out.push(char::from(HEX[usize::from(q >> 4)]));
                out.push(char::from(HEX[usize::from(q & 0xf)]));
                i += 2;
                continue;
            }
            b'?' => out.push_str("%01"),
            b'*' => out.push_str("%02"),
            b => out.push(char::from(b)),
        }
        i += 1;
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        _ => (digit | 0x20) - b'a' + 10,
    }
}
