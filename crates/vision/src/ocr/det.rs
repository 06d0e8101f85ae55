//! Text detection: PP-OCRv6's DB probability map and RapidOCR's
//! `DBPostProcess` around it (threshold 0.3, 2x2 dilation, contours, box
//! score, unclip, sorting into reading order).

use crate::cv::clipper;
use crate::cv::contours::find_contours;
use crate::cv::geometry::{mini_box, order_points_clockwise};
use crate::cv::imgops::{resize_linear, View};
use crate::cv::polymask::box_score_fast;
use crate::cv::pycompat::py_round;
use crate::session::Model;
use crate::VisionError;

/// A text box: four corners, clockwise from the top-left one.
pub(crate) type Quad = [[f32; 2]; 4];

/// RapidOCR's `Det` settings for PP-OCRv6.
const LIMIT_SIDE_LEN: f64 = 736.0;
/// Compared as NumPy does, after casting to the map's `float32`.
const THRESH: f32 = 0.3;
const BOX_THRESH: f64 = 0.5;
const MAX_CANDIDATES: usize = 1000;
const UNCLIP_RATIO: f64 = 1.6;
const MIN_SIZE: f32 = 3.0;
/// Boxes whose top-left corners are closer than this vertically share a line.
const SORT_Y_THRESHOLD: f32 = 10.0;

/// The input value for each byte: `(x * float32(1/255) - 0.5) / 0.5`, the
/// subtraction and division done in `f64` as NumPy promotes them.
fn det_lut() -> [f32; 256] {
    let scale = (1.0f64 / 255.0) as f32;
    std::array::from_fn(|v| ((((v as f32) * scale) as f64 - 0.5) / 0.5) as f32)
}

/// Fills `out` (3 planes, B, G, R) from an RGB image with `lut` per byte.
pub(crate) fn to_bgr_planes(
    img: View<'_, 3>,
    lut: &[f32; 256],
    out: &mut [f32],
    plane_stride: usize,
    row_stride: usize,
) {
    for y in 0..img.height {
        let row = img.row(y);
        for (x, px) in row.chunks_exact(3).enumerate() {
            let o = y * row_stride + x;
            out[o] = lut[px[2] as usize];
            out[plane_stride + o] = lut[px[1] as usize];
            out[2 * plane_stride + o] = lut[px[0] as usize];
        }
    }
}

#[derive(Debug)]
pub(crate) struct Detector {
    model: Model,
    lut: [f32; 256],
}

impl Detector {
    pub fn new(model: Model) -> Detector {
        Detector { model, lut: det_lut() }
    }

    /// Text boxes in `img` coordinates, in RapidOCR's reading order.
    pub fn detect(&self, img: View<'_, 3>) -> Result<Vec<Quad>, VisionError> {
        let (h, w) = (img.height, img.width);
        let ratio = if (h.min(w) as f64) < LIMIT_SIDE_LEN {
            if h < w {
                LIMIT_SIDE_LEN / h as f64
            } else {
                LIMIT_SIDE_LEN / w as f64
            }
        } else {
            1.0
        };
        let rh = py_round(((h as f64 * ratio) as i64) as f64 / 32.0) * 32;
        let rw = py_round(((w as f64 * ratio) as i64) as f64 / 32.0) * 32;
        if rh <= 0 || rw <= 0 {
            return Ok(Vec::new());
        }
        let (rh, rw) = (rh as usize, rw as usize);
        let resized = resize_linear(img, rw, rh);
        let mut input = vec![0f32; 3 * rh * rw];
        to_bgr_planes(resized.view(), &self.lut, &mut input, rh * rw, rw);
        drop(resized);
        let t0 = std::time::Instant::now();
        let mut t1 = t0;
        // The probability map is read where ONNX Runtime left it, not copied.
        let boxes = self.model.run_with([1, 3, rh, rw], &input, |shape, map| {
            t1 = std::time::Instant::now();
            match shape[..] {
                [1, 1, mh, mw] if mh * mw == map.len() && mh > 0 && mw > 0 => {
                    Ok(boxes_from_map(map, mw, mh, w, h))
                }
                _ => Err(shape.to_vec()),
            }
        })?;
        let boxes = boxes.map_err(|shape| self.model.bad_output(&shape))?;
        tracing::trace!(
            width = rw,
            height = rh,
            run_ms = (t1 - t0).as_secs_f64() * 1e3,
            post_ms = t1.elapsed().as_secs_f64() * 1e3,
            "detection"
        );
        Ok(sorted_boxes(boxes))
    }
}

/// `DBPostProcess.__call__` and `filter_det_res`: boxes from the
/// probability map `pred` (`mw` x `mh`), scaled to `dest_w` x `dest_h`.
pub(crate) fn boxes_from_map(pred: &[f32], mw: usize, mh: usize, dest_w: usize, dest_h: usize) -> Vec<Quad> {
    // Threshold, then dilate with a 2x2 kernel anchored at (1, 1): a pixel is
    // set when it or its left, upper or upper-left neighbour is.
    let seg: Vec<bool> = pred.iter().map(|&p| p > THRESH).collect();
    let mut mask = vec![0u8; mw * mh];
    for y in 0..mh {
        for x in 0..mw {
            let at = |yy: usize, xx: usize| seg[yy * mw + xx];
            let on = at(y, x)
                || (x > 0 && at(y, x - 1))
                || (y > 0 && (at(y - 1, x) || (x > 0 && at(y - 1, x - 1))));
            mask[y * mw + x] = u8::from(on);
        }
    }
    let contours = find_contours(&mask, mw, mh);
    let mut out = Vec::new();
    for contour in contours.iter().take(MAX_CANDIDATES) {
        let pts: Vec<[i64; 2]> = contour.iter().map(|p| [p[0] as i64, p[1] as i64]).collect();
        let (points, sside) = mini_box(&pts);
        if sside < MIN_SIZE {
            continue;
        }
        let score = box_score_fast(pred, mw, mh, &points);
        if BOX_THRESH > score {
            continue;
        }
        let expanded = clipper::offset_round(&points, unclip_distance(&points));
        if expanded.is_empty() {
            continue;
        }
        let (bx, sside) = mini_box(&expanded);
        if sside < MIN_SIZE + 2.0 {
            continue;
        }
        let scale = |v: f32, from: usize, to: usize| {
            ((v / from as f32) * to as f32).round_ties_even().clamp(0.0, to as f32)
        };
        let ibox: Quad = bx.map(|[x, y]| [scale(x, mw, dest_w).trunc(), scale(y, mh, dest_h).trunc()]);
        // filter_det_res: order, clip to the image, drop slivers.
        let mut q = order_points_clockwise(&ibox);
        for p in &mut q {
            p[0] = p[0].max(0.0).min(dest_w as f32 - 1.0).trunc();
            p[1] = p[1].max(0.0).min(dest_h as f32 - 1.0).trunc();
        }
        if norm(q[0], q[1]) as i64 <= 3 || norm(q[0], q[3]) as i64 <= 3 {
            continue;
        }
        out.push(q);
    }
    out
}

/// `np.linalg.norm(a - b)` on `float32` points.
pub(crate) fn norm(a: [f32; 2], b: [f32; 2]) -> f32 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    (dx * dx + dy * dy).sqrt()
}

/// `Polygon(box).area * unclip_ratio / Polygon(box).length`, with GEOS's
/// shoelace and segment-length sums.
fn unclip_distance(b: &Quad) -> f64 {
    let p: Vec<[f64; 2]> =
        b.iter().chain(std::iter::once(&b[0])).map(|q| [q[0] as f64, q[1] as f64]).collect();
    let n = p.len();
    let x0 = p[0][0];
    let mut sum = 0.0;
    for i in 1..n - 1 {
        sum += (p[i][0] - x0) * (p[i - 1][1] - p[i + 1][1]);
    }
    let area = (sum / 2.0).abs();
    let mut length = 0.0;
    for i in 1..n {
        let (dx, dy) = (p[i][0] - p[i - 1][0], p[i][1] - p[i - 1][1]);
        length += (dx * dx + dy * dy).sqrt();
    }
    if length == 0.0 {
        0.0
    } else {
        area * UNCLIP_RATIO / length
    }
}

/// `TextDetector.sorted_boxes`: stable sort by the top-left corner's y, group
/// boxes whose successive y differ by less than 10 into lines, then sort by
/// (line, x), stably.
pub(crate) fn sorted_boxes(mut boxes: Vec<Quad>) -> Vec<Quad> {
    boxes.sort_by(|a, b| a[0][1].total_cmp(&b[0][1]));
    let mut line = 0usize;
    let mut keyed: Vec<(usize, f32, Quad)> = Vec::with_capacity(boxes.len());
    for (i, b) in boxes.iter().enumerate() {
        if i > 0 && b[0][1] - boxes[i - 1][0][1] >= SORT_Y_THRESHOLD {
            line += 1;
        }
        keyed.push((line, b[0][0], *b));
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    keyed.into_iter().map(|(_, _, b)| b).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_on_one_line_are_read_left_to_right() {
        let quad = |x: f32, y: f32| [[x, y], [x + 10.0, y], [x + 10.0, y + 5.0], [x, y + 5.0]];
        let sorted = sorted_boxes(vec![quad(50.0, 12.0), quad(0.0, 40.0), quad(5.0, 10.0)]);
        assert_eq!(sorted, vec![quad(5.0, 10.0), quad(50.0, 12.0), quad(0.0, 40.0)]);
    }

    #[test]
    fn unclip_distance_of_a_rectangle() {
        let d = unclip_distance(&[[0.0, 0.0], [10.0, 0.0], [10.0, 4.0], [0.0, 4.0]]);
        assert_eq!(d, 40.0 * 1.6 / 28.0);
    }
}
