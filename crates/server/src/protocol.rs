//! The framed protocol between the server and its `parasol worker`
//! processes, over the worker's stdin and stdout.
//!
//! A frame is a 4-byte big-endian length and that many bytes of JSON. The
//! server sends [`Command`]s; for each `Convert` the worker answers with
//! `Opened`, then `Progress` and `Batch` replies as pages and batches finish,
//! and ends with `Done` or `Failed`. A `Cancel` may arrive at any time and
//! applies to the conversion in progress. A worker that sees its stdin close
//! exits: a server that dies never leaves workers burning CPU.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use parasol_pipeline::Options;
use serde::{Deserialize, Serialize};

/// Frames larger than this are refused (a batch of ten pages with embedded
/// figures is a few MB; this bounds what a confused peer can make us
/// allocate).
pub const MAX_FRAME_BYTES: usize = 512 << 20;

/// What the server asks of a worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Command {
    /// Convert pages `start_page..` of the document at `path` in batches of
    /// `batch_pages`, numbering elements from `first_id`.
    Convert(ConvertCommand),
    /// Stop the conversion in progress (answered by `Failed` with
    /// [`FailureKind::Cancelled`]).
    Cancel,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConvertCommand {
    pub path: PathBuf,
    pub options: Options,
    /// 0-based index of the first page to convert.
    pub start_page: usize,
    /// Pages per `Batch` reply.
    pub batch_pages: usize,
    /// Id of the first element of the first batch.
    pub first_id: usize,
    /// Refuse documents with more pages than this before converting any.
    pub max_pages: Option<usize>,
    /// The name the responses give as their `model`.
    pub model: String,
    /// Send a PNG preview of each page (at most this many pixels on its
    /// longer side) with its batch, for the web viewer.
    #[serde(default)]
    pub page_images: Option<u32>,
}

/// What a worker answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Reply {
    /// The worker has loaded its models and waits for commands.
    Ready,
    /// The document opened; it has `pages` pages.
    Opened { pages: usize },
    /// Page `page` (1-based) of `pages` is done.
    Progress { page: usize, pages: usize },
    /// Pages `start_page..end_page` (0-based, end exclusive) are done.
    Batch(BatchResult),
    /// The conversion is complete.
    Done,
    /// The conversion could not be done.
    Failed { kind: FailureKind, message: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchResult {
    pub start_page: usize,
    pub end_page: usize,
    /// How many elements the batch has (ids `first_id..first_id + elements`).
    pub elements: usize,
    /// The batch's response, Upstage's JSON shape, serialised.
    pub response: String,
    /// One base64 PNG per page of the batch when the command asked for
    /// page images (empty for a page that could not be read).
    #[serde(default)]
    pub page_images: Vec<String>,
}

/// Why a conversion failed, as far as the caller must tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FailureKind {
    UnsupportedType,
    PasswordRequired,
    WrongPassword,
    Corrupt,
    NoPages,
    TooManyPages,
    LimitExceeded,
    /// An allocation failed: the document needs more memory than the worker has.
    OutOfMemory,
    InvalidOption,
    Cancelled,
    /// Models missing or failing to load: the server's fault, not the document's.
    Internal,
}

/// The length a frame header announces, refused past [`MAX_FRAME_BYTES`].
fn frame_len(header: [u8; 4]) -> io::Result<usize> {
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX_FRAME_BYTES {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("frame of {len} bytes")));
    }
    Ok(len)
}

/// Writes one frame.
pub fn write_frame<T: Serialize>(w: &mut impl Write, value: &T) -> io::Result<()> {
    let bytes = serde_json::to_vec(value).map_err(io::Error::other)?;
    let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("frame too large"))?;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(&bytes)?;
    w.flush()
}

/// Reads one frame; `Ok(None)` at a clean end of stream.
pub fn read_frame<T: for<'de> Deserialize<'de>>(r: &mut impl Read) -> io::Result<Option<T>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut buf = vec![0u8; frame_len(len)?];
    r.read_exact(&mut buf)?;
    serde_json::from_slice(&buf).map(Some).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Async twins of [`write_frame`] and [`read_frame`], for the server side.
pub mod nonblocking {
    use std::io;

    use serde::{Deserialize, Serialize};
    use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

    pub async fn write_frame<T: Serialize>(w: &mut (impl AsyncWrite + Unpin), value: &T) -> io::Result<()> {
        let bytes = serde_json::to_vec(value).map_err(io::Error::other)?;
        let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("frame too large"))?;
        w.write_all(&len.to_be_bytes()).await?;
        w.write_all(&bytes).await?;
        w.flush().await
    }

    pub async fn read_frame<T: for<'de> Deserialize<'de>>(
        r: &mut (impl AsyncRead + Unpin),
    ) -> io::Result<Option<T>> {
        let mut len = [0u8; 4];
        match r.read_exact(&mut len).await {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let mut buf = vec![0u8; super::frame_len(len)?];
        r.read_exact(&mut buf).await?;
        serde_json::from_slice(&buf).map(Some).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_end_cleanly() {
        let mut buf = Vec::new();
        write_frame(&mut buf, &Reply::Opened { pages: 3 }).unwrap();
        write_frame(&mut buf, &Reply::Done).unwrap();
        let mut r = buf.as_slice();
        assert!(matches!(read_frame::<Reply>(&mut r).unwrap(), Some(Reply::Opened { pages: 3 })));
        assert!(matches!(read_frame::<Reply>(&mut r).unwrap(), Some(Reply::Done)));
        assert!(read_frame::<Reply>(&mut r).unwrap().is_none());
    }

    #[test]
    fn an_absurd_length_is_refused_before_allocating() {
        let bytes = u32::MAX.to_be_bytes();
        let err = read_frame::<Reply>(&mut bytes.as_slice()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
