//! Fixed functions (spec §20.1): fixed.*

use std::sync::Arc;

use super::args::Ret;
use super::{Host, Registry};
use crate::error::PfaError;
use crate::value::Value;

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    r.def("fixed.toBytes")
        .sig("(x: fixed A) -> bytes")
        .native(to_bytes);
    r.def("fixed.fromBytes")
        .sig("(original: fixed A, replacement: bytes) -> A")
        .native(from_bytes);
}

fn not_fixed(i: usize) -> PfaError {
    PfaError::runtime(0, format!("internal error: argument {i} is not a fixed"))
}

/// §20.1.1: the same bytes, without the name and size (shares the buffer).
pub(crate) fn to_bytes(_: &mut dyn Host, a: &[Value]) -> Ret {
    match a.first() {
        Some(Value::Fixed(_, b)) => Ok(Value::Bytes(b.clone())),
        _ => Err(not_fixed(0)),
    }
}

/// §20.1.2: `replacement` written over the start of `original`; the size never changes
/// (excess replacement bytes are dropped, missing ones come from `original`).
pub(crate) fn from_bytes(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (id, orig) = match a.first() {
        Some(Value::Fixed(id, b)) => (*id, b),
        _ => return Err(not_fixed(0)),
    };
    let rep = match a.get(1) {
        Some(Value::Bytes(b)) => b,
        _ => {
            return Err(PfaError::runtime(
                0,
                "internal error: argument 1 is not bytes",
            ))
        }
    };
    let mut out = orig.to_vec();
    let n = out.len().min(rep.len());
    out[..n].copy_from_slice(&rep[..n]);
    Ok(Value::Fixed(id, Arc::from(out)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::testing::run_typed;
    use crate::types::{Type, TypeTable};

    fn fixed(b: &[u8]) -> Value {
        Value::Fixed(0, Arc::from(b))
    }

    fn bytes(b: &[u8]) -> Value {
        Value::Bytes(Arc::from(b))
    }

    fn run(f: crate::library::NativeFn, args: &[Value]) -> Value {
        let types = [Type::Fixed(0), Type::Bytes];
        run_typed(f, TypeTable::new(), &types[..args.len()], args).unwrap()
    }

    fn raw(v: &Value) -> Vec<u8> {
        match v {
            Value::Fixed(0, b) | Value::Bytes(b) => b.to_vec(),
            other => panic!("not bytes: {other:?}"),
        }
    }

    #[test]
    fn to_bytes_keeps_content() {
        let out = run(to_bytes, &[fixed(b"abcd")]);
        assert!(matches!(out, Value::Bytes(_)));
        assert_eq!(raw(&out), b"abcd");
    }

    #[test]
    fn from_bytes_overlays() {
        for (orig, rep, want) in [
            (&b"abcd"[..], &b""[..], &b"abcd"[..]),
            (b"abcd", b"xy", b"xycd"),
            (b"abcd", b"wxyz", b"wxyz"),
            (b"abcd", b"vwxyz", b"vwxy"),
            (b"", b"xyz", b""),
        ] {
            let out = run(from_bytes, &[fixed(orig), bytes(rep)]);
            assert!(matches!(out, Value::Fixed(0, _)));
            assert_eq!(raw(&out), want, "{orig:?} {rep:?}");
        }
    }

    #[test]
    fn wrong_representation_is_an_internal_error() {
        let e = run_typed(to_bytes, TypeTable::new(), &[Type::Bytes], &[bytes(b"a")]);
        assert!(matches!(e, Err(PfaError::Runtime(r)) if r.code == 0));
        let e = run_typed(
            from_bytes,
            TypeTable::new(),
            &[Type::Fixed(0), Type::Int],
            &[fixed(b"a"), Value::Int(1)],
        );
        assert!(matches!(e, Err(PfaError::Runtime(r)) if r.code == 0));
    }
}
