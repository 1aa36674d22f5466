//! Regular expressions (spec §14): re.*

use super::Registry;

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    let _ = r;
}
