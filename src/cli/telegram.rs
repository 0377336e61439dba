//! `telegram ...`: the alert bot's token, chat, switches, base URL and test, for scripts.

use clap::Subcommand;
use secrecy::ExposeSecret;

use super::input::read_secret;
use super::output::print_json;
use super::{CliError, Session};
use crate::api_key::ApiKey;
use crate::base_url::BaseUrl;
use crate::connection_test::TestOutcome;
use crate::sanitize::Printable;
use crate::telegram::{ChatId, TelegramState, token_looks_right};

#[derive(Debug, Subcommand)]
pub enum TelegramCommand {
    /// Show the bot: token hint, chat, on or off, announcements, last test
    Show {
        /// Print {"is_configured", "is_enabled", "chat_id", "token_hint", "notify_changes"}
        #[arg(long)]
        json: bool,
    },
    /// Store the bot's token, read from stdin when piped, else from a hidden prompt; turns the bot on
    Set {
        /// The chat to send to (needed when none is stored): a whole number
        /// such as -1001234567890, or a public @channelname
        #[arg(long, value_name = "ID", allow_negative_numbers = true)]
        chat_id: Option<String>,
        /// Catches a token typed on the command line, to refuse it without echoing it.
        #[arg(hide = true, num_args = 0.., trailing_var_arg = true, allow_hyphen_values = true)]
        stray: Vec<String>,
    },
    /// Change the chat the bot sends to (the token stays)
    ChatId {
        /// A whole number (negative for groups, given as it is) or a public @channelname
        #[arg(allow_negative_numbers = true, allow_hyphen_values = true)]
        id: String,
    },
    /// Turn the bot on (it needs a token and a chat id)
    Enable,
    /// Turn the bot off
    Disable,
    /// Remove the token and turn the bot off (the chat id stays)
    Delete,
    /// Send a test message: getMe, then sendMessage to the chat
    Test {
        /// Print {"outcome", "http_status", "latency_ms", "detail"}
        #[arg(long)]
        json: bool,
    },
    /// Set or reset the Bot API's base URL (a self-hosted Bot API server)
    BaseUrl {
        #[arg(required_unless_present = "reset", conflicts_with = "reset")]
        url: Option<String>,
        /// Use Telegram's own API again
        #[arg(long)]
        reset: bool,
    },
    /// Whether each change of the settings is announced in the chat
    Notify {
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
}

/// Runs one `telegram` command.
pub fn run(session: &mut Session, command: TelegramCommand) -> Result<(), CliError> {
    let saved = match command {
        TelegramCommand::Show { json } => {
            let state = session.settings()?.telegram()?;
            if json {
                print_json(&state.status);
            } else {
                print_show(&state);
            }
            return Ok(());
        }
        TelegramCommand::Set { chat_id, stray } => {
            if !stray.is_empty() {
                return Err(CliError::SecretOnCommandLine("token"));
            }
            // Everything is checked before the database is touched.
            let chat = chat_id.as_deref().map(ChatId::parse).transpose()?;
            let token = ApiKey::parse(read_secret("Bot token (input hidden): ")?.expose_secret())?;
            let settings = session.settings()?;
            let saved = settings.set_telegram_token(&token, chat.as_ref(), None)?;
            if !token_looks_right(token.expose_secret()) {
                eprintln!(
                    "warning: this does not look like a Telegram bot token (123456789:ABC...); saved anyway"
                );
            }
            saved
        }
        TelegramCommand::ChatId { id } => {
            let chat = ChatId::parse(&id)?;
            session.settings()?.set_telegram_chat(&chat, None)?
        }
        TelegramCommand::Enable => session.settings()?.set_telegram_enabled(true, None)?,
        TelegramCommand::Disable => session.settings()?.set_telegram_enabled(false, None)?,
        TelegramCommand::Delete => session.settings()?.delete_telegram_token(None)?,
        TelegramCommand::BaseUrl { url, reset } => {
            let url = if reset {
                None
            } else {
                url.as_deref().map(BaseUrl::parse).transpose()?
            };
            session
                .settings()?
                .set_telegram_base_url(url.as_ref(), None)?
        }
        TelegramCommand::Notify { state } => {
            let saved = session
                .settings()?
                .set_telegram_notify(state == "on", None)?;
            let status = &saved.current().status;
            if status.notify_changes && !status.is_enabled {
                eprintln!(
                    "warning: the bot is off: changes are announced once it is on (telegram enable)"
                );
            }
            saved
        }
        TelegramCommand::Test { json } => {
            let settings = session.settings()?;
            let test = settings.telegram_test()?;
            let result = test.run(&settings.telegram_test_text());
            settings.record_telegram_test(&result)?;
            if json {
                print_json(&result);
            } else {
                println!("Telegram: {} ({})", result.outcome.label(), result.detail);
            }
            if result.outcome != TestOutcome::Ok {
                return Err(CliError::TelegramTestFailed(result.outcome));
            }
            return Ok(());
        }
    };
    // Without an expected revision the last writer wins: never a conflict.
    print_json(&saved.current().status);
    Ok(())
}

/// `telegram show` for people.
fn print_show(state: &TelegramState) {
    let status = &state.status;
    let or_none = |value: &Option<Printable>| value.as_deref().unwrap_or("not set").to_owned();
    let on_off = |on: bool| if on { "on" } else { "off" };
    println!("Token:          {}", or_none(&status.token_hint));
    if let Some(fault) = &state.fault {
        println!("                {fault}; set it again");
    }
    println!("Chat:           {}", or_none(&status.chat_id));
    println!("Bot:            {}", on_off(status.is_enabled));
    println!("Announcements:  {}", on_off(status.notify_changes));
    println!(
        "Base URL:       {}",
        state.base_url.as_ref().map_or_else(
            || format!("{} (the default)", crate::telegram::DEFAULT_BASE_URL),
            Printable::to_string
        )
    );
    match &state.last_test {
        Some(test) => println!(
            "Last test:      {} at {}: {}",
            test.outcome.label(),
            test.at.format("%Y-%m-%d %H:%M UTC"),
            test.detail
        ),
        None => println!("Last test:      never"),
    }
    match (&state.changed_at, &state.changed_by) {
        (Some(at), Some(by)) => println!(
            "Revision {}, changed {} by {by}",
            state.revision,
            at.format("%Y-%m-%d %H:%M UTC")
        ),
        _ => println!("Revision {}, never changed", state.revision),
    }
}
