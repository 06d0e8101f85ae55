//! `docling-pdf`: text NID and reading order on Docling's born-digital test
//! PDFs, against the text items of their DoclingDocument ground truth, with
//! `pdftotext` beside Parasol.

use parasol_doc::{BBox, Category, Document};

use crate::corpus::{self, TruthText};
use crate::order::{reading_order, Block};
use crate::peers::{self, TEXT_LAYER_PEERS};
use crate::report::{Cell, Report, Table};
use crate::suites::{convert_timed, mean, peer_output, Context, Request};
use crate::text::nid;
use crate::EvalError;

/// Parasol's text with tables, figures and charts left out (DP-Bench).
pub(crate) fn prediction_text(doc: &Document) -> String {
    doc.elements
        .iter()
        .filter(|e| !matches!(e.category, Category::Table | Category::Figure | Category::Chart))
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parasol's elements as page-normalised blocks, in its reading order.
pub(crate) fn prediction_blocks(doc: &Document) -> Vec<Block> {
    doc.elements
        .iter()
        .filter(|e| !e.text.trim().is_empty())
        .filter_map(|e| {
            let page = doc.pages.iter().find(|p| p.number == e.page)?;
            if page.width <= 0.0 || page.height <= 0.0 {
                return None;
            }
            let b = &e.bbox;
            let (w, h) = (page.width, page.height);
            Some(Block { page: e.page, bbox: BBox::new(b.x0 / w, b.y0 / h, b.x1 / w, b.y1 / h) })
        })
        .collect()
}

fn truth_blocks(texts: &[TruthText]) -> Vec<Block> {
    texts.iter().filter(|t| !t.text.trim().is_empty()).filter_map(|t| t.block).collect()
}

pub(crate) fn run(ctx: &Context<'_>) -> Result<Report, EvalError> {
    let c = &ctx.paths.corpus;
    let sources = c.join("docling/pdf/sources");
    let truth_dir = c.join("docling/pdf/groundtruth");
    let mut report = Report::new("docling-pdf");
    let peer_runs = peers::load_all(&ctx.paths.peers, TEXT_LAYER_PEERS, &mut report.notes)?;
    if let Err(e) = ctx.converter.warm_up() {
        report.failures.push(format!("Parasol's engine cannot start: {e}"));
        return Ok(report);
    }
    let mut columns = vec!["file", "pages", "parasol NID", "parasol order", "matched", "parasol s/page"];
    let headers: Vec<String> =
        peer_runs.iter().flat_map(|(p, _)| [format!("{p} NID"), format!("{p} s/page")]).collect();
    columns.extend(headers.iter().map(String::as_str));
    let mut table = Table::new(
        "per file (NID: 1 − indel / total length, higher is better; order: 1 − normalised edit distance)",
        &columns,
    );
    let (mut nids, mut orders, mut secs, mut pages) = (Vec::new(), Vec::new(), 0.0, 0usize);
    let mut peer_nids: Vec<Vec<f64>> = vec![Vec::new(); peer_runs.len()];
    let mut peer_time: Vec<(f64, usize)> = vec![(0.0, 0); peer_runs.len()];
    let mut skipped = Vec::new();

    for pdf in corpus::files_with(&sources, &["pdf"])? {
        let stem = pdf.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let truth_path = truth_dir.join(format!("{stem}.json"));
        if !truth_path.is_file() {
            skipped.push(stem);
            continue;
        }
        let texts = corpus::docling_texts(&truth_path)?;
        let truth_text = corpus::docling_text(&texts);
        let rel = corpus::relative(c, &pdf);
        let (out, conversion) = convert_timed(ctx, &pdf, &Request::default());
        let mut row = vec![Cell::text(&stem)];
        match conversion {
            Some(conv) => {
                let score = nid(&truth_text, &prediction_text(&conv.document));
                let order = reading_order(&truth_blocks(&texts), &prediction_blocks(&conv.document));
                nids.push(score);
                orders.push(1.0 - order.distance);
                secs += out.seconds;
                pages += out.pages;
                row.extend([
                    Cell::num(out.pages as f64, 0),
                    Cell::num(score, 4),
                    Cell::num(1.0 - order.distance, 4),
                    Cell::text(format!("{}/{}", order.matched, order.total)),
                    Cell::num(out.seconds_per_page(), 3),
                ]);
            }
            None => {
                let e = out.error.unwrap_or_default();
                report.failures.push(format!("parasol failed on {rel}: {e}"));
                nids.push(0.0);
                row.extend([Cell::Missing, Cell::num(0.0, 4), Cell::Missing, Cell::Missing, Cell::Missing]);
            }
        }
        for (i, (_, run)) in peer_runs.iter().enumerate() {
            match peer_output(run.as_ref(), &rel) {
                Some(p) => {
                    let score = nid(&truth_text, p.text.as_deref().unwrap_or(""));
                    peer_nids[i].push(score);
                    peer_time[i].0 += p.seconds;
                    peer_time[i].1 += p.pages;
                    row.extend([Cell::num(score, 4), Cell::num(p.seconds_per_page(), 3)]);
                }
                None => row.extend([Cell::Missing, Cell::Missing]),
            }
        }
        table.push(row);
    }

    let mut summary = Table::new(
        "summary (means over files; s/page: Σ seconds / Σ pages)",
        &["system", "files", "NID", "reading order", "s/page"],
    );
    summary.push(vec![
        Cell::text("parasol"),
        Cell::num(nids.len() as f64, 0),
        Cell::opt(mean(&nids), 4),
        Cell::opt(mean(&orders), 4),
        Cell::num(secs / pages.max(1) as f64, 3),
    ]);
    for (i, (name, _)) in peer_runs.iter().enumerate() {
        summary.push(vec![
            Cell::text(name),
            Cell::num(peer_nids[i].len() as f64, 0),
            Cell::opt(mean(&peer_nids[i]), 4),
            Cell::Missing,
            Cell::num(peer_time[i].0 / peer_time[i].1.max(1) as f64, 3),
        ]);
    }
    report.tables.push(table);
    report.tables.push(summary);
    if !skipped.is_empty() {
        report.notes.push(format!("no ground truth, not scored: {}", skipped.join(", ")));
    }
    report.notes.push(
        "ground truth is Docling's own output (text items in body order, page headers/footers included, \
         table and picture content excluded): good for text and order, biased as a target"
            .into(),
    );
    report.notes.push(format!(
        "reading order: truth items matched to the element covering ≥ {:.0}% of their box; matched/total shown",
        crate::order::MIN_COVERAGE * 100.0
    ));
    Ok(report)
}
