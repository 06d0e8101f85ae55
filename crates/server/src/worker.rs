//! The worker process (`parasol worker`): the only place the server's
//! documents are parsed.
//!
//! One document at a time. The models load once, before the worker says
//! [`Reply::Ready`]. A reader thread takes commands from stdin so that a
//! `Cancel` reaches the conversion in progress; when stdin closes (the
//! server is gone) the worker exits at once. The worker caps its own
//! address space when asked, so a document that needs more memory than the
//! cap fails its allocation here and takes down this process only.

use std::io::{self, BufReader, BufWriter, Write};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use parasol_pipeline::{CancelToken, Engine, EngineConfig, Options, PipelineError, SourceError};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use crate::protocol::{self, BatchResult, Command, ConvertCommand, FailureKind, Reply};

/// How a worker is set up.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub engine: EngineConfig,
    /// Cap on the worker's virtual address space, in bytes.
    pub memory_limit: Option<u64>,
}

/// Runs a worker on stdin and stdout until stdin closes.
pub fn run(config: WorkerConfig) -> io::Result<()> {
    if let Some(bytes) = config.memory_limit {
        rlimit::setrlimit(rlimit::Resource::AS, bytes, bytes)?;
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let engine = Engine::new(config.engine).map_err(io::Error::other)?;
    engine.warm_up(&Options::default()).map_err(io::Error::other)?;
    protocol::write_frame(&mut out, &Reply::Ready)?;

    let current = Arc::new(Mutex::new(CancelToken::new()));
    let (tx, rx) = mpsc::channel::<ConvertCommand>();
    let reader_current = Arc::clone(&current);
    std::thread::spawn(move || {
        let mut stdin = BufReader::new(io::stdin().lock());
        loop {
            match protocol::read_frame::<Command>(&mut stdin) {
                Ok(Some(Command::Convert(c))) => {
                    if tx.send(c).is_err() {
                        break;
                    }
                }
                Ok(Some(Command::Cancel)) => {
                    if let Ok(token) = reader_current.lock() {
                        token.cancel();
                    }
                }
                // The server is gone or speaks nonsense: nobody waits for
                // what this process would produce.
                Ok(None) | Err(_) => std::process::exit(0),
            }
        }
    });

    while let Ok(command) = rx.recv() {
        let token = CancelToken::new();
        if let Ok(mut c) = current.lock() {
            *c = token.clone();
        }
        let outcome = convert(&engine, command, token, &mut out);
        match outcome {
            Ok(()) => protocol::write_frame(&mut out, &Reply::Done)?,
            Err(Failure(kind, message)) => protocol::write_frame(&mut out, &Reply::Failed { kind, message })?,
        }
    }
    Ok(())
}

struct Failure(FailureKind, String);

impl From<PipelineError> for Failure {
    fn from(e: PipelineError) -> Failure {
        let kind = match &e {
            PipelineError::Source(s) => match s {
                SourceError::UnsupportedType => FailureKind::UnsupportedType,
                SourceError::PasswordRequired => FailureKind::PasswordRequired,
                SourceError::WrongPassword => FailureKind::WrongPassword,
                SourceError::NoPages => FailureKind::NoPages,
                SourceError::LimitExceeded { limit: parasol_pipeline::Limit::Pages, .. } => {
                    FailureKind::TooManyPages
                }
                SourceError::LimitExceeded { .. } | SourceError::DecoderLimit { .. } => {
                    FailureKind::LimitExceeded
                }
                SourceError::OutOfMemory { .. } => FailureKind::OutOfMemory,
                SourceError::Corrupt { .. } | SourceError::Page { .. } => FailureKind::Corrupt,
                _ => FailureKind::Internal,
            },
            PipelineError::InvalidOption(_) => FailureKind::InvalidOption,
            PipelineError::Cancelled => FailureKind::Cancelled,
            _ => FailureKind::Internal,
        };
        Failure(kind, error_chain(&e))
    }
}

/// An error and its sources, "a: b: c", as the CLI prints them.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !s.ends_with(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        source = inner.source();
    }
    s
}

fn convert(
    engine: &Engine,
    command: ConvertCommand,
    cancel: CancelToken,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let io_failure = |e: io::Error| Failure(FailureKind::Internal, format!("cannot answer the server: {e}"));
    let options = Options { cancel, page_images: command.page_images, ..command.options };
    let opened = engine.open_path(&command.path, &options)?;
    let pages = opened.page_count();
    // The page count goes out first, so a refusal for length can say it.
    protocol::write_frame(out, &Reply::Opened { pages }).map_err(io_failure)?;
    if let Some(max) = command.max_pages.filter(|&max| pages > max) {
        return Err(Failure(
            FailureKind::TooManyPages,
            format!("the document has {pages} pages, more than the {max} a synchronous request takes"),
        ));
    }
    let batch = command.batch_pages.max(1);
    let mut first_id = command.first_id;
    let mut start = command.start_page;
    while start < pages {
        let end = (start + batch).min(pages);
        let mut progress_error = None;
        let mut on_progress = |p: parasol_pipeline::Progress| {
            let reply = Reply::Progress { page: p.page, pages: p.pages };
            if let Err(e) = protocol::write_frame(out, &reply) {
                progress_error.get_or_insert(e);
            }
        };
        let mut converted = engine.convert_pages(&opened, start..end, &options, &mut on_progress)?;
        if let Some(e) = progress_error {
            return Err(io_failure(e));
        }
        let doc = &mut converted.document;
        for e in &mut doc.elements {
            e.id += first_id;
            e.caption = e.caption.map(|c| c + first_id);
        }
        let elements = doc.elements.len();
        let response = doc.to_upstage(&command.model).to_string();
        let page_images = converted.page_images.iter().map(|png| BASE64.encode(png)).collect();
        let reply =
            Reply::Batch(BatchResult { start_page: start, end_page: end, elements, response, page_images });
        protocol::write_frame(out, &reply).map_err(io_failure)?;
        first_id += elements;
        start = end;
    }
    Ok(())
}
