//! Core library (spec §8): arithmetic, comparison, logic, bitwise operators.

use super::Registry;

/// Registers the core operators.
pub fn register(r: &mut Registry) {
    let _ = r;
}
