//! §17.2 Search: `a.contains`, `a.count`, `a.index`, `a.rindex`, `a.startswith`,
//! `a.endswith`.
//!
//! Each takes as needle a subsequence (signature 0), a single item (signature 1) or,
//! except the last two, a predicate (signature 2). Items are equal as `==` defines it
//! (structural, NaN equal to NaN). Subsequence search follows Python's `str` methods:
//! the empty needle is found at index 0 (`a.index`) and at the end (`a.rindex`). `a.count`
//! counts every position where the needle appears, so occurrences may overlap (`[1, 1]`
//! appears 4 times in `[1, 1, 1, 1, 1]`, as titus2 counts), and the empty needle
//! appears 0 times, as the spec says.

use super::{arr, by_sig, call_bool, internal};
use crate::library::args::{self, Ret};
use crate::library::{Host, NativeFn, Registry, SpecializeFn};
use crate::value::cmp::eq_values;
use crate::value::Value;

pub(super) fn register(r: &mut Registry) {
    three(r, "a.contains", "boolean", |s| by_sig(s, &CONTAINS));
    three(r, "a.count", "int", |s| by_sig(s, &COUNT));
    three(r, "a.index", "int", |s| by_sig(s, &INDEX));
    three(r, "a.rindex", "int", |s| by_sig(s, &RINDEX));
    r.def("a.startswith")
        .sig("(haystack: array<any A>, needle: array<A>) -> boolean")
        .sig("(haystack: array<any A>, needle: A) -> boolean")
        .specialize(|s| by_sig(s, &[starts_seq, starts_item]));
    r.def("a.endswith")
        .sig("(haystack: array<any A>, needle: array<A>) -> boolean")
        .sig("(haystack: array<any A>, needle: A) -> boolean")
        .specialize(|s| by_sig(s, &[ends_seq, ends_item]));
}

/// Declares a search with a subsequence, an item or a predicate as needle.
fn three(r: &mut Registry, name: &'static str, ret: &str, spec: SpecializeFn) {
    r.def(name)
        .sig(&format!(
            "(haystack: array<any A>, needle: array<A>) -> {ret}"
        ))
        .sig(&format!("(haystack: array<any A>, needle: A) -> {ret}"))
        .sig(&format!(
            "(haystack: array<any A>, needle: fcn(A) -> boolean) -> {ret}"
        ))
        .specialize(spec);
}

const CONTAINS: [NativeFn; 3] = [contains_seq, contains_item, contains_fcn];
const COUNT: [NativeFn; 3] = [count_seq, count_item, count_fcn];
const INDEX: [NativeFn; 3] = [index_seq, index_item, index_fcn];
const RINDEX: [NativeFn; 3] = [rindex_seq, rindex_item, rindex_fcn];

/// Whether `needle` occurs in `hay` at `at`.
#[inline]
fn occurs_at(hay: &[Value], needle: &[Value], at: usize) -> bool {
    hay.get(at..at + needle.len())
        .is_some_and(|w| w.iter().zip(needle).all(|(x, y)| eq_values(x, y)))
}

/// Lowest start of `needle` in `hay`.
fn find_seq(hay: &[Value], needle: &[Value]) -> Option<usize> {
    let last = hay.len().checked_sub(needle.len())?;
    (0..=last).find(|&i| occurs_at(hay, needle, i))
}

/// Highest start of `needle` in `hay`.
fn rfind_seq(hay: &[Value], needle: &[Value]) -> Option<usize> {
    let last = hay.len().checked_sub(needle.len())?;
    (0..=last).rev().find(|&i| occurs_at(hay, needle, i))
}

/// Positions where a non-empty `needle` occurs in `hay`.
fn count_seq_in(hay: &[Value], needle: &[Value]) -> usize {
    if needle.is_empty() {
        return 0;
    }
    match hay.len().checked_sub(needle.len()) {
        Some(last) => (0..=last).filter(|&i| occurs_at(hay, needle, i)).count(),
        None => 0,
    }
}

fn position(found: Option<usize>) -> Ret {
    Ok(Value::Int(match found {
        Some(i) => i32::try_from(i).map_err(|_| internal("index beyond int"))?,
        None => -1,
    }))
}

fn count_value(n: usize) -> Ret {
    Ok(Value::Int(
        i32::try_from(n).map_err(|_| internal("count beyond int"))?,
    ))
}

fn contains_seq(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Boolean(find_seq(arr(a, 0)?, arr(a, 1)?).is_some()))
}

fn contains_item(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::any(a, 1)?;
    Ok(Value::Boolean(arr(a, 0)?.iter().any(|y| eq_values(x, y))))
}

fn contains_fcn(h: &mut dyn Host, a: &[Value]) -> Ret {
    for x in arr(a, 0)?.iter() {
        if call_bool(h, 1, std::slice::from_ref(x))? {
            return Ok(Value::Boolean(true));
        }
    }
    Ok(Value::Boolean(false))
}

fn count_seq(_: &mut dyn Host, a: &[Value]) -> Ret {
    count_value(count_seq_in(arr(a, 0)?, arr(a, 1)?))
}

fn count_item(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::any(a, 1)?;
    count_value(arr(a, 0)?.iter().filter(|y| eq_values(x, y)).count())
}

fn count_fcn(h: &mut dyn Host, a: &[Value]) -> Ret {
    let mut n = 0;
    for x in arr(a, 0)?.iter() {
        if call_bool(h, 1, std::slice::from_ref(x))? {
            n += 1;
        }
    }
    count_value(n)
}

fn index_seq(_: &mut dyn Host, a: &[Value]) -> Ret {
    position(find_seq(arr(a, 0)?, arr(a, 1)?))
}

fn index_item(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::any(a, 1)?;
    position(arr(a, 0)?.iter().position(|y| eq_values(x, y)))
}

fn index_fcn(h: &mut dyn Host, a: &[Value]) -> Ret {
    for (i, x) in arr(a, 0)?.iter().enumerate() {
        if call_bool(h, 1, std::slice::from_ref(x))? {
            return position(Some(i));
        }
    }
    position(None)
}

fn rindex_seq(_: &mut dyn Host, a: &[Value]) -> Ret {
    position(rfind_seq(arr(a, 0)?, arr(a, 1)?))
}

fn rindex_item(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::any(a, 1)?;
    position(arr(a, 0)?.iter().rposition(|y| eq_values(x, y)))
}

fn rindex_fcn(h: &mut dyn Host, a: &[Value]) -> Ret {
    for (i, x) in arr(a, 0)?.iter().enumerate().rev() {
        if call_bool(h, 1, std::slice::from_ref(x))? {
            return position(Some(i));
        }
    }
    position(None)
}

fn starts_seq(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Boolean(occurs_at(arr(a, 0)?, arr(a, 1)?, 0)))
}

fn starts_item(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::any(a, 1)?;
    Ok(Value::Boolean(
        arr(a, 0)?.first().is_some_and(|y| eq_values(x, y)),
    ))
}

fn ends_seq(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (hay, needle) = (arr(a, 0)?, arr(a, 1)?);
    Ok(Value::Boolean(match hay.len().checked_sub(needle.len()) {
        Some(at) => occurs_at(hay, needle, at),
        None => false,
    }))
}

fn ends_item(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::any(a, 1)?;
    Ok(Value::Boolean(
        arr(a, 0)?.last().is_some_and(|y| eq_values(x, y)),
    ))
}

#[cfg(test)]
mod tests {
    use crate::library::array::testkit::{
        ok, ARR_ARR_INT, ARR_INT, ARR_OPT_DOUBLE, ARR_STRING, F_INT_BOOL, INT, OPT_DOUBLE, STRING,
    };

    const HAY: &str = "[1, 2, 1, 2, 1, 3]";

    #[test]
    fn subsequence_needle() {
        let s = |needle: &'static str| [(ARR_INT, HAY), (ARR_INT, needle)];
        ok("a.contains", &s("[2, 1, 3]"), "true");
        ok("a.contains", &s("[3, 1]"), "false");
        ok("a.contains", &s("[]"), "true");
        ok("a.count", &s("[1, 2]"), "2");
        // Overlapping occurrences count.
        ok("a.count", &s("[1, 2, 1]"), "2");
        ok(
            "a.count",
            &[(ARR_INT, "[1, 1, 1, 1, 1]"), (ARR_INT, "[1, 1]")],
            "4",
        );
        ok("a.count", &s("[]"), "0");
        ok("a.index", &s("[2, 1]"), "1");
        ok("a.index", &s("[]"), "0");
        ok("a.index", &s("[4]"), "-1");
        ok("a.rindex", &s("[2, 1]"), "3");
        ok("a.rindex", &s("[]"), "6");
        ok("a.rindex", &s("[1, 2, 1, 2, 1, 3, 0]"), "-1");
        ok("a.startswith", &s("[1, 2, 1]"), "true");
        ok("a.startswith", &s("[2]"), "false");
        ok("a.startswith", &s("[]"), "true");
        ok("a.endswith", &s("[1, 3]"), "true");
        ok("a.endswith", &s("[1]"), "false");
        ok("a.endswith", &s("[0, 1, 2, 1, 2, 1, 3]"), "false");
        let e = |needle: &'static str| [(ARR_INT, "[]"), (ARR_INT, needle)];
        ok("a.rindex", &e("[]"), "0");
        ok("a.endswith", &e("[]"), "true");
        ok("a.contains", &e("[1]"), "false");
    }

    #[test]
    fn item_needle() {
        let i = |needle: &'static str| [(ARR_INT, HAY), (INT, needle)];
        ok("a.contains", &i("3"), "true");
        ok("a.contains", &i("4"), "false");
        ok("a.count", &i("1"), "3");
        ok("a.index", &i("2"), "1");
        ok("a.rindex", &i("2"), "3");
        ok("a.index", &i("4"), "-1");
        ok("a.startswith", &i("1"), "true");
        ok("a.endswith", &i("3"), "true");
        ok("a.endswith", &[(ARR_INT, "[]"), (INT, "3")], "false");
        ok(
            "a.startswith",
            &[(ARR_STRING, r#"["a"]"#), (STRING, r#""a""#)],
            "true",
        );
        // An array needle on an array of arrays matches the subsequence signature first
        // (A widens to union<array<int>, int>), as in the spec's signature matching: the
        // needle's ints are not items of the haystack.
        let nested = |needle: &'static str| [(ARR_ARR_INT, "[[1], [2, 3]]"), (ARR_INT, needle)];
        ok("a.index", &nested("[2, 3]"), "-1");
        ok("a.rindex", &nested("[]"), "2");
        // NaN equals NaN.
        let nan = [
            (ARR_OPT_DOUBLE, r#"[null, {"double": "nan"}]"#),
            (OPT_DOUBLE, r#"{"double": "nan"}"#),
        ];
        ok("a.contains", &nan, "true");
        ok("a.index", &nan, "1");
    }

    #[test]
    fn predicate_needle() {
        let p = |hay: &'static str| [(ARR_INT, hay), (F_INT_BOOL, "even")];
        ok("a.contains", &p(HAY), "true");
        ok("a.contains", &p("[1, 3]"), "false");
        ok("a.count", &p(HAY), "2");
        ok("a.index", &p(HAY), "1");
        ok("a.rindex", &p(HAY), "3");
        ok("a.rindex", &p("[1]"), "-1");
        ok("a.index", &p("[]"), "-1");
    }
}
