//! What the Providers tab does with the answers to its requests: the dialog that waited closes or shows why not, and the status line says what happened.

use super::{Done, Mode, ProvidersScreen, TestRecord, conflict_of, state_of, tasks_stop};
use crate::connection_test::TestOutcome;
use crate::console::dialog::DialogAnswer;
use crate::console::request_id::RequestId;
use crate::console::screens::{Context, OpenDialog, show_conflict, unpack};

impl ProvidersScreen {
    /// Takes in the answer to request `id`: closes or updates the dialog
    /// that waited for it, and says what happened.
    pub(super) fn answered(
        &mut self,
        id: RequestId,
        outcome: Result<Done, String>,
        ctx: &mut Context<'_>,
    ) {
        // A test that finished, or could not start, is no longer running.
        self.testing.retain(|_, running| *running != id);
        let Some((done, awaited)) = unpack(&mut self.mode, id, outcome, ctx) else {
            return;
        };
        match done {
            Done::Saved(provider) => {
                if awaited {
                    self.mode = Mode::Browse;
                }
                let hint = state_of(ctx.data, provider)
                    .and_then(|state| state.status.key_hint.clone())
                    .unwrap_or_default();
                ctx.inform(format!(
                    "Saved the key of {}: {hint}",
                    provider.display_name()
                ));
            }
            Done::Conflict(provider, state) => show_conflict(
                &mut self.mode,
                id,
                conflict_of(provider, &state),
                ctx,
                || {
                    format!(
                        "{} was changed by another admin; nothing was saved.",
                        provider.display_name()
                    )
                },
            ),
            Done::Deleted(provider) => {
                let stop = if provider.key_optional() {
                    String::new()
                } else {
                    tasks_stop(ctx.data, provider)
                };
                ctx.inform(format!(
                    "Deleted the key of {}{stop}.",
                    provider.display_name()
                ))
            }
            Done::Activated(provider, active) => {
                let stop = if active {
                    String::new()
                } else {
                    tasks_stop(ctx.data, provider)
                };
                ctx.inform(format!(
                    "{} is now {}{stop}.",
                    provider.display_name(),
                    if active { "active" } else { "inactive" }
                ))
            }
            Done::BaseUrlSet(provider, url) => {
                if awaited {
                    self.mode = Mode::Browse;
                }
                match url {
                    Some(url) => ctx.inform(format!(
                        "Base URL of {} set to {url}.",
                        provider.display_name()
                    )),
                    None => ctx.inform(format!(
                        "Base URL of {} reset to the default.",
                        provider.display_name()
                    )),
                }
            }
            Done::Tested(result, at) => {
                let provider = result.provider;
                let text = format!(
                    "{}: {} ({})",
                    provider.display_name(),
                    result.outcome.label(),
                    result.detail
                );
                if result.outcome == TestOutcome::Ok {
                    ctx.inform(text);
                } else {
                    ctx.warn(text);
                }
                self.tests.insert(provider, TestRecord { result, at });
            }
        }
    }
}

impl OpenDialog for Mode {
    fn awaits(&self, id: RequestId) -> bool {
        match self {
            Mode::EditKey(dialog) => dialog.awaits(id),
            Mode::EditBaseUrl(dialog) => dialog.awaits(id),
            Mode::Browse | Mode::ConfirmDelete(_) | Mode::ConfirmDeactivate(_) => false,
        }
    }

    fn show(&mut self, id: RequestId, answer: DialogAnswer) -> bool {
        match self {
            Mode::EditKey(dialog) => dialog.answered(id, answer),
            Mode::EditBaseUrl(dialog) => dialog.answered(id, answer),
            Mode::Browse | Mode::ConfirmDelete(_) | Mode::ConfirmDeactivate(_) => false,
        }
    }
}
