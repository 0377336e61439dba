//! The unix socket `serve` listens on: in a folder of mode 0700, the socket 0600 (0660 for `--socket-group`), a stale file replaced, a live server's refused, and the caller named by the kernel.

use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why the socket could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    #[error("already serving on {}", .0.display())]
    InUse(PathBuf),
    #[error("{} is not a socket; it is left alone", .0.display())]
    NotASocket(PathBuf),
    #[error("no socket path: set XDG_RUNTIME_DIR, XDG_STATE_HOME or HOME, or give --socket")]
    NoPath,
    #[error("unknown group: {0}")]
    UnknownGroup(String),
    #[error("cannot listen on {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// The socket bound at `path` (the default's folder made with mode 0700),
/// mode 0600, or 0660 and of `group` when one is given.
pub fn bind(
    path: Option<&Path>,
    group: Option<&str>,
) -> Result<(std::os::unix::net::UnixListener, PathBuf), SocketError> {
    let (path, is_default) = match path {
        Some(path) => (path.to_owned(), false),
        None => (crate::paths::api_socket().ok_or(SocketError::NoPath)?, true),
    };
    let io_error = |source| SocketError::Io {
        path: path.clone(),
        source,
    };
    if is_default && let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io_error)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io_error)?;
    }
    let gid = group.map(group_id).transpose()?;
    replace_stale(&path)?;
    // Nobody but the owner can reach the socket from the moment it exists:
    // it is made under a umask that leaves it 0600.
    let old = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o177));
    let bound = std::os::unix::net::UnixListener::bind(&path);
    rustix::process::umask(old);
    let listener = bound.map_err(io_error)?;
    if let Some(gid) = gid {
        std::os::unix::fs::chown(&path, None, Some(gid)).map_err(io_error)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o660))
            .map_err(io_error)?;
    }
    Ok((listener, path))
}

/// A socket file nobody listens on is removed; one a live server holds,
/// or a file that is not a socket, is refused.
fn replace_stale(path: &Path) -> Result<(), SocketError> {
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if !metadata.file_type().is_socket() {
        return Err(SocketError::NotASocket(path.to_owned()));
    }
    match std::os::unix::net::UnixStream::connect(path) {
        Ok(_) => Err(SocketError::InUse(path.to_owned())),
        Err(_) => std::fs::remove_file(path).map_err(|source| SocketError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

/// The id of the group named `name`, from `/etc/group`.
fn group_id(name: &str) -> Result<u32, SocketError> {
    let groups = std::fs::read_to_string("/etc/group").unwrap_or_default();
    groups
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(':');
            let group = fields.next()?;
            let gid = fields.nth(1)?.parse().ok()?;
            (group == name).then_some(gid)
        })
        .next()
        .ok_or_else(|| SocketError::UnknownGroup(crate::sanitize::printable(name)))
}

/// The name of the user `uid`, from `/etc/passwd`; the number when it
/// has none.
pub fn user_name(uid: u32) -> String {
    let users = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    users
        .lines()
        .find_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let id: u32 = fields.nth(1)?.parse().ok()?;
            (id == uid).then(|| name.to_owned())
        })
        .unwrap_or_else(|| uid.to_string())
}
