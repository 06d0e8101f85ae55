//! One page through the models: orientation, text source, layout, tables
//! and figure crops, ready for assembly.

use std::time::Instant;

use parasol_assemble::PageText;
use parasol_doc::script::{is_hangul, is_rare_hangul};
use parasol_doc::{BBox, Category, Image, PageInfo, Region, Table, TextLine, TextOrigin};
use parasol_source::{NativeText, Page, RgbImage};
use parasol_vision::orientation::Rotation;
use parasol_vision::skew::skew_of;
use parasol_vision::HangulRoute;

use crate::{
    check_cancel, Diagnostic, DiagnosticKind, Engine, Lang, OcrMode, OcrModel, Options, PipelineError, Stages,
};

/// A text layer is Korean when at least this share of its letters are
/// Hangul (Korean documents carry Latin words, numbers and Han) ...
const KOREAN_LAYER_SHARE: f64 = 0.3;
/// ... and not Korean when fewer than this share are, given at least
/// [`LAYER_MIN_LETTERS`] letters; between the two, or with fewer letters,
/// the layer says nothing and the lines' first reading decides.
const NOT_KOREAN_LAYER_SHARE: f64 = 0.02;
const LAYER_MIN_LETTERS: usize = 20;

/// Whether a page's text layer says it is Korean: `Some(true)` or
/// `Some(false)` when its letters say so, `None` when it has too few.
/// Words holding a rare Hangul syllable are not counted: a layer whose
/// font sends Latin letters to Hangul code points (issue 16) writes them
/// (with some common syllables among them), and they say nothing about
/// the page's language.
fn layer_is_korean(native: Option<&NativeText>) -> Option<bool> {
    let words = native?.words.iter().filter(|w| !w.text.chars().any(is_rare_hangul));
    let letters = words.flat_map(|w| w.text.chars()).filter(|c| c.is_alphabetic());
    let (n, hangul) = letters.fold((0, 0), |(n, h), c| (n + 1, h + usize::from(is_hangul(c))));
    let share = hangul as f64 / n.max(1) as f64;
    if n >= LAYER_MIN_LETTERS && share < NOT_KOREAN_LAYER_SHARE {
        Some(false)
    } else if n > 0 && share >= KOREAN_LAYER_SHARE {
        Some(true)
    } else {
        None
    }
}

/// Pixels of context kept around a table when cropping it for the structure model.
const TABLE_MARGIN: f32 = 8.0;

/// Empty text regions narrower or shorter than this many pixels are not OCRed.
const MIN_OCR_REGION: f32 = 8.0;

pub(crate) fn empty(number: usize, dpi: f32) -> PageText {
    PageText::new(PageInfo { number, width: 0.0, height: 0.0, dpi }, Vec::new())
}

fn diag(out: &mut Vec<Diagnostic>, page: usize, kind: DiagnosticKind, message: String) {
    tracing::warn!(page, ?kind, "{message}");
    out.push(Diagnostic { page: Some(page), kind, message });
}

/// The darkest luminance (0–255) a pixel may have on a page with no ink:
/// text of any colour printed on white is darker, and anti-aliased grey
/// this light is invisible on paper anyway.
const BLANK_MIN_LUMA: u32 = 200;

/// Whether `image` has no ink at all: every pixel at least
/// [`BLANK_MIN_LUMA`] bright. Deliberately strict: one dark speck makes a
/// page worth reading.
fn is_blank(image: &RgbImage) -> bool {
    image.pixels().all(|p| {
        let [r, g, b] = p.0;
        // ITU-R BT.601 luma in integers.
        (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000 >= BLANK_MIN_LUMA
    })
}

/// `bbox` grown by `margin` pixels on every side, within `image`.
fn with_margin(bbox: &BBox, margin: f32, image: &RgbImage) -> BBox {
    BBox::new(
        (bbox.x0 - margin).max(0.0),
        (bbox.y0 - margin).max(0.0),
        (bbox.x1 + margin).min(image.width() as f32),
        (bbox.y1 + margin).min(image.height() as f32),
    )
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

/// Pixels of page around an equation region given to the recogniser: the
/// layout model's boxes are tight, and a cut stroke misreads.
const FORMULA_MARGIN: f32 = 4.0;

/// The font size, in pixels, at which the formula recogniser reads best:
/// pix2tex was trained on 10-point formulas at 110–170 dpi (an x-height of
/// 7–12 pixels reads right, `parasol_formula`'s measurements), about a
/// 20-pixel em. A text layer's font size is the em; an OCR box is taller
/// than the em by about a fifth.
const FORMULA_EM: f32 = 20.0;
const OCR_BOX_PER_EM: f32 = 1.2;

/// How much to scale a page's equations for the recogniser: the page's
/// median font size brought to [`FORMULA_EM`] (1 when the page has no text
/// to tell), within 1/4–2.
fn formula_scale(lines: &[TextLine]) -> f32 {
    let mut sizes: Vec<f32> = lines
        .iter()
        .filter(|l| l.font_size > 0.0)
        .map(|l| if l.origin == TextOrigin::Ocr { l.font_size / OCR_BOX_PER_EM } else { l.font_size })
        .collect();
    if sizes.is_empty() {
        return 1.0;
    }
    sizes.sort_by(f32::total_cmp);
    (FORMULA_EM / sizes[sizes.len() / 2]).clamp(0.25, 2.0)
}

/// Most lines of a heading or paragraph region read as a display equation
/// by [`relabel_formulas`].
const FORMULA_MAX_LINES: usize = 3;

/// The text lines mostly inside `bbox`.
pub(crate) fn lines_inside<'a>(lines: &'a [TextLine], bbox: &BBox) -> Vec<&'a TextLine> {
    lines
        .iter()
        .filter(|l| l.bbox.intersection(bbox).is_some_and(|x| x.area() > 0.5 * l.bbox.area()))
        .collect()
}

/// Heading and paragraph regions of a text layer whose words are a formula
/// and nothing else ([`parasol_assemble::reads_as_math`]) become equations:
/// a layout model may take a display equation set apart in a larger font
/// for a heading (PicoDet reads "a² + 8 = 12" as one). Only on a text
/// layer, whose symbols are exact; an OCR'd receipt's "2 x 3.50 = 7.00"
/// stays text.
fn relabel_formulas(text: &mut PageText) {
    for region in &mut text.regions {
        if !matches!(region.category, Category::Heading1 | Category::Paragraph) {
            continue;
        }
        let inside = lines_inside(&text.lines, &region.bbox);
        if (1..=FORMULA_MAX_LINES).contains(&inside.len())
            && inside.iter().all(|l| l.origin == TextOrigin::TextLayer)
            && parasol_assemble::reads_as_math(inside.iter().map(|l| l.text.as_str()))
        {
            region.category = Category::Equation;
        }
    }
}

pub(crate) fn is_text_region(c: Category) -> bool {
    !matches!(c, Category::Table | Category::Figure | Category::Chart)
}

/// A born-digital page printed sideways (a landscape table on a portrait
/// page) turned upright, its image and its trusted text layer together, so
/// that layout, tables and reading order see rows that run left to right,
/// as on a scan turned upright. The text layer says which way its text
/// runs ([`parasol_source::NativeText::sideways`]); no model is asked.
fn turn_sideways(page: &mut Page, diagnostics: &mut Vec<Diagnostic>) {
    use parasol_source::Direction;
    let Some(native) = page.native_text.as_mut().filter(|t| t.stats.is_trustworthy()) else { return };
    let Some(direction) = native.sideways() else { return };
    let rotation = match direction {
        Direction::Down => Rotation::Deg90,
        Direction::Up => Rotation::Deg270,
        Direction::Left => Rotation::Deg180,
        Direction::Right => return,
    };
    let (w, h) = (page.image.width() as f32, page.image.height() as f32);
    *native = native.turned(direction, w, h);
    page.pictures = page.pictures.iter().map(|&b| direction.turn_page(b, w, h)).collect();
    page.image = rotation.upright(&page.image);
    let msg = format!("page turned upright ({}° clockwise found in its text layer)", rotation.degrees());
    diag(diagnostics, page.index + 1, DiagnosticKind::PageTurned, msg);
}

/// What [`Engine::visuals`] finds on a page image.
struct Visuals {
    regions: Vec<Region>,
    layout_problems: Vec<String>,
    tables: Vec<(usize, Table)>,
    images: Vec<(usize, Image)>,
    table_problems: Vec<String>,
    /// Layout, tables and figures.
    stages: Stages,
}

impl Engine {
    pub(crate) fn read_page(
        &self,
        page: Page,
        options: &Options,
        diagnostics: &mut Vec<Diagnostic>,
        stages: &mut Stages,
    ) -> Result<(PageText, Option<TextOrigin>, RgbImage), PipelineError> {
        check_cancel(options)?;
        let number = page.index + 1;
        if page.native_text.as_ref().is_none_or(|t| t.stats.chars == 0) && is_blank(&page.image) {
            // Nothing to read: no model runs (a blank page cost a whole
            // detection pass, about a second, to find nothing).
            tracing::debug!(page = number, "blank page");
            stages.blank_pages += 1;
            let (w, h) = (page.image.width() as f32, page.image.height() as f32);
            let info = PageInfo { number, width: w, height: h, dpi: page.dpi };
            return Ok((PageText::new(info, Vec::new()), None, page.image));
        }
        let mut page = page;
        if options.orientation && options.ocr == OcrMode::Auto {
            turn_sideways(&mut page, diagnostics);
        }
        let trusted =
            page.native_text.as_ref().filter(|t| t.stats.is_trustworthy() && options.ocr == OcrMode::Auto);
        if let (None, Some(t)) = (trusted, &page.native_text) {
            if t.stats.chars > 0 && options.ocr == OcrMode::Auto {
                diag(
                    diagnostics,
                    number,
                    DiagnosticKind::TextLayerUntrusted,
                    format!(
                        "text layer not trusted ({} chars, {} invisible, {} garbled, {} implausible); using OCR",
                        t.stats.chars, t.stats.invisible, t.stats.garbled, t.stats.implausible
                    ),
                );
            }
        }

        // Born-digital pages render upright; scans may not be. The text's
        // own geometry says how a scan is turned, and layout must see the
        // upright page; but most scans are upright, so layout, tables and
        // figures run on the page as it is while OCR reads it (they do not
        // depend on each other), and run again on the turned page only when
        // OCR finds it turned. The two overlap on the cores: recognition's
        // last batches and detection leave some of them idle.
        let mut image = page.image;
        let (ocr_lines, visuals) = if trusted.is_none() {
            let (read, speculative) = std::thread::scope(|s| {
                let visuals = s.spawn(|| self.visuals(&image, options));
                let t0 = Instant::now();
                let route = self.hangul_route(options, page.native_text.as_ref());
                let read = route.and_then(|route| {
                    self.ocr(options.ocr_model).map(|ocr| {
                        if options.orientation {
                            ocr.recognize_upright_with(&image, route)
                        } else {
                            ocr.recognize_with(&image, route).map(|lines| (lines, Rotation::Deg0))
                        }
                    })
                });
                tracing::debug!(page = number, ocr_ms = t0.elapsed().as_millis() as u64, "page ocr");
                if read.as_ref().is_ok_and(Result::is_ok) {
                    stages.ocr.add(t0.elapsed());
                }
                let visuals = visuals.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (read, visuals)
            });
            match read? {
                Ok((lines, rotation)) => {
                    let skew = if options.orientation { skew_of(&lines) } else { None };
                    if rotation == Rotation::Deg0 && skew.is_none() {
                        (lines, speculative?)
                    } else {
                        // The page the speculative pass saw is not the one
                        // read: it ran and took its time, and runs again.
                        if let Ok(v) = &speculative {
                            stages.merge(&v.stages);
                        }
                        check_cancel(options)?;
                        if rotation != Rotation::Deg0 {
                            let msg =
                                format!("page turned upright ({}° clockwise found)", rotation.degrees());
                            diag(diagnostics, number, DiagnosticKind::PageTurned, msg);
                            image = rotation.upright(&image);
                        }
                        let lines = match skew {
                            Some(angle) => self.straighten(&mut image, lines, angle, number, diagnostics),
                            None => lines,
                        };
                        (lines, self.visuals(&image, options)?)
                    }
                }
                Err(e) => {
                    diag(diagnostics, number, DiagnosticKind::OcrFailed, format!("OCR failed: {e}"));
                    (Vec::new(), speculative?)
                }
            }
        } else {
            (Vec::new(), self.visuals(&image, options)?)
        };
        let info =
            PageInfo { number, width: image.width() as f32, height: image.height() as f32, dpi: page.dpi };
        let Visuals {
            mut regions,
            layout_problems,
            tables,
            mut images,
            table_problems,
            stages: visual_stages,
        } = visuals;
        stages.merge(&visual_stages);
        for message in layout_problems {
            diag(diagnostics, number, DiagnosticKind::LayoutFailed, message);
        }

        let (lines, words, origin) = match trusted {
            Some(native) => {
                let words = native
                    .words
                    .iter()
                    .map(|w| TextLine::from_bbox(w.bbox, w.text.clone(), TextOrigin::TextLayer))
                    .collect();
                let mut lines = native.lines.clone();
                check_cancel(options)?;
                let route = self.hangul_route(options, Some(native))?;
                // Text regions the layer leaves empty, and every picture
                // it leaves empty, are read by OCR; a picture the layout
                // model missed becomes a figure region.
                let pictures = crate::pictures::empty(&page.pictures, &lines, &info);
                let mut areas: Vec<BBox> =
                    regions.iter().filter(|r| is_text_region(r.category)).map(|r| r.bbox).collect();
                for &bbox in &pictures {
                    if crate::pictures::is_missed(&bbox, &regions) {
                        if options.figure_images() {
                            let png = parasol_source::png_bytes(&parasol_source::crop(&image, &bbox));
                            images.push((
                                regions.len(),
                                Image { png: Some(png), file: None, alt: String::new() },
                            ));
                        }
                        regions.push(Region {
                            bbox,
                            category: Category::Figure,
                            score: crate::pictures::SCORE,
                        });
                    }
                    if !areas.iter().any(|a| bbox.share_in(a) > 0.5) {
                        areas.push(bbox);
                    }
                }
                lines.extend(self.ocr_empty_regions(
                    &image,
                    &areas,
                    &lines,
                    (options.ocr_model, route),
                    (number, diagnostics),
                    stages,
                )?);
                (lines, words, Some(TextOrigin::TextLayer))
            }
            None => {
                let origin = (!ocr_lines.is_empty()).then_some(TextOrigin::Ocr);
                (ocr_lines, Vec::new(), origin)
            }
        };
        // A bullet drawn as a shape is in no text layer and too small for
        // OCR: the image shows it, and the line it stands before is a list
        // item. Not in a figure or chart, where a legend's swatch stands
        // before its label, nor in a table.
        let mut lines = lines;
        for i in parasol_vision::bullets::drawn_bullets(&image, &lines) {
            let in_visual =
                regions.iter().any(|r| !is_text_region(r.category) && lines[i].bbox.share_in(&r.bbox) > 0.5);
            if !in_visual {
                lines[i].text.insert_str(0, "• ");
            }
        }
        // A table's rules: evidence for the grids of words found below.
        let t0 = Instant::now();
        let rules = if options.tables { parasol_vision::rules::horizontal_rules(&image) } else { Vec::new() };
        stages.tables.add(t0.elapsed());
        let mut text = PageText { info, lines, words, regions, tables, images, formulas: Vec::new(), rules };
        crate::figures::text_figures(&image, &mut text);
        let mut table_problems = table_problems;
        check_cancel(options)?;
        self.grid_tables(&image, &mut text, options, &mut table_problems, stages)?;
        for message in table_problems {
            diag(diagnostics, number, DiagnosticKind::TableFailed, message);
        }
        self.read_formulas(&image, &mut text, options, (number, diagnostics), stages)?;
        // The image the elements' boxes refer to (turned upright if it was).
        Ok((text, origin, image))
    }

    /// Turns a tilted scan straight ([`parasol_vision::skew`]) and moves its
    /// lines, already read, with it: layout, tables and assembly then see
    /// level rows (a receipt's prices beside their items).
    fn straighten(
        &self,
        image: &mut RgbImage,
        lines: Vec<TextLine>,
        angle: f32,
        number: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<TextLine> {
        use parasol_vision::skew::{straighten, straighten_line};
        let msg = format!("page straightened ({:.1}° tilt found)", angle.to_degrees());
        diag(diagnostics, number, DiagnosticKind::PageTurned, msg);
        *image = straighten(image, angle);
        let (w, h) = (image.width() as f32, image.height() as f32);
        lines.iter().map(|l| straighten_line(l, angle, w, h)).collect()
    }

    /// Which lines of a page the Korean recogniser reads, by
    /// [`Options::lang`]: `ko` every line (and an error when it cannot
    /// run), other languages none; `auto` every line of a page whose text
    /// layer is Korean, none where the layer is in another script, else
    /// the lines PP-OCRv6 seems to misread (none without libtesseract).
    fn hangul_route(
        &self,
        options: &Options,
        native: Option<&NativeText>,
    ) -> Result<HangulRoute<'_>, PipelineError> {
        Ok(match options.lang {
            Lang::Ko => HangulRoute::Every(self.hangul()?),
            Lang::En | Lang::Ja | Lang::Zh => HangulRoute::Off,
            Lang::Auto => {
                let korean = layer_is_korean(native);
                match (korean, self.hangul()) {
                    (Some(false), _) => HangulRoute::Off,
                    (Some(true), Ok(reader)) => HangulRoute::Every(reader),
                    (None, Ok(reader)) => HangulRoute::Doubtful(reader),
                    (_, Err(e)) => {
                        tracing::debug!("korean recognition unavailable: {e}");
                        HangulRoute::Off
                    }
                }
            }
        })
    }

    /// Everything that needs only the page image: layout regions, the
    /// structure of table regions and the crops of figures. Problems are
    /// returned rather than logged, so that a speculative run that is
    /// thrown away leaves no trace.
    fn visuals(&self, image: &RgbImage, options: &Options) -> Result<Visuals, PipelineError> {
        let (width, height) = (image.width() as f32, image.height() as f32);
        let t0 = Instant::now();
        let mut stages = Stages::default();
        let mut layout_problems = Vec::new();
        let layout = if options.page_is_table { None } else { self.layout(options.layout)? };
        let mut regions: Vec<Region> = if options.page_is_table {
            vec![Region { bbox: BBox::new(0.0, 0.0, width, height), category: Category::Table, score: 1.0 }]
        } else {
            match layout {
                Some(detector) => match detector.detect(image).inspect(|_| stages.layout.add(t0.elapsed())) {
                    Ok(boxes) => boxes
                        .into_iter()
                        .map(|b| Region { bbox: b.bbox, category: b.class.category(), score: b.score })
                        .collect(),
                    Err(e) => {
                        layout_problems.push(format!("layout detection failed: {e}"));
                        Vec::new()
                    }
                },
                None => Vec::new(),
            }
        };

        let t1 = Instant::now();
        if options.tables && layout.is_some() {
            // A detected table's edges off the text they cut, its header
            // taken in, and two framed tables in one region split.
            let t = Instant::now();
            let mut split = Vec::new();
            for r in regions.iter_mut().filter(|r| r.category == Category::Table) {
                r.bbox = parasol_vision::table::clear_of_text(image, &r.bbox);
                r.bbox = parasol_vision::table::with_header_above(image, &r.bbox);
                let frames = parasol_vision::table::stacked_frames(image, &r.bbox);
                if let Some((first, rest)) = frames.split_first() {
                    r.bbox = *first;
                    split.extend(rest.iter().map(|&bbox| Region { bbox, ..*r }));
                }
            }
            regions.extend(split);
            stages.tables.add(t.elapsed());
        }
        let mut tables = Vec::new();
        let mut images = Vec::new();
        let mut table_problems = Vec::new();
        for (i, r) in regions.iter_mut().enumerate() {
            check_cancel(options)?;
            match r.category {
                Category::Table if options.tables && (layout.is_some() || options.page_is_table) => {
                    let t = Instant::now();
                    let found = self.table_structure(image, &r.bbox)?;
                    stages.tables.add(t.elapsed());
                    match found {
                        Ok(Some(t)) => tables.push((i, t)),
                        Ok(None) => {}
                        Err(problem) => table_problems.push(problem),
                    }
                }
                Category::Figure | Category::Chart if options.figure_images() => {
                    let t = Instant::now();
                    let png = parasol_source::png_bytes(&parasol_source::crop(image, &r.bbox));
                    stages.figures.add(t.elapsed());
                    images.push((i, Image { png: Some(png), file: None, alt: String::new() }));
                }
                _ => {}
            }
        }
        tracing::debug!(
            regions = regions.len(),
            tables = tables.len(),
            figures = images.len(),
            layout_ms = (t1 - t0).as_millis() as u64,
            tables_figures_ms = t1.elapsed().as_millis() as u64,
            "layout, tables and figures"
        );
        Ok(Visuals { regions, layout_problems, tables, images, table_problems, stages })
    }

    /// The structure of the table in `bbox` (with [`TABLE_MARGIN`] pixels of
    /// context), cell boxes in page pixels; `Ok(None)` when the model finds
    /// no cell, the inner `Err` a problem to report.
    fn table_structure(
        &self,
        image: &RgbImage,
        bbox: &BBox,
    ) -> Result<Result<Option<Table>, String>, PipelineError> {
        let area = with_margin(bbox, TABLE_MARGIN, image);
        let crop = parasol_source::crop(image, &area);
        Ok(match self.table()?.recognize(&crop) {
            Ok(mut t) if !t.cells.is_empty() => {
                for c in &mut t.cells {
                    c.bbox = c.bbox.map(|b| offset(&b, area.x0.floor(), area.y0.floor()));
                }
                Ok(Some(t))
            }
            Ok(_) => Ok(None),
            Err(e) => Err(format!("table structure failed: {e}")),
        })
    }

    /// Tables the layout model did not mark: areas whose words form a grid
    /// ([`parasol_assemble::grid_areas`]) get a table region and their
    /// structure. Assembly keeps them only where the structure agrees with
    /// the words, as it does every table.
    fn grid_tables(
        &self,
        image: &RgbImage,
        text: &mut PageText,
        options: &Options,
        problems: &mut Vec<String>,
        stages: &mut Stages,
    ) -> Result<(), PipelineError> {
        if !options.tables || options.page_is_table || self.layout(options.layout)?.is_none() {
            return Ok(());
        }
        for area in parasol_assemble::grid_areas(text) {
            check_cancel(options)?;
            let t0 = Instant::now();
            let found = self.table_structure(image, &area)?;
            stages.tables.add(t0.elapsed());
            match found {
                Ok(Some(t)) => {
                    tracing::debug!(?area, rows = t.rows, cols = t.cols, "table from a grid of words");
                    text.tables.push((text.regions.len(), t));
                    // Not a detection: the score says the words, not a model, found it.
                    text.regions.push(Region { bbox: area, category: Category::Table, score: 1.0 });
                }
                Ok(None) => {}
                Err(problem) => problems.push(problem),
            }
        }
        Ok(())
    }

    /// Display equations read as LaTeX ([`parasol_formula`]): each equation
    /// region's crop, scaled so that the page's text has the size the
    /// recogniser reads best ([`formula_scale`]). A formula the recogniser
    /// cannot finish keeps its text.
    fn read_formulas(
        &self,
        image: &RgbImage,
        text: &mut PageText,
        options: &Options,
        (number, diagnostics): (usize, &mut Vec<Diagnostic>),
        stages: &mut Stages,
    ) -> Result<(), PipelineError> {
        relabel_formulas(text);
        let equations: Vec<usize> =
            (0..text.regions.len()).filter(|&i| text.regions[i].category == Category::Equation).collect();
        if !options.formulas || equations.is_empty() {
            return Ok(());
        }
        let recogniser = self.formula()?;
        let scale = formula_scale(&text.lines);
        for i in equations {
            check_cancel(options)?;
            let bbox = text.regions[i].bbox;
            let inside: Vec<&str> =
                lines_inside(&text.lines, &bbox).into_iter().map(|l| l.text.as_str()).collect();
            if inside.is_empty() || parasol_assemble::reads_as_prose(inside.iter().copied()) {
                // No text there (a rule, a decoration), or a caption or a
                // line of text the layout model took for an equation: LaTeX
                // of it would be `\mathrm{...}` of its words.
                continue;
            }
            let area = with_margin(&bbox, FORMULA_MARGIN, image);
            let crop = parasol_source::grey_crop(image, &area, scale);
            let t0 = Instant::now();
            let read = recogniser.recognise(&crop);
            stages.formulas.add(t0.elapsed());
            match read {
                Ok(r) if !r.truncated && !r.latex.trim().is_empty() => text.formulas.push((i, r.latex)),
                Ok(_) => diag(
                    diagnostics,
                    number,
                    DiagnosticKind::FormulaFailed,
                    "an equation was not read to its end; it keeps its text".to_string(),
                ),
                Err(parasol_formula::FormulaError::Blank) => {}
                Err(e) => diag(
                    diagnostics,
                    number,
                    DiagnosticKind::FormulaFailed,
                    format!("an equation could not be read as LaTeX: {e}"),
                ),
            }
        }
        Ok(())
    }

    /// OCR for text regions the text layer leaves empty (text drawn as
    /// images or vector outlines inside an otherwise born-digital page).
    fn ocr_empty_regions(
        &self,
        image: &RgbImage,
        areas: &[BBox],
        lines: &[TextLine],
        (model, route): (OcrModel, HangulRoute<'_>),
        (number, diagnostics): (usize, &mut Vec<Diagnostic>),
        stages: &mut Stages,
    ) -> Result<Vec<TextLine>, PipelineError> {
        let mut out = Vec::new();
        for area in areas {
            if crate::pictures::holds_text(area, lines)
                || area.width() < MIN_OCR_REGION
                || area.height() < MIN_OCR_REGION
            {
                continue;
            }
            let crop = parasol_source::crop(image, area);
            let ocr = self.ocr(model)?;
            let t0 = Instant::now();
            let read = ocr.recognize_with(&crop, route);
            stages.region_ocr.add(t0.elapsed());
            match read {
                Ok(found) => {
                    out.extend(found.into_iter().map(|l| offset_line(l, area.x0.floor(), area.y0.floor())))
                }
                Err(e) => diag(
                    diagnostics,
                    number,
                    DiagnosticKind::RegionOcrFailed,
                    format!("OCR of a region failed: {e}"),
                ),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(text: &str) -> NativeText {
        let words = text
            .split_whitespace()
            .map(|w| parasol_source::Word { text: w.to_string(), bbox: BBox::default(), font_size: 10.0 })
            .collect();
        NativeText { words, ..NativeText::default() }
    }

    #[test]
    fn a_text_layer_says_whether_the_page_is_korean() {
        let korean = layer("데비안은 2013년에 새 버전을 냈습니다. Debian GNU/Linux 7");
        assert_eq!(layer_is_korean(Some(&korean)), Some(true));
        let english = layer("Parasol reads scanned documents on the CPU, fully locally.");
        assert_eq!(layer_is_korean(Some(&english)), Some(false));
        // A layer that turned Latin into rare Hangul is not Korean for it;
        // the real Hangul beside such garbage still is.
        let garbled_english = layer(
            "Parasol reads scanned documents on the CPU."
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        char::from_u32(0xC900 + c as u32).unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect::<String>()
                .as_str(),
        );
        assert_eq!(layer_is_korean(Some(&garbled_english)), None);
        let garbled_korean =
            layer("데비안은 줲줰줱줳년에 새 버전을 냈습니다. 쥄쥥쥢쥩쥡쥮 쥇쥎쥕/쥌쥩쥮쥵쥸 줷");
        assert_eq!(layer_is_korean(Some(&garbled_korean)), Some(true));
        // Too few letters to tell, or no layer: the first reading decides.
        assert_eq!(layer_is_korean(Some(&layer("Fig. 3"))), None);
        assert_eq!(layer_is_korean(None), None);
    }

    #[test]
    fn a_page_is_blank_only_without_a_single_dark_pixel() {
        let mut page = RgbImage::from_pixel(200, 300, [255, 255, 255].into());
        assert!(is_blank(&page));
        // A light grey wash is still blank paper.
        page.put_pixel(10, 10, [210, 210, 210].into());
        assert!(is_blank(&page));
        // One full stop is ink.
        page.put_pixel(100, 200, [90, 90, 90].into());
        assert!(!is_blank(&page));
        // So is a pure colour, even a bright one.
        let blue = RgbImage::from_pixel(10, 10, [0, 0, 255].into());
        assert!(!is_blank(&blue));
    }

    #[test]
    fn equations_are_scaled_to_the_size_the_recogniser_reads() {
        let line = |h: f32, origin: TextOrigin| {
            let mut l = TextLine::from_bbox(BBox::new(0.0, 0.0, 100.0, h), "x", origin);
            l.font_size = h;
            l
        };
        // A 10-point text layer at 150 dpi is read as it is.
        let at_150 = vec![line(20.0, TextOrigin::TextLayer); 3];
        assert!((formula_scale(&at_150) - 1.0).abs() < 0.01);
        // At 300 dpi, halved; OCR boxes are taller than the em.
        assert!((formula_scale(&[line(40.0, TextOrigin::TextLayer)]) - 0.5).abs() < 0.01);
        assert!((formula_scale(&[line(48.0, TextOrigin::Ocr)]) - 0.5).abs() < 0.01);
        // No text: as it is; never beyond the bounds.
        assert_eq!(formula_scale(&[]), 1.0);
        assert_eq!(formula_scale(&[line(400.0, TextOrigin::TextLayer)]), 0.25);
    }
}
