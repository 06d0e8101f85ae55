//! `parasol serve`: Upstage-compatible Document Parse over HTTP.
//!
//! The only crate that knows HTTP (axum, tokio, tower-http). Documents are
//! never parsed in the server process: conversions run in a pool of
//! `parasol worker` processes ([`pool`], [`worker`], [`protocol`]), so a
//! document that crashes, hangs or exhausts memory costs only its own job.
//! Async jobs are durable ([`store`]): accepted means recorded with the
//! document in the job store (SQLite in the data directory, or PostgreSQL
//! shared by replicas), and a job whose server died is resumed, at the
//! server's next start or, with replicas, by another once its lease ends.
//!
//! [`app`] builds the router, so tests can call it without a socket;
//! [`serve`] binds, runs the queue and shuts down gracefully.

mod api;
pub mod chat;
pub mod error;
pub mod form;
mod jobs;
pub mod metrics;
pub mod pool;
pub mod protocol;
pub mod sign;
pub mod store;
mod web;
pub mod worker;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use parasol_models::ModelStore;
use tokio::sync::{watch, Notify};

pub use api::app;
pub use error::ApiError;
pub use pool::PoolConfig;

/// Upload limit unless configured: 50 MiB, as Upstage's.
pub const DEFAULT_MAX_UPLOAD_MIB: u64 = 50;
/// Most pages a synchronous request takes, as Upstage's.
pub const SYNC_MAX_PAGES: usize = 100;
/// Pages per batch of an async job, as Upstage's.
pub const BATCH_PAGES: usize = 10;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub models: ModelStore,
    /// Accepted API keys; empty: no authentication.
    pub api_keys: Vec<String>,
    pub pool: PoolConfig,
    pub max_upload_bytes: u64,
    pub sync_max_pages: usize,
    /// Async jobs submitted or started at most; beyond, 429.
    pub max_queued_jobs: usize,
    /// Synchronous requests waiting for a worker at most; beyond, 429.
    pub max_waiting_requests: usize,
    /// How long async results are kept.
    pub result_ttl: Duration,
    /// How long a download link is valid.
    pub link_ttl: Duration,
    /// Base of download links (`http://host:port`); by default from the
    /// request's `Host` header.
    pub public_url: Option<String>,
    pub batch_pages: usize,
    /// How long a shutdown waits for running conversions before putting
    /// them back in the queue.
    pub shutdown_grace: Duration,
    /// Chat about parsed documents (`/v1/chat/completions`); `None`: off.
    pub chat: Option<chat::ChatConfig>,
    /// Where jobs live: SQLite in `data_dir`, or PostgreSQL shared by replicas.
    pub store: store::StoreConfig,
    /// How long a claimed job is held without a heartbeat before another
    /// server may take it.
    pub lease: Duration,
    /// How often an idle queue looks for jobs (other replicas' submissions).
    pub poll_interval: Duration,
    /// The download links' secret, shared by replicas; without one, a
    /// random secret kept in the data directory (SQLite only).
    pub signing_secret: Option<String>,
}

/// The data directory's layout.
#[derive(Debug, Clone)]
pub struct Dirs {
    root: PathBuf,
}

impl Dirs {
    /// Uploads in flight and documents copied out of a remote store.
    pub fn tmp(&self) -> PathBuf {
        self.root.join("tmp")
    }
    fn secret(&self) -> PathBuf {
        self.root.join("secret")
    }
    fn lock(&self) -> PathBuf {
        self.root.join("lock")
    }
}

/// The caller, as the API key it sent makes it: owner of its jobs (and
/// of the conversations grounded on them).
#[derive(Debug, Clone)]
pub(crate) struct Owner(pub(crate) String);

/// What every handler and the queue share.
#[derive(Debug)]
pub struct Shared {
    pub config: Config,
    pub dirs: Dirs,
    pub store: Arc<dyn store::JobStore>,
    pub pool: Arc<pool::Pool>,
    pub metrics: Arc<metrics::Metrics>,
    pub signer: sign::Signer,
    /// Woken when a job is submitted.
    pub jobs_added: Notify,
    pub chat: Option<chat::ChatEngine>,
    /// Held for the server's life: one server per data directory.
    _lock: std::fs::File,
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    #[error("data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("another `parasol serve` is using the data directory {0}")]
    Locked(PathBuf),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(
        "replicas sharing a PostgreSQL store must share the download links' secret: \
         set --signing-secret (or PARASOL_SIGNING_SECRET) to the same value on every replica"
    )]
    SecretRequired,
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("workers cannot start: {0}")]
    Workers(String),
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

impl Shared {
    /// Opens the data directory (creating it), its lock and secret, and the
    /// job store; with SQLite, puts jobs a previous server left started
    /// back in the queue. Blocks (a PostgreSQL store is reached with a
    /// blocking client): async callers run it on a blocking thread.
    pub fn open(config: Config) -> Result<Arc<Shared>, ServeError> {
        let dirs = Dirs { root: config.data_dir.clone() };
        let data_err = |source| ServeError::DataDir { path: dirs.root.clone(), source };
        for d in [dirs.root.clone(), dirs.tmp()] {
            std::fs::create_dir_all(&d).map_err(data_err)?;
        }
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dirs.lock())
            .map_err(data_err)?;
        if lock.try_lock().is_err() {
            return Err(ServeError::Locked(dirs.root.clone()));
        }
        // Uploads of requests that were in flight when a server died.
        for entry in std::fs::read_dir(dirs.tmp()).map_err(data_err)?.flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
        let key = match (&config.signing_secret, &config.store) {
            (Some(shared_secret), _) => sign::Signer::key_from(shared_secret),
            (None, store::StoreConfig::Postgres(_)) => return Err(ServeError::SecretRequired),
            (None, store::StoreConfig::Sqlite) => secret(&dirs.secret()).map_err(data_err)?,
        };
        let signer = sign::Signer::new(key);
        let store: Arc<dyn store::JobStore> = Arc::from(config.store.open(&dirs.root)?);
        let requeued = store.requeue_started()?;
        if requeued > 0 {
            tracing::info!(jobs = requeued, "jobs interrupted by the last shutdown are back in the queue");
        }
        let metrics = Arc::new(metrics::Metrics::new());
        let pool = pool::Pool::new(config.pool.clone(), Arc::clone(&metrics));
        let chat = config.chat.clone().map(chat::ChatEngine::start);
        Ok(Arc::new(Shared {
            config,
            dirs,
            store,
            pool,
            metrics,
            signer,
            jobs_added: Notify::new(),
            chat,
            _lock: lock,
        }))
    }
}

/// The link-signing secret: read from `path`, made there on first use.
fn secret(path: &Path) -> std::io::Result<[u8; 32]> {
    if let Ok(bytes) = std::fs::read(path) {
        if let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice()) {
            return Ok(key);
        }
    }
    let key: [u8; 32] = rand::random();
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, key)?;
    std::fs::rename(&tmp, path)?;
    Ok(key)
}

/// Runs the server until `shutdown` resolves (Ctrl-C or SIGTERM in the
/// binary): stops accepting, lets requests in flight finish, gives running
/// jobs `shutdown_grace` and puts the rest back in the queue.
pub async fn serve(
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let addr = config.addr;
    let grace = config.shutdown_grace;
    let shared = tokio::task::spawn_blocking(move || Shared::open(config))
        .await
        .map_err(|e| ServeError::Io(std::io::Error::other(e)))??;
    let listener =
        tokio::net::TcpListener::bind(addr).await.map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener.local_addr()?;
    shared.pool.start_all().await.map_err(ServeError::Workers)?;
    tracing::info!(addr = %local, workers = shared.pool.size(), "listening");
    // The binary's tests wait for this line.
    eprintln!("parasol serve: listening on http://{local}");

    let (stop_claiming, claiming_rx) = watch::channel(false);
    let (cancel_running, cancel_rx) = watch::channel(false);
    let mut queue = tokio::spawn(jobs::run_queue(Arc::clone(&shared), claiming_rx.clone(), cancel_rx));
    let expiry = tokio::spawn(jobs::expire(Arc::clone(&shared), claiming_rx));
    let (http_stop_tx, http_stop_rx) = tokio::sync::oneshot::channel::<()>();
    let http = axum::serve(listener, app(Arc::clone(&shared)).into_make_service()).with_graceful_shutdown(
        async move {
            let _ = http_stop_rx.await;
        },
    );
    let http = tokio::spawn(async move { http.await });
    shutdown.await;
    tracing::info!("shutting down");
    let _ = http_stop_tx.send(());
    // No new jobs; running ones get the grace period, then are cancelled
    // and put back in the queue.
    let _ = stop_claiming.send(true);
    if tokio::time::timeout(grace, &mut queue).await.is_err() {
        let _ = cancel_running.send(true);
        let _ = queue.await;
    }
    let _ = expiry.await;
    let _ = tokio::time::timeout(grace, http).await;
    shared.pool.stop_idle();
    Ok(())
}
