//! `serve` measured: `GET /providers` over a kept-alive connection beside a bare axum handler that answers the same bytes (median, 99th percentile, throughput), on the socket and over TCP with a token; a key saved through `POST` beside the library's own save, on each backend; the server's memory idle, over 10,000 requests and with 50 subscribers of `/events`; its CPU while idle; the delay from a commit to its event.
//!
//! Run with `cargo bench --bench serve` (with `TEST_POSTGRES_URL` for the
//! PostgreSQL save). Both servers are asked by the same small client, one
//! request at a time on one connection, alternating in rounds so that the
//! machine's noise falls on both.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed bench

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use llm_settings::api_key::ApiKey;
use llm_settings::secret::generate_key_file;
use llm_settings::{Actor, OpenOptions, Provider, Settings};

const KEY: &str = "sk-proj-BENCHbenchBENCHbenchBENCH-0001";
const ROUNDS: usize = 10;
const PER_ROUND: usize = 500;

/// One kept-alive connection, asking and reading whole answers.
struct Client {
    reader: BufReader<Box<dyn Read>>,
    writer: Box<dyn Write>,
    /// Headers sent with every request (a token over TCP).
    extra: String,
}

impl Client {
    fn connect(socket: &Path) -> Client {
        let stream = UnixStream::connect(socket).unwrap();
        Client {
            reader: BufReader::new(Box::new(stream.try_clone().unwrap())),
            writer: Box::new(stream),
            extra: String::new(),
        }
    }

    /// Over TCP to `address`, with `token` on every request when given.
    fn connect_tcp(address: std::net::SocketAddr, token: Option<&str>) -> Client {
        let stream = std::net::TcpStream::connect(address).unwrap();
        stream.set_nodelay(true).unwrap();
        Client {
            reader: BufReader::new(Box::new(stream.try_clone().unwrap())),
            writer: Box::new(stream),
            extra: token
                .map(|token| format!("Authorization: Bearer {token}\r\n"))
                .unwrap_or_default(),
        }
    }

    /// Sends one request and reads its answer: status and body.
    fn ask(&mut self, method: &str, path: &str, body: Option<&str>) -> (u16, Vec<u8>) {
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{}",
            self.extra
        );
        if let Some(body) = body {
            request.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        request.push_str("\r\n");
        request.push_str(body.unwrap_or_default());
        self.writer.write_all(request.as_bytes()).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        let mut length = 0;
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut answer = vec![0; length];
        self.reader.read_exact(&mut answer).unwrap();
        (status, answer)
    }
}

/// A home with a master key and a database, and what the server needs.
struct Home {
    dir: tempfile::TempDir,
    database: String,
}

impl Home {
    fn new(database: Option<String>) -> Home {
        let dir = tempfile::tempdir().unwrap();
        generate_key_file(&dir.path().join("config/llm-settings/master.key")).unwrap();
        let database =
            database.unwrap_or_else(|| dir.path().join("bench.db").display().to_string());
        Home { dir, database }
    }

    fn options(&self) -> OpenOptions {
        OpenOptions {
            database_url: Some(self.database.clone()),
            key_file: Some(self.dir.path().join("config/llm-settings/master.key")),
            actor: Some(Actor::new("bench", None)),
        }
    }

    fn serve(&self) -> Server {
        let socket = self.dir.path().join("api.sock");
        self.serve_with(&["--socket".as_ref(), socket.as_os_str()], socket.clone())
    }

    /// A server on a loopback port the kernel gives, and its address.
    fn serve_tcp(&self) -> (Server, std::net::SocketAddr) {
        let mut child = self
            .command(&["--listen".as_ref(), "127.0.0.1:0".as_ref()])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        stderr.read_line(&mut first).unwrap();
        // The access log is read and dropped: a full pipe would hold the
        // server up, and a closed one would fail its writes.
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        let address = first
            .trim()
            .strip_prefix("serving the settings API on http://")
            .unwrap_or_else(|| panic!("{first}"))
            .parse()
            .unwrap();
        (
            Server {
                child,
                socket: PathBuf::new(),
            },
            address,
        )
    }

    fn command(&self, args: &[&std::ffi::OsStr]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_llm-settings-serve"));
        command
            .args(args)
            .env_clear()
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("DATABASE_URL", &self.database)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        command
    }

    fn serve_with(&self, args: &[&std::ffi::OsStr], socket: PathBuf) -> Server {
        let child = self
            .command(args)
            // The access log is not what is measured.
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while UnixStream::connect(&socket).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "serve did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Server { child, socket }
    }
}

struct Server {
    child: Child,
    socket: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A line of `/proc/PID/status`, in KiB.
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap()
}

/// The CPU time a process has used, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // After the command's name in parentheses: utime and stime are the
    // 12th and 13th fields.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[at]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Where the bare handler listens.
enum Bare {
    Socket(PathBuf),
    Tcp(std::net::TcpListener),
}

/// A bare axum handler answering `body` to `GET /api/v1/settings/providers`,
/// on a runtime like the server's, on its own thread.
fn bare_axum(place: Bare, body: Vec<u8>) {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let body = axum::body::Bytes::from(body);
            let router = axum::Router::new().route(
                "/api/v1/settings/providers",
                axum::routing::get(move || {
                    let body = body.clone();
                    async move { ([("content-type", "application/json")], body) }
                }),
            );
            match place {
                Bare::Socket(socket) => {
                    let listener = tokio::net::UnixListener::bind(&socket).unwrap();
                    axum::serve(listener, router).await.unwrap();
                }
                Bare::Tcp(listener) => {
                    listener.set_nonblocking(true).unwrap();
                    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                    axum::serve(listener, router).await.unwrap();
                }
            }
        });
    });
}

/// `GET /providers` asked of both, in alternating rounds after a warm-up:
/// each one's timings, sorted, and the time each spent.
fn alternate(ours: &mut Client, bare: &mut Client) -> ([Vec<Duration>; 2], [Duration; 2]) {
    let mut timings = [Vec::new(), Vec::new()];
    let mut spent = [Duration::ZERO, Duration::ZERO];
    for _warm_up in 0..200 {
        ours.ask("GET", "/api/v1/settings/providers", None);
        bare.ask("GET", "/api/v1/settings/providers", None);
    }
    for _ in 0..ROUNDS {
        for (which, client) in [&mut *ours, &mut *bare].into_iter().enumerate() {
            let round = Instant::now();
            for _ in 0..PER_ROUND {
                let asked = Instant::now();
                let (status, _) = client.ask("GET", "/api/v1/settings/providers", None);
                timings[which].push(asked.elapsed());
                assert_eq!(status, 200);
            }
            spent[which] += round.elapsed();
        }
    }
    for each in &mut timings {
        each.sort();
    }
    (timings, spent)
}

/// `GET /providers`: the server and the bare handler, alternating rounds.
fn providers_list(home: &Home, server: &Server) {
    let mut ours = Client::connect(&server.socket);
    let (status, body) = ours.ask("GET", "/api/v1/settings/providers", None);
    assert_eq!(status, 200);
    let bare_socket = home.dir.path().join("bare.sock");
    bare_axum(Bare::Socket(bare_socket.clone()), body.clone());
    let started = Instant::now();
    while UnixStream::connect(&bare_socket).is_err() {
        assert!(started.elapsed() < Duration::from_secs(5));
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut bare = Client::connect(&bare_socket);
    assert_eq!(bare.ask("GET", "/api/v1/settings/providers", None).1, body);
    let ([ours_t, bare_t], spent) = alternate(&mut ours, &mut bare);
    let count = (ROUNDS * PER_ROUND) as f64;
    let (om, op) = (percentile(&ours_t, 0.5), percentile(&ours_t, 0.99));
    let (bm, bp) = (percentile(&bare_t, 0.5), percentile(&bare_t, 0.99));
    println!(
        "GET /providers, one kept-alive connection ({} requests each):",
        ROUNDS * PER_ROUND
    );
    println!(
        "  serve:      median {:7.1} µs  p99 {:7.1} µs  {:7.0} requests/s",
        micros(om),
        micros(op),
        count / spent[0].as_secs_f64()
    );
    println!(
        "  bare axum:  median {:7.1} µs  p99 {:7.1} µs  {:7.0} requests/s",
        micros(bm),
        micros(bp),
        count / spent[1].as_secs_f64()
    );
    println!(
        "  ratio:      median {:.2}x  p99 {:.2}x  (target <= 2x)",
        om.as_secs_f64() / bm.as_secs_f64(),
        op.as_secs_f64() / bp.as_secs_f64()
    );
    // What the server costs without the database: `/health`.
    let mut health: Vec<Duration> = (0..5000)
        .map(|_| {
            let asked = Instant::now();
            assert_eq!(ours.ask("GET", "/health", None).0, 200);
            asked.elapsed()
        })
        .collect();
    health.sort();
    println!(
        "  serve's GET /health (no database): median {:7.1} µs  p99 {:7.1} µs",
        micros(percentile(&health, 0.5)),
        micros(percentile(&health, 0.99))
    );
    // The floor under the server's figure: the same read through the
    // library, in this process.
    let mut settings = Settings::open(&home.options()).unwrap();
    let mut reads: Vec<Duration> = (0..2000)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(settings.statuses().unwrap());
            started.elapsed()
        })
        .collect();
    reads.sort();
    println!(
        "  the library's Settings::statuses(), in process: median {:7.1} µs",
        micros(percentile(&reads, 0.5))
    );
}

/// `GET /providers` over TCP with a token, beside the bare handler over TCP.
fn providers_list_tcp(home: &Home) {
    let token = {
        let mut settings = Settings::open(&home.options()).unwrap();
        let name = llm_settings::api_token::TokenName::parse("bench").unwrap();
        settings.add_api_token(&name).unwrap().reveal().to_owned()
    };
    let (_server, address) = home.serve_tcp();
    let mut ours = Client::connect_tcp(address, Some(&token));
    let (status, body) = ours.ask("GET", "/api/v1/settings/providers", None);
    assert_eq!(status, 200);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bare_address = listener.local_addr().unwrap();
    bare_axum(Bare::Tcp(listener), body);
    let mut bare = Client::connect_tcp(bare_address, None);
    let ([ours_t, bare_t], _) = alternate(&mut ours, &mut bare);
    let (om, op) = (percentile(&ours_t, 0.5), percentile(&ours_t, 0.99));
    let (bm, bp) = (percentile(&bare_t, 0.5), percentile(&bare_t, 0.99));
    println!(
        "GET /providers over TCP with a token: serve median {:7.1} µs p99 {:7.1} µs; bare axum median {:7.1} µs p99 {:7.1} µs; ratio {:.2}x / {:.2}x (target <= 2x)",
        micros(om),
        micros(op),
        micros(bm),
        micros(bp),
        om.as_secs_f64() / bm.as_secs_f64(),
        op.as_secs_f64() / bp.as_secs_f64()
    );
}

/// From a change's commit (the library's call returning) to its event on
/// a subscriber of `/events`: 20 changes at uneven moments.
fn event_delay(label: &str, home: &Home, server: &Server) {
    use llm_settings::RiskSettings;
    use llm_settings::fields::Value;
    use llm_settings::settings::FieldAction;
    let mut curl = Command::new("curl")
        .args(["-sN", "--unix-socket"])
        .arg(&server.socket)
        .arg("http://localhost/api/v1/settings/events")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = curl.stdout.take().unwrap();
    let (sender, arrivals) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("id: ") && sender.send(Instant::now()).is_err() {
                return;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(800));
    let mut settings = Settings::open(&home.options()).unwrap();
    let mut delays = Vec::new();
    for round in 0..20i64 {
        // Uneven moments: not in step with the poll.
        std::thread::sleep(Duration::from_millis(100 + (round * 137 % 600) as u64));
        let value = Value::Whole(1 + round % 2 + 2 * (round % 3));
        settings
            .change_fields(&RiskSettings::GROUP, FieldAction::Set, &[(3, value)], None)
            .unwrap();
        let committed = Instant::now();
        let arrived = arrivals.recv_timeout(Duration::from_secs(10)).unwrap();
        delays.push(arrived.saturating_duration_since(committed));
        // Nothing else is waiting: a value equal to the last is no change.
        while arrivals.try_recv().is_ok() {}
    }
    let _ = curl.kill();
    let _ = curl.wait();
    delays.sort();
    println!(
        "from a commit to its event, {label}: median {:.0} ms, longest {:.0} ms (target <= 2000)",
        percentile(&delays, 0.5).as_secs_f64() * 1e3,
        delays.last().unwrap().as_secs_f64() * 1e3
    );
}

/// The server's memory with fifty subscribers of `/events`.
fn memory_with_subscribers(server: &Server) {
    let pid = server.child.id();
    let before = status_kib(pid, "VmRSS:");
    let subscribers: Vec<UnixStream> = (0..50)
        .map(|_| {
            let mut stream = UnixStream::connect(&server.socket).unwrap();
            stream
                .write_all(b"GET /api/v1/settings/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .unwrap();
            let mut head = [0u8; 12];
            stream.read_exact(&mut head).unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    println!(
        "serve's resident memory with 50 subscribers of /events: {} KiB (before them: {before} KiB)",
        status_kib(pid, "VmRSS:")
    );
    drop(subscribers);
}

/// A key saved through `POST` beside `Settings::save_api_key`, alternating.
fn save_key(label: &str, home: &Home, server: &Server) {
    let mut settings = Settings::open(&home.options()).unwrap();
    let key = ApiKey::parse(KEY).unwrap();
    let mut client = Client::connect(&server.socket);
    let body = format!("{{\"api_key\": \"{KEY}\"}}");
    let (mut library, mut api) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS + 1 {
        for _ in 0..40 {
            let saved = Instant::now();
            settings.save_api_key(Provider::OpenAi, &key).unwrap();
            let took = saved.elapsed();
            let asked = Instant::now();
            let (status, _) = client.ask("POST", "/api/v1/settings/providers/openai", Some(&body));
            let answered = asked.elapsed();
            assert_eq!(status, 200);
            // The first round warms both up.
            if round > 0 {
                library.push(took);
                api.push(answered);
            }
        }
    }
    library.sort();
    api.sort();
    let (l, a) = (percentile(&library, 0.5), percentile(&api, 0.5));
    println!(
        "a key saved, {label}: POST {:7.1} µs, library {:7.1} µs: {:.2}x (target <= 1.5x)",
        micros(a),
        micros(l),
        a.as_secs_f64() / l.as_secs_f64()
    );
}

/// The server's memory idle, after 1,000 requests and after 10,000; and
/// its CPU time over 10 s without a request.
fn memory_and_idle_cpu(server: &Server) {
    let pid = server.child.id();
    std::thread::sleep(Duration::from_millis(300));
    let idle = status_kib(pid, "VmRSS:");
    let mut client = Client::connect(&server.socket);
    let mut after = Vec::new();
    for asked in 1..=10_000 {
        let path = match asked % 4 {
            0 => "/api/v1/settings/providers",
            1 => "/api/v1/settings/risk",
            2 => "/api/v1/settings/task-assignments",
            _ => "/api/v1/settings/telegram",
        };
        assert_eq!(client.ask("GET", path, None).0, 200);
        if asked == 1_000 || asked == 10_000 {
            after.push(status_kib(pid, "VmRSS:"));
        }
    }
    drop(client);
    println!(
        "serve's resident memory: idle {idle} KiB, after 1,000 requests {} KiB, after 10,000 {} KiB (growth from 1,000 to 10,000: {} KiB); peak {} KiB",
        after[0],
        after[1],
        after[1] as i64 - after[0] as i64,
        status_kib(pid, "VmHWM:")
    );
    std::thread::sleep(Duration::from_secs(1));
    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(10));
    println!(
        "serve's CPU over 10 s without a request: {} clock ticks (target 0)",
        cpu_ticks(pid) - before
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a filter is not supported.
    let sqlite = Home::new(None);
    {
        let mut settings = Settings::open(&sqlite.options()).unwrap();
        for provider in Provider::ALL {
            settings
                .save_api_key(provider, &ApiKey::parse(KEY).unwrap())
                .unwrap();
        }
    }
    let server = sqlite.serve();
    providers_list(&sqlite, &server);
    save_key("SQLite", &sqlite, &server);
    drop(server);
    let fresh = sqlite.serve();
    memory_and_idle_cpu(&fresh);
    memory_with_subscribers(&fresh);
    event_delay("SQLite", &sqlite, &fresh);
    drop(fresh);
    providers_list_tcp(&sqlite);

    match std::env::var("TEST_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("llm_settings_bench_serve_{}", std::process::id());
            let mut conn = PgConnection::establish(&admin).unwrap();
            conn.batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
            let url = match admin.rsplit_once('/') {
                Some((server, _)) => format!("{server}/{name}"),
                None => admin.clone(),
            };
            let postgres = Home::new(Some(url));
            let server = postgres.serve();
            save_key("PostgreSQL", &postgres, &server);
            event_delay("PostgreSQL", &postgres, &server);
            drop(server);
            let _ = conn.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"));
        }
        _ => println!("a key saved, PostgreSQL: skipped (no TEST_POSTGRES_URL)"),
    }
}
