//! The OCR stage: [`OcrEngine`] reads the text lines of a page with
//! PaddleOCR's PP-OCRv6 models, as RapidOCR 3.10 runs them.
//!
//! The engine follows `rapidocr.RapidOCR.__call__` step for step, with its
//! order and filters, so the same image gives the same lines as
//! `rapidocr.RapidOCR()(image)` in Python: the page pre-step (resize within
//! bounds, vertical padding), text detection (`det`: the DB probability map
//! and `DBPostProcess`), an upright perspective crop of every box, line
//! orientation (`cls`: the 0/180-degree classifier), recognition (`rec`: CTC
//! decoding), and mapping the boxes back to page pixels. The classifier and
//! the recogniser run their batches on a few sessions at once (`pool`).
//! [`OcrEngine::recognize_upright`] finds a quarter or half turn of the page
//! from the detected lines first (`page_orientation`).
//!
//! [`HangulRoute`] sends lines to a second recogniser, Tesseract's Korean
//! model (`hangul`, through the `tesseract` binding), since PP-OCRv6 has
//! no Hangul.
//!
//! [`OcrModels`] names the model files; the geometry all of this relies on
//! is in `cv`.

mod cls;
mod det;
mod hangul;
mod page_orientation;
mod pool;
mod rec;
mod tesseract;

use std::path::{Path, PathBuf};

use image::RgbImage;
use parasol_doc::{BBox, TextLine, TextOrigin};

use self::cls::{turn_upside_down, Classifier};
use self::det::{norm, Detector, Quad};
pub use self::hangul::{HangulReader, HangulRoute};
use self::rec::{LineRead, Recognizer};
use crate::cv::imgops::{
    pad_vertical, perspective_transform, resize_linear, warp_perspective_cubic, Image3, View,
};
use crate::cv::pycompat::{is_blank, py_round};
use crate::session::Model;
use crate::{Stage, VisionError};

/// Paths of the three OCR models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrModels {
    /// PP-OCRv6 text detector (`PP-OCRv6_det_small.onnx`).
    pub det: PathBuf,
    /// Text-line 0/180 classifier (`ch_ppocr_mobile_v2.0_cls_mobile.onnx`).
    pub cls: PathBuf,
    /// PP-OCRv6 recogniser (`PP-OCRv6_rec_small.onnx`).
    pub rec: PathBuf,
    /// The recogniser's dictionary, one character per line, for models
    /// without a `character` metadata entry (the tiny recogniser); `None`
    /// reads it from the metadata.
    pub dict: Option<PathBuf>,
    /// A faster recogniser that reads every line first; only the lines it
    /// is unsure of are read again by `rec` (see [`OcrEngine`]).
    pub draft: Option<DraftModel>,
}

/// The first-pass recogniser of a cascade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftModel {
    pub rec: PathBuf,
    /// As [`OcrModels::dict`].
    pub dict: Option<PathBuf>,
}

impl OcrModels {
    /// Every file these models read.
    pub fn files(&self) -> Vec<&Path> {
        let draft = self.draft.iter().flat_map(|d| std::iter::once(&d.rec).chain(&d.dict));
        [&self.det, &self.cls, &self.rec]
            .into_iter()
            .chain(&self.dict)
            .chain(draft)
            .map(PathBuf::as_path)
            .collect()
    }
}

/// RapidOCR's `Global` settings.
const MIN_SIDE_LEN: usize = 30;
const MAX_SIDE_LEN: usize = 2000;
const MIN_HEIGHT: usize = 30;
const WIDTH_HEIGHT_RATIO: f64 = 8.0;
const TEXT_SCORE: f64 = 0.5;
/// The least Tesseract confidence (its mean word confidence, 0–1) at which
/// a Korean reading is kept; it plays `TEXT_SCORE`'s part for Tesseract.
const MIN_KOREAN_CONF: f64 = 0.3;
/// A draft reading is doubtful, and read again by the main recogniser, when
/// an alternative that would change its text got more than this
/// probability at some step ([`Doubt::rival`](rec::Doubt::rival)) ...
const DRAFT_MAX_RIVAL: f32 = 0.1;
/// ... or when one of its characters got less than this
/// ([`Doubt::weakest_char`](rec::Doubt::weakest_char)). With PP-OCRv6
/// tiny as the draft and small as the main recogniser, on the OCR suite's
/// 4,194 lines (87 scans, forms and receipts) this reads 43 % of the lines
/// again, and the cascade's text differs from small's alone by 0.19 % of
/// characters; on clean printed pages (report-scan, old_newspaper) 28 % of
/// the lines, 0.05 %. The measurements are in `docs/BENCHMARKS.md`.
const DRAFT_MIN_CHAR: f32 = 0.3;
/// The Gaussian blur of a vertical column's second reading, as a share of
/// the column's width (1.6 px on a 26 px column of 10 pt text at 150 dpi):
/// measured on the development set's clean vertical pages, 1/16 of the
/// width recovers most dropped glyphs (CER 11.5 % → 3.3 %), half as much
/// few (9.4 %).
const VERTICAL_BLUR: f32 = 1.0 / 16.0;
/// The least score of a softened column reading that replaces the first.
const VERTICAL_MIN_SCORE: f64 = 0.8;
/// Upper bound on parallel classifier and recogniser sessions.
const MAX_SESSIONS: usize = 4;

/// The PP-OCRv6 text pipeline. `Send + Sync`: each model sits behind its own
/// mutex, so concurrent calls overlap in different stages.
#[derive(Debug)]
pub struct OcrEngine {
    det: Detector,
    cls: Classifier,
    rec: Recognizer,
    /// The cascade's first pass, if any (see [`OcrModels::draft`]).
    draft: Option<Recognizer>,
    /// Threads for the work that is split by lines (crops, batches).
    pub(crate) workers: usize,
    /// Whether lines the classifier turned over are read again as detected
    /// on pages that are not Chinese or Japanese ([`OcrEngine::reread_turned`]);
    /// off only to compare with RapidOCR.
    reread_turned: bool,
}

/// How the page was scaled and padded before detection.
struct PreStep {
    ratio_w: f64,
    ratio_h: f64,
    pad_top: usize,
}

impl OcrEngine {
    /// Loads the three models to use `threads` cores: the detector with
    /// `threads` intra-op threads, the classifier and the recogniser as up
    /// to four sessions each that take batches in parallel and share the
    /// threads. [`init_runtime`](crate::init_runtime) must have been called.
    pub fn new(models: &OcrModels, threads: usize) -> Result<OcrEngine, VisionError> {
        let threads = threads.max(1);
        let det = Detector::new(Model::load(&models.det, Stage::TextDetection, threads)?);
        // A page has a few batches of six lines; more than four sessions
        // would mostly cost memory (each holds its own weights and arena).
        let workers = threads.min(MAX_SESSIONS);
        let sessions = |path: &Path, stage: Stage| {
            (0..workers).map(|_| Model::load(path, stage, threads / workers)).collect::<Result<Vec<_>, _>>()
        };
        let cls = Classifier::new(sessions(&models.cls, Stage::LineOrientation)?);
        let rec = Recognizer::new(sessions(&models.rec, Stage::TextRecognition)?, models.dict.as_deref())?;
        let draft = (models.draft.as_ref())
            .map(|d| {
                Ok(Recognizer::new(sessions(&d.rec, Stage::TextRecognition)?, d.dict.as_deref())?
                    .with_doubts())
            })
            .transpose()?;
        Ok(OcrEngine { det, cls, rec, draft, workers, reread_turned: true })
    }

    /// The engine reading as RapidOCR does, for parity checks: a line the
    /// classifier turned over on a page that is not Chinese or Japanese is
    /// not read again as detected ([`OcrEngine::reread_turned`], which
    /// takes FUNSD forms' text edit from 0.189 to 0.171).
    pub fn rapidocr_exact(self) -> OcrEngine {
        OcrEngine { reread_turned: false, ..self }
    }

    /// Full RapidOCR-equivalent pipeline on an RGB image: detection, crops,
    /// orientation, recognition. Lines come in RapidOCR's order (top to
    /// bottom, left to right within a line) with quads in `image` pixels.
    pub fn recognize(&self, image: &RgbImage) -> Result<Vec<TextLine>, VisionError> {
        self.recognize_with(image, HangulRoute::Off)
    }

    /// [`recognize`](OcrEngine::recognize) with the lines that `route`
    /// names read by the Korean recogniser.
    pub fn recognize_with(
        &self,
        image: &RgbImage,
        route: HangulRoute<'_>,
    ) -> Result<Vec<TextLine>, VisionError> {
        self.recognize_lines(image, route, false)
    }

    /// [`recognize_with`](OcrEngine::recognize_with); `columns` says that
    /// the image is a page of vertical writing turned a quarter
    /// counter-clockwise, so every line is a column (see
    /// [`reread_vertical_cjk`](OcrEngine::reread_vertical_cjk)).
    pub(crate) fn recognize_lines(
        &self,
        image: &RgbImage,
        route: HangulRoute<'_>,
        columns: bool,
    ) -> Result<Vec<TextLine>, VisionError> {
        let Some(detected) = self.detect(image)? else {
            return Ok(Vec::new());
        };
        let mut crops = detected.crops(self.workers);
        let scores = self.line_orientation(&crops)?;
        self.read(&detected, &mut crops, &scores, route, columns)
    }

    /// The page pre-step and text detection. `None` when there is nothing to
    /// read (an empty, too small or too thin image, or no text boxes).
    pub(crate) fn detect<'a>(&self, image: &'a RgbImage) -> Result<Option<Detected<'a>>, VisionError> {
        let (ow, oh) = (image.width() as usize, image.height() as usize);
        let Some(original) = View::<3>::new(ow, oh, image.as_raw()) else {
            return Ok(None);
        };
        if ow == 0 || oh == 0 {
            return Ok(None);
        }
        let Some((page, step)) = prepare(original) else {
            tracing::warn!(width = ow, height = oh, "image too small or too thin for ocr");
            return Ok(None);
        };
        let t0 = std::time::Instant::now();
        let boxes = self.det.detect(page.as_ref().map_or(original, Image3::view))?;
        tracing::debug!(boxes = boxes.len(), det_ms = t0.elapsed().as_millis() as u64, "text detection");
        if boxes.is_empty() {
            return Ok(None);
        }
        Ok(Some(Detected { original, page, step, boxes }))
    }

    /// The line classifier's `[p(0°), p(180°)]` for each crop.
    pub(crate) fn line_orientation(&self, crops: &[Image3]) -> Result<Vec<[f32; 2]>, VisionError> {
        let t0 = std::time::Instant::now();
        let scores = self.cls.scores(crops)?;
        tracing::debug!(lines = crops.len(), cls_ms = t0.elapsed().as_millis() as u64, "line orientation");
        Ok(scores)
    }

    /// Reads every line with `draft`, then the doubtful ones again with the
    /// main recogniser, whose readings replace the draft's.
    fn cascade(&self, draft: &Recognizer, crops: &[Image3]) -> Result<Vec<LineRead>, VisionError> {
        let t0 = std::time::Instant::now();
        let mut texts = draft.recognize(crops)?;
        // The tiny draft's dictionary has Han but no kana: on a Chinese,
        // Japanese (or Korean) page it confidently spells kana lines as
        // Latin garbage, so such a page is read again whole.
        let cjk_page = is_cjk_page(texts.iter().map(|t| t.text.as_str()));
        let doubtful: Vec<usize> = (0..texts.len()).filter(|&i| cjk_page || is_doubtful(&texts[i])).collect();
        let draft_ms = t0.elapsed().as_millis() as u64;
        let redone = doubtful.len();
        let mut again = self.rec.recognize_some(crops, doubtful.clone())?;
        for i in doubtful {
            texts[i] = std::mem::take(&mut again[i]);
        }
        tracing::debug!(lines = crops.len(), redone, draft_ms, "recognition cascade");
        Ok(texts)
    }

    /// The line classifier turns some upright lines over: on a Chinese or
    /// Japanese page lines of kana and Latin (`b -/ . dkb`), on a form short
    /// lines such as "TO:", which then read ":01". A turned line is read
    /// again as detected and the better-scored reading kept; a line truly
    /// upside down reads as garbage, with a low score, as detected. Lines
    /// Tesseract read (`korean`) are left as they are.
    fn reread_turned(
        &self,
        crops: &[Image3],
        turned: &[bool],
        mut texts: Vec<LineRead>,
        korean: &[bool],
    ) -> Result<Vec<LineRead>, VisionError> {
        let which: Vec<usize> = (0..texts.len()).filter(|&i| turned[i] && !korean[i]).collect();
        if which.is_empty() {
            return Ok(texts);
        }
        let unturned: Vec<Image3> = which.iter().map(|&i| crops[i].rot180()).collect();
        let again = self.rec.recognize(&unturned)?;
        for (&i, read) in which.iter().zip(again) {
            if read.score > texts[i].score {
                texts[i] = read;
            }
        }
        Ok(texts)
    }

    /// Vertical Chinese or Japanese (tategaki): a tall box is a column,
    /// whose crop is read turned a quarter counter-clockwise as RapidOCR
    /// does, which PP-OCRv6 reads well, except that on sharp renders it
    /// drops the glyphs that vertical writing sets differently (the long
    /// vowel mark as a vertical bar, small kana and `、。` in the cell's
    /// upper right): `ストレージ` reads `ストレジ`. The same crop softened
    /// ([`VERTICAL_BLUR`]) keeps them, so a column whose reading holds
    /// Han or kana is read again softened, and the softened reading kept
    /// when it spells more characters and is confident
    /// ([`VERTICAL_MIN_SCORE`]). On the development set's vertical
    /// Japanese pages this takes CER from 11.5 % to 3.3 % clean and leaves
    /// degraded scans where they were (0.7 % → 0.9 %); horizontal lines
    /// and Latin pages are not touched. A page whose lines are mostly
    /// columns is turned a quarter counter-clockwise by
    /// [`recognize_upright`](OcrEngine::recognize_upright) (the line
    /// classifier votes so, since PP-OCRv6 reads such columns turned), which
    /// reads them in order from the right; there every line is a column
    /// (`columns`).
    fn reread_vertical_cjk(
        &self,
        boxes: &[Quad],
        crops: &[Image3],
        mut texts: Vec<LineRead>,
        korean: &[bool],
        columns: bool,
    ) -> Result<Vec<LineRead>, VisionError> {
        let unspaced =
            |t: &str| t.chars().any(|c| parasol_doc::script::is_han(c) || parasol_doc::script::is_kana(c));
        let which: Vec<usize> = (0..texts.len())
            .filter(|&i| {
                let (w, h) = crop_size(&boxes[i]);
                (columns || is_tall(w, h)) && !korean[i] && unspaced(&texts[i].text)
            })
            .collect();
        if which.is_empty() {
            return Ok(texts);
        }
        // The crop is turned: its height is the column's width.
        let soft: Vec<Image3> = which
            .iter()
            .map(|&i| crate::cv::imgops::gaussian_blur(&crops[i], crops[i].height as f32 * VERTICAL_BLUR))
            .collect();
        let again = self.rec.recognize(&soft)?;
        let letters = |t: &str| t.chars().filter(|c| !c.is_whitespace()).count();
        let mut kept = 0;
        for (&i, read) in which.iter().zip(again) {
            if read.score >= VERTICAL_MIN_SCORE && letters(&read.text) > letters(&texts[i].text) {
                texts[i] = read;
                kept += 1;
            }
        }
        tracing::debug!(columns = which.len(), kept, "vertical columns read again softened");
        Ok(texts)
    }

    /// Turns the upside-down crops (by the classifier's `scores`), recognises
    /// them and maps the kept lines back to the original image.
    pub(crate) fn read(
        &self,
        detected: &Detected<'_>,
        crops: &mut [Image3],
        scores: &[[f32; 2]],
        route: HangulRoute<'_>,
        columns: bool,
    ) -> Result<Vec<TextLine>, VisionError> {
        // The line classifier was trained without Hangul and turns some
        // upright Korean lines over: Tesseract reads those both ways.
        let turned: Vec<bool> = scores.iter().map(|&s| cls::is_upside_down(s)).collect();
        turn_upside_down(crops, scores);
        let t0 = std::time::Instant::now();
        // Which lines Tesseract read (its confidences have another scale).
        let mut korean = vec![false; crops.len()];
        let texts = match route {
            // Every line goes to Tesseract: PP-OCRv6 need not read them.
            HangulRoute::Every(reader) => {
                korean.fill(true);
                read_korean(&self.rec, reader, crops, &turned, &(0..crops.len()).collect::<Vec<_>>())?
                    .into_iter()
                    .map(|read| read.unwrap_or_default())
                    .collect()
            }
            _ => match &self.draft {
                None => self.rec.recognize(crops)?,
                Some(draft) => self.cascade(draft, crops)?,
            },
        };
        // On a Chinese or Japanese page turned lines are read again before
        // the vertical columns; elsewhere after the Korean lines are routed,
        // whose turned garbage is what sends them to Tesseract.
        let cjk = is_cjk_page(texts.iter().map(|t| t.text.as_str()));
        let texts = if cjk { self.reread_turned(crops, &turned, texts, &korean)? } else { texts };
        let texts = self.reread_vertical_cjk(&detected.boxes, crops, texts, &korean, columns)?;
        let texts = match route {
            HangulRoute::Doubtful(reader) => {
                reread_doubtful(&self.rec, reader, crops, &turned, texts, &mut korean)?
            }
            _ => texts,
        };
        let texts = if cjk || !self.reread_turned {
            texts
        } else {
            self.reread_turned(crops, &turned, texts, &korean)?
        };
        tracing::debug!(lines = crops.len(), rec_ms = t0.elapsed().as_millis() as u64, "text recognition");

        let (ow, oh) = (detected.original.width, detected.original.height);
        let mut lines = Vec::with_capacity(detected.boxes.len());
        for ((b, LineRead { text, score, .. }), korean) in detected.boxes.iter().zip(texts).zip(korean) {
            let min_score = if korean { MIN_KOREAN_CONF } else { TEXT_SCORE };
            if is_blank(&text) || score < min_score {
                continue;
            }
            // PP-OCRv6 reads a wide gap between Chinese or Japanese
            // characters as a space.
            let text = if korean { text } else { parasol_doc::script::close_gaps(&text) };
            let quad = to_original(b, &detected.step, ow, oh);
            let Some(bbox) = BBox::around(quad) else { continue };
            let font_size = norm(quad[0], quad[3]).max(norm(quad[1], quad[2]));
            lines.push(TextLine {
                quad,
                bbox,
                text,
                score: score as f32,
                font_size,
                origin: TextOrigin::Ocr,
            });
        }
        Ok(lines)
    }
}

/// Tesseract's Korean readings of `crops[i]` for each `i` of `which`, as
/// [`LineRead`]s (its confidence as the score). A crop the line classifier
/// `turned` is also read as detected, and the more confident reading kept.
/// Tesseract's Korean model reads Latin letters and digits poorly
/// (`apt-get` as `30ㄴ96`), PP-OCRv6 reads them well: each run of a word
/// that is not Hangul is read again by PP-OCRv6 on its part of the crop,
/// and PP-OCRv6's reading replaces it when it is confident and holds no
/// CJK character.
fn read_korean(
    rec: &Recognizer,
    reader: &HangulReader,
    crops: &[Image3],
    turned: &[bool],
    which: &[usize],
) -> Result<Vec<Option<LineRead>>, VisionError> {
    let t0 = std::time::Instant::now();
    let unturned: Vec<Image3> = which.iter().filter(|&&i| turned[i]).map(|&i| crops[i].rot180()).collect();
    let picked: Vec<&Image3> = which.iter().map(|&i| &crops[i]).chain(&unturned).collect();
    let mut reads = reader.read_all(&picked)?;
    let mut second = reads.split_off(which.len()).into_iter();
    let mut sources: Vec<&Image3> = picked[..which.len()].to_vec();
    let mut unturned_iter = unturned.iter();
    for (k, (&i, read)) in which.iter().zip(&mut reads).enumerate() {
        if turned[i] {
            let other = second.next().flatten();
            let other_crop = unturned_iter.next();
            if other.as_ref().is_some_and(|o| read.as_ref().is_none_or(|r| o.conf > r.conf)) {
                *read = other;
                if let Some(c) = other_crop {
                    sources[k] = c;
                }
            }
        }
    }
    let korean_ms = t0.elapsed().as_millis() as u64;
    // The runs to read again, as (read, word, piece) and their crops.
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let mut run_crops: Vec<Image3> = Vec::new();
    for (k, read) in reads.iter().enumerate() {
        let Some(read) = read else { continue };
        let crop = sources[k];
        for (w, word) in read.words.iter().enumerate() {
            for (p, piece) in word.iter().enumerate() {
                if piece.hangul || !piece.text.chars().any(|c| c.is_alphanumeric()) {
                    continue;
                }
                // Widened into the gaps around it, never over a neighbour.
                let before = if p > 0 { word[p - 1].x1 } else { f32::MIN };
                let after = word.get(p + 1).map_or(f32::MAX, |n| n.x0);
                if let Some(sub) = column_slice(crop, piece.x0, piece.x1, before, after) {
                    runs.push((k, w, p));
                    run_crops.push(sub);
                }
            }
        }
    }
    let mut latin = 0;
    if !runs.is_empty() {
        let again = rec.recognize(&run_crops)?;
        for ((k, w, p), r) in runs.into_iter().zip(again) {
            let text = r.text.trim();
            if r.score >= LATIN_RUN_SCORE
                && !text.is_empty()
                && !text.chars().any(parasol_doc::script::is_cjk)
            {
                if let Some(piece) = reads[k].as_mut().and_then(|read| read.words[w].get_mut(p)) {
                    piece.text = text.replace(' ', "");
                    latin += 1;
                }
            }
        }
    }
    tracing::debug!(
        lines = which.len(),
        korean_ms,
        latin_runs = latin,
        latin_ms = t0.elapsed().as_millis() as u64 - korean_ms,
        "korean recognition"
    );
    Ok(reads
        .into_iter()
        .map(|r| r.map(|r| LineRead { text: r.text(), score: f64::from(r.conf), doubt: None }))
        .collect())
}

/// The least PP-OCRv6 score at which its reading of a non-Hangul run of a
/// Korean line replaces Tesseract's.
const LATIN_RUN_SCORE: f64 = 0.8;

/// The columns `x0..x1` of `crop` (its full height), widened by a fifth of
/// the height on each side but not past `before` and `after` (the
/// neighbouring pieces); `None` when that is empty.
fn column_slice(crop: &Image3, x0: f32, x1: f32, before: f32, after: f32) -> Option<Image3> {
    let pad = crop.height as f32 * 0.2;
    let a = (x0 - pad).max(before).floor().max(0.0) as usize;
    let b = ((x1 + pad).min(after).ceil().max(0.0) as usize).min(crop.width);
    if b <= a + 1 {
        return None;
    }
    let w = b - a;
    let mut out = Image3::new(w, crop.height);
    for y in 0..crop.height {
        let src = &crop.data[(y * crop.width + a) * 3..(y * crop.width + b) * 3];
        out.data[y * w * 3..(y + 1) * w * 3].copy_from_slice(src);
    }
    Some(out)
}

/// Reads the lines whose PP-OCRv6 reading looks like a misread Korean line
/// again with Tesseract, and keeps Tesseract's reading where it is Korean
/// and confident enough ([`hangul::prefer_korean`]). When that makes the
/// page Korean ([`hangul::is_korean_page`]), the other lines are read by
/// Tesseract too, and its reading kept where it holds Hangul.
fn reread_doubtful(
    rec: &Recognizer,
    reader: &HangulReader,
    crops: &[Image3],
    turned: &[bool],
    mut texts: Vec<LineRead>,
    korean: &mut [bool],
) -> Result<Vec<LineRead>, VisionError> {
    let japanese = hangul::is_japanese_page(texts.iter().map(|t| t.text.as_str()));
    let doubtful: Vec<usize> = (0..texts.len())
        .filter(|&i| {
            let aspect = crops[i].width as f64 / crops[i].height.max(1) as f64;
            hangul::looks_misread(&texts[i].text, texts[i].score, aspect, japanese)
        })
        .collect();
    if doubtful.is_empty() {
        return Ok(texts);
    }
    let again = read_korean(rec, reader, crops, turned, &doubtful)?;
    let mut kept = 0;
    for (i, read) in doubtful.iter().zip(again) {
        if let Some(k) = read.filter(|k| hangul::prefer_korean(&k.text, k.score as f32, texts[*i].score)) {
            texts[*i] = k;
            korean[*i] = true;
            kept += 1;
        }
    }
    tracing::debug!(doubtful = doubtful.len(), kept, "korean re-reading");
    if !hangul::is_korean_page(kept, texts.len()) {
        return Ok(texts);
    }
    // A Korean page: the lines PP-OCRv6 read without doubt are read too,
    // and a reading with Hangul replaces PP-OCRv6's.
    let rest: Vec<usize> = (0..texts.len()).filter(|&i| !korean[i]).collect();
    let again = read_korean(rec, reader, crops, turned, &rest)?;
    let mut taken = 0;
    for (i, read) in rest.iter().zip(again) {
        if let Some(k) = read.filter(|k| hangul::korean_page_prefers(&k.text)) {
            texts[*i] = k;
            korean[*i] = true;
            taken += 1;
        }
    }
    tracing::debug!(rest = rest.len(), taken, "korean page: the other lines read as Korean");
    Ok(texts)
}

/// A draft page is Chinese, Japanese or Korean when at least this share
/// of its letters are Han (the tiny draft reads Hangul as Han too).
const CJK_PAGE_SHARE: f64 = 0.1;

fn is_cjk_page<'a>(texts: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut letters, mut han) = (0usize, 0usize);
    for c in texts.into_iter().flat_map(str::chars).filter(|c| c.is_alphabetic()) {
        letters += 1;
        han += usize::from(parasol_doc::script::is_han(c));
    }
    han as f64 >= CJK_PAGE_SHARE * letters.max(1) as f64 && han > 0
}

/// Whether a draft reading must be read again (a reading without a
/// [`Doubt`](rec::Doubt) always is).
fn is_doubtful(line: &LineRead) -> bool {
    line.doubt.is_none_or(|d| d.rival > DRAFT_MAX_RIVAL || d.weakest_char < DRAFT_MIN_CHAR)
}

/// A page after detection: the image the detector saw and its boxes.
pub(crate) struct Detected<'a> {
    original: View<'a, 3>,
    /// The resized or padded page, `None` when the detector saw `original`.
    page: Option<Image3>,
    step: PreStep,
    /// Text boxes in the detector's page coordinates, in reading order.
    pub boxes: Vec<Quad>,
}

impl Detected<'_> {
    /// The upright crop of every box, in the order of `boxes`, cut on up
    /// to `threads` threads (each crop is independent of the others).
    pub fn crops(&self, threads: usize) -> Vec<Image3> {
        let t0 = std::time::Instant::now();
        let view = self.page.as_ref().map_or(self.original, Image3::view);
        let crop_all = |boxes: &[Quad]| boxes.iter().map(|b| rotate_crop(view, b)).collect::<Vec<_>>();
        let per_thread = self.boxes.len().div_ceil(threads.max(1)).max(1);
        let crops = if per_thread >= self.boxes.len() {
            crop_all(&self.boxes)
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> =
                    self.boxes.chunks(per_thread).map(|part| s.spawn(move || crop_all(part))).collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                    .collect()
            })
        };
        tracing::debug!(crop_ms = t0.elapsed().as_millis() as u64, "line crops");
        crops
    }
}

/// `resize_image_within_bounds` and `apply_vertical_padding`: the image the
/// detector sees (`None` when it is the original) and how to map back.
/// Returns `None` when RapidOCR would fail to resize.
fn prepare(original: View<'_, 3>) -> Option<(Option<Image3>, PreStep)> {
    let (mut w, mut h) = (original.width, original.height);
    let mut page: Option<Image3> = None;
    let (mut ratio_w, mut ratio_h) = (1.0, 1.0);
    let resize_to = |src: View<'_, 3>, side: usize, shrink: bool| -> Option<(Image3, f64, f64)> {
        let (h, w) = (src.height, src.width);
        let ratio = if shrink {
            if h > w {
                side as f64 / h as f64
            } else {
                side as f64 / w as f64
            }
        } else if h < w {
            side as f64 / h as f64
        } else {
            side as f64 / w as f64
        };
        let rh = py_round(((h as f64 * ratio) as i64) as f64 / 32.0) * 32;
        let rw = py_round(((w as f64 * ratio) as i64) as f64 / 32.0) * 32;
        if rh <= 0 || rw <= 0 {
            return None;
        }
        let out = resize_linear(src, rw as usize, rh as usize);
        Some((out, h as f64 / rh as f64, w as f64 / rw as f64))
    };
    if w.max(h) > MAX_SIDE_LEN {
        let (img, rh, rw) = resize_to(original, MAX_SIDE_LEN, true)?;
        (ratio_h, ratio_w) = (rh, rw);
        (w, h) = (img.width, img.height);
        page = Some(img);
    }
    if w.min(h) < MIN_SIDE_LEN {
        let src = page.as_ref().map_or(original, Image3::view);
        // RapidOCR keeps only this step's ratios, even after a reduction.
        let (img, rh, rw) = resize_to(src, MIN_SIDE_LEN, false)?;
        (ratio_h, ratio_w) = (rh, rw);
        (w, h) = (img.width, img.height);
        page = Some(img);
    }
    let mut pad_top = 0;
    if h <= MIN_HEIGHT || w as f64 / h as f64 > WIDTH_HEIGHT_RATIO {
        let new_h = ((w as f64 / WIDTH_HEIGHT_RATIO) as usize).max(MIN_HEIGHT) * 2;
        pad_top = (new_h.abs_diff(h) as f64 / 2.0) as usize;
        let src = page.as_ref().map_or(original, Image3::view);
        page = Some(pad_vertical(src, pad_top));
    }
    Some((page, PreStep { ratio_w, ratio_h, pad_top }))
}

/// `map_boxes_to_original`: undo the padding and the scaling (in `float32`,
/// as NumPy does in place), then clip to the original image.
fn to_original(b: &Quad, step: &PreStep, ow: usize, oh: usize) -> Quad {
    let (rw, rh) = (step.ratio_w as f32, step.ratio_h as f32);
    b.map(|[x, y]| {
        let y = y - step.pad_top as f32;
        let (x, y) = (x * rw, y * rh);
        [x.max(0.0).min(ow as f32), y.max(0.0).min(oh as f32)]
    })
}

/// `get_rotate_crop_image`: the box warped upright (bicubic, replicated
/// border), turned a quarter counter-clockwise when it is tall.
fn rotate_crop(img: View<'_, 3>, b: &Quad) -> Image3 {
    let (crop_w, crop_h) = crop_size(b);
    let (fw, fh) = (crop_w as f32, crop_h as f32);
    let dst = [[0.0, 0.0], [fw, 0.0], [fw, fh], [0.0, fh]];
    let crop = match perspective_transform(b, &dst) {
        Some(m) => warp_perspective_cubic(img, &m, crop_w, crop_h),
        None => Image3::new(crop_w, crop_h),
    };
    if is_tall(crop_w, crop_h) {
        crop.rot90()
    } else {
        crop
    }
}

/// The size of a box's upright crop: its longer opposite sides, truncated.
pub(crate) fn crop_size(b: &Quad) -> (usize, usize) {
    let w = (norm(b[0], b[1]).max(norm(b[2], b[3])) as usize).max(1);
    let h = (norm(b[0], b[3]).max(norm(b[1], b[2])) as usize).max(1);
    (w, h)
}

/// Whether a crop of this size is read turned a quarter counter-clockwise.
pub(crate) fn is_tall(w: usize, h: usize) -> bool {
    h as f64 / w as f64 >= 1.5
}
