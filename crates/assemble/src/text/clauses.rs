//! Clauses numbered by level ("1.1", "1.1.1", "1.2", "2."), as contracts
//! and standards number them: each is a paragraph, or a list's item, of
//! its own, however close they are set; "1.5 metres" opening a wrapped row
//! is no clause.

use super::is_list_item;

/// Most levels of a clause's number ("4.1.2.3").
const MOST_LEVELS: usize = 4;

/// Most digits in one level of a clause's number.
const LEVEL_MAX_DIGITS: usize = 3;

/// The levels of the number opening `s` ("2.3.1 The Supplier …" → 2, 3,
/// 1), followed by text: one level with a dot after it ("2."), or two to
/// [`MOST_LEVELS`], a dot after them or not.
fn clause_number(s: &str) -> Option<Vec<u32>> {
    let (token, rest) = s.trim_start().split_once(char::is_whitespace)?;
    if !rest.trim_start().starts_with(|c: char| !c.is_ascii_digit()) {
        return None;
    }
    let (body, dotted) = match token.strip_suffix('.') {
        Some(body) => (body, true),
        None => (token, false),
    };
    let levels: Vec<&str> = body.split('.').collect();
    if !(1..=MOST_LEVELS).contains(&levels.len()) || (levels.len() == 1 && !dotted) {
        return None;
    }
    levels
        .iter()
        .map(|l| {
            (!l.is_empty() && l.len() <= LEVEL_MAX_DIGITS && l.bytes().all(|b| b.is_ascii_digit()))
                .then(|| l.parse().ok())
                .flatten()
        })
        .collect()
}

/// Whether clause `b` may come right after clause `a` in one numbering:
/// `a`'s first sub-clause ("1.1" → "1.1.1"), its next sibling ("1.1" →
/// "1.2"), or the next sibling of one of its ancestors ("1.1.2" → "1.2",
/// "2.").
fn follows(a: &[u32], b: &[u32]) -> bool {
    let first_child = b.len() == a.len() + 1 && b[..a.len()] == *a && b[a.len()] == 1;
    let next_sibling =
        b.len() <= a.len() && b[..b.len() - 1] == a[..b.len() - 1] && b[b.len() - 1] == a[b.len() - 1] + 1;
    first_child || next_sibling
}

/// Whether a row starts with a clause's number of two levels or more and
/// goes on ("2.1 The Supplier", "4.3.2 Notices") or with a list item's
/// marker ("1.", "(a)", "•").
pub(crate) fn is_clause_start(s: &str) -> bool {
    is_list_item(s) || clause_number(s).is_some_and(|n| n.len() >= 2)
}

/// For each of `rows`, whether it opens a clause (the first row aside):
/// it starts with a clause's number or a list item's marker
/// ([`is_clause_start`]) after a row ending a sentence, or with the number
/// that carries on from the last clause opened above it ([`follows`]: a
/// clause's title alone on its row, "2. SUPPLY OF SERVICES" then "2.1 The
/// Supplier shall …"; "1.1.4" after "1.1.3 … in any form; and").
fn openings(rows: &[&str]) -> Vec<bool> {
    let mut last = rows.first().and_then(|r| clause_number(r));
    let mut open = vec![false; rows.len()];
    for i in 1..rows.len() {
        let number = clause_number(rows[i]);
        let carries_on = matches!((&last, &number), (Some(a), Some(b)) if follows(a, b));
        open[i] = is_clause_start(rows[i])
            && (rows[i - 1].trim_end().ends_with(['.', ';', ':', '!', '?']) || carries_on);
        if open[i] && number.is_some() {
            last = number;
        }
    }
    open
}

/// Where a paragraph's rows hold clauses one after another, the rows each
/// clause starts at (after the first): the first row starts with a clause
/// number, and so does every row it is cut at ([`openings`]). Empty when
/// the rows are one paragraph.
pub(crate) fn clause_starts(rows: &[String]) -> Vec<usize> {
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    if !rows.first().is_some_and(|r| is_clause_start(r)) {
        return Vec::new();
    }
    let open = openings(&rows);
    (1..rows.len()).filter(|&i| open[i]).collect()
}

/// The number a note opens with, no dot after it ("2 A common
/// arrangement …"): one to three digits, then a word.
fn note_number(s: &str) -> Option<u32> {
    let (token, rest) = s.trim_start().split_once(char::is_whitespace)?;
    let digits = (1..=LEVEL_MAX_DIGITS).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_digit());
    (digits && rest.trim_start().starts_with(char::is_alphabetic)).then(|| token.parse().ok()).flatten()
}

/// For each of `rows` (a list region's, top to bottom), whether it opens
/// an item: the first, a bullet or enumerator ([`is_list_item`]), a clause
/// ([`openings`]), or a note's number one past the last note's after a row
/// ending a sentence (footnotes boxed as a list: "1 Rates quoted …
/// Appendix B." then "2 A common arrangement …").
pub(crate) fn item_starts(rows: &[&str]) -> Vec<bool> {
    let open = openings(rows);
    let mut last_note = rows.first().and_then(|r| note_number(r));
    (0..rows.len())
        .map(|i| {
            let note = i > 0
                && rows[i - 1].trim_end().ends_with(['.', '!', '?'])
                && matches!((last_note, note_number(rows[i])), (Some(a), Some(b)) if b == a + 1);
            if note {
                last_note = note_number(rows[i]);
            }
            i == 0 || is_list_item(rows[i]) || open[i] || note
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_open_items_after_a_sentence_or_the_clause_they_carry_on_from() {
        let rows = [
            "1. DEFINITIONS",
            "1.1 In this Agreement the following",
            "expressions have these meanings:",
            "1.1.1 “Business Day” means a day",
            "other than a Saturday;",
            "1.1.2 “Deliverables” means all",
            "the documents, in any form; and",
            "1.1.3 “Services” means",
            "the services, in any form.",
            "1.2 Clause headings do not affect",
            "2. SUPPLY OF SERVICES",
            "2.1 The Supplier shall",
        ];
        let starts = item_starts(&rows);
        assert_eq!(starts, [true, true, false, true, false, true, false, true, false, true, true, true]);
    }

    #[test]
    fn footnotes_boxed_as_a_list_are_an_item_each() {
        let rows = [
            "1 Rates quoted here are indicative;",
            "values are given in Appendix B.",
            "2 A common ring is 30 cm.",
            "3 rings were used",
        ];
        assert_eq!(item_starts(&rows), [true, false, true, true]);
        // A number on a wrapped row, or one out of sequence, is text.
        let rows = ["1 Mix the flour and", "2 eggs.", "5 Bake it."];
        assert_eq!(item_starts(&rows), [true, false, false]);
    }

    #[test]
    fn a_number_no_clause_carries_on_from_is_text() {
        // A measurement opening a wrapped row, a year, a version.
        let rows = ["The rope is", "1.5 metres long and", "2.0 of them", "2019.1 was", "v1.2 ships"];
        assert_eq!(item_starts(&rows), [true, false, false, false, false]);
        assert_eq!(clause_number("1.2.3.4.5 x"), None);
        assert_eq!(clause_number("1.1 2 apples"), None);
        assert_eq!(clause_number("2.3. Scope"), Some(vec![2, 3]));
        assert!(!follows(&[1, 1], &[1, 3]) && !follows(&[2], &[1, 1]) && follows(&[1, 1, 2], &[2]));
    }

    #[test]
    fn numbered_clauses_are_cut_where_one_ends_and_the_next_begins() {
        let rows = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let contract = rows(&[
            "2.1 The Supplier shall deliver the goods",
            "within 14 days of the order.",
            "2.2 The Buyer shall pay each invoice within",
            "30 days; late payment bears interest.",
            "2.3 Either party may end this agreement.",
        ]);
        assert_eq!(clause_starts(&contract), [2, 4]);
        // A number that starts a row inside a sentence is no clause.
        let prose =
            rows(&["2.1 The population grew by", "3.5 million people in ten years.", "It then fell."]);
        assert_eq!(clause_starts(&prose), Vec::<usize>::new());
        // Rows that do not start with a clause number are one paragraph.
        let plain = rows(&["The survey ran in spring.", "4.2 per cent of plots were lost."]);
        assert_eq!(clause_starts(&plain), Vec::<usize>::new());
        for clause in ["2.1 The Supplier", "4.3.2 Notices", "(a) the goods", "1. Definitions"] {
            assert!(is_clause_start(clause), "{clause}");
        }
        for not in ["2.1", "3.5million", "1,200.50 paid", "v2.1.0.4.5 release"] {
            assert!(!is_clause_start(not), "{not}");
        }
    }
}
