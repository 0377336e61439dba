//! The command line for scripts: clap definitions and the non-interactive commands.

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::api_key::{KeyRefusal, validate_key};
use crate::base_url::validate_base_url;
use crate::connection_test::{TestOutcome, TestTarget};
use crate::error::Error;
use crate::exec::ExportedValue;
use crate::prompt::{self, PromptOutcome};
use crate::provider::Provider;
use crate::sanitize::printable;
use crate::settings::{OpenOptions, SaveOutcome, Settings};
use crate::status::{ProviderState, ProviderStatus};

/// Manage the settings of an LLM-driven system: its providers' API keys.
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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage the providers' API keys
    #[command(subcommand)]
    Providers(ProvidersCommand),
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
    Exec {
        /// Export only this provider, which must be active (repeatable)
        #[arg(long = "only", value_name = "PROVIDER")]
        only: Vec<String>,
        /// The command to run and its arguments, after --
        #[arg(last = true, required = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProvidersCommand {
    /// Show the five providers' statuses
    List {
        /// Print a JSON array of the five statuses
        #[arg(long)]
        json: bool,
    },
    /// Store a provider's key, read from stdin when piped, else from a hidden prompt
    Set {
        /// openai, gemini, anthropic, openrouter or ollama
        provider: String,
        /// Refuse to overwrite a change made since this revision (the REV
        /// column of `providers list`; 0 for a provider never set)
        #[arg(long, value_name = "REVISION")]
        expect_revision: Option<i64>,
        /// Catches a key typed on the command line, to refuse it without echoing it.
        #[arg(hide = true, num_args = 0.., trailing_var_arg = true, allow_hyphen_values = true)]
        stray: Vec<String>,
    },
    /// Remove a provider's stored key
    Delete { provider: String },
    /// Make a configured provider active
    Activate { provider: String },
    /// Make a configured provider inactive
    Deactivate { provider: String },
    /// Test a provider's connection with its stored key
    Test {
        provider: String,
        /// Print {"provider", "outcome", "http_status", "latency_ms", "detail"}
        #[arg(long)]
        json: bool,
    },
    /// Set or reset a provider's base URL override
    BaseUrl {
        provider: String,
        /// The base URL, e.g. https://proxy.example/openai
        #[arg(required_unless_present = "reset", conflicts_with = "reset")]
        url: Option<String>,
        /// Remove the override and use the provider's default
        #[arg(long)]
        reset: bool,
    },
}

impl GlobalOptions {
    /// The options these flags give, the rest from the environment.
    pub fn open_options(&self) -> OpenOptions {
        OpenOptions {
            database_url: self.database_url.clone(),
            key_file: self.key_file.clone(),
            actor: None,
        }
    }
}

/// Runs one command of the command line.
pub fn run(global: &GlobalOptions, command: ProvidersCommand) -> Result<(), Error> {
    let options = global.open_options();
    match command {
        ProvidersCommand::List { json } => {
            let mut settings = Settings::open(&options)?;
            let states = settings.states()?;
            if json {
                let statuses: Vec<&ProviderStatus> =
                    states.iter().map(|state| &state.status).collect();
                print_json(&statuses);
            } else {
                print_table(&settings, &states);
            }
        }
        ProvidersCommand::Set {
            provider,
            expect_revision,
            stray,
        } => {
            let provider: Provider = provider.parse()?;
            if !stray.is_empty() {
                return Err(Error::KeyOnCommandLine);
            }
            // The key is read and checked before the database is touched, so
            // a refused key creates and changes nothing.
            let key = read_key_input(provider)?;
            let key = validate_key(key.expose_secret())?;
            let mut settings = Settings::open(&options)?;
            let status = match expect_revision {
                None => settings.save_key(provider, &key)?,
                Some(revision) => match settings.save_key_at_revision(provider, &key, revision)? {
                    SaveOutcome::Saved(status) => status,
                    SaveOutcome::Conflict(state) => {
                        return Err(Error::StaleWrite {
                            provider,
                            expected: revision,
                            state: Box::new(state),
                        });
                    }
                },
            };
            if !provider.key_looks_right(key.expose_secret()) {
                eprintln!(
                    "warning: this does not look like a key of {} (they start with {}); saved anyway",
                    provider.display_name(),
                    provider.key_prefixes().join(" or ")
                );
            }
            print_json(&status);
        }
        ProvidersCommand::Delete { provider } => {
            let provider: Provider = provider.parse()?;
            let status = Settings::open(&options)?.delete_key(provider)?;
            print_json(&status);
        }
        ProvidersCommand::Activate { provider } => {
            let provider: Provider = provider.parse()?;
            print_json(&Settings::open(&options)?.set_active(provider, true)?);
        }
        ProvidersCommand::Deactivate { provider } => {
            let provider: Provider = provider.parse()?;
            print_json(&Settings::open(&options)?.set_active(provider, false)?);
        }
        ProvidersCommand::Test { provider, json } => {
            let provider: Provider = provider.parse()?;
            let target = TestTarget::read(&mut Settings::open(&options)?, provider)?;
            let result = target.run();
            if json {
                print_json(&result);
            } else {
                println!(
                    "{}: {} ({})",
                    provider.display_name(),
                    result.outcome.label(),
                    printable(&result.detail)
                );
            }
            if result.outcome != TestOutcome::Ok {
                return Err(Error::TestFailed(provider, result.outcome));
            }
        }
        ProvidersCommand::BaseUrl {
            provider,
            url,
            reset,
        } => {
            let provider: Provider = provider.parse()?;
            let url = if reset {
                None
            } else {
                url.as_deref().map(validate_base_url).transpose()?
            };
            let status = Settings::open(&options)?.set_base_url(provider, url.as_deref())?;
            print_json(&status);
        }
    }
    Ok(())
}

/// Re-encrypts every stored key under the master key in `new_key_file`.
pub fn rotate_key(
    global: &GlobalOptions,
    new_key_file: &std::path::Path,
    dry_run: bool,
) -> Result<(), Error> {
    let new_key = crate::secret::load_key_file(new_key_file)?;
    let mut settings = Settings::open(&global.open_options())?;
    let rotation = settings.rotate_master_key(new_key, dry_run)?;
    let names: Vec<&str> = rotation
        .providers
        .iter()
        .map(|p| p.display_name())
        .collect();
    let which = if names.is_empty() {
        "no stored keys".to_owned()
    } else {
        format!("the keys of {}", names.join(", "))
    };
    if rotation.dry_run {
        println!(
            "Would re-encrypt {which} from master key {} to {}; nothing was changed.",
            rotation.old_key, rotation.new_key
        );
    } else {
        println!(
            "Re-encrypted {which} from master key {} to {}.",
            rotation.old_key, rotation.new_key
        );
        println!(
            "From now on load the master key from {} (--key-file, $LLM_SETTINGS_KEY_FILE, or replace {}), and keep the old key until its backups are gone.",
            new_key_file.display(),
            settings.master_key_origin()
        );
    }
    Ok(())
}

/// Replaces this process with `command`, its environment holding the
/// active providers' keys. Returns only on failure.
pub fn exec(global: &GlobalOptions, only: &[String], command: &[String]) -> Result<(), Error> {
    use std::os::unix::process::CommandExt;

    let only = only
        .iter()
        .map(|id| id.parse::<Provider>())
        .collect::<Result<Vec<_>, _>>()?;
    let mut settings = Settings::open(&global.open_options())?;
    let environment = crate::exec::environment(&mut settings, &only)?;
    drop(settings);
    let (program, args) = command.split_first().expect("clap requires a command");
    let mut child = std::process::Command::new(program);
    child.args(args);
    for name in &environment.remove {
        child.env_remove(name);
    }
    for (name, value) in &environment.set {
        match value {
            ExportedValue::Key(key) => child.env(name, key.expose_secret()),
            ExportedValue::BaseUrl(url) => child.env(name, url),
        };
    }
    crate::hardening::restore_core_limit_for_exec();
    let source = child.exec();
    Err(Error::Exec {
        command: program.clone(),
        source,
    })
}

/// Reads the key: all of stdin when it is piped, else a prompt on the
/// terminal that does not echo. Never from the command line.
fn read_key_input(provider: Provider) -> Result<SecretString, Error> {
    let stdin = io::stdin();
    let text = if stdin.is_terminal() {
        let prompt = format!("Key for {} (input hidden): ", provider.display_name());
        match prompt::read_hidden(&prompt).map_err(Error::Input)? {
            PromptOutcome::Entered(text) => text,
            PromptOutcome::Cancelled => return Err(Error::Cancelled),
        }
    } else {
        let mut bytes = Zeroizing::new(Vec::new());
        stdin.lock().read_to_end(&mut bytes).map_err(Error::Input)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| KeyRefusal::NotUtf8)?;
        Zeroizing::new(text.to_owned())
    };
    Ok(SecretString::from(text.as_str().to_owned()))
}

fn print_json<T: serde::Serialize + ?Sized>(value: &T) {
    // Serializing these plain structs cannot fail.
    let line = serde_json::to_string(value).expect("statuses serialize to JSON");
    let mut stdout = io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
}

fn print_table(settings: &Settings, states: &[ProviderState]) {
    let yes_no = |flag: bool| if flag { "yes" } else { "no" };
    let rows: Vec<[String; 8]> = states
        .iter()
        .map(|state| {
            [
                state.status.provider.display_name().to_owned(),
                yes_no(state.status.is_configured).to_owned(),
                yes_no(state.status.is_active).to_owned(),
                printable(state.status.key_hint.as_deref().unwrap_or("-")),
                state.fingerprint.clone().unwrap_or_else(|| "-".to_owned()),
                state.revision.to_string(),
                state.changed_at.map_or("-".to_owned(), |at| {
                    at.format("%Y-%m-%d %H:%M UTC").to_string()
                }),
                printable(state.changed_by.as_deref().unwrap_or("-")),
            ]
        })
        .collect();
    let header = [
        "PROVIDER",
        "CONFIGURED",
        "ACTIVE",
        "KEY HINT",
        "FINGERPRINT",
        "REV",
        "CHANGED",
        "BY",
    ];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = io::stdout().lock();
    let _ = writeln!(
        out,
        "Database: {} {}",
        settings.location().backend_name(),
        settings.location()
    );
    let line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        text
    };
    let _ = writeln!(out, "{}", line(&header));
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        let _ = writeln!(out, "{}", line(&cells));
    }
    for state in states {
        if let Some(url) = &state.base_url {
            let _ = writeln!(
                out,
                "{}: base URL {}",
                state.status.provider.id(),
                printable(url)
            );
        }
        if let Some(fault) = &state.fault {
            let _ = writeln!(out, "{}: {fault}; set it again", state.status.provider.id());
        }
    }
}
