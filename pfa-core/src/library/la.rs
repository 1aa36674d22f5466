//! Linear algebra (spec §10): la.*

use super::Registry;

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    let _ = r;
}
