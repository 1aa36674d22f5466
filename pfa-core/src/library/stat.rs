//! Descriptive statistics (spec §25): stat.test.*, stat.sample.* and stat.change.*
//!
//! Many of these functions update a state record that usually lives in a cell or pool
//! and is replaced on every record scored. Their signatures name only the fields they
//! need; other fields are copied unaltered, and some functions change behaviour with
//! optional fields (a `mean` or `variance`, histogram overflow counters). Whether an
//! optional field is there, and that it has the required type, is decided at check time
//! from the record type; the natives then find fields by name in the record's type and
//! build the updated record once.

mod change;
pub(crate) mod gamma;
mod sample;
mod test;

use std::sync::Arc;

use super::model::{internal, num};
use super::{Registry, Spec};
use crate::error::PfaError;
use crate::types::{Field, Type, TypeId, TypeTable};
use crate::value::{Record, Value};

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    test::register(r);
    sample::register(r);
    change::register(r);
}

/// The most items a function builds from a user-given size (a forecast length, a grown
/// histogram); past it the call fails instead of exhausting memory.
pub(crate) const MAX_ITEMS: usize = 1 << 24;

/// Raised when a result would exceed [`MAX_ITEMS`].
#[cold]
#[inline(never)]
pub(crate) fn too_large() -> PfaError {
    PfaError::runtime(
        0,
        format!("result too large (more than {MAX_ITEMS} values)"),
    )
}

/// The fields of the record type matched for parameter `param` (looking through an
/// array of records), at check time.
fn sig_fields<'a>(s: &'a Spec<'_>, param: usize) -> Result<&'a [Field], String> {
    let id = match s.matched.params.get(param) {
        Some(Type::Record(id)) => *id,
        Some(Type::Array(t)) => match &**t {
            Type::Record(id) => *id,
            _ => return Err("expected an array of records".into()),
        },
        _ => return Err("expected a record".into()),
    };
    match s.types.try_get(id) {
        Some(_) => Ok(s.types.fields(id)),
        None => Err("unknown record type".into()),
    }
}

/// Whether an optional field `name` is present at check time; a present field must
/// have type `ty`.
fn optional(
    fcn: &str,
    fields: &[Field],
    name: &str,
    ty: &Type,
    types: &TypeTable,
) -> Result<bool, String> {
    match fields.iter().find(|f| f.name == name) {
        None => Ok(false),
        Some(f) if f.ty == *ty => Ok(true),
        Some(f) => Err(format!(
            "{fcn} is being given a record type in which the \"{name}\" field is not {}: {}",
            types.show(ty),
            types.show(&f.ty)
        )),
    }
}

/// Position of field `name` in record type `id`, if it has one.
#[inline]
fn position(types: &TypeTable, id: TypeId, name: &str) -> Option<usize> {
    match types.try_get(id) {
        Some(_) => types.fields(id).iter().position(|f| f.name == name),
        None => None,
    }
}

/// Position of a field the signature (or the check-time specialization) guarantees.
#[inline]
fn required(types: &TypeTable, id: TypeId, name: &str) -> Result<usize, PfaError> {
    position(types, id, name).ok_or_else(|| internal("record type lacks a required field"))
}

/// Field `i` of a record as a double.
#[inline]
fn get_f64(r: &Record, i: usize) -> Result<f64, PfaError> {
    num(r
        .fields
        .get(i)
        .ok_or_else(|| internal("record field out of range"))?)
}

/// Field `i` of a record as an int.
#[inline]
fn get_i32(r: &Record, i: usize) -> Result<i32, PfaError> {
    match r.fields.get(i) {
        Some(Value::Int(x)) => Ok(*x),
        _ => Err(internal("expected an int field")),
    }
}

/// Field `i` of a record, whatever its type.
#[inline]
fn get(r: &Record, i: usize) -> Result<&Value, PfaError> {
    r.fields
        .get(i)
        .ok_or_else(|| internal("record field out of range"))
}

/// A copy of `r` with the given fields replaced.
fn replaced<const N: usize>(r: &Record, updates: [(usize, Value); N]) -> Result<Value, PfaError> {
    let mut fields = r.fields.clone();
    for (i, v) in updates {
        *fields
            .get_mut(i)
            .ok_or_else(|| internal("record field out of range"))? = v;
    }
    Ok(Value::Record(Arc::new(Record { ty: r.ty, fields })))
}
