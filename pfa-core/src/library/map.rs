//! Map library (spec §18): map.*
//!
//! Maps are immutable and shared: a function that returns its argument unchanged returns
//! the same shared map, and one that changes it builds a new one. Maps keep their keys in
//! order (by code point), which settles what the spec leaves open:
//! - `map.keys`, `map.values`, `map.split` and `map.fromset` give entries in key order.
//! - Higher-order functions call their function once per entry, in key order, passing
//!   the entry's value (shared, not copied); results that collide (`map.flatMap`) are
//!   overlaid in that order, later keys winning.
//! - `map.argmax` and friends break ties by key order, as the spec requires ("their keys
//!   will be returned in lexicographic order"); values compare in Avro's sort order or
//!   with the given `lessThan`.
//! - Sets (§18.5) are maps from the base64 of a value's Avro binary encoding to the value;
//!   see [`setkey`]. The set functions look at keys only; where both sets have a key
//!   (`map.union`), the second set's value is kept.

mod setkey;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::sync::Arc;

use super::args::{self, any, fail, ErrCode, Ret};
use super::{Host, NativeFn, Registry, Spec};
use crate::error::PfaError;
use crate::types::Type;
use crate::value::{cmp, MapData, Value};

pub(crate) use setkey::set_key;

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    access::register(r);
    search::register(r);
    manip::register(r);
    extreme::register(r);
    sets::register(r);
    functional::register(r);
    tests_of::register(r);
}

#[cold]
#[inline(never)]
fn internal(what: &str) -> PfaError {
    PfaError::runtime(0, format!("internal error: {what}"))
}

/// Argument `i` as a map.
fn map_arg(a: &[Value], i: usize) -> Result<&Arc<MapData>, PfaError> {
    match a.get(i) {
        Some(Value::Map(m)) => Ok(m),
        _ => Err(internal("argument is not a map")),
    }
}

/// Argument `i` as a string.
fn str_arg(a: &[Value], i: usize) -> Result<&Arc<str>, PfaError> {
    match a.get(i) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(internal("argument is not a string")),
    }
}

/// Argument `i` as an array.
fn array_arg(a: &[Value], i: usize) -> Result<&Arc<Vec<Value>>, PfaError> {
    match a.get(i) {
        Some(Value::Array(x)) => Ok(x),
        _ => Err(internal("argument is not an array")),
    }
}

/// The value type of the map passed as argument `i`.
fn values_type(host: &dyn Host, i: usize) -> Result<&Type, PfaError> {
    match host.arg_type(i) {
        Type::Map(v) => Ok(v),
        _ => Err(internal("argument type is not a map")),
    }
}

/// The result of a boolean function argument.
fn truth(v: Value) -> Result<bool, PfaError> {
    v.as_bool()
        .ok_or_else(|| internal("function argument did not return a boolean"))
}

/// Map of a length that fits an int (every real map does).
fn len_int(n: usize) -> Ret {
    i32::try_from(n)
        .map(Value::Int)
        .map_err(|_| internal("map too large"))
}

fn map_value(m: MapData) -> Value {
    Value::Map(Arc::new(m))
}

/// A specializer picking the native for the matched signature.
macro_rules! by_sig {
    ($($f:path),+) => {
        |s: &Spec<'_>| -> Result<NativeFn, String> {
            let natives: &[NativeFn] = &[$($f),+];
            natives
                .get(s.sig)
                .copied()
                .ok_or_else(|| "no implementation for this signature".to_string())
        }
    };
}

// ---------------------------------------------------------------------------------------

/// §18.1 Basic access.
pub(crate) mod access {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("map.len").sig("(m: map<any A>) -> int").native(len);
        r.def("map.keys")
            .sig("(m: map<any A>) -> array<string>")
            .native(keys);
        r.def("map.values")
            .sig("(m: map<any A>) -> array<A>")
            .native(values);
    }

    /// §18.1.1.
    pub(crate) fn len(_: &mut dyn Host, a: &[Value]) -> Ret {
        len_int(map_arg(a, 0)?.len())
    }

    /// §18.1.2: keys in key order.
    pub(crate) fn keys(_: &mut dyn Host, a: &[Value]) -> Ret {
        let m = map_arg(a, 0)?;
        Ok(Value::array(
            m.keys().map(|k| Value::String(k.clone())).collect(),
        ))
    }

    /// §18.1.3: values in key order.
    pub(crate) fn values(_: &mut dyn Host, a: &[Value]) -> Ret {
        let m = map_arg(a, 0)?;
        Ok(Value::array(m.values().cloned().collect()))
    }
}

// ---------------------------------------------------------------------------------------

/// §18.2 Search and replace.
pub(crate) mod search {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("map.containsKey")
            .sig("(m: map<any A>, key: string) -> boolean")
            .sig("(m: map<any A>, fcn: fcn(string) -> boolean) -> boolean")
            .specialize(by_sig!(contains_key, contains_key_fcn));
        r.def("map.containsValue")
            .sig("(m: map<any A>, value: A) -> boolean")
            .sig("(m: map<any A>, fcn: fcn(A) -> boolean) -> boolean")
            .specialize(by_sig!(contains_value, contains_value_fcn));
    }

    /// §18.2.1 with a key.
    pub(crate) fn contains_key(_: &mut dyn Host, a: &[Value]) -> Ret {
        let m = map_arg(a, 0)?;
        Ok(Value::Boolean(m.contains_key(str_arg(a, 1)?)))
    }

    /// §18.2.1 with a predicate on keys (stops at the first key that satisfies it).
    pub(crate) fn contains_key_fcn(host: &mut dyn Host, a: &[Value]) -> Ret {
        for k in map_arg(a, 0)?.keys() {
            if truth(host.call_fcn(1, &[Value::String(k.clone())])?)? {
                return Ok(Value::Boolean(true));
            }
        }
        Ok(Value::Boolean(false))
    }

    /// §18.2.2 with a value (equality as `==`).
    pub(crate) fn contains_value(_: &mut dyn Host, a: &[Value]) -> Ret {
        let m = map_arg(a, 0)?;
        let x = any(a, 1)?;
        Ok(Value::Boolean(m.values().any(|v| cmp::eq_values(v, x))))
    }

    /// §18.2.2 with a predicate on values (stops at the first value that satisfies it).
    pub(crate) fn contains_value_fcn(host: &mut dyn Host, a: &[Value]) -> Ret {
        for v in map_arg(a, 0)?.values() {
            if truth(host.call_fcn(1, std::slice::from_ref(v))?)? {
                return Ok(Value::Boolean(true));
            }
        }
        Ok(Value::Boolean(false))
    }
}

// ---------------------------------------------------------------------------------------

/// §18.3 Manipulation.
pub(crate) mod manip {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("map.add")
            .sig("(m: map<any A>, key: string, value: A) -> map<A>")
            .sig("(m: map<any A>, item: A) -> map<A>")
            .specialize(by_sig!(add, add_item));
        r.def("map.remove")
            .sig("(m: map<any A>, key: string) -> map<A>")
            .native(remove);
        r.def("map.only")
            .sig("(m: map<any A>, keys: array<string>) -> map<A>")
            .native(only);
        r.def("map.except")
            .sig("(m: map<any A>, keys: array<string>) -> map<A>")
            .native(except);
        r.def("map.update")
            .sig("(base: map<any A>, overlay: map<A>) -> map<A>")
            .native(update);
        r.def("map.split")
            .sig("(m: map<any A>) -> array<map<A>>")
            .native(split);
        r.def("map.join")
            .sig("(a: array<map<any A>>) -> map<A>")
            .native(join);
    }

    /// `m` with `key` set to `value`.
    fn with(m: &Arc<MapData>, key: Arc<str>, value: Value) -> Value {
        let mut out = MapData::clone(m);
        out.insert(key, value);
        map_value(out)
    }

    /// §18.3.1, key and value.
    pub(crate) fn add(_: &mut dyn Host, a: &[Value]) -> Ret {
        let m = map_arg(a, 0)?;
        Ok(with(m, str_arg(a, 1)?.clone(), any(a, 2)?.clone()))
    }

    /// §18.3.1, an item of a set: keyed at the set's value type (the type its other keys
    /// were made at).
    pub(crate) fn add_item(host: &mut dyn Host, a: &[Value]) -> Ret {
        let m = map_arg(a, 0)?;
        let item = any(a, 1)?;
        let key = set_key(item, values_type(host, 0)?, host.types())?;
        Ok(with(m, key, item.clone()))
    }

    /// §18.3.2: `m` itself when `key` is absent.
    pub(crate) fn remove(_: &mut dyn Host, a: &[Value]) -> Ret {
        let m = map_arg(a, 0)?;
        let key = str_arg(a, 1)?;
        if !m.contains_key(key) {
            return Ok(Value::Map(m.clone()));
        }
        let mut out = MapData::clone(m);
        out.remove(key);
        Ok(map_value(out))
    }

    /// §18.3.3.
    pub(crate) fn only(_: &mut dyn Host, a: &[Value]) -> Ret {
        let m = map_arg(a, 0)?;
        let mut out = MapData::new();
        for k in array_arg(a, 1)?.iter() {
            let k = k.as_str().ok_or_else(|| internal("key is not a string"))?;
            if let Some((k, v)) = m.get_key_value(k) {
                out.insert(k.clone(), v.clone());
            }
        }
        Ok(map_value(out))
    }

    /// §18.3.4.
    pub(crate) fn except(_: &mut dyn Host, a: &[Value]) -> Ret {
        let m = map_arg(a, 0)?;
        let keys = array_arg(a, 1)?;
        let mut out: Option<MapData> = None;
        for k in keys.iter() {
            let k = k.as_str().ok_or_else(|| internal("key is not a string"))?;
            if out
                .as_ref()
                .map_or(m.contains_key(k), |o| o.contains_key(k))
            {
                out.get_or_insert_with(|| MapData::clone(m)).remove(k);
            }
        }
        Ok(match out {
            Some(o) => map_value(o),
            None => Value::Map(m.clone()),
        })
    }

    /// §18.3.5.
    pub(crate) fn update(_: &mut dyn Host, a: &[Value]) -> Ret {
        let base = map_arg(a, 0)?;
        let overlay = map_arg(a, 1)?;
        if overlay.is_empty() {
            return Ok(Value::Map(base.clone()));
        }
        let mut out = MapData::clone(base);
        out.extend(overlay.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(map_value(out))
    }

    /// §18.3.6: one single-entry map per entry, in key order.
    pub(crate) fn split(_: &mut dyn Host, a: &[Value]) -> Ret {
        let m = map_arg(a, 0)?;
        Ok(Value::array(
            m.iter()
                .map(|(k, v)| map_value(MapData::from([(k.clone(), v.clone())])))
                .collect(),
        ))
    }

    /// §18.3.7: later maps overlay earlier ones.
    pub(crate) fn join(_: &mut dyn Host, a: &[Value]) -> Ret {
        let mut out = MapData::new();
        for m in array_arg(a, 0)?.iter() {
            let m = m.as_map().ok_or_else(|| internal("item is not a map"))?;
            out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Ok(map_value(out))
    }
}

// ---------------------------------------------------------------------------------------

/// §18.4 Extreme values by key.
pub(crate) mod extreme {
    use super::*;

    /// (empty map, n < 0) errors of each function.
    const ARGMAX: ErrCode = (26120, "empty map");
    const ARGMIN: ErrCode = (26130, "empty map");
    const ARGMAX_LT: ErrCode = (26140, "empty map");
    const ARGMIN_LT: ErrCode = (26150, "empty map");
    const ARGMAX_N: [ErrCode; 2] = [(26160, "empty map"), (26161, "n < 0")];
    const ARGMIN_N: [ErrCode; 2] = [(26170, "empty map"), (26171, "n < 0")];
    const ARGMAX_NLT: [ErrCode; 2] = [(26180, "empty map"), (26181, "n < 0")];
    const ARGMIN_NLT: [ErrCode; 2] = [(26190, "empty map"), (26191, "n < 0")];

    const LT: &str = "lessThan: fcn(A, A) -> boolean";

    pub(super) fn register(r: &mut Registry) {
        r.def("map.argmax")
            .sig("(m: map<any A>) -> string")
            .errors(&[ARGMAX])
            .native(argmax);
        r.def("map.argmin")
            .sig("(m: map<any A>) -> string")
            .errors(&[ARGMIN])
            .native(argmin);
        r.def("map.argmaxLT")
            .sig(&format!("(m: map<any A>, {LT}) -> string"))
            .errors(&[ARGMAX_LT])
            .native(argmax_lt);
        r.def("map.argminLT")
            .sig(&format!("(m: map<any A>, {LT}) -> string"))
            .errors(&[ARGMIN_LT])
            .native(argmin_lt);
        r.def("map.argmaxN")
            .sig("(m: map<any A>, n: int) -> array<string>")
            .errors(&ARGMAX_N)
            .native(argmax_n);
        r.def("map.argminN")
            .sig("(m: map<any A>, n: int) -> array<string>")
            .errors(&ARGMIN_N)
            .native(argmin_n);
        r.def("map.argmaxNLT")
            .sig(&format!("(m: map<any A>, n: int, {LT}) -> array<string>"))
            .errors(&ARGMAX_NLT)
            .native(argmax_nlt);
        r.def("map.argminNLT")
            .sig(&format!("(m: map<any A>, n: int, {LT}) -> array<string>"))
            .errors(&ARGMIN_NLT)
            .native(argmin_nlt);
    }

    /// Whether to look for the highest or the lowest values.
    #[derive(Clone, Copy, PartialEq)]
    enum Dir {
        Max,
        Min,
    }

    /// The key of the best value: entries are visited in key order and the current best
    /// is replaced only by a strictly better value, so ties keep the first key.
    fn best_key(
        m: &MapData,
        mut better: impl FnMut(&Value, &Value) -> Result<bool, PfaError>,
        empty: ErrCode,
    ) -> Ret {
        let mut it = m.iter();
        let Some(mut best) = it.next() else {
            return Err(fail(empty));
        };
        for e in it {
            if better(e.1, best.1)? {
                best = e;
            }
        }
        Ok(Value::String(best.0.clone()))
    }

    /// Whether `x` is strictly better than `y` in Avro's sort order.
    fn avro_better<'h>(
        host: &'h dyn Host,
        dir: Dir,
    ) -> Result<impl Fn(&Value, &Value) -> Result<bool, PfaError> + 'h, PfaError> {
        let ty = values_type(host, 0)?;
        let types = host.types();
        let want = if dir == Dir::Max {
            Ordering::Greater
        } else {
            Ordering::Less
        };
        Ok(move |x: &Value, y: &Value| Ok(cmp::compare(x, y, ty, types) == want))
    }

    /// Whether `x` is strictly better than `y` by the `lessThan` argument `f`.
    fn lt_better(
        host: &mut dyn Host,
        f: usize,
        dir: Dir,
        x: &Value,
        y: &Value,
    ) -> Result<bool, PfaError> {
        let args = match dir {
            Dir::Max => [y.clone(), x.clone()],
            Dir::Min => [x.clone(), y.clone()],
        };
        truth(host.call_fcn(f, &args)?)
    }

    fn by_avro(host: &mut dyn Host, a: &[Value], dir: Dir, empty: ErrCode) -> Ret {
        let m = map_arg(a, 0)?;
        best_key(m, avro_better(host, dir)?, empty)
    }

    fn by_lt(host: &mut dyn Host, a: &[Value], dir: Dir, empty: ErrCode) -> Ret {
        let m = map_arg(a, 0)?;
        best_key(m, |x, y| lt_better(host, 1, dir, x, y), empty)
    }

    /// §18.4.1.
    pub(crate) fn argmax(host: &mut dyn Host, a: &[Value]) -> Ret {
        by_avro(host, a, Dir::Max, ARGMAX)
    }

    /// §18.4.2.
    pub(crate) fn argmin(host: &mut dyn Host, a: &[Value]) -> Ret {
        by_avro(host, a, Dir::Min, ARGMIN)
    }

    /// §18.4.3.
    pub(crate) fn argmax_lt(host: &mut dyn Host, a: &[Value]) -> Ret {
        by_lt(host, a, Dir::Max, ARGMAX_LT)
    }

    /// §18.4.4.
    pub(crate) fn argmin_lt(host: &mut dyn Host, a: &[Value]) -> Ret {
        by_lt(host, a, Dir::Min, ARGMIN_LT)
    }

    /// The map (argument 0, not empty) and how many keys to return (argument 1, not
    /// negative), at most the map's size.
    fn map_and_n(a: &[Value], errs: [ErrCode; 2]) -> Result<(&MapData, usize), PfaError> {
        let m = map_arg(a, 0)?;
        if m.is_empty() {
            return Err(fail(errs[0]));
        }
        let n = usize::try_from(args::int(a, 1)?).map_err(|_| fail(errs[1]))?;
        Ok((m, n.min(m.len())))
    }

    /// The keys of the `n` best entries, best first; equally good entries in key order.
    fn keys_of(mut entries: Vec<(&Arc<str>, &Value)>, n: usize) -> Value {
        entries.truncate(n);
        Value::array(
            entries
                .into_iter()
                .map(|(k, _)| Value::String(k.clone()))
                .collect(),
        )
    }

    fn n_by_avro(host: &mut dyn Host, a: &[Value], dir: Dir, errs: [ErrCode; 2]) -> Ret {
        let (m, n) = map_and_n(a, errs)?;
        let ty = values_type(host, 0)?;
        let types = host.types();
        let mut entries: Vec<_> = m.iter().collect();
        // A stable sort of entries already in key order keeps ties in key order; the
        // comparison is a total order, so the sort is well defined.
        entries.sort_by(|x, y| {
            let o = cmp::compare(x.1, y.1, ty, types);
            if dir == Dir::Max {
                o.reverse()
            } else {
                o
            }
        });
        Ok(keys_of(entries, n))
    }

    fn n_by_lt(host: &mut dyn Host, a: &[Value], dir: Dir, errs: [ErrCode; 2]) -> Ret {
        let (m, n) = map_and_n(a, errs)?;
        let entries: Vec<_> = m.iter().collect();
        let sorted = merge_sort(entries, &mut |x, y| lt_better(host, 2, dir, x.1, y.1))?;
        Ok(keys_of(sorted, n))
    }

    /// §18.4.5.
    pub(crate) fn argmax_n(host: &mut dyn Host, a: &[Value]) -> Ret {
        n_by_avro(host, a, Dir::Max, ARGMAX_N)
    }

    /// §18.4.6.
    pub(crate) fn argmin_n(host: &mut dyn Host, a: &[Value]) -> Ret {
        n_by_avro(host, a, Dir::Min, ARGMIN_N)
    }

    /// §18.4.7.
    pub(crate) fn argmax_nlt(host: &mut dyn Host, a: &[Value]) -> Ret {
        n_by_lt(host, a, Dir::Max, ARGMAX_NLT)
    }

    /// §18.4.8.
    pub(crate) fn argmin_nlt(host: &mut dyn Host, a: &[Value]) -> Ret {
        n_by_lt(host, a, Dir::Min, ARGMIN_NLT)
    }

    /// A stable merge sort by a fallible "goes strictly before" test. User functions may
    /// not be consistent orders, so this never assumes one (the standard sorts may panic
    /// on an inconsistent comparison); the first error stops the sort.
    pub(crate) fn merge_sort<T: Copy>(
        items: Vec<T>,
        before: &mut dyn FnMut(&T, &T) -> Result<bool, PfaError>,
    ) -> Result<Vec<T>, PfaError> {
        let mut src = items;
        let len = src.len();
        let mut dst = Vec::with_capacity(len);
        let mut width = 1;
        while width < len {
            dst.clear();
            let mut lo = 0;
            while lo < len {
                let mid = (lo + width).min(len);
                let hi = (lo + 2 * width).min(len);
                let (mut i, mut j) = (lo, mid);
                while i < mid && j < hi {
                    // Take from the right run only if strictly before: keeps stability.
                    if before(&src[j], &src[i])? {
                        dst.push(src[j]);
                        j += 1;
                    } else {
                        dst.push(src[i]);
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
}

// ---------------------------------------------------------------------------------------

/// §18.5 Set or set-like functions.
pub(crate) mod sets {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("map.toset")
            .sig("(a: array<any A>) -> map<A>")
            .native(toset);
        r.def("map.fromset")
            .sig("(s: map<any A>) -> array<A>")
            .native(fromset);
        r.def("map.in")
            .sig("(s: map<any A>, x: A) -> boolean")
            .native(contains);
        for (name, f) in [
            ("map.union", union as NativeFn),
            ("map.intersection", intersection),
            ("map.diff", diff),
            ("map.symdiff", symdiff),
        ] {
            r.def(name)
                .sig("(a: map<any A>, b: map<A>) -> map<A>")
                .native(f);
        }
        r.def("map.subset")
            .sig("(little: map<any A>, big: map<A>) -> boolean")
            .native(subset);
        r.def("map.disjoint")
            .sig("(a: map<any A>, b: map<A>) -> boolean")
            .native(disjoint);
    }

    /// §18.5.1.
    pub(crate) fn toset(host: &mut dyn Host, a: &[Value]) -> Ret {
        let items = array_arg(a, 0)?;
        let ty = match host.arg_type(0) {
            Type::Array(t) => &**t,
            _ => return Err(internal("argument type is not an array")),
        };
        let mut out = MapData::new();
        for x in items.iter() {
            out.insert(set_key(x, ty, host.types())?, x.clone());
        }
        Ok(map_value(out))
    }

    /// §18.5.2: the values, in key order.
    pub(crate) fn fromset(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::array(map_arg(a, 0)?.values().cloned().collect()))
    }

    /// §18.5.3: looks up `x`'s key.
    pub(crate) fn contains(host: &mut dyn Host, a: &[Value]) -> Ret {
        let s = map_arg(a, 0)?;
        let key = set_key(any(a, 1)?, values_type(host, 0)?, host.types())?;
        Ok(Value::Boolean(s.contains_key(&key)))
    }

    /// Entries of `m` whose key is (`keep` true) or is not (false) in `other`.
    fn entries_by_key<'a>(
        m: &'a MapData,
        other: &'a MapData,
        keep: bool,
    ) -> impl Iterator<Item = (Arc<str>, Value)> + 'a {
        m.iter()
            .filter(move |(k, _)| other.contains_key(*k) == keep)
            .map(|(k, v)| (k.clone(), v.clone()))
    }

    /// §18.5.4.
    pub(crate) fn union(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, y) = (map_arg(a, 0)?, map_arg(a, 1)?);
        if y.is_empty() {
            return Ok(Value::Map(x.clone()));
        }
        let mut out = MapData::clone(y);
        out.extend(entries_by_key(x, y, false));
        Ok(map_value(out))
    }

    /// §18.5.5: entries of `a`.
    pub(crate) fn intersection(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, y) = (map_arg(a, 0)?, map_arg(a, 1)?);
        Ok(map_value(entries_by_key(x, y, true).collect()))
    }

    /// §18.5.6.
    pub(crate) fn diff(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, y) = (map_arg(a, 0)?, map_arg(a, 1)?);
        Ok(map_value(entries_by_key(x, y, false).collect()))
    }

    /// §18.5.7: entries of either that are not in the other.
    pub(crate) fn symdiff(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, y) = (map_arg(a, 0)?, map_arg(a, 1)?);
        Ok(map_value(
            entries_by_key(x, y, false)
                .chain(entries_by_key(y, x, false))
                .collect(),
        ))
    }

    /// §18.5.8.
    pub(crate) fn subset(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (little, big) = (map_arg(a, 0)?, map_arg(a, 1)?);
        Ok(Value::Boolean(little.keys().all(|k| big.contains_key(k))))
    }

    /// §18.5.9.
    pub(crate) fn disjoint(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, y) = (map_arg(a, 0)?, map_arg(a, 1)?);
        let (small, large) = if x.len() <= y.len() { (x, y) } else { (y, x) };
        Ok(Value::Boolean(!small.keys().any(|k| large.contains_key(k))))
    }
}

// ---------------------------------------------------------------------------------------

/// §18.6 Functional programming. Each function argument is called once per entry, in
/// key order, with the entry's value shared (the map is never copied per call).
pub(crate) mod functional {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("map.map")
            .sig("(m: map<any A>, fcn: fcn(A) -> any B) -> map<B>")
            .native(map);
        r.def("map.mapWithKey")
            .sig("(m: map<any A>, fcn: fcn(string, A) -> any B) -> map<B>")
            .native(map_with_key);
        r.def("map.filter")
            .sig("(m: map<any A>, fcn: fcn(A) -> boolean) -> map<A>")
            .native(filter);
        r.def("map.filterWithKey")
            .sig("(m: map<any A>, fcn: fcn(string, A) -> boolean) -> map<A>")
            .native(filter_with_key);
        r.def("map.filterMap")
            .sig("(m: map<any A>, fcn: fcn(A) -> union<any B, null>) -> map<B>")
            .native(filter_map);
        r.def("map.filterMapWithKey")
            .sig("(m: map<any A>, fcn: fcn(string, A) -> union<any B, null>) -> map<B>")
            .native(filter_map_with_key);
        r.def("map.flatMap")
            .sig("(m: map<any A>, fcn: fcn(A) -> map<any B>) -> map<B>")
            .native(flat_map);
        r.def("map.flatMapWithKey")
            .sig("(m: map<any A>, fcn: fcn(string, A) -> map<any B>) -> map<B>")
            .native(flat_map_with_key);
        r.def("map.zipmap")
            .sig("(a: map<any A>, b: map<any B>, fcn: fcn(A, B) -> any Z) -> map<Z>")
            .sig(
                "(a: map<any A>, b: map<any B>, c: map<any C>, \
                 fcn: fcn(A, B, C) -> any Z) -> map<Z>",
            )
            .sig(
                "(a: map<any A>, b: map<any B>, c: map<any C>, d: map<any D>, \
                 fcn: fcn(A, B, C, D) -> any Z) -> map<Z>",
            )
            .errors(&[ZIPMAP_MISALIGNED])
            .native(zipmap);
        r.def("map.zipmapWithKey")
            .sig(
                "(a: map<any A>, b: map<any B>, \
                 fcn: fcn(string, A, B) -> any Z) -> map<Z>",
            )
            .sig(
                "(a: map<any A>, b: map<any B>, c: map<any C>, \
                 fcn: fcn(string, A, B, C) -> any Z) -> map<Z>",
            )
            .sig(
                "(a: map<any A>, b: map<any B>, c: map<any C>, d: map<any D>, \
                 fcn: fcn(string, A, B, C, D) -> any Z) -> map<Z>",
            )
            .errors(&[ZIPMAP_WITH_KEY_MISALIGNED])
            .native(zipmap_with_key);
    }

    /// `map.zipmap` on maps with different keys.
    pub(crate) const ZIPMAP_MISALIGNED: ErrCode = (26370, "misaligned maps");
    /// `map.zipmapWithKey` on maps with different keys.
    pub(crate) const ZIPMAP_WITH_KEY_MISALIGNED: ErrCode = (26380, "misaligned maps");

    /// Calls the function argument 1 on an entry, with or without its key.
    fn call(host: &mut dyn Host, with_key: bool, k: &Arc<str>, v: &Value) -> Ret {
        if with_key {
            host.call_fcn(1, &[Value::String(k.clone()), v.clone()])
        } else {
            host.call_fcn(1, std::slice::from_ref(v))
        }
    }

    fn map_impl(host: &mut dyn Host, a: &[Value], with_key: bool) -> Ret {
        let m = map_arg(a, 0)?;
        let mut out = MapData::new();
        for (k, v) in m.iter() {
            out.insert(k.clone(), call(host, with_key, k, v)?);
        }
        Ok(map_value(out))
    }

    /// §18.6.1.
    pub(crate) fn map(host: &mut dyn Host, a: &[Value]) -> Ret {
        map_impl(host, a, false)
    }

    /// §18.6.2.
    pub(crate) fn map_with_key(host: &mut dyn Host, a: &[Value]) -> Ret {
        map_impl(host, a, true)
    }

    fn filter_impl(host: &mut dyn Host, a: &[Value], with_key: bool) -> Ret {
        let m = map_arg(a, 0)?;
        let mut out = MapData::new();
        for (k, v) in m.iter() {
            if truth(call(host, with_key, k, v)?)? {
                out.insert(k.clone(), v.clone());
            }
        }
        // Keeping everything gives back the same shared map.
        if out.len() == m.len() {
            return Ok(Value::Map(m.clone()));
        }
        Ok(map_value(out))
    }

    /// §18.6.3.
    pub(crate) fn filter(host: &mut dyn Host, a: &[Value]) -> Ret {
        filter_impl(host, a, false)
    }

    /// §18.6.4.
    pub(crate) fn filter_with_key(host: &mut dyn Host, a: &[Value]) -> Ret {
        filter_impl(host, a, true)
    }

    /// A non-null result of `union<B, null>` already has B's representation.
    fn filter_map_impl(host: &mut dyn Host, a: &[Value], with_key: bool) -> Ret {
        let m = map_arg(a, 0)?;
        let mut out = MapData::new();
        for (k, v) in m.iter() {
            match call(host, with_key, k, v)? {
                Value::Null => {}
                r => {
                    out.insert(k.clone(), r);
                }
            }
        }
        Ok(map_value(out))
    }

    /// §18.6.5.
    pub(crate) fn filter_map(host: &mut dyn Host, a: &[Value]) -> Ret {
        filter_map_impl(host, a, false)
    }

    /// §18.6.6.
    pub(crate) fn filter_map_with_key(host: &mut dyn Host, a: &[Value]) -> Ret {
        filter_map_impl(host, a, true)
    }

    fn flat_map_impl(host: &mut dyn Host, a: &[Value], with_key: bool) -> Ret {
        let m = map_arg(a, 0)?;
        let mut out = MapData::new();
        for (k, v) in m.iter() {
            match call(host, with_key, k, v)? {
                Value::Map(r) => out.extend(Arc::unwrap_or_clone(r)),
                _ => return Err(internal("function argument did not return a map")),
            }
        }
        Ok(map_value(out))
    }

    /// §18.6.7.
    pub(crate) fn flat_map(host: &mut dyn Host, a: &[Value]) -> Ret {
        flat_map_impl(host, a, false)
    }

    /// §18.6.8.
    pub(crate) fn flat_map_with_key(host: &mut dyn Host, a: &[Value]) -> Ret {
        flat_map_impl(host, a, true)
    }

    /// The map arguments before the trailing function argument, if all have the same
    /// keys; `Ok(None)` if they do not.
    pub(super) fn aligned(a: &[Value]) -> Result<Option<Vec<&MapData>>, PfaError> {
        let n = a.len().saturating_sub(1);
        let maps = (0..n)
            .map(|i| map_arg(a, i).map(|m| &**m))
            .collect::<Result<Vec<_>, _>>()?;
        let Some((first, rest)) = maps.split_first() else {
            return Err(internal("no map arguments"));
        };
        let same = rest
            .iter()
            .all(|m| m.len() == first.len() && m.keys().eq(first.keys()));
        Ok(same.then_some(maps))
    }

    fn zipmap_impl(host: &mut dyn Host, a: &[Value], with_key: bool, err: ErrCode) -> Ret {
        let maps = aligned(a)?.ok_or_else(|| fail(err))?;
        let f = maps.len();
        let mut iters: Vec<_> = maps.iter().map(|m| m.values()).collect();
        let mut row = Vec::with_capacity(f + 1);
        let mut out = MapData::new();
        for k in maps[0].keys() {
            row.clear();
            if with_key {
                row.push(Value::String(k.clone()));
            }
            for it in iters.iter_mut() {
                row.push(it.next().ok_or_else(|| internal("maps changed"))?.clone());
            }
            out.insert(k.clone(), host.call_fcn(f, &row)?);
        }
        Ok(map_value(out))
    }

    /// §18.6.9.
    pub(crate) fn zipmap(host: &mut dyn Host, a: &[Value]) -> Ret {
        zipmap_impl(host, a, false, ZIPMAP_MISALIGNED)
    }

    /// §18.6.10.
    pub(crate) fn zipmap_with_key(host: &mut dyn Host, a: &[Value]) -> Ret {
        zipmap_impl(host, a, true, ZIPMAP_WITH_KEY_MISALIGNED)
    }
}

// ---------------------------------------------------------------------------------------

/// §18.7 Functional tests.
pub(crate) mod tests_of {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("map.corresponds")
            .sig("(a: map<any A>, b: map<any B>, fcn: fcn(A, B) -> boolean) -> boolean")
            .native(corresponds);
        r.def("map.correspondsWithKey")
            .sig(
                "(a: map<any A>, b: map<any B>, \
                 fcn: fcn(string, A, B) -> boolean) -> boolean",
            )
            .native(corresponds_with_key);
    }

    /// False for different key sets; otherwise stops at the first pair that fails.
    fn corresponds_impl(host: &mut dyn Host, a: &[Value], with_key: bool) -> Ret {
        let Some(maps) = functional::aligned(a)? else {
            return Ok(Value::Boolean(false));
        };
        let (x, y) = match maps.as_slice() {
            [x, y] => (*x, *y),
            _ => return Err(internal("corresponds takes two maps")),
        };
        for ((k, p), q) in x.iter().zip(y.values()) {
            let r = if with_key {
                host.call_fcn(2, &[Value::String(k.clone()), p.clone(), q.clone()])?
            } else {
                host.call_fcn(2, &[p.clone(), q.clone()])?
            };
            if !truth(r)? {
                return Ok(Value::Boolean(false));
            }
        }
        Ok(Value::Boolean(true))
    }

    /// §18.7.1.
    pub(crate) fn corresponds(host: &mut dyn Host, a: &[Value]) -> Ret {
        corresponds_impl(host, a, false)
    }

    /// §18.7.2.
    pub(crate) fn corresponds_with_key(host: &mut dyn Host, a: &[Value]) -> Ret {
        corresponds_impl(host, a, true)
    }
}
