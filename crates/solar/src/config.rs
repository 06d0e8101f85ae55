//! Llama-family hyper-parameters, read from GGUF metadata or a Hugging Face
//! `config.json`.
//!
//! The architectures this crate runs (Llama, Mistral, SOLAR, SmolLM2 and
//! Qwen2) share one decoder; what sets them apart is configuration here:
//! how RoPE pairs a head's dimensions, and whether the Q/K/V projections
//! carry biases.

use std::path::Path;

use candle_core::quantized::gguf_file;
use serde::Deserialize;

use crate::error::{Result, SolarError};

/// How rotary embeddings pair the dimensions of a head.
///
/// llama.cpp's converter permutes the rows of Q and K of `llama` models so
/// that the interleaved ("normal") rotation applies; Hugging Face
/// checkpoints, and GGUF files of architectures the converter does not
/// permute (`qwen2`, whose llama.cpp rope type is NEOX), rotate the two
/// halves of each head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RopeStyle {
    /// Pairs (2i, 2i+1): GGUF `llama` files, whose Q/K rows llama.cpp permuted.
    Interleaved,
    /// Pairs (i, i + d/2): Hugging Face `rotate_half`, llama.cpp's NEOX mode.
    Halves,
}

/// The shape of a Llama-architecture decoder (Llama 2/3, Mistral without
/// sliding windows, SmolLM2, SOLAR-10.7B, Qwen2 and Qwen2.5).
#[derive(Debug, Clone, PartialEq)]
pub struct LlamaConfig {
    pub hidden_size: usize,
    pub intermediate_size: usize,
    pub num_layers: usize,
    pub num_heads: usize,
    pub num_kv_heads: usize,
    pub head_dim: usize,
    pub vocab_size: usize,
    pub rope_theta: f32,
    pub rms_norm_eps: f64,
    /// The longest sequence (prompt plus generated tokens) the model handles.
    pub context_length: usize,
    pub tie_word_embeddings: bool,
    /// How RoPE pairs dimensions for these weights.
    pub rope_style: RopeStyle,
    /// Whether the Q, K and V projections add a bias (Qwen2).
    pub qkv_bias: bool,
}

impl LlamaConfig {
    /// SOLAR-10.7B (Upstage): Mistral-7B depth up-scaled from 32 to 48 layers.
    pub fn solar_10_7b() -> Self {
        Self {
            hidden_size: 4096,
            intermediate_size: 14336,
            num_layers: 48,
            num_heads: 32,
            num_kv_heads: 8,
            head_dim: 128,
            vocab_size: 32000,
            rope_theta: 10_000.0,
            rms_norm_eps: 1e-5,
            context_length: 4096,
            tie_word_embeddings: false,
            rope_style: RopeStyle::Halves,
            qkv_bias: false,
        }
    }

    /// Number of parameters implied by the shape (embeddings counted once when tied).
    pub fn num_parameters(&self) -> usize {
        let h = self.hidden_size;
        let q = self.num_heads * self.head_dim;
        let kv = self.num_kv_heads * self.head_dim;
        let bias = if self.qkv_bias { q + 2 * kv } else { 0 };
        let attn = h * q + 2 * h * kv + q * h + bias;
        let mlp = 3 * h * self.intermediate_size;
        let per_layer = attn + mlp + 2 * h;
        let embed = self.vocab_size * h;
        let head = if self.tie_word_embeddings { 0 } else { embed };
        embed + head + self.num_layers * per_layer + h
    }

    pub(crate) fn validate(&self, path: &Path) -> Result<()> {
        let bad = |reason: String| Err(SolarError::invalid(path, reason));
        if self.num_heads == 0 || self.num_kv_heads == 0 || self.num_layers == 0 || self.head_dim == 0 {
            return bad(format!("degenerate shape {self:?}"));
        }
        if !self.num_heads.is_multiple_of(self.num_kv_heads) {
            return bad(format!("{} heads not a multiple of {} kv heads", self.num_heads, self.num_kv_heads));
        }
        if !self.head_dim.is_multiple_of(2) {
            return bad(format!("odd head dimension {}", self.head_dim));
        }
        Ok(())
    }

    /// Reads the `{arch}.*` keys of a GGUF file whose `general.architecture`
    /// is `llama`, `mistral` or `qwen2`.
    pub fn from_gguf(content: &gguf_file::Content, path: &Path) -> Result<Self> {
        let arch = gguf_string(content, "general.architecture").unwrap_or_default();
        // As llama.cpp's `llama_rope_type`: NORM for llama, NEOX for qwen2;
        // qwen2 adds biases to Q, K and V (`blk.N.attn_{q,k,v}.bias`).
        let (rope_style, qkv_bias) = match arch.as_str() {
            "llama" | "mistral" => (RopeStyle::Interleaved, false),
            "qwen2" => (RopeStyle::Halves, true),
            _ => {
                return Err(SolarError::unsupported(
                    path,
                    format!("architecture {arch:?} is not llama, mistral or qwen2"),
                ))
            }
        };
        let get = |key: &str| -> Result<usize> {
            let full = format!("{arch}.{key}");
            let value = content
                .metadata
                .get(&full)
                .ok_or_else(|| SolarError::invalid(path, format!("missing metadata {full}")))?;
            gguf_usize(value)
                .ok_or_else(|| SolarError::invalid(path, format!("metadata {full} is not an integer")))
        };
        let get_f =
            |key: &str| -> Option<f64> { content.metadata.get(&format!("{arch}.{key}")).and_then(gguf_f64) };
        let hidden_size = get("embedding_length")?;
        let num_heads = get("attention.head_count")?;
        let num_kv_heads = get("attention.head_count_kv").unwrap_or(num_heads);
        let head_dim = get("attention.key_length")
            .or_else(|_| get("rope.dimension_count"))
            .unwrap_or(hidden_size / num_heads.max(1));
        let vocab_size = match get("vocab_size") {
            Ok(v) => v,
            Err(_) => content
                .metadata
                .get("tokenizer.ggml.tokens")
                .and_then(|v| v.to_vec().ok())
                .map(Vec::len)
                .ok_or_else(|| SolarError::invalid(path, "no vocabulary size"))?,
        };
        let config = Self {
            hidden_size,
            intermediate_size: get("feed_forward_length")?,
            num_layers: get("block_count")?,
            num_heads,
            num_kv_heads,
            head_dim,
            vocab_size,
            rope_theta: get_f("rope.freq_base").unwrap_or(10_000.0) as f32,
            rms_norm_eps: get_f("attention.layer_norm_rms_epsilon").unwrap_or(1e-5),
            context_length: get("context_length").unwrap_or(4096),
            tie_word_embeddings: !content.tensor_infos.contains_key("output.weight"),
            rope_style,
            qkv_bias,
        };
        if get("expert_count").unwrap_or(0) > 1 {
            return Err(SolarError::unsupported(path, "mixture-of-experts models are not supported"));
        }
        config.validate(path)?;
        Ok(config)
    }

    /// Reads a Hugging Face `config.json` (`LlamaForCausalLM` or `MistralForCausalLM`).
    pub fn from_hf_json(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| SolarError::io(path, e))?;
        let hf: HfConfig = serde_json::from_str(&text)
            .map_err(|source| SolarError::Json { path: path.to_owned(), source })?;
        if let Some(archs) = &hf.architectures {
            if !archs.iter().any(|a| a == "LlamaForCausalLM" || a == "MistralForCausalLM") {
                return Err(SolarError::unsupported(path, format!("architectures {archs:?}")));
            }
        }
        if hf.rope_scaling.as_ref().is_some_and(|v| !v.is_null()) {
            return Err(SolarError::unsupported(path, "rope_scaling is not supported"));
        }
        // transformers ≥ 5 writes `rope_parameters` instead of `rope_theta`.
        let params = hf.rope_parameters.as_ref();
        if let Some(kind) = params.and_then(|p| p.get("rope_type")).and_then(|t| t.as_str()) {
            if kind != "default" {
                return Err(SolarError::unsupported(path, format!("rope_type {kind:?}")));
            }
        }
        let nested_theta =
            params.and_then(|p| p.get("rope_theta")).and_then(|t| t.as_f64()).map(|t| t as f32);
        let num_kv_heads = hf.num_key_value_heads.unwrap_or(hf.num_attention_heads);
        let config = Self {
            hidden_size: hf.hidden_size,
            intermediate_size: hf.intermediate_size,
            num_layers: hf.num_hidden_layers,
            num_heads: hf.num_attention_heads,
            num_kv_heads,
            head_dim: hf.head_dim.unwrap_or(hf.hidden_size / hf.num_attention_heads.max(1)),
            vocab_size: hf.vocab_size,
            rope_theta: hf.rope_theta.or(nested_theta).unwrap_or(10_000.0),
            rms_norm_eps: hf.rms_norm_eps.unwrap_or(1e-6),
            context_length: hf.max_position_embeddings.unwrap_or(4096),
            tie_word_embeddings: hf.tie_word_embeddings.unwrap_or(false),
            rope_style: RopeStyle::Halves,
            qkv_bias: false,
        };
        config.validate(path)?;
        Ok(config)
    }
}

/// The fields of a Hugging Face Llama `config.json` that shape the network.
#[derive(Debug, Deserialize)]
struct HfConfig {
    architectures: Option<Vec<String>>,
    hidden_size: usize,
    intermediate_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    num_key_value_heads: Option<usize>,
    head_dim: Option<usize>,
    vocab_size: usize,
    rope_theta: Option<f32>,
    rms_norm_eps: Option<f64>,
    max_position_embeddings: Option<usize>,
    tie_word_embeddings: Option<bool>,
    rope_scaling: Option<serde_json::Value>,
    rope_parameters: Option<serde_json::Value>,
}

pub(crate) fn gguf_string(content: &gguf_file::Content, key: &str) -> Option<String> {
    content.metadata.get(key).and_then(|v| v.to_string().ok()).cloned()
}

pub(crate) fn gguf_usize(value: &gguf_file::Value) -> Option<usize> {
    use gguf_file::Value as V;
    let v: i128 = match value {
        V::U8(v) => (*v).into(),
        V::I8(v) => (*v).into(),
        V::U16(v) => (*v).into(),
        V::I16(v) => (*v).into(),
        V::U32(v) => (*v).into(),
        V::I32(v) => (*v).into(),
        V::U64(v) => (*v).into(),
        V::I64(v) => (*v).into(),
        _ => return None,
    };
    usize::try_from(v).ok()
}

pub(crate) fn gguf_f64(value: &gguf_file::Value) -> Option<f64> {
    use gguf_file::Value as V;
    match value {
        V::F32(v) => Some((*v).into()),
        V::F64(v) => Some(*v),
        other => gguf_usize(other).map(|v| v as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solar_shape_has_10_7b_parameters() {
        let n = LlamaConfig::solar_10_7b().num_parameters();
        assert!((10_650_000_000..10_750_000_000).contains(&n), "{n}");
    }

    #[test]
    fn solar_config_json_parses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, include_str!("../tests/data/solar-10.7b-config.json")).unwrap();
        assert_eq!(LlamaConfig::from_hf_json(&path).unwrap(), LlamaConfig::solar_10_7b());
    }
}
