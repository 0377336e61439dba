//! The real binary in a pseudo-terminal, its screen read through a VT100 parser.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{Winsize, tcsetwinsize};

/// Opens a pseudo-terminal of `cols` x `rows`, gives its far end to
/// `command` as stdin, stdout and stderr, and returns the near end, from
/// which the program's output is read and to which keys are written.
pub fn attach_to_new_terminal(command: &mut Command, cols: u16, rows: u16) -> File {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let size = Winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    tcsetwinsize(&master, size).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let slave = OpenOptions::new()
        .read(true)
        .write(true)
        .open(name.to_str().unwrap())
        .unwrap();
    command
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave));
    File::from(master)
}

/// A program running in a pseudo-terminal of a fixed size, with everything
/// it writes to the terminal kept.
pub struct PtySession {
    child: Child,
    writer: File,
    output: Arc<Mutex<Vec<u8>>>,
    pub rows: u16,
    pub cols: u16,
}

impl PtySession {
    /// Starts `command` with its stdin, stdout and stderr on a new terminal
    /// of `cols` x `rows`.
    pub fn spawn(mut command: Command, cols: u16, rows: u16) -> PtySession {
        let master = attach_to_new_terminal(&mut command, cols, rows);
        let child = command.spawn().unwrap();
        let writer = master.try_clone().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        thread::spawn(move || {
            let mut master = master;
            let mut buffer = [0u8; 4096];
            // Ends with an error (EIO) once the program has exited.
            while let Ok(n) = master.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        PtySession {
            child,
            writer,
            output,
            rows,
            cols,
        }
    }

    /// The program's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends bytes as if typed.
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// Types `text` one character at a time, as a person does.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(c.encode_utf8(&mut [0; 4]).as_bytes());
            thread::sleep(Duration::from_millis(2));
        }
    }

    /// Pastes `text` the way a terminal with bracketed paste does.
    pub fn paste(&mut self, text: &str) {
        let mut bytes = b"\x1b[200~".to_vec();
        bytes.extend_from_slice(text.as_bytes());
        bytes.extend_from_slice(b"\x1b[201~");
        self.send(&bytes);
    }

    /// Everything written to the terminal so far.
    pub fn output(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// The terminal as a VT100 would show it now.
    pub fn screen(&self) -> vt100::Parser {
        let mut parser = vt100::Parser::new(self.rows, self.cols, 0);
        parser.process(&self.output());
        parser
    }

    /// Waits until `text` is on the screen; panics with the screen after 10 s.
    pub fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let contents = self.screen().screen().contents();
            if contents.contains(text) {
                return;
            }
            if Instant::now() > deadline {
                panic!("waited 10 s for {text:?}; the screen:\n{contents}");
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the output has been quiet for `quiet`.
    pub fn settle(&self, quiet: Duration) {
        let mut last = self.output().len();
        let mut since = Instant::now();
        let deadline = Instant::now() + Duration::from_secs(10);
        while since.elapsed() < quiet && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
            let now = self.output().len();
            if now != last {
                last = now;
                since = Instant::now();
            }
        }
    }

    /// Waits for the program to exit and returns its exit code.
    pub fn wait_exit(&mut self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader take the last bytes.
                thread::sleep(Duration::from_millis(100));
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the program did not exit within 10 s");
            }
            thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for PtySession {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
