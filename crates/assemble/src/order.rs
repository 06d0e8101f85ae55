//! Reading order by recursive XY-cut.
//!
//! Boxes are split in two at the widest whitespace gap of either axis,
//! recursively: a full-width title, then
//! the columns beneath it left to right, each read top to bottom, with a
//! full-width figure between column blocks cutting them into two bands.
//! Small overlaps (a few pixels of jitter between neighbours) do not block a
//! cut: boxes are shrunk by a tolerance before projecting.

use parasol_doc::BBox;

/// The order in which to read `boxes`: a permutation of `0..boxes.len()`.
pub fn xy_cut(boxes: &[BBox]) -> Vec<usize> {
    xy_cut_dir(boxes, false)
}

/// [`xy_cut`] for a script written left to right (`rtl` false) or right to
/// left (`rtl` true: columns and side-by-side blocks read from the right).
pub fn xy_cut_dir(boxes: &[BBox], rtl: bool) -> Vec<usize> {
    let mut out = Vec::with_capacity(boxes.len());
    let idx: Vec<usize> = (0..boxes.len()).collect();
    cut(boxes, idx, &mut out, 0, rtl);
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Axis {
    Y,
    X,
}

/// Intervals `[lo, hi)` of each box along an axis, shrunk by a tolerance.
fn span(b: &BBox, axis: Axis) -> (f32, f32) {
    let (lo, hi) = match axis {
        Axis::Y => (b.y0, b.y1),
        Axis::X => (b.x0, b.x1),
    };
    let shrink = ((hi - lo) * 0.1).clamp(0.0, 3.0);
    (lo + shrink, (hi - shrink).max(lo + shrink))
}

/// Splits `idx` in two at the widest gap along `axis`; `None` without a gap.
fn split(boxes: &[BBox], idx: &[usize], axis: Axis) -> Option<(Vec<usize>, Vec<usize>, f32)> {
    let mut sorted: Vec<usize> = idx.to_vec();
    sorted.sort_by(|&a, &b| span(&boxes[a], axis).0.total_cmp(&span(&boxes[b], axis).0));
    let mut reach = f32::NEG_INFINITY;
    let mut best: Option<(usize, f32)> = None;
    for (k, &i) in sorted.iter().enumerate() {
        let (lo, hi) = span(&boxes[i], axis);
        if k > 0 && lo >= reach && best.is_none_or(|(_, g)| lo - reach > g) {
            best = Some((k, lo - reach));
        }
        reach = reach.max(hi);
    }
    let (k, gap) = best?;
    let after = sorted.split_off(k);
    Some((sorted, after, gap))
}

fn extent(boxes: &[BBox], idx: &[usize]) -> BBox {
    idx.iter().map(|&i| boxes[i]).reduce(|a, b| a.union(&b)).unwrap_or_default()
}

/// Both sides of a vertical cut are at least a quarter of the width: real columns.
fn is_column_pair(boxes: &[BBox], left: &[usize], right: &[usize]) -> bool {
    let (l, r) = (extent(boxes, left), extent(boxes, right));
    let total = l.union(&r).width().max(1.0);
    l.width().min(r.width()) >= 0.25 * total
}

fn sort_top_down(boxes: &[BBox], idx: &mut [usize], rtl: bool) {
    idx.sort_by(|&a, &b| {
        let across =
            if rtl { boxes[b].x1.total_cmp(&boxes[a].x1) } else { boxes[a].x0.total_cmp(&boxes[b].x0) };
        boxes[a].y0.total_cmp(&boxes[b].y0).then(across)
    });
}

/// Cuts at the single widest gap of either axis, then recurses into both
/// sides: column gutters usually beat the space between paragraphs, while a
/// full-width element leaves no vertical gap at all.
fn cut(boxes: &[BBox], mut idx: Vec<usize>, out: &mut Vec<usize>, depth: usize, rtl: bool) {
    if idx.len() <= 1 || depth > 256 {
        sort_top_down(boxes, &mut idx, rtl);
        out.extend(idx);
        return;
    }
    let rows = split(boxes, &idx, Axis::Y);
    // A column cut needs columns: a narrow strip beside wide text (prices
    // on a receipt, numbers beside labels) is read row by row instead.
    let cols = split(boxes, &idx, Axis::X).filter(|(a, b, _)| rows.is_none() || is_column_pair(boxes, a, b));
    // Side by side parts are read from the right in right-to-left text.
    let mirror = |(a, b, gap): (Vec<usize>, Vec<usize>, f32)| if rtl { (b, a, gap) } else { (a, b, gap) };
    let parts = match (rows, cols) {
        (Some(r), Some(c)) => Some(if c.2 > r.2 { mirror(c) } else { r }),
        (r, c) => r.or(c.map(mirror)),
    };
    match parts {
        Some((first, second, _)) => {
            cut(boxes, first, out, depth + 1, rtl);
            cut(boxes, second, out, depth + 1, rtl);
        }
        // Overlapping boxes leave no cut: fall back to top-to-bottom.
        None => {
            sort_top_down(boxes, &mut idx, rtl);
            out.extend(idx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn b(x0: f32, y0: f32, x1: f32, y1: f32) -> BBox {
        BBox::new(x0, y0, x1, y1)
    }

    #[test]
    fn two_columns_under_a_title() {
        let boxes = [
            b(600.0, 300.0, 1000.0, 500.0),  // right column, first block
            b(100.0, 100.0, 1000.0, 150.0),  // title
            b(100.0, 520.0, 500.0, 900.0),   // left column, second block
            b(100.0, 200.0, 500.0, 500.0),   // left column, first block
            b(600.0, 520.0, 1000.0, 900.0),  // right column, second block
            b(500.0, 1400.0, 600.0, 1420.0), // page number
        ];
        assert_eq!(xy_cut(&boxes), [1, 3, 2, 0, 4, 5]);
        // The gutter (100 px) is wider than the gap between paragraphs (20 px).
    }

    #[test]
    fn a_full_width_figure_splits_the_columns_into_bands() {
        let boxes = [
            b(100.0, 100.0, 500.0, 400.0),   // left top
            b(600.0, 100.0, 1000.0, 400.0),  // right top
            b(100.0, 450.0, 1000.0, 700.0),  // figure
            b(100.0, 750.0, 500.0, 1000.0),  // left bottom
            b(600.0, 750.0, 1000.0, 1000.0), // right bottom
        ];
        assert_eq!(xy_cut(&boxes), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_narrow_column_of_numbers_is_read_row_by_row() {
        let boxes = [
            b(100.0, 100.0, 400.0, 120.0), // item
            b(800.0, 100.0, 860.0, 120.0), // price
            b(100.0, 130.0, 380.0, 150.0),
            b(800.0, 130.0, 860.0, 150.0),
        ];
        assert_eq!(xy_cut(&boxes), [0, 1, 2, 3]);
    }

    #[test]
    fn right_to_left_columns_read_from_the_right() {
        let boxes = [
            b(100.0, 0.0, 1000.0, 80.0),    // full-width title
            b(100.0, 200.0, 500.0, 900.0),  // left column
            b(600.0, 200.0, 1000.0, 900.0), // right column
        ];
        assert_eq!(xy_cut_dir(&boxes, true), [0, 2, 1]);
        assert_eq!(xy_cut_dir(&boxes, false), [0, 1, 2]);
    }

    proptest! {
        #[test]
        fn order_is_a_permutation(v in proptest::collection::vec((0f32..1000.0, 0f32..1400.0, 1f32..400.0, 1f32..200.0), 0..60)) {
            let boxes: Vec<BBox> = v.iter().map(|&(x, y, w, h)| b(x, y, x + w, y + h)).collect();
            let mut order = xy_cut(&boxes);
            order.sort();
            prop_assert_eq!(order, (0..boxes.len()).collect::<Vec<_>>());
        }

        #[test]
        fn right_to_left_order_is_a_permutation_too(v in proptest::collection::vec((0f32..1000.0, 0f32..1400.0, 1f32..400.0, 1f32..200.0), 0..60)) {
            let boxes: Vec<BBox> = v.iter().map(|&(x, y, w, h)| b(x, y, x + w, y + h)).collect();
            let mut order = xy_cut_dir(&boxes, true);
            order.sort();
            prop_assert_eq!(order, (0..boxes.len()).collect::<Vec<_>>());
        }

        #[test]
        fn a_single_column_reads_top_to_bottom(v in proptest::collection::vec((0f32..50.0, 1f32..60.0), 1..40)) {
            // Stacked boxes with gaps, all sharing the same horizontal band.
            let mut y = 0.0;
            let boxes: Vec<BBox> = v.iter().map(|&(dx, h)| { let bx = b(100.0 + dx, y, 700.0 - dx, y + h); y += h + 5.0; bx }).collect();
            prop_assert_eq!(xy_cut(&boxes), (0..boxes.len()).collect::<Vec<_>>());
        }
    }
}
