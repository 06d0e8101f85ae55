//! From token ids to LaTeX: pix2tex's `token2str` and `post_process`.

use std::sync::OnceLock;

use fancy_regex::{Captures, Regex};

/// pix2tex's `token2str` on the string the tokenizer decodes (its pieces
/// joined by spaces, for `tokenizer.json` has no decoder): the joining
/// spaces removed, byte-level `Ġ` back to a space, the special tokens
/// dropped, the ends trimmed.
pub fn detokenise(decoded: &str) -> String {
    decoded
        .split(' ')
        .collect::<String>()
        .replace('Ġ', " ")
        .replace("[EOS]", "")
        .replace("[BOS]", "")
        .replace("[PAD]", "")
        .trim()
        .to_owned()
}

struct Patterns {
    text: Regex,
    passes: [Regex; 3],
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        // pix2tex's patterns, with `{` and `}` escaped (Python reads a
        // brace that opens no repetition as itself).
        let letter = "[a-zA-Z]";
        let noletter = r"[\W_^\d]";
        let compile = |p: &str| match Regex::new(p) {
            Ok(re) => re,
            // The patterns are constants: a failure is a bug caught by the
            // unit tests, not something input can reach.
            Err(e) => panic!("post-processing pattern {p:?} does not compile: {e}"),
        };
        Patterns {
            text: compile(r"(\\(operatorname|mathrm|text|mathbf)\s?\*? \{.*?\})"),
            passes: [
                compile(&format!(r"(?!\\ )({noletter})\s+?({noletter})")),
                compile(&format!(r"(?!\\ )({noletter})\s+?({letter})")),
                compile(&format!(r"({letter})\s+?({noletter})")),
            ],
        }
    })
}

/// pix2tex's `post_process`: spaces removed inside `\operatorname {…}`,
/// `\mathrm {…}`, `\text {…}` and `\mathbf {…}`, then every space between
/// two characters that are not both letters (an escaped space `\ ` kept),
/// until nothing changes.
pub fn post_process(s: &str) -> String {
    let p = patterns();
    let mut s = p.text.replace_all(s, |c: &Captures| c[0].replace(' ', "")).into_owned();
    loop {
        let mut news = s.clone();
        for re in &p.passes {
            news = re.replace_all(&news, "${1}${2}").into_owned();
        }
        if news == s {
            return s;
        }
        s = news;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(raw: &str, expect: &str) {
        assert_eq!(post_process(raw), expect, "{raw:?}");
    }

    #[test]
    fn post_processing_is_pix2texs() {
        // Expected values from pix2tex 0.1.4's `post_process`.
        check(r"x ^ { 2 } + y ^ { 2 }", r"x^{2}+y^{2}");
        check(r"\frac { a } { b }", r"\frac{a}{b}");
        check(r"\mathrm { d } x", r"\mathrm{d}x");
        check(r"\operatorname { s i n } x", r"\operatorname{sin}x");
        check(r"a \ b", r"a\ b");
        check(r"\alpha \beta", r"\alpha\beta");
        check(r"a b", r"a b");
        check(r"\sum _ { i = 1 } ^ { n } i", r"\sum_{i=1}^{n}i");
    }

    #[test]
    fn detokenising_joins_pieces_and_restores_spaces() {
        assert_eq!(detokenise(r"\ frac Ġ{ a } [EOS]"), r"\frac {a}");
        assert_eq!(detokenise("[BOS] x Ġ+ Ġy"), "x + y");
    }
}
