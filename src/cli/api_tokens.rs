//! `api-tokens add|list|revoke`: the tokens programs use to call `serve` over TCP; a token is printed once, on stdout, and never again.

use clap::Subcommand;

use super::output::{Table, print_json};
use super::{CliError, Session};
use crate::api_token::TokenName;

#[derive(Debug, Subcommand)]
pub enum ApiTokensCommand {
    /// Make a token for a program and print it, once, on stdout
    ///
    /// Only its SHA-256 is stored: keep the token where the program reads
    /// it (a file of mode 0600, a secret store); it cannot be shown again.
    Add {
        /// The program's name, in the audit trail as api:NAME: 1 to 64
        /// letters, digits, '.', '_' or '-'
        name: String,
    },
    /// The tokens: name, when and by whom made, when last used (never a token)
    List {
        /// Print a JSON array of {"name", "created_at", "created_by", "last_used_at"}
        #[arg(long)]
        json: bool,
    },
    /// End a token: every server of the database refuses it within 2 s
    Revoke { name: String },
}

/// Runs one `api-tokens` command.
pub fn run(session: &mut Session, command: ApiTokensCommand) -> Result<(), CliError> {
    match command {
        ApiTokensCommand::Add { name } => {
            let name = TokenName::parse(&name).map_err(crate::Error::from)?;
            let token = session.settings()?.add_api_token(&name)?;
            println!("{}", token.reveal());
            eprintln!(
                "API token {name} made; it is shown this once: give it to the program now (Authorization: Bearer TOKEN)"
            );
        }
        ApiTokensCommand::List { json } => {
            let tokens = session.settings()?.api_tokens()?;
            if json {
                print_json(&tokens);
            } else if tokens.is_empty() {
                println!("No API token. Make one with: llm-settings api-tokens add NAME");
            } else {
                let when = |at: chrono::NaiveDateTime| at.format("%Y-%m-%d %H:%M UTC").to_string();
                let mut table = Table::new(&["NAME", "CREATED", "BY", "LAST USED"]);
                for token in &tokens {
                    table.row(vec![
                        token.name.to_string(),
                        when(token.created_at),
                        token.created_by.to_string(),
                        token.last_used_at.map_or_else(|| "never".to_owned(), when),
                    ]);
                }
                table.print();
            }
        }
        ApiTokensCommand::Revoke { name } => {
            session.settings()?.revoke_api_token(&name)?;
            eprintln!("API token {} revoked", crate::sanitize::printable(&name));
        }
    }
    Ok(())
}
