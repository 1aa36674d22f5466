//! §17.6 Numerical combinations: `a.sum`, `a.product`, `a.lnsum`, `a.mean`,
//! `a.geomean`, `a.median`, `a.ntile`, `a.mode`, `a.logsumexp`.
//!
//! Integer sums and products raise their overflow error only if the final result is out
//! of range (an intermediate overflow that later cancels is not an error). Float results
//! are accumulated in double precision and rounded once at the end.

use std::collections::HashMap;

use super::{arr, item_type, sorted_refs, Key};
use crate::error::PfaError;
use crate::library::args::{double, fail, no_native, ErrCode, Ret};
use crate::library::{Host, NativeFn, Registry, Spec};
use crate::types::Type;
use crate::value::Value;

const SUM_INT: ErrCode = (15400, "int overflow");
const SUM_LONG: ErrCode = (15401, "long overflow");
const PRODUCT_INT: ErrCode = (15410, "int overflow");
const PRODUCT_LONG: ErrCode = (15411, "long overflow");
const MEDIAN_EMPTY: ErrCode = (15450, "empty array");
const NTILE_EMPTY: ErrCode = (15460, "empty array");
const NTILE_NAN: ErrCode = (15461, "p not a number");
const MODE_EMPTY: ErrCode = (15470, "empty array");

pub(super) fn register(r: &mut Registry) {
    let num = "(a: array<any A of {int, long, float, double}>) -> A";
    r.def("a.sum")
        .sig(num)
        .errors(&[SUM_INT, SUM_LONG])
        .specialize(|s| by_items(s, [sum_int, sum_long, sum_float, sum_double]));
    r.def("a.product")
        .sig(num)
        .errors(&[PRODUCT_INT, PRODUCT_LONG])
        .specialize(|s| {
            by_items(
                s,
                [product_int, product_long, product_float, product_double],
            )
        });
    r.def("a.lnsum")
        .sig("(a: array<double>) -> double")
        .native(lnsum);
    r.def("a.mean")
        .sig("(a: array<double>) -> double")
        .native(mean);
    r.def("a.geomean")
        .sig("(a: array<double>) -> double")
        .native(geomean);
    r.def("a.median")
        .sig("(a: array<any A>) -> A")
        .errors(&[MEDIAN_EMPTY])
        .native(median);
    r.def("a.ntile")
        .sig("(a: array<any A>, p: double) -> A")
        .errors(&[NTILE_EMPTY, NTILE_NAN])
        .native(ntile);
    r.def("a.mode")
        .sig("(a: array<any A>) -> A")
        .errors(&[MODE_EMPTY])
        .native(mode);
    r.def("a.logsumexp")
        .sig("(a: array<double>) -> double")
        .native(logsumexp);
}

/// Picks the native for the matched item type among `[int, long, float, double]`.
fn by_items(s: &Spec<'_>, natives: [NativeFn; 4]) -> Result<NativeFn, String> {
    let [int, long, float, double] = natives;
    match s.matched.params.first() {
        Some(Type::Array(t)) => match **t {
            Type::Int => Ok(int),
            Type::Long => Ok(long),
            Type::Float => Ok(float),
            Type::Double => Ok(double),
            _ => Err(no_native(s, Some(t))),
        },
        other => Err(no_native(s, other)),
    }
}

/// The items as doubles (the representation guarantees the variant).
fn numbers(a: &[Value]) -> Result<impl Iterator<Item = f64> + '_, PfaError> {
    Ok(arr(a, 0)?.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)))
}

fn sum_int(_: &mut dyn Host, a: &[Value]) -> Ret {
    // Fewer than 2^32 items of at most 2^31 each: the exact sum fits in i64... and i128
    // leaves no doubt.
    let s: i128 = arr(a, 0)?
        .iter()
        .filter_map(Value::as_i64)
        .map(i128::from)
        .sum();
    i32::try_from(s).map(Value::Int).map_err(|_| fail(SUM_INT))
}

fn sum_long(_: &mut dyn Host, a: &[Value]) -> Ret {
    let s: i128 = arr(a, 0)?
        .iter()
        .filter_map(Value::as_i64)
        .map(i128::from)
        .sum();
    i64::try_from(s)
        .map(Value::Long)
        .map_err(|_| fail(SUM_LONG))
}

fn sum_float(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Float(numbers(a)?.sum::<f64>() as f32))
}

fn sum_double(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Double(numbers(a)?.sum::<f64>()))
}

/// Exact integer product within `[lo, hi]`, or `None` if the final product is outside.
/// With no zero factor the magnitude never shrinks, so the first step out of range
/// decides; a zero factor makes the product zero whatever came before.
fn int_product(xs: &[Value], lo: i128, hi: i128) -> Option<i128> {
    let factors = xs.iter().filter_map(Value::as_i64);
    if factors.clone().any(|x| x == 0) {
        return Some(0);
    }
    let mut p: i128 = 1;
    for x in factors {
        p = p.checked_mul(i128::from(x))?;
        if p < lo || p > hi {
            return None;
        }
    }
    Some(p)
}

fn product_int(_: &mut dyn Host, a: &[Value]) -> Ret {
    int_product(arr(a, 0)?, i32::MIN.into(), i32::MAX.into())
        .and_then(|p| i32::try_from(p).ok())
        .map(Value::Int)
        .ok_or_else(|| fail(PRODUCT_INT))
}

fn product_long(_: &mut dyn Host, a: &[Value]) -> Ret {
    int_product(arr(a, 0)?, i64::MIN.into(), i64::MAX.into())
        .and_then(|p| i64::try_from(p).ok())
        .map(Value::Long)
        .ok_or_else(|| fail(PRODUCT_LONG))
}

fn product_float(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Float(numbers(a)?.product::<f64>() as f32))
}

fn product_double(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Double(numbers(a)?.product::<f64>()))
}

/// Sum of logarithms; the spec asks for NaN (not -inf) as soon as an item is zero or
/// negative.
fn lnsum(_: &mut dyn Host, a: &[Value]) -> Ret {
    let mut s = 0.0;
    for x in numbers(a)? {
        if x <= 0.0 {
            return Ok(Value::Double(f64::NAN));
        }
        s += x.ln();
    }
    Ok(Value::Double(s))
}

fn mean(_: &mut dyn Host, a: &[Value]) -> Ret {
    let n = arr(a, 0)?.len();
    Ok(Value::Double(numbers(a)?.sum::<f64>() / n as f64))
}

/// The `n`-th root of the product. A negative product has a real root only for one
/// item (the item itself); otherwise the result is NaN, as IEEE 754 `pow` of a negative
/// base with a fractional exponent. A zero item gives 0; empty gives NaN. Where the
/// product of magnitudes overflows or underflows, it is carried as mantissa and binary
/// exponent instead.
fn geomean(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    match xs.as_slice() {
        [] => return Ok(Value::Double(f64::NAN)),
        [x] => return Ok(Value::Double(x.as_f64().unwrap_or(f64::NAN))),
        _ => {}
    }
    let n = xs.len() as f64;
    let negatives = numbers(a)?.filter(|&x| x < 0.0).count();
    let has_zero = numbers(a)?.any(|x| x == 0.0);
    if negatives % 2 == 1 && !has_zero {
        return Ok(Value::Double(f64::NAN));
    }
    let p: f64 = numbers(a)?.map(f64::abs).product();
    if p.is_normal() || p.is_nan() || has_zero || numbers(a)?.any(f64::is_infinite) {
        return Ok(Value::Double(p.powf(1.0 / n)));
    }
    // All items finite and non-zero: product = m * 2^e with m in [0.5, 1).
    let (mut m, mut e) = (1.0f64, 0i64);
    for x in numbers(a)? {
        let (mx, ex) = frexp(x.abs());
        let (mm, em) = frexp(m * mx);
        m = mm;
        e += ex + em;
    }
    // (m 2^e)^(1/n) = m^(1/n) 2^(r/n) 2^q with e = q n + r.
    let len = xs.len() as i64;
    let (q, r) = (e.div_euclid(len), e.rem_euclid(len));
    let root = m.powf(1.0 / n) * (r as f64 / n).exp2();
    Ok(Value::Double(ldexp(root, q)))
}

/// Splits a finite non-zero `x` into `m * 2^e` with `m` in `[0.5, 1)`.
fn frexp(x: f64) -> (f64, i64) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, bias) = if x.is_normal() {
        (x, 0)
    } else {
        // Subnormal: scale into the normal range first.
        (x * 2f64.powi(64), -64)
    };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1022;
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp + bias)
}

/// `x * 2^e` without overflow in the scale factor.
fn ldexp(mut x: f64, mut e: i64) -> f64 {
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e as i32)
}

/// `log(sum(exp(x)))` shifted by the maximum so that no term overflows.
fn logsumexp(_: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    if xs.is_empty() {
        return Ok(Value::Double(f64::NAN));
    }
    let mut m = f64::NEG_INFINITY;
    for x in numbers(a)? {
        if x.is_nan() {
            return Ok(Value::Double(f64::NAN));
        }
        m = m.max(x);
    }
    // All -inf: the sum of zeros; +inf: dominates. Shifting by an infinity would give NaN.
    if m.is_infinite() {
        return Ok(Value::Double(m));
    }
    let s: f64 = numbers(a)?.map(|x| (x - m).exp()).sum();
    Ok(Value::Double(m + s.ln()))
}

/// The item at fractional position `k` of the sorted items: interpolated for `float`
/// and `double` items, otherwise the item at `floor(k)`.
fn at_fraction(sorted: &[&Value], k: f64, ty: &Type) -> Result<Value, PfaError> {
    let last = sorted.len().saturating_sub(1);
    let f = (k.floor().max(0.0) as usize).min(last);
    let c = (k.ceil().max(0.0) as usize).min(last);
    let (lo, hi) = match (sorted.get(f), sorted.get(c)) {
        (Some(lo), Some(hi)) => (*lo, *hi),
        _ => return Err(super::internal("empty sorted array")),
    };
    if f == c {
        return Ok(lo.clone());
    }
    let t = k - f as f64;
    Ok(match (ty, lo, hi) {
        (Type::Double, Value::Double(x), Value::Double(y)) => Value::Double(lerp(*x, *y, t)),
        (Type::Float, Value::Float(x), Value::Float(y)) => {
            Value::Float(lerp(f64::from(*x), f64::from(*y), t) as f32)
        }
        _ => lo.clone(),
    })
}

/// `x + t (y - x)`, but exact at the halfway point `(x + y) / 2` so that the median of
/// two items is their plain average.
fn lerp(x: f64, y: f64, t: f64) -> f64 {
    if t == 0.5 {
        (x + y) / 2.0
    } else {
        x * (1.0 - t) + y * t
    }
}

/// The median of already-sorted items (see `a.median`).
fn median_of(sorted: &[&Value], ty: &Type) -> Result<Value, PfaError> {
    let n = sorted.len();
    if n % 2 == 1 {
        at_fraction(sorted, (n / 2) as f64, ty)
    } else {
        // Between the two central items: averaged for floating point, else the left one.
        at_fraction(sorted, (n / 2) as f64 - 0.5, ty)
    }
}

fn median(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    if xs.is_empty() {
        return Err(fail(MEDIAN_EMPTY));
    }
    let ty = item_type(h, 0);
    median_of(&sorted_refs(xs, ty, h), ty)
}

/// The item at position `p (n - 1)` of the sorted items; `p` outside `[0, 1]` gives
/// the minimum or maximum.
fn ntile(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    if xs.is_empty() {
        return Err(fail(NTILE_EMPTY));
    }
    let p = double(a, 1)?;
    if p.is_nan() {
        return Err(fail(NTILE_NAN));
    }
    let ty = item_type(h, 0);
    let sorted = sorted_refs(xs, ty, h);
    let k = p.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    at_fraction(&sorted, k, ty)
}

/// The most frequent item; among equally frequent ones, their median.
fn mode(h: &mut dyn Host, a: &[Value]) -> Ret {
    let xs = arr(a, 0)?;
    if xs.is_empty() {
        return Err(fail(MODE_EMPTY));
    }
    let mut counts: HashMap<Key<'_>, usize> = HashMap::new();
    for x in xs.iter() {
        *counts.entry(Key(x)).or_insert(0) += 1;
    }
    let top = counts.values().copied().max().unwrap_or(0);
    let tied: Vec<Value> = counts
        .into_iter()
        .filter(|&(_, c)| c == top)
        .map(|(k, _)| k.0.clone())
        .collect();
    let ty = item_type(h, 0);
    median_of(&sorted_refs(&tied, ty, h), ty)
}

#[cfg(test)]
mod tests {
    use crate::library::array::testkit::{
        err, ok, ARR_DOUBLE, ARR_FLOAT, ARR_INT, ARR_LONG, ARR_OPT_DOUBLE, ARR_STRING, DOUBLE,
    };

    const DATA: &str = "[2, 2, -2, 17, -17, 5, -5, -100, 100, 100]";

    #[test]
    fn sum_and_product() {
        ok("a.sum", &[(ARR_INT, DATA)], "102");
        ok("a.sum", &[(ARR_INT, "[]")], "0");
        ok("a.sum", &[(ARR_INT, "[2147483647, 1, -1]")], "2147483647");
        err(
            "a.sum",
            &[(ARR_INT, "[1073741823, 1073741823, 1073741823]")],
            15400,
        );
        err("a.sum", &[(ARR_INT, "[-2147483648, -1]")], 15400);
        ok("a.sum", &[(ARR_LONG, DATA)], "102");
        err("a.sum", &[(ARR_LONG, "[9223372036854775807, 1]")], 15401);
        ok("a.sum", &[(ARR_FLOAT, "[0.5, 0.25]")], "0.75");
        ok("a.sum", &[(ARR_DOUBLE, "[]")], "0.0");
        ok(
            "a.sum",
            &[(ARR_DOUBLE, r#"[1, "inf", "-inf"]"#)],
            r#""nan""#,
        );
        ok("a.product", &[(ARR_INT, "[]")], "1");
        ok("a.product", &[(ARR_INT, "[1, -1]")], "-1");
        ok("a.product", &[(ARR_INT, "[65536, 65536, 0]")], "0");
        err("a.product", &[(ARR_INT, "[1073741823, 3]")], 15410);
        err("a.product", &[(ARR_INT, DATA)], 15410);
        ok("a.product", &[(ARR_LONG, DATA)], "57800000000");
        err(
            "a.product",
            &[(ARR_LONG, "[4611686018427387903, 3]")],
            15411,
        );
        ok("a.product", &[(ARR_FLOAT, "[0.5, -4]")], "-2.0");
        ok("a.product", &[(ARR_DOUBLE, "[0.5, -4]")], "-2.0");
    }

    #[test]
    fn logs_and_means() {
        ok("a.lnsum", &[(ARR_DOUBLE, "[]")], "0.0");
        ok("a.lnsum", &[(ARR_DOUBLE, "[1, 1]")], "0.0");
        ok("a.lnsum", &[(ARR_DOUBLE, "[0.0]")], r#""nan""#);
        ok("a.lnsum", &[(ARR_DOUBLE, "[2, -1]")], r#""nan""#);
        ok("a.mean", &[(ARR_DOUBLE, "[]")], r#""nan""#);
        ok("a.mean", &[(ARR_DOUBLE, "[1, 2, 6]")], "3.0");
        ok("a.geomean", &[(ARR_DOUBLE, "[]")], r#""nan""#);
        ok("a.geomean", &[(ARR_DOUBLE, "[0.0]")], "0.0");
        ok("a.geomean", &[(ARR_DOUBLE, "[4, 4]")], "4.0");
        ok("a.geomean", &[(ARR_DOUBLE, "[-4, 4]")], r#""nan""#);
        ok("a.geomean", &[(ARR_DOUBLE, "[-2, -8]")], "4.0");
        ok("a.geomean", &[(ARR_DOUBLE, "[-8]")], "-8.0");
        ok(
            "a.geomean",
            &[(ARR_DOUBLE, "[1e300, 1e300, 1e300]")],
            "9.999999999999999e299",
        );
        ok(
            "a.geomean",
            &[(ARR_DOUBLE, "[1e-300, 1e-300, 1e-300, 8]")],
            "1.681792830507429e-225",
        );
        ok("a.geomean", &[(ARR_DOUBLE, r#"[0, "inf"]"#)], r#""nan""#);
        ok("a.logsumexp", &[(ARR_DOUBLE, "[]")], r#""nan""#);
        ok("a.logsumexp", &[(ARR_DOUBLE, "[0.0]")], "0.0");
        ok(
            "a.logsumexp",
            &[(ARR_DOUBLE, "[1000, 1000]")],
            &(1000.0 + 2f64.ln()).to_string(),
        );
        ok(
            "a.logsumexp",
            &[(ARR_DOUBLE, r#"["-inf", "-inf"]"#)],
            r#""-inf""#,
        );
        ok("a.logsumexp", &[(ARR_DOUBLE, r#"[1, "inf"]"#)], r#""inf""#);
        ok("a.logsumexp", &[(ARR_DOUBLE, r#"[1, "nan"]"#)], r#""nan""#);
    }

    #[test]
    fn median_ntile_mode() {
        ok("a.median", &[(ARR_INT, DATA)], "2");
        ok("a.median", &[(ARR_INT, "[1, -1]")], "-1");
        ok("a.median", &[(ARR_INT, "[3, 1, 2]")], "2");
        ok("a.median", &[(ARR_DOUBLE, "[1, -1, 4, 2]")], "1.5");
        ok("a.median", &[(ARR_FLOAT, "[1, 2]")], "1.5");
        ok(
            "a.median",
            &[(ARR_OPT_DOUBLE, r#"[{"double": 1}, {"double": 0}]"#)],
            r#"{"double": 0}"#,
        );
        ok("a.median", &[(ARR_STRING, r#"["b", "c", "a"]"#)], r#""b""#);
        err("a.median", &[(ARR_INT, "[]")], 15450);
        let nt = |a: &'static str, p: &'static str| [(ARR_INT, a), (DOUBLE, p)];
        ok("a.ntile", &nt(DATA, "0.5"), "2");
        ok("a.ntile", &nt(DATA, "0.9"), "100");
        ok("a.ntile", &nt(DATA, "0.1"), "-100");
        ok("a.ntile", &nt(DATA, "-3"), "-100");
        ok("a.ntile", &nt(DATA, r#""inf""#), "100");
        ok("a.ntile", &nt("[1, -1]", "0.99999"), "-1");
        ok(
            "a.ntile",
            &[(ARR_DOUBLE, "[0, 10, 20]"), (DOUBLE, "0.25")],
            "5.0",
        );
        ok(
            "a.ntile",
            &[(ARR_DOUBLE, "[0, 10, 20]"), (DOUBLE, "1")],
            "20.0",
        );
        err("a.ntile", &nt("[]", "0.5"), 15460);
        err("a.ntile", &nt("[]", r#""nan""#), 15460);
        err("a.ntile", &nt("[5]", r#""nan""#), 15461);
        ok("a.mode", &[(ARR_INT, DATA)], "2");
        ok("a.mode", &[(ARR_INT, "[1, -1]")], "-1");
        ok("a.mode", &[(ARR_INT, "[3, 3, 1, 1, 2, 2, 5]")], "2");
        ok("a.mode", &[(ARR_DOUBLE, "[1, 2]")], "1.5");
        err("a.mode", &[(ARR_INT, "[]")], 15470);
    }
}
