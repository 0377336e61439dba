//! Process hardening: a process that holds keys must not leave them in a core dump.

use std::sync::OnceLock;

use rustix::process::{
    DumpableBehavior, Resource, Rlimit, getrlimit, set_dumpable_behavior, setrlimit,
};

/// The core-size limit the process started with, given back to a command
/// that `exec` runs.
static INHERITED_CORE_LIMIT: OnceLock<Rlimit> = OnceLock::new();

/// Sets the soft `RLIMIT_CORE` to 0 and marks the process not dumpable
/// (which also keeps other processes of the same user from reading its
/// memory through ptrace or `/proc`). Failures are ignored: neither call can
/// fail for a process lowering its own limits.
pub fn disable_core_dumps() {
    let inherited = getrlimit(Resource::Core);
    let _ = INHERITED_CORE_LIMIT.set(inherited);
    // The hard limit is left alone so that `exec` can hand the command the
    // limit it would have had.
    let _ = setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: inherited.maximum,
        },
    );
    let _ = set_dumpable_behavior(DumpableBehavior::NotDumpable);
}

/// Gives back the core-size limit the process started with, just before it
/// replaces itself with another command (which is dumpable again after exec).
pub fn restore_core_limit_for_exec() {
    if let Some(inherited) = INHERITED_CORE_LIMIT.get() {
        let _ = setrlimit(Resource::Core, *inherited);
    }
}
