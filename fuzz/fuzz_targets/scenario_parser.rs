//! Any bytes given as a scenario file must give a scenario or an error, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = campaign_sim::scenario::Scenario::parse(Path::new("fuzz.toml"), text);
    }
});
