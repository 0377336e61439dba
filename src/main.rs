//! The `llm-settings` binary: installs the panic handler, parses the command line, and dispatches.

use std::process::ExitCode;

use clap::Parser;
use llm_settings::cli::{self, Cli};
use llm_settings::sanitize::one_line;

fn main() -> ExitCode {
    // color-eyre's panic hook first: a panic then prints a report that holds
    // no secret (no secret type prints itself) and, once the console exists,
    // restores the terminal.
    let _ = color_eyre::install();
    llm_settings::hardening::disable_core_dumps();

    let parsed = match Cli::try_parse() {
        Ok(parsed) => parsed,
        Err(error) => match cli::refusal(&error) {
            // A provider, task or group that is none of them: the
            // library's line, as every front end says it.
            Some(refused) => return fail(&refused),
            None => error.exit(),
        },
    };
    match cli::run(parsed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

/// Says why `error` failed the command (unless its output did), and gives its exit status.
fn fail(error: &cli::CliError) -> ExitCode {
    if !error.is_reported() {
        eprintln!("error: {}", one_line(&error.to_string()));
    }
    ExitCode::from(error.exit_status())
}
