//! Type acceptance with promotion (spec §4.4) and narrowest supertype (spec §4.5).

use super::{Type, TypeTable};

/// Whether a value of type `b` may be used where `a` is expected.
pub fn accepts(a: &Type, b: &Type, table: &TypeTable) -> bool {
    let _ = (a, b, table);
    todo!("accepts")
}

/// The narrowest type that accepts every one of `types`, or `None` if the list is empty.
pub fn narrowest_supertype(types: &[Type], table: &TypeTable) -> Option<Type> {
    let _ = (types, table);
    todo!("accepts")
}
