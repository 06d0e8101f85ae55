//! The "unclip" step of DB text detection: grow a box polygon by a distance
//! with round joins, as `pyclipper.PyclipperOffset` (Clipper 6.4.2) does.
//!
//! Only the vertices matter downstream (their minimum-area rectangle is taken
//! next), so this reproduces Clipper's vertex generation exactly — integer
//! input coordinates, `Round` half away from zero, the same arc step count
//! and rotation recurrence — and skips the final union, which for a convex
//! input polygon only removes duplicate and collinear vertices.

use std::f64::consts::PI;

/// Clipper's default arc tolerance.
const ARC_TOLERANCE: f64 = 0.25;

/// Clipper's `Round`: half away from zero.
fn round(v: f64) -> i64 {
    if v < 0.0 {
        (v - 0.5) as i64
    } else {
        (v + 0.5) as i64
    }
}

/// Clipper's `GetUnitNormal`.
fn unit_normal(p1: [i64; 2], p2: [i64; 2]) -> [f64; 2] {
    if p1 == p2 {
        return [0.0, 0.0];
    }
    let mut dx = (p2[0] - p1[0]) as f64;
    let mut dy = (p2[1] - p1[1]) as f64;
    let f = 1.0 / (dx * dx + dy * dy).sqrt();
    dx *= f;
    dy *= f;
    [dy, -dx]
}

/// Twice the signed area; Clipper's `Orientation` is `area >= 0`.
fn orientation(poly: &[[i64; 2]]) -> bool {
    let n = poly.len();
    if n < 3 {
        return false;
    }
    let mut a = 0f64;
    let mut j = n - 1;
    for i in 0..n {
        a += (poly[j][0] as f64 + poly[i][0] as f64) * (poly[j][1] as f64 - poly[i][1] as f64);
        j = i;
    }
    -a * 0.5 >= 0.0
}

/// `PyclipperOffset().AddPath(path, JT_ROUND, ET_CLOSEDPOLYGON)` then
/// `Execute(delta)` for a positive `delta`: the offset polygon as pyclipper
/// returns it. Input coordinates are truncated toward zero as pyclipper does.
///
/// The vertex order matters downstream (OpenCV's convex hull rotates its
/// output by input index), so the result is also put in the order of
/// Clipper's union output: duplicates and collinear vertices removed,
/// positive orientation, ending at the topmost (then rightmost) vertex.
pub(crate) fn offset_round(path: &[[f32; 2]], delta: f64) -> Vec<[i64; 2]> {
    clipper_order(offset_vertices(path, delta))
}

/// Twice-signed-area sign test as Clipper's `Area(poly) > 0`.
fn area_positive(poly: &[[i64; 2]]) -> bool {
    let n = poly.len();
    let mut a = 0f64;
    let mut j = n - 1;
    for i in 0..n {
        a += (poly[j][0] as f64 + poly[i][0] as f64) * (poly[j][1] as f64 - poly[i][1] as f64);
        j = i;
    }
    -a * 0.5 > 0.0
}

/// The cleaning and ordering of Clipper's output for one simple polygon.
fn clipper_order(mut p: Vec<[i64; 2]>) -> Vec<[i64; 2]> {
    // FixupOutPolygon: drop repeated and collinear vertices until none remain.
    loop {
        let n = p.len();
        if n < 3 {
            return Vec::new();
        }
        let mut drop = None;
        for i in 0..n {
            let (a, b, c) = (p[(i + n - 1) % n], p[i], p[(i + 1) % n]);
            let cross =
                (b[0] - a[0]) as i128 * (c[1] - b[1]) as i128 - (b[1] - a[1]) as i128 * (c[0] - b[0]) as i128;
            if b == c || cross == 0 {
                drop = Some(i);
                break;
            }
        }
        match drop {
            Some(i) => {
                p.remove(i);
            }
            None => break,
        }
    }
    if !area_positive(&p) {
        p.reverse();
    }
    // End at the topmost vertex, the rightmost of several.
    let mut top = 0;
    for (i, q) in p.iter().enumerate() {
        if q[1] < p[top][1] || (q[1] == p[top][1] && q[0] > p[top][0]) {
            top = i;
        }
    }
    let n = p.len();
    p.rotate_left((top + 1) % n);
    p
}

/// Clipper's `DoOffset` vertices for one closed polygon, before the union.
fn offset_vertices(path: &[[f32; 2]], delta: f64) -> Vec<[i64; 2]> {
    let input: Vec<[i64; 2]> = path.iter().map(|p| [p[0] as i64, p[1] as i64]).collect();
    // AddPath: drop a closing duplicate and consecutive duplicates.
    let mut high = input.len();
    if high == 0 {
        return Vec::new();
    }
    while high > 1 && input[0] == input[high - 1] {
        high -= 1;
    }
    let mut src: Vec<[i64; 2]> = vec![input[0]];
    for &p in &input[1..high] {
        if src.last() != Some(&p) {
            src.push(p);
        }
    }
    if src.len() < 3 {
        return Vec::new();
    }
    // FixOrientations: the only path is the lowest one; make it positive.
    if !orientation(&src) {
        src.reverse();
    }

    let y =
        if ARC_TOLERANCE > delta.abs() * ARC_TOLERANCE { delta.abs() * ARC_TOLERANCE } else { ARC_TOLERANCE };
    let mut steps = PI / (1.0 - y / delta.abs()).acos();
    if steps > delta.abs() * PI {
        steps = delta.abs() * PI;
    }
    let sin = (2.0 * PI / steps).sin();
    let cos = (2.0 * PI / steps).cos();
    let steps_per_rad = steps / (2.0 * PI);

    let len = src.len();
    let normals: Vec<[f64; 2]> = (0..len).map(|j| unit_normal(src[j], src[(j + 1) % len])).collect();
    let mut out = Vec::new();
    let at = |j: usize, n: [f64; 2]| {
        [round(src[j][0] as f64 + n[0] * delta), round(src[j][1] as f64 + n[1] * delta)]
    };
    let mut k = len - 1;
    for j in 0..len {
        let (nk, nj) = (normals[k], normals[j]);
        let mut sin_a = nk[0] * nj[1] - nj[0] * nk[1];
        if (sin_a * delta).abs() < 1.0 {
            let cos_a = nk[0] * nj[0] + nj[1] * nk[1];
            if cos_a > 0.0 {
                // Clipper returns here without advancing `k`.
                out.push(at(j, nk));
                continue;
            }
        } else {
            sin_a = sin_a.clamp(-1.0, 1.0);
        }
        if sin_a * delta < 0.0 {
            out.push(at(j, nk));
            out.push(src[j]);
            out.push(at(j, nj));
        } else {
            // DoRound.
            let a = sin_a.atan2(nk[0] * nj[0] + nk[1] * nj[1]);
            let n = (round(steps_per_rad * a.abs()) as i32).max(1);
            let (mut x, mut y) = (nk[0], nk[1]);
            for _ in 0..n {
                out.push([round(src[j][0] as f64 + x * delta), round(src[j][1] as f64 + y * delta)]);
                let x2 = x;
                x = x * cos - sin * y;
                y = x2 * sin + y * cos;
            }
            out.push(at(j, nj));
        }
        k = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_matches_pyclipper_vertex_for_vertex() {
        // pyclipper 1.4.0: PyclipperOffset().AddPath(box, JT_ROUND, ET_CLOSEDPOLYGON); Execute(1.0)
        let got = offset_round(&[[0.7, 0.7], [10.9, 0.6], [10.9, 5.9], [0.7, 5.9]], 1.0);
        assert_eq!(got, [[11, 0], [11, 5], [10, 6], [0, 6], [-1, 5], [-1, 0], [0, -1], [10, -1]]);
    }
}
