//! The console as an admin meets it, in a pseudo-terminal: first frame, bytes per key, idle bytes, memory, quit time.
//!
//! Measures the release binary beside `examples/bare_console.rs` (a bare
//! ratatui app, built here in the same run) and prints each figure with its
//! ratio and target. Run with `cargo bench --bench terminal`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

#[path = "../tests/common/pty.rs"]
#[allow(dead_code)]
mod pty;
#[path = "common/session.rs"]
#[allow(dead_code)]
mod session;

use session::{Session, median};

const RUNS: usize = 5;

/// Starts measured for the first frame alone: a start is short, and the
/// figure moves most with the machine's load.
const START_RUNS: usize = 31;

#[derive(Default)]
struct Figures {
    first_frame_ms: Vec<f64>,
    first_frame_bytes: Vec<f64>,
    bytes_per_tab_switch: Vec<f64>,
    bytes_per_digit: Vec<f64>,
    bytes_per_char: Vec<f64>,
    bytes_per_move: Vec<f64>,
    idle_bytes: Vec<f64>,
    peak_rss_kb: Vec<f64>,
    quit_ms: Vec<f64>,
}

/// One start of a program: the time from spawning it to the last output of
/// its first frame (marked by `ready`); then it is made to quit.
fn measure_start(
    figures: &mut Figures,
    program: &Path,
    envs: &[(String, String)],
    ready: &str,
    quit: &[u8],
) {
    let mut session = Session::spawn(program, &[], envs);
    session.wait_for(ready);
    session.settle(Duration::from_millis(50));
    let first = session.last_output().unwrap() - session.started;
    figures.first_frame_ms.push(first.as_secs_f64() * 1000.0);
    session.quit_ms(quit);
}

/// One run of a program: `ready` marks the first frame; `open_field` opens
/// the input field; `moves` are the keys that move a selection.
fn measure(
    figures: &mut Figures,
    program: &Path,
    envs: &[(String, String)],
    ready: &str,
    open_field: Option<&[u8]>,
    quit: &[u8],
    measure_moves: bool,
) {
    let mut session = Session::spawn(program, &[], envs);
    session.wait_for(ready);
    session.settle(Duration::from_millis(50));
    figures.first_frame_bytes.push(session.bytes() as f64);

    if measure_moves {
        // To the Tasks tab and back, by Tab and by digit.
        for key in [b"\t", b"\t", b"2", b"1"] {
            let bytes = session.bytes_for(key);
            figures.bytes_per_tab_switch.push(bytes as f64);
        }
        // Digits typed into the Risk tab's number dialog (the window,
        // in hours), then Esc and back to the first tab.
        session.bytes_for(b"4");
        for _ in 0..6 {
            session.bytes_for(b"\x1b[B");
        }
        session.bytes_for(b"\r");
        let mut per_digit = Vec::new();
        for digit in b"12345" {
            per_digit.push(session.bytes_for(&[*digit]) as f64);
        }
        figures.bytes_per_digit.push(median(&per_digit));
        session.bytes_for(b"\x1b");
        thread::sleep(Duration::from_millis(100));
        session.bytes_for(b"1");
        for key in [b"\x1b[B", b"\x1b[B", b"\x1b[A", b"\x1b[A"] {
            let bytes = session.bytes_for(key);
            figures.bytes_per_move.push(bytes as f64);
        }
    }
    if let Some(open) = open_field {
        session.bytes_for(open);
    }
    let mut per_char = Vec::new();
    for c in "sk-proj-abcdefghijklmnop".bytes() {
        per_char.push(session.bytes_for(&[c]) as f64);
    }
    figures.bytes_per_char.push(median(&per_char));
    if open_field.is_some() {
        // Esc alone, then a pause, so that it is not read as Alt with the next key.
        session.bytes_for(b"\x1b");
        thread::sleep(Duration::from_millis(100));
    }
    let before = session.bytes();
    thread::sleep(Duration::from_secs(5));
    figures.idle_bytes.push((session.bytes() - before) as f64);
    figures.peak_rss_kb.push(session.peak_rss_kb() as f64);
    figures.quit_ms.push(session.quit_ms(quit));
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn build_bare_console() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--release", "--example", "bare_console"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success(), "cannot build the bare console");
    target_dir().join("release/examples/bare_console")
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass
    // nothing: only run when asked to bench.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let llm_settings = PathBuf::from(env!("CARGO_BIN_EXE_llm-settings"));
    let bare = build_bare_console();
    let home = tempfile::tempdir().unwrap();
    let path = |p: &str| home.path().join(p).display().to_string();
    let envs = vec![
        ("HOME".to_owned(), path("")),
        ("XDG_DATA_HOME".to_owned(), path("data")),
        ("XDG_CONFIG_HOME".to_owned(), path("config")),
        ("USER".to_owned(), "bench".to_owned()),
    ];
    for provider in ["openai", "gemini", "anthropic", "openrouter", "ollama"] {
        let mut child = Command::new(&llm_settings)
            .args(["providers", "set", provider])
            .env_clear()
            .envs(envs.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let key = format!("sk-proj-BENCHbenchBENCHbench-{provider}");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(key.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());
    }

    let mut ours = Figures::default();
    let mut floor = Figures::default();
    for _ in 0..START_RUNS {
        measure_start(&mut floor, &bare, &envs, "charlie", b"\x1b");
        measure_start(&mut ours, &llm_settings, &envs, "Ollama", b"q");
    }
    for _ in 0..RUNS {
        measure(&mut floor, &bare, &envs, "charlie", None, b"\x1b", false);
        measure(
            &mut ours,
            &llm_settings,
            &envs,
            "Ollama",
            Some(b"\r"),
            b"q",
            true,
        );
    }

    let whole_process_ms = |args: &[&str]| {
        let mut times = Vec::new();
        for _ in 0..21 {
            let started = Instant::now();
            let status = Command::new(&llm_settings)
                .args(args)
                .env_clear()
                .envs(envs.iter().map(|(k, v)| (k, v)))
                .stdout(Stdio::null())
                .status()
                .unwrap();
            assert!(status.success());
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        median(&times)
    };
    let list_ms = whole_process_ms(&["providers", "list", "--json"]);
    let tasks_ms = whole_process_ms(&["tasks", "list", "--json"]);
    let global_ms = whole_process_ms(&["global", "show", "--json"]);
    let screen_bytes = median(&ours.first_frame_bytes);

    let first_ratio = median(&ours.first_frame_ms) / median(&floor.first_frame_ms);
    let rows = [
        (
            "first complete frame (ms)",
            median(&ours.first_frame_ms),
            median(&floor.first_frame_ms),
            format!("ratio {first_ratio:.2}, target <= 2.2"),
            first_ratio <= 2.2,
        ),
        (
            "bytes of the first frame (one screen)",
            screen_bytes,
            median(&floor.first_frame_bytes),
            "-".to_owned(),
            true,
        ),
        (
            "bytes per switch of tab",
            median(&ours.bytes_per_tab_switch),
            f64::NAN,
            format!("target <= one screen ({screen_bytes:.0})"),
            median(&ours.bytes_per_tab_switch) <= screen_bytes,
        ),
        (
            "bytes per typed character",
            median(&ours.bytes_per_char),
            median(&floor.bytes_per_char),
            "target <= 48".to_owned(),
            median(&ours.bytes_per_char) <= 48.0,
        ),
        (
            "bytes per selection move",
            median(&ours.bytes_per_move),
            f64::NAN,
            "target <= 160".to_owned(),
            median(&ours.bytes_per_move) <= 160.0,
        ),
        (
            "bytes in 5 s without input",
            median(&ours.idle_bytes),
            median(&floor.idle_bytes),
            "target 0".to_owned(),
            median(&ours.idle_bytes) == 0.0,
        ),
        (
            "peak resident memory (KiB)",
            median(&ours.peak_rss_kb),
            median(&floor.peak_rss_kb),
            "target <= 8192".to_owned(),
            median(&ours.peak_rss_kb) <= 8192.0,
        ),
        (
            "quit to exit (ms)",
            median(&ours.quit_ms),
            median(&floor.quit_ms),
            "target <= 5".to_owned(),
            median(&ours.quit_ms) <= 5.0,
        ),
        (
            "providers list --json, whole process (ms)",
            list_ms,
            f64::NAN,
            "target <= 10".to_owned(),
            list_ms <= 10.0,
        ),
        (
            "global show --json, whole process (ms)",
            global_ms,
            f64::NAN,
            "target <= 10".to_owned(),
            global_ms <= 10.0,
        ),
        (
            "bytes per digit typed in the number dialog",
            median(&ours.bytes_per_digit),
            f64::NAN,
            "target <= 48".to_owned(),
            median(&ours.bytes_per_digit) <= 48.0,
        ),
        (
            "tasks list --json, whole process (ms)",
            tasks_ms,
            f64::NAN,
            "target <= 10".to_owned(),
            tasks_ms <= 10.0,
        ),
    ];
    println!(
        "\nmedians at 80x24: the first frame of {START_RUNS} starts, the other figures of {RUNS} runs, the list command of 21 runs\n"
    );
    println!("| figure | llm-settings | bare ratatui | target | met |");
    println!("|---|---|---|---|---|");
    for (name, value, baseline, target, met) in rows {
        let baseline = if baseline.is_nan() {
            "-".to_owned()
        } else {
            format!("{baseline:.1}")
        };
        println!(
            "| {name} | {value:.1} | {baseline} | {target} | {} |",
            if met { "yes" } else { "NO" }
        );
    }
}
