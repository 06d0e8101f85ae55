//! Text recognition: PP-OCRv6's CTC recogniser, RapidOCR's `TextRecognizer`
//! batching and `CTCLabelDecode`.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::cls::{by_aspect, line_lut, resized_width};
use crate::det::to_bgr_planes;
use crate::imgops::{resize_linear, Image3};
use crate::pyfmt::{np_mean, np_round5, py_round5, splitlines};
use crate::session::Model;
use crate::{OcrStage, VisionError};

const HEIGHT: usize = 48;
/// RapidOCR's `rec_img_shape` width: batches are at least this wide.
const MIN_WIDTH: usize = 320;
const BATCH: usize = 6;

/// The recogniser: one session per worker. Batches are independent, so
/// `n` single-threaded sessions work on `n` batches at once, which keeps the
/// cores busier than one session with `n` intra-op threads (whose threads
/// wait for each other after every operator).
#[derive(Debug)]
pub(crate) struct Recognizer {
    models: Vec<Model>,
    lut: [f32; 256],
    /// `["blank"] + dictionary + [" "]`, indexed by the model's classes.
    chars: Vec<String>,
}

impl Recognizer {
    /// `models` holds one or more sessions of the same recogniser.
    pub fn new(models: Vec<Model>) -> Result<Recognizer, VisionError> {
        let unusable = |path: &Path, reason: &str| VisionError::ModelContents {
            path: path.to_path_buf(),
            reason: reason.into(),
        };
        let Some(model) = models.first() else {
            return Err(VisionError::RuntimeNotInitialised);
        };
        let dict =
            model.metadata("character")?.ok_or_else(|| unusable(model.path(), "no `character` metadata"))?;
        let mut chars = vec!["blank".to_string()];
        chars.extend(splitlines(&dict).into_iter().map(str::to_string));
        chars.push(" ".to_string());
        if chars.len() < 3 {
            return Err(unusable(model.path(), "empty `character` dictionary"));
        }
        Ok(Recognizer { models, lut: line_lut(), chars })
    }

    /// Text and score of each line image, in the order given.
    pub fn recognize(&self, crops: &[Image3]) -> Result<Vec<(String, f64)>, VisionError> {
        let order = by_aspect(crops);
        let batches: Vec<&[usize]> = order.chunks(BATCH).collect();
        let results = Mutex::new(vec![(String::new(), 0.0); crops.len()]);
        let next = AtomicUsize::new(0);
        let work = |model: &Model| -> Result<(), VisionError> {
            loop {
                let b = next.fetch_add(1, Ordering::Relaxed);
                let Some(batch) = batches.get(b) else { return Ok(()) };
                let decoded = self.run_batch(model, crops, batch)?;
                let mut results = results.lock().unwrap_or_else(|p| p.into_inner());
                for (&i, r) in batch.iter().zip(decoded) {
                    results[i] = r;
                }
            }
        };
        let workers = self.models.len().min(batches.len());
        if workers <= 1 {
            work(&self.models[0])?;
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = self.models[..workers].iter().map(|m| s.spawn(|| work(m))).collect();
                handles
                    .into_iter()
                    .try_for_each(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            })?;
        }
        Ok(results.into_inner().unwrap_or_else(|p| p.into_inner()))
    }

    /// One batch as RapidOCR builds it: every image resized to height 48 and
    /// right-padded with zeros to the width of the widest ratio in the batch
    /// (at least 320).
    fn run_batch(
        &self,
        model: &Model,
        crops: &[Image3],
        batch: &[usize],
    ) -> Result<Vec<(String, f64)>, VisionError> {
        let max_ratio = batch
            .iter()
            .map(|&i| crops[i].width as f64 / crops[i].height as f64)
            .fold(MIN_WIDTH as f64 / HEIGHT as f64, f64::max);
        let width = (HEIGHT as f64 * max_ratio) as usize;
        let plane = HEIGHT * width;
        let mut input = vec![0f32; batch.len() * 3 * plane];
        for (slot, &i) in batch.iter().enumerate() {
            let resized = resize_linear(crops[i].view(), resized_width(&crops[i], width), HEIGHT);
            to_bgr_planes(resized.view(), &self.lut, &mut input[slot * 3 * plane..], plane, width);
        }
        let out = model.run([batch.len(), 3, HEIGHT, width], &input)?;
        let [n, steps, classes] = out.shape[..] else {
            return Err(VisionError::UnexpectedOutput { stage: OcrStage::Recognition, shape: out.shape });
        };
        if n != batch.len() || classes != self.chars.len() || out.data.len() != n * steps * classes {
            return Err(VisionError::UnexpectedOutput { stage: OcrStage::Recognition, shape: out.shape });
        }
        Ok(out.data.chunks_exact(steps * classes).map(|probs| self.decode(probs, classes)).collect())
    }

    /// CTC greedy decoding: argmax per step, merge repeats, drop blanks; the
    /// score is the mean of the kept maxima, each rounded to five decimals.
    fn decode(&self, probs: &[f32], classes: usize) -> (String, f64) {
        let mut text = String::new();
        let mut confs = Vec::new();
        let mut prev = usize::MAX;
        for step in probs.chunks_exact(classes) {
            let (mut best, mut best_p) = (0usize, step[0]);
            for (k, &p) in step.iter().enumerate().skip(1) {
                if p > best_p {
                    best = k;
                    best_p = p;
                }
            }
            if best != prev && best != 0 {
                text.push_str(&self.chars[best]);
                confs.push(py_round5(best_p as f64));
            }
            prev = best;
        }
        if confs.is_empty() {
            confs.push(0.0);
        }
        (text, np_round5(np_mean(&confs)))
    }
}
