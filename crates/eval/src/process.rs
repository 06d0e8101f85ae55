//! Running a child process with a time limit while sampling its peak memory.
//!
//! Peak RSS is the kernel's high-water mark `VmHWM` from `/proc/<pid>/status`,
//! sampled every 10 ms while the child runs (it is gone once the child
//! exits). The mark only grows, so sampling loses at most the growth of the
//! final 10 ms; this needs no `unsafe` (unlike `wait4`) and no dependency.
//! On systems without `/proc` the peak is `None`.

use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::EvalError;

/// How a child process ended.
#[derive(Debug)]
pub struct ChildRun {
    /// `None` when it was killed for running past the limit.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    /// Peak resident set size in bytes.
    pub peak_rss: Option<u64>,
}

impl ChildRun {
    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }

    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }

    /// The signal that killed it, if any.
    pub fn signal(&self) -> Option<i32> {
        use std::os::unix::process::ExitStatusExt;
        self.status.and_then(|s| s.signal())
    }
}

/// Runs `program args…` with stdin closed, killing it after `limit`.
/// Output goes through files in `scratch` (pipes could fill and stall it).
pub fn run(
    program: &Path,
    args: &[&std::ffi::OsStr],
    envs: &[(&str, &std::ffi::OsStr)],
    limit: Duration,
    scratch: &Path,
) -> Result<ChildRun, EvalError> {
    std::fs::create_dir_all(scratch).map_err(|source| io_error(scratch, source))?;
    let (out_path, err_path) = (scratch.join("stdout"), scratch.join("stderr"));
    let out = std::fs::File::create(&out_path).map_err(|source| io_error(&out_path, source))?;
    let err = std::fs::File::create(&err_path).map_err(|source| io_error(&err_path, source))?;
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|source| EvalError::Spawn { program: program.to_owned(), source })?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak: Option<u64> = None;
    let status = loop {
        if let Some(hwm) = vm_hwm(&status_path) {
            peak = Some(peak.map_or(hwm, |p| p.max(hwm)));
        }
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) => {}
            Err(source) => return Err(EvalError::Spawn { program: program.to_owned(), source }),
        }
        if start.elapsed() > limit {
            // Killing a child we spawned and still own, by its handle.
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    Ok(ChildRun {
        status,
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        elapsed,
        peak_rss: peak,
    })
}

fn io_error(path: &Path, source: std::io::Error) -> EvalError {
    EvalError::Io { path: path.to_owned(), source }
}

/// `VmHWM` in bytes from a `/proc/<pid>/status` file.
fn vm_hwm(status_path: &str) -> Option<u64> {
    let s = std::fs::read_to_string(status_path).ok()?;
    parse_vm_hwm(&s)
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Bytes as MiB.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_high_water_mark() {
        let status = "Name:\tparasol\nVmPeak:\t  200 kB\nVmHWM:\t    1536 kB\nVmRSS:\t 1024 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(1536 * 1024));
        assert_eq!(parse_vm_hwm("Name: x\n"), None);
    }

    #[test]
    fn measures_a_real_child_and_enforces_the_limit() {
        let scratch = std::env::temp_dir().join(format!("parasol-eval-process-{}", std::process::id()));
        let sh = Path::new("/bin/sh");
        let ok =
            run(sh, &["-c".as_ref(), "echo hi; exit 3".as_ref()], &[], Duration::from_secs(10), &scratch)
                .unwrap();
        assert_eq!(ok.code(), Some(3));
        assert_eq!(ok.stdout, "hi\n");
        let slow =
            run(sh, &["-c".as_ref(), "sleep 5".as_ref()], &[], Duration::from_millis(200), &scratch).unwrap();
        assert!(slow.timed_out());
        assert!(slow.elapsed < Duration::from_secs(4));
        // A child that lives for a while has its high-water mark sampled.
        let sampled =
            run(sh, &["-c".as_ref(), "sleep 0.2".as_ref()], &[], Duration::from_secs(10), &scratch).unwrap();
        assert!(sampled.peak_rss.is_some_and(|b| b > 0), "{:?}", sampled.peak_rss);
        let _ = std::fs::remove_dir_all(&scratch);
    }
}
