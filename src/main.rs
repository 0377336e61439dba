//! The `llm-settings` binary: installs the panic handler, parses the command line, and dispatches.

use std::process::ExitCode;

use clap::Parser;
use llm_settings::cli::{self, Cli, Command};
use llm_settings::sanitize::one_line;

fn main() -> ExitCode {
    // color-eyre's panic hook first: a panic then prints a report that holds
    // no secret (no secret type prints itself) and, once the console exists,
    // restores the terminal.
    let _ = color_eyre::install();
    llm_settings::hardening::disable_core_dumps();

    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Providers(command)) => cli::run(&cli.global, command),
        Some(Command::Exec { only, command }) => cli::exec(&cli.global, &only, &command),
        Some(Command::RotateKey {
            new_key_file,
            dry_run,
        }) => cli::rotate_key(&cli.global, &new_key_file, dry_run),
        None => llm_settings::console::run(&cli.global.open_options()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", one_line(&error.to_string()));
            ExitCode::from(error.exit_status())
        }
    }
}
