//! `completions` and `man`: the shell completion scripts and the man page, generated from the same clap definitions as `--help`.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, CliError};

/// Prints the completion script of `shell` (bash, zsh or fish).
pub fn completions(shell: &str) -> Result<(), CliError> {
    let shell = match shell {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        other => {
            return Err(CliError::Usage(format!(
                "Invalid shell: {} (one of bash, zsh, fish)",
                crate::sanitize::printable(other)
            )));
        }
    };
    let mut command = Cli::command();
    // Into memory first: the generator panics on a write error, and stdout
    // closed early (`| head`) is the reader's choice, not a failure.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "llm-settings", &mut script);
    let _ = io::stdout().lock().write_all(&script);
    Ok(())
}

/// Prints the man page, in roff.
pub fn man() -> Result<(), CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(CliError::Input)?;
    let _ = io::stdout().lock().write_all(&page);
    Ok(())
}
