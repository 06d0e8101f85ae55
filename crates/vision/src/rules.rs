//! Rules drawn on a page: [`horizontal_rules`] and [`vertical_rules`] find
//! the thin straight lines a table's borders are made of.
//!
//! A journal's table is set between rules (one above the header, one under
//! it, one below the last row: "booktabs"), a ruled table between a rule
//! for every row. Neither the text layer nor OCR has them; the page image
//! does, and they are the evidence that two columns of wordy text (a
//! method's name beside its description) are a table and not a form or a
//! definition list.

use image::RgbImage;
use parasol_doc::BBox;

/// A pixel darker than this (the mean of its channels) is ink. Lighter
/// than the bullets' threshold: a hairline rendered at 150 dpi is
/// anti-aliased to mid grey.
const INK: u32 = 170;

/// The shortest rule, in pixels...
const MIN_LENGTH: u32 = 40;

/// ...and as a share of the page's width (a rule under a word is an
/// underline, not a table's border).
const MIN_LENGTH_SHARE: f32 = 0.1;

/// Light pixels a rule may skip (a scan's speckle, a dashed join).
const MAX_GAP: u32 = 2;

/// The thickest rule, in pixels at any resolution below ~400 dpi, and as a
/// share of its length: a filled bar, a shaded row or a photograph's dark
/// band is thicker.
const MAX_THICKNESS: f32 = 6.0;
const MAX_THICKNESS_SHARE: f32 = 0.05;

/// A rule drawn across a page turned a little (a scan straightened to
/// within half a degree) steps down a pixel every hundred or so; segments
/// this close, end to start, one row apart, are one rule.
const STEP_REACH: u32 = 3;

/// A rule being found, along its length and across it (ends exclusive),
/// with its ink pixels: a rule's is its length times its thickness.
struct Rule {
    along0: u32,
    along1: u32,
    across0: u32,
    across1: u32,
    ink: u64,
}

impl Rule {
    fn length(&self) -> u32 {
        self.along1 - self.along0
    }

    fn width(&self) -> u32 {
        self.across1 - self.across0
    }

    fn thickness(&self) -> f32 {
        self.ink as f32 / self.length() as f32
    }
}

/// Runs of ink on neighbouring lines `(line, start, end)`, in line order,
/// chained into rules: a run on the next line overlapping a rule's span
/// (its thickness), or one a little beside it continuing it (a rule a
/// little askew, stepping a pixel every hundred or so).
fn chain(segments: Vec<(u32, u32, u32)>) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    for (line, a, b) in segments {
        let joins = |r: &Rule| {
            line <= r.across1 && line >= r.across0 && a <= r.along1 + STEP_REACH && b + STEP_REACH >= r.along0
        };
        match rules.iter_mut().rev().find(|r| joins(r)) {
            Some(r) => {
                r.along0 = r.along0.min(a);
                r.along1 = r.along1.max(b);
                r.across1 = r.across1.max(line + 1);
                r.ink += u64::from(b - a);
            }
            None => rules.push(Rule {
                along0: a,
                along1: b,
                across0: line,
                across1: line + 1,
                ink: u64::from(b - a),
            }),
        }
    }
    rules
}

/// Whether the pixel at (x, y) is ink ([`INK`]).
fn is_ink(image: &RgbImage, x: u32, y: u32) -> bool {
    let p = image.get_pixel(x, y).0;
    (p[0] as u32 + p[1] as u32 + p[2] as u32) < 3 * INK
}

/// The runs of ink along `span` (`ink` says which positions are), with up
/// to [`MAX_GAP`] light positions inside, at least `min` long: each as its
/// start and its end (exclusive).
fn ink_runs(span: std::ops::Range<u32>, min: u32, ink: impl Fn(u32) -> bool) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut start: Option<u32> = None;
    let mut last_ink = 0;
    for i in span.start..=span.end {
        match (i < span.end && ink(i), start) {
            (true, None) => {
                start = Some(i);
                last_ink = i;
            }
            (true, Some(_)) => last_ink = i,
            (false, Some(s)) if i >= span.end || i - last_ink > MAX_GAP => {
                if last_ink + 1 - s >= min {
                    out.push((s, last_ink + 1));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Horizontal rules in `image`: runs of ink at least [`MIN_LENGTH`] pixels
/// and [`MIN_LENGTH_SHARE`] of the page long, at most [`MAX_THICKNESS`]
/// thick, each as its box, top to bottom.
pub fn horizontal_rules(image: &RgbImage) -> Vec<BBox> {
    let (w, h) = image.dimensions();
    let min_len = MIN_LENGTH.max((MIN_LENGTH_SHARE * w as f32) as u32);
    if w < min_len {
        return Vec::new();
    }
    // Runs of ink per row.
    let segments: Vec<(u32, u32, u32)> = (0..h) // (y, x0, x1 exclusive)
        .flat_map(|y| {
            ink_runs(0..w, min_len / 2, |x| is_ink(image, x, y)).into_iter().map(move |(a, b)| (y, a, b))
        })
        .collect();
    chain(segments)
        .into_iter()
        .filter(|r| {
            let length = r.length() as f32;
            r.length() >= min_len
                && r.thickness() <= MAX_THICKNESS
                && r.thickness() <= MAX_THICKNESS_SHARE * length
                && r.width() as f32 <= MAX_THICKNESS + MAX_THICKNESS_SHARE * length
        })
        .map(|r| BBox::new(r.along0 as f32, r.across0 as f32, r.along1 as f32, r.across1 as f32))
        .collect()
}

/// The shortest vertical rule as a share of the page's height (at least
/// [`MIN_LENGTH`] pixels): a table's border spans at least one row with
/// its padding, a letter's stem is shorter.
const MIN_HEIGHT_SHARE: f32 = 0.02;

/// Vertical rules inside `within`: runs of ink down the page at least
/// [`MIN_HEIGHT_SHARE`] of its height (and [`MIN_LENGTH`] pixels) long and
/// at most [`MAX_THICKNESS`] wide, each as its box, left to right. A ruled
/// table's borders and column separators; a booktabs table has none.
pub fn vertical_rules(image: &RgbImage, within: &BBox) -> Vec<BBox> {
    let (w, h) = image.dimensions();
    let clamp = |v: f32, hi: u32| (v.max(0.0) as u32).min(hi);
    let (x0, x1) = (clamp(within.x0, w), clamp(within.x1.ceil(), w));
    let (y0, y1) = (clamp(within.y0, h), clamp(within.y1.ceil(), h));
    let min_len = MIN_LENGTH.max((MIN_HEIGHT_SHARE * h as f32) as u32);
    if y1 < y0 + min_len || x1 <= x0 {
        return Vec::new();
    }
    // Runs of ink per column.
    let segments: Vec<(u32, u32, u32)> = (x0..x1) // (x, y0, y1 exclusive)
        .flat_map(|x| {
            ink_runs(y0..y1, min_len / 2, |y| is_ink(image, x, y)).into_iter().map(move |(a, b)| (x, a, b))
        })
        .collect();
    chain(segments)
        .into_iter()
        .filter(|r| {
            r.length() >= min_len
                && r.thickness() <= MAX_THICKNESS
                && r.width() as f32 <= MAX_THICKNESS + MAX_THICKNESS_SHARE * r.length() as f32
        })
        .map(|r| BBox::new(r.across0 as f32, r.along0 as f32, r.across1 as f32, r.along1 as f32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    fn page(w: u32, h: u32) -> RgbImage {
        RgbImage::from_pixel(w, h, Rgb([255, 255, 255]))
    }

    fn fill(img: &mut RgbImage, x0: u32, y0: u32, x1: u32, y1: u32, grey: u8) {
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, Rgb([grey; 3]));
            }
        }
    }

    #[test]
    fn a_hairline_and_a_thick_rule_are_found_with_their_boxes() {
        let mut img = page(400, 200);
        fill(&mut img, 20, 30, 380, 31, 150); // an anti-aliased hairline
        fill(&mut img, 20, 100, 380, 103, 0);
        let rules = horizontal_rules(&img);
        assert_eq!(rules, vec![BBox::new(20.0, 30.0, 380.0, 31.0), BBox::new(20.0, 100.0, 380.0, 103.0)]);
    }

    #[test]
    fn bars_words_and_short_strokes_are_no_rules() {
        let mut img = page(400, 300);
        fill(&mut img, 20, 20, 380, 60, 0); // a filled bar
        fill(&mut img, 20, 100, 50, 101, 0); // an underline under a word
                                             // A line of "text": short dark strokes with gaps wider than a rule may skip.
        for k in 0..40 {
            fill(&mut img, 20 + 9 * k, 150, 25 + 9 * k, 160, 0);
        }
        fill(&mut img, 20, 200, 380, 202, 200); // too light to be ink
        assert!(horizontal_rules(&img).is_empty(), "{:?}", horizontal_rules(&img));
    }

    #[test]
    fn a_frame_has_two_vertical_rules_and_text_has_none() {
        let mut img = page(400, 400);
        fill(&mut img, 20, 50, 380, 52, 0); // top and bottom borders
        fill(&mut img, 20, 150, 380, 152, 0);
        fill(&mut img, 20, 50, 22, 152, 0); // left and right borders
        fill(&mut img, 378, 50, 380, 152, 150);
        // Words inside: strokes 20 px high, a thick bar.
        for k in 0..20 {
            fill(&mut img, 40 + 12 * k, 90, 43 + 12 * k, 110, 0);
        }
        fill(&mut img, 100, 200, 140, 300, 0);
        let rules = vertical_rules(&img, &BBox::new(0.0, 0.0, 400.0, 400.0));
        assert_eq!(rules, vec![BBox::new(20.0, 50.0, 22.0, 152.0), BBox::new(378.0, 50.0, 380.0, 152.0)]);
        // Only what lies inside `within`.
        assert_eq!(vertical_rules(&img, &BBox::new(0.0, 0.0, 200.0, 400.0)).len(), 1);
    }

    #[test]
    fn a_rule_a_little_askew_is_one_rule() {
        let mut img = page(700, 100);
        // Down a pixel every 150 pixels, as a rule on a scan turned 0.4°.
        for k in 0..4 {
            fill(&mut img, 10 + 150 * k, 40 + k, 10 + 150 * (k + 1), 41 + k, 0);
        }
        // Speckle: a light pixel inside the rule.
        img.put_pixel(350, 42, Rgb([255; 3]));
        assert_eq!(horizontal_rules(&img), vec![BBox::new(10.0, 40.0, 610.0, 44.0)]);
    }
}
