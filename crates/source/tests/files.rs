//! `Source::open_path` reads regular files only, and never more than the
//! size limit: FIFOs, devices, sockets and directories are refused before
//! they are opened.

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use parasol_source::{FileKind, Limit, Limits, OpenOptions, Source, SourceError};

/// Opens `path` on another thread; the answer must come within a second.
fn open_quickly(path: &Path, limits: Limits) -> Result<Source, SourceError> {
    let (tx, rx) = mpsc::channel();
    let path = path.to_owned();
    std::thread::spawn(move || {
        let _ = tx.send(Source::open_path(&path, &OpenOptions { limits, ..OpenOptions::default() }));
    });
    rx.recv_timeout(Duration::from_secs(1)).expect("open_path answered within a second")
}

#[track_caller]
fn check_refused(path: &Path, kind: FileKind) {
    match open_quickly(path, Limits::default()) {
        Err(SourceError::NotAFile { path: p, kind: k }) => {
            assert_eq!((p.as_path(), k), (path, kind));
        }
        other => panic!("expected {kind:?} refused, got {other:?}"),
    }
}

#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.pdf");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success(), "mkfifo failed");
    check_refused(&fifo, FileKind::Fifo);
}

#[test]
fn devices_are_refused_even_behind_a_symlink() {
    check_refused(Path::new("/dev/zero"), FileKind::CharDevice);
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("zero.pdf");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    check_refused(&link, FileKind::CharDevice);
}

#[test]
fn directories_and_sockets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    check_refused(dir.path(), FileKind::Directory);
    let socket = dir.path().join("socket.png");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    check_refused(&socket, FileKind::Socket);
    let message = Source::open_path(dir.path(), &OpenOptions::default()).unwrap_err().to_string();
    assert!(message.ends_with("is a directory; only regular files are read"), "{message}");
}

#[test]
fn the_size_limit_holds_on_the_bytes_read() {
    // `/proc` files report a length of 0 and then yield their content:
    // only the read itself can enforce the limit.
    let status = PathBuf::from("/proc/self/status");
    assert_eq!(std::fs::metadata(&status).unwrap().len(), 0);
    let limits = Limits { max_file_bytes: 10, ..Limits::default() };
    match open_quickly(&status, limits) {
        Err(SourceError::LimitExceeded { limit: Limit::FileBytes, actual: 11, max: 10 }) => {}
        other => panic!("expected the file size limit, got {other:?}"),
    }
}

#[test]
fn a_regular_file_over_the_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.png");
    std::fs::write(&big, vec![0u8; 1000]).unwrap();
    let limits = Limits { max_file_bytes: 999, ..Limits::default() };
    match open_quickly(&big, limits) {
        Err(SourceError::LimitExceeded { limit: Limit::FileBytes, actual: 1000, max: 999 }) => {}
        other => panic!("expected the file size limit, got {other:?}"),
    }
    let missing = dir.path().join("missing.pdf");
    assert!(matches!(open_quickly(&missing, Limits::default()), Err(SourceError::Io { .. })));
}
