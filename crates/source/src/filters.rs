//! Streaming decoders for the PDF filters that can expand data, used by the
//! pre-scan to count (never to keep) what a stream decodes to.
//!
//! Each decoder is a [`Read`] over the previous stage, so a chain such as
//! `[/ASCII85Decode /FlateDecode /RunLengthDecode]` runs in constant memory,
//! and every stage is capped, so the work stops as soon as any stage passes
//! the budget. Corrupt data ends a stage the way PDFium ends it: what was
//! decoded up to the error counts.

use std::cell::Cell;
use std::io::{self, BufRead, BufReader, Read};

use weezl::{decode::Decoder as LzwDecoder, BitOrder, LzwStatus};

/// A filter that changes a stream's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filter {
    Flate,
    /// `early_change` is `/EarlyChange 1`, the default.
    Lzw {
        early_change: bool,
    },
    RunLength,
    AsciiHex,
    Ascii85,
}

impl Filter {
    /// The filter a PDF name (escapes decoded) stands for, with PDFium's
    /// abbreviations. `None` for image codecs, `Crypt` and unknown names:
    /// decoding stops there.
    pub(crate) fn from_name(name: &[u8]) -> Option<Filter> {
        Some(match name {
            b"FlateDecode" | b"Fl" => Filter::Flate,
            b"LZWDecode" | b"LZW" => Filter::Lzw { early_change: true },
            b"RunLengthDecode" | b"RL" => Filter::RunLength,
            b"ASCIIHexDecode" | b"AHx" => Filter::AsciiHex,
            b"ASCII85Decode" | b"A85" => Filter::Ascii85,
            _ => return None,
        })
    }
}

/// What one decoding read and produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Bytes of `data` consumed, at most `max_in + 1`.
    pub input: u64,
    /// The largest output of any stage, at most `max_out + 1`.
    pub output: u64,
}

/// How many bytes `data` decodes to through `filters`, counting no further
/// than `max_out + 1`; intermediate stages are capped the same way, since
/// PDFium holds each stage's whole output. Reading stops past `max_in`.
pub(crate) fn decoded_len(data: &[u8], filters: &[Filter], max_out: u64, max_in: u64) -> Counts {
    decode(data, filters, max_out, max_in, None)
}

/// Like [`decoded_len`], and also keeps the output in `keep` while it fits
/// in `keep_max` bytes (and memory); past that, `keep` is emptied and
/// keeping stops.
pub(crate) fn decode_keeping(
    data: &[u8],
    filters: &[Filter],
    (max_out, max_in): (u64, u64),
    keep: &mut Vec<u8>,
    keep_max: usize,
) -> Counts {
    decode(data, filters, max_out, max_in, Some((keep, keep_max)))
}

fn decode(
    data: &[u8],
    filters: &[Filter],
    max_out: u64,
    max_in: u64,
    mut keep: Option<(&mut Vec<u8>, usize)>,
) -> Counts {
    let consumed = Cell::new(0);
    let input = Input { data, consumed: &consumed, max: usize::try_from(max_in).unwrap_or(usize::MAX) };
    let counts: Vec<Cell<u64>> = filters.iter().map(|_| Cell::new(0)).collect();
    // Each decoder reads its input through `BufRead`, so the first one
    // consumes exactly the compressed bytes it decodes, no read-ahead.
    let mut reader: Box<dyn BufRead + '_> = Box::new(input);
    for (filter, count) in filters.iter().zip(&counts) {
        let stage: Box<dyn Read + '_> = match *filter {
            Filter::Flate => Box::new(flate2::bufread::ZlibDecoder::new(reader)),
            Filter::Lzw { early_change } => Box::new(Lzw::new(reader, early_change)),
            Filter::RunLength => Box::new(RunLength::new(reader)),
            Filter::AsciiHex => Box::new(AsciiHex::new(reader)),
            Filter::Ascii85 => Box::new(Ascii85::new(reader)),
        };
        reader = Box::new(BufReader::new(Capped { inner: stage, count, max: max_out }));
    }
    let mut buf = [0u8; 32 << 10];
    while let Ok(n @ 1..) = reader.read(&mut buf) {
        if let Some((out, keep_max)) = keep.take() {
            if out.len() + n > keep_max || out.try_reserve(n).is_err() {
                *out = Vec::new();
            } else {
                out.extend_from_slice(&buf[..n]);
                keep = Some((out, keep_max));
            }
        }
    }
    drop(reader);
    Counts { input: consumed.get() as u64, output: counts.iter().map(Cell::get).max().unwrap_or(0) }
}

/// The compressed data, counting what the first decoder consumes and
/// ending one byte past `max`.
struct Input<'a, 'c> {
    data: &'a [u8],
    consumed: &'c Cell<usize>,
    max: usize,
}

impl BufRead for Input<'_, '_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let end = self.data.len().min(self.max.saturating_add(1));
        Ok(&self.data[self.consumed.get().min(end)..end])
    }

    fn consume(&mut self, amount: usize) {
        self.consumed.set(self.consumed.get().saturating_add(amount));
    }
}

impl Read for Input<'_, '_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Counts what passes through and ends the stream one byte past `max`.
struct Capped<'c, R> {
    inner: R,
    count: &'c Cell<u64>,
    max: u64,
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let room = self.max.saturating_add(1).saturating_sub(self.count.get());
        let len = usize::try_from(room).unwrap_or(usize::MAX).min(out.len());
        if len == 0 {
            return Ok(0);
        }
        let n = self.inner.read(&mut out[..len])?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// One byte from a buffered reader, `None` at the end or on an error.
fn next_byte<R: BufRead>(r: &mut R) -> Option<u8> {
    let b = *r.fill_buf().ok()?.first()?;
    r.consume(1);
    Some(b)
}

fn is_white(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// `/LZWDecode`: 8-bit symbols, codes most significant bit first.
struct Lzw<R> {
    inner: R,
    decoder: LzwDecoder,
    done: bool,
}

impl<R: BufRead> Lzw<R> {
    fn new(inner: R, early_change: bool) -> Lzw<R> {
        let decoder = if early_change {
            LzwDecoder::with_tiff_size_switch(BitOrder::Msb, 8)
        } else {
            LzwDecoder::new(BitOrder::Msb, 8)
        };
        Lzw { inner, decoder, done: false }
    }
}

impl<R: BufRead> Read for Lzw<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while !self.done && !out.is_empty() {
            let input = self.inner.fill_buf()?;
            let end = input.is_empty();
            let r = self.decoder.decode_bytes(input, out);
            self.inner.consume(r.consumed_in);
            match r.status {
                Ok(LzwStatus::Ok) => {}
                Ok(LzwStatus::Done) | Err(_) => self.done = true,
                Ok(LzwStatus::NoProgress) => self.done = end || r.consumed_in == 0,
            }
            if r.consumed_out > 0 {
                return Ok(r.consumed_out);
            }
        }
        Ok(0)
    }
}

/// `/RunLengthDecode`: a length byte, then `n + 1` literal bytes (n < 128)
/// or one byte repeated `257 - n` times (n > 128); 128 ends the data.
struct RunLength<R> {
    inner: R,
    literal: usize,
    repeat: (u8, usize),
    done: bool,
}

impl<R: BufRead> RunLength<R> {
    fn new(inner: R) -> RunLength<R> {
        RunLength { inner, literal: 0, repeat: (0, 0), done: false }
    }
}

impl<R: BufRead> Read for RunLength<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            if self.repeat.1 > 0 {
                let k = self.repeat.1.min(out.len() - n);
                out[n..n + k].fill(self.repeat.0);
                self.repeat.1 -= k;
                n += k;
            } else if self.literal > 0 {
                let k = self.literal.min(out.len() - n);
                let got = self.inner.read(&mut out[n..n + k])?;
                if got == 0 {
                    self.literal = 0;
                    self.done = true;
                }
                self.literal -= got.min(self.literal);
                n += got;
            } else if self.done {
                break;
            } else {
                match next_byte(&mut self.inner) {
                    None | Some(128) => self.done = true,
                    Some(len @ 0..=127) => self.literal = usize::from(len) + 1,
                    Some(len) => match next_byte(&mut self.inner) {
                        Some(b) => self.repeat = (b, 257 - usize::from(len)),
                        None => self.done = true,
                    },
                }
            }
        }
        Ok(n)
    }
}

/// `/ASCIIHexDecode`: hex digit pairs, white space ignored, `>` ends.
struct AsciiHex<R> {
    inner: R,
    done: bool,
}

impl<R: BufRead> AsciiHex<R> {
    fn new(inner: R) -> AsciiHex<R> {
        AsciiHex { inner, done: false }
    }
}

impl<R: BufRead> Read for AsciiHex<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        let mut high: Option<u8> = None;
        while n < out.len() && !self.done {
            let digit = match next_byte(&mut self.inner) {
                Some(b) if is_white(b) => continue,
                Some(b) => (b as char).to_digit(16),
                None => None,
            };
            match (digit, high) {
                (Some(d), None) => high = Some(d as u8),
                (Some(d), Some(h)) => {
                    out[n] = h << 4 | d as u8;
                    n += 1;
                    high = None;
                }
                // `>`, anything else, or the end: a lone last digit counts as if followed by 0.
                (None, h) => {
                    if let Some(h) = h {
                        out[n] = h << 4;
                        n += 1;
                    }
                    self.done = true;
                }
            }
        }
        // A pair never straddles two calls: `n` only grows once a pair is complete.
        Ok(n)
    }
}

/// `/ASCII85Decode`: base-85 groups of five characters, `z` for four zero
/// bytes, `~>` ends.
struct Ascii85<R> {
    inner: R,
    pending: ([u8; 4], usize, usize),
    done: bool,
}

impl<R: BufRead> Ascii85<R> {
    fn new(inner: R) -> Ascii85<R> {
        Ascii85 { inner, pending: ([0; 4], 0, 0), done: false }
    }

    /// Decodes the next group into `pending`; false at the end.
    fn next_group(&mut self) -> bool {
        let mut group = [84u8; 5];
        let mut len = 0;
        while len < 5 {
            match next_byte(&mut self.inner) {
                Some(b) if is_white(b) => {}
                Some(b'z') if len == 0 => {
                    self.pending = ([0; 4], 0, 4);
                    return true;
                }
                Some(b @ b'!'..=b'u') => {
                    group[len] = b - b'!';
                    len += 1;
                }
                _ => {
                    self.done = true;
                    break;
                }
            }
        }
        if len < 2 {
            return false;
        }
        let value = group.iter().fold(0u64, |v, &d| v * 85 + u64::from(d)) as u32;
        self.pending = (value.to_be_bytes(), 0, len - 1);
        true
    }
}

impl<R: BufRead> Read for Ascii85<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            let (bytes, at, len) = &mut self.pending;
            if *at < *len {
                let k = (*len - *at).min(out.len() - n);
                out[n..n + k].copy_from_slice(&bytes[*at..*at + k]);
                *at += k;
                n += k;
            } else if self.done || !self.next_group() {
                break;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// `data` as a zlib stream (the pre-scan's tests use it too).
    pub(crate) fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[track_caller]
    fn check(data: &[u8], filters: &[Filter], max: u64, expect: u64) {
        assert_eq!(decoded_len(data, filters, max, u64::MAX - 1).output, expect, "{filters:?}");
    }

    #[test]
    fn counts_each_filter() {
        let text = b"Hello, hello, hello, world".repeat(100);
        check(&zlib(&text), &[Filter::Flate], u64::MAX - 1, text.len() as u64);
        check(b"\x02abc\xfdz\x80ignored", &[Filter::RunLength], 100, 7);
        check(b"48 65\n6c6C 6>", &[Filter::AsciiHex], 100, 5);
        check(b"87cURD]i,\"Ebo80~>", &[Filter::Ascii85], 100, 12);
        check(b"z!!~>", &[Filter::Ascii85], 100, 5);
        // LZW of "-----A---B" from the PDF reference, EarlyChange 1.
        check(
            &[0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01],
            &[Filter::Lzw { early_change: true }],
            100,
            10,
        );
    }

    #[test]
    fn stops_one_past_the_budget_in_any_stage() {
        let zeros = zlib(&vec![0u8; 1 << 20]);
        check(&zeros, &[Filter::Flate], 1000, 1001);
        // Double deflate: the inner bomb counts even though the outer stage is small.
        check(&zlib(&zeros), &[Filter::Flate, Filter::Flate], 1 << 16, (1 << 16) + 1);
        // Run-length after deflate: 128× on top of the inflation.
        let runs = zlib(&b"\x81\0".repeat(10_000));
        check(&runs, &[Filter::Flate, Filter::RunLength], 100_000, 100_001);
    }

    #[test]
    fn corrupt_data_counts_what_decoded_before_the_error() {
        check(b"not zlib at all", &[Filter::Flate], 100, 0);
        let mut cut = zlib(&[7u8; 5000]);
        cut.truncate(cut.len() / 2);
        assert!(decoded_len(&cut, &[Filter::Flate], 1 << 20, 1 << 20).output <= 5000);
        check(b"", &[Filter::RunLength, Filter::AsciiHex, Filter::Ascii85], 100, 0);
    }

    #[test]
    fn keeps_output_only_while_it_fits() {
        let text = b"1 0 obj".repeat(10);
        let mut kept = Vec::new();
        let z = zlib(&text);
        let counts = decode_keeping(&z, &[Filter::Flate], (1000, 1000), &mut kept, 1000);
        assert_eq!(counts, Counts { input: z.len() as u64, output: 70 });
        assert_eq!(kept, text);
        assert_eq!(decode_keeping(&z, &[Filter::Flate], (1000, 1000), &mut kept, 10).output, 70);
        assert!(kept.is_empty());
    }

    #[test]
    fn reading_stops_past_the_input_budget() {
        let data = vec![b'0'; 10_000];
        let counts = decoded_len(&data, &[Filter::AsciiHex], 1 << 20, 100);
        assert_eq!(counts.input, 101);
        assert!(counts.output <= 51);
    }
}
