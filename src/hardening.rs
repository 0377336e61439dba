//! Process hardening: a process that holds keys must not leave them in a core dump.

use rustix::process::{DumpableBehavior, Resource, Rlimit, set_dumpable_behavior, setrlimit};

/// Sets `RLIMIT_CORE` to 0 and marks the process not dumpable (which also
/// keeps other processes of the same user from reading its memory through
/// ptrace or `/proc`). Failures are ignored: neither call can fail for an
/// unprivileged process lowering its own limits.
pub fn disable_core_dumps() {
    let _ = setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    );
    let _ = set_dumpable_behavior(DumpableBehavior::NotDumpable);
}
