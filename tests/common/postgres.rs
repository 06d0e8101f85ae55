//! A real PostgreSQL 15 cluster for the tests: `initdb` in a temporary
//! directory, `pg_ctl start` on a free port (as the `postgres` user when
//! the tests run as root, which PostgreSQL refuses to run as), stopped and
//! removed when dropped, a panicking test included. No mock: the tests
//! talk to the real server over TCP.

#![allow(dead_code, clippy::unwrap_used)]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Debian's PostgreSQL 15 (the `postgresql` package pulls it in).
const BIN: &str = "/usr/lib/postgresql/15/bin";

pub struct Postgres {
    dir: PathBuf,
    pub port: u16,
    /// Who runs the cluster's programs: `Some((uid, gid))` of `postgres`
    /// when we are root.
    as_user: Option<(u32, u32)>,
}

fn bin(name: &str) -> PathBuf {
    let path = Path::new(BIN).join(name);
    assert!(
        path.exists(),
        "PostgreSQL 15 is missing ({} not found): install the Debian package `postgresql` \
         (apt-get install postgresql; .ci/run does)",
        path.display()
    );
    path
}

fn effective_uid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(2).unwrap().parse().unwrap()
}

/// `(uid, gid)` of a user in /etc/passwd.
fn user_ids(name: &str) -> (u32, u32) {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    let fields: Vec<&str> = passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&name))
        .unwrap_or_else(|| panic!("running as root, the tests run PostgreSQL as the user `{name}`, which does not exist (the `postgresql` package makes it)"));
    (fields[2].parse().unwrap(), fields[3].parse().unwrap())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Postgres {
    /// A fresh cluster, running and accepting connections.
    pub fn start() -> Postgres {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "parasol-pg-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let as_user = (effective_uid() == 0).then(|| user_ids("postgres"));
        if let Some((uid, gid)) = as_user {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).unwrap();
        }
        let pg = Postgres { dir, port: free_port(), as_user };
        let out = pg.run(Command::new(bin("initdb")).arg("-D").arg(pg.data()).args([
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ]));
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        pg.pg_ctl_start();
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn run(&self, cmd: &mut Command) -> Output {
        if let Some((uid, gid)) = self.as_user {
            cmd.uid(uid).gid(gid);
        }
        cmd.output().unwrap()
    }

    fn pg_ctl_start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.display()
        );
        let out = self.run(
            Command::new(bin("pg_ctl"))
                .arg("-D")
                .arg(self.data())
                .arg("-l")
                .arg(self.dir.join("log"))
                .args(["-o", &options, "-w", "-t", "60", "start"]),
        );
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.log()
        );
    }

    /// Stops the cluster at once (as a crash would), leaving its files.
    pub fn stop_immediately(&self) {
        let _ = self.run(Command::new(bin("pg_ctl")).arg("-D").arg(self.data()).args([
            "-m",
            "immediate",
            "-w",
            "stop",
        ]));
    }

    /// Starts it again, on the same port.
    pub fn start_again(&self) {
        self.pg_ctl_start();
    }

    /// Runs SQL with `psql`; its unaligned, tuples-only output.
    /// `psql` connected to this cluster, running `sql` (stopping at the
    /// first error), not yet started.
    pub fn psql_command(&self, sql: &str) -> Command {
        let mut command = Command::new(bin("psql"));
        command
            .args([
                "-X",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "postgres",
            ])
            .args(["-p", &self.port.to_string(), "-c", sql]);
        command
    }

    #[track_caller]
    pub fn psql(&self, sql: &str) -> String {
        let out = self.psql_command(sql).output().unwrap();
        assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop_immediately();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
