//! The Llama decoder: GGUF (quantized) weights evaluated with llama.cpp's
//! arithmetic ([`crate::ggml`]), safetensors (dense) weights on candle with
//! transformers' arithmetic, behind one type with a KV cache.
//!
//! Architectures differ only in configuration ([`LlamaConfig`]): which
//! [`RopeStyle`] the weights expect (llama.cpp's converter permutes the Q
//! and K rows of `llama` GGUFs for the interleaved rotation; Hugging Face
//! checkpoints and `qwen2` GGUFs rotate halves) and whether Q, K and V
//! carry biases (Qwen2).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

use candle_core::quantized::{gguf_file, QMatMul, QTensor};
use candle_core::{DType, Device, Module, Tensor, D};
use candle_nn::kv_cache::KvCache;

use crate::checkpoint::Checkpoint;
use crate::config::LlamaConfig;
pub use crate::config::RopeStyle;
use crate::error::{Result, SolarError};
use crate::ggml::{self, GgmlModel, Weights};

/// KV caches grow in steps of this many positions.
const KV_CHUNK: usize = 512;

#[derive(Debug)]
struct Layer {
    wq: QMatMul,
    wk: QMatMul,
    wv: QMatMul,
    wo: QMatMul,
    gate: QMatMul,
    up: QMatMul,
    down: QMatMul,
    attn_norm: Tensor,
    ffn_norm: Tensor,
    cache: KvCache,
}

/// A loaded Llama-family model and its KV cache.
#[derive(Debug)]
pub struct Llama {
    pub config: LlamaConfig,
    imp: Imp,
}

#[derive(Debug)]
enum Imp {
    Ggml(GgmlModel),
    Dense(Dense),
}

/// A safetensors model on candle.
#[derive(Debug)]
struct Dense {
    embed: Tensor,
    layers: Vec<Layer>,
    norm: Tensor,
    lm_head: QMatMul,
    cos: Tensor,
    sin: Tensor,
    pos: usize,
    device: Device,
}

impl Llama {
    /// Loads the weights of an opened GGUF file.
    pub fn from_gguf(content: &gguf_file::Content, path: &Path) -> Result<Self> {
        let config = LlamaConfig::from_gguf(content, path)?;
        let device = Device::Cpu;
        let file = File::open(path).map_err(|e| SolarError::io(path, e))?;
        let mut reader = BufReader::new(file);
        let mut tensor = |name: &str| -> Result<Arc<QTensor>> {
            let t = content
                .tensor(&mut reader, name, &device)
                .map_err(|e| SolarError::invalid(path, format!("tensor {name}: {e}")))?;
            Ok(Arc::new(t))
        };
        let vector = |t: Arc<QTensor>| -> Result<Vec<f32>> {
            Ok(t.dequantize(&Device::Cpu)?.flatten_all()?.to_vec1::<f32>()?)
        };
        let output_norm = vector(tensor("output_norm.weight")?)?;
        let mut layers = Vec::with_capacity(config.num_layers);
        for i in 0..config.num_layers {
            let bias = if config.qkv_bias {
                let mut b = |n: &str| vector(tensor(&format!("blk.{i}.{n}.bias"))?);
                Some([b("attn_q")?, b("attn_k")?, b("attn_v")?])
            } else {
                None
            };
            let mut w = |n: &str| tensor(&format!("blk.{i}.{n}.weight"));
            let (attn_norm, ffn_norm) = (vector(w("attn_norm")?)?, vector(w("ffn_norm")?)?);
            let mut w = |n: &str| Weights::new(w(n)?, path);
            let layer = ggml::Layer::new(
                attn_norm,
                ffn_norm,
                w("attn_q")?,
                w("attn_k")?,
                w("attn_v")?,
                w("attn_output")?,
                w("ffn_gate")?,
                w("ffn_up")?,
                w("ffn_down")?,
            );
            layers.push(match bias {
                Some(bias) => layer.with_qkv_bias(bias),
                None => layer,
            });
        }
        let embed = Weights::new(tensor("token_embd.weight")?, path)?;
        let output = if config.tie_word_embeddings {
            None
        } else {
            Some(Weights::new(tensor("output.weight")?, path)?)
        };
        let model = GgmlModel::new(config.clone(), embed, output, output_norm, layers, path)?;
        Ok(Self { config, imp: Imp::Ggml(model) })
    }

    /// Loads a Hugging Face checkpoint directory (`config.json` plus
    /// `model.safetensors` or sharded safetensors) in `dtype`.
    pub fn from_safetensors(dir: &Path, dtype: DType) -> Result<Self> {
        let config = LlamaConfig::from_hf_json(&dir.join("config.json"))?;
        let device = Device::Cpu;
        let ckpt = Checkpoint::open(dir)?;
        let load = |name: &str| ckpt.load(name, dtype, &device);
        let embed = load("model.embed_tokens.weight")?;
        let lm_head = if ckpt.contains("lm_head.weight") && !config.tie_word_embeddings {
            load("lm_head.weight")?
        } else {
            embed.clone()
        };
        let mut layers = Vec::with_capacity(config.num_layers);
        for i in 0..config.num_layers {
            let p = format!("model.layers.{i}");
            let w = |n: &str| -> Result<QMatMul> { Ok(QMatMul::Tensor(load(&format!("{p}.{n}.weight"))?)) };
            let f32w =
                |n: &str| -> Result<Tensor> { ckpt.load(&format!("{p}.{n}.weight"), DType::F32, &device) };
            layers.push(Layer {
                wq: w("self_attn.q_proj")?,
                wk: w("self_attn.k_proj")?,
                wv: w("self_attn.v_proj")?,
                wo: w("self_attn.o_proj")?,
                gate: w("mlp.gate_proj")?,
                up: w("mlp.up_proj")?,
                down: w("mlp.down_proj")?,
                attn_norm: f32w("input_layernorm")?,
                ffn_norm: f32w("post_attention_layernorm")?,
                cache: KvCache::new(2, KV_CHUNK),
            });
        }
        let norm = ckpt.load("model.norm.weight", DType::F32, &device)?;
        let (cos, sin) = rope_tables(&config, &device)?;
        let dense =
            Dense { embed, layers, norm, lm_head: QMatMul::Tensor(lm_head), cos, sin, pos: 0, device };
        dense.check_shapes(&config, &dir.join("model.safetensors"))?;
        Ok(Self { config, imp: Imp::Dense(dense) })
    }

    /// Positions already in the KV cache.
    pub fn position(&self) -> usize {
        match &self.imp {
            Imp::Ggml(m) => m.position(),
            Imp::Dense(m) => m.pos,
        }
    }

    /// Empties the KV cache, for a new, unrelated prompt.
    pub fn reset(&mut self) {
        match &mut self.imp {
            Imp::Ggml(m) => m.truncate(0),
            Imp::Dense(m) => m.reset(),
        }
    }

    /// Drops cached positions from `pos` on, keeping the common prefix of a
    /// previous prompt.
    pub fn truncate(&mut self, pos: usize) -> Result<()> {
        match &mut self.imp {
            Imp::Ggml(m) => {
                m.truncate(pos);
                Ok(())
            }
            Imp::Dense(m) => m.truncate(pos),
        }
    }

    /// Runs `tokens` through the model at the current position, extends the
    /// KV cache and returns the logits of the last token, shape `[vocab]`.
    pub fn forward(&mut self, tokens: &[u32]) -> Result<Tensor> {
        let logits = self.run(tokens, false)?;
        Ok(logits.squeeze(0)?)
    }

    /// Like [`Llama::forward`] but returns the logits of every position,
    /// shape `[tokens, vocab]` (for parity checks and scoring).
    pub fn forward_all(&mut self, tokens: &[u32]) -> Result<Tensor> {
        self.run(tokens, true)
    }

    fn run(&mut self, tokens: &[u32], all: bool) -> Result<Tensor> {
        let seq = tokens.len();
        if seq == 0 {
            return Err(SolarError::EmptyPrompt);
        }
        if self.position() + seq > self.config.context_length {
            return Err(SolarError::ContextOverflow {
                prompt: self.position() + seq,
                max_tokens: 0,
                context: self.config.context_length,
            });
        }
        if let Some(&bad) = tokens.iter().find(|&&t| t as usize >= self.config.vocab_size) {
            return Err(SolarError::Tokenizer(format!("token id {bad} outside the vocabulary")));
        }
        match &mut self.imp {
            Imp::Ggml(m) => {
                let logits = m.forward(tokens, all)?;
                let rows = logits.len() / self.config.vocab_size;
                Ok(Tensor::from_vec(logits, (rows, self.config.vocab_size), &Device::Cpu)?)
            }
            Imp::Dense(m) => m.run(&self.config, tokens, all),
        }
    }
}

impl Dense {
    /// Checks the norm shapes against the config (projections are checked
    /// by matmul on first use; a wrong embedding width would show here).
    fn check_shapes(&self, config: &LlamaConfig, path: &Path) -> Result<()> {
        let h = config.hidden_size;
        let bad = |what: &str, dims: &[usize]| {
            SolarError::invalid(path, format!("{what} has shape {dims:?}, hidden {h}"))
        };
        if self.norm.dims() != [h] {
            return Err(bad("final norm", self.norm.dims()));
        }
        for layer in &self.layers {
            if layer.attn_norm.dims() != [h] || layer.ffn_norm.dims() != [h] {
                return Err(bad("layer norm", layer.attn_norm.dims()));
            }
        }
        Ok(())
    }

    fn reset(&mut self) {
        for layer in &mut self.layers {
            layer.cache.reset();
        }
        self.pos = 0;
    }

    fn truncate(&mut self, pos: usize) -> Result<()> {
        if pos >= self.pos {
            return Ok(());
        }
        if pos == 0 {
            self.reset();
            return Ok(());
        }
        for layer in &mut self.layers {
            let k = layer.cache.k()?.map(|k| k.narrow(2, 0, pos)).transpose()?;
            let v = layer.cache.v()?.map(|v| v.narrow(2, 0, pos)).transpose()?;
            layer.cache.reset();
            if let (Some(k), Some(v)) = (k, v) {
                layer.cache.append(&k.contiguous()?, &v.contiguous()?)?;
            }
        }
        self.pos = pos;
        Ok(())
    }

    fn run(&mut self, config: &LlamaConfig, tokens: &[u32], all: bool) -> Result<Tensor> {
        let seq = tokens.len();
        let ids = Tensor::new(tokens, &self.device)?;
        let mut x = self.embed.index_select(&ids, 0)?.to_dtype(DType::F32)?.unsqueeze(0)?;
        let cos = self.cos.narrow(0, self.pos, seq)?;
        let sin = self.sin.narrow(0, self.pos, seq)?;
        let mask = if seq > 1 { Some(causal_mask(seq, self.pos, &self.device)?) } else { None };
        let eps = config.rms_norm_eps as f32;
        let shape = AttnShape::new(config, seq);
        for layer in &mut self.layers {
            let h = candle_nn::ops::rms_norm(&x, &layer.attn_norm, eps)?;
            let attn = attention(layer, &h, &shape, &cos, &sin, mask.as_ref())?;
            x = (x + attn)?;
            let h = candle_nn::ops::rms_norm(&x, &layer.ffn_norm, eps)?;
            let gate = candle_nn::ops::silu(&layer.gate.forward(&h)?)?;
            let mlp = layer.down.forward(&(gate * layer.up.forward(&h)?)?)?;
            x = (x + mlp)?;
        }
        self.pos += seq;
        let x = if all { x } else { x.narrow(1, seq - 1, 1)? };
        let x = candle_nn::ops::rms_norm(&x, &self.norm, eps)?;
        let logits = self.lm_head.forward(&x)?.squeeze(0)?;
        Ok(logits.to_dtype(DType::F32)?)
    }
}

#[derive(Debug)]
struct AttnShape {
    seq: usize,
    heads: usize,
    kv_heads: usize,
    head_dim: usize,
    scale: f64,
}

impl AttnShape {
    fn new(c: &LlamaConfig, seq: usize) -> Self {
        Self {
            seq,
            heads: c.num_heads,
            kv_heads: c.num_kv_heads,
            head_dim: c.head_dim,
            scale: 1.0 / (c.head_dim as f64).sqrt(),
        }
    }
}

/// Grouped-query attention with the KV cache.
///
/// Instead of repeating K and V for every query head, the query heads that
/// share a KV head are stacked along the sequence axis, so one batched
/// matmul per KV head does the work without copies.
fn attention(
    layer: &mut Layer,
    x: &Tensor,
    s: &AttnShape,
    cos: &Tensor,
    sin: &Tensor,
    mask: Option<&Tensor>,
) -> Result<Tensor> {
    let (b, seq) = (1, s.seq);
    let rotate =
        |t: Tensor| -> Result<Tensor> { Ok(candle_nn::rotary_emb::rope(&t.contiguous()?, cos, sin)?) };
    let q = layer.wq.forward(x)?.reshape((b, seq, s.heads, s.head_dim))?.transpose(1, 2)?;
    let k = layer.wk.forward(x)?.reshape((b, seq, s.kv_heads, s.head_dim))?.transpose(1, 2)?;
    let v = layer.wv.forward(x)?.reshape((b, seq, s.kv_heads, s.head_dim))?.transpose(1, 2)?;
    let q = rotate(q)?;
    let k = rotate(k)?;
    let v = v.contiguous()?;
    let (k, v) = layer.cache.append(&k, &v)?;
    let kv_len = k.dim(2)?;
    let rep = s.heads / s.kv_heads;
    let q = q.reshape((b, s.kv_heads, rep * seq, s.head_dim))?;
    let att = (q.matmul(&k.t()?)? * s.scale)?;
    let att = match mask {
        Some(mask) => att.reshape((b, s.kv_heads, rep, seq, kv_len))?.broadcast_add(mask)?.reshape((
            b,
            s.kv_heads,
            rep * seq,
            kv_len,
        ))?,
        None => att,
    };
    let att = candle_nn::ops::softmax_last_dim(&att)?;
    let y = att.matmul(&v)?;
    let y =
        y.reshape((b, s.heads, seq, s.head_dim))?.transpose(1, 2)?.reshape((b, seq, s.heads * s.head_dim))?;
    Ok(layer.wo.forward(&y)?)
}

/// Additive causal mask of shape `[seq, pos + seq]` for queries starting at `pos`.
fn causal_mask(seq: usize, pos: usize, device: &Device) -> Result<Tensor> {
    let kv = pos + seq;
    let data: Vec<f32> = (0..seq)
        .flat_map(|i| (0..kv).map(move |j| if j > pos + i { f32::NEG_INFINITY } else { 0.0 }))
        .collect();
    Ok(Tensor::from_vec(data, (seq, kv), device)?)
}

/// cos and sin tables, `[context, head_dim / 2]`, computed as transformers
/// does: inverse frequencies in f32, then positions times frequencies.
fn rope_tables(c: &LlamaConfig, device: &Device) -> Result<(Tensor, Tensor)> {
    let half = c.head_dim / 2;
    let inv: Vec<f32> =
        (0..half).map(|i| 1.0 / c.rope_theta.powf((2 * i) as f32 / c.head_dim as f32)).collect();
    let inv = Tensor::from_vec(inv, (1, half), device)?;
    let pos =
        Tensor::arange(0u32, c.context_length as u32, device)?.to_dtype(DType::F32)?.reshape(((), 1))?;
    let freqs = pos.broadcast_mul(&inv)?;
    Ok((freqs.cos()?, freqs.sin()?))
}

/// The index of the largest logit.
pub fn argmax(logits: &Tensor) -> Result<u32> {
    Ok(logits.argmax(D::Minus1)?.to_scalar::<u32>()?)
}
