//! §17.8 Functional programming: higher-order functions over arrays, plus the
//! combinatorial builders (`a.slidingWindow`, `a.combinations`, `a.permutations`),
//! `a.flatten` and `a.groupby`.
//!
//! Function arguments are called left to right, once per element (or until the answer
//! is known for `a.takeWhile`, `a.dropWhile`, `a.any`, `a.all` and `a.corresponds*`),
//! and their errors propagate unchanged.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{arr, array, by_sig, call_bool, internal, too_large, MAX_RESULT_ITEMS};
use crate::error::PfaError;
use crate::library::args::{self, fail, int, ErrCode, Ret};
use crate::library::{Host, Registry};
use crate::value::Value;

const ZIP_MISALIGNED: ErrCode = (15650, "misaligned arrays");
const ZIPI_MISALIGNED: ErrCode = (15660, "misaligned arrays");
const REDUCE_EMPTY: ErrCode = (15670, "empty array");
const REDUCE_RIGHT_EMPTY: ErrCode = (15680, "empty array");
const WINDOW_SIZE: ErrCode = (15770, "size < 1");
const WINDOW_STEP: ErrCode = (15771, "step < 1");
const COMBINATIONS_SIZE: ErrCode = (15780, "size < 1");

pub(super) fn register(r: &mut Registry) {
    r.def("a.map")
        .sig("(a: array<any A>, fcn: fcn(A) -> any B) -> array<B>")
        .native(map);
    r.def("a.mapWithIndex")
        .sig("(a: array<any A>, fcn: fcn(int, A) -> any B) -> array<B>")
        .native(map_with_index);
    r.def("a.filter")
        .sig("(a: array<any A>, fcn: fcn(A) -> boolean) -> array<A>")
        .native(filter);
    r.def("a.filterWithIndex")
        .sig("(a: array<any A>, fcn: fcn(int, A) -> boolean) -> array<A>")
        .native(filter_with_index);
    r.def("a.filterMap")
        .sig("(a: array<any A>, fcn: fcn(A) -> union<any B, null>) -> array<B>")
        .native(filter_map);
    r.def("a.filterMapWithIndex")
        .sig("(a: array<any A>, fcn: fcn(int, A) -> union<any B, null>) -> array<B>")
        .native(filter_map_with_index);
    r.def("a.flatMap")
        .sig("(a: array<any A>, fcn: fcn(A) -> array<any B>) -> array<B>")
        .native(flat_map);
    r.def("a.flatMapWithIndex")
        .sig("(a: array<any A>, fcn: fcn(int, A) -> array<any B>) -> array<B>")
        .native(flat_map_with_index);
    r.def("a.zipmap")
        .sig("(a: array<any A>, b: array<any B>, fcn: fcn(A, B) -> any Z) -> array<Z>")
        .sig(
            "(a: array<any A>, b: array<any B>, c: array<any C>, \
             fcn: fcn(A, B, C) -> any Z) -> array<Z>",
        )
        .sig(
            "(a: array<any A>, b: array<any B>, c: array<any C>, d: array<any D>, \
             fcn: fcn(A, B, C, D) -> any Z) -> array<Z>",
        )
        .errors(&[ZIP_MISALIGNED])
        .specialize(|s| by_sig(s, &[zipmap::<2>, zipmap::<3>, zipmap::<4>]));
    r.def("a.zipmapWithIndex")
        .sig(
            "(a: array<any A>, b: array<any B>, \
             fcn: fcn(int, A, B) -> any Z) -> array<Z>",
        )
        .sig(
            "(a: array<any A>, b: array<any B>, c: array<any C>, \
             fcn: fcn(int, A, B, C) -> any Z) -> array<Z>",
        )
        .sig(
            "(a: array<any A>, b: array<any B>, c: array<any C>, d: array<any D>, \
             fcn: fcn(int, A, B, C, D) -> any Z) -> array<Z>",
        )
        .errors(&[ZIPI_MISALIGNED])
        .specialize(|s| {
            by_sig(
                s,
                &[
                    zipmap_with_index::<2>,
                    zipmap_with_index::<3>,
                    zipmap_with_index::<4>,
                ],
            )
        });
    r.def("a.reduce")
        .sig("(a: array<any A>, fcn: fcn(A, A) -> A) -> A")
        .errors(&[REDUCE_EMPTY])
        .native(reduce);
    r.def("a.reduceRight")
        .sig("(a: array<any A>, fcn: fcn(A, A) -> A) -> A")
        .errors(&[REDUCE_RIGHT_EMPTY])
        .native(reduce_right);
    r.def("a.fold")
        .sig("(a: array<any A>, zero: any B, fcn: fcn(B, A) -> B) -> B")
        .native(fold);
    r.def("a.foldRight")
        .sig("(a: array<any A>, zero: any B, fcn: fcn(A, B) -> B) -> B")
        .native(fold_right);
    r.def("a.takeWhile")
        .sig("(a: array<any A>, fcn: fcn(A) -> boolean) -> array<A>")
        .native(take_while);
    r.def("a.dropWhile")
        .sig("(a: array<any A>, fcn: fcn(A) -> boolean) -> array<A>")
        .native(drop_while);
    r.def("a.any")
        .sig("(a: array<any A>, fcn: fcn(A) -> boolean) -> boolean")
        .native(any);
    r.def("a.all")
        .sig("(a: array<any A>, fcn: fcn(A) -> boolean) -> boolean")
        .native(all);
    r.def("a.corresponds")
        .sig("(a: array<any A>, b: array<any B>, fcn: fcn(A, B) -> boolean) -> boolean")
        .native(corresponds);
    r.def("a.correspondsWithIndex")
        .sig(
            "(a: array<any A>, b: array<any B>, \
             fcn: fcn(int, A, B) -> boolean) -> boolean",
        )
        .native(corresponds_with_index);
    r.def("a.slidingWindow")
        .sig("(a: array<any A>, size: int, step: int) -> array<array<A>>")
        .errors(&[WINDOW_SIZE, WINDOW_STEP])
        .native(sliding_window);
    r.def("a.combinations")
        .sig("(a: array<any A>, size: int) -> array<array<A>>")
        .errors(&[COMBINATIONS_SIZE])
        .native(combinations);
    r.def("a.permutations")
        .sig("(a: array<any A>) -> array<array<A>>")
        .native(permutations);
    r.def("a.flatten")
        .sig("(a: array<array<any A>>) -> array<A>")
        .native(flatten);
    r.def("a.groupby")
        .sig("(a: array<any A>, fcn: fcn(A) -> string) -> map<array<A>>")
        .native(groupby);
}

/// An element index as the `int` passed to `...WithIndex` functions.
#[inline]
fn index(i: usize) -> Result<Value, PfaError> {
    i32::try_from(i)
        .map(Value::Int)
        .map_err(|_| internal("index beyond int"))
}

fn map(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut out = Vec::with_capacity(xs.len());
    for x in xs.iter() {
        out.push(h.call_fcn(1, std::slice::from_ref(x))?);
    }
    array(out)
}

fn map_with_index(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut out = Vec::with_capacity(xs.len());
    for (i, x) in xs.iter().enumerate() {
        out.push(h.call_fcn(1, &[index(i)?, x.clone()])?);
    }
    array(out)
}

fn filter(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut out = Vec::new();
    for x in xs.iter() {
        if call_bool(h, 1, std::slice::from_ref(x))? {
            out.push(x.clone());
        }
    }
    array(out)
}

fn filter_with_index(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut out = Vec::new();
    for (i, x) in xs.iter().enumerate() {
        if call_bool(h, 1, &[index(i)?, x.clone()])? {
            out.push(x.clone());
        }
    }
    array(out)
}

/// `B` never includes `null` (the pattern `union<any B, null>` binds it to one
/// branch), so a null result is exactly "no value".
fn filter_map(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut out = Vec::new();
    for x in xs.iter() {
        let y = h.call_fcn(1, std::slice::from_ref(x))?;
        if !y.is_null() {
            out.push(y);
        }
    }
    array(out)
}

fn filter_map_with_index(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut out = Vec::new();
    for (i, x) in xs.iter().enumerate() {
        let y = h.call_fcn(1, &[index(i)?, x.clone()])?;
        if !y.is_null() {
            out.push(y);
        }
    }
    array(out)
}

/// Appends the items of an array result.
fn extend(out: &mut Vec<Value>, v: Value) -> Result<(), PfaError> {
    match v {
        Value::Array(ys) => {
            out.extend(Arc::unwrap_or_clone(ys));
            Ok(())
        }
        _ => Err(internal("function argument did not return an array")),
    }
}

fn flat_map(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut out = Vec::new();
    for x in xs.iter() {
        let ys = h.call_fcn(1, std::slice::from_ref(x))?;
        extend(&mut out, ys)?;
    }
    array(out)
}

fn flat_map_with_index(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut out = Vec::new();
    for (i, x) in xs.iter().enumerate() {
        let ys = h.call_fcn(1, &[index(i)?, x.clone()])?;
        extend(&mut out, ys)?;
    }
    array(out)
}

/// The `N` arrays of a zip, all of one length (else `misaligned`).
fn aligned<const N: usize>(
    a: &[Value],
    misaligned: ErrCode,
) -> Result<([&[Value]; N], usize), PfaError> {
    let mut cols: [&[Value]; N] = [&[]; N];
    for (i, c) in cols.iter_mut().enumerate() {
        *c = arr(a, i)?;
    }
    let n = cols.first().map_or(0, |c| c.len());
    if cols.iter().any(|c| c.len() != n) {
        return Err(fail(misaligned));
    }
    Ok((cols, n))
}

/// `a.zipmap` over `N` arrays; the function is argument `N`.
fn zipmap<const N: usize>(h: &mut dyn Host, a: &[Value]) -> Ret {
    let (cols, n) = aligned::<N>(a, ZIP_MISALIGNED)?;
    let mut out = Vec::with_capacity(n);
    let mut row = Vec::with_capacity(N);
    for i in 0..n {
        row.clear();
        row.extend(cols.iter().map(|c| c[i].clone()));
        out.push(h.call_fcn(N, &row)?);
    }
    array(out)
}

fn zipmap_with_index<const N: usize>(h: &mut dyn Host, a: &[Value]) -> Ret {
    let (cols, n) = aligned::<N>(a, ZIPI_MISALIGNED)?;
    let mut out = Vec::with_capacity(n);
    let mut row = Vec::with_capacity(N + 1);
    for i in 0..n {
        row.clear();
        row.push(index(i)?);
        row.extend(cols.iter().map(|c| c[i].clone()));
        out.push(h.call_fcn(N, &row)?);
    }
    array(out)
}

/// `fcn(tally, item)` from the left, starting with the first item.
fn reduce(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let (first, rest) = xs.split_first().ok_or_else(|| fail(REDUCE_EMPTY))?;
    let mut tally = first.clone();
    for x in rest {
        tally = h.call_fcn(1, &[tally, x.clone()])?;
    }
    Ok(tally)
}

/// `fcn(item, tally)` from the right, starting with the last item.
fn reduce_right(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let (last, rest) = xs.split_last().ok_or_else(|| fail(REDUCE_RIGHT_EMPTY))?;
    let mut tally = last.clone();
    for x in rest.iter().rev() {
        tally = h.call_fcn(1, &[x.clone(), tally])?;
    }
    Ok(tally)
}

fn fold(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut tally = args::any(a, 1)?.clone();
    for x in xs.iter() {
        tally = h.call_fcn(2, &[tally, x.clone()])?;
    }
    Ok(tally)
}

fn fold_right(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut tally = args::any(a, 1)?.clone();
    for x in xs.iter().rev() {
        tally = h.call_fcn(2, &[x.clone(), tally])?;
    }
    Ok(tally)
}

/// Length of the prefix on which `fcn` holds (calls stop at the first `false`).
fn prefix(h: &mut dyn Host, xs: &[Value]) -> Result<usize, PfaError> {
    for (i, x) in xs.iter().enumerate() {
        if !call_bool(h, 1, std::slice::from_ref(x))? {
            return Ok(i);
        }
    }
    Ok(xs.len())
}

fn take_while(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let n = prefix(h, xs)?;
    if n == xs.len() {
        return Ok(Value::Array(xs.clone()));
    }
    array(xs[..n].to_vec())
}

fn drop_while(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let n = prefix(h, xs)?;
    if n == 0 {
        return Ok(Value::Array(xs.clone()));
    }
    array(xs[n..].to_vec())
}

fn any(h: &mut dyn Host, a: &[Value]) -> Ret {
    for x in arr(a, 0)?.iter() {
        if call_bool(h, 1, std::slice::from_ref(x))? {
            return Ok(Value::Boolean(true));
        }
    }
    Ok(Value::Boolean(false))
}

fn all(h: &mut dyn Host, a: &[Value]) -> Ret {
    for x in arr(a, 0)?.iter() {
        if !call_bool(h, 1, std::slice::from_ref(x))? {
            return Ok(Value::Boolean(false));
        }
    }
    Ok(Value::Boolean(true))
}

fn corresponds(h: &mut dyn Host, a: &[Value]) -> Ret {
    let (xs, ys) = (arr(a, 0)?, arr(a, 1)?);
    if xs.len() != ys.len() {
        return Ok(Value::Boolean(false));
    }
    for (x, y) in xs.iter().zip(ys.iter()) {
        if !call_bool(h, 2, &[x.clone(), y.clone()])? {
            return Ok(Value::Boolean(false));
        }
    }
    Ok(Value::Boolean(true))
}

fn corresponds_with_index(h: &mut dyn Host, a: &[Value]) -> Ret {
    let (xs, ys) = (arr(a, 0)?, arr(a, 1)?);
    if xs.len() != ys.len() {
        return Ok(Value::Boolean(false));
    }
    for (i, (x, y)) in xs.iter().zip(ys.iter()).enumerate() {
        if !call_bool(h, 2, &[index(i)?, x.clone(), y.clone()])? {
            return Ok(Value::Boolean(false));
        }
    }
    Ok(Value::Boolean(true))
}

/// Fails if `count` nested arrays of `each` items would exceed the result limit.
fn check_size(count: usize, each: usize) -> Result<(), PfaError> {
    match count.checked_mul(each.max(1)) {
        Some(total) if total <= MAX_RESULT_ITEMS => Ok(()),
        _ => Err(too_large()),
    }
}

/// Full windows only: starts at 0, `step`, `2 step`, ... while a whole window fits.
fn sliding_window(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let size = int(a, 1)?;
    let step = int(a, 2)?;
    if size < 1 {
        return Err(fail(WINDOW_SIZE));
    }
    if step < 1 {
        return Err(fail(WINDOW_STEP));
    }
    let (size, step) = (size as usize, step as usize);
    let count = match xs.len().checked_sub(size) {
        Some(room) => room / step + 1,
        None => 0,
    };
    check_size(count, size)?;
    let out = (0..count)
        .map(|k| Value::array(xs[k * step..k * step + size].to_vec()))
        .collect();
    array(out)
}

/// `n choose k`, or `None` if it does not fit in `usize`.
fn choose(n: usize, k: usize) -> Option<usize> {
    if k > n {
        return Some(0);
    }
    let k = k.min(n - k);
    let mut c: usize = 1;
    for i in 0..k {
        // c * (n - i) / (i + 1) stays integral at every step.
        c = c.checked_mul(n - i)? / (i + 1);
    }
    Some(c)
}

/// Combinations of `size` items in lexicographic order of positions (as Python's
/// `itertools.combinations`).
fn combinations(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let size = int(a, 1)?;
    if size < 1 {
        return Err(fail(COMBINATIONS_SIZE));
    }
    let (n, k) = (xs.len(), size as usize);
    let count = choose(n, k).ok_or_else(too_large)?;
    check_size(count, k)?;
    let mut out = Vec::with_capacity(count);
    if k > n {
        return array(out);
    }
    let mut idx: Vec<usize> = (0..k).collect();
    loop {
        out.push(Value::array(idx.iter().map(|&i| xs[i].clone()).collect()));
        // Advance the rightmost position that can still move right.
        let Some(i) = (0..k).rev().find(|&i| idx[i] != i + n - k) else {
            break;
        };
        idx[i] += 1;
        for j in i + 1..k {
            idx[j] = idx[j - 1] + 1;
        }
    }
    array(out)
}

/// All orderings, in lexicographic order of positions (as Python's
/// `itertools.permutations`).
fn permutations(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let n = xs.len();
    let count = (1..=n)
        .try_fold(1usize, |acc, i| acc.checked_mul(i))
        .ok_or_else(too_large)?;
    check_size(count, n)?;
    let mut out = Vec::with_capacity(count);
    let mut idx: Vec<usize> = (0..n).collect();
    loop {
        out.push(Value::array(idx.iter().map(|&i| xs[i].clone()).collect()));
        // Next permutation: the longest non-increasing suffix, its pivot, swap, reverse.
        let Some(p) = (1..n).rev().find(|&i| idx[i - 1] < idx[i]).map(|i| i - 1) else {
            break;
        };
        let Some(s) = (p + 1..n).rev().find(|&j| idx[j] > idx[p]) else {
            break;
        };
        idx.swap(p, s);
        idx[p + 1..].reverse();
    }
    array(out)
}

fn flatten(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut out = Vec::new();
    for x in xs.iter() {
        match x {
            Value::Array(ys) => out.extend_from_slice(ys),
            _ => return Err(internal("item is not an array")),
        }
    }
    array(out)
}

/// Groups keep the items' original order.
fn groupby(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut groups: BTreeMap<Arc<str>, Vec<Value>> = BTreeMap::new();
    for x in xs.iter() {
        match h.call_fcn(1, std::slice::from_ref(x))? {
            Value::String(k) => groups.entry(k).or_default().push(x.clone()),
            _ => return Err(internal("function argument did not return a string")),
        }
    }
    Ok(Value::Map(Arc::new(
        groups
            .into_iter()
            .map(|(k, v)| (k, Value::array(v)))
            .collect(),
    )))
}

#[cfg(test)]
mod tests {
    use crate::library::array::testkit::{
        call, err, ok, ARR_ARR_INT, ARR_INT, F_INT2_BOOL, F_INT2_INT, F_INT3_BOOL, F_INT3_INT,
        F_INT4_INT, F_INT5_INT, F_INT_BOOL, F_INT_INT, INT,
    };

    const F_INT_OPT_INT: &str = r#"{"params":["int"],"ret":["int","null"]}"#;
    const F_INT2_OPT_INT: &str = r#"{"params":["int","int"],"ret":["int","null"]}"#;
    const F_INT_ARR: &str = r#"{"params":["int"],"ret":{"type":"array","items":"int"}}"#;
    const F_INT2_ARR: &str = r#"{"params":["int","int"],"ret":{"type":"array","items":"int"}}"#;
    const F_INT_STR: &str = r#"{"params":["int"],"ret":"string"}"#;

    #[test]
    fn map_filter_flat() {
        let with = |f: &'static str, t: &'static str| [(ARR_INT, "[1, 2, 3, 4]"), (t, f)];
        ok("a.map", &with("twice", F_INT_INT), "[2, 4, 6, 8]");
        ok("a.map", &[(ARR_INT, "[]"), (F_INT_INT, "twice")], "[]");
        ok(
            "a.mapWithIndex",
            &with("minus", F_INT2_INT),
            "[-1, -1, -1, -1]",
        );
        ok("a.filter", &with("even", F_INT_BOOL), "[2, 4]");
        ok(
            "a.filterWithIndex",
            &[(ARR_INT, "[0, 5, 1, 9]"), (F_INT2_BOOL, "idx_lt")],
            "[5, 9]",
        );
        ok(
            "a.filterMap",
            &with("even_or_null", F_INT_OPT_INT),
            "[2, 4]",
        );
        ok(
            "a.filterMapWithIndex",
            &with("even_or_null", F_INT2_OPT_INT),
            "[2, 4]",
        );
        ok(
            "a.flatMap",
            &[(ARR_INT, "[1, 2]"), (F_INT_ARR, "pair")],
            "[1, 2]",
        );
        ok(
            "a.flatMapWithIndex",
            &[(ARR_INT, "[7, 8]"), (F_INT2_ARR, "pair")],
            "[0, 7, 1, 8]",
        );
        for f in [
            "a.map",
            "a.filter",
            "a.filterMap",
            "a.flatMap",
            "a.any",
            "a.all",
            "a.groupby",
        ] {
            let t = match f {
                "a.filter" | "a.any" | "a.all" => F_INT_BOOL,
                "a.filterMap" => F_INT_OPT_INT,
                "a.flatMap" => F_INT_ARR,
                "a.groupby" => F_INT_STR,
                _ => F_INT_INT,
            };
            let e = call(f, &[(ARR_INT, "[1]"), (t, "fail")]).unwrap_err();
            assert_eq!(e.code(), Some(-99), "{f}");
        }
    }

    #[test]
    fn zipmap() {
        let two = [
            (ARR_INT, "[1, 2]"),
            (ARR_INT, "[10, 20]"),
            (F_INT2_INT, "sum"),
        ];
        ok("a.zipmap", &two, "[11, 22]");
        let three = [
            (ARR_INT, "[1, 2]"),
            (ARR_INT, "[10, 20]"),
            (ARR_INT, "[100, 200]"),
            (F_INT3_INT, "sum"),
        ];
        ok("a.zipmap", &three, "[111, 222]");
        let four = [
            (ARR_INT, "[1]"),
            (ARR_INT, "[2]"),
            (ARR_INT, "[3]"),
            (ARR_INT, "[4]"),
            (F_INT4_INT, "sum"),
        ];
        ok("a.zipmap", &four, "[10]");
        err(
            "a.zipmap",
            &[
                (ARR_INT, "[1, 2, 3]"),
                (ARR_INT, "[1, 2]"),
                (F_INT2_INT, "sum"),
            ],
            15650,
        );
        let bad3 = [
            (ARR_INT, "[1]"),
            (ARR_INT, "[1]"),
            (ARR_INT, "[]"),
            (F_INT3_INT, "sum"),
        ];
        err("a.zipmap", &bad3, 15650);
        let twoi = [
            (ARR_INT, "[1, 2]"),
            (ARR_INT, "[10, 20]"),
            (F_INT3_INT, "sum"),
        ];
        ok("a.zipmapWithIndex", &twoi, "[11, 23]");
        let fouri = [
            (ARR_INT, "[1]"),
            (ARR_INT, "[2]"),
            (ARR_INT, "[3]"),
            (ARR_INT, "[4]"),
            (F_INT5_INT, "sum"),
        ];
        ok("a.zipmapWithIndex", &fouri, "[10]");
        err(
            "a.zipmapWithIndex",
            &[(ARR_INT, "[1]"), (ARR_INT, "[]"), (F_INT3_INT, "sum")],
            15660,
        );
    }

    #[test]
    fn reduce_and_fold() {
        let r = |a: &'static str| [(ARR_INT, a), (F_INT2_INT, "shift")];
        ok("a.reduce", &r("[1, 2, 3]"), "123");
        ok("a.reduceRight", &r("[1, 2, 3]"), "33");
        ok("a.reduce", &r("[7]"), "7");
        err("a.reduce", &r("[]"), 15670);
        err("a.reduceRight", &r("[]"), 15680);
        let f = |a: &'static str| [(ARR_INT, a), (INT, "9"), (F_INT2_INT, "shift")];
        ok("a.fold", &f("[1, 2]"), "912");
        ok("a.foldRight", &f("[1, 2]"), "39");
        ok("a.fold", &f("[]"), "9");
    }

    #[test]
    fn predicates() {
        let p = |a: &'static str| [(ARR_INT, a), (F_INT_BOOL, "positive")];
        ok("a.takeWhile", &p("[1, 2, -1, 3]"), "[1, 2]");
        ok("a.dropWhile", &p("[1, 2, -1, 3]"), "[-1, 3]");
        ok("a.takeWhile", &p("[1, 2]"), "[1, 2]");
        ok("a.dropWhile", &p("[1, 2]"), "[]");
        ok("a.any", &p("[-1, 3]"), "true");
        ok("a.any", &p("[]"), "false");
        ok("a.all", &p("[-1, 3]"), "false");
        ok("a.all", &p("[]"), "true");
        let c =
            |x: &'static str, y: &'static str| [(ARR_INT, x), (ARR_INT, y), (F_INT2_BOOL, "lt")];
        ok("a.corresponds", &c("[1, 2]", "[2, 3]"), "true");
        ok("a.corresponds", &c("[1, 2]", "[2, 2]"), "false");
        ok("a.corresponds", &c("[1, 2]", "[2]"), "false");
        ok("a.corresponds", &c("[]", "[]"), "true");
        let ci = [
            (ARR_INT, "[1, 2]"),
            (ARR_INT, "[2, 3]"),
            (F_INT3_BOOL, "lt"),
        ];
        // The canned "lt" sees three arguments and answers false.
        ok("a.correspondsWithIndex", &ci, "false");
        let ci = [(ARR_INT, "[1]"), (ARR_INT, "[2, 3]"), (F_INT3_BOOL, "lt")];
        ok("a.correspondsWithIndex", &ci, "false");
        let ci = [(ARR_INT, "[]"), (ARR_INT, "[]"), (F_INT3_BOOL, "lt")];
        ok("a.correspondsWithIndex", &ci, "true");
    }

    #[test]
    fn builders() {
        let w = |size: &'static str, step: &'static str| {
            [(ARR_INT, "[1, 2, 3, 4, 5]"), (INT, size), (INT, step)]
        };
        ok(
            "a.slidingWindow",
            &w("2", "1"),
            "[[1, 2], [2, 3], [3, 4], [4, 5]]",
        );
        ok("a.slidingWindow", &w("2", "2"), "[[1, 2], [3, 4]]");
        ok("a.slidingWindow", &w("5", "3"), "[[1, 2, 3, 4, 5]]");
        ok("a.slidingWindow", &w("6", "1"), "[]");
        err("a.slidingWindow", &w("0", "1"), 15770);
        err("a.slidingWindow", &w("0", "0"), 15770);
        err("a.slidingWindow", &w("1", "0"), 15771);
        let c = |a: &'static str, k: &'static str| [(ARR_INT, a), (INT, k)];
        ok(
            "a.combinations",
            &c("[1, 2, 3]", "2"),
            "[[1, 2], [1, 3], [2, 3]]",
        );
        ok("a.combinations", &c("[1, 2, 3]", "3"), "[[1, 2, 3]]");
        ok("a.combinations", &c("[1, 2, 3]", "4"), "[]");
        ok("a.combinations", &c("[]", "1"), "[]");
        err("a.combinations", &c("[1]", "0"), 15780);
        let e = call("a.combinations", &c("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]", "20"));
        assert_eq!(e.unwrap_err().code(), Some(0));
        ok("a.permutations", &[(ARR_INT, "[]")], "[[]]");
        ok(
            "a.permutations",
            &[(ARR_INT, "[1, 2, 3]")],
            "[[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]]",
        );
        let many = call(
            "a.permutations",
            &[(ARR_INT, "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]")],
        );
        assert_eq!(many.unwrap_err().code(), Some(0));
        ok(
            "a.flatten",
            &[(ARR_ARR_INT, "[[1], [], [2, 3]]")],
            "[1, 2, 3]",
        );
        ok("a.flatten", &[(ARR_ARR_INT, "[]")], "[]");
        ok(
            "a.groupby",
            &[(ARR_INT, "[1, 2, 3, 4]"), (F_INT_STR, "parity")],
            r#"{"odd": [1, 3], "even": [2, 4]}"#,
        );
        ok("a.groupby", &[(ARR_INT, "[]"), (F_INT_STR, "parity")], "{}");
    }
}
