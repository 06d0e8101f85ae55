//! [`Rotation`]: how far a page is turned from upright, the answer of both
//! ways of finding it, the page-orientation model
//! ([`OrientationClassifier`](crate::orientation::OrientationClassifier))
//! and the detected text lines
//! ([`OcrEngine::recognize_upright`](crate::OcrEngine::recognize_upright)).
//!
//! The rotation is the one **present in the image**, clockwise: a page whose
//! text lines run top to bottom is [`Rotation::Deg90`], one whose lines run
//! bottom to top is [`Rotation::Deg270`], and [`Rotation::upright`] turns
//! the image back.

use image::RgbImage;

/// A clockwise rotation of the page content from upright.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Rotation {
    #[default]
    Deg0,
    Deg90,
    Deg180,
    Deg270,
}

impl Rotation {
    /// The clockwise angle in degrees.
    pub fn degrees(self) -> u16 {
        match self {
            Rotation::Deg0 => 0,
            Rotation::Deg90 => 90,
            Rotation::Deg180 => 180,
            Rotation::Deg270 => 270,
        }
    }

    /// `image` turned counter-clockwise by this rotation, so that a page
    /// classified as `self` comes out upright.
    pub fn upright(self, image: &RgbImage) -> RgbImage {
        match self {
            Rotation::Deg0 => image.clone(),
            Rotation::Deg90 => image::imageops::rotate270(image),
            Rotation::Deg180 => image::imageops::rotate180(image),
            Rotation::Deg270 => image::imageops::rotate90(image),
        }
    }
}
