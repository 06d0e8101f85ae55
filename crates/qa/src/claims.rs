//! Whether an answer claims what the passages do not hold: numbers and
//! names no passage has, a blank left to fill, the wrong kind of thing for
//! what was asked, a blank form field, no one for a who-question, a code
//! the passages lack ([`unsupported`]). [`crate::cite`] turns such an
//! answer into the abstention.

use unicode_normalization::UnicodeNormalization;

use crate::bm25::tokenize;
use crate::cite::{normalise, strip_markers, FUNCTION_WORDS};

/// A run of underscores: a form's blank, which a model fills in when it has
/// no value to give.
pub(crate) const BLANK: &str = "___";

/// The claims of `answer` that none of `passages` holds: the numbers it
/// states and the names it writes (a capital or a digit inside a word, or a
/// capitalised word that does not start a sentence) which are neither in the
/// question nor in any passage; a blank left to fill; and, for a question
/// that asks for an e-mail address, a phone number, a date or a year
/// ([`Kind`]), an answer that gives none; for a question about a form's
/// field that the form leaves blank ([`crate::fields::blank_field`]), any
/// answer; for a question that asks who did something, an answer that
/// names no one the question does not; for a question naming a code
/// (`T2`) no passage holds, any answer. Numbers compare by
/// value, whatever their separators (`1,000,000`, `3'360`, `1M`, `395k`,
/// `1 million`); names compare without case. An answer with such a claim
/// asserts what the document does not say: the usual shape of a small
/// model's answer to a question the document cannot answer.
pub fn unsupported(question: &str, answer: &str, passages: &[&str]) -> Vec<String> {
    let answer = strip_markers(answer);
    if answer.contains(BLANK) {
        return vec![BLANK.to_string()];
    }
    let known_numbers: Vec<f64> =
        std::iter::once(question).chain(passages.iter().copied()).flat_map(numbers).collect();
    let known_words: std::collections::HashSet<String> = std::iter::once(question)
        .chain(passages.iter().copied())
        .flat_map(|t| tokenize(&normalise(t)))
        .collect();
    let mut out = Vec::new();
    if let Some(label) = crate::fields::blank_field(question, passages) {
        out.push(format!("blank field {label}"));
    }
    if let Some(kind) = Kind::asked(question) {
        if !kind.given_in(&answer) {
            out.push(format!("no {}", kind.name()));
        }
    }
    if asks_who(question) && !names_someone(question, &answer) {
        out.push("no one named".to_string());
    }
    let held: std::collections::HashSet<String> =
        passages.iter().flat_map(|t| tokenize(&normalise(t))).collect();
    for code in codes(question) {
        if !held.contains(&code) && !joined_pairs(passages).contains(&code) {
            out.push(format!("no {code} in the passages"));
        }
    }
    for n in numbers(&answer) {
        if !known_numbers.iter().any(|k| (k - n).abs() <= 1e-9 * n.abs().max(1.0)) {
            out.push(format!("{n}"));
        }
    }
    for name in names(&answer) {
        let terms = tokenize(&normalise(&name));
        if terms.iter().any(|t| !t.chars().all(|c| c.is_ascii_digit()) && !known_words.contains(t)) {
            out.push(name);
        }
    }
    out
}

/// Whether `question` asks who did something (`Who founded …?`, not
/// `Who is …?`, which a description answers).
fn asks_who(question: &str) -> bool {
    let q = normalise(question);
    let mut words = q.split_whitespace();
    words.next() == Some("who") && !matches!(words.next(), Some("is" | "was" | "are" | "were" | "'s"))
}

/// Whether `answer` names someone the question does not: a capitalised word
/// (or one in a script without case) that is not the question's, nor a
/// function word starting a sentence ("The", but "by An Wang").
/// "Wang Laboratories was founded by Wang Laboratories" names no one.
fn names_someone(question: &str, answer: &str) -> bool {
    let asked: std::collections::HashSet<String> = tokenize(&normalise(question)).into_iter().collect();
    let mut sentence_start = true;
    answer.split_whitespace().any(|raw| {
        let starts = std::mem::replace(&mut sentence_start, raw.ends_with(['.', '!', '?']));
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let Some(first) = word.chars().next() else { return false };
        let named = first.is_uppercase() || (first.is_alphabetic() && !first.is_lowercase());
        named
            && tokenize(&normalise(word))
                .iter()
                .any(|t| !(asked.contains(t) || (starts && FUNCTION_WORDS.contains(&t.as_str()))))
    })
}

/// The codes a question names: words of ASCII letters and digits mixed
/// (`T2`, `A4`, `ISO9001`), not ordinals (`3rd`) nor CJK. A code no given
/// passage holds (`T2` where the table has `T3` and `T4a`) means the
/// passages do not cover what was asked, whatever the answer says.
fn codes(question: &str) -> Vec<String> {
    tokenize(&normalise(question))
        .into_iter()
        .filter(|t| {
            t.chars().all(|c| c.is_ascii_alphanumeric())
                && t.chars().any(|c| c.is_ascii_digit())
                && t.chars().any(|c| c.is_ascii_alphabetic())
                && !t.trim_start_matches(|c: char| c.is_ascii_digit()).is_empty()
                && !["st", "nd", "rd", "th"].contains(&t.trim_start_matches(|c: char| c.is_ascii_digit()))
        })
        .collect()
}

/// Each pair of adjacent terms of `passages` written as one (`10 mm` →
/// `10mm`), so a code the question writes without a space still matches.
fn joined_pairs(passages: &[&str]) -> std::collections::HashSet<String> {
    passages
        .iter()
        .flat_map(|p| {
            let terms = tokenize(&normalise(p));
            terms.windows(2).map(|w| format!("{}{}", w[0], w[1])).collect::<Vec<_>>()
        })
        .collect()
}

/// What a question asks for, when its words say so plainly: an answer that
/// gives no such thing answers something else (a consultant's role for his
/// e-mail address, "30 days" for a due date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Email,
    Phone,
    Date,
    Year,
}

impl Kind {
    /// The kind `question` asks for, from its words (English, Korean, Japanese).
    fn asked(question: &str) -> Option<Kind> {
        let q = normalise(question);
        let has = |words: &[&str]| words.iter().any(|w| q.contains(w));
        if has(&["e-mail", "email", "이메일", "メールアドレス"]) {
            Some(Kind::Email)
        } else if has(&["phone number", "telephone", "fax number", "전화번호", "電話番号"]) {
            Some(Kind::Phone)
        } else if has(&["what date", "which date", "due date", "what day", "날짜", "日付", "何日"]) {
            Some(Kind::Date)
        } else if has(&["what year", "which year", "몇 년", "何年"]) {
            Some(Kind::Year)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Email => "e-mail address",
            Kind::Phone => "phone number",
            Kind::Date => "date",
            Kind::Year => "year",
        }
    }

    /// Whether `answer` gives a thing of this kind.
    fn given_in(self, answer: &str) -> bool {
        let a = normalise(answer);
        match self {
            Kind::Email => a.split_whitespace().any(|w| {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                w.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
            }),
            // Seven digits or more, however grouped.
            Kind::Phone => digit_runs(&a, " -.()/+").any(|n| n >= 7),
            Kind::Date => {
                const MONTHS: &[&str] =
                    &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
                let words: Vec<&str> = a.split(|c: char| !c.is_alphabetic()).collect();
                let month = words.iter().any(|w| MONTHS.iter().any(|m| w.starts_with(m)));
                // `2013/08/17`, `23.03.2018`, `2018-03-23`: digits joined by a
                // separator twice; or a CJK date (`3月`, `17일`).
                let numeric = a.split_whitespace().any(|w| {
                    let parts: Vec<&str> = w.split(['/', '-', '.']).filter(|p| !p.is_empty()).collect();
                    parts.len() >= 3 && parts.iter().take(3).all(|p| p.chars().all(|c| c.is_ascii_digit()))
                });
                month || numeric || ["月", "日", "일", "년"].iter().any(|m| a.contains(m))
            }
            Kind::Year => {
                numbers(&a).iter().any(|&n| n.fract() == 0.0 && (1000.0..3000.0).contains(&n))
                    || ["年", "년"].iter().any(|m| a.contains(m))
            }
        }
    }
}

/// The lengths (in digits) of the runs of digits in `text` that may have
/// `separators` between their digits.
fn digit_runs<'a>(text: &'a str, separators: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut runs = Vec::new();
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if !separators.contains(c) {
            if digits > 0 {
                runs.push(digits);
            }
            digits = 0;
        }
    }
    if digits > 0 {
        runs.push(digits);
    }
    runs.into_iter()
}

/// Multipliers written after a number.
const MAGNITUDES: &[(&str, f64)] = &[
    ("k", 1e3),
    ("thousand", 1e3),
    ("m", 1e6),
    ("mn", 1e6),
    ("million", 1e6),
    ("millions", 1e6),
    ("b", 1e9),
    ("bn", 1e9),
    ("billion", 1e9),
];

/// The numbers written in `text`, by value: digits with `,` `'` `.` `_`
/// or thin spaces between them read as one number (a `,` or `'` before
/// three digits groups thousands; a lone `.` or `,` otherwise is a decimal
/// point), each also with a magnitude word after it multiplied in. Dates and
/// codes (`2018-03-23`, `03-40210276`) read as their parts.
fn numbers(text: &str) -> Vec<f64> {
    let chars: Vec<char> = text.nfkc().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        if i > 0 && chars[i - 1].is_alphanumeric() {
            // Digits inside a word (`A4`, `TP24`): part of a name.
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            continue;
        }
        let mut digits = String::new();
        let mut decimal = false;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_digit() {
                digits.push(c);
                i += 1;
                continue;
            }
            let next_digits = chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            let grouping = matches!(c, ',' | '\'' | '\u{2009}' | '\u{202f}' | '_') && next_digits == 3;
            if grouping {
                i += 1;
            } else if matches!(c, '.' | ',') && next_digits > 0 && !decimal {
                decimal = true;
                digits.push('.');
                i += 1;
            } else {
                break;
            }
        }
        let Ok(value) = digits.parse::<f64>() else { continue };
        out.push(value);
        let rest: String = chars[i..].iter().take(12).collect();
        let word: String =
            rest.trim_start().chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
        if let Some((_, m)) = MAGNITUDES.iter().find(|(w, _)| *w == word) {
            out.push(value * m);
        }
    }
    out
}

/// The words of `text` written as names: a capital after its first letter
/// or a digit among letters (`CLIENT_IPADDR`, `iPhone`, `B2B`), or a
/// capitalised word that does not start a sentence.
fn names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut sentence_start = true;
    for raw in text.split_whitespace() {
        let word = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters > 0 && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            let mut chars = word.chars();
            let first = chars.next().is_some_and(char::is_uppercase);
            let inner = chars.any(|c| c.is_uppercase() || c.is_ascii_digit());
            if (inner && letters > 1) || (first && !sentence_start) {
                out.push(word.to_string());
            }
        }
        sentence_start = raw.ends_with(['.', '!', '?', ':']);
    }
    out
}
