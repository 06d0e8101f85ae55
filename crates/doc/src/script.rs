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

mod ksx1001;

/// A Hangul syllable of KS X 1001's 2,350, the common ones: real Korean
/// text is almost all written in them (all but one of the 34,823
/// syllables of Debian's Korean FAQ), while a text layer whose font maps
/// Latin letters or digits to Hangul code points produces syllables
/// outside them (`줲줰줱줳` for `2013`).
pub fn is_common_hangul(c: char) -> bool {
    let Some(i) = (c as u32).checked_sub(0xAC00) else { return false };
    let i = i as usize;
    ksx1001::KS_X_1001.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

/// A Hangul syllable outside KS X 1001's common ones ([`is_common_hangul`]).
pub fn is_rare_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}') && !is_common_hangul(c)
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

/// Appends `piece` to `out`, after a space unless the two join without
/// one ([`joins_without_space`] on the last and first characters): how
/// words become lines and lines become paragraphs, for every script.
pub fn push_joined(out: &mut String, piece: &str) {
    let (Some(last), Some(first)) = (out.chars().next_back(), piece.chars().next()) else {
        out.push_str(piece);
        return;
    };
    if !last.is_whitespace() && !first.is_whitespace() && !joins_without_space(last, first) {
        out.push(' ');
    }
    out.push_str(piece);
}

/// The pieces joined by [`push_joined`].
pub fn join<'a>(pieces: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for p in pieces {
        push_joined(&mut out, p);
    }
    out
}

/// `text` without the spaces that stand between two characters that join
/// without one: a recogniser reads a wide glyph gap in Chinese or
/// Japanese as a space (`日 本 語` → `日本語`); spaces beside Latin, digits
/// or Hangul stay.
pub fn close_gaps(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' && !out.is_empty() {
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let before = out.chars().next_back();
            if let (Some(b), Some(&a)) = (before, chars.get(j)) {
                if joins_without_space(b, a) {
                    i = j;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
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
    fn pieces_join_with_a_space_only_where_the_script_has_one() {
        assert_eq!(join(["歧", "义"]), "歧义");
        assert_eq!(join(["日本語の", "文章です。", "次の行"]), "日本語の文章です。次の行");
        assert_eq!(join(["한국어", "문장입니다."]), "한국어 문장입니다.");
        assert_eq!(join(["PDF", "ファイル"]), "PDF ファイル");
        assert_eq!(join(["a", "b", ""]), "a b");
        assert_eq!(join(["", "x"]), "x");
        // Full-width forms are kept as they are.
        assert_eq!(join(["（注）", "ＡＢＣ"]), "（注）ＡＢＣ");
    }

    #[test]
    fn gaps_close_only_between_unspaced_characters() {
        assert_eq!(close_gaps("日 本 語 の 文 章"), "日本語の文章");
        assert_eq!(close_gaps("Debian の パッケージ"), "Debian のパッケージ");
        assert_eq!(close_gaps("한국어 문장"), "한국어 문장");
        assert_eq!(close_gaps("a  b"), "a  b");
        assert_eq!(close_gaps(" 漢 字 "), " 漢字 ");
    }

    #[test]
    fn common_hangul_is_ks_x_1001() {
        let all = '\u{AC00}'..='\u{D7A3}';
        assert_eq!(all.clone().filter(|&c| is_common_hangul(c)).count(), 2350);
        assert_eq!(all.filter(|&c| is_rare_hangul(c)).count(), 11172 - 2350);
        assert!("데비안은 2013년에 새 버전을 냈습니다"
            .chars()
            .filter(|c| is_hangul(*c))
            .all(is_common_hangul));
        assert!("줲줰줱줳똠햏".chars().all(is_rare_hangul));
        assert!(!"abc漢字ㄱ".chars().any(|c| is_common_hangul(c) || is_rare_hangul(c)));
    }

    #[test]
    fn scripts_are_told_apart() {
        assert!(!"abc123".chars().any(is_cjk));
        assert!("한글カナ漢字".chars().all(is_cjk));
        assert!(!"한글".chars().any(is_unspaced));
        assert!("、。（）".chars().all(is_unspaced));
    }
}
