//! A PostgreSQL server of a test's own, in a temporary folder on a free port, to stop and start at will.

use std::os::unix::fs::chown;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub struct PgServer {
    bin: PathBuf,
    data: PathBuf,
    pub port: u16,
    _dir: TempDir,
}

fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|dir| dir.join("initdb").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// The uid and gid of the `postgres` account, which runs the server when the
/// tests run as root (PostgreSQL refuses to run as root).
fn postgres_ids() -> (u32, u32) {
    let id = |flag: &str| {
        let out = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<u32>()
            .unwrap()
    };
    (id("-u"), id("-g"))
}

impl PgServer {
    /// Creates and starts a server, or returns `None` (saying why) where
    /// PostgreSQL's binaries are missing and CI does not require them.
    pub fn start(test: &str) -> Option<PgServer> {
        let Some(bin) = bin_dir() else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{test}: initdb and pg_ctl are missing, and CI=true requires this test");
            }
            eprintln!("{test}: skipped: no initdb under /usr/lib/postgresql");
            return None;
        };
        let dir = TempDir::new().unwrap();
        let data = dir.path().join("data");
        if is_root() {
            let (uid, gid) = postgres_ids();
            chown(dir.path(), Some(uid), Some(gid)).unwrap();
        }
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let server = PgServer {
            bin,
            data,
            port,
            _dir: dir,
        };
        let init = server.run(
            "initdb",
            &[
                "-D",
                server.data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
        );
        assert!(
            init.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        server.start_again();
        Some(server)
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let path = self.bin.join(program);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        command.args(args).current_dir("/").output().unwrap()
    }

    fn log(&self) -> PathBuf {
        self.data.parent().unwrap().join("server.log")
    }

    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.socket_dir().display()
        );
        let started = self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-l",
                self.log().to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
        assert!(
            started.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&started.stdout)
        );
    }

    pub fn stop(&self) {
        let stopped = self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        );
        assert!(
            stopped.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&stopped.stdout)
        );
    }

    /// The postmaster's process id, from its pid file.
    pub fn postmaster_pid(&self) -> i32 {
        let text = std::fs::read_to_string(self.data.join("postmaster.pid")).unwrap();
        text.lines().next().unwrap().trim().parse().unwrap()
    }

    /// The postmaster and every process it started (the backends, the
    /// writer, the checkpointer, ...).
    fn processes(&self) -> Vec<i32> {
        let postmaster = self.postmaster_pid();
        let mut pids = vec![postmaster];
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // "pid (name) state ppid ...": the name may hold spaces.
            let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            let parent = after_name
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse().ok());
            if parent == Some(postmaster) {
                pids.push(pid);
            }
        }
        pids
    }

    /// Stops every process of the server (SIGSTOP): its kernel still
    /// accepts connections and acknowledges packets, but nothing answers.
    /// The guard resumes them (SIGCONT) when dropped, even when a test
    /// fails; never use it on the machine's shared server.
    pub fn pause(&self) -> Paused {
        Paused::signal(self.processes())
    }

    fn socket_dir(&self) -> &Path {
        self.data.parent().unwrap()
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

/// Processes stopped with SIGSTOP, resumed when this is dropped.
pub struct Paused {
    pids: Vec<i32>,
}

impl Paused {
    /// Stops the processes `pids` (a server's, or one backend).
    pub fn signal(pids: Vec<i32>) -> Paused {
        for pid in &pids {
            if let Some(pid) = rustix::process::Pid::from_raw(*pid) {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::STOP);
            }
        }
        Paused { pids }
    }

    /// Resumes them now.
    pub fn resume(self) {}
}

impl Drop for Paused {
    fn drop(&mut self) {
        for pid in &self.pids {
            if let Some(pid) = rustix::process::Pid::from_raw(*pid) {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::CONT);
            }
        }
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}
