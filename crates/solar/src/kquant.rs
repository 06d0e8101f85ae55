//! Q4_K and Q6_K weights (the bulk of a `Q4_K_M` GGUF, SOLAR's usual
//! download) times Q8_K activations.
//!
//! The layouts and the activation quantization are ggml's
//! (`block_q4_K`, `block_q6_K`, `quantize_row_q8_K_ref`), and so is the
//! shape of the AVX2 dot products (`maddubs` by `madd` of the sub-block
//! scales into eight i32 lanes, scaled into eight f32 lanes per super-block,
//! the Q4_K minimums in four lanes). The portable kernels follow the same
//! lanes, so both give the same bits; unlike the Q4_1/Q8_0 kernels of
//! `quant` they do not claim llama.cpp's bits (on x86 it repacks these types
//! into interleaved layouts with their own order).
//!
//! The matrices made of these blocks and their parallel product live in
//! `matmul`, the pieces every format shares in `kernels`.

use crate::kernels::{best, f16, hsum8, DotRows, Format, ROWS};

/// Values per super-block.
pub(crate) const QK_K: usize = 256;

/// One Q8_K block of activations: `x ≈ d · qs`, with sums of 16 values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ActK {
    d: f32,
    qs: [i8; QK_K],
    bsums: [i16; QK_K / 16],
}

impl ActK {
    /// Sums of the eight sub-blocks of 32 (`_mm_hadd_epi16` of the sums of 16).
    #[inline(always)]
    fn pair_sums(&self) -> [i16; 8] {
        std::array::from_fn(|k| self.bsums[2 * k].wrapping_add(self.bsums[2 * k + 1]))
    }
}

/// A Q4_K super-block: eight sub-blocks of 32 with 6-bit scales and mins,
/// unpacked at load time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Q4K {
    d: f32,
    dmin: f32,
    /// The eight scales, then the eight minimums.
    scales_mins: [u8; 16],
    qs: [u8; QK_K / 2],
}

impl Q4K {
    #[inline(always)]
    fn scale(&self, j: usize) -> u8 {
        self.scales_mins[j]
    }

    #[inline(always)]
    fn min(&self, j: usize) -> u8 {
        self.scales_mins[8 + j]
    }
}

/// A Q6_K super-block: sixteen sub-blocks of 16 with 8-bit scales.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Q6K {
    d: f32,
    ql: [u8; QK_K / 2],
    qh: [u8; QK_K / 4],
    scales: [i8; QK_K / 16],
}

/// Quantizes the rows of `x` (`k` wide, a multiple of 256) to Q8_K.
pub(crate) fn quantize(x: &[f32], k: usize) -> Vec<ActK> {
    if k == 0 || !k.is_multiple_of(QK_K) {
        return Vec::new();
    }
    x.chunks_exact(QK_K).map(quantize_block).collect()
}

fn quantize_block(x: &[f32]) -> ActK {
    let (mut amax, mut max) = (0f32, 0f32);
    for &v in x {
        if v.abs() > amax {
            amax = v.abs();
            max = v;
        }
    }
    let mut block = ActK { d: 0.0, qs: [0; QK_K], bsums: [0; QK_K / 16] };
    if amax == 0.0 {
        return block;
    }
    let iscale = -127.0 / max;
    for (q, &v) in block.qs.iter_mut().zip(x) {
        // ggml's `nearest_int`: round half to even through the 1.5·2^23 trick.
        let r = ((iscale * v + 12_582_912.0) - 12_582_912.0) as i32;
        *q = r.min(127) as i8;
    }
    for (s, chunk) in block.bsums.iter_mut().zip(block.qs.chunks_exact(16)) {
        *s = chunk.iter().map(|&q| i16::from(q)).sum();
    }
    block.d = 1.0 / iscale;
    block
}

impl Format for Q4K {
    const BYTES: usize = 144;
    const QK: usize = QK_K;
    type A = ActK;

    fn parse(b: &[u8]) -> Self {
        let q = &b[4..16];
        let mut scales_mins = [0u8; 16];
        // ggml's `get_scale_min_k4`.
        for j in 0..8 {
            let (sc, m) = if j < 4 {
                (q[j] & 63, q[j + 4] & 63)
            } else {
                ((q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4))
            };
            (scales_mins[j], scales_mins[8 + j]) = (sc, m);
        }
        let mut qs = [0u8; QK_K / 2];
        qs.copy_from_slice(&b[16..144]);
        Q4K { d: f16(b[0], b[1]), dmin: f16(b[2], b[3]), scales_mins, qs }
    }

    fn dequantize(&self, out: &mut [f32]) {
        for j in 0..4 {
            let (d1, m1) = (self.d * f32::from(self.scale(2 * j)), self.dmin * f32::from(self.min(2 * j)));
            let (d2, m2) =
                (self.d * f32::from(self.scale(2 * j + 1)), self.dmin * f32::from(self.min(2 * j + 1)));
            for l in 0..32 {
                let q = self.qs[32 * j + l];
                out[64 * j + l] = d1 * f32::from(q & 0x0f) - m1;
                out[64 * j + 32 + l] = d2 * f32::from(q >> 4) - m2;
            }
        }
    }

    fn dot_fn() -> fn(&[Self], &[ActK]) -> f32 {
        best!(dot_q4k_avx512, dot_q4k_avx2, dot_q4k_generic)
    }

    fn rows_fn() -> Option<DotRows<Self>> {
        best!(Some(rows_q4k_avx512), Some(rows_q4k_avx2), None)
    }
}

impl Format for Q6K {
    const BYTES: usize = 210;
    const QK: usize = QK_K;
    type A = ActK;

    fn parse(b: &[u8]) -> Self {
        let mut block = Q6K { d: f16(b[208], b[209]), ql: [0; 128], qh: [0; 64], scales: [0; 16] };
        block.ql.copy_from_slice(&b[..128]);
        block.qh.copy_from_slice(&b[128..192]);
        for (s, &v) in block.scales.iter_mut().zip(&b[192..208]) {
            *s = v as i8;
        }
        block
    }

    fn dequantize(&self, out: &mut [f32]) {
        for (i, v) in self.values().iter().enumerate() {
            out[i] = self.d * f32::from(self.scales[i / 16]) * f32::from(i16::from(*v) - 32);
        }
    }

    fn dot_fn() -> fn(&[Self], &[ActK]) -> f32 {
        best!(dot_q6k_avx512, dot_q6k_avx2, dot_q6k_generic)
    }

    fn rows_fn() -> Option<DotRows<Self>> {
        best!(Some(rows_q6k_avx512), Some(rows_q6k_avx2), None)
    }
}

impl Q6K {
    /// The 256 unsigned 6-bit values (the weight is `value - 32`), in order.
    #[inline(always)]
    fn values(&self) -> [u8; QK_K] {
        let mut v = [0u8; QK_K];
        for n in 0..2 {
            let (ql, qh, out) = (&self.ql[64 * n..], &self.qh[32 * n..], &mut v[128 * n..]);
            for l in 0..32 {
                out[l] = (ql[l] & 0x0f) | ((qh[l] & 3) << 4);
                out[l + 32] = (ql[l + 32] & 0x0f) | (((qh[l] >> 2) & 3) << 4);
                out[l + 64] = (ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4);
                out[l + 96] = (ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4);
            }
        }
        v
    }
}

/// Lane `l` += `scale` × the integer dot of bytes `4l..4l+4` of 32 weights
/// and 32 activations (`maddubs`, then `madd` by the scale).
#[inline(always)]
fn lanes(sum: &mut [i32; 8], scale: [i32; 8], q: &[u8; 32], y: &[i8]) {
    for l in 0..8 {
        let mut s = 0i32;
        for t in 0..4 {
            s += i32::from(q[4 * l + t]) * i32::from(y[4 * l + t]);
        }
        sum[l] += scale[l] * s;
    }
}

/// Σ over super-blocks of `d · Σ scale·q·q8 − dmin · Σ min·Σq8`.
#[inline(always)]
fn dot_q4k_generic(w: &[Q4K], a: &[ActK]) -> f32 {
    let (mut acc, mut acc_m) = ([0f32; 8], [0f32; 4]);
    for (b, y) in w.iter().zip(a) {
        let mut sum = [0i32; 8];
        for j in 0..4 {
            let lo: [u8; 32] = std::array::from_fn(|l| b.qs[32 * j + l] & 0x0f);
            let hi: [u8; 32] = std::array::from_fn(|l| b.qs[32 * j + l] >> 4);
            lanes(&mut sum, [i32::from(b.scale(2 * j)); 8], &lo, &y.qs[64 * j..]);
            lanes(&mut sum, [i32::from(b.scale(2 * j + 1)); 8], &hi, &y.qs[64 * j + 32..]);
        }
        let d = y.d * b.d;
        for (acc, &s) in acc.iter_mut().zip(&sum) {
            *acc = d.mul_add(s as f32, *acc);
        }
        let q8s = y.pair_sums();
        let dmin = y.d * b.dmin;
        for (i, acc) in acc_m.iter_mut().enumerate() {
            let p = i32::from(b.min(2 * i)) * i32::from(q8s[2 * i])
                + i32::from(b.min(2 * i + 1)) * i32::from(q8s[2 * i + 1]);
            *acc = dmin.mul_add(p as f32, *acc);
        }
    }
    hsum8(acc) - ((acc_m[0] + acc_m[2]) + (acc_m[1] + acc_m[3]))
}

/// Q6_K's values are stored plus 32: lane `l` loses `32 · Σ scale · Σq8`
/// over sub-blocks `2l` and `2l + 1`.
#[inline(always)]
fn offset_lanes(b: &Q6K, y: &ActK) -> [i32; 8] {
    std::array::from_fn(|l| {
        32 * (i32::from(y.bsums[2 * l]) * i32::from(b.scales[2 * l])
            + i32::from(y.bsums[2 * l + 1]) * i32::from(b.scales[2 * l + 1]))
    })
}

#[inline(always)]
fn dot_q6k_generic(w: &[Q6K], a: &[ActK]) -> f32 {
    let mut acc = [0f32; 8];
    for (b, y) in w.iter().zip(a) {
        let v = b.values();
        let mut sum = [0i32; 8];
        for c in 0..8 {
            // 32 values at 32c: the first 16 (lanes 0-3) in sub-block 2c, the rest in 2c + 1.
            let g = 2 * c;
            let scale = std::array::from_fn(|l| i32::from(b.scales[g + usize::from(l >= 4)]));
            let q: [u8; 32] = std::array::from_fn(|i| v[32 * c + i]);
            lanes(&mut sum, scale, &q, &y.qs[32 * c..]);
        }
        let off = offset_lanes(b, y);
        let d = y.d * b.d;
        for l in 0..8 {
            acc[l] = d.mul_add((sum[l] - off[l]) as f32, acc[l]);
        }
    }
    hsum8(acc)
}

/// Safe entry points to the SIMD kernels, for one activation row and for
/// [`ROWS`]. `dot_fn` and `rows_fn` return them only after checking at run
/// time that the CPU has the kernel's features (`best!` checks `has_avx512`,
/// or AVX2 and FMA), which is what makes the `unsafe` calls sound.
macro_rules! simd_entries {
    ($($single:ident, $rows:ident => $module:ident::$kernel:ident, $block:ty;)*) => {$(
        #[cfg(target_arch = "x86_64")]
        fn $single(w: &[$block], a: &[ActK]) -> f32 {
            // SAFETY: see the macro's comment.
            #[allow(unsafe_code)]
            unsafe {
                $module::$kernel::<1>(w, [a])[0]
            }
        }

        #[cfg(target_arch = "x86_64")]
        fn $rows(w: &[$block], a: [&[ActK]; ROWS]) -> [f32; ROWS] {
            // SAFETY: see the macro's comment.
            #[allow(unsafe_code)]
            unsafe {
                $module::$kernel::<ROWS>(w, a)
            }
        }
    )*};
}

simd_entries! {
    dot_q4k_avx2, rows_q4k_avx2 => avx2::q4k_rows, Q4K;
    dot_q6k_avx2, rows_q6k_avx2 => avx2::q6k_rows, Q6K;
    dot_q4k_avx512, rows_q4k_avx512 => avx512::q4k_rows, Q4K;
    dot_q6k_avx512, rows_q6k_avx512 => avx512::q6k_rows, Q6K;
}

/// AVX2 kernels: `maddubs` of unsigned weights by signed activations, `madd`
/// by the sub-block scales, eight i32 lanes summed over a super-block, then
/// scaled into eight f32 lanes (the integer sums are exact, so the result
/// equals the portable kernel's). The float part of each super-block and
/// the Q6_K unpacking are shared with the AVX-512 kernels.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{ActK, Q4K, Q6K};
    use crate::kernels::avx2::hsum8;

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn load(bytes: &[u8]) -> __m256i {
        let a: [u8; 32] = bytes[..32].try_into().unwrap_or([0; 32]);
        bytemuck::cast(a)
    }

    #[target_feature(enable = "avx2,fma")]
    fn load_i8(bytes: &[i8]) -> __m256i {
        let a: [i8; 32] = bytes[..32].try_into().unwrap_or([0; 32]);
        bytemuck::cast(a)
    }

    /// Scales for the two halves of a 32-value vector (16 lanes of i16).
    #[target_feature(enable = "avx2,fma")]
    fn scales(lo: i16, hi: i16) -> __m256i {
        _mm256_set_m128i(_mm_set1_epi16(hi), _mm_set1_epi16(lo))
    }

    /// Q4_K's eight minimums as i16 lanes.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    pub(super) fn q4k_mins(b: &Q4K) -> __m128i {
        let packed: __m128i = bytemuck::cast(b.scales_mins);
        _mm_cvtepu8_epi16(_mm_srli_si128::<8>(packed))
    }

    /// One Q4_K super-block's integer sums `sumi` (eight lanes) into the
    /// row's accumulators: `d · sumi`, and `dmin · Σ min · Σq8` in four lanes.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    pub(super) fn q4k_accumulate(
        acc: &mut (__m256, __m128),
        sumi: __m256i,
        b: &Q4K,
        mins: __m128i,
        y: &ActK,
    ) {
        acc.0 = _mm256_fmadd_ps(_mm256_set1_ps(y.d * b.d), _mm256_cvtepi32_ps(sumi), acc.0);
        let sums: __m256i = bytemuck::cast(y.bsums);
        let q8s = _mm_hadd_epi16(_mm256_castsi256_si128(sums), _mm256_extracti128_si256::<1>(sums));
        let prod = _mm_madd_epi16(mins, q8s);
        acc.1 = _mm_fmadd_ps(_mm_set1_ps(y.d * b.dmin), _mm_cvtepi32_ps(prod), acc.1);
    }

    #[target_feature(enable = "avx2,fma")]
    #[inline]
    pub(super) fn q4k_finish(acc: (__m256, __m128)) -> f32 {
        let m = _mm_add_ps(acc.1, _mm_movehl_ps(acc.1, acc.1));
        let m = _mm_add_ss(m, _mm_movehdup_ps(m));
        hsum8(acc.0) - _mm_cvtss_f32(m)
    }

    /// The four 32-value vectors of Q6_K's half `n` (values plus 32).
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    pub(super) fn q6k_values(b: &Q6K, n: usize) -> [__m256i; 4] {
        let (m4, m3) = (_mm256_set1_epi8(0x0f), _mm256_set1_epi8(3));
        let (qa, qb, h) = (load(&b.ql[64 * n..]), load(&b.ql[64 * n + 32..]), load(&b.qh[32 * n..]));
        let high = |bits: __m256i| _mm256_slli_epi16::<4>(_mm256_and_si256(bits, m3));
        [
            _mm256_or_si256(_mm256_and_si256(qa, m4), high(h)),
            _mm256_or_si256(_mm256_and_si256(qb, m4), high(_mm256_srli_epi16::<2>(h))),
            _mm256_or_si256(
                _mm256_and_si256(_mm256_srli_epi16::<4>(qa), m4),
                high(_mm256_srli_epi16::<4>(h)),
            ),
            _mm256_or_si256(
                _mm256_and_si256(_mm256_srli_epi16::<4>(qb), m4),
                high(_mm256_srli_epi16::<6>(h)),
            ),
        ]
    }

    /// One Q6_K super-block's integer sums into the row's accumulator, less
    /// the `32 · Σ scale · Σq8` offset of the stored values.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    pub(super) fn q6k_accumulate(acc: &mut __m256, sumi: __m256i, b: &Q6K, y: &ActK) {
        let scales16: __m256i = _mm256_cvtepi8_epi16(bytemuck::cast::<[i8; 16], __m128i>(b.scales));
        let sums: __m256i = bytemuck::cast(y.bsums);
        let offset = _mm256_slli_epi32::<5>(_mm256_madd_epi16(sums, scales16));
        let s = _mm256_sub_epi32(sumi, offset);
        *acc = _mm256_fmadd_ps(_mm256_set1_ps(y.d * b.d), _mm256_cvtepi32_ps(s), *acc);
    }

    /// Q4_K times `N` activation rows: the weights are unpacked once per
    /// super-block, each row's arithmetic is the single-row kernel's.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn q4k_rows<const N: usize>(w: &[Q4K], a: [&[ActK]; N]) -> [f32; N] {
        let m4 = _mm256_set1_epi8(0x0f);
        let mut acc = [(_mm256_setzero_ps(), _mm_setzero_ps()); N];
        for (i, b) in w.iter().enumerate() {
            let ys: [&ActK; N] = std::array::from_fn(|r| &a[r][i]);
            let mut sumi = [_mm256_setzero_si256(); N];
            for j in 0..4 {
                let q4 = load(&b.qs[32 * j..]);
                let lo = _mm256_and_si256(q4, m4);
                let hi = _mm256_and_si256(_mm256_srli_epi16::<4>(q4), m4);
                let sl = _mm256_set1_epi16(i16::from(b.scale(2 * j)));
                let sh = _mm256_set1_epi16(i16::from(b.scale(2 * j + 1)));
                for (sumi, y) in sumi.iter_mut().zip(ys) {
                    let pl = _mm256_madd_epi16(sl, _mm256_maddubs_epi16(lo, load_i8(&y.qs[64 * j..])));
                    let ph = _mm256_madd_epi16(sh, _mm256_maddubs_epi16(hi, load_i8(&y.qs[64 * j + 32..])));
                    *sumi = _mm256_add_epi32(*sumi, _mm256_add_epi32(pl, ph));
                }
            }
            let mins = q4k_mins(b);
            for r in 0..N {
                q4k_accumulate(&mut acc[r], sumi[r], b, mins, ys[r]);
            }
        }
        std::array::from_fn(|r| q4k_finish(acc[r]))
    }

    /// Q6_K times `N` activation rows, as [`q4k_rows`].
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn q6k_rows<const N: usize>(w: &[Q6K], a: [&[ActK]; N]) -> [f32; N] {
        let mut acc = [_mm256_setzero_ps(); N];
        for (i, b) in w.iter().enumerate() {
            let ys: [&ActK; N] = std::array::from_fn(|r| &a[r][i]);
            let mut sumi = [_mm256_setzero_si256(); N];
            for n in 0..2 {
                for (k, q) in q6k_values(b, n).into_iter().enumerate() {
                    let g = 8 * n + 2 * k;
                    let s = scales(i16::from(b.scales[g]), i16::from(b.scales[g + 1]));
                    for (sumi, y) in sumi.iter_mut().zip(ys) {
                        let p = _mm256_maddubs_epi16(q, load_i8(&y.qs[128 * n + 32 * k..]));
                        *sumi = _mm256_add_epi32(*sumi, _mm256_madd_epi16(s, p));
                    }
                }
            }
            for r in 0..N {
                q6k_accumulate(&mut acc[r], sumi[r], b, ys[r]);
            }
        }
        std::array::from_fn(|r| hsum8(acc[r]))
    }
}

/// AVX-512 (BW) kernels: the same integer work on 64 values per
/// instruction (a Q4_K sub-block pair, or two Q6_K vectors), with the i32
/// lanes folded to AVX2's eight before the shared float part, so the results
/// are the AVX2 kernels' bits.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::avx2::{load, q4k_accumulate, q4k_finish, q4k_mins, q6k_accumulate, q6k_values};
    use super::{ActK, Q4K, Q6K};
    use crate::kernels::avx2::hsum8;

    #[target_feature(enable = "avx2,fma,avx512f,avx512bw,avx512vl")]
    fn load64_i8(bytes: &[i8]) -> __m512i {
        let a: [i8; 64] = bytes[..64].try_into().unwrap_or([0; 64]);
        bytemuck::cast(a)
    }

    #[target_feature(enable = "avx2,fma,avx512f,avx512bw,avx512vl")]
    fn join(lo: __m256i, hi: __m256i) -> __m512i {
        _mm512_inserti64x4::<1>(_mm512_castsi256_si512(lo), hi)
    }

    /// The sixteen i32 lanes folded to eight: lane `l` plus lane `l + 8`.
    #[target_feature(enable = "avx2,fma,avx512f,avx512bw,avx512vl")]
    fn fold(v: __m512i) -> __m256i {
        _mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64::<1>(v))
    }

    #[target_feature(enable = "avx2,fma,avx512f,avx512bw,avx512vl")]
    pub(super) fn q4k_rows<const N: usize>(w: &[Q4K], a: [&[ActK]; N]) -> [f32; N] {
        let m4 = _mm256_set1_epi8(0x0f);
        let mut acc = [(_mm256_setzero_ps(), _mm_setzero_ps()); N];
        for (i, b) in w.iter().enumerate() {
            let ys: [&ActK; N] = std::array::from_fn(|r| &a[r][i]);
            let mut sumi = [_mm512_setzero_si512(); N];
            for j in 0..4 {
                let q4 = load(&b.qs[32 * j..]);
                let q = join(_mm256_and_si256(q4, m4), _mm256_and_si256(_mm256_srli_epi16::<4>(q4), m4));
                let sc = join(
                    _mm256_set1_epi16(i16::from(b.scale(2 * j))),
                    _mm256_set1_epi16(i16::from(b.scale(2 * j + 1))),
                );
                for (sumi, y) in sumi.iter_mut().zip(ys) {
                    let p = _mm512_maddubs_epi16(q, load64_i8(&y.qs[64 * j..]));
                    *sumi = _mm512_add_epi32(*sumi, _mm512_madd_epi16(sc, p));
                }
            }
            let mins = q4k_mins(b);
            for r in 0..N {
                q4k_accumulate(&mut acc[r], fold(sumi[r]), b, mins, ys[r]);
            }
        }
        std::array::from_fn(|r| q4k_finish(acc[r]))
    }

    #[target_feature(enable = "avx2,fma,avx512f,avx512bw,avx512vl")]
    pub(super) fn q6k_rows<const N: usize>(w: &[Q6K], a: [&[ActK]; N]) -> [f32; N] {
        // i16 lane groups of eight take scales 0-3 (first vector pair) or
        // 4-7 (second) of the eight that cover 128 values.
        let first = _mm512_set_epi64(
            0x0003_0003_0003_0003,
            0x0003_0003_0003_0003,
            0x0002_0002_0002_0002,
            0x0002_0002_0002_0002,
            0x0001_0001_0001_0001,
            0x0001_0001_0001_0001,
            0,
            0,
        );
        let second = _mm512_add_epi16(first, _mm512_set1_epi16(4));
        let mut acc = [_mm256_setzero_ps(); N];
        for (i, b) in w.iter().enumerate() {
            let ys: [&ActK; N] = std::array::from_fn(|r| &a[r][i]);
            let mut sumi = [_mm512_setzero_si512(); N];
            for n in 0..2 {
                let [q0, q1, q2, q3] = q6k_values(b, n);
                let (q01, q23) = (join(q0, q1), join(q2, q3));
                let sc8: [i8; 16] = std::array::from_fn(|t| if t < 8 { b.scales[8 * n + t] } else { 0 });
                let sc = _mm512_castsi128_si512(_mm_cvtepi8_epi16(bytemuck::cast::<[i8; 16], __m128i>(sc8)));
                let (s01, s23) = (_mm512_permutexvar_epi16(first, sc), _mm512_permutexvar_epi16(second, sc));
                for (sumi, y) in sumi.iter_mut().zip(ys) {
                    let p01 = _mm512_maddubs_epi16(q01, load64_i8(&y.qs[128 * n..]));
                    let p23 = _mm512_maddubs_epi16(q23, load64_i8(&y.qs[128 * n + 64..]));
                    let s = _mm512_add_epi32(_mm512_madd_epi16(s01, p01), _mm512_madd_epi16(s23, p23));
                    *sumi = _mm512_add_epi32(*sumi, s);
                }
            }
            for r in 0..N {
                q6k_accumulate(&mut acc[r], fold(sumi[r]), b, ys[r]);
            }
        }
        std::array::from_fn(|r| hsum8(acc[r]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic super-block's bytes.
    fn bytes(len: usize, seed: usize) -> Vec<u8> {
        (0..len).map(|i| ((i * 131 + seed * 71 + 17) % 251) as u8).collect()
    }

    fn x_values(k: usize) -> Vec<f32> {
        (0..k).map(|i| ((i * 37 % 101) as f32 - 50.0) / 25.0).collect()
    }

    /// Dot products against dequantized weights, and the portable kernel
    /// against the dispatched one to the bit.
    fn check<F: Format<A = ActK>>(make: impl Fn(usize) -> Vec<u8>, portable: fn(&[F], &[ActK]) -> f32) {
        let blocks: Vec<F> = (0..3).map(|i| F::parse(&make(i))).collect();
        let x = x_values(3 * QK_K);
        let acts = quantize(&x, 3 * QK_K);
        let mut w = vec![0f32; 3 * QK_K];
        for (b, out) in blocks.iter().zip(w.chunks_exact_mut(QK_K)) {
            b.dequantize(out);
        }
        let exact: f32 = w.iter().zip(&x).map(|(a, b)| a * b).sum();
        let scale: f32 = w.iter().zip(&x).map(|(a, b)| (a * b).abs()).sum();
        let got = portable(&blocks, &acts);
        assert!((got - exact).abs() <= 0.01 * scale, "{got} vs {exact} (scale {scale})");
        assert_eq!(F::dot_fn()(&blocks, &acts), got);
        if let Some(dot_rows) = F::rows_fn() {
            let rows: Vec<Vec<ActK>> = (0..ROWS)
                .map(|r| quantize(&x.iter().map(|v| v * (r as f32 - 3.5)).collect::<Vec<_>>(), 3 * QK_K))
                .collect();
            let many = dot_rows(&blocks, std::array::from_fn(|r| &rows[r][..]));
            for (row, got) in rows.iter().zip(many) {
                assert_eq!(got, portable(&blocks, row));
            }
        }
    }

    #[test]
    fn q8_k_quantization_round_trips() {
        let x = x_values(QK_K);
        let q = &quantize(&x, QK_K)[0];
        for (i, &v) in x.iter().enumerate() {
            assert!((q.d * f32::from(q.qs[i]) - v).abs() <= q.d.abs() * 0.5 + 1e-6);
        }
        assert_eq!(q.bsums[0], q.qs[..16].iter().map(|&v| i16::from(v)).sum::<i16>());
        assert!(quantize(&x[..100], 100).is_empty());
    }

    #[test]
    fn q4_k_dot_matches_dequantized_weights() {
        let make = |i: usize| {
            let mut b = bytes(144, i);
            b[..2].copy_from_slice(&half::f16::from_f32(0.01).to_le_bytes());
            b[2..4].copy_from_slice(&half::f16::from_f32(0.02).to_le_bytes());
            b
        };
        check::<Q4K>(make, dot_q4k_generic);
    }

    #[test]
    fn q6_k_dot_matches_dequantized_weights() {
        let make = |i: usize| {
            let mut b = bytes(210, i);
            for s in &mut b[192..208] {
                *s = (*s % 64).wrapping_sub(32);
            }
            b[208..].copy_from_slice(&half::f16::from_f32(0.003).to_le_bytes());
            b
        };
        check::<Q6K>(make, dot_q6k_generic);
    }
}
