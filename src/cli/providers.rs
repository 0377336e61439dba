//! `providers ...`: the providers' keys, switches, base URLs and connection tests, for scripts.

use clap::Subcommand;
use secrecy::ExposeSecret;

use super::args;
use super::input::read_secret;
use super::output::{Table, print_json};
use super::{CliError, Session};
use crate::api_key::ApiKey;
use crate::base_url::BaseUrl;
use crate::connection_test::TestOutcome;
use crate::provider::Provider;
use crate::settings::Settings;
use crate::status::{ProviderState, ProviderStatus};

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
        provider: Provider,
        /// Refuse to overwrite a change made since this revision (the REV
        /// column of `providers list`; 0 for a provider never set)
        #[arg(long, value_name = "REVISION", allow_hyphen_values = true, value_parser = args::revision)]
        expect_revision: Option<i64>,
        /// Catches a key typed on the command line, to refuse it without echoing it.
        #[arg(hide = true, num_args = 0.., trailing_var_arg = true, allow_hyphen_values = true)]
        stray: Vec<String>,
    },
    /// Remove a provider's stored key
    Delete { provider: Provider },
    /// Make a configured provider active
    Activate { provider: Provider },
    /// Make a configured provider inactive
    Deactivate { provider: Provider },
    /// Test a provider's connection with its stored key
    Test {
        provider: Provider,
        /// Print {"provider", "outcome", "http_status", "latency_ms", "detail"}
        #[arg(long)]
        json: bool,
    },
    /// List the models a provider offers, asked with its stored key
    Models {
        provider: Provider,
        /// Print a JSON array of the model ids
        #[arg(long)]
        json: bool,
    },
    /// Set or reset a provider's base URL override
    BaseUrl {
        provider: Provider,
        /// The base URL, e.g. https://proxy.example/openai
        #[arg(required_unless_present = "reset", conflicts_with = "reset")]
        url: Option<String>,
        /// Remove the override and use the provider's default
        #[arg(long)]
        reset: bool,
    },
}

/// Runs one `providers` command.
pub fn run(session: &mut Session, command: ProvidersCommand) -> Result<(), CliError> {
    match command {
        ProvidersCommand::List { json } => {
            let settings = session.settings()?;
            let states = settings.states()?;
            if json {
                let statuses: Vec<&ProviderStatus> =
                    states.iter().map(|state| &state.status).collect();
                print_json(&statuses);
            } else {
                print_list(settings, &states);
            }
        }
        ProvidersCommand::Set {
            provider,
            expect_revision,
            stray,
        } => {
            if !stray.is_empty() {
                return Err(CliError::SecretOnCommandLine("key"));
            }
            // The key is read and checked before the database is touched, so
            // a refused key creates and changes nothing.
            let prompt = format!("Key for {} (input hidden): ", provider.display_name());
            let key = ApiKey::parse(read_secret(&prompt)?.expose_secret())?;
            let settings = session.settings()?;
            let status = match expect_revision {
                None => settings.save_api_key(provider, &key)?,
                Some(revision) => {
                    settings
                        .save_api_key_at_revision(provider, &key, revision)?
                        .saved(revision)?
                        .status
                }
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
            let settings = session.settings()?;
            let before = settings.status(provider)?;
            let status = settings.delete_key(provider)?;
            if before.is_configured && !provider.key_optional() {
                warn_tasks_stop(settings, provider, "has a key again")?;
            }
            print_json(&status);
        }
        ProvidersCommand::Activate { provider } => {
            print_json(&session.settings()?.set_active(provider, true)?);
        }
        ProvidersCommand::Deactivate { provider } => {
            let settings = session.settings()?;
            let before = settings.status(provider)?;
            let status = settings.set_active(provider, false)?;
            if before.is_active {
                warn_tasks_stop(settings, provider, "is active again")?;
            }
            print_json(&status);
        }
        ProvidersCommand::Models { provider, json } => {
            let target = session.settings()?.test_target(provider)?;
            let models = target.list_models().map_err(CliError::ModelsFailed)?;
            if json {
                print_json(&models);
            } else {
                for model in &models {
                    println!("{model}");
                }
            }
        }
        ProvidersCommand::Test { provider, json } => {
            let target = session.settings()?.test_target(provider)?;
            let result = target.run();
            if json {
                print_json(&result);
            } else {
                println!(
                    "{}: {} ({})",
                    provider.display_name(),
                    result.outcome.label(),
                    result.detail
                );
            }
            if result.outcome != TestOutcome::Ok {
                return Err(CliError::TestFailed(provider, result.outcome));
            }
        }
        ProvidersCommand::BaseUrl {
            provider,
            url,
            reset,
        } => {
            let url = if reset {
                None
            } else {
                url.as_deref().map(BaseUrl::parse).transpose()?
            };
            let status = session
                .settings()?
                .set_checked_base_url(provider, url.as_ref())?;
            print_json(&status);
        }
    }
    Ok(())
}

/// Says on stderr which tasks will not run any more now that `provider`
/// lost its key or was switched off (they keep their assignment).
fn warn_tasks_stop(
    settings: &mut Settings,
    provider: Provider,
    until: &str,
) -> Result<(), CliError> {
    let tasks = settings.tasks_using(provider)?;
    if !tasks.is_empty() {
        let ids: Vec<&str> = tasks.iter().map(|task| task.id()).collect();
        eprintln!(
            "warning: {} {} {} {} and will not run until it {until}",
            if tasks.len() == 1 { "task" } else { "tasks" },
            ids.join(", "),
            if tasks.len() == 1 { "uses" } else { "use" },
            provider.display_name(),
        );
    }
    Ok(())
}

/// `providers list` for people: the database, a table, then a line for
/// each base URL override and each key that does not decrypt.
fn print_list(settings: &Settings, states: &[ProviderState]) {
    let yes_no = |flag: bool| if flag { "yes" } else { "no" };
    println!(
        "Database: {} {}",
        settings.location().backend_name(),
        settings.location()
    );
    let mut table = Table::new(&[
        "PROVIDER",
        "CONFIGURED",
        "ACTIVE",
        "KEY HINT",
        "FINGERPRINT",
        "REV",
        "CHANGED",
        "BY",
    ]);
    for state in states {
        table.row(vec![
            state.status.provider.display_name().to_owned(),
            yes_no(state.status.is_configured).to_owned(),
            yes_no(state.status.is_active).to_owned(),
            state.status.key_hint.as_deref().unwrap_or("-").to_owned(),
            state.fingerprint.clone().unwrap_or_else(|| "-".to_owned()),
            state.revision.to_string(),
            state.changed_at.map_or("-".to_owned(), |at| {
                at.format("%Y-%m-%d %H:%M UTC").to_string()
            }),
            state.changed_by.as_deref().unwrap_or("-").to_owned(),
        ]);
    }
    table.print();
    for state in states {
        if let Some(url) = &state.base_url {
            println!("{}: base URL {}", state.status.provider.id(), url);
        }
        if let Some(fault) = &state.fault {
            println!("{}: {fault}; set it again", state.status.provider.id());
        }
    }
}
