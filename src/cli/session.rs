//! One command's use of the settings: opened once, when first needed, and the command's changes announced after it succeeded.

use crate::error::Error;
use crate::sanitize::one_line;
use crate::settings::{OpenOptions, Settings};

/// Where the settings are, and the handle a command opened on them.
pub struct Session {
    pub options: OpenOptions,
    settings: Option<Settings>,
}

impl Session {
    pub fn new(options: OpenOptions) -> Self {
        Session {
            options,
            settings: None,
        }
    }

    /// The settings, opened on first use.
    pub fn settings(&mut self) -> Result<&mut Settings, Error> {
        let settings = match self.settings.take() {
            Some(settings) => settings,
            None => Settings::open(&self.options)?,
        };
        Ok(self.settings.insert(settings))
    }

    /// After a command succeeded: its changes, if the bot announces them,
    /// sent to the chat within 5 s. Whatever happens, the change stands: a
    /// failure is a warning on stderr and the exit status stays 0.
    pub fn announce(&mut self) {
        let Some(settings) = self.settings.as_mut() else {
            return;
        };
        let failure = match settings.take_announcement() {
            Ok(None) => return,
            Ok(Some(announcement)) => match announcement.send() {
                Ok(()) => return,
                Err(reason) => reason,
            },
            Err(error) => error.to_string(),
        };
        eprintln!(
            "warning: the change is saved, but it was not announced in the Telegram chat: {}",
            one_line(&failure)
        );
    }
}
