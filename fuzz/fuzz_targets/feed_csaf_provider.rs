//! The CSAF provider readers (provider metadata, ROLIE feeds, changes.csv)
//! never panic, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yata_feeds::provider;

fuzz_target!(|data: &[u8]| {
    let _ = provider::provider_metadata(data);
    let _ = provider::rolie_feed(data);
    let _ = provider::changes_csv(data);
});
