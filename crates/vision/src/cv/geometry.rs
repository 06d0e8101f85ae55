//! Plane geometry of the text detector's post-processing, reproducing the
//! OpenCV 5 calls RapidOCR makes: `convexHull`, `minAreaRect` and
//! `boxPoints` (the polygon mask of `fillPoly` is in `polymask`).
//!
//! The arithmetic follows OpenCV's types (`f32` where OpenCV uses `float`,
//! `f64` where it uses `double`) so that box corners come out bit-identical.

/// A rotated rectangle as `cv2.minAreaRect` returns it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RotatedRect {
    pub center: [f32; 2],
    pub size: [f32; 2],
    /// Degrees.
    pub angle: f32,
}

/// OpenCV's `Sklansky_` scan over points sorted by x: indices into `p` of
/// one monotone chain from `start` towards `end`.
fn sklansky(p: &[[i64; 2]], start: usize, end: usize, nsign: i64, sign2: i64) -> Vec<usize> {
    if start == end || p[start] == p[end] {
        return vec![start];
    }
    let incr: isize = if end > start { 1 } else { -1 };
    let (mut pprev, mut pcur) = (start as isize, start as isize + incr);
    let mut pnext = pcur + incr;
    let mut stack = vec![pprev as usize, pcur as usize, pnext as usize];
    let mut size = 3usize;
    let stop = end as isize + incr;
    while pnext != stop {
        let (cur, next) = (p[pcur as usize], p[pnext as usize]);
        if cur == next {
            pnext += incr;
            set(&mut stack, size - 1, pnext as usize);
            continue;
        }
        let prev = p[pprev as usize];
        let by = next[1] - cur[1];
        if by.signum() != nsign {
            let (ax, ay) = (cur[0] - prev[0], cur[1] - prev[1]);
            let bx = next[0] - cur[0];
            let convexity = ay * bx - ax * by;
            if convexity.signum() == sign2 && (ax != 0 || ay != 0) {
                pprev = pcur;
                pcur = pnext;
                pnext += incr;
                set(&mut stack, size, pnext as usize);
                size += 1;
            } else if pprev == start as isize {
                pcur = pnext;
                set(&mut stack, 1, pcur as usize);
                pnext += incr;
                set(&mut stack, 2, pnext as usize);
            } else {
                set(&mut stack, size - 2, pnext as usize);
                pcur = pprev;
                pprev = stack[size - 4] as isize;
                size -= 1;
            }
        } else {
            pnext += incr;
            set(&mut stack, size - 1, pnext as usize);
        }
    }
    stack.truncate(size - 1);
    stack
}

/// Writes `v` at `i`, growing the stack as OpenCV's preallocated one would.
fn set(stack: &mut Vec<usize>, i: usize, v: usize) {
    if i >= stack.len() {
        stack.resize(i + 1, 0);
    }
    stack[i] = v;
}

/// Points (with their input index) sorted by x as OpenCV 5's `convexHull`
/// orders them, and the positions of the first lowest and highest y.
///
/// Dense inputs go through its bucket sort, which keeps only the lowest and
/// highest point of each column (the first of equals); sparse ones through
/// `std::sort` by (x, y, index).
fn hull_sort(points: &[[i64; 2]]) -> (Vec<([i64; 2], usize)>, usize, usize) {
    let total = points.len();
    let min_x = points.iter().map(|p| p[0]).min().unwrap_or(0);
    let max_x = points.iter().map(|p| p[0]).max().unwrap_or(0);
    let range = max_x - min_x + 1;
    let (mut miny, mut maxy) = (0, 0);
    if range <= 4 * total as i64 && range <= 100_000 {
        let mut buckets: Vec<Option<(usize, usize)>> = vec![None; range as usize];
        for (i, p) in points.iter().enumerate() {
            let b = &mut buckets[(p[0] - min_x) as usize];
            match b {
                None => *b = Some((i, i)),
                Some((lo, hi)) => {
                    if p[1] < points[*lo][1] {
                        *lo = i;
                    }
                    if p[1] > points[*hi][1] {
                        *hi = i;
                    }
                }
            }
        }
        let mut out: Vec<([i64; 2], usize)> = Vec::new();
        for (lo, hi) in buckets.into_iter().flatten() {
            out.push((points[lo], lo));
            let cur = out.len() - 1;
            if out[miny].0[1] > out[cur].0[1] {
                miny = cur;
            }
            if out[maxy].0[1] < out[cur].0[1] {
                maxy = cur;
            }
            if hi != lo {
                out.push((points[hi], hi));
                let cur = out.len() - 1;
                if out[maxy].0[1] < out[cur].0[1] {
                    maxy = cur;
                }
            }
        }
        return (out, miny, maxy);
    }
    let mut out: Vec<([i64; 2], usize)> = points.iter().copied().zip(0..).collect();
    out.sort_unstable_by_key(|&(p, i)| (p[0], p[1], i));
    for i in 1..out.len() {
        if out[miny].0[1] > out[i].0[1] {
            miny = i;
        }
        if out[maxy].0[1] < out[i].0[1] {
            maxy = i;
        }
    }
    (out, miny, maxy)
}

/// `cv::convexHull(points, hull, clockwise, returnPoints=false)` as in
/// OpenCV 5: indices of the hull vertices, cyclically shifted so that the
/// indices ascend or descend when they can.
pub(crate) fn convex_hull_indices(points: &[[i64; 2]], clockwise: bool) -> Vec<usize> {
    if points.is_empty() {
        return Vec::new();
    }
    let (sorted, miny, maxy) = hull_sort(points);
    let total = sorted.len();
    let p: Vec<[i64; 2]> = sorted.iter().map(|s| s.0).collect();
    let idx = |i: usize| sorted[i].1;
    if p[0] == p[total - 1] {
        return vec![idx(0)];
    }
    let mut hull = Vec::new();
    let (mut tl, mut tr) = (sklansky(&p, 0, maxy, -1, 1), sklansky(&p, total - 1, maxy, -1, -1));
    if !clockwise {
        std::mem::swap(&mut tl, &mut tr);
    }
    hull.extend(tl.iter().take(tl.len().saturating_sub(1)).map(|&i| idx(i)));
    hull.extend(tr.iter().skip(1).rev().map(|&i| idx(i)));
    let stop = if tr.len() > 2 {
        Some(tr[1])
    } else if tl.len() > 2 {
        Some(tl[tl.len() - 2])
    } else {
        None
    };
    let (mut bl, mut br) = (sklansky(&p, 0, miny, 1, -1), sklansky(&p, total - 1, miny, 1, 1));
    if clockwise {
        std::mem::swap(&mut bl, &mut br);
    }
    let (mut bl_count, mut br_count) = (bl.len(), br.len());
    if let Some(stop) = stop {
        let check = if bl_count > 2 {
            Some(bl[1])
        } else if bl_count + br_count > 2 {
            Some(br[2 - bl_count])
        } else {
            None
        };
        if let Some(check) = check {
            if check == stop || p[check] == p[stop] {
                // All points on one line: the lower half mirrors the upper.
                bl_count = bl_count.min(2);
                br_count = br_count.min(2);
            }
        }
    }
    hull.extend(bl.iter().take(bl_count.saturating_sub(1)).map(|&i| idx(i)));
    hull.extend(br[..br_count].iter().skip(1).rev().map(|&i| idx(i)));
    shift_monotonic(&mut hull);
    hull
}

/// OpenCV's final step of `convexHull`: rotate the index sequence so that it
/// ascends or descends, when a rotation can do that.
fn shift_monotonic(h: &mut Vec<usize>) {
    let n = h.len();
    if n < 3 {
        return;
    }
    let (mut min_i, mut max_i, mut lt) = (0usize, 0usize, 0usize);
    for i in 1..n {
        let v = h[i];
        lt += usize::from(h[i - 1] < v);
        if lt > 1 && lt + 2 <= i {
            break;
        }
        if v < h[min_i] {
            min_i = i;
        }
        if v > h[max_i] {
            max_i = i;
        }
    }
    let dist = max_i.abs_diff(min_i);
    if (dist == 1 || dist == n - 1) && (lt <= 1 || lt + 2 >= n) {
        let ascending = (max_i + 1) % n == min_i;
        let i0 = if ascending { min_i } else { max_i };
        if i0 > 0 {
            let mut out = Vec::with_capacity(n);
            let mut j = i0;
            for i in 0..n {
                let cur = h[j];
                let nj = if j + 1 < n { j + 1 } else { 0 };
                out.push(cur);
                if i + 1 < n && ascending != (cur < h[nj]) {
                    return;
                }
                j = nj;
            }
            *h = out;
        }
    }
}

/// `cv::convexHull(points, hull, clockwise, returnPoints=true)`.
pub(crate) fn convex_hull(points: &[[i64; 2]], clockwise: bool) -> Vec<[i64; 2]> {
    convex_hull_indices(points, clockwise).into_iter().map(|i| points[i]).collect()
}

/// OpenCV's `rotatingCalipers(..., CALIPERS_MINAREARECT)`: returns the corner
/// and the two side vectors of the smallest enclosing rectangle.
fn rotating_calipers(points: &[[f32; 2]]) -> [[f32; 2]; 3] {
    let n = points.len();
    let mut inv_len = vec![0f32; n];
    let mut vect = vec![[0f32; 2]; n];
    let (mut left, mut bottom, mut right, mut top) = (0usize, 0usize, 0usize, 0usize);
    let mut pt0 = points[0];
    let (mut left_x, mut right_x, mut top_y, mut bottom_y) = (pt0[0], pt0[0], pt0[1], pt0[1]);
    for i in 0..n {
        if pt0[0] < left_x {
            left_x = pt0[0];
            left = i;
        }
        if pt0[0] > right_x {
            right_x = pt0[0];
            right = i;
        }
        if pt0[1] > top_y {
            top_y = pt0[1];
            top = i;
        }
        if pt0[1] < bottom_y {
            bottom_y = pt0[1];
            bottom = i;
        }
        let pt = points[if i + 1 < n { i + 1 } else { 0 }];
        let dx = (pt[0] - pt0[0]) as f64;
        let dy = (pt[1] - pt0[1]) as f64;
        vect[i] = [dx as f32, dy as f32];
        inv_len[i] = (1.0 / (dx * dx + dy * dy).sqrt()) as f32;
        pt0 = pt;
    }
    // Orientation of the hull.
    let mut orientation = 0f32;
    {
        let (mut ax, mut ay) = (vect[n - 1][0] as f64, vect[n - 1][1] as f64);
        for v in &vect {
            let (bx, by) = (v[0] as f64, v[1] as f64);
            let convexity = ax * by - ay * bx;
            if convexity != 0.0 {
                orientation = if convexity > 0.0 { 1.0 } else { -1.0 };
                break;
            }
            ax = bx;
            ay = by;
        }
    }
    let mut base_a = orientation;
    let mut base_b = 0f32;
    let mut seq = [bottom, right, top, left];
    let mut minarea = f32::MAX;
    let mut best = (0usize, 0f32, 0f32, 0f32, 0f32, 0usize);
    for _ in 0..n {
        let dp0 = base_a * vect[seq[0]][0] + base_b * vect[seq[0]][1];
        let dp1 = -base_b * vect[seq[1]][0] + base_a * vect[seq[1]][1];
        let dp2 = -base_a * vect[seq[2]][0] - base_b * vect[seq[2]][1];
        let dp3 = base_b * vect[seq[3]][0] - base_a * vect[seq[3]][1];
        let mut maxcos = dp0 * inv_len[seq[0]];
        let mut main = 0;
        for (i, dp) in [(1, dp1), (2, dp2), (3, dp3)] {
            let c = dp * inv_len[seq[i]];
            if c > maxcos {
                main = i;
                maxcos = c;
            }
        }
        let pi = seq[main];
        let (lx, ly) = (vect[pi][0] * inv_len[pi], vect[pi][1] * inv_len[pi]);
        (base_a, base_b) = match main {
            0 => (lx, ly),
            1 => (ly, -lx),
            2 => (-lx, -ly),
            _ => (-ly, lx),
        };
        seq[main] += 1;
        if seq[main] == n {
            seq[main] = 0;
        }
        let dx = points[seq[1]][0] - points[seq[3]][0];
        let dy = points[seq[1]][1] - points[seq[3]][1];
        let width = dx * base_a + dy * base_b;
        let dx = points[seq[2]][0] - points[seq[0]][0];
        let dy = points[seq[2]][1] - points[seq[0]][1];
        let height = -dx * base_b + dy * base_a;
        let area = width * height;
        if area <= minarea {
            minarea = area;
            best = (seq[3], base_a, width, base_b, height, seq[0]);
        }
    }
    let (li, a1, width, b1, height, bi) = best;
    let (a2, b2) = (-b1, a1);
    let c1 = a1 * points[li][0] + points[li][1] * b1;
    let c2 = a2 * points[bi][0] + points[bi][1] * b2;
    let idet = 1.0f32 / (a1 * b2 - a2 * b1);
    let px = (c1 * b2 - c2 * b1) * idet;
    let py = (a1 * c2 - a2 * c1) * idet;
    [[px, py], [a1 * width, b1 * width], [a2 * height, b2 * height]]
}

/// `cv2.minAreaRect(points)` for integer points.
pub(crate) fn min_area_rect(points: &[[i64; 2]]) -> RotatedRect {
    let hull: Vec<[f32; 2]> = convex_hull(points, false).iter().map(|p| [p[0] as f32, p[1] as f32]).collect();
    let mut r = RotatedRect { center: [0.0; 2], size: [0.0; 2], angle: 0.0 };
    let mut rad = 0f64;
    match hull.len() {
        0 => {}
        1 => r.center = hull[0],
        2 => {
            r.center = [(hull[0][0] + hull[1][0]) * 0.5, (hull[0][1] + hull[1][1]) * 0.5];
            let dx = (hull[1][0] - hull[0][0]) as f64;
            let dy = (hull[1][1] - hull[0][1]) as f64;
            r.size = [(dx * dx + dy * dy).sqrt() as f32, 0.0];
            rad = dy.atan2(dx);
        }
        _ => {
            let [o, v1, v2] = rotating_calipers(&hull);
            r.center = [o[0] + (v1[0] + v2[0]) * 0.5, o[1] + (v1[1] + v2[1]) * 0.5];
            let len =
                |v: [f32; 2]| ((v[0] as f64) * (v[0] as f64) + (v[1] as f64) * (v[1] as f64)).sqrt() as f32;
            r.size = [len(v1), len(v2)];
            rad = (v1[1] as f64).atan2(v1[0] as f64);
        }
    }
    let mut deg = rad * 180.0 / std::f64::consts::PI;
    // OpenCV 5 reports angles in [-90, 0), swapping the sides per quarter turn.
    while deg >= 0.0 {
        deg -= 90.0;
        r.size.swap(0, 1);
    }
    while deg < -90.0 {
        deg += 90.0;
        r.size.swap(0, 1);
    }
    r.angle = deg as f32;
    r
}

/// `cv2.boxPoints(rect)`.
pub(crate) fn box_points(r: &RotatedRect) -> [[f32; 2]; 4] {
    let angle = r.angle as f64 * std::f64::consts::PI / 180.0;
    let b = angle.cos() as f32 * 0.5;
    let a = angle.sin() as f32 * 0.5;
    let [cx, cy] = r.center;
    let [w, h] = r.size;
    let p0 = [cx - a * h - b * w, cy + b * h - a * w];
    let p1 = [cx + a * h - b * w, cy - b * h - a * w];
    let p2 = [cx + a * h + b * w, cy - b * h + a * w];
    let p3 = [cx - a * h + b * w, cy + b * h + a * w];
    [p0, p1, p2, p3]
}

/// RapidOCR's `get_mini_boxes`: the minimum-area rectangle's corners ordered
/// top-left, top-right, bottom-right, bottom-left, and its shorter side.
pub(crate) fn mini_box(points: &[[i64; 2]]) -> ([[f32; 2]; 4], f32) {
    let rect = min_area_rect(points);
    let mut p = box_points(&rect);
    // Python's `sorted` is stable.
    p.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let (i1, i4) = if p[1][1] > p[0][1] { (0, 1) } else { (1, 0) };
    let (i2, i3) = if p[3][1] > p[2][1] { (2, 3) } else { (3, 2) };
    ([p[i1], p[i2], p[i3], p[i4]], rect.size[0].min(rect.size[1]))
}

/// RapidOCR's `order_points_clockwise` (from imutils): top-left, top-right,
/// bottom-right, bottom-left.
pub(crate) fn order_points_clockwise(pts: &[[f32; 2]; 4]) -> [[f32; 2]; 4] {
    let mut xs = *pts;
    xs.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let mut left = [xs[0], xs[1]];
    let mut right = [xs[2], xs[3]];
    left.sort_by(|a, b| a[1].total_cmp(&b[1]));
    right.sort_by(|a, b| a[1].total_cmp(&b[1]));
    [left[0], right[0], right[1], left[1]]
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values were produced with opencv-python-headless 5.0.0.

    #[test]
    fn min_area_rect_of_a_triangle_matches_opencv() {
        let r = min_area_rect(&[[0, 0], [10, 0], [10, 5]]);
        assert_eq!(r.center, [6.0000005, 0.5000005]);
        assert_eq!(r.size, [4.4721365, 11.180341]);
        assert_eq!(r.angle, -63.434948);
    }

    /// A text contour from the DB map of old_newspaper.png: OpenCV lands on
    /// an exact axis-aligned rectangle; caliper ties broken another way give
    /// 87.999985 x 14.999998 and move the final box by a pixel.
    #[test]
    fn min_area_rect_of_a_text_contour_is_exact() {
        let contour = [
            [142, 1199],
            [141, 1200],
            [141, 1210],
            [142, 1211],
            [141, 1212],
            [141, 1213],
            [142, 1213],
            [143, 1214],
            [159, 1214],
            [160, 1213],
            [228, 1213],
            [228, 1212],
            [229, 1211],
            [229, 1201],
            [228, 1200],
            [226, 1200],
            [225, 1199],
            [220, 1199],
            [219, 1200],
            [218, 1199],
            [216, 1199],
            [215, 1200],
            [214, 1200],
            [213, 1199],
            [212, 1199],
            [211, 1200],
            [210, 1200],
            [209, 1199],
            [208, 1199],
            [207, 1200],
            [206, 1199],
            [204, 1199],
            [203, 1200],
            [202, 1200],
            [201, 1199],
            [200, 1199],
            [199, 1200],
            [195, 1200],
            [194, 1199],
        ];
        let r = min_area_rect(&contour);
        assert_eq!((r.center, r.size, r.angle), ([185.0, 1206.5], [15.0, 88.0], -90.0));
        let (corners, side) = mini_box(&contour);
        assert_eq!(corners, [[141.0, 1199.0], [229.0, 1199.0], [229.0, 1214.0], [141.0, 1214.0]]);
        assert_eq!(side, 15.0);
    }

    #[test]
    fn convex_hull_indices_match_opencv() {
        #[track_caller]
        fn check(points: &[[i64; 2]], want: &[usize]) {
            assert_eq!(convex_hull_indices(points, false), want);
        }
        check(&[[0, 0], [1, 0], [1, 2], [1, 0]], &[0, 1, 2]);
        check(
            &[[1357, 1475], [273, 1237], [1377, 1110], [1542, 160], [1672, 1276], [131, 1055]],
            &[4, 0, 1, 5, 3],
        );
    }

    #[test]
    fn box_points_of_an_upright_rectangle() {
        let r = RotatedRect { center: [5.0, 2.0], size: [2.0, 8.0], angle: -90.0 };
        let rounded = box_points(&r).map(|[x, y]| [x.round(), y.round()]);
        // cv2.boxPoints(((5, 2), (2, 8), -90)), rounded.
        assert_eq!(rounded, [[9.0, 3.0], [1.0, 3.0], [1.0, 1.0], [9.0, 1.0]]);
    }
}
