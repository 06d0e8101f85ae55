//! TEDS and TEDS-S: tree-edit-distance similarity between two HTML tables,
//! following PubTabNet's reference `src/metric.py` (Zhong et al., ECCV 2020).
//!
//! - The tree is the table's elements (`table`, `thead`, `tbody`, `tr`, `td`,
//!   and any other element outside cells); a `td` is a leaf carrying its
//!   `colspan`, `rowspan` and content tokens: each character of its text and
//!   `<b>`/`</b>`-style tokens for markup inside it.
//! - Inserting or deleting a node costs 1. Renaming costs 1 when tag, colspan
//!   or rowspan differ; between two cells it is the Levenshtein distance of
//!   their token lists over the longer list's length; otherwise 0.
//! - `TEDS = 1 − distance / n`, with `n` the larger number of elements below
//!   either `<table>` (lxml's `.//*`: markup inside cells counts).
//! - TEDS-S drops cell content, scoring structure only.
//!
//! Differences from the reference, none of which arise on PubTabNet data: the
//! first `<table>` anywhere is used where the reference requires
//! `html/body/table` (and scores 0 otherwise), and unparsable spans count
//! as 1 where the reference raises. As there, `<th>` is not a cell.

use std::collections::HashMap;

use serde::Serialize;

use crate::html::{self, Element, Node};
use crate::text::levenshtein;
use crate::tree_edit::{self, Tree};

/// A TEDS score with the numbers it came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Teds {
    /// Similarity in `[0, 1]`.
    pub score: f64,
    /// Tree edit distance.
    pub distance: f64,
    /// Normaliser: the larger element count below the two tables.
    pub nodes: usize,
}

impl Teds {
    const ZERO: Teds = Teds { score: 0.0, distance: 0.0, nodes: 0 };
}

/// TEDS between a predicted and a ground-truth table (HTML strings).
pub fn teds(prediction: &str, truth: &str) -> Teds {
    compare(prediction, truth, false)
}

/// TEDS-S: structure only, cell content ignored.
pub fn teds_s(prediction: &str, truth: &str) -> Teds {
    compare(prediction, truth, true)
}

struct TableTree {
    tree: Tree,
    /// Per node: tag, colspan, rowspan, content token ids (cells only).
    nodes: Vec<(String, u32, u32, Vec<u32>)>,
}

/// Interns cell tokens so the Levenshtein of two cells compares integers.
#[derive(Default)]
struct Tokens(HashMap<String, u32>);

impl Tokens {
    fn id(&mut self, t: &str) -> u32 {
        let n = self.0.len() as u32;
        *self.0.entry(t.to_owned()).or_insert(n)
    }
}

fn compare(prediction: &str, truth: &str, structure_only: bool) -> Teds {
    if prediction.is_empty() || truth.is_empty() {
        return Teds::ZERO;
    }
    let (pred_doc, truth_doc) = (html::parse(prediction), html::parse(truth));
    let (Some(pred), Some(gt)) = (pred_doc.find("table"), truth_doc.find("table")) else {
        return Teds::ZERO;
    };
    let nodes = pred.descendant_count().max(gt.descendant_count());
    let mut tokens = Tokens::default();
    let (tp, tt) = (build(pred, structure_only, &mut tokens), build(gt, structure_only, &mut tokens));
    let rename = |i: usize, j: usize| -> f64 {
        let (a, b) = (&tp.nodes[i], &tt.nodes[j]);
        if a.0 != b.0 || a.1 != b.1 || a.2 != b.2 {
            return 1.0;
        }
        if a.0 == "td" && (!a.3.is_empty() || !b.3.is_empty()) {
            return levenshtein(&a.3, &b.3) as f64 / a.3.len().max(b.3.len()) as f64;
        }
        0.0
    };
    let distance = tree_edit::distance(&tp.tree, &tt.tree, &rename);
    if nodes == 0 {
        // Two empty tables: identical unless the roots differ (they cannot).
        return Teds { score: if distance == 0.0 { 1.0 } else { 0.0 }, distance, nodes };
    }
    Teds { score: 1.0 - distance / nodes as f64, distance, nodes }
}

fn build(table: &Element, structure_only: bool, tokens: &mut Tokens) -> TableTree {
    let mut t = TableTree { tree: Tree::default(), nodes: Vec::new() };
    add(table, &mut t, structure_only, tokens);
    t
}

fn add(e: &Element, t: &mut TableTree, structure_only: bool, tokens: &mut Tokens) -> usize {
    let id = t.nodes.len();
    t.tree.children.push(Vec::new());
    if e.tag == "td" {
        let span = |name: &str| e.attr(name).and_then(|v| v.trim().parse().ok()).unwrap_or(1);
        let mut content = Vec::new();
        if !structure_only {
            cell_tokens(&e.children, tokens, &mut content);
        }
        t.nodes.push((e.tag.clone(), span("colspan"), span("rowspan"), content));
    } else {
        t.nodes.push((e.tag.clone(), 0, 0, Vec::new()));
        for child in e.elements() {
            let c = add(child, t, structure_only, tokens);
            t.tree.children[id].push(c);
        }
    }
    id
}

/// The reference's `tokenize`: characters of text, `<tag>` and `</tag>`
/// around each element inside the cell, in document order.
fn cell_tokens(children: &[Node], tokens: &mut Tokens, out: &mut Vec<u32>) {
    let mut buf = [0u8; 4];
    for n in children {
        match n {
            Node::Text(s) => out.extend(s.chars().map(|c| tokens.id(c.encode_utf8(&mut buf)))),
            Node::Element(e) => {
                out.push(tokens.id(&format!("<{}>", e.tag)));
                cell_tokens(&e.children, tokens, out);
                if e.tag != "unk" {
                    out.push(tokens.id(&format!("</{}>", e.tag)));
                }
            }
        }
    }
}

/// A table as PubTabNet writes its ground truth: every cell a `td` (header
/// rows inside `<thead>`, the rest in `<tbody>`), spans as attributes, so a
/// renderer's choice of `<th>` for header cells is not scored as a structure
/// error (the reference metric treats `th` as a non-cell).
pub fn pubtabnet_html(t: &parasol_doc::Table) -> String {
    let header_rows =
        (0..t.rows).take_while(|&r| t.cells.iter().filter(|c| c.row == r).all(|c| c.header)).count();
    let mut out = String::from("<html><body><table>");
    for r in 0..t.rows {
        if r == 0 && header_rows > 0 {
            out.push_str("<thead>");
        }
        if r == header_rows {
            out.push_str("<tbody>");
        }
        out.push_str("<tr>");
        for c in t.cells.iter().filter(|c| c.row == r) {
            out.push_str("<td");
            if c.colspan > 1 {
                out.push_str(&format!(" colspan=\"{}\"", c.colspan));
            }
            if c.rowspan > 1 {
                out.push_str(&format!(" rowspan=\"{}\"", c.rowspan));
            }
            out.push('>');
            out.push_str(&parasol_doc::escape_html(&c.text));
            out.push_str("</td>");
        }
        out.push_str("</tr>");
        if header_rows > 0 && r + 1 == header_rows {
            out.push_str("</thead>");
        }
    }
    if t.rows > header_rows {
        out.push_str("</tbody>");
    }
    out.push_str("</table></body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(body: &str) -> String {
        format!("<html><body><table>{body}</table></body></html>")
    }

    #[track_caller]
    fn check(pred: &str, truth: &str, teds_expect: f64, teds_s_expect: f64) {
        let (p, t) = (wrap(pred), wrap(truth));
        let (a, b) = (teds(&p, &t), teds_s(&p, &t));
        assert!((a.score - teds_expect).abs() < 1e-9, "TEDS {} != {teds_expect}: {a:?}", a.score);
        assert!((b.score - teds_s_expect).abs() < 1e-9, "TEDS-S {} != {teds_s_expect}: {b:?}", b.score);
    }

    #[test]
    fn hand_worked_tables() {
        // Identical tables.
        check("<tr><td>a</td></tr>", "<tr><td>a</td></tr>", 1.0, 1.0);
        // One cell's text differs completely: rename cost 1 over 2 elements
        // (tr, td) below <table>.
        check("<tr><td>a</td></tr>", "<tr><td>b</td></tr>", 0.5, 1.0);
        // "ab" vs "ac": Levenshtein 1 over 2 tokens → 0.5, over 2 nodes.
        check("<tr><td>ab</td></tr>", "<tr><td>ac</td></tr>", 0.75, 1.0);
        // A missing cell: one deletion over 3 nodes (tr, td, td).
        check("<tr><td>a</td></tr>", "<tr><td>a</td><td></td></tr>", 2.0 / 3.0, 2.0 / 3.0);
        // A colspan mismatch costs a full rename even in TEDS-S.
        check("<tr><td colspan=\"2\">a</td></tr>", "<tr><td>a</td></tr>", 0.5, 0.5);
        // Bold markup inside the cell: tokens <b> a </b> vs a → distance 2/3,
        // and the <b> element counts as a node of the prediction (3 nodes).
        check("<tr><td><b>a</b></td></tr>", "<tr><td>a</td></tr>", 1.0 - (2.0 / 3.0) / 3.0, 1.0 - 0.0 / 3.0);
    }

    #[test]
    fn our_tables_render_like_pubtabnet() {
        use parasol_doc::{Table, TableCell};
        let cell = |row, col, colspan, header, text: &str| TableCell {
            row,
            col,
            rowspan: 1,
            colspan,
            header,
            text: text.into(),
            bbox: None,
        };
        let t = Table {
            rows: 2,
            cols: 2,
            cells: vec![cell(0, 0, 2, true, "a & b"), cell(1, 0, 1, false, "1"), cell(1, 1, 1, false, "2")],
        };
        let html = pubtabnet_html(&t);
        assert_eq!(
            html,
            "<html><body><table><thead><tr><td colspan=\"2\">a &amp; b</td></tr></thead>\
             <tbody><tr><td>1</td><td>2</td></tr></tbody></table></body></html>"
        );
        let truth = wrap("<thead><tr><td colspan=\"2\">a &amp; b</td></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody>");
        assert_eq!(teds(&html, &truth).score, 1.0);
    }

    #[test]
    fn missing_tables_score_zero() {
        assert_eq!(teds("", &wrap("<tr><td>a</td></tr>")).score, 0.0);
        assert_eq!(teds("<p>no table</p>", &wrap("<tr><td>a</td></tr>")).score, 0.0);
    }
}
