//! The trading system's web page, through the nginx configuration of `docs/deploy`: the file passes `nginx -t`, nginx keeps its login in front, and every call of the page's settings client, replayed by Node's `fetch` the way the page makes and reads it, works against a running `serve` on its socket.
//!
//! Needs nginx and node; `.ci/run` installs nginx when it is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::serve::Server;
use common::{Sandbox, TestDb};
use serde_json::Value;

const KEY: &str = "sk-proj-WEBPAGEwebpageWEBPAGE-2468";

/// The page's calls: each as the page sends it (its path under
/// NEXT_PUBLIC_API_URL, its method and JSON body, `Content-Type:
/// application/json` on every call), each answer read as the page reads it
/// (the JSON of a 2xx, else an Error of the body's `detail`, else of the
/// status text). Written for this test from the page's client.
const REPLAY: &str = r#"
const [base, login, key] = process.argv.slice(2);
async function call(path, options = {}) {
  const response = await fetch(base + path, {
    ...options,
    headers: { "Content-Type": "application/json", Authorization: login, ...options.headers },
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.detail || `API Error: ${response.statusText}`);
  }
  return response.json();
}
async function attempt(name, run) {
  try { return { name, ok: true, value: await run() }; }
  catch (error) { return { name, ok: false, message: String(error.message), type: typeof error.message }; }
}
(async () => {
  const results = [];
  const anonymous = await fetch(base + "/settings/llm/providers");
  results.push({ name: "without the login", ok: anonymous.ok, status: anonymous.status });
  results.push(await attempt("listProviders", () => call("/settings/llm/providers")));
  results.push(await attempt("saveProvider", () => call("/settings/llm/providers/openai",
    { method: "PUT", body: JSON.stringify({ api_key: key }) })));
  results.push(await attempt("saveProvider xyz", () => call("/settings/llm/providers/xyz",
    { method: "PUT", body: JSON.stringify({ api_key: key }) })));
  results.push(await attempt("testProvider", () => call("/settings/llm/providers/openai/test",
    { method: "POST", body: JSON.stringify({ api_key: key }) })));
  results.push(await attempt("listProviderModels", () => call("/settings/llm/providers/openai/models")));
  const assignments = await attempt("getAssignments", () => call("/settings/llm/assignments"));
  results.push(assignments);
  const edited = assignments.value.map((a) => a.task === "market_analysis"
    ? { ...a, provider: "openai", model_name: "gpt-4o" } : a);
  results.push(await attempt("saveAssignments", () => call("/settings/llm/assignments",
    { method: "PUT", body: JSON.stringify({ assignments: edited }) })));
  results.push(await attempt("getGlobal", () => call("/settings/global")));
  results.push(await attempt("patchGlobal", () => call("/settings/global",
    { method: "PATCH", body: JSON.stringify({ news_enabled: false }) })));
  results.push(await attempt("getRisk", () => call("/settings/risk")));
  results.push(await attempt("patchRisk", () => call("/settings/risk",
    { method: "PATCH", body: JSON.stringify({ max_drawdown_pct: 5 }) })));
  results.push(await attempt("patchRisk out of range", () => call("/settings/risk",
    { method: "PATCH", body: JSON.stringify({ max_drawdown_pct: 500 }) })));
  console.log(JSON.stringify(results));
})();
"#;

/// nginx with the documented configuration, its socket and login file
/// replaced by the test's, on a port of its own.
struct Nginx {
    child: Child,
    port: u16,
}

impl Drop for Nginx {
    /// SIGTERM: the master stops its workers (SIGKILL would leave them).
    fn drop(&mut self) {
        if let Some(pid) = i32::try_from(self.child.id())
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let _ = self.child.wait();
    }
}

fn nginx(dir: &Path, socket: &Path) -> Nginx {
    let documented = include_str!("../docs/deploy/nginx-llm-settings.conf");
    assert!(documented.contains("/run/llm-settings/api.sock"));
    let snippet = documented
        .replace("/run/llm-settings/api.sock", &socket.display().to_string())
        .replace(
            "/etc/nginx/llm-settings.htpasswd",
            &dir.join("htpasswd").display().to_string(),
        );
    std::fs::write(dir.join("llm-settings.conf"), snippet).unwrap();
    std::fs::write(dir.join("htpasswd"), "admin:{PLAIN}page-login\n").unwrap();
    for temp in ["body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"] {
        std::fs::create_dir_all(dir.join(temp)).unwrap();
    }
    let mut last_error = String::new();
    // A free port, asked of the kernel; nginx binds it a moment later, and
    // should another process take it meanwhile, another is asked for.
    for _ in 0..5 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let conf = format!(
            "daemon off;\nuser root;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/logs/error.log;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n  access_log {d}/logs/access.log;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
               server {{\n    listen 127.0.0.1:{port};\n    include {d}/llm-settings.conf;\n  }}\n}}\n",
            d = dir.display()
        );
        let conf_path = dir.join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let checked = Command::new("nginx")
            .arg("-t")
            .arg("-c")
            .arg(&conf_path)
            .arg("-p")
            .arg(dir)
            .output()
            .unwrap();
        assert!(
            checked.status.success(),
            "nginx -t: {}",
            String::from_utf8_lossy(&checked.stderr)
        );
        let mut child = Command::new("nginx")
            .arg("-c")
            .arg(&conf_path)
            .arg("-p")
            .arg(dir)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Nginx { child, port };
            }
            if let Some(_exited) = child.try_wait().unwrap() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if let Some(pid) = i32::try_from(child.id())
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let output = child.wait_with_output().unwrap();
        last_error = String::from_utf8_lossy(&output.stderr).into_owned();
    }
    panic!("nginx did not start: {last_error}");
}

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("-v")
        .output()
        .is_ok_and(|output| output.status.success())
}

#[test]
fn the_web_pages_calls_work_through_the_documented_nginx() {
    if !installed("nginx") || !installed("node") {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true needs nginx and node (.ci/run installs nginx)"
        );
        eprintln!(
            "the_web_pages_calls_work_through_the_documented_nginx: skipped: nginx or node is not installed"
        );
        return;
    }
    let db = TestDb::sqlite();
    let sandbox = Sandbox::new(&db.url);
    // The provider's connection test and its models go to a port where
    // nothing listens: unreachable, at once, without the network.
    let pointed = sandbox.run(
        &["providers", "base-url", "openai", "http://127.0.0.1:9"],
        b"",
    );
    assert_eq!(pointed.code(), 0, "{}", pointed.stderr());
    let socket = sandbox.home.path().join("api.sock");
    let server = Server::start(&sandbox, &socket);
    let dir = tempfile::tempdir().unwrap();
    let nginx = nginx(dir.path(), &socket);

    let script = dir.path().join("replay.mjs");
    std::fs::write(&script, REPLAY).unwrap();
    let login = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            "admin:page-login"
        )
    );
    let replay = Command::new("node")
        .arg(&script)
        .arg(format!("http://127.0.0.1:{}/api/v1", nginx.port))
        .arg(&login)
        .arg(KEY)
        .output()
        .unwrap();
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let results: Value = serde_json::from_slice(&replay.stdout).unwrap();
    let result = |name: &str| -> Value {
        results
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {results}"))
    };

    // The admins' login stays in front.
    assert_eq!(result("without the login")["status"], 401);
    let providers = result("listProviders");
    assert_eq!(providers["ok"], true, "{providers}");
    assert_eq!(providers["value"].as_array().unwrap().len(), 5);
    let saved = result("saveProvider");
    assert_eq!(
        saved["value"],
        serde_json::json!({"provider": "openai", "is_configured": true, "is_active": true, "key_hint": "sk-...2468"})
    );
    // A string detail is the page's message.
    assert_eq!(
        result("saveProvider xyz")["message"],
        "Invalid provider: xyz"
    );
    let tested = result("testProvider");
    assert_eq!(tested["ok"], true, "{tested}");
    assert_eq!(tested["value"]["success"], false);
    assert!(tested["value"]["message"].is_string());
    let models = result("listProviderModels");
    assert_eq!(models["ok"], false);
    assert_eq!(models["type"], "string");
    assert_eq!(
        result("getAssignments")["value"].as_array().unwrap().len(),
        9
    );
    let assigned = result("saveAssignments");
    assert_eq!(assigned["ok"], true, "{assigned}");
    assert_eq!(result("patchGlobal")["value"]["news_enabled"], false);
    assert_eq!(result("getGlobal")["ok"], true);
    assert_eq!(result("getRisk")["ok"], true);
    assert_eq!(result("patchRisk")["value"]["max_drawdown_pct"], 5);
    // An array detail does not break the page: it is an Error all the same.
    let refused = result("patchRisk out of range");
    assert_eq!(
        (&refused["ok"], &refused["type"]),
        (&Value::Bool(false), &Value::from("string"))
    );

    // What the page did is what the command line sees, by the user nginx
    // runs as, through the socket.
    let task = sandbox.run(&["tasks", "list", "--json"], b"").json();
    let market = task
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task"] == "market_analysis")
        .unwrap()
        .clone();
    assert_eq!(market["model_name"], "gpt-4o");
    let history = sandbox
        .run(&["history", "--json", "--limit", "1"], b"")
        .json();
    assert!(
        history[0]["actor"]
            .as_str()
            .unwrap()
            .ends_with("via api (uid 0)"),
        "{history}"
    );
    let logged = server.logged().join("\n");
    assert!(
        !logged.contains(KEY) && !logged.contains("page-login"),
        "{logged}"
    );
}
