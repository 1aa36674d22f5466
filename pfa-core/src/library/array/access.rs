//! §17.1 Basic access: length, Python-style slices, head/tail/last/init.

use super::{arr, array, slice_bounds};
use crate::library::args::{fail, int, ErrCode, Ret};
use crate::library::{Host, Registry};
use crate::value::Value;

const HEAD_EMPTY: ErrCode = (15020, "empty array");
const TAIL_EMPTY: ErrCode = (15030, "empty array");
const LAST_EMPTY: ErrCode = (15040, "empty array");
const INIT_EMPTY: ErrCode = (15050, "empty array");

pub(super) fn register(r: &mut Registry) {
    r.def("a.len").sig("(a: array<any A>) -> int").native(len);
    r.def("a.subseq")
        .sig("(a: array<any A>, start: int, end: int) -> array<A>")
        .native(subseq);
    r.def("a.head")
        .sig("(a: array<any A>) -> A")
        .errors(&[HEAD_EMPTY])
        .native(head);
    r.def("a.tail")
        .sig("(a: array<any A>) -> array<A>")
        .errors(&[TAIL_EMPTY])
        .native(tail);
    r.def("a.last")
        .sig("(a: array<any A>) -> A")
        .errors(&[LAST_EMPTY])
        .native(last);
    r.def("a.init")
        .sig("(a: array<any A>) -> array<A>")
        .errors(&[INIT_EMPTY])
        .native(init);
    r.def("a.subseqto")
        .sig("(a: array<any A>, start: int, end: int, replacement: array<A>) -> array<A>")
        .native(subseqto);
}

fn len(_: &mut dyn Host, a: &[Value]) -> Ret {
    // An array longer than i32::MAX cannot come from PFA data; saturate rather than wrap.
    Ok(Value::Int(
        i32::try_from(arr(a, 0)?.len()).unwrap_or(i32::MAX),
    ))
}

fn subseq(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let (s, e) = slice_bounds(xs.len(), int(a, 1)?, int(a, 2)?);
    if s == 0 && e == xs.len() {
        return Ok(Value::Array(xs.clone()));
    }
    array(xs[s..e].to_vec())
}

fn head(_: &mut dyn Host, a: &[Value]) -> Ret {
    arr(a, 0)?.first().cloned().ok_or_else(|| fail(HEAD_EMPTY))
}

fn tail(_: &mut dyn Host, a: &[Value]) -> Ret {
    match arr(a, 0)?.split_first() {
        Some((_, rest)) => array(rest.to_vec()),
        None => Err(fail(TAIL_EMPTY)),
    }
}

fn last(_: &mut dyn Host, a: &[Value]) -> Ret {
    arr(a, 0)?.last().cloned().ok_or_else(|| fail(LAST_EMPTY))
}

fn init(_: &mut dyn Host, a: &[Value]) -> Ret {
    match arr(a, 0)?.split_last() {
        Some((_, rest)) => array(rest.to_vec()),
        None => Err(fail(INIT_EMPTY)),
    }
}

/// `a[:start] + replacement + a[end:]` with the slice rules of `a.subseq`: an empty or
/// reversed range inserts `replacement` at `start`.
fn subseqto(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    let rep = arr(a, 3)?;
    let (s, e) = slice_bounds(xs.len(), int(a, 1)?, int(a, 2)?);
    let mut out = Vec::with_capacity(xs.len() - (e - s) + rep.len());
    out.extend_from_slice(&xs[..s]);
    out.extend_from_slice(rep);
    out.extend_from_slice(&xs[e..]);
    array(out)
}

#[cfg(test)]
mod tests {
    use crate::library::array::testkit::{err, ok, ARR_INT, INT};

    #[test]
    fn basic_access() {
        ok("a.len", &[(ARR_INT, "[]")], "0");
        ok("a.len", &[(ARR_INT, "[1,2,3]")], "3");
        ok("a.head", &[(ARR_INT, "[7,8]")], "7");
        err("a.head", &[(ARR_INT, "[]")], 15020);
        ok("a.tail", &[(ARR_INT, "[7,8]")], "[8]");
        err("a.tail", &[(ARR_INT, "[]")], 15030);
        ok("a.last", &[(ARR_INT, "[7,8]")], "8");
        err("a.last", &[(ARR_INT, "[]")], 15040);
        ok("a.init", &[(ARR_INT, "[7,8]")], "[7]");
        err("a.init", &[(ARR_INT, "[]")], 15050);
    }

    #[test]
    fn slices_follow_python() {
        let sub = |s: &str, e: &str, want: &str| {
            ok(
                "a.subseq",
                &[(ARR_INT, "[1,2,3,4,5]"), (INT, s), (INT, e)],
                want,
            )
        };
        sub("1", "3", "[2,3]");
        sub("-2", "100", "[4,5]");
        sub("-100", "-4", "[1]");
        sub("3", "1", "[]");
        sub("0", "5", "[1,2,3,4,5]");
        sub("-2147483648", "2147483647", "[1,2,3,4,5]");
        let rep = |s: &str, e: &str, want: &str| {
            let args = [
                (ARR_INT, "[1,2,3,4,5]"),
                (INT, s),
                (INT, e),
                (ARR_INT, "[8,9]"),
            ];
            ok("a.subseqto", &args, want)
        };
        rep("1", "3", "[1,8,9,4,5]");
        rep("-1", "100", "[1,2,3,4,8,9]");
        rep("3", "1", "[1,2,3,8,9,4,5]");
        rep("0", "0", "[8,9,1,2,3,4,5]");
        rep("100", "200", "[1,2,3,4,5,8,9]");
    }
}
