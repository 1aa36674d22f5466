//! Avro binary encoding of a value at its static type (Avro 1.x specification,
//! "Binary Encoding"): the result of `cast.avro` and, in base64, the keys of map-sets.
//!
//! - `int` and `long`: zig-zag, then variable-length base-128, low groups first;
//! - `float`, `double`: IEEE 754 bits, little-endian;
//! - `string`, `bytes`: length as a long, then the bytes (UTF-8 for strings);
//! - `fixed`: the bytes; `enum`: the symbol index as an int; `boolean`: one byte;
//!   `null`: nothing;
//! - arrays and maps: one block (item count as a long, then the items, map keys as
//!   strings) unless empty, then a zero count; map entries in key order, so equal maps
//!   encode equally;
//! - unions: the branch index as a long, then the value; records: fields in order.

use crate::error::PfaError;
use crate::types::{NamedKind, Type, TypeTable};
use crate::value::Value;

/// Nesting deeper than this grows the native stack instead of overflowing it.
const STACK_RED_ZONE: usize = 64 * 1024;
/// How much stack to add at a time.
const STACK_SEGMENT: usize = 1024 * 1024;

/// Appends the encoding of `v` (of type `ty`) to `out`.
///
/// # Errors
/// An internal error if `v` does not have the representation of `ty`, which the type
/// checker rules out.
pub(crate) fn encode(
    v: &Value,
    ty: &Type,
    types: &TypeTable,
    out: &mut Vec<u8>,
) -> Result<(), PfaError> {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
        encode_at(v, ty, types, out)
    })
}

fn encode_at(v: &Value, ty: &Type, types: &TypeTable, out: &mut Vec<u8>) -> Result<(), PfaError> {
    match (ty, v) {
        (Type::Null, Value::Null) => {}
        (Type::Boolean, Value::Boolean(b)) => out.push(u8::from(*b)),
        (Type::Int, Value::Int(x)) => long(i64::from(*x), out),
        (Type::Long, Value::Long(x)) => long(*x, out),
        (Type::Float, Value::Float(x)) => out.extend_from_slice(&x.to_le_bytes()),
        (Type::Double, Value::Double(x)) => out.extend_from_slice(&x.to_le_bytes()),
        (Type::String, Value::String(s)) => bytes(s.as_bytes(), out),
        (Type::Bytes, Value::Bytes(b)) => bytes(b, out),
        (Type::Fixed(a), Value::Fixed(b, x)) if a == b => out.extend_from_slice(x),
        (Type::Enum(a), Value::Enum(b, i)) if a == b => long(i64::from(*i), out),
        (Type::Array(item), Value::Array(xs)) => {
            if !xs.is_empty() {
                count(xs.len(), out);
                for x in xs.iter() {
                    encode(x, item, types, out)?;
                }
            }
            out.push(0);
        }
        (Type::Map(value), Value::Map(m)) => {
            if !m.is_empty() {
                count(m.len(), out);
                for (k, x) in m.iter() {
                    bytes(k.as_bytes(), out);
                    encode(x, value, types, out)?;
                }
            }
            out.push(0);
        }
        (Type::Union(branches), _) => {
            let i = v
                .union_branch(branches)
                .ok_or_else(|| mismatch(ty, types))?;
            count(i, out);
            if let Some(b) = branches.get(i) {
                encode(v, b, types, out)?;
            }
        }
        (Type::Record(id), Value::Record(r)) if r.ty == *id => {
            let fields = match types.try_get(*id).map(|d| &d.kind) {
                Some(NamedKind::Record { fields }) => fields,
                _ => return Err(mismatch(ty, types)),
            };
            if fields.len() != r.fields.len() {
                return Err(mismatch(ty, types));
            }
            for (f, x) in fields.iter().zip(r.fields.iter()) {
                encode(x, &f.ty, types, out)?;
            }
        }
        _ => return Err(mismatch(ty, types)),
    }
    Ok(())
}

/// A zig-zag variable-length long.
fn long(x: i64, out: &mut Vec<u8>) {
    let mut z = ((x << 1) ^ (x >> 63)) as u64;
    while z >= 0x80 {
        out.push((z & 0x7f) as u8 | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

/// A count or index (never beyond `i64::MAX` in memory).
fn count(n: usize, out: &mut Vec<u8>) {
    long(i64::try_from(n).unwrap_or(i64::MAX), out);
}

/// Length-prefixed bytes.
fn bytes(b: &[u8], out: &mut Vec<u8>) {
    count(b.len(), out);
    out.extend_from_slice(b);
}

#[cold]
#[inline(never)]
fn mismatch(ty: &Type, types: &TypeTable) -> PfaError {
    PfaError::runtime(
        0,
        format!(
            "internal error: value does not have the representation of {}",
            types.show(ty)
        ),
    )
}
