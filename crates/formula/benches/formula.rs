//! Time per formula: each test image read start to finish (preprocessing,
//! encoder, greedy decoding, post-processing), release build:
//!
//! ```text
//! RAYON_NUM_THREADS=2 cargo bench -p parasol-formula --bench formula -- [--rounds 5]
//! ```
//!
//! The model is found at `PARASOL_MODELS` or `models/files`. Prints, per
//! image, the median wall time over the rounds and the tokens decoded, then
//! the median over images.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use parasol_formula::Recogniser;
use parasol_models::{ModelFile, ModelStore};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .map_or(5, |r| r.parse().unwrap());
    let dir = std::env::var_os("PARASOL_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"));
    let store = ModelStore::new(dir);
    let require = |f| store.require(f).unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let rec =
        Recogniser::load(require(ModelFile::FormulaWeights), require(ModelFile::FormulaTokenizer)).unwrap();
    println!("load: {:.0} ms", started.elapsed().as_secs_f64() * 1e3);
    println!("threads: {}", std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all cores".into()));

    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    names.sort();
    let mut medians = Vec::new();
    for path in &names {
        let image = image::open(path).unwrap().to_luma8();
        let read = rec.recognise(&image).unwrap();
        let times: Vec<f64> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(rec.recognise(&image).unwrap());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        let m = median(times);
        medians.push(m);
        println!(
            "{:<16} {:>4}x{:<4} {:>3} tokens  {:>7.1} ms  ({:.1} ms/token)",
            path.file_name().unwrap().to_string_lossy(),
            image.width(),
            image.height(),
            read.tokens.len(),
            m,
            m / read.tokens.len() as f64
        );
    }
    println!("median over {} formulas: {:.1} ms", medians.len(), median(medians));
}
