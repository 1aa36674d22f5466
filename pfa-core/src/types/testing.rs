//! Named types for tests, without the namespaces, docs, aliases and defaults that tests
//! rarely need.

use super::{Field, NamedKind, NamedType, Type, TypeId, TypeTable};

/// A named type in no namespace, with no doc or aliases.
pub(crate) fn named(name: &str, kind: NamedKind) -> NamedType {
    NamedType {
        name: name.into(),
        namespace: None,
        doc: None,
        aliases: vec![],
        kind,
    }
}

/// A record field with no default or doc.
pub(crate) fn field(name: &str, ty: Type) -> Field {
    Field {
        name: name.into(),
        ty,
        default: None,
        doc: None,
    }
}

/// Defines [`named`]`(name, kind)` in `types`.
///
/// # Panics
/// If the name is already defined (a mistake in the test).
#[track_caller]
pub(crate) fn define(types: &mut TypeTable, name: &str, kind: NamedKind) -> TypeId {
    match types.insert(named(name, kind)) {
        Ok(id) => id,
        Err(_) => panic!("{name} is defined twice"),
    }
}
