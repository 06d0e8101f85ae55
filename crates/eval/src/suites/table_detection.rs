//! `table-detection`: whether Parasol finds the tables a user's pages hold,
//! and only those, with no hint.
//!
//! Two measures, both through the default conversion a user runs:
//! - **Whole-image tables**: each PubTabNet crop (the 20 examples and the
//!   competition's 20 validation tables) converted as a plain image, never
//!   declared a table (the `tables` suite declares it, to score structure
//!   alone). Reported: images that give a table, and mean TEDS over all
//!   images (an image without a table scores 0).
//! - **False and missed tables**: every page of Docling's born-digital PDFs
//!   with ground truth and every PubLayNet example page. A table on a page
//!   whose ground truth has none is false; a ground-truth table more than
//!   the page's predicted tables is missed.

use std::collections::HashMap;
use std::path::Path;

use parasol_doc::{Category, Document};
use serde_json::Value;

use crate::corpus;
use crate::report::{Cell, Report, Table};
use crate::suites::{convert_timed, mean, Availability, Context, Request};
use crate::teds::teds;
use crate::{read_json, EvalError};

/// Tables per page (1-based page number) of a converted document.
pub(crate) fn tables_per_page(doc: &Document) -> HashMap<usize, usize> {
    let mut out = HashMap::new();
    for e in doc.elements.iter().filter(|e| e.category == Category::Table) {
        *out.entry(e.page).or_insert(0) += 1;
    }
    out
}

/// Page count and ground-truth tables per page of a DoclingDocument JSON.
pub(crate) fn docling_tables(path: &Path) -> Result<(usize, HashMap<usize, usize>), EvalError> {
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

    fn row(&self, set: &str) -> Vec<Cell> {
        let n = |v: usize| Cell::num(v as f64, 0);
        vec![
            Cell::text(set),
            n(self.pages),
            n(self.text_pages),
            n(self.false_tables),
            n(self.table_pages),
            n(self.truth_tables),
            n(self.missed_tables),
        ]
    }
}

pub(crate) fn run(ctx: &Context<'_>) -> Result<Report, EvalError> {
    let capabilities = ctx.converter.capabilities();
    if let Availability::NotAvailable(reason) = capabilities.tables {
        return Ok(Report::not_available("table-detection", reason));
    }
    let mut report = Report::new("table-detection");
    if let Err(e) = ctx.converter.warm_up() {
        report.failures.push(format!("Parasol's engine cannot start: {e}"));
        return Ok(report);
    }
    whole_images(ctx, &mut report)?;
    pages(ctx, &mut report)?;
    Ok(report)
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

fn pages(ctx: &Context<'_>, report: &mut Report) -> Result<(), EvalError> {
    let c = &ctx.paths.corpus;
    let mut per_page = Table::new(
        "pages whose predicted table count differs from the ground truth",
        &["set", "file", "page", "truth tables", "predicted"],
    );
    let mut summary = Table::new(
        "false and missed tables (false: tables on pages whose truth has none; missed: truth tables \
         beyond the page's predicted ones)",
        &["set", "pages", "text-only pages", "false tables", "pages with tables", "truth tables", "missed"],
    );

    let mut docling = Counts::default();
    let truth_dir = c.join("docling/pdf/groundtruth");
    for pdf in corpus::files_with(&c.join("docling/pdf/sources"), &["pdf"])? {
        let stem = pdf.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let truth_path = truth_dir.join(format!("{stem}.json"));
        if !truth_path.is_file() {
            continue;
        }
        let (n_pages, truth) = docling_tables(&truth_path)?;
        let (out, conversion) = convert_timed(ctx, &pdf, &Request::default());
        if let Some(e) = &out.error {
            report.failures.push(format!("parasol failed on {stem}: {e}"));
            continue;
        }
        let found = conversion.as_ref().map(|c| tables_per_page(&c.document)).unwrap_or_default();
        for page in 1..=n_pages {
            let (t, f) = (truth.get(&page).copied().unwrap_or(0), found.get(&page).copied().unwrap_or(0));
            docling.page(t, f);
            if t != f {
                per_page.push(vec![
                    Cell::text("docling"),
                    Cell::text(&stem),
                    Cell::num(page as f64, 0),
                    Cell::num(t as f64, 0),
                    Cell::num(f as f64, 0),
                ]);
            }
        }
    }

    let mut publaynet = Counts::default();
    let layout = corpus::publaynet(c)?;
    let table_class = layout.classes.iter().position(|n| n == "table");
    for (i, (image, _, _)) in layout.images.iter().enumerate() {
        let truth = layout.boxes.iter().filter(|b| b.image == i && Some(b.class) == table_class).count();
        let (out, conversion) = convert_timed(ctx, image, &Request::default());
        let name = image.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        if let Some(e) = &out.error {
            report.failures.push(format!("parasol failed on {name}: {e}"));
            continue;
        }
        let found = conversion.as_ref().map_or(0, |c| tables_per_page(&c.document).values().sum());
        publaynet.page(truth, found);
        if truth != found {
            per_page.push(vec![
                Cell::text("publaynet"),
                Cell::text(&name),
                Cell::num(1.0, 0),
                Cell::num(truth as f64, 0),
                Cell::num(found as f64, 0),
            ]);
        }
    }
    let mut all = docling;
    all.add(&publaynet);
    summary.push(docling.row("docling"));
    summary.push(publaynet.row("publaynet"));
    summary.push(all.row("all"));
    report.tables.push(per_page);
    report.tables.push(summary);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
            docling_tables(&root.join("docling/pdf/groundtruth/normal_4pages.json")).unwrap();
        assert_eq!(pages, 4);
        assert_eq!(per_page, HashMap::from([(2, 1)]));
    }
}
