//! Writes the inputs of the security report into a directory, to replay
//! them against `probe` under an address-space cap (see docs/BENCHMARKS.md):
//! a 40-page TIFF of 81-megapixel deflated pages, a PDF whose 2 GB
//! content stream of zeros is listed three times, black text on a
//! transparent PNG, a truncated JPEG and an animated WebP; also a PDF
//! whose content stream is just within the default stream limit.
//!
//! `cargo run -p parasol-source --example make_probes -- DIR`

use std::io::Write;
use std::path::Path;

use image::{ExtendedColorType, ImageEncoder};
use parasol_models::ModelFile;
use parasol_source::{init_pdfium, OpenOptions, Source};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let dir = std::env::args().nth(1).ok_or("usage: make_probes DIR")?;
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir)?;
    let models = std::env::var("PARASOL_MODELS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/files").into());
    init_pdfium(&ModelFile::Pdfium.in_dir(models.as_ref()))?;

    let text = text_page()?;
    let rgba = image::RgbaImage::from_fn(text.width(), text.height(), |x, y| {
        let gray = text.get_pixel(x, y).0.iter().map(|&c| u32::from(c)).sum::<u32>() / 3;
        image::Rgba([0, 0, 0, 255 - gray as u8])
    });
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png).write_image(
        &rgba,
        rgba.width(),
        rgba.height(),
        ExtendedColorType::Rgba8,
    )?;
    std::fs::write(dir.join("transparent_text.png"), png)?;

    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).write_image(
        &text,
        text.width(),
        text.height(),
        ExtendedColorType::Rgb8,
    )?;
    std::fs::write(dir.join("truncated.jpg"), &jpeg[..jpeg.len() / 2])?;
    std::fs::write(dir.join("animated.webp"), animated_webp(4)?)?;
    std::fs::write(dir.join("pdf_bomb.pdf"), pdf(2_000_000_000, 3)?)?;
    // The largest content stream the default limits let through, for PDFium
    // to inflate: it must stay within the cap too.
    std::fs::write(dir.join("pdf_near_budget.pdf"), pdf((256 << 20) - (1 << 20), 1)?)?;
    let tiff = dir.join("tiff_bomb.tif");
    if !tiff.exists() {
        // Slow (a minute): written once.
        tiff_bomb(&tiff, 40, 9000)?;
    }
    Ok(())
}

/// A page of black text on white, rendered by PDFium.
fn text_page() -> Result<image::RgbImage> {
    let source = Source::open_bytes(pdf(0, 1)?, &OpenOptions::default())?;
    Ok(source.page(0)?.image)
}

/// A one-page PDF drawing a line of text followed by `zeros` NUL bytes in a
/// deflated content stream listed `refs` times.
fn pdf(zeros: u64, refs: usize) -> Result<Vec<u8>> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(b"BT /F1 36 Tf 72 700 Td (Transparent text survives) Tj ET\n")?;
    let block = vec![0u8; 1 << 20];
    let mut left = zeros;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        z.write_all(&block[..n])?;
        left -= n as u64;
    }
    let stream = z.finish()?;
    let contents = vec!["4 0 R"; refs].join(" ");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents [{contents}] >>").into_bytes(),
        [format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", stream.len()).as_bytes(), &stream, b"\nendstream"].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    Ok(parasol_testdata::pdf(&objects))
}

/// `pages` deflated RGB pages of `side`² white pixels.
fn tiff_bomb(path: &Path, pages: usize, side: u32) -> Result<()> {
    use tiff::encoder::{colortype::RGB8, compression::DeflateLevel, Compression, TiffEncoder};
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut enc = TiffEncoder::new(file)?.with_compression(Compression::Deflate(DeflateLevel::Best));
    let data = vec![255u8; side as usize * side as usize * 3];
    for _ in 0..pages {
        enc.write_image::<RGB8>(side, side, &data)?;
    }
    Ok(())
}

/// An animated WebP of `frames` lossless 64×64 frames.
fn animated_webp(frames: usize) -> Result<Vec<u8>> {
    let still = image::RgbaImage::from_pixel(64, 64, image::Rgba([20, 20, 20, 255]));
    let mut one = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut one).encode(
        &still,
        64,
        64,
        ExtendedColorType::Rgba8,
    )?;
    let vp8l = &one[12..];
    let chunk = |id: &[u8], data: &[u8]| -> Vec<u8> {
        let pad = if data.len() % 2 == 1 { vec![0] } else { vec![] };
        [id, &(data.len() as u32).to_le_bytes(), data, &pad].concat()
    };
    let u24 = |v: u32| v.to_le_bytes()[..3].to_vec();
    let mut body = b"WEBP".to_vec();
    body.extend(chunk(b"VP8X", &[&[0x12u8, 0, 0, 0][..], &u24(63), &u24(63)].concat()));
    body.extend(chunk(b"ANIM", &[255, 255, 255, 255, 0, 0]));
    for _ in 0..frames {
        let header = [u24(0), u24(0), u24(63), u24(63), u24(100), vec![0]].concat();
        body.extend(chunk(b"ANMF", &[header.as_slice(), vp8l].concat()));
    }
    Ok([b"RIFF".as_slice(), &(body.len() as u32).to_le_bytes(), &body].concat())
}
