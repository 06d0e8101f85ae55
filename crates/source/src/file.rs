//! Reading an input file without trusting what its path names: only regular
//! files, never more bytes than the size limit allows.

use std::fs::{File, FileType};
use std::io::Read;
use std::path::Path;

use crate::{check_limit, FileKind, Limit, SourceError};

/// The bytes of the regular file at `path`, at most `max_bytes` of them.
///
/// The path's metadata is checked before opening, so a FIFO is never opened
/// (opening one for reading blocks until a writer comes) and a device never
/// sees an `open`. The file is then opened non-blocking and its handle's own
/// metadata checked again, because the path may have been replaced between
/// the two. Finally at most `max_bytes + 1` bytes are read, so the limit
/// holds on what is read, whatever the metadata said.
pub(crate) fn read_regular(path: &Path, max_bytes: u64) -> Result<Vec<u8>, SourceError> {
    let io = |source| SourceError::Io { path: path.to_owned(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    refuse_special(path, meta.file_type())?;
    check_limit(Limit::FileBytes, meta.len(), max_bytes)?;

    let file = open_nonblocking(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    refuse_special(path, meta.file_type())?;
    check_limit(Limit::FileBytes, meta.len(), max_bytes)?;

    let mut bytes = Vec::new();
    // The file may grow after `metadata`; the read below is capped anyway.
    let expected = meta.len().min(max_bytes).saturating_add(1);
    bytes
        .try_reserve_exact(usize::try_from(expected).unwrap_or(usize::MAX))
        .map_err(|_| SourceError::OutOfMemory { bytes: expected, what: "the input file" })?;
    file.take(max_bytes.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    check_limit(Limit::FileBytes, bytes.len() as u64, max_bytes)?;
    Ok(bytes)
}

fn refuse_special(path: &Path, t: FileType) -> Result<(), SourceError> {
    if t.is_file() {
        return Ok(());
    }
    Err(SourceError::NotAFile { path: path.to_owned(), kind: file_kind(t) })
}

#[cfg(unix)]
fn file_kind(t: FileType) -> FileKind {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        FileKind::Directory
    } else if t.is_fifo() {
        FileKind::Fifo
    } else if t.is_char_device() {
        FileKind::CharDevice
    } else if t.is_block_device() {
        FileKind::BlockDevice
    } else if t.is_socket() {
        FileKind::Socket
    } else {
        FileKind::Other
    }
}

#[cfg(not(unix))]
fn file_kind(t: FileType) -> FileKind {
    if t.is_dir() {
        FileKind::Directory
    } else {
        FileKind::Other
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Should the path have become a FIFO since it was checked, opening it
    // returns at once instead of waiting for a writer.
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}
