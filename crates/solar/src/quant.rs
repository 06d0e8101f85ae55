//! Matrix-vector kernels for the GGUF formats SmolLM2 uses, Q4_1 and Q8_0,
//! that compute exactly what llama.cpp's x86 kernels compute, and as fast.
//!
//! candle has SIMD dot products for Q4_0, Q8_0 and the k-quants but not for
//! Q4_1 (SmolLM2's format), where it falls back to scalar code; its Q8_0/Q8_1
//! activation quantization also rounds differently from ggml's, which is
//! enough to change greedy continuations. This module follows ggml's AVX2
//! `quantize_row_q8_1`/`quantize_row_q8_0` and `ggml_vec_dot_q4_1_q8_1`/
//! `ggml_vec_dot_q8_0_q8_0` operation by operation (reciprocal scale
//! `127 / max`, round-half-even, fused multiply-adds in eight lanes, the same
//! horizontal sum); an AVX2+FMA copy is selected at run time and a portable
//! copy gives the same bits elsewhere.

use rayon::prelude::*;

/// Values per block (both formats).
const QK: usize = 32;

/// One Q4_1 block with its scales widened to f32 (exactly).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Q41 {
    d: f32,
    m: f32,
    qs: [u8; 16],
}

/// One Q8_0 block with its scale widened to f32 (exactly).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Q80 {
    d: f32,
    qs: [i8; QK],
}

/// One block of quantized activations (ggml's Q8_1; `s` unused for Q8_0).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Act {
    d: f32,
    s: f32,
    qs: [i8; QK],
}

/// A weight block format and its dot product with quantized activations.
pub(crate) trait Format: Sized + Send + Sync + Copy + std::fmt::Debug {
    /// Bytes per block in the GGUF file.
    const BYTES: usize;
    fn parse(raw: &[u8]) -> Self;
    /// The block's 32 weights, as ggml's `dequantize_row_*` computes them.
    fn dequantize(&self, out: &mut [f32]);
    fn dot_fn() -> fn(&[Self], &[Act]) -> f32;
}

impl Format for Q41 {
    const BYTES: usize = 20;
    fn parse(b: &[u8]) -> Self {
        let mut qs = [0u8; 16];
        qs.copy_from_slice(&b[4..20]);
        Q41 { d: f16(b[0], b[1]), m: f16(b[2], b[3]), qs }
    }
    fn dequantize(&self, out: &mut [f32]) {
        // `x*d + m`, contracted into a fused multiply-add by the C compiler.
        for j in 0..16 {
            out[j] = f32::from(self.qs[j] & 0x0f).mul_add(self.d, self.m);
            out[j + 16] = f32::from(self.qs[j] >> 4).mul_add(self.d, self.m);
        }
    }
    fn dot_fn() -> fn(&[Self], &[Act]) -> f32 {
        #[cfg(target_arch = "x86_64")]
        {
            if has_avx2() {
                return dot_q41_avx2;
            }
        }
        dot_q41_generic
    }
}

impl Format for Q80 {
    const BYTES: usize = 34;
    fn parse(b: &[u8]) -> Self {
        Q80 {
            d: f16(b[0], b[1]),
            qs: bytemuck::cast_slice::<u8, i8>(&b[2..34]).try_into().unwrap_or([0; QK]),
        }
    }
    fn dequantize(&self, out: &mut [f32]) {
        for (o, &q) in out.iter_mut().zip(&self.qs) {
            *o = f32::from(q) * self.d;
        }
    }
    fn dot_fn() -> fn(&[Self], &[Act]) -> f32 {
        #[cfg(target_arch = "x86_64")]
        {
            if has_avx2() {
                return dot_q80_avx2;
            }
        }
        dot_q80_generic
    }
}

fn f16(lo: u8, hi: u8) -> f32 {
    half::f16::from_le_bytes([lo, hi]).to_f32()
}

#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}

/// An `[n, k]` weight matrix of blocks `F`.
#[derive(Debug)]
pub struct QMatrix<F: Format> {
    pub n: usize,
    pub k: usize,
    blocks: Vec<F>,
}

pub type Q41Matrix = QMatrix<Q41>;
pub type Q80Matrix = QMatrix<Q80>;

impl<F: Format> QMatrix<F> {
    /// Parses ggml's raw bytes for an `[n, k]` matrix.
    pub fn from_ggml_bytes(raw: &[u8], n: usize, k: usize) -> Option<Self> {
        if !k.is_multiple_of(QK) || raw.len() != n * k / QK * F::BYTES {
            return None;
        }
        Some(Self { n, k, blocks: raw.chunks_exact(F::BYTES).map(F::parse).collect() })
    }

    /// Writes row `row` (`k` values) into `out`; out-of-range rows are
    /// the caller's to rule out.
    pub(crate) fn dequantize_row(&self, row: usize, out: &mut [f32]) {
        let kb = self.k / QK;
        for (b, o) in self.blocks[row * kb..(row + 1) * kb].iter().zip(out.chunks_exact_mut(QK)) {
            b.dequantize(o);
        }
    }

    /// `x` is `[m, k]` row-major; returns `[m, n]`.
    pub fn matmul(&self, x: &[f32], m: usize) -> Vec<f32>
    where
        for<'a> QRef<'a>: From<&'a Self>,
    {
        matmul_many(&[QRef::from(self)], x, m).pop().unwrap_or_default()
    }

    /// Columns `start..end` of `x · selfᵀ`, column-major: `buf[(c - start) · m + row]`.
    /// Rows go in tiles of 16 so that a tile's activations stay in L1 while
    /// the columns pass over them.
    fn columns(&self, acts: &[Act], m: usize, start: usize, end: usize) -> Vec<f32> {
        const TILE: usize = 16;
        let kb = self.k / QK;
        let dot = F::dot_fn();
        let mut buf = vec![0f32; (end - start) * m];
        for r0 in (0..m).step_by(TILE) {
            let r1 = (r0 + TILE).min(m);
            for col in start..end {
                let w = &self.blocks[col * kb..(col + 1) * kb];
                for row in r0..r1 {
                    buf[(col - start) * m + row] = dot(w, &acts[row * kb..(row + 1) * kb]);
                }
            }
        }
        buf
    }
}

/// A borrowed matrix of either format.
#[derive(Debug, Clone, Copy)]
pub(crate) enum QRef<'a> {
    Q41(&'a Q41Matrix),
    Q80(&'a Q80Matrix),
}

impl<'a> From<&'a Q41Matrix> for QRef<'a> {
    fn from(m: &'a Q41Matrix) -> Self {
        Self::Q41(m)
    }
}

impl<'a> From<&'a Q80Matrix> for QRef<'a> {
    fn from(m: &'a Q80Matrix) -> Self {
        Self::Q80(m)
    }
}

impl QRef<'_> {
    fn dims(&self) -> (usize, usize) {
        match self {
            Self::Q41(w) => (w.n, w.k),
            Self::Q80(w) => (w.n, w.k),
        }
    }

    fn columns(&self, acts: &[Act], m: usize, start: usize, end: usize) -> Vec<f32> {
        match self {
            Self::Q41(w) => w.columns(acts, m, start, end),
            Self::Q80(w) => w.columns(acts, m, start, end),
        }
    }
}

/// Columns per parallel task.
const CHUNK: usize = 64;

/// The products of one `x` (`[m, k]`, row-major) with several `[n_i, k]`
/// matrices, returned as `[m, n_i]` each. The activations are quantized
/// once (Q8_0 and Q8_1 blocks share their values) and all column blocks of
/// all matrices form one parallel region, so a layer's Q, K and V (or gate
/// and up) cost one synchronisation instead of three. Each task walks all
/// rows so that a weight row is read once. Matrices whose `k` differs from
/// `x`'s row width get an empty result.
pub(crate) fn matmul_many(ws: &[QRef<'_>], x: &[f32], m: usize) -> Vec<Vec<f32>> {
    let Some(k) = ws.first().map(|w| w.dims().1).filter(|&k| k > 0 && x.len() == m * k) else {
        return vec![Vec::new(); ws.len()];
    };
    let acts = quantize(x, k);
    let tasks: Vec<(usize, usize)> = ws
        .iter()
        .enumerate()
        .filter(|(_, w)| w.dims().1 == k)
        .flat_map(|(i, w)| (0..w.dims().0.div_ceil(CHUNK)).map(move |c| (i, c)))
        .collect();
    let blocks: Vec<Vec<f32>> = tasks
        .par_iter()
        .map(|&(i, c)| {
            let n = ws[i].dims().0;
            ws[i].columns(&acts, m, c * CHUNK, (c * CHUNK + CHUNK).min(n))
        })
        .collect();
    let mut outs: Vec<Vec<f32>> =
        ws.iter().map(|w| if w.dims().1 == k { vec![0f32; m * w.dims().0] } else { Vec::new() }).collect();
    for (&(i, c), buf) in tasks.iter().zip(&blocks) {
        let n = ws[i].dims().0;
        let start = c * CHUNK;
        for (j, col) in buf.chunks_exact(m).enumerate() {
            for (row, &v) in col.iter().enumerate() {
                outs[i][row * n + start + j] = v;
            }
        }
    }
    outs
}

/// Quantizes the rows of `x` (`k` wide), in the AVX2 build when the CPU has
/// it (the same bits, vectorised).
fn quantize(x: &[f32], k: usize) -> Vec<Act> {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2() {
            // SAFETY: the CPU has AVX2 and FMA, checked just above.
            #[allow(unsafe_code)]
            return unsafe { avx2::quantize(x, k) };
        }
    }
    quantize_rows(x, k)
}

#[inline(always)]
fn quantize_rows(x: &[f32], k: usize) -> Vec<Act> {
    x.chunks_exact(k).flat_map(quantize_row).collect()
}

/// ggml's AVX2 `quantize_row_q8_1`.
/// (Q8_0's blocks are the same with `s` unused.)
#[inline(always)]
pub(crate) fn quantize_row(x: &[f32]) -> Vec<Act> {
    x.chunks_exact(QK)
        .map(|xs| {
            let amax = xs.iter().fold(0f32, |a, &v| a.max(v.abs()));
            let d = amax / 127.0;
            let id = if amax != 0.0 { 127.0 / amax } else { 0.0 };
            let mut qs = [0i8; QK];
            let mut sum = 0i32;
            for (q, &v) in qs.iter_mut().zip(xs) {
                let r = round_half_even(v * id) as i32;
                *q = r as i8;
                sum += r;
            }
            let d16 = half::f16::from_f32(d).to_f32();
            let s16 = half::f16::from_f32(d * sum as f32).to_f32();
            Act { d: d16, s: s16, qs }
        })
        .collect()
}

/// `_mm256_round_ps(x, _MM_ROUND_NEAREST)` for `|x| <= 2^22` (here at most
/// 127): adding and removing 1.5·2^23 leaves the integer nearest to `x`,
/// ties to even, without a call to `rintf` where SSE4.1 is not enabled.
#[inline(always)]
fn round_half_even(x: f32) -> f32 {
    const MAGIC: f32 = 12_582_912.0;
    (x + MAGIC) - MAGIC
}

/// ggml's `ggml_vec_dot_q4_1_q8_1` (AVX2 path): eight f32 lanes, each the
/// integer dot of four consecutive bytes, accumulated with fused
/// multiply-adds by `d_w * d_x`; the `m * s` terms summed apart.
#[inline(always)]
fn dot_q41_generic(w: &[Q41], a: &[Act]) -> f32 {
    let mut acc = [0f32; 8];
    let mut summs = 0f32;
    for (b, y) in w.iter().zip(a) {
        summs = b.m.mul_add(y.s, summs);
        let mut qx = [0i8; QK];
        for j in 0..16 {
            qx[j] = (b.qs[j] & 0x0f) as i8;
            qx[j + 16] = (b.qs[j] >> 4) as i8;
        }
        lanes_fma(&mut acc, b.d * y.d, &qx, &y.qs);
    }
    hsum8(acc) + summs
}

/// ggml's `ggml_vec_dot_q8_0_q8_0` (AVX2 path): as Q4_1 without the
/// minimum term.
#[inline(always)]
fn dot_q80_generic(w: &[Q80], a: &[Act]) -> f32 {
    let mut acc = [0f32; 8];
    for (b, y) in w.iter().zip(a) {
        lanes_fma(&mut acc, b.d * y.d, &b.qs, &y.qs);
    }
    hsum8(acc)
}

/// Lane `l` of `acc` += `d` × (the integer dot of bytes `4l..4l+4`).
#[inline(always)]
fn lanes_fma(acc: &mut [f32; 8], d: f32, x: &[i8; QK], y: &[i8; QK]) {
    for (l, lane) in acc.iter_mut().enumerate() {
        let mut s = 0i32;
        for j in 0..4 {
            s += i32::from(x[4 * l + j]) * i32::from(y[4 * l + j]);
        }
        *lane = d.mul_add(s as f32, *lane);
    }
}

/// ggml's `hsum_float_8`: high half plus low half, then pairs.
#[inline(always)]
fn hsum8(acc: [f32; 8]) -> f32 {
    let r = [acc[0] + acc[4], acc[1] + acc[5], acc[2] + acc[6], acc[3] + acc[7]];
    (r[0] + r[2]) + (r[1] + r[3])
}

#[cfg(target_arch = "x86_64")]
fn dot_q41_avx2(w: &[Q41], a: &[Act]) -> f32 {
    // SAFETY: `Format::dot_fn` returns this function only after checking at
    // run time that the CPU has AVX2 and FMA, the features `avx2::q41` needs.
    #[allow(unsafe_code)]
    unsafe {
        avx2::q41(w, a)
    }
}

#[cfg(target_arch = "x86_64")]
fn dot_q80_avx2(w: &[Q80], a: &[Act]) -> f32 {
    // SAFETY: as for `dot_q41_avx2`.
    #[allow(unsafe_code)]
    unsafe {
        avx2::q80(w, a)
    }
}

/// The AVX2 kernels, instruction for instruction ggml's (`bytes_from_nibbles_32`,
/// `mul_sum_us8_pairs_float`, `mul_sum_i8_pairs_float`, `_mm256_fmadd_ps`,
/// `hsum_float_8`). The intrinsics are safe inside a `target_feature`
/// function; loads go through `bytemuck` casts instead of raw pointers.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{Act, Q41, Q80};

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn q41(w: &[Q41], a: &[Act]) -> f32 {
        let mut acc = _mm256_setzero_ps();
        let mut summs = 0f32;
        let low = _mm256_set1_epi8(0x0f);
        let ones = _mm256_set1_epi16(1);
        for (b, y) in w.iter().zip(a) {
            summs = b.m.mul_add(y.s, summs);
            let d = _mm256_set1_ps(b.d * y.d);
            let packed: __m128i = bytemuck::cast(b.qs);
            let qx = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16::<4>(packed), packed), low);
            let qy: __m256i = bytemuck::cast(y.qs);
            let xy = _mm256_cvtepi32_ps(_mm256_madd_epi16(ones, _mm256_maddubs_epi16(qx, qy)));
            acc = _mm256_fmadd_ps(d, xy, acc);
        }
        hsum(acc) + summs
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn q80(w: &[Q80], a: &[Act]) -> f32 {
        let mut acc = _mm256_setzero_ps();
        let ones = _mm256_set1_epi16(1);
        for (b, y) in w.iter().zip(a) {
            let d = _mm256_set1_ps(b.d * y.d);
            let qx: __m256i = bytemuck::cast(b.qs);
            let qy: __m256i = bytemuck::cast(y.qs);
            // |x| times y with x's sign, so that maddubs' unsigned operand is |x|.
            let ax = _mm256_sign_epi8(qx, qx);
            let sy = _mm256_sign_epi8(qy, qx);
            let xy = _mm256_cvtepi32_ps(_mm256_madd_epi16(ones, _mm256_maddubs_epi16(ax, sy)));
            acc = _mm256_fmadd_ps(d, xy, acc);
        }
        hsum(acc)
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn quantize(x: &[f32], k: usize) -> Vec<Act> {
        super::quantize_rows(x, k)
    }

    #[target_feature(enable = "avx2,fma")]
    fn hsum(acc: __m256) -> f32 {
        let hi = _mm256_extractf128_ps::<1>(acc);
        let r = _mm_add_ps(hi, _mm256_castps256_ps128(acc));
        let r = _mm_add_ps(r, _mm_movehl_ps(r, r));
        let r = _mm_add_ss(r, _mm_movehdup_ps(r));
        _mm_cvtss_f32(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x_values(len: usize) -> Vec<f32> {
        (0..len).map(|i| ((i * 37 % 101) as f32 - 50.0) / 25.0).collect()
    }

    /// Checks `w · x` against dequantized weights times unquantized
    /// activations (loosely: the activations are quantized to 8 bits), and
    /// the portable kernel against the dispatched one to the bit.
    fn check<F: Format>(w: &QMatrix<F>, weight: impl Fn(&F, usize) -> f32, portable: fn(&[F], &[Act]) -> f32)
    where
        for<'a> QRef<'a>: From<&'a QMatrix<F>>,
    {
        let m = 3;
        let x = x_values(m * w.k);
        let y = w.matmul(&x, m);
        let kb = w.k / QK;
        for row in 0..m {
            for c in 0..w.n {
                let blocks = &w.blocks[c * kb..(c + 1) * kb];
                let terms = (0..w.k).map(|j| weight(&blocks[j / QK], j % QK) * x[row * w.k + j]);
                let (r, scale) = terms.fold((0f32, 0f32), |(s, a), t| (s + t, a + t.abs()));
                let a = y[row * w.n + c];
                // 8-bit activations: errors of ~1/254 of each term's size.
                assert!((a - r).abs() <= 0.01 * scale, "row {row} col {c}: {a} vs {r} (scale {scale})");
            }
        }
        let acts = quantize_row(&x[..w.k]);
        assert_eq!(portable(&w.blocks[..kb], &acts), y[0]);
        assert_eq!(F::dot_fn()(&w.blocks[kb..2 * kb], &acts), portable(&w.blocks[kb..2 * kb], &acts));
    }

    fn scale(i: usize) -> [u8; 2] {
        half::f16::from_f32(0.01 + (i % 7) as f32 * 0.003).to_le_bytes()
    }

    #[test]
    fn q4_1_matmul_is_close_to_the_dequantized_product() {
        let (n, k) = (70, 64);
        let raw: Vec<u8> = (0..n * k / QK)
            .flat_map(|i| {
                let mm = half::f16::from_f32(-0.05 * (i % 3) as f32).to_le_bytes();
                let mut b = [scale(i), mm].concat();
                b.extend((0..16).map(|j| ((i * 31 + j * 7) % 256) as u8));
                b
            })
            .collect();
        let w = Q41Matrix::from_ggml_bytes(&raw, n, k).unwrap();
        let nibble = |b: &Q41, j: usize| if j < 16 { b.qs[j] & 15 } else { b.qs[j - 16] >> 4 };
        check(&w, |b, j| b.d * f32::from(nibble(b, j)) + b.m, dot_q41_generic);
    }

    #[test]
    fn q8_0_matmul_is_close_to_the_dequantized_product() {
        let (n, k) = (70, 96);
        let raw: Vec<u8> = (0..n * k / QK)
            .flat_map(|i| {
                let mut b = scale(i).to_vec();
                b.extend((0..QK).map(|j| ((i * 31 + j * 7) % 255) as u8));
                b
            })
            .collect();
        let w = Q80Matrix::from_ggml_bytes(&raw, n, k).unwrap();
        check(&w, |b, j| b.d * f32::from(b.qs[j]), dot_q80_generic);
        assert!(Q80Matrix::from_ggml_bytes(&raw[1..], n, k).is_none());
    }
}
