//! Numerical parity with transformers on a tiny random Llama checkpoint
//! (f32 safetensors; `scripts/solar/tiny_llama_reference.py`).

#![allow(clippy::unwrap_used)] // Helpers outside #[test] functions.

mod common;

use candle_core::DType;
use parasol_solar::Llama;

/// ‖a − b‖∞ / ‖b‖∞ over a row.
fn relative_error(a: &[f32], b: &[f32]) -> f32 {
    let diff = a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0f32, f32::max);
    let scale = b.iter().map(|y| y.abs()).fold(0f32, f32::max);
    diff / scale
}

fn reference() -> (Vec<u32>, Vec<Vec<f32>>, Vec<u32>) {
    let r = common::read_json("tiny-llama/reference.json");
    let logits = r["logits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row.as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect())
        .collect();
    (common::ids(&r["ids"]), logits, common::ids(&r["greedy"]))
}

fn load() -> Llama {
    Llama::from_safetensors(&common::data("tiny-llama"), DType::F32).unwrap()
}

#[test]
fn prefill_logits_match_transformers() {
    let (ids, expect, _) = reference();
    let mut model = load();
    let got = model.forward_all(&ids).unwrap().to_vec2::<f32>().unwrap();
    assert_eq!(got.len(), expect.len());
    for (pos, (g, e)) in got.iter().zip(&expect).enumerate() {
        let err = relative_error(g, e);
        assert!(err <= 1e-4, "position {pos}: relative error {err:e}");
    }
}

#[test]
fn cached_decoding_matches_transformers() {
    let (ids, expect, _) = reference();
    let mut model = load();
    // A prefill of 5 then one token at a time through the KV cache.
    let first = model.forward_all(&ids[..5]).unwrap().to_vec2::<f32>().unwrap();
    let mut rows = first;
    for &id in &ids[5..] {
        rows.push(model.forward(&[id]).unwrap().to_vec1::<f32>().unwrap());
    }
    for (pos, (g, e)) in rows.iter().zip(&expect).enumerate() {
        let err = relative_error(g, e);
        assert!(err <= 1e-4, "position {pos}: relative error {err:e}");
    }
}

#[test]
fn greedy_continuation_matches_transformers() {
    let (ids, _, greedy) = reference();
    let mut model = load();
    let mut logits = model.forward(&ids).unwrap();
    let mut got = Vec::new();
    for _ in 0..greedy.len() {
        let id = parasol_solar::model::argmax(&logits).unwrap();
        got.push(id);
        logits = model.forward(&[id]).unwrap();
    }
    assert_eq!(got, greedy);
}

#[test]
fn context_is_enforced_by_the_model() {
    let mut model = load();
    let ids = vec![5u32; model.config.context_length + 1];
    assert!(matches!(model.forward(&ids), Err(parasol_solar::SolarError::ContextOverflow { .. })));
}
