//! Quantized weight matrices of every format the kernels support, and
//! their products with activations.
//!
//! A [`QMatrix`] is an `[n, k]` matrix of one block [`Format`]; [`QWeights`]
//! and [`QRef`] hold any of them. [`matmul_many`] quantizes an input once per
//! activation kind (Q8_1 for `quant`'s formats, Q8_K for `kquant`'s) and
//! multiplies it with several matrices in one parallel region. This module
//! is the only one that knows every format; the formats know only `kernels`.

use candle_core::quantized::GgmlDType;
use rayon::prelude::*;

use crate::kernels::{Format, ROWS};
use crate::kquant::{self, ActK, Q4K, Q6K};
use crate::quant::{self, Act, Q40, Q41, Q80};

/// Which activation blocks a weight format multiplies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActKind {
    /// ggml's Q8_1 (and Q8_0, the same values): blocks of 32.
    Q8,
    /// ggml's Q8_K: blocks of 256 with sums of 16.
    Q8K,
}

/// The rows of one input, quantized for the formats that need them.
#[derive(Debug, Default)]
struct Acts {
    q8: Vec<Act>,
    q8k: Vec<ActK>,
}

/// An activation block type, and where its blocks are in [`Acts`].
trait ActBlocks: Sized {
    const KIND: ActKind;
    fn of(acts: &Acts) -> &[Self];
}

impl ActBlocks for Act {
    const KIND: ActKind = ActKind::Q8;
    fn of(acts: &Acts) -> &[Act] {
        &acts.q8
    }
}

impl ActBlocks for ActK {
    const KIND: ActKind = ActKind::Q8K;
    fn of(acts: &Acts) -> &[ActK] {
        &acts.q8k
    }
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

/// A Q4_0 weight matrix (ggml's 18-byte blocks of 32 weights), the one
/// matrix type of this module that other crates use: `parasol-embed` runs
/// its Q4_0 encoder on these kernels (llama.cpp's Q4_0 × Q8_0 arithmetic)
/// rather than on a second copy of them.
#[derive(Debug)]
pub struct Q40Matrix(QMatrix<Q40>);

impl Q40Matrix {
    /// Parses ggml's raw bytes for an `[n, k]` matrix (`n` rows of `k`
    /// weights); `None` when `k` is not a multiple of 32 or the bytes do
    /// not fit the shape.
    pub fn from_ggml_bytes(raw: &[u8], n: usize, k: usize) -> Option<Self> {
        let blocks = n.checked_mul(k / quant::QK)?;
        if blocks.checked_mul(18)? != raw.len() {
            return None;
        }
        QMatrix::from_ggml_bytes(raw, n, k).map(Self)
    }

    /// Rows (outputs) of the matrix.
    pub fn rows(&self) -> usize {
        self.0.n
    }

    /// Columns (inputs) of the matrix.
    pub fn cols(&self) -> usize {
        self.0.k
    }

    /// Writes row `row` dequantized (as ggml's `dequantize_row_q4_0`) into
    /// `out`; `None` when the row is out of range or `out` is not
    /// [`Q40Matrix::cols`] long.
    pub fn dequantize_row(&self, row: usize, out: &mut [f32]) -> Option<()> {
        if row >= self.0.n || out.len() != self.0.k {
            return None;
        }
        self.0.dequantize_row(row, out);
        Some(())
    }

    /// The products of `x` (`[m, k]`, row-major) with every matrix of `ws`
    /// (`x · Wᵀ`), `[m, n_i]` each: the activations are quantized to Q8_0
    /// once and all matrices' columns form one parallel region (rayon's
    /// current pool). A matrix whose `k` differs from the first one's, or an
    /// `x` that is not `m · k` long, gives an empty result.
    pub fn matmul_many(ws: &[&Q40Matrix], x: &[f32], m: usize) -> Vec<Vec<f32>> {
        let refs: Vec<QRef<'_>> = ws.iter().map(|w| QRef::Q40(&w.0)).collect();
        matmul_many(&refs, x, m)
    }
}

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
    fn columns(&self, acts: &Acts, m: usize, start: usize, end: usize) -> Vec<f32>
    where
        F::A: ActBlocks,
    {
        const TILE: usize = 16;
        let kb = self.k / F::QK;
        let dot = F::dot_fn();
        let dot_rows = F::rows_fn();
        let acts = F::A::of(acts);
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
    Q40(&'a QMatrix<Q40>),
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
qref_from!(Q40: QMatrix<Q40>, Q41: Q41Matrix, Q80: Q80Matrix, Q4K: Q4KMatrix, Q6K: Q6KMatrix);

macro_rules! qref_each {
    ($self:expr, $w:ident => $e:expr) => {
        match $self {
            QRef::Q40($w) => $e,
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
        fn kind<F: Format>(_: &QMatrix<F>) -> ActKind
        where
            F::A: ActBlocks,
        {
            F::A::KIND
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
        q8: if needs(ActKind::Q8) { quant::quantize(x, k) } else { Vec::new() },
        q8k: if needs(ActKind::Q8K) { kquant::quantize(x, k) } else { Vec::new() },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quant::{dot_q40_generic, dot_q41_generic, dot_q80_generic, quantize_row, QK};

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
    fn q4_0_matmul_is_close_to_the_dequantized_product() {
        // 70 rows: eight-row kernels and the single-row tail both run.
        let (n, k) = (70, 64);
        let raw: Vec<u8> = (0..n * k / QK)
            .flat_map(|i| {
                let mut b = scale(i).to_vec();
                b.extend((0..16).map(|j| ((i * 31 + j * 7) % 256) as u8));
                b
            })
            .collect();
        let w = QMatrix::<Q40>::from_ggml_bytes(&raw, n, k).unwrap();
        let nibble = |b: &Q40, j: usize| if j < 16 { b.qs[j] & 15 } else { b.qs[j - 16] >> 4 };
        check(&w, |b, j| b.d * (f32::from(nibble(b, j)) - 8.0), dot_q40_generic);
        // Twenty rows of activations: the eight-row kernel and the tail
        // give the single-row kernel's bits.
        let m = 20;
        let x = x_values(m * k);
        let y = w.matmul(&x, m);
        let acts = quant::quantize(&x, k);
        let kb = k / QK;
        for r in 0..m {
            for c in 0..n {
                let single = Q40::dot_fn()(&w.blocks[c * kb..(c + 1) * kb], &acts[r * kb..(r + 1) * kb]);
                assert_eq!(y[r * n + c].to_bits(), single.to_bits(), "row {r} col {c}");
            }
        }
        let public = Q40Matrix::from_ggml_bytes(&raw, n, k).unwrap();
        assert_eq!(Q40Matrix::matmul_many(&[&public], &x, m), vec![y]);
        let mut row = vec![0f32; k];
        assert_eq!(public.dequantize_row(3, &mut row), Some(()));
        assert_eq!(row[0], w.blocks[3 * kb].d * (f32::from(w.blocks[3 * kb].qs[0] & 15) - 8.0));
        assert!(public.dequantize_row(n, &mut row).is_none());
        assert!(Q40Matrix::from_ggml_bytes(&raw[1..], n, k).is_none());
        assert!(Q40Matrix::from_ggml_bytes(&raw, usize::MAX, k).is_none());
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
