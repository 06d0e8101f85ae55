//! Filling a table structure's cells with text.

use parasol_doc::{Table, TextLine};

/// An OCR line straddles two columns when at least this share of its width
/// lies in cells of each.
const STRADDLE_SHARE: f32 = 0.25;

/// Puts each piece of text into the cell that holds most of it (by
/// intersection over the text's own area); text no cell holds goes to the
/// cell whose centre is nearest, so no text inside a table is lost. Text in
/// one cell is ordered top to bottom, left to right.
pub fn fill_table(table: &mut Table, texts: &[&TextLine]) {
    let per_cell = cell_lines(table, texts);
    for (cell, texts) in table.cells.iter_mut().zip(per_cell) {
        let rows = crate::text::rows(&texts);
        cell.text = crate::text::join_lines(rows.iter().map(String::as_str));
    }
}

/// The pieces of text of each cell of `table`, by index: each piece in the
/// cell it overlaps most, or the nearest.
pub(crate) fn cell_lines<'l>(table: &Table, texts: &[&'l TextLine]) -> Vec<Vec<&'l TextLine>> {
    let mut per_cell: Vec<Vec<&TextLine>> = vec![Vec::new(); table.cells.len()];
    for t in texts {
        let area = t.bbox.area().max(1e-3);
        let best = table
            .cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.bbox.map(|b| (i, b)))
            .map(|(i, b)| (i, b.intersection(&t.bbox).map_or(0.0, |x| x.area()) / area, b))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let chosen = match best {
            Some((i, overlap, _)) if overlap > 0.0 => Some(i),
            _ => table
                .cells
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.bbox.map(|b| (i, b)))
                .min_by(|a, b| dist(&a.1, &t.bbox).total_cmp(&dist(&b.1, &t.bbox)))
                .map(|(i, _)| i),
        };
        if let Some(i) = chosen {
            per_cell[i].push(t);
        }
    }
    per_cell
}

/// Lines that overlap cells of one column only stay whole; lines that
/// straddle columns (a quarter of their width in each of two) are split into words with boxes estimated from character
/// counts. For sources (OCR) that give lines only: a line may run across
/// cell borders, its words rarely do.
pub(crate) fn split_straddling(table: &Table, lines: &[&TextLine]) -> Vec<TextLine> {
    let mut out = Vec::new();
    for l in lines {
        let columns = columns_straddled(table, &l.bbox);
        if columns <= 1 {
            out.push((*l).clone());
        } else {
            out.extend(split_words(&[l]));
        }
    }
    out
}

/// The number of the table's columns that hold at least [`STRADDLE_SHARE`]
/// of `text`'s width, among cells level with it. Horizontally only: cell
/// boxes are often off by half a row vertically, which must not make a
/// text that sits in one column straddle two.
pub(crate) fn columns_straddled(table: &Table, text: &parasol_doc::BBox) -> usize {
    let width = text.width().max(1e-3);
    table
        .cells
        .iter()
        .filter_map(|c| c.bbox.map(|b| (c.col, b)))
        .filter(|(_, b)| b.y0 < text.y1 && text.y0 < b.y1)
        .filter(|(_, b)| (b.x1.min(text.x1) - b.x0.max(text.x0)).max(0.0) >= STRADDLE_SHARE * width)
        .map(|(col, _)| col)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// Splits lines into words with boxes estimated from character counts.
pub(crate) fn split_words(lines: &[&TextLine]) -> Vec<TextLine> {
    let mut out = Vec::new();
    for l in lines {
        let chars = l.text.chars().count().max(1) as f32;
        let per_char = l.bbox.width() / chars;
        let mut offset = 0usize;
        for piece in l.text.split(' ') {
            let n = piece.chars().count();
            if n > 0 {
                let x0 = l.bbox.x0 + per_char * offset as f32;
                let bbox = parasol_doc::BBox { x0, x1: x0 + per_char * n as f32, ..l.bbox };
                let mut w = TextLine::from_bbox(bbox, piece, l.origin);
                w.score = l.score;
                w.font_size = l.font_size;
                out.push(w);
            }
            offset += n + 1;
        }
    }
    out
}

fn dist(a: &parasol_doc::BBox, b: &parasol_doc::BBox) -> f32 {
    let [ax, ay] = a.center();
    let [bx, by] = b.center();
    (ax - bx).hypot(ay - by)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parasol_doc::{BBox, TableCell, TextOrigin};

    fn cell(row: usize, col: usize, bbox: BBox) -> TableCell {
        TableCell { row, col, rowspan: 1, colspan: 1, header: false, text: String::new(), bbox: Some(bbox) }
    }

    #[test]
    fn lines_split_into_words_at_proportional_positions() {
        let l = TextLine::from_bbox(BBox::new(0.0, 0.0, 140.0, 10.0), "Mean SD Median", TextOrigin::Ocr);
        let words = split_words(&[&l]);
        let got: Vec<(&str, f32, f32)> =
            words.iter().map(|w| (w.text.as_str(), w.bbox.x0, w.bbox.x1)).collect();
        assert_eq!(got, [("Mean", 0.0, 40.0), ("SD", 50.0, 70.0), ("Median", 80.0, 140.0)]);
    }

    #[test]
    fn words_land_in_their_cells() {
        let mut t = Table {
            rows: 1,
            cols: 2,
            cells: vec![
                cell(0, 0, BBox::new(0.0, 0.0, 100.0, 20.0)),
                cell(0, 1, BBox::new(100.0, 0.0, 200.0, 20.0)),
            ],
        };
        let w = |x: f32, s: &str| {
            TextLine::from_bbox(BBox::new(x, 4.0, x + 30.0, 16.0), s, TextOrigin::TextLayer)
        };
        let words = [w(10.0, "Mid"), w(45.0, "dune"), w(120.0, "18"), w(250.0, "stray")];
        fill_table(&mut t, &words.iter().collect::<Vec<_>>());
        assert_eq!(t.cells[0].text, "Mid dune");
        assert_eq!(t.cells[1].text, "18 stray");
    }
}
