//! `parasol ask FILE "question"` and `parasol chat FILE`: parse the
//! document (or reuse its cached parse), find the passages that answer, and
//! let the Solar engine answer from them with citations. In a chat, earlier
//! turns stay in the conversation as plain questions and answers (so the
//! engine reuses their cached keys and values) and each new question gets
//! its own passages.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::model_arg::ModelArg;
use anyhow::Context;
use parasol_doc::Document;
use parasol_models::{ModelFile, ModelStore};
use parasol_pipeline::{Engine, EngineConfig, Options};
use parasol_qa::{self as qa, cite, Embedder, Index, QaError, Settings};
use parasol_solar::{Generator, Message};
use sha2::{Digest, Sha256};

/// Ask a question about a document; the answer cites its pages and elements.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document (PDF or image).
    pub file: PathBuf,
    /// The question.
    pub question: String,
    /// The chat model: `smollm2` (small, fast, English), `qwen2.5-coder-1.5b`
    /// (alias `qwen`; stronger, multilingual; fetched with
    /// `python3 scripts/fetch_models.py --group large`) or a GGUF file.
    #[arg(long, value_name = "NAME|PATH", default_value_t = ModelArg::default())]
    pub model: ModelArg,
    /// Passages retrieved for the question.
    #[arg(long, default_value_t = Settings::default().top)]
    pub top: usize,
    /// Tokens of context the prompt may use.
    #[arg(long, default_value_t = Settings::default().context_tokens)]
    pub context: usize,
    /// Longest answer, in tokens.
    #[arg(long, default_value_t = Settings::default().answer_tokens)]
    pub max_tokens: usize,
    /// Print the answer and its citations as JSON.
    #[arg(long)]
    pub json: bool,
    /// Parse again even if a cached parse exists.
    #[arg(long)]
    pub no_cache: bool,
}

impl Args {
    fn settings(&self) -> Settings {
        Settings {
            top: self.top,
            context_tokens: self.context,
            answer_tokens: self.max_tokens,
            judge: self.model.judge_threshold(),
        }
    }
}

impl ChatArgs {
    fn settings(&self) -> Settings {
        Settings {
            top: self.top,
            context_tokens: self.context,
            answer_tokens: self.max_tokens,
            judge: self.model.judge_threshold(),
        }
    }
}

/// Where parsed documents are kept, by content hash.
fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("parasol").join("documents"))
}

/// The parsed document: from the cache when the same bytes were parsed
/// with the same options, else parsed now (and cached).
fn document(file: &Path, models: &Path, no_cache: bool) -> anyhow::Result<(Document, Option<PathBuf>)> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", crate::shown(file)))?;
    let options = Options::default();
    let mut hash = Sha256::new();
    hash.update(&bytes);
    hash.update(serde_json::to_vec(&options)?);
    hash.update(parasol_pipeline::PRODUCER.as_bytes());
    let key: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let cached = cache_dir().map(|d| d.join(format!("{key}.json")));
    if let (Some(path), false) = (&cached, no_cache) {
        if let Ok(text) = std::fs::read_to_string(path) {
            if let Ok(doc) = serde_json::from_str::<Document>(&text) {
                return Ok((doc, cached));
            }
        }
    }
    let engine = Engine::new(EngineConfig::from_models_dir(models))?;
    let converted = engine
        .convert_bytes(bytes, &options, &mut |_| {})
        .with_context(|| format!("parsing {}", crate::shown(file)))?;
    if let Some(path) = &cached {
        // A cache that cannot be written only costs a parse next time.
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        write_atomically(path, &serde_json::to_vec(&converted.document)?);
    }
    Ok((converted.document, cached))
}

/// Writes `bytes` to a temporary file beside `path`, then renames it, so a
/// reader never sees half a file; failures are left silent (a cache).
fn write_atomically(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension("tmp");
    if std::fs::write(&tmp, bytes).is_ok() {
        let _ = std::fs::rename(&tmp, path);
    }
}

/// The document's index: BM25 and dense vectors, the vectors read from
/// beside the cached parse when they were made for the same passages by
/// the same model (unless `no_cache`), else embedded now (and saved there).
fn index(doc: &Document, cached: Option<&Path>, embedder: Embedder, no_cache: bool) -> anyhow::Result<Index> {
    let mut index = Index::new(doc)?;
    let vectors = cached.map(|p| p.with_extension(format!("{}.vectors", ModelFile::E5Small.file_name())));
    let mut saved = vectors.as_ref().filter(|_| !no_cache).and_then(|p| std::fs::File::open(p).ok());
    let reused = index
        .embed_or_load(std::sync::Arc::new(embedder), saved.as_mut().map(|f| f as &mut dyn std::io::Read));
    if let (Some(path), false) = (&vectors, reused) {
        let mut bytes = Vec::new();
        if index.save_vectors(&mut bytes)? {
            write_atomically(path, &bytes);
        }
    }
    Ok(index)
}

/// Talk about a document: questions from stdin, answers streamed; `/sources`
/// shows the last answer's sources, `/reset` forgets the conversation.
#[derive(Debug, clap::Args)]
pub struct ChatArgs {
    /// The document (PDF or image).
    pub file: PathBuf,
    /// The chat model: `smollm2` (small, fast, English), `qwen2.5-coder-1.5b`
    /// (alias `qwen`; stronger, multilingual; fetched with
    /// `python3 scripts/fetch_models.py --group large`) or a GGUF file.
    #[arg(long, value_name = "NAME|PATH", default_value_t = ModelArg::default())]
    pub model: ModelArg,
    /// Passages retrieved per question.
    #[arg(long, default_value_t = Settings::default().top)]
    pub top: usize,
    /// Tokens of context the conversation may use.
    #[arg(long, default_value_t = 2048)]
    pub context: usize,
    /// Longest answer, in tokens.
    #[arg(long, default_value_t = Settings::default().answer_tokens)]
    pub max_tokens: usize,
    /// Parse again even if a cached parse exists.
    #[arg(long)]
    pub no_cache: bool,
}

pub fn chat(args: ChatArgs, models: &Path) -> anyhow::Result<ExitCode> {
    use std::io::BufRead;
    let (doc, index, mut generator) = open(&args.file, &args.model, models, args.no_cache)?;
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stdin());
    let mut history: Vec<Message> = Vec::new();
    let mut last: Option<cite::Answer> = None;
    let mut stdout = std::io::stdout().lock();
    if interactive {
        writeln!(stdout, "Ask about {} (/sources, /reset, Ctrl-D to leave).", crate::shown(&args.file))?;
    }
    for line in std::io::stdin().lock().lines() {
        let question = line?.trim().to_string();
        match question.as_str() {
            "" => continue,
            "/reset" => {
                history.clear();
                last = None;
                writeln!(stdout, "(conversation reset)")?;
                continue;
            }
            "/sources" => {
                match &last {
                    Some(a) if !a.citations.is_empty() => print_sources(&mut stdout, a)?,
                    _ => writeln!(stdout, "(no sources cited)")?,
                }
                continue;
            }
            _ => {}
        }
        let asked = qa::ask(&mut generator, &doc, &index, &history, &question, &args.settings(), |piece| {
            let _ = stdout.write_all(piece.as_bytes()).and_then(|()| stdout.flush());
        });
        let answer = match asked {
            Ok(asked) => {
                print_verdict(&mut stdout, &streamed(&asked), &asked.answer)?;
                asked.answer
            }
            Err(e @ QaError::QuestionTooLong { .. }) => {
                writeln!(stdout, "error: {e} (try /reset)")?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        history.push(Message::user(question));
        history.push(Message::assistant(answer.text.clone()));
        last = Some(answer);
    }
    Ok(ExitCode::SUCCESS)
}

/// The document, its index and the engine: what `ask` and `chat` start from.
fn open(
    file: &Path,
    model: &ModelArg,
    models: &Path,
    no_cache: bool,
) -> anyhow::Result<(Document, Index, Generator)> {
    let (doc, cached) = document(file, models, no_cache)?;
    let e5 = ModelStore::new(models).require(ModelFile::E5Small)?;
    let embedder = Embedder::open(&e5).with_context(|| format!("loading {}", e5.display()))?;
    let index = index(&doc, cached.as_deref(), embedder, no_cache)?;
    let model = model.resolve(models)?;
    let generator = Generator::load(&model).with_context(|| format!("loading {}", model.display()))?;
    Ok((doc, index, generator))
}

/// What was streamed: the model's answer, or the abstention that stood for one.
fn streamed(asked: &qa::Asked) -> String {
    asked.generation.as_ref().map_or_else(|| asked.answer.text.clone(), |g| g.text.clone())
}

/// Ends the streamed answer with what `cite` made of it: the passage marker
/// it traced an unmarked answer to, or the abstention that replaced an
/// answer which only restated the question or stated what no passage holds.
fn print_verdict(out: &mut impl Write, streamed: &str, answer: &cite::Answer) -> std::io::Result<()> {
    if answer.withheld.is_some() {
        return writeln!(out, "\n({} The passages do not back the answer above.)", answer.text);
    }
    let added = answer.text.strip_prefix(streamed.trim()).unwrap_or("");
    writeln!(out, "{added}")
}

fn print_sources(out: &mut impl Write, answer: &cite::Answer) -> std::io::Result<()> {
    for c in &answer.citations {
        writeln!(out, "[{}] page {}, element {}: {}", c.marker, c.page, c.element_id, c.quote)?;
    }
    Ok(())
}

pub fn run(args: Args, models: &Path) -> anyhow::Result<ExitCode> {
    let (doc, index, mut generator) = open(&args.file, &args.model, models, args.no_cache)?;
    let mut stdout = std::io::stdout().lock();
    let asked = qa::ask(&mut generator, &doc, &index, &[], &args.question, &args.settings(), |piece| {
        if !args.json {
            let _ = stdout.write_all(piece.as_bytes()).and_then(|()| stdout.flush());
        }
    })?;
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &asked.answer)?;
        writeln!(stdout)?;
    } else {
        print_verdict(&mut stdout, &streamed(&asked), &asked.answer)?;
        if asked.answer.uncited {
            writeln!(stdout, "(the answer cites no passage)")?;
        }
        print_sources(&mut stdout, &asked.answer)?;
    }
    match &asked.generation {
        Some(g) => eprintln!(
            "{} passages given; prefill {} tokens at {:.1} tok/s, {} tokens at {:.1} tok/s",
            asked.prompt.given.len(),
            g.prompt_tokens,
            g.prefill_tokens_per_second(),
            g.decode_steps,
            g.decode_tokens_per_second(),
        ),
        None => eprintln!(
            "{} passages given; judged not to answer the question (log-odds {:.2})",
            asked.prompt.given.len(),
            asked.support.unwrap_or(f32::NAN)
        ),
    }
    Ok(ExitCode::SUCCESS)
}
