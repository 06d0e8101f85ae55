//! Time per formula: each test image read start to finish (preprocessing,
//! encoder, greedy decoding, post-processing), release build:
//!
//! ```text
//! RAYON_NUM_THREADS=2 cargo bench -p parasol-formula --bench formula -- [--rounds 5]
//! ```
//!
//! The model is found at `PARASOL_MODELS` or `models/files`. Prints, per
//! image, the median wall time over the rounds, the processor time (all
//! threads; on a shared machine, what the work costs when wall time also
//! counts waiting) and the tokens decoded, then the medians over images.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use parasol_formula::Recogniser;
use parasol_models::{ModelFile, ModelStore};

/// This process's processor time so far, in seconds (`/proc/self/stat`'s
/// user and system ticks, at Linux's usual 100 per second).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / 100.0
}

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
    let (mut medians, mut cpus) = (Vec::new(), Vec::new());
    for path in &names {
        let image = image::open(path).unwrap().to_luma8();
        let read = rec.recognise(&image).unwrap();
        let cpu = cpu_seconds();
        let times: Vec<f64> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(rec.recognise(&image).unwrap());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        let cpu = (cpu_seconds() - cpu) * 1e3 / rounds as f64;
        let m = median(times);
        medians.push(m);
        cpus.push(cpu);
        println!(
            "{:<16} {:>4}x{:<4} {:>3} tokens  {:>7.1} ms wall  {:>7.1} ms cpu  ({:.1} ms/token)",
            path.file_name().unwrap().to_string_lossy(),
            image.width(),
            image.height(),
            read.tokens.len(),
            m,
            cpu,
            m / read.tokens.len() as f64
        );
    }
    println!(
        "median over {} formulas: {:.1} ms wall, {:.1} ms cpu",
        medians.len(),
        median(medians),
        median(cpus)
    );
}
