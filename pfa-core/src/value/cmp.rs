//! Type-directed comparison and equality of values (spec §8.2).

use std::cmp::Ordering;

use super::Value;
use crate::types::{Type, TypeTable};

/// Total order of two values of type `ty`, as `cmp`, `<`, `max`, sorting use it.
pub fn compare(a: &Value, b: &Value, ty: &Type, types: &TypeTable) -> Ordering {
    let _ = (a, b, ty, types);
    todo!("cmp")
}

/// Equality of two values of type `ty`, as `==` uses it.
pub fn equal(a: &Value, b: &Value, ty: &Type, types: &TypeTable) -> bool {
    let _ = (a, b, ty, types);
    todo!("cmp")
}
