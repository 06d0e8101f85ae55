//! The box score of DB text detection: the mean probability inside a box,
//! over the pixel mask `cv2.fillPoly` would draw (OpenCV 5, `LINE_8`:
//! Bresenham outline, then scanline spans in 16.16 fixed point).

/// Fixed-point precision of OpenCV's polygon filler.
const XY_SHIFT: i32 = 16;
const XY_ONE: i64 = 1 << XY_SHIFT;

/// `cv::Line` with 8-connectivity, drawn left to right and clipped to the
/// image, as `fillPoly` strokes each edge.
fn line8(mask: &mut [u8], w: usize, h: usize, mut p1: [i64; 2], mut p2: [i64; 2]) {
    if !clip_line(w as i64, h as i64, &mut p1, &mut p2) {
        return;
    }
    let (mut dx, mut dy) = (p2[0] - p1[0], p2[1] - p1[1]);
    let (mut sx, mut sy) = (1i64, 1i64);
    if dx < 0 {
        dx = -dx;
        dy = -dy;
        p1 = p2;
    }
    if dy < 0 {
        dy = -dy;
        sy = -1;
    }
    let vert = dy > dx;
    if vert {
        std::mem::swap(&mut dx, &mut dy);
        std::mem::swap(&mut sx, &mut sy);
    }
    let mut err = dx - (dy + dy);
    let plus_delta = dx + dx;
    let minus_delta = -(dy + dy);
    // (x, y) steps taken always ("minus") and additionally when err < 0.
    let (mut minus, mut plus) = ([sx, 0], [0, sy]);
    if vert {
        minus = [0, sx];
        plus = [sy, 0];
    }
    let mut p = p1;
    for _ in 0..=dx {
        mask[p[1] as usize * w + p[0] as usize] = 1;
        let bump = err < 0;
        err += minus_delta + if bump { plus_delta } else { 0 };
        p[0] += minus[0] + if bump { plus[0] } else { 0 };
        p[1] += minus[1] + if bump { plus[1] } else { 0 };
    }
}

/// `cv::clipLine` for an image of `w` x `h`; false when nothing is visible.
fn clip_line(w: i64, h: i64, p1: &mut [i64; 2], p2: &mut [i64; 2]) -> bool {
    let (right, bottom) = (w - 1, h - 1);
    let (mut x1, mut y1, mut x2, mut y2) = (p1[0], p1[1], p2[0], p2[1]);
    let code = |x: i64, y: i64| -> i32 {
        i32::from(x < 0)
            + (i32::from(x > right) << 1)
            + (i32::from(y < 0) << 2)
            + (i32::from(y > bottom) << 3)
    };
    let mut c1 = code(x1, y1);
    let mut c2 = code(x2, y2);
    if (c1 & c2) == 0 && (c1 | c2) != 0 {
        if c1 & 12 != 0 {
            let a = if c1 < 8 { 0 } else { bottom };
            x1 += ((a - y1) as f64 * (x2 - x1) as f64 / (y2 - y1) as f64) as i64;
            y1 = a;
            c1 = i32::from(x1 < 0) + (i32::from(x1 > right) << 1);
        }
        if c2 & 12 != 0 {
            let a = if c2 < 8 { 0 } else { bottom };
            x2 += ((a - y2) as f64 * (x2 - x1) as f64 / (y2 - y1) as f64) as i64;
            y2 = a;
            c2 = i32::from(x2 < 0) + (i32::from(x2 > right) << 1);
        }
        if (c1 & c2) == 0 && (c1 | c2) != 0 {
            if c1 != 0 {
                let a = if c1 == 1 { 0 } else { right };
                y1 += ((a - x1) as f64 * (y2 - y1) as f64 / (x2 - x1) as f64) as i64;
                x1 = a;
                c1 = 0;
            }
            if c2 != 0 {
                let a = if c2 == 1 { 0 } else { right };
                y2 += ((a - x2) as f64 * (y2 - y1) as f64 / (x2 - x1) as f64) as i64;
                x2 = a;
                c2 = 0;
            }
        }
    }
    *p1 = [x1, y1];
    *p2 = [x2, y2];
    (c1 | c2) == 0
}

/// One non-horizontal polygon edge in OpenCV's 16.16 fixed point.
#[derive(Clone, Copy)]
struct Edge {
    y0: i64,
    y1: i64,
    x: i64,
    dx: i64,
}

/// `cv2.fillPoly(mask, [pts], 1)` with `LINE_8` on a zeroed `w` x `h` mask:
/// the edges are stroked, then the interior is filled scanline by scanline.
pub(crate) fn fill_poly(mask: &mut [u8], w: usize, h: usize, pts: &[[i64; 2]]) {
    let n = pts.len();
    if n == 0 {
        return;
    }
    let mut edges = Vec::with_capacity(n);
    let mut p0 = [pts[n - 1][0] << XY_SHIFT, pts[n - 1][1]];
    for &v in pts {
        let p1 = [v[0] << XY_SHIFT, v[1]];
        let t0 = [(p0[0] + (XY_ONE >> 1)) >> XY_SHIFT, p0[1]];
        let t1 = [(p1[0] + (XY_ONE >> 1)) >> XY_SHIFT, p1[1]];
        line8(mask, w, h, t0, t1);
        let (c0, c1) = (p0, p1);
        if p0[1] != p1[1] {
            let dx = (c1[0] - c0[0]) / (c1[1] - c0[1]);
            let e = if p0[1] < p1[1] {
                Edge { y0: p0[1], y1: p1[1], x: c0[0], dx }
            } else {
                Edge { y0: p1[1], y1: p0[1], x: c1[0], dx }
            };
            edges.push(e);
        }
        p0 = p1;
    }
    fill_edges(mask, w, h, &mut edges);
}

/// OpenCV's `FillEdgeCollection` for non-antialiased fills: spans between
/// pairs of active edges, left edge rounded as `x >> 16`.
fn fill_edges(mask: &mut [u8], w: usize, h: usize, edges: &mut [Edge]) {
    if edges.len() < 2 {
        return;
    }
    let (mut y_min, mut y_max) = (i64::MAX, i64::MIN);
    let (mut x_min, mut x_max) = (i64::MAX, i64::MIN);
    for e in edges.iter() {
        let x1 = e.x + (e.y1 - e.y0) * e.dx;
        y_min = y_min.min(e.y0);
        y_max = y_max.max(e.y1);
        x_min = x_min.min(e.x).min(x1);
        x_max = x_max.max(e.x).max(x1);
    }
    if y_max < 0 || y_min >= h as i64 || x_max < 0 || x_min >= (w as i64) << XY_SHIFT {
        return;
    }
    edges.sort_by_key(|e| (e.y0, e.x, e.dx));
    let y_max = y_max.min(h as i64);
    // Active edges, kept sorted by x as OpenCV's list is.
    let mut active: Vec<Edge> = Vec::new();
    let mut next = 0;
    let mut y = edges[0].y0;
    while y < y_max {
        active.retain(|e| e.y1 != y);
        // New edges arrive sorted; each goes before the first active edge at
        // or right of it, searching on from the previous insertion.
        let mut from = 0;
        while next < edges.len() && edges[next].y0 == y {
            let e = edges[next];
            let pos = from + active[from..].iter().position(|a| a.x >= e.x).unwrap_or(active.len() - from);
            active.insert(pos, e);
            from = pos + 1;
            next += 1;
        }
        for pair in active.chunks_exact_mut(2) {
            if y >= 0 {
                let (a, b) = (pair[0].x, pair[1].x);
                let (lo, hi) = if a > b { (b, a) } else { (a, b) };
                let mut x1 = (lo + XY_ONE - 1) >> XY_SHIFT;
                let mut x2 = hi >> XY_SHIFT;
                if x1 < w as i64 && x2 >= 0 {
                    x1 = x1.max(0);
                    x2 = x2.min(w as i64 - 1);
                    let row = y as usize * w;
                    for v in &mut mask[row + x1 as usize..=row + x2 as usize] {
                        *v = 1;
                    }
                }
            }
            pair[0].x += pair[0].dx;
            pair[1].x += pair[1].dx;
        }
        // A stable sort keeps the order of equal keys, like the bubble sort.
        active.sort_by_key(|e| e.x);
        if active.is_empty() && next >= edges.len() {
            break;
        }
        y += 1;
    }
}

/// RapidOCR's `box_score_fast`: the mean of `pred` inside the box polygon.
pub(crate) fn box_score_fast(pred: &[f32], w: usize, h: usize, bx: &[[f32; 2]; 4]) -> f64 {
    let clampi = |v: f32, hi: usize| (v as i64).clamp(0, hi as i64 - 1);
    let (mut minx, mut maxx, mut miny, mut maxy) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    for p in bx {
        minx = minx.min(p[0]);
        maxx = maxx.max(p[0]);
        miny = miny.min(p[1]);
        maxy = maxy.max(p[1]);
    }
    let xmin = clampi(minx.floor(), w);
    let xmax = clampi(maxx.ceil(), w);
    let ymin = clampi(miny.floor(), h);
    let ymax = clampi(maxy.ceil(), h);
    let (mw, mh) = ((xmax - xmin + 1) as usize, (ymax - ymin + 1) as usize);
    let mut mask = vec![0u8; mw * mh];
    // `astype(np.int32)` truncates toward zero.
    let pts: Vec<[i64; 2]> = bx
        .iter()
        .map(|p| [((p[0] as f64 - xmin as f64) as f32) as i64, ((p[1] as f64 - ymin as f64) as f32) as i64])
        .collect();
    fill_poly(&mut mask, mw, mh, &pts);
    let (mut sum, mut count) = (0f64, 0usize);
    for y in 0..mh {
        let row = &pred[(ymin as usize + y) * w + xmin as usize..][..mw];
        for (v, m) in row.iter().zip(&mask[y * mw..(y + 1) * mw]) {
            if *m != 0 {
                sum += *v as f64;
                count += 1;
            }
        }
    }
    if count == 0 {
        0.0
    } else {
        sum / count as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected masks were produced with opencv-python-headless 5.0.0.

    #[test]
    fn fill_poly_matches_opencv() {
        let want = [
            "............",
            ".#####......",
            ".#########..",
            ".#########..",
            "..#######...",
            "..#######...",
            "......###...",
        ];
        let mut m = vec![0u8; 12 * 7];
        fill_poly(&mut m, 12, 7, &[[1, 1], [9, 2], [8, 6], [2, 5]]);
        let got: Vec<String> =
            m.chunks(12).map(|r| r.iter().map(|&v| if v != 0 { '#' } else { '.' }).collect()).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn box_score_is_the_mean_inside_the_box() {
        let (w, h) = (6, 4);
        let pred: Vec<f32> = (0..w * h).map(|i| if i % w >= 3 { 1.0 } else { 0.0 }).collect();
        let score = box_score_fast(&pred, w, h, &[[1.0, 1.0], [4.0, 1.0], [4.0, 2.0], [1.0, 2.0]]);
        assert_eq!(score, 0.5);
    }
}
