//! Reads the pieces of a SentencePiece `tokenizer.model` (a protobuf
//! `ModelProto`), so that Llama/Mistral/SOLAR checkpoints that ship one
//! get the same tokenizer as their GGUF conversions.
//!
//! Only field 1 (`repeated SentencePiece pieces`: piece, score, type) is
//! read; the rest of the message is skipped. Piece types are the ones GGUF
//! uses (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte).

use std::path::Path;

use crate::error::{Result, SolarError};
use crate::tokenizer::Tokenizer;

/// The pieces of a SentencePiece model, in id order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pieces {
    pub pieces: Vec<String>,
    pub scores: Vec<f32>,
    pub types: Vec<i64>,
}

/// Reads a `tokenizer.model` file.
pub fn read_pieces(path: &Path) -> Result<Pieces> {
    let bytes = std::fs::read(path).map_err(|e| SolarError::io(path, e))?;
    parse(&bytes).ok_or_else(|| SolarError::invalid(path, "not a SentencePiece model"))
}

/// Builds the tokenizer of a `tokenizer.model` file.
pub fn tokenizer_from_model(path: &Path) -> Result<Tokenizer> {
    let p = read_pieces(path)?;
    Tokenizer::from_sentencepiece(&p.pieces, &p.scores, &p.types)
}

fn parse(bytes: &[u8]) -> Option<Pieces> {
    let mut out = Pieces::default();
    let mut r = Reader { bytes, pos: 0 };
    while !r.done() {
        let (field, wire) = r.key()?;
        if field == 1 && wire == 2 {
            let piece = r.bytes()?;
            let (text, score, kind) = parse_piece(piece)?;
            out.pieces.push(text);
            out.scores.push(score);
            out.types.push(kind);
        } else {
            r.skip(wire)?;
        }
    }
    (!out.pieces.is_empty()).then_some(out)
}

fn parse_piece(bytes: &[u8]) -> Option<(String, f32, i64)> {
    let mut r = Reader { bytes, pos: 0 };
    let (mut text, mut score, mut kind) = (String::new(), 0f32, 1i64);
    while !r.done() {
        match r.key()? {
            (1, 2) => text = String::from_utf8(r.bytes()?.to_vec()).ok()?,
            (2, 5) => score = f32::from_le_bytes(r.fixed::<4>()?),
            (3, 0) => kind = r.varint()? as i64,
            (_, wire) => r.skip(wire)?,
        }
    }
    Some((text, score, kind))
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn done(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.pos)?;
            self.pos += 1;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn key(&mut self) -> Option<(u64, u64)> {
        let k = self.varint()?;
        Some((k >> 3, k & 7))
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.varint()?).ok()?;
        let end = self.pos.checked_add(len)?;
        let s = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    fn fixed<const N: usize>(&mut self) -> Option<[u8; N]> {
        let s = self.bytes.get(self.pos..self.pos + N)?;
        self.pos += N;
        s.try_into().ok()
    }

    fn skip(&mut self, wire: u64) -> Option<()> {
        match wire {
            0 => self.varint().map(|_| ()),
            1 => self.fixed::<8>().map(|_| ()),
            2 => self.bytes().map(|_| ()),
            5 => self.fixed::<4>().map(|_| ()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_hand_made_model() {
        // pieces { piece: "<unk>" score: 0 type: UNKNOWN } pieces { piece: "▁a" score: -1.5 }
        let mut bytes = vec![0x0a, 9, 0x0a, 5];
        bytes.extend(b"<unk>");
        bytes.extend([0x18, 2]);
        let mut p2 = vec![0x0a, 4];
        p2.extend("▁a".as_bytes());
        p2.push(0x15);
        p2.extend((-1.5f32).to_le_bytes());
        bytes.extend([0x0a, p2.len() as u8]);
        bytes.extend(p2);
        // An unknown trailing field (trainer_spec) is skipped.
        bytes.extend([0x12, 2, 0x08, 1]);
        let p = parse(&bytes).unwrap();
        assert_eq!(p.pieces, ["<unk>", "▁a"]);
        assert_eq!(p.scores, [0.0, -1.5]);
        assert_eq!(p.types, [2, 1]);
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(parse(&[0xff, 0xff, 0xff]).is_none());
        assert!(parse(&[]).is_none());
    }
}
