//! A form's fields in a passage's text: labels ending in a colon and the
//! value after each, to tell a field left blank ("TRIAL DATE:" with nothing
//! after it) from one filled in. A small model asked for a blank field
//! answers with the nearest value (the filing date for the trial date);
//! the form itself says there is none.

use std::collections::HashSet;

use crate::bm25::tokenize;
use crate::cite::normalise;

/// Fewest fields a passage must have to be read as a form: a lone "Note:"
/// at the end of a line of prose is not a blank field.
const FORM_MIN_FIELDS: usize = 3;

/// Most words of a label.
const LABEL_MAX_WORDS: usize = 4;

/// A label and whether its value is blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub blank: bool,
}

/// A word in capitals (letters and none of them lower case: "JUDGE", "CC").
fn capitals(w: &str) -> bool {
    w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase)
}

fn has_digit(words: &[&str]) -> bool {
    words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()))
}

/// Splits the words between two colons into the first field's value and
/// the next field's label: all of them are the label when they are one
/// word, or a few words in capitals ("TRIAL DATE"), without digits;
/// otherwise the label is the run of capitals at the end ("May 1, 2000 CC"),
/// or the last word ("Rick Redfield Fax").
fn value_and_label<'a>(words: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
    if words.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let all_label = !has_digit(words)
        && (words.len() == 1
            || words.len() <= LABEL_MAX_WORDS
                && words.iter().all(|w| capitals(w) || !w.chars().any(char::is_alphabetic)));
    if all_label {
        return (Vec::new(), words.to_vec());
    }
    let run = words
        .iter()
        .rev()
        .take_while(|w| capitals(w) && !has_digit(&[**w]))
        .take(LABEL_MAX_WORDS)
        .count()
        .max(1);
    let (value, label) = words.split_at(words.len() - run);
    (value.to_vec(), label.to_vec())
}

/// The fields of `text`, line by line: each colon ends a label, and its
/// value runs to the next label or the end of the line. A value of only
/// underscores, dots or dashes is blank.
pub fn fields(text: &str) -> Vec<Field> {
    let mut out = Vec::new();
    for line in text.lines() {
        let segments: Vec<&str> = line.split([':', '：']).collect();
        if segments.len() < 2 {
            continue;
        }
        let first: Vec<&str> = segments[0].split_whitespace().collect();
        let (_, mut label) = value_and_label(&first);
        for (k, segment) in segments.iter().enumerate().skip(1) {
            let words: Vec<&str> = segment.split_whitespace().collect();
            let (value, next) =
                if k + 1 < segments.len() { value_and_label(&words) } else { (words, Vec::new()) };
            if !label.is_empty() {
                let value = value.join(" ");
                let blank = value.trim_matches(|c: char| matches!(c, '_' | '.' | '-' | '–' | ' ')).is_empty();
                out.push(Field { label: label.join(" "), blank });
            }
            label = next;
        }
    }
    out
}

/// The form field `question` asks for, when every passage that is a form
/// ([`FORM_MIN_FIELDS`] fields or more) leaves it blank: the labels whose
/// words are all in the question ("TRIAL DATE" for "When is the trial
/// date?"), the most specific first (most words), every occurrence blank.
pub fn blank_field(question: &str, passages: &[&str]) -> Option<String> {
    let asked: HashSet<String> = tokenize(&normalise(question)).into_iter().collect();
    let forms = passages.iter().map(|p| fields(p)).filter(|f| f.len() >= FORM_MIN_FIELDS);
    let mut best: Vec<Field> = Vec::new();
    let mut best_words = 0;
    for field in forms.flatten() {
        let words = tokenize(&normalise(&field.label));
        if words.is_empty() || !words.iter().all(|w| asked.contains(w)) {
            continue;
        }
        if words.len() > best_words {
            best_words = words.len();
            best.clear();
        }
        if words.len() == best_words {
            best.push(field);
        }
    }
    (!best.is_empty() && best.iter().all(|f| f.blank)).then(|| best[0].label.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(label: &str, blank: bool) -> Field {
        Field { label: label.into(), blank }
    }

    #[test]
    fn labels_and_values_in_a_row_of_fields() {
        assert_eq!(
            fields("COUNSEL: JUDGE: TRIAL DATE:"),
            [field("COUNSEL", true), field("JUDGE", true), field("TRIAL DATE", true)]
        );
        assert_eq!(
            fields("To: Mr. Randy Spell From:Rick Redfield Fax: Date: May 1, 2000 CC: Mr. Fred Paternostro"),
            [
                field("To", false),
                field("From", false),
                field("Fax", true),
                field("Date", false),
                field("CC", false),
            ]
        );
        assert_eq!(
            fields("DATE FILED: July 23, 1998\nSIGNED: ______"),
            [field("DATE FILED", false), field("SIGNED", true)]
        );
        assert!(fields("A sentence with no colon.").is_empty());
    }

    #[test]
    fn a_question_about_a_field_every_form_leaves_blank() {
        let form = "CASE NAME: Robinson v. Raybestos\nDATE FILED: July 23, 1998\nCOUNSEL: JUDGE: TRIAL DATE:";
        assert_eq!(blank_field("When is the trial date?", &[form]).as_deref(), Some("TRIAL DATE"));
        assert_eq!(blank_field("Which judge is assigned to the case?", &[form]).as_deref(), Some("JUDGE"));
        assert_eq!(blank_field("On what date was the case filed?", &[form]), None, "filled");
        assert_eq!(blank_field("What is the case name?", &[form]), None, "filled");
        assert_eq!(blank_field("Who is the plaintiff?", &[form]), None, "no such field");
        // The same label filled in another passage: not blank.
        assert_eq!(
            blank_field("Who is the judge?", &[form, "JUDGE: Hon. A. Smith\nCOURT: X\nROOM: 4"]),
            None
        );
        // A lone label at the end of a line of prose is no form.
        assert_eq!(blank_field("What does the note say?", &["See the note:"]), None);
    }
}
