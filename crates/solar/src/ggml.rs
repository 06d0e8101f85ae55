//! GGUF models evaluated with llama.cpp's CPU arithmetic.
//!
//! Greedy decoding is a chain of argmaxes and near-ties are common, so to
//! give llama.cpp's continuation token for token every operation here rounds
//! as ggml's x86 CPU backend does (checked op by op against tensors dumped
//! from llama.cpp with its eval callback, `scripts/solar/ggml_ops_check.py`):
//!
//! - RMS norm: squares summed in f64, `1 / sqrtf(mean + eps)`, `(x·s)·w`;
//! - projections: activations quantized to Q8_1/Q8_0 ([`crate::quant`]);
//! - RoPE: angles multiplied pair by pair by `powf(base, -2/d)` and the
//!   rotation contracted into fused multiply-adds, as GCC compiles it;
//! - K and V cached in f16; Q and the attention weights rounded to f16 for
//!   the products with them;
//! - Q·K and P·V: in a batch of two or more tokens llamafile's tinyBLAS (one
//!   16-lane FMA chain, then a tree sum), for a single token
//!   `ggml_vec_dot_f16` (four 16-lane chains, summed in pairs);
//! - softmax: ggml's vectorised `expf` approximation in 16-lane blocks, block
//!   sums accumulated in f64, scaled by the f32 reciprocal;
//! - SwiGLU: `x / (1 + exp(-x))` with the same approximation, times `up`.
//!
//! Q4_K and Q6_K weights (a `Q4_K_M` file's) use [`crate::kquant`], which
//! follows ggml's layouts but not its repacked kernels' bits; any other
//! quantization type goes through candle's `QMatMul`. Neither claims
//! llama.cpp's bits.

use std::path::Path;
use std::sync::Arc;

use candle_core::quantized::{QMatMul, QTensor};
use candle_core::{Device, Module, Tensor};
use half::f16;
use rayon::prelude::*;

use crate::config::{LlamaConfig, RopeStyle};
use crate::error::{Result, SolarError};
use crate::matmul::{self, QRef, QWeights};

/// SIMD width of ggml's AVX-512 f32 kernels.
const LANES: usize = 16;

/// A `[n, k]` projection or embedding matrix.
#[derive(Debug)]
pub(crate) enum Weights {
    /// Q4_1, Q8_0, Q4_K or Q6_K, with this crate's kernels.
    Own(QWeights),
    /// Any other GGUF type, through candle.
    Candle { tensor: Arc<QTensor>, matmul: QMatMul, n: usize, k: usize },
}

impl Weights {
    pub(crate) fn new(tensor: Arc<QTensor>, path: &Path) -> Result<Self> {
        let (n, k) = tensor.shape().dims2()?;
        if QWeights::supports(tensor.dtype()) {
            let own = QWeights::parse(tensor.dtype(), &tensor.data()?, n, k);
            return own.map(Self::Own).ok_or_else(|| {
                SolarError::invalid(path, format!("{:?} tensor of shape [{n}, {k}]", tensor.dtype()))
            });
        }
        Ok(Self::Candle { matmul: QMatMul::from_arc(tensor.clone())?, tensor, n, k })
    }

    /// Output and input widths.
    pub(crate) fn dims(&self) -> (usize, usize) {
        match self {
            Self::Own(w) => w.as_ref().dims(),
            Self::Candle { n, k, .. } => (*n, *k),
        }
    }

    /// `x` (`[m, k]`) times the transposed weights: `[m, n]`.
    pub(crate) fn matmul(&self, x: &[f32], m: usize) -> Result<Vec<f32>> {
        Ok(match self {
            Self::Own(w) => matmul::matmul_many(&[w.as_ref()], x, m).pop().unwrap_or_default(),
            Self::Candle { matmul, k, .. } => {
                let t = Tensor::from_slice(x, (m, *k), &Device::Cpu)?;
                matmul.forward(&t)?.flatten_all()?.to_vec1()?
            }
        })
    }

    /// Row `id`, dequantized as ggml's `get_rows` does.
    fn row(&self, id: u32, out: &mut [f32]) -> Result<()> {
        match self {
            Self::Own(w) => w.as_ref().dequantize_row(id as usize, out),
            Self::Candle { tensor, .. } => {
                let ids = Tensor::new(&[id], &Device::Cpu)?;
                out.copy_from_slice(&tensor.embedding(&ids)?.flatten_all()?.to_vec1::<f32>()?);
            }
        }
        Ok(())
    }
}

/// The products of one `x` with several matrices; with this crate's
/// kernels in a single parallel region (see [`matmul::matmul_many`]).
fn matmul_many<const N: usize>(ws: [&Weights; N], x: &[f32], m: usize) -> Result<[Vec<f32>; N]> {
    let own: Option<Vec<QRef<'_>>> = ws
        .iter()
        .map(|w| match w {
            Weights::Own(q) => Some(q.as_ref()),
            Weights::Candle { .. } => None,
        })
        .collect();
    let mut outs = match own {
        Some(refs) => matmul::matmul_many(&refs, x, m),
        None => ws.iter().map(|w| w.matmul(x, m)).collect::<Result<Vec<_>>>()?,
    };
    Ok(std::array::from_fn(|i| std::mem::take(&mut outs[i])))
}

/// One decoder layer with its KV cache. The cache holds f16 values widened
/// to f32 (exactly), `[position, kv_heads · head_dim]`.
#[derive(Debug)]
pub(crate) struct Layer {
    pub attn_norm: Vec<f32>,
    pub ffn_norm: Vec<f32>,
    pub q: Weights,
    pub k: Weights,
    pub v: Weights,
    pub o: Weights,
    pub gate: Weights,
    pub up: Weights,
    pub down: Weights,
    /// Biases of Q, K and V (Qwen2), added after the products.
    pub qkv_bias: Option<[Vec<f32>; 3]>,
    k_cache: Vec<f32>,
    v_cache: Vec<f32>,
}

impl Layer {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        attn_norm: Vec<f32>,
        ffn_norm: Vec<f32>,
        q: Weights,
        k: Weights,
        v: Weights,
        o: Weights,
        gate: Weights,
        up: Weights,
        down: Weights,
    ) -> Self {
        Self {
            attn_norm,
            ffn_norm,
            q,
            k,
            v,
            o,
            gate,
            up,
            down,
            qkv_bias: None,
            k_cache: Vec::new(),
            v_cache: Vec::new(),
        }
    }

    /// The same layer with biases on Q, K and V (in that order).
    pub(crate) fn with_qkv_bias(self, bias: [Vec<f32>; 3]) -> Self {
        Self { qkv_bias: Some(bias), ..self }
    }
}

/// A GGUF Llama evaluated the way llama.cpp's CPU backend evaluates it.
#[derive(Debug)]
pub(crate) struct GgmlModel {
    config: LlamaConfig,
    embed: Weights,
    /// `None` when the head is tied to the embeddings.
    output: Option<Weights>,
    output_norm: Vec<f32>,
    layers: Vec<Layer>,
    pos: usize,
}

impl GgmlModel {
    pub(crate) fn new(
        config: LlamaConfig,
        embed: Weights,
        output: Option<Weights>,
        output_norm: Vec<f32>,
        layers: Vec<Layer>,
        path: &Path,
    ) -> Result<Self> {
        let c = &config;
        let (q, kv) = (c.num_heads * c.head_dim, c.num_kv_heads * c.head_dim);
        let (h, ff) = (c.hidden_size, c.intermediate_size);
        let check = |what: &str, w: &Weights, want: (usize, usize)| {
            if w.dims() == want {
                Ok(())
            } else {
                Err(SolarError::invalid(path, format!("{what} has shape {:?}, expected {want:?}", w.dims())))
            }
        };
        check("token_embd", &embed, (c.vocab_size, h))?;
        if let Some(out) = &output {
            check("output", out, (c.vocab_size, h))?;
        }
        if output_norm.len() != h || c.num_kv_heads == 0 || !c.num_heads.is_multiple_of(c.num_kv_heads) {
            return Err(SolarError::invalid(path, "output norm or head counts do not fit the config"));
        }
        for l in &layers {
            check("attn_q", &l.q, (q, h))?;
            check("attn_k", &l.k, (kv, h))?;
            check("attn_v", &l.v, (kv, h))?;
            check("attn_output", &l.o, (h, q))?;
            check("ffn_gate", &l.gate, (ff, h))?;
            check("ffn_up", &l.up, (ff, h))?;
            check("ffn_down", &l.down, (h, ff))?;
            if l.attn_norm.len() != h || l.ffn_norm.len() != h {
                return Err(SolarError::invalid(path, "layer norm width does not match the hidden size"));
            }
            if let Some([bq, bk, bv]) = &l.qkv_bias {
                if bq.len() != q || bk.len() != kv || bv.len() != kv {
                    return Err(SolarError::invalid(path, "Q/K/V bias widths do not match the projections"));
                }
            }
        }
        Ok(Self { config, embed, output, output_norm, layers, pos: 0 })
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Forgets cached positions from `pos` on.
    pub(crate) fn truncate(&mut self, pos: usize) {
        let pos = pos.min(self.pos);
        let kv = self.config.num_kv_heads * self.config.head_dim;
        for l in &mut self.layers {
            l.k_cache.truncate(pos * kv);
            l.v_cache.truncate(pos * kv);
        }
        self.pos = pos;
    }

    /// Runs `tokens` at the current position and returns the logits of every
    /// position (`all`) or of the last one, row-major `[rows, vocab]`.
    /// The caller checks the context length and the token ids.
    pub(crate) fn forward(&mut self, tokens: &[u32], all: bool) -> Result<Vec<f32>> {
        let c = &self.config;
        let (n, h) = (tokens.len(), c.hidden_size);
        let mut x = vec![0f32; n * h];
        for (row, &t) in x.chunks_exact_mut(h).zip(tokens) {
            self.embed.row(t, row)?;
        }
        let rope = rope_table(c, self.pos, n);
        let eps = c.rms_norm_eps as f32;
        let shape = Shape {
            heads: c.num_heads,
            kv_heads: c.num_kv_heads,
            head_dim: c.head_dim,
            scale: 1.0 / (c.head_dim as f32).sqrt(),
            pos: self.pos,
            tokens: n,
        };
        for layer in &mut self.layers {
            let hn = rms_norm(&x, h, &layer.attn_norm, eps);
            let [mut q, mut k, mut v] = matmul_many([&layer.q, &layer.k, &layer.v], &hn, n)?;
            if let Some([bq, bk, bv]) = &layer.qkv_bias {
                add_bias(&mut q, bq);
                add_bias(&mut k, bk);
                add_bias(&mut v, bv);
            }
            apply_rope(&mut q, c.head_dim, c.rope_style, &rope);
            apply_rope(&mut k, c.head_dim, c.rope_style, &rope);
            layer.k_cache.extend(k.iter().map(|&v| round_f16(v)));
            layer.v_cache.extend(v.iter().map(|&v| round_f16(v)));
            q.iter_mut().for_each(|v| *v = round_f16(*v));
            let attn = attention(&q, &layer.k_cache, &layer.v_cache, &shape);
            add_assign(&mut x, &layer.o.matmul(&attn, n)?);
            let hn = rms_norm(&x, h, &layer.ffn_norm, eps);
            let [mut gate, up] = matmul_many([&layer.gate, &layer.up], &hn, n)?;
            swiglu(&mut gate, &up);
            add_assign(&mut x, &layer.down.matmul(&gate, n)?);
        }
        self.pos += n;
        let rows = if all { &x[..] } else { &x[(n - 1) * h..] };
        let hn = rms_norm(rows, h, &self.output_norm, eps);
        self.output.as_ref().unwrap_or(&self.embed).matmul(&hn, rows.len() / h)
    }
}

fn add_assign(x: &mut [f32], y: &[f32]) {
    x.iter_mut().zip(y).for_each(|(a, b)| *a += b);
}

/// Adds `bias` to every row of `x` (ggml's broadcasting `add`).
fn add_bias(x: &mut [f32], bias: &[f32]) {
    for row in x.chunks_exact_mut(bias.len()) {
        add_assign(row, bias);
    }
}

fn round_f16(v: f32) -> f32 {
    f16::from_f32(v).to_f32()
}

/// ggml's `rms_norm` followed by the multiplication with the weights.
fn rms_norm(x: &[f32], h: usize, w: &[f32], eps: f32) -> Vec<f32> {
    let mut out = Vec::with_capacity(x.len());
    for row in x.chunks_exact(h) {
        let sum: f64 = row.iter().map(|&v| f64::from(v * v)).sum();
        let mean = (sum / h as f64) as f32;
        let scale = 1.0 / (mean + eps).sqrt();
        out.extend(row.iter().zip(w).map(|(&v, &w)| v * scale * w));
    }
    out
}

/// `(cos, sin)` for positions `pos..pos + n`, `head_dim / 2` pairs each, as
/// `ggml_rope_cache_init` computes them.
fn rope_table(c: &LlamaConfig, pos: usize, n: usize) -> Vec<(f32, f32)> {
    let theta_scale = c.rope_theta.powf(-2.0 / c.head_dim as f32);
    let mut table = Vec::with_capacity(n * c.head_dim / 2);
    for p in pos..pos + n {
        let mut theta = p as f32;
        for _ in 0..c.head_dim / 2 {
            table.push((theta.cos(), theta.sin()));
            theta *= theta_scale;
        }
    }
    table
}

/// Rotates the pairs of every head of every row: `(2i, 2i + 1)` in
/// llama.cpp's "normal" mode (its converter permuted Q and K for it), or
/// `(i, i + d/2)` in NEOX mode; pair `i` turns by angle `i` of the table.
fn apply_rope(x: &mut [f32], head_dim: usize, style: RopeStyle, table: &[(f32, f32)]) {
    let half = head_dim / 2;
    let rows = table.len() / half.max(1);
    let width = x.len() / rows.max(1);
    // ggml computes `x0·cos − x1·sin` and `x0·sin + x1·cos`, which GCC
    // contracts into one fused multiply-add each.
    let rotate =
        |x0: f32, x1: f32, (cos, sin): (f32, f32)| (x0.mul_add(cos, -(x1 * sin)), x0.mul_add(sin, x1 * cos));
    for (row, angles) in x.chunks_exact_mut(width).zip(table.chunks_exact(half)) {
        for head in row.chunks_exact_mut(head_dim) {
            match style {
                RopeStyle::Interleaved => {
                    for (pair, &angle) in head.chunks_exact_mut(2).zip(angles) {
                        (pair[0], pair[1]) = rotate(pair[0], pair[1], angle);
                    }
                }
                RopeStyle::Halves => {
                    let (lo, hi) = head.split_at_mut(half);
                    for ((x0, x1), &angle) in lo.iter_mut().zip(hi.iter_mut()).zip(angles) {
                        (*x0, *x1) = rotate(*x0, *x1, angle);
                    }
                }
            }
        }
    }
}

/// Attention geometry of one forward call.
#[derive(Debug, Clone, Copy)]
struct Shape {
    heads: usize,
    kv_heads: usize,
    head_dim: usize,
    scale: f32,
    /// Cached positions before this call.
    pos: usize,
    /// Tokens in this call.
    tokens: usize,
}

/// Causal grouped-query attention of the call's `q` (`[tokens, heads · d]`,
/// already rounded to f16) over the cache; returns `[tokens, heads · d]`.
fn attention(q: &[f32], k: &[f32], v: &[f32], s: &Shape) -> Vec<f32> {
    let d = s.head_dim;
    let mut out = vec![0f32; s.tokens * s.heads * d];
    out.par_chunks_mut(d).enumerate().for_each(|(i, o)| {
        let (t, head) = (i / s.heads, i % s.heads);
        let q = &q[i * d..(i + 1) * d];
        attend_one(q, k, v, s, t, head, o);
    });
    out
}

fn attend_one(q: &[f32], k: &[f32], v: &[f32], s: &Shape, t: usize, head: usize, out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA, checked just above.
            #[allow(unsafe_code)]
            unsafe {
                fast::attend(q, k, v, s, t, head, out)
            };
            return;
        }
    }
    attend_generic(q, k, v, s, t, head, out);
}

/// Applies SwiGLU in place: `gate = silu(gate) · up`.
fn swiglu(gate: &mut [f32], up: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA, checked just above.
            #[allow(unsafe_code)]
            unsafe {
                fast::swiglu(gate, up)
            };
            return;
        }
    }
    swiglu_generic(gate, up);
}

/// Copies of the kernels compiled with FMA, so that `mul_add` is one
/// instruction and the 16-lane loops vectorise.
#[cfg(target_arch = "x86_64")]
mod fast {
    use super::Shape;

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn attend(q: &[f32], k: &[f32], v: &[f32], s: &Shape, t: usize, head: usize, out: &mut [f32]) {
        super::attend_generic(q, k, v, s, t, head, out)
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn swiglu(gate: &mut [f32], up: &[f32]) {
        super::swiglu_generic(gate, up)
    }
}

#[inline(always)]
fn swiglu_generic(gate: &mut [f32], up: &[f32]) {
    let full = gate.len() / LANES * LANES;
    for (g, u) in gate[..full].chunks_exact_mut(LANES).zip(up.chunks_exact(LANES)) {
        let mut neg = [0f32; LANES];
        for (n, &x) in neg.iter_mut().zip(g.iter()) {
            *n = 0.0 - x;
        }
        let e = v_expf(&neg);
        for ((x, e), u) in g.iter_mut().zip(e).zip(u) {
            *x = *x / (1.0 + e) * u;
        }
    }
    for (x, u) in gate[full..].iter_mut().zip(&up[full..]) {
        *x = *x / (1.0 + (-*x).exp()) * u;
    }
}

/// Attention of token `t` (at position `s.pos + t`), query head `head`.
#[inline(always)]
fn attend_generic(q: &[f32], k: &[f32], v: &[f32], s: &Shape, t: usize, head: usize, out: &mut [f32]) {
    let d = s.head_dim;
    let kv_width = s.kv_heads * d;
    let kv_head = head / (s.heads / s.kv_heads);
    let visible = s.pos + t + 1;
    let batch = s.tokens >= 2;
    // Scores, scaled; masked positions beyond `visible` would be -inf and
    // contribute exact zeros, so they are left out.
    let padded = visible.div_ceil(LANES) * LANES;
    let mut w = vec![f32::NEG_INFINITY; padded];
    for (j, w) in w.iter_mut().enumerate().take(visible) {
        let kj = &k[j * kv_width + kv_head * d..][..d];
        let dot = if batch { dot_chain(q, kj) } else { dot_four(q, kj) };
        *w = dot * s.scale;
    }
    let max = w[..visible].iter().fold(f32::NEG_INFINITY, |m, &x| m.max(x));
    let mut sum = 0f64;
    for block in w.chunks_exact_mut(LANES) {
        let mut x = [0f32; LANES];
        for (x, &w) in x.iter_mut().zip(block.iter()) {
            *x = w - max;
        }
        let e = v_expf(&x);
        block.copy_from_slice(&e);
        sum += f64::from(reduce16(e));
    }
    let inv = (1.0 / sum) as f32;
    for p in w.iter_mut() {
        *p = round_f16(*p * inv);
    }
    // P·V in the lane order of the kernel llama.cpp picks for this batch
    // size: position j goes to lane j % 16 of chain (j / 16) % 4 (one chain
    // in a batch). The lanes are laid out [slot][dim], so each position is
    // one contiguous multiply-add over the head's dimensions; every lane
    // still sums its positions in increasing order.
    let slots = if batch { LANES } else { 4 * LANES };
    let mut acc = vec![0f32; slots * d];
    for (j, &p) in w.iter().enumerate().take(visible) {
        let slot = if batch { j % LANES } else { (j / LANES) % 4 * LANES + j % LANES };
        let row = &v[j * kv_width + kv_head * d..][..d];
        for (a, &x) in acc[slot * d..(slot + 1) * d].iter_mut().zip(row) {
            *a = p.mul_add(x, *a);
        }
    }
    for (dim, o) in out.iter_mut().enumerate() {
        let lanes = |g: usize| -> [f32; LANES] { std::array::from_fn(|l| acc[(g * LANES + l) * d + dim]) };
        *o = if batch {
            reduce16(lanes(0))
        } else {
            let (a0, a1, a2, a3) = (lanes(0), lanes(1), lanes(2), lanes(3));
            reduce16(std::array::from_fn(|l| (a0[l] + a2[l]) + (a1[l] + a3[l])))
        };
    }
}

/// tinyBLAS's dot product: one 16-lane FMA chain, then `_mm512_reduce_add_ps`.
#[inline(always)]
fn dot_chain(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; LANES];
    for (x, y) in a.chunks(LANES).zip(b.chunks(LANES)) {
        for ((acc, &x), &y) in acc.iter_mut().zip(x).zip(y) {
            *acc = x.mul_add(y, *acc);
        }
    }
    reduce16(acc)
}

/// `ggml_vec_dot_f16` (AVX-512): four 16-lane FMA chains over steps of 64,
/// reduced as `(s0 + s2) + (s1 + s3)`, then `_mm512_reduce_add_ps`. Lengths
/// are whole steps after zero padding, as llama.cpp pads its cache.
#[inline(always)]
fn dot_four(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [[0f32; LANES]; 4];
    for (c, (x, y)) in a.chunks(LANES).zip(b.chunks(LANES)).enumerate() {
        for ((acc, &x), &y) in acc[c % 4].iter_mut().zip(x).zip(y) {
            *acc = x.mul_add(y, *acc);
        }
    }
    reduce16(std::array::from_fn(|l| (acc[0][l] + acc[2][l]) + (acc[1][l] + acc[3][l])))
}

/// `_mm512_reduce_add_ps` as GCC expands it: halves, quarters, then pairs.
#[inline(always)]
fn reduce16(v: [f32; LANES]) -> f32 {
    let mut t8 = [0f32; 8];
    for i in 0..8 {
        t8[i] = v[i] + v[i + 8];
    }
    let mut t4 = [0f32; 4];
    for i in 0..4 {
        t4[i] = t8[i] + t8[i + 4];
    }
    (t4[0] + t4[2]) + (t4[1] + t4[3])
}

/// ggml's AVX-512 `ggml_v_expf`: a polynomial in `b` scaled by `2^n`, with
/// overflow to infinity and underflow to zero beyond `|n| > 192`.
#[inline(always)]
fn v_expf(x: &[f32; LANES]) -> [f32; LANES] {
    let mut out = [0f32; LANES];
    for (o, &x) in out.iter_mut().zip(x) {
        let r = f32::from_bits(0x4b40_0000); // 0x1.8p23
        let z = x.mul_add(f32::from_bits(0x3fb8_aa3b), r); // 0x1.715476p+0
        let n = z - r;
        let b = (-n).mul_add(f32::from_bits(0x35bf_be8e), (-n).mul_add(f32::from_bits(0x3f31_7200), x));
        let u = b * b;
        let j = f32::from_bits(0x3c07_2010)
            .mul_add(b, f32::from_bits(0x3d2b_9f17))
            .mul_add(u, f32::from_bits(0x3e2a_af33).mul_add(b, f32::from_bits(0x3eff_fedb)))
            .mul_add(u, f32::from_bits(0x3f7f_fff6).mul_add(b, 1.0));
        *o = if n.abs() > 192.0 {
            if n <= 0.0 {
                0.0
            } else {
                f32::INFINITY
            }
        } else {
            scalef(j, n as i32)
        };
    }
    out
}

/// `j · 2^n` rounded once, as `_mm512_scalef_ps` does for integral `n`.
#[inline(always)]
fn scalef(j: f32, n: i32) -> f32 {
    if (-126..=127).contains(&n) {
        j * f32::from_bits(((n + 127) as u32) << 23)
    } else {
        (f64::from(j) * 2f64.powi(n)) as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v_expf_is_close_to_exp_and_saturates() {
        let xs: [f32; LANES] = std::array::from_fn(|i| i as f32 * 1.7 - 13.0);
        for (x, e) in xs.iter().zip(v_expf(&xs)) {
            let want = x.exp();
            assert!((e - want).abs() <= want * 3e-7, "{x}: {e} vs {want}");
        }
        let big = [200.0f32; LANES];
        assert!(v_expf(&big).iter().all(|v| v.is_infinite()));
        let small = [f32::NEG_INFINITY; LANES];
        assert!(v_expf(&small).iter().all(|&v| v == 0.0));
        // Results far below f32's normal range round once, as scalef does.
        let tiny = [-100.0f32; LANES];
        let want = (-100f64).exp() as f32;
        assert!(v_expf(&tiny).iter().all(|&v| v > 0.0 && (v - want).abs() <= want * 1e-5));
    }

    #[test]
    fn lane_orders_differ_only_in_rounding() {
        let a: Vec<f32> = (0..128).map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0).collect();
        let b: Vec<f32> = (0..128).map(|i| ((i * 53 % 97) as f32 - 48.0) / 5.0).collect();
        let exact: f64 = a.iter().zip(&b).map(|(&x, &y)| f64::from(x) * f64::from(y)).sum();
        for got in [dot_chain(&a, &b), dot_four(&a, &b)] {
            assert!((f64::from(got) - exact).abs() < 1e-3 * exact.abs().max(1.0), "{got} vs {exact}");
        }
        assert_eq!(reduce16(std::array::from_fn(|i| i as f32)), 120.0);
    }

    #[test]
    fn swiglu_matches_silu_times_up() {
        let mut g: Vec<f32> = (0..37).map(|i| i as f32 * 0.3 - 5.0).collect();
        let u: Vec<f32> = (0..37).map(|i| 1.0 + i as f32 * 0.01).collect();
        let want: Vec<f32> = g.iter().zip(&u).map(|(&x, &u)| x / (1.0 + (-x).exp()) * u).collect();
        swiglu(&mut g, &u);
        for (a, b) in g.iter().zip(&want) {
            assert!((a - b).abs() <= 1e-6 * (1.0 + b.abs()), "{a} vs {b}");
        }
    }

    #[test]
    fn rope_keeps_position_zero_and_rotates_pairs() {
        let c = LlamaConfig { head_dim: 4, rope_theta: 10_000.0, ..LlamaConfig::solar_10_7b() };
        let table = rope_table(&c, 0, 2);
        let mut x = vec![1.0, 2.0, 3.0, 4.0, 1.0, 0.0, 1.0, 0.0];
        apply_rope(&mut x, 4, RopeStyle::Interleaved, &table);
        assert_eq!(&x[..4], &[1.0, 2.0, 3.0, 4.0]);
        assert!((x[4] - 1f32.cos()).abs() < 1e-7 && (x[5] - 1f32.sin()).abs() < 1e-7);
    }

    #[test]
    fn neox_rope_rotates_halves() {
        let c = LlamaConfig { head_dim: 4, rope_theta: 10_000.0, ..LlamaConfig::solar_10_7b() };
        let table = rope_table(&c, 0, 2);
        // Position 1: pair 0 is (x[0], x[2]) turned by 1 rad, pair 1 is
        // (x[1], x[3]) turned by 10000^(-1/2) rad.
        let mut x = vec![1.0, 2.0, 3.0, 4.0, 1.0, 1.0, 0.0, 0.0];
        apply_rope(&mut x, 4, RopeStyle::Halves, &table);
        assert_eq!(&x[..4], &[1.0, 2.0, 3.0, 4.0]);
        let slow = 0.01f32;
        let want = [1f32.cos(), slow.cos(), 1f32.sin(), slow.sin()];
        for (got, want) in x[4..].iter().zip(want) {
            assert!((got - want).abs() < 1e-6, "{:?} vs {want:?}", &x[4..]);
        }
    }

    #[test]
    fn bias_is_added_to_every_row() {
        let mut x = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        add_bias(&mut x, &[0.5, -1.0, 2.0]);
        assert_eq!(x, [1.5, 1.0, 5.0, 4.5, 4.0, 8.0]);
    }
}
