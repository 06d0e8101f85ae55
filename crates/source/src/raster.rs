//! Raster inputs: PNG, JPEG, WebP and (multi-page) TIFF, with EXIF orientation.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};

use crate::{check_limit, Kind, Limit, Limits, SourceError};

fn corrupt(e: impl std::fmt::Display) -> SourceError {
    SourceError::Corrupt { reason: e.to_string() }
}

pub(crate) fn decode(bytes: &[u8], kind: Kind, limits: &Limits) -> Result<Vec<RgbImage>, SourceError> {
    if kind == Kind::Tiff {
        return decode_tiff(bytes, limits);
    }
    Ok(vec![decode_one(bytes, limits)?])
}

fn image_limits(limits: &Limits) -> image::Limits {
    let mut l = image::Limits::default();
    // RGBA16 is the widest decoded layout we accept, plus headroom for the decoder.
    l.max_alloc = Some(limits.max_page_pixels.saturating_mul(8).saturating_add(64 << 20));
    l
}

fn decode_one(bytes: &[u8], limits: &Limits) -> Result<RgbImage, SourceError> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(corrupt)?;
    reader.limits(image_limits(limits));
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let (w, h) = decoder.dimensions();
    check_limit(Limit::PagePixels, u64::from(w) * u64::from(h), limits.max_page_pixels)?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(img.into_rgb8())
}

/// Every page of a TIFF. `image` decodes only the first directory, so later
/// ones go through the `tiff` crate directly.
fn decode_tiff(bytes: &[u8], limits: &Limits) -> Result<Vec<RgbImage>, SourceError> {
    use tiff::decoder::Decoder;
    let mut pages = vec![decode_one(bytes, limits)?];
    let mut dec = Decoder::new(Cursor::new(bytes)).map_err(corrupt)?;
    while dec.more_images() {
        if pages.len() >= limits.max_pages {
            return Err(SourceError::LimitExceeded {
                limit: Limit::Pages,
                actual: pages.len() as u64 + 1,
                max: limits.max_pages as u64,
            });
        }
        dec.next_image().map_err(corrupt)?;
        let (w, h) = dec.dimensions().map_err(corrupt)?;
        check_limit(Limit::PagePixels, u64::from(w) * u64::from(h), limits.max_page_pixels)?;
        let color = dec.colortype().map_err(corrupt)?;
        let data = dec.read_image().map_err(corrupt)?;
        pages.push(tiff_to_rgb(w, h, color, data)?);
    }
    Ok(pages)
}

fn tiff_to_rgb(
    w: u32,
    h: u32,
    color: tiff::ColorType,
    data: tiff::decoder::DecodingResult,
) -> Result<RgbImage, SourceError> {
    use tiff::decoder::DecodingResult as D;
    use tiff::ColorType as C;
    let n = w as usize * h as usize;
    let rgb: Vec<u8> = match (color, data) {
        (C::Gray(8), D::U8(v)) if v.len() >= n => v[..n].iter().flat_map(|&g| [g, g, g]).collect(),
        (C::Gray(16), D::U16(v)) if v.len() >= n => {
            v[..n].iter().flat_map(|&g| [(g >> 8) as u8; 3]).collect()
        }
        (C::Gray(1), D::U8(v)) => {
            let row = (w as usize).div_ceil(8);
            if v.len() < row * h as usize {
                return Err(corrupt("short bilevel TIFF page"));
            }
            let mut out = Vec::with_capacity(n * 3);
            for y in 0..h as usize {
                for x in 0..w as usize {
                    let bit = (v[y * row + x / 8] >> (7 - x % 8)) & 1;
                    out.extend_from_slice(&[if bit == 1 { 255 } else { 0 }; 3]);
                }
            }
            out
        }
        (C::RGB(8), D::U8(v)) if v.len() >= n * 3 => v[..n * 3].to_vec(),
        (C::RGBA(8), D::U8(v)) if v.len() >= n * 4 => {
            v[..n * 4].chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect()
        }
        (C::RGB(16), D::U16(v)) if v.len() >= n * 3 => v[..n * 3].iter().map(|&c| (c >> 8) as u8).collect(),
        (other, _) => return Err(corrupt(format!("unsupported TIFF page colour type {other:?}"))),
    };
    RgbImage::from_raw(w, h, rgb).ok_or_else(|| corrupt("TIFF page size mismatch"))
}
