//! The `parasol` command: convert documents to HTML and text.
//!
//! Subcommands live in their own modules; this file parses arguments, sets
//! up logging and maps outcomes to exit codes (0 success, 1 some input
//! failed, 2 usage or setup error).

mod ask;
mod convert;
mod dus;
mod generate;
mod jobs;
mod model_arg;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Parasol turns documents (PDF, PNG, JPEG, TIFF, WebP) into structured,
/// reading-order HTML and text, locally, on CPU.
#[derive(Debug, Parser)]
#[command(name = "parasol", version, about)]
struct Cli {
    /// Directory holding models and native libraries
    /// [env: PARASOL_MODELS; default: the repository's models/files].
    #[arg(long, global = true, value_name = "DIR")]
    models: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Convert files or directories (recursively) into HTML and/or text.
    Convert(convert::Args),
    /// Ask a question about a document; the answer cites pages and elements.
    Ask(ask::Args),
    /// Talk about a document (questions from stdin; /sources, /reset).
    Chat(ask::ChatArgs),
    /// Generate text with the built-in Solar Mini engine (streams to stdout, speeds to stderr).
    Generate(generate::Args),
    /// Depth Up-Scaling of a safetensors Llama checkpoint (SOLAR recipe: --drop 8 turns 32 layers into 48).
    Dus(dus::Args),
    /// Serve Upstage-compatible Document Parse over HTTP (sync and async, durable jobs).
    Serve(serve::Args),
    /// List or purge the async jobs of a server's store (SQLite or PostgreSQL).
    Jobs(jobs::Args),
    /// A conversion worker speaking the server's protocol on stdin/stdout (started by `serve`).
    #[command(hide = true)]
    Worker(serve::WorkerArgs),
}

/// A parser for one of the pipeline's named choices (`OcrMode`,
/// `LayoutChoice`, …): its names are the possible values, and the value is
/// the pipeline's own type, so the CLI keeps no copy of any option.
fn choice<T>(names: &'static [&'static str]) -> impl clap::builder::TypedValueParser<Value = T>
where
    T: std::str::FromStr<Err = parasol_pipeline::UnknownChoice> + Clone + Send + Sync + 'static,
{
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(names).try_map(|s| s.parse::<T>())
}

/// A path as it may be printed in one line of a terminal: control
/// characters (a newline in a file name could forge a line of output) and
/// bidirectional overrides are shown escaped.
pub(crate) fn shown(path: &std::path::Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        if c.is_control()
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
        {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The model directory: `--models`, then `PARASOL_MODELS`, then the
/// repository's `models/files` (where `scripts/fetch_models.py` puts them).
fn models_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("PARASOL_MODELS").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models").join("files"))
}

/// The log filter without `PARASOL_LOG`: the server logs its requests.
fn default_log(command: &Command) -> &'static str {
    match command {
        Command::Serve(_) | Command::Worker(_) => "info,ort=warn",
        _ => "error",
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PARASOL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_log(&cli.command))),
        )
        .with_writer(std::io::stderr)
        .init();
    let models = models_dir(cli.models);
    let result = match cli.command {
        Command::Convert(args) => convert::run(args, &models),
        Command::Generate(args) => generate::run(args, &models),
        Command::Ask(args) => ask::run(args, &models),
        Command::Chat(args) => ask::chat(args, &models),
        Command::Dus(args) => dus::run(args, &models),
        Command::Serve(args) => serve::run(args, &models),
        Command::Jobs(args) => jobs::run(args),
        Command::Worker(args) => serve::worker(args, &models),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
