//! Metrics (spec §11): metric.*

use super::Registry;

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    let _ = r;
}
