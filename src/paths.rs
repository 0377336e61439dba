//! The default locations of the database and the master key, after the XDG base directory rules.

use std::path::PathBuf;

/// The name of the folder llm-settings keeps its files in.
const APP_DIR: &str = "llm-settings";

fn xdg_dir(variable: &str, fallback_under_home: &str) -> Option<PathBuf> {
    // The XDG rules ignore a relative path in these variables.
    if let Some(dir) = std::env::var_os(variable).map(PathBuf::from)
        && dir.is_absolute()
    {
        return Some(dir.join(APP_DIR));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    if !home.is_absolute() {
        return None;
    }
    Some(home.join(fallback_under_home).join(APP_DIR))
}

/// `$XDG_CONFIG_HOME/llm-settings`, normally `~/.config/llm-settings`.
pub fn config_dir() -> Option<PathBuf> {
    xdg_dir("XDG_CONFIG_HOME", ".config")
}

/// `$XDG_DATA_HOME/llm-settings`, normally `~/.local/share/llm-settings`.
pub fn data_dir() -> Option<PathBuf> {
    xdg_dir("XDG_DATA_HOME", ".local/share")
}

/// Where `serve` listens by default: `$XDG_RUNTIME_DIR/llm-settings/api.sock`,
/// else `$XDG_STATE_HOME/llm-settings/api.sock` (normally
/// `~/.local/state/llm-settings/api.sock`).
pub fn api_socket() -> Option<PathBuf> {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(APP_DIR));
    runtime
        .or_else(|| xdg_dir("XDG_STATE_HOME", ".local/state"))
        .map(|dir| dir.join("api.sock"))
}
