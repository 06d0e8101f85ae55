//! Raster inputs built in the test: multi-page TIFFs read lazily under
//! pixel budgets, transparency composited on white, and the inputs that
//! open but lose content reported as warnings.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::io::Cursor;

use image::{ExtendedColorType, ImageEncoder, Rgb};
use parasol_source::{Limit, Limits, OpenOptions, Source, SourceError, WarningKind};
use tiff::encoder::{colortype, compression::DeflateLevel, Compression, TiffEncoder};

fn options(limits: Limits) -> OpenOptions {
    OpenOptions { limits, ..OpenOptions::default() }
}

/// A deflated TIFF with one page per `(width, height, colour)`.
fn tiff(pages: &[(u32, u32, [u8; 3])]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut enc =
        TiffEncoder::new(&mut out).unwrap().with_compression(Compression::Deflate(DeflateLevel::Fast));
    for &(w, h, rgb) in pages {
        let data = rgb.repeat((w * h) as usize);
        enc.write_image::<colortype::RGB8>(w, h, &data).unwrap();
    }
    out.into_inner()
}

#[track_caller]
fn limit_error(result: Result<Source, SourceError>, limit: Limit, actual: u64, max: u64) {
    match result {
        Err(SourceError::LimitExceeded { limit: l, actual: a, max: m }) => {
            assert_eq!((l, a, m), (limit, actual, max))
        }
        other => panic!("expected {limit:?} {actual} > {max}, got {other:?}"),
    }
}

#[test]
fn a_multi_page_tiff_is_decoded_one_page_at_a_time() {
    let pages = [(30, 20, [255, 0, 0]), (10, 40, [0, 255, 0]), (25, 25, [0, 0, 255])];
    let source = Source::open_bytes(tiff(&pages), &OpenOptions::default()).unwrap();
    assert_eq!(source.page_count(), 3);
    assert!(source.warnings().is_empty());
    // Out of order, and twice: each call decodes its page from the file.
    for i in [2, 0, 1, 2] {
        let page = source.page(i).unwrap();
        let (w, h, rgb) = pages[i];
        assert_eq!((page.index, page.image.width(), page.image.height()), (i, w, h));
        assert_eq!(*page.image.get_pixel(w / 2, h / 2), Rgb(rgb));
    }
    assert!(matches!(source.page(3), Err(SourceError::Page { page: 4, .. })));
}

#[test]
fn the_document_pixel_budget_is_checked_from_the_headers() {
    // The report's crash, scaled down: three pages, a budget of two pages' pixels.
    let bytes = tiff(&[(100, 100, [9; 3]); 3]);
    let limits = Limits { max_document_pixels: 20_000, ..Limits::default() };
    limit_error(Source::open_bytes(bytes.clone(), &options(limits)), Limit::DocumentPixels, 30_000, 20_000);
    let limits = Limits { max_document_pixels: 30_000, ..Limits::default() };
    assert_eq!(Source::open_bytes(bytes, &options(limits)).unwrap().page_count(), 3);
}

#[test]
fn an_oversized_page_is_refused_before_it_is_decoded() {
    // A deflate bomb: 4 megapixels of one colour in a few KiB.
    let bytes = tiff(&[(10, 10, [1; 3]), (2000, 2000, [0; 3])]);
    assert!(bytes.len() < 64 << 10, "{}", bytes.len());
    let limits = Limits { max_page_pixels: 1_000_000, ..Limits::default() };
    limit_error(Source::open_bytes(bytes, &options(limits)), Limit::PagePixels, 4_000_000, 1_000_000);
}

#[test]
fn the_page_limit_stops_the_directory_walk() {
    let limits = Limits { max_pages: 2, ..Limits::default() };
    limit_error(Source::open_bytes(tiff(&[(4, 4, [0; 3]); 3]), &options(limits)), Limit::Pages, 3, 2);
}

#[test]
fn absurd_image_sides_are_refused_by_size() {
    let mut png = Vec::new();
    let row = vec![0u8; 70_000];
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&row, 70_000, 1, ExtendedColorType::L8)
        .unwrap();
    limit_error(Source::open_bytes(png, &OpenOptions::default()), Limit::ImageSide, 70_000, 65_535);
}

/// A 20×10 image: transparent black everywhere but a 4×2 block of opaque
/// black "ink" at (8, 4).
fn ink_on_transparency() -> image::RgbaImage {
    image::RgbaImage::from_fn(20, 10, |x, y| {
        let ink = (8..12).contains(&x) && (4..6).contains(&y);
        image::Rgba([0, 0, 0, if ink { 255 } else { 0 }])
    })
}

#[track_caller]
fn check_ink_on_white(bytes: Vec<u8>) {
    let source = Source::open_bytes(bytes, &OpenOptions::default()).unwrap();
    let page = source.page(0).unwrap();
    assert_eq!(*page.image.get_pixel(0, 0), Rgb([255, 255, 255]), "background");
    assert_eq!(*page.image.get_pixel(19, 9), Rgb([255, 255, 255]), "background");
    assert_eq!(*page.image.get_pixel(9, 4), Rgb([0, 0, 0]), "ink");
    assert_eq!(*page.image.get_pixel(11, 5), Rgb([0, 0, 0]), "ink");
}

#[test]
fn transparent_backgrounds_become_white_in_every_format() {
    let rgba = ink_on_transparency();
    let (w, h) = rgba.dimensions();

    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png).write_image(&rgba, w, h, ExtendedColorType::Rgba8).unwrap();
    check_ink_on_white(png);

    let gray_alpha: Vec<u8> = rgba.pixels().flat_map(|p| [p[0], p[3]]).collect();
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&gray_alpha, w, h, ExtendedColorType::La8)
        .unwrap();
    check_ink_on_white(png);

    let wide: Vec<u8> = rgba.as_raw().iter().flat_map(|&v| (u16::from(v) * 257).to_be_bytes()).collect();
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&wide, w, h, ExtendedColorType::Rgba16)
        .unwrap();
    check_ink_on_white(png);

    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .encode(&rgba, w, h, ExtendedColorType::Rgba8)
        .unwrap();
    check_ink_on_white(webp);

    let mut tif = Cursor::new(Vec::new());
    TiffEncoder::new(&mut tif).unwrap().write_image::<colortype::RGBA8>(w, h, &rgba).unwrap();
    check_ink_on_white(tif.into_inner());
}

fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 64, |x, y| Rgb([(x * 4) as u8, (y * 4) as u8, 128]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(&img, 64, 64, ExtendedColorType::Rgb8)
        .unwrap();
    out
}

#[test]
fn a_truncated_jpeg_opens_with_a_warning() {
    let whole = jpeg();
    assert!(Source::open_bytes(whole.clone(), &OpenOptions::default()).unwrap().warnings().is_empty());

    let cut = whole[..whole.len() * 6 / 10].to_vec();
    let source = Source::open_bytes(cut, &OpenOptions::default()).unwrap();
    let w = source.warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!((w[0].page, w[0].kind), (Some(1), WarningKind::Truncated));
    assert!(w[0].message.contains("truncated"), "{}", w[0].message);
    assert_eq!(source.page(0).unwrap().image.dimensions(), (64, 64));
}

/// One RIFF chunk, padded to an even length.
fn chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// An animated WebP of `frames` 8×8 lossless frames, each a VP8L chunk
/// taken from a still image.
fn animated_webp(frames: usize) -> Vec<u8> {
    let still = image::RgbaImage::from_pixel(8, 8, image::Rgba([200, 10, 10, 255]));
    let mut one = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut one)
        .encode(&still, 8, 8, ExtendedColorType::Rgba8)
        .unwrap();
    let vp8l = &one[12..]; // After "RIFF", size, "WEBP": the VP8L chunk.
    assert_eq!(&vp8l[..4], b"VP8L");
    let u24 = |v: u32| v.to_le_bytes()[..3].to_vec();
    let mut body = b"WEBP".to_vec();
    body.extend(chunk(b"VP8X", &[&[0x12u8, 0, 0, 0][..], &u24(7), &u24(7)].concat()));
    body.extend(chunk(b"ANIM", &[255, 255, 255, 255, 0, 0]));
    for _ in 0..frames {
        let header = [u24(0), u24(0), u24(7), u24(7), u24(100), vec![0]].concat();
        body.extend(chunk(b"ANMF", &[header.as_slice(), vp8l].concat()));
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

#[test]
fn an_animated_webp_warns_that_only_its_first_frame_is_read() {
    let source = Source::open_bytes(animated_webp(3), &OpenOptions::default()).unwrap();
    let w = source.warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].kind, WarningKind::FramesIgnored);
    assert!(w[0].message.contains("3 frames"), "{}", w[0].message);
    // The decoder blends the frame onto the canvas, with a rounding of its own.
    let pixel = source.page(0).unwrap().image.get_pixel(4, 4).0;
    assert!(pixel.iter().zip([200u8, 10, 10]).all(|(&a, b)| a.abs_diff(b) <= 2), "{pixel:?}");
    assert!(Source::open_bytes(animated_webp(1), &OpenOptions::default()).unwrap().warnings().is_empty());
}

/// One PNG chunk with its CRC.
fn png_chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(id);
    crc.update(data);
    [&(data.len() as u32).to_be_bytes()[..], id, data, &crc.sum().to_be_bytes()].concat()
}

#[test]
fn an_animated_png_warns_that_only_its_default_image_is_read() {
    let img = image::RgbImage::from_pixel(4, 4, Rgb([1, 2, 3]));
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png).write_image(&img, 4, 4, ExtendedColorType::Rgb8).unwrap();
    // acTL goes after IHDR (8 + 25 bytes) and before IDAT.
    let actl = png_chunk(b"acTL", &[0, 0, 0, 5, 0, 0, 0, 0]);
    let apng = [&png[..33], &actl, &png[33..]].concat();
    let source = Source::open_bytes(apng, &OpenOptions::default()).unwrap();
    let w = source.warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].kind, WarningKind::FramesIgnored);
    assert!(w[0].message.contains("5 frames"), "{}", w[0].message);
    assert_eq!(*source.page(0).unwrap().image.get_pixel(0, 0), Rgb([1, 2, 3]));
}
