//! `Source::open_bytes` and `Source::page` on raster bytes (PNG, JPEG, TIFF,
//! WebP, and anything else): header checks against the limits, decoding,
//! multi-page TIFFs. Seeded with the corpus's images and the project's
//! samples (see `docs/BENCHMARKS.md`, "Fuzzing").

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    // PDFs are the other target's job; here they would only slow the run.
    if !data.windows(4).take(1024).any(|w| w == b"%PDF") {
        common::check(data);
    }
});
