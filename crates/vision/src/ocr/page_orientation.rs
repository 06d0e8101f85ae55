//! Page orientation from the text itself: [`OcrEngine::recognize_upright`].
//!
//! The page-orientation model (`orientation`) sees only the middle of the
//! page; a page whose text sits elsewhere gets a near-uniform answer. The
//! text detector sees the whole page, so its boxes decide instead:
//!
//! 1. Mostly tall, narrow boxes (by total length, else, where neither way
//!    has most of the length, by count: a sideways table's short cells
//!    against a long upright caption) mean the lines run vertically: the
//!    page is turned a quarter turn one way or the other.
//! 2. The 0/180 line classifier then votes on pieces of the line crops
//!    (which RapidOCR already turns a quarter counter-clockwise when they
//!    are tall), each piece four times as long as high so that the
//!    classifier sees undistorted characters: pieces that read upright
//!    after that turn come from a page turned clockwise
//!    ([`Rotation::Deg90`]), upside-down ones from a page turned
//!    counter-clockwise ([`Rotation::Deg270`]). On a page of horizontal
//!    lines, a majority of upside-down pieces means [`Rotation::Deg180`].
//!
//! Votes are weighted by the classifier's confidence, and the page is only
//! turned when enough of them agree strongly; otherwise it is read as it is,
//! with the detection already done, so an upright page costs no more than
//! [`OcrEngine::recognize`] and a few classifier batches.
//!
//! ```no_run
//! # use parasol_vision::{OcrEngine, orientation::Rotation};
//! # fn f(engine: &OcrEngine, page: &image::RgbImage) -> Result<(), parasol_vision::VisionError> {
//! let (lines, rotation) = engine.recognize_upright(page)?;
//! // `lines` are in the pixels of the upright page:
//! let upright = rotation.upright(page);
//! # let _ = (lines, upright, Rotation::Deg0);
//! # Ok(()) }
//! ```

use image::RgbImage;
use parasol_doc::TextLine;

use super::det::Quad;
use super::HangulRoute;
use super::{crop_size, is_tall};
use crate::cv::imgops::Image3;
use crate::Rotation;
use crate::{OcrEngine, VisionError};

/// Share of the line length that must run one way (vertical or horizontal)
/// before the page counts as such.
const DIRECTION_SHARE: f64 = 0.65;
/// Where neither way has that share of the length, the share of the lines
/// (by count) that must run one way, …
const COUNT_SHARE: f64 = 0.8;
/// … and the fewest lines that must run that way.
const COUNT_MIN_LINES: usize = 8;
/// Share of the confidence-weighted votes needed to turn the page.
const VOTE_SHARE: f64 = 0.7;
/// Fewest votes that may turn a page: about twenty characters of text.
const MIN_VOTES: usize = 4;
/// Most votes taken, to bound the classifier's extra work (five batches).
const MAX_VOTES: usize = 30;
/// A box is a line, not a blob or a single character, when its long side is
/// at least this many times its short side.
const ELONGATION: f64 = 1.5;
/// The classifier's input is 192 x 48; a piece of line this many times as
/// long as high fills it without being squeezed.
const PIECE_RATIO: usize = 4;

impl OcrEngine {
    /// Reads a page that may be turned by a quarter or half turn: decides
    /// the rotation from the detected lines (see the module docs), turns
    /// the page upright when it is turned and reads it with
    /// [`recognize`](OcrEngine::recognize). Returns the lines in the pixels
    /// of the upright page, `rotation.upright(image)`, and the rotation
    /// found in `image` ([`Rotation::Deg0`] when the evidence is weak).
    pub fn recognize_upright(&self, image: &RgbImage) -> Result<(Vec<TextLine>, Rotation), VisionError> {
        self.recognize_upright_with(image, HangulRoute::Off)
    }

    /// [`recognize_upright`](OcrEngine::recognize_upright) with the lines
    /// that `route` names read by the Korean recogniser.
    pub fn recognize_upright_with(
        &self,
        image: &RgbImage,
        route: HangulRoute<'_>,
    ) -> Result<(Vec<TextLine>, Rotation), VisionError> {
        let Some(detected) = self.detect(image)? else {
            return Ok((Vec::new(), Rotation::Deg0));
        };
        let mut crops = detected.crops(self.workers);
        let rotation = match direction(&detected.boxes) {
            Some((tall, voters)) => {
                let pieces = pieces(&crops, &voters);
                vote(tall, &self.line_orientation(&pieces)?)
            }
            None => Rotation::Deg0,
        };
        if rotation == Rotation::Deg0 {
            let scores = self.line_orientation(&crops)?;
            return Ok((self.read(&detected, &mut crops, &scores, route, false)?, rotation));
        }
        tracing::debug!(degrees = rotation.degrees(), "page turned upright from its text lines");
        drop((detected, crops));
        let upright = rotation.upright(image);
        // A page turned clockwise is what vertical writing looks like.
        Ok((self.recognize_lines(&upright, route, rotation == Rotation::Deg90)?, rotation))
    }
}

/// Which way the page's lines run: `Some((true, _))` for vertical lines
/// (tall boxes), `Some((false, _))` for horizontal ones, with the indices of
/// the lines running that way, longest first; `None` when neither way
/// dominates.
pub(crate) fn direction(boxes: &[Quad]) -> Option<(bool, Vec<usize>)> {
    let lines: Vec<(usize, bool, usize)> = boxes
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let (w, h) = crop_size(b);
            let (long, short) = (w.max(h), w.min(h));
            (long as f64 >= ELONGATION * short as f64).then_some((i, is_tall(w, h), long))
        })
        .collect();
    let length = |tall: bool| lines.iter().filter(|l| l.1 == tall).map(|l| l.2 as f64).sum::<f64>();
    let (vertical, horizontal) = (length(true), length(false));
    let total = vertical + horizontal;
    tracing::debug!(lines = lines.len(), vertical_share = vertical / total.max(1.0), "text direction");
    let count = |tall: bool| lines.iter().filter(|l| l.1 == tall).count();
    let tall = if total <= 0.0 {
        return None;
    } else if vertical / total >= DIRECTION_SHARE {
        true
    } else if horizontal / total >= DIRECTION_SHARE {
        false
    } else if count(true) >= COUNT_MIN_LINES && count(true) as f64 >= COUNT_SHARE * lines.len() as f64 {
        // A sideways table's many short cells against an upright caption
        // or page heading as long as all of them together.
        true
    } else if count(false) >= COUNT_MIN_LINES && count(false) as f64 >= COUNT_SHARE * lines.len() as f64 {
        false
    } else {
        return None;
    };
    let mut voters: Vec<(usize, usize)> =
        lines.into_iter().filter(|l| l.1 == tall).map(|(i, _, long)| (i, long)).collect();
    voters.sort_by_key(|&(_, long)| std::cmp::Reverse(long));
    Some((tall, voters.into_iter().map(|(i, _)| i).collect()))
}

/// Pieces of the voters' crops, each at most [`PIECE_RATIO`] times as long
/// as high, taken in turns from the longest lines (first pieces first) so
/// that one long line cannot outvote the rest, at most [`MAX_VOTES`].
///
/// The classifier squeezes a whole line into 192 x 48 pixels, and on long
/// lines its answer is little better than chance (0.63 for "upside down"
/// on an upright line of Docling's `ocr_test.pdf`); pieces keep the
/// characters' shape.
fn pieces(crops: &[Image3], voters: &[usize]) -> Vec<Image3> {
    let mut out = Vec::new();
    for round in 0.. {
        let before = out.len();
        for &i in voters {
            let Some(crop) = crops.get(i) else { continue };
            let piece_w = (PIECE_RATIO * crop.height).max(1);
            let x0 = round * piece_w;
            if x0 >= crop.width || out.len() >= MAX_VOTES {
                continue;
            }
            out.push(columns(crop, x0, (x0 + piece_w).min(crop.width)));
        }
        if out.len() == before {
            break;
        }
    }
    out
}

/// Columns `x0..x1` of `img`.
fn columns(img: &Image3, x0: usize, x1: usize) -> Image3 {
    let mut out = Image3::new(x1 - x0, img.height);
    for (dst, src) in out.data.chunks_exact_mut((x1 - x0) * 3).zip(img.data.chunks_exact(img.width * 3)) {
        dst.copy_from_slice(&src[x0 * 3..x1 * 3]);
    }
    out
}

/// The rotation present in a page whose lines run vertically (`tall`) or
/// horizontally, from the classifier's `[p(0°), p(180°)]` on pieces of its
/// line crops (tall crops already turned a quarter counter-clockwise).
pub(crate) fn vote(tall: bool, scores: &[[f32; 2]]) -> Rotation {
    if scores.len() < MIN_VOTES {
        return Rotation::Deg0;
    }
    let (mut upright, mut upside_down) = (0.0, 0.0);
    for &[p0, p180] in scores {
        // argmax keeps the first of equal scores, as the classifier does.
        if p180 > p0 {
            upside_down += f64::from(p180);
        } else {
            upright += f64::from(p0);
        }
    }
    let votes = upright + upside_down;
    if votes <= 0.0 {
        return Rotation::Deg0;
    }
    tracing::debug!(tall, votes = scores.len(), upside_down_share = upside_down / votes, "page orientation");
    match (tall, upright / votes >= VOTE_SHARE, upside_down / votes >= VOTE_SHARE) {
        (true, true, _) => Rotation::Deg90,
        (true, _, true) => Rotation::Deg270,
        (false, _, true) => Rotation::Deg180,
        _ => Rotation::Deg0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(w: f32, h: f32) -> Quad {
        [[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]]
    }

    #[track_caller]
    fn check_direction(boxes: &[Quad], expect: Option<(bool, Vec<usize>)>) {
        assert_eq!(direction(boxes), expect);
    }

    #[test]
    fn direction_follows_most_of_the_line_length() {
        let (wide, tall, square) = (rect(300.0, 30.0), rect(30.0, 300.0), rect(40.0, 40.0));
        check_direction(&[wide, rect(600.0, 30.0)], Some((false, vec![1, 0])));
        check_direction(&[tall, wide, tall, tall], Some((true, vec![0, 2, 3])));
        // Square boxes (single characters, blobs) do not count.
        check_direction(&[square, square, square, wide], Some((false, vec![3])));
        check_direction(&[square], None);
        check_direction(&[], None);
        // Mixed directions: neither reaches 65 % of the length.
        check_direction(&[tall, tall, wide, wide], None);
        check_direction(&[tall, tall, tall, wide, wide], None);
        // Many short lines one way (a sideways table's cells) against one
        // long line the other way (its caption): the many, when eight or
        // more and four in five of the lines.
        let (cell, caption) = (rect(20.0, 80.0), rect(800.0, 20.0));
        let mut page = vec![cell; 8];
        page.push(caption);
        check_direction(&page, Some((true, (0..8).collect())));
        check_direction(&page[1..], None);
        // Three long lines outweigh them by length.
        page.extend([caption; 2]);
        check_direction(&page, Some((false, vec![8, 9, 10])));
    }

    const UP: [f32; 2] = [0.98, 0.02];
    const DOWN: [f32; 2] = [0.03, 0.97];

    #[track_caller]
    fn check_vote(tall: bool, scores: &[[f32; 2]], expect: Rotation) {
        assert_eq!(vote(tall, scores), expect);
    }

    #[test]
    fn votes_turn_the_page_only_when_clear() {
        check_vote(false, &[UP; 5], Rotation::Deg0);
        check_vote(false, &[DOWN; 5], Rotation::Deg180);
        check_vote(true, &[UP; 5], Rotation::Deg90);
        check_vote(true, &[DOWN; 5], Rotation::Deg270);
        // Too few votes.
        check_vote(false, &[DOWN; 3], Rotation::Deg0);
        check_vote(true, &[UP; 3], Rotation::Deg0);
        // Split votes keep the page as it is.
        check_vote(true, &[UP, DOWN, UP, DOWN, UP], Rotation::Deg0);
        check_vote(false, &[UP, DOWN, DOWN, DOWN, UP], Rotation::Deg0);
        // Unsure votes count for less.
        check_vote(false, &[DOWN, DOWN, DOWN, DOWN, [0.45, 0.55], [0.45, 0.55]], Rotation::Deg180);
        check_vote(false, &[DOWN, DOWN, DOWN, UP, UP, [0.4, 0.6]], Rotation::Deg0);
    }

    #[test]
    fn pieces_take_turns_between_lines() {
        let line = |w: usize, h: usize, v: u8| Image3 { width: w, height: h, data: vec![v; w * h * 3] };
        // 10 px high: pieces of 40 px.
        let crops = [line(100, 10, 1), line(50, 10, 2), line(30, 10, 3)];
        let got: Vec<(usize, u8)> = pieces(&crops, &[0, 1, 2]).iter().map(|p| (p.width, p.data[0])).collect();
        assert_eq!(got, [(40, 1), (40, 2), (30, 3), (40, 1), (10, 2), (20, 1)]);
        let many = vec![line(4000, 10, 7)];
        assert_eq!(pieces(&many, &[0]).len(), MAX_VOTES);
    }

    #[test]
    fn columns_copies_a_vertical_strip() {
        let img = Image3 { width: 3, height: 2, data: (0..18).collect() };
        let strip = columns(&img, 1, 3);
        assert_eq!((strip.width, strip.height), (2, 2));
        assert_eq!(strip.data, [3, 4, 5, 6, 7, 8, 12, 13, 14, 15, 16, 17]);
    }
}
