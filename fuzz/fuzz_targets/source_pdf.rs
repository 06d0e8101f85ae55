//! `Source::open_bytes` and `Source::page` on PDF-like bytes: seeded from
//! `../shared/corpus/hostile` and the corpus's real PDFs (see
//! `docs/BENCHMARKS.md`, "Fuzzing"). Bytes without a PDF signature get one,
//! so every run reaches the pre-scan and PDFium.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if data.windows(4).take(1024).any(|w| w == b"%PDF") {
        common::check(data);
    } else {
        common::check(&[b"%PDF-1.7\n".as_slice(), data].concat());
    }
});
