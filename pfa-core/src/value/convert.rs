//! Promotion of a value from one static type to a wider one (int to double, array<int>
//! to array<double>, a type into a union containing it, ...).

use super::Value;
use crate::types::{Type, TypeTable};

/// A precomputed conversion from one type's representation to another's.
#[derive(Clone, Debug, PartialEq)]
pub enum Conv {
    /// Placeholder until implemented.
    Todo,
}

/// The conversion from `from` to `to`, or `None` if values of `from` already have the
/// representation of `to` (no work at run time).
pub fn converter(from: &Type, to: &Type, types: &TypeTable) -> Option<Conv> {
    let _ = (from, to, types);
    todo!("convert")
}

impl Conv {
    /// Applies the conversion.
    pub fn apply(&self, v: Value) -> Value {
        let _ = v;
        todo!("convert")
    }
}
