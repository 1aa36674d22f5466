//! §17.5 Extreme values: the product of {max, min} × {Avro order, `lessThan`} ×
//! {one, N} × {values, indexes}.
//!
//! Ties go to the lowest index: `a.argmax` gives the first maximal item, and the N
//! functions list tied items in ascending index order (the values in order from most
//! to least extreme). `n` larger than the array gives the whole array, reordered. An
//! empty array is reported before a negative `n`.

use std::cmp::Ordering;

use super::{arr, array, compare, internal, item_type, less, merge_sort, sorted_indexes};
use crate::error::PfaError;
use crate::library::args::{fail, int, ErrCode, Ret};
use crate::library::{Host, NativeFn, Registry};
use crate::value::Value;

const EMPTY: &str = "empty array";
const NEG: &str = "n < 0";

/// A function of the family: the end it seeks and its errors (empty array, then
/// `n < 0` for the N variants).
struct Which {
    max: bool,
    errors: &'static [ErrCode],
}

impl Which {
    fn empty(&self) -> PfaError {
        self.errors
            .first()
            .map_or_else(|| internal("no error declared"), |&e| fail(e))
    }
    fn negative(&self) -> PfaError {
        self.errors
            .get(1)
            .map_or_else(|| internal("no error declared"), |&e| fail(e))
    }
}

macro_rules! which {
    ($($name:ident = $max:literal, [$($code:literal: $msg:ident),*];)*) => {
        $(const $name: Which = Which { max: $max, errors: &[$(($code, $msg)),*] };)*
    };
}

which! {
    MAX = true, [15240: EMPTY];
    MIN = false, [15250: EMPTY];
    MAX_LT = true, [15260: EMPTY];
    MIN_LT = false, [15270: EMPTY];
    MAX_N = true, [15280: EMPTY, 15281: NEG];
    MIN_N = false, [15290: EMPTY, 15291: NEG];
    MAX_N_LT = true, [15300: EMPTY, 15301: NEG];
    MIN_N_LT = false, [15310: EMPTY, 15311: NEG];
    ARGMAX = true, [15320: EMPTY];
    ARGMIN = false, [15330: EMPTY];
    ARGMAX_LT = true, [15340: EMPTY];
    ARGMIN_LT = false, [15350: EMPTY];
    ARGMAX_N = true, [15360: EMPTY, 15361: NEG];
    ARGMIN_N = false, [15370: EMPTY, 15371: NEG];
    ARGMAX_N_LT = true, [15380: EMPTY, 15381: NEG];
    ARGMIN_N_LT = false, [15390: EMPTY, 15391: NEG];
}

pub(super) fn register(r: &mut Registry) {
    let one = "(a: array<any A>) -> A";
    let one_lt = "(a: array<any A>, lessThan: fcn(A, A) -> boolean) -> A";
    let n = "(a: array<any A>, n: int) -> array<A>";
    let n_lt = "(a: array<any A>, n: int, lessThan: fcn(A, A) -> boolean) -> array<A>";
    let arg = "(a: array<any A>) -> int";
    let arg_lt = "(a: array<any A>, lessThan: fcn(A, A) -> boolean) -> int";
    let arg_n = "(a: array<any A>, n: int) -> array<int>";
    let arg_n_lt = "(a: array<any A>, n: int, lessThan: fcn(A, A) -> boolean) -> array<int>";
    let family: [(&'static str, &str, &Which, NativeFn); 16] = [
        ("a.max", one, &MAX, max),
        ("a.min", one, &MIN, min),
        ("a.maxLT", one_lt, &MAX_LT, max_lt),
        ("a.minLT", one_lt, &MIN_LT, min_lt),
        ("a.maxN", n, &MAX_N, max_n),
        ("a.minN", n, &MIN_N, min_n),
        ("a.maxNLT", n_lt, &MAX_N_LT, max_n_lt),
        ("a.minNLT", n_lt, &MIN_N_LT, min_n_lt),
        ("a.argmax", arg, &ARGMAX, argmax),
        ("a.argmin", arg, &ARGMIN, argmin),
        ("a.argmaxLT", arg_lt, &ARGMAX_LT, argmax_lt),
        ("a.argminLT", arg_lt, &ARGMIN_LT, argmin_lt),
        ("a.argmaxN", arg_n, &ARGMAX_N, argmax_n),
        ("a.argminN", arg_n, &ARGMIN_N, argmin_n),
        ("a.argmaxNLT", arg_n_lt, &ARGMAX_N_LT, argmax_n_lt),
        ("a.argminNLT", arg_n_lt, &ARGMIN_N_LT, argmin_n_lt),
    ];
    for (name, sig, w, f) in family {
        r.def(name).sig(sig).errors(w.errors).native(f);
    }
}

/// Index of the first most extreme item in the Avro order, `None` if empty.
fn best(h: &dyn Host, xs: &[Value], max: bool) -> Option<usize> {
    let ty = item_type(h, 0);
    let better = if max {
        Ordering::Greater
    } else {
        Ordering::Less
    };
    let mut it = xs.iter().enumerate();
    let (mut bi, mut bx) = it.next()?;
    for (i, x) in it {
        if compare(h, ty, x, bx) == better {
            (bi, bx) = (i, x);
        }
    }
    Some(bi)
}

/// Index of the first most extreme item by `lessThan` (argument 1), `None` if empty.
fn best_lt(h: &mut dyn Host, xs: &[Value], max: bool) -> Result<Option<usize>, PfaError> {
    let mut it = xs.iter().enumerate();
    let Some((mut bi, mut bx)) = it.next() else {
        return Ok(None);
    };
    for (i, x) in it {
        let better = if max {
            less(h, 1, bx, x)?
        } else {
            less(h, 1, x, bx)?
        };
        if better {
            (bi, bx) = (i, x);
        }
    }
    Ok(Some(bi))
}

/// Checks the arguments of the N variants: a non-empty array and `n >= 0`.
fn n_arg(xs: &[Value], a: &[Value], w: &Which) -> Result<usize, PfaError> {
    if xs.is_empty() {
        return Err(w.empty());
    }
    let n = usize::try_from(int(a, 1)?).map_err(|_| w.negative())?;
    Ok(n.min(xs.len()))
}

/// Indexes of the `n` most extreme items in the Avro order.
fn best_n(h: &dyn Host, xs: &[Value], a: &[Value], w: &Which) -> Result<Vec<usize>, PfaError> {
    let n = n_arg(xs, a, w)?;
    let mut idx = sorted_indexes(xs, item_type(h, 0), h, w.max);
    idx.truncate(n);
    Ok(idx)
}

/// Indexes of the `n` most extreme items by `lessThan` (argument 2).
fn best_n_lt(
    h: &mut dyn Host,
    xs: &[Value],
    a: &[Value],
    w: &Which,
) -> Result<Vec<usize>, PfaError> {
    let n = n_arg(xs, a, w)?;
    let idx: Vec<usize> = (0..xs.len()).collect();
    // Item `i` goes before item `j` if it is strictly more extreme.
    let mut idx = merge_sort(idx, |&i, &j| {
        if w.max {
            less(h, 2, &xs[j], &xs[i])
        } else {
            less(h, 2, &xs[i], &xs[j])
        }
    })?;
    idx.truncate(n);
    Ok(idx)
}

fn values(xs: &[Value], idx: Vec<usize>) -> Ret {
    array(idx.into_iter().filter_map(|i| xs.get(i).cloned()).collect())
}

fn int_index(i: usize) -> Ret {
    i32::try_from(i)
        .map(Value::Int)
        .map_err(|_| internal("index beyond int"))
}

fn indexes(idx: Vec<usize>) -> Ret {
    array(idx.into_iter().map(int_index).collect::<Result<_, _>>()?)
}

fn item(xs: &[Value], i: Option<usize>, w: &Which) -> Ret {
    i.and_then(|i| xs.get(i).cloned()).ok_or_else(|| w.empty())
}

fn index(i: Option<usize>, w: &Which) -> Ret {
    int_index(i.ok_or_else(|| w.empty())?)
}

fn max(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    item(xs, best(h, xs, MAX.max), &MAX)
}

fn min(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    item(xs, best(h, xs, MIN.max), &MIN)
}

fn max_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    item(xs, best_lt(h, xs, MAX_LT.max)?, &MAX_LT)
}

fn min_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    item(xs, best_lt(h, xs, MIN_LT.max)?, &MIN_LT)
}

fn max_n(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    values(xs, best_n(h, xs, a, &MAX_N)?)
}

fn min_n(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    values(xs, best_n(h, xs, a, &MIN_N)?)
}

fn max_n_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    values(xs, best_n_lt(h, xs, a, &MAX_N_LT)?)
}

fn min_n_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    values(xs, best_n_lt(h, xs, a, &MIN_N_LT)?)
}

fn argmax(h: &mut dyn Host, a: &[Value]) -> Ret {
    index(best(h, arr(a, 0)?, ARGMAX.max), &ARGMAX)
}

fn argmin(h: &mut dyn Host, a: &[Value]) -> Ret {
    index(best(h, arr(a, 0)?, ARGMIN.max), &ARGMIN)
}

fn argmax_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    index(best_lt(h, arr(a, 0)?, ARGMAX_LT.max)?, &ARGMAX_LT)
}

fn argmin_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    index(best_lt(h, arr(a, 0)?, ARGMIN_LT.max)?, &ARGMIN_LT)
}

fn argmax_n(h: &mut dyn Host, a: &[Value]) -> Ret {
    indexes(best_n(h, arr(a, 0)?, a, &ARGMAX_N)?)
}

fn argmin_n(h: &mut dyn Host, a: &[Value]) -> Ret {
    indexes(best_n(h, arr(a, 0)?, a, &ARGMIN_N)?)
}

fn argmax_n_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    indexes(best_n_lt(h, arr(a, 0)?, a, &ARGMAX_N_LT)?)
}

fn argmin_n_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    indexes(best_n_lt(h, arr(a, 0)?, a, &ARGMIN_N_LT)?)
}

#[cfg(test)]
mod tests {
    use crate::library::array::testkit::{
        err, ok, ARR_DOUBLE, ARR_INT, ARR_OPT_DOUBLE, F_INT2_BOOL, INT,
    };

    const DATA: &str = "[2, 2, -2, 17, -17, 5, -5, -100, 100, 100]";

    #[test]
    fn one_extreme() {
        ok("a.max", &[(ARR_INT, DATA)], "100");
        ok("a.min", &[(ARR_INT, DATA)], "-100");
        ok("a.max", &[(ARR_DOUBLE, r#"[1, "nan", "inf"]"#)], r#""nan""#);
        ok(
            "a.max",
            &[(ARR_OPT_DOUBLE, r#"[{"double":1}, null]"#)],
            r#"{"double":1}"#,
        );
        ok(
            "a.min",
            &[(ARR_OPT_DOUBLE, r#"[{"double":1}, null]"#)],
            "null",
        );
        ok("a.argmax", &[(ARR_INT, DATA)], "8");
        ok("a.argmin", &[(ARR_INT, DATA)], "7");
        ok("a.argmax", &[(ARR_INT, "[3, 1, 3]")], "0");
        ok("a.argmin", &[(ARR_INT, "[1, 3, 1]")], "0");
        for (f, code) in [
            ("a.max", 15240),
            ("a.min", 15250),
            ("a.argmax", 15320),
            ("a.argmin", 15330),
        ] {
            err(f, &[(ARR_INT, "[]")], code);
        }
    }

    #[test]
    fn one_extreme_lt() {
        let lt = |a: &'static str, f: &'static str| [(ARR_INT, a), (F_INT2_BOOL, f)];
        ok("a.maxLT", &lt(DATA, "lt"), "100");
        ok("a.minLT", &lt(DATA, "lt"), "-100");
        ok("a.maxLT", &lt(DATA, "gt"), "-100");
        ok("a.argmaxLT", &lt(DATA, "lt"), "8");
        ok("a.argminLT", &lt(DATA, "lt"), "7");
        // By absolute value: 17 and -17 tie, 100 and -100 tie; the first wins.
        ok("a.argmaxLT", &lt("[17, -100, 100]", "lt_abs"), "1");
        ok("a.argminLT", &lt("[-1, 1, 5]", "lt_abs"), "0");
        for (f, code) in [
            ("a.maxLT", 15260),
            ("a.minLT", 15270),
            ("a.argmaxLT", 15340),
            ("a.argminLT", 15350),
        ] {
            err(f, &lt("[]", "lt"), code);
        }
    }

    #[test]
    fn n_extremes() {
        let n = |k: &'static str| [(ARR_INT, DATA), (INT, k)];
        ok("a.maxN", &n("3"), "[100, 100, 17]");
        ok("a.minN", &n("3"), "[-100, -17, -5]");
        ok("a.maxN", &n("0"), "[]");
        ok(
            "a.minN",
            &n("100"),
            "[-100, -17, -5, -2, 2, 2, 5, 17, 100, 100]",
        );
        ok("a.argmaxN", &n("3"), "[8, 9, 3]");
        ok("a.argminN", &n("4"), "[7, 4, 6, 2]");
        ok("a.argmaxN", &[(ARR_INT, "[1, 1, 1]"), (INT, "2")], "[0, 1]");
        ok("a.argminN", &[(ARR_INT, "[1, 1, 1]"), (INT, "2")], "[0, 1]");
        let empty = |k: &'static str| [(ARR_INT, "[]"), (INT, k)];
        for (f, e, neg) in [
            ("a.maxN", 15280, 15281),
            ("a.minN", 15290, 15291),
            ("a.argmaxN", 15360, 15361),
            ("a.argminN", 15370, 15371),
        ] {
            err(f, &empty("2"), e);
            err(f, &empty("-1"), e);
            err(f, &n("-1"), neg);
        }
    }

    #[test]
    fn n_extremes_lt() {
        let n = |k: &'static str, f: &'static str| [(ARR_INT, DATA), (INT, k), (F_INT2_BOOL, f)];
        ok("a.maxNLT", &n("3", "lt"), "[100, 100, 17]");
        ok("a.minNLT", &n("3", "lt"), "[-100, -17, -5]");
        ok("a.maxNLT", &n("2", "gt"), "[-100, -17]");
        ok("a.argmaxNLT", &n("3", "lt"), "[8, 9, 3]");
        ok("a.argminNLT", &n("4", "lt"), "[7, 4, 6, 2]");
        // Ties by absolute value keep ascending index order.
        ok("a.argmaxNLT", &n("4", "lt_abs"), "[7, 8, 9, 3]");
        ok("a.argminNLT", &n("3", "lt_abs"), "[0, 1, 2]");
        let empty = |k: &'static str| [(ARR_INT, "[]"), (INT, k), (F_INT2_BOOL, "lt")];
        for (f, e, neg) in [
            ("a.maxNLT", 15300, 15301),
            ("a.minNLT", 15310, 15311),
            ("a.argmaxNLT", 15380, 15381),
            ("a.argminNLT", 15390, 15391),
        ] {
            err(f, &empty("2"), e);
            err(f, &n("-1", "lt"), neg);
        }
    }
}
