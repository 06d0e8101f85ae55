//! PDF decompression bombs are refused before PDFium sees them, with a typed
//! error naming the budget; real PDFs, built here and from the corpus, still
//! open and render.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

mod common;

use std::io::Write;

use parasol_source::{Limit, Limits, OpenOptions, Source, SourceError};

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A one-page PDF (with a correct cross-reference table) whose page draws
/// "Hello bomb" followed by `padding` NUL bytes, deflated, and lists that
/// content stream `refs` times in `/Contents`.
fn pdf(padding: usize, refs: usize) -> Vec<u8> {
    let mut content = b"BT /F1 24 Tf 72 700 Td (Hello bomb) Tj ET\n".to_vec();
    content.resize(content.len() + padding, 0);
    let stream = zlib(&content);
    let contents = vec!["4 0 R"; refs].join(" ");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents [{contents}] >>"
        )
        .into_bytes(),
        [format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", stream.len()).as_bytes(), &stream, b"\nendstream"]
            .concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    parasol_testdata::pdf(&objects)
}

fn small_budget() -> OpenOptions {
    let limits = Limits { max_stream_bytes: 1 << 20, max_total_stream_bytes: 8 << 20, ..Limits::default() };
    OpenOptions { limits, ..OpenOptions::default() }
}

#[track_caller]
fn check_bomb_refused(bytes: Vec<u8>) {
    common::pdfium();
    match Source::open_bytes(bytes, &small_budget()) {
        Err(e @ SourceError::LimitExceeded { limit: Limit::StreamBytes, max: 1_048_576, .. }) => {
            assert!(e.to_string().starts_with("decompressed bytes per PDF stream limit exceeded: "), "{e}");
        }
        other => panic!("expected the stream limit, got {other:?}"),
    }
}

#[test]
fn a_pdf_within_the_stream_budget_renders_its_text() {
    common::pdfium();
    let source = Source::open_bytes(pdf(100_000, 3), &small_budget()).unwrap();
    let page = source.page(0).unwrap();
    let text: Vec<&str> = page.native_text.as_ref().unwrap().lines.iter().map(|l| l.text.as_str()).collect();
    assert!(text.iter().any(|t| t.contains("Hello bomb")), "{text:?}");
}

#[test]
fn a_content_stream_bomb_is_refused_with_the_budget_named() {
    // The report's file, scaled down: 4 MiB of zeros in ~4 KiB, budget 1 MiB.
    let bomb = pdf(4 << 20, 1);
    assert!(bomb.len() < 10 << 10, "{}", bomb.len());
    check_bomb_refused(bomb);
}

#[test]
fn one_stream_listed_many_times_is_counted_each_time() {
    // 400 KiB is within the budget; three times over, PDFium would hold 1.2 MiB.
    check_bomb_refused(pdf(400 << 10, 3));
}

#[test]
fn a_bomb_on_disk_is_refused_through_open_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.pdf");
    std::fs::write(&path, pdf(4 << 20, 3)).unwrap();
    common::pdfium();
    let err = Source::open_path(&path, &small_budget()).unwrap_err();
    assert!(matches!(err, SourceError::LimitExceeded { limit: Limit::StreamBytes, .. }), "{err:?}");
}

#[test]
fn born_digital_pdfs_pass_the_pre_scan_and_render() {
    common::pdfium();
    let mut files = common::pdfs(&common::corpus().join("docling/pdf/sources"));
    assert!(files.len() >= 10, "expected the docling PDFs, found {}", files.len());
    files.push(common::root().join("samples/report.pdf"));
    for file in files {
        let source = Source::open_path(&file, &OpenOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        source.page(0).unwrap_or_else(|e| panic!("{} page 1: {e}", file.display()));
    }
}
