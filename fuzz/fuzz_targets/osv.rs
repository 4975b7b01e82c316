//! OSV range compilation and evaluation never panic, whatever the events.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_version::Scheme;
use yata_version::osv::{CompiledAffected, Event, EventKind, Range, RangeKind};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let scheme = Scheme::ALL[usize::from(selector >> 2) % Scheme::ALL.len()];
    let kind = [RangeKind::SemVer, RangeKind::Ecosystem, RangeKind::Git][usize::from(selector & 3) % 3];
    let mut lines = text.lines();
    let probe = lines.next().unwrap_or("");
    let events = lines
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            let kind = match k {
                "i" => EventKind::Introduced,
                "f" => EventKind::Fixed,
                "l" => EventKind::LastAffected,
                _ => EventKind::Limit,
            };
            Some(Event::new(kind, v))
        })
        .collect();
    let range = Range { kind, repo: None, events };
    if let Ok(c) = CompiledAffected::new(Some(scheme), &[range], &[probe.to_owned()]) {
        let _ = c.evaluate(probe);
        let _ = c.evaluate_commit(probe);
        let _ = c.fixed_versions().count();
    }
});
