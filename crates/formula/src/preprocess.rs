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
    let raw = parasol_pillow::resize_bilinear(
        image.as_raw(),
        width as usize,
        height as usize,
        1,
        w as usize,
        h as usize,
    );
    GrayImage::from_raw(w, h, raw).ok_or(FormulaError::Degenerate { width, height })
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
}
