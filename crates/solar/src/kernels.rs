//! What every quantized matrix kernel shares: the [`Format`] trait that a
//! weight block format implements, the choice of a kernel build for this
//! CPU ([`has_avx2`], [`has_avx512`], [`best!`]), f16 scales, and ggml's
//! horizontal sum of eight lanes (portable and AVX2, the same bits).
//!
//! The formats build on this module and never on each other: `quant` has
//! Q4_1 and Q8_0 with their Q8_1 activations, `kquant` Q4_K and Q6_K with
//! their Q8_K activations, and `matmul` puts them together.

/// A weight block format and its dot product with quantized activations.
pub(crate) trait Format: Sized + Send + Sync + std::fmt::Debug {
    /// Bytes per block in the GGUF file.
    const BYTES: usize;
    /// Values per block.
    const QK: usize;
    /// The activation block this format multiplies with.
    type A: Sync;
    fn parse(raw: &[u8]) -> Self;
    /// The block's weights, as ggml's `dequantize_row_*` computes them.
    fn dequantize(&self, out: &mut [f32]);
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

/// A little-endian f16 scale, widened to f32 (exactly).
pub(crate) fn f16(lo: u8, hi: u8) -> f32 {
    half::f16::from_le_bytes([lo, hi]).to_f32()
}

/// Whether the CPU runs the AVX2 kernels (which also use FMA).
#[cfg(target_arch = "x86_64")]
pub(crate) fn has_avx2() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}

/// Whether the CPU runs the AVX-512 kernels (which also use AVX2 and FMA).
#[cfg(target_arch = "x86_64")]
pub(crate) fn has_avx512() -> bool {
    has_avx2()
        && std::is_x86_feature_detected!("avx512f")
        && std::is_x86_feature_detected!("avx512vl")
        && std::is_x86_feature_detected!("avx512bw")
}

/// The fastest of a kernel's builds that this CPU runs: AVX-512, AVX2, or
/// the portable one. It returns from the enclosing function.
macro_rules! best {
    ($avx512:expr, $avx2:expr, $portable:expr) => {{
        #[cfg(target_arch = "x86_64")]
        {
            if $crate::kernels::has_avx512() {
                return $avx512;
            }
            if $crate::kernels::has_avx2() {
                return $avx2;
            }
        }
        $portable
    }};
}
pub(crate) use best;

/// ggml's `hsum_float_8`: high half plus low half, then pairs.
#[inline(always)]
pub(crate) fn hsum8(acc: [f32; 8]) -> f32 {
    let r = [acc[0] + acc[4], acc[1] + acc[5], acc[2] + acc[6], acc[3] + acc[7]];
    (r[0] + r[2]) + (r[1] + r[3])
}

/// Pieces of the AVX2 kernels that every format uses. The intrinsics are
/// safe inside a `target_feature` function, and so are calls to these from
/// functions that enable the same features.
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2 {
    use std::arch::x86_64::*;

    /// ggml's `hsum_float_8`, instruction for instruction: the same bits as
    /// the portable [`super::hsum8`].
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    pub(crate) fn hsum8(acc: __m256) -> f32 {
        let r = _mm_add_ps(_mm256_extractf128_ps::<1>(acc), _mm256_castps256_ps128(acc));
        let r = _mm_add_ps(r, _mm_movehl_ps(r, r));
        _mm_cvtss_f32(_mm_add_ss(r, _mm_movehdup_ps(r)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_avx2_horizontal_sum_has_the_portable_bits() {
        #[cfg(target_arch = "x86_64")]
        if has_avx2() {
            // Magnitudes far apart, so that the order of the additions shows.
            let lanes = [1e8f32, 3.5, -1e8, 0.25, 7e-3, -2.0, 1e-7, 5e3];
            let v: std::arch::x86_64::__m256 = bytemuck::cast(lanes);
            // SAFETY: the CPU has AVX2 and FMA, checked just above.
            #[allow(unsafe_code)]
            let simd = unsafe { avx2::hsum8(v) };
            assert_eq!(simd.to_bits(), hsum8(lanes).to_bits());
        }
        assert_eq!(hsum8([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]), 36.0);
    }
}
