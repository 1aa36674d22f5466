//! §17.5 Extreme values: the product of {max, min} × {Avro order, `lessThan`} ×
//! {one, N} × {values, indexes}.
//!
//! Ties go to the lowest index: `a.argmax` gives the first maximal item, and the N
//! functions list tied items in ascending index order (the values in order from most
//! to least extreme). `n` larger than the array gives the whole array, reordered.

use std::cmp::Ordering;

use super::{arr, array, compare, internal, item_type, less, merge_sort, sorted_indexes};
use crate::error::PfaError;
use crate::library::args::{fail, int, ErrCode, Ret};
use crate::library::{Host, Registry};
use crate::value::Value;

/// One function of the family: its name, which end it seeks, and its errors (empty
/// array, then `n < 0` for the N variants).
struct Which {
    max: bool,
    empty: ErrCode,
    negative: ErrCode,
}

const EMPTY: &str = "empty array";
const NEG: &str = "n < 0";

pub(super) fn register(r: &mut Registry) {
    let one = "(a: array<any A>) -> A";
    let one_lt = "(a: array<any A>, lessThan: fcn(A, A) -> boolean) -> A";
    let n = "(a: array<any A>, n: int) -> array<A>";
    let n_lt = "(a: array<any A>, n: int, lessThan: fcn(A, A) -> boolean) -> array<A>";
    let arg = "(a: array<any A>) -> int";
    let arg_lt = "(a: array<any A>, lessThan: fcn(A, A) -> boolean) -> int";
    let arg_n = "(a: array<any A>, n: int) -> array<int>";
    let arg_n_lt = "(a: array<any A>, n: int, lessThan: fcn(A, A) -> boolean) -> array<int>";

    r.def("a.max")
        .sig(one)
        .errors(&[(15240, EMPTY)])
        .native(max);
    r.def("a.min")
        .sig(one)
        .errors(&[(15250, EMPTY)])
        .native(min);
    r.def("a.maxLT")
        .sig(one_lt)
        .errors(&[(15260, EMPTY)])
        .native(max_lt);
    r.def("a.minLT")
        .sig(one_lt)
        .errors(&[(15270, EMPTY)])
        .native(min_lt);
    r.def("a.maxN")
        .sig(n)
        .errors(&[(15280, EMPTY), (15281, NEG)])
        .native(max_n);
    r.def("a.minN")
        .sig(n)
        .errors(&[(15290, EMPTY), (15291, NEG)])
        .native(min_n);
    r.def("a.maxNLT")
        .sig(n_lt)
        .errors(&[(15300, EMPTY), (15301, NEG)])
        .native(max_n_lt);
    r.def("a.minNLT")
        .sig(n_lt)
        .errors(&[(15310, EMPTY), (15311, NEG)])
        .native(min_n_lt);
    r.def("a.argmax")
        .sig(arg)
        .errors(&[(15320, EMPTY)])
        .native(argmax);
    r.def("a.argmin")
        .sig(arg)
        .errors(&[(15330, EMPTY)])
        .native(argmin);
    r.def("a.argmaxLT")
        .sig(arg_lt)
        .errors(&[(15340, EMPTY)])
        .native(argmax_lt);
    r.def("a.argminLT")
        .sig(arg_lt)
        .errors(&[(15350, EMPTY)])
        .native(argmin_lt);
    r.def("a.argmaxN")
        .sig(arg_n)
        .errors(&[(15360, EMPTY), (15361, NEG)])
        .native(argmax_n);
    r.def("a.argminN")
        .sig(arg_n)
        .errors(&[(15370, EMPTY), (15371, NEG)])
        .native(argmin_n);
    r.def("a.argmaxNLT")
        .sig(arg_n_lt)
        .errors(&[(15380, EMPTY), (15381, NEG)])
        .native(argmax_n_lt);
    r.def("a.argminNLT")
        .sig(arg_n_lt)
        .errors(&[(15390, EMPTY), (15391, NEG)])
        .native(argmin_n_lt);
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
        return Err(fail(w.empty));
    }
    let n = usize::try_from(int(a, 1)?).map_err(|_| fail(w.negative))?;
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

fn indexes(idx: Vec<usize>) -> Ret {
    let mut out = Vec::with_capacity(idx.len());
    for i in idx {
        out.push(Value::Int(
            i32::try_from(i).map_err(|_| internal("index beyond int"))?,
        ));
    }
    array(out)
}

fn item(xs: &[Value], i: Option<usize>, empty: ErrCode) -> Ret {
    i.and_then(|i| xs.get(i).cloned())
        .ok_or_else(|| fail(empty))
}

fn index(i: Option<usize>, empty: ErrCode) -> Ret {
    let i = i.ok_or_else(|| fail(empty))?;
    Ok(Value::Int(
        i32::try_from(i).map_err(|_| internal("index beyond int"))?,
    ))
}

fn max(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    item(xs, best(h, xs, true), (15240, EMPTY))
}

fn min(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    item(xs, best(h, xs, false), (15250, EMPTY))
}

fn max_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    item(xs, best_lt(h, xs, true)?, (15260, EMPTY))
}

fn min_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    item(xs, best_lt(h, xs, false)?, (15270, EMPTY))
}

const MAX_N: Which = Which {
    max: true,
    empty: (15280, EMPTY),
    negative: (15281, NEG),
};
const MIN_N: Which = Which {
    max: false,
    empty: (15290, EMPTY),
    negative: (15291, NEG),
};
const MAX_N_LT: Which = Which {
    max: true,
    empty: (15300, EMPTY),
    negative: (15301, NEG),
};
const MIN_N_LT: Which = Which {
    max: false,
    empty: (15310, EMPTY),
    negative: (15311, NEG),
};
const ARGMAX_N: Which = Which {
    max: true,
    empty: (15360, EMPTY),
    negative: (15361, NEG),
};
const ARGMIN_N: Which = Which {
    max: false,
    empty: (15370, EMPTY),
    negative: (15371, NEG),
};
const ARGMAX_N_LT: Which = Which {
    max: true,
    empty: (15380, EMPTY),
    negative: (15381, NEG),
};
const ARGMIN_N_LT: Which = Which {
    max: false,
    empty: (15390, EMPTY),
    negative: (15391, NEG),
};

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
    index(best(h, arr(a, 0)?, true), (15320, EMPTY))
}

fn argmin(h: &mut dyn Host, a: &[Value]) -> Ret {
    index(best(h, arr(a, 0)?, false), (15330, EMPTY))
}

fn argmax_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    index(best_lt(h, arr(a, 0)?, true)?, (15340, EMPTY))
}

fn argmin_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    index(best_lt(h, arr(a, 0)?, false)?, (15350, EMPTY))
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
