//! Lines joined before anything is read: a drop cap to the line it
//! begins, a hanging label to the text it labels.

use parasol_doc::{BBox, TextLine};

use super::{is_list_item, level, median};

/// A drop cap is at least this many times the median line's height.
const DROP_CAP_HEIGHTS: f32 = 1.8;

/// The page's lines with each drop cap joined to the line it begins, or
/// `None` when there is none. A drop cap is a line of one capital letter
/// [`DROP_CAP_HEIGHTS`] lines tall or more whose top is level with the top
/// of a line just right of it (within a line's height), which goes on in
/// lower case: "O" beside "n a grey morning in" reads "On a grey morning
/// in". Left apart, the letter read as a heading of its own, with the line
/// beside it.
pub(crate) fn join_drop_caps(lines: &[TextLine]) -> Option<Vec<TextLine>> {
    let h = median(lines.iter().map(|l| l.bbox.height()).collect());
    let is_cap = |l: &TextLine| {
        let mut chars = l.text.trim().chars();
        chars.next().is_some_and(|c| c.is_uppercase())
            && chars.next().is_none()
            && l.bbox.height() >= DROP_CAP_HEIGHTS * h
    };
    let mut joins: Vec<(usize, usize)> = Vec::new();
    for (i, cap) in lines.iter().enumerate().filter(|(_, l)| is_cap(l)) {
        let beside = lines
            .iter()
            .enumerate()
            .filter(|&(j, m)| {
                j != i
                    && m.bbox.height() < cap.bbox.height() / DROP_CAP_HEIGHTS * 1.2
                    && m.bbox.x0 >= cap.bbox.x1 - 0.25 * m.bbox.height()
                    && m.bbox.x0 - cap.bbox.x1 <= m.bbox.height()
                    && (m.bbox.y0 - cap.bbox.y0).abs() <= 0.5 * m.bbox.height()
                    && m.text.trim_start().starts_with(char::is_lowercase)
            })
            .min_by(|a, b| a.1.bbox.x0.total_cmp(&b.1.bbox.x0));
        if let Some((j, _)) = beside {
            joins.push((i, j));
        }
    }
    joined(lines, &joins, |cap, line| {
        let bbox = BBox::new(cap.bbox.x0, line.bbox.y0, line.bbox.x1, line.bbox.y1);
        let text = format!("{}{}", cap.text.trim(), line.text.trim_start());
        TextLine {
            score: line.score,
            font_size: line.font_size,
            ..TextLine::from_bbox(bbox, text, line.origin)
        }
    })
}

/// A hanging label's text ends at most this many line heights left of the
/// text it labels ([`join_hanging_labels`]).
const HANGING_LABEL_GAP: f32 = 4.0;

/// Whether `text` is a clause's or an item's label and nothing else: "1.",
/// "2.3.1", "(a)", "iv)", a bullet.
fn is_label(text: &str) -> bool {
    let text = text.trim();
    if text.is_empty() || text.contains(char::is_whitespace) {
        return false;
    }
    let groups: Vec<&str> = text.trim_end_matches('.').split('.').collect();
    let dotted = groups.len() >= 2
        && groups.len() <= 4
        && groups.iter().all(|g| (1..=2).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
    dotted || is_list_item(&format!("{text} x"))
}

/// The page's lines with each hanging label joined to the text it labels,
/// or `None` when there is none. A legal clause's or a list's number is
/// often set apart at a tab stop ("1." … "DEFINITIONS AND INTERPRETATION"):
/// a line that is only a label ([`is_label`]), whose row holds one other
/// line, just right of it (within [`HANGING_LABEL_GAP`] heights), reads as
/// that line's start. Left apart, the layout model boxes the number on its
/// own, and it is read in a column of numbers beside the clauses.
pub(crate) fn join_hanging_labels(lines: &[TextLine]) -> Option<Vec<TextLine>> {
    let mut joins: Vec<(usize, usize)> = Vec::new();
    for (i, label) in lines.iter().enumerate().filter(|(_, l)| is_label(&l.text)) {
        let row: Vec<usize> =
            (0..lines.len()).filter(|&j| j != i && level(&lines[j].bbox, &label.bbox)).collect();
        let [j] = row[..] else { continue };
        let line = &lines[j];
        let h = label.bbox.height().max(line.bbox.height());
        let gap = line.bbox.x0 - label.bbox.x1;
        if gap >= 0.0
            && gap <= HANGING_LABEL_GAP * h
            && !is_label(&line.text)
            && !joins.iter().any(|&(_, k)| k == j)
        {
            joins.push((i, j));
        }
    }
    joined(lines, &joins, |label, line| {
        let text = format!("{} {}", label.text.trim(), line.text.trim_start());
        TextLine {
            score: line.score.min(label.score),
            font_size: line.font_size,
            ..TextLine::from_bbox(label.bbox.union(&line.bbox), text, line.origin)
        }
    })
}

/// `lines` with each `(piece, line)` of `joins` made one by `join` in the
/// line's place, the piece left out; `None` without joins.
fn joined(
    lines: &[TextLine],
    joins: &[(usize, usize)],
    join: impl Fn(&TextLine, &TextLine) -> TextLine,
) -> Option<Vec<TextLine>> {
    if joins.is_empty() {
        return None;
    }
    let mut out = lines.to_vec();
    for &(i, j) in joins {
        out[j] = join(&lines[i], &lines[j]);
    }
    let pieces: Vec<usize> = joins.iter().map(|&(i, _)| i).collect();
    Some(out.into_iter().enumerate().filter(|(k, _)| !pieces.contains(k)).map(|(_, l)| l).collect())
}
