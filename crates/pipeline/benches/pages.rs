//! Whole-pipeline throughput: born-digital pages through the text layer, and
//! scanned pages through OCR, on real documents from the shared corpus.
//!
//! `cargo bench -p parasol-pipeline --bench pages [-- --ocr-images OUT.txt] [--scans-only] [--born-digital-only]`
//!
//! Born-digital: every PDF of the corpus outside `hostile/` whose pages all
//! come from the text layer (those that need OCR, or a password, are named
//! and left out), converted twice with layout (PicoDet, the library's
//! default), the second round timed: pages/s, and the share of time per
//! stage from [`parasol_pipeline::Stages`] (render, text layer, layout,
//! region OCR, page OCR, tables, figures, assembly) plus the output
//! (HTML, Markdown and JSON rendered from the document). `--list FILE`
//! writes the born-digital files' paths to FILE, one a line, for timing
//! other builds of `parasol convert` on exactly those files. Then the cost
//! of a blank page (a PDF page with nothing on it, and a white 150-dpi
//! scan), median of 20 conversions each.
//!
//! Scanned pages: seconds per page for OCR (`--ocr force`) at 150 dpi.
//! With `--ocr-images FILE` it also writes the 150-dpi page images it OCR'd
//! to `target/bench-pages/` and lists them in FILE, so
//! `scripts/bench_ocr.sh` can time RapidOCR on exactly the same pixels.
//! `--scans-only` skips the born-digital PDFs and the blank pages,
//! `--born-digital-only` the scans; `PARASOL_BENCH_RUNS` sets the runs per
//! scan (3), `PARASOL_BENCH_OCR=small|tiny` the OCR models (default: the
//! cascade), `PARASOL_BENCH_LAYOUT=yolo|none` the layout model of the scans
//! (default: PicoDet, the library's default; the CLI's `auto` takes YOLO
//! where its opt-in weights are installed), and
//! `PARASOL_LOG=parasol_pipeline=debug,parasol_vision=debug` prints the
//! time of every stage of every page.

use std::path::{Path, PathBuf};
use std::time::Instant;

use std::time::Duration;

use parasol_doc::TextOrigin;
use parasol_pipeline::{Engine, EngineConfig, LayoutChoice, OcrMode, OcrModel, Options, Stages};

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

    let born_digital_only = args.iter().any(|a| a == "--born-digital-only");
    if !scans_only {
        let list = args.iter().position(|a| a == "--list").and_then(|i| args.get(i + 1));
        born_digital(&engine, &corpus, list.map(Path::new));
        blank_pages(&engine);
    }
    if born_digital_only {
        return;
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

/// Every PDF under `dir`, recursively, sorted.
fn pdfs_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("corpus").filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            pdfs_under(&p, out);
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")) {
            out.push(p);
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Born-digital throughput over the corpus's text-layer PDFs, with the
/// share of each stage.
fn born_digital(engine: &Engine, corpus: &Path, list: Option<&Path>) {
    let mut pdfs = Vec::new();
    for entry in std::fs::read_dir(corpus).expect("corpus").filter_map(Result::ok) {
        if entry.path().is_dir() && entry.file_name() != "hostile" {
            pdfs_under(&entry.path(), &mut pdfs);
        }
    }
    pdfs.sort();
    let options = Options::default();
    let (mut kept, mut left_out) = (Vec::new(), Vec::new());
    for pdf in &pdfs {
        let rel = pdf.strip_prefix(corpus).unwrap_or(pdf).display().to_string();
        match engine.convert_path(pdf, &options, &mut |_| {}) {
            Ok(out) if out.text_origin.iter().all(|o| *o != Some(TextOrigin::Ocr)) => kept.push(pdf.clone()),
            Ok(_) => left_out.push(format!("{rel} (OCR)")),
            Err(e) => left_out.push(format!("{rel} ({e})")),
        }
    }
    if let Some(file) = list {
        let body: Vec<String> = kept.iter().map(|p| p.display().to_string()).collect();
        std::fs::write(file, body.join("\n") + "\n").expect("write list");
    }
    let (mut pages, mut wall, mut output) = (0usize, Duration::ZERO, Duration::ZERO);
    let mut stages = Stages::default();
    for pdf in &kept {
        let t = Instant::now();
        let out = engine.convert_path(pdf, &options, &mut |_| {}).expect("convert");
        let t_out = Instant::now();
        let rendered = out.document.to_html().len()
            + out.document.to_markdown().len()
            + serde_json::to_string(&out.document.to_upstage("parasol")).expect("json").len();
        output += t_out.elapsed();
        wall += t.elapsed();
        std::hint::black_box(rendered);
        pages += out.document.pages.len();
        stages.merge(&out.stages);
    }
    println!(
        "born-digital ({} PDFs with a text layer, PicoDet layout, 150 dpi): {pages} pages in {:.2} s = {:.1} pages/s",
        kept.len(),
        wall.as_secs_f64(),
        pages as f64 / wall.as_secs_f64()
    );
    println!("  left out: {}", if left_out.is_empty() { "none".into() } else { left_out.join(", ") });
    let rows = [
        ("render", stages.render),
        ("text layer", stages.text_layer),
        ("layout", stages.layout),
        ("region OCR", stages.region_ocr),
        ("page OCR", stages.ocr),
        ("tables", stages.tables),
        ("figures", stages.figures),
        ("formulas", stages.formulas),
        ("assembly", stages.assemble),
    ];
    let total: Duration = rows.iter().map(|(_, s)| s.time).sum::<Duration>() + output;
    println!("  {:<11} {:>5} {:>9} {:>9} {:>6}", "stage", "runs", "ms", "ms/page", "share");
    let row = |name: &str, runs: usize, time: Duration| {
        println!(
            "  {name:<11} {runs:>5} {:>9.1} {:>9.2} {:>5.1}%",
            ms(time),
            ms(time) / pages.max(1) as f64,
            100.0 * time.as_secs_f64() / total.as_secs_f64().max(1e-9)
        );
    };
    for (name, s) in rows {
        row(name, s.runs, s.time);
    }
    row("output", kept.len(), output);
    println!("  blank pages (no model run): {}", stages.blank_pages);
}

/// The cost of a blank page: a PDF page with nothing on it and a white
/// 150-dpi Letter scan, each converted 20 times, median.
fn blank_pages(engine: &Engine) {
    let pdf = parasol_testdata::text_pdf(&[Vec::new()]);
    let white = image::RgbImage::from_pixel(1275, 1650, image::Rgb([255, 255, 255]));
    let mut png = std::io::Cursor::new(Vec::new());
    white.write_to(&mut png, image::ImageFormat::Png).expect("png");
    let png = png.into_inner();
    let options = Options::default();
    for (name, bytes) in [("PDF page", &pdf), ("white 150-dpi scan (PNG)", &png)] {
        let mut times = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let out = engine.convert_bytes(bytes.clone(), &options, &mut |_| {}).expect("convert");
            times.push(t.elapsed());
            assert_eq!(out.stages.model_runs(), 0, "a blank page ran a model");
        }
        times.sort();
        println!("blank {name}: {:.2} ms (median of 20; no model ran)", ms(times[10]));
    }
}
