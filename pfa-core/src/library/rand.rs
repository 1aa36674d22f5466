//! Random numbers (spec §12): rand.*

use super::Registry;

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    let _ = r;
}
