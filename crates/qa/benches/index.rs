//! Indexing and retrieval speed on a parsed document: passages, BM25 and
//! embeddings for the whole document, then the time of one search (BM25 +
//! query embedding + fusion), the median over questions.
//!
//! ```text
//! parasol convert DOC.pdf --format json --out /tmp/doc
//! cargo bench -p parasol-qa --bench index -- /tmp/doc/DOC.json [--pages 100]
//! ```
//!
//! `--pages N` repeats the document's pages until it has N (a 100-page
//! document from a shorter real one: real text, realistic passage sizes).
//! The embedding model is found at `PARASOL_MODELS` or `models/files`.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use parasol_doc::upstage::UpstageResponse;
use parasol_doc::Document;
use parasol_models::{ModelFile, ModelStore};
use parasol_qa::{Embedder, Index};

const QUESTIONS: &[&str] = &[
    "What is the name of the author?",
    "Which table lists the results?",
    "How much did revenue grow?",
    "보고서의 결론은 무엇입니까?",
    "この文書の目的は何ですか？",
    "When was the document published?",
    "What does section 2 say about security?",
    "Which value is the largest in the table?",
];

fn repeat_pages(doc: &Document, pages: usize) -> Document {
    let n = doc.pages.len().max(1);
    let mut out = Document::default();
    for copy in 0..pages.div_ceil(n) {
        for p in &doc.pages {
            let number = copy * n + p.number;
            if number > pages {
                break;
            }
            out.pages.push(parasol_doc::PageInfo { number, ..*p });
            for e in doc.elements.iter().filter(|e| e.page == p.number) {
                let mut e = e.clone();
                e.id = out.elements.len();
                e.page = number;
                e.caption = None;
                out.elements.push(e);
            }
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let file = args.iter().find(|a| a.ends_with(".json")).expect("give a parsed document (Upstage JSON)");
    let pages = args.iter().position(|a| a == "--pages").map(|i| args[i + 1].parse::<usize>().unwrap());
    let text = std::fs::read_to_string(file).unwrap();
    let mut doc = serde_json::from_str::<UpstageResponse>(&text).unwrap().to_document();
    if let Some(n) = pages {
        doc = repeat_pages(&doc, n);
    }
    let models = std::env::var_os("PARASOL_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"));
    let e5 = ModelStore::new(models).require(ModelFile::E5Small).unwrap();
    let start = Instant::now();
    let embedder = Arc::new(Embedder::open(&e5).unwrap());
    let load = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let lexical = Index::new(&doc).unwrap();
    let bm25 = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let index = Index::with_embedder(&doc, embedder).unwrap();
    let hybrid = start.elapsed().as_secs_f64();
    let passages = index.passages().len();
    let chars: usize = index.passages().iter().map(|p| p.text.chars().count()).sum();

    let mut times = Vec::new();
    for _ in 0..3 {
        for q in QUESTIONS {
            let start = Instant::now();
            std::hint::black_box(index.search(q, 5));
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let mut bm25_times: Vec<f64> = QUESTIONS
        .iter()
        .map(|q| {
            let start = Instant::now();
            std::hint::black_box(lexical.search(q, 5));
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    bm25_times.sort_by(f64::total_cmp);
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all cores".into());
    println!("{} pages, {passages} passages ({chars} characters), threads {threads}", doc.pages.len());
    println!("embedding model load        {load:8.2} s");
    println!("index, BM25 only            {bm25:8.3} s");
    println!("index, BM25 + embeddings    {hybrid:8.2} s ({:.1} passages/s)", passages as f64 / hybrid);
    println!("search, BM25 only (median)  {:8.2} ms", bm25_times[bm25_times.len() / 2]);
    println!(
        "search, hybrid (median/max) {:8.2} ms / {:.2} ms",
        times[times.len() / 2],
        times[times.len() - 1]
    );
}
