//! Data mining models (spec §26): model.*
//!
//! These functions score with models that usually live in cells, built once when the
//! document is loaded. They read the model's values in place (records, arrays and maps
//! are shared, never copied) and allocate only for what they return.
//!
//! The helpers below are shared with `metric.*`: they unpack values whose
//! representation the checker guarantees, reporting a broken guarantee as an internal
//! error rather than a panic.

mod cluster;
mod naive;
mod neighbor;
mod neural;
mod reg;
mod svm;
mod tree;

#[cfg(test)]
pub(crate) mod testing;

use std::cmp::Ordering;

use super::Registry;
use crate::error::PfaError;
use crate::types::{Type, TypeId, TypeTable};
use crate::value::{MapData, Record, Value};

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    reg::register(r);
    tree::register(r);
    cluster::register(r);
    neighbor::register(r);
    naive::register(r);
    neural::register(r);
    svm::register(r);
}

/// An engine bug: a value or type without the shape the checker guarantees.
#[cold]
#[inline(never)]
pub(crate) fn internal(what: &str) -> PfaError {
    PfaError::runtime(0, format!("internal error: {what}"))
}

/// The record inside a record value.
#[inline]
pub(crate) fn rec(v: &Value) -> Result<&Record, PfaError> {
    match v {
        Value::Record(r) => Ok(r),
        _ => Err(internal("expected a record")),
    }
}

/// The items of an array value.
#[inline]
pub(crate) fn arr(v: &Value) -> Result<&[Value], PfaError> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(internal("expected an array")),
    }
}

/// The entries of a map value.
#[inline]
pub(crate) fn map(v: &Value) -> Result<&MapData, PfaError> {
    match v {
        Value::Map(m) => Ok(m),
        _ => Err(internal("expected a map")),
    }
}

/// A number as a double (`double` values, or any numeric representation).
#[inline]
pub(crate) fn num(v: &Value) -> Result<f64, PfaError> {
    match v {
        Value::Double(x) => Ok(*x),
        other => other.as_f64().ok_or_else(|| internal("expected a number")),
    }
}

/// Field `i` of a record value.
#[inline]
pub(crate) fn field(r: &Record, i: usize) -> Result<&Value, PfaError> {
    r.fields
        .get(i)
        .ok_or_else(|| internal("record field out of range"))
}

/// The record type id of `ty`, looking through arrays and maps (`array<record C>`
/// gives `C`).
pub(crate) fn record_id(ty: &Type) -> Result<TypeId, PfaError> {
    match ty {
        Type::Record(id) => Ok(*id),
        Type::Array(t) | Type::Map(t) => record_id(t),
        _ => Err(internal("expected a record type")),
    }
}

/// Index of the field called `name` in record type `id`.
pub(crate) fn field_index(types: &TypeTable, id: TypeId, name: &str) -> Result<usize, PfaError> {
    match types.try_get(id) {
        Some(_) => types
            .fields(id)
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| internal("record type lacks a field of the signature")),
        None => Err(internal("unknown record type")),
    }
}

/// Indexes of several fields of record type `id`, in the order of `names`.
pub(crate) fn field_indexes<const N: usize>(
    types: &TypeTable,
    id: TypeId,
    names: [&str; N],
) -> Result<[usize; N], PfaError> {
    let mut out = [0; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = field_index(types, id, name)?;
    }
    Ok(out)
}

/// A vector of doubles as a double array value.
pub(crate) fn doubles(xs: Vec<f64>) -> Value {
    Value::array(xs.into_iter().map(Value::Double).collect())
}

/// Indexes of the `n` lowest `distances`, lowest first; among equal distances the
/// earlier index comes first.
///
/// A NaN distance is never lower than anything, nor anything lower than it: each
/// distance goes just before the first kept distance it is lower than, or last. (This
/// is the insertion order of the reference implementations; without NaNs it is a
/// stable sort.)
pub(crate) fn lowest_n(distances: &[f64], n: usize) -> Vec<usize> {
    let n = n.min(distances.len());
    if n == 0 {
        return Vec::new();
    }
    if distances.iter().any(|d| d.is_nan()) {
        let mut out: Vec<usize> = Vec::with_capacity(n + 1);
        for (i, &d) in distances.iter().enumerate() {
            let at = out
                .iter()
                .position(|&j| d < distances[j])
                .unwrap_or(out.len());
            if at < n {
                out.insert(at, i);
                out.truncate(n);
            }
        }
        return out;
    }
    let mut order: Vec<usize> = (0..distances.len()).collect();
    // No NaNs, so partial_cmp always succeeds; the sort is stable.
    let by = |a: &usize, b: &usize| {
        distances[*a]
            .partial_cmp(&distances[*b])
            .unwrap_or(Ordering::Equal)
    };
    if n == 1 {
        // The first of the lowest, without sorting.
        let best = order.iter().copied().reduce(|best, i| {
            if distances[i] < distances[best] {
                i
            } else {
                best
            }
        });
        return best.into_iter().collect();
    }
    order.sort_by(by);
    order.truncate(n);
    order
}

/// Squared Euclidean distance over the common length of two double arrays.
pub(crate) fn squared_distance(x: &[Value], y: &[Value]) -> Result<f64, PfaError> {
    let mut sum = 0.0;
    for (a, b) in x.iter().zip(y) {
        let d = num(a)? - num(b)?;
        sum += d * d;
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowest_n_orders_stably_and_places_nans_like_insertion() {
        let cases: &[(&[f64], usize, &[usize])] = &[
            (&[3.0, 1.0, 2.0], 2, &[1, 2]),
            (&[3.0, 1.0, 2.0], 1, &[1]),
            (&[1.0, 1.0, 0.5, 1.0], 3, &[2, 0, 1]),
            (&[1.0, 1.0], 1, &[0]),
            (&[2.0], 5, &[0]),
            (&[], 3, &[]),
            (&[1.0, 2.0], 0, &[]),
            (&[f64::NAN, 1.0], 1, &[0]),
            (&[f64::NAN, 1.0], 2, &[0, 1]),
            (&[2.0, f64::NAN, 1.0], 3, &[2, 0, 1]),
            (&[1.0, f64::NAN, 0.5], 1, &[2]),
        ];
        for (d, n, want) in cases {
            assert_eq!(lowest_n(d, *n), *want, "{d:?} n={n}");
        }
    }

    #[test]
    fn squared_distance_uses_the_common_length() {
        let x = [Value::Double(1.0), Value::Double(2.0), Value::Double(9.0)];
        let y = [Value::Double(4.0), Value::Double(6.0)];
        assert_eq!(squared_distance(&x, &y).ok(), Some(25.0));
    }
}
