//! Matrix-vector kernels for the GGUF formats SmolLM2 uses, Q4_1 and Q8_0,
//! and for Q4_0 (the embedder's weights, `parasol-embed`), that compute
//! exactly what llama.cpp's x86 kernels compute, and as fast.
//!
//! candle has SIMD dot products for Q4_0, Q8_0 and the k-quants but not for
//! Q4_1 (SmolLM2's format), where it falls back to scalar code; its Q8_0/Q8_1
//! activation quantization also rounds differently from ggml's, which is
//! enough to change greedy continuations. This module follows ggml's AVX2
//! `quantize_row_q8_1`/`quantize_row_q8_0` and `ggml_vec_dot_q4_1_q8_1`/
//! `ggml_vec_dot_q8_0_q8_0`/`ggml_vec_dot_q4_0_q8_0` operation by operation (reciprocal scale
//! `127 / max`, round-half-even, fused multiply-adds in eight lanes, the same
//! horizontal sum); an AVX2+FMA copy is selected at run time and a portable
//! copy gives the same bits elsewhere.
//!
//! The matrices made of these blocks and their parallel product live in
//! `matmul`, the pieces every format shares in `kernels`.

#[cfg(target_arch = "x86_64")]
use crate::kernels::has_avx2;
use crate::kernels::{f16, hsum8, DotRows, Format, ROWS};

/// Values per block (both formats).
pub(crate) const QK: usize = 32;

/// One Q4_1 block with its scales widened to f32 (exactly).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Q41 {
    pub(crate) d: f32,
    pub(crate) m: f32,
    pub(crate) qs: [u8; 16],
}

/// One Q4_0 block with its scale widened to f32 (exactly): byte `j` holds
/// weight `j` in its low nibble and weight `j + 16` in its high one, each
/// stored plus 8.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Q40 {
    pub(crate) d: f32,
    pub(crate) qs: [u8; 16],
}

/// One Q8_0 block with its scale widened to f32 (exactly).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Q80 {
    pub(crate) d: f32,
    pub(crate) qs: [i8; QK],
}

/// One block of quantized activations (ggml's Q8_1; `s` unused for Q8_0).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Act {
    d: f32,
    s: f32,
    qs: [i8; QK],
}

impl Format for Q41 {
    const BYTES: usize = 20;
    const QK: usize = QK;
    type A = Act;
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

impl Format for Q40 {
    const BYTES: usize = 18;
    const QK: usize = QK;
    type A = Act;
    fn parse(b: &[u8]) -> Self {
        let mut qs = [0u8; 16];
        qs.copy_from_slice(&b[2..18]);
        Q40 { d: f16(b[0], b[1]), qs }
    }
    fn dequantize(&self, out: &mut [f32]) {
        for j in 0..16 {
            out[j] = f32::from(i16::from(self.qs[j] & 0x0f) - 8) * self.d;
            out[j + 16] = f32::from(i16::from(self.qs[j] >> 4) - 8) * self.d;
        }
    }
    fn dot_fn() -> fn(&[Self], &[Act]) -> f32 {
        #[cfg(target_arch = "x86_64")]
        {
            if has_avx2() {
                return dot_q40_avx2;
            }
        }
        dot_q40_generic
    }
    fn rows_fn() -> Option<DotRows<Self>> {
        #[cfg(target_arch = "x86_64")]
        {
            if has_avx2() {
                return Some(rows_q40_avx2);
            }
        }
        None
    }
}

impl Format for Q80 {
    const BYTES: usize = 34;
    const QK: usize = QK;
    type A = Act;
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

/// Quantizes the rows of `x` (`k` wide) to Q8_1 (and Q8_0) blocks, in the
/// AVX2 build when the CPU has it (the same bits, vectorised).
pub(crate) fn quantize(x: &[f32], k: usize) -> Vec<Act> {
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
pub(crate) fn dot_q41_generic(w: &[Q41], a: &[Act]) -> f32 {
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

/// ggml's `ggml_vec_dot_q4_0_q8_0` (AVX2 path): the nibbles less 8 as
/// signed bytes, then as Q8_0.
#[inline(always)]
pub(crate) fn dot_q40_generic(w: &[Q40], a: &[Act]) -> f32 {
    let mut acc = [0f32; 8];
    for (b, y) in w.iter().zip(a) {
        let mut qx = [0i8; QK];
        for j in 0..16 {
            qx[j] = (b.qs[j] & 0x0f) as i8 - 8;
            qx[j + 16] = (b.qs[j] >> 4) as i8 - 8;
        }
        lanes_fma(&mut acc, b.d * y.d, &qx, &y.qs);
    }
    hsum8(acc)
}

/// ggml's `ggml_vec_dot_q8_0_q8_0` (AVX2 path): as Q4_1 without the
/// minimum term.
#[inline(always)]
pub(crate) fn dot_q80_generic(w: &[Q80], a: &[Act]) -> f32 {
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
fn dot_q40_avx2(w: &[Q40], a: &[Act]) -> f32 {
    // SAFETY: as for `dot_q41_avx2`.
    #[allow(unsafe_code)]
    unsafe {
        avx2::q40_rows::<1>(w, [a])[0]
    }
}

#[cfg(target_arch = "x86_64")]
fn rows_q40_avx2(w: &[Q40], a: [&[Act]; ROWS]) -> [f32; ROWS] {
    // SAFETY: `Format::rows_fn` returns this function only after checking
    // at run time that the CPU has AVX2 and FMA.
    #[allow(unsafe_code)]
    unsafe {
        avx2::q40_rows::<ROWS>(w, a)
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

    use super::{Act, Q40, Q41, Q80};
    use crate::kernels::avx2::hsum8;

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
        hsum8(acc) + summs
    }

    /// ggml's Q4_0 × Q8_0 kernel for `R` activation rows at once: each weight
    /// block is unpacked once (`bytes_from_nibbles_32`, less 8) and used for
    /// every row; each row's arithmetic is the single-row kernel's, so every
    /// result has its bits.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn q40_rows<const R: usize>(w: &[Q40], a: [&[Act]; R]) -> [f32; R] {
        let mut acc = [_mm256_setzero_ps(); R];
        let low = _mm256_set1_epi8(0x0f);
        let off = _mm256_set1_epi8(8);
        let ones = _mm256_set1_epi16(1);
        for (i, b) in w.iter().enumerate() {
            let packed: __m128i = bytemuck::cast(b.qs);
            let qx = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16::<4>(packed), packed), low);
            let qx = _mm256_sub_epi8(qx, off);
            // |x| times y with x's sign, so that maddubs' unsigned operand is |x|.
            let ax = _mm256_sign_epi8(qx, qx);
            for (acc, a) in acc.iter_mut().zip(a) {
                let y = &a[i];
                let d = _mm256_set1_ps(b.d * y.d);
                let qy: __m256i = bytemuck::cast(y.qs);
                let sy = _mm256_sign_epi8(qy, qx);
                let xy = _mm256_cvtepi32_ps(_mm256_madd_epi16(ones, _mm256_maddubs_epi16(ax, sy)));
                *acc = _mm256_fmadd_ps(d, xy, *acc);
            }
        }
        let mut out = [0f32; R];
        for (o, acc) in out.iter_mut().zip(acc) {
            *o = hsum8(acc);
        }
        out
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
        hsum8(acc)
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn quantize(x: &[f32], k: usize) -> Vec<Act> {
        super::quantize_rows(x, k)
    }
}
