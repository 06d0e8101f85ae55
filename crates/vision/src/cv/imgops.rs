//! Pixel operations that reproduce OpenCV's 8-bit results bit for bit.
//!
//! RapidOCR prepares every model input with `cv2.resize` (bilinear) and
//! `cv2.warpPerspective` (bicubic, replicated border). OpenCV computes both in
//! fixed point with its own rounding; a one-level difference in a crop's pixel
//! can flip a character, so these functions follow OpenCV's integer arithmetic
//! exactly instead of using a generic image library.

/// An 8-bit image with `C` interleaved channels, row-major, no padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Image<const C: usize> {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

/// A three-channel image; the channel order is whatever the caller put in.
pub(crate) type Image3 = Image<3>;

/// A borrowed image with `C` interleaved channels, row-major, no padding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View<'a, const C: usize> {
    pub width: usize,
    pub height: usize,
    pub data: &'a [u8],
}

impl<'a, const C: usize> View<'a, C> {
    pub fn new(width: usize, height: usize, data: &'a [u8]) -> Option<Self> {
        (data.len() == width * height * C).then_some(View { width, height, data })
    }

    pub fn row(&self, y: usize) -> &'a [u8] {
        let stride = self.width * C;
        &self.data[y * stride..(y + 1) * stride]
    }
}

impl<const C: usize> Image<C> {
    pub fn new(width: usize, height: usize) -> Self {
        Image { width, height, data: vec![0; width * height * C] }
    }

    pub fn view(&self) -> View<'_, C> {
        View { width: self.width, height: self.height, data: &self.data }
    }

    /// `np.rot90`: a quarter turn counter-clockwise.
    pub fn rot90(&self) -> Self {
        let (w, h) = (self.width, self.height);
        let mut out = Image::new(h, w);
        for i in 0..w {
            for j in 0..h {
                let src = (j * w + (w - 1 - i)) * C;
                let dst = (i * h + j) * C;
                out.data[dst..dst + C].copy_from_slice(&self.data[src..src + C]);
            }
        }
        out
    }

    /// `cv2.rotate(img, cv2.ROTATE_180)`.
    pub fn rot180(&self) -> Self {
        let mut out = Image::new(self.width, self.height);
        let n = self.width * self.height;
        for i in 0..n {
            let (src, dst) = (i * C, (n - 1 - i) * C);
            out.data[dst..dst + C].copy_from_slice(&self.data[src..src + C]);
        }
        out
    }
}

/// A Gaussian blur of standard deviation `sigma` pixels (kernel radius
/// `ceil(3σ)`, edges replicated), separable: rows, then columns.
pub(crate) fn gaussian_blur<const C: usize>(src: &Image<C>, sigma: f32) -> Image<C> {
    let (w, h) = (src.width, src.height);
    if sigma <= 0.0 || w == 0 || h == 0 {
        return Image { width: w, height: h, data: src.data.clone() };
    }
    let radius = (3.0 * sigma).ceil() as isize;
    let weights: Vec<f32> =
        (-radius..=radius).map(|d| (-((d * d) as f32) / (2.0 * sigma * sigma)).exp()).collect();
    let total: f32 = weights.iter().sum();
    let pass = |data: &[u8], step: usize, len: usize, lines: usize, line_step: usize| -> Vec<u8> {
        let mut out = vec![0u8; data.len()];
        for l in 0..lines {
            for i in 0..len {
                for c in 0..C {
                    let mut acc = 0.0;
                    for (k, wgt) in weights.iter().enumerate() {
                        let j = (i as isize + k as isize - radius).clamp(0, len as isize - 1) as usize;
                        acc += wgt * f32::from(data[l * line_step + j * step + c]);
                    }
                    out[l * line_step + i * step + c] = (acc / total).round().clamp(0.0, 255.0) as u8;
                }
            }
        }
        out
    };
    let rows = pass(&src.data, C, w, h, w * C);
    let data = pass(&rows, w * C, h, w, C);
    Image { width: w, height: h, data }
}

/// Black rows above and below (`cv2.copyMakeBorder` with a zero constant).
pub(crate) fn pad_vertical<const C: usize>(src: View<'_, C>, rows: usize) -> Image<C> {
    let stride = src.width * C;
    let mut data = vec![0; stride * (src.height + 2 * rows)];
    data[stride * rows..stride * (rows + src.height)].copy_from_slice(src.data);
    Image { width: src.width, height: src.height + 2 * rows, data }
}

/// OpenCV's `INTER_RESIZE_COEF_BITS`.
const RESIZE_BITS: i32 = 11;
const RESIZE_ONE: i32 = 1 << RESIZE_BITS;

/// `saturate_cast<short>(float)`: round half to even, then clamp.
fn sat_i16(v: f32) -> i32 {
    (v.round_ties_even() as i32).clamp(i16::MIN as i32, i16::MAX as i32)
}

/// One axis of a bilinear resize: source index and fixed-point weights.
struct Taps {
    /// First source sample for each destination sample; -1 above the top
    /// row (rows are clipped when fetched, as in OpenCV).
    ofs: Vec<i64>,
    /// Fixed-point weights of the first and second sample.
    w: Vec<[i32; 2]>,
    /// Destination samples from here on read only the last source sample.
    tail_from: usize,
}

/// `cv::resize` coefficient tables for `INTER_LINEAR`; `clamp` is set for the
/// horizontal axis only, as in OpenCV's `resize`.
fn linear_taps(src_len: usize, dst_len: usize, clamp: bool) -> Taps {
    let scale = 1.0 / (dst_len as f64 / src_len as f64);
    let last = src_len as i64 - 1;
    let mut ofs = Vec::with_capacity(dst_len);
    let mut w = Vec::with_capacity(dst_len);
    let mut tail_from = dst_len;
    for d in 0..dst_len {
        let f = ((d as f64 + 0.5) * scale - 0.5) as f32;
        let mut s = f.floor() as i64;
        let mut frac = f - s as f32;
        if clamp {
            if s < 0 {
                frac = 0.0;
                s = 0;
            }
            if s + 1 > last {
                tail_from = tail_from.min(d);
                if s >= last {
                    frac = 0.0;
                    s = last;
                }
            }
        }
        ofs.push(s);
        w.push([sat_i16((1.0 - frac) * RESIZE_ONE as f32), sat_i16(frac * RESIZE_ONE as f32)]);
    }
    Taps { ofs, w, tail_from }
}

/// OpenCV's `clip(sy, 0, h)` for row indices.
fn clip_row(s: i64, h: usize) -> usize {
    s.clamp(0, h as i64 - 1) as usize
}

/// `cv2.resize(img, (dst_w, dst_h))` with the default `INTER_LINEAR`.
pub(crate) fn resize_linear<const C: usize>(src: View<'_, C>, dst_w: usize, dst_h: usize) -> Image<C> {
    if dst_w == src.width && dst_h == src.height {
        return Image { width: src.width, height: src.height, data: src.data.to_vec() };
    }
    let mut dst = Image::new(dst_w, dst_h);
    if dst_w == 0 || dst_h == 0 || src.width == 0 || src.height == 0 {
        return dst;
    }
    // An exact halving is done by OpenCV as a 2x2 box average.
    let scale = |s: usize, d: usize| 1.0 / (d as f64 / s as f64);
    let is_two = |s: f64| (s - s.round_ties_even()).abs() < f64::EPSILON && s.round_ties_even() == 2.0;
    if is_two(scale(src.width, dst_w)) && is_two(scale(src.height, dst_h)) {
        return resize_area_half(src, dst_w, dst_h);
    }

    let xt = linear_taps(src.width, dst_w, true);
    let yt = linear_taps(src.height, dst_h, false);
    let row_len = dst_w * C;
    let mut rows = [vec![0i32; row_len], vec![0i32; row_len]];
    let mut cached: [Option<usize>; 2] = [None, None];
    for dy in 0..dst_h {
        let s0 = yt.ofs[dy];
        let want = [clip_row(s0, src.height), clip_row(s0 + 1, src.height)];
        if cached[0] != Some(want[0]) && cached[1] == Some(want[0]) {
            rows.swap(0, 1);
            cached.swap(0, 1);
        }
        for k in 0..2 {
            if cached[k] != Some(want[k]) {
                hresize_row(src.row(want[k]), &xt, C, &mut rows[k]);
                cached[k] = Some(want[k]);
            }
        }
        let out = &mut dst.data[dy * row_len..(dy + 1) * row_len];
        vresize_row(&rows[0], &rows[1], yt.w[dy], out);
    }
    dst
}

/// Horizontal pass: fixed-point weighted sums, scale `RESIZE_ONE`.
fn hresize_row(src: &[u8], t: &Taps, cn: usize, out: &mut [i32]) {
    let dst_w = t.ofs.len();
    for dx in 0..dst_w {
        let s = t.ofs[dx] as usize * cn;
        let [a0, a1] = t.w[dx];
        let o = &mut out[dx * cn..dx * cn + cn];
        if dx < t.tail_from {
            for k in 0..cn {
                o[k] = src[s + k] as i32 * a0 + src[s + cn + k] as i32 * a1;
            }
        } else {
            for k in 0..cn {
                o[k] = src[s + k] as i32 * RESIZE_ONE;
            }
        }
    }
}

/// Vertical pass as OpenCV's SIMD kernel computes it: the low four bits of
/// each horizontal sum are dropped before a 16-bit high multiply, which is
/// not the same as the scalar formula `(v + 2^21) >> 22`.
fn vresize_row(r0: &[i32], r1: &[i32], [b0, b1]: [i32; 2], out: &mut [u8]) {
    for ((o, &s0), &s1) in out.iter_mut().zip(r0).zip(r1) {
        let t0 = ((s0 >> 4).clamp(-32768, 32767) * b0) >> 16;
        let t1 = ((s1 >> 4).clamp(-32768, 32767) * b1) >> 16;
        *o = ((t0 + t1 + 2) >> 2).clamp(0, 255) as u8;
    }
}

/// `INTER_AREA` for an exact 2x reduction: rounded mean of each 2x2 block.
fn resize_area_half<const C: usize>(src: View<'_, C>, dst_w: usize, dst_h: usize) -> Image<C> {
    let mut dst = Image::new(dst_w, dst_h);
    let stride = src.width * C;
    for y in 0..dst_h {
        for x in 0..dst_w {
            for k in 0..C {
                let i = 2 * y * stride + 2 * x * C + k;
                let s = src.data[i] as u32
                    + src.data[i + C] as u32
                    + src.data[i + stride] as u32
                    + src.data[i + stride + C] as u32;
                dst.data[(y * dst_w + x) * C + k] = ((s + 2) >> 2) as u8;
            }
        }
    }
    dst
}

/// `cv2.getPerspectiveTransform(src, dst)`: the 8x8 system solved by OpenCV's
/// partial-pivot LU, in `f64`.
pub(crate) fn perspective_transform(src: &[[f32; 2]; 4], dst: &[[f32; 2]; 4]) -> Option<[f64; 9]> {
    let mut a = [[0f64; 8]; 8];
    let mut b = [0f64; 8];
    for i in 0..4 {
        let ([sx, sy], [dx, dy]) = (src[i], dst[i]);
        a[i][0] = sx as f64;
        a[i + 4][3] = sx as f64;
        a[i][1] = sy as f64;
        a[i + 4][4] = sy as f64;
        a[i][2] = 1.0;
        a[i + 4][5] = 1.0;
        a[i][6] = (-sx * dx) as f64;
        a[i][7] = (-sy * dx) as f64;
        a[i + 4][6] = (-sx * dy) as f64;
        a[i + 4][7] = (-sy * dy) as f64;
        b[i] = dx as f64;
        b[i + 4] = dy as f64;
    }
    let x = lu_solve(a, b)?;
    Some([x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], 1.0])
}

/// OpenCV's `LUImpl` for one right-hand side.
fn lu_solve<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> Option<[f64; N]> {
    for i in 0..N {
        let mut k = i;
        for j in i + 1..N {
            if a[j][i].abs() > a[k][i].abs() {
                k = j;
            }
        }
        if a[k][i].abs() < f64::EPSILON * 100.0 {
            return None;
        }
        if k != i {
            a.swap(i, k);
            b.swap(i, k);
        }
        let d = -1.0 / a[i][i];
        let pivot = a[i];
        for j in i + 1..N {
            let alpha = a[j][i] * d;
            for (v, p) in a[j].iter_mut().zip(pivot).skip(i + 1) {
                *v += alpha * p;
            }
            b[j] += alpha * b[i];
        }
    }
    for i in (0..N).rev() {
        let mut s = b[i];
        for k in i + 1..N {
            s -= a[i][k] * b[k];
        }
        b[i] = s / a[i][i];
    }
    Some(b)
}

/// `cv::invert` of a 3x3 matrix by cofactors, as OpenCV does for `DECOMP_LU`.
fn invert3(m: &[f64; 9]) -> Option<[f64; 9]> {
    let at = |r: usize, c: usize| m[r * 3 + c];
    let det = at(0, 0) * (at(1, 1) * at(2, 2) - at(1, 2) * at(2, 1))
        - at(0, 1) * (at(1, 0) * at(2, 2) - at(1, 2) * at(2, 0))
        + at(0, 2) * (at(1, 0) * at(2, 1) - at(1, 1) * at(2, 0));
    if det == 0.0 {
        return None;
    }
    let d = 1.0 / det;
    Some([
        (at(1, 1) * at(2, 2) - at(1, 2) * at(2, 1)) * d,
        (at(0, 2) * at(2, 1) - at(0, 1) * at(2, 2)) * d,
        (at(0, 1) * at(1, 2) - at(0, 2) * at(1, 1)) * d,
        (at(1, 2) * at(2, 0) - at(1, 0) * at(2, 2)) * d,
        (at(0, 0) * at(2, 2) - at(0, 2) * at(2, 0)) * d,
        (at(0, 2) * at(1, 0) - at(0, 0) * at(1, 2)) * d,
        (at(1, 0) * at(2, 1) - at(1, 1) * at(2, 0)) * d,
        (at(0, 1) * at(2, 0) - at(0, 0) * at(2, 1)) * d,
        (at(0, 0) * at(1, 1) - at(0, 1) * at(1, 0)) * d,
    ])
}

/// OpenCV's bicubic kernel (`A = -0.75`) at fractional offset `x`, in `f32`.
fn cubic_weights(x: f32) -> [f32; 4] {
    let a = -0.75f32;
    let x1 = x + 1.0;
    let c0 = ((a * x1 - 5.0 * a) * x1 + 8.0 * a) * x1 - 4.0 * a;
    let c1 = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
    let omx = 1.0 - x;
    let c2 = ((a + 2.0) * omx - (a + 3.0)) * omx * omx + 1.0;
    [c0, c1, c2, 1.0 - c0 - c1 - c2]
}

/// `cv2.warpPerspective(img, M, (w, h), flags=INTER_CUBIC,
/// borderMode=BORDER_REPLICATE)` where `m` maps source to destination.
///
/// OpenCV 5 samples at unquantised source positions with floating-point
/// weights (OpenCV 4 used 1/32-pixel fixed-point tables). This follows that:
/// positions in `f64`, weights and sums in `f32`. On random test images it
/// agrees with `cv2` 5.0 on all but about 0.02% of values, each off by one
/// where the exact value lies within 0.002 of a rounding boundary.
pub(crate) fn warp_perspective_cubic<const C: usize>(
    src: View<'_, C>,
    m: &[f64; 9],
    dst_w: usize,
    dst_h: usize,
) -> Image<C> {
    let mut dst = Image::new(dst_w, dst_h);
    if dst_w == 0 || dst_h == 0 || src.width == 0 || src.height == 0 {
        return dst;
    }
    let Some(m) = invert3(m) else {
        return dst;
    };
    let (sw, sh) = (src.width as i64, src.height as i64);
    let stride = src.width * C;
    for y in 0..dst_h {
        let yf = y as f64;
        for x in 0..dst_w {
            let xf = x as f64;
            let w = m[6] * xf + m[7] * yf + m[8];
            let w = if w != 0.0 { 1.0 / w } else { 0.0 };
            let fx = ((m[0] * xf + m[1] * yf + m[2]) * w) as f32;
            let fy = ((m[3] * xf + m[4] * yf + m[5]) * w) as f32;
            let (flx, fly) = (fx.floor(), fy.floor());
            let wx = cubic_weights(fx - flx);
            let wy = cubic_weights(fy - fly);
            let (ix, iy) = (flx.clamp(-1e9, 1e9) as i64, fly.clamp(-1e9, 1e9) as i64);
            let xs: [usize; 4] = std::array::from_fn(|i| (ix - 1 + i as i64).clamp(0, sw - 1) as usize * C);
            let ys: [usize; 4] =
                std::array::from_fn(|i| (iy - 1 + i as i64).clamp(0, sh - 1) as usize * stride);
            // All channels at once; each keeps OpenCV's order of operations.
            let mut acc = [0f32; C];
            for r in 0..4 {
                let row = &src.data[ys[r]..ys[r] + stride];
                let mut s = [0f32; C];
                for c in 0..4 {
                    let px = &row[xs[c]..xs[c] + C];
                    for k in 0..C {
                        let v = px[k] as f32 * wx[c];
                        s[k] = if c == 0 { v } else { s[k] + v };
                    }
                }
                for k in 0..C {
                    acc[k] = if r == 0 { s[k] * wy[0] } else { acc[k] + s[k] * wy[r] };
                }
            }
            let out = &mut dst.data[(y * dst_w + x) * C..][..C];
            for (o, a) in out.iter_mut().zip(acc) {
                *o = a.round_ties_even().clamp(0.0, 255.0) as u8;
            }
        }
    }
    dst
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blur_keeps_flat_areas_and_softens_edges() {
        let mut img = Image::<3>::new(9, 5);
        for y in 0..5 {
            for x in 5..9 {
                img.data[(y * 9 + x) * 3..(y * 9 + x) * 3 + 3].fill(200);
            }
        }
        let out = gaussian_blur(&img, 1.0);
        let at = |x: usize, y: usize| out.data[(y * 9 + x) * 3];
        assert_eq!((at(0, 2), at(8, 2)), (0, 200), "flat areas stay");
        assert!(at(4, 2) > 0 && at(5, 2) < 200, "the edge softens: {} {}", at(4, 2), at(5, 2));
        assert_eq!(at(4, 0), at(4, 4), "rows alike stay alike");
    }

    // Expected pixels were produced with opencv-python-headless 5.0.0.

    #[test]
    fn resize_matches_opencv() {
        type Case<'a> = (usize, usize, &'a [u8], usize, usize, &'a [u8]);
        let cases: [Case<'_>; 3] = [
            (
                5,
                4,
                &[
                    78, 204, 64, 34, 16, 250, 233, 32, 103, 122, 13, 204, 138, 172, 208, 127, 124, 100, 12,
                    151, 222, 203, 251, 153, 211, 235, 80, 182, 176, 41, 88, 7, 141, 241, 73, 124, 223, 123,
                    222, 37, 84, 55, 200, 102, 211, 60, 159, 237, 53, 138, 57, 140, 55, 21, 7, 18, 118, 67,
                    241, 138,
                ],
                7,
                3,
                &[
                    86, 191, 70, 54, 104, 170, 87, 47, 207, 228, 68, 111, 163, 55, 163, 140, 102, 182, 145,
                    173, 180, 108, 66, 121, 118, 92, 150, 151, 133, 177, 213, 187, 188, 149, 167, 102, 153,
                    151, 92, 191, 139, 126, 65, 134, 221, 76, 130, 134, 104, 110, 64, 154, 66, 54, 52, 40,
                    92, 45, 110, 126, 89, 218, 150,
                ],
            ),
            (
                7,
                5,
                &[
                    148, 221, 56, 33, 89, 208, 34, 193, 76, 167, 197, 242, 177, 243, 188, 250, 92, 195, 51,
                    159, 144, 36, 75, 222, 86, 85, 118, 94, 59, 57, 79, 37, 219, 116, 234, 130, 213, 138,
                    152, 113, 99, 19, 176, 169, 19, 47, 154, 254, 119, 163, 122, 70, 255, 89, 16, 219, 40,
                    224, 81, 35, 126, 236, 5, 89, 126, 246, 188, 201, 215, 100, 100, 63, 81, 192, 156, 171,
                    194, 167, 128, 117, 191, 124, 43, 131, 2, 183, 247, 240, 153, 163, 21, 209, 158, 222,
                    211, 214, 98, 50, 144, 140, 55, 227, 117, 251, 0,
                ],
                3,
                9,
                &[
                    71, 133, 157, 167, 197, 242, 184, 114, 178, 71, 116, 156, 138, 144, 234, 182, 118, 154,
                    69, 87, 153, 89, 55, 221, 180, 124, 115, 78, 116, 163, 75, 134, 161, 185, 128, 71, 90,
                    159, 176, 70, 255, 89, 191, 133, 25, 126, 168, 203, 76, 220, 126, 155, 110, 106, 155,
                    174, 221, 96, 194, 162, 127, 95, 169, 159, 167, 202, 175, 205, 195, 130, 111, 158, 160,
                    163, 191, 222, 211, 214, 132, 120, 151,
                ],
            ),
            (
                6,
                4,
                &[
                    223, 53, 151, 34, 104, 187, 90, 52, 42, 26, 241, 78, 231, 69, 193, 141, 27, 163, 232,
                    210, 0, 212, 206, 123, 219, 5, 216, 251, 140, 56, 112, 90, 66, 127, 166, 237, 50, 202,
                    114, 151, 10, 239, 132, 184, 150, 179, 60, 60, 245, 99, 142, 151, 179, 39, 93, 205, 136,
                    63, 254, 226, 87, 146, 9, 222, 81, 24, 163, 247, 208, 100, 246, 32,
                ],
                3,
                2,
                &[175, 143, 115, 147, 110, 98, 153, 88, 165, 89, 168, 179, 155, 118, 61, 165, 193, 105],
            ),
        ];
        for (sw, sh, src, dw, dh, want) in cases {
            let got = resize_linear(View::<3>::new(sw, sh, src).expect("sized"), dw, dh);
            assert_eq!(got.data, want, "{sw}x{sh} -> {dw}x{dh}");
        }
    }

    #[test]
    fn perspective_crop_matches_opencv() {
        let src: &[u8] = &[
            81, 74, 90, 199, 19, 28, 146, 119, 61, 183, 137, 175, 185, 247, 242, 70, 67, 7, 187, 3, 211, 39,
            71, 21, 217, 6, 1, 249, 46, 155, 92, 229, 142, 122, 173, 77, 19, 30, 17, 110, 145, 245, 172, 61,
            215, 24, 207, 37, 109, 108, 133, 219, 182, 121, 97, 172, 150, 106, 159, 19, 250, 109, 196, 51,
            49, 33, 80, 144, 234, 47, 196, 230, 65, 193, 247, 254, 55, 7, 151, 55, 95, 252, 137, 156, 44,
            149, 119, 8, 5, 252, 175, 44, 28, 152, 101, 51, 113, 122, 39, 113, 194, 238, 130, 88, 153, 93,
            28, 186, 138, 93, 10, 120, 238, 153, 201, 86, 135, 107, 248, 231, 115, 39, 23, 160, 157, 65, 134,
            178, 226, 51, 244, 190, 4, 184, 221, 86, 44, 240, 44, 228, 174, 16, 82, 4,
        ];
        let want: &[u8] = &[
            249, 46, 155, 86, 232, 153, 99, 173, 34, 171, 58, 119, 66, 72, 55, 219, 182, 121, 107, 145, 140,
            172, 157, 64, 130, 145, 174, 3, 0, 218, 254, 55, 7, 152, 47, 98, 209, 77, 182, 101, 108, 24, 103,
            215, 167,
        ];
        let quad = [[1.0, 1.0], [6.0, 2.0], [6.0, 5.0], [1.0, 4.0]];
        let m = perspective_transform(&quad, &[[0.0, 0.0], [5.0, 0.0], [5.0, 3.0], [0.0, 3.0]])
            .expect("solvable");
        let got = warp_perspective_cubic(View::<3>::new(8, 6, src).expect("sized"), &m, 5, 3);
        assert_eq!(got.data, want);
    }

    #[test]
    fn quarter_and_half_turns() {
        let img = Image::<1> { width: 3, height: 2, data: vec![1, 2, 3, 4, 5, 6] };
        assert_eq!(img.rot90().data, [3, 6, 2, 5, 1, 4]);
        assert_eq!(img.rot180().data, [6, 5, 4, 3, 2, 1]);
    }
}
