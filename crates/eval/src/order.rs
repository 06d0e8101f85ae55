//! Reading-order edit distance: how far a predicted element order is from the
//! ground truth's, in the manner of OmniDocBench's reading-order metric.
//!
//! Ground-truth blocks are matched to predicted elements by area: a truth
//! block belongs to the predicted element (same page) that covers the largest
//! share of it, if that share is at least half its area. Each matched truth
//! block takes its element's position in the predicted order (ties inside
//! one element keep the truth order, since a single element's internal order
//! is the text metric's business). The score is the Levenshtein distance
//! between the matched truth indices in predicted order and the same indices
//! sorted, over their count: 0 is a perfect order, 1 is as wrong as it gets.
//! Unmatched truth blocks are reported as coverage, not counted as errors.

use parasol_doc::BBox;
use serde::Serialize;

use crate::text::levenshtein;

/// A block on a page, with its box normalised to the page (0–1, top-left).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Block {
    /// 1-based page number.
    pub page: usize,
    pub bbox: BBox,
}

/// The reading-order comparison of one document.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReadingOrder {
    /// Normalised edit distance in `[0, 1]` over matched blocks.
    pub distance: f64,
    /// Truth blocks matched to a predicted element.
    pub matched: usize,
    /// Truth blocks in total.
    pub total: usize,
}

/// Share of a truth block a predicted element must cover to match it.
pub const MIN_COVERAGE: f32 = 0.5;

/// Compares predicted elements (in predicted order) with truth blocks (in
/// truth order).
pub fn reading_order(truth: &[Block], predicted: &[Block]) -> ReadingOrder {
    let mut placed: Vec<(usize, usize)> = Vec::new(); // (predicted position, truth index)
    for (i, t) in truth.iter().enumerate() {
        let area = t.bbox.area();
        if area <= 0.0 {
            continue;
        }
        let best = predicted
            .iter()
            .enumerate()
            .filter(|(_, p)| p.page == t.page)
            .map(|(j, p)| (j, t.bbox.intersection(&p.bbox).map_or(0.0, |b| b.area()) / area))
            .fold(None, |best: Option<(usize, f32)>, (j, share)| match best {
                Some((_, s)) if s >= share => best,
                _ => Some((j, share)),
            });
        if let Some((j, share)) = best {
            if share >= MIN_COVERAGE {
                placed.push((j, i));
            }
        }
    }
    placed.sort();
    let in_predicted_order: Vec<usize> = placed.iter().map(|&(_, i)| i).collect();
    let mut in_truth_order = in_predicted_order.clone();
    in_truth_order.sort_unstable();
    let matched = placed.len();
    let distance = if matched == 0 {
        0.0
    } else {
        levenshtein(&in_predicted_order, &in_truth_order) as f64 / matched as f64
    };
    ReadingOrder { distance, matched, total: truth.len() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(page: usize, x0: f32, y0: f32, x1: f32, y1: f32) -> Block {
        Block { page, bbox: BBox::new(x0, y0, x1, y1) }
    }

    /// Two columns, two blocks each: left top, left bottom, right top, right bottom.
    fn columns() -> Vec<Block> {
        vec![
            b(1, 0.0, 0.0, 0.4, 0.4),
            b(1, 0.0, 0.5, 0.4, 0.9),
            b(1, 0.6, 0.0, 1.0, 0.4),
            b(1, 0.6, 0.5, 1.0, 0.9),
        ]
    }

    #[test]
    fn perfect_order_scores_zero() {
        let t = columns();
        assert_eq!(reading_order(&t, &t), ReadingOrder { distance: 0.0, matched: 4, total: 4 });
    }

    #[test]
    fn row_major_order_of_two_columns() {
        let t = columns();
        // Predicted left-top, right-top, left-bottom, right-bottom: truth
        // indices [0, 2, 1, 3] against [0, 1, 2, 3] is 2 substitutions of 4.
        let p = vec![t[0], t[2], t[1], t[3]];
        assert_eq!(reading_order(&t, &p), ReadingOrder { distance: 0.5, matched: 4, total: 4 });
    }

    #[test]
    fn merged_elements_and_misses() {
        let t = columns();
        // One element covering the whole left column, nothing on the right
        // bottom, and the right top on another page (so unmatched).
        let p = vec![b(1, 0.0, 0.0, 0.4, 0.9), b(2, 0.6, 0.0, 1.0, 0.4)];
        assert_eq!(reading_order(&t, &p), ReadingOrder { distance: 0.0, matched: 2, total: 4 });
        // A sliver covering under half of a block does not match it.
        let p = vec![b(1, 0.0, 0.0, 0.1, 0.4)];
        assert_eq!(reading_order(&t, &p).matched, 0);
    }
}
