//! The command line for scripts: the clap definitions of every group's commands, and the dispatch to each group's module.

mod api_tokens;
mod args;
mod check;
mod deadline;
mod docs;
mod error;
pub mod exec;
mod fields;
mod history;
mod input;
mod master_key;
mod output;
mod prompt;
mod providers;
mod serve;
mod session;
mod tasks;
mod telegram;
mod watch;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use api_tokens::ApiTokensCommand;
pub use args::{key_age_days, refusal};
use deadline::Deadline;
pub use error::CliError;
pub use fields::FieldsCommand;
pub use providers::ProvidersCommand;
pub use session::Session;
pub use tasks::TasksCommand;
pub use telegram::TelegramCommand;

use crate::group::Group;
use crate::provider::Provider;
use crate::settings::OpenOptions;
use crate::store::ResealMode;
use crate::task::Task;

/// Manage the settings of an LLM-driven system: its providers' API keys,
/// which provider and model each task of its pipeline uses, its global
/// switches, its risk rules and its Telegram alert bot.
///
/// With no command, opens the console.
#[derive(Debug, Parser)]
#[command(name = "llm-settings", version)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the database and the master key are.
#[derive(Debug, Args)]
pub struct GlobalOptions {
    /// Database: postgres://..., sqlite://PATH, a file path or :memory:
    /// [default: $DATABASE_URL, else ~/.local/share/llm-settings/settings.db]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// File holding the master key (base64 of 64 bytes, mode 0600)
    /// [default: $LLM_SETTINGS_MASTER_KEY, $LLM_SETTINGS_KEY_FILE, else ~/.config/llm-settings/master.key]
    #[arg(long, global = true, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// Give up on a database that does not answer after this many seconds,
    /// saying what became of the change (0 waits forever)
    /// [default: $LLM_SETTINGS_TIMEOUT, else 30]
    #[arg(long, global = true, value_name = "SECONDS", allow_hyphen_values = true, value_parser = args::timeout_seconds)]
    pub timeout: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage the providers' API keys
    #[command(subcommand)]
    Providers(ProvidersCommand),
    /// Choose the provider and model each task of the pipeline runs on
    #[command(subcommand)]
    Tasks(TasksCommand),
    /// The pipeline's switches and its confidence threshold
    #[command(subcommand)]
    Global(FieldsCommand),
    /// The risk management rules: each check, its switch and its limit
    #[command(subcommand)]
    Risk(FieldsCommand),
    /// The Telegram bot that sends the system's alerts
    #[command(subcommand)]
    Telegram(TelegramCommand),
    /// The tokens programs use to call serve over TCP (--listen)
    #[command(subcommand)]
    ApiTokens(ApiTokensCommand),
    /// What needs an admin, one finding a line; exit 1 when there is one
    ///
    /// Reports a master key file readable by others, secrets that do not
    /// decrypt, tasks that will not run, risk checks that are off, a
    /// Telegram bot that is on but failed or never passed its test, and
    /// keys older than --max-key-age. Reads only; sends nothing.
    Check {
        /// Print a JSON array of {"severity", "group", "subject", "message"}
        #[arg(long)]
        json: bool,
        /// Report keys set more than this many days ago, from 1
        #[arg(long, value_name = "DAYS", default_value_t = 90, allow_hyphen_values = true, value_parser = args::key_age_days)]
        max_key_age: u32,
    },
    /// Print each change as it is committed, by anyone, until interrupted
    ///
    /// One line per change, as history prints it (--json: one JSON object
    /// a line), within 2 s of its commit, from this host or any other on
    /// the same database. It waits out the database going away, saying so
    /// on stderr, and then prints what changed meanwhile.
    Watch {
        /// One JSON object a line, as history --json prints each entry
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script: completions bash|zsh|fish
    ///
    /// e.g. llm-settings completions bash > /etc/bash_completion.d/llm-settings
    Completions {
        #[arg(value_name = "SHELL", value_parser = ["bash", "zsh", "fish"])]
        shell: String,
    },
    /// Print the man page (roff): llm-settings man | man -l -
    Man,
    /// Serve the settings API over HTTP on a unix socket
    ///
    /// The socket's permissions are the authentication (0600, or 0660 for
    /// --socket-group), and the caller's user, from the kernel, is the
    /// actor of every change. Runs llm-settings-serve, installed beside
    /// llm-settings; SIGTERM or SIGINT stops it.
    Serve {
        /// The socket [default: $XDG_RUNTIME_DIR/llm-settings/api.sock, else
        /// ~/.local/state/llm-settings/api.sock]
        #[arg(long, value_name = "PATH")]
        socket: Option<PathBuf>,
        /// Make the socket 0660 for this group
        #[arg(long, value_name = "GROUP")]
        socket_group: Option<String>,
        /// Listen on loopback TCP instead (127.0.0.1:PORT, [::1]:PORT,
        /// localhost:PORT), every request but GET /health with an API token
        #[arg(long, value_name = "HOST:PORT", conflicts_with_all = ["socket", "socket_group"])]
        listen: Option<String>,
        /// Also answer to this host name, besides localhost (repeatable)
        #[arg(long, value_name = "NAME")]
        allow_host: Vec<String>,
        /// Let web pages of this origin call the API (repeatable); none by default
        #[arg(long, value_name = "URL")]
        cors_origin: Vec<String>,
    },
    /// The changes of every group, newest first: when, who, what, old -> new
    History {
        /// Print a JSON array of {"id", "at", "actor", "group", "action", "subject", "old", "new"}
        #[arg(long)]
        json: bool,
        /// Only this group
        #[arg(long, value_name = "GROUP")]
        group: Option<Group>,
        /// How many entries, from 1
        #[arg(long, value_name = "N", default_value_t = 50, allow_hyphen_values = true, value_parser = args::limit)]
        limit: u32,
    },
    /// Re-encrypt every stored key under a new master key
    ///
    /// Make the new key file first, e.g.
    /// (umask 077; head -c 64 /dev/urandom | base64 -w 0 > new.key);
    /// afterwards load the master key from it instead of the old one.
    RotateKey {
        /// The file holding the new master key (base64 of 64 bytes, mode 0600)
        #[arg(long, value_name = "PATH")]
        new_key_file: PathBuf,
        /// Check that every key can be re-encrypted, and change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Run a command with the active providers' keys in its environment
    ///
    /// Sets OPENAI_API_KEY, GEMINI_API_KEY, ANTHROPIC_API_KEY,
    /// OPENROUTER_API_KEY and OLLAMA_API_KEY for the active providers, and
    /// OPENAI_BASE_URL, GEMINI_BASE_URL, ANTHROPIC_BASE_URL,
    /// OPENROUTER_BASE_URL and OLLAMA_HOST for their base URL overrides, then
    /// replaces itself with the command.
    ///
    /// With --task, exports only the key and base URL of that task's
    /// provider, and LLM_TASK_PROVIDER and LLM_TASK_MODEL (empty for the
    /// provider's default model); a task that is not ready runs nothing.
    Exec {
        /// Export only this provider, which must be active (repeatable)
        #[arg(long = "only", value_name = "PROVIDER", conflicts_with = "task")]
        only: Vec<Provider>,
        /// Export only what this task runs on
        #[arg(long, value_name = "TASK")]
        task: Option<Task>,
        /// The command to run and its arguments, after --
        #[arg(last = true, required = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
}

impl GlobalOptions {
    /// The deadline in seconds: `--timeout`, else `$LLM_SETTINGS_TIMEOUT`,
    /// else 30; 0 waits forever.
    pub fn timeout_seconds(&self) -> Result<u64, CliError> {
        if let Some(seconds) = self.timeout {
            return Ok(seconds);
        }
        match std::env::var(deadline::TIMEOUT_VAR) {
            Ok(text) if !text.is_empty() => args::timeout_seconds(&text).map_err(|_| {
                CliError::Usage(format!(
                    "${} must be a whole number of seconds from 0 (0 waits forever), not {}",
                    deadline::TIMEOUT_VAR,
                    crate::sanitize::printable(&text)
                ))
            }),
            _ => Ok(deadline::DEFAULT_SECONDS),
        }
    }

    /// The options these flags give, the rest from the environment.
    pub fn open_options(&self) -> OpenOptions {
        OpenOptions {
            database_url: self.database_url.clone(),
            key_file: self.key_file.clone(),
            actor: None,
        }
    }
}

/// Runs what the command line asks for; with no command, the console.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let mut session = Session::new(cli.global.open_options());
    let session = &mut session;
    let mut deadline = match &cli.command {
        // Neither uses the database.
        Some(Command::Completions { .. } | Command::Man) => Deadline::none(),
        // The server bounds each request itself.
        Some(Command::Serve { .. }) => Deadline::none(),
        _ => Deadline::arm(
            cli.global.timeout_seconds()?,
            database_shown(&session.options),
        ),
    };
    let deadline = &mut deadline;
    let result = match cli.command {
        Some(Command::Providers(command)) => providers::run(session, command),
        Some(Command::Tasks(command)) => tasks::run(session, command),
        Some(Command::Global(command)) => {
            fields::run(session, &crate::global::GlobalSettings::GROUP, command)
        }
        Some(Command::Risk(command)) => {
            fields::run(session, &crate::risk::RiskSettings::GROUP, command)
        }
        Some(Command::Telegram(command)) => telegram::run(session, command),
        Some(Command::ApiTokens(command)) => api_tokens::run(session, command),
        Some(Command::Check { json, max_key_age }) => {
            check::run(&session.options, json, max_key_age)
        }
        Some(Command::Watch { json }) => watch::run(&session.options, json, deadline),
        Some(Command::Completions { shell }) => docs::completions(&shell),
        Some(Command::Man) => docs::man(),
        Some(Command::Serve {
            socket,
            socket_group,
            listen,
            allow_host,
            cors_origin,
        }) => serve::run(
            &cli.global,
            &serve::Listener {
                socket: socket.as_deref(),
                socket_group: socket_group.as_deref(),
                listen: listen.as_deref(),
                allow_hosts: &allow_host,
                cors_origins: &cors_origin,
            },
        ),
        Some(Command::History { json, group, limit }) => history::run(session, json, group, limit),
        Some(Command::Exec {
            only,
            task,
            command,
        }) => exec::run(session, &only, task, &command, deadline),
        Some(Command::RotateKey {
            new_key_file,
            dry_run,
        }) => {
            let mode = if dry_run {
                ResealMode::DryRun
            } else {
                ResealMode::Commit
            };
            master_key::rotate(session, &new_key_file, mode)
        }
        None => Ok(crate::console::run(&session.options, || deadline.disarm())?),
    };
    // A failed command wrote nothing; a command that wrote and then failed
    // (a test that was recorded) has nothing to announce either.
    if result.is_ok() {
        session.announce();
    }
    result
}

/// The database the options name, as a line may show it: never with a
/// password.
fn database_shown(options: &OpenOptions) -> String {
    match crate::store::DatabaseLocation::resolve(options.database_url.as_deref()) {
        Ok(location) => format!("{} {location}", location.backend_name()),
        Err(_) => "the database".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn every_group_of_described_fields_has_its_command() {
        let cli = Cli::command();
        for group in crate::field_groups::ALL {
            let command = cli.find_subcommand(group.group.id());
            assert!(command.is_some(), "no `{}` command", group.group);
            for verb in ["show", "set", "reset", "revision"] {
                assert!(
                    command.and_then(|c| c.find_subcommand(verb)).is_some(),
                    "no `{} {verb}`",
                    group.group
                );
            }
        }
    }
}
