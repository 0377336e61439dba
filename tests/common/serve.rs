//! `serve` run for the tests, and asked by a real HTTP client (curl) over its unix socket or over TCP.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::Value;

use super::Sandbox;

/// A running `llm-settings-serve`, and what it logs.
pub struct Server {
    pub child: Child,
    /// The unix socket it listens on; empty over TCP.
    pub socket: PathBuf,
    /// `http://127.0.0.1:PORT` over TCP; `http://localhost` on the socket.
    pub base: String,
    pub log: Receiver<String>,
}

impl Server {
    pub fn start(sandbox: &Sandbox, socket: &Path) -> Server {
        Server::start_at(sandbox, Some(socket))
    }

    /// A server on `socket`, or on the default path when `None`.
    pub fn start_at(sandbox: &Sandbox, socket: Option<&Path>) -> Server {
        match socket {
            Some(socket) => Server::start_with(sandbox, &["--socket".as_ref(), socket.as_os_str()]),
            None => Server::start_with(sandbox, &[]),
        }
    }

    /// A server started with `args` (`--listen 127.0.0.1:0`: on a port the
    /// kernel gives).
    pub fn start_with(sandbox: &Sandbox, args: &[&std::ffi::OsStr]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_llm-settings-serve"));
        command.env_clear().args(args);
        for (name, value) in &sandbox.envs {
            command.env(name, value);
        }
        // The most a logger would say: every test's log is searched for
        // secrets with it.
        command.env("RUST_LOG", "trace");
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (lines, log) = mpsc::channel();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let first = log.recv_timeout(Duration::from_secs(20)).unwrap();
        let place = first
            .strip_prefix("serving the settings API on ")
            .unwrap_or_else(|| panic!("{first}"));
        let (socket, base) = match place.strip_prefix("http://") {
            Some(_) => (PathBuf::new(), place.to_owned()),
            None => (PathBuf::from(place), "http://localhost".to_owned()),
        };
        Server {
            child,
            socket,
            base,
            log,
        }
    }

    /// Every line logged so far.
    pub fn logged(&self) -> Vec<String> {
        self.log.try_iter().collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One answer: status, headers (lower-case names), body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Asks the server with curl, over its socket or TCP; `body` is sent as it is.
pub fn ask(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[&str],
    body: Option<&[u8]>,
) -> Answer {
    if server.socket.as_os_str().is_empty() {
        ask_with(&[], &server.base, method, path, headers, body)
    } else {
        ask_at(&server.socket, method, path, headers, body)
    }
}

/// As `ask`, on the socket at `socket`.
pub fn ask_at(
    socket: &Path,
    method: &str,
    path: &str,
    headers: &[&str],
    body: Option<&[u8]>,
) -> Answer {
    let socket = socket.to_string_lossy();
    ask_with(
        &["--unix-socket", &socket],
        "http://localhost",
        method,
        path,
        headers,
        body,
    )
}

/// Asks `base` + `path` with curl and its `options` (`--interface
/// 127.0.0.2`, `--unix-socket PATH`); `body` is sent as it is.
pub fn ask_with(
    options: &[&str],
    base: &str,
    method: &str,
    path: &str,
    headers: &[&str],
    body: Option<&[u8]>,
) -> Answer {
    let mut command = Command::new("curl");
    command
        .args(["-s", "-i", "--max-time", "20"])
        .args(options)
        .args(["-X", method]);
    for header in headers {
        command.args(["-H", header]);
    }
    if body.is_some() {
        command.args(["--data-binary", "@-"]);
    }
    command.arg(format!("{base}{path}"));
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    if let Some(body) = body {
        stdin.write_all(body).unwrap();
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no answer: {text}"));
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

pub fn json_header() -> &'static str {
    "Content-Type: application/json"
}
