//! TEDS and TEDS-S of SLANet-plus table structure on the 40 PubTabNet tables
//! of the shared corpus, with cell text from Parasol's own OCR.
//!
//! For each table image: [`TableStructure::recognize`] on the whole image,
//! [`OcrEngine::recognize`] on the whole image, cell text filled by
//! [`parasol_assemble::fill_table`], then scored against the ground truth
//! with [`parasol_eval::teds`]. Two renderings are scored:
//!
//! - `doc`: [`parasol_doc::element_html`], what the pipeline outputs; header
//!   cells are `<th>`, which PubTabNet's TEDS does not count as cells.
//! - `ptn`: PubTabNet's own convention, `<thead>`/`<tbody>` with `<td>` cells.
//!
//! ```text
//! python3 scripts/fetch_models.py
//! cargo run --release -p parasol-eval --example tables_teds [-- --dump /tmp/parasol_tables.json]
//! ```
//!
//! `--dump` writes `{file name: ptn HTML}` for the cross-check against
//! table-recognition-metric in `scripts/table_reference.py --teds`. Models come
//! from `$PARASOL_MODELS` (default `models/files`), the corpus from
//! `$PARASOL_CORPUS` (default `../shared/corpus`).
//!
//! Needs dev-dependencies `parasol-vision`, `parasol-assemble` and `image`.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

use parasol_doc::{element_html, Category, Element, Table};
use parasol_eval::corpus::table_cases;
use parasol_eval::teds::{teds, teds_s};
use parasol_models::{ModelFile, ModelStore};
use parasol_vision::table::TableStructure;
use parasol_vision::{init_runtime, OcrEngine, OcrModels};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn env_path(var: &str, default: PathBuf) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or(default)
}

/// What the pipeline renders for a table element.
fn doc_html(t: &Table) -> String {
    let e = Element { category: Category::Table, page: 1, table: Some(t.clone()), ..Element::default() };
    format!("<html><body>{}</body></html>", element_html(&e))
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mut dump = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dump" => dump = args.next().map(PathBuf::from),
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    let models = env_path("PARASOL_MODELS", workspace().join("models/files"));
    let corpus = env_path("PARASOL_CORPUS", workspace().join("../shared/corpus"));
    let store = ModelStore::new(&models);
    init_runtime(&store.require(ModelFile::OnnxRuntime)?)?;
    let structure = TableStructure::new(&store.require(ModelFile::TableStructure)?, 2)?;
    let ocr_models = OcrModels {
        det: store.require(ModelFile::OcrDetSmall)?,
        cls: store.require(ModelFile::OcrLineClassifier)?,
        rec: store.require(ModelFile::OcrRecSmall)?,
        dict: None,
        draft: None,
    };
    let ocr = OcrEngine::new(&ocr_models, 2)?;

    let cases = table_cases(&corpus)?;
    let mut rows: Vec<(String, [f64; 4])> = Vec::new();
    let (mut structure_ms, mut ocr_ms) = (Vec::new(), Vec::new());
    let mut dumped = BTreeMap::new();
    println!(
        "{:<10} {:<26} {:>7} {:>7} {:>7} {:>7} {:>6} {:>6}",
        "set", "file", "TEDS", "TEDS-S", "docT", "docS", "ms", "ocr"
    );
    for case in &cases {
        let image = image::open(&case.image)?.to_rgb8();
        let start = Instant::now();
        let mut table = structure.recognize(&image)?;
        structure_ms.push(start.elapsed().as_secs_f64() * 1e3);
        let start = Instant::now();
        let lines = ocr.recognize(&image)?;
        ocr_ms.push(start.elapsed().as_secs_f64() * 1e3);
        let refs: Vec<_> = lines.iter().collect();
        parasol_assemble::fill_table(&mut table, &refs);

        let (ptn, doc) = (parasol_eval::teds::pubtabnet_html(&table), doc_html(&table));
        let scores = [
            teds(&ptn, &case.truth_html).score,
            teds_s(&ptn, &case.truth_html).score,
            teds(&doc, &case.truth_html).score,
            teds_s(&doc, &case.truth_html).score,
        ];
        let file = case.image.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        println!(
            "{:<10} {:<26} {:>7.4} {:>7.4} {:>7.4} {:>7.4} {:>6.0} {:>6.0}",
            case.set,
            file,
            scores[0],
            scores[1],
            scores[2],
            scores[3],
            structure_ms.last().copied().unwrap_or_default(),
            ocr_ms.last().copied().unwrap_or_default()
        );
        dumped.insert(file.clone(), ptn);
        rows.push((case.set.to_owned(), scores));
    }
    let mut sets: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    sets.dedup();
    sets.push("all".to_owned());
    println!("\nmean over tables: set, n, TEDS, TEDS-S (ptn rendering), TEDS, TEDS-S (doc rendering)");
    for set in &sets {
        let pick: Vec<[f64; 4]> = rows.iter().filter(|r| set == "all" || &r.0 == set).map(|r| r.1).collect();
        let col = |k: usize| mean(&pick.iter().map(|s| s[k]).collect::<Vec<_>>());
        println!("{set:<10} {:>3} {:.4} {:.4} {:.4} {:.4}", pick.len(), col(0), col(1), col(2), col(3));
    }
    println!(
        "structure: {:.0} ms per table; OCR: {:.0} ms per table (2 threads)",
        mean(&structure_ms),
        mean(&ocr_ms)
    );
    if let Some(path) = dump {
        std::fs::write(&path, serde_json::to_string_pretty(&dumped)?)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
