//! Layout detection: per-class average precision and mAP at one IoU
//! threshold, computed the way pycocotools' `COCOeval` does for
//! `iouThrs=[0.5]`, `areaRng=all`, `maxDets=100` (PubLayNet's protocol):
//!
//! - detections of a class, over all images, sorted by score (highest first,
//!   stable for ties); at most 100 per image, the best-scoring;
//! - each detection matches the unmatched truth box of the same image and
//!   class with the highest IoU, if that IoU is at least the threshold;
//! - precision is made monotone (each point takes the best precision at any
//!   higher recall) and sampled at the 101 recalls 0, 0.01, …, 1;
//! - a class with no truth boxes has no AP and is left out of the mean.
//!
//! Crowd regions (`iscrowd`) do not occur in PubLayNet and are not modelled.

use parasol_doc::BBox;
use serde::Serialize;

/// A ground-truth box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TruthBox {
    pub image: usize,
    pub class: usize,
    pub bbox: BBox,
}

/// A predicted box with its confidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub image: usize,
    pub class: usize,
    pub bbox: BBox,
    pub score: f32,
}

/// Per-class AP (`None` for classes without truth boxes) and their mean.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApReport {
    pub per_class: Vec<Option<f64>>,
    pub map: f64,
}

/// Most detections kept per image and class, as COCO's `maxDets`.
pub const MAX_DETECTIONS: usize = 100;

/// AP for each of `classes` classes and mAP at IoU `threshold`.
pub fn average_precision(
    truth: &[TruthBox],
    detections: &[Detection],
    classes: usize,
    threshold: f32,
) -> ApReport {
    let per_class: Vec<Option<f64>> =
        (0..classes).map(|c| class_ap(truth, detections, c, threshold)).collect();
    let known: Vec<f64> = per_class.iter().flatten().copied().collect();
    let map = if known.is_empty() { 0.0 } else { known.iter().sum::<f64>() / known.len() as f64 };
    ApReport { per_class, map }
}

fn class_ap(truth: &[TruthBox], detections: &[Detection], class: usize, threshold: f32) -> Option<f64> {
    let gts: Vec<&TruthBox> = truth.iter().filter(|t| t.class == class).collect();
    if gts.is_empty() {
        return None;
    }
    let mut dets: Vec<&Detection> = detections.iter().filter(|d| d.class == class).collect();
    // Keep the best MAX_DETECTIONS per image.
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut per_image: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    dets.retain(|d| {
        let n = per_image.entry(d.image).or_default();
        *n += 1;
        *n <= MAX_DETECTIONS
    });
    let mut used = vec![false; gts.len()];
    let mut tp = Vec::with_capacity(dets.len());
    for d in &dets {
        let mut best: Option<(usize, f32)> = None;
        for (k, g) in gts.iter().enumerate() {
            if used[k] || g.image != d.image {
                continue;
            }
            let iou = d.bbox.iou(&g.bbox);
            if iou >= threshold && best.is_none_or(|(_, b)| iou > b) {
                best = Some((k, iou));
            }
        }
        if let Some((k, _)) = best {
            used[k] = true;
        }
        tp.push(best.is_some());
    }
    // Precision/recall after each detection.
    let (mut hits, mut recall, mut precision) = (0usize, Vec::new(), Vec::new());
    for (n, &hit) in tp.iter().enumerate() {
        hits += usize::from(hit);
        recall.push(hits as f64 / gts.len() as f64);
        precision.push(hits as f64 / (n + 1) as f64);
    }
    for i in (0..precision.len().saturating_sub(1)).rev() {
        precision[i] = precision[i].max(precision[i + 1]);
    }
    let mut sum = 0.0;
    for k in 0..=100 {
        let r = k as f64 / 100.0;
        // First detection whose recall reaches r (COCO's searchsorted, left).
        let at = recall.partition_point(|&x| x < r);
        if let Some(p) = precision.get(at) {
            sum += p;
        }
    }
    Some(sum / 101.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(x: f32, y: f32) -> BBox {
        BBox::new(x, y, x + 10.0, y + 10.0)
    }

    fn t(image: usize, class: usize, x: f32) -> TruthBox {
        TruthBox { image, class, bbox: bx(x, 0.0) }
    }

    fn d(image: usize, class: usize, x: f32, score: f32) -> Detection {
        Detection { image, class, bbox: bx(x, 0.0), score }
    }

    #[test]
    fn perfect_detections_score_one() {
        let truth = [t(0, 0, 0.0), t(0, 0, 20.0), t(1, 1, 0.0)];
        let dets = [d(0, 0, 0.0, 0.9), d(0, 0, 20.0, 0.8), d(1, 1, 0.0, 0.7)];
        let r = average_precision(&truth, &dets, 3, 0.5);
        assert_eq!(r.per_class, vec![Some(1.0), Some(1.0), None]);
        assert_eq!(r.map, 1.0);
    }

    #[test]
    fn hand_worked_precision_recall() {
        // Two truth boxes; detections: hit (0.9), miss (0.8), hit (0.7).
        // Recall 0.5 then 0.5 then 1; precision 1, 0.5, 2/3 → envelope
        // 1, 2/3, 2/3. Recalls 0..=0.5 (51 points) take 1, 0.51..=1 (50
        // points) take 2/3.
        let truth = [t(0, 0, 0.0), t(0, 0, 40.0)];
        let dets = [d(0, 0, 0.0, 0.9), d(0, 0, 100.0, 0.8), d(0, 0, 40.0, 0.7)];
        let r = average_precision(&truth, &dets, 1, 0.5);
        let expect = (51.0 + 50.0 * 2.0 / 3.0) / 101.0;
        assert!((r.map - expect).abs() < 1e-12, "{r:?} vs {expect}");
    }

    #[test]
    fn duplicates_and_low_overlap_are_false_positives() {
        let truth = [t(0, 0, 0.0)];
        // A duplicate of the same box, and a box shifted by 6 of 10 px
        // (IoU 4/16 = 0.25 < 0.5).
        let dets = [d(0, 0, 0.0, 0.9), d(0, 0, 0.0, 0.8), d(0, 0, 6.0, 0.95)];
        let r = average_precision(&truth, &dets, 1, 0.5);
        // Order: miss (0.95), hit (0.9), miss; envelope precision at recall 1 is 1/2.
        assert!((r.map - 0.5).abs() < 1e-12, "{r:?}");
        // No detections at all.
        assert_eq!(average_precision(&truth, &[], 1, 0.5).map, 0.0);
    }
}
