//! `serve`: hands over to `llm-settings-serve`, installed beside this binary, so that the console and the command line never link the server.

use std::os::unix::process::CommandExt;
use std::path::Path;

use super::{CliError, GlobalOptions};

/// The server binary's name.
const SERVER: &str = "llm-settings-serve";

/// Where the server listens, as given.
pub struct Listener<'a> {
    pub socket: Option<&'a Path>,
    pub socket_group: Option<&'a str>,
    pub listen: Option<&'a str>,
    pub allow_hosts: &'a [String],
    pub cors_origins: &'a [String],
}

/// Replaces this process with the server; returns only on failure. The
/// database URL goes in the environment, never in the arguments (which
/// every user of the machine can read).
pub fn run(global: &GlobalOptions, listener: &Listener<'_>) -> Result<(), CliError> {
    let program = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(SERVER)))
        .filter(|path| path.exists())
        .ok_or_else(|| CliError::Exec {
            command: SERVER.to_owned(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "it is not installed beside llm-settings; install both from the same build",
            ),
        })?;
    let mut command = std::process::Command::new(&program);
    if let Some(url) = &global.database_url {
        command.env(crate::store::DATABASE_URL_VAR, url);
    }
    if let Some(key_file) = &global.key_file {
        command.arg("--key-file").arg(key_file);
    }
    if let Some(seconds) = global.timeout {
        command.arg("--timeout").arg(seconds.to_string());
    }
    if let Some(socket) = listener.socket {
        command.arg("--socket").arg(socket);
    }
    if let Some(group) = listener.socket_group {
        command.arg("--socket-group").arg(group);
    }
    if let Some(address) = listener.listen {
        command.arg("--listen").arg(address);
    }
    for host in listener.allow_hosts {
        command.arg("--allow-host").arg(host);
    }
    for origin in listener.cors_origins {
        command.arg("--cors-origin").arg(origin);
    }
    let error = command.exec();
    Err(CliError::Exec {
        command: SERVER.to_owned(),
        source: error,
    })
}
