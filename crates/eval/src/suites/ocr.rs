//! `ocr`: CER, WER and word-bag F1 on scanned pages (Tesseract's test set,
//! FUNSD forms, SROIE receipts, Docling's scanned page and its rotations),
//! Parasol beside RapidOCR and Tesseract, with seconds per page.

use std::collections::BTreeMap;

use crate::corpus::{self, OcrCase};
use crate::peers::{self, OCR_PEERS};
use crate::report::{Cell, Report, Table};
use crate::suites::{convert_timed, peer_output, Context, Output, Request};
use crate::text::{cer, wer, word_bag_f1, ErrorCount};
use crate::EvalError;

/// Totals of one system over one set.
#[derive(Debug, Default, Clone)]
struct Totals {
    files: usize,
    cer: ErrorCount,
    wer: ErrorCount,
    bag: Vec<f64>,
    seconds: f64,
    pages: usize,
    errors: usize,
}

impl Totals {
    fn add(&mut self, truth: &str, out: &Output) {
        let text = out.text.as_deref().unwrap_or("");
        self.files += 1;
        self.cer += cer(truth, text);
        self.wer += wer(truth, text);
        self.bag.push(word_bag_f1(truth, text));
        self.seconds += out.seconds;
        self.pages += out.pages;
        self.errors += usize::from(out.text.is_none());
    }
}

pub(crate) fn run(ctx: &Context<'_>) -> Result<Report, EvalError> {
    let cases = corpus::ocr_cases(&ctx.paths.corpus, ctx.quick)?;
    let mut report = Report::new(if ctx.quick { "ocr (quick subset)" } else { "ocr" });
    let peer_runs = peers::load_all(&ctx.paths.peers, OCR_PEERS, &mut report.notes)?;
    if let Err(e) = ctx.converter.warm_up() {
        report.failures.push(format!("Parasol's OCR engine cannot start: {e}"));
        return Ok(report);
    }
    let mut systems: Vec<&str> = vec!["parasol"];
    systems.extend(peer_runs.iter().map(|(p, _)| p.as_str()));

    let mut columns = vec!["set", "file"];
    let headers: Vec<String> =
        systems.iter().flat_map(|s| [format!("{s} CER"), format!("{s} s/page")]).collect();
    columns.extend(headers.iter().map(String::as_str));
    let mut per_file = Table::new("per file (CER on whitespace-normalised text; s/page wall time)", &columns);
    // (set, system) → totals; "all" collects every set.
    let mut totals: BTreeMap<(String, usize), Totals> = BTreeMap::new();
    let mut missing: BTreeMap<&str, usize> = BTreeMap::new();

    for case in &cases {
        let mut outputs: Vec<Option<Output>> = Vec::new();
        let (ours, _) = convert_timed(ctx, &case.file, &Request { force_ocr: true, ..Request::default() });
        if let Some(e) = &ours.error {
            report.notes.push(format!("parasol failed on {}: {e} (scored as empty output)", case.rel));
        }
        outputs.push(Some(ours));
        for (name, run) in &peer_runs {
            let out = peer_output(run.as_ref(), &case.rel);
            if out.is_none() && run.is_some() {
                *missing.entry(name.as_str()).or_default() += 1;
            }
            outputs.push(out);
        }
        per_file.push(row(case, &outputs));
        for (i, out) in outputs.iter().enumerate() {
            if let Some(out) = out {
                for set in [case.set, "all"] {
                    totals.entry((set.to_owned(), i)).or_default().add(&case.truth, out);
                }
            }
        }
    }
    for (peer, n) in missing {
        report.notes.push(format!("peer {peer} has no output for {n} files; its summary covers the rest"));
    }

    let mut summary = Table::new(
        "summary by set (CER/WER: Σ edits / Σ reference length; bag F1: mean; s/page: Σ seconds / Σ pages)",
        &["set", "system", "files", "CER", "WER", "bag F1", "s/page", "failed"],
    );
    let mut sets: Vec<&str> = Vec::new();
    for c in &cases {
        if !sets.contains(&c.set) {
            sets.push(c.set);
        }
    }
    sets.push("all");
    for set in sets {
        for (i, system) in systems.iter().enumerate() {
            let Some(t) = totals.get(&(set.to_owned(), i)) else { continue };
            summary.push(vec![
                Cell::text(set),
                Cell::text(*system),
                Cell::num(t.files as f64, 0),
                Cell::num(t.cer.rate(), 4),
                Cell::num(t.wer.rate(), 4),
                Cell::opt(super::mean(&t.bag), 4),
                Cell::num(t.seconds / t.pages.max(1) as f64, 3),
                Cell::num(t.errors as f64, 0),
            ]);
        }
    }
    report.notes.push(
        "normalisation: whitespace runs (line breaks included) → one space; case, punctuation and diacritics count"
            .into(),
    );
    report.notes.push(
        "FUNSD and SROIE have no single reading order: CER/WER include ordering differences, bag F1 does not"
            .into(),
    );
    report.tables.push(per_file);
    report.tables.push(summary);
    Ok(report)
}

fn row(case: &OcrCase, outputs: &[Option<Output>]) -> Vec<Cell> {
    let file = case.rel.rsplit('/').next().unwrap_or(&case.rel);
    let mut cells = vec![Cell::text(case.set), Cell::text(file)];
    for out in outputs {
        match out {
            Some(o) => {
                let text = o.text.as_deref().unwrap_or("");
                cells.push(Cell::num(cer(&case.truth, text).rate(), 4));
                cells.push(Cell::num(o.seconds_per_page(), 3));
            }
            None => {
                cells.push(Cell::Missing);
                cells.push(Cell::Missing);
            }
        }
    }
    cells
}
