//! `varied`: the mix of pages a user brings, each through the default
//! conversion (no hint, no forced OCR), scored on everything the corpus has
//! ground truth for, by kind of document.
//!
//! - **Text edit**: normalised edit distance, Levenshtein over characters
//!   of whitespace-normalised text divided by the longer length
//!   (OmniDocBench's page measure; 0 is perfect). Born-digital documents
//!   are scored without table and figure content, like their Docling ground
//!   truth; scans on all their text. Peers beside: `pdftotext` on the PDFs,
//!   Tesseract and RapidOCR on the scans (`scripts/peers/run.sh`).
//! - **Reading order**: [`crate::order`]'s edit distance, where the ground
//!   truth has boxes in order (Docling's PDFs).
//! - **Table TEDS on pages**: each ground-truth table scored against the
//!   predicted table on its page that overlaps it most (IoU ≥ 0.1, each
//!   used once); a table with none scores 0.
//! - **Whole-image tables**: each PubTabNet crop (the 20 examples and the
//!   competition's 20 validation tables) converted as a plain image, never
//!   declared a table (the `tables` suite declares it, to score structure
//!   alone): images that give a table, and mean TEDS of the first table
//!   over all images (an image without a table scores 0).
//! - **False and missed tables** on pages whose ground truth lists tables
//!   (Docling's PDFs, PubLayNet), and the tables found on forms, receipts
//!   and scans, whose ground truth says nothing about tables.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use parasol_doc::{BBox, Category, Document};
use serde_json::Value;

use crate::corpus::{self, OcrCase, TruthTable};
use crate::order::reading_order;
use crate::peers::{self, OCR_PEERS, TEXT_LAYER_PEERS};
use crate::report::{Cell, Report, Table};
use crate::suites::docling::{prediction_blocks, prediction_text};
use crate::suites::{convert_timed, mean, peer_output, Availability, Context, Request};
use crate::teds::{pubtabnet_html, teds};
use crate::text::{levenshtein, normalize_whitespace};
use crate::{read_json, EvalError};

/// Docling's born-digital PDFs by kind of document.
const DOCLING_KINDS: &[(&str, &str)] = &[
    ("2305.03393v1-pg9", "paper page with a table"),
    ("amt_handbook_sample", "handbook, two columns"),
    ("code_and_formula", "code and formulas"),
    ("multi_page", "article, five pages"),
    ("normal_4pages", "Korean report"),
    ("picture_classification", "figures"),
    ("redp5110_sampled", "technical manual"),
    ("right_to_left_01", "right-to-left"),
    ("right_to_left_02", "right-to-left"),
    ("right_to_left_03", "right-to-left"),
    ("table_mislabeled_as_picture", "table drawn as a picture"),
];

/// The OCR sets by kind of document.
fn ocr_kind(set: &str) -> &'static str {
    match set {
        "funsd" => "form scans",
        "sroie" => "receipt scans",
        "docling-ocr" => "scanned page, four rotations",
        _ => "printed scans",
    }
}

/// Least IoU between a truth table and the predicted table it is scored against.
const MIN_TABLE_IOU: f32 = 0.1;

/// Normalised edit distance between two texts (whitespace-normalised
/// characters): 0 for identical, 1 for nothing in common.
pub(crate) fn text_edit(truth: &str, prediction: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) =
        (normalize_whitespace(truth).chars().collect(), normalize_whitespace(prediction).chars().collect());
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 0.0;
    }
    levenshtein(&a, &b) as f64 / longer as f64
}

/// A predicted table: page, box normalised to the page, PubTabNet HTML.
struct Predicted {
    page: usize,
    bbox: BBox,
    html: String,
}

fn predicted_tables(doc: &Document) -> Vec<Predicted> {
    doc.elements
        .iter()
        .filter(|e| e.category == Category::Table)
        .filter_map(|e| {
            let page = doc.pages.iter().find(|p| p.number == e.page)?;
            let (w, h) = (page.width.max(1.0), page.height.max(1.0));
            let b = &e.bbox;
            Some(Predicted {
                page: e.page,
                bbox: BBox::new(b.x0 / w, b.y0 / h, b.x1 / w, b.y1 / h),
                html: e.table.as_ref().map(pubtabnet_html).unwrap_or_default(),
            })
        })
        .collect()
}

/// TEDS of each truth table against the most-overlapping unused predicted
/// table on its page (0 when there is none).
fn page_teds(truth: &[TruthTable], predicted: &[Predicted]) -> Vec<f64> {
    let mut used = vec![false; predicted.len()];
    truth
        .iter()
        .map(|t| {
            let Some(block) = t.block else { return 0.0 };
            let best = predicted
                .iter()
                .enumerate()
                .filter(|(i, p)| !used[*i] && p.page == block.page)
                .map(|(i, p)| (i, block.bbox.iou(&p.bbox)))
                .filter(|(_, iou)| *iou >= MIN_TABLE_IOU)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            match best {
                Some((i, _)) => {
                    used[i] = true;
                    teds(&predicted[i].html, &t.html).score
                }
                None => 0.0,
            }
        })
        .collect()
}

/// Tables per page (1-based page number) of a converted document.
pub(crate) fn tables_per_page(doc: &Document) -> HashMap<usize, usize> {
    let mut out = HashMap::new();
    for e in doc.elements.iter().filter(|e| e.category == Category::Table) {
        *out.entry(e.page).or_insert(0) += 1;
    }
    out
}

/// Page count and ground-truth tables per page of a DoclingDocument JSON.
pub(crate) fn docling_table_counts(path: &Path) -> Result<(usize, HashMap<usize, usize>), EvalError> {
    let doc: Value = read_json(path)?;
    let pages = doc.get("pages").and_then(Value::as_object).map_or(0, |p| p.len());
    let mut per_page = HashMap::new();
    for t in doc.get("tables").and_then(Value::as_array).into_iter().flatten() {
        if let Some(page) = t.pointer("/prov/0/page_no").and_then(Value::as_u64) {
            *per_page.entry(page as usize).or_insert(0) += 1;
        }
    }
    Ok((pages, per_page))
}

/// False and missed tables over a set of pages.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Counts {
    pub(crate) pages: usize,
    pub(crate) text_pages: usize,
    pub(crate) false_tables: usize,
    pub(crate) table_pages: usize,
    pub(crate) truth_tables: usize,
    pub(crate) missed_tables: usize,
}

impl Counts {
    /// Adds one page: `truth` tables in the ground truth, `found` predicted.
    pub(crate) fn page(&mut self, truth: usize, found: usize) {
        self.pages += 1;
        if truth == 0 {
            self.text_pages += 1;
            self.false_tables += found;
        } else {
            self.table_pages += 1;
            self.truth_tables += truth;
            self.missed_tables += truth.saturating_sub(found);
        }
    }

    /// Adds another set's counts.
    pub(crate) fn add(&mut self, other: &Counts) {
        self.pages += other.pages;
        self.text_pages += other.text_pages;
        self.false_tables += other.false_tables;
        self.table_pages += other.table_pages;
        self.truth_tables += other.truth_tables;
        self.missed_tables += other.missed_tables;
    }
}

pub(crate) fn whole_images(ctx: &Context<'_>, report: &mut Report) -> Result<(), EvalError> {
    let cases = corpus::table_cases(&ctx.paths.corpus)?;
    let mut per_image = Table::new(
        "whole-image tables, no hint (first predicted table; none found scores 0)",
        &["set", "file", "tables", "TEDS"],
    );
    let mut by_set: Vec<(&str, usize, Vec<f64>)> = Vec::new();
    for case in &cases {
        let (out, conversion) = convert_timed(ctx, &case.image, &Request::default());
        if let Some(e) = &out.error {
            report.notes.push(format!("parasol failed on {}: {e} (scored 0)", case.rel));
        }
        let found = conversion.as_ref().map_or(0, |c| c.tables.len());
        let score = conversion
            .as_ref()
            .and_then(|c| c.tables.first())
            .map_or(0.0, |html| teds(html, &case.truth_html).score);
        let file = case.rel.rsplit('/').next().unwrap_or(&case.rel);
        per_image.push(vec![
            Cell::text(case.set),
            Cell::text(file),
            Cell::num(found as f64, 0),
            Cell::num(score, 4),
        ]);
        match by_set.iter_mut().find(|(s, _, _)| *s == case.set) {
            Some((_, n, scores)) => {
                *n += usize::from(found > 0);
                scores.push(score);
            }
            None => by_set.push((case.set, usize::from(found > 0), vec![score])),
        }
    }
    let mut summary = Table::new(
        "whole-image tables, no hint: summary (TEDS over all images)",
        &["set", "images", "with a table", "mean TEDS"],
    );
    for (set, with_table, scores) in &by_set {
        summary.push(vec![
            Cell::text(*set),
            Cell::num(scores.len() as f64, 0),
            Cell::num(*with_table as f64, 0),
            Cell::opt(mean(scores), 4),
        ]);
    }
    report.tables.push(per_image);
    report.tables.push(summary);
    Ok(())
}

/// Scores of one kind of document.
#[derive(Default)]
struct Kind {
    files: usize,
    pages: usize,
    edit: Vec<f64>,
    /// Per peer (in column order): text edit over the same files.
    peer_edit: BTreeMap<usize, Vec<f64>>,
    order: Vec<f64>,
    teds: Vec<f64>,
    counts: Counts,
    /// Tables found where the ground truth says nothing about tables.
    unjudged_tables: Option<usize>,
    seconds: f64,
}

impl Kind {
    /// The text edit of each peer among `peers` that has output for `rel`.
    fn add_peers(&mut self, peer_runs: &PeerRuns, peers: &[&str], rel: &str, truth: &str) {
        for (i, (name, run)) in peer_runs.iter().enumerate() {
            if !peers.contains(&name.as_str()) {
                continue;
            }
            if let Some(p) = peer_output(run.as_ref(), rel) {
                self.peer_edit.entry(i).or_default().push(text_edit(truth, p.text.as_deref().unwrap_or("")));
            }
        }
    }
}

pub(crate) fn run(ctx: &Context<'_>) -> Result<Report, EvalError> {
    if let Availability::NotAvailable(reason) = ctx.converter.capabilities().tables {
        return Ok(Report::not_available("varied", reason));
    }
    let mut report = Report::new(if ctx.quick { "varied (quick subset)" } else { "varied" });
    let mut peer_names: Vec<&str> = TEXT_LAYER_PEERS.to_vec();
    peer_names.extend(OCR_PEERS);
    let peer_runs = peers::load_all(&ctx.paths.peers, &peer_names, &mut report.notes)?;
    if let Err(e) = ctx.converter.warm_up() {
        report.failures.push(format!("Parasol's engine cannot start: {e}"));
        return Ok(report);
    }
    let mut kinds: Vec<(String, Kind)> = Vec::new();
    let mut per_file = Table::new(
        "per file (text edit: lower is better; order: edit distance of the reading order; TEDS: mean over \
         the file's truth tables)",
        &["kind", "file", "pages", "text edit", "order", "truth tables", "TEDS", "tables found", "s/page"],
    );
    born_digital(ctx, &peer_runs, &mut kinds, &mut per_file, &mut report)?;
    scans(ctx, &peer_runs, &mut kinds, &mut per_file, &mut report)?;
    if !ctx.quick {
        publaynet(ctx, &mut kinds, &mut per_file, &mut report)?;
    }

    let mut columns = vec!["kind", "files", "pages", "text edit"];
    let peer_headers: Vec<String> = peer_runs.iter().map(|(p, _)| format!("{p} text edit")).collect();
    columns.extend(peer_headers.iter().map(String::as_str));
    columns.extend([
        "order",
        "truth tables",
        "TEDS (pages)",
        "text-only pages",
        "false tables",
        "missed tables",
        "tables, no truth",
        "s/page",
    ]);
    let mut summary = Table::new(
        "by kind of document (means over files; TEDS over truth tables, a missed table scores 0; \
         false: tables on pages whose truth has none; missed: truth tables beyond the page's predicted ones)",
        &columns,
    );
    let mut all = Kind::default();
    let mut all_unjudged = 0;
    for (name, k) in &kinds {
        summary.push(kind_row(name, k, peer_runs.len()));
        all.files += k.files;
        all.pages += k.pages;
        all.edit.extend(&k.edit);
        for (i, v) in &k.peer_edit {
            all.peer_edit.entry(*i).or_default().extend(v);
        }
        all.order.extend(&k.order);
        all.teds.extend(&k.teds);
        all.counts.add(&k.counts);
        all_unjudged += k.unjudged_tables.unwrap_or(0);
        all.seconds += k.seconds;
    }
    all.unjudged_tables = Some(all_unjudged);
    summary.push(kind_row("all", &all, peer_runs.len()));
    report.tables.push(per_file);
    report.tables.push(summary);
    if !ctx.quick {
        whole_images(ctx, &mut report)?;
    }
    report.notes.push(
        "born-digital ground truth is Docling's own output (tables and figures' content excluded from text): \
         good for text, order and table structure, biased as a target"
            .into(),
    );
    report.notes.push(
        "a peer's text edit covers the files it has output for; pdftotext's text includes table cells, which \
         the truth leaves out"
            .into(),
    );
    Ok(report)
}

fn kind_row(name: &str, k: &Kind, peers: usize) -> Vec<Cell> {
    let n = |v: usize| Cell::num(v as f64, 0);
    let mut row = vec![Cell::text(name), n(k.files), n(k.pages), Cell::opt(mean(&k.edit), 4)];
    for i in 0..peers {
        row.push(Cell::opt(k.peer_edit.get(&i).and_then(|v| mean(v)), 4));
    }
    let judged = k.counts.pages > 0;
    row.extend([
        Cell::opt(mean(&k.order), 4),
        n(k.teds.len()),
        Cell::opt(mean(&k.teds), 4),
        if judged { n(k.counts.text_pages) } else { Cell::Missing },
        if judged { n(k.counts.false_tables) } else { Cell::Missing },
        if judged { n(k.counts.missed_tables) } else { Cell::Missing },
        k.unjudged_tables.map_or(Cell::Missing, n),
        Cell::num(k.seconds / k.pages.max(1) as f64, 3),
    ]);
    row
}

fn kind<'k>(kinds: &'k mut Vec<(String, Kind)>, name: &str) -> &'k mut Kind {
    let i = match kinds.iter().position(|(n, _)| n == name) {
        Some(i) => i,
        None => {
            kinds.push((name.to_owned(), Kind::default()));
            kinds.len() - 1
        }
    };
    &mut kinds[i].1
}

type PeerRuns = [(String, Option<peers::PeerRun>)];

fn born_digital(
    ctx: &Context<'_>,
    peer_runs: &PeerRuns,
    kinds: &mut Vec<(String, Kind)>,
    per_file: &mut Table,
    report: &mut Report,
) -> Result<(), EvalError> {
    let c = &ctx.paths.corpus;
    let truth_dir = c.join("docling/pdf/groundtruth");
    let quick = ["2305.03393v1-pg9", "normal_4pages"];
    for (stem, kind_name) in DOCLING_KINDS {
        if ctx.quick && !quick.contains(stem) {
            continue;
        }
        let pdf = c.join("docling/pdf/sources").join(format!("{stem}.pdf"));
        let truth_path = truth_dir.join(format!("{stem}.json"));
        let texts = corpus::docling_texts(&truth_path)?;
        let truth_tables = corpus::docling_tables(&truth_path)?;
        let (n_pages, truth_counts) = docling_table_counts(&truth_path)?;
        let rel = corpus::relative(c, &pdf);
        let (out, conversion) = convert_timed(ctx, &pdf, &Request::default());
        let k = kind(kinds, kind_name);
        k.files += 1;
        k.pages += n_pages;
        k.seconds += out.seconds;
        let truth = corpus::docling_text(&texts);
        k.add_peers(peer_runs, TEXT_LAYER_PEERS, &rel, &truth);
        let Some(conv) = conversion else {
            report.failures.push(format!("parasol failed on {rel}: {}", out.error.unwrap_or_default()));
            k.edit.push(1.0);
            k.teds.extend(truth_tables.iter().map(|_| 0.0));
            continue;
        };
        let doc = &conv.document;
        let edit = text_edit(&truth, &prediction_text(doc));
        let truth_blocks: Vec<_> =
            texts.iter().filter(|t| !t.text.trim().is_empty()).filter_map(|t| t.block).collect();
        let order = reading_order(&truth_blocks, &prediction_blocks(doc)).distance;
        let scores = page_teds(&truth_tables, &predicted_tables(doc));
        let found = tables_per_page(doc);
        for page in 1..=n_pages {
            k.counts
                .page(truth_counts.get(&page).copied().unwrap_or(0), found.get(&page).copied().unwrap_or(0));
        }
        k.edit.push(edit);
        k.order.push(order);
        k.teds.extend(&scores);
        per_file.push(vec![
            Cell::text(*kind_name),
            Cell::text(*stem),
            Cell::num(n_pages as f64, 0),
            Cell::num(edit, 4),
            Cell::num(order, 4),
            Cell::num(truth_tables.len() as f64, 0),
            Cell::opt(mean(&scores), 4),
            Cell::num(found.values().sum::<usize>() as f64, 0),
            Cell::num(out.seconds_per_page(), 3),
        ]);
    }
    Ok(())
}

fn scans(
    ctx: &Context<'_>,
    peer_runs: &PeerRuns,
    kinds: &mut Vec<(String, Kind)>,
    per_file: &mut Table,
    report: &mut Report,
) -> Result<(), EvalError> {
    let cases: Vec<OcrCase> = corpus::ocr_cases(&ctx.paths.corpus, ctx.quick)?;
    for case in &cases {
        let (out, conversion) = convert_timed(ctx, &case.file, &Request::default());
        let kind_name = ocr_kind(case.set);
        let k = kind(kinds, kind_name);
        k.files += 1;
        k.pages += out.pages;
        k.seconds += out.seconds;
        k.add_peers(peer_runs, OCR_PEERS, &case.rel, &case.truth);
        if let Some(e) = &out.error {
            report.failures.push(format!("parasol failed on {}: {e}", case.rel));
        }
        let edit = text_edit(&case.truth, out.text.as_deref().unwrap_or(""));
        let found = conversion.as_ref().map_or(0, |c| tables_per_page(&c.document).values().sum::<usize>());
        k.edit.push(edit);
        *k.unjudged_tables.get_or_insert(0) += found;
        let file = case.rel.rsplit('/').next().unwrap_or(&case.rel);
        per_file.push(vec![
            Cell::text(kind_name),
            Cell::text(file),
            Cell::num(out.pages as f64, 0),
            Cell::num(edit, 4),
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            Cell::num(found as f64, 0),
            Cell::num(out.seconds_per_page(), 3),
        ]);
    }
    Ok(())
}

fn publaynet(
    ctx: &Context<'_>,
    kinds: &mut Vec<(String, Kind)>,
    per_file: &mut Table,
    report: &mut Report,
) -> Result<(), EvalError> {
    let layout = corpus::publaynet(&ctx.paths.corpus)?;
    let table_class = layout.classes.iter().position(|n| n == "table");
    let mut truth_per_image: HashMap<usize, usize> = HashMap::new();
    for b in layout.boxes.iter().filter(|b| Some(b.class) == table_class) {
        *truth_per_image.entry(b.image).or_insert(0) += 1;
    }
    let kind_name = "article pages (PubLayNet)";
    for (i, (image, _, _)) in layout.images.iter().enumerate() {
        let truth = truth_per_image.get(&i).copied().unwrap_or(0);
        let (out, conversion) = convert_timed(ctx, image, &Request::default());
        let name = image.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let k = kind(kinds, kind_name);
        k.files += 1;
        k.pages += 1;
        k.seconds += out.seconds;
        if let Some(e) = &out.error {
            report.failures.push(format!("parasol failed on {name}: {e}"));
        }
        let found = conversion.as_ref().map_or(0, |c| tables_per_page(&c.document).values().sum());
        k.counts.page(truth, found);
        per_file.push(vec![
            Cell::text(kind_name),
            Cell::text(&name),
            Cell::num(1.0, 0),
            Cell::Missing,
            Cell::Missing,
            Cell::num(truth as f64, 0),
            Cell::Missing,
            Cell::num(found as f64, 0),
            Cell::num(out.seconds_per_page(), 3),
        ]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_edit_is_normalised_by_the_longer_text() {
        assert_eq!(text_edit("abc", "abc"), 0.0);
        assert_eq!(text_edit("a  b\nc", "a b c"), 0.0);
        assert_eq!(text_edit("abcd", "abxd"), 0.25);
        assert_eq!(text_edit("ab", "abcd"), 0.5);
        assert_eq!(text_edit("abc", ""), 1.0);
        assert_eq!(text_edit("", ""), 0.0);
    }

    fn table(cells: &str) -> String {
        format!("<html><body><table><tr>{cells}</tr></table></body></html>")
    }

    #[test]
    fn each_truth_table_takes_the_most_overlapping_unused_table_on_its_page() {
        let truth = |page, y0: f32, cells: &str| TruthTable {
            block: Some(crate::order::Block { page, bbox: BBox::new(0.1, y0, 0.9, y0 + 0.2) }),
            html: table(cells),
        };
        let predicted = |page, y0: f32, cells: &str| Predicted {
            page,
            bbox: BBox::new(0.1, y0, 0.9, y0 + 0.2),
            html: table(cells),
        };
        let truths = [truth(1, 0.1, "<td>a</td>"), truth(1, 0.5, "<td>b</td>"), truth(2, 0.1, "<td>c</td>")];
        // The second prediction overlaps the second truth table; the first
        // truth table's match lies on the wrong page; nothing matches the third.
        let preds = [predicted(2, 0.5, "<td>a</td>"), predicted(1, 0.52, "<td>b</td>")];
        assert_eq!(page_teds(&truths, &preds), vec![0.0, 1.0, 0.0]);
        // A table used once is not used again.
        let twice = [truth(1, 0.1, "<td>a</td>"), truth(1, 0.1, "<td>a</td>")];
        assert_eq!(page_teds(&twice, &[predicted(1, 0.1, "<td>a</td>")]), vec![1.0, 0.0]);
    }

    #[test]
    fn false_and_missed_tables_are_counted_per_page() {
        let mut c = Counts::default();
        c.page(0, 0);
        c.page(0, 2); // two false tables
        c.page(3, 1); // two missed
        c.page(1, 2); // an extra table on a table page is neither
        assert_eq!(
            c,
            Counts {
                pages: 4,
                text_pages: 2,
                false_tables: 2,
                table_pages: 2,
                truth_tables: 4,
                missed_tables: 2
            }
        );
    }

    #[test]
    fn docling_truth_tables_are_read_per_page() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let (pages, per_page) =
            docling_table_counts(&root.join("docling/pdf/groundtruth/normal_4pages.json")).unwrap();
        assert_eq!(pages, 4);
        assert_eq!(per_page, HashMap::from([(2, 1)]));
    }
}
