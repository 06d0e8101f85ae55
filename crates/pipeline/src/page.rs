//! One page through the models: orientation, text source, layout, tables
//! and figure crops, ready for assembly.

use parasol_assemble::PageText;
use parasol_doc::{BBox, Category, Image, PageInfo, Region, TextLine, TextOrigin};
use parasol_source::{Page, RgbImage};
use parasol_vision::orientation::Rotation;

use crate::{Diagnostic, Engine, LayoutModel, OcrMode, Options, PipelineError};

/// Pixels of context kept around a table when cropping it for the structure model.
const TABLE_MARGIN: f32 = 8.0;

pub(crate) fn empty(number: usize, dpi: f32) -> PageText {
    PageText::new(PageInfo { number, width: 0.0, height: 0.0, dpi }, Vec::new())
}

fn diag(out: &mut Vec<Diagnostic>, page: usize, message: String) {
    tracing::warn!(page, "{message}");
    out.push(Diagnostic { page: Some(page), message });
}

fn offset(b: &BBox, dx: f32, dy: f32) -> BBox {
    BBox { x0: b.x0 + dx, y0: b.y0 + dy, x1: b.x1 + dx, y1: b.y1 + dy }
}

fn offset_line(mut l: TextLine, dx: f32, dy: f32) -> TextLine {
    l.bbox = offset(&l.bbox, dx, dy);
    for p in &mut l.quad {
        p[0] += dx;
        p[1] += dy;
    }
    l
}

fn is_text_region(c: Category) -> bool {
    !matches!(c, Category::Table | Category::Figure | Category::Chart)
}

impl Engine {
    pub(crate) fn read_page(
        &self,
        page: Page,
        options: &Options,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<(PageText, Option<TextOrigin>), PipelineError> {
        let number = page.index + 1;
        let trusted =
            page.native_text.as_ref().filter(|t| t.stats.is_trustworthy() && options.ocr == OcrMode::Auto);
        if let (None, Some(t)) = (trusted, &page.native_text) {
            if t.stats.chars > 0 && options.ocr == OcrMode::Auto {
                diag(
                    diagnostics,
                    number,
                    format!(
                        "text layer not trusted ({} chars, {} invisible, {} garbled); using OCR",
                        t.stats.chars, t.stats.invisible, t.stats.garbled
                    ),
                );
            }
        }

        // Born-digital pages render upright; scans may not be. OCR first:
        // the text's own geometry says how the page is turned, and layout
        // then runs on the upright image.
        let mut image = page.image;
        let ocr_lines = if trusted.is_none() {
            let read = if options.orientation {
                self.ocr()?.recognize_upright(&image)
            } else {
                self.ocr()?.recognize(&image).map(|lines| (lines, Rotation::Deg0))
            };
            match read {
                Ok((lines, rotation)) => {
                    if rotation != Rotation::Deg0 {
                        let msg = format!("page turned upright ({}° clockwise found)", rotation.degrees());
                        diag(diagnostics, number, msg);
                        image = rotation.upright(&image);
                    }
                    lines
                }
                Err(e) => {
                    diag(diagnostics, number, format!("OCR failed: {e}"));
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        let info =
            PageInfo { number, width: image.width() as f32, height: image.height() as f32, dpi: page.dpi };

        let layout = if options.page_is_table { None } else { self.layout(options.layout)? };
        let regions: Vec<Region> = if options.page_is_table {
            vec![Region {
                bbox: BBox::new(0.0, 0.0, info.width, info.height),
                category: Category::Table,
                score: 1.0,
            }]
        } else {
            match layout {
                Some(detector) => match detector.detect(&image) {
                    Ok(boxes) => boxes
                        .into_iter()
                        .map(|b| Region { bbox: b.bbox, category: b.class.category(), score: b.score })
                        .collect(),
                    Err(e) => {
                        diag(diagnostics, number, format!("layout detection failed: {e}"));
                        Vec::new()
                    }
                },
                None => Vec::new(),
            }
        };

        let (lines, words, origin) = match trusted {
            Some(native) => {
                let words = native
                    .words
                    .iter()
                    .map(|w| TextLine::from_bbox(w.bbox, w.text.clone(), TextOrigin::TextLayer))
                    .collect();
                let mut lines = native.lines.clone();
                lines.extend(self.ocr_empty_regions(&image, &regions, &lines, number, diagnostics)?);
                (lines, words, Some(TextOrigin::TextLayer))
            }
            None => {
                let origin = (!ocr_lines.is_empty()).then_some(TextOrigin::Ocr);
                (ocr_lines, Vec::new(), origin)
            }
        };

        let mut tables = Vec::new();
        let mut images = Vec::new();
        for (i, r) in regions.iter().enumerate() {
            match r.category {
                Category::Table
                    if options.tables && (options.layout != LayoutModel::None || options.page_is_table) =>
                {
                    let area = BBox::new(
                        (r.bbox.x0 - TABLE_MARGIN).max(0.0),
                        (r.bbox.y0 - TABLE_MARGIN).max(0.0),
                        (r.bbox.x1 + TABLE_MARGIN).min(info.width),
                        (r.bbox.y1 + TABLE_MARGIN).min(info.height),
                    );
                    let crop = parasol_source::crop(&image, &area);
                    match self.table()?.recognize(&crop) {
                        Ok(mut t) if !t.cells.is_empty() => {
                            for c in &mut t.cells {
                                c.bbox = c.bbox.map(|b| offset(&b, area.x0.floor(), area.y0.floor()));
                            }
                            tables.push((i, t));
                        }
                        Ok(_) => {}
                        Err(e) => diag(diagnostics, number, format!("table structure failed: {e}")),
                    }
                }
                Category::Figure | Category::Chart if options.figure_images => {
                    let png = parasol_source::png_bytes(&parasol_source::crop(&image, &r.bbox));
                    images.push((i, Image { png: Some(png), file: None, alt: String::new() }));
                }
                _ => {}
            }
        }
        Ok((PageText { info, lines, words, regions, tables, images }, origin))
    }

    /// OCR for text regions the text layer leaves empty (text drawn as
    /// images or vector outlines inside an otherwise born-digital page).
    fn ocr_empty_regions(
        &self,
        image: &RgbImage,
        regions: &[Region],
        lines: &[TextLine],
        number: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Vec<TextLine>, PipelineError> {
        let mut out = Vec::new();
        for r in regions.iter().filter(|r| is_text_region(r.category)) {
            let covered = lines
                .iter()
                .any(|l| l.bbox.intersection(&r.bbox).is_some_and(|x| x.area() > 0.5 * l.bbox.area()));
            if covered || r.bbox.width() < 8.0 || r.bbox.height() < 8.0 {
                continue;
            }
            let crop = parasol_source::crop(image, &r.bbox);
            match self.ocr()?.recognize(&crop) {
                Ok(found) => out
                    .extend(found.into_iter().map(|l| offset_line(l, r.bbox.x0.floor(), r.bbox.y0.floor()))),
                Err(e) => diag(diagnostics, number, format!("OCR of a region failed: {e}")),
            }
        }
        Ok(out)
    }
}
