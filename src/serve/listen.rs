//! `--listen HOST:PORT`: TCP on loopback only. Any other address is refused, pointing at an SSH tunnel or a TLS-terminating proxy, because the API's tokens and the keys sent to it would cross the network in clear text.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// A `--listen` refused, in one line.
#[derive(Debug, thiserror::Error)]
pub enum ListenRefusal {
    #[error("--listen takes HOST:PORT, e.g. 127.0.0.1:8080, not {0}")]
    NotAnAddress(String),
    #[error(
        "--listen {0} is not a loopback address: serve listens on 127.0.0.1, [::1] or localhost only; reach it from elsewhere through an SSH tunnel (ssh -L 8080:127.0.0.1:8080 HOST) or a TLS-terminating proxy on this machine"
    )]
    NotLoopback(String),
}

/// The address to listen on: `127.0.0.1:PORT`, `[::1]:PORT`, any other
/// loopback address, or `localhost:PORT` (127.0.0.1, never a lookup of the
/// name, which a resolver could answer otherwise).
pub fn parse(text: &str) -> Result<SocketAddr, ListenRefusal> {
    let shown = || crate::sanitize::printable(text);
    if let Some(port) = text.strip_prefix("localhost:") {
        let port = port
            .parse::<u16>()
            .map_err(|_| ListenRefusal::NotAnAddress(shown()))?;
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    let address = text
        .parse::<SocketAddr>()
        .map_err(|_| match text.rsplit_once(':') {
            // A name or an address with a port: not loopback whatever it is.
            Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                ListenRefusal::NotLoopback(shown())
            }
            _ => ListenRefusal::NotAnAddress(shown()),
        })?;
    let loopback = match address.ip() {
        IpAddr::V4(ip) => ip.is_loopback(),
        IpAddr::V6(ip) => ip == Ipv6Addr::LOCALHOST,
    };
    if loopback {
        Ok(address)
    } else {
        Err(ListenRefusal::NotLoopback(shown()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_taken_and_everything_else_refused() {
        assert_eq!(
            parse("127.0.0.1:8080").unwrap().to_string(),
            "127.0.0.1:8080"
        );
        assert_eq!(parse("[::1]:8080").unwrap().to_string(), "[::1]:8080");
        assert_eq!(parse("localhost:9").unwrap().to_string(), "127.0.0.1:9");
        assert_eq!(parse("127.0.0.2:1").unwrap().to_string(), "127.0.0.2:1");
        for outside in [
            "0.0.0.0:8080",
            "192.168.1.5:80",
            "[::]:8080",
            "example.com:443",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert!(
                matches!(parse(outside), Err(ListenRefusal::NotLoopback(_))),
                "{outside}"
            );
        }
        for nonsense in ["8080", "localhost", "127.0.0.1", "localhost:99999", ""] {
            assert!(
                matches!(parse(nonsense), Err(ListenRefusal::NotAnAddress(_))),
                "{nonsense}"
            );
        }
    }
}
