//! Casting library (spec §16): `cast.*`, numbers to other numeric types, categorical
//! values fanned out to indicator arrays, and any value serialized as Avro or JSON.

#[cfg(test)]
mod tests;

use std::collections::HashSet;

use super::args::{self, fail, ErrCode, Ret};
use super::math::rounding::round_half_up;
use super::string::{by_sig, string, strings, text};
use super::{Host, Registry};
use crate::error::PfaError;
use crate::types::NamedKind;
use crate::value::avro_binary;
use crate::value::json::{to_json, JsonStyle};
use crate::value::Value;

/// `cast.signed` with `bits` outside [2, 64].
pub(crate) const SIGNED_BITS: ErrCode = (17000, "unrepresentable unsigned number");
/// `cast.unsigned` with `bits` outside [1, 63].
pub(crate) const UNSIGNED_BITS: ErrCode = (17010, "unrepresentable unsigned number");
/// `cast.int` of a value whose rounding is not an int (NaN and infinities included).
pub(crate) const INT_OVERFLOW: ErrCode = (17020, "int overflow");
/// `cast.long` of a value whose rounding is not a long (NaN and infinities included).
pub(crate) const LONG_OVERFLOW: ErrCode = (17030, "long overflow");

/// The largest array a fan-out builds (an int range of two billion values would
/// otherwise be allocated as asked).
pub(crate) const MAX_FANOUT_ITEMS: usize = 1 << 24;

/// Registers `cast.*`.
pub fn register(r: &mut Registry) {
    r.def("cast.signed")
        .sig("(x: long, bits: int) -> long")
        .errors(&[SIGNED_BITS])
        .native(signed);
    r.def("cast.unsigned")
        .sig("(x: long, bits: int) -> long")
        .errors(&[UNSIGNED_BITS])
        .native(unsigned);
    numbers::register(r);
    fanout::register(r);
    r.def("cast.avro").sig("(x: any A) -> bytes").native(avro);
    r.def("cast.json").sig("(x: any A) -> string").native(json);
}

// ---------------------------------------------------------------------------------------
// §16.1.1-2 Wrap-around

/// §16.1.1: the low `bits` bits of `x` read as a two's complement number (the sign
/// bit is bit `bits - 1`).
pub(crate) fn signed(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, bits) = (args::long(a, 0)?, args::int(a, 1)?);
    let shift = match u32::try_from(bits) {
        Ok(b @ 2..=64) => 64 - b,
        _ => return Err(fail(SIGNED_BITS)),
    };
    // Move the sign bit to bit 63, then shift back arithmetically to extend it.
    Ok(Value::Long((x << shift) >> shift))
}

/// §16.1.2: the low `bits` bits of `x` read as an unsigned number (never negative, as
/// at most 63 bits are kept).
pub(crate) fn unsigned(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, bits) = (args::long(a, 0)?, args::int(a, 1)?);
    match u32::try_from(bits) {
        Ok(b @ 1..=63) => Ok(Value::Long(x & (i64::MAX >> (63 - b)))),
        _ => Err(fail(UNSIGNED_BITS)),
    }
}

// ---------------------------------------------------------------------------------------
// §16.1.3-6 Numeric types

/// `cast.int`, `cast.long`, `cast.float`, `cast.double` (§16.1.3-6), one signature per
/// source type. Rounding to an integer takes the nearest one, halves rounded up
/// (floor(x + 0.5) computed exactly), as `m.round` does; NaN and infinities overflow.
pub(crate) mod numbers {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("cast.int")
            .sig("(x: int) -> int")
            .sig("(x: long) -> int")
            .sig("(x: float) -> int")
            .sig("(x: double) -> int")
            .errors(&[INT_OVERFLOW])
            .specialize(|s| by_sig(s, &[identity, long_to_int, float_to_int, double_to_int]));
        r.def("cast.long")
            .sig("(x: int) -> long")
            .sig("(x: long) -> long")
            .sig("(x: float) -> long")
            .sig("(x: double) -> long")
            .errors(&[LONG_OVERFLOW])
            .specialize(|s| by_sig(s, &[int_to_long, identity, float_to_long, double_to_long]));
        r.def("cast.float")
            .sig("(x: int) -> float")
            .sig("(x: long) -> float")
            .sig("(x: float) -> float")
            .sig("(x: double) -> float")
            .specialize(|s| by_sig(s, &[int_to_float, long_to_float, identity, double_to_float]));
        r.def("cast.double")
            .sig("(x: int) -> double")
            .sig("(x: long) -> double")
            .sig("(x: float) -> double")
            .sig("(x: double) -> double")
            .specialize(|s| {
                by_sig(
                    s,
                    &[int_to_double, long_to_double, float_to_double, identity],
                )
            });
    }

    /// Same type in and out.
    pub(crate) fn identity(_: &mut dyn Host, a: &[Value]) -> Ret {
        args::any(a, 0).cloned()
    }

    /// A whole number (or NaN/infinity) as an int, if it is one.
    fn whole_to_int(r: f64) -> Ret {
        // NaN fails the range test.
        if (-2_147_483_648.0..=2_147_483_647.0).contains(&r) {
            Ok(Value::Int(r as i32))
        } else {
            Err(fail(INT_OVERFLOW))
        }
    }

    /// A whole number (or NaN/infinity) as a long, if it is one.
    fn whole_to_long(r: f64) -> Ret {
        // 2^63 is the first double above the long range; -2^63 is in range.
        if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&r) {
            Ok(Value::Long(r as i64))
        } else {
            Err(fail(LONG_OVERFLOW))
        }
    }

    pub(crate) fn long_to_int(_: &mut dyn Host, a: &[Value]) -> Ret {
        i32::try_from(args::long(a, 0)?)
            .map(Value::Int)
            .map_err(|_| fail(INT_OVERFLOW))
    }

    pub(crate) fn float_to_int(_: &mut dyn Host, a: &[Value]) -> Ret {
        whole_to_int(round_half_up(f64::from(args::float(a, 0)?)))
    }

    pub(crate) fn double_to_int(_: &mut dyn Host, a: &[Value]) -> Ret {
        whole_to_int(round_half_up(args::double(a, 0)?))
    }

    pub(crate) fn int_to_long(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Long(i64::from(args::int(a, 0)?)))
    }

    pub(crate) fn float_to_long(_: &mut dyn Host, a: &[Value]) -> Ret {
        whole_to_long(round_half_up(f64::from(args::float(a, 0)?)))
    }

    pub(crate) fn double_to_long(_: &mut dyn Host, a: &[Value]) -> Ret {
        whole_to_long(round_half_up(args::double(a, 0)?))
    }

    /// Rounded to the nearest float (ties to even), as IEEE 754 conversion does.
    pub(crate) fn int_to_float(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Float(args::int(a, 0)? as f32))
    }

    /// Rounded to the nearest float (ties to even).
    pub(crate) fn long_to_float(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Float(args::long(a, 0)? as f32))
    }

    /// Rounded to the nearest float (ties to even); beyond the float range, an
    /// infinity.
    pub(crate) fn double_to_float(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Float(args::double(a, 0)? as f32))
    }

    /// Exact.
    pub(crate) fn int_to_double(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(f64::from(args::int(a, 0)?)))
    }

    /// Rounded to the nearest double (ties to even) beyond 2^53.
    pub(crate) fn long_to_double(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(args::long(a, 0)? as f64))
    }

    /// Exact: the float's own value, so 0.1f becomes 0.10000000149011612, not 0.1.
    pub(crate) fn float_to_double(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(f64::from(args::float(a, 0)?)))
    }
}

// ---------------------------------------------------------------------------------------
// §16.2 Fan-out

/// `cast.fanoutBoolean`, `cast.fanoutInt`, `cast.fanoutLong`, `cast.fanoutFloat` and
/// `cast.fanoutDouble` (§16.2): one indicator per category, 1 (or true) for the
/// category of `x` and 0 (or false) elsewhere. The categories are an enum's symbols in
/// order, a dictionary of distinct strings, or the ints of `[minimum, maximum)` (none if
/// `maximum` ≤ `minimum`); with `outOfRange`, one more indicator at the end is set when
/// `x` is none of them.
pub(crate) mod fanout {
    use super::*;

    /// Output item kinds, as const generic parameters.
    const BOOLEAN: u8 = 0;
    const INT: u8 = 1;
    const LONG: u8 = 2;
    const FLOAT: u8 = 3;
    const DOUBLE: u8 = 4;

    /// Repeated dictionary entries, per output kind.
    pub(crate) const BOOLEAN_DUPLICATES: ErrCode = (17060, "non-distinct values in dictionary");
    pub(crate) const INT_DUPLICATES: ErrCode = (17070, "non-distinct values in dictionary");
    pub(crate) const LONG_DUPLICATES: ErrCode = (17080, "non-distinct values in dictionary");
    pub(crate) const FLOAT_DUPLICATES: ErrCode = (17090, "non-distinct values in dictionary");
    pub(crate) const DOUBLE_DUPLICATES: ErrCode = (17100, "non-distinct values in dictionary");

    const fn duplicates(kind: u8) -> ErrCode {
        match kind {
            BOOLEAN => BOOLEAN_DUPLICATES,
            INT => INT_DUPLICATES,
            LONG => LONG_DUPLICATES,
            FLOAT => FLOAT_DUPLICATES,
            _ => DOUBLE_DUPLICATES,
        }
    }

    macro_rules! fanouts {
        ($($name:literal, $kind:ident, $item:literal, $dup:ident;)*) => {
            pub(super) fn register(r: &mut Registry) {
                $(
                    r.def($name)
                        .sig(concat!("(x: enum A) -> array<", $item, ">"))
                        .sig(concat!(
                            "(x: string, dictionary: array<string>, outOfRange: boolean) -> array<",
                            $item,
                            ">"
                        ))
                        .sig(concat!(
                            "(x: int, minimum: int, maximum: int, outOfRange: boolean) -> array<",
                            $item,
                            ">"
                        ))
                        .errors(&[$dup])
                        .specialize(|s| {
                            by_sig(s, &[by_enum::<$kind>, by_string::<$kind>, by_range::<$kind>])
                        });
                )*
            }
        };
    }

    fanouts! {
        "cast.fanoutBoolean", BOOLEAN, "boolean", BOOLEAN_DUPLICATES;
        "cast.fanoutInt", INT, "int", INT_DUPLICATES;
        "cast.fanoutLong", LONG, "long", LONG_DUPLICATES;
        "cast.fanoutFloat", FLOAT, "float", FLOAT_DUPLICATES;
        "cast.fanoutDouble", DOUBLE, "double", DOUBLE_DUPLICATES;
    }

    /// One indicator of kind `K`.
    fn item<const K: u8>(on: bool) -> Value {
        match K {
            BOOLEAN => Value::Boolean(on),
            INT => Value::Int(i32::from(on)),
            LONG => Value::Long(i64::from(on)),
            FLOAT => Value::Float(if on { 1.0 } else { 0.0 }),
            _ => Value::Double(if on { 1.0 } else { 0.0 }),
        }
    }

    fn array<const K: u8>(flags: impl Iterator<Item = bool>) -> Ret {
        Ok(Value::array(flags.map(item::<K>).collect()))
    }

    /// `x` of an enum type: one indicator per symbol.
    pub(crate) fn by_enum<const K: u8>(h: &mut dyn Host, a: &[Value]) -> Ret {
        let (id, index) = match args::any(a, 0)? {
            Value::Enum(id, i) => (*id, *i as usize),
            _ => return Err(internal("argument 0 is not an enum value")),
        };
        let n = match h.types().try_get(id).map(|d| &d.kind) {
            Some(NamedKind::Enum { symbols }) => symbols.len(),
            _ => return Err(internal("argument 0 does not have an enum type")),
        };
        array::<K>((0..n).map(|i| i == index))
    }

    /// `x` in a dictionary of strings.
    pub(crate) fn by_string<const K: u8>(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, dictionary, out_of_range) = (string(a, 0)?, strings(a, 1)?, args::boolean(a, 2)?);
        let mut seen = HashSet::with_capacity(dictionary.len());
        if !dictionary.iter().all(|d| seen.insert(*d)) {
            return Err(fail(duplicates(K)));
        }
        let found = seen.contains(x);
        let extra = out_of_range.then_some(!found);
        array::<K>(dictionary.iter().map(|d| *d == x).chain(extra))
    }

    /// `x` in the ints of `[minimum, maximum)`.
    pub(crate) fn by_range<const K: u8>(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, minimum, maximum, out_of_range) = (
            args::int(a, 0)?,
            args::int(a, 1)?,
            args::int(a, 2)?,
            args::boolean(a, 3)?,
        );
        let size = (i64::from(maximum) - i64::from(minimum)).max(0);
        if size > MAX_FANOUT_ITEMS as i64 {
            return Err(internal(&format!(
                "fan-out of {size} values is larger than the engine limit of {MAX_FANOUT_ITEMS}"
            )));
        }
        let extra = out_of_range.then_some(x < minimum || x >= maximum);
        array::<K>((minimum..maximum).map(|i| i == x).chain(extra))
    }
}

#[cold]
#[inline(never)]
fn internal(msg: &str) -> PfaError {
    PfaError::runtime(0, format!("internal error: {msg}"))
}

// ---------------------------------------------------------------------------------------
// §16.3 Serialization

/// §16.3.1: `x` in Avro's binary encoding of its static type (the argument's type at
/// this call site, so a union-typed argument carries its branch index).
pub(crate) fn avro(h: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::any(a, 0)?;
    let mut out = Vec::new();
    avro_binary::encode(x, h.arg_type(0), h.types(), &mut out)?;
    Ok(Value::Bytes(out.into()))
}

/// §16.3.2: `x` as compact JSON text in Avro's JSON encoding of its static type:
/// records as objects with fields in order, enums as their symbols, union values other
/// than null tagged as `{"branch": value}`, bytes and fixed as strings of the code points
/// 0-255, non-finite numbers as the strings "NaN", "Infinity" and "-Infinity".
pub(crate) fn json(h: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::any(a, 0)?;
    let j = to_json(x, h.arg_type(0), h.types(), JsonStyle::Avro);
    match serde_json::to_string(&j) {
        Ok(s) => text(s),
        Err(e) => Err(internal(&e.to_string())),
    }
}
