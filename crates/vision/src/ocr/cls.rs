//! Text-line orientation: the 0/180-degree classifier
//! (`ch_ppocr_mobile_v2.0_cls`) and RapidOCR's `TextClassifier` batching.

use super::det::to_bgr_planes;
use super::pool::run_batches;
use crate::cv::imgops::{resize_linear, Image3};
use crate::session::Model;
use crate::VisionError;

const HEIGHT: usize = 48;
const WIDTH: usize = 192;
const BATCH: usize = 6;
/// Compared as NumPy does, in `float32`.
const THRESH: f32 = 0.9;

/// The input value for each byte: `(x / 255 - 0.5) / 0.5` in `float32`, as
/// the classifier and recogniser normalise.
pub(crate) fn line_lut() -> [f32; 256] {
    std::array::from_fn(|v| ((v as f32 / 255.0) - 0.5) / 0.5)
}

/// Crop indices in order of increasing width/height ratio, as
/// `np.argsort(width_list)` orders them (stably; NumPy's default sort is not
/// stable, which only matters for crops of identical ratio).
pub(crate) fn by_aspect(crops: &[Image3]) -> Vec<usize> {
    let ratios: Vec<f64> = crops.iter().map(aspect).collect();
    let mut idx: Vec<usize> = (0..crops.len()).collect();
    idx.sort_by(|&a, &b| ratios[a].total_cmp(&ratios[b]));
    idx
}

/// A line image's width over its height.
pub(crate) fn aspect(c: &Image3) -> f64 {
    c.width as f64 / c.height as f64
}

/// The width a line image is resized to for a model input of height 48:
/// `ceil(48 * w / h)`, capped at `max_w`.
pub(crate) fn resized_width(c: &Image3, max_w: usize) -> usize {
    let ratio = c.width as f64 / c.height as f64;
    let w = (HEIGHT as f64 * ratio).ceil();
    if w > max_w as f64 {
        max_w
    } else {
        w as usize
    }
}

/// The line classifier: one session per worker, each taking whole batches
/// (see [`run_batches`]).
#[derive(Debug)]
pub(crate) struct Classifier {
    models: Vec<Model>,
    lut: [f32; 256],
}

impl Classifier {
    /// `models` holds one or more sessions of the same classifier.
    pub fn new(models: Vec<Model>) -> Classifier {
        Classifier { models, lut: line_lut() }
    }

    /// The model's `[p(0°), p(180°)]` for each line image, in the order
    /// given, computed in RapidOCR's batches (by increasing aspect ratio).
    pub fn scores(&self, crops: &[Image3]) -> Result<Vec<[f32; 2]>, VisionError> {
        let order = by_aspect(crops);
        let batches: Vec<&[usize]> = order.chunks(BATCH).collect();
        run_batches(&self.models, &batches, crops.len(), |model, batch| self.run_batch(model, crops, batch))
    }

    /// One batch: every image resized to height 48 (at most 192 wide) and
    /// right-padded with zeros to 192.
    fn run_batch(
        &self,
        model: &Model,
        crops: &[Image3],
        batch: &[usize],
    ) -> Result<Vec<[f32; 2]>, VisionError> {
        let plane = HEIGHT * WIDTH;
        let mut input = vec![0f32; batch.len() * 3 * plane];
        for (slot, &i) in batch.iter().enumerate() {
            let resized = resize_linear(crops[i].view(), resized_width(&crops[i], WIDTH), HEIGHT);
            to_bgr_planes(resized.view(), &self.lut, &mut input[slot * 3 * plane..], plane, WIDTH);
        }
        let out = model.run([batch.len(), 3, HEIGHT, WIDTH], &input)?;
        let unexpected = || model.bad_output(&out.shape);
        let [n, 2] = out.shape[..] else {
            return Err(unexpected());
        };
        if n != batch.len() || out.data.len() != n * 2 {
            return Err(unexpected());
        }
        Ok(out.data.chunks_exact(2).map(|p| [p[0], p[1]]).collect())
    }
}

/// Whether the classifier's scores say the line is upside down: argmax is
/// 180° (the first of equal scores wins) and its score passes the threshold.
pub(crate) fn is_upside_down([p0, p180]: [f32; 2]) -> bool {
    p180 > p0 && p180 > THRESH
}

/// RapidOCR's `TextClassifier` step: each line the classifier finds upside
/// down is turned by 180°.
pub(crate) fn turn_upside_down(crops: &mut [Image3], scores: &[[f32; 2]]) {
    for (crop, &s) in crops.iter_mut().zip(scores) {
        if is_upside_down(s) {
            *crop = crop.rot180();
        }
    }
}
