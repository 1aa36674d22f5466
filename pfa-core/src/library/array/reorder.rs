//! §17.4 Reordering: `a.sort`, `a.sortLT`, `a.shuffle`, `a.reverse`.
//!
//! Both sorts are stable: items that neither order puts first keep their relative
//! positions.

use super::{arr, array, item_type, less, merge_sort, sorted_refs};
use crate::library::args::Ret;
use crate::library::{Host, Registry};
use crate::value::Value;

pub(super) fn register(r: &mut Registry) {
    r.def("a.sort")
        .sig("(a: array<any A>) -> array<A>")
        .native(sort);
    r.def("a.sortLT")
        .sig("(a: array<any A>, lessThan: fcn(A, A) -> boolean) -> array<A>")
        .native(sort_lt);
    r.def("a.shuffle")
        .sig("(a: array<any A>) -> array<A>")
        .impure()
        .native(shuffle);
    r.def("a.reverse")
        .sig("(a: array<any A>) -> array<A>")
        .native(reverse);
}

/// Ascending in the Avro order of the item type.
fn sort(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let sorted = sorted_refs(xs, item_type(h, 0), h);
    array(sorted.into_iter().cloned().collect())
}

/// Ascending by the document's `lessThan`, through a merge sort that tolerates an
/// inconsistent order.
fn sort_lt(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let refs: Vec<&Value> = xs.iter().collect();
    let sorted = merge_sort(refs, |x, y| less(h, 1, x, y))?;
    array(sorted.into_iter().cloned().collect())
}

/// Fisher-Yates with the engine's generator.
fn shuffle(h: &mut dyn Host, a: &[Value]) -> Ret {
    let mut out = arr(a, 0)?.to_vec();
    let rng = h.rng();
    for i in (1..out.len()).rev() {
        // Multiply-shift maps 64 random bits onto 0..=i without a modulo.
        let j = ((rng.next_u64() as u128 * (i as u128 + 1)) >> 64) as usize;
        out.swap(i, j);
    }
    array(out)
}

fn reverse(_: &mut dyn Host, a: &[Value]) -> Ret {
    array(arr(a, 0)?.iter().rev().cloned().collect())
}

#[cfg(test)]
mod tests {
    use crate::library::array::testkit::{
        call, ok, ARR_DOUBLE, ARR_INT, ARR_OPT_DOUBLE, ARR_REC, ARR_STRING, F_INT2_BOOL,
    };

    #[test]
    fn sort_by_avro_order() {
        let data = "[2, 2, -2, 17, -17, 5, -5, -100, 100, 100]";
        let want = "[-100, -17, -5, -2, 2, 2, 5, 17, 100, 100]";
        ok("a.sort", &[(ARR_INT, data)], want);
        ok("a.sort", &[(ARR_INT, "[]")], "[]");
        ok(
            "a.sort",
            &[(ARR_STRING, r#"["b","B","a",""]"#)],
            r#"["","B","a","b"]"#,
        );
        ok(
            "a.sort",
            &[(ARR_DOUBLE, r#"["nan",1,"-inf","inf",-0.5]"#)],
            r#"["-inf",-0.5,1,"inf","nan"]"#,
        );
        // Unions sort by branch first: null before double.
        ok(
            "a.sort",
            &[(ARR_OPT_DOUBLE, r#"[{"double":1},null,{"double":-1}]"#)],
            r#"[null,{"double":-1},{"double":1}]"#,
        );
        // Records field by field.
        let recs = r#"[{"x":1,"y":"b"},{"x":0,"y":"z"},{"x":1,"y":"a"}]"#;
        ok(
            "a.sort",
            &[(ARR_REC, recs)],
            r#"[{"x":0,"y":"z"},{"x":1,"y":"a"},{"x":1,"y":"b"}]"#,
        );
    }

    #[test]
    fn sort_lt_is_stable() {
        let data = "[3, -1, 2, 1, -3, 0, -2]";
        ok(
            "a.sortLT",
            &[(ARR_INT, data), (F_INT2_BOOL, "lt")],
            "[-3,-2,-1,0,1,2,3]",
        );
        ok(
            "a.sortLT",
            &[(ARR_INT, data), (F_INT2_BOOL, "gt")],
            "[3,2,1,0,-1,-2,-3]",
        );
        ok(
            "a.sortLT",
            &[(ARR_INT, data), (F_INT2_BOOL, "lt_abs")],
            "[0,-1,1,2,-2,3,-3]",
        );
        ok("a.sortLT", &[(ARR_INT, "[]"), (F_INT2_BOOL, "lt")], "[]");
        assert!(call("a.sortLT", &[(ARR_INT, data), (F_INT2_BOOL, "fail")]).is_err());
    }

    #[test]
    fn shuffle_and_reverse() {
        let got = call("a.shuffle", &[(ARR_INT, "[1,2,3,4,5,6,7,8]")]).unwrap();
        let mut items: Vec<i64> = got
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        items.sort();
        assert_eq!(items, [1, 2, 3, 4, 5, 6, 7, 8]);
        ok("a.shuffle", &[(ARR_INT, "[]")], "[]");
        ok("a.reverse", &[(ARR_INT, "[1,2,3]")], "[3,2,1]");
        ok("a.reverse", &[(ARR_INT, "[]")], "[]");
    }
}
