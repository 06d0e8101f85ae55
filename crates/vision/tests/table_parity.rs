//! SLANet-plus table structure against its Python reference.
//!
//! Expected output comes from `scripts/table_reference.py`: rapid-table
//! 0.3.0's `TableStructurer` and `RapidTable.adapt_slanet_plus` on ten
//! PubTabNet table images (plain grids, column and row spans, wide and tall
//! tables, up- and downscaled inputs), with rapid-table's
//! `TableMatch.decode_logic_points` giving each cell's grid position. Both
//! sides decode the same PNG files to RGB, which gives identical pixels.
//!
//! The token sequence must be identical, every cell box within 2 px on each
//! of its 8 coordinates, and the grid (row, column and spans of each cell)
//! equal to rapid-table's.
//!
//! Needs the models (`python3 scripts/fetch_models.py`; override the folder
//! with `PARASOL_MODELS`).

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::root;
use parasol_models::ModelFile;
use parasol_vision::table::TableStructure;
use serde_json::Value;

const BOX_TOLERANCE: f32 = 2.0;

fn model() -> TableStructure {
    common::init();
    TableStructure::new(&common::model(ModelFile::TableStructure), 2).expect("table model loads")
}

fn expected() -> Vec<Value> {
    let path = root().join("crates/vision/tests/data/table_expected/slanet_plus.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).expect("expected JSON parses");
    doc["cases"].as_array().expect("cases").clone()
}

fn pubtabnet() -> PathBuf {
    root().join("../shared/corpus/tables/pubtabnet")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().expect("array").iter().map(|t| t.as_str().expect("string").to_owned()).collect()
}

fn numbers<T>(v: &Value, f: impl Fn(f64) -> T) -> Vec<T> {
    v.as_array().expect("array").iter().map(|x| f(x.as_f64().expect("number"))).collect()
}

#[test]
fn slanet_plus_matches_rapid_table() {
    let model = model();
    let cases = expected();
    assert!(cases.len() >= 5, "too few parity cases");
    let mut total_ms = 0.0;
    let mut worst_all = 0f32;
    for case in &cases {
        let rel = case["image"].as_str().expect("image");
        let path = pubtabnet().join(rel);
        let crop = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_rgb8();
        assert_eq!(
            (crop.width() as u64, crop.height() as u64),
            (case["width"].as_u64().expect("width"), case["height"].as_u64().expect("height")),
            "{rel}: size"
        );

        let start = Instant::now();
        let got = model.predict(&crop).expect("inference runs");
        total_ms += start.elapsed().as_secs_f64() * 1e3;

        assert_eq!(got.tokens, strings(&case["tokens"]), "{rel}: tokens");
        let boxes: Vec<Vec<f32>> =
            case["boxes"].as_array().expect("boxes").iter().map(|b| numbers(b, |x| x as f32)).collect();
        assert_eq!(got.cell_boxes.len(), boxes.len(), "{rel}: number of cell boxes");
        for (i, (g, e)) in got.cell_boxes.iter().zip(&boxes).enumerate() {
            let worst = g.iter().zip(e).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
            assert!(worst <= BOX_TOLERANCE, "{rel}: cell {i} box {g:?} vs {e:?} (off by {worst:.2} px)");
            worst_all = worst_all.max(worst);
        }

        // The grid: rapid-table's logic points are [row0, row1, col0, col1].
        let table = model.recognize(&crop).expect("inference runs");
        let want: Vec<[usize; 4]> = case["logic_points"]
            .as_array()
            .expect("logic_points")
            .iter()
            .map(|p| {
                let v = numbers(p, |x| x as usize);
                [v[0], v[1], v[2], v[3]]
            })
            .collect();
        let mut have: Vec<[usize; 4]> = table
            .cells
            .iter()
            .map(|c| [c.row, c.row + c.rowspan - 1, c.col, c.col + c.colspan - 1])
            .collect();
        let mut want_sorted = want.clone();
        want_sorted.sort_by_key(|p| (p[0], p[2]));
        have.sort_by_key(|p| (p[0], p[2]));
        assert_eq!(have, want_sorted, "{rel}: grid");
        assert_eq!(table.rows, want.iter().map(|p| p[1] + 1).max().unwrap_or(0), "{rel}: rows");
        assert_eq!(table.cols, want.iter().map(|p| p[3] + 1).max().unwrap_or(0), "{rel}: cols");
        assert!(
            table.cells.windows(2).all(|w| (w[0].row, w[0].col) < (w[1].row, w[1].col)),
            "{rel}: cells in row-major order"
        );

        // Header cells are exactly those inside <thead>.
        let in_thead = got.tokens.iter().position(|t| t == "</thead>").map_or(0, |end| {
            got.tokens[..end].iter().filter(|t| matches!(t.as_str(), "<td" | "<td></td>" | "<td>")).count()
        });
        let headers = table.cells.iter().filter(|c| c.header).count();
        assert_eq!(headers, in_thead, "{rel}: header cells");
        assert!(table.cells.iter().all(|c| c.text.is_empty() && c.bbox.is_some()), "{rel}: cells");
    }
    eprintln!(
        "slanet-plus: {} tables, {:.0} ms per table (2 threads), boxes within {worst_all:.4} px",
        cases.len(),
        total_ms / cases.len() as f64
    );
}

#[test]
fn empty_crop_gives_empty_table() {
    let model = model();
    let table = model.recognize(&image::RgbImage::new(0, 0)).expect("no error on empty input");
    assert_eq!((table.rows, table.cols, table.cells.len()), (0, 0, 0));
}

#[test]
fn missing_model_is_an_error() {
    common::init();
    let path = ModelFile::TableStructure.in_dir(Path::new("/nonexistent"));
    let err = TableStructure::new(&path, 1).expect_err("no such file");
    assert!(err.to_string().contains(ModelFile::TableStructure.file_name()), "{err}");
}

#[test]
fn model_is_shareable_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<TableStructure>();
}
