//! Wall time of `OcrEngine::recognize` on phototest.tif and on a 150-dpi
//! page, for comparison with RapidOCR on the same pixels
//! (`scripts/ocr_reference.py --bench`).
//!
//! ```text
//! cargo bench -p parasol-vision --bench ocr            # 2 threads, 5 runs
//! PARASOL_BENCH_THREADS=1 PARASOL_BENCH_RUNS=10 cargo bench -p parasol-vision --bench ocr
//! cargo bench -p parasol-vision --bench ocr -- a.png b.tif   # these images instead
//! PARASOL_LOG=parasol_vision=debug cargo bench -p parasol-vision --bench ocr   # per stage
//! PARASOL_BENCH_UPRIGHT=1 cargo bench -p parasol-vision --bench ocr   # recognize_upright
//! PARASOL_BENCH_OCR=cascade cargo bench -p parasol-vision --bench ocr  # or tiny (default: small)
//! ```
//!
//! The 150-dpi page is the 300-dpi scan `8071_093.3B.tif` of the shared
//! corpus halved by a rounded 2x2 box average, as the Python script does.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use parasol_models::{ModelFile, ModelStore};
use parasol_vision::{init_runtime, DraftModel, OcrEngine, OcrModels};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn load(rel: &str) -> image::RgbImage {
    let path = root().join(rel);
    image::open(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())).to_rgb8()
}

/// Rounded 2x2 box average: a 300-dpi scan to 150 dpi.
fn halve(img: &image::RgbImage) -> image::RgbImage {
    let (w, h) = (img.width() / 2, img.height() / 2);
    image::RgbImage::from_fn(w, h, |x, y| {
        let px = |dx, dy| img.get_pixel(2 * x + dx, 2 * y + dy).0;
        let (a, b, c, d) = (px(0, 0), px(1, 0), px(0, 1), px(1, 1));
        image::Rgb(std::array::from_fn(|k| {
            ((a[k] as u16 + b[k] as u16 + c[k] as u16 + d[k] as u16 + 2) >> 2) as u8
        }))
    })
}

fn time(engine: &OcrEngine, name: &str, img: &image::RgbImage, runs: usize) {
    let upright = std::env::var_os("PARASOL_BENCH_UPRIGHT").is_some();
    let read = |img: &image::RgbImage| {
        if upright {
            engine.recognize_upright(img).expect("ocr runs").0.len()
        } else {
            engine.recognize(img).expect("ocr runs").len()
        }
    };
    let lines = read(img);
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            read(img);
            t.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let name = if upright { format!("{name} (recognize_upright)") } else { name.to_string() };
    println!(
        "parasol {name} {}x{}: median {:.0} ms (min {:.0}, {runs} runs, {lines} lines)",
        img.width(),
        img.height(),
        ms(times[times.len() / 2]),
        ms(times[0])
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing
    // else: run a single quick pass then.
    let benching = std::env::args().any(|a| a == "--bench");
    // `PARASOL_LOG=parasol_vision=debug` prints the time of every stage.
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("PARASOL_LOG") {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    }
    let threads = env_usize("PARASOL_BENCH_THREADS", 2);
    let runs = if benching { env_usize("PARASOL_BENCH_RUNS", 5).max(1) } else { 1 };
    let store = ModelStore::new(
        std::env::var_os("PARASOL_MODELS").map_or_else(|| root().join("models/files"), PathBuf::from),
    );
    let model = |file| store.require(file).unwrap_or_else(|missing| panic!("{missing}"));
    init_runtime(&model(ModelFile::OnnxRuntime)).expect("onnx runtime loads");
    let t = Instant::now();
    let which = std::env::var("PARASOL_BENCH_OCR").unwrap_or_else(|_| "small".into());
    let ocr = |det, rec, dict: Option<ModelFile>| OcrModels {
        det: model(det),
        cls: model(ModelFile::OcrLineClassifier),
        rec: model(rec),
        dict: dict.map(model),
        draft: None,
    };
    let models = match which.as_str() {
        "small" => ocr(ModelFile::OcrDetSmall, ModelFile::OcrRecSmall, None),
        "cascade" => OcrModels {
            draft: Some(DraftModel {
                rec: model(ModelFile::OcrRecTiny),
                dict: Some(model(ModelFile::OcrRecTinyDict)),
            }),
            ..ocr(ModelFile::OcrDetSmall, ModelFile::OcrRecSmallInt8, None)
        },
        "tiny" => ocr(ModelFile::OcrDetTiny, ModelFile::OcrRecTiny, Some(ModelFile::OcrRecTinyDict)),
        other => panic!("PARASOL_BENCH_OCR={other}: expected small, cascade or tiny"),
    };
    let engine = OcrEngine::new(&models, threads).expect("ocr models load");
    println!(
        "parasol {which} models loaded in {:.0} ms ({threads} threads)",
        t.elapsed().as_secs_f64() * 1000.0
    );

    let images: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    if !images.is_empty() {
        for path in &images {
            let img = image::open(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}")).to_rgb8();
            let name = Path::new(path).file_name().map_or(path.clone(), |n| n.to_string_lossy().into_owned());
            time(&engine, &name, &img, runs);
        }
        return;
    }
    time(&engine, "phototest", &load("../shared/corpus/ocr/tesseract-test/phototest.tif"), runs);
    let page = halve(&load("../shared/corpus/ocr/tesseract-test/8071_093.3B.tif"));
    time(&engine, "150-dpi page", &page, runs);
}
