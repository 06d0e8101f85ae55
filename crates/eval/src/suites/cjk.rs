//! `cjk`: Korean and Japanese scans of the development set that
//! `scripts/cjk/make_devset.py` renders (Debian's Korean FAQ and Japanese
//! Reference, OFL fonts, clean and degraded 150-dpi pages), CER per set and
//! condition, Parasol with `--lang auto` and with the page's language
//! beside Tesseract and RapidOCR (`scripts/cjk/peers.py`).
//!
//! CER here ignores whitespace: Japanese has no spaces, the ground truth
//! holds one line per rendered line, and a line break is no character on
//! the page; Korean word spacing is left to the word-level measures of the
//! `ocr` suite.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use parasol_pipeline::Lang;

use crate::peers;
use crate::report::{Cell, Report, Table};
use crate::suites::{convert_timed, peer_output, Context, Output, Request};
use crate::text::{levenshtein, ErrorCount};
use crate::EvalError;

/// The peers, in the order their columns appear (`cjk-<peer>.json`).
const PEERS: &[&str] = &["cjk-tesseract", "cjk-rapidocr"];

/// CER over the characters that are not whitespace.
pub fn cer_ignoring_spaces(reference: &str, prediction: &str) -> ErrorCount {
    let r: Vec<char> = reference.chars().filter(|c| !c.is_whitespace()).collect();
    let p: Vec<char> = prediction.chars().filter(|c| !c.is_whitespace()).collect();
    ErrorCount { errors: levenshtein(&r, &p), reference: r.len() }
}

struct Case {
    image: PathBuf,
    name: String,
    /// `ko`, `koen`, `ja` or `javert` (vertical Japanese).
    set: String,
    /// `clean` or `degraded` (scans), or `born` (born-digital PDFs).
    condition: String,
    truth: String,
}

fn cases(dir: &Path) -> Result<Vec<Case>, EvalError> {
    let mut out = Vec::new();
    let entries =
        std::fs::read_dir(dir).map_err(|source| EvalError::Io { path: dir.to_path_buf(), source })?;
    for entry in entries {
        let image = entry.map_err(|source| EvalError::Io { path: dir.to_path_buf(), source })?.path();
        // Scans (`.png`) and born-digital pages (`.pdf`, condition `born`).
        if image.extension().is_none_or(|e| e != "png" && e != "pdf") {
            continue;
        }
        let name = image.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let mut parts = name.splitn(3, '-');
        let (Some(set), Some(condition)) = (parts.next(), parts.next()) else { continue };
        let truth_path = image.with_extension("txt");
        let truth = std::fs::read_to_string(&truth_path)
            .map_err(|source| EvalError::Io { path: truth_path.clone(), source })?;
        out.push(Case { set: set.to_owned(), condition: condition.to_owned(), name, image, truth });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The language a set is written in (`ja` and `javert` Japanese).
fn language(set: &str) -> Lang {
    if set.starts_with("ja") {
        Lang::Ja
    } else {
        Lang::Ko
    }
}

/// The group a set's figures count in for the targets: Korean,
/// mixed Korean-English lines, and Japanese with its vertical pages
/// included.
fn target_group(set: &str) -> &'static str {
    match set {
        "ko" => "Korean",
        "koen" => "Korean-English",
        s if s.starts_with("ja") => "Japanese (vertical included)",
        _ => "other",
    }
}

/// Spaces with a Han or kana character on each side: Japanese sets no
/// space there, so each one a system adds is a stray space (item 4 of the
/// issue: the CER above ignores whitespace).
pub fn spaces_between_japanese(text: &str) -> usize {
    let japanese =
        |c: char| matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff);
    let chars: Vec<char> = text.chars().collect();
    (1..chars.len().saturating_sub(1))
        .filter(|&i| chars[i] == ' ' && japanese(chars[i - 1]) && japanese(chars[i + 1]))
        .count()
}

#[derive(Default)]
struct Totals {
    cer: ErrorCount,
    seconds: f64,
    pages: usize,
    /// Spaces between Japanese characters beyond the ground truth's.
    stray_spaces: usize,
}

pub(crate) fn run(ctx: &Context<'_>) -> Result<Report, EvalError> {
    let dir = &ctx.paths.cjk;
    let mut report = Report::new("cjk");
    if !dir.is_dir() {
        report.failures.push(format!(
            "no development set in {}: make it with `python3 scripts/cjk/make_devset.py --out {}`",
            dir.display(),
            dir.display()
        ));
        return Ok(report);
    }
    let cases = cases(dir)?;
    let peer_runs = peers::load_all(&ctx.paths.peers, PEERS, &mut report.notes)?;
    if let Err(e) = ctx.converter.warm_up() {
        report.failures.push(format!("Parasol's OCR engine cannot start: {e}"));
        return Ok(report);
    }
    let mut systems = vec!["parasol --lang auto".to_owned(), "parasol --lang ko|ja".to_owned()];
    systems.extend(peer_runs.iter().map(|(p, _)| p.trim_start_matches("cjk-").to_owned()));
    let mut columns = vec!["page".to_owned()];
    columns.extend(systems.iter().flat_map(|s| [format!("{s} CER"), format!("{s} s/page")]));
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut per_page = Table::new("per page (CER ignoring whitespace; s/page wall time)", &columns);
    let mut totals: BTreeMap<(String, String, usize), Totals> = BTreeMap::new();

    for case in &cases {
        let mut outputs: Vec<Option<Output>> = Vec::new();
        for lang in [Lang::Auto, language(&case.set)] {
            // A scan is read by OCR; a born-digital page as any user's
            // would be, its text layer trusted or not by the pipeline.
            let force_ocr = case.condition != "born";
            let request = Request { force_ocr, lang, ..Request::default() };
            let (ours, _) = convert_timed(ctx, &case.image, &request);
            if let Some(e) = &ours.error {
                report.failures.push(format!("parasol --lang {lang} failed on {}: {e}", case.name));
            }
            outputs.push(Some(ours));
        }
        for (_, run) in &peer_runs {
            outputs.push(peer_output(run.as_ref(), &case.name));
        }
        let mut row = vec![Cell::text(case.name.trim_end_matches(".png"))];
        for (i, out) in outputs.iter().enumerate() {
            match out {
                Some(o) => {
                    let e = cer_ignoring_spaces(&case.truth, o.text.as_deref().unwrap_or(""));
                    row.push(Cell::num(e.rate(), 4));
                    row.push(Cell::num(o.seconds_per_page(), 2));
                    let t = totals.entry((case.set.clone(), case.condition.clone(), i)).or_default();
                    t.cer += e;
                    t.seconds += o.seconds;
                    t.pages += o.pages;
                    t.stray_spaces += spaces_between_japanese(o.text.as_deref().unwrap_or(""))
                        .saturating_sub(spaces_between_japanese(&case.truth));
                }
                None => row.extend([Cell::Missing, Cell::Missing]),
            }
        }
        per_page.push(row);
    }

    let mut summary = Table::new(
        "summary by set and condition (CER: Σ edits / Σ reference characters, whitespace ignored)",
        &["set", "condition", "system", "pages", "CER", "s/page", "stray spaces"],
    );
    for ((set, condition, i), t) in &totals {
        summary.push(vec![
            Cell::text(set),
            Cell::text(condition),
            Cell::text(&systems[*i]),
            Cell::num(t.pages as f64, 0),
            Cell::num(t.cer.rate(), 4),
            Cell::num(t.seconds / t.pages.max(1) as f64, 2),
            Cell::num(t.stray_spaces as f64, 0),
        ]);
    }
    // The same counts, summed by the targets' groups.
    let mut grouped: BTreeMap<(&str, &str, usize), Totals> = BTreeMap::new();
    for ((set, condition, i), t) in &totals {
        let g = grouped.entry((target_group(set), condition.as_str(), *i)).or_default();
        g.cer += t.cer;
        g.seconds += t.seconds;
        g.pages += t.pages;
        g.stray_spaces += t.stray_spaces;
    }
    let mut by_target = Table::new(
        "by target group (Korean: ko; Korean-English: koen; Japanese: ja and javert together)",
        &["group", "condition", "system", "pages", "CER", "s/page"],
    );
    for ((group, condition, i), t) in &grouped {
        by_target.push(vec![
            Cell::text(*group),
            Cell::text(*condition),
            Cell::text(&systems[*i]),
            Cell::num(t.pages as f64, 0),
            Cell::num(t.cer.rate(), 4),
            Cell::num(t.seconds / t.pages.max(1) as f64, 2),
        ]);
    }
    report.notes.push(format!("development set: {}", dir.display()));
    report.notes.push(
        "sets: ko (Korean), koen (Korean with Latin words), ja (Japanese), javert (Japanese written vertically); \
         conditions: clean and degraded scans (OCR forced), born (born-digital PDFs, read as any user's)"
            .into(),
    );
    report.notes.push(
        "stray spaces: spaces between two Japanese characters beyond the ground truth's (the CER ignores \
         whitespace)"
            .into(),
    );
    report.tables.push(per_page);
    report.tables.push(summary);
    report.tables.push(by_target);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stray_spaces_are_counted_only_between_japanese_characters() {
        assert_eq!(spaces_between_japanese("歧 义 パッケージ"), 2);
        assert_eq!(spaces_between_japanese("libpam-doc パッケージ です"), 1);
        assert_eq!(spaces_between_japanese("한국어 문장 Debian"), 0);
        assert_eq!(spaces_between_japanese(" 日"), 0);
    }

    #[test]
    fn sets_group_by_target() {
        assert_eq!(target_group("ja"), target_group("javert"));
        assert_ne!(target_group("ko"), target_group("koen"));
    }
}
