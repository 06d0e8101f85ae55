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

        let mut buf = Buffers { simd: gemm::has_avx2(), ..Buffers::default() };
        for layer in &self.layers {
            self.layer(layer, &mut x, &ranges, t, &mut buf);
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

    fn layer(&self, layer: &Layer, x: &mut [f32], windows: &[(usize, usize)], t: usize, buf: &mut Buffers) {
        let (h, eps, simd) = (self.hidden, self.eps, buf.simd);
        let hd = h / self.heads;
        gemm::quantize_into(x, h, &mut buf.acts, simd);
        // Q, K and V in one product, each head's rows contiguous:
        // `[3 · heads, t, hd]`.
        if hd.is_multiple_of(16) {
            gemm::matmul_blocked_into(
                &layer.qkv,
                &buf.acts,
                t,
                hd,
                Some(&layer.qkv_bias),
                &mut buf.qkv,
                simd,
            );
        } else {
            gemm::matmul_into(&layer.qkv, &buf.acts, t, Some(&layer.qkv_bias), &mut buf.y, simd);
            to_blocks(&buf.y, t, 3 * h, hd, &mut buf.qkv);
        }
        self.attention(&buf.qkv, windows, t, &mut buf.ctx);
        // The context, `[heads, t, hd]`, quantised row by row.
        if hd.is_multiple_of(gemm::QK) {
            gemm::quantize_blocked_into(&buf.ctx, t, h, hd, &mut buf.acts, simd);
        } else {
            from_blocks(&buf.ctx, t, h, hd, &mut buf.y);
            gemm::quantize_into(&buf.y, h, &mut buf.acts, simd);
        }
        gemm::matmul_into(&layer.attn_out, &buf.acts, t, Some(&layer.attn_out_bias), &mut buf.y, simd);
        add_norm(x, &buf.y, &layer.attn_norm, eps);

        gemm::quantize_into(x, h, &mut buf.acts, simd);
        gemm::matmul_into(&layer.ffn_in, &buf.acts, t, Some(&layer.ffn_in_bias), &mut buf.mid, simd);
        gelu_all(&mut buf.mid, self.ffn);
        gemm::quantize_into(&buf.mid, self.ffn, &mut buf.acts_ffn, simd);
        gemm::matmul_into(&layer.ffn_out, &buf.acts_ffn, t, Some(&layer.ffn_out_bias), &mut buf.y, simd);
        add_norm(x, &buf.y, &layer.out_norm, eps);
    }

    /// Scaled dot-product attention of each token over its own window, one
    /// window's head per task, from Q, K and V by head (`[3 · heads, t,
    /// hd]`) into the context by head (`[heads, t, hd]`), each task writing
    /// its own contiguous piece.
    fn attention(&self, qkv: &[f32], windows: &[(usize, usize)], t: usize, ctx: &mut Vec<f32>) {
        let (h, heads) = (self.hidden, self.heads);
        let hd = h / heads;
        // Every value is written below: old contents may stay.
        ctx.resize(t * h, 0.0);
        let mut per_head: Vec<_> = ctx
            .chunks_mut(t * hd)
            .map(|mut rest| {
                let mut pieces = Vec::with_capacity(windows.len());
                for &(s0, s1) in windows {
                    let (mine, tail) = rest.split_at_mut((s1 - s0) * hd);
                    pieces.push(mine);
                    rest = tail;
                }
                pieces.into_iter()
            })
            .collect();
        // A window's heads one after the other, so that a thread's tasks
        // share what is in its cache.
        let mut tasks: Vec<(usize, (usize, usize), &mut [f32])> = Vec::with_capacity(heads * windows.len());
        for &w in windows {
            for (head, pieces) in per_head.iter_mut().enumerate() {
                if let Some(out) = pieces.next() {
                    tasks.push((head, w, out));
                }
            }
        }
        let simd = gemm::has_avx2();
        tasks.into_par_iter().for_each(|(head, (s0, s1), out)| {
            let part =
                |i: usize| &qkv[((i * heads + head) * t + s0) * hd..((i * heads + head) * t + s1) * hd];
            vectorised!(head_attention(part(0), part(1), part(2), hd, out, simd));
        });
    }
}

/// `[m, n]` rows into column blocks of width `bw` (`[n / bw, m, bw]`).
fn to_blocks(rows: &[f32], m: usize, n: usize, bw: usize, out: &mut Vec<f32>) {
    out.resize(m * n, 0.0);
    for (c, block) in out.chunks_exact_mut(m * bw).enumerate() {
        for (r, dst) in block.chunks_exact_mut(bw).enumerate() {
            dst.copy_from_slice(&rows[r * n + c * bw..][..bw]);
        }
    }
}

/// Column blocks of width `bw` (`[n / bw, m, bw]`) into `[m, n]` rows.
fn from_blocks(blocks: &[f32], m: usize, n: usize, bw: usize, out: &mut Vec<f32>) {
    out.resize(m * n, 0.0);
    for (c, block) in blocks.chunks_exact(m * bw).enumerate() {
        for (r, src) in block.chunks_exact(bw).enumerate() {
            out[r * n + c * bw..][..bw].copy_from_slice(src);
        }
    }
}

/// A forward pass's intermediate values, whose memory every layer reuses
/// (each step overwrites all of its output).
#[derive(Debug, Default)]
struct Buffers {
    simd: bool,
    /// Quantised rows of width `hidden` and of width `ffn`.
    acts: gemm::Acts,
    acts_ffn: gemm::Acts,
    /// Q, K and V by head: `[3 · heads, t, hd]`.
    qkv: Vec<f32>,
    /// The attention's context by head: `[heads, t, hd]`.
    ctx: Vec<f32>,
    /// The attention's and the FFN's outputs, before their LayerNorms.
    y: Vec<f32>,
    mid: Vec<f32>,
}

/// Lanes of the attention's vectors (AVX2's eight floats).
const LANES: usize = 8;
/// Queries of a head computed together, sharing each load of a key or value.
const QUERY_ROWS: usize = 4;

/// One head of one window: `q`, `k` and `v` are the window's `[l, hd]`
/// rows of the head, `out` its `[l, hd]` context. Keys are transposed and
/// values copied out in blocks of eight (padded), so that scores and
/// contexts are small
/// register-blocked products: four queries × eight keys, then four
/// queries × eight context values, accumulated over the head's dimensions
/// and then over the keys in order. A query's numbers do not depend on
/// which others it is computed with.
#[inline(always)]
fn head_attention(q: &[f32], k: &[f32], v: &[f32], hd: usize, out: &mut [f32], simd: bool) {
    let l = q.len() / hd;
    let (l8, hd8) = (l.div_ceil(LANES) * LANES, hd.div_ceil(LANES) * LANES);
    let mut kt = vec![0f32; hd * l8];
    let mut vs = vec![0f32; l * hd8];
    // Blocks of eight keys, then the head's dimensions, then the keys:
    // `kt[((j / 8) · hd + e) · 8 + j % 8]`; blocks of eight dimensions, then
    // the keys, then the dimensions: `vs[((e / 8) · l + j) · 8 + e % 8]`.
    for (j, (k, v)) in k.chunks_exact(hd).zip(v.chunks_exact(hd)).enumerate() {
        for (e, &kv) in k.iter().enumerate() {
            kt[((j / LANES) * hd + e) * LANES + j % LANES] = kv;
        }
        for (e, &vv) in v.iter().enumerate() {
            vs[((e / LANES) * l + j) * LANES + e % LANES] = vv;
        }
    }
    let mut head = Head {
        kt: &kt,
        vs: &vs,
        l,
        l8,
        hd,
        hd8,
        scale: 1.0 / (hd as f32).sqrt(),
        simd,
        qt: vec![0f32; hd * QUERY_ROWS],
        scores: vec![0f32; l8 * QUERY_ROWS],
        pt: vec![0f32; l * QUERY_ROWS],
    };
    let mut i = 0;
    while i < l {
        let q = &q[i * hd..];
        if l - i >= 4 {
            head.queries::<4>(q, hd, &mut out[i * hd..(i + 4) * hd]);
            i += 4;
        } else {
            head.queries::<1>(q, hd, &mut out[i * hd..(i + 1) * hd]);
            i += 1;
        }
    }
}

/// One head's keys and values, laid out for [`Head::queries`], and its
/// scratch space.
struct Head<'a> {
    kt: &'a [f32],
    vs: &'a [f32],
    l: usize,
    l8: usize,
    hd: usize,
    hd8: usize,
    scale: f32,
    simd: bool,
    /// `R` scaled queries transposed: `[hd, R]`.
    qt: Vec<f32>,
    /// `R` rows of scores, then probabilities: `[R, l8]`.
    scores: Vec<f32>,
    /// The probabilities transposed: `[l, R]`.
    pt: Vec<f32>,
}

impl Head<'_> {
    /// The contexts of `R` queries (row `r` at `q[r · stride..][..hd]`) into
    /// `out` (`[R, hd]`).
    #[inline(always)]
    fn queries<const R: usize>(&mut self, q: &[f32], stride: usize, out: &mut [f32]) {
        let (l, l8, hd, hd8) = (self.l, self.l8, self.hd, self.hd8);
        let (qt, _) = self.qt[..hd * R].as_chunks_mut::<R>();
        for r in 0..R {
            for (e, &x) in q[r * stride..][..hd].iter().enumerate() {
                qt[e][r] = x * self.scale;
            }
        }
        let (kt, _) = self.kt.as_chunks::<LANES>();
        let kblocks = l8 / LANES;
        for jb in 0..kblocks {
            let acc = outer_sum(qt, &kt[jb * hd..(jb + 1) * hd], self.simd);
            for (r, acc) in acc.iter().enumerate() {
                self.scores[r * l8 + jb * LANES..][..LANES].copy_from_slice(acc);
            }
        }
        let (pt, _) = self.pt[..l * R].as_chunks_mut::<R>();
        for r in 0..R {
            let p = &mut self.scores[r * l8..r * l8 + l];
            softmax(p);
            for (pt, &p) in pt.iter_mut().zip(p.iter()) {
                pt[r] = p;
            }
        }
        let pt = &*pt;
        let (vs, _) = self.vs.as_chunks::<LANES>();
        let vblocks = hd8 / LANES;
        for eb in 0..vblocks {
            let acc = outer_sum(pt, &vs[eb * l..(eb + 1) * l], self.simd);
            let n = LANES.min(hd - eb * LANES);
            for (r, acc) in acc.iter().enumerate() {
                out[r * hd + eb * LANES..][..n].copy_from_slice(&acc[..n]);
            }
        }
    }
}

/// `Σ_i a[i][r] · b[i][lane]` for each of `R` rows and eight lanes,
/// `i` in order. The AVX2 path fuses each multiply-add, the portable one
/// (for CPUs that may lack FMA) rounds twice: they agree to rounding.
#[inline(always)]
fn outer_sum<const R: usize>(a: &[[f32; R]], b: &[[f32; LANES]], simd: bool) -> [[f32; LANES]; R] {
    #[cfg(target_arch = "x86_64")]
    if simd {
        // SAFETY: `simd` is true only when the CPU has AVX2 and FMA.
        #[allow(unsafe_code)]
        return unsafe { outer_sum_avx2(a, b) };
    }
    let _ = simd;
    let mut acc = [[0f32; LANES]; R];
    for (a, b) in a.iter().zip(b) {
        for (acc, &a) in acc.iter_mut().zip(a) {
            for (acc, b) in acc.iter_mut().zip(b) {
                *acc += a * b;
            }
        }
    }
    acc
}

/// Not inlined: on its own, its eight accumulators stay in registers.
#[cfg(target_arch = "x86_64")]
#[inline(never)]
#[target_feature(enable = "avx2,fma")]
fn outer_sum_avx2<const R: usize>(a: &[[f32; R]], b: &[[f32; LANES]]) -> [[f32; LANES]; R] {
    use std::arch::x86_64::*;
    let mut acc = [_mm256_setzero_ps(); R];
    for (a, b) in a.iter().zip(b) {
        // SAFETY: `b` is eight floats; unaligned load.
        #[allow(unsafe_code)]
        let b = unsafe { _mm256_loadu_ps(b.as_ptr()) };
        for (acc, &a) in acc.iter_mut().zip(a) {
            *acc = _mm256_fmadd_ps(_mm256_set1_ps(a), b, *acc);
        }
    }
    let mut out = [[0f32; LANES]; R];
    for (o, acc) in out.iter_mut().zip(acc) {
        // SAFETY: `o` is eight floats; unaligned store.
        #[allow(unsafe_code)]
        unsafe {
            _mm256_storeu_ps(o.as_mut_ptr(), acc)
        };
    }
    out
}

/// Scores to probabilities in place: the maximum and the sum taken over
/// eight lanes (the maximum is exact in any order; the sum's order is fixed).
#[inline(always)]
fn softmax(s: &mut [f32]) {
    let mut m = [f32::NEG_INFINITY; LANES];
    let mut chunks = s.chunks_exact(LANES);
    for c in &mut chunks {
        m.iter_mut().zip(c).for_each(|(m, &v)| *m = m.max(v));
    }
    let max = chunks.remainder().iter().chain(&m).fold(f32::NEG_INFINITY, |a, &v| a.max(v));
    s.iter_mut().for_each(|p| *p = exp(*p - max));
    let mut sums = [0f32; LANES];
    let mut chunks = s.chunks_exact(LANES);
    for c in &mut chunks {
        sums.iter_mut().zip(c).for_each(|(a, &v)| *a += v);
    }
    let sum = sums.iter().chain(chunks.remainder()).sum::<f32>();
    let inv = 1.0 / sum;
    s.iter_mut().for_each(|p| *p *= inv);
}

/// GELU over `[t, width]` rows.
fn gelu_all(y: &mut [f32], width: usize) {
    y.par_chunks_mut(width * ROWS_PER_TASK).for_each(|rows| vectorised!(gelu_rows(rows)));
}

#[inline(always)]
fn gelu_rows(rows: &mut [f32]) {
    rows.iter_mut().for_each(|v| *v = gelu(*v));
}

/// `x = LayerNorm(x + y)` row by row.
fn add_norm(x: &mut [f32], y: &[f32], norm: &(Vec<f32>, Vec<f32>), eps: f32) {
    let h = norm.0.len();
    x.par_chunks_mut(h * ROWS_PER_TASK).zip(y.par_chunks(h * ROWS_PER_TASK)).for_each(|(x, y)| {
        vectorised!(add_norm_rows(x, y, norm, eps));
    });
}

#[inline(always)]
fn add_norm_rows(x: &mut [f32], y: &[f32], norm: &(Vec<f32>, Vec<f32>), eps: f32) {
    let h = norm.0.len();
    for (row, y) in x.chunks_exact_mut(h).zip(y.chunks_exact(h)) {
        row.iter_mut().zip(y).for_each(|(r, y)| *r += y);
        norm_row(row, norm, eps);
    }
}

/// `x = LayerNorm(x)` row by row.
fn layer_norm(x: &mut [f32], norm: &(Vec<f32>, Vec<f32>), eps: f32, h: usize) {
    x.par_chunks_mut(h).with_min_len(ROWS_PER_TASK).for_each(|row| norm_row(row, norm, eps));
}

/// LayerNorm of one row, the mean and the variance each summed in eight
/// lanes (a fixed order, vectorised) and the lanes then in order.
#[inline(always)]
fn norm_row(row: &mut [f32], (w, b): &(Vec<f32>, Vec<f32>), eps: f32) {
    let h = row.len();
    let (chunks, rest) = row.as_chunks::<LANES>();
    let mut lanes = [0f32; LANES];
    for c in chunks {
        lanes.iter_mut().zip(c).for_each(|(l, &v)| *l += v);
    }
    let mean = (lanes.iter().sum::<f32>() + rest.iter().sum::<f32>()) / h as f32;
    let mut lanes = [0f32; LANES];
    for c in chunks {
        lanes.iter_mut().zip(c).for_each(|(l, &v)| *l += (v - mean) * (v - mean));
    }
    let var =
        (lanes.iter().sum::<f32>() + rest.iter().map(|&v| (v - mean) * (v - mean)).sum::<f32>()) / h as f32;
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
    const MAGIC: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 0.0);
    // Adding 1.5 · 2^23 rounds to an integer, ties to even, and leaves it
    // in the low bits of the sum (integer arithmetic that vectorises,
    // unlike a float-to-integer cast).
    let t = x * std::f32::consts::LOG2_E + MAGIC;
    let n = t - MAGIC;
    let two_n = f32::from_bits(t.to_bits().wrapping_sub(MAGIC.to_bits()).wrapping_add(127) << 23);
    let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4;
    let mut p = 1.987_569_1e-4f32;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let e = p * (r * r) + r + 1.0;
    e * two_n
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
    fn attention_is_softmax_of_the_scaled_scores_times_the_values() {
        // Head dimension 24 (not whole vectors) and 21 tokens (tiles of 4 and 1).
        let (l, h, hd) = (21, 48, 24);
        let rows: Vec<f32> =
            (0..l * 3 * h).map(|i| ((i * 7919 % 1013) as f32 / 1013.0 - 0.5) * 3.0).collect();
        for o in [0, hd] {
            let mut expect = vec![0f64; l * hd];
            for i in 0..l {
                let q = &rows[i * 3 * h + o..][..hd];
                let scores: Vec<f64> = (0..l)
                    .map(|j| {
                        let k = &rows[j * 3 * h + h + o..][..hd];
                        q.iter().zip(k).map(|(&a, &b)| f64::from(a) * f64::from(b)).sum::<f64>()
                            / (hd as f64).sqrt()
                    })
                    .collect();
                let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
                let sum: f64 = e.iter().sum();
                for (j, p) in e.iter().enumerate() {
                    for d in 0..hd {
                        expect[i * hd + d] += p / sum * f64::from(rows[j * 3 * h + 2 * h + o + d]);
                    }
                }
            }
            let part = |p: usize| -> Vec<f32> {
                rows.chunks_exact(3 * h).flat_map(|r| r[p * h + o..][..hd].iter().copied()).collect()
            };
            for simd in [false, gemm::has_avx2()] {
                let mut out = vec![f32::NAN; l * hd];
                head_attention(&part(0), &part(1), &part(2), hd, &mut out, simd);
                for (i, (a, b)) in out.iter().zip(&expect).enumerate() {
                    assert!(
                        (f64::from(*a) - b).abs() < 1e-5,
                        "offset {o}, value {i}: {a} vs {b} (simd {simd})"
                    );
                }
            }
        }
    }

    #[test]
    fn column_blocks_round_trip() {
        let (m, n, bw) = (5, 24, 8);
        let rows: Vec<f32> = (0..m * n).map(|i| i as f32).collect();
        let (mut blocks, mut back) = (Vec::new(), Vec::new());
        to_blocks(&rows, m, n, bw, &mut blocks);
        assert_eq!(blocks[(2 * m + 3) * bw + 1], rows[3 * n + 2 * bw + 1]);
        from_blocks(&blocks, m, n, bw, &mut back);
        assert_eq!(back, rows);
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
