//! Questions about a parsed document: its elements grouped into
//! [`Passage`]s, ranked for a question ([`Index`], BM25 with CJK bigrams),
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
pub mod passages;
pub mod prompt;

use parasol_doc::Document;

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

/// A document's passages, indexed for retrieval.
#[derive(Debug, Clone)]
pub struct Index {
    passages: Vec<Passage>,
    bm25: bm25::Bm25,
}

impl Index {
    pub fn new(doc: &Document) -> Result<Index, QaError> {
        let passages = passages(doc);
        if passages.is_empty() {
            return Err(QaError::EmptyDocument);
        }
        let bm25 = bm25::Bm25::new(passages.iter().map(|p| p.text.as_str()));
        Ok(Index { passages, bm25 })
    }

    pub fn passages(&self) -> &[Passage] {
        &self.passages
    }

    /// The `k` passages that best match `question`, best first.
    pub fn search(&self, question: &str, k: usize) -> Vec<&Passage> {
        self.bm25.search(question).into_iter().take(k).map(|(i, _)| &self.passages[i]).collect()
    }
}
