//! PDF input through PDFium: page rendering and the native text layer.

use std::path::Path;
use std::sync::OnceLock;

use image::RgbImage;
use pdfium_render::prelude::*;

use crate::text::{self, Affine, RawChar};
use crate::{NativeText, OpenOptions, Page, SourceError};
use parasol_doc::BBox;

static PDFIUM: OnceLock<Pdfium> = OnceLock::new();

/// Longest side of a rendered page, whatever its MediaBox claims.
const MAX_RENDER_SIDE: f32 = 20_000.0;

/// Binds the PDFium shared library at `path`. Call once per process; later
/// calls are no-ops.
pub fn init_pdfium(path: &Path) -> Result<(), SourceError> {
    if PDFIUM.get().is_some() {
        return Ok(());
    }
    let bindings = Pdfium::bind_to_library(path)
        .map_err(|e| SourceError::PdfiumLibrary { path: path.to_owned(), reason: format!("{e:?}") })?;
    // A racing initialiser may have won; `Pdfium::new` keeps the first bindings.
    let _ = PDFIUM.set(Pdfium::new(bindings));
    Ok(())
}

pub(crate) struct PdfSource {
    doc: PdfDocument<'static>,
    pages: usize,
}

impl std::fmt::Debug for PdfSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfSource").field("pages", &self.pages).finish()
    }
}

fn open_error(e: PdfiumError, has_password: bool) -> SourceError {
    match e {
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => {
            if has_password {
                SourceError::WrongPassword
            } else {
                SourceError::PasswordRequired
            }
        }
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::SecurityError) => {
            SourceError::Corrupt { reason: "unsupported security handler".into() }
        }
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::FormatError) => {
            SourceError::Corrupt { reason: "not a readable PDF structure".into() }
        }
        other => SourceError::Corrupt { reason: format!("{other:?}") },
    }
}

impl PdfSource {
    pub(crate) fn open(bytes: Vec<u8>, options: &OpenOptions) -> Result<PdfSource, SourceError> {
        let pdfium = PDFIUM.get().ok_or(SourceError::PdfiumNotInitialised)?;
        let password = options.password.as_deref();
        // AES-256 (R6) passwords are SASLprep-normalised before hashing, and
        // PDFium does not do it: retry with the prepared form when it differs.
        // Only such passwords (rare) cost a second parse.
        let prepared = password.map(saslprep).filter(|p| Some(p.as_str()) != password);
        let chosen = match prepared {
            Some(p) if pdfium.load_pdf_from_byte_slice(&bytes, password).is_err() => Some(p),
            _ => password.map(str::to_owned),
        };
        let doc = pdfium
            .load_pdf_from_byte_vec(bytes, chosen.as_deref())
            .map_err(|e| open_error(e, password.is_some()))?;
        let pages = usize::try_from(doc.pages().len()).unwrap_or(0);
        Ok(PdfSource { doc, pages })
    }

    pub(crate) fn page_count(&self) -> usize {
        self.pages
    }

    pub(crate) fn page(&self, index: usize, options: &OpenOptions) -> Result<Page, SourceError> {
        let number = index + 1;
        let err = |reason: String| SourceError::Page { page: number, reason };
        let page_index = PdfPageIndex::try_from(index).map_err(|_| err("no such page".into()))?;
        let page = self.doc.pages().get(page_index).map_err(|e| err(format!("{e:?}")))?;

        let (w_pt, h_pt) = (page.width().value, page.height().value);
        if !(w_pt.is_finite() && h_pt.is_finite() && w_pt > 0.0 && h_pt > 0.0) {
            return Err(err(format!("invalid page size {w_pt}×{h_pt} pt")));
        }
        let dpi = clamp_dpi(options.dpi, w_pt, h_pt, options.limits.max_page_pixels);
        let scale = dpi / 72.0;
        let width = ((w_pt * scale).round() as i32).max(1);
        let height = ((h_pt * scale).round() as i32).max(1);
        if dpi < options.dpi {
            tracing::warn!(page = number, dpi, "page too large; rendering at a lower resolution");
        }

        let config = PdfRenderConfig::new()
            .set_target_width(width)
            .set_target_height(height)
            .render_form_data(true)
            .render_annotations(true);
        let bitmap = page.render_with_config(&config).map_err(|e| err(format!("{e:?}")))?;
        let image: RgbImage = bitmap.as_image().map_err(|e| err(format!("{e:?}")))?.into_rgb8();

        let t0 = std::time::Instant::now();
        let native_text = match page_text(&page, scale) {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::warn!(page = number, error = ?e, "text layer unreadable");
                None
            }
        };
        let text_layer_time = t0.elapsed();
        let pictures = page_affine(&page, scale)
            .map(|affine| pictures(&page, &affine, width as f32, height as f32))
            .unwrap_or_default();
        Ok(Page { index, image, dpi, native_text, pictures, text_layer_time })
    }
}

/// RFC 4013 SASLprep's mapping step, as PDF 2.0 asks for AES-256 passwords:
/// non-ASCII spaces become spaces, "commonly mapped to nothing" characters
/// vanish, and the result is NFKC-normalised.
fn saslprep(password: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mapped: String = password
        .chars()
        .filter_map(|c| match c {
            '\u{00AD}'
            | '\u{034F}'
            | '\u{1806}'
            | '\u{180B}'..='\u{180D}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}' => None,
            '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => {
                Some(' ')
            }
            c => Some(c),
        })
        .collect();
    mapped.nfkc().collect()
}

/// The requested DPI, lowered so the page stays within the pixel and side limits.
fn clamp_dpi(dpi: f32, w_pt: f32, h_pt: f32, max_pixels: u64) -> f32 {
    let scale = dpi / 72.0;
    let pixels = (w_pt * scale) as f64 * (h_pt * scale) as f64;
    let mut s = scale;
    if pixels > max_pixels as f64 {
        s *= (max_pixels as f64 / pixels).sqrt() as f32;
    }
    let side = w_pt.max(h_pt) * s;
    if side > MAX_RENDER_SIDE {
        s *= MAX_RENDER_SIDE / side;
    }
    // The page is rendered at whole pixels, rounded: a page scaled to just
    // under the limit can round to just over it (found by `fuzz/source_pdf`).
    let rendered = |s: f32| ((w_pt * s).round().max(1.0) as f64) * ((h_pt * s).round().max(1.0) as f64);
    for _ in 0..64 {
        if pixels <= max_pixels as f64 || rendered(s) <= max_pixels as f64 {
            break;
        }
        s *= 0.999;
    }
    s * 72.0
}

fn page_text(page: &PdfPage<'_>, scale: f32) -> Result<NativeText, PdfiumError> {
    let affine = page_affine(page, scale)?;
    let text = page.text()?;
    let chars = text.chars();
    let mut raw = Vec::with_capacity(chars.len());
    for c in chars.iter() {
        let Some(ch) = c.unicode_char() else {
            raw.push(RawChar::garbled());
            continue;
        };
        let generated = c.is_generated().unwrap_or(false);
        let rect = c.loose_bounds().or_else(|_| c.tight_bounds()).ok();
        let invisible = matches!(c.render_mode(), Ok(PdfPageTextRenderMode::Invisible));
        raw.push(RawChar {
            ch,
            rect: rect.map(|r| [r.left().value, r.bottom().value, r.right().value, r.top().value]),
            font_size: c.scaled_font_size().value,
            generated,
            invisible,
            angle: c.angle_radians().unwrap_or(0.0),
        });
    }
    raw.extend(filled_in(page));
    Ok(text::build(&raw, &affine))
}

/// What a filled-in form shows but the text layer does not hold: the
/// values of its fields (text, combo and list boxes; a ticked box or radio
/// button as "☑") and the text of free-text annotations ("Fill & Sign"
/// typing), each as characters laid out across the field's box, after a
/// line break. PDFium draws them on the page image (form data and
/// annotations are rendered), so without this a filled form reads as its
/// empty labels.
fn filled_in(page: &PdfPage<'_>) -> Vec<RawChar> {
    let mut out = Vec::new();
    for annotation in page.annotations().iter() {
        if annotation.is_hidden() {
            continue;
        }
        let value = match annotation.as_form_field() {
            Some(PdfFormField::Text(f)) => f.value(),
            Some(PdfFormField::ComboBox(f)) => f.value(),
            Some(PdfFormField::ListBox(f)) => f.value(),
            Some(PdfFormField::Checkbox(f)) => f.is_checked().ok().filter(|&c| c).map(|_| "☑".to_string()),
            Some(PdfFormField::RadioButton(f)) => f.is_checked().ok().filter(|&c| c).map(|_| "☑".to_string()),
            Some(_) => None,
            None => annotation.as_free_text_annotation().and_then(|a| a.contents()),
        };
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else { continue };
        let Ok(rect) = annotation.bounds() else { continue };
        let box_ = [rect.left().value, rect.bottom().value, rect.right().value, rect.top().value];
        out.extend(text::laid_out(&value, box_));
    }
    out
}

/// Most raster images looked at on one page: a page tiled from thousands
/// of small images must not cost a pass over each.
const MAX_PICTURES: usize = 1000;

/// The boxes, in page pixels, of the raster images drawn on `page` (at the
/// top level, or inside a form XObject: then the form's box), clipped to
/// the page's `width` × `height`; boxes of no area are left out.
fn pictures(page: &PdfPage<'_>, affine: &Affine, width: f32, height: f32) -> Vec<BBox> {
    let mut out = Vec::new();
    for object in page.objects().iter().take(MAX_PICTURES) {
        let holds_image = match object.object_type() {
            PdfPageObjectType::Image => true,
            PdfPageObjectType::XObjectForm => object.as_x_object_form_object().is_some_and(|form| {
                form.iter().take(MAX_PICTURES).any(|o| o.object_type() == PdfPageObjectType::Image)
            }),
            _ => false,
        };
        let Some(rect) = holds_image.then(|| object.bounds().ok()).flatten().map(|q| q.to_rect()) else {
            continue;
        };
        let [x0, y0] = affine.apply(rect.left().value, rect.top().value);
        let [x1, y1] = affine.apply(rect.right().value, rect.bottom().value);
        let b = BBox::new(
            x0.min(x1).max(0.0),
            y0.min(y1).max(0.0),
            x0.max(x1).min(width),
            y0.max(y1).min(height),
        );
        if b.x1 > b.x0 && b.y1 > b.y0 {
            out.push(b);
        }
    }
    out
}

/// The map from PDF user space (points, origin bottom-left) to page pixels,
/// derived from PDFium's own page-to-device transform so page rotation and
/// crop boxes are honoured. Three far-apart points keep rounding below 0.05 %.
fn page_affine(page: &PdfPage<'_>, scale: f32) -> Result<Affine, PdfiumError> {
    // Map with a 16× finer device grid so integer rounding is negligible.
    let fine = PdfRenderConfig::new().scale_page_by_factor(scale * 16.0);
    let map = |x: f32, y: f32| -> Result<[f32; 2], PdfiumError> {
        let (px, py) = page.points_to_pixels(PdfPoints::new(x), PdfPoints::new(y), &fine)?;
        Ok([px as f32 / 16.0, py as f32 / 16.0])
    };
    let d = 100.0;
    let p0 = map(0.0, 0.0)?;
    let px = map(d, 0.0)?;
    let py = map(0.0, d)?;
    Ok(Affine {
        a: (px[0] - p0[0]) / d,
        b: (py[0] - p0[0]) / d,
        c: p0[0],
        d: (px[1] - p0[1]) / d,
        e: (py[1] - p0[1]) / d,
        f: p0[1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saslprep_maps_like_rfc_4013() {
        assert_eq!(saslprep("SªSL\u{AD}prep"), "SaSLprep");
        assert_eq!(saslprep("a\u{00A0}b"), "a b");
        assert_eq!(saslprep("hôtel"), "hôtel");
    }

    #[test]
    fn clamp_dpi_keeps_sane_pages_and_shrinks_absurd_ones() {
        assert_eq!(clamp_dpi(150.0, 612.0, 792.0, 100_000_000), 150.0);
        // A 200,000 pt square page would be ~1.7e11 pixels at 150 dpi.
        let dpi = clamp_dpi(150.0, 200_000.0, 200_000.0, 100_000_000);
        let side = 200_000.0 * dpi / 72.0;
        assert!(side <= MAX_RENDER_SIDE + 1.0 && side * side <= 1.0001e8, "{side}");
        // A sliver page keeps its long side within bounds.
        let dpi = clamp_dpi(150.0, 0.01, 400_000.0, 100_000_000);
        assert!(400_000.0 * dpi / 72.0 <= MAX_RENDER_SIDE + 1.0, "{dpi}");
        // Rounded to whole pixels, a shrunk page stays within the limit
        // (the page `fuzz/source_pdf` found: 2435 × 1723 against 4 Mpx).
        for (w, h, max) in
            [(2435.0 * 72.0 / 100.0, 1723.0 * 72.0 / 100.0, 4u64 << 20), (1000.3, 707.7, 1_000_003)]
        {
            let s = clamp_dpi(200.0, w, h, max) / 72.0;
            let pixels = (w * s).round() * (h * s).round();
            assert!(pixels as u64 <= max, "{pixels} > {max}");
        }
    }
}
