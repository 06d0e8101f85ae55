//! `parasol serve` (the HTTP service) and `parasol worker` (the process the
//! service converts documents in; not for direct use).

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use parasol_pipeline::{EngineConfig, ModelStore};

use crate::model_arg::ModelArg;
use parasol_server::store::StoreConfig;
use parasol_server::{Config, PoolConfig, BATCH_PAGES, DEFAULT_MAX_UPLOAD_MIB, SYNC_MAX_PAGES};

/// Serve Upstage-compatible Document Parse over HTTP.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "PARASOL_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Where jobs, documents and results are kept (with `--store postgres://…`,
    /// only uploads in flight: one directory per server).
    #[arg(long, env = "PARASOL_DATA_DIR", default_value = "parasol-data")]
    pub data_dir: PathBuf,
    /// The job store: `sqlite` (in the data directory, one server) or a
    /// `postgres://user@host:port/database` address that replicas share.
    #[arg(long, env = "PARASOL_STORE", default_value = "sqlite", value_parser = StoreConfig::parse, hide_env_values = true)]
    pub store: StoreConfig,
    /// The secret that signs download links; required with PostgreSQL, the
    /// same on every replica [default with SQLite: made in the data directory].
    #[arg(long, env = "PARASOL_SIGNING_SECRET", hide_env_values = true)]
    pub signing_secret: Option<String>,
    /// Seconds a claimed job stays this server's without a heartbeat; a job
    /// whose server died is taken by another after this.
    #[arg(long, env = "PARASOL_LEASE_SECS", default_value_t = 30)]
    pub lease_secs: u64,
    /// Worker processes [default: half the cores, at least 1].
    #[arg(long, env = "PARASOL_WORKERS")]
    pub workers: Option<usize>,
    /// Accepted API key (repeatable, or comma-separated in the variable); without one, no authentication.
    #[arg(long = "api-key", env = "PARASOL_API_KEY", value_delimiter = ',', hide_env_values = true)]
    pub api_keys: Vec<String>,
    /// Largest upload, in MiB.
    #[arg(long, env = "PARASOL_MAX_UPLOAD_MIB", default_value_t = DEFAULT_MAX_UPLOAD_MIB)]
    pub max_upload_mib: u64,
    /// Async jobs queued or running at most; more are refused with 429.
    #[arg(long, env = "PARASOL_MAX_QUEUED_JOBS", default_value_t = 1000)]
    pub max_queued_jobs: usize,
    /// Synchronous requests waiting for a worker at most; more are refused with 429.
    #[arg(long, env = "PARASOL_MAX_WAITING", default_value_t = 64)]
    pub max_waiting: usize,
    /// Longest one conversion may run, in seconds, before its worker is killed.
    #[arg(long, env = "PARASOL_JOB_TIMEOUT", default_value_t = 1800)]
    pub job_timeout: u64,
    /// Address space each worker may use, in MiB (0: no cap).
    #[arg(long, env = "PARASOL_WORKER_MEMORY_MIB", default_value_t = 6144)]
    pub worker_memory_mib: u64,
    /// How long async results are kept, in hours.
    #[arg(long, env = "PARASOL_RESULT_TTL_HOURS", default_value_t = 168)]
    pub result_ttl_hours: u64,
    /// Base URL of download links [default: from the request's Host header].
    #[arg(long, env = "PARASOL_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Seconds a shutdown waits for running jobs before putting them back in the queue.
    #[arg(long, default_value_t = 10)]
    pub shutdown_grace: u64,
    /// The chat model behind /v1/chat/completions: `smollm2`,
    /// `qwen2.5-coder-1.5b` (alias `qwen`) or a GGUF file. Chat is off (503)
    /// when the model is not installed.
    #[arg(long, env = "PARASOL_CHAT_MODEL", value_name = "NAME|PATH", default_value_t = ModelArg::default())]
    pub chat_model: ModelArg,
    /// Chat requests waiting for the engine at most; more are refused with 429.
    #[arg(long, default_value_t = 8)]
    pub chat_queue: usize,
}

/// Run a conversion worker on stdin/stdout (started by `parasol serve`).
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// Threads per ONNX Runtime session.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Cap on the worker's address space, in MiB.
    #[arg(long)]
    pub memory_mib: Option<u64>,
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

pub fn run(args: Args, models: &Path) -> anyhow::Result<ExitCode> {
    let workers = args.workers.unwrap_or_else(|| (cores() / 2).max(1)).max(1);
    let threads = (cores() / workers).max(1);
    let exe = std::env::current_exe().context("cannot find the parasol binary to start workers")?;
    let mut command: Vec<OsString> = vec![exe.into(), "--models".into(), models.into(), "worker".into()];
    command.extend(["--threads".into(), threads.to_string().into()]);
    let memory = (args.worker_memory_mib > 0).then_some(args.worker_memory_mib);
    if let Some(mib) = memory {
        command.extend(["--memory-mib".into(), mib.to_string().into()]);
    }
    let lease = Duration::from_secs(args.lease_secs.max(1));
    let config = Config {
        store: args.store,
        signing_secret: args.signing_secret.filter(|s| !s.is_empty()),
        lease,
        // A shared store is polled (another replica's submissions wake no
        // one here); often enough that an idle replica starts within a second.
        poll_interval: Duration::from_millis(500).min(lease / 3),
        addr: args.addr,
        data_dir: args.data_dir,
        models: ModelStore::new(models),
        api_keys: args.api_keys.into_iter().filter(|k| !k.is_empty()).collect(),
        pool: PoolConfig {
            command,
            size: workers,
            job_timeout: Duration::from_secs(args.job_timeout.max(1)),
            memory_limit_mib: memory,
        },
        max_upload_bytes: args.max_upload_mib << 20,
        sync_max_pages: SYNC_MAX_PAGES,
        max_queued_jobs: args.max_queued_jobs,
        max_waiting_requests: args.max_waiting,
        result_ttl: Duration::from_secs(args.result_ttl_hours * 3600),
        link_ttl: Duration::from_secs(15 * 60),
        public_url: args.public_url,
        batch_pages: BATCH_PAGES,
        shutdown_grace: Duration::from_secs(args.shutdown_grace),
        chat: args
            .chat_model
            .resolve(models)
            .inspect_err(|missing| tracing::warn!("chat is off: {missing}"))
            .ok()
            .map(|model| parasol_server::chat::ChatConfig {
                model,
                judge: args.chat_model.judge_threshold(),
                queue: args.chat_queue,
                embedder: ModelStore::new(models)
                    .require(parasol_models::ModelFile::E5Small)
                    .inspect_err(|missing| tracing::warn!("dense retrieval is off: {missing}"))
                    .ok(),
            }),
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(parasol_server::serve(config, shutdown_signal()))?;
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

pub fn worker(args: WorkerArgs, models: &Path) -> anyhow::Result<ExitCode> {
    let mut engine = EngineConfig::from_models_dir(models);
    if let Some(t) = args.threads {
        engine.threads = t.max(1);
    }
    let config =
        parasol_server::worker::WorkerConfig { engine, memory_limit: args.memory_mib.map(|m| m << 20) };
    parasol_server::worker::run(config)?;
    Ok(ExitCode::SUCCESS)
}
