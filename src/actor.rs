//! Who is making a change: the admin's login name and, over SSH, the address they came from.

use std::fmt;

use crate::sanitize::printable;

/// The longest actor text stored; the rest of an absurd `$USER` is cut.
const MAX_ACTOR_CHARS: usize = 200;

/// The admin recorded with every change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    /// `$SUDO_USER`, else `$USER`, else `unknown`; followed by
    /// ` from ADDRESS` when `$SSH_CONNECTION` names a client address.
    pub fn from_environment() -> Self {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        };
        let user = var("SUDO_USER")
            .or_else(|| var("USER"))
            .unwrap_or_else(|| "unknown".to_owned());
        let address = var("SSH_CONNECTION")
            .and_then(|connection| connection.split_whitespace().next().map(str::to_owned));
        Actor::new(&user, address.as_deref())
    }

    /// An actor with an explicit name and optional client address.
    pub fn new(user: &str, address: Option<&str>) -> Self {
        let text = match address {
            Some(address) => format!("{user} from {address}"),
            None => user.to_owned(),
        };
        // Stored text is printed later by the console and `providers list`.
        Actor(printable(&text).chars().take(MAX_ACTOR_CHARS).collect())
    }

    /// The text stored in `updated_by` and the audit trail.
    /// A caller of the HTTP API on the unix socket, named by the kernel:
    /// `alice via api (uid 1000)`.
    pub fn api_user(user: &str, uid: u32) -> Self {
        Actor::new(&format!("{user} via api (uid {uid})"), None)
    }

    /// A program calling the HTTP API over TCP with the token `name`:
    /// `api:ci-bot from 127.0.0.1`.
    pub fn api_token(name: &str, address: std::net::IpAddr) -> Self {
        Actor::new(&format!("api:{name}"), Some(&address.to_string()))
    }

    /// `serve` itself, reading for its own work (a token's look-up, the
    /// change stream): it writes nothing, so it is never in the trail.
    pub fn server() -> Self {
        Actor::new("serve", None)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_addresses() {
        assert_eq!(Actor::new("alice", None).as_str(), "alice");
        assert_eq!(
            Actor::new("alice", Some("203.0.113.7")).as_str(),
            "alice from 203.0.113.7"
        );
        assert_eq!(Actor::new("a\x1b]0;x\x07", None).as_str(), "a?]0;x?");
    }
}
