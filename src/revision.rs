//! One shape for every group's change that checks a revision: the outcome (saved, or stale with what is there now) and what a revisioned value shows.
//!
//! Each group keeps a revision that grows with every change (per task for
//! the tasks). A front end that read revision N may ask to write only if
//! it is still N; the command line's `--expect-revision`, the console's
//! dialogs and the HTTP API's `If-Match` all get this one outcome.

use chrono::NaiveDateTime;

/// A value with a revision: who changed it last, and when.
pub trait Revisioned {
    /// Grows with every change; 0 for a value never changed.
    fn revision(&self) -> i64;
    /// Who changed it last (printable); `None` when never changed.
    fn changed_by(&self) -> Option<&str>;
    /// When it was changed last, UTC.
    fn changed_at(&self) -> Option<NaiveDateTime>;
    /// What it is, as a sentence names it: "OpenAI", "vision", "risk".
    fn subject(&self) -> String;
}

/// Implements [`Revisioned`] for a state with `revision`, `changed_by`
/// (`Option<Printable>`) and `changed_at` fields, its subject given by
/// `$subject` of the state.
macro_rules! revisioned {
    ($state:ty, |$value:ident| $subject:expr) => {
        impl $crate::revision::Revisioned for $state {
            fn revision(&self) -> i64 {
                self.revision
            }
            fn changed_by(&self) -> Option<&str> {
                self.changed_by.as_deref()
            }
            fn changed_at(&self) -> Option<chrono::NaiveDateTime> {
                self.changed_at
            }
            fn subject(&self) -> String {
                let $value = self;
                $subject
            }
        }
    };
}
pub(crate) use revisioned;

/// What a change that may check the revision did.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveOutcome<T> {
    /// Written (or nothing to write: it already was so); the value as the
    /// change's own transaction left it.
    Saved(T),
    /// It changed since the revision the caller saw: nothing was written;
    /// this is the value now, with who changed it and when.
    Conflict(T),
}

impl<T> SaveOutcome<T> {
    /// The value, written or as another admin left it.
    pub fn into_current(self) -> T {
        match self {
            SaveOutcome::Saved(value) | SaveOutcome::Conflict(value) => value,
        }
    }

    /// The value, written or as another admin left it.
    pub fn current(&self) -> &T {
        match self {
            SaveOutcome::Saved(value) | SaveOutcome::Conflict(value) => value,
        }
    }

    /// The same outcome of another value (`Saved` stays `Saved`).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> SaveOutcome<U> {
        match self {
            SaveOutcome::Saved(value) => SaveOutcome::Saved(f(value)),
            SaveOutcome::Conflict(value) => SaveOutcome::Conflict(f(value)),
        }
    }
}

impl<T: Revisioned> SaveOutcome<T> {
    /// The saved value, or the refusal of a stale write that expected
    /// revision `expected`.
    pub fn saved(self, expected: i64) -> Result<T, StaleWrite> {
        match self {
            SaveOutcome::Saved(value) => Ok(value),
            SaveOutcome::Conflict(now) => Err(StaleWrite::of(&now, expected)),
        }
    }
}

/// A write refused because the value changed since the revision the
/// caller saw: "OpenAI changed since revision 3: it is at revision 4 now,
/// changed by alice at 2026-12-01 06:21:00 UTC; nothing was saved".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{subject} changed since revision {expected}: it is at revision {revision} now, changed by {} at {}; nothing was saved",
    .changed_by.as_deref().unwrap_or("nobody"),
    .changed_at.map(|at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_default()
)]
pub struct StaleWrite {
    pub subject: String,
    /// The revision the caller saw.
    pub expected: i64,
    /// The revision it is at now.
    pub revision: i64,
    pub changed_by: Option<String>,
    pub changed_at: Option<NaiveDateTime>,
}

impl StaleWrite {
    /// The refusal of a write that expected revision `expected` of what is `now`.
    pub fn of(now: &impl Revisioned, expected: i64) -> Self {
        StaleWrite {
            subject: now.subject(),
            expected,
            revision: now.revision(),
            changed_by: now.changed_by().map(str::to_owned),
            changed_at: now.changed_at(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Row(i64);

    impl Revisioned for Row {
        fn revision(&self) -> i64 {
            self.0
        }
        fn changed_by(&self) -> Option<&str> {
            Some("alice")
        }
        fn changed_at(&self) -> Option<NaiveDateTime> {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1)?.and_hms_opt(6, 21, 0)
        }
        fn subject(&self) -> String {
            "risk".into()
        }
    }

    #[test]
    fn a_stale_write_names_what_who_and_when() {
        let refused = SaveOutcome::Conflict(Row(4)).saved(3).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "risk changed since revision 3: it is at revision 4 now, changed by alice at 2026-12-01 06:21:00 UTC; nothing was saved"
        );
        assert_eq!(SaveOutcome::Saved(Row(5)).saved(3).unwrap().0, 5);
    }
}
