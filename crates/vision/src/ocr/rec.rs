//! Text recognition: PP-OCRv6's CTC recogniser, RapidOCR's `TextRecognizer`
//! batching and `CTCLabelDecode`.

use std::path::Path;

use super::cls::{aspect, line_lut, resized_width};
use super::det::to_bgr_planes;
use super::pool::run_batches;
use crate::cv::imgops::{resize_linear, Image3};
use crate::cv::pycompat::{np_mean, np_round5, py_round5, splitlines};
use crate::session::Model;
use crate::VisionError;

const HEIGHT: usize = 48;
/// RapidOCR's `rec_img_shape` width: batches are at least this wide.
const MIN_WIDTH: usize = 320;
const BATCH: usize = 6;
/// Lines per model run: a batch of six runs as three runs of two lines,
/// padded to the batch's width. The model computes every line of a run
/// independently of the others, with the same arithmetic for any run of
/// two or more lines (a run of one takes other kernels and differs in the
/// last bits), so the texts and scores are those of the whole batch; the
/// smaller runs keep their activations in cache (5-7 % faster on wide
/// batches) and share out better between the workers.
const RUN: usize = 2;

/// Some lines of one of RapidOCR's batches, and the batch's width.
struct Run<'a> {
    lines: &'a [usize],
    width: usize,
}

impl AsRef<[usize]> for Run<'_> {
    fn as_ref(&self) -> &[usize] {
        self.lines
    }
}

/// RapidOCR's input width for a batch: 48 times the widest ratio of its
/// lines, at least 320.
fn batch_width(crops: &[Image3], batch: &[usize]) -> usize {
    let max_ratio = batch
        .iter()
        .map(|&i| crops[i].width as f64 / crops[i].height as f64)
        .fold(MIN_WIDTH as f64 / HEIGHT as f64, f64::max);
    (HEIGHT as f64 * max_ratio) as usize
}

/// A batch cut into runs of [`RUN`] lines, never leaving one line alone
/// unless the batch has only one: 6 → 2 + 2 + 2, 5 → 2 + 3, 3 → 3.
fn split(batch: &[usize]) -> impl Iterator<Item = &[usize]> {
    let mut rest = batch;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let take = if rest.len() < 2 * RUN { rest.len() } else { RUN };
        let (run, tail) = rest.split_at(take);
        rest = tail;
        Some(run)
    })
}

/// One line as the recogniser reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LineRead {
    pub text: String,
    /// RapidOCR's score: the mean of the kept characters' probabilities.
    pub score: f64,
    /// How sure the reading is, when the recogniser was asked for it
    /// ([`Recognizer::with_doubts`]).
    pub doubt: Option<Doubt>,
}

/// Two measures of how far a reading can be trusted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Doubt {
    /// The probability of the least sure character kept in the text (1 for
    /// an empty text).
    pub weakest_char: f32,
    /// The strongest alternative that would have changed the text: over all
    /// steps, the highest probability of a class that is not blank, not the
    /// step's own choice and not a neighbouring step's choice (those only
    /// move a character by a step, or repeat it, which CTC merges).
    pub rival: f32,
}

/// The recogniser: one session per worker, each taking whole batches
/// (see [`run_batches`]).
#[derive(Debug)]
pub(crate) struct Recognizer {
    models: Vec<Model>,
    lut: [f32; 256],
    /// `["blank"] + dictionary + [" "]`, indexed by the model's classes.
    chars: Vec<String>,
    /// Whether readings carry a [`Doubt`] (one more pass over the output).
    doubts: bool,
}

impl Recognizer {
    /// `models` holds one or more sessions of the same recogniser. Its
    /// dictionary is the file `dict` when given (one character per line, as
    /// PaddleOCR's `character_dict_path`), else the model's `character`
    /// metadata.
    pub fn new(models: Vec<Model>, dict: Option<&Path>) -> Result<Recognizer, VisionError> {
        let Some(model) = models.first() else {
            return Err(VisionError::RuntimeNotInitialised);
        };
        let stage = model.stage();
        let mut chars = vec!["blank".to_string()];
        match dict {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| VisionError::ModelLoad {
                    stage,
                    path: path.to_path_buf(),
                    source: e.into(),
                })?;
                // PaddleOCR reads the file's lines and strips their "\n" / "\r\n".
                chars.extend(text.lines().map(str::to_string));
            }
            None => {
                let dict =
                    model.metadata("character")?.ok_or_else(|| model.unusable("no `character` metadata"))?;
                chars.extend(splitlines(&dict).into_iter().map(str::to_string));
            }
        }
        chars.push(" ".to_string());
        if chars.len() < 3 {
            let path = dict.unwrap_or(model.path()).to_path_buf();
            return Err(VisionError::ModelContents {
                stage,
                path,
                reason: "empty character dictionary".into(),
            });
        }
        Ok(Recognizer { models, lut: line_lut(), chars, doubts: false })
    }

    /// The same recogniser, its readings with a [`Doubt`].
    pub fn with_doubts(self) -> Recognizer {
        Recognizer { doubts: true, ..self }
    }

    /// Text and score of each line image, in the order given.
    pub fn recognize(&self, crops: &[Image3]) -> Result<Vec<LineRead>, VisionError> {
        self.recognize_some(crops, (0..crops.len()).collect())
    }

    /// Text and score of the line images `lines` (indices into `crops`),
    /// batched among themselves as RapidOCR would batch them alone. The
    /// result is indexed like `crops`; other lines are left empty.
    pub fn recognize_some(
        &self,
        crops: &[Image3],
        mut lines: Vec<usize>,
    ) -> Result<Vec<LineRead>, VisionError> {
        // `by_aspect` restricted to `lines`: a stable sort by aspect ratio.
        lines.sort_by(|&a, &b| aspect(&crops[a]).total_cmp(&aspect(&crops[b])));
        let order = lines;
        // RapidOCR's batches, widest first: batches are independent, so the
        // order they run in changes nothing but the wall time, and starting
        // with the longest keeps one worker from finishing the widest batch
        // alone while the others are idle. Each batch runs as a few smaller
        // ones padded to the batch's width (see `RUN`).
        let runs: Vec<Run<'_>> = order
            .chunks(BATCH)
            .rev()
            .flat_map(|batch| {
                let width = batch_width(crops, batch);
                split(batch).map(move |lines| Run { lines, width })
            })
            .collect();
        run_batches(&self.models, &runs, crops.len(), |model, run| self.run(model, crops, run))
    }

    /// Lines of one batch as RapidOCR builds it: every image resized to
    /// height 48 and right-padded with zeros to `run.width`.
    fn run(&self, model: &Model, crops: &[Image3], run: &Run<'_>) -> Result<Vec<LineRead>, VisionError> {
        let (batch, width) = (run.lines, run.width);
        let plane = HEIGHT * width;
        let t0 = std::time::Instant::now();
        let mut input = vec![0f32; batch.len() * 3 * plane];
        for (slot, &i) in batch.iter().enumerate() {
            let resized = resize_linear(crops[i].view(), resized_width(&crops[i], width), HEIGHT);
            to_bgr_planes(resized.view(), &self.lut, &mut input[slot * 3 * plane..], plane, width);
        }
        let t1 = std::time::Instant::now();
        let mut t2 = t1;
        let decoded = model.run_with([batch.len(), 3, HEIGHT, width], &input, |shape, data| {
            t2 = std::time::Instant::now();
            let [n, steps, classes] = shape[..] else {
                return Err(shape.to_vec());
            };
            if n != batch.len() || classes != self.chars.len() || data.len() != n * steps * classes {
                return Err(shape.to_vec());
            }
            Ok(data
                .chunks_exact(steps * classes)
                .map(|probs| self.decode(probs, classes))
                .collect::<Vec<_>>())
        })?;
        let decoded = decoded.map_err(|shape| model.bad_output(&shape))?;
        tracing::trace!(
            lines = batch.len(),
            width,
            prep_ms = (t1 - t0).as_secs_f64() * 1e3,
            run_ms = (t2 - t1).as_secs_f64() * 1e3,
            decode_ms = t2.elapsed().as_secs_f64() * 1e3,
            "recognition batch"
        );
        Ok(decoded)
    }

    /// CTC greedy decoding: argmax per step, merge repeats, drop blanks; the
    /// score is the mean of the kept maxima, each rounded to five decimals.
    fn decode(&self, probs: &[f32], classes: usize) -> LineRead {
        let mut text = String::new();
        let mut confs = Vec::new();
        let mut prev = usize::MAX;
        let mut choices = Vec::with_capacity(probs.len() / classes.max(1));
        let mut weakest_char = 1f32;
        for step in probs.chunks_exact(classes) {
            let (best, best_p) = first_argmax(step);
            choices.push(best);
            if best != prev && best != 0 {
                text.push_str(&self.chars[best]);
                confs.push(py_round5(best_p as f64));
                weakest_char = weakest_char.min(best_p);
            }
            prev = best;
        }
        if confs.is_empty() {
            confs.push(0.0);
        }
        let doubt = self.doubts.then(|| Doubt { weakest_char, rival: rival(probs, classes, &choices) });
        LineRead { text, score: np_round5(np_mean(&confs)), doubt }
    }
}

/// [`Doubt::rival`] of one line's output, given each step's choice.
fn rival(probs: &[f32], classes: usize, choices: &[usize]) -> f32 {
    let mut rival = 0f32;
    for (t, step) in probs.chunks_exact(classes).enumerate() {
        let before = t.checked_sub(1).map(|b| choices[b]);
        let after = choices.get(t + 1).copied();
        for (c, &p) in step.iter().enumerate() {
            // Most classes fail the first test, so the rest is rarely asked.
            if p > rival && c != 0 && c != choices[t] && Some(c) != before && Some(c) != after {
                rival = p;
            }
        }
    }
    rival
}

/// The index and value of the first maximum of `v` (NumPy's `argmax` and
/// `max`), as a scan that keeps a value only when it is strictly greater
/// would find it. `v` is one step of the recogniser's output, one value per
/// class of an 18,000-character dictionary, so the maximum is found first
/// in eight independent lanes, which the compiler vectorises, and its
/// position afterwards.
fn first_argmax(v: &[f32]) -> (usize, f32) {
    let Some(&first) = v.first() else {
        return (0, f32::NAN);
    };
    // Nothing is greater than NaN: a leading NaN wins, later ones never do.
    if first.is_nan() {
        return (0, first);
    }
    let mut lanes = [first; 8];
    let mut chunks = v.chunks_exact(8);
    for chunk in &mut chunks {
        for (lane, &p) in lanes.iter_mut().zip(chunk) {
            if p > *lane {
                *lane = p;
            }
        }
    }
    let max =
        lanes
            .into_iter()
            .chain(chunks.remainder().iter().copied())
            .fold(first, |m, p| if p > m { p } else { m });
    // `max` is one of the values, so the search succeeds; the value is read
    // back so that a -0.0 found first stays -0.0.
    let best = v.iter().position(|&p| p == max).unwrap_or(0);
    (best, v.get(best).copied().unwrap_or(max))
}

#[cfg(test)]
mod tests {
    use super::{first_argmax, rival, split};

    #[test]
    fn rival_ignores_blank_the_choice_and_its_neighbours() {
        // Four classes (0 = blank), three steps choosing 1, 0, 2.
        let probs = [
            0.1, 0.6, 0.1, 0.2, // 3 competes with 1 at step 0
            0.5, 0.2, 0.25, 0.05, // 1 and 2 are the neighbours' choices
            0.3, 0.1, 0.55, 0.05,
        ];
        assert_eq!(rival(&probs, 4, &[1, 0, 2]), 0.2);
        // Without step 0's rival, the best alternative is step 2's class 1
        // (its neighbour chose blank, so class 1 would add a character).
        let calm = [0.1, 0.7, 0.1, 0.1, 0.5, 0.2, 0.25, 0.05, 0.3, 0.15, 0.55, 0.0];
        assert_eq!(rival(&calm, 4, &[1, 0, 2]), 0.15);
    }

    #[test]
    fn batches_split_into_runs_of_two_or_more() {
        let sizes = |n: usize| -> Vec<usize> {
            let batch: Vec<usize> = (0..n).collect();
            let runs: Vec<&[usize]> = split(&batch).collect();
            assert_eq!(runs.concat(), batch, "runs cover the batch in order");
            runs.iter().map(|r| r.len()).collect()
        };
        assert_eq!(sizes(6), [2, 2, 2]);
        assert_eq!(sizes(5), [2, 3]);
        assert_eq!(sizes(4), [2, 2]);
        assert_eq!(sizes(3), [3]);
        assert_eq!(sizes(2), [2]);
        assert_eq!(sizes(1), [1]);
        assert_eq!(sizes(0), [0usize; 0]);
    }

    /// The scan `first_argmax` replaces.
    fn scan(v: &[f32]) -> (usize, f32) {
        let (mut best, mut best_p) = (0, v[0]);
        for (k, &p) in v.iter().enumerate().skip(1) {
            if p > best_p {
                best = k;
                best_p = p;
            }
        }
        (best, best_p)
    }

    #[track_caller]
    fn check(v: &[f32]) {
        let (got, want) = (first_argmax(v), scan(v));
        assert_eq!(got.0, want.0, "{v:?}");
        assert_eq!(got.1.to_bits(), want.1.to_bits(), "{v:?}");
    }

    #[test]
    fn first_argmax_agrees_with_a_scan() {
        check(&[0.5]);
        check(&[0.1, 0.7, 0.2]);
        check(&[0.3; 20]);
        check(&[-0.0, 0.0, -0.0]);
        check(&[0.0, -0.0]);
        check(&[f32::NAN, 1.0, 2.0]);
        check(&[1.0, f32::NAN, 2.0, f32::NAN]);
        check(&[f32::NEG_INFINITY; 9]);
        // Ties across lanes and in the remainder keep the first.
        let mut v: Vec<f32> = (0..37).map(|i| (i % 11) as f32 * 0.01).collect();
        check(&v);
        v[36] = 0.5;
        check(&v);
        v[3] = 0.5;
        check(&v);
        let pseudo: Vec<f32> =
            (0..18385u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 8) as f32 / 16_777_216.0).collect();
        check(&pseudo);
    }
}
