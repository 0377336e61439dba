//! `llm-settings-serve`: the settings API over HTTP on a unix socket; `llm-settings serve` runs it.

use std::process::ExitCode;

fn main() -> ExitCode {
    let _ = color_eyre::install();
    llm_settings::hardening::disable_core_dumps();
    llm_settings::serve::main()
}
