//! Tables printed side by side that one table region took in ("Table 1.
//! Men" on the left, "Table 2. Women" on the right, read as one table of
//! eight columns): each is under a caption of its own.

use parasol_doc::{BBox, Table, TableCell, TextLine};

/// A caption stands at most this many of its heights above its table's
/// region (it may also be inside it, the structure's first row).
const CAPTION_ABOVE: f32 = 3.0;

/// A caption sits over its own table: its left edge, or its centre, within
/// this many of its heights of the table's words' left edge or centre.
const CAPTION_ALIGN: f32 = 1.5;

/// Most tables side by side looked for (the splits tried grow as columns
/// to the power of tables less one).
const MOST_TABLES: usize = 4;

/// One of the tables side by side: its structure (its own columns from
/// 0), its box, and its caption when the caption's line was read inside
/// the table region (else the caption is a block of its own already).
#[derive(Debug)]
pub(crate) struct Part {
    pub(crate) table: Table,
    pub(crate) bbox: BBox,
    pub(crate) caption: Option<TextLine>,
}

/// Splits `table` (its cells filled from `words`, in region `area` whose
/// own lines are `own`) into the tables side by side it holds, when two or
/// more captions ("Table 1.", "Table 2.") stand level with each other along
/// its top, each over a run of its columns: left-aligned or centred on the
/// words below it. No cell may span two of the runs (a caption's own cell
/// aside), and each run holds two columns and two rows of words. `lines`
/// are the page's lines, where the captions are looked for. `None` when
/// the table is one.
pub(crate) fn side_by_side(
    table: &Table,
    area: &BBox,
    words: &[&TextLine],
    own: &[&TextLine],
    lines: &[TextLine],
) -> Option<Vec<Part>> {
    let captions = captions_over(area, words, lines)?;
    let is_caption_cell = |c: &TableCell| {
        c.bbox
            .is_some_and(|b| captions.iter().any(|l| l.bbox.share_in(&b) > 0.5 || b.share_in(&l.bbox) > 0.5))
    };
    let edges = column_edges(table)?;
    // A boundary before column k is open when no cell but a caption's
    // crosses it.
    let open: Vec<usize> = (1..table.cols)
        .filter(|&k| {
            !table.cells.iter().any(|c| c.col < k && k < c.col + c.colspan.max(1) && !is_caption_cell(c))
        })
        .collect();
    let body: Vec<&TextLine> =
        words.iter().copied().filter(|w| !captions.iter().any(|l| w.bbox.share_in(&l.bbox) > 0.5)).collect();
    let height = crate::text::median(captions.iter().map(|l| l.bbox.height()).collect()).max(1.0);
    // The words of columns [a, b), and how far caption i sits from over them.
    let run_words = |a: usize, b: usize| -> Vec<&TextLine> {
        body.iter()
            .copied()
            .filter(|w| {
                let x = w.bbox.center()[0];
                (a == 0 || x >= edges[a]) && (b == table.cols || x < edges[b])
            })
            .collect()
    };
    let misfit = |a: usize, b: usize, caption: &TextLine| -> Option<f32> {
        let run = run_words(a, b);
        let extent = run.iter().map(|w| w.bbox).reduce(|p, q| p.union(&q))?;
        let columns = (a..b).filter(|&c| run.iter().any(|w| column_of(&edges, w) == c)).count();
        let rows = crate::text::rows(&run).len();
        let left = (extent.x0 - caption.bbox.x0).abs();
        let centre = (extent.center()[0] - caption.bbox.center()[0]).abs();
        let error = left.min(centre);
        (columns >= 2 && rows >= 2 && error <= CAPTION_ALIGN * height).then_some(error)
    };
    let splits = best_splits(&open, table.cols, captions.len(), &|a, b, i| misfit(a, b, captions[i]))?;
    let mut starts = vec![0];
    starts.extend(splits);
    starts.push(table.cols);
    let parts = starts
        .windows(2)
        .zip(&captions)
        .map(|(run, caption)| {
            let (a, b) = (run[0], run[1]);
            let cells: Vec<TableCell> = table
                .cells
                .iter()
                .filter(|c| c.col >= a && c.col < b && !is_caption_cell(c))
                .map(|c| TableCell { col: c.col - a, colspan: c.colspan.min(b - c.col), ..c.clone() })
                .collect();
            let mut part = Table { rows: table.rows, cols: b - a, cells };
            super::trim_empty(&mut part);
            let bbox = part
                .cells
                .iter()
                .filter_map(|c| c.bbox)
                .chain(run_words(a, b).iter().map(|w| w.bbox))
                .reduce(|p, q| p.union(&q))
                .unwrap_or(*area);
            let inside = own.iter().any(|l| std::ptr::eq(*l, *caption) || l.bbox == caption.bbox);
            Part { table: part, bbox, caption: inside.then(|| (*caption).clone()) }
        })
        .collect();
    Some(parts)
}

/// The captions along the top of the table in `area`: lines opening a
/// caption, level with each other, none overlapping another side to side,
/// within the area's width, from [`CAPTION_ABOVE`] heights above it down
/// to the first of its `words` that is no caption's. Sorted left to right;
/// `None` unless two to [`MOST_TABLES`] of them.
fn captions_over<'l>(area: &BBox, words: &[&TextLine], lines: &'l [TextLine]) -> Option<Vec<&'l TextLine>> {
    let opening: Vec<&TextLine> = lines
        .iter()
        .filter(|l| crate::text::is_caption_start(&l.text))
        .filter(|l| l.bbox.x0 >= area.x0 - l.bbox.height() && l.bbox.x1 <= area.x1 + l.bbox.height())
        .filter(|l| l.bbox.y1 > area.y0 - CAPTION_ABOVE * l.bbox.height() && l.bbox.y0 < area.y1)
        .collect();
    let body_top = words
        .iter()
        .filter(|w| !opening.iter().any(|l| w.bbox.share_in(&l.bbox) > 0.5))
        .map(|w| w.bbox.y0)
        .fold(f32::INFINITY, f32::min);
    let mut over: Vec<&TextLine> = opening.into_iter().filter(|l| l.bbox.center()[1] < body_top).collect();
    // The level captions of the topmost row.
    over.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
    let first = *over.first()?;
    over.retain(|l| crate::text::level(&l.bbox, &first.bbox));
    over.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    let apart = over.windows(2).all(|p| p[0].bbox.x1 <= p[1].bbox.x0);
    (apart && (2..=MOST_TABLES).contains(&over.len())).then_some(over)
}

/// The x at which each column starts, between its cells' left edges and
/// the previous column's right edges (`edges[0]` unused); `None` when a
/// column has no boxed cell of its own.
fn column_edges(table: &Table) -> Option<Vec<f32>> {
    let single = |c: &&TableCell| c.colspan.max(1) == 1;
    let mut edges = vec![0.0; table.cols];
    for (k, edge) in edges.iter_mut().enumerate().skip(1) {
        let left = table
            .cells
            .iter()
            .filter(single)
            .filter(|c| c.col == k - 1)
            .filter_map(|c| c.bbox.map(|b| b.x1))
            .fold(f32::NEG_INFINITY, f32::max);
        let right = table
            .cells
            .iter()
            .filter(single)
            .filter(|c| c.col == k)
            .filter_map(|c| c.bbox.map(|b| b.x0))
            .fold(f32::INFINITY, f32::min);
        if !left.is_finite() || !right.is_finite() {
            return None;
        }
        *edge = (left + right) / 2.0;
    }
    Some(edges)
}

/// The column a word's centre falls in.
fn column_of(edges: &[f32], w: &TextLine) -> usize {
    let x = w.bbox.center()[0];
    edges.iter().skip(1).take_while(|&&e| x >= e).count()
}

/// The open boundaries (of `open`) splitting `cols` columns into `parts`
/// runs, each run fitting its caption (`misfit(a, b, i)`, the distance of
/// caption i from over columns [a, b), `None` when it does not fit), with
/// the least total misfit.
fn best_splits(
    open: &[usize],
    cols: usize,
    parts: usize,
    misfit: &dyn Fn(usize, usize, usize) -> Option<f32>,
) -> Option<Vec<usize>> {
    // Runs from column `from`, for captions `i..parts`.
    fn search(
        from: usize,
        i: usize,
        open: &[usize],
        cols: usize,
        parts: usize,
        misfit: &dyn Fn(usize, usize, usize) -> Option<f32>,
    ) -> Option<(f32, Vec<usize>)> {
        if i + 1 == parts {
            return misfit(from, cols, i).map(|e| (e, Vec::new()));
        }
        open.iter()
            .filter(|&&k| k > from)
            .filter_map(|&k| {
                let here = misfit(from, k, i)?;
                let (rest, mut splits) = search(k, i + 1, open, cols, parts, misfit)?;
                splits.insert(0, k);
                Some((here + rest, splits))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }
    search(0, 0, open, cols, parts, misfit).map(|(_, splits)| splits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parasol_doc::TextOrigin;

    fn cell(row: usize, col: usize, bbox: BBox) -> TableCell {
        TableCell { row, col, rowspan: 1, colspan: 1, header: false, text: String::new(), bbox: Some(bbox) }
    }

    /// A table of three rows over four columns, two on the left (x 0–120) and
    /// two on the right (x 160–280), filled with one word a cell; its words.
    fn two_tables_in_one() -> (Table, Vec<TextLine>) {
        let lefts = [0.0, 60.0, 160.0, 220.0];
        let mut cells = Vec::new();
        let mut words = Vec::new();
        for r in 0..3 {
            let y = 20.0 * r as f32;
            for (c, &x) in lefts.iter().enumerate() {
                let mut cell = cell(r, c, BBox::new(x, y, x + 60.0, y + 20.0));
                cell.text = format!("r{r}c{c}");
                cells.push(cell);
                words.push(TextLine::from_bbox(
                    BBox::new(x + 5.0, y + 4.0, x + 45.0, y + 16.0),
                    format!("r{r}c{c}"),
                    TextOrigin::TextLayer,
                ));
            }
        }
        (Table { rows: 3, cols: 4, cells }, words)
    }

    fn caption(x: f32, text: &str) -> TextLine {
        TextLine::from_bbox(BBox::new(x, -30.0, x + 70.0, -18.0), text, TextOrigin::TextLayer)
    }

    #[test]
    fn tables_side_by_side_under_captions_of_their_own_are_two() {
        let (t, words) = two_tables_in_one();
        let area = BBox::new(0.0, 0.0, 280.0, 60.0);
        let refs: Vec<&TextLine> = words.iter().collect();
        let lines = [caption(4.0, "Table 1. Men"), caption(164.0, "Table 2. Women")];
        let parts = side_by_side(&t, &area, &refs, &refs, &lines).expect("two tables");
        assert_eq!(parts.len(), 2);
        let texts = |p: &Part| p.table.cells.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&parts[0]), ["r0c0", "r0c1", "r1c0", "r1c1", "r2c0", "r2c1"]);
        assert_eq!(texts(&parts[1]), ["r0c2", "r0c3", "r1c2", "r1c3", "r2c2", "r2c3"]);
        assert_eq!((parts[1].table.cols, parts[1].table.cells[0].col), (2, 0));
        assert!(parts[0].bbox.x1 <= 120.0 && parts[1].bbox.x0 >= 160.0);
        // The captions were read outside the region: no part carries them.
        assert!(parts.iter().all(|p| p.caption.is_none()));
    }

    #[test]
    fn a_caption_row_inside_the_table_goes_to_its_part() {
        // A scan's structure took the captions in as a first row, each cell
        // over its table's two columns.
        let (mut t, mut words) = two_tables_in_one();
        for c in &mut t.cells {
            c.row += 1;
            c.bbox = c.bbox.map(|b| BBox::new(b.x0, b.y0 + 20.0, b.x1, b.y1 + 20.0));
        }
        for w in &mut words {
            w.bbox = BBox::new(w.bbox.x0, w.bbox.y0 + 20.0, w.bbox.x1, w.bbox.y1 + 20.0);
        }
        let lines: Vec<TextLine> = [(4.0, "Table 1. Men"), (164.0, "Table 2. Women")]
            .iter()
            .map(|&(x, s)| TextLine::from_bbox(BBox::new(x, 4.0, x + 70.0, 16.0), s, TextOrigin::Ocr))
            .collect();
        for (i, l) in lines.iter().enumerate() {
            let mut c = cell(0, 2 * i, BBox::new(160.0 * i as f32, 0.0, 160.0 * i as f32 + 120.0, 20.0));
            (c.colspan, c.text) = (2, l.text.clone());
            t.cells.insert(i, c);
        }
        t.rows = 4;
        let own: Vec<&TextLine> = words.iter().chain(&lines).collect();
        let area = BBox::new(0.0, 0.0, 280.0, 80.0);
        let parts = side_by_side(&t, &area, &own, &own, &lines).expect("two tables");
        let captions: Vec<&str> =
            parts.iter().filter_map(|p| p.caption.as_ref()).map(|l| l.text.as_str()).collect();
        assert_eq!(captions, ["Table 1. Men", "Table 2. Women"]);
        assert!(parts.iter().all(|p| p.table.rows == 3 && p.table.cells.len() == 6));
    }

    #[test]
    fn one_caption_or_a_cell_across_the_gap_keeps_one_table() {
        let (t, words) = two_tables_in_one();
        let area = BBox::new(0.0, 0.0, 280.0, 60.0);
        let refs: Vec<&TextLine> = words.iter().collect();
        assert!(side_by_side(&t, &area, &refs, &refs, &[caption(4.0, "Table 1. Results")]).is_none());
        // Two captions, but both over the left columns: no split fits them.
        let over_left = [caption(0.0, "Table 1."), caption(75.0, "Table 2.")];
        assert!(side_by_side(&t, &area, &refs, &refs, &over_left).is_none());
        // A header cell spanning the middle: one table with a grouped header.
        let mut spanned = t.clone();
        spanned.cells.retain(|c| !(c.row == 0 && (c.col == 1 || c.col == 2)));
        let mut wide = cell(0, 1, BBox::new(60.0, 0.0, 220.0, 20.0));
        (wide.colspan, wide.text) = (2, "Both".into());
        spanned.cells.insert(1, wide);
        let lines = [caption(4.0, "Table 1. Men"), caption(164.0, "Table 2. Women")];
        assert!(side_by_side(&spanned, &area, &refs, &refs, &lines).is_none());
    }
}
