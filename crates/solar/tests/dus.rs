//! Depth Up-Scaling on generated checkpoints: every output tensor is the
//! right source tensor, the SOLAR recipe (32 layers, drop 8) gives 48 layers
//! in the paper's order, and the result loads and generates.

#![allow(clippy::unwrap_used)] // Helpers outside #[test] functions.

mod common;

use std::path::Path;

use candle_core::DType;
use parasol_solar::checkpoint::{Checkpoint, SafetensorsWriter};
use parasol_solar::dus::{depth_up_scale, layer_sources};
use parasol_solar::Llama;

struct Shape {
    layers: usize,
    hidden: usize,
    inter: usize,
    heads: usize,
    kv_heads: usize,
    vocab: usize,
}

/// Writes a random f32 Llama checkpoint whose every tensor is distinct.
fn write_checkpoint(dir: &Path, s: &Shape) {
    let head_dim = s.hidden / s.heads;
    let mut plan = vec![("model.embed_tokens.weight".to_string(), vec![s.vocab, s.hidden])];
    for i in 0..s.layers {
        let p = format!("model.layers.{i}");
        plan.push((format!("{p}.input_layernorm.weight"), vec![s.hidden]));
        plan.push((format!("{p}.self_attn.q_proj.weight"), vec![s.hidden, s.hidden]));
        plan.push((format!("{p}.self_attn.k_proj.weight"), vec![s.kv_heads * head_dim, s.hidden]));
        plan.push((format!("{p}.self_attn.v_proj.weight"), vec![s.kv_heads * head_dim, s.hidden]));
        plan.push((format!("{p}.self_attn.o_proj.weight"), vec![s.hidden, s.hidden]));
        plan.push((format!("{p}.post_attention_layernorm.weight"), vec![s.hidden]));
        plan.push((format!("{p}.mlp.gate_proj.weight"), vec![s.inter, s.hidden]));
        plan.push((format!("{p}.mlp.up_proj.weight"), vec![s.inter, s.hidden]));
        plan.push((format!("{p}.mlp.down_proj.weight"), vec![s.hidden, s.inter]));
    }
    plan.push(("model.norm.weight".into(), vec![s.hidden]));
    plan.push(("lm_head.weight".into(), vec![s.vocab, s.hidden]));
    std::fs::create_dir_all(dir).unwrap();
    let mut w = SafetensorsWriter::create(
        &dir.join("model.safetensors"),
        plan.iter().map(|(n, shape)| (n.clone(), "F32".to_string(), shape.clone())).collect(),
    )
    .unwrap();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for (name, shape) in &plan {
        let len: usize = shape.iter().product();
        let norm = name.contains("norm");
        let raw: Vec<u8> = (0..len)
            .flat_map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let u = (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                let v = if norm { 1.0 + 0.2 * u } else { 0.3 * u };
                v.to_le_bytes()
            })
            .collect();
        w.write_next(name, &raw).unwrap();
    }
    w.finish().unwrap();
    let config = serde_json::json!({
        "architectures": ["LlamaForCausalLM"],
        "hidden_size": s.hidden,
        "intermediate_size": s.inter,
        "num_hidden_layers": s.layers,
        "num_attention_heads": s.heads,
        "num_key_value_heads": s.kv_heads,
        "vocab_size": s.vocab,
        "max_position_embeddings": 64,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "tie_word_embeddings": false,
        "model_type": "llama",
        "custom_field": "kept",
    });
    std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
}

/// Asserts that `out` is `base` depth up-scaled with `drop`, tensor by tensor.
#[track_caller]
fn check_upscaled(base: &Path, out: &Path, n: usize, drop: usize) {
    let src = Checkpoint::open(base).unwrap();
    let dst = Checkpoint::open(out).unwrap();
    let sources = layer_sources(n, drop).unwrap();
    assert_eq!(sources.len(), 2 * (n - drop));
    let per_layer = src.index.keys().filter(|k| k.starts_with("model.layers.0.")).count();
    let outside = src.index.len() - n * per_layer;
    assert_eq!(dst.index.len(), outside + sources.len() * per_layer);
    for name in dst.index.keys() {
        let from = match name.strip_prefix("model.layers.") {
            Some(rest) => {
                let (i, tail) = rest.split_once('.').unwrap();
                format!("model.layers.{}.{tail}", sources[i.parse::<usize>().unwrap()])
            }
            None => name.clone(),
        };
        let a = dst.file_of(name).unwrap().read_raw(name).unwrap();
        let b = src.file_of(&from).unwrap().read_raw(&from).unwrap();
        assert!(a == b, "{name} is not {from}");
        assert_eq!(
            dst.file_of(name).unwrap().info(name).unwrap().shape,
            src.file_of(&from).unwrap().info(&from).unwrap().shape
        );
    }
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["num_hidden_layers"], 2 * (n - drop));
}

#[test]
fn every_output_tensor_is_its_source_and_the_result_generates() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, out) = (tmp.path().join("base"), tmp.path().join("dus"));
    let shape = Shape { layers: 6, hidden: 32, inter: 64, heads: 4, kv_heads: 2, vocab: 50 };
    write_checkpoint(&base, &shape);
    let report = depth_up_scale(&base, 2, &out).unwrap();
    assert_eq!((report.base_layers, report.layers), (6, 8));
    assert_eq!(report.sources, [0, 1, 2, 3, 2, 3, 4, 5]);
    check_upscaled(&base, &out, 6, 2);
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["custom_field"], "kept");

    let mut model = Llama::from_safetensors(&out, DType::F32).unwrap();
    assert_eq!(model.config.num_layers, 8);
    let mut logits = model.forward(&[1, 2, 3]).unwrap();
    for _ in 0..5 {
        let id = parasol_solar::model::argmax(&logits).unwrap();
        assert!((id as usize) < shape.vocab);
        logits = model.forward(&[id]).unwrap();
    }
    assert!(logits.to_vec1::<f32>().unwrap().iter().all(|v| v.is_finite()));
}

#[test]
fn solar_recipe_32_layers_drop_8_gives_48_in_the_papers_order() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, out) = (tmp.path().join("base"), tmp.path().join("dus"));
    let shape = Shape { layers: 32, hidden: 16, inter: 32, heads: 2, kv_heads: 1, vocab: 20 };
    write_checkpoint(&base, &shape);
    let report = depth_up_scale(&base, 8, &out).unwrap();
    assert_eq!(report.layers, 48);
    let expect: Vec<usize> = (0..24).chain(8..32).collect();
    assert_eq!(report.sources, expect);
    check_upscaled(&base, &out, 32, 8);
    let model = Llama::from_safetensors(&out, DType::F32).unwrap();
    assert_eq!(model.config.num_layers, 48);
}

#[test]
fn transformers_checkpoint_upscales_and_generates() {
    let tmp = tempfile::tempdir().unwrap();
    let base = common::data("tiny-llama");
    let out = tmp.path().join("dus");
    depth_up_scale(&base, 1, &out).unwrap();
    check_upscaled(&base, &out, 3, 1);
    let mut model = Llama::from_safetensors(&out, DType::F32).unwrap();
    assert_eq!(model.config.num_layers, 4);
    let logits = model.forward(&[1, 17, 42]).unwrap();
    assert!(logits.to_vec1::<f32>().unwrap().iter().all(|v| v.is_finite()));
}

#[test]
fn dropping_too_many_layers_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = depth_up_scale(&common::data("tiny-llama"), 3, &tmp.path().join("x")).unwrap_err();
    assert!(matches!(err, parasol_solar::SolarError::Dus(_)), "{err}");
}
