//! Reading a secret for a command: all of stdin when piped, else a prompt that does not echo; never argv.

use std::io::{self, IsTerminal, Read};

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::CliError;
use super::prompt::{self, PromptOutcome};
use crate::api_key::KeyRefusal;

/// Reads a secret: all of stdin when it is piped, else `prompt` on the
/// terminal, without echo.
pub fn read_secret(prompt: &str) -> Result<SecretString, CliError> {
    let stdin = io::stdin();
    let text = if stdin.is_terminal() {
        match prompt::read_hidden(prompt).map_err(CliError::Input)? {
            PromptOutcome::Entered(text) => text,
            PromptOutcome::Cancelled => return Err(CliError::Cancelled),
        }
    } else {
        let mut bytes = Zeroizing::new(Vec::new());
        stdin
            .lock()
            .read_to_end(&mut bytes)
            .map_err(CliError::Input)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| KeyRefusal::NotUtf8)?;
        Zeroizing::new(text.to_owned())
    };
    Ok(SecretString::from(text.as_str().to_owned()))
}
