//! Which writing system a character belongs to, for the decisions that
//! depend on it: which recogniser reads a line (Hangul), and whether two
//! pieces of text are joined with a space (Chinese and Japanese are
//! written without spaces between words; Korean is written with them).
//!
//! ```
//! use parasol_doc::script::{is_hangul, is_kana, is_han, joins_without_space};
//! assert!("한국어".chars().all(is_hangul));
//! assert!("ひらがなカタカナ".chars().all(is_kana));
//! assert!("漢字".chars().all(is_han));
//! assert!(joins_without_space('語', 'の') && !joins_without_space('다', '한'));
//! ```

/// A Hangul syllable or jamo.
pub fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// Hiragana or katakana (full- or half-width).
pub fn is_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9D}')
}

/// A CJK ideograph (Han): unified, extension A to F, compatibility.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

/// Chinese, Japanese or Korean letters (Han, kana, Hangul).
pub fn is_cjk(c: char) -> bool {
    is_han(c) || is_kana(c) || is_hangul(c)
}

/// A character of text written without spaces between words: Han, kana,
/// CJK punctuation (`、。「」` …) and the full-width forms (`（）！？`,
/// full-width Latin), but not Hangul, since Korean separates its words
/// with spaces.
pub fn is_unspaced(c: char) -> bool {
    is_han(c) || is_kana(c) || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF65}')
}

/// Whether a line break or a gap between `before` and `after` is joined
/// without a space: when either side is text written without spaces and
/// neither is Latin, Hangul or a digit (`漢字` + `かな`, `。` + `次`). A
/// Latin word beside Japanese keeps its space (`PDF ファイル`), as the
/// documents usually write it.
pub fn joins_without_space(before: char, after: char) -> bool {
    let unspaced = |c: char| is_unspaced(c);
    (unspaced(before) && unspaced(after))
        || (unspaced(before) && !after.is_alphanumeric() && !after.is_whitespace())
        || (unspaced(after) && !before.is_alphanumeric() && !before.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(before: char, after: char, joined: bool) {
        assert_eq!(joins_without_space(before, after), joined, "{before:?} + {after:?}");
    }

    #[test]
    fn han_and_kana_join_without_a_space_latin_and_hangul_keep_it() {
        check('歧', '义', true);
        check('語', 'の', true);
        check('す', '。', true);
        check('。', '次', true);
        check('（', '注', true);
        check('a', 'b', false);
        check('다', '한', false);
        check('F', 'フ', false);
        check('字', '1', false);
        check('한', '字', false);
    }

    #[test]
    fn scripts_are_told_apart() {
        assert!(!"abc123".chars().any(is_cjk));
        assert!("한글カナ漢字".chars().all(is_cjk));
        assert!(!"한글".chars().any(is_unspaced));
        assert!("、。（）".chars().all(is_unspaced));
    }
}
