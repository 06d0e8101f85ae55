//! What every source target checks: opening any bytes gives a source or a
//! typed error, and every page that reads keeps the promises the pipeline
//! relies on.

use std::path::PathBuf;
use std::sync::Once;

use parasol_models::ModelFile;
use parasol_source::{Kind, Limits, OpenOptions, Page, Source, SourceError};

/// Binds PDFium from `PARASOL_MODELS` (or the project's `models/files`).
fn pdfium() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let dir = std::env::var_os("PARASOL_MODELS").map_or_else(
            || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../models/files")),
            PathBuf::from,
        );
        let lib = ModelFile::Pdfium.in_dir(&dir);
        assert!(lib.is_file(), "{} is missing: run `python3 scripts/fetch_models.py`", lib.display());
        parasol_source::init_pdfium(&lib).expect("PDFium binds");
    });
}

/// Smaller limits than the defaults keep each run fast and inside
/// libFuzzer's memory limit; the code paths are the same.
pub fn options() -> OpenOptions {
    let limits = Limits {
        max_file_bytes: 4 << 20,
        max_pages: 8,
        max_page_pixels: 4 << 20,
        max_document_pixels: 16 << 20,
        max_stream_bytes: 16 << 20,
        max_total_stream_bytes: 64 << 20,
    };
    OpenOptions { dpi: 72.0, password: None, limits }
}

pub fn check(data: &[u8]) {
    pdfium();
    let options = options();
    let kind = Kind::sniff(data);
    let source = match Source::open_bytes(data.to_vec(), &options) {
        Ok(source) => source,
        Err(e) => return check_error(&e, data, kind),
    };
    assert_eq!(Some(source.kind()), kind, "opened as what it sniffs as");
    let count = source.page_count();
    assert!((1..=options.limits.max_pages).contains(&count), "{count} pages");
    for index in 0..count {
        match source.page(index) {
            Ok(page) => check_page(&page, index, source.kind(), &options),
            Err(e) => check_error(&e, data, Some(source.kind())),
        }
    }
}

fn check_error(e: &SourceError, data: &[u8], kind: Option<Kind>) {
    assert!(!e.to_string().is_empty());
    if kind.is_none() && !data.is_empty() && data.len() as u64 <= options().limits.max_file_bytes {
        assert!(
            matches!(e, SourceError::UnsupportedType),
            "unsniffable bytes give UnsupportedType, not {e:?}"
        );
    }
    if let SourceError::LimitExceeded { actual, max, .. } = e {
        assert!(actual > max, "{e}");
    }
}

fn check_page(page: &Page, index: usize, kind: Kind, options: &OpenOptions) {
    let (w, h) = page.image.dimensions();
    assert_eq!(page.index, index);
    assert!(w > 0 && h > 0, "an empty page image");
    assert!(u64::from(w) * u64::from(h) <= options.limits.max_page_pixels, "{w}x{h} over the pixel limit");
    assert!(page.dpi.is_finite() && page.dpi > 0.0, "dpi {}", page.dpi);
    if kind == Kind::Pdf {
        assert!(page.dpi <= options.dpi + 1e-3, "rendered above the requested dpi");
    }
    let Some(text) = &page.native_text else { return };
    assert!(kind == Kind::Pdf, "only PDFs have a text layer");
    for c in &text.chars {
        assert!(finite(&c.bbox), "char box {:?}", c.bbox);
    }
    for word in &text.words {
        assert!(finite(&word.bbox), "word box {:?}", word.bbox);
        assert!(!word.text.is_empty() && !word.text.contains(' '), "word {:?}", word.text);
    }
    for line in &text.lines {
        assert!(finite(&line.bbox), "line box {:?}", line.bbox);
        // The hygiene promise: text-layer text never carries control characters.
        assert!(
            !line.text.chars().any(|c| c.is_control() && c != '\t' && c != '\n'),
            "control character in {:?}",
            line.text
        );
    }
}

fn finite(b: &parasol_doc::BBox) -> bool {
    [b.x0, b.y0, b.x1, b.y1].iter().all(|v| v.is_finite()) && b.x0 <= b.x1 && b.y0 <= b.y1
}
