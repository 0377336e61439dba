//! What the Telegram tab does with the answers to its requests: the dialog that waited closes or shows why not, and the status line says what happened.

use super::{Done, Kind, Mode, TelegramScreen};
use crate::connection_test::TestOutcome;
use crate::console::dialog::{Conflict, DialogAnswer};
use crate::console::request_id::RequestId;
use crate::console::screens::{Context, OpenDialog, changed_meanwhile, show_conflict, unpack};

impl TelegramScreen {
    /// Takes in the answer to request `id`: closes or updates the dialog
    /// that waited for it, and says what happened.
    pub(super) fn answered(
        &mut self,
        id: RequestId,
        outcome: Result<Done, String>,
        ctx: &mut Context<'_>,
    ) {
        let kind = self.sent.remove(&id);
        let Some((done, awaited)) = unpack(&mut self.mode, id, outcome, ctx) else {
            return;
        };
        match done {
            Done::Saved(state) => {
                if awaited {
                    self.mode = Mode::Browse;
                }
                let status = &state.status;
                let text = match kind {
                    Some(Kind::Token) => format!(
                        "Saved the bot token: {}; the bot is on, sending to {}.",
                        status.token_hint.clone().unwrap_or_default(),
                        status.chat_id.clone().unwrap_or_default()
                    ),
                    Some(Kind::Chat) => format!(
                        "The bot now sends to {}.",
                        status.chat_id.clone().unwrap_or_default()
                    ),
                    Some(Kind::Enabled(true)) => "The bot is now on.".to_owned(),
                    Some(Kind::Enabled(false)) => "The bot is now off.".to_owned(),
                    Some(Kind::Notify(true)) if !status.is_enabled => {
                        "Changes are announced in the chat once the bot is on.".to_owned()
                    }
                    Some(Kind::Notify(true)) => {
                        "Each change is now announced in the chat.".to_owned()
                    }
                    Some(Kind::Notify(false)) => "Changes are no longer announced.".to_owned(),
                    Some(Kind::BaseUrl) => match &state.base_url {
                        Some(url) => format!("The Bot API's base URL is now {url}."),
                        None => "The bot uses Telegram's own API again.".to_owned(),
                    },
                    Some(Kind::Delete) => "Deleted the bot token; the bot is off.".to_owned(),
                    _ => "Saved.".to_owned(),
                };
                ctx.inform(text);
            }
            Done::Conflict(state) => {
                let now = match kind {
                    Some(Kind::Chat) => format!(
                        "the chat is {} now",
                        state
                            .status
                            .chat_id
                            .clone()
                            .unwrap_or_else(|| "not set".into())
                    ),
                    _ => match &state.status.token_hint {
                        Some(hint) => format!("the token is {hint} now"),
                        None => "no token is set now".to_owned(),
                    },
                };
                let conflict = Conflict::of(state.as_ref(), "Telegram", now);
                show_conflict(&mut self.mode, id, conflict, ctx, || {
                    changed_meanwhile("Telegram", state.as_ref())
                });
            }
            Done::Tested(result) => {
                let text = format!("Telegram: {} ({})", result.outcome.label(), result.detail);
                if result.outcome == TestOutcome::Ok {
                    ctx.inform(text);
                } else {
                    ctx.warn(text);
                }
                self.to_record = Some(result);
            }
            Done::Recorded => {}
        }
    }
}

impl OpenDialog for Mode {
    fn awaits(&self, id: RequestId) -> bool {
        match self {
            Mode::Token(dialog) => dialog.awaits(id),
            Mode::Chat(dialog) | Mode::BaseUrl(dialog) => dialog.awaits(id),
            Mode::Browse | Mode::ConfirmDelete => false,
        }
    }

    fn show(&mut self, id: RequestId, answer: DialogAnswer) -> bool {
        match self {
            Mode::Token(dialog) => dialog.answered(id, answer),
            Mode::Chat(dialog) | Mode::BaseUrl(dialog) => dialog.answered(id, answer),
            Mode::Browse | Mode::ConfirmDelete => false,
        }
    }
}
