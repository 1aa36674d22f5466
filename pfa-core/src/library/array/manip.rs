//! §17.3 Manipulation: `a.concat`, `a.append`, `a.cycle`, `a.insert`, `a.replace`,
//! `a.remove`, `a.rotate`.
//!
//! Single-item indexes follow Python's index rule: `-1` is the last item, and an index
//! outside `[-len, len)` raises the function's "index out of range" error (so inserting
//! needs an existing item to insert before; appending is `a.append`).

use super::{arr, array, by_sig, item_index, slice_bounds};
use crate::library::args::{self, fail, int, ErrCode, Ret};
use crate::library::{Host, Registry};
use crate::value::Value;

const CYCLE_RANGE: ErrCode = (15150, "maxLength out of range");
const INSERT_RANGE: ErrCode = (15160, "index out of range");
const REPLACE_RANGE: ErrCode = (15170, "index out of range");
const REMOVE_RANGE: ErrCode = (15180, "index out of range");
const ROTATE_RANGE: ErrCode = (15190, "steps out of range");

pub(super) fn register(r: &mut Registry) {
    r.def("a.concat")
        .sig("(a: array<any A>, b: array<A>) -> array<A>")
        .native(concat);
    r.def("a.append")
        .sig("(a: array<any A>, item: A) -> array<A>")
        .native(append);
    r.def("a.cycle")
        .sig("(a: array<any A>, item: A, maxLength: int) -> array<A>")
        .errors(&[CYCLE_RANGE])
        .native(cycle);
    r.def("a.insert")
        .sig("(a: array<any A>, index: int, item: A) -> array<A>")
        .errors(&[INSERT_RANGE])
        .native(insert);
    r.def("a.replace")
        .sig("(a: array<any A>, index: int, item: A) -> array<A>")
        .errors(&[REPLACE_RANGE])
        .native(replace);
    r.def("a.remove")
        .sig("(a: array<any A>, start: int, end: int) -> array<A>")
        .sig("(a: array<any A>, index: int) -> array<A>")
        .errors(&[REMOVE_RANGE])
        .specialize(|s| by_sig(s, &[remove_range, remove_one]));
    r.def("a.rotate")
        .sig("(a: array<any A>, steps: int) -> array<A>")
        .errors(&[ROTATE_RANGE])
        .native(rotate);
}

fn concat(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (arr(a, 0)?, arr(a, 1)?);
    // Share the other array when one side is empty.
    if y.is_empty() {
        return Ok(Value::Array(x.clone()));
    }
    if x.is_empty() {
        return Ok(Value::Array(y.clone()));
    }
    let mut out = Vec::with_capacity(x.len() + y.len());
    out.extend_from_slice(x);
    out.extend_from_slice(y);
    array(out)
}

fn append(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut out = Vec::with_capacity(xs.len() + 1);
    out.extend_from_slice(xs);
    out.push(args::any(a, 1)?.clone());
    array(out)
}

/// Appends, then drops items from the front until at most `maxLength` remain.
fn cycle(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let item = args::any(a, 1)?;
    let max = usize::try_from(int(a, 2)?).map_err(|_| fail(CYCLE_RANGE))?;
    if max == 0 {
        return array(Vec::new());
    }
    // Keep the last `max - 1` old items, then the new one.
    let skip = (xs.len() + 1).saturating_sub(max);
    let mut out = Vec::with_capacity(xs.len() + 1 - skip);
    out.extend_from_slice(&xs[skip..]);
    out.push(item.clone());
    array(out)
}

fn insert(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let at = item_index(xs.len(), int(a, 1)?).ok_or_else(|| fail(INSERT_RANGE))?;
    let mut out = Vec::with_capacity(xs.len() + 1);
    out.extend_from_slice(&xs[..at]);
    out.push(args::any(a, 2)?.clone());
    out.extend_from_slice(&xs[at..]);
    array(out)
}

fn replace(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let at = item_index(xs.len(), int(a, 1)?).ok_or_else(|| fail(REPLACE_RANGE))?;
    let mut out = xs.to_vec();
    out[at] = args::any(a, 2)?.clone();
    array(out)
}

fn remove_range(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let (s, e) = slice_bounds(xs.len(), int(a, 1)?, int(a, 2)?);
    if s == e {
        return Ok(Value::Array(xs.clone()));
    }
    let mut out = Vec::with_capacity(xs.len() - (e - s));
    out.extend_from_slice(&xs[..s]);
    out.extend_from_slice(&xs[e..]);
    array(out)
}

fn remove_one(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let at = item_index(xs.len(), int(a, 1)?).ok_or_else(|| fail(REMOVE_RANGE))?;
    let mut out = Vec::with_capacity(xs.len() - 1);
    out.extend_from_slice(&xs[..at]);
    out.extend_from_slice(&xs[at + 1..]);
    array(out)
}

/// Rotates left: item `steps` (modulo the length) comes first.
fn rotate(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let steps = usize::try_from(int(a, 1)?).map_err(|_| fail(ROTATE_RANGE))?;
    if xs.is_empty() {
        return Ok(Value::Array(xs.clone()));
    }
    let k = steps % xs.len();
    let mut out = Vec::with_capacity(xs.len());
    out.extend_from_slice(&xs[k..]);
    out.extend_from_slice(&xs[..k]);
    array(out)
}

#[cfg(test)]
mod tests {
    use crate::library::array::testkit::{err, ok, ARR_INT, INT};

    #[test]
    fn concat_append_cycle() {
        ok(
            "a.concat",
            &[(ARR_INT, "[1,2]"), (ARR_INT, "[3]")],
            "[1,2,3]",
        );
        ok("a.concat", &[(ARR_INT, "[]"), (ARR_INT, "[3]")], "[3]");
        ok("a.concat", &[(ARR_INT, "[1]"), (ARR_INT, "[]")], "[1]");
        ok("a.append", &[(ARR_INT, "[]"), (INT, "0")], "[0]");
        ok("a.append", &[(ARR_INT, "[1,2]"), (INT, "3")], "[1,2,3]");
        let cyc = |a: &'static str, n: &'static str| [(ARR_INT, a), (INT, "9"), (INT, n)];
        ok("a.cycle", &cyc("[1,2,3]", "5"), "[1,2,3,9]");
        ok("a.cycle", &cyc("[1,2,3]", "4"), "[1,2,3,9]");
        ok("a.cycle", &cyc("[1,2,3]", "3"), "[2,3,9]");
        ok("a.cycle", &cyc("[1,2,3]", "1"), "[9]");
        ok("a.cycle", &cyc("[1,2,3]", "0"), "[]");
        ok("a.cycle", &cyc("[]", "0"), "[]");
        err("a.cycle", &cyc("[1,2,3]", "-1"), 15150);
    }

    #[test]
    fn insert_replace_remove() {
        let at = |i: &'static str| [(ARR_INT, "[1,2,3]"), (INT, i), (INT, "9")];
        ok("a.insert", &at("0"), "[9,1,2,3]");
        ok("a.insert", &at("2"), "[1,2,9,3]");
        ok("a.insert", &at("-1"), "[1,2,9,3]");
        ok("a.insert", &at("-3"), "[9,1,2,3]");
        err("a.insert", &at("3"), 15160);
        err("a.insert", &at("-4"), 15160);
        ok("a.replace", &at("0"), "[9,2,3]");
        ok("a.replace", &at("-1"), "[1,2,9]");
        err("a.replace", &at("3"), 15170);
        err("a.replace", &at("-4"), 15170);
        let rm = |i: &'static str| [(ARR_INT, "[1,2,3]"), (INT, i)];
        ok("a.remove", &rm("0"), "[2,3]");
        ok("a.remove", &rm("-1"), "[1,2]");
        err("a.remove", &rm("3"), 15180);
        err("a.remove", &rm("-4"), 15180);
        let rr = |s: &'static str, e: &'static str| [(ARR_INT, "[1,2,3,4]"), (INT, s), (INT, e)];
        ok("a.remove", &rr("1", "3"), "[1,4]");
        ok("a.remove", &rr("-2", "100"), "[1,2]");
        ok("a.remove", &rr("3", "1"), "[1,2,3,4]");
    }

    #[test]
    fn rotate() {
        let rot = |a: &'static str, n: &'static str| [(ARR_INT, a), (INT, n)];
        ok("a.rotate", &rot("[1,2,3]", "0"), "[1,2,3]");
        ok("a.rotate", &rot("[1,2,3]", "1"), "[2,3,1]");
        ok("a.rotate", &rot("[1,2,3]", "5"), "[3,1,2]");
        ok("a.rotate", &rot("[]", "5"), "[]");
        err("a.rotate", &rot("[1,2,3]", "-1"), 15190);
    }
}
