//! The conversion options: one vocabulary for the CLI, the HTTP service and
//! the library.
//!
//! Every user-facing choice is an enum defined here once, with its names:
//! `FromStr`, `Display` and serde all use the same lowercase words the CLI
//! accepts (`--ocr force`, `"ocr": "force"`, `ocr=force` in a form). Some
//! accept an alias that a peer's clients send (Upstage's `markdown` and
//! `text` output formats). [`Options`] deserializes from JSON or form fields
//! with the defaults written once, in its `Default`.
//!
//! ```
//! use parasol_pipeline::{LayoutChoice, OcrMode, Options, OutputFormat};
//! let o: Options = serde_json::from_str(r#"{"ocr": "force", "layout": "picodet"}"#).unwrap();
//! assert_eq!((o.ocr, o.layout), (OcrMode::Force, LayoutChoice::PicoDet));
//! assert_eq!(o.dpi, parasol_pipeline::DEFAULT_DPI);
//! assert_eq!("markdown".parse::<OutputFormat>().unwrap(), OutputFormat::Md);
//! assert_eq!(OutputFormat::Md.to_string(), "md");
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parasol_source::Limits;
pub use parasol_source::DEFAULT_DPI;

/// The lowest and highest render resolutions accepted for PDF pages.
pub const DPI_RANGE: std::ops::RangeInclusive<f32> = 36.0..=1200.0;

/// A value that is not one of an option's names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {option} `{value}`; expected one of: {}", expected.join(", "))]
pub struct UnknownChoice {
    /// The option's name, as the CLI spells it (`ocr`, `layout`, …).
    pub option: &'static str,
    pub value: String,
    pub expected: &'static [&'static str],
}

/// An enum of named choices: the names are written once, in the variant
/// list, and serve `FromStr`, `Display`, serde and the CLI's help.
macro_rules! choice {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($option:literal) {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $text:literal $(| $alias:literal)*
            ),+ $(,)?
        }
        default $default:ident
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
        }

        impl $name {
            /// Every choice, in the order the help lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The choices' names, as `FromStr` and `Display` spell them.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The choice's name.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownChoice;

            /// A name or an alias, in any case, surrounding blanks ignored.
            fn from_str(s: &str) -> Result<$name, UnknownChoice> {
                let t = s.trim();
                $(
                    if t.eq_ignore_ascii_case($text) $(|| t.eq_ignore_ascii_case($alias))* {
                        return Ok($name::$variant);
                    }
                )+
                Err(UnknownChoice { option: $option, value: s.to_owned(), expected: $name::NAMES })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        const _: () = {
            // The declared default must be one of the variants.
            let _ = $name::$default;
        };
    };
}

choice! {
    /// Where each page's text comes from.
    pub enum OcrMode ("ocr") {
        /// The PDF text layer where it exists and is trustworthy (visible,
        /// not garbled), OCR elsewhere.
        #[default]
        Auto = "auto",
        /// OCR every page, ignoring any text layer.
        Force = "force",
    }
    default Auto
}

choice! {
    /// Which OCR models read scanned pages and image regions.
    pub enum OcrModel ("ocr-model") {
        /// PP-OCRv6 small detector; every line read by the tiny recogniser
        /// first and again by the small one (int8) where the tiny one is
        /// unsure. As accurate as `small` on the OCR suite and about twice
        /// as fast on dense pages.
        #[default]
        Cascade = "cascade",
        /// PP-OCRv6 small detector and recogniser, exactly as RapidOCR 3.10
        /// runs them by default.
        Small = "small",
        /// PP-OCRv6 tiny detector and recogniser: the fastest and the least
        /// accurate, with a 6,904-character dictionary instead of 18,708.
        Tiny = "tiny",
    }
    default Cascade
}

choice! {
    /// The language of the text on scanned pages, which decides the
    /// recogniser of each line: PP-OCRv6 reads Latin, Chinese and Japanese;
    /// Tesseract's Korean model (`kor+eng`) reads Hangul, which PP-OCRv6
    /// does not know.
    pub enum Lang ("lang") {
        /// Per page: from the text layer's letters where the page has one;
        /// else PP-OCRv6 reads every line first, and a line whose reading
        /// looks like misread Korean (Chinese characters without kana, or a
        /// low score) is read again by the Korean recogniser, whose reading
        /// is kept when it is Korean and confident enough. Without
        /// libtesseract, PP-OCRv6 alone.
        #[default]
        Auto = "auto",
        /// English (and other Latin-script text): PP-OCRv6.
        En = "en",
        /// Japanese: PP-OCRv6.
        Ja = "ja",
        /// Korean: every line by Tesseract `kor+eng`; needs libtesseract
        /// (Debian `libtesseract5`).
        Ko = "ko",
        /// Chinese: PP-OCRv6.
        Zh = "zh",
    }
    default Auto
}

choice! {
    /// Which layout model finds regions (headings, tables, figures, …).
    pub enum LayoutChoice ("layout") {
        /// The better model that is installed: `yolo` when its opt-in
        /// weights were fetched, else `picodet` (resolved by the engine).
        #[default]
        Auto = "auto",
        /// PicoDet trained on CDLA (Apache-2.0).
        PicoDet = "picodet",
        /// YOLOv8n trained on DocLayNet: more accurate (PubLayNet mAP@0.5
        /// 0.81 vs 0.64) but AGPL-3.0 weights, fetched only on request.
        Yolo = "yolo",
        /// No layout model: paragraphs from line geometry only.
        None = "none",
    }
    default Auto
}

choice! {
    /// What becomes of figure and chart images.
    pub enum Figures ("figures") {
        /// Embedded in the output as base64 PNG.
        #[default]
        Embed = "embed",
        /// Written as PNG files beside the outputs (`NAME_files/`).
        Files = "files",
        /// Left out (figures keep their box, caption and alt text).
        None = "none",
    }
    default Embed
}

choice! {
    /// An output format.
    pub enum OutputFormat ("format") {
        /// Upstage-style HTML.
        #[default]
        Html = "html",
        /// Markdown.
        Md = "md" | "markdown",
        /// Plain text.
        Txt = "txt" | "text",
        /// Upstage Document Parse's JSON response.
        Json = "json",
    }
    default Html
}

impl OutputFormat {
    /// The file extension of this format's output.
    pub fn ext(self) -> &'static str {
        self.name()
    }

    /// `doc` in this format; `model` names the producer in the JSON.
    pub fn render(self, doc: &parasol_doc::Document, model: &str) -> String {
        match self {
            OutputFormat::Html => doc.to_html(),
            OutputFormat::Md => doc.to_markdown(),
            OutputFormat::Txt => doc.to_text(),
            OutputFormat::Json => format!("{:#}\n", doc.to_upstage(model)),
        }
    }
}

/// Lets another thread stop a conversion: it is checked between pages and
/// between the stages of a page, and the conversion then returns
/// [`PipelineError::Cancelled`](crate::PipelineError::Cancelled).
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl From<Arc<AtomicBool>> for CancelToken {
    /// A token that is cancelled when `flag` is set (a signal handler's flag).
    fn from(flag: Arc<AtomicBool>) -> CancelToken {
        CancelToken(flag)
    }
}

impl PartialEq for CancelToken {
    /// Two tokens are equal when they are clones of one another.
    fn eq(&self, other: &CancelToken) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Per-conversion options. Deserializes from JSON or form fields (missing
/// fields take the defaults); `limits` and `cancel` are the caller's, never
/// a request's.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    pub ocr: OcrMode,
    pub ocr_model: OcrModel,
    /// The language of scanned text (which recogniser reads each line).
    pub lang: Lang,
    pub layout: LayoutChoice,
    /// Recognise table structure (rows, columns, spans) in table regions.
    pub tables: bool,
    /// Read display equations (the layout model's equation regions) as
    /// LaTeX with the formula recogniser (`parasol_formula`); off, they
    /// keep the text layer's or OCR's text.
    pub formulas: bool,
    /// Turn scanned pages upright (0/90/180/270) before reading them, judged
    /// from the detected text lines' shapes and the line classifier's votes,
    /// and straighten a tilt of 1–10° (`parasol_vision::skew`); off, the
    /// elements' boxes refer to the page exactly as given.
    pub orientation: bool,
    /// Figure and chart images: the pipeline crops them unless `None`.
    pub figures: Figures,
    /// Leave page headers and footers out of the document.
    pub drop_headers_footers: bool,
    /// Render resolution for PDF pages, in [`DPI_RANGE`].
    pub dpi: f32,
    /// Password for encrypted PDFs.
    pub password: Option<String>,
    /// Read each page as one table (inputs that are crops of a table, such
    /// as PubTabNet's images) instead of running the layout model. A hint
    /// for evaluation: no request can set it.
    #[serde(skip)]
    pub page_is_table: bool,
    #[serde(skip)]
    pub limits: Limits,
    #[serde(skip)]
    pub cancel: CancelToken,
    /// Keep a PNG preview of each page as the pipeline read it (turned
    /// upright if it was), at most this many pixels on its longer side, in
    /// [`Converted::page_images`](crate::Converted::page_images): the
    /// server's web viewer draws element boxes on it. The caller's choice,
    /// never a request's.
    #[serde(skip)]
    pub page_images: Option<u32>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            ocr: OcrMode::default(),
            ocr_model: OcrModel::default(),
            lang: Lang::default(),
            layout: LayoutChoice::default(),
            tables: true,
            formulas: true,
            orientation: true,
            figures: Figures::default(),
            drop_headers_footers: false,
            dpi: DEFAULT_DPI,
            password: None,
            page_is_table: false,
            limits: Limits::default(),
            cancel: CancelToken::default(),
            page_images: None,
        }
    }
}

/// An option value outside what the pipeline accepts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidOption {
    #[error("dpi must be between {min} and {max}, not {0}", min = DPI_RANGE.start(), max = DPI_RANGE.end())]
    Dpi(f32),
}

impl Options {
    /// Whether figure images are cropped and kept.
    pub fn figure_images(&self) -> bool {
        self.figures != Figures::None
    }

    /// Checks the values a request or a command line can set.
    pub fn validate(&self) -> Result<(), InvalidOption> {
        if !DPI_RANGE.contains(&self.dpi) {
            return Err(InvalidOption::Dpi(self.dpi));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check<T>(names: &[&str])
    where
        T: std::str::FromStr<Err = UnknownChoice> + std::fmt::Display + Copy + PartialEq + std::fmt::Debug,
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        for name in names {
            let v: T = name.parse().unwrap();
            assert_eq!(v.to_string(), *name);
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<T>(&format!("\"{name}\"")).unwrap(), v);
            assert_eq!(name.to_uppercase().parse::<T>().unwrap(), v);
        }
        let err = "nonsense".parse::<T>().unwrap_err();
        assert_eq!(err.expected, names);
        assert!(serde_json::from_str::<T>("\"nonsense\"").is_err());
    }

    #[test]
    fn every_choice_round_trips_through_its_name() {
        check::<OcrMode>(OcrMode::NAMES);
        check::<OcrModel>(OcrModel::NAMES);
        check::<Lang>(Lang::NAMES);
        assert_eq!(Lang::NAMES, ["auto", "en", "ja", "ko", "zh"]);
        check::<LayoutChoice>(LayoutChoice::NAMES);
        check::<Figures>(Figures::NAMES);
        check::<OutputFormat>(OutputFormat::NAMES);
        assert_eq!(OcrMode::NAMES, ["auto", "force"]);
        assert_eq!(LayoutChoice::NAMES, ["auto", "picodet", "yolo", "none"]);
        assert_eq!(OutputFormat::NAMES, ["html", "md", "txt", "json"]);
    }

    #[test]
    fn aliases_parse_to_their_format() {
        assert_eq!("markdown".parse::<OutputFormat>(), Ok(OutputFormat::Md));
        assert_eq!(" Text ".parse::<OutputFormat>(), Ok(OutputFormat::Txt));
        let err = "pdf".parse::<OutputFormat>().unwrap_err();
        assert_eq!(err.to_string(), "unknown format `pdf`; expected one of: html, md, txt, json");
    }

    #[test]
    fn options_take_their_defaults_and_refuse_unknown_fields() {
        let o: Options = serde_json::from_str("{}").unwrap();
        assert_eq!(o, Options { cancel: o.cancel.clone(), ..Options::default() });
        let o: Options =
            serde_json::from_str(r#"{"ocr_model": "tiny", "figures": "none", "dpi": 200, "lang": "ko"}"#)
                .unwrap();
        assert_eq!((o.ocr_model, o.figure_images(), o.dpi, o.lang), (OcrModel::Tiny, false, 200.0, Lang::Ko));
        assert!(serde_json::from_str::<Options>(r#"{"page_is_table": true}"#).is_err());
        assert!(serde_json::from_str::<Options>(r#"{"ocr": "always"}"#).is_err());
    }

    #[test]
    fn dpi_is_checked() {
        assert_eq!(Options::default().validate(), Ok(()));
        for dpi in [0.0, -1.0, f32::NAN, 5000.0] {
            assert!(Options { dpi, ..Options::default() }.validate().is_err(), "{dpi}");
        }
    }

    #[test]
    fn a_cancel_token_is_shared_by_its_clones() {
        let t = CancelToken::new();
        let u = t.clone();
        assert!(!u.is_cancelled());
        t.cancel();
        assert!(u.is_cancelled());
        assert_eq!(t, u);
        assert_ne!(t, CancelToken::new());
    }
}
