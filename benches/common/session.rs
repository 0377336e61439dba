//! A program in an 80x24 pseudo-terminal for the benches: its output kept with the time each piece arrived, keys sent, memory read.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed bench

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::pty;

/// What the program wrote, with the time each piece arrived.
type Output = Arc<Mutex<Vec<(Instant, Vec<u8>)>>>;

/// A program in an 80x24 pseudo-terminal, its output kept with the time
/// each piece arrived.
pub struct Session {
    pub child: Child,
    writer: File,
    output: Output,
    pub started: Instant,
}

impl Session {
    pub fn spawn(program: &Path, args: &[&str], envs: &[(String, String)]) -> Session {
        let mut command = Command::new(program);
        command
            .args(args)
            .env_clear()
            .envs(envs.iter().map(|(k, v)| (k, v)))
            .env("TERM", "xterm-256color")
            .env("LANG", "C.UTF-8");
        let mut master = pty::attach_to_new_terminal(&mut command, 80, 24);
        let started = Instant::now();
        let child = command.spawn().unwrap();
        let writer = master.try_clone().unwrap();
        let output: Output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        thread::spawn(move || {
            let mut buffer = [0u8; 65536];
            while let Ok(n) = master.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push((Instant::now(), buffer[..n].to_vec()));
            }
        });
        Session {
            child,
            writer,
            output,
            started,
        }
    }

    pub fn bytes(&self) -> usize {
        self.output
            .lock()
            .unwrap()
            .iter()
            .map(|(_, b)| b.len())
            .sum()
    }

    pub fn text(&self) -> String {
        let chunks = self.output.lock().unwrap();
        String::from_utf8_lossy(
            &chunks
                .iter()
                .flat_map(|(_, b)| b.clone())
                .collect::<Vec<u8>>(),
        )
        .into_owned()
    }

    pub fn last_output(&self) -> Option<Instant> {
        self.output.lock().unwrap().last().map(|(at, _)| *at)
    }

    /// Waits until nothing has come for `quiet` (at most 2 s).
    pub fn settle(&self, quiet: Duration) {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let since = self
                .last_output()
                .map_or(self.started.elapsed(), |at| at.elapsed());
            if since >= quiet || Instant::now() > deadline {
                return;
            }
            thread::sleep(Duration::from_millis(1));
        }
    }

    pub fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.text().contains(text) {
            assert!(Instant::now() < deadline, "{text:?} never appeared");
            thread::sleep(Duration::from_millis(1));
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
    }

    /// Bytes written in answer to `key`.
    pub fn bytes_for(&mut self, key: &[u8]) -> usize {
        let before = self.bytes();
        self.send(key);
        // Wait for the answer to start, then for it to end.
        let deadline = Instant::now() + Duration::from_millis(500);
        while self.bytes() == before && Instant::now() < deadline {
            thread::sleep(Duration::from_micros(200));
        }
        self.settle(Duration::from_millis(30));
        self.bytes() - before
    }

    pub fn peak_rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// Sends `key` and measures until the process has exited.
    pub fn quit_ms(&mut self, key: &[u8]) -> f64 {
        let sent = Instant::now();
        self.send(key);
        loop {
            if self.child.try_wait().unwrap().is_some() {
                return sent.elapsed().as_secs_f64() * 1000.0;
            }
            assert!(sent.elapsed() < Duration::from_secs(5), "did not quit");
            thread::sleep(Duration::from_micros(100));
        }
    }
}

/// The middle value (the upper one of an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        f64::NAN
    } else {
        sorted[sorted.len() / 2]
    }
}
