//! `exec`: replaces this process with a command whose environment holds the keys it needs.

pub mod environment;

use secrecy::ExposeSecret;

pub use environment::{ExportedValue, environment, task_environment};

use super::deadline::Deadline;
use super::{CliError, Session};
use crate::provider::Provider;
use crate::task::Task;

/// Replaces this process with `command`, its environment holding the
/// active providers' keys, or those `task` runs on. Returns only on failure.
pub fn run(
    session: &mut Session,
    only: &[Provider],
    task: Option<Task>,
    command: &[String],
    deadline: &mut Deadline,
) -> Result<(), CliError> {
    use std::os::unix::process::CommandExt;

    // Its own handle, closed before the command replaces this process.
    let mut settings = crate::settings::Settings::open(&session.options)?;
    let environment = match task {
        Some(task) => task_environment(&mut settings, task)?,
        None => environment(&mut settings, only)?,
    };
    drop(settings);
    // The database is done with; the command runs as long as it runs.
    deadline.disarm();
    let Some((program, args)) = command.split_first() else {
        // clap requires a command after `--`.
        return Ok(());
    };
    let mut child = std::process::Command::new(program);
    child.args(args);
    for name in &environment.remove {
        child.env_remove(name);
    }
    for (name, value) in &environment.set {
        match value {
            ExportedValue::Key(key) => child.env(name, key.expose_secret()),
            ExportedValue::BaseUrl(url) | ExportedValue::Text(url) => child.env(name, url),
        };
    }
    crate::hardening::restore_core_limit_for_exec();
    let source = child.exec();
    Err(CliError::Exec {
        command: program.clone(),
        source,
    })
}
