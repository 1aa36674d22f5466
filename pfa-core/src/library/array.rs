//! Array library (spec §17): `a.*`, one submodule per section of the chapter.
//!
//! Arrays are immutable: every function that "modifies" an array builds a new one (items
//! are shared, so copying an array copies reference counts, not data). Generic
//! comparisons use the Avro sort order of [`crate::value::cmp`] at the array's static item
//! type, so union-typed items order by branch first. Function arguments are called once
//! per element through [`Host::call_fcn`], with the elements themselves (never copies of
//! the whole array).

mod access;
mod extreme;
mod functional;
mod manip;
mod numeric;
mod reorder;
mod search;
mod sets;
#[cfg(test)]
mod testkit;

use std::cmp::Ordering;
use std::sync::Arc;

use super::args::{self, Ret};
use super::{Host, NativeFn, Registry, Spec};
use crate::error::PfaError;
use crate::types::Type;
use crate::value::{cmp, Value};

/// Registers `a.*`.
pub fn register(r: &mut Registry) {
    access::register(r);
    search::register(r);
    manip::register(r);
    reorder::register(r);
    extreme::register(r);
    numeric::register(r);
    sets::register(r);
    functional::register(r);
}

/// The most values a function that builds nested results (`a.permutations`,
/// `a.combinations`, `a.slidingWindow`) may produce. These results grow much faster than
/// their input; past this size the call fails instead of exhausting memory.
const MAX_RESULT_ITEMS: usize = 1 << 24;

#[cold]
#[inline(never)]
fn internal(what: &str) -> PfaError {
    PfaError::runtime(0, format!("internal error: {what}"))
}

/// Raised when a nested result would exceed [`MAX_RESULT_ITEMS`].
#[cold]
#[inline(never)]
fn too_large() -> PfaError {
    PfaError::runtime(
        0,
        format!("result too large (more than {MAX_RESULT_ITEMS} values)"),
    )
}

/// The native for the matched signature, for functions whose signatures differ in
/// shape rather than in types.
fn by_sig(s: &Spec<'_>, natives: &[NativeFn]) -> Result<NativeFn, String> {
    natives
        .get(s.sig)
        .copied()
        .ok_or_else(|| format!("no native for signature {}", s.sig))
}

/// Argument `i` as the items of an array.
#[inline]
fn arr(a: &[Value], i: usize) -> Result<&Arc<Vec<Value>>, PfaError> {
    match args::any(a, i)? {
        Value::Array(xs) => Ok(xs),
        _ => Err(internal("argument is not an array")),
    }
}

/// The static item type of array argument `i` (`null` if the argument is not an array,
/// which the checker rules out).
fn item_type(h: &dyn Host, i: usize) -> &Type {
    static NULL: Type = Type::Null;
    match h.arg_type(i) {
        Type::Array(t) => t,
        _ => &NULL,
    }
}

/// A new array value.
#[inline]
fn array(items: Vec<Value>) -> Ret {
    Ok(Value::Array(Arc::new(items)))
}

/// Calls function argument `i` and expects a boolean.
#[inline]
fn call_bool(h: &mut dyn Host, i: usize, xs: &[Value]) -> Result<bool, PfaError> {
    match h.call_fcn(i, xs)? {
        Value::Boolean(b) => Ok(b),
        _ => Err(internal("function argument did not return a boolean")),
    }
}

/// `lessThan(x, y)` through function argument `i`.
#[inline]
fn less(h: &mut dyn Host, i: usize, x: &Value, y: &Value) -> Result<bool, PfaError> {
    call_bool(h, i, &[x.clone(), y.clone()])
}

/// Python's slice bounds for `a[start:end]` on a sequence of `len` items: negative
/// indexes count from the end, out-of-range indexes are clamped, and `end <= start`
/// is the empty range at `start`.
fn slice_bounds(len: usize, start: i32, end: i32) -> (usize, usize) {
    let norm = |i: i32| -> usize {
        let i = i as i64;
        let len = len as i64;
        let j = if i < 0 { (i + len).max(0) } else { i.min(len) };
        j as usize
    };
    let s = norm(start);
    let e = norm(end).max(s);
    (s, e)
}

/// Python's index rule for a single item: negative indexes count from the end; `None`
/// if the index is outside `[-len, len)`.
fn item_index(len: usize, index: i32) -> Option<usize> {
    let i = index as i64;
    let j = if i < 0 { i + len as i64 } else { i };
    if j >= 0 && (j as usize) < len {
        Some(j as usize)
    } else {
        None
    }
}

/// Stable merge sort with a fallible strict less-than `lt(x, y)`. An item moves ahead
/// of an earlier one only when `lt` says it is strictly less, so equal items keep their
/// order. Never panics whatever the comparator answers (an inconsistent order just
/// gives some permutation of the input, where the standard sorts may panic), and stops
/// at the comparator's first error.
fn merge_sort<T: Clone>(
    items: Vec<T>,
    mut lt: impl FnMut(&T, &T) -> Result<bool, PfaError>,
) -> Result<Vec<T>, PfaError> {
    let n = items.len();
    if n < 2 {
        return Ok(items);
    }
    let mut src = items;
    let mut dst: Vec<T> = Vec::with_capacity(n);
    let mut width = 1;
    while width < n {
        dst.clear();
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                // Take from the right run only if its head is strictly less.
                if lt(&src[j], &src[i])? {
                    dst.push(src[j].clone());
                    j += 1;
                } else {
                    dst.push(src[i].clone());
                    i += 1;
                }
            }
            dst.extend_from_slice(&src[i..mid]);
            dst.extend_from_slice(&src[j..hi]);
            lo = hi;
        }
        std::mem::swap(&mut src, &mut dst);
        width *= 2;
    }
    Ok(src)
}

/// Indexes of `xs` sorted stably by the Avro order of `ty`, ascending or descending
/// (ties keep ascending index order either way).
fn sorted_indexes(xs: &[Value], ty: &Type, h: &dyn Host, descending: bool) -> Vec<usize> {
    let types = h.types();
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    // `compare` is a total order, so the standard stable sort is safe here.
    idx.sort_by(|&i, &j| {
        let o = cmp::compare(&xs[i], &xs[j], ty, types);
        if descending {
            o.reverse()
        } else {
            o
        }
    });
    idx
}

/// Items of `xs` sorted stably by the Avro order of `ty` (references, no copies).
fn sorted_refs<'a>(xs: &'a [Value], ty: &Type, h: &dyn Host) -> Vec<&'a Value> {
    let types = h.types();
    let mut refs: Vec<&Value> = xs.iter().collect();
    refs.sort_by(|x, y| cmp::compare(x, y, ty, types));
    refs
}

/// Avro-order comparison at type `ty`.
#[inline]
fn compare(h: &dyn Host, ty: &Type, x: &Value, y: &Value) -> Ordering {
    cmp::compare(x, y, ty, h.types())
}

/// A value as a hash-set or hash-map key, with `==` equality (structural, NaN equal to
/// NaN) and the hash that agrees with it.
struct Key<'a>(&'a Value);

impl std::hash::Hash for Key<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        cmp::hash_value(self.0, state);
    }
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        cmp::eq_values(self.0, other.0)
    }
}

impl Eq for Key<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    type Lt<'a> = dyn FnMut(&u32, &u32) -> Result<bool, PfaError> + 'a;

    #[test]
    fn merge_sort_survives_inconsistent_orders() {
        let items: Vec<u32> = (0..37).rev().collect();
        let sorted = merge_sort(items.clone(), |a, b| Ok(a < b)).unwrap();
        assert_eq!(sorted, (0..37).collect::<Vec<_>>());
        let mut state = 12345u64;
        let answers: [&mut Lt; 3] = [&mut |_, _| Ok(true), &mut |_, _| Ok(false), &mut |_, _| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            Ok(state >> 63 == 1)
        }];
        for lt in answers {
            let mut out = merge_sort(items.clone(), lt).unwrap();
            out.sort();
            assert_eq!(out, (0..37).collect::<Vec<_>>());
        }
        let e = merge_sort(items, |_, _| Err(PfaError::runtime(-1, "stop")));
        assert!(e.is_err());
    }

    #[test]
    fn python_indexes() {
        assert_eq!(slice_bounds(5, i32::MIN, i32::MAX), (0, 5));
        assert_eq!(slice_bounds(5, i32::MAX, i32::MIN), (5, 5));
        assert_eq!(slice_bounds(0, -1, 1), (0, 0));
        assert_eq!(slice_bounds(5, -2, -1), (3, 4));
        assert_eq!(item_index(3, -3), Some(0));
        assert_eq!(item_index(3, 2), Some(2));
        assert_eq!(item_index(3, 3), None);
        assert_eq!(item_index(3, i32::MIN), None);
        assert_eq!(item_index(0, 0), None);
    }
}
