//! The encoder's matrix products: Q4_0 weights unpacked once at load to
//! 8-bit integers, activations quantised per 32-value block to 8 bits
//! (Q8_0's values and scales), and a register-blocked AVX2 integer GEMM.
//!
//! Each result is `Σ_b (d_w,b · d_x,b) · (Σ_{j∈b} w_j x_j)` with the block
//! sums exact in integers and the blocks added in order with fused
//! multiply-adds: the same numbers as ggml's Q4_0 × Q8_0 dot product, added
//! per block in one lane instead of eight lanes and a horizontal sum, so
//! results differ from `parasol-solar`'s kernels only in the last bits. The
//! order of the additions of one result never depends on its row's place
//! in the batch, so a batch of windows gives each window the bits it gets
//! alone.
//!
//! Layout: the weights of 16 outputs (a panel) are interleaved by groups of
//! four inputs, so that one 256-bit load holds four inputs of eight outputs
//! and one broadcast holds four inputs of a row; `vpmaddubsw` multiplies
//! them (weights as unsigned `w + 8` in 0..=15, activations signed), eight
//! such products are summed in 16 bits (at most 16 · 15 · 127 = 30,480, no
//! overflow) and widened once per block, and `8 · Σx` per block takes the
//! offset back out. The scalar path computes the same integers and the same
//! fused multiply-adds in the same order: its results are the SIMD path's
//! to the bit.

use rayon::prelude::*;

/// Values per block (Q4_0's and Q8_0's).
pub(crate) const QK: usize = 32;
/// Outputs per panel: two 256-bit vectors of eight `i32` or `f32` lanes.
const PANEL: usize = 16;
/// Bytes of one group of four inputs of a panel's sixteen outputs.
const GROUP_BYTES: usize = 4 * PANEL;
/// Rows per parallel task when the batch is split by rows; a task reads
/// each weight once for all of them.
const ROW_CHUNK: usize = 48;
/// Panels per parallel task when a short batch (a query) is split by
/// outputs instead.
const PANELS_PER_TASK: usize = 4;

/// A `[n, k]` weight matrix (outputs × inputs), unpacked from Q4_0.
#[derive(Debug)]
pub(crate) struct Weights {
    n: usize,
    k: usize,
    /// `w + 8` (0..=15); panel `p`, group `g` of four inputs, output `c` of
    /// the panel at `(p · k/4 + g) · 64 + 4c`. Outputs past `n` (padding of
    /// the last panel) are zero with scale zero.
    packed: Vec<u8>,
    /// Block scales: panel `p`, block `b`, output `c` at `(p · k/32 + b) · 16 + c`.
    scales: Vec<f32>,
}

impl Weights {
    /// Unpacks ggml's Q4_0 blocks (18 bytes: f16 scale, 16 bytes of
    /// nibbles, low nibbles the block's first 16 values) of an `[n, k]`
    /// matrix; `None` when the bytes do not fit the shape.
    pub(crate) fn from_q4_0(raw: &[u8], n: usize, k: usize) -> Option<Weights> {
        if k == 0 || !k.is_multiple_of(QK) || raw.len() != n.checked_mul(k / QK)?.checked_mul(18)? {
            return None;
        }
        let (kb, groups, panels) = (k / QK, k / 4, n.div_ceil(PANEL));
        let mut packed = vec![0u8; panels * groups * GROUP_BYTES];
        let mut scales = vec![0f32; panels * kb * PANEL];
        for (row, blocks) in raw.chunks_exact(kb * 18).enumerate() {
            let (p, c) = (row / PANEL, row % PANEL);
            for (b, block) in blocks.chunks_exact(18).enumerate() {
                scales[(p * kb + b) * PANEL + c] = half::f16::from_le_bytes([block[0], block[1]]).to_f32();
                let qs = &block[2..];
                for j in 0..QK {
                    let v = if j < 16 { qs[j] & 0x0f } else { qs[j - 16] >> 4 };
                    let (g, e) = ((b * QK + j) / 4, j % 4);
                    packed[(p * groups + g) * GROUP_BYTES + 4 * c + e] = v;
                }
            }
        }
        Some(Weights { n, k, packed, scales })
    }

    /// Panel `p`'s weights and scales.
    fn panel(&self, p: usize) -> (&[u8], &[f32]) {
        let (groups, kb) = (self.k / 4, self.k / QK);
        (
            &self.packed[p * groups * GROUP_BYTES..(p + 1) * groups * GROUP_BYTES],
            &self.scales[p * kb * PANEL..(p + 1) * kb * PANEL],
        )
    }
}

/// Rows of activations quantised per block of 32 like ggml's Q8_0.
#[derive(Debug, Default)]
pub(crate) struct Acts {
    k: usize,
    qs: Vec<i8>,
    /// Block scales (f16-rounded, as Q8_0 stores them).
    d: Vec<f32>,
    /// `8 · Σ q` per block: what the weights' `+ 8` adds to a block's sum.
    s8: Vec<i32>,
}

#[derive(Debug, Clone, Copy)]
struct Row<'a> {
    qs: &'a [i8],
    d: &'a [f32],
    s8: &'a [i32],
}

/// Whether this CPU runs the AVX2 path.
pub(crate) fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Quantises `x` (`[m, k]`, row-major, `k` a multiple of 32) as ggml's
/// `quantize_row_q8_0`: per block `d = max|x| / 127`, `q = round(x / d)`
/// (ties to even), `d` kept as f16. Rows in parallel.
#[cfg(test)]
pub(crate) fn quantize(x: &[f32], k: usize) -> Acts {
    let mut a = Acts::default();
    quantize_into(x, k, &mut a, has_avx2());
    a
}

/// [`quantize`] into `a`'s buffers, which keep their memory from one
/// product to the next.
pub(crate) fn quantize_into(x: &[f32], k: usize, a: &mut Acts, simd: bool) {
    let m = x.len() / k;
    let kb = k / QK;
    a.k = k;
    // Every value is written below: the old contents may stay.
    a.qs.resize(m * k, 0);
    a.d.resize(m * kb, 0.0);
    a.s8.resize(m * kb, 0);
    x.par_chunks(k * ROW_CHUNK)
        .zip(a.qs.par_chunks_mut(k * ROW_CHUNK))
        .zip(a.d.par_chunks_mut(kb * ROW_CHUNK).zip(a.s8.par_chunks_mut(kb * ROW_CHUNK)))
        .for_each(|((x, qs), (d, s8))| {
            #[cfg(target_arch = "x86_64")]
            if simd {
                // SAFETY: `simd` is true only when the CPU has AVX2 and FMA.
                #[allow(unsafe_code)]
                unsafe {
                    quantize_blocks_avx2(x, qs, d, s8)
                };
                return;
            }
            let _ = simd;
            quantize_blocks(x, qs, d, s8);
        });
}

/// [`quantize_into`] for `m` rows of width `k` stored in column blocks of
/// width `bw` (a multiple of 32 dividing `k`): value `c` of row `r` at
/// `((c / bw) · m + r) · bw + c % bw`, as attention writes its heads. Each
/// row is gathered, then quantised as a stored row would be.
pub(crate) fn quantize_blocked_into(x: &[f32], m: usize, k: usize, bw: usize, a: &mut Acts, simd: bool) {
    assert!(
        bw.is_multiple_of(QK) && k.is_multiple_of(bw) && x.len() == m * k,
        "not a blocked [{m}, {k}] matrix"
    );
    let kb = k / QK;
    a.k = k;
    a.qs.resize(m * k, 0);
    a.d.resize(m * kb, 0.0);
    a.s8.resize(m * kb, 0);
    a.qs.par_chunks_mut(k * ROW_CHUNK)
        .zip(a.d.par_chunks_mut(kb * ROW_CHUNK).zip(a.s8.par_chunks_mut(kb * ROW_CHUNK)))
        .enumerate()
        .for_each(|(chunk, (qs, (d, s8)))| {
            let mut row = vec![0f32; k];
            for (i, ((qs, d), s8)) in
                qs.chunks_exact_mut(k).zip(d.chunks_exact_mut(kb)).zip(s8.chunks_exact_mut(kb)).enumerate()
            {
                let r = chunk * ROW_CHUNK + i;
                for (c, dst) in row.chunks_exact_mut(bw).enumerate() {
                    dst.copy_from_slice(&x[(c * m + r) * bw..][..bw]);
                }
                #[cfg(target_arch = "x86_64")]
                if simd {
                    // SAFETY: `simd` is true only when the CPU has AVX2 and FMA.
                    #[allow(unsafe_code)]
                    unsafe {
                        quantize_blocks_avx2(&row, qs, d, s8)
                    };
                    continue;
                }
                quantize_blocks(&row, qs, d, s8);
            }
        });
}

/// ggml's AVX2 `quantize_row_q8_0` (with the block sums): the same numbers
/// as [`quantize_blocks`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn quantize_blocks_avx2(x: &[f32], qs: &mut [i8], d: &mut [f32], s8: &mut [i32]) {
    use std::arch::x86_64::*;
    let blocks = x.len() / QK;
    // Every pointer below stays inside these lengths.
    assert!(qs.len() >= blocks * QK && d.len() >= blocks && s8.len() >= blocks);
    let sign = _mm256_set1_ps(-0.0);
    for b in 0..blocks {
        // SAFETY: `(b + 1) · 32 <= x.len()`; unaligned loads.
        #[allow(unsafe_code)]
        let v: [__m256; 4] =
            std::array::from_fn(|i| unsafe { _mm256_loadu_ps(x.as_ptr().add(b * QK + 8 * i)) });
        let abs = v.map(|v| _mm256_andnot_ps(sign, v));
        let m8 = _mm256_max_ps(_mm256_max_ps(abs[0], abs[1]), _mm256_max_ps(abs[2], abs[3]));
        let m4 = _mm_max_ps(_mm256_extractf128_ps::<1>(m8), _mm256_castps256_ps128(m8));
        let m2 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        let amax = _mm_cvtss_f32(_mm_max_ss(m2, _mm_movehdup_ps(m2)));
        let id = _mm256_set1_ps(if amax != 0.0 { 127.0 / amax } else { 0.0 });
        let q = v.map(|v| {
            _mm256_cvtps_epi32(_mm256_round_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
                _mm256_mul_ps(v, id),
            ))
        });
        let sum = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
        let s4 = _mm_add_epi32(_mm256_extracti128_si256::<1>(sum), _mm256_castsi256_si128(sum));
        let s2 = _mm_add_epi32(s4, _mm_unpackhi_epi64(s4, s4));
        let total = _mm_cvtsi128_si32(_mm_add_epi32(s2, _mm_shuffle_epi32::<1>(s2)));
        // Packing works within 128-bit halves: the permutation puts the
        // 32 bytes back in order.
        let packed = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
        let ordered = _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        // SAFETY: `(b + 1) · 32 <= qs.len()` (asserted above); unaligned store.
        #[allow(unsafe_code)]
        unsafe {
            _mm256_storeu_si256(qs.as_mut_ptr().add(b * QK).cast(), ordered)
        };
        d[b] = half::f16::from_f32(amax / 127.0).to_f32();
        s8[b] = 8 * total;
    }
}

#[inline(always)]
fn quantize_blocks(x: &[f32], qs: &mut [i8], d: &mut [f32], s8: &mut [i32]) {
    for (((x, q), d), s8) in x.chunks_exact(QK).zip(qs.chunks_exact_mut(QK)).zip(d).zip(s8) {
        let mut lanes = [0f32; 8];
        for c in x.chunks_exact(8) {
            for (l, v) in lanes.iter_mut().zip(c) {
                *l = l.max(v.abs());
            }
        }
        let amax = lanes.iter().fold(0f32, |a, &v| a.max(v));
        let id = if amax != 0.0 { 127.0 / amax } else { 0.0 };
        let mut sum = 0i32;
        for (q, &v) in q.iter_mut().zip(x) {
            // Adding and removing 1.5 · 2^23 rounds to the nearest integer,
            // ties to even, as `_mm256_round_ps` does (|v · id| ≤ 127).
            let r = ((v * id + 12_582_912.0) - 12_582_912.0) as i32;
            *q = r as i8;
            sum += r;
        }
        *d = half::f16::from_f32(amax / 127.0).to_f32();
        *s8 = 8 * sum;
    }
}

/// `x · wᵀ` for quantised rows `a` (`m` of them): `[m, n]`, row-major.
#[cfg(test)]
pub(crate) fn matmul(w: &Weights, a: &Acts, m: usize) -> Vec<f32> {
    let mut out = Vec::new();
    matmul_into(w, a, m, None, &mut out, has_avx2());
    out
}

/// `x · wᵀ (+ bias)` into `out` (`[m, n]`, row-major), whose memory is kept
/// from one product to the next. Long batches split into tasks of rows,
/// each over every output and writing its rows in place; short ones (a
/// query) split by outputs.
pub(crate) fn matmul_into(
    w: &Weights,
    a: &Acts,
    m: usize,
    bias: Option<&[f32]>,
    out: &mut Vec<f32>,
    simd: bool,
) {
    assert_eq!(w.k, a.k, "the weights' inputs and the activations' width differ");
    assert!(a.qs.len() >= m * a.k, "fewer activation rows than asked for");
    let n = w.n;
    assert!(bias.is_none_or(|b| b.len() == n), "a bias that is not one per output");
    let panels = n.div_ceil(PANEL);
    // Every value is written below: the old contents may stay.
    out.resize(m * n, 0.0);
    if m == 0 || n == 0 {
        return;
    }
    let b = |p: usize| bias.map(|b| &b[p * PANEL..(p * PANEL + PANEL).min(n)]);
    if m >= 2 * ROW_CHUNK || panels < 2 * PANELS_PER_TASK {
        out.par_chunks_mut(ROW_CHUNK * n).enumerate().for_each(|(chunk, dst)| {
            let r0 = chunk * ROW_CHUNK;
            let rows = dst.len() / n;
            for p in 0..panels {
                block(w, p, a, r0..r0 + rows, dst, n, p * PANEL, b(p), simd);
            }
        });
    } else {
        let width = PANELS_PER_TASK * PANEL;
        let parts: Vec<Vec<f32>> = (0..panels.div_ceil(PANELS_PER_TASK))
            .into_par_iter()
            .map(|t| {
                let mut buf = vec![0f32; m * width];
                for p in t * PANELS_PER_TASK..((t + 1) * PANELS_PER_TASK).min(panels) {
                    let col = (p - t * PANELS_PER_TASK) * PANEL;
                    block(w, p, a, 0..m, &mut buf, width, col, b(p), simd);
                }
                buf
            })
            .collect();
        for (t, buf) in parts.iter().enumerate() {
            let c0 = t * width;
            let cw = width.min(n - c0);
            for (dst, src) in out.chunks_exact_mut(n).zip(buf.chunks_exact(width)) {
                dst[c0..c0 + cw].copy_from_slice(&src[..cw]);
            }
        }
    }
}

/// [`matmul_into`] with the output in column blocks of width `bw` (a
/// multiple of 16 dividing `n`): output `c` of row `r` at
/// `((c / bw) · m + r) · bw + c % bw`. For Q, K and V with `bw` the head
/// dimension, each head's rows are contiguous. One task per column block.
pub(crate) fn matmul_blocked_into(
    w: &Weights,
    a: &Acts,
    m: usize,
    bw: usize,
    bias: Option<&[f32]>,
    out: &mut Vec<f32>,
    simd: bool,
) {
    assert_eq!(w.k, a.k, "the weights' inputs and the activations' width differ");
    assert!(a.qs.len() >= m * a.k, "fewer activation rows than asked for");
    let n = w.n;
    assert!(
        bw.is_multiple_of(PANEL) && n.is_multiple_of(bw),
        "blocks of {bw} do not tile {n} outputs in panels"
    );
    assert!(bias.is_none_or(|b| b.len() == n), "a bias that is not one per output");
    out.resize(m * n, 0.0);
    if m == 0 || n == 0 {
        return;
    }
    out.par_chunks_mut(m * bw).enumerate().for_each(|(cb, dst)| {
        for r0 in (0..m).step_by(ROW_CHUNK) {
            let rows = r0..(r0 + ROW_CHUNK).min(m);
            for p in cb * bw / PANEL..(cb + 1) * bw / PANEL {
                let b = bias.map(|b| &b[p * PANEL..(p + 1) * PANEL]);
                block(w, p, a, rows.clone(), &mut dst[r0 * bw..], bw, p * PANEL - cb * bw, b, simd);
            }
        }
    });
}

/// Rows `rows` times panel `p` (plus its piece of the bias), written to
/// `dst` (rows of `ld` values, the first being `rows.start`) from column
/// `col`; outputs past the matrix's last are not written.
#[allow(clippy::too_many_arguments)]
fn block(
    w: &Weights,
    p: usize,
    a: &Acts,
    rows: std::ops::Range<usize>,
    dst: &mut [f32],
    ld: usize,
    col: usize,
    bias: Option<&[f32]>,
    simd: bool,
) {
    let valid = (w.n - p * PANEL).min(PANEL);
    let (wp, ws) = w.panel(p);
    let mut padded = [0f32; PANEL];
    if let Some(b) = bias {
        padded[..b.len()].copy_from_slice(b);
    }
    let bias = &padded;
    let (kb, rows_n) = (a.k / QK, rows.len());
    let x = Rows {
        qs: &a.qs[rows.start * a.k..rows.end * a.k],
        d: &a.d[rows.start * kb..rows.end * kb],
        s8: &a.s8[rows.start * kb..rows.end * kb],
        k: a.k,
    };
    // In the last panel, past the matrix's outputs, the tiles write to a
    // scratch buffer and only the outputs are copied.
    let mut scratch = Vec::new();
    let (out, out_ld) = if valid == PANEL {
        (&mut dst[col..], ld)
    } else {
        scratch.resize(rows_n * PANEL, 0f32);
        (&mut scratch[..], PANEL)
    };
    #[cfg(target_arch = "x86_64")]
    if simd {
        // SAFETY: `simd` is true only when the CPU has AVX2 and FMA.
        #[allow(unsafe_code)]
        unsafe {
            avx2::panel(wp, ws, x, bias, out, out_ld)
        };
    }
    if !simd {
        for r in 0..rows_n {
            let v = tile_scalar(wp, ws, x.row(r));
            out[r * out_ld..][..PANEL].iter_mut().zip(v).zip(bias).for_each(|((o, v), b)| *o = v + b);
        }
    }
    if valid < PANEL {
        for (r, v) in scratch.chunks_exact(PANEL).enumerate() {
            dst[r * ld + col..][..valid].copy_from_slice(&v[..valid]);
        }
    }
}

/// Consecutive quantised rows.
#[derive(Debug, Clone, Copy)]
struct Rows<'a> {
    qs: &'a [i8],
    d: &'a [f32],
    s8: &'a [i32],
    k: usize,
}

impl<'a> Rows<'a> {
    fn len(&self) -> usize {
        self.qs.len() / self.k
    }

    fn row(&self, r: usize) -> Row<'a> {
        let kb = self.k / QK;
        Row { qs: &self.qs[r * self.k..][..self.k], d: &self.d[r * kb..][..kb], s8: &self.s8[r * kb..][..kb] }
    }
}

/// One row times one panel, portably: the AVX2 tile's integers and
/// operations in its order.
fn tile_scalar(wp: &[u8], ws: &[f32], x: Row<'_>) -> [f32; PANEL] {
    let mut acc = [0f32; PANEL];
    for (b, (xq, (&dx, &s8))) in x.qs.chunks_exact(QK).zip(x.d.iter().zip(x.s8)).enumerate() {
        let mut sums = [0i32; PANEL];
        for g in 0..QK / 4 {
            let wg = &wp[(b * QK / 4 + g) * GROUP_BYTES..][..GROUP_BYTES];
            let xg = &xq[4 * g..4 * g + 4];
            for (s, wc) in sums.iter_mut().zip(wg.chunks_exact(4)) {
                *s += wc.iter().zip(xg).map(|(&w, &x)| i32::from(w) * i32::from(x)).sum::<i32>();
            }
        }
        for ((acc, s), &dw) in acc.iter_mut().zip(sums).zip(&ws[b * PANEL..(b + 1) * PANEL]) {
            *acc = (dw * dx).mul_add((s - s8) as f32, *acc);
        }
    }
    acc
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{Rows, GROUP_BYTES, PANEL, QK};

    /// Every row of `x` times one panel (16 outputs) plus `bias`, row `r`
    /// written to `out[r · ld..r · ld + 16]`: tiles of six rows (twelve
    /// 16-bit accumulators, two weight vectors, a broadcast and a product:
    /// all sixteen registers, where eight rows spill), then four, then one;
    /// a row's numbers are the same in any tile.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn panel(wp: &[u8], ws: &[f32], x: Rows<'_>, bias: &[f32; PANEL], out: &mut [f32], ld: usize) {
        let (k, rows) = (x.k, x.len());
        let kb = k / QK;
        if rows == 0 {
            return;
        }
        // Every pointer in `tile` stays inside these lengths.
        assert!(k.is_multiple_of(QK) && x.d.len() >= rows * kb && x.s8.len() >= rows * kb);
        assert!(wp.len() >= k / 4 * GROUP_BYTES && ws.len() >= kb * PANEL);
        assert!(out.len() >= (rows - 1) * ld + PANEL);
        let mut r = 0;
        while r + 6 <= rows {
            tile::<6>(wp, ws, x, r, bias, out, ld);
            r += 6;
        }
        while r + 4 <= rows {
            tile::<4>(wp, ws, x, r, bias, out, ld);
            r += 4;
        }
        while r < rows {
            tile::<1>(wp, ws, x, r, bias, out, ld);
            r += 1;
        }
    }

    /// Rows `r0..r0 + R` of `x` times one panel: per block, eight groups of
    /// four inputs multiplied and summed in 16 bits, then widened, the
    /// offset removed, and added with the block's scales. The caller
    /// (`panel`) has checked every length.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn tile<const R: usize>(
        wp: &[u8],
        ws: &[f32],
        x: Rows<'_>,
        r0: usize,
        bias: &[f32; PANEL],
        out: &mut [f32],
        ld: usize,
    ) {
        let k = x.k;
        let kb = k / QK;
        let (qs, d, s8) = (x.qs.as_ptr(), x.d.as_ptr(), x.s8.as_ptr());
        let ones = _mm256_set1_epi16(1);
        let mut acc = [[_mm256_setzero_ps(); 2]; R];
        for b in 0..kb {
            let mut s16 = [[_mm256_setzero_si256(); 2]; R];
            for g in 0..QK / 4 {
                let off = (b * QK / 4 + g) * GROUP_BYTES;
                // SAFETY: `off + 64 <= k / 4 · 64 <= wp.len()` (asserted above);
                // unaligned loads.
                #[allow(unsafe_code)]
                let (w0, w1) = unsafe {
                    (
                        _mm256_loadu_si256(wp.as_ptr().add(off).cast()),
                        _mm256_loadu_si256(wp.as_ptr().add(off + 32).cast()),
                    )
                };
                for (i, s) in s16.iter_mut().enumerate() {
                    // SAFETY: `(r0 + i) · k + b · 32 + 4g + 4 <= rows · k == x.qs.len()`;
                    // unaligned read.
                    #[allow(unsafe_code)]
                    let v = unsafe { qs.add((r0 + i) * k + b * QK + 4 * g).cast::<i32>().read_unaligned() };
                    let xv = _mm256_set1_epi32(v);
                    s[0] = _mm256_add_epi16(s[0], _mm256_maddubs_epi16(w0, xv));
                    s[1] = _mm256_add_epi16(s[1], _mm256_maddubs_epi16(w1, xv));
                }
            }
            // SAFETY: `(b + 1) · 16 <= kb · 16 <= ws.len()`; unaligned loads.
            #[allow(unsafe_code)]
            let (d0, d1) = unsafe {
                (_mm256_loadu_ps(ws.as_ptr().add(b * PANEL)), _mm256_loadu_ps(ws.as_ptr().add(b * PANEL + 8)))
            };
            for (i, (acc, s)) in acc.iter_mut().zip(&s16).enumerate() {
                // SAFETY: `(r0 + i) · kb + b < rows · kb <= x.d.len(), x.s8.len()`.
                #[allow(unsafe_code)]
                let (sx, dx) = unsafe { (*s8.add((r0 + i) * kb + b), *d.add((r0 + i) * kb + b)) };
                let corr = _mm256_set1_epi32(sx);
                let dx = _mm256_set1_ps(dx);
                for ((acc, s), dw) in acc.iter_mut().zip(s).zip([d0, d1]) {
                    let sum = _mm256_sub_epi32(_mm256_madd_epi16(*s, ones), corr);
                    *acc = _mm256_fmadd_ps(_mm256_mul_ps(dw, dx), _mm256_cvtepi32_ps(sum), *acc);
                }
            }
        }
        // SAFETY: `bias` holds 16 floats; unaligned loads.
        #[allow(unsafe_code)]
        let (b0, b1) = unsafe { (_mm256_loadu_ps(bias.as_ptr()), _mm256_loadu_ps(bias.as_ptr().add(8))) };
        for (i, acc) in acc.iter().enumerate() {
            // SAFETY: row `r0 + i` is `out[(r0 + i) · ld..][..16]`, inside `out`;
            // unaligned stores.
            #[allow(unsafe_code)]
            unsafe {
                let o = out.as_mut_ptr().add((r0 + i) * ld);
                _mm256_storeu_ps(o, _mm256_add_ps(acc[0], b0));
                _mm256_storeu_ps(o.add(8), _mm256_add_ps(acc[1], b1));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random Q4_0 bytes for `[n, k]` and random activations.
    fn random(n: usize, k: usize, m: usize, seed: u64) -> (Vec<u8>, Vec<f32>) {
        let mut s = seed;
        let mut rand = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let mut raw = Vec::new();
        for _ in 0..n * k / QK {
            let d = 0.001 + (rand() % 1000) as f32 * 1e-5;
            raw.extend(half::f16::from_f32(d).to_le_bytes());
            raw.extend((0..16).map(|_| rand() as u8));
        }
        let x = (0..m * k).map(|_| (rand() % 20_001) as f32 / 10_000.0 - 1.0).collect();
        (raw, x)
    }

    #[test]
    fn the_avx2_path_gives_the_scalar_paths_bits() {
        // 40 outputs: two and a half panels; 15 rows: tiles of six and single rows;
        // 70 rows: tiles of six, four and one.
        for (n, k, m) in [(40, 96, 15), (64, 64, 70), (128, 32, 9)] {
            let (raw, x) = random(n, k, m, 0x9e37_79b9 + n as u64);
            let w = Weights::from_q4_0(&raw, n, k).unwrap();
            let a = quantize(&x, k);
            let mut scalar = Vec::new();
            let mut qa = Acts::default();
            quantize_into(&x, k, &mut qa, false);
            assert_eq!((&qa.qs, &qa.d, &qa.s8), (&a.qs, &a.d, &a.s8), "quantisation differs");
            matmul_into(&w, &a, m, None, &mut scalar, false);
            if has_avx2() {
                let mut simd = Vec::new();
                matmul_into(&w, &a, m, None, &mut simd, true);
                let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&simd), bits(&scalar), "[{n}, {k}] × {m} rows");
            }
        }
    }

    #[test]
    fn the_product_is_solars_to_rounding_and_rows_do_not_depend_on_the_batch() {
        // 136 outputs: eight and a half panels, enough for a short batch to be
        // split by outputs.
        let (n, k, m) = (136, 128, 75);
        let (raw, x) = random(n, k, m, 7);
        let w = Weights::from_q4_0(&raw, n, k).unwrap();
        let ours = matmul(&w, &quantize(&x, k), m);
        let solar = parasol_solar::Q40Matrix::from_ggml_bytes(&raw, n, k).unwrap();
        let theirs = parasol_solar::Q40Matrix::matmul_many(&[&solar], &x, m).pop().unwrap();
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert!((a - b).abs() <= 1e-5 * (1.0 + b.abs()), "{i}: {a} vs {b}");
        }
        // Each row alone (a query-sized batch takes the other split) has the batch's bits.
        for r in [0, 3, 33, 74] {
            let one = matmul(&w, &quantize(&x[r * k..(r + 1) * k], k), 1);
            assert_eq!(one, ours[r * n..(r + 1) * n], "row {r}");
        }
        let few = matmul(&w, &quantize(&x[..5 * k], k), 5);
        assert_eq!(few, ours[..5 * n]);
        // The bias is added to each result as a separate addition would.
        let bias: Vec<f32> = (0..n).map(|i| i as f32 * 0.01 - 0.3).collect();
        let mut biased = Vec::new();
        for rows in [5, m] {
            matmul_into(&w, &quantize(&x[..rows * k], k), rows, Some(&bias), &mut biased, has_avx2());
            for (i, (b, o)) in biased.iter().zip(&ours).enumerate() {
                assert_eq!(*b, o + bias[i % n]);
            }
        }
    }

    #[test]
    fn column_blocks_hold_the_products_values() {
        let (n, k, m) = (96, 64, 37);
        let (raw, x) = random(n, k, m, 11);
        let w = Weights::from_q4_0(&raw, n, k).unwrap();
        let a = quantize(&x, k);
        let bias: Vec<f32> = (0..n).map(|i| i as f32 * 0.1).collect();
        let (mut rows, mut blocked) = (Vec::new(), Vec::new());
        matmul_into(&w, &a, m, Some(&bias), &mut rows, has_avx2());
        matmul_blocked_into(&w, &a, m, 32, Some(&bias), &mut blocked, has_avx2());
        for r in 0..m {
            for c in 0..n {
                assert_eq!(blocked[((c / 32) * m + r) * 32 + c % 32], rows[r * n + c], "row {r} output {c}");
            }
        }
        // Quantising the blocked matrix gives the rows' quantisation.
        let mut qa = Acts::default();
        quantize_blocked_into(&blocked, m, n, 32, &mut qa, has_avx2());
        let qr = quantize(&rows, n);
        assert_eq!((&qa.qs, &qa.d, &qa.s8), (&qr.qs, &qr.d, &qr.s8));
    }

    #[test]
    fn quantisation_is_ggmls_q8_0() {
        let x: Vec<f32> = (0..64).map(|i| (i as f32 - 20.5) * 0.37).collect();
        let a = quantize(&x, 64);
        for (b, xs) in x.chunks_exact(QK).enumerate() {
            let amax = xs.iter().fold(0f32, |m, v| m.max(v.abs()));
            assert_eq!(a.d[b], half::f16::from_f32(amax / 127.0).to_f32());
            let id = 127.0 / amax;
            let q: Vec<i8> = xs.iter().map(|v| (v * id).round_ties_even() as i8).collect();
            assert_eq!(&a.qs[b * QK..(b + 1) * QK], q.as_slice());
            assert_eq!(a.s8[b], 8 * q.iter().map(|&v| i32::from(v)).sum::<i32>());
        }
        assert!(Weights::from_q4_0(&[0; 18], 1, 31).is_none());
        assert!(Weights::from_q4_0(&[0; 17], 1, 32).is_none());
    }
}
