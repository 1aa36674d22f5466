//! Change detection (spec §25.3): stat.change.*

use super::super::args::{self, any, fail, ErrCode, Ret};
use super::super::model::rec;
use super::super::{Host, Registry};
use super::{get_f64, get_i32, replaced, required};
use crate::value::Value;

const COUNTER_OUT_OF_RANGE: ErrCode = (37000, "counter out of range");

/// Registers stat.change.*.
pub(super) fn register(r: &mut Registry) {
    r.def("stat.change.updateTrigger")
        .sig("(predicate: boolean, history: record A {numEvents: int, numRuns: int, currentRun: int, longestRun: int}) -> A")
        .errors(&[COUNTER_OUT_OF_RANGE])
        .native(update_trigger);
    r.def("stat.change.zValue")
        .sig("(x: double, meanVariance: record A {mean: double, variance: double}) -> double")
        .sig("(x: double, meanVariance: record A {count: double, mean: double, variance: double}, unbiased: boolean) -> double")
        .native(z_value);
    r.def("stat.change.updateCUSUM")
        .sig("(logLikelihoodRatio: double, last: double, reset: double) -> double")
        .native(update_cusum);
}

/// §25.3.1. `numEvents` counts the times the predicate was true (the field's
/// definition; it is not incremented on false). A counter that would pass the int range
/// is out of range too.
fn update_trigger(host: &mut dyn Host, a: &[Value]) -> Ret {
    let predicate = args::boolean(a, 0)?;
    let r = rec(any(a, 1)?)?;
    let types = host.types();
    let idx = [
        required(types, r.ty, "numEvents")?,
        required(types, r.ty, "numRuns")?,
        required(types, r.ty, "currentRun")?,
        required(types, r.ty, "longestRun")?,
    ];
    let [mut events, mut runs, mut current, mut longest] = [
        get_i32(r, idx[0])?,
        get_i32(r, idx[1])?,
        get_i32(r, idx[2])?,
        get_i32(r, idx[3])?,
    ];
    if events < 0 || runs < 0 || current < 0 || longest < 0 {
        return Err(fail(COUNTER_OUT_OF_RANGE));
    }
    let inc = |n: i32| n.checked_add(1).ok_or_else(|| fail(COUNTER_OUT_OF_RANGE));
    if predicate {
        events = inc(events)?;
        if current == 0 {
            runs = inc(runs)?;
        }
        current = inc(current)?;
        longest = longest.max(current);
    } else {
        current = 0;
    }
    replaced(
        r,
        [
            (idx[0], Value::Int(events)),
            (idx[1], Value::Int(runs)),
            (idx[2], Value::Int(current)),
            (idx[3], Value::Int(longest)),
        ],
    )
}

/// §25.3.2. A negative variance (or count ratio) has no square root: NaN.
fn z_value(host: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::double(a, 0)?;
    let r = rec(any(a, 1)?)?;
    let types = host.types();
    let mean = get_f64(r, required(types, r.ty, "mean")?)?;
    let variance = get_f64(r, required(types, r.ty, "variance")?)?;
    let sigma = if variance >= 0.0 {
        variance.sqrt()
    } else {
        f64::NAN
    };
    let z = (x - mean) / sigma;
    // The second signature's `unbiased` flag asks for Bessel's correction.
    let unbiased = a.len() > 2 && args::boolean(a, 2)?;
    if !unbiased {
        return Ok(Value::Double(z));
    }
    let count = get_f64(r, required(types, r.ty, "count")?)?;
    let ratio = count / (count - 1.0);
    let correction = if ratio >= 0.0 { ratio.sqrt() } else { f64::NAN };
    Ok(Value::Double(z * correction))
}

/// §25.3.3. `max(logLikelihoodRatio + last, reset)`, with `reset` when the sum is NaN.
fn update_cusum(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (llr, last, reset) = (
        args::double(a, 0)?,
        args::double(a, 1)?,
        args::double(a, 2)?,
    );
    let out = llr + last;
    Ok(Value::Double(if out > reset { out } else { reset }))
}
