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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::library::model::testing::{assert_double, assert_err, Fixture};
    use crate::types::Type;

    fn d(x: f64) -> Value {
        Value::Double(x)
    }

    #[test]
    fn triggers() {
        let mut fx = Fixture::new();
        let t = fx.ty(json!({"type": "record", "name": "H", "fields": [
            {"name": "longestRun", "type": "int"}, {"name": "numEvents", "type": "int"},
            {"name": "numRuns", "type": "int"}, {"name": "currentRun", "type": "int"},
            {"name": "label", "type": "string"}]}));
        let step = |p: bool, h: serde_json::Value| {
            let args = [Value::Boolean(p), fx.val(h, &t)];
            fx.run(
                update_trigger,
                &[Type::Boolean, t.clone()],
                &args,
                Vec::new(),
            )
            .map(|v| fx.json(&v, &t))
        };
        let h = |e: i32, n: i32, c: i32, l: i32| json!({"longestRun": l, "numEvents": e, "numRuns": n, "currentRun": c, "label": "x"});
        // (predicate, before, after) as (numEvents, numRuns, currentRun, longestRun)
        let cases = [
            (true, (0, 0, 0, 0), (1, 1, 1, 1)),
            (true, (1, 1, 1, 1), (2, 1, 2, 2)),
            (false, (2, 1, 2, 2), (2, 1, 0, 2)),
            (true, (2, 1, 0, 2), (3, 2, 1, 2)),
            (false, (0, 0, 0, 5), (0, 0, 0, 5)),
        ];
        for (p, (e, n, c, l), (e2, n2, c2, l2)) in cases {
            assert_eq!(
                step(p, h(e, n, c, l)).unwrap(),
                h(e2, n2, c2, l2),
                "{p} {e} {n} {c} {l}"
            );
        }
        for bad in [
            h(-1, 0, 0, 0),
            h(0, -1, 0, 0),
            h(0, 0, -1, 0),
            h(0, 0, 0, -1),
        ] {
            assert_err(step(false, bad).map(|_| Value::Null), COUNTER_OUT_OF_RANGE);
        }
        assert_err(
            step(true, h(i32::MAX, 0, 0, 0)).map(|_| Value::Null),
            COUNTER_OUT_OF_RANGE,
        );
    }

    #[test]
    fn z_values_and_cusum() {
        let mut fx = Fixture::new();
        let t = fx.ty(json!({"type": "record", "name": "MV", "fields": [
            {"name": "count", "type": "double"}, {"name": "mean", "type": "double"},
            {"name": "variance", "type": "double"}]}));
        let z = |x: f64, c: f64, m: f64, v: f64, unbiased: Option<bool>| {
            let Type::Record(id) = t else {
                panic!("a record type")
            };
            let mut args = vec![d(x), Value::record(id, vec![d(c), d(m), d(v)])];
            args.extend(unbiased.map(Value::Boolean));
            fx.run(z_value, &[], &args, Vec::new())
        };
        assert_double(z(5.0, 10.0, 1.0, 4.0, None), 2.0);
        assert_double(z(5.0, 10.0, 1.0, 4.0, Some(false)), 2.0);
        assert_double(z(5.0, 5.0, 1.0, 4.0, Some(true)), 2.0 * 1.25_f64.sqrt());
        assert_double(z(5.0, 0.5, 1.0, 4.0, Some(true)), f64::NAN);
        assert_double(z(5.0, 10.0, 1.0, -4.0, None), f64::NAN);
        assert_double(z(1.0, 10.0, 1.0, 0.0, None), f64::NAN);

        let cusum = |llr: f64, last: f64, reset: f64| {
            fx.run(update_cusum, &[], &[d(llr), d(last), d(reset)], Vec::new())
        };
        assert_double(cusum(1.5, 2.0, 0.0), 3.5);
        assert_double(cusum(-5.0, 2.0, 0.0), 0.0);
        assert_double(cusum(f64::NAN, 2.0, 0.0), 0.0);
    }
}
