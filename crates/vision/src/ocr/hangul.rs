//! Korean line recognition: PP-OCRv6 has no Hangul in its dictionaries,
//! so the line crops that PP-OCRv6 detection finds on a Korean page are
//! read by Tesseract 5's LSTM model instead (`kor+eng`, one line per
//! image), in process through [`tesseract`](super::tesseract).
//!
//! [`HangulReader`] keeps a few Tesseract handles (one per thread that
//! reads at once) and prepares each crop as Tesseract reads lines best:
//! grey, scaled to [`LINE_HEIGHT`] pixels, with a margin of background.
//! [`HangulRoute`] says which lines of a page it reads.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::tesseract::{self, LineReading, Tesseract};
use crate::cv::imgops::{resize_linear, Image, Image3};
use crate::VisionError;
use parasol_doc::script::{is_han, is_hangul, is_kana};

/// The languages Tesseract reads a Korean line with: Korean documents
/// carry Latin words and digits, which `kor` alone reads poorly.
pub const LANGUAGES: &str = "kor+eng";

/// Crops are scaled to this height before Tesseract reads them. At 150 dpi
/// a 10- to 12-point line's crop is 25-35 px high; on 40 such Korean lines
/// (three fonts) the CER was 2.0 % at 32 px, 1.7 % at 40, 1.3 % at 48,
/// 1.7 % at 56 and 1.5 % at 64.
const LINE_HEIGHT: usize = 48;

/// Background margin added on every side, as a fraction of the scaled
/// height: Tesseract drops strokes that touch the image's edge.
const MARGIN: f32 = 0.25;

/// Which lines of a page the Korean recogniser reads.
#[derive(Debug, Clone, Copy, Default)]
pub enum HangulRoute<'a> {
    /// None: PP-OCRv6 reads every line.
    #[default]
    Off,
    /// Every line (the page is known to be Korean).
    Every(&'a HangulReader),
    /// Lines whose PP-OCRv6 reading looks like a misread Korean line
    /// (see [`looks_misread`]); Tesseract's reading replaces it when it is
    /// Korean and Tesseract is at least as sure of it.
    Doubtful(&'a HangulReader),
}

/// A Korean line as Tesseract read it, in pieces: runs of Hangul
/// syllables and runs of anything else, word by word.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct KoreanRead {
    pub conf: f32,
    /// Words (separated by spaces), each a list of pieces.
    pub words: Vec<Vec<Piece>>,
}

/// A run of one word's symbols that are all Hangul syllables or all not.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Piece {
    pub text: String,
    pub hangul: bool,
    /// Horizontal extent in the crop's pixels.
    pub x0: f32,
    pub x1: f32,
}

impl KoreanRead {
    pub fn text(&self) -> String {
        let words: Vec<String> =
            self.words.iter().map(|w| w.iter().map(|p| p.text.as_str()).collect()).collect();
        words.join(" ")
    }

    /// Pieces of Tesseract's reading in crop pixels: `scale` and `margin`
    /// are how the crop was prepared. Without symbols (an empty iterator),
    /// the text is one piece over the whole crop.
    fn from_reading(r: LineReading, scale: f32, margin: f32, crop_width: f32) -> KoreanRead {
        let mut words: Vec<Vec<Piece>> = Vec::new();
        if r.symbols.is_empty() {
            let pieces = r
                .text
                .split_whitespace()
                .map(|w| vec![Piece { text: w.to_owned(), hangul: true, x0: 0.0, x1: crop_width }]);
            return KoreanRead { conf: r.conf, words: pieces.collect() };
        }
        // Word breaks are the spaces of Tesseract's text (its iterator's
        // word boundaries split Korean words that the text keeps whole);
        // the symbols must spell the text without its spaces, or the line
        // stays one piece.
        let spelled: String = r.symbols.iter().map(|s| s.text.as_str()).collect();
        let unspaced: String = r.text.chars().filter(|c| !c.is_whitespace()).collect();
        if spelled != unspaced {
            let pieces = r
                .text
                .split_whitespace()
                .map(|w| vec![Piece { text: w.to_owned(), hangul: true, x0: 0.0, x1: crop_width }]);
            return KoreanRead { conf: r.conf, words: pieces.collect() };
        }
        let mut starts = Vec::with_capacity(r.symbols.len());
        let mut text = r.text.chars().peekable();
        for s in &r.symbols {
            let mut after_space = starts.is_empty();
            while text.peek().is_some_and(|c| c.is_whitespace()) {
                text.next();
                after_space = true;
            }
            for _ in s.text.chars() {
                text.next();
            }
            starts.push(after_space);
        }
        for (s, word_start) in r.symbols.into_iter().zip(starts) {
            let hangul = s.text.chars().next().is_some_and(is_hangul_syllable);
            let (x0, x1) = ((s.left as f32 - margin) / scale, (s.right as f32 - margin) / scale);
            if word_start || words.is_empty() {
                words.push(Vec::new());
            }
            let word = words.last_mut().expect("a word was pushed");
            match word.last_mut() {
                Some(p) if p.hangul == hangul => {
                    p.text.push_str(&s.text);
                    p.x1 = p.x1.max(x1);
                }
                _ => word.push(Piece { text: s.text, hangul, x0, x1 }),
            }
        }
        KoreanRead { conf: r.conf, words }
    }
}

/// A Hangul syllable (not a lone jamo, which a document rarely holds and
/// Tesseract's Korean model emits for strokes it cannot place).
fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Tesseract `kor+eng` over line crops, with a handle per concurrent reader.
#[derive(Debug)]
pub struct HangulReader {
    datapath: PathBuf,
    /// Idle handles; a reader takes one (or makes one) and puts it back.
    idle: Mutex<Vec<Tesseract>>,
    threads: usize,
}

impl HangulReader {
    /// A reader of the `kor.traineddata` and `eng.traineddata` in
    /// `datapath`, reading up to `threads` lines at once. Fails when
    /// libtesseract cannot be loaded (the error names its Debian package)
    /// or the data cannot be read.
    pub fn new(datapath: &Path, threads: usize) -> Result<HangulReader, VisionError> {
        let first = Tesseract::new(datapath, LANGUAGES)?;
        Ok(HangulReader {
            datapath: datapath.to_path_buf(),
            idle: Mutex::new(vec![first]),
            threads: threads.max(1),
        })
    }

    /// Whether libtesseract can be loaded in this process.
    pub fn library_available() -> bool {
        tesseract::available()
    }

    /// Reads an RGB line image (already upright): its text and
    /// Tesseract's confidence in 0–1.
    pub fn read_rgb(&self, image: &image::RgbImage) -> Result<(String, f32), VisionError> {
        let crop = Image3 {
            width: image.width() as usize,
            height: image.height() as usize,
            data: image.as_raw().clone(),
        };
        let mut out = self.read_all(&[&crop])?;
        Ok(out.pop().flatten().map(|r| (r.text(), r.conf)).unwrap_or_default())
    }

    /// Reads every crop, on up to `threads` threads; `None` for a crop
    /// Tesseract could not read.
    pub(crate) fn read_all(&self, crops: &[&Image3]) -> Result<Vec<Option<KoreanRead>>, VisionError> {
        let results = Mutex::new(vec![None; crops.len()]);
        let next = AtomicUsize::new(0);
        let work = || -> Result<(), VisionError> {
            let mut tess = match self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop() {
                Some(t) => t,
                None => Tesseract::new(&self.datapath, LANGUAGES)?,
            };
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(crop) = crops.get(i) else { break };
                let (grey, w, h) = prepare(crop);
                let scale = LINE_HEIGHT as f32 / crop.height.max(1) as f32;
                let margin = (w - (crop.width as f32 * scale).round().max(1.0) as usize) as f32 / 2.0;
                let read = tess
                    .read_line(&grey, w, h, 300)
                    .map(|r| KoreanRead::from_reading(r, scale, margin, crop.width as f32));
                results.lock().unwrap_or_else(|p| p.into_inner())[i] = read;
            }
            self.idle.lock().unwrap_or_else(|p| p.into_inner()).push(tess);
            Ok(())
        };
        let threads = self.threads.min(crops.len());
        if threads <= 1 {
            work()?;
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                    .collect::<Result<Vec<()>, _>>()
            })?;
        }
        Ok(results.into_inner().unwrap_or_else(|p| p.into_inner()))
    }
}

/// A crop as Tesseract reads it best: grey (BT.601 luma), scaled to
/// [`LINE_HEIGHT`], with a margin of the crop's own border colour.
fn prepare(crop: &Image3) -> (Vec<u8>, usize, usize) {
    let scale = LINE_HEIGHT as f32 / crop.height.max(1) as f32;
    let w = ((crop.width as f32 * scale).round() as usize).max(1);
    let scaled = if w == crop.width && LINE_HEIGHT == crop.height {
        crop.clone()
    } else {
        resize_linear(crop.view(), w, LINE_HEIGHT)
    };
    let grey: Vec<u8> = scaled
        .data
        .chunks_exact(3)
        .map(|p| ((299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000) as u8)
        .collect();
    let grey = Image::<1> { width: w, height: LINE_HEIGHT, data: grey };
    let m = (LINE_HEIGHT as f32 * MARGIN).round() as usize;
    let background = border_median(&grey);
    let (pw, ph) = (w + 2 * m, LINE_HEIGHT + 2 * m);
    let mut out = vec![background; pw * ph];
    for y in 0..LINE_HEIGHT {
        out[(y + m) * pw + m..(y + m) * pw + m + w].copy_from_slice(&grey.data[y * w..(y + 1) * w]);
    }
    (out, pw, ph)
}

/// The median of the image's outermost pixels: the paper around the text.
fn border_median(img: &Image<1>) -> u8 {
    let (w, h) = (img.width, img.height);
    let mut edge: Vec<u8> = Vec::with_capacity(2 * (w + h));
    edge.extend_from_slice(&img.data[..w]);
    edge.extend_from_slice(&img.data[(h - 1) * w..h * w]);
    edge.extend((0..h).flat_map(|y| [img.data[y * w], img.data[y * w + w - 1]]));
    edge.sort_unstable();
    edge.get(edge.len() / 2).copied().unwrap_or(255)
}

/// PP-OCRv6's reading of a Korean line is Chinese characters (it has no
/// Hangul) and no kana, or a reading it is unsure of: below this score.
const MISREAD_SCORE: f64 = 0.8;

/// A line crop `aspect` times as wide as high holds about `aspect`
/// Hangul syllables or twice as many Latin letters; a reading with fewer
/// than this share of `aspect` characters left most of the line unread
/// (PP-OCRv6 read a Korean line of 14 syllables as `.`).
const MIN_CHARS_PER_ASPECT: f64 = 0.4;

/// Whether PP-OCRv6's reading (`text`, mean character `score`) of a crop
/// `aspect` times as wide as high may be a misread Korean line: it holds
/// Han characters but no kana (a Japanese line holds kana; a Korean one
/// comes out as Han), its score is low, or it is far too short.
/// On a Japanese page ([`is_japanese_page`]) a line of Han alone is
/// Japanese too ("金額", "合計" in a table's cells), so only a low score or
/// a short reading makes it doubtful.
pub(crate) fn looks_misread(text: &str, score: f64, aspect: f64, japanese: bool) -> bool {
    let han = text.chars().any(is_han);
    let kana = text.chars().any(is_kana);
    let chars = text.chars().filter(|c| !c.is_whitespace()).count() as f64;
    (han && !kana && !japanese) || score < MISREAD_SCORE || chars < MIN_CHARS_PER_ASPECT * aspect
}

/// Fewest lines PP-OCRv6 read with kana, and their least share of the
/// page's lines, for a page to be Japanese ([`is_japanese_page`]).
const JAPANESE_MIN_KANA_LINES: usize = 3;

/// See [`JAPANESE_MIN_KANA_LINES`].
const JAPANESE_MIN_KANA_SHARE: f64 = 0.2;

/// Whether PP-OCRv6's readings of a page's lines make it Japanese: kana
/// in [`JAPANESE_MIN_KANA_LINES`] lines and [`JAPANESE_MIN_KANA_SHARE`]
/// of them. PP-OCRv6 reads a Korean line as Han, not as kana.
pub(crate) fn is_japanese_page<'a>(texts: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut lines, mut kana) = (0usize, 0usize);
    for t in texts {
        lines += 1;
        kana += usize::from(t.chars().any(is_kana));
    }
    kana >= JAPANESE_MIN_KANA_LINES && kana as f64 >= JAPANESE_MIN_KANA_SHARE * lines as f64
}

/// Whether Tesseract's Korean reading replaces PP-OCRv6's: it must hold
/// Hangul (else the line was not Korean) and Tesseract must be at least
/// as confident as PP-OCRv6 was, less a margin, since Tesseract's word
/// confidences run lower than PP-OCRv6's character probabilities.
pub(crate) fn prefer_korean(korean: &str, conf: f32, ppocr_score: f64) -> bool {
    const MARGIN: f64 = 0.15;
    korean.chars().any(is_hangul) && f64::from(conf) >= ppocr_score - MARGIN
}

/// Whether a page is Korean, from how many of its `lines` the doubtful
/// pass took Tesseract's Korean reading for (`kept`): at least two, and
/// at least a quarter of the page. On such a page PP-OCRv6, which has no
/// Hangul, can still read a mixed line as confident Latin (`파일은` as
/// `THUS`), which looks nothing like a misread; so every line is read by
/// the Korean recogniser too (see [`korean_page_prefers`]).
pub(crate) fn is_korean_page(kept: usize, lines: usize) -> bool {
    kept >= 2 && kept * 4 >= lines
}

/// On a Korean page, whether Tesseract's reading of a line replaces
/// PP-OCRv6's: when it holds a Hangul syllable, which PP-OCRv6 cannot
/// read at all. A line Tesseract reads without Hangul (an English line)
/// keeps PP-OCRv6's reading.
pub(crate) fn korean_page_prefers(korean: &str) -> bool {
    korean.chars().any(is_hangul_syllable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_korean_from_two_lines_and_a_quarter_of_them() {
        assert!(!is_korean_page(1, 2));
        assert!(is_korean_page(2, 8));
        assert!(!is_korean_page(2, 9));
        assert!(is_korean_page(10, 30));
        assert!(!is_korean_page(0, 0));
    }

    #[test]
    fn on_a_korean_page_a_reading_with_hangul_wins() {
        assert!(korean_page_prefers("구성 파일은 /etc"));
        assert!(!korean_page_prefers("apt-get install"));
        // A lone jamo is a stroke Tesseract could not place, not Korean.
        assert!(!korean_page_prefers("30ㄴ96"));
    }

    #[test]
    fn han_without_kana_or_a_low_score_is_doubtful() {
        assert!(looks_misread("对是叶是叶", 0.95, 5.0, false));
        assert!(!looks_misread("日本語のテキスト", 0.95, 8.0, false));
        assert!(!looks_misread("Hello world", 0.95, 6.0, false));
        assert!(looks_misread("Hcllo", 0.5, 3.0, false));
        assert!(looks_misread(".", 0.99, 14.0, false));
        // On a Japanese page a table cell of Han alone is Japanese.
        assert!(!looks_misread("金額", 0.95, 2.0, true));
        assert!(looks_misread("金額", 0.5, 2.0, true));
    }

    #[test]
    fn a_page_with_kana_in_several_lines_is_japanese() {
        let invoice = [
            "請求書",
            "下記のとおりご請求申し上げます。",
            "ご請求金額",
            "品目",
            "金額",
            "お振込先",
            "INV-2026",
        ];
        assert!(is_japanese_page(invoice));
        // A Korean page as PP-OCRv6 misreads it: Han, no kana.
        assert!(!is_japanese_page(["对是叶是叶", "是叶", "叶对是", "Debian"]));
        // One line of kana among many is no Japanese page.
        let mostly_latin =
            ["Price list", "テスト", "Item", "Qty", "Total", "Notes", "Date", "Name", "Tax", "Sum", "End"];
        assert!(!is_japanese_page(mostly_latin));
    }

    #[test]
    fn a_korean_reading_wins_only_with_hangul_and_enough_confidence() {
        assert!(prefer_korean("한국어 문장", 0.9, 0.7));
        assert!(!prefer_korean("abc", 0.99, 0.5));
        assert!(!prefer_korean("한국", 0.3, 0.95));
    }

    #[test]
    fn prepared_crops_are_scaled_and_padded_with_the_paper_colour() {
        let mut crop = Image3::new(60, 20);
        crop.data.fill(230);
        let (grey, w, h) = prepare(&crop);
        let m = (LINE_HEIGHT as f32 * MARGIN).round() as usize;
        assert_eq!((w, h), (144 + 2 * m, LINE_HEIGHT + 2 * m));
        assert_eq!(grey.len(), w * h);
        assert!(grey.iter().all(|&p| p == 230));
    }
}
