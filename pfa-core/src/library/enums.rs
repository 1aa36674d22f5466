//! Enum functions (spec §20.2): enum.*
//!
//! An enum value is its type id and the index of its symbol, so the symbol's name and
//! the number of symbols come from the program's type table.

use super::args::Ret;
use super::{Host, Registry};
use crate::error::PfaError;
use crate::types::NamedKind;
use crate::value::Value;

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    r.def("enum.toString")
        .sig("(x: enum A) -> string")
        .native(to_string);
    r.def("enum.toInt").sig("(x: enum A) -> int").native(to_int);
    r.def("enum.numSymbols")
        .sig("(x: enum A) -> int")
        .native(num_symbols);
}

/// The symbols of argument 0's enum type and the value's index.
fn symbols<'h>(host: &'h dyn Host, a: &[Value]) -> Result<(&'h [String], u32), PfaError> {
    match a.first() {
        Some(Value::Enum(id, i)) => match host.types().try_get(*id).map(|d| &d.kind) {
            Some(NamedKind::Enum { symbols }) => Ok((symbols, *i)),
            _ => Err(PfaError::runtime(
                0,
                "internal error: enum value of an unknown type",
            )),
        },
        _ => Err(PfaError::runtime(
            0,
            "internal error: argument 0 is not an enum",
        )),
    }
}

/// §20.2.1: the symbol's name.
pub(crate) fn to_string(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (syms, i) = symbols(host, a)?;
    syms.get(i as usize)
        .map(|s| Value::str(s))
        .ok_or_else(|| PfaError::runtime(0, "internal error: enum index out of range"))
}

/// §20.2.2: the symbol's position in the type's symbol list.
pub(crate) fn to_int(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (_, i) = symbols(host, a)?;
    i32::try_from(i)
        .map(Value::Int)
        .map_err(|_| PfaError::runtime(0, "internal error: enum index out of range"))
}

/// §20.2.3: the number of symbols of the value's type.
pub(crate) fn num_symbols(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (syms, _) = symbols(host, a)?;
    i32::try_from(syms.len())
        .map(Value::Int)
        .map_err(|_| PfaError::runtime(0, "internal error: too many enum symbols"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::testing::run_typed;
    use crate::types::{NamedType, Type, TypeTable};

    fn table() -> (TypeTable, u32) {
        let mut t = TypeTable::new();
        let id = t
            .insert(NamedType {
                name: "E".into(),
                namespace: None,
                doc: None,
                aliases: vec![],
                kind: NamedKind::Enum {
                    symbols: vec!["one".into(), "two".into(), "three".into()],
                },
            })
            .unwrap();
        (t, id)
    }

    fn call(f: crate::library::NativeFn, i: u32) -> Value {
        let (t, id) = table();
        run_typed(f, t, &[Type::Enum(id)], &[Value::Enum(id, i)]).unwrap()
    }

    #[test]
    fn enum_functions() {
        assert_eq!(call(to_string, 0).as_str(), Some("one"));
        assert_eq!(call(to_string, 2).as_str(), Some("three"));
        assert!(matches!(call(to_int, 1), Value::Int(1)));
        assert!(matches!(call(num_symbols, 1), Value::Int(3)));
    }

    #[test]
    fn bad_representation_is_an_internal_error() {
        let (t, id) = table();
        let e = run_typed(to_string, t, &[Type::Enum(id)], &[Value::Enum(id, 7)]);
        assert!(matches!(e, Err(PfaError::Runtime(r)) if r.code == 0));
        let (t, _) = table();
        let e = run_typed(to_int, t, &[Type::Int], &[Value::Int(1)]);
        assert!(matches!(e, Err(PfaError::Runtime(r)) if r.code == 0));
    }
}
