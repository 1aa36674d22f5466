//! Parsing library (spec §15): `parse.*`, numbers from strings.
//!
//! All four functions first remove leading and trailing whitespace and ignore case. The
//! accepted syntax is exactly the spec's: `[-+]?[0-9a-z]+` for integers (digits below
//! the base; no `0x` prefixes, underscores or inner spaces), and
//! `[-+]?(\.?[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?`, `inf`, `+inf`, `-inf` or `nan`
//! for floating point. Floating point values are rounded once, correctly, to the target
//! precision: too large becomes an infinity and too small becomes zero.

#[cfg(test)]
mod tests;

use super::args::{self, fail, ErrCode, Ret};
use super::string::string;
use super::{Host, Registry};
use crate::value::Value;

/// `parse.int` of a string that is not an int in the base.
pub(crate) const NOT_INT: ErrCode = (33000, "not an integer");
/// `parse.int` with a base outside [2, 36].
pub(crate) const INT_BASE: ErrCode = (33001, "base out of range");
/// `parse.long` of a string that is not a long in the base.
pub(crate) const NOT_LONG: ErrCode = (33010, "not a long integer");
/// `parse.long` with a base outside [2, 36].
pub(crate) const LONG_BASE: ErrCode = (33011, "base out of range");
/// `parse.float` of a string that is not a number.
pub(crate) const NOT_FLOAT: ErrCode = (33020, "not a single-precision float");
/// `parse.double` of a string that is not a number.
pub(crate) const NOT_DOUBLE: ErrCode = (33030, "not a double-precision float");

/// Registers `parse.*`.
pub fn register(r: &mut Registry) {
    r.def("parse.int")
        .sig("(str: string, base: int) -> int")
        .errors(&[NOT_INT, INT_BASE])
        .native(int);
    r.def("parse.long")
        .sig("(str: string, base: int) -> long")
        .errors(&[NOT_LONG, LONG_BASE])
        .native(long);
    r.def("parse.float")
        .sig("(str: string) -> float")
        .errors(&[NOT_FLOAT])
        .native(float);
    r.def("parse.double")
        .sig("(str: string) -> double")
        .errors(&[NOT_DOUBLE])
        .native(double);
}

/// Why a string is not an integer of the wanted size.
enum IntError {
    /// The base is outside [2, 36].
    Base,
    /// Not `[-+]?[0-9a-z]+` with digits below the base, or out of range.
    NotInteger,
}

/// The value of `s` (`[-+]?[0-9a-z]+`, any case, surrounding whitespace allowed) in
/// `base`, if it lies in `[min, max]`. A bad base is checked first, so it is reported
/// even for a string that is not a number.
fn integer(s: &str, base: i32, min: i64, max: i64) -> Result<i64, IntError> {
    let radix = match u32::try_from(base) {
        Ok(b @ 2..=36) => b,
        _ => return Err(IntError::Base),
    };
    let s = s.trim();
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..).unwrap_or("")),
        Some(b'+') => (false, s.get(1..).unwrap_or("")),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err(IntError::NotInteger);
    }
    // The magnitude may be one more than `max` (the most negative value); the loop
    // stops soon after that, so i128 never overflows.
    let mut magnitude: i128 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix).ok_or(IntError::NotInteger)?;
        magnitude = magnitude * i128::from(radix) + i128::from(d);
        if magnitude > i128::from(max) + 1 {
            return Err(IntError::NotInteger);
        }
    }
    let value = if negative { -magnitude } else { magnitude };
    if value < i128::from(min) || value > i128::from(max) {
        return Err(IntError::NotInteger);
    }
    i64::try_from(value).map_err(|_| IntError::NotInteger)
}

/// §15.1.1: a 32-bit integer in base 2 to 36.
pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (s, base) = (string(a, 0)?, args::int(a, 1)?);
    match integer(s, base, i64::from(i32::MIN), i64::from(i32::MAX)) {
        Ok(v) => i32::try_from(v).map(Value::Int).map_err(|_| fail(NOT_INT)),
        Err(IntError::Base) => Err(fail(INT_BASE)),
        Err(IntError::NotInteger) => Err(fail(NOT_INT)),
    }
}

/// §15.1.2: a 64-bit integer in base 2 to 36.
pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (s, base) = (string(a, 0)?, args::int(a, 1)?);
    match integer(s, base, i64::MIN, i64::MAX) {
        Ok(v) => Ok(Value::Long(v)),
        Err(IntError::Base) => Err(fail(LONG_BASE)),
        Err(IntError::NotInteger) => Err(fail(NOT_LONG)),
    }
}

/// What a floating-point string denotes, before rounding to a precision.
enum Floating<'a> {
    /// Validated decimal syntax, to be rounded by the standard library's parser.
    Decimal(&'a str),
    /// `inf` or `+inf` (`false`), `-inf` (`true`).
    Infinite(bool),
    /// `nan`.
    Nan,
}

/// Checks `s` against the spec's syntax (after trimming; letters in any case).
fn floating(s: &str) -> Option<Floating<'_>> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("nan") {
        return Some(Floating::Nan);
    }
    if s.eq_ignore_ascii_case("inf") || s.eq_ignore_ascii_case("+inf") {
        return Some(Floating::Infinite(false));
    }
    if s.eq_ignore_ascii_case("-inf") {
        return Some(Floating::Infinite(true));
    }
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    // `\.?[0-9]+` or `[0-9]+\.[0-9]*`: digits before or after the point (or both).
    let before = digits(&mut i);
    let mut after = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        after = digits(&mut i);
    }
    if before == 0 && after == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    (i == b.len()).then_some(Floating::Decimal(s))
}

/// §15.1.3: a single-precision float, rounded directly from the decimal text (not
/// through a double, which could round twice).
pub(crate) fn float(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = match floating(string(a, 0)?) {
        Some(Floating::Decimal(d)) => d.parse::<f32>().map_err(|_| fail(NOT_FLOAT))?,
        Some(Floating::Infinite(neg)) => {
            if neg {
                f32::NEG_INFINITY
            } else {
                f32::INFINITY
            }
        }
        Some(Floating::Nan) => f32::NAN,
        None => return Err(fail(NOT_FLOAT)),
    };
    Ok(Value::Float(x))
}

/// §15.1.4: a double-precision float.
pub(crate) fn double(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = match floating(string(a, 0)?) {
        Some(Floating::Decimal(d)) => d.parse::<f64>().map_err(|_| fail(NOT_DOUBLE))?,
        Some(Floating::Infinite(neg)) => {
            if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }
        }
        Some(Floating::Nan) => f64::NAN,
        None => return Err(fail(NOT_DOUBLE)),
    };
    Ok(Value::Double(x))
}
