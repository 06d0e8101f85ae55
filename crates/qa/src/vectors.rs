//! An index's passage vectors, saved and read back, so that a document is
//! embedded once: embedding is most of the cost of indexing (tens of
//! seconds for a long document on a laptop CPU), BM25 a few milliseconds.
//!
//! The file ("PQV1"): the magic, the SHA-256 of the passages' texts in
//! order (vectors saved for other passages — another document, or the same
//! one chunked by another version — are never used), the passage count and
//! the dimension as little-endian `u32`, then the vectors as little-endian
//! `f32`, row after row. A file that does not match in every respect is
//! ignored, and the passages are embedded again.

use std::io::{Read, Write};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::{Dense, Embedder, Index};

const MAGIC: &[u8; 4] = b"PQV1";

impl Index {
    /// SHA-256 over the passages' texts, each followed by a NUL.
    fn fingerprint(&self) -> [u8; 32] {
        let mut hash = Sha256::new();
        for p in &self.passages {
            hash.update(p.text.as_bytes());
            hash.update([0]);
        }
        hash.finalize().into()
    }

    /// The passages' dense vectors, if the index has them.
    pub fn vectors(&self) -> Option<&[Vec<f32>]> {
        self.dense.as_ref().map(|d| d.vectors.as_slice())
    }

    /// Writes the dense vectors; an index without them writes nothing and
    /// returns `false`.
    pub fn save_vectors(&self, out: &mut impl Write) -> std::io::Result<bool> {
        let Some(dense) = &self.dense else { return Ok(false) };
        let dim = dense.vectors.first().map_or(0, Vec::len);
        let mut bytes = Vec::with_capacity(44 + 4 * dim * dense.vectors.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&self.fingerprint());
        bytes.extend_from_slice(&(dense.vectors.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&(dim as u32).to_le_bytes());
        for v in &dense.vectors {
            for x in v {
                bytes.extend_from_slice(&x.to_le_bytes());
            }
        }
        out.write_all(&bytes)?;
        Ok(true)
    }

    /// Adds dense vectors from `saved` (what [`Index::save_vectors`] wrote)
    /// when they were saved for these very passages with `embedder`'s
    /// dimension; otherwise embeds the passages now. Returns whether the
    /// saved vectors were used.
    pub fn embed_or_load(&mut self, embedder: Arc<Embedder>, saved: Option<&mut dyn Read>) -> bool {
        if let Some(vectors) = saved.and_then(|r| self.read_vectors(r, embedder.dim())) {
            self.dense = Some(Dense { embedder, vectors });
            return true;
        }
        let texts: Vec<&str> = self.passages.iter().map(|p| p.text.as_str()).collect();
        let vectors = embedder.embed_passages(&texts);
        self.dense = Some(Dense { embedder, vectors });
        false
    }

    /// The vectors in `r`, if they belong to these passages and have `dim`
    /// dimensions. Reads at most what such a file holds.
    fn read_vectors(&self, r: &mut dyn Read, dim: usize) -> Option<Vec<Vec<f32>>> {
        let n = self.passages.len();
        let expected = 44 + 4 * dim * n;
        let mut bytes = Vec::with_capacity(expected);
        r.take(expected as u64 + 1).read_to_end(&mut bytes).ok()?;
        if bytes.len() != expected
            || &bytes[..4] != MAGIC
            || bytes[4..36] != self.fingerprint()
            || bytes[36..40] != (n as u32).to_le_bytes()
            || bytes[40..44] != (dim as u32).to_le_bytes()
        {
            return None;
        }
        let floats: Vec<f32> =
            bytes[44..].chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        if floats.iter().any(|x| !x.is_finite()) {
            return None;
        }
        Some(floats.chunks_exact(dim.max(1)).take(n).map(<[f32]>::to_vec).collect())
    }
}
