//! Which way text runs on a page, and the frames that turn it to read left
//! to right: where a run of turned characters is grouped
//! ([`crate::text`]) and where a page printed sideways is turned upright
//! ([`crate::NativeText::turned`]).

use parasol_doc::BBox;

/// How far from an axis a glyph may be turned and still run along it.
const SNAP_DEGREES: f32 = 20.0;

/// Which way a line of text runs on the page (page pixels, y down).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Direction {
    /// Left to right along a row: upright text (and right-to-left scripts,
    /// whose glyphs are upright too).
    #[default]
    Right,
    /// Bottom to top: text turned a quarter counterclockwise, as the
    /// labels down a form's or a table's side usually are.
    Up,
    /// Top to bottom: text turned a quarter clockwise.
    Down,
    /// Upside down.
    Left,
}

impl Direction {
    /// The direction of a vector `(dx, dy)` in page pixels, snapped to the
    /// nearest axis when within [`SNAP_DEGREES`] of it; text at other angles
    /// counts as running right.
    pub(crate) fn of(dx: f32, dy: f32) -> Direction {
        let len = dx.hypot(dy);
        if len.is_nan() || len <= 0.0 {
            return Direction::Right;
        }
        let near = SNAP_DEGREES.to_radians().cos() * len;
        if -dx >= near {
            Direction::Left
        } else if -dy >= near {
            Direction::Up
        } else if dy >= near {
            Direction::Down
        } else {
            Direction::Right
        }
    }

    /// `b` (page pixels) in the frame where this direction's text runs
    /// right and its lines follow downwards.
    pub(crate) fn to_reading(self, b: BBox) -> BBox {
        match self {
            Direction::Right => b,
            Direction::Up => BBox::new(-b.y1, b.x0, -b.y0, b.x1),
            Direction::Down => BBox::new(b.y0, -b.x1, b.y1, -b.x0),
            Direction::Left => BBox::new(-b.x1, -b.y1, -b.x0, -b.y0),
        }
    }

    /// `b` on a `width` × `height` page turned so that this direction's
    /// text reads left to right (the turned page is `height` × `width` for
    /// [`Direction::Up`] and [`Direction::Down`]).
    pub fn turn_page(self, b: BBox, width: f32, height: f32) -> BBox {
        let r = self.to_reading(b);
        match self {
            Direction::Right => r,
            Direction::Up => BBox::new(r.x0 + height, r.y0, r.x1 + height, r.y1),
            Direction::Down => BBox::new(r.x0, r.y0 + width, r.x1, r.y1 + width),
            Direction::Left => BBox::new(r.x0 + width, r.y0 + height, r.x1 + width, r.y1 + height),
        }
    }

    /// This direction as seen on a page turned so that `turn`'s text reads
    /// left to right.
    pub fn seen_from(self, turn: Direction) -> Direction {
        // Quarter turns counterclockwise from Right: Right 0, Up 1, Left 2, Down 3.
        let q = |d: Direction| match d {
            Direction::Right => 0,
            Direction::Up => 1,
            Direction::Left => 2,
            Direction::Down => 3,
        };
        [Direction::Right, Direction::Up, Direction::Left, Direction::Down][(q(self) + 4 - q(turn)) % 4]
    }

    /// The inverse of [`Direction::to_reading`].
    pub(crate) fn to_page(self, b: BBox) -> BBox {
        match self {
            Direction::Right => b,
            Direction::Up => BBox::new(b.y0, -b.x1, b.y1, -b.x0),
            Direction::Down => BBox::new(-b.y1, b.x0, -b.y0, b.x1),
            Direction::Left => BBox::new(-b.x1, -b.y1, -b.x0, -b.y0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_turn_boxes_into_their_reading_frame_and_back() {
        let b = BBox::new(3.0, 5.0, 7.0, 20.0);
        for d in [Direction::Right, Direction::Up, Direction::Down, Direction::Left] {
            assert_eq!(d.to_page(d.to_reading(b)), b, "{d:?}");
        }
        // Text running up: further up the page is further along the line.
        let (low, high) = (BBox::new(0.0, 50.0, 10.0, 56.0), BBox::new(0.0, 40.0, 10.0, 46.0));
        assert!(Direction::Up.to_reading(high).x0 > Direction::Up.to_reading(low).x0);
        // ... and its next line lies to the right.
        let right = BBox::new(12.0, 50.0, 22.0, 56.0);
        assert!(Direction::Up.to_reading(right).y0 > Direction::Up.to_reading(low).y0);
        // Text running down: its next line lies to the left.
        let left = BBox::new(-12.0, 50.0, -2.0, 56.0);
        assert!(Direction::Down.to_reading(left).y0 > Direction::Down.to_reading(low).y0);
    }

    #[test]
    fn vectors_snap_to_the_nearest_axis_within_twenty_degrees() {
        assert_eq!(Direction::of(1.0, 0.0), Direction::Right);
        assert_eq!(Direction::of(0.0, -1.0), Direction::Up);
        assert_eq!(Direction::of(0.1, 1.0), Direction::Down);
        assert_eq!(Direction::of(-1.0, 0.2), Direction::Left);
        // 45°: no axis, read as upright text.
        assert_eq!(Direction::of(1.0, -1.0), Direction::Right);
        assert_eq!(Direction::of(0.0, 0.0), Direction::Right);
    }
}
