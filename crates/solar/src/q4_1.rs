//! A Q4_1 matrix-vector kernel that computes exactly what llama.cpp's
//! x86 kernel computes, and as fast.
//!
//! candle has SIMD dot products for Q4_0, Q8_0 and the k-quants but not for
//! Q4_1 (SmolLM2's format), where it falls back to scalar code; its Q8_1
//! activation quantization also rounds differently from ggml's, which is
//! enough to change greedy continuations. This module follows ggml's AVX2
//! `quantize_row_q8_1` and `ggml_vec_dot_q4_1_q8_1` operation by operation
//! (reciprocal scale `127 / max`, round-half-even, fused multiply-adds in
//! eight lanes, the same horizontal sum), written as portable safe Rust
//! that the compiler vectorises; a copy compiled with AVX2+FMA is selected
//! at run time.

use rayon::prelude::*;

/// Values per block.
const QK: usize = 32;
/// Bytes per ggml `block_q4_1`: f16 d, f16 m, 16 bytes of nibbles.
const BLOCK_BYTES: usize = 20;

/// One Q4_1 block with its scales widened to f32 (exactly).
#[derive(Debug, Clone, Copy)]
struct Block {
    d: f32,
    m: f32,
    qs: [u8; 16],
}

/// One Q8_1 block of activations.
#[derive(Debug, Clone, Copy, Default)]
struct Act {
    d: f32,
    s: f32,
    qs: [i8; QK],
}

/// An `[n, k]` Q4_1 weight matrix.
#[derive(Debug)]
pub struct Q41Matrix {
    pub n: usize,
    pub k: usize,
    blocks: Vec<Block>,
}

impl Q41Matrix {
    /// Parses ggml's raw Q4_1 bytes for an `[n, k]` matrix.
    pub fn from_ggml_bytes(raw: &[u8], n: usize, k: usize) -> Option<Self> {
        if !k.is_multiple_of(QK) || raw.len() != n * k / QK * BLOCK_BYTES {
            return None;
        }
        let blocks = raw
            .chunks_exact(BLOCK_BYTES)
            .map(|b| {
                let mut qs = [0u8; 16];
                qs.copy_from_slice(&b[4..20]);
                Block {
                    d: half::f16::from_le_bytes([b[0], b[1]]).to_f32(),
                    m: half::f16::from_le_bytes([b[2], b[3]]).to_f32(),
                    qs,
                }
            })
            .collect();
        Some(Self { n, k, blocks })
    }

    /// `x` is `[m, k]` row-major; returns `[m, n]`.
    pub fn matmul(&self, x: &[f32], m: usize) -> Vec<f32> {
        let kb = self.k / QK;
        let acts: Vec<Act> = x.chunks_exact(self.k).flat_map(quantize_row).collect();
        let mut out = vec![0f32; m * self.n];
        let dot = dot_fn();
        // Columns are split across threads; each thread walks all rows so
        // that a weight row is read once per call.
        const CHUNK: usize = 64;
        let mut cols: Vec<(usize, Vec<f32>)> = (0..self.n.div_ceil(CHUNK)).map(|c| (c, Vec::new())).collect();
        cols.par_iter_mut().for_each(|(c, buf)| {
            let start = *c * CHUNK;
            let end = (start + CHUNK).min(self.n);
            buf.resize((end - start) * m, 0.0);
            for col in start..end {
                let w = &self.blocks[col * kb..(col + 1) * kb];
                for row in 0..m {
                    buf[(col - start) * m + row] = dot(w, &acts[row * kb..(row + 1) * kb]);
                }
            }
        });
        for (c, buf) in cols {
            let start = c * CHUNK;
            let width = buf.len() / m.max(1);
            for i in 0..width {
                for row in 0..m {
                    out[row * self.n + start + i] = buf[i * m + row];
                }
            }
        }
        out
    }
}

/// ggml's AVX2 `quantize_row_q8_1`.
fn quantize_row(x: &[f32]) -> Vec<Act> {
    x.chunks_exact(QK)
        .map(|xs| {
            let amax = xs.iter().fold(0f32, |a, &v| a.max(v.abs()));
            let d = amax / 127.0;
            let id = if amax != 0.0 { 127.0 / amax } else { 0.0 };
            let mut qs = [0i8; QK];
            let mut sum = 0i32;
            for (q, &v) in qs.iter_mut().zip(xs) {
                let r = (v * id).round_ties_even() as i32;
                *q = r as i8;
                sum += r;
            }
            let d16 = half::f16::from_f32(d).to_f32();
            let s16 = half::f16::from_f32(d * sum as f32).to_f32();
            Act { d: d16, s: s16, qs }
        })
        .collect()
}

type DotFn = fn(&[Block], &[Act]) -> f32;

fn dot_fn() -> DotFn {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            return dot_avx2;
        }
    }
    dot_portable
}

/// ggml's `ggml_vec_dot_q4_1_q8_1` (AVX2 path): eight f32 lanes, each the
/// integer dot of four consecutive bytes, accumulated with fused
/// multiply-adds by `d_w * d_x`; the `m * s` terms summed apart.
#[inline(always)]
fn dot_generic(w: &[Block], a: &[Act]) -> f32 {
    let mut acc = [0f32; 8];
    let mut summs = 0f32;
    for (b, y) in w.iter().zip(a) {
        summs = b.m.mul_add(y.s, summs);
        let d = b.d * y.d;
        let mut qx = [0u8; QK];
        for j in 0..16 {
            qx[j] = b.qs[j] & 0x0f;
            qx[j + 16] = b.qs[j] >> 4;
        }
        for (l, lane) in acc.iter_mut().enumerate() {
            let mut s = 0i32;
            for j in 0..4 {
                s += i32::from(qx[4 * l + j]) * i32::from(y.qs[4 * l + j]);
            }
            *lane = d.mul_add(s as f32, *lane);
        }
    }
    let r = [acc[0] + acc[4], acc[1] + acc[5], acc[2] + acc[6], acc[3] + acc[7]];
    ((r[0] + r[2]) + (r[1] + r[3])) + summs
}

fn dot_portable(w: &[Block], a: &[Act]) -> f32 {
    dot_generic(w, a)
}

#[cfg(target_arch = "x86_64")]
fn dot_avx2(w: &[Block], a: &[Act]) -> f32 {
    // SAFETY: `dot_fn` returns this function only after checking at run
    // time that the CPU has AVX2 and FMA, the features `avx2::dot` needs.
    #[allow(unsafe_code)]
    unsafe {
        avx2::dot(w, a)
    }
}

/// The AVX2 kernel, instruction for instruction ggml's (`bytes_from_nibbles_32`,
/// `mul_sum_us8_pairs_float`, `_mm256_fmadd_ps`, `hsum_float_8`). The
/// intrinsics are safe inside a `target_feature` function; loads go through
/// `bytemuck` casts instead of raw pointers.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{Act, Block};

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn dot(w: &[Block], a: &[Act]) -> f32 {
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
        let hi = _mm256_extractf128_ps::<1>(acc);
        let r = _mm_add_ps(hi, _mm256_castps256_ps128(acc));
        let r = _mm_add_ps(r, _mm_movehl_ps(r, r));
        let r = _mm_add_ss(r, _mm_movehdup_ps(r));
        _mm_cvtss_f32(r) + summs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(w: &Q41Matrix, x: &[f32]) -> Vec<f32> {
        // Dequantized weights times unquantized activations.
        (0..w.n)
            .map(|c| {
                let kb = w.k / QK;
                let mut sum = 0f32;
                for (bi, b) in w.blocks[c * kb..(c + 1) * kb].iter().enumerate() {
                    for j in 0..16 {
                        sum += (b.d * f32::from(b.qs[j] & 15) + b.m) * x[bi * QK + j];
                        sum += (b.d * f32::from(b.qs[j] >> 4) + b.m) * x[bi * QK + j + 16];
                    }
                }
                sum
            })
            .collect()
    }

    #[test]
    fn matmul_is_close_to_dequantized_product() {
        let (n, k, m) = (70, 64, 3);
        let raw: Vec<u8> = (0..n * k / QK)
            .flat_map(|i| {
                let d = half::f16::from_f32(0.01 + (i % 7) as f32 * 0.003).to_le_bytes();
                let mm = half::f16::from_f32(-0.05 * (i % 3) as f32).to_le_bytes();
                let mut b = vec![d[0], d[1], mm[0], mm[1]];
                b.extend((0..16).map(|j| ((i * 31 + j * 7) % 256) as u8));
                b
            })
            .collect();
        let w = Q41Matrix::from_ggml_bytes(&raw, n, k).unwrap();
        let x: Vec<f32> = (0..m * k).map(|i| ((i * 37 % 101) as f32 - 50.0) / 25.0).collect();
        let y = w.matmul(&x, m);
        for row in 0..m {
            let r = reference(&w, &x[row * k..(row + 1) * k]);
            for c in 0..n {
                let (a, b) = (y[row * n + c], r[c]);
                assert!((a - b).abs() <= 0.02 * (1.0 + b.abs()), "row {row} col {c}: {a} vs {b}");
            }
        }
        // The portable and the dispatched (AVX2) kernels agree to the bit.
        let acts = quantize_row(&x[..64]);
        assert_eq!(dot_portable(&w.blocks[..2], &acts), y[0]);
        assert_eq!(dot_fn()(&w.blocks[2..4], &acts), dot_portable(&w.blocks[2..4], &acts));
    }
}
