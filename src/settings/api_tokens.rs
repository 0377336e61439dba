//! The API tokens through `Settings`: added (the token returned once, its hash stored), listed without tokens, revoked, and a request's token looked up by its hash.

use chrono::NaiveDateTime;

use super::Settings;
use crate::api_token::{NewToken, TokenHash, TokenName, generate};
use crate::error::Error;
use crate::sanitize::Printable;

/// A token as `api-tokens list` shows it: never the token, nor its hash.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ApiTokenInfo {
    pub name: Printable,
    #[serde(serialize_with = "crate::history::utc")]
    pub created_at: NaiveDateTime,
    pub created_by: Printable,
    #[serde(serialize_with = "crate::history::utc_or_null")]
    pub last_used_at: Option<NaiveDateTime>,
}

impl Settings {
    /// Makes a token named `name` and stores its hash, audited; the token
    /// is in the answer and nowhere else.
    pub fn add_api_token(&mut self, name: &TokenName) -> Result<NewToken, Error> {
        let token = generate().map_err(|_| Error::NoRandomness)?;
        let added = self
            .store
            .add_api_token(name.as_str(), &token.hash.0, self.actor.as_str())?;
        if added {
            Ok(token)
        } else {
            Err(Error::ApiTokenExists(name.to_string()))
        }
    }

    /// Every token, by name.
    pub fn api_tokens(&mut self) -> Result<Vec<ApiTokenInfo>, Error> {
        Ok(self
            .store
            .api_tokens()?
            .into_iter()
            .map(|row| ApiTokenInfo {
                name: Printable::new(&row.name),
                created_at: row.created_at,
                created_by: Printable::new(&row.created_by),
                last_used_at: row.last_used_at,
            })
            .collect())
    }

    /// Ends the token `name`, audited.
    pub fn revoke_api_token(&mut self, name: &str) -> Result<(), Error> {
        if self.store.revoke_api_token(name, self.actor.as_str())? {
            Ok(())
        } else {
            Err(Error::NoApiToken(crate::sanitize::printable(name)))
        }
    }

    /// The name of the token whose hash is `hash`, if it exists; its use is
    /// recorded (at most once a minute).
    pub fn api_token_named(&mut self, hash: &TokenHash) -> Result<Option<String>, Error> {
        let Some(row) = self.store.api_token_by_hash(&hash.0)? else {
            return Ok(None);
        };
        // Looked up by hash; compared again, in constant time, as a hash.
        if !hash.matches(&row.token_sha256) {
            return Ok(None);
        }
        // Written at most once a minute: most uses only read.
        let now = chrono::Utc::now().naive_utc();
        let step = chrono::Duration::seconds(crate::store::LAST_USED_STEP_SECONDS);
        if row.last_used_at.is_none_or(|at| now - at >= step) {
            self.store.touch_api_token(&row.name, now)?;
        }
        Ok(Some(row.name))
    }
}
