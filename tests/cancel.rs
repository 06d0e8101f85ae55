//! Cancellation: a conversion cancelled by another party stops within one
//! page's time and returns `PipelineError::Cancelled`, with nothing produced.
//!
//! The document is a real 100-page PDF written by the test (text on every
//! page, so every page goes through PDFium, the text layer and the layout
//! model), converted through the pipeline's library API.

mod common;

use std::time::{Duration, Instant};

use common::{models, text_pdf};
use parasol_pipeline::{CancelToken, Engine, EngineConfig, LayoutChoice, Options, PipelineError};

/// `n` pages, each with a heading and twelve lines of text.
fn pages(n: usize) -> Vec<Vec<String>> {
    (1..=n)
        .map(|p| {
            let mut lines = vec![format!("Section {p}")];
            lines.extend(
                (0..12)
                    .map(|l| format!("Line {l} of page {p}: the quick brown fox jumps over the lazy dog.")),
            );
            lines
        })
        .collect()
}

#[test]
fn a_100_page_conversion_cancelled_after_its_first_page_stops_within_a_page() {
    let engine = Engine::new(EngineConfig::from_models_dir(models())).unwrap_or_else(|e| panic!("{e}"));
    let cancel = CancelToken::new();
    let options = Options { layout: LayoutChoice::PicoDet, cancel: cancel.clone(), ..Options::default() };
    engine.warm_up(&options).unwrap_or_else(|e| panic!("{e}"));
    let pdf = text_pdf(&pages(100));

    // The same document uncancelled, for its first page's time.
    let start = Instant::now();
    let mut first_page = None;
    let whole = engine
        .convert_bytes(pdf.clone(), &Options { cancel: CancelToken::new(), ..options.clone() }, &mut |p| {
            if p.page == 1 {
                first_page = Some(start.elapsed());
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(whole.document.pages.len(), 100);
    assert!(whole.document.to_text().contains("Line 11 of page 100"));
    let page_time = first_page.unwrap_or_default();

    let mut reported = Vec::new();
    let mut cancelled_at = None;
    let result = engine.convert_bytes(pdf, &options, &mut |p| {
        reported.push(p.page);
        if p.page == 1 {
            cancel.cancel();
            cancelled_at = Some(Instant::now());
        }
    });
    let stopped_after = cancelled_at.map_or(Duration::MAX, |t| t.elapsed());
    assert!(matches!(result, Err(PipelineError::Cancelled)), "{:?}", result.map(|c| c.document.pages.len()));
    assert_eq!(reported, [1], "no page is read after the cancellation");
    assert!(
        stopped_after <= page_time,
        "stopped {stopped_after:?} after the cancellation; one page takes {page_time:?}"
    );
}

#[test]
fn a_conversion_cancelled_before_it_starts_reads_nothing() {
    let engine = Engine::new(EngineConfig::from_models_dir(models())).unwrap_or_else(|e| panic!("{e}"));
    let cancel = CancelToken::new();
    cancel.cancel();
    let options = Options { layout: LayoutChoice::PicoDet, cancel, ..Options::default() };
    let pdf = text_pdf(&pages(3));
    let mut reported = 0;
    let result = engine.convert_bytes(pdf, &options, &mut |_| reported += 1);
    assert!(matches!(result, Err(PipelineError::Cancelled)));
    assert_eq!(reported, 0);
}
