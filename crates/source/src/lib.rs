//! Bytes or paths to pages: each page rendered to an RGB image at a chosen DPI,
//! plus, for PDFs, the native text layer as characters, words and lines.
//!
//! The main type is [`Source`]: open a file, ask for its page count, then
//! fetch pages one at a time so memory stays flat however long the document.
//! File types are recognised by content, never by extension.
//!
//! ```no_run
//! use parasol_source::{init_pdfium, OpenOptions, Source};
//! # let pdfium_library = std::path::Path::new("");
//! // The path comes from the model registry: `parasol_models::ModelFile::Pdfium`.
//! init_pdfium(pdfium_library)?;
//! let source = Source::open_path("report.pdf".as_ref(), &OpenOptions::default())?;
//! for i in 0..source.page_count() {
//!     let page = source.page(i)?;
//!     println!("{}x{} px", page.image.width(), page.image.height());
//! }
//! # Ok::<(), parasol_source::SourceError>(())
//! ```
//!
//! PDFium is a process-wide native library: bind it once with [`init_pdfium`]
//! and keep PDF work on one thread (its bindings serialise calls anyway).
//!
//! Untrusted input is bounded before it costs memory:
//! - [`Source::open_path`] reads only regular files, and at most
//!   [`Limits::max_file_bytes`] of them;
//! - raster pages are counted and measured from their headers at open time,
//!   against the per-page and per-document [`Limits`], and decoded one at a
//!   time in [`Source::page`] (the page of a single-page file at open, so
//!   that a broken image fails the document);
//! - a PDF's compressed streams are inflated once, counting bytes only,
//!   before PDFium sees the file, so a decompression bomb is a
//!   [`SourceError::LimitExceeded`] rather than an exhausted process.
//!
//! Inputs that open but lose content (a truncated JPEG, an animation of
//! which only the first frame is read) are reported by [`Source::warnings`].

mod direction;
mod file;
mod filters;
mod pdf;
mod prescan;
mod raster;
mod text;

use std::path::{Path, PathBuf};
use std::time::Duration;

use parasol_doc::{BBox, TextLine};

pub use direction::Direction;
pub use image::{GrayImage, RgbImage};
pub use pdf::init_pdfium;
pub use text::{TextChar, TextLayerStats, Word};

/// The render resolution for PDF pages unless the caller asks for another,
/// and the resolution assumed for images, whose own is not trusted.
pub const DEFAULT_DPI: f32 = 150.0;

/// What the bytes are, decided by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Png,
    Jpeg,
    Tiff,
    Webp,
}

impl Kind {
    /// Recognises a supported file type from its first bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Kind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Kind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Kind::Jpeg)
        } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
            Some(Kind::Tiff)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Kind::Webp)
        } else if find_pdf_header(bytes).is_some() {
            Some(Kind::Pdf)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Png => "png",
            Kind::Jpeg => "jpeg",
            Kind::Tiff => "tiff",
            Kind::Webp => "webp",
        }
    }
}

/// PDF readers accept a header anywhere in the first KiB; so do we.
fn find_pdf_header(bytes: &[u8]) -> Option<usize> {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(4).position(|w| w == b"%PDF")
}

/// Resource limits applied while opening and rendering.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Largest accepted input file, in bytes.
    pub max_file_bytes: u64,
    /// Most pages accepted in one document.
    pub max_pages: usize,
    /// Most pixels in one page image. Larger images are refused; larger PDF
    /// pages are rendered at a lower DPI instead.
    pub max_page_pixels: u64,
    /// Most pixels in all pages of a raster document together (a multi-page
    /// TIFF), read from the image headers before any page is decoded.
    pub max_document_pixels: u64,
    /// Most bytes one compressed PDF stream may inflate to; also the most
    /// that the streams of one page's `/Contents` may inflate to together.
    pub max_stream_bytes: u64,
    /// Most bytes a PDF's streams may inflate to together (an image counts
    /// only the part PDFium holds whole), and most compressed stream bytes
    /// the check may read: together they bound the time the check takes.
    pub max_total_stream_bytes: u64,
}

impl Default for Limits {
    /// 200 MiB, 2,000 pages, 100 megapixels per page and 10,000 per
    /// document, 256 MiB per inflated PDF stream and 4 GiB for all of them.
    /// Upstage's synchronous API allows 50 MB and 100 pages; a local batch
    /// tool can afford more. The stream limit is 20× the largest stream in
    /// the shared corpus (13 MB), and PDFium renders a page whose content
    /// inflates to just under it in about 530 MB: well inside a 2 GiB
    /// address space (docs/BENCHMARKS.md).
    fn default() -> Limits {
        Limits {
            max_file_bytes: 200 << 20,
            max_pages: 2000,
            max_page_pixels: 100_000_000,
            max_document_pixels: 10_000_000_000,
            max_stream_bytes: 256 << 20,
            max_total_stream_bytes: 4 << 30,
        }
    }
}

/// How to open a document.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenOptions {
    /// Render resolution for PDF pages, dots per inch.
    pub dpi: f32,
    /// Password for encrypted PDFs.
    pub password: Option<String>,
    pub limits: Limits,
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions { dpi: DEFAULT_DPI, password: None, limits: Limits::default() }
    }
}

/// Which limit a document exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    FileBytes,
    Pages,
    PagePixels,
    /// The longest side of an image, in pixels ([`MAX_IMAGE_SIDE`]).
    ImageSide,
    DocumentPixels,
    StreamBytes,
    TotalStreamBytes,
    /// Compressed PDF stream bytes read by the pre-scan, against
    /// [`Limits::max_total_stream_bytes`]: only files whose stream data
    /// overlaps over and over come near it.
    StreamScanBytes,
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Limit::FileBytes => "file size",
            Limit::Pages => "page count",
            Limit::PagePixels => "pixels per page",
            Limit::ImageSide => "image side in pixels",
            Limit::DocumentPixels => "pixels per document",
            Limit::StreamBytes => "decompressed bytes per PDF stream",
            Limit::TotalStreamBytes => "decompressed bytes of all PDF streams",
            Limit::StreamScanBytes => "compressed bytes read from PDF streams",
        })
    }
}

/// The longest image side accepted, in pixels, whatever the pixel limits:
/// JPEG cannot exceed it and decoders size row buffers by the width.
pub const MAX_IMAGE_SIDE: u32 = 65_535;

/// What a path names when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    Directory,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Other,
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a FIFO",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Other => "not a regular file",
        })
    }
}

/// Why a document or page could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The path is kept for the caller; the message leaves it out, since
    /// every caller names the file it was reading already.
    #[error("cannot read the file")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("it is {kind}; only regular files are read")]
    NotAFile { path: PathBuf, kind: FileKind },
    #[error("not a supported document type (expected PDF, PNG, JPEG, TIFF or WebP)")]
    UnsupportedType,
    #[error("the PDF is encrypted and needs a password")]
    PasswordRequired,
    #[error("the password does not open this PDF")]
    WrongPassword,
    #[error("the document is corrupt or truncated: {reason}")]
    Corrupt { reason: String },
    #[error("the document has no pages")]
    NoPages,
    /// `actual` is where counting stopped: at least the true value, and
    /// for decompressed streams just past `max`.
    #[error("{limit} limit exceeded: {actual} > {max}")]
    LimitExceeded { limit: Limit, actual: u64, max: u64 },
    #[error("cannot allocate {bytes} bytes for {what}")]
    OutOfMemory { bytes: u64, what: &'static str },
    #[error("the image decoder refused the file: {reason}")]
    DecoderLimit { reason: String },
    #[error("page {page} cannot be read: {reason}")]
    Page { page: usize, reason: String },
    #[error("cannot load the PDFium library from {path}: {reason}")]
    PdfiumLibrary { path: PathBuf, reason: String },
    #[error("PDFium is not initialised: call init_pdfium first")]
    PdfiumNotInitialised,
}

/// One page, ready for analysis.
#[derive(Debug, Clone)]
pub struct Page {
    /// 0-based index in the document.
    pub index: usize,
    /// The page in RGB; transparent parts of images are composited on white.
    pub image: RgbImage,
    /// The resolution `image` was rendered at (may be below the requested
    /// DPI when the page was too large). For images, their own resolution is
    /// unknown and [`DEFAULT_DPI`] is assumed.
    pub dpi: f32,
    /// The PDF text layer in page pixels; `None` for images.
    pub native_text: Option<NativeText>,
    /// Where a PDF page draws raster images (photos, scans, screenshots),
    /// in page pixels, clipped to the page; empty for image files. Text in
    /// them is in no text layer.
    pub pictures: Vec<BBox>,
    /// The time reading the text layer took (part of [`Source::page`]'s;
    /// zero for images), so that callers can tell it from rendering.
    pub text_layer_time: Duration,
}

/// A PDF page's own text, in page pixels (origin top-left).
#[derive(Debug, Clone, Default)]
pub struct NativeText {
    pub chars: Vec<TextChar>,
    pub words: Vec<Word>,
    pub lines: Vec<TextLine>,
    pub stats: TextLayerStats,
}

impl NativeText {
    /// The box around every line.
    pub fn bbox(&self) -> Option<BBox> {
        self.lines.iter().map(|l| l.bbox).reduce(|a, b| a.union(&b))
    }

    /// The way most of the page's text runs when that is not left to right:
    /// a page printed sideways (a landscape table on a portrait page) has
    /// [`SIDEWAYS_SHARE`] of its visible characters turned one way. `None`
    /// for upright pages, pages with a few turned labels and pages with
    /// too little text to tell.
    pub fn sideways(&self) -> Option<Direction> {
        let mut counts = [0usize; 4];
        let mut total = 0;
        for c in self.chars.iter().filter(|c| !c.ch.is_whitespace() && !c.invisible) {
            total += 1;
            counts[c.direction as usize] += 1;
        }
        let (best, n) = [Direction::Up, Direction::Down, Direction::Left]
            .into_iter()
            .map(|d| (d, counts[d as usize]))
            .max_by_key(|&(_, n)| n)?;
        (n >= MIN_SIDEWAYS_CHARS && n as f64 >= SIDEWAYS_SHARE * total as f64).then_some(best)
    }

    /// The same text on the page turned so that text running `direction`
    /// reads left to right: every box moved onto the turned page (`width`
    /// × `height` are the page's before turning), every character's
    /// direction turned with it.
    pub fn turned(&self, direction: Direction, width: f32, height: f32) -> NativeText {
        let bbox = |b: BBox| direction.turn_page(b, width, height);
        NativeText {
            chars: self
                .chars
                .iter()
                .map(|c| TextChar {
                    bbox: bbox(c.bbox),
                    direction: c.direction.seen_from(direction),
                    ..c.clone()
                })
                .collect(),
            words: self.words.iter().map(|w| Word { bbox: bbox(w.bbox), ..w.clone() }).collect(),
            lines: self
                .lines
                .iter()
                .map(|l| {
                    let b = bbox(l.bbox);
                    TextLine { quad: b.to_quad(), bbox: b, ..l.clone() }
                })
                .collect(),
            stats: self.stats,
        }
    }
}

/// Share of a page's visible characters that must run one way for the page
/// to count as printed sideways ([`NativeText::sideways`]).
pub const SIDEWAYS_SHARE: f64 = 0.6;
/// ... and how many at least.
const MIN_SIDEWAYS_CHARS: usize = 20;

/// Something lost or doubtful in an input that still opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceWarning {
    /// 1-based page number, when it concerns one page.
    pub page: Option<usize>,
    pub kind: WarningKind,
    pub message: String,
}

/// What a [`SourceWarning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// The image data ends early: the decoder filled the rest of the page.
    Truncated,
    /// An animation: only its first frame is read.
    FramesIgnored,
}

/// An opened document: a PDF or one or more raster images.
#[derive(Debug)]
pub struct Source {
    kind: Kind,
    inner: Inner,
    options: OpenOptions,
    warnings: Vec<SourceWarning>,
}

#[derive(Debug)]
enum Inner {
    Pdf(Box<pdf::PdfSource>),
    Raster(raster::RasterSource),
}

impl Source {
    /// Opens a regular file, reading at most [`Limits::max_file_bytes`] of
    /// it. FIFOs, devices, sockets and directories are refused before they
    /// are opened ([`SourceError::NotAFile`]).
    pub fn open_path(path: &Path, options: &OpenOptions) -> Result<Source, SourceError> {
        let bytes = file::read_regular(path, options.limits.max_file_bytes)?;
        Source::open_bytes(bytes, options)
    }

    /// Opens a document held in memory.
    pub fn open_bytes(bytes: Vec<u8>, options: &OpenOptions) -> Result<Source, SourceError> {
        let limits = &options.limits;
        check_limit(Limit::FileBytes, bytes.len() as u64, limits.max_file_bytes)?;
        if bytes.is_empty() {
            return Err(SourceError::Corrupt { reason: "the file is empty".into() });
        }
        let kind = Kind::sniff(&bytes).ok_or(SourceError::UnsupportedType)?;
        let (inner, warnings) = match kind {
            Kind::Pdf => {
                // PDFium cannot be told to stop inflating, so bombs are found first.
                prescan::check(&bytes, limits)?;
                (Inner::Pdf(Box::new(pdf::PdfSource::open(bytes, options)?)), Vec::new())
            }
            _ => {
                let (raster, warnings) = raster::RasterSource::open(bytes, kind, limits)?;
                (Inner::Raster(raster), warnings)
            }
        };
        let source = Source { kind, inner, options: options.clone(), warnings };
        let pages = source.page_count();
        if pages == 0 {
            return Err(SourceError::NoPages);
        }
        check_limit(Limit::Pages, pages as u64, limits.max_pages as u64)?;
        Ok(source)
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn page_count(&self) -> usize {
        match &self.inner {
            Inner::Pdf(p) => p.page_count(),
            Inner::Raster(r) => r.page_count(),
        }
    }

    /// What was lost or doubtful while opening: empty for a clean file.
    pub fn warnings(&self) -> &[SourceWarning] {
        &self.warnings
    }

    /// Renders or decodes page `index` (0-based) and extracts its text layer.
    pub fn page(&self, index: usize) -> Result<Page, SourceError> {
        match &self.inner {
            Inner::Pdf(p) => p.page(index, &self.options),
            Inner::Raster(r) => {
                let image = r.page(index, &self.options.limits)?;
                Ok(Page {
                    index,
                    image,
                    dpi: DEFAULT_DPI,
                    native_text: None,
                    pictures: Vec::new(),
                    text_layer_time: Duration::ZERO,
                })
            }
        }
    }
}

/// The part of `image` inside `bbox` (clamped to the image), at least 1×1.
pub fn crop(image: &RgbImage, bbox: &BBox) -> RgbImage {
    let (w, h) = (image.width(), image.height());
    let x0 = (bbox.x0.max(0.0).floor() as u32).min(w.saturating_sub(1));
    let y0 = (bbox.y0.max(0.0).floor() as u32).min(h.saturating_sub(1));
    let x1 = (bbox.x1.max(0.0).ceil() as u32).clamp(x0 + 1, w.max(x0 + 1));
    let y1 = (bbox.y1.max(0.0).ceil() as u32).clamp(y0 + 1, h.max(y0 + 1));
    image::imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image()
}

/// The part of `image` inside `bbox` in grey, scaled by `scale` (a
/// triangle filter; as cropped when `scale` is within 5 % of 1 or the
/// result would be under 8 pixels a side): a formula's crop at the size
/// its recogniser reads.
pub fn grey_crop(image: &RgbImage, bbox: &BBox, scale: f32) -> GrayImage {
    let crop = image::DynamicImage::ImageRgb8(crop(image, bbox)).to_luma8();
    let (w, h) = (crop.width() as f32 * scale, crop.height() as f32 * scale);
    if (scale - 1.0).abs() < 0.05 || w < 8.0 || h < 8.0 {
        return crop;
    }
    image::imageops::resize(&crop, w.round() as u32, h.round() as u32, image::imageops::Triangle)
}

/// `image` encoded as PNG.
pub fn png_bytes(image: &RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    // Encoding an in-memory RGB buffer to memory cannot fail.
    match image.write_to(&mut out, image::ImageFormat::Png) {
        Ok(()) => out.into_inner(),
        Err(e) => {
            tracing::error!(error = %e, "PNG encoding failed");
            Vec::new()
        }
    }
}

/// `image` scaled down (never up) to at most `max_side` pixels on its
/// longer side, encoded as PNG: a page preview for a viewer, small enough
/// to keep beside a result.
pub fn preview_png(image: &RgbImage, max_side: u32) -> Vec<u8> {
    let longest = image.width().max(image.height());
    if longest <= max_side || max_side == 0 {
        return png_bytes(image);
    }
    let scale = max_side as f64 / longest as f64;
    let w = ((image.width() as f64 * scale).round() as u32).max(1);
    let h = ((image.height() as f64 * scale).round() as u32).max(1);
    png_bytes(&image::imageops::resize(image, w, h, image::imageops::FilterType::Triangle))
}

fn check_limit(limit: Limit, actual: u64, max: u64) -> Result<(), SourceError> {
    if actual > max {
        Err(SourceError::LimitExceeded { limit, actual, max })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        let cases: &[(&[u8], Option<Kind>)] = &[
            (b"%PDF-1.7\n", Some(Kind::Pdf)),
            (b"junk junk %PDF-1.4\n", Some(Kind::Pdf)),
            (b"%PDF\n1 0 obj", Some(Kind::Pdf)),
            (b"\x89PNG\r\n\x1a\n....", Some(Kind::Png)),
            (&[0xFF, 0xD8, 0xFF, 0xE0], Some(Kind::Jpeg)),
            (b"II*\0", Some(Kind::Tiff)),
            (b"MM\0*", Some(Kind::Tiff)),
            (b"RIFF\0\0\0\0WEBPVP8 ", Some(Kind::Webp)),
            (b"<html><body>", None),
            (b"", None),
        ];
        for (bytes, expect) in cases {
            assert_eq!(Kind::sniff(bytes), *expect, "{bytes:?}");
        }
    }

    #[test]
    fn refuses_unknown_bytes_and_empty_files() {
        let o = OpenOptions::default();
        assert!(matches!(Source::open_bytes(b"hello world".to_vec(), &o), Err(SourceError::UnsupportedType)));
        assert!(matches!(Source::open_bytes(vec![], &o), Err(SourceError::Corrupt { .. })));
    }

    #[test]
    fn refuses_files_over_the_size_limit() {
        let mut o = OpenOptions::default();
        o.limits.max_file_bytes = 4;
        let err = Source::open_bytes(b"%PDF-1.7".to_vec(), &o).unwrap_err();
        assert!(matches!(err, SourceError::LimitExceeded { limit: Limit::FileBytes, .. }));
    }
}
