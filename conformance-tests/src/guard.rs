//! Running engine code so that a panic becomes a reported failure instead of killing the
//! runner, without printing a panic message for each of possibly a million trials.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs guarded code: panics here are expected and quiet.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// Where the last quiet panic on this thread happened.
    static LAST_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

static INSTALL: Once = Once::new();

/// Installs (once per process) a panic hook that stays silent on threads inside
/// [`guarded`] and defers to the previous hook everywhere else, so test failures and
/// genuine bugs elsewhere still print normally.
fn install_hook() {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(|q| q.get()) {
                let loc = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                LAST_LOCATION.with(|l| *l.borrow_mut() = loc);
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into `Err(message)` (with the panic's source location when
/// known).
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let was_quiet = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was_quiet));
    result.map_err(|payload| {
        let msg = if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "panic with a non-string payload".to_string()
        };
        match LAST_LOCATION.with(|l| l.borrow_mut().take()) {
            Some(loc) => format!("{msg} ({loc})"),
            None => msg,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::guarded;

    #[test]
    fn catches_and_reports() {
        assert_eq!(guarded(|| 3), Ok(3));
        let err = guarded(|| -> i32 { panic!("boom {}", 7) }).unwrap_err();
        assert!(err.starts_with("boom 7 ("), "{err}");
        assert!(err.contains("guard.rs"), "{err}");
        // Nested guards keep working and restore quietness correctly.
        let outer = guarded(|| guarded(|| -> () { panic!("inner") }).unwrap_err());
        assert!(outer.unwrap().starts_with("inner"));
    }
}
