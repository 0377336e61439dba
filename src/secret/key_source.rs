//! Where the master key comes from: `--key-file`, the environment, or the default key file.

use std::fmt;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::master_key::{MasterKey, MasterKeyParseError};
use crate::paths;

/// The environment variable holding the master key itself, as base64.
pub const MASTER_KEY_VAR: &str = "LLM_SETTINGS_MASTER_KEY";
/// The environment variable naming a key file.
pub const KEY_FILE_VAR: &str = "LLM_SETTINGS_KEY_FILE";

/// The first source of the master key that is present, in the order the README gives.
pub enum KeySource {
    /// `--key-file PATH`.
    Flag(PathBuf),
    /// The base64 text of `$LLM_SETTINGS_MASTER_KEY`.
    Environment(Zeroizing<String>),
    /// `$LLM_SETTINGS_KEY_FILE`.
    EnvironmentFile(PathBuf),
    /// `$XDG_CONFIG_HOME/llm-settings/master.key`, created on first use.
    DefaultFile(PathBuf),
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The environment variable's value is the key: never print it.
        write!(f, "KeySource({})", self.origin())
    }
}

/// Where a loaded master key came from, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    Flag(PathBuf),
    Environment,
    EnvironmentFile(PathBuf),
    DefaultFile(PathBuf),
}

impl fmt::Display for KeyOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyOrigin::Flag(path) => write!(f, "--key-file {}", path.display()),
            KeyOrigin::Environment => write!(f, "${MASTER_KEY_VAR}"),
            KeyOrigin::EnvironmentFile(path) => write!(f, "${KEY_FILE_VAR} ({})", path.display()),
            KeyOrigin::DefaultFile(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A master key and where it was found.
#[derive(Debug)]
pub struct LoadedKey {
    pub key: MasterKey,
    pub origin: KeyOrigin,
    /// True when the default key file was created by this call.
    pub created: bool,
}

/// Why no usable master key was loaded. No message contains key material.
#[derive(Debug, thiserror::Error)]
pub enum MasterKeyError {
    #[error(
        "no master key found: the database holds encrypted keys, but {path} does not exist and neither --key-file, ${MASTER_KEY_VAR} nor ${KEY_FILE_VAR} is set; restore the master key from its backup (nothing was created)",
        path = .0.display()
    )]
    Missing(PathBuf),
    #[error(
        "cannot find the default master key file: neither $XDG_CONFIG_HOME nor $HOME is set; use --key-file or ${MASTER_KEY_VAR}"
    )]
    NoDefaultLocation,
    #[error("master key file {path} is readable by group or others (mode {mode:04o}); fix it with: chmod 600 {path}", path = .path.display())]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("cannot read master key file {path}: {source}", path = .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot create master key file {path}: {source}", path = .path.display())]
    Create { path: PathBuf, source: io::Error },
    #[error("the master key from {origin} {reason}")]
    Invalid {
        origin: KeyOrigin,
        reason: MasterKeyParseError,
    },
    #[error("cannot generate a master key: the system's random number generator failed")]
    Random,
}

/// The default key file: `$XDG_CONFIG_HOME/llm-settings/master.key`.
pub fn default_key_file() -> Option<PathBuf> {
    paths::config_dir().map(|dir| dir.join("master.key"))
}

impl KeySource {
    /// Picks the first source present: the flag, then `$LLM_SETTINGS_MASTER_KEY`,
    /// then `$LLM_SETTINGS_KEY_FILE`, then the default file. An empty variable
    /// counts as unset.
    pub fn resolve(flag: Option<&Path>) -> Result<KeySource, MasterKeyError> {
        if let Some(path) = flag {
            return Ok(KeySource::Flag(path.to_owned()));
        }
        if let Some(text) = std::env::var_os(MASTER_KEY_VAR).filter(|v| !v.is_empty()) {
            let text = Zeroizing::new(text.to_string_lossy().into_owned());
            return Ok(KeySource::Environment(text));
        }
        if let Some(path) = std::env::var_os(KEY_FILE_VAR).filter(|v| !v.is_empty()) {
            return Ok(KeySource::EnvironmentFile(PathBuf::from(path)));
        }
        default_key_file()
            .map(KeySource::DefaultFile)
            .ok_or(MasterKeyError::NoDefaultLocation)
    }

    /// Where this source is, for messages.
    pub fn origin(&self) -> KeyOrigin {
        match self {
            KeySource::Flag(path) => KeyOrigin::Flag(path.clone()),
            KeySource::Environment(_) => KeyOrigin::Environment,
            KeySource::EnvironmentFile(path) => KeyOrigin::EnvironmentFile(path.clone()),
            KeySource::DefaultFile(path) => KeyOrigin::DefaultFile(path.clone()),
        }
    }
}

/// Loads the master key from `source`. The default file is created with a new
/// random key only while `values_exist` is false; an explicitly named file is
/// never created.
pub fn load_master_key(source: KeySource, values_exist: bool) -> Result<LoadedKey, MasterKeyError> {
    load(source, values_exist, Mode::Refuse)
}

/// [`load_master_key`] for `check`, which reports a key file that group or
/// others may read instead of refusing it: the key, and that refusal.
pub fn load_master_key_reporting_mode(
    source: KeySource,
    values_exist: bool,
) -> Result<(LoadedKey, Option<MasterKeyError>), MasterKeyError> {
    let too_open = match &source {
        KeySource::Flag(path) | KeySource::EnvironmentFile(path) | KeySource::DefaultFile(path) => {
            fs::metadata(path)
                .ok()
                .map(|metadata| metadata.permissions().mode())
                .filter(|mode| mode & 0o077 != 0)
                .map(|mode| MasterKeyError::TooOpen {
                    path: path.clone(),
                    mode: mode & 0o7777,
                })
        }
        KeySource::Environment(_) => None,
    };
    Ok((load(source, values_exist, Mode::Report)?, too_open))
}

/// Whether a key file that group or others may read is refused.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Refuse,
    Report,
}

fn load(source: KeySource, values_exist: bool, mode: Mode) -> Result<LoadedKey, MasterKeyError> {
    let origin = source.origin();
    let parse = |text: &str, origin: KeyOrigin| {
        MasterKey::from_base64(text)
            .map(|key| LoadedKey {
                key,
                origin: origin.clone(),
                created: false,
            })
            .map_err(|reason| MasterKeyError::Invalid { origin, reason })
    };
    match source {
        KeySource::Environment(text) => parse(&text, origin),
        KeySource::Flag(path) | KeySource::EnvironmentFile(path) => {
            let text = read_key_file(&path, mode)?;
            parse(&text, origin)
        }
        KeySource::DefaultFile(path) => match read_key_file(&path, mode) {
            Ok(text) => parse(&text, origin),
            Err(MasterKeyError::Read { source, .. })
                if source.kind() == io::ErrorKind::NotFound =>
            {
                if values_exist {
                    return Err(MasterKeyError::Missing(path));
                }
                create_default_key_file(&path, origin)
            }
            Err(other) => Err(other),
        },
    }
}

/// Loads the master key of a key file that must exist, with the same checks
/// as every other key file (mode 0600, base64 of 64 bytes).
pub fn load_key_file(path: &Path) -> Result<MasterKey, MasterKeyError> {
    let text = read_key_file(path, Mode::Refuse)?;
    MasterKey::from_base64(&text).map_err(|reason| MasterKeyError::Invalid {
        origin: KeyOrigin::Flag(path.to_owned()),
        reason,
    })
}

/// Reads a key file, refusing one that group or others may read (unless
/// `mode` says to report it instead, which the caller does).
fn read_key_file(path: &Path, mode_check: Mode) -> Result<Zeroizing<String>, MasterKeyError> {
    let read_error = |source| MasterKeyError::Read {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(read_error)?;
    let mode = file.metadata().map_err(read_error)?.permissions().mode();
    if mode & 0o077 != 0 && mode_check == Mode::Refuse {
        return Err(MasterKeyError::TooOpen {
            path: path.to_owned(),
            mode: mode & 0o7777,
        });
    }
    let mut text = Zeroizing::new(String::new());
    file.read_to_string(&mut text).map_err(read_error)?;
    Ok(text)
}

fn create_default_key_file(path: &Path, origin: KeyOrigin) -> Result<LoadedKey, MasterKeyError> {
    let key = MasterKey::generate().map_err(|_| MasterKeyError::Random)?;
    match generate_key_file_with(path, &key) {
        Ok(()) => Ok(LoadedKey {
            key,
            origin,
            created: true,
        }),
        // Another process created it first: use the key it wrote.
        Err(MasterKeyError::Create { source, .. })
            if source.kind() == io::ErrorKind::AlreadyExists =>
        {
            let text = read_key_file(path, Mode::Refuse)?;
            MasterKey::from_base64(&text)
                .map(|key| LoadedKey {
                    key,
                    origin: origin.clone(),
                    created: false,
                })
                .map_err(|reason| MasterKeyError::Invalid { origin, reason })
        }
        Err(other) => Err(other),
    }
}

/// Writes a new random master key to `path` (mode 0600, in a folder created
/// with mode 0700 if missing). Fails if the file exists.
pub fn generate_key_file(path: &Path) -> Result<MasterKey, MasterKeyError> {
    let key = MasterKey::generate().map_err(|_| MasterKeyError::Random)?;
    generate_key_file_with(path, &key)?;
    Ok(key)
}

fn generate_key_file_with(path: &Path, key: &MasterKey) -> Result<(), MasterKeyError> {
    let create_error = |source| MasterKeyError::Create {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(create_error)?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(create_error)?;
    let mut line = Zeroizing::new(key.to_base64().to_string());
    line.push('\n');
    let written = file
        .write_all(line.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(source) = written {
        // A half-written key file would be read as a wrong key next time.
        let _ = fs::remove_file(path);
        return Err(create_error(source));
    }
    Ok(())
}
