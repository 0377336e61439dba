//! A small HTTP server on 127.0.0.1 that records each request and answers as told.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body, as sent (`Content-Length` bytes).
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How the server answers.
#[derive(Clone)]
pub enum Answer {
    Status(u16, String),
    /// By the end of the request's path: the first route whose suffix
    /// matches answers, `{target}` in its body replaced by the request
    /// target (a server that echoes the URL); none matching: 404.
    Routes(Vec<(&'static str, u16, String)>),
    /// Accept the connection, read the request, and never answer.
    Silence,
    /// Answer with this status and body, after this long.
    After(Duration, u16, String),
}

pub struct TestServer {
    pub port: u16,
    requests: mpsc::Receiver<Recorded>,
}

impl TestServer {
    /// Serves every connection with `answer`, until the test ends.
    pub fn start(answer: Answer) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (sender, requests) = mpsc::channel();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                let sender = sender.clone();
                let answer = answer.clone();
                thread::spawn(move || serve(stream, &answer, &sender));
            }
        });
        TestServer { port, requests }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A request received besides those taken, if any (the answer to
    /// each is written after it is recorded, so by the time a client has
    /// its answers every request it sent is here).
    pub fn another_request(&self) -> Option<Recorded> {
        self.requests.try_recv().ok()
    }

    /// The next request received, within 15 s.
    pub fn next_request(&self) -> Recorded {
        self.requests
            .recv_timeout(Duration::from_secs(15))
            .expect("a request arrived")
    }
}

fn serve(stream: TcpStream, answer: &Answer, sender: &mpsc::Sender<Recorded>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let request = Recorded {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let mut stream = stream;
    let reply = match answer {
        Answer::Status(status, body) => Some((*status, body.clone())),
        Answer::Routes(routes) => {
            let path = request.target.split('?').next().unwrap_or_default();
            Some(
                routes
                    .iter()
                    .find(|(suffix, _, _)| path.ends_with(suffix))
                    .map(|(_, status, body)| (*status, body.replace("{target}", &request.target)))
                    .unwrap_or((404, r#"{"ok":false,"description":"Not Found"}"#.to_owned())),
            )
        }
        Answer::Silence => None,
        Answer::After(_, status, body) => Some((*status, body.clone())),
    };
    let _ = sender.send(request);
    if let Answer::After(delay, _, _) = answer {
        thread::sleep(*delay);
    }
    match reply {
        Some((status, body)) => {
            let _ = write!(
                stream,
                "HTTP/1.1 {status} Test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        None => thread::sleep(Duration::from_secs(30)),
    }
}
