//! Questions about a parsed document: its elements grouped into
//! [`Passage`]s, ranked for a question ([`Index`]: BM25 with CJK bigrams,
//! fused with multilingual dense embeddings),
//! fitted into a prompt that asks the model to answer only from numbered
//! passages and cite them ([`prompt`]), and the answer's `[n]` markers mapped
//! back to element ids, pages and boxes ([`cite`]).
//!
//! The crate takes a [`Document`] (never a file: the pipeline parses, this
//! crate reads what it made), so it is tested on documents built in code;
//! [`ask`] runs one question through the Solar engine, the path every
//! caller (`parasol ask`, `parasol chat`, the `qa` evaluation) shares.
//!
//! ```
//! use parasol_doc::{BBox, Category, Document, Element, PageInfo};
//! use parasol_qa::{cite, prompt, Index};
//! let mut doc = Document::default();
//! doc.pages.push(PageInfo { number: 1, width: 600.0, height: 800.0, dpi: 72.0 });
//! doc.elements.push(Element::text(0, Category::Paragraph, 1, BBox::new(10.0, 10.0, 300.0, 30.0),
//!     "Marram grass stabilises the dune face within two seasons."));
//! let index = Index::new(&doc)?;
//! let found = index.search("What stabilises the dune face?", 5);
//! let p = prompt::build("What stabilises the dune face?", &found, 1000, &|s: &str| s.len() / 4)?;
//! let answer = cite::cite("Marram grass [1].", &p, &doc);
//! assert_eq!(answer.citations[0].element_id, 0);
//! # Ok::<(), parasol_qa::QaError>(())
//! ```

pub mod ask;
pub mod bm25;
pub mod cite;
mod claims;
pub mod fields;
pub mod judge;
pub mod page_refs;
pub mod passages;
pub mod prompt;
mod vectors;

use std::sync::Arc;

use parasol_doc::Document;
pub use parasol_embed::Embedder;

pub use ask::{ask, Asked, Settings};
pub use cite::{Answer, Citation};
pub use passages::{passages, Passage};
pub use prompt::Prompt;

/// Why a question cannot be asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QaError {
    #[error("the document has no text to search")]
    EmptyDocument,
    #[error("the question is {tokens} tokens long; with the instructions it does not fit the model's {budget}-token context")]
    QuestionTooLong { tokens: usize, budget: usize },
    #[error("the engine failed: {0}")]
    Engine(#[source] parasol_solar::SolarError),
}

impl QaError {
    fn engine(e: parasol_solar::SolarError) -> QaError {
        QaError::Engine(e)
    }
}

/// Reciprocal-rank fusion's constant: a passage's fused score is the sum
/// of `1 / (RRF_K + rank)` over the rankings (the usual 60, from Cormack,
/// Clarke and Büttcher 2009).
pub const RRF_K: f32 = 60.0;

/// A document's passages, indexed for retrieval: BM25 over their words,
/// and, with an [`Embedder`], their dense vectors, the two rankings fused
/// by reciprocal rank. Dense retrieval finds passages in other words and
/// other languages (a Korean question about an English page); BM25 keeps
/// exact names, codes and numbers on top.
#[derive(Debug, Clone)]
pub struct Index {
    passages: Vec<Passage>,
    bm25: bm25::Bm25,
    dense: Option<Dense>,
    pages: page_refs::PageNumbers,
}

#[derive(Debug, Clone)]
struct Dense {
    embedder: Arc<Embedder>,
    /// One unit vector per passage.
    vectors: Vec<Vec<f32>>,
}

impl Index {
    /// BM25 alone.
    pub fn new(doc: &Document) -> Result<Index, QaError> {
        let passages = passages(doc);
        if passages.is_empty() {
            return Err(QaError::EmptyDocument);
        }
        let bm25 = bm25::Bm25::new(passages.iter().map(|p| p.text.as_str()));
        Ok(Index { passages, bm25, dense: None, pages: page_refs::PageNumbers::of(doc) })
    }

    /// BM25 and dense vectors from `embedder`, fused.
    pub fn with_embedder(doc: &Document, embedder: Arc<Embedder>) -> Result<Index, QaError> {
        let mut index = Index::new(doc)?;
        index.embed_or_load(embedder, None);
        Ok(index)
    }

    pub fn passages(&self) -> &[Passage] {
        &self.passages
    }

    /// The `k` passages that best match `question`, best first. When the
    /// question names pages ([`page_refs`]: "the table on page 2"), the
    /// passages of those pages come first, best first, then the rest.
    pub fn search(&self, question: &str, k: usize) -> Vec<&Passage> {
        let lexical: Vec<usize> = self.bm25.search(question).into_iter().map(|(i, _)| i).collect();
        let ranked = match &self.dense {
            None => lexical,
            Some(dense) => {
                let q = dense.embedder.embed_query(question);
                let mut semantic: Vec<(usize, f32)> =
                    dense.vectors.iter().enumerate().map(|(i, v)| (i, dot(&q, v))).collect();
                semantic.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                let semantic: Vec<usize> = semantic.into_iter().map(|(i, _)| i).collect();
                fuse(&[&lexical, &semantic], self.passages.len())
            }
        };
        let named = self.pages.resolve(&page_refs::named(question));
        let ranked = if named.is_empty() { ranked } else { on_pages_first(ranked, &self.passages, &named) };
        ranked.into_iter().take(k).map(|i| &self.passages[i]).collect()
    }
}

/// `ranked`, with the passages on `pages` moved ahead of the others (in
/// their ranked order, then those no ranking placed, in document order).
fn on_pages_first(ranked: Vec<usize>, passages: &[Passage], pages: &[usize]) -> Vec<usize> {
    let on = |i: &usize| pages.contains(&passages[*i].page);
    let mut first: Vec<usize> = ranked.iter().copied().filter(on).collect();
    first.extend((0..passages.len()).filter(|i| on(i) && !ranked.contains(i)));
    first.extend(ranked.into_iter().filter(|i| !on(i)));
    first
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Reciprocal-rank fusion of rankings of `n` items (ties: the lower index first).
fn fuse(rankings: &[&[usize]], n: usize) -> Vec<usize> {
    let mut score = vec![0.0f32; n];
    for ranking in rankings {
        for (rank, &i) in ranking.iter().enumerate() {
            score[i] += 1.0 / (RRF_K + rank as f32 + 1.0);
        }
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| score[i] > 0.0).collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusion_favours_items_both_rankings_place_high() {
        // 2 and 3 are in both rankings; 0 and 1 first in one, absent from the other.
        let fused = fuse(&[&[0, 2, 3], &[1, 2, 3]], 5);
        assert_eq!(fused, [2, 3, 0, 1], "both rankings outweigh one; ties by index; 4 (unranked) left out");
    }

    #[test]
    fn a_page_the_question_names_comes_first() {
        use parasol_doc::{BBox, Category, Element, PageInfo};
        let mut doc = Document::default();
        let texts = [
            "Budget for the dune survey: 12,000 euros.",
            "Costs of the survey by item.",
            "Survey budget again.",
        ];
        for (i, text) in texts.iter().enumerate() {
            doc.pages.push(PageInfo { number: i + 1, width: 600.0, height: 800.0, dpi: 72.0 });
            doc.elements.push(Element::text(
                i,
                Category::Paragraph,
                i + 1,
                BBox::new(10.0, 10.0, 300.0, 30.0),
                *text,
            ));
        }
        let index = Index::new(&doc).unwrap();
        let pages = |q: &str| index.search(q, 3).iter().map(|p| p.page).collect::<Vec<_>>();
        assert_eq!(pages("What is the survey budget?")[0], 1);
        assert_eq!(
            pages("What is the survey budget on page 2?"),
            [2, 1, 3],
            "page 2 first, though BM25 ranks it last"
        );
        assert_eq!(pages("What does the last page say about the budget?")[0], 3);
    }
}
