//! Impute library (spec §22): impute.*

use super::Registry;

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    let _ = r;
}
