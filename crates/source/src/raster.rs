//! Raster inputs: PNG, JPEG, WebP and (multi-page) TIFF, with EXIF
//! orientation, decoded one page at a time.
//!
//! Opening reads headers only: every page's size is known up front (a TIFF's
//! pages by walking its chain of directories, IFDs, without decoding them),
//! so the per-page and per-document pixel limits are checked before any
//! pixel is decoded. A single-page file is decoded at open as well, so that
//! an unreadable image fails the document rather than its only page; the
//! pages of a multi-page TIFF are decoded in [`RasterSource::page`], like PDF
//! pages, and a bad one fails only itself.
//!
//! Every decoder runs under limits (`image::Limits`, which `image` turns into
//! `tiff::decoder::Limits` for TIFF), and the buffers sized by the input are
//! reserved fallibly, so a page too large for the memory left is a
//! [`SourceError::OutOfMemory`], never an abort. Images with an alpha
//! channel are composited on white: black text on a transparent background
//! stays black on white instead of vanishing into black.

use std::io::{BufRead, Read, Seek, SeekFrom};
use std::sync::{Mutex, PoisonError};

use image::metadata::Orientation;
use image::{ColorType, DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, RgbImage};

use crate::{check_limit, Kind, Limit, Limits, SourceError, SourceWarning, WarningKind, MAX_IMAGE_SIDE};

fn corrupt(e: impl std::fmt::Display) -> SourceError {
    SourceError::Corrupt { reason: e.to_string() }
}

fn image_error(e: ImageError) -> SourceError {
    match e {
        ImageError::Limits(_) => SourceError::DecoderLimit { reason: e.to_string() },
        other => corrupt(other),
    }
}

/// Where one page's pixels are and how large they are.
#[derive(Debug, Clone, Copy)]
struct PageHeader {
    width: u32,
    height: u32,
    /// The page's TIFF directory (file offset); `None` for other formats.
    ifd: Option<u64>,
}

/// An opened raster file: its bytes and its pages' headers.
pub(crate) struct RasterSource {
    bytes: Vec<u8>,
    kind: Kind,
    pages: Vec<PageHeader>,
    /// The page of a single-page file, decoded at open to prove it readable
    /// and handed out by the first call for it.
    first: Mutex<Option<RgbImage>>,
}

impl std::fmt::Debug for RasterSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RasterSource").field("kind", &self.kind).field("pages", &self.pages.len()).finish()
    }
}

impl RasterSource {
    pub(crate) fn open(
        bytes: Vec<u8>,
        kind: Kind,
        limits: &Limits,
    ) -> Result<(RasterSource, Vec<SourceWarning>), SourceError> {
        let pages = if kind == Kind::Tiff {
            tiff_pages(&bytes, limits)?
        } else {
            let (width, height) = dimensions(&bytes, kind, None, limits)?;
            vec![PageHeader { width, height, ifd: None }]
        };
        let mut total: u64 = 0;
        for p in &pages {
            check_size(p.width, p.height, limits)?;
            total = total.saturating_add(u64::from(p.width) * u64::from(p.height));
        }
        check_limit(Limit::DocumentPixels, total, limits.max_document_pixels)?;
        let warnings = match kind {
            Kind::Jpeg => jpeg_warnings(&bytes),
            Kind::Png => png_warnings(&bytes),
            Kind::Webp => webp_warnings(&bytes),
            Kind::Tiff | Kind::Pdf => Vec::new(),
        };
        let first = match pages.as_slice() {
            [only] => Some(decode(&bytes, kind, only.ifd, limits)?),
            _ => None,
        };
        Ok((RasterSource { bytes, kind, pages, first: Mutex::new(first) }, warnings))
    }

    pub(crate) fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Decodes page `index` (0-based).
    pub(crate) fn page(&self, index: usize, limits: &Limits) -> Result<RgbImage, SourceError> {
        let page = index + 1;
        let header =
            self.pages.get(index).ok_or(SourceError::Page { page, reason: "no such page".into() })?;
        if index == 0 {
            if let Some(image) = self.first.lock().unwrap_or_else(PoisonError::into_inner).take() {
                return Ok(image);
            }
        }
        decode(&self.bytes, self.kind, header.ifd, limits).map_err(|e| match e {
            SourceError::Corrupt { reason } => SourceError::Page { page, reason },
            other => other,
        })
    }
}

fn check_size(width: u32, height: u32, limits: &Limits) -> Result<(), SourceError> {
    if width == 0 || height == 0 {
        return Err(corrupt(format!("the image is {width}×{height} pixels")));
    }
    check_limit(Limit::ImageSide, u64::from(width.max(height)), u64::from(MAX_IMAGE_SIDE))?;
    check_limit(Limit::PagePixels, u64::from(width) * u64::from(height), limits.max_page_pixels)
}

/// Every page of a TIFF, from its directories alone; stops as soon as the
/// page limit is passed, so a file of a million tiny IFDs costs little.
fn tiff_pages(bytes: &[u8], limits: &Limits) -> Result<Vec<PageHeader>, SourceError> {
    use tiff::decoder::Decoder;
    let mut tiff_limits = tiff::decoder::Limits::default();
    tiff_limits.decoding_buffer_size = usize::try_from(alloc_budget(limits)).unwrap_or(usize::MAX);
    let mut dec = Decoder::new(std::io::Cursor::new(bytes)).map_err(corrupt)?.with_limits(tiff_limits);
    let mut pages = Vec::new();
    loop {
        let (width, height) = dec.dimensions().map_err(corrupt)?;
        pages.push(PageHeader { width, height, ifd: dec.ifd_pointer().map(|p| p.0) });
        if !dec.more_images() {
            return Ok(pages);
        }
        if pages.len() >= limits.max_pages {
            return Err(SourceError::LimitExceeded {
                limit: Limit::Pages,
                actual: pages.len() as u64 + 1,
                max: limits.max_pages as u64,
            });
        }
        dec.next_image().map_err(corrupt)?;
    }
}

/// What a decoder may allocate for one page: its widest decoded layout
/// (RGBA, 16 bits a sample) plus headroom for the decoder's own tables.
fn alloc_budget(limits: &Limits) -> u64 {
    limits.max_page_pixels.saturating_mul(8).saturating_add(64 << 20)
}

/// `image`'s limits: allocations always, and the side once the caller has
/// checked it itself (so that an oversized side is reported with its size).
fn image_limits(limits: &Limits, side: bool) -> image::Limits {
    let mut l = image::Limits::default();
    l.max_alloc = Some(alloc_budget(limits));
    if side {
        l.max_image_width = Some(MAX_IMAGE_SIDE);
        l.max_image_height = Some(MAX_IMAGE_SIDE);
    }
    l
}

fn format(kind: Kind) -> ImageFormat {
    match kind {
        Kind::Png => ImageFormat::Png,
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Webp => ImageFormat::WebP,
        Kind::Tiff | Kind::Pdf => ImageFormat::Tiff,
    }
}

fn decoder<'a>(
    bytes: &'a [u8],
    kind: Kind,
    ifd: Option<u64>,
    limits: &Limits,
) -> Result<impl ImageDecoder + 'a, SourceError> {
    let mut reader = ImageReader::with_format(View::new(bytes, ifd)?, format(kind));
    reader.limits(image_limits(limits, false));
    reader.into_decoder().map_err(image_error)
}

fn dimensions(
    bytes: &[u8],
    kind: Kind,
    ifd: Option<u64>,
    limits: &Limits,
) -> Result<(u32, u32), SourceError> {
    Ok(decoder(bytes, kind, ifd, limits)?.dimensions())
}

/// Decodes one page to RGB, composited on white and upright.
fn decode(bytes: &[u8], kind: Kind, ifd: Option<u64>, limits: &Limits) -> Result<RgbImage, SourceError> {
    let mut decoder = decoder(bytes, kind, ifd, limits)?;
    let (width, height) = decoder.dimensions();
    check_size(width, height, limits)?;
    decoder.set_limits(image_limits(limits, true)).map_err(image_error)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let color = decoder.color_type();
    let mut buf = zeroed(decoder.total_bytes(), "decoded pixels")?;
    decoder.read_image(&mut buf).map_err(image_error)?;
    let rgb = to_rgb(width, height, color, buf)?;
    if orientation == Orientation::NoTransforms {
        return Ok(rgb);
    }
    let mut image = DynamicImage::ImageRgb8(rgb);
    image.apply_orientation(orientation);
    Ok(image.into_rgb8())
}

/// A zeroed buffer of `len` bytes, or a typed error if memory is short.
fn zeroed(len: u64, what: &'static str) -> Result<Vec<u8>, SourceError> {
    let mut v = empty(len, what)?;
    // `empty` reserved room for `len` bytes (so it fits a usize): no new allocation.
    v.resize(len as usize, 0);
    Ok(v)
}

/// An empty buffer with room for `len` bytes, or a typed error.
fn empty(len: u64, what: &'static str) -> Result<Vec<u8>, SourceError> {
    let oom = || SourceError::OutOfMemory { bytes: len, what };
    let n = usize::try_from(len).map_err(|_| oom())?;
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| oom())?;
    Ok(v)
}

/// 8-bit `c` with 8-bit alpha `a`, over white.
fn over_white8(c: u8, a: u8) -> u8 {
    let (c, a) = (u32::from(c), u32::from(a));
    ((c * a + 255 * (255 - a) + 127) / 255) as u8
}

/// 16-bit `c` with 16-bit alpha `a`, over white, as 8 bits.
fn over_white16(c: u16, a: u16) -> u8 {
    let (c, a) = (u64::from(c), u64::from(a));
    let v = (c * a + 65535 * (65535 - a)) / 65535;
    ((v * 255 + 32767) / 65535) as u8
}

/// Decoded samples (native-endian, as `image` delivers them) to 8-bit RGB.
/// Gray is spread to three channels; alpha is composited on white.
fn to_rgb(width: u32, height: u32, color: ColorType, buf: Vec<u8>) -> Result<RgbImage, SourceError> {
    if color == ColorType::Rgb8 {
        return RgbImage::from_raw(width, height, buf).ok_or_else(|| corrupt("short image data"));
    }
    let pixels = u64::from(width) * u64::from(height);
    let mut out = empty(pixels.saturating_mul(3), "RGB pixels")?;
    let u16s =
        |b: &[u8]| -> Vec<u16> { b.chunks_exact(2).map(|s| u16::from_ne_bytes([s[0], s[1]])).collect() };
    let f32_to_u16 = |s: &[u8]| -> u16 {
        let v = f32::from_ne_bytes([s[0], s[1], s[2], s[3]]);
        (v.clamp(0.0, 1.0) * 65535.0).round() as u16
    };
    match color {
        ColorType::L8 => buf.iter().for_each(|&g| out.extend_from_slice(&[g, g, g])),
        ColorType::La8 => {
            buf.chunks_exact(2).for_each(|p| out.extend_from_slice(&[over_white8(p[0], p[1]); 3]))
        }
        ColorType::Rgba8 => buf.chunks_exact(4).for_each(|p| {
            out.extend_from_slice(&[
                over_white8(p[0], p[3]),
                over_white8(p[1], p[3]),
                over_white8(p[2], p[3]),
            ])
        }),
        ColorType::L16 | ColorType::La16 | ColorType::Rgb16 | ColorType::Rgba16 => {
            let channels = usize::from(color.channel_count());
            // Row by row, so the 16-bit view never costs a copy of the whole page.
            let row = (width as usize).saturating_mul(channels * 2).max(1);
            for bytes in buf.chunks(row) {
                for p in u16s(bytes).chunks_exact(channels) {
                    push16(&mut out, p);
                }
            }
        }
        ColorType::Rgb32F | ColorType::Rgba32F => {
            let channels = usize::from(color.channel_count());
            let mut p = [0u16; 4];
            for px in buf.chunks_exact(channels * 4) {
                for (c, s) in p.iter_mut().zip(px.chunks_exact(4)) {
                    *c = f32_to_u16(s);
                }
                push16(&mut out, &p[..channels]);
            }
        }
        other => return Err(corrupt(format!("unsupported colour type {other:?}"))),
    }
    RgbImage::from_raw(width, height, out).ok_or_else(|| corrupt("short image data"))
}

/// One pixel of 1 to 4 16-bit channels (gray, gray+alpha, RGB, RGBA) as RGB.
fn push16(out: &mut Vec<u8>, p: &[u16]) {
    let opaque = |c: u16| over_white16(c, u16::MAX);
    match *p {
        [g] => out.extend_from_slice(&[opaque(g); 3]),
        [g, a] => out.extend_from_slice(&[over_white16(g, a); 3]),
        [r, g, b] => out.extend_from_slice(&[opaque(r), opaque(g), opaque(b)]),
        [r, g, b, a] => out.extend_from_slice(&[over_white16(r, a), over_white16(g, a), over_white16(b, a)]),
        _ => {}
    }
}

/// A JPEG whose data stops before its end-of-image marker decodes "fine":
/// the decoder fills the missing rows. Say so.
fn jpeg_warnings(bytes: &[u8]) -> Vec<SourceWarning> {
    if jpeg_has_end(bytes) {
        return Vec::new();
    }
    vec![SourceWarning {
        page: Some(1),
        kind: WarningKind::Truncated,
        message: "the JPEG is truncated (no end-of-image marker): part of the page may be blank".into(),
    }]
}

/// Whether an end-of-image marker follows the first scan. Marker segments
/// before the scan are skipped by their lengths, so an EXIF thumbnail's own
/// end marker does not count.
fn jpeg_has_end(bytes: &[u8]) -> bool {
    let mut i = 2;
    loop {
        let (Some(&ff), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else { return false };
        if ff != 0xFF {
            // Not a marker where one must be: the decoder will judge.
            return true;
        }
        match marker {
            0xFF => i += 1,
            0x01 | 0xD0..=0xD8 => i += 2,
            0xD9 => return true,
            0xDA => break,
            _ => {
                let Some(len) = bytes.get(i + 2..i + 4) else { return false };
                i += 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
            }
        }
    }
    memchr::memmem::rfind(&bytes[i..], &[0xFF, 0xD9]).is_some()
}

/// An animated WebP: only its first frame is decoded.
fn webp_warnings(bytes: &[u8]) -> Vec<SourceWarning> {
    let mut frames = 0usize;
    let mut i = 12usize;
    while let (Some(id), Some(size)) = (bytes.get(i..i + 4), bytes.get(i + 4..i + 8)) {
        if id == b"ANMF" {
            frames += 1;
        }
        let size = u32::from_le_bytes([size[0], size[1], size[2], size[3]]) as usize;
        i = i.saturating_add(8).saturating_add(size).saturating_add(size & 1);
    }
    frames_warning("WebP", frames, "first frame")
}

/// An animated PNG (APNG): only its default image is decoded.
fn png_warnings(bytes: &[u8]) -> Vec<SourceWarning> {
    let mut i = 8usize;
    while let (Some(len), Some(id)) = (bytes.get(i..i + 4), bytes.get(i + 4..i + 8)) {
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        match id {
            b"acTL" => {
                let frames =
                    bytes.get(i + 8..i + 12).map_or(0, |n| u32::from_be_bytes([n[0], n[1], n[2], n[3]]));
                return frames_warning("PNG", frames as usize, "default image");
            }
            b"IDAT" | b"IEND" => break,
            _ => i = i.saturating_add(12).saturating_add(len),
        }
    }
    Vec::new()
}

fn frames_warning(format: &str, frames: usize, read: &str) -> Vec<SourceWarning> {
    if frames < 2 {
        return Vec::new();
    }
    vec![SourceWarning {
        page: Some(1),
        kind: WarningKind::FramesIgnored,
        message: format!("animated {format} with {frames} frames: only the {read} is read"),
    }]
}

/// A file's bytes as a reader. For a TIFF page other than the first, the
/// header's pointer to the first directory is replaced by the page's own,
/// so any TIFF decoder reads that page as the file's first: every other
/// offset in a TIFF is absolute, so nothing else moves.
struct View<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Offset in the file, replacement bytes and how many of them are used.
    patch: Option<(usize, [u8; 8], usize)>,
}

impl<'a> View<'a> {
    fn new(bytes: &'a [u8], ifd: Option<u64>) -> Result<View<'a>, SourceError> {
        let patch = match ifd {
            None => None,
            Some(offset) => {
                let little = bytes.starts_with(b"II");
                let version = bytes.get(2..4).map(|v| if little { v[0] } else { v[1] });
                let mut data = [0u8; 8];
                let (at, len) = if version == Some(43) { (8, 8) } else { (4, 4) };
                if len == 8 {
                    data = if little { offset.to_le_bytes() } else { offset.to_be_bytes() };
                } else {
                    let o =
                        u32::try_from(offset).map_err(|_| corrupt("TIFF directory offset out of range"))?;
                    let b = if little { o.to_le_bytes() } else { o.to_be_bytes() };
                    data[..4].copy_from_slice(&b);
                }
                if bytes.len() < at + len {
                    return Err(corrupt("TIFF header is truncated"));
                }
                Some((at, data, len))
            }
        };
        Ok(View { bytes, pos: 0, patch })
    }
}

impl BufRead for View<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let pos = self.pos.min(self.bytes.len());
        if let Some((at, data, len)) = &self.patch {
            if pos >= *at && pos < at + len {
                return Ok(&data[pos - at..*len]);
            }
            if pos < *at {
                return Ok(&self.bytes[pos..*at]);
            }
        }
        Ok(&self.bytes[pos..])
    }

    fn consume(&mut self, amount: usize) {
        self.pos = self.pos.saturating_add(amount);
    }
}

impl Read for View<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl Seek for View<'_> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let (base, delta) = match to {
            SeekFrom::Start(n) => (0i128, i128::from(n)),
            SeekFrom::End(d) => (self.bytes.len() as i128, i128::from(d)),
            SeekFrom::Current(d) => (self.pos as i128, i128::from(d)),
        };
        let pos = usize::try_from(base + delta)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek out of range"))?;
        self.pos = pos;
        Ok(pos as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_on_white_keeps_ink_and_clears_transparency() {
        assert_eq!(over_white8(0, 255), 0);
        assert_eq!(over_white8(0, 0), 255);
        assert_eq!(over_white8(200, 0), 255);
        assert_eq!(over_white8(0, 128), 127);
        assert_eq!(over_white16(0, u16::MAX), 0);
        assert_eq!(over_white16(0, 0), 255);
        assert_eq!(over_white16(u16::MAX, u16::MAX), 255);
    }

    #[test]
    fn every_colour_type_becomes_rgb() {
        #[track_caller]
        fn check(color: ColorType, samples: &[u8], expect: [u8; 3]) {
            let rgb = to_rgb(1, 1, color, samples.to_vec()).unwrap();
            assert_eq!(rgb.get_pixel(0, 0).0, expect, "{color:?}");
        }
        let h = |v: u16| v.to_ne_bytes();
        let f = |v: f32| v.to_ne_bytes();
        check(ColorType::L8, &[7], [7, 7, 7]);
        check(ColorType::La8, &[0, 0], [255, 255, 255]);
        check(ColorType::Rgb8, &[1, 2, 3], [1, 2, 3]);
        check(ColorType::Rgba8, &[0, 0, 0, 255], [0, 0, 0]);
        check(ColorType::Rgba8, &[0, 0, 0, 0], [255, 255, 255]);
        check(ColorType::L16, &h(0xFFFF), [255, 255, 255]);
        check(ColorType::La16, &[h(0), h(0)].concat(), [255, 255, 255]);
        check(ColorType::Rgb16, &[h(0), h(0x8080), h(0xFFFF)].concat(), [0, 128, 255]);
        check(ColorType::Rgba16, &[h(0), h(0), h(0), h(0xFFFF)].concat(), [0, 0, 0]);
        check(ColorType::Rgb32F, &[f(0.0), f(1.0), f(2.0)].concat(), [0, 255, 255]);
        check(ColorType::Rgba32F, &[f(0.0), f(0.0), f(0.0), f(0.0)].concat(), [255, 255, 255]);
    }

    #[test]
    fn short_pixel_data_is_an_error_not_a_panic() {
        assert!(to_rgb(2, 2, ColorType::Rgba8, vec![0; 5]).is_err());
        assert!(to_rgb(2, 2, ColorType::Rgb8, vec![0; 5]).is_err());
    }

    #[test]
    fn the_view_replaces_only_the_first_directory_pointer() {
        let bytes = b"II*\0\x08\0\0\0rest".to_vec();
        let mut v = View::new(&bytes, Some(0x0102_0304)).unwrap();
        let mut out = Vec::new();
        v.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"II*\0\x04\x03\x02\x01rest");
        v.seek(SeekFrom::Start(5)).unwrap();
        let mut two = [0u8; 2];
        v.read_exact(&mut two).unwrap();
        assert_eq!(two, [3, 2]);
        let big = b"MM\0+\0\x08\0\0\0\0\0\0\0\0\0\x10".to_vec();
        let mut v = View::new(&big, Some(0x20)).unwrap();
        let mut out = Vec::new();
        v.read_to_end(&mut out).unwrap();
        assert_eq!(&out[8..], &[0, 0, 0, 0, 0, 0, 0, 0x20]);
    }
}
