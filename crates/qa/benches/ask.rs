//! Time to first token of a document question: retrieval, the prompt (at
//! most `--context` tokens, 1,000 by default) through the model, the first
//! piece of the answer; then the decode rate of the rest. What `parasol ask`
//! does after the document is parsed and indexed.
//!
//! ```text
//! parasol convert DOC.pdf --format json --out /tmp/doc
//! cargo bench -p parasol-qa --bench ask -- /tmp/doc/DOC.json --model qwen [--context 1000] [--rounds 2]
//! ```
//!
//! `--model` takes a chat model's name (`smollm2`, `qwen2.5-coder-1.5b`,
//! alias `qwen`) or a GGUF path. Models are found at `PARASOL_MODELS` or
//! `models/files`. Each question is asked in a fresh conversation; the
//! engine keeps only the shared system message between them.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parasol_doc::upstage::UpstageResponse;
use parasol_models::{ChatModel, ModelFile, ModelStore};
use parasol_qa::{Embedder, Index, Settings};
use parasol_solar::Generator;

const QUESTIONS: &[&str] = &[
    "What is this document about?",
    "Who are the authors?",
    "What does the first table show?",
    "Which requirements are listed?",
    "When was it published?",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).map(|i| args[i + 1].clone());
    let file = args.iter().find(|a| a.ends_with(".json")).expect("give a parsed document (Upstage JSON)");
    let context: usize = value("--context").map_or(1000, |v| v.parse().unwrap());
    let rounds: usize = value("--rounds").map_or(2, |v| v.parse().unwrap());
    let model = value("--model").unwrap_or_else(|| "smollm2".into());
    let text = std::fs::read_to_string(file).unwrap();
    let doc = serde_json::from_str::<UpstageResponse>(&text).unwrap().to_document();
    let models = std::env::var_os("PARASOL_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"));
    let store = ModelStore::new(&models);
    let gguf = match ChatModel::from_name(&model) {
        Some(m) => store.require(m.file()).unwrap(),
        None => PathBuf::from(&model),
    };
    let embedder = Arc::new(Embedder::open(store.require(ModelFile::E5Small).unwrap()).unwrap());
    let index = Index::with_embedder(&doc, embedder).unwrap();
    let mut generator = Generator::load(&gguf).unwrap();
    let answer_tokens = 48;
    let judge = ChatModel::from_name(&model).and_then(ChatModel::judge_threshold);
    let settings = Settings { top: 5, context_tokens: context + answer_tokens, answer_tokens, judge };

    let mut ttft = Vec::new();
    let mut prompt_tokens = Vec::new();
    let mut prefill = Vec::new();
    let mut decode = Vec::new();
    for _ in 0..rounds {
        for q in QUESTIONS {
            let asked = parasol_qa::ask(&mut generator, &doc, &index, &[], q, &settings, |_| {}).unwrap();
            // The first piece is the abstention when the passages are judged not to answer.
            ttft.push(asked.first_token.unwrap().as_secs_f64());
            let Some(g) = &asked.generation else {
                println!("{q}: judged not to be answered by the passages (log-odds {:?})", asked.support);
                continue;
            };
            prompt_tokens.push(g.prompt_tokens as f64);
            prefill.push(g.prefill_tokens_per_second());
            decode.push(g.decode_tokens_per_second());
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all cores".into());
    let name = gguf.file_name().unwrap().to_string_lossy();
    println!("{name}, {} questions × {rounds}, threads {threads}", QUESTIONS.len());
    println!(
        "prompt tokens (max / median)  {:6.0} / {:.0}  (limit {context})",
        prompt_tokens.iter().copied().fold(0.0, f64::max),
        median(&mut prompt_tokens.clone())
    );
    println!("time to first token (median)  {:8.2} s (max {:.2} s)", median(&mut ttft.clone()), {
        ttft.iter().copied().fold(0.0, f64::max)
    });
    println!("prefill (median)              {:8.1} tokens/s", median(&mut prefill));
    println!("decode (median)               {:8.1} tokens/s", median(&mut decode));
}
