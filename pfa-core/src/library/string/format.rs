//! Number formatting (spec §13.3.3-5): `s.int`, `s.hex` and `s.number`.
//!
//! Widths are minimums, counted in characters: a positive width right-justifies, a
//! negative one left-justifies, and a number that needs more room than the width gets
//! it. Zero padding goes between the sign and the digits. Floating point numbers follow
//! the spec's description of `s.number` to the character: fixed notation for magnitudes
//! in `[minNoExp, maxNoExp]` (and zero), otherwise an exponent written `e`, a sign and
//! at least two digits; always a decimal point with at least one digit after it; `nan`,
//! `inf`, `-inf`; no sign on zero. Digits are the exactly rounded decimal expansion of
//! the double (ties to even), as C's `printf` gives.

use super::*;
use crate::library::args::{fail, ErrCode};

/// `s.hex` with a negative width and zero padding.
pub(crate) const HEX_NEGATIVE_WIDTH: ErrCode =
    (39110, "negative width cannot be used with zero-padding");
/// `s.hex` of a negative number.
pub(crate) const NEGATIVE_NUMBER: ErrCode = (39111, "negative number");
/// `s.number` with a negative width and zero padding (the integer signatures).
pub(crate) const NUMBER_NEGATIVE_WIDTH: ErrCode =
    (39120, "negative width cannot be used with zero-padding");
/// `s.number` with a negative precision.
pub(crate) const NEGATIVE_PRECISION: ErrCode = (39121, "negative precision");
/// `s.int` with a negative width and zero padding.
pub(crate) const INT_NEGATIVE_WIDTH: ErrCode =
    (39240, "negative width cannot be used with zero-padding");

/// Default `minNoExp` of `s.number`.
const MIN_NO_EXP: f64 = 0.0001;
/// Default `maxNoExp` of `s.number`.
const MAX_NO_EXP: f64 = 100_000.0;
/// Digits shown when `s.number` is given no precision (trailing zeros then dropped).
const DEFAULT_PRECISION: usize = 6;
/// More than the characters of any double in fixed notation besides its fraction
/// digits: a sign, 309 integer digits and a point.
const FIXED_OVERHEAD: usize = 320;

pub(super) fn register(r: &mut Registry) {
    r.def("s.int")
        .sig("(x: long) -> string")
        .sig("(x: long, width: int, zeroPad: boolean) -> string")
        .errors(&[INT_NEGATIVE_WIDTH])
        .specialize(|s| by_sig(s, &[int, int_padded]));
    r.def("s.hex")
        .sig("(x: long) -> string")
        .sig("(x: long, width: int, zeroPad: boolean) -> string")
        .errors(&[HEX_NEGATIVE_WIDTH, NEGATIVE_NUMBER])
        .specialize(|s| by_sig(s, &[hex, hex_padded]));
    r.def("s.number")
        .deprecated_sig("(x: long) -> string", "0.7.2")
        .deprecated_sig("(x: long, width: int, zeroPad: boolean) -> string", "0.7.2")
        .sig("(x: double, width: union<int, null>, precision: union<int, null>) -> string")
        .sig(
            "(x: double, width: union<int, null>, precision: union<int, null>, \
             minNoExp: double, maxNoExp: double) -> string",
        )
        .errors(&[NUMBER_NEGATIVE_WIDTH, NEGATIVE_PRECISION])
        .specialize(|s| by_sig(s, &[int, number_long_padded, number, number_limits]));
}

/// Pads `body` with spaces to `|width|` characters: on the left for a positive width
/// (right-justified), on the right for a negative one.
fn justify(body: String, width: i32) -> Result<String, PfaError> {
    let target = width.unsigned_abs() as usize;
    let have = char_len(&body);
    if have >= target {
        return Ok(body);
    }
    let fill = target - have;
    check_size(body.len().checked_add(fill))?;
    let mut out = String::with_capacity(body.len() + fill);
    if width < 0 {
        out.push_str(&body);
        out.extend(std::iter::repeat_n(' ', fill));
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(&body);
    }
    Ok(out)
}

/// Pads an integer's digits (`-` and digits) to `width`: with spaces, or with zeros
/// after the sign if `zero_pad`. A negative width left-justifies, which zero padding
/// cannot do (`negative_width` error).
fn pad_integer(body: String, width: i32, zero_pad: bool, negative_width: ErrCode) -> Ret {
    if !zero_pad {
        return text(justify(body, width)?);
    }
    if width < 0 {
        return Err(fail(negative_width));
    }
    let target = width.unsigned_abs() as usize;
    if body.len() >= target {
        return text(body);
    }
    check_size(Some(target))?;
    let (sign, digits) = match body.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", body.as_str()),
    };
    let mut out = String::with_capacity(target);
    out.push_str(sign);
    out.extend(std::iter::repeat_n('0', target - body.len()));
    out.push_str(digits);
    text(out)
}

/// §13.3.3 `s.int(x)` (also the deprecated `s.number(x: long)`): decimal digits with a
/// leading `-` if negative.
pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
    text(args::long(a, 0)?.to_string())
}

fn width_and_pad(a: &[Value]) -> Result<(i64, i32, bool), PfaError> {
    Ok((args::long(a, 0)?, args::int(a, 1)?, args::boolean(a, 2)?))
}

/// §13.3.3 `s.int(x, width, zeroPad)`.
pub(crate) fn int_padded(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, width, zero_pad) = width_and_pad(a)?;
    pad_integer(x.to_string(), width, zero_pad, INT_NEGATIVE_WIDTH)
}

/// §13.3.5 deprecated `s.number(x: long, width, zeroPad)`: `s.int` with its own error
/// code.
pub(crate) fn number_long_padded(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, width, zero_pad) = width_and_pad(a)?;
    pad_integer(x.to_string(), width, zero_pad, NUMBER_NEGATIVE_WIDTH)
}

/// §13.3.4 `s.hex(x)`: lowercase hexadecimal digits of a non-negative long.
pub(crate) fn hex(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::long(a, 0)?;
    if x < 0 {
        return Err(fail(NEGATIVE_NUMBER));
    }
    text(format!("{x:x}"))
}

/// §13.3.4 `s.hex(x, width, zeroPad)`. A negative number is reported before a bad
/// width.
pub(crate) fn hex_padded(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, width, zero_pad) = width_and_pad(a)?;
    if x < 0 {
        return Err(fail(NEGATIVE_NUMBER));
    }
    pad_integer(format!("{x:x}"), width, zero_pad, HEX_NEGATIVE_WIDTH)
}

/// Argument `i` as a `union<int, null>`.
fn maybe_int(a: &[Value], i: usize) -> Result<Option<i32>, PfaError> {
    match a.get(i) {
        Some(Value::Int(x)) => Ok(Some(*x)),
        Some(Value::Null) => Ok(None),
        _ => Err(wrong_arg(i, "an int or null")),
    }
}

/// §13.3.5 `s.number(x, width, precision)` with the default exponent limits.
pub(crate) fn number(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::double(a, 0)?;
    let (width, precision) = (maybe_int(a, 1)?, maybe_int(a, 2)?);
    text(format_double(x, width, precision, MIN_NO_EXP, MAX_NO_EXP)?)
}

/// §13.3.5 `s.number(x, width, precision, minNoExp, maxNoExp)`.
pub(crate) fn number_limits(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::double(a, 0)?;
    let (width, precision) = (maybe_int(a, 1)?, maybe_int(a, 2)?);
    let (min, max) = (args::double(a, 3)?, args::double(a, 4)?);
    text(format_double(x, width, precision, min, max)?)
}

/// Formats a double as `s.number` describes.
///
/// - `precision`: digits after the decimal point; if omitted, six, with trailing zeros
///   removed down to one digit ("at most six digits after the decimal point will be
///   shown, unless they are zero"). Precision 0 still shows one digit after the point,
///   because "floating point numbers always have a decimal point with at least one digit
///   after the decimal, even if it is zero": 17 becomes "17.0", 0.9 becomes "1.0".
/// - Fixed notation if `x` is zero or `min_no_exp ≤ |x| ≤ max_no_exp` (a NaN limit
///   admits nothing), otherwise scientific.
/// - `width`: see [`justify`]; omitted or too small, the number takes what it needs.
pub(crate) fn format_double(
    x: f64,
    width: Option<i32>,
    precision: Option<i32>,
    min_no_exp: f64,
    max_no_exp: f64,
) -> Result<String, PfaError> {
    let digits = match precision {
        Some(p) if p < 0 => return Err(fail(NEGATIVE_PRECISION)),
        Some(p) => p.unsigned_abs() as usize,
        None => DEFAULT_PRECISION,
    };
    let body = if x.is_nan() {
        "nan".to_string()
    } else if x.is_infinite() {
        (if x > 0.0 { "inf" } else { "-inf" }).to_string()
    } else {
        check_size(digits.checked_add(FIXED_OVERHEAD))?;
        // Negative zero is written as zero.
        let x = if x == 0.0 { 0.0 } else { x };
        let v = x.abs();
        let (mut mantissa, exponent) = if v == 0.0 || (min_no_exp <= v && v <= max_no_exp) {
            (format!("{x:.digits$}"), None)
        } else {
            scientific(x, digits)
        };
        if precision.is_none() {
            drop_trailing_zeros(&mut mantissa);
        } else if !mantissa.contains('.') {
            mantissa.push_str(".0");
        }
        match exponent {
            Some(e) => format!(
                "{mantissa}e{}{:02}",
                if e < 0 { '-' } else { '+' },
                e.unsigned_abs()
            ),
            None => mantissa,
        }
    };
    match width {
        Some(w) => justify(body, w),
        None => Ok(body),
    }
}

/// `x` as `d.ddd` × 10^e with `digits` digits after the point: the mantissa text and
/// the exponent.
fn scientific(x: f64, digits: usize) -> (String, Option<i32>) {
    let s = format!("{x:.digits$e}");
    match s.split_once('e') {
        Some((m, e)) => (m.to_string(), Some(e.parse().unwrap_or(0))),
        None => (s, None),
    }
}

/// "1.500000" → "1.5", "2.000000" → "2.0": trailing zeros of the fraction go, but one
/// digit stays after the point.
fn drop_trailing_zeros(mantissa: &mut String) {
    if let Some(point) = mantissa.find('.') {
        let keep = mantissa.trim_end_matches('0').len().max(point + 2);
        mantissa.truncate(keep);
    }
}
