//! Text metrics: Levenshtein and Indel distances, NID (DP-Bench), CER and WER,
//! and an order-free word-bag F1.
//!
//! Every function here works on Unicode scalar values (`char`s), never bytes:
//! "é" is one character whether or not it came precomposed. Normalisation is
//! explicit and documented in [`normalize_whitespace`]; nothing else is folded
//! (case, punctuation and typographic quotes all count), so a score says
//! exactly what a reader would see.

use std::collections::HashMap;
use std::hash::Hash;

use serde::Serialize;

/// Collapses every run of Unicode whitespace (spaces, tabs, line and page
/// breaks, no-break spaces) to one ASCII space and trims both ends.
///
/// This is the only normalisation applied by [`nid`], [`cer`] and [`wer`]:
/// line breaks carry layout, not content, and engines disagree on them.
pub fn normalize_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Levenshtein distance (insertions, deletions and substitutions, each cost 1).
///
/// O(|a|·|b|) time, O(|b|) memory.
pub fn levenshtein<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    if a.is_empty() {
        return b.len();
    }
    if b.is_empty() {
        return a.len();
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let sub = diag + usize::from(x != y);
            diag = row[j + 1];
            row[j + 1] = sub.min(row[j] + 1).min(diag + 1);
        }
    }
    row[b.len()]
}

/// Length of the longest common subsequence, with the bit-parallel algorithm
/// of Allison–Dix / Hyyrö: O(|a|/64 · |b|), so whole documents compare in
/// milliseconds.
pub fn lcs_len<T: Eq + Hash>(a: &[T], b: &[T]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let words = a.len().div_ceil(64);
    let mut peq: HashMap<&T, Vec<u64>> = HashMap::new();
    for (i, x) in a.iter().enumerate() {
        peq.entry(x).or_insert_with(|| vec![0; words])[i / 64] |= 1 << (i % 64);
    }
    let zeros = vec![0u64; words];
    let mut s = vec![u64::MAX; words];
    for y in b {
        let m = peq.get(y).unwrap_or(&zeros);
        let mut carry = false;
        for (sw, &mw) in s.iter_mut().zip(m) {
            let u = *sw & mw;
            let (sum, c1) = sw.overflowing_add(u);
            let (sum, c2) = sum.overflowing_add(u64::from(carry));
            carry = c1 || c2;
            *sw = sum | (*sw - u);
        }
    }
    // Matched positions are the zero bits among the first |a| bits.
    let mut ones = 0usize;
    for (w, sw) in s.iter().enumerate() {
        let bits = (a.len() - w * 64).min(64);
        let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
        ones += (sw & mask).count_ones() as usize;
    }
    a.len() - ones
}

/// Indel distance: insertions and deletions only (a substitution costs 2),
/// `|a| + |b| − 2·LCS(a, b)`. This is rapidfuzz's `Indel.distance`.
pub fn indel_distance<T: Eq + Hash>(a: &[T], b: &[T]) -> usize {
    a.len() + b.len() - 2 * lcs_len(a, b)
}

/// DP-Bench's Normalised Indel Distance score:
/// `1 − indel(ref, pred) / (|ref| + |pred|)` on whitespace-normalised text,
/// in `[0, 1]`, 1 for identical text (and for two empty texts).
///
/// Callers remove tables and figures first (see `corpus::docling_texts`); this
/// function only normalises whitespace.
pub fn nid(reference: &str, prediction: &str) -> f64 {
    let r: Vec<char> = normalize_whitespace(reference).chars().collect();
    let p: Vec<char> = normalize_whitespace(prediction).chars().collect();
    let total = r.len() + p.len();
    if total == 0 {
        return 1.0;
    }
    1.0 - indel_distance(&r, &p) as f64 / total as f64
}

/// Edit operations against a reference of a given length; rates are summed
/// over a set as `Σ errors / Σ reference` (micro-average), the way OCR
/// evaluation tools (ocreval, ISRI) report a corpus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ErrorCount {
    pub errors: usize,
    pub reference: usize,
}

impl ErrorCount {
    /// Errors per reference unit; may exceed 1 when the prediction is much
    /// longer than the reference. An empty reference scores 0 against an
    /// empty prediction and 1 otherwise.
    pub fn rate(&self) -> f64 {
        if self.reference == 0 {
            return if self.errors == 0 { 0.0 } else { 1.0 };
        }
        self.errors as f64 / self.reference as f64
    }
}

impl std::ops::AddAssign for ErrorCount {
    fn add_assign(&mut self, o: ErrorCount) {
        self.errors += o.errors;
        self.reference += o.reference;
    }
}

/// Character error rate: Levenshtein over characters of the
/// whitespace-normalised texts (one space per line break), against the
/// reference length.
pub fn cer(reference: &str, prediction: &str) -> ErrorCount {
    let r: Vec<char> = normalize_whitespace(reference).chars().collect();
    let p: Vec<char> = normalize_whitespace(prediction).chars().collect();
    ErrorCount { errors: levenshtein(&r, &p), reference: r.len() }
}

/// Word error rate: Levenshtein over whitespace-separated words.
pub fn wer(reference: &str, prediction: &str) -> ErrorCount {
    let r: Vec<&str> = reference.split_whitespace().collect();
    let p: Vec<&str> = prediction.split_whitespace().collect();
    ErrorCount { errors: levenshtein(&r, &p), reference: r.len() }
}

/// Order-free word agreement: `2·|R ∩ P| / (|R| + |P|)` over the multisets of
/// whitespace-separated words. Forms and receipts have no single reading
/// order, so this separates recognition quality from ordering. 1 for two
/// empty texts.
pub fn word_bag_f1(reference: &str, prediction: &str) -> f64 {
    let mut counts: HashMap<&str, isize> = HashMap::new();
    let mut total = 0usize;
    for w in reference.split_whitespace() {
        *counts.entry(w).or_default() += 1;
        total += 1;
    }
    let mut common = 0usize;
    for w in prediction.split_whitespace() {
        total += 1;
        if let Some(c) = counts.get_mut(w) {
            if *c > 0 {
                *c -= 1;
                common += 1;
            }
        }
    }
    if total == 0 {
        return 1.0;
    }
    2.0 * common as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[track_caller]
    fn check_distances(a: &str, b: &str, lev: usize, indel: usize) {
        let (a, b) = (chars(a), chars(b));
        assert_eq!(levenshtein(&a, &b), lev, "levenshtein");
        assert_eq!(levenshtein(&b, &a), lev, "levenshtein is symmetric");
        assert_eq!(indel_distance(&a, &b), indel, "indel");
        assert_eq!(indel_distance(&b, &a), indel, "indel is symmetric");
    }

    #[test]
    fn hand_worked_distances() {
        // kitten → sitting: k/s, e/i substitutions and an inserted g.
        check_distances("kitten", "sitting", 3, 5);
        check_distances("", "", 0, 0);
        check_distances("abc", "", 3, 3);
        check_distances("", "abc", 3, 3);
        check_distances("abc", "abc", 0, 0);
        // One substitution is two indels.
        check_distances("abc", "axc", 1, 2);
        check_distances("flaw", "lawn", 2, 2);
        // Non-ASCII counts per character, not per byte.
        check_distances("hôtel", "hotel", 1, 2);
    }

    #[test]
    fn lcs_crosses_word_boundaries() {
        // Strings longer than 64 and 128 characters exercise the carry
        // between machine words.
        let a: String = (0..300).map(|i| char::from(b'a' + (i * 7 % 26) as u8)).collect();
        let mut b = a.clone();
        b.insert(70, '#');
        b.remove(200);
        let b = b.replace("q", "");
        let (ca, cb) = (chars(&a), chars(&b));
        let slow = {
            // Plain dynamic-programming LCS as the oracle.
            let mut dp = vec![vec![0usize; cb.len() + 1]; ca.len() + 1];
            for i in 1..=ca.len() {
                for j in 1..=cb.len() {
                    dp[i][j] = if ca[i - 1] == cb[j - 1] {
                        dp[i - 1][j - 1] + 1
                    } else {
                        dp[i - 1][j].max(dp[i][j - 1])
                    };
                }
            }
            dp[ca.len()][cb.len()]
        };
        assert_eq!(lcs_len(&ca, &cb), slow);
        assert_eq!(lcs_len(&cb, &ca), slow);
    }

    #[test]
    fn nid_by_hand() {
        // "abcd" vs "abed": indel 2, total 8 → 1 − 2/8.
        assert_eq!(nid("abcd", "abed"), 0.75);
        assert_eq!(nid("", ""), 1.0);
        assert_eq!(nid("abc", ""), 0.0);
        // Whitespace runs and line breaks are one space; ends are trimmed.
        assert_eq!(nid("a  b\nc ", " a b c"), 1.0);
    }

    #[test]
    fn cer_and_wer_by_hand() {
        let c = cer("The quick\nbrown fox", "The quick brovvn fox");
        // "w" → "vv" is one substitution and one insertion over 19 characters.
        assert_eq!(c, ErrorCount { errors: 2, reference: 19 });
        let w = wer("The quick\nbrown fox", "The quick brovvn fox");
        assert_eq!(w, ErrorCount { errors: 1, reference: 4 });
        assert_eq!(w.rate(), 0.25);
        assert_eq!(cer("", "").rate(), 0.0);
        assert_eq!(cer("", "x").rate(), 1.0);
        let mut sum = ErrorCount::default();
        sum += c;
        sum += w;
        assert_eq!(sum, ErrorCount { errors: 3, reference: 23 });
    }

    #[test]
    fn word_bag_ignores_order_but_counts_duplicates() {
        assert_eq!(word_bag_f1("a b c", "c b a"), 1.0);
        // Reference {a, a, b}, prediction {a, b, b}: 2 in common of 6.
        assert!((word_bag_f1("a a b", "a b b") - 4.0 / 6.0).abs() < 1e-12);
        assert_eq!(word_bag_f1("", ""), 1.0);
        assert_eq!(word_bag_f1("a", ""), 0.0);
    }
}
