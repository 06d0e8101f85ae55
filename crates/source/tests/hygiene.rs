//! The text layer of every PDF in the corpus reads as text: no control
//! characters (PDFium's hyphenation marks become hyphens, others go), and,
//! in the real documents (not the fuzzed hostile ones, whose text is noise),
//! no spacing accent left beside the letter it was drawn over.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

mod common;

use parasol_source::{OpenOptions, Source};

/// Spacing accents that typesetters draw over letters (ASCII's `` ` ``, `^`
/// and `~` are left out: beside a letter they are often code).
const ACCENTS: &[char] = &[
    '\u{A8}', '\u{B4}', '\u{AF}', '\u{B8}', '\u{2C6}', '\u{2C7}', '\u{2D8}', '\u{2D9}', '\u{2DA}', '\u{2DB}',
    '\u{2DC}', '\u{2DD}',
];

#[test]
fn corpus_text_layers_have_no_control_characters_and_no_loose_accents() {
    common::pdfium();
    let corpus = common::corpus();
    let (mut documents, mut pages, mut lines) = (0, 0, 0);
    let mut problems = Vec::new();
    for path in common::pdfs(&corpus) {
        // Hostile files that are refused are the other tests' business.
        let Ok(source) = Source::open_path(&path, &OpenOptions::default()) else { continue };
        documents += 1;
        let name = path.strip_prefix(&corpus).unwrap().display().to_string();
        for index in 0..source.page_count() {
            let Ok(page) = source.page(index) else { continue };
            let Some(text) = page.native_text else { continue };
            pages += 1;
            for line in &text.lines {
                lines += 1;
                let chars: Vec<char> = line.text.chars().collect();
                if let Some(c) = chars.iter().find(|c| c.is_control() && **c != '\t' && **c != '\n') {
                    problems.push(format!("{name} p{}: U+{:04X} in {:?}", index + 1, *c as u32, line.text));
                }
                let loose = chars.windows(2).any(|w| {
                    (ACCENTS.contains(&w[0]) && w[1].is_alphabetic())
                        || (w[0].is_alphabetic() && ACCENTS.contains(&w[1]))
                });
                if loose && !name.starts_with("hostile/") {
                    problems.push(format!("{name} p{}: loose accent in {:?}", index + 1, line.text));
                }
            }
        }
    }
    assert!(documents >= 20 && lines > 1000, "{documents} documents, {pages} pages, {lines} lines read");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
