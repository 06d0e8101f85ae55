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

use candle_core::quantized::GgmlDType;
use rayon::prelude::*;

pub(crate) use crate::kquant::{ActK, Q4K, Q6K};

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

/// Which activation blocks a weight format multiplies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActKind {
    /// ggml's Q8_1 (and Q8_0, the same values): blocks of 32.
    Q8,
    /// ggml's Q8_K: blocks of 256 with sums of 16.
    Q8K,
}

/// The rows of one input, quantized for the formats that need them.
#[derive(Debug, Default)]
pub(crate) struct Acts {
    q8: Vec<Act>,
    q8k: Vec<ActK>,
}

impl Acts {
    pub(crate) fn q8k(&self) -> &[ActK] {
        &self.q8k
    }
}

/// A weight block format and its dot product with quantized activations.
pub(crate) trait Format: Sized + Send + Sync + std::fmt::Debug {
    /// Bytes per block in the GGUF file.
    const BYTES: usize;
    /// Values per block.
    const QK: usize;
    const ACTS: ActKind;
    type A: Sync;
    fn parse(raw: &[u8]) -> Self;
    /// The block's weights, as ggml's `dequantize_row_*` computes them.
    fn dequantize(&self, out: &mut [f32]);
    fn acts(a: &Acts) -> &[Self::A];
    fn dot_fn() -> fn(&[Self], &[Self::A]) -> f32;
    /// A kernel for [`ROWS`] activation rows at once (each result the same bits
    /// as [`Format::dot_fn`]'s), where one pays off.
    fn rows_fn() -> Option<DotRows<Self>> {
        None
    }
}

/// [`ROWS`] dot products of one weight row with as many activation rows.
pub(crate) type DotRows<F> = fn(&[F], [&[<F as Format>::A]; ROWS]) -> [f32; ROWS];

/// Activation rows per call of a [`DotRows`] kernel (eight rows' accumulators
/// fit AVX-512's 32 registers).
pub(crate) const ROWS: usize = 8;

impl Format for Q41 {
    const BYTES: usize = 20;
    const QK: usize = QK;
    const ACTS: ActKind = ActKind::Q8;
    type A = Act;
    fn acts(a: &Acts) -> &[Act] {
        &a.q8
    }
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
    const QK: usize = QK;
    const ACTS: ActKind = ActKind::Q8;
    type A = Act;
    fn acts(a: &Acts) -> &[Act] {
        &a.q8
    }
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

pub(crate) fn f16(lo: u8, hi: u8) -> f32 {
    half::f16::from_le_bytes([lo, hi]).to_f32()
}

#[cfg(target_arch = "x86_64")]
pub(crate) fn has_avx2() -> bool {
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
pub type Q4KMatrix = QMatrix<Q4K>;
pub type Q6KMatrix = QMatrix<Q6K>;

impl<F: Format> QMatrix<F> {
    /// Parses ggml's raw bytes for an `[n, k]` matrix.
    pub fn from_ggml_bytes(raw: &[u8], n: usize, k: usize) -> Option<Self> {
        if !k.is_multiple_of(F::QK) || raw.len() != n * k / F::QK * F::BYTES {
            return None;
        }
        Some(Self { n, k, blocks: raw.chunks_exact(F::BYTES).map(F::parse).collect() })
    }

    /// Writes row `row` (`k` values) into `out`; out-of-range rows are
    /// the caller's to rule out.
    pub(crate) fn dequantize_row(&self, row: usize, out: &mut [f32]) {
        let kb = self.k / F::QK;
        for (b, o) in self.blocks[row * kb..(row + 1) * kb].iter().zip(out.chunks_exact_mut(F::QK)) {
            b.dequantize(o);
        }
    }

    /// `x` is `[m, k]` row-major; returns `[m, n]`.
    #[cfg(test)]
    pub fn matmul(&self, x: &[f32], m: usize) -> Vec<f32>
    where
        for<'a> QRef<'a>: From<&'a Self>,
    {
        matmul_many(&[QRef::from(self)], x, m).pop().unwrap_or_default()
    }

    /// Columns `start..end` of `x · selfᵀ`, row-major: `buf[row · (end - start) + c - start]`.
    /// Rows go in tiles of 16 so that a tile's activations stay in L1 while
    /// the columns pass over them.
    fn columns(&self, acts: &Acts, m: usize, start: usize, end: usize) -> Vec<f32> {
        const TILE: usize = 16;
        let kb = self.k / F::QK;
        let dot = F::dot_fn();
        let dot_rows = F::rows_fn();
        let acts = F::acts(acts);
        let row = |r: usize| &acts[r * kb..(r + 1) * kb];
        let width = end - start;
        let mut buf = vec![0f32; width * m];
        for r0 in (0..m).step_by(TILE) {
            let r1 = (r0 + TILE).min(m);
            for col in start..end {
                let w = &self.blocks[col * kb..(col + 1) * kb];
                let mut r = r0;
                if let Some(dot_rows) = dot_rows {
                    while r + ROWS <= r1 {
                        let out = dot_rows(w, std::array::from_fn(|i| row(r + i)));
                        for (i, v) in out.into_iter().enumerate() {
                            buf[(r + i) * width + col - start] = v;
                        }
                        r += ROWS;
                    }
                }
                for r in r..r1 {
                    buf[r * width + col - start] = dot(w, row(r));
                }
            }
        }
        buf
    }
}

/// An owned matrix of any format these kernels support.
#[derive(Debug)]
pub(crate) enum QWeights {
    Q41(Q41Matrix),
    Q80(Q80Matrix),
    Q4K(Q4KMatrix),
    Q6K(Q6KMatrix),
}

impl QWeights {
    /// Whether GGUF tensors of `dtype` have a kernel here.
    pub(crate) fn supports(dtype: GgmlDType) -> bool {
        matches!(dtype, GgmlDType::Q4_1 | GgmlDType::Q8_0 | GgmlDType::Q4K | GgmlDType::Q6K)
    }

    /// Parses ggml's raw bytes of an `[n, k]` tensor of `dtype`; `None` when
    /// the type is not supported or the bytes do not fit the shape.
    pub(crate) fn parse(dtype: GgmlDType, raw: &[u8], n: usize, k: usize) -> Option<Self> {
        Some(match dtype {
            GgmlDType::Q4_1 => Self::Q41(QMatrix::from_ggml_bytes(raw, n, k)?),
            GgmlDType::Q8_0 => Self::Q80(QMatrix::from_ggml_bytes(raw, n, k)?),
            GgmlDType::Q4K => Self::Q4K(QMatrix::from_ggml_bytes(raw, n, k)?),
            GgmlDType::Q6K => Self::Q6K(QMatrix::from_ggml_bytes(raw, n, k)?),
            _ => return None,
        })
    }

    pub(crate) fn as_ref(&self) -> QRef<'_> {
        match self {
            Self::Q41(w) => QRef::Q41(w),
            Self::Q80(w) => QRef::Q80(w),
            Self::Q4K(w) => QRef::Q4K(w),
            Self::Q6K(w) => QRef::Q6K(w),
        }
    }
}

/// A borrowed matrix of any supported format.
#[derive(Debug, Clone, Copy)]
pub(crate) enum QRef<'a> {
    Q41(&'a Q41Matrix),
    Q80(&'a Q80Matrix),
    Q4K(&'a Q4KMatrix),
    Q6K(&'a Q6KMatrix),
}

macro_rules! qref_from {
    ($($v:ident: $t:ty),*) => {$(
        impl<'a> From<&'a $t> for QRef<'a> {
            fn from(m: &'a $t) -> Self {
                Self::$v(m)
            }
        }
    )*};
}
qref_from!(Q41: Q41Matrix, Q80: Q80Matrix, Q4K: Q4KMatrix, Q6K: Q6KMatrix);

macro_rules! qref_each {
    ($self:expr, $w:ident => $e:expr) => {
        match $self {
            QRef::Q41($w) => $e,
            QRef::Q80($w) => $e,
            QRef::Q4K($w) => $e,
            QRef::Q6K($w) => $e,
        }
    };
}

impl QRef<'_> {
    pub(crate) fn dims(&self) -> (usize, usize) {
        qref_each!(self, w => (w.n, w.k))
    }

    fn acts(&self) -> ActKind {
        fn kind<F: Format>(_: &QMatrix<F>) -> ActKind {
            F::ACTS
        }
        qref_each!(self, w => kind(w))
    }

    fn columns(&self, acts: &Acts, m: usize, start: usize, end: usize) -> Vec<f32> {
        qref_each!(self, w => w.columns(acts, m, start, end))
    }

    /// Writes row `row` (`k` values), as ggml's `get_rows` dequantizes it.
    pub(crate) fn dequantize_row(&self, row: usize, out: &mut [f32]) {
        qref_each!(self, w => w.dequantize_row(row, out))
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
    let needs = |kind| ws.iter().any(|w| w.acts() == kind);
    let acts = Acts {
        q8: if needs(ActKind::Q8) { quantize(x, k) } else { Vec::new() },
        q8k: if needs(ActKind::Q8K) { crate::kquant::quantize(x, k) } else { Vec::new() },
    };
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
    // Each output row gathers its pieces from the column blocks (in
    // parallel over rows for a prompt, where the output is large).
    ws.iter()
        .enumerate()
        .map(|(i, w)| {
            let n = w.dims().0;
            if w.dims().1 != k {
                return Vec::new();
            }
            let mine: Vec<(usize, &Vec<f32>)> =
                tasks.iter().zip(&blocks).filter(|((t, _), _)| *t == i).map(|((_, c), b)| (*c, b)).collect();
            let mut out = vec![0f32; m * n];
            let fill = |(row, dst): (usize, &mut [f32])| {
                for &(c, buf) in &mine {
                    let width = buf.len() / m;
                    dst[c * CHUNK..c * CHUNK + width].copy_from_slice(&buf[row * width..(row + 1) * width]);
                }
            };
            if m >= 8 {
                out.par_chunks_mut(n).enumerate().for_each(fill);
            } else {
                out.chunks_mut(n).enumerate().for_each(fill);
            }
            out
        })
        .collect()
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
    fn check<F: Format<A = Act>>(
        w: &QMatrix<F>,
        weight: impl Fn(&F, usize) -> f32,
        portable: fn(&[F], &[Act]) -> f32,
    ) where
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
