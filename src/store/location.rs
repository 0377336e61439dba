//! Where the database is: parsing `--database-url`, `$DATABASE_URL` or the default, and showing it without its password.

use std::fmt;
use std::path::PathBuf;

use crate::paths;
use crate::sanitize::printable;

/// The environment variable naming the database.
pub const DATABASE_URL_VAR: &str = "DATABASE_URL";

/// A database to open, chosen by the URL's scheme.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    /// A SQLite file. `is_default` marks the embedded default, whose folder is
    /// created (mode 0700) when missing; a named file's folder must exist.
    Sqlite { path: PathBuf, is_default: bool },
    /// A private in-memory SQLite database, gone when the process ends.
    SqliteMemory,
    /// A PostgreSQL server, by its `postgres://` or `postgresql://` URL.
    Postgres { url: String },
}

/// Why a database URL was not understood.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error("Invalid database URL: it is empty")]
    Empty,
    #[error(
        "Invalid database URL: unsupported scheme {0}:// (use postgres://, postgresql://, sqlite://PATH, a file path or :memory:)"
    )]
    UnsupportedScheme(String),
    #[error(
        "cannot find the default database: neither $XDG_DATA_HOME nor $HOME is set; use --database-url"
    )]
    NoDefaultLocation,
}

impl DatabaseLocation {
    /// Parses a database URL: `postgres://` and `postgresql://` select PostgreSQL;
    /// `sqlite://PATH`, a plain path, or `:memory:` select SQLite.
    pub fn parse(text: &str) -> Result<Self, DatabaseUrlError> {
        if text.is_empty() {
            return Err(DatabaseUrlError::Empty);
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(DatabaseLocation::Postgres {
                url: text.to_owned(),
            });
        }
        let path = match text.strip_prefix("sqlite://") {
            Some("") => return Err(DatabaseUrlError::Empty),
            Some(path) => path,
            None => {
                if let Some((scheme, _)) = text.split_once("://")
                    && !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                {
                    return Err(DatabaseUrlError::UnsupportedScheme(printable(scheme)));
                }
                text
            }
        };
        if path == ":memory:" {
            return Ok(DatabaseLocation::SqliteMemory);
        }
        Ok(DatabaseLocation::Sqlite {
            path: PathBuf::from(path),
            is_default: false,
        })
    }

    /// The database to use: the flag, else `$DATABASE_URL`, else the embedded
    /// default `$XDG_DATA_HOME/llm-settings/settings.db`.
    pub fn resolve(flag: Option<&str>) -> Result<Self, DatabaseUrlError> {
        if let Some(url) = flag {
            return Self::parse(url);
        }
        if let Some(url) = std::env::var_os(DATABASE_URL_VAR).filter(|v| !v.is_empty()) {
            return Self::parse(&url.to_string_lossy());
        }
        Self::default_location()
    }

    /// The embedded default.
    pub fn default_location() -> Result<Self, DatabaseUrlError> {
        let dir = paths::data_dir().ok_or(DatabaseUrlError::NoDefaultLocation)?;
        Ok(DatabaseLocation::Sqlite {
            path: dir.join("settings.db"),
            is_default: true,
        })
    }

    /// The backend's name, for headers and messages.
    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseLocation::Sqlite { .. } | DatabaseLocation::SqliteMemory => "SQLite",
            DatabaseLocation::Postgres { .. } => "PostgreSQL",
        }
    }
}

/// Shows the database without its password, safe for any terminal.
impl fmt::Display for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseLocation::Sqlite { path, .. } => {
                write!(f, "{}", printable(&path.to_string_lossy()))
            }
            DatabaseLocation::SqliteMemory => f.write_str(":memory:"),
            DatabaseLocation::Postgres { url } => f.write_str(&printable(&redact_url(url))),
        }
    }
}

impl fmt::Debug for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseLocation({} {self})", self.backend_name())
    }
}

/// The password of a PostgreSQL URL, from its user info or its `password=` parameter.
pub(crate) fn url_password(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    if let Some((userinfo, _)) = authority.rsplit_once('@')
        && let Some((_, password)) = userinfo.split_once(':')
    {
        return Some(password);
    }
    let query = rest.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("password="))
}

/// Replaces the password of a URL, in its user info or a `password=`
/// parameter, with `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some(("password", _)) => "password=***".to_owned(),
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_select_the_backend() {
        assert!(matches!(
            DatabaseLocation::parse("postgres://u@h/db"),
            Ok(DatabaseLocation::Postgres { .. })
        ));
        assert!(matches!(
            DatabaseLocation::parse("postgresql://h/db"),
            Ok(DatabaseLocation::Postgres { .. })
        ));
        assert_eq!(
            DatabaseLocation::parse("sqlite:///var/lib/x.db"),
            Ok(DatabaseLocation::Sqlite {
                path: "/var/lib/x.db".into(),
                is_default: false
            })
        );
        assert_eq!(
            DatabaseLocation::parse("rel/x.db"),
            Ok(DatabaseLocation::Sqlite {
                path: "rel/x.db".into(),
                is_default: false
            })
        );
        assert_eq!(
            DatabaseLocation::parse(":memory:"),
            Ok(DatabaseLocation::SqliteMemory)
        );
        assert_eq!(
            DatabaseLocation::parse("mysql://h/db"),
            Err(DatabaseUrlError::UnsupportedScheme("mysql".into()))
        );
        assert_eq!(DatabaseLocation::parse(""), Err(DatabaseUrlError::Empty));
    }

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            redact_url("postgres://admin:s3cret@db.example:5432/settings?sslmode=require"),
            "postgres://admin:***@db.example:5432/settings?sslmode=require"
        );
        assert_eq!(
            redact_url("postgresql://db/settings?user=a&password=s3cret"),
            "postgresql://db/settings?user=a&password=***"
        );
        assert_eq!(redact_url("postgres://admin@db/x"), "postgres://admin@db/x");
        assert_eq!(url_password("postgres://admin:s3cret@db/x"), Some("s3cret"));
        assert_eq!(
            url_password("postgres://db/x?password=s3cret&a=b"),
            Some("s3cret")
        );
        assert_eq!(url_password("postgres://admin@db/x"), None);
        let location = DatabaseLocation::parse("postgres://admin:s3cret@db/x").unwrap();
        assert!(!location.to_string().contains("s3cret"));
        assert!(!format!("{location:?}").contains("s3cret"));
    }
}
