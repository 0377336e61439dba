//! `check`: what needs an admin, one finding a line, for cron and monitors (exit 0: nothing; 1: something).

use super::CliError;
use super::output::{print_json, print_line};
use crate::check::{Finding, Severity};
use crate::group::Group;
use crate::settings::{OpenOptions, Settings};

/// Prints every finding; exit 1 when there is one.
pub fn run(options: &OpenOptions, json: bool, max_key_age_days: u32) -> Result<(), CliError> {
    let (mut settings, too_open) = Settings::open_for_check(options)?;
    let mut findings = Vec::new();
    if let Some(refusal) = too_open {
        findings.push(Finding::new(
            Severity::Error,
            Group::MasterKey,
            None,
            format!("{refusal}; every other command refuses to start until then"),
        ));
    }
    findings.extend(settings.check(max_key_age_days)?);
    if json {
        print_json(&findings);
    } else if findings.is_empty() {
        println!("Nothing needs an admin.");
    } else {
        for finding in &findings {
            print_line(&finding.line());
        }
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(CliError::Findings(findings.len()))
    }
}
