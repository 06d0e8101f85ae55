//! Whatever the bytes, sniffing and opening them (and reading every page of
//! what opens) returns a value or a typed error: never a panic.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

mod common;

use parasol_source::{Kind, Limits, OpenOptions, Source};
use proptest::prelude::*;

/// Small limits keep each case fast; the code paths are the same.
fn options() -> OpenOptions {
    let limits = Limits {
        max_page_pixels: 1 << 20,
        max_document_pixels: 4 << 20,
        max_stream_bytes: 1 << 20,
        max_total_stream_bytes: 8 << 20,
        max_pages: 16,
        ..Limits::default()
    };
    OpenOptions { dpi: 36.0, limits, ..OpenOptions::default() }
}

/// Random bytes, often behind a real signature so the decoders (and the PDF
/// pre-scan, with keywords it looks for) see them.
fn inputs() -> impl Strategy<Value = Vec<u8>> {
    let tail = proptest::collection::vec(any::<u8>(), 0..2048);
    let heads: Vec<&'static [u8]> = vec![
        b"",
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff\xe0",
        b"II*\0\x08\0\0\0",
        b"MM\0*\0\0\0\x08",
        b"RIFF\0\0\0\0WEBPVP8L",
        b"%PDF-1.7\n",
    ];
    let words = proptest::sample::select(vec![
        &b"1 0 obj "[..],
        b"<< /Filter /FlateDecode /Length 9 >>",
        b"<< /Type /ObjStm /N 2 /First 8 >>",
        b"/Contents [1 0 R 1 0 R] ",
        b"stream\n",
        b"endstream ",
        b"x\x9c\xed\xc1\x01\r\0\0\0",
        b"[[[[ ((( << ",
    ]);
    let pdf_like =
        proptest::collection::vec(words, 0..40).prop_map(|w| [b"%PDF-1.4\n".to_vec(), w.concat()].concat());
    prop_oneof![(proptest::sample::select(heads), tail).prop_map(|(h, t)| [h.to_vec(), t].concat()), pdf_like,]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000), ..ProptestConfig::default() })]

    #[test]
    fn sniffing_and_opening_never_panic(bytes in inputs()) {
        common::pdfium();
        let kind = Kind::sniff(&bytes);
        if let Ok(source) = Source::open_bytes(bytes, &options()) {
            prop_assert_eq!(Some(source.kind()), kind);
            for i in 0..source.page_count() {
                let _ = source.page(i);
            }
        }
    }
}
