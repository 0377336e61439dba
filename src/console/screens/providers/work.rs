//! The Providers tab's work, as the worker performs it: saves, deletes, switches, base URLs and tests.

use chrono::{NaiveDateTime, Utc};

use crate::api_key::ApiKey;
use crate::base_url::BaseUrl;
use crate::connection_test::TestResult;
use crate::console::performed::Performed;
use crate::error::Error;
use crate::provider::Provider;
use crate::settings::{SaveOutcome, Settings};
use crate::status::ProviderState;

/// What the Providers tab asks of the worker.
pub enum Work {
    SaveKey {
        provider: Provider,
        key: ApiKey,
        /// The revision the admin saw when the dialog opened, or the one a
        /// conflict notice showed and the admin confirmed.
        expected_revision: i64,
    },
    DeleteKey(Provider),
    SetActive(Provider, bool),
    SetBaseUrl(Provider, Option<BaseUrl>),
    /// Test the connection; it runs on a thread of its own, so that a
    /// server that never answers holds up nothing else.
    Test(Provider),
}

impl std::fmt::Debug for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Work::SaveKey {
                provider,
                expected_revision,
                ..
            } => write!(
                f,
                "SaveKey({provider}, revision {expected_revision}, key redacted)"
            ),
            Work::DeleteKey(provider) => write!(f, "DeleteKey({provider})"),
            Work::SetActive(provider, active) => write!(f, "SetActive({provider}, {active})"),
            Work::SetBaseUrl(provider, url) => write!(f, "SetBaseUrl({provider}, {url:?})"),
            Work::Test(provider) => write!(f, "Test({provider})"),
        }
    }
}

/// What the work did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Done {
    Saved(Provider),
    /// Another admin changed the provider since the dialog opened.
    Conflict(Provider, Box<ProviderState>),
    Deleted(Provider),
    Activated(Provider, bool),
    BaseUrlSet(Provider, Option<String>),
    /// A connection test finished, at this time (UTC).
    Tested(TestResult, NaiveDateTime),
}

/// Performs `work` on the worker's connection. A test reads what it needs
/// here and sends its request on a thread of its own.
pub fn perform(settings: &mut Settings, work: Work) -> Performed<Done> {
    let done = |done: Done| Performed::Done(Ok(done));
    let result: Result<Done, Error> = match work {
        Work::Test(provider) => {
            return match settings.test_target(provider) {
                Ok(target) => Performed::Background(Box::new(move || {
                    let result = target.run();
                    Done::Tested(result, Utc::now().naive_utc())
                })),
                Err(error) => Performed::Done(Err(error)),
            };
        }
        Work::SaveKey {
            provider,
            key,
            expected_revision,
        } => settings
            .save_api_key_at_revision(provider, &key, expected_revision)
            .map(|outcome| match outcome {
                SaveOutcome::Saved(_) => Done::Saved(provider),
                SaveOutcome::Conflict(state) => Done::Conflict(provider, Box::new(state)),
            }),
        Work::DeleteKey(provider) => settings
            .delete_key(provider)
            .map(|_| Done::Deleted(provider)),
        Work::SetActive(provider, active) => settings
            .set_active(provider, active)
            .map(|_| Done::Activated(provider, active)),
        Work::SetBaseUrl(provider, url) => settings
            .set_checked_base_url(provider, url.as_ref())
            .map(|_| Done::BaseUrlSet(provider, url.map(|url| url.as_str().to_owned()))),
    };
    match result {
        Ok(outcome) => done(outcome),
        Err(error) => Performed::Done(Err(error)),
    }
}
