//! A cheap pass over a PDF's bytes before PDFium parses them, so that a
//! decompression bomb is refused with a typed error. PDFium inflates a
//! stream whole into memory and cannot be told to stop; a 2 MB file can
//! hold gigabytes of zeros, and when PDFium runs out of memory it either
//! aborts the process or silently renders an empty page.
//!
//! Every `stream` keyword in the file is found; its dictionary (looked for
//! behind the keyword, after the `N G obj` header) gives the filter chain,
//! and the data is run through streaming decoders that only count bytes
//! ([`crate::filters`]). Three budgets from [`Limits`] apply:
//! - each stream, what PDFium holds in memory once decoded, against
//!   `max_stream_bytes`;
//! - each `/Contents` (one stream, an array of them, the same stream many
//!   times, or such an array held in another object), summed against
//!   `max_stream_bytes` too, since PDFium concatenates a page's contents;
//! - all streams together against `max_total_stream_bytes`, which also
//!   bounds the time this pass can take.
//!
//! An image (`/Subtype /Image`) whose last filter is `/FlateDecode` or
//! `/RunLengthDecode` counts only the stages before that one: PDFium reads
//! that last stage a row at a time into a bitmap of the declared size, so a
//! scanned page's large image costs nothing here. A stream whose dictionary
//! cannot be read is inflated if its data looks like zlib.
//!
//! What the pass cannot see: the streams of an encrypted PDF are ciphertext
//! to it, so they are not counted.

mod lexer;

use std::collections::{HashMap, HashSet};

use memchr::memmem;

use self::lexer::{get, is_regular, is_white, object_number, Dict, Lexer, Obj};
use crate::filters::{self, Filter};
use crate::{check_limit, Limit, Limits, SourceError};

/// How far before a `stream` keyword its object header is looked for.
const DICT_WINDOW: usize = 64 << 10;
/// Largest object stream kept in memory to look for `/Contents` inside.
const KEEP_OBJECT_STREAM: usize = 64 << 20;

/// Refuses a PDF whose streams inflate beyond `limits`.
pub(crate) fn check(bytes: &[u8], limits: &Limits) -> Result<(), SourceError> {
    let mut scan = Scan {
        bytes,
        max: limits.max_stream_bytes,
        max_total: limits.max_total_stream_bytes,
        total: 0,
        read: 0,
        lexed: 0,
        sizes: HashMap::new(),
        arrays: HashSet::new(),
        raw_objects: None,
    };
    let object_streams = scan.streams()?;
    scan.contents(&object_streams)
}

/// What is known of one object number's streams (every revision of it).
#[derive(Default)]
struct Sizes<'a> {
    /// The largest decoded size among its streams counted so far.
    decoded: u64,
    /// Images not yet decoded in full: only needed if used as page contents.
    images: Vec<(&'a [u8], Vec<Filter>)>,
}

/// A decoded object stream: its data and where its objects start.
struct ObjectStream {
    data: Vec<u8>,
    objects: HashMap<u32, usize>,
}

struct Scan<'a> {
    bytes: &'a [u8],
    max: u64,
    max_total: u64,
    /// Decoded bytes so far, against `max_total`.
    total: u64,
    /// Compressed bytes read so far, against `max_total` too: stream data
    /// that overlaps (as only crafted files' does) cannot make the pass
    /// quadratic.
    read: u64,
    /// Dictionary bytes parsed so far; past [`lex_budget`] dictionaries are
    /// no longer read, and streams are treated as having none.
    lexed: usize,
    sizes: HashMap<u32, Sizes<'a>>,
    /// `/Contents` arrays held in objects of their own, already summed.
    arrays: HashSet<u32>,
    /// Object number → offset after its `obj` keyword, built on first need.
    raw_objects: Option<HashMap<u32, usize>>,
}

/// Dictionary bytes the pass may parse: a few times the file, as every
/// stream dictionary is parsed once in a well-formed file.
fn lex_budget(len: usize) -> usize {
    len.saturating_mul(4).saturating_add(1 << 20)
}

impl<'a> Scan<'a> {
    /// Counts every stream; returns the object streams kept for the
    /// `/Contents` pass.
    fn streams(&mut self) -> Result<Vec<ObjectStream>, SourceError> {
        let bytes = self.bytes;
        let mut object_streams = Vec::new();
        let mut objs = memmem::find_iter(bytes, b"obj").peekable();
        let mut last_obj = None;
        for p in memmem::find_iter(bytes, b"stream") {
            while let Some(o) = objs.next_if(|&o| o + 3 <= p) {
                last_obj = Some(o);
            }
            let glued_before = p >= 3 && &bytes[p - 3..p] == b"end";
            if glued_before || bytes.get(p + 6).is_some_and(|&c| is_regular(c)) {
                continue;
            }
            let start = next_line(bytes, p + 6);
            let (number, dict) = match last_obj.and_then(|o| self.header(o, p)) {
                Some((number, dict)) => (number, Some(dict)),
                None => (None, None),
            };
            if let Some(kept) = self.stream(number, dict.as_deref(), start)? {
                object_streams.push(kept);
            }
        }
        Ok(object_streams)
    }

    /// The object number and dictionary of the stream whose keyword is at
    /// `p`, parsed from the `obj` keyword at `o`.
    fn header(&mut self, o: usize, p: usize) -> Option<(Option<u32>, Dict)> {
        let span = p - o;
        if span > DICT_WINDOW || self.lexed.saturating_add(span) > lex_budget(self.bytes.len()) {
            return None;
        }
        self.lexed += span;
        let number = object_number(self.bytes, o);
        let mut lx = Lexer { b: &self.bytes[..p], i: o + 3 };
        let Some(Obj::Dict(dict)) = lx.value(0) else { return None };
        lx.skip_white();
        (lx.i == p).then_some((number, dict))
    }

    /// Counts one stream whose data starts at `start`; returns it decoded
    /// if it is an object stream.
    fn stream(
        &mut self,
        number: Option<u32>,
        dict: Option<&[(Vec<u8>, Obj)]>,
        start: usize,
    ) -> Result<Option<ObjectStream>, SourceError> {
        let bytes = self.bytes;
        let (chain, held, image) = match dict.and_then(|d| Some((d, filter_chain(d)?))) {
            Some((d, (chain, whole))) => {
                let image = matches!(get(d, b"Subtype"), Some(Obj::Name(n)) if n == b"Image");
                // PDFium leaves an image's last Flate or run-length stage to its row decoder.
                let row_decoded = matches!(chain.last(), Some(Filter::Flate | Filter::RunLength));
                let held = if image && whole && row_decoded { chain.len() - 1 } else { chain.len() };
                (chain, held, image)
            }
            // Unreadable dictionary or filter: inflate if it looks like zlib.
            None => {
                let chain = if looks_like_zlib(&bytes[start..]) { vec![Filter::Flate] } else { Vec::new() };
                let held = chain.len();
                (chain, held, false)
            }
        };
        let Some(&first) = chain.first() else { return Ok(None) };
        let end = dict.and_then(|d| verified_end(bytes, d, start)).unwrap_or_else(|| match first {
            // Without a trustworthy length a decoder stops at its own end of
            // data; run-length data has no reliable one, so `endstream` does.
            Filter::RunLength => {
                memmem::find(&bytes[start..], b"endstream").map_or(bytes.len(), |e| start + e)
            }
            _ => bytes.len(),
        });
        let mut data = &bytes[start..end];
        if first == Filter::Flate {
            // A zlib header never starts with white space; PDF writers sometimes add some.
            let skip = data.iter().take_while(|&&c| is_white(c)).count();
            data = &data[skip..];
        }

        let object_stream =
            dict.is_some_and(|d| matches!(get(d, b"Type"), Some(Obj::Name(n)) if n == b"ObjStm"));
        let mut kept = Vec::new();
        let decoded = if held == 0 {
            0
        } else if object_stream && held == chain.len() {
            let budget = (self.max, self.read_left());
            let counts = filters::decode_keeping(data, &chain, budget, &mut kept, KEEP_OBJECT_STREAM);
            self.add_read(counts.input)?;
            counts.output
        } else {
            self.count(data, &chain[..held])?
        };
        check_limit(Limit::StreamBytes, decoded, self.max)?;
        self.add_decoded(decoded)?;

        if let Some(number) = number {
            let sizes = self.sizes.entry(number).or_default();
            if held == chain.len() {
                sizes.decoded = sizes.decoded.max(decoded);
            } else if image {
                sizes.images.push((data, chain));
            }
        }
        Ok(match dict {
            Some(d) if !kept.is_empty() => {
                let objects = object_stream_index(&kept, d);
                Some(ObjectStream { data: kept, objects })
            }
            _ => None,
        })
    }

    fn read_left(&self) -> u64 {
        self.max_total.saturating_sub(self.read)
    }

    fn add_read(&mut self, n: u64) -> Result<(), SourceError> {
        self.read = self.read.saturating_add(n);
        check_limit(Limit::StreamScanBytes, self.read, self.max_total)
    }

    fn add_decoded(&mut self, n: u64) -> Result<(), SourceError> {
        self.total = self.total.saturating_add(n);
        check_limit(Limit::TotalStreamBytes, self.total, self.max_total)
    }

    /// Decoded length of `data` through `chain`. LZW is tried with both code
    /// width rules (`/EarlyChange` is not read), since a stream decoded with
    /// the wrong one stops early.
    fn count(&mut self, data: &[u8], chain: &[Filter]) -> Result<u64, SourceError> {
        let counts = filters::decoded_len(data, chain, self.max, self.read_left());
        self.add_read(counts.input)?;
        if !chain.iter().any(|f| matches!(f, Filter::Lzw { .. })) {
            return Ok(counts.output);
        }
        let other: Vec<Filter> = chain
            .iter()
            .map(|f| match *f {
                Filter::Lzw { early_change } => Filter::Lzw { early_change: !early_change },
                f => f,
            })
            .collect();
        let second = filters::decoded_len(data, &other, self.max, self.read_left());
        self.add_read(second.input)?;
        Ok(counts.output.max(second.output))
    }

    /// Sums every `/Contents` in the file and in its object streams.
    fn contents(&mut self, object_streams: &[ObjectStream]) -> Result<(), SourceError> {
        self.contents_in(self.bytes, object_streams)?;
        for s in object_streams {
            self.contents_in(&s.data, object_streams)?;
        }
        Ok(())
    }

    fn contents_in(&mut self, text: &[u8], object_streams: &[ObjectStream]) -> Result<(), SourceError> {
        for p in memmem::find_iter(text, b"/Contents") {
            let mut lx = Lexer { b: text, i: p + 9 };
            if lx.peek().is_some_and(is_regular) {
                continue;
            }
            lx.skip_white();
            if lx.peek() == Some(b'[') {
                self.sum_array(&mut lx)?;
            } else if let Some(number) = lx.reference() {
                if self.sizes.contains_key(&number) {
                    let size = self.size(number)?;
                    check_limit(Limit::StreamBytes, size, self.max)?;
                } else {
                    // An array held in an object of its own.
                    self.sum_indirect_array(number, object_streams)?;
                }
            }
        }
        Ok(())
    }

    /// Sums the streams of the array at `lx` (which points at its `[`).
    fn sum_array(&mut self, lx: &mut Lexer<'_>) -> Result<(), SourceError> {
        lx.i += 1;
        let mut sum: u64 = 0;
        while let Some(number) = lx.reference() {
            sum = sum.saturating_add(self.size(number)?);
            check_limit(Limit::StreamBytes, sum, self.max)?;
        }
        Ok(())
    }

    fn sum_indirect_array(
        &mut self,
        number: u32,
        object_streams: &[ObjectStream],
    ) -> Result<(), SourceError> {
        if !self.arrays.insert(number) {
            // Summed, and within the limit, already.
            return Ok(());
        }
        let bytes = self.bytes;
        let raw = self.raw_objects.get_or_insert_with(|| object_index(bytes));
        let found = match raw.get(&number) {
            Some(&at) => Some((bytes, at)),
            None => {
                object_streams.iter().find_map(|s| s.objects.get(&number).map(|&at| (s.data.as_slice(), at)))
            }
        };
        if let Some((text, at)) = found {
            let mut lx = Lexer { b: text, i: at };
            lx.skip_white();
            if lx.peek() == Some(b'[') {
                self.sum_array(&mut lx)?;
            }
        }
        Ok(())
    }

    /// The decoded size of object `number` used as content: images are
    /// decoded in full now, since PDFium would do the same.
    fn size(&mut self, number: u32) -> Result<u64, SourceError> {
        let Some(sizes) = self.sizes.get_mut(&number) else { return Ok(0) };
        let images = std::mem::take(&mut sizes.images);
        let mut largest = sizes.decoded;
        for (data, chain) in images {
            let decoded = self.count(data, &chain)?;
            largest = largest.max(decoded);
            self.add_decoded(decoded)?;
        }
        if let Some(sizes) = self.sizes.get_mut(&number) {
            sizes.decoded = largest;
        }
        Ok(largest)
    }
}

/// The filter chain up to the first image codec, and whether it is the
/// whole chain; `None` when `/Filter` is not a name or array of names (an
/// indirect reference, say).
fn filter_chain(dict: &[(Vec<u8>, Obj)]) -> Option<(Vec<Filter>, bool)> {
    let names: Vec<&[u8]> = match get(dict, b"Filter") {
        None => Vec::new(),
        Some(Obj::Name(n)) => vec![n.as_slice()],
        Some(Obj::Array(items)) => items
            .iter()
            .map(|o| if let Obj::Name(n) = o { Some(n.as_slice()) } else { None })
            .collect::<Option<_>>()?,
        Some(_) => return None,
    };
    let chain: Vec<Filter> = names.iter().map_while(|n| Filter::from_name(n)).collect();
    let whole = chain.len() == names.len();
    Some((chain, whole))
}

/// The end of the data when `/Length` is direct and `endstream` follows it.
fn verified_end(bytes: &[u8], dict: &[(Vec<u8>, Obj)], start: usize) -> Option<usize> {
    let Some(Obj::Int(len)) = get(dict, b"Length") else { return None };
    let end = start.checked_add(usize::try_from(*len).ok()?)?;
    let rest = bytes.get(end..)?;
    let skip = rest.iter().take_while(|&&c| is_white(c)).count();
    rest[skip..].starts_with(b"endstream").then_some(end)
}

/// Where the data starts: after the end of the keyword's line, as PDFium
/// reads it (LF, CR LF or a lone CR).
fn next_line(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(&c) = bytes.get(i) {
        i += 1;
        if c == b'\n' {
            break;
        }
        if c == b'\r' {
            if bytes.get(i) == Some(&b'\n') {
                i += 1;
            }
            break;
        }
    }
    i.min(bytes.len())
}

fn looks_like_zlib(data: &[u8]) -> bool {
    let skip = data.iter().take_while(|&&c| is_white(c)).count();
    match data.get(skip..skip + 2) {
        Some(&[cmf, flg]) => {
            cmf & 0x0F == 8 && cmf >> 4 <= 7 && (u16::from(cmf) << 8 | u16::from(flg)) % 31 == 0
        }
        _ => false,
    }
}

/// Every `N G obj` in the file: object number → offset after `obj`. Later
/// definitions (incremental updates) win.
fn object_index(bytes: &[u8]) -> HashMap<u32, usize> {
    let mut index = HashMap::new();
    for o in memmem::find_iter(bytes, b"obj") {
        if let Some(n) = object_number(bytes, o) {
            index.insert(n, o + 3);
        }
    }
    index
}

/// Object number → offset of each object in a decoded object stream, from
/// the pairs of integers before `/First`.
fn object_stream_index(data: &[u8], dict: &[(Vec<u8>, Obj)]) -> HashMap<u32, usize> {
    let mut index = HashMap::new();
    let (Some(Obj::Int(n)), Some(Obj::Int(first))) = (get(dict, b"N"), get(dict, b"First")) else {
        return index;
    };
    let Ok(first) = usize::try_from(*first) else { return index };
    let mut lx = Lexer { b: &data[..first.min(data.len())], i: 0 };
    for _ in 0..*n {
        lx.skip_white();
        let Some(number) = lx.int() else { break };
        lx.skip_white();
        let Some(offset) = lx.int() else { break };
        if let (Ok(number), Ok(offset)) = (u32::try_from(number), usize::try_from(offset)) {
            index.insert(number, first.saturating_add(offset));
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filters::tests::zlib;

    fn limits(max: u64) -> Limits {
        Limits { max_stream_bytes: max, max_total_stream_bytes: max * 10, ..Limits::default() }
    }

    /// A PDF-like file: each object is `(number, dictionary, stream data)`,
    /// with `/Length` added.
    fn pdf(objects: &[(u32, &str, Option<&[u8]>)]) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n".to_vec();
        for (n, dict, data) in objects {
            match data {
                Some(d) => {
                    let dict = dict.replacen("<<", &format!("<< /Length {}", d.len()), 1);
                    out.extend_from_slice(format!("{n} 0 obj\n{dict}\nstream\r\n").as_bytes());
                    out.extend_from_slice(d);
                    out.extend_from_slice(b"\nendstream\nendobj\n");
                }
                None => out.extend_from_slice(format!("{n} 0 obj\n{dict}\nendobj\n").as_bytes()),
            }
        }
        out.extend_from_slice(b"%%EOF\n");
        out
    }

    /// Checks that `bytes` are refused for `limit`, with per-stream budget
    /// `max` (and ten times that for all streams).
    #[track_caller]
    fn refused(bytes: &[u8], max: u64, limit: Limit) {
        let expect_max = if limit == Limit::StreamBytes { max } else { max * 10 };
        match check(bytes, &limits(max)) {
            Err(SourceError::LimitExceeded { limit: l, actual, max: m }) => {
                assert_eq!((l, m), (limit, expect_max));
                assert!(actual > m);
            }
            other => panic!("expected {limit:?} refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_small_stream_passes_and_a_bomb_is_refused() {
        let ok = pdf(&[(1, "<< /Filter /FlateDecode >>", Some(&zlib(&[b'q'; 1000])))]);
        assert!(check(&ok, &limits(1000)).is_ok());
        refused(
            &pdf(&[(1, "<< /Filter /FlateDecode >>", Some(&zlib(&[0; 100_000])))]),
            1000,
            Limit::StreamBytes,
        );
    }

    #[test]
    fn filter_names_are_read_however_written() {
        let bomb = zlib(&[0; 100_000]);
        for dict in [
            "<< /Filter [/FlateDecode] >>",
            "<< /Filter /Fl >>",
            "<< /Filter /Fl#61teDecode >>",
            "<</Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 4>>>>",
            "<< /Filter 9 0 R >>",
            "<< /Filter /FlateDecode % comment\n >>",
        ] {
            refused(&pdf(&[(1, dict, Some(&bomb))]), 1000, Limit::StreamBytes);
        }
        // No dictionary at all: the data is sniffed.
        let mut bare = b"%PDF-1.4\ngarbage stream\n".to_vec();
        bare.extend_from_slice(&bomb);
        refused(&bare, 1000, Limit::StreamBytes);
    }

    #[test]
    fn images_count_what_pdfium_keeps_in_memory() {
        let bomb = zlib(&[0; 100_000]);
        let image = "<< /Type /XObject /Subtype /Image /Width 1000 /Height 100 /BitsPerComponent 8 /ColorSpace /DeviceGray /Filter /FlateDecode >>";
        assert!(check(&pdf(&[(1, image, Some(&bomb))]), &limits(1000)).is_ok());
        // A Flate stage before an image codec is inflated whole.
        let jpeg = "<< /Subtype /Image /Filter [/FlateDecode /DCTDecode] >>";
        refused(&pdf(&[(1, jpeg, Some(&bomb))]), 1000, Limit::StreamBytes);
        // Of a doubly deflated image only the first, small, stage is held.
        let twice = "<< /Subtype /Image /Filter [/FlateDecode /FlateDecode] >>";
        assert!(check(&pdf(&[(1, twice, Some(&zlib(&bomb)))]), &limits(1000)).is_ok());
        // Used as page contents, an image is inflated whole by PDFium.
        let page = "<< /Type /Page /Contents 1 0 R >>";
        refused(&pdf(&[(1, image, Some(&bomb)), (2, page, None)]), 1000, Limit::StreamBytes);
    }

    #[test]
    fn page_contents_are_summed_however_referenced() {
        let part = zlib(&[b' '; 600]);
        let stream = (5, "<< /Filter /FlateDecode >>", Some(part.as_slice()));
        let once = pdf(&[stream, (2, "<< /Type /Page /Contents [5 0 R] >>", None)]);
        assert!(check(&once, &limits(1000)).is_ok());
        for page in [
            "<< /Type /Page /Contents [5 0 R 5 0 R] >>",
            "<< /Type /Page /Contents[5 0 R\n5 0 R 5 0 R]>>",
            "<< /Type /Page /Contents 7 0 R >>",
        ] {
            let array = (7, "[5 0 R 5 0 R]", None);
            refused(&pdf(&[stream, array, (2, page, None)]), 1000, Limit::StreamBytes);
        }
        // A page dictionary inside a compressed object stream.
        let objects = b"2 0 <</Type/Page/Contents[5 0 R 5 0 R]>>";
        let objstm = zlib(objects);
        let dict = "<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>";
        refused(&pdf(&[stream, (9, dict, Some(&objstm))]), 1000, Limit::StreamBytes);
        // …and an array object inside one.
        let objects = b"7 0 [5 0 R 5 0 R]";
        let dict = "<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>";
        let page = (2, "<< /Type /Page /Contents 7 0 R >>", None);
        refused(&pdf(&[stream, (9, dict, Some(&zlib(objects))), page]), 1000, Limit::StreamBytes);
    }

    #[test]
    fn many_small_streams_hit_the_total() {
        let part = zlib(&[b' '; 900]);
        let objects: Vec<_> =
            (1..=20).map(|n| (n, "<< /Filter /FlateDecode >>", Some(part.as_slice()))).collect();
        refused(&pdf(&objects), 1000, Limit::TotalStreamBytes);
    }

    #[test]
    fn streams_without_a_usable_length_read_only_their_own_data() {
        // `/Length` by reference (the later key wins): each decoder runs to
        // the end of the file but consumes only its own stream.
        let part = zlib(&[b'q'; 600]);
        let dict = "<< /Filter /FlateDecode /Length 999 0 R >>";
        let objects: Vec<_> = (1..=200).map(|n| (n, dict, Some(part.as_slice()))).collect();
        let file = pdf(&objects);
        let limits =
            Limits { max_stream_bytes: 1000, max_total_stream_bytes: 200 * 600, ..Limits::default() };
        assert!((file.len() as u64) < limits.max_total_stream_bytes / 4, "{}", file.len());
        assert_eq!(check(&file, &limits).map_err(|e| e.to_string()), Ok(()));
    }

    #[test]
    fn other_expanding_filters_are_counted() {
        let hex: Vec<u8> = zlib(&[0; 100_000]).iter().flat_map(|b| format!("{b:02x}").into_bytes()).collect();
        refused(&pdf(&[(1, "<< /Filter [/AHx /Fl] >>", Some(&hex))]), 1000, Limit::StreamBytes);
        let runs = b"\x81\0".repeat(100);
        refused(&pdf(&[(1, "<< /Filter /RunLengthDecode >>", Some(&runs))]), 1000, Limit::StreamBytes);
    }

    #[test]
    fn the_lexer_survives_deep_nesting_and_junk() {
        let deep = format!("1 0 obj\n<< /A {}{} >>\nstream\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(check(deep.as_bytes(), &limits(1000)).is_ok());
        for junk in
            ["1 0 obj << /Filter (unclosed stream\n", "obj stream", "stream", "endstream", "0 obj<<>>stream"]
        {
            assert!(check(junk.as_bytes(), &limits(1000)).is_ok(), "{junk}");
        }
    }
}

/// The pass over real files: the shared corpus's PDFs must all pass, and
/// the time it takes is printed (`--nocapture`) for docs/BENCHMARKS.md.
#[cfg(test)]
mod corpus {
    use super::*;
    use std::path::{Path, PathBuf};
    use std::time::Instant;

    fn pdfs(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                pdfs(&p, out);
            } else if p.extension().is_some_and(|e| e == "pdf") {
                out.push(p);
            }
        }
    }

    #[test]
    fn every_corpus_pdf_passes_quickly() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let corpus = root.join("../shared/corpus");
        assert!(corpus.is_dir(), "the evaluation corpus is missing: expected {}", corpus.display());
        let mut files = vec![root.join("samples/report.pdf")];
        pdfs(&corpus, &mut files);
        assert!(files.len() > 100, "expected the corpus's PDFs, found {}", files.len());
        let (mut bytes_total, mut secs_total) = (0usize, 0f64);
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            let t = Instant::now();
            let result = check(&bytes, &Limits::default());
            let secs = t.elapsed().as_secs_f64();
            eprintln!("{:8.2} ms {:>9} B {}", secs * 1e3, bytes.len(), file.display());
            assert!(result.is_ok(), "{}: {result:?}", file.display());
            bytes_total += bytes.len();
            secs_total += secs;
        }
        eprintln!("{} files, {bytes_total} bytes, {:.1} ms in all", files.len(), secs_total * 1e3);
    }
}
