//! Table tests of `parse.*`.

use super::*;
use crate::library::testing::{err, ok};
use crate::value::Value::{Double as D, Float as F, Int as I, Long as L};

fn s(x: &str) -> Value {
    Value::str(x)
}

#[test]
fn ints_in_any_base() {
    ok(int, &[s("314"), I(10)], I(314));
    ok(int, &[s("314"), I(5)], I(84));
    ok(int, &[s("314"), I(16)], I(788));
    ok(int, &[s("314"), I(36)], I(3928));
    ok(int, &[s(" \n  314 \t  "), I(10)], I(314));
    ok(int, &[s("-123"), I(16)], I(-291));
    ok(int, &[s("+7"), I(8)], I(7));
    ok(int, &[s("fF"), I(16)], I(255));
    ok(int, &[s("-FF"), I(36)], I(-555));
    ok(int, &[s("Zz"), I(36)], I(1295));
    ok(int, &[s("101"), I(2)], I(5));
    ok(int, &[s("0000000000000000000000000000042"), I(10)], I(42));
    ok(int, &[s("2147483647"), I(10)], I(i32::MAX));
    ok(int, &[s("-2147483648"), I(10)], I(i32::MIN));
    ok(int, &[s("-80000000"), I(16)], I(i32::MIN));
}

#[test]
fn not_ints() {
    let e = (33000, "not an integer");
    for bad in [
        "",
        " ",
        "-",
        "+",
        "12.3",
        "   12.3   ",
        "12a",
        "1 2",
        "--1",
        "+-1",
        "0x1f",
        "1_000",
        "٣",
        "2147483648",
        "-2147483649",
        "4294967297",
        "99999999999999999999999999999",
    ] {
        err(int, &[s(bad), I(10)], e);
    }
    err(int, &[s("314"), I(2)], NOT_INT);
    err(int, &[s("g"), I(16)], NOT_INT);
    err(int, &[s("80000000"), I(16)], NOT_INT);
}

#[test]
fn base_is_checked_first() {
    let e = (33001, "base out of range");
    for base in [i32::MIN, -1, 0, 1, 37, i32::MAX] {
        err(int, &[s("1"), I(base)], e);
        err(int, &[s(".-"), I(base)], e);
    }
    err(long, &[s("1"), I(37)], (33011, "base out of range"));
    err(long, &[s("x"), I(1)], LONG_BASE);
}

#[test]
fn longs() {
    ok(long, &[s("9223372036854775807"), I(10)], L(i64::MAX));
    ok(long, &[s(" -9223372036854775808 "), I(10)], L(i64::MIN));
    ok(long, &[s("-8000000000000000"), I(16)], L(i64::MIN));
    ok(long, &[s("7fffffffffffffff"), I(16)], L(i64::MAX));
    ok(long, &[s("4294967297"), I(10)], L(4_294_967_297));
    ok(long, &[s("-ff"), I(16)], L(-255));
    let e = (33010, "not a long integer");
    err(long, &[s("9223372036854775808"), I(10)], e);
    err(long, &[s("-9223372036854775809"), I(10)], e);
    err(long, &[s("8000000000000000"), I(16)], e);
    err(long, &[s("12.3"), I(10)], e);
    err(long, &[s("ff"), I(10)], NOT_LONG);
}

#[test]
fn floats() {
    ok(float, &[s("1.23")], F(1.23));
    ok(float, &[s(" \n  1.23 \t  ")], F(1.23));
    ok(float, &[s("-123")], F(-123.0));
    ok(float, &[s("3e12")], F(3e12));
    ok(float, &[s("3E12")], F(3e12));
    ok(float, &[s(".5")], F(0.5));
    ok(float, &[s("5.")], F(5.0));
    ok(float, &[s("+.5e-1")], F(0.05));
    ok(float, &[s("-0")], F(-0.0));
    // Rounded once from the decimal: the double nearest to this string rounds to a
    // different float than the string itself does.
    ok(
        float,
        &[s("1.00000005960464477539062500001")],
        F(1.000_000_1),
    );
    // Beyond the range: infinities; below the smallest subnormal: zero.
    ok(float, &[s("1e39")], F(f32::INFINITY));
    ok(float, &[s("-1e39")], F(f32::NEG_INFINITY));
    ok(float, &[s("1e-50")], F(0.0));
    ok(float, &[s("inf")], F(f32::INFINITY));
    ok(float, &[s("+INF")], F(f32::INFINITY));
    ok(float, &[s(" -Inf ")], F(f32::NEG_INFINITY));
    ok(float, &[s("NaN")], F(f32::NAN));
    let e = (33020, "not a single-precision float");
    for bad in [
        "",
        ".",
        "-",
        "e5",
        ".e5",
        "1e",
        "1e+",
        "   12f3   ",
        "1.23e12e13",
        "ff",
        "-ff",
        "1.2.3",
        "infinity",
        "-nan",
        "+nan",
        "1 000",
        "0x10",
        "1_0",
        "١",
    ] {
        err(float, &[s(bad)], e);
    }
}

#[test]
fn doubles() {
    ok(double, &[s("1.23")], D(1.23));
    ok(double, &[s("   1.23   ")], D(1.23));
    ok(double, &[s("-123")], D(-123.0));
    ok(double, &[s("3E12")], D(3e12));
    ok(double, &[s("1.7976931348623157e308")], D(f64::MAX));
    ok(double, &[s("1e309")], D(f64::INFINITY));
    ok(
        double,
        &[s("-1e99999999999999999999")],
        D(f64::NEG_INFINITY),
    );
    ok(double, &[s("4.9e-324")], D(5e-324));
    ok(double, &[s("1e-400")], D(0.0));
    ok(double, &[s("-inf")], D(f64::NEG_INFINITY));
    ok(double, &[s("nan")], D(f64::NAN));
    let e = (33030, "not a double-precision float");
    for bad in [
        "",
        "   12f3   ",
        "1.23e12e13",
        "ff",
        "-ff",
        "Infinity",
        "1e",
        ".",
    ] {
        err(double, &[s(bad)], e);
    }
}
