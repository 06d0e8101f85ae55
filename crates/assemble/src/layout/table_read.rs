//! How a table region reads: its structure when it agrees with the
//! words in it, a table of the words' own alignment, or text.

use parasol_doc::{BBox, Table, TextLine};

use crate::PageText;

use super::{contained, LINE_IN_REGION};

/// The text a table region's cells are filled from: the words of its
/// `lines` when the page has words, else `lines` with those that straddle
/// the table's columns split into words. A word belongs to the page line it
/// lies on that holds its text (of several, the one it overlaps most), so
/// the words of a line read outside the table (one that only reaches into
/// it, or overlaps a table line) stay with that line: no word is read twice
/// (found by `fuzz/assemble_geometry`).
pub(super) fn table_words(page: &PageText, table: &Table, lines: &[&TextLine]) -> Vec<TextLine> {
    if page.words.is_empty() {
        return crate::tables::split_straddling(table, lines);
    }
    owned_words(page, lines)
}

/// The page's words that belong to `lines` (see [`table_words`]).
fn owned_words(page: &PageText, lines: &[&TextLine]) -> Vec<TextLine> {
    let Some(area) = lines.iter().map(|l| l.bbox).reduce(|a, b| a.union(&b)) else { return Vec::new() };
    let owner = |w: &TextLine| {
        let overlap = |l: &TextLine| l.bbox.intersection(&w.bbox).map_or(0.0, |x| x.area());
        let holds = |l: &TextLine| l.text.split_whitespace().any(|t| t == w.text);
        page.lines
            .iter()
            .filter(|l| overlap(l) > 0.0)
            .max_by(|a, b| holds(a).cmp(&holds(b)).then(overlap(a).total_cmp(&overlap(b))))
    };
    page.words
        .iter()
        .filter(|w| w.bbox.intersection(&area).is_some())
        .filter(|w| owner(w).is_some_and(|o| lines.iter().any(|l| std::ptr::eq(*l, o))))
        .cloned()
        .collect()
}

/// The score of a table region no detector found: an area of words in a
/// grid (`grid_areas`), or a page declared a table.
const WORDS_FOUND_SCORE: f32 = 1.0;

/// What a table region reads as.
pub(super) enum TableRead {
    /// No structure was recognised: a table, as the layout model says,
    /// whose text is read in rows.
    Unrecognised,
    /// The table model's structure, which agrees with the words in it
    /// ([`crate::grid::structure_agrees`]).
    Structure(Table),
    /// A table in part of the region, this box: the region's text above or
    /// below it is read as text. The table model's structure, when the
    /// region took in text beyond its table ([`crate::tables::body_of`]),
    /// else the table the words form by their alignment
    /// ([`crate::grid::word_table`]).
    Part(Table, BBox),
    /// Neither agrees: its text is read as text, in order.
    Text,
}

pub(super) fn read_table(page: &PageText, i: usize) -> TableRead {
    let r = &page.regions[i];
    let Some((_, t)) = page.tables.iter().find(|(k, _)| *k == i) else { return TableRead::Unrecognised };
    let lines: Vec<&TextLine> =
        page.lines.iter().filter(|l| contained(&l.bbox, &r.bbox) >= LINE_IN_REGION).collect();
    let filled = |t: &Table| {
        let words = table_words(page, t, &lines);
        let mut filled = t.clone();
        crate::fill_table(&mut filled, &words.iter().collect::<Vec<_>>());
        (filled, words)
    };
    let (model, words) = filled(t);
    if crate::tables::is_contents(&model) {
        return TableRead::Text;
    }
    let words: Vec<&TextLine> = words.iter().collect();
    let ruled = crate::grid::is_ruled_area(&lines, &page.rules);
    // On a text layer's pages, tables whose structure disagreed and whose
    // words formed a grid were code or columns of prose (a manual's SQL
    // listing, a back cover; `parasol-eval varied`), unless a column holds
    // figures.
    let ocr = lines.iter().all(|l| l.origin == parasol_doc::TextOrigin::Ocr);
    if crate::grid::structure_agrees(&model, &words, ruled)
        && !(ocr && crate::grid::merges_records(&model, &words))
    {
        return match crate::tables::body_of(&r.bbox, &lines) {
            Some(body) => TableRead::Part(t.clone(), body),
            None => TableRead::Structure(t.clone()),
        };
    }
    if !ocr {
        // On a text layer, the words' own table stands only with a column
        // of figures (an invoice's items, which the structure model read
        // as one column); code and columns of prose have none.
        let words = owned_words(page, &lines);
        let words: Vec<&TextLine> = words.iter().collect();
        return match crate::grid::word_table(&words) {
            // A layout model's table, not an area the words found themselves
            // (`grid_areas`), which the words' grid would only repeat.
            Some((grid, bbox)) if r.score < WORDS_FOUND_SCORE => {
                let filled = filled(&grid).0;
                if crate::grid::has_figure_column(&filled)
                    && crate::grid::cells_agree(&filled, &words, ruled)
                    && !crate::grid::has_prose_column(&filled)
                    && !crate::tables::is_contents(&filled)
                {
                    TableRead::Part(grid, bbox)
                } else {
                    TableRead::Text
                }
            }
            _ => TableRead::Text,
        };
    }
    match crate::grid::word_table(&lines) {
        Some((grid, bbox))
            if crate::grid::cells_agree(&filled(&grid).0, &lines, ruled)
                && !crate::grid::has_prose_column(&filled(&grid).0)
                && !crate::tables::is_contents(&filled(&grid).0) =>
        {
            TableRead::Part(grid, bbox)
        }
        _ => TableRead::Text,
    }
}
