//! Math library (spec §9): `m.*`.

use super::Registry;

/// Registers `m.*`.
pub fn register(r: &mut Registry) {
    let _ = r;
}
