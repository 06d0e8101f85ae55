//! Whole-pipeline throughput: born-digital pages through the text layer, and
//! scanned pages through OCR, on real documents from the shared corpus.
//!
//! `cargo bench -p parasol-pipeline --bench pages [-- --ocr-images OUT.txt] [--scans-only]`
//!
//! Prints pages/s for born-digital PDFs (render at 150 dpi + text layer +
//! assembly) and seconds per page for OCR (`--ocr force`) at 150 dpi. With
//! `--ocr-images FILE` it also writes the 150-dpi page images it OCR'd to
//! `target/bench-pages/` and lists them in FILE, so `scripts/bench_ocr.sh`
//! can time RapidOCR on exactly the same pixels. `--scans-only` skips the
//! born-digital PDFs; `PARASOL_BENCH_RUNS` sets the runs per scan (3),
//! `PARASOL_BENCH_OCR=small|tiny` the OCR models (default: the cascade),
//! `PARASOL_BENCH_LAYOUT=yolo|none` the layout model of the scans (default:
//! PicoDet, the library's default; the CLI's `auto` takes YOLO where its
//! opt-in weights are installed), and
//! `PARASOL_LOG=parasol_pipeline=debug,parasol_vision=debug` prints the
//! time of every stage.

use std::path::{Path, PathBuf};
use std::time::Instant;

use parasol_doc::TextOrigin;
use parasol_pipeline::{Engine, EngineConfig, LayoutChoice, OcrMode, OcrModel, Options};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("PARASOL_LOG") {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    }
    let args: Vec<String> = std::env::args().collect();
    let scans_only = args.iter().any(|a| a == "--scans-only");
    let runs = std::env::var("PARASOL_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3usize).max(1);
    let list_out = args.iter().position(|a| a == "--ocr-images").and_then(|i| args.get(i + 1)).cloned();
    let models =
        std::env::var_os("PARASOL_MODELS").map(PathBuf::from).unwrap_or_else(|| root().join("models/files"));
    let engine =
        Engine::new(EngineConfig::from_models_dir(&models)).expect("engine (fetch the models first)");
    engine.warm_up(&Options::default()).expect("models");
    let corpus = root().join("../shared/corpus");

    // Born-digital: every Docling PDF with a trustworthy text layer.
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(corpus.join("docling/pdf/sources"))
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    pdfs.sort();
    let options = Options::default();
    let (mut pages, mut secs) = (0usize, 0f64);
    let rounds = if scans_only { 0 } else { 2 };
    for round in 0..rounds {
        for pdf in &pdfs {
            let t = Instant::now();
            let out = engine.convert_path(pdf, &options, &mut |_| {}).expect("convert");
            let dt = t.elapsed().as_secs_f64();
            let text_layer_only = out.text_origin.iter().all(|o| *o != Some(TextOrigin::Ocr));
            if round == 1 && text_layer_only {
                pages += out.document.pages.len();
                secs += dt;
            }
        }
    }
    if !scans_only {
        println!(
            "born-digital (text layer, 150 dpi render): {pages} pages in {secs:.2} s = {:.1} pages/s",
            pages as f64 / secs
        );
    }

    // Scanned pages, OCR forced, 150 dpi.
    let scans: Vec<PathBuf> = vec![
        root().join("samples/report-scan.png"),
        corpus.join("docling/ocr/sources/ocr_test.pdf"),
        corpus.join("ocr/tesseract-test/phototest.tif"),
        corpus.join("docling/ocr/sources/old_newspaper.png"),
    ];
    let ocr_model: OcrModel = match std::env::var("PARASOL_BENCH_OCR") {
        Ok(name) => name.parse().unwrap_or_else(|e| panic!("PARASOL_BENCH_OCR: {e}")),
        Err(_) => OcrModel::Cascade,
    };
    let layout: LayoutChoice = match std::env::var("PARASOL_BENCH_LAYOUT") {
        Ok(name) => name.parse().unwrap_or_else(|e| panic!("PARASOL_BENCH_LAYOUT: {e}")),
        Err(_) => LayoutChoice::PicoDet,
    };
    let ocr = Options { ocr: OcrMode::Force, ocr_model, layout, ..Options::default() };
    let mut listed = Vec::new();
    println!("OCR (--ocr force, {ocr_model:?} models, {layout:?} layout), median of {runs} runs:");
    let mut total = 0.0;
    for scan in &scans {
        let mut times = Vec::new();
        let mut lines = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let out = engine.convert_path(scan, &ocr, &mut |_| {}).expect("convert");
            times.push(t.elapsed().as_secs_f64() / out.document.pages.len() as f64);
            lines = out.document.elements.len();
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        total += median;
        println!("  {:>7.3} s/page  {} ({lines} blocks)", median, name(scan));
        if list_out.is_some() {
            listed.push(page_image(scan));
        }
    }
    println!("  {:>7.3} s/page  mean", total / scans.len() as f64);
    if let Some(file) = list_out {
        let body: Vec<String> = listed.iter().map(|p| p.display().to_string()).collect();
        std::fs::write(&file, body.join("\n") + "\n").expect("write list");
    }
}

fn name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The exact page image the pipeline OCR'd, saved as PNG.
fn page_image(input: &Path) -> PathBuf {
    let src =
        parasol_source::Source::open_path(input, &parasol_source::OpenOptions::default()).expect("open");
    let page = src.page(0).expect("page");
    let dir = root().join("target/bench-pages");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let out = dir.join(format!("{}.png", name(input)));
    page.image.save(&out).expect("save");
    out
}
