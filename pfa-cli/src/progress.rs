//! A records/s indicator on standard error, shown only when standard error is a terminal
//! (or when asked for) and only once a run has lasted a second: pipes and short runs see
//! nothing extra.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// The indicator's state.
pub struct Progress {
    enabled: bool,
    start: Instant,
    last: Instant,
    shown: bool,
}

impl Progress {
    /// `force`: `Some(on)` overrides the terminal check.
    pub fn new(force: Option<bool>) -> Progress {
        let now = Instant::now();
        Progress {
            enabled: force.unwrap_or_else(|| std::io::stderr().is_terminal()),
            start: now,
            last: now,
            shown: false,
        }
    }

    /// Redraws at most a few times a second.
    pub fn tick(&mut self, records: u64) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if now.duration_since(self.start) < Duration::from_secs(1)
            || now.duration_since(self.last) < Duration::from_millis(250)
        {
            return;
        }
        self.last = now;
        let secs = now.duration_since(self.start).as_secs_f64();
        let rate = records as f64 / secs.max(1e-9);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[K{records} records, {} records/s, {secs:.1} s",
            human(rate)
        );
        let _ = err.flush();
        self.shown = true;
    }

    /// Removes the indicator line.
    pub fn clear(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.shown = false;
        }
    }

    /// Prints a message on its own line (clearing the indicator first).
    pub fn message(&mut self, msg: &str) {
        self.clear();
        errln!("{msg}");
    }
}

fn human(rate: f64) -> String {
    if rate >= 1e6 {
        format!("{:.2}M", rate / 1e6)
    } else if rate >= 1e3 {
        format!("{:.1}k", rate / 1e3)
    } else {
        format!("{rate:.0}")
    }
}
