//! Axis-aligned boxes and quadrilaterals in page pixels.

use serde::{Deserialize, Serialize};

/// An axis-aligned box, `x0 <= x1`, `y0 <= y1`, origin top-left.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct BBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// Four corners, clockwise from the top-left one.
pub type Quad = [[f32; 2]; 4];

impl BBox {
    /// A box from two corners in any order.
    pub fn new(xa: f32, ya: f32, xb: f32, yb: f32) -> BBox {
        BBox { x0: xa.min(xb), y0: ya.min(yb), x1: xa.max(xb), y1: ya.max(yb) }
    }

    /// The smallest box holding every point; `None` for no points.
    pub fn around(points: impl IntoIterator<Item = [f32; 2]>) -> Option<BBox> {
        let mut it = points.into_iter();
        let [x, y] = it.next()?;
        let mut b = BBox { x0: x, y0: y, x1: x, y1: y };
        for [x, y] in it {
            b.x0 = b.x0.min(x);
            b.y0 = b.y0.min(y);
            b.x1 = b.x1.max(x);
            b.y1 = b.y1.max(y);
        }
        Some(b)
    }

    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    pub fn area(&self) -> f32 {
        self.width().max(0.0) * self.height().max(0.0)
    }

    pub fn center(&self) -> [f32; 2] {
        [(self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0]
    }

    /// The smallest box holding both.
    pub fn union(&self, other: &BBox) -> BBox {
        BBox {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }

    /// The overlap of both boxes, `None` when they do not overlap.
    pub fn intersection(&self, other: &BBox) -> Option<BBox> {
        let b = BBox {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        };
        (b.x0 < b.x1 && b.y0 < b.y1).then_some(b)
    }

    /// The share of this box's area that lies inside `outer`, in `[0, 1]`
    /// (0 for an empty box).
    pub fn share_in(&self, outer: &BBox) -> f32 {
        self.intersection(outer).map_or(0.0, |x| x.area()) / self.area().max(1e-3)
    }

    /// Intersection over union, in `[0, 1]`; 0 when either box is empty.
    pub fn iou(&self, other: &BBox) -> f32 {
        let inter = self.intersection(other).map_or(0.0, |b| b.area());
        let union = self.area() + other.area() - inter;
        if union <= 0.0 {
            0.0
        } else {
            (inter / union).clamp(0.0, 1.0)
        }
    }

    /// The box's corners clockwise from top-left.
    pub fn to_quad(&self) -> Quad {
        [[self.x0, self.y0], [self.x1, self.y0], [self.x1, self.y1], [self.x0, self.y1]]
    }

    /// The same box scaled by `s` (e.g. from one DPI to another).
    pub fn scale(&self, s: f32) -> BBox {
        BBox { x0: self.x0 * s, y0: self.y0 * s, x1: self.x1 * s, y1: self.y1 * s }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bbox() -> impl Strategy<Value = BBox> {
        (-1e4f32..1e4, -1e4f32..1e4, 0f32..1e3, 0f32..1e3)
            .prop_map(|(x, y, w, h)| BBox::new(x, y, x + w, y + h))
    }

    proptest! {
        #[test]
        fn iou_is_symmetric_and_bounded(a in bbox(), b in bbox()) {
            let (ab, ba) = (a.iou(&b), b.iou(&a));
            prop_assert!((ab - ba).abs() < 1e-6);
            prop_assert!((0.0..=1.0).contains(&ab));
        }

        #[test]
        fn union_contains_both(a in bbox(), b in bbox()) {
            let u = a.union(&b);
            for c in [a, b] {
                prop_assert!(u.x0 <= c.x0 && u.y0 <= c.y0 && u.x1 >= c.x1 && u.y1 >= c.y1);
            }
        }
    }

    #[test]
    fn iou_of_identical_boxes_is_one() {
        let a = BBox::new(0.0, 0.0, 2.0, 2.0);
        assert_eq!(a.iou(&a), 1.0);
        assert_eq!(a.iou(&BBox::new(1.0, 0.0, 3.0, 2.0)), 1.0 / 3.0);
        assert_eq!(a.iou(&BBox::new(5.0, 5.0, 6.0, 6.0)), 0.0);
    }
}
