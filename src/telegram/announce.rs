//! Change announcements: the changes a process made, as one message to the bot's chat, sent after the commit within a bounded time.

use std::time::Duration;

use super::TelegramTest;
use crate::history::HistoryEntry;

/// The most time an announcement may take: after it, the change stands and
/// the announcement is a warning.
pub const ANNOUNCE_TIMEOUT: Duration = Duration::from_secs(5);

/// Telegram's limit on a message is 4096 characters; the lines past this
/// are counted instead.
const MESSAGE_LIMIT: usize = 3500;

/// A message about changes, ready to send: who changed what, old -> new,
/// one line a change, secrets only as their hints (all the trail holds).
#[derive(Debug)]
pub struct Announcement {
    sender: TelegramTest,
    text: String,
}

impl Announcement {
    /// The message for `entries` through `sender`; `None` when there is
    /// nothing to say.
    pub fn of(sender: TelegramTest, entries: &[HistoryEntry]) -> Option<Self> {
        if entries.is_empty() {
            return None;
        }
        let mut text = String::new();
        for (shown, entry) in entries.iter().enumerate() {
            let line = format!("{} {}", entry.actor, entry.describe());
            if text.len() + line.len() > MESSAGE_LIMIT {
                text.push_str(&format!("… and {} more changes", entries.len() - shown));
                break;
            }
            text.push_str(&line);
            text.push('\n');
        }
        Some(Announcement {
            sender,
            text: text.trim_end().to_owned(),
        })
    }

    /// The message as it is sent.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Sends it within [`ANNOUNCE_TIMEOUT`]: `Ok` once Telegram took it,
    /// else why not, in one line without the token.
    pub fn send(&self) -> Result<(), String> {
        self.sender.send(&self.text, ANNOUNCE_TIMEOUT)
    }
}
