//! §17.7 Sets: arrays treated as sets of items (`==` equality, NaN equal to NaN).
//!
//! The results "represent" sets "ignoring order and duplicates" and keep the order of the
//! original arrays, `a`'s items before `b`'s. `a.distinct` and `a.union` list each item
//! once; `a.intersection`, `a.diff` and `a.symdiff` keep every qualifying item of the
//! inputs, duplicates included, and the intersection lists the common items of `a`, then
//! those of `b`. That is what both reference engines (titus2 and Hadrian) return; as
//! sets the results are the same either way, and matching them keeps outputs
//! interchangeable.

use std::collections::HashSet;

use super::{arr, array, Key};
use crate::library::args::Ret;
use crate::library::{Host, Registry};
use crate::value::Value;

pub(super) fn register(r: &mut Registry) {
    let two = "(a: array<any A>, b: array<A>) -> array<A>";
    let test = "(a: array<any A>, b: array<A>) -> boolean";
    r.def("a.distinct")
        .sig("(a: array<any A>) -> array<A>")
        .native(distinct);
    r.def("a.seteq").sig(test).native(seteq);
    r.def("a.union").sig(two).native(union);
    r.def("a.intersection").sig(two).native(intersection);
    r.def("a.diff").sig(two).native(diff);
    r.def("a.symdiff").sig(two).native(symdiff);
    r.def("a.subset")
        .sig("(little: array<any A>, big: array<A>) -> boolean")
        .native(subset);
    r.def("a.disjoint").sig(test).native(disjoint);
}

fn set(xs: &[Value]) -> HashSet<Key<'_>> {
    xs.iter().map(Key).collect()
}

/// Appends to `out` the items of `xs` that pass `keep` and are not yet in `seen`.
fn push_new<'a>(
    out: &mut Vec<Value>,
    seen: &mut HashSet<Key<'a>>,
    xs: &'a [Value],
    keep: impl Fn(&Value) -> bool,
) {
    for x in xs {
        if keep(x) && seen.insert(Key(x)) {
            out.push(x.clone());
        }
    }
}

fn distinct(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let mut out = Vec::new();
    push_new(&mut out, &mut HashSet::new(), xs, |_| true);
    array(out)
}

fn seteq(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Boolean(set(arr(a, 0)?) == set(arr(a, 1)?)))
}

fn union(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (arr(a, 0)?, arr(a, 1)?);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    push_new(&mut out, &mut seen, x, |_| true);
    push_new(&mut out, &mut seen, y, |_| true);
    array(out)
}

/// Appends the items of `xs` that pass `keep`, duplicates included.
fn push_all(out: &mut Vec<Value>, xs: &[Value], keep: impl Fn(&Value) -> bool) {
    out.extend(xs.iter().filter(|x| keep(x)).cloned());
}

fn intersection(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (arr(a, 0)?, arr(a, 1)?);
    let (sx, sy) = (set(x), set(y));
    let mut out = Vec::new();
    push_all(&mut out, x, |v| sy.contains(&Key(v)));
    push_all(&mut out, y, |v| sx.contains(&Key(v)));
    array(out)
}

fn diff(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (arr(a, 0)?, arr(a, 1)?);
    let sy = set(y);
    let mut out = Vec::new();
    push_all(&mut out, x, |v| !sy.contains(&Key(v)));
    array(out)
}

fn symdiff(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (arr(a, 0)?, arr(a, 1)?);
    let (sx, sy) = (set(x), set(y));
    let mut out = Vec::new();
    push_all(&mut out, x, |v| !sy.contains(&Key(v)));
    push_all(&mut out, y, |v| !sx.contains(&Key(v)));
    array(out)
}

fn subset(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (little, big) = (arr(a, 0)?, arr(a, 1)?);
    let big = set(big);
    Ok(Value::Boolean(little.iter().all(|v| big.contains(&Key(v)))))
}

fn disjoint(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (arr(a, 0)?, arr(a, 1)?);
    let other = set(y);
    Ok(Value::Boolean(!x.iter().any(|v| other.contains(&Key(v)))))
}

#[cfg(test)]
mod tests {
    use crate::library::array::testkit::{ok, ARR_INT, ARR_OPT_DOUBLE};

    #[test]
    fn sets() {
        let ab = |x: &'static str, y: &'static str| [(ARR_INT, x), (ARR_INT, y)];
        ok("a.distinct", &[(ARR_INT, "[3, 1, 3, 2, 1]")], "[3, 1, 2]");
        ok("a.distinct", &[(ARR_INT, "[]")], "[]");
        let nans = r#"[{"double": "nan"}, null, {"double": "nan"}, null]"#;
        ok(
            "a.distinct",
            &[(ARR_OPT_DOUBLE, nans)],
            r#"[{"double": "nan"}, null]"#,
        );
        ok("a.seteq", &ab("[1, 2, 2]", "[2, 1]"), "true");
        ok("a.seteq", &ab("[1, 2]", "[1]"), "false");
        ok("a.seteq", &ab("[]", "[]"), "true");
        ok("a.union", &ab("[3, 1, 3]", "[2, 1, 4]"), "[3, 1, 2, 4]");
        ok(
            "a.intersection",
            &ab("[3, 1, 3, 2]", "[2, 3]"),
            "[3, 3, 2, 2, 3]",
        );
        ok("a.intersection", &ab("[0]", "[0]"), "[0, 0]");
        ok("a.intersection", &ab("[0]", "[]"), "[]");
        ok("a.diff", &ab("[3, 1, 3, 2]", "[2]"), "[3, 1, 3]");
        ok("a.diff", &ab("[0]", "[0]"), "[]");
        ok(
            "a.symdiff",
            &ab("[3, 1, 3, 2]", "[2, 5, 5]"),
            "[3, 1, 3, 5, 5]",
        );
        ok("a.symdiff", &ab("[1, -1]", "[1, -1]"), "[]");
        ok("a.subset", &ab("[1, 1]", "[2, 1]"), "true");
        ok("a.subset", &ab("[]", "[]"), "true");
        ok("a.subset", &ab("[1, 3]", "[2, 1]"), "false");
        ok("a.disjoint", &ab("[1, 3]", "[2, 4]"), "true");
        ok("a.disjoint", &ab("[1, 3]", "[2, 3]"), "false");
        ok("a.disjoint", &ab("[]", "[]"), "true");
    }
}
