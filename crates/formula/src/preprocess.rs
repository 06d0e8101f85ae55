//! pix2tex's preprocessing, by hand: `pad` (stretch the greys, make the ink
//! dark on white, crop to the ink, pad with white to multiples of 32),
//! `minmax_size` (shrink into 672x192 with Pillow's bilinear filter), `pad`
//! again, then albumentations' `Normalize`. Every step reproduces the
//! Python arithmetic (NumPy's float64, Pillow's truncating float-to-8-bit
//! conversion and its fixed-point resampler), so the model sees the same
//! bytes (`tests/parity.rs` checks them by SHA-256).

use image::GrayImage;

use crate::FormulaError;

/// The model's largest input, (width, height) (`max_width`, `max_height`
/// of pix2tex's `config.yaml`).
pub const MAX_SIZE: (u32, u32) = (672, 192);
/// Both sides of the model's input are multiples of this.
const DIVABLE: u32 = 32;
/// albumentations' `Normalize` as pix2tex's `test_transform` sets it.
const MEAN: f32 = 0.7931;
const STD: f32 = 0.1738;

/// The image the encoder reads, as 8-bit grey (dark ink on white, both
/// sides multiples of 32, at most 672x192).
pub fn prepare(image: &GrayImage) -> Result<GrayImage, FormulaError> {
    let padded = pad(image)?;
    let fitted = minmax_size(&padded)?;
    // pix2tex's `minmax_size` then pads images under its minimum size
    // (32x32) with white; the `pad` below crops that white away again, so
    // the step is left out.
    pad(&fitted)
}

/// albumentations' `Normalize(mean, std)` on 8-bit values, in its float32
/// order of operations: `(x - mean * 255) * (1 / (std * 255))`.
pub fn normalise(image: &GrayImage) -> Vec<f32> {
    let mean = MEAN * 255.0;
    let scale = 1.0 / (STD * 255.0);
    image.as_raw().iter().map(|&v| (f32::from(v) - mean) * scale).collect()
}

/// pix2tex's `utils.pad`: greys stretched to 0–255, inverted when the
/// background is dark, cropped to the bounding box of the pixels on the ink
/// side of 128, and pasted at the top left of a white canvas whose sides
/// are the next multiples of 32.
fn pad(image: &GrayImage) -> Result<GrayImage, FormulaError> {
    let (width, height) = image.dimensions();
    let raw = image.as_raw();
    let (min, max) = raw.iter().fold((u8::MAX, u8::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    if raw.is_empty() || min == max {
        return Err(FormulaError::Blank);
    }
    // NumPy: (uint8 - uint8 min) / uint8 range is float64, then * 255.
    let range = f64::from(max - min);
    let mut data: Vec<f64> = raw.iter().map(|&v| f64::from(v - min) / range * 255.0).collect();
    let mean = data.iter().sum::<f64>() / data.len() as f64;
    let light_background = mean > 128.0;
    // The ink: below 128 on a light background, above it on a dark one
    // (tested before the dark one is inverted, as pix2tex does).
    let ink = |v: f64| if light_background { v < 128.0 } else { v > 128.0 };
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for y in 0..height {
        let row = &data[(y * width) as usize..((y + 1) * width) as usize];
        for (x, &v) in row.iter().enumerate() {
            if ink(v) {
                let x = x as u32;
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
    }
    if !light_background {
        for v in &mut data {
            *v = 255.0 - *v;
        }
    }
    if x0 > x1 {
        // Stretched greys always reach 0 and 255, so some pixel is ink;
        // kept for safety rather than reachable.
        return Err(FormulaError::Blank);
    }
    let (w, h) = (x1 - x0 + 1, y1 - y0 + 1);
    let round_up = |n: u32| n.div_ceil(DIVABLE) * DIVABLE;
    let mut out = GrayImage::from_pixel(round_up(w), round_up(h), image::Luma([255]));
    for y in 0..h {
        for x in 0..w {
            let v = data[((y0 + y) * width + x0 + x) as usize];
            // `Image.fromarray(float64)` is mode F (float32), and Pillow's
            // F-to-L conversion clips and truncates.
            out.put_pixel(x, y, image::Luma([(v as f32) as u8]));
        }
    }
    Ok(out)
}

/// pix2tex's `minmax_size` (its maximum only): an image wider than 672 or
/// taller than 192 is shrunk by its larger ratio, each side floor-divided
/// by it as Python divides floats, with Pillow's bilinear filter.
fn minmax_size(image: &GrayImage) -> Result<GrayImage, FormulaError> {
    let (width, height) = image.dimensions();
    let ratios = [f64::from(width) / f64::from(MAX_SIZE.0), f64::from(height) / f64::from(MAX_SIZE.1)];
    if ratios.iter().all(|&r| r <= 1.0) {
        return Ok(image.clone());
    }
    let ratio = ratios[0].max(ratios[1]);
    let w = py_floordiv(f64::from(width), ratio) as u32;
    let h = py_floordiv(f64::from(height), ratio) as u32;
    if w == 0 || h == 0 {
        return Err(FormulaError::Degenerate { width, height });
    }
    Ok(resize_bilinear(image, w, h))
}

/// Python's float `//` (CPython's `float_floor_div`, NumPy's `npy_divmod`):
/// not simply `floor(a / b)`, which can differ by one.
fn py_floordiv(a: f64, b: f64) -> f64 {
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let floor = div.floor();
        if div - floor > 0.5 {
            floor + 1.0
        } else {
            floor
        }
    } else {
        0.0
    }
}

/// Pillow's fixed-point precision for 8-bit resampling.
const PRECISION_BITS: u32 = 32 - 8 - 2;

/// One output pixel's filter: the first input index and its weights.
struct Taps {
    first: usize,
    weights: Vec<i32>,
}

/// Pillow's `precompute_coeffs` for the bilinear (triangle) filter, then
/// `normalize_coeffs_8bpc`.
fn coefficients(in_size: u32, out_size: u32) -> Vec<Taps> {
    let scale = f64::from(in_size) / f64::from(out_size);
    let filter_scale = scale.max(1.0);
    let support = filter_scale; // the triangle's support is 1
    let inverse = 1.0 / filter_scale;
    (0..out_size)
        .map(|xx| {
            let center = (f64::from(xx) + 0.5) * scale;
            // C's `(int)` truncates towards zero.
            let xmin = ((center - support + 0.5) as i64).max(0);
            let xmax = ((center + support + 0.5) as i64).min(i64::from(in_size));
            let raw: Vec<f64> = (xmin..xmax)
                .map(|x| {
                    let t = ((x as f64 - center + 0.5) * inverse).abs();
                    if t < 1.0 {
                        1.0 - t
                    } else {
                        0.0
                    }
                })
                .collect();
            let total: f64 = raw.iter().sum();
            let weights = raw
                .iter()
                .map(|&w| {
                    let w = if total != 0.0 { w / total } else { w };
                    let fixed = w * f64::from(1u32 << PRECISION_BITS);
                    if w < 0.0 {
                        (-0.5 + fixed) as i32
                    } else {
                        (0.5 + fixed) as i32
                    }
                })
                .collect();
            Taps { first: xmin as usize, weights }
        })
        .collect()
}

fn clip8(v: i64) -> u8 {
    if v >= (1i64 << PRECISION_BITS << 8) {
        255
    } else if v <= 0 {
        0
    } else {
        (v >> PRECISION_BITS) as u8
    }
}

/// Pillow's `Image.resize(size, BILINEAR)` on an 8-bit grey image: a
/// horizontal pass, then a vertical one, each skipped when its side keeps
/// its size.
fn resize_bilinear(image: &GrayImage, width: u32, height: u32) -> GrayImage {
    let (in_w, in_h) = image.dimensions();
    let half = 1i64 << (PRECISION_BITS - 1);
    let horizontal = if width != in_w {
        let taps = coefficients(in_w, width);
        let mut out = GrayImage::new(width, in_h);
        for y in 0..in_h {
            let row = &image.as_raw()[(y * in_w) as usize..((y + 1) * in_w) as usize];
            for (x, t) in taps.iter().enumerate() {
                let sum = t
                    .weights
                    .iter()
                    .enumerate()
                    .fold(half, |acc, (i, &w)| acc + i64::from(row[t.first + i]) * i64::from(w));
                out.put_pixel(x as u32, y, image::Luma([clip8(sum)]));
            }
        }
        out
    } else {
        image.clone()
    };
    if height == in_h {
        return horizontal;
    }
    let taps = coefficients(in_h, height);
    let mut out = GrayImage::new(width, height);
    let src = horizontal.as_raw();
    for (y, t) in taps.iter().enumerate() {
        for x in 0..width {
            let sum = t.weights.iter().enumerate().fold(half, |acc, (i, &w)| {
                acc + i64::from(src[(t.first + i) * width as usize + x as usize]) * i64::from(w)
            });
            out.put_pixel(x, y as u32, image::Luma([clip8(sum)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_floordiv(a: f64, b: f64, expect: f64) {
        assert_eq!(py_floordiv(a, b), expect, "{a} // {b}");
    }

    #[test]
    fn floor_division_is_pythons() {
        check_floordiv(7.0, 2.0, 3.0);
        // Not 672: the ratio is rounded up, and Python does not round back.
        check_floordiv(1000.0, 1000.0 / 672.0, 671.0);
        check_floordiv(959.0, 959.0 / 672.0, 672.0);
        check_floordiv(96.0, 1000.0 / 672.0, 64.0);
        // Python: 1.0 // 0.1 == 9.0, where floor(1.0 / 0.1) is 10.
        check_floordiv(1.0, 0.1, 9.0);
    }

    #[test]
    fn a_dark_background_is_inverted_and_cropped_to_the_ink() {
        let mut img = GrayImage::from_pixel(100, 50, image::Luma([0]));
        for x in 10..20 {
            img.put_pixel(x, 5, image::Luma([255]));
        }
        let out = pad(&img).unwrap();
        assert_eq!(out.dimensions(), (32, 32));
        assert_eq!(out.get_pixel(0, 0).0, [0]);
        assert_eq!(out.get_pixel(9, 0).0, [0]);
        assert_eq!(out.get_pixel(10, 0).0, [255]);
        assert_eq!(out.get_pixel(0, 1).0, [255]);
    }

    #[test]
    fn a_blank_image_is_refused() {
        let img = GrayImage::from_pixel(64, 64, image::Luma([200]));
        assert!(matches!(prepare(&img), Err(FormulaError::Blank)));
    }

    #[test]
    fn a_large_formula_fits_the_model_and_keeps_sides_of_32() {
        let mut img = GrayImage::from_pixel(2000, 300, image::Luma([255]));
        for x in 0..2000 {
            img.put_pixel(x, 150, image::Luma([0]));
        }
        for y in 0..300 {
            img.put_pixel(1000, y, image::Luma([0]));
        }
        let out = prepare(&img).unwrap();
        let (w, h) = out.dimensions();
        assert!(w <= MAX_SIZE.0 && h <= MAX_SIZE.1, "{w}x{h}");
        assert_eq!((w % 32, h % 32), (0, 0));
    }

    #[test]
    fn resizing_to_the_same_size_changes_nothing() {
        let img = GrayImage::from_fn(40, 30, |x, y| image::Luma([(x * 7 + y * 3) as u8]));
        assert_eq!(resize_bilinear(&img, 40, 30), img);
    }
}
