//! Every version parser: never panics, and parsed versions obey the order laws.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_version::Scheme;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let scheme = Scheme::ALL[usize::from(selector) % Scheme::ALL.len()];
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (a, b) = text.split_once('\n').unwrap_or((text, ""));
    let (Ok(va), vb) = (scheme.parse(a), scheme.parse(b)) else {
        return;
    };
    // Display gives back the input, and it parses to an equal version.
    assert_eq!(va.to_string(), a);
    assert_eq!(scheme.parse(&va.to_string()).ok(), Some(va.clone()));
    if let Ok(vb) = vb {
        let ab = va.try_cmp(&vb).unwrap();
        let ba = vb.try_cmp(&va).unwrap();
        assert_eq!(ab, ba.reverse(), "{scheme}: {a:?} vs {b:?}");
    }
});
