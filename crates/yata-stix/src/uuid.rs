//! The two things this crate needs of UUIDs: recognising one, and making
//! a name-based one (version 5, RFC 9562 section 5.5).

use sha1::{Digest, Sha1};

/// The namespace of every UUIDv5 this crate makes (random, fixed forever:
/// changing it changes every exported id).
pub(crate) const NAMESPACE: [u8; 16] = [
    0xb3, 0x28, 0x5c, 0x8a, 0x67, 0x10, 0x47, 0x19, 0xb7, 0x6d, 0x0e, 0x60, 0x16, 0x4f, 0xc7, 0xc9,
];

/// The UUIDv5 of `name` in `namespace`, in lower-case text.
pub(crate) fn v5(namespace: &[u8; 16], name: &str) -> String {
    let digest = Sha1::new()
        .chain_update(namespace)
        .chain_update(name.as_bytes())
        .finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Whether `s` is a UUID in the 8-4-4-4-12 hex form (either case; any
/// version, as real bundles carry version 1 ids too).
pub(crate) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_9562_example() {
        // RFC 9562 appendix A.4: the DNS namespace and "www.example.com".
        let dns = [
            0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4,
            0x30, 0xc8,
        ];
        assert_eq!(
            v5(&dns, "www.example.com"),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2"
        );
        assert!(is_uuid(&v5(&NAMESPACE, "x")));
        assert!(is_uuid("81f12913-1372-4c96-85ec-E9034ac98aba"));
        assert!(!is_uuid("81f12913-1372-4c96-85ec-E9034ac98ab"));
        assert!(!is_uuid("81f12913x1372-4c96-85ec-E9034ac98aba"));
    }
}
