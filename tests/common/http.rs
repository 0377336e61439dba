//! A small HTTP server on 127.0.0.1 that records each request and answers as told.

use std::io::{BufRead, BufReader, Write};
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
    /// Accept the connection, read the request, and never answer.
    Silence,
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
    let _ = sender.send(Recorded {
        method,
        target,
        headers,
    });
    let mut stream = stream;
    match answer {
        Answer::Status(status, body) => {
            let _ = write!(
                stream,
                "HTTP/1.1 {status} Test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        Answer::Silence => thread::sleep(Duration::from_secs(30)),
    }
}
