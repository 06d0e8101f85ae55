//! The pool of worker processes.
//!
//! Each slot holds at most one `parasol worker` process, started on first
//! need and again after it dies. A caller takes a slot with
//! [`Pool::acquire`] (synchronous requests before queued jobs), runs one
//! conversion on it with [`Lease::convert`], and gives it back by dropping
//! the lease. A worker that dies, hangs past the timeout or is cancelled
//! mid-way costs only the conversion it was doing: its slot starts a fresh
//! process for the next one.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout};
use tokio::sync::oneshot;

use crate::metrics::Metrics;
use crate::protocol::nonblocking::{read_frame, write_frame};
use crate::protocol::{Command, ConvertCommand, FailureKind, Reply};

/// How the pool starts and limits its workers.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// The worker's command line (program and arguments).
    pub command: Vec<OsString>,
    pub size: usize,
    /// Longest a conversion may run before its worker is killed.
    pub job_timeout: Duration,
    /// The worker's address-space cap, for the messages that mention it.
    pub memory_limit_mib: Option<u64>,
}

/// How long a worker may take to load its models.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a cancelled conversion may take to stop before its worker is killed.
const CANCEL_GRACE: Duration = Duration::from_secs(20);
/// Lines of a worker's stderr kept to explain its death.
const STDERR_TAIL: usize = 20;

/// Why a conversion on a worker did not complete.
#[derive(Debug, Clone, PartialEq)]
pub enum RunError {
    /// The worker answered that the document cannot be converted.
    Failed {
        kind: FailureKind,
        message: String,
    },
    /// The worker process died while converting.
    Crashed(String),
    TimedOut,
    /// No worker could be started (models missing, binary gone).
    Unavailable(String),
}

/// Who is waiting for a slot: synchronous requests go first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Interactive,
    Queued,
}

#[derive(Debug)]
pub struct Pool {
    config: PoolConfig,
    state: Mutex<State>,
    live: AtomicUsize,
    metrics: Arc<Metrics>,
}

#[derive(Debug, Default)]
struct State {
    idle: Vec<Slot>,
    interactive: VecDeque<oneshot::Sender<Slot>>,
    queued: VecDeque<oneshot::Sender<Slot>>,
}

#[derive(Debug, Default)]
struct Slot {
    worker: Option<Worker>,
}

#[derive(Debug)]
struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
}

/// A slot taken from the pool; dropping it gives the slot back.
#[derive(Debug)]
pub struct Lease {
    pool: Arc<Pool>,
    slot: Option<Slot>,
    /// A conversion was sent and not yet answered in full.
    in_flight: bool,
}

impl Pool {
    pub fn new(config: PoolConfig, metrics: Arc<Metrics>) -> Arc<Pool> {
        let state =
            State { idle: (0..config.size.max(1)).map(|_| Slot::default()).collect(), ..State::default() };
        Arc::new(Pool { config, state: Mutex::new(state), live: AtomicUsize::new(0), metrics })
    }

    /// Starts every worker now, so that the first requests do not wait for
    /// models to load.
    pub async fn start_all(self: &Arc<Pool>) -> Result<(), String> {
        let mut leases = Vec::new();
        for _ in 0..self.config.size.max(1) {
            let mut lease = self.acquire(Priority::Queued).await;
            lease.ensure_started().await?;
            leases.push(lease);
        }
        Ok(())
    }

    /// Workers started and ready.
    pub fn live(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }

    /// Synchronous requests waiting for a worker.
    pub fn waiting(&self) -> usize {
        self.lock().interactive.iter().filter(|tx| !tx.is_closed()).count()
    }

    /// Whether a worker is free right now.
    pub fn has_idle(&self) -> bool {
        !self.lock().idle.is_empty()
    }

    pub fn size(&self) -> usize {
        self.config.size.max(1)
    }

    pub fn job_timeout(&self) -> Duration {
        self.config.job_timeout
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a free slot.
    pub async fn acquire(self: &Arc<Pool>, priority: Priority) -> Lease {
        let rx = {
            let mut state = self.lock();
            if let Some(slot) = state.idle.pop() {
                return Lease { pool: Arc::clone(self), slot: Some(slot), in_flight: false };
            }
            let (tx, rx) = oneshot::channel();
            match priority {
                Priority::Interactive => state.interactive.push_back(tx),
                Priority::Queued => state.queued.push_back(tx),
            }
            rx
        };
        // The sender lives in the pool's state, which lives as long as we
        // hold the Arc: the channel is only dropped after a send.
        let slot = rx.await.unwrap_or_default();
        Lease { pool: Arc::clone(self), slot: Some(slot), in_flight: false }
    }

    fn release(&self, mut slot: Slot) {
        let mut state = self.lock();
        let State { idle, interactive, queued } = &mut *state;
        for waiters in [interactive, queued] {
            while let Some(tx) = waiters.pop_front() {
                match tx.send(slot) {
                    Ok(()) => return,
                    Err(back) => slot = back,
                }
            }
        }
        idle.push(slot);
    }

    /// Stops every idle worker (at shutdown).
    pub fn stop_idle(&self) {
        let mut state = self.lock();
        for slot in &mut state.idle {
            if let Some(mut w) = slot.worker.take() {
                let _ = w.child.start_kill();
                self.live.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }

    async fn spawn(&self) -> Result<Worker, String> {
        let (program, args) =
            self.config.command.split_first().ok_or_else(|| "no worker command".to_string())?;
        let mut child = tokio::process::Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            // Fewer malloc arenas: a worker's address space (which the memory
            // cap bounds) and resident size stay close to what it uses.
            .env("MALLOC_ARENA_MAX", std::env::var_os("MALLOC_ARENA_MAX").unwrap_or_else(|| "2".into()))
            .spawn()
            .map_err(|e| format!("cannot start a worker: {e}"))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err("cannot start a worker: no pipes".into());
        };
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail = Arc::clone(&stderr_tail);
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("{line}");
                let mut tail = tail.lock().unwrap_or_else(|p| p.into_inner());
                if tail.len() == STDERR_TAIL {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
        });
        let mut worker = Worker { child, stdin, stdout: BufReader::new(stdout), stderr_tail };
        let ready = tokio::time::timeout(STARTUP_TIMEOUT, read_frame::<Reply>(&mut worker.stdout)).await;
        match ready {
            Ok(Ok(Some(Reply::Ready))) => {
                self.live.fetch_add(1, Ordering::Relaxed);
                Ok(worker)
            }
            _ => {
                let _ = worker.child.start_kill();
                let status = worker.child.wait().await.ok();
                let tail = worker.tail();
                let last = tail.last().map(String::as_str).unwrap_or("no message");
                Err(format!(
                    "a worker failed to start ({}): {last}",
                    status.map_or("no status".into(), describe)
                ))
            }
        }
    }
}

impl Worker {
    fn tail(&self) -> Vec<String> {
        self.stderr_tail.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }
}

/// "killed by SIGKILL", "exit status 3".
fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(sig)) => {
            let name = match sig {
                6 => "SIGABRT",
                9 => "SIGKILL",
                11 => "SIGSEGV",
                7 => "SIGBUS",
                4 => "SIGILL",
                8 => "SIGFPE",
                _ => "a signal",
            };
            format!("killed by {name} ({sig})")
        }
        _ => "unknown status".into(),
    }
}

impl Lease {
    async fn ensure_started(&mut self) -> Result<(), String> {
        let slot = self.slot.get_or_insert_with(Slot::default);
        if slot.worker.is_none() {
            slot.worker = Some(self.pool.spawn().await?);
        }
        Ok(())
    }

    /// Runs one conversion; `on_reply` hears every `Opened`, `Progress` and
    /// `Batch` reply. Dropping the future mid-way cancels the conversion.
    pub async fn convert(
        &mut self,
        command: ConvertCommand,
        on_reply: &mut (dyn FnMut(Reply) + Send),
    ) -> Result<(), RunError> {
        self.ensure_started().await.map_err(RunError::Unavailable)?;
        let timeout = self.pool.config.job_timeout;
        self.in_flight = true;
        let worker = self.worker();
        let run = async {
            write_frame(&mut worker.stdin, &Command::Convert(command)).await?;
            loop {
                match read_frame::<Reply>(&mut worker.stdout).await? {
                    Some(Reply::Done) => return Ok(Ok(())),
                    Some(Reply::Failed { kind, message }) => {
                        return Ok(Err(RunError::Failed { kind, message }))
                    }
                    Some(Reply::Ready) => {}
                    Some(reply) => on_reply(reply),
                    None => return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof)),
                }
            }
        };
        let outcome = tokio::time::timeout(timeout, run).await;
        match outcome {
            Ok(Ok(result)) => {
                self.in_flight = false;
                result
            }
            Ok(Err(_io)) => {
                let message = self.bury().await;
                Err(RunError::Crashed(message))
            }
            Err(_elapsed) => {
                self.bury().await;
                Err(RunError::TimedOut)
            }
        }
    }

    fn worker(&mut self) -> &mut Worker {
        // ensure_started put one there.
        match self.slot.as_mut().and_then(|s| s.worker.as_mut()) {
            Some(w) => w,
            None => unreachable!("a lease converts only with a started worker"),
        }
    }

    /// Kills the worker (if it still runs), waits for it and says why it
    /// stopped; the slot starts a new one next time.
    async fn bury(&mut self) -> String {
        self.in_flight = false;
        let Some(mut worker) = self.slot.as_mut().and_then(|s| s.worker.take()) else {
            return "no worker".into();
        };
        self.pool.live.fetch_sub(1, Ordering::Relaxed);
        self.pool.metrics.worker_restarts.inc();
        let _ = worker.child.start_kill();
        let status = worker.child.wait().await.ok();
        // Let the stderr reader catch the last lines.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let tail = worker.tail();
        let said = |needles: &[&str]| tail.iter().any(|l| needles.iter().any(|n| l.contains(n)));
        let cause =
            if said(&["memory allocation of", "AllocError", "Failed to allocate memory", "out of memory"]) {
                match self.pool.config.memory_limit_mib {
                    Some(mib) => format!("the document needs more memory than a worker may use ({mib} MiB)"),
                    None => "the worker ran out of memory".into(),
                }
            } else if said(&["overflowed its stack"]) {
                "the document overflowed the worker's stack".into()
            } else if status.is_some_and(|s| s.code() == Some(101)) {
                // A panic: its message is an internal detail, kept in the log.
                "an internal error (see the server log)".into()
            } else {
                status.map_or("unknown status".into(), describe)
            };
        format!("the worker converting this document stopped: {cause}")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let Some(mut slot) = self.slot.take() else { return };
        if !self.in_flight {
            self.pool.release(slot);
            return;
        }
        // The conversion's caller went away (a client disconnected): tell
        // the worker to stop, drain its answer, then give the slot back.
        let pool = Arc::clone(&self.pool);
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            if let Some(w) = slot.worker.as_mut() {
                let _ = w.child.start_kill();
            }
            return;
        };
        handle.spawn(async move {
            if let Some(mut worker) = slot.worker.take() {
                let drained = tokio::time::timeout(CANCEL_GRACE, async {
                    write_frame(&mut worker.stdin, &Command::Cancel).await?;
                    loop {
                        match read_frame::<Reply>(&mut worker.stdout).await? {
                            Some(Reply::Done | Reply::Failed { .. }) => return Ok::<_, std::io::Error>(()),
                            Some(_) => {}
                            None => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                        }
                    }
                })
                .await;
                if matches!(drained, Ok(Ok(()))) {
                    slot.worker = Some(worker);
                } else {
                    let _ = worker.child.start_kill();
                    let _ = worker.child.wait().await;
                    pool.live.fetch_sub(1, Ordering::Relaxed);
                    pool.metrics.worker_restarts.inc();
                }
            }
            pool.release(slot);
        });
    }
}
