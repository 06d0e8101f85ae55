//! Okapi BM25 over passages, with a tokenizer that treats Chinese,
//! Japanese and Korean properly: those scripts are not written with spaces
//! between words, so a run of them becomes overlapping character bigrams
//! (a single character stays a unigram), and any other run of letters or
//! digits becomes one lower-cased term.

use std::collections::HashMap;

/// BM25's term-frequency saturation.
const K1: f32 = 1.2;
/// BM25's length normalisation.
const B: f32 = 0.75;

/// Whether `c` belongs to a script written without spaces between words
/// (Han, Hiragana, Katakana, Hangul).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0x1100..=0x11FF    // Hangul Jamo
        | 0x3130..=0x318F    // Hangul compatibility Jamo
        | 0x31F0..=0x31FF    // Katakana phonetic extensions
        | 0xFF66..=0xFF9F    // half-width Katakana
        | 0x20000..=0x2FA1F) // CJK Extensions B–F, compatibility supplement
}

/// The terms of `text`.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut word = String::new();
    let mut cjk: Vec<char> = Vec::new();
    let flush_cjk = |cjk: &mut Vec<char>, terms: &mut Vec<String>| {
        match cjk.len() {
            0 => {}
            1 => terms.push(cjk[0].to_string()),
            _ => terms.extend(cjk.windows(2).map(|w| w.iter().collect())),
        }
        cjk.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                terms.push(std::mem::take(&mut word));
            }
            cjk.push(c);
        } else if c.is_alphanumeric() {
            flush_cjk(&mut cjk, &mut terms);
            word.extend(c.to_lowercase());
        } else {
            flush_cjk(&mut cjk, &mut terms);
            if !word.is_empty() {
                terms.push(std::mem::take(&mut word));
            }
        }
    }
    flush_cjk(&mut cjk, &mut terms);
    if !word.is_empty() {
        terms.push(word);
    }
    terms
}

/// A BM25 index of documents (here: passages).
#[derive(Debug, Clone, Default)]
pub struct Bm25 {
    /// Term → (document, count) postings.
    postings: HashMap<String, Vec<(usize, u32)>>,
    lengths: Vec<u32>,
    average: f32,
}

impl Bm25 {
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> Bm25 {
        let mut postings: HashMap<String, Vec<(usize, u32)>> = HashMap::new();
        let mut lengths = Vec::new();
        for (doc, text) in texts.into_iter().enumerate() {
            let terms = tokenize(text);
            lengths.push(terms.len() as u32);
            let mut counts: HashMap<String, u32> = HashMap::new();
            for t in terms {
                *counts.entry(t).or_default() += 1;
            }
            for (t, n) in counts {
                postings.entry(t).or_default().push((doc, n));
            }
        }
        let average = if lengths.is_empty() {
            0.0
        } else {
            lengths.iter().map(|&l| l as f32).sum::<f32>() / lengths.len() as f32
        };
        Bm25 { postings, lengths, average }
    }

    /// Documents that share a term with `query`, best first, with their scores.
    pub fn search(&self, query: &str) -> Vec<(usize, f32)> {
        let n = self.lengths.len() as f32;
        let mut scores: HashMap<usize, f32> = HashMap::new();
        let mut terms = tokenize(query);
        terms.sort();
        terms.dedup();
        for t in &terms {
            let Some(list) = self.postings.get(t) else { continue };
            let df = list.len() as f32;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(doc, tf) in list {
                let tf = tf as f32;
                let len = self.lengths[doc] as f32;
                let norm = K1 * (1.0 - B + B * len / self.average.max(1.0));
                *scores.entry(doc).or_default() += idf * tf * (K1 + 1.0) / (tf + norm);
            }
        }
        let mut ranked: Vec<(usize, f32)> = scores.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_words_are_lower_cased_and_cjk_runs_become_bigrams() {
        assert_eq!(tokenize("Mean cover, 2024!"), ["mean", "cover", "2024"]);
        assert_eq!(tokenize("文書解析"), ["文書", "書解", "解析"]);
        assert_eq!(tokenize("프로젝트 이름"), ["프로", "로젝", "젝트", "이름"]);
        assert_eq!(tokenize("PDFの解析"), ["pdf", "の解", "解析"]);
        assert_eq!(tokenize("à Ü"), ["à", "ü"]);
        assert_eq!(tokenize("猫"), ["猫"]);
    }

    #[test]
    fn the_passage_with_the_rare_term_ranks_first() {
        let index = Bm25::new([
            "the dune survey measured vegetation cover",
            "marram grass stabilises the dune face",
            "the weather mast logs wind speed",
        ]);
        let ranked = index.search("Which grass stabilises dunes?");
        assert_eq!(ranked[0].0, 1);
        assert!(index.search("nothing matches here").is_empty() || index.search("zzz").is_empty());
        let ja = Bm25::new(["プロジェクト名：「文書解析のテスト」", "天気の記録"]);
        assert_eq!(ja.search("文書解析")[0].0, 0);
    }
}
