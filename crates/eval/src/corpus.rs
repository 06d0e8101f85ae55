//! Ground-truth loaders for the shared corpus (`../shared/corpus`, see its
//! README): Docling documents, OCR transcriptions (Tesseract's test set,
//! FUNSD, SROIE), PubTabNet tables, PubLayNet boxes and the hostile PDFs.
//!
//! Paths in reports are corpus-relative with `/` separators, the key peers
//! use too.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use parasol_doc::BBox;
use serde_json::Value;

use crate::order::Block;
use crate::{read_json, read_to_string, EvalError};

/// The corpus directory, which must exist: evaluation never skips silently.
pub fn check(corpus: &Path) -> Result<(), EvalError> {
    if corpus.join("README.md").is_file() {
        Ok(())
    } else {
        Err(EvalError::CorpusMissing(corpus.to_owned()))
    }
}

/// `path` relative to the corpus, `/`-separated.
pub fn relative(corpus: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(corpus).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Files in `dir` (not recursive) with one of the extensions, sorted.
pub fn files_with(dir: &Path, exts: &[&str]) -> Result<Vec<PathBuf>, EvalError> {
    let entries = std::fs::read_dir(dir).map_err(|source| EvalError::Io { path: dir.to_owned(), source })?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// One text item of a DoclingDocument, in the document's reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthText {
    pub label: String,
    pub text: String,
    /// First provenance: page and box normalised to the page.
    pub block: Option<Block>,
}

/// The text items of a DoclingDocument JSON in reading order, without the
/// content of tables and pictures (their captions and footnotes stay):
/// DP-Bench's "tables and figures removed". Page headers and footers stay,
/// as they are text on the page.
pub fn docling_texts(path: &Path) -> Result<Vec<TruthText>, EvalError> {
    let doc: Value = read_json(path)?;
    let bad = |reason: &str| EvalError::Truth { path: path.to_owned(), reason: reason.to_owned() };
    let body = doc.get("body").ok_or_else(|| bad("no body"))?;
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    walk(&doc, body, false, &mut out, &mut seen, 0);
    Ok(out)
}

fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<(&'a str, &'a Value)> {
    let mut parts = reference.trim_start_matches("#/").split('/');
    let (kind, index) = (parts.next()?, parts.next()?.parse::<usize>().ok()?);
    let item = doc.get(kind)?.get(index)?;
    let kind = match kind {
        "texts" => "texts",
        "groups" => "groups",
        "tables" => "tables",
        "pictures" => "pictures",
        _ => "other",
    };
    Some((kind, item))
}

fn walk(
    doc: &Value,
    node: &Value,
    inside_figure: bool,
    out: &mut Vec<TruthText>,
    seen: &mut std::collections::HashSet<String>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let Some(children) = node.get("children").and_then(Value::as_array) else { return };
    for child in children {
        let Some(r) = child.get("$ref").and_then(Value::as_str) else { continue };
        if !seen.insert(r.to_owned()) {
            continue;
        }
        let Some((kind, item)) = resolve(doc, r) else { continue };
        match kind {
            "texts" => {
                let label = item.get("label").and_then(Value::as_str).unwrap_or("").to_owned();
                let keep = !inside_figure || matches!(label.as_str(), "caption" | "footnote");
                if keep {
                    let text = item.get("text").and_then(Value::as_str).unwrap_or("").to_owned();
                    let block = first_block(doc, item);
                    out.push(TruthText { label, text, block });
                }
                walk(doc, item, inside_figure, out, seen, depth + 1);
            }
            "tables" | "pictures" => walk(doc, item, true, out, seen, depth + 1),
            _ => walk(doc, item, inside_figure, out, seen, depth + 1),
        }
    }
}

fn first_block(doc: &Value, item: &Value) -> Option<Block> {
    let prov = item.get("prov")?.get(0)?;
    let page = prov.get("page_no")?.as_u64()? as usize;
    let size = doc.get("pages")?.get(page.to_string())?.get("size")?;
    let (w, h) = (size.get("width")?.as_f64()?, size.get("height")?.as_f64()?);
    let b = prov.get("bbox")?;
    let f = |k: &str| b.get(k).and_then(Value::as_f64);
    let (l, t, r, bottom) = (f("l")?, f("t")?, f("r")?, f("b")?);
    if w <= 0.0 || h <= 0.0 {
        return None;
    }
    let (y0, y1) = match b.get("coord_origin").and_then(Value::as_str) {
        Some("BOTTOMLEFT") => ((h - t) / h, (h - bottom) / h),
        _ => (t / h, bottom / h),
    };
    Some(Block { page, bbox: BBox::new((l / w) as f32, y0 as f32, (r / w) as f32, y1 as f32) })
}

/// One table of a DoclingDocument ground truth: where it is and its
/// structure as PubTabNet-style HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthTable {
    /// Page and box normalised to the page; `None` without provenance.
    pub block: Option<Block>,
    /// Every cell a `td` with its spans, header rows (all cells column
    /// headers) inside `<thead>`, as [`crate::teds::pubtabnet_html`] writes
    /// Parasol's tables, so TEDS compares structure and text, not tags.
    pub html: String,
}

/// The tables of a DoclingDocument JSON, in document order.
pub fn docling_tables(path: &Path) -> Result<Vec<TruthTable>, EvalError> {
    let doc: Value = read_json(path)?;
    let mut out = Vec::new();
    for t in doc.get("tables").and_then(Value::as_array).into_iter().flatten() {
        let cells =
            t.pointer("/data/table_cells").and_then(Value::as_array).map_or(&[][..], |c| c.as_slice());
        out.push(TruthTable { block: first_block(&doc, t), html: cells_html(cells) });
    }
    Ok(out)
}

/// PubTabNet-style HTML of Docling's `table_cells` (start/end row and
/// column offsets, `column_header`).
fn cells_html(cells: &[Value]) -> String {
    let idx = |c: &Value, k: &str| c.get(k).and_then(Value::as_u64).unwrap_or(0) as usize;
    let mut grid: Vec<(usize, usize, usize, usize, bool, String)> = cells
        .iter()
        .map(|c| {
            let (r0, c0) = (idx(c, "start_row_offset_idx"), idx(c, "start_col_offset_idx"));
            let (r1, c1) =
                (idx(c, "end_row_offset_idx").max(r0 + 1), idx(c, "end_col_offset_idx").max(c0 + 1));
            let header = c.get("column_header").and_then(Value::as_bool).unwrap_or(false);
            let text = c.get("text").and_then(Value::as_str).unwrap_or("").to_owned();
            (r0, c0, r1 - r0, c1 - c0, header, text)
        })
        .collect();
    grid.sort_by_key(|c| (c.0, c.1));
    grid.dedup_by_key(|c| (c.0, c.1));
    let rows = grid.iter().map(|c| c.0 + 1).max().unwrap_or(0);
    let header_rows = (0..rows)
        .take_while(|&r| grid.iter().filter(|c| c.0 == r).all(|c| c.4) && grid.iter().any(|c| c.0 == r))
        .count();
    let mut out = String::from("<html><body><table>");
    for r in 0..rows {
        if r == 0 && header_rows > 0 {
            out.push_str("<thead>");
        }
        if r == header_rows {
            out.push_str("<tbody>");
        }
        out.push_str("<tr>");
        for c in grid.iter().filter(|c| c.0 == r) {
            out.push_str("<td");
            if c.3 > 1 {
                out.push_str(&format!(" colspan=\"{}\"", c.3));
            }
            if c.2 > 1 {
                out.push_str(&format!(" rowspan=\"{}\"", c.2));
            }
            out.push('>');
            out.push_str(&parasol_doc::escape_html(&c.5));
            out.push_str("</td>");
        }
        out.push_str("</tr>");
        if header_rows > 0 && r + 1 == header_rows {
            out.push_str("</thead>");
        }
    }
    if rows > header_rows {
        out.push_str("</tbody>");
    }
    out.push_str("</table></body></html>");
    out
}

/// Reading-order text of a Docling ground truth: its text items, one per line.
pub fn docling_text(texts: &[TruthText]) -> String {
    texts.iter().map(|t| t.text.as_str()).filter(|t| !t.trim().is_empty()).collect::<Vec<_>>().join("\n")
}

/// One page (or document) with a reference transcription.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrCase {
    /// Which set it belongs to (`tesseract-test`, `funsd`, `sroie`, `docling-ocr`).
    pub set: &'static str,
    pub file: PathBuf,
    /// Corpus-relative path.
    pub rel: String,
    pub truth: String,
}

/// Tesseract test images and the transcription each is checked against.
/// `phototest_2.tif` has no transcription and is left out.
const TESSERACT: &[(&str, &str)] = &[
    ("phototest.tif", "phototest.txt"),
    ("phototest-rotated-180.png", "phototest.txt"),
    ("phototest-rotated-L.png", "phototest.txt"),
    ("phototest-rotated-R.png", "phototest.txt"),
    ("eurotext.tif", "eurotext.txt"),
    ("8071_093.3B.tif", "8071_093.3B.txt"),
    ("8087_054.3B.tif", "8087_054.3B.txt"),
];

/// Docling's scanned test page and its rotations. Every OCR engine in
/// Docling's tests (Tesseract, RapidOCR, EasyOCR, ocrmac, Nemotron) reads
/// the same sentence, so that consensus is the reference.
const DOCLING_OCR: &[(&str, &str)] = &[
    ("ocr_test.pdf", "tesseract/full_page/ocr_test.tesseract.full_page.md"),
    ("ocr_test_rotated_90.pdf", "tesseract/full_page/ocr_test_rotated_90.tesseract.full_page.md"),
    ("ocr_test_rotated_180.pdf", "tesseract/full_page/ocr_test_rotated_180.tesseract.full_page.md"),
    ("ocr_test_rotated_270.pdf", "tesseract/full_page/ocr_test_rotated_270.tesseract.full_page.md"),
];

/// The files of the quick OCR subset (CI): clean print, European text and a
/// scanned PDF page.
pub const OCR_QUICK: &[&str] = &[
    "ocr/tesseract-test/phototest.tif",
    "ocr/tesseract-test/eurotext.tif",
    "docling/ocr/sources/ocr_test.pdf",
];

/// Every OCR case, or only [`OCR_QUICK`].
pub fn ocr_cases(corpus: &Path, quick: bool) -> Result<Vec<OcrCase>, EvalError> {
    let mut out = Vec::new();
    let dir = corpus.join("ocr/tesseract-test");
    for (image, truth) in TESSERACT {
        out.push(case(corpus, "tesseract-test", dir.join(image), read_to_string(&dir.join(truth))?));
    }
    let (src, gt) = (corpus.join("docling/ocr/sources"), corpus.join("docling/ocr/groundtruth"));
    for (pdf, truth) in DOCLING_OCR {
        out.push(case(corpus, "docling-ocr", src.join(pdf), read_to_string(&gt.join(truth))?));
    }
    if quick {
        out.retain(|c| OCR_QUICK.contains(&c.rel.as_str()));
        return Ok(out);
    }
    let funsd = corpus.join("forms/funsd_testing");
    for ann in files_with(&funsd.join("annotations"), &["json"])? {
        let stem = ann.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        out.push(case(corpus, "funsd", funsd.join("images").join(format!("{stem}.png")), funsd_text(&ann)?));
    }
    let sroie = corpus.join("receipts/sroie");
    for csv in files_with(&sroie.join("box"), &["csv"])? {
        let stem = csv.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        out.push(case(corpus, "sroie", sroie.join("img").join(format!("{stem}.jpg")), sroie_text(&csv)?));
    }
    Ok(out)
}

fn case(corpus: &Path, set: &'static str, file: PathBuf, truth: String) -> OcrCase {
    OcrCase { set, rel: relative(corpus, &file), file, truth }
}

/// FUNSD words grouped into lines (a word joins a line when its vertical
/// centre falls inside the line's extent), lines top to bottom, words left
/// to right.
pub fn funsd_text(path: &Path) -> Result<String, EvalError> {
    let v: Value = read_json(path)?;
    let mut words: Vec<Word> = Vec::new();
    for entity in v.get("form").and_then(Value::as_array).into_iter().flatten() {
        for w in entity.get("words").and_then(Value::as_array).into_iter().flatten() {
            let text = w.get("text").and_then(Value::as_str).unwrap_or("").trim();
            let b: Vec<f32> = w
                .get("box")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_f64).map(|x| x as f32).collect())
                .unwrap_or_default();
            if !text.is_empty() && b.len() == 4 {
                words.push((BBox::new(b[0], b[1], b[2], b[3]), text.to_owned()));
            }
        }
    }
    Ok(lines_text(words))
}

/// A word with its box.
type Word = (BBox, String);

pub(crate) fn lines_text(mut words: Vec<Word>) -> String {
    words.sort_by(|a, b| a.0.center()[1].total_cmp(&b.0.center()[1]));
    // (top, bottom, words) of each line so far.
    let mut lines: Vec<(f32, f32, Vec<Word>)> = Vec::new();
    for (b, t) in words {
        let cy = b.center()[1];
        match lines.last_mut() {
            Some((y0, y1, ws)) if cy >= *y0 && cy <= *y1 => {
                *y0 = y0.min(b.y0);
                *y1 = y1.max(b.y1);
                ws.push((b, t));
            }
            _ => lines.push((b.y0, b.y1, vec![(b, t)])),
        }
    }
    lines
        .into_iter()
        .map(|(_, _, mut ws)| {
            ws.sort_by(|a, b| a.0.x0.total_cmp(&b.0.x0));
            ws.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// SROIE line transcriptions in file order (top to bottom): each CSV line is
/// eight quad coordinates and the text, which may itself hold commas.
pub fn sroie_text(path: &Path) -> Result<String, EvalError> {
    let bytes = std::fs::read(path).map_err(|source| EvalError::Io { path: path.to_owned(), source })?;
    let s = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = s
        .lines()
        .filter_map(|l| l.trim_end_matches('\r').splitn(9, ',').nth(8))
        .filter(|t| !t.trim().is_empty())
        .collect();
    Ok(lines.join("\n"))
}

/// A table image with its ground-truth HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct TableCase {
    pub set: &'static str,
    pub image: PathBuf,
    pub rel: String,
    pub truth_html: String,
}

/// PubTabNet's 20 examples (`gt_html/*.html`) and the competition's 20
/// validation tables (`src/sample_gt.json`).
pub fn table_cases(corpus: &Path) -> Result<Vec<TableCase>, EvalError> {
    let mut out = Vec::new();
    let dir = corpus.join("tables/pubtabnet");
    for png in files_with(&dir.join("examples"), &["png"])? {
        let stem = png.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let html = read_to_string(&dir.join("examples/gt_html").join(format!("{stem}.html")))?;
        out.push(TableCase { set: "examples", rel: relative(corpus, &png), image: png, truth_html: html });
    }
    for (name, html) in pubtabnet_sample(&dir.join("src/sample_gt.json"))? {
        let png = dir.join("ICDAR_SLR_competition/val_mini/mini_val").join(&name);
        out.push(TableCase { set: "val_mini", rel: relative(corpus, &png), image: png, truth_html: html });
    }
    Ok(out)
}

/// `sample_gt.json` (`{name: {"html": …}}`) or `sample_pred.json`
/// (`{name: html}`), sorted by name.
pub fn pubtabnet_sample(path: &Path) -> Result<Vec<(String, String)>, EvalError> {
    let v: HashMap<String, Value> = read_json(path)?;
    let mut out: Vec<(String, String)> = v
        .into_iter()
        .filter_map(|(k, v)| {
            let html = v.as_str().or_else(|| v.get("html").and_then(Value::as_str))?.to_owned();
            Some((k, html))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// PubLayNet examples: images, COCO boxes (x, y, w, h → corners) and class names.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoutTruth {
    /// Image path, width and height in pixels.
    pub images: Vec<(PathBuf, f32, f32)>,
    pub classes: Vec<String>,
    pub boxes: Vec<crate::detection_ap::TruthBox>,
}

pub fn publaynet(corpus: &Path) -> Result<LayoutTruth, EvalError> {
    let dir = corpus.join("layout/publaynet_examples");
    let path = dir.join("samples.json");
    let v: Value = read_json(&path)?;
    let bad = |reason: &str| EvalError::Truth { path: path.clone(), reason: reason.to_owned() };
    let arr = |k: &str| v.get(k).and_then(Value::as_array).ok_or_else(|| bad(k));
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut images = Vec::new();
    for im in arr("images")? {
        let (Some(id), Some(name)) =
            (im.get("id").and_then(Value::as_u64), im.get("file_name").and_then(Value::as_str))
        else {
            return Err(bad("image without id or file_name"));
        };
        let size = |k: &str| im.get(k).and_then(Value::as_f64).unwrap_or(0.0) as f32;
        index.insert(id, images.len());
        images.push((dir.join("images").join(name), size("width"), size("height")));
    }
    let mut cats: Vec<(u64, String)> = arr("categories")?
        .iter()
        .filter_map(|c| Some((c.get("id")?.as_u64()?, c.get("name")?.as_str()?.to_owned())))
        .collect();
    cats.sort();
    let class_of: HashMap<u64, usize> = cats.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
    let mut boxes = Vec::new();
    for a in arr("annotations")? {
        let image = a.get("image_id").and_then(Value::as_u64).and_then(|id| index.get(&id)).copied();
        let class = a.get("category_id").and_then(Value::as_u64).and_then(|id| class_of.get(&id)).copied();
        let b: Vec<f32> = a
            .get("bbox")
            .and_then(Value::as_array)
            .map(|b| b.iter().filter_map(Value::as_f64).map(|x| x as f32).collect())
            .unwrap_or_default();
        match (image, class, b.as_slice()) {
            (Some(image), Some(class), [x, y, w, h]) => boxes.push(crate::detection_ap::TruthBox {
                image,
                class,
                bbox: BBox::new(*x, *y, x + w, y + h),
            }),
            _ => return Err(bad("annotation without image, category or bbox")),
        }
    }
    Ok(LayoutTruth { images, classes: cats.into_iter().map(|(_, n)| n).collect(), boxes })
}

/// Every PDF under `hostile/`, sorted, with its password when it has one.
pub fn hostile_files(corpus: &Path) -> Result<Vec<(PathBuf, Option<String>)>, EvalError> {
    let hostile = corpus.join("hostile");
    let passwords = hostile_passwords(&hostile)?;
    let mut files = Vec::new();
    walk_pdfs(&hostile, &mut files)?;
    Ok(files
        .into_iter()
        .map(|f| {
            let name = f.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let pw = passwords.get(&name).cloned();
            (f, pw)
        })
        .collect())
}

fn walk_pdfs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), EvalError> {
    let entries = std::fs::read_dir(dir).map_err(|source| EvalError::Io { path: dir.to_owned(), source })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk_pdfs(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "pdf") {
            out.push(p);
        }
    }
    Ok(())
}

pub use parasol_testdata::corpus::HOSTILE_UNOPENABLE;

/// The password of each encrypted hostile file (see
/// [`parasol_testdata::corpus::hostile_passwords`]).
pub fn hostile_passwords(hostile: &Path) -> Result<HashMap<String, String>, EvalError> {
    parasol_testdata::corpus::hostile_passwords(hostile)
        .map_err(|source| EvalError::Io { path: hostile.to_owned(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_group_into_lines() {
        let w = |x: f32, y: f32, t: &str| (BBox::new(x, y, x + 10.0, y + 10.0), t.to_owned());
        let text =
            lines_text(vec![w(50.0, 31.0, "d"), w(0.0, 0.0, "a"), w(20.0, 2.0, "b"), w(0.0, 30.0, "c")]);
        assert_eq!(text, "a b\nc d");
    }

    #[test]
    fn docling_tables_become_pubtabnet_html_on_their_page() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let tables = docling_tables(&root.join("docling/pdf/groundtruth/normal_4pages.json")).unwrap();
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        let block = t.block.expect("the table has a box");
        assert_eq!(block.page, 2);
        // Bottom-left origin turned top-left: the table sits in the page's lower half.
        assert!(block.bbox.y0 > 0.3 && block.bbox.y1 < 1.0 && block.bbox.y0 < block.bbox.y1, "{block:?}");
        assert!(
            t.html.starts_with("<html><body><table><thead><tr><td>구분</td><td>개정전</td>"),
            "{}",
            t.html
        );
        assert_eq!(t.html.matches("<tr>").count(), 5);
        assert_eq!(crate::teds::teds(&t.html, &t.html).score, 1.0);
    }
}
