//! Border following on a binary mask, as `cv2.findContours(mask,
//! cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)` computes it.
//!
//! This is Suzuki and Abe's algorithm in the form of OpenCV's
//! `contours_new.cpp`: outer borders and hole borders alike, each as the
//! corner points of its chain, and the list in OpenCV's order (the reverse of
//! discovery, because OpenCV prepends every contour to the root's children).
//! RapidOCR keeps only the first 1000 contours, so the order matters.

/// Chain-code steps, OpenCV's `chainCodeDeltas`: east, then counter-clockwise.
const DELTAS: [(isize, isize); 8] = [(1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1)];

/// Mark of a visited border pixel.
const NEW: i8 = 2;
/// Mark of a border pixel whose right neighbour is background.
const RIGHT: i8 = (0x80u8 | NEW as u8) as i8;

/// All borders of the non-zero regions of `mask` (`width * height`, row-major),
/// in OpenCV's output order, as integer points.
pub(crate) fn find_contours(mask: &[u8], width: usize, height: usize) -> Vec<Vec<[i32; 2]>> {
    // OpenCV pads the image with a one-pixel zero border and offsets points
    // back by (-1, -1).
    let (pw, ph) = (width + 2, height + 2);
    let mut img = vec![0i8; pw * ph];
    for y in 0..height {
        for x in 0..width {
            img[(y + 1) * pw + x + 1] = i8::from(mask[y * width + x] != 0);
        }
    }
    let step = pw as isize;
    let delta = |s: usize| DELTAS[s % 8].0 + DELTAS[s % 8].1 * step;

    let mut found = Vec::new();
    for y in 1..ph - 1 {
        let mut prev = 0i8;
        let mut x = 1;
        while x < pw - 1 {
            let p = img[y * pw + x];
            if p == prev {
                x += 1;
                continue;
            }
            let outer = prev == 0 && p == 1;
            let hole = p == 0 && prev >= 1;
            if outer || hole {
                let start_x = if hole { x - 1 } else { x };
                let origin = [start_x as i32 - 1, y as i32 - 1];
                let pts = trace(&mut img, y * pw + start_x, origin, hole, &delta);
                found.push(pts);
                // The scan resumes after the start with the (possibly
                // re-marked) start pixel as the previous value.
                prev = img[y * pw + x];
                x += 1;
                continue;
            }
            prev = p;
            x += 1;
        }
    }
    found.reverse();
    found
}

/// OpenCV's `icvFetchContourEx` for the simple modes: follows one border from
/// `start`, marks it, and returns the points where the chain turns.
fn trace(
    img: &mut [i8],
    start: usize,
    origin: [i32; 2],
    hole: bool,
    delta: &dyn Fn(usize) -> isize,
) -> Vec<[i32; 2]> {
    let at = |i: isize| i as usize;
    let i0 = start as isize;
    let mut pts = Vec::new();
    let mut pt = origin;

    let mut s_end: usize = if hole { 0 } else { 4 };
    let mut s = s_end;
    let mut i1;
    loop {
        s = (s + 7) & 7;
        i1 = i0 + delta(s);
        if img[at(i1)] != 0 || s == s_end {
            break;
        }
    }
    if s == s_end && img[at(i1)] == 0 {
        // A single pixel.
        img[start] = RIGHT;
        pts.push(pt);
        return pts;
    }

    let mut i3 = i0;
    let mut prev_s = s ^ 4;
    loop {
        s_end = s;
        let mut i4 = i3;
        while s < 15 {
            s += 1;
            i4 = i3 + delta(s);
            if img[at(i4)] != 0 {
                break;
            }
        }
        s &= 7;
        if s.wrapping_sub(1) < s_end {
            img[at(i3)] = RIGHT;
        } else if img[at(i3)] == 1 {
            img[at(i3)] = NEW;
        }
        if s != prev_s {
            pts.push(pt);
        }
        prev_s = s;
        pt[0] += DELTAS[s].0 as i32;
        pt[1] += DELTAS[s].1 as i32;
        if i4 == i0 && i3 == i1 {
            break;
        }
        i3 = i4;
        s = (s + 4) & 7;
    }
    pts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(rows: &[&str], expect: &[&[[i32; 2]]]) {
        let (h, w) = (rows.len(), rows[0].len());
        let mask: Vec<u8> = rows.iter().flat_map(|r| r.bytes().map(|b| u8::from(b == b'#'))).collect();
        let got = find_contours(&mask, w, h);
        let expect: Vec<Vec<[i32; 2]>> = expect.iter().map(|c| c.to_vec()).collect();
        assert_eq!(got, expect);
    }

    // Expected outputs were produced with cv2.findContours (OpenCV 5.0.0).
    #[test]
    fn blobs_and_a_hole_in_opencv_order() {
        check(
            &["..........", ".###......", ".###..####", "......#..#", "#.....####"],
            &[
                &[[0, 4]],
                &[[6, 3], [7, 2], [8, 2], [9, 3], [8, 4], [7, 4]],
                &[[6, 2], [6, 4], [9, 4], [9, 2]],
                &[[1, 1], [1, 2], [3, 2], [3, 1]],
            ],
        );
    }
}
