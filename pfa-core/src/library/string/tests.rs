//! Table tests of `s.*`: natives called directly, and calls resolved through the
//! signatures (for the overloaded formatting functions). Also the resolving helper
//! that the `parse.*` and `cast.*` tests share.

use std::sync::OnceLock;

use super::format::*;
use super::*;
use crate::library::testing::{err, ok, promote, resolve_in, run_typed};
use crate::types::{Type, TypeTable};
use crate::value::cmp::eq_values;
use crate::value::Value::{Boolean as B, Double as D, Int as I, Long as L, Null as N};

fn s(x: &str) -> Value {
    Value::str(x)
}

fn strs(xs: &[&str]) -> Value {
    Value::array(xs.iter().map(|x| Value::str(x)).collect())
}

/// A registry of the text namespaces only.
fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut r = Registry::default();
        super::register(&mut r);
        crate::library::parse::register(&mut r);
        crate::library::cast::register(&mut r);
        r
    })
}

/// Calls `name` as compiled code does: the first signature that matches `arg_types`,
/// its specialization, arguments promoted to the matched parameter types.
pub(crate) fn call_typed(
    name: &str,
    arg_types: &[Type],
    types: &TypeTable,
    args: &[Value],
) -> Result<Value, PfaError> {
    let (matched, native) =
        resolve_in(registry(), name, arg_types, types).map_err(|m| PfaError::runtime(0, m))?;
    let promoted = promote(args.iter().cloned(), arg_types, &matched.params, types);
    run_typed(native, types.clone(), &matched.params, &promoted)
}

/// The static type of a test value: primitives, and arrays by their first item.
pub(crate) fn type_of(v: &Value) -> Type {
    match v {
        Value::Array(items) => Type::array(items.first().map_or(Type::String, type_of)),
        other => crate::library::testing::type_of(other),
    }
}

/// Asserts that `name(args)`, resolved by signature, gives `want`.
#[track_caller]
pub(crate) fn call_ok(name: &str, args: &[Value], want: Value) {
    let types: Vec<Type> = args.iter().map(type_of).collect();
    match call_typed(name, &types, &TypeTable::new(), args) {
        Ok(got) => assert!(
            eq_values(&got, &want),
            "{name} {args:?}: got {got:?}, want {want:?}"
        ),
        Err(e) => panic!("{name} {args:?}: got error {e}, want {want:?}"),
    }
}

/// Asserts that `name(args)`, resolved by signature, raises error `code`.
#[track_caller]
pub(crate) fn call_err(name: &str, args: &[Value], code: i32) {
    let types: Vec<Type> = args.iter().map(type_of).collect();
    match call_typed(name, &types, &TypeTable::new(), args) {
        Err(e) => assert_eq!(e.code(), Some(code), "{name} {args:?}: {e}"),
        Ok(v) => panic!("{name} {args:?}: got {v:?}, want error {code}"),
    }
}

/// Asserts an array (or other non-primitive) result of a direct call.
#[track_caller]
fn ok_value(f: crate::library::NativeFn, args: &[Value], want: Value) {
    match crate::library::testing::run(f, args) {
        Ok(got) => assert!(
            eq_values(&got, &want),
            "{args:?}: got {got:?}, want {want:?}"
        ),
        Err(e) => panic!("{args:?}: got error {e}"),
    }
}

/// Asserts that a direct call fails with the engine's size limit (an internal error).
#[track_caller]
fn too_big(f: crate::library::NativeFn, args: &[Value]) {
    match crate::library::testing::run(f, args) {
        Err(e) => assert_eq!(e.code(), Some(0), "{args:?}: {e}"),
        Ok(_) => panic!("{args:?}: expected the size limit"),
    }
}

const IMIN: i32 = i32::MIN;
const IMAX: i32 = i32::MAX;

#[test]
fn length_counts_code_points() {
    use basic::len;
    ok(len, &[s("")], I(0));
    ok(len, &[s("hello")], I(5));
    ok(len, &[s("oneee−two")], I(9));
    ok(len, &[s("😀x")], I(2));
}

#[test]
fn substr_follows_python_slices() {
    use basic::substr;
    ok(substr, &[s("hello"), I(1), I(2)], s("e"));
    ok(substr, &[s("hello"), I(-2), I(100)], s("lo"));
    ok(substr, &[s("hello"), I(5), I(2)], s(""));
    ok(substr, &[s("hello"), I(-1), I(0)], s(""));
    ok(substr, &[s("hello"), I(-100), I(-4)], s("h"));
    ok(substr, &[s("hello"), I(IMIN), I(IMAX)], s("hello"));
    ok(substr, &[s(""), I(-1), I(1)], s(""));
    ok(substr, &[s("oneee−two"), I(2), I(-1)], s("eee−tw"));
    ok(substr, &[s("oneee−two"), I(5), I(-2)], s("−t"));
    ok(substr, &[s("añb😀"), I(1), I(2)], s("ñ"));
    ok(substr, &[s("añb😀"), I(-1), I(4)], s("😀"));
}

#[test]
fn substrto_replaces_a_slice() {
    use basic::substrto;
    ok(substrto, &[s("hello"), I(1), I(3), s("XY")], s("hXYlo"));
    ok(substrto, &[s("hello"), I(3), I(1), s("-")], s("hel-lo"));
    ok(substrto, &[s("hello"), I(-2), I(-1), s("")], s("helo"));
    ok(substrto, &[s("hello"), I(100), I(200), s("!")], s("hello!"));
    ok(substrto, &[s("hello"), I(-100), I(0), s(">")], s(">hello"));
    ok(
        substrto,
        &[s("oneee−two"), I(5), I(-2), s("")],
        s("oneeewo"),
    );
    ok(substrto, &[s("añb"), I(1), I(2), s("n")], s("anb"));
}

#[test]
fn search() {
    use search::*;
    ok(contains, &[s("hello"), s("ll")], B(true));
    ok(contains, &[s(""), s("")], B(true));
    ok(contains, &[s("hello"), s("lll")], B(false));
    ok(count, &[s("aaaa"), s("aa")], I(2));
    ok(count, &[s("oneee−two"), s("o")], I(2));
    ok(count, &[s("abc"), s("")], I(0));
    ok(count, &[s(""), s("a")], I(0));
    ok(index, &[s("a−b−c"), s("b")], I(2));
    ok(index, &[s("a−b−c"), s("−")], I(1));
    ok(index, &[s("hello"), s("")], I(0));
    ok(index, &[s("hello"), s("z")], I(-1));
    ok(rindex, &[s("a−b−c"), s("−")], I(3));
    ok(rindex, &[s("hello"), s("")], I(5));
    ok(rindex, &[s("oneee−two"), s("")], I(9));
    ok(rindex, &[s("hello"), s("z")], I(-1));
    ok(startswith, &[s("hello"), s("he")], B(true));
    ok(startswith, &[s("hello"), s("")], B(true));
    ok(startswith, &[s("he"), s("hello")], B(false));
    ok(endswith, &[s("oneee−two"), s("−two")], B(true));
    ok(endswith, &[s("hello"), s("he")], B(false));
}

#[test]
fn join_and_split() {
    use convert::*;
    call_ok("s.join", &[strs(&["a", "b", "c"]), s(", ")], s("a, b, c"));
    call_ok("s.join", &[strs(&[]), s("x")], s(""));
    call_ok("s.join", &[strs(&["", ""]), s("−")], s("−"));
    ok_value(split, &[s("a,b,,c"), s(",")], strs(&["a", "b", "", "c"]));
    ok_value(split, &[s(",a,"), s(",")], strs(&["", "a", ""]));
    ok_value(split, &[s(""), s(",")], strs(&[""]));
    ok_value(split, &[s("abc"), s("x")], strs(&["abc"]));
    ok_value(split, &[s("abc"), s("")], strs(&[]));
    ok_value(split, &[s("a−−b"), s("−")], strs(&["a", "", "b"]));
}

#[test]
fn int_formatting() {
    ok(int, &[L(0)], s("0"));
    ok(int, &[L(-17)], s("-17"));
    ok(int, &[L(i64::MIN)], s("-9223372036854775808"));
    ok(int_padded, &[L(5), I(3), B(false)], s("  5"));
    ok(int_padded, &[L(5), I(-3), B(false)], s("5  "));
    ok(int_padded, &[L(-5), I(4), B(true)], s("-005"));
    ok(int_padded, &[L(-5), I(-4), B(false)], s("-5  "));
    ok(int_padded, &[L(123), I(2), B(true)], s("123"));
    ok(int_padded, &[L(123), I(-2), B(false)], s("123"));
    // Width 0 is narrower than any number, which then takes the room it needs.
    ok(int_padded, &[L(7), I(0), B(false)], s("7"));
    ok(int_padded, &[L(7), I(0), B(true)], s("7"));
    err(int_padded, &[L(5), I(-1), B(true)], INT_NEGATIVE_WIDTH);
    err(
        int_padded,
        &[L(5), I(-1), B(true)],
        (39240, "negative width cannot be used with zero-padding"),
    );
    too_big(int_padded, &[L(5), I(IMAX), B(false)]);
    too_big(int_padded, &[L(5), I(IMAX), B(true)]);
    too_big(int_padded, &[L(5), I(IMIN), B(false)]);
}

#[test]
fn hex_formatting() {
    ok(hex, &[L(255)], s("ff"));
    ok(hex, &[L(0)], s("0"));
    ok(hex, &[L(i64::MAX)], s("7fffffffffffffff"));
    err(hex, &[L(-1)], (39111, "negative number"));
    ok(hex_padded, &[L(255), I(4), B(true)], s("00ff"));
    ok(hex_padded, &[L(255), I(4), B(false)], s("  ff"));
    ok(hex_padded, &[L(255), I(-4), B(false)], s("ff  "));
    ok(hex_padded, &[L(255), I(1), B(false)], s("ff"));
    ok(hex_padded, &[L(1), I(0), B(false)], s("1"));
    err(
        hex_padded,
        &[L(255), I(-4), B(true)],
        (39110, "negative width cannot be used with zero-padding"),
    );
    // A negative number is reported first.
    err(hex_padded, &[L(-1), I(-4), B(true)], NEGATIVE_NUMBER);
    err(hex_padded, &[L(-1), I(4), B(false)], NEGATIVE_NUMBER);
}

/// `s.number` on a double through its 3-argument signature (width and precision
/// optional).
#[track_caller]
fn num(x: f64, width: Option<i32>, precision: Option<i32>, want: &str) {
    let opt = |o: Option<i32>| o.map_or(N, I);
    call_union("s.number", &[D(x), opt(width), opt(precision)], Ok(want));
}

/// `s.number` with explicit exponent limits.
#[track_caller]
fn num_limits(x: f64, width: Option<i32>, precision: Option<i32>, min: f64, max: f64, want: &str) {
    let opt = |o: Option<i32>| o.map_or(N, I);
    call_union(
        "s.number",
        &[D(x), opt(width), opt(precision), D(min), D(max)],
        Ok(want),
    );
}

/// Calls a function whose `int`-or-null arguments are typed `union<int, null>`.
#[track_caller]
fn call_union(name: &str, args: &[Value], want: Result<&str, i32>) {
    let maybe_int = Type::Union(vec![Type::Int, Type::Null]);
    let types: Vec<Type> = args
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if i == 1 || i == 2 {
                maybe_int.clone()
            } else {
                type_of(v)
            }
        })
        .collect();
    let got = call_typed(name, &types, &TypeTable::new(), args);
    match (got, want) {
        (Ok(Value::String(g)), Ok(w)) => assert_eq!(&*g, w, "{args:?}"),
        (Err(e), Err(code)) => assert_eq!(e.code(), Some(code), "{args:?}: {e}"),
        (got, want) => panic!("{args:?}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn number_default_precision_drops_trailing_zeros() {
    num(2.34567, None, None, "2.34567");
    num(1.0, None, None, "1.0");
    num(0.1, None, None, "0.1");
    num(-0.99999, None, None, "-0.99999");
    num(1.23456789, None, None, "1.234568");
    num(100000.0, None, None, "100000.0");
    num(123456.0, None, None, "1.23456e+05");
    num(0.0001, None, None, "0.0001");
    num(0.00001, None, None, "1.0e-05");
    num(-0.00001, None, None, "-1.0e-05");
    num(1e100, None, None, "1.0e+100");
    num(-0.0, None, None, "0.0");
    num(0.0, None, None, "0.0");
    num(5e-324, None, None, "4.940656e-324");
}

#[test]
fn number_precision_and_width() {
    num(2.34567, None, Some(2), "2.35");
    num(0.1, None, Some(17), "0.10000000000000001");
    num(1e-5, None, Some(3), "1.000e-05");
    num(1.5e-300, None, Some(2), "1.50e-300");
    num(100.0, None, Some(0), "100.0");
    // Precision 0 still shows a digit after the point; halves round to even.
    num(2.5, None, Some(0), "2.0");
    num(0.9, None, Some(0), "1.0");
    num(123456.0, None, Some(0), "1.0e+05");
    num(-0.0, None, Some(3), "0.000");
    num(1.0, Some(6), None, "   1.0");
    num(1.0, Some(-6), None, "1.0   ");
    num(-17.0, Some(17), None, "            -17.0");
    num(123.456, Some(2), Some(1), "123.5");
    num(1.00001, Some(0), None, "1.00001");
    num(100.0, Some(0), Some(2), "100.00");
}

#[test]
fn number_special_values() {
    num(f64::NAN, None, None, "nan");
    num(f64::INFINITY, None, Some(3), "inf");
    num(f64::NEG_INFINITY, None, None, "-inf");
    num(f64::INFINITY, Some(5), None, "  inf");
    num(f64::NAN, Some(-5), Some(2), "nan  ");
}

#[test]
fn number_exponent_limits() {
    num_limits(17.0, None, None, 0.9, 0.9, "1.7e+01");
    num_limits(17.0, None, None, 0.9, 17.0, "17.0");
    num_limits(-1.00001, None, None, f64::NAN, 17.0, "-1.00001e+00");
    num_limits(-0.1, None, None, -0.5, 0.1, "-0.1");
    num_limits(-0.1, None, None, 0.5, 0.1, "-1.0e-01");
    num_limits(0.0, None, None, 1.0, 2.0, "0.0");
    num_limits(0.1, Some(0), Some(0), 1.0, 100.0, "1.0e-01");
    num_limits(-0.9, Some(0), Some(0), 1e-5, f64::INFINITY, "-1.0");
    num_limits(
        1e300,
        None,
        Some(1),
        0.0,
        f64::INFINITY,
        &format!("{:.1}", 1e300),
    );
}

#[test]
fn number_errors_and_integer_signatures() {
    call_union("s.number", &[D(0.5), I(5), I(-1)], Err(39121));
    call_union("s.number", &[D(0.5), N, I(-5)], Err(39121));
    call_union("s.number", &[D(0.5), N, I(-5), D(1.0), D(2.0)], Err(39121));
    err(number, &[D(1.0), N, I(-1)], NEGATIVE_PRECISION);
    err(number, &[D(1.0), N, I(-1)], (39121, "negative precision"));
    // The deprecated integer signatures: s.int with their own error code.
    call_ok("s.number", &[L(5)], s("5"));
    call_ok("s.number", &[I(-5)], s("-5"));
    call_ok("s.number", &[L(5), I(3), B(true)], s("005"));
    call_ok("s.number", &[I(5), I(-3), B(false)], s("5  "));
    call_err("s.number", &[L(5), I(-3), B(true)], 39120);
    err(
        number_long_padded,
        &[L(5), I(-3), B(true)],
        (39120, "negative width cannot be used with zero-padding"),
    );
    call_ok("s.int", &[I(-5), I(4), B(true)], s("-005"));
    call_err("s.int", &[I(-5), I(-4), B(true)], 39240);
    call_ok("s.hex", &[I(255)], s("ff"));
    call_err("s.hex", &[I(-1), I(4), B(false)], 39111);
    call_err("s.hex", &[I(1), I(-4), B(true)], 39110);
}

#[test]
fn number_size_limits() {
    too_big(number, &[D(1.0), N, I(IMAX)]);
    too_big(number, &[D(1.0), I(IMAX), N]);
    too_big(number, &[D(1.0), I(IMIN), N]);
    too_big(number, &[D(f64::NAN), I(IMAX), N]);
}

#[test]
fn concat_repeat_case() {
    use transform::*;
    ok(concat, &[s("one"), s("−two")], s("one−two"));
    ok(concat, &[s(""), s("")], s(""));
    ok(repeat, &[s("ab"), I(3)], s("ababab"));
    ok(repeat, &[s("ab"), I(0)], s(""));
    ok(repeat, &[s("ab"), I(-1)], s(""));
    ok(repeat, &[s(""), I(IMAX)], s(""));
    too_big(repeat, &[s("ab"), I(IMAX)]);
    ok(lower, &[s("ÀB−C")], s("àb−c"));
    ok(lower, &[s("ΟΔΟΣ")], s("οδος"));
    ok(upper, &[s("straße")], s("STRASSE"));
    ok(upper, &[s("oneee−two")], s("ONEEE−TWO"));
}

#[test]
fn strip() {
    use transform::*;
    ok(lstrip, &[s("xyhixy"), s("yx")], s("hixy"));
    ok(rstrip, &[s("xyhixy"), s("yx")], s("xyhi"));
    ok(strip, &[s("xyhixy"), s("yx")], s("hi"));
    ok(strip, &[s("  hi  "), s("")], s("  hi  "));
    ok(strip, &[s("xxx"), s("x")], s(""));
    ok(strip, &[s("−a−"), s("−")], s("a"));
    ok(lstrip, &[s("oneee−two"), s("hello")], s("neee−two"));
}

#[test]
fn replace() {
    use transform::*;
    ok(replaceall, &[s("abab"), s("ab"), s("x")], s("xx"));
    ok(replaceall, &[s("aaa"), s("aa"), s("b")], s("ba"));
    ok(replaceall, &[s("ab"), s(""), s("-")], s("-a-b-"));
    ok(replaceall, &[s("añ"), s(""), s("-")], s("-a-ñ-"));
    ok(replaceall, &[s(""), s(""), s("x")], s("x"));
    ok(replaceall, &[s("abc"), s("z"), s("x")], s("abc"));
    ok(replacefirst, &[s("abab"), s("ab"), s("x")], s("xab"));
    ok(replacefirst, &[s("ab"), s(""), s("-")], s("-ab"));
    ok(replacefirst, &[s(""), s(""), s("x")], s("x"));
    ok(replacefirst, &[s("abc"), s("z"), s("x")], s("abc"));
    ok(replacelast, &[s("abab"), s("ab"), s("x")], s("abx"));
    ok(replacelast, &[s("aaa"), s("aa"), s("b")], s("ab"));
    ok(replacelast, &[s("ab"), s(""), s("-")], s("ab-"));
    ok(
        replacelast,
        &[s("oneee−two"), s("o"), s("hello")],
        s("oneee−twhello"),
    );
    // Many matches times a long replacement.
    let big = "x".repeat(1 << 17);
    too_big(replaceall, &[s(&"a".repeat(1000)), s(""), s(&big)]);
}

#[test]
fn translate() {
    use transform::translate;
    ok(translate, &[s("hello"), s("lo"), s("01")], s("he001"));
    ok(translate, &[s("hello"), s("l"), s("")], s("heo"));
    ok(translate, &[s("aab"), s("aa"), s("xy")], s("xxb"));
    ok(translate, &[s("h−llo"), s("−"), s("e")], s("hello"));
    ok(
        translate,
        &[s("oneee−two"), s("hello"), s("oneee−two")],
        s("ennnn−twe"),
    );
    ok(translate, &[s("abc"), s(""), s("xyz")], s("abc"));
}

#[test]
fn wrong_representation_is_an_error_not_a_panic() {
    err(
        basic::len,
        &[I(1)],
        (0, "internal error: argument 0 is not a string"),
    );
    err(
        convert::join,
        &[s("a"), s(",")],
        (0, "internal error: argument 0 is not an array of strings"),
    );
    err(
        convert::join,
        &[I(1), s(",")],
        (0, "internal error: argument 0 is not an array of strings"),
    );
    err(
        number,
        &[D(1.0), s("x"), N],
        (0, "internal error: argument 1 is not an int or null"),
    );
}
