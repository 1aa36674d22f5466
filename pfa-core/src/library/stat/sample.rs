//! Sample statistics (spec §25.2): stat.sample.*
//!
//! The update functions run on every record scored, typically inside a cell or pool
//! update: each reads the state record in place and builds the new record once, copying
//! fields it does not know unaltered. The arithmetic follows the reference
//! implementations operation by operation, so that long-running accumulations agree
//! with them to the last bit.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::super::args::{self, any, fail, ErrCode, Ret};
use super::super::la::filled_size;
use super::super::model::{arr, internal, map, num, rec};
use super::super::{Host, NativeFn, Registry, Spec};
use super::{
    get, get_f64, get_i32, optional, position, replaced, required, sig_fields, too_large, MAX_ITEMS,
};
use crate::error::PfaError;
use crate::types::{Type, TypeId};
use crate::value::{MapData, Record, Value};

const COVARIANCE_TOO_FEW: ErrCode = (14011, "too few components");
const COVARIANCE_UNEQUAL: ErrCode = (14012, "unequal length arrays");
const WINDOW_SIZE: ErrCode = (14020, "windowSize must be at least 2");
const WINDOW_UNRECOGNIZED: ErrCode = (14021, "cannot initialize unrecognized fields");
const EWMA_ALPHA: ErrCode = (14030, "alpha out of range");
const HW_ALPHA: ErrCode = (14040, "alpha out of range");
const HW_BETA: ErrCode = (14041, "beta out of range");
const HWP_ALPHA: ErrCode = (14050, "alpha out of range");
const HWP_BETA: ErrCode = (14051, "beta out of range");
const HWP_GAMMA: ErrCode = (14052, "gamma out of range");
const HWP_EMPTY: ErrCode = (14053, "empty cycle");
const FORECAST1_EMPTY: ErrCode = (14060, "empty cycle");
const FORECAST_EMPTY: ErrCode = (14070, "empty cycle");
const HIST_SIZE: ErrCode = (14080, "wrong histogram size");
const HIST_RANGE: ErrCode = (14081, "bad histogram range");
const HIST_SCALE: ErrCode = (14082, "bad histogram scale");
const HIST_RANGES: ErrCode = (14083, "bad histogram ranges");
const HIST2D_SIZE: ErrCode = (14090, "wrong histogram size");
const HIST2D_RANGE: ErrCode = (14091, "bad histogram range");
const HIST2D_SCALE: ErrCode = (14092, "bad histogram scale");

/// Registers stat.sample.*.
pub(super) fn register(r: &mut Registry) {
    r.def("stat.sample.update")
        .sig("(x: double, w: double, state: record A {count: double}) -> A")
        .specialize(|s| mean_variance(s, "stat.sample.update", 2, update));
    r.def("stat.sample.updateCovariance")
        .sig("(x: array<double>, w: double, state: record A {count: double, mean: array<double>, covariance: array<array<double>>}) -> A")
        .sig("(x: map<double>, w: double, state: record A {count: map<map<double>>, mean: map<double>, covariance: map<map<double>>}) -> A")
        .errors(&[COVARIANCE_TOO_FEW, COVARIANCE_UNEQUAL])
        .specialize(|s| Ok(if s.sig == 0 { covariance_array } else { covariance_map }));
    r.def("stat.sample.updateWindow")
        .sig("(x: double, w: double, state: array<record A {x: double, w: double, count: double}>, windowSize: int) -> array<A>")
        .errors(&[WINDOW_SIZE, WINDOW_UNRECOGNIZED])
        .specialize(|s| mean_variance(s, "stat.sample.updateWindow", 2, update_window));
    r.def("stat.sample.updateEWMA")
        .sig("(x: double, alpha: double, state: record A {mean: double}) -> A")
        .errors(&[EWMA_ALPHA])
        .specialize(|s| {
            let fields = sig_fields(s, 2)?;
            optional(
                "stat.sample.updateEWMA",
                fields,
                "variance",
                &Type::Double,
                s.types,
            )?;
            Ok(update_ewma as NativeFn)
        });
    r.def("stat.sample.updateHoltWinters")
        .sig("(x: double, alpha: double, beta: double, state: record A {level: double, trend: double}) -> A")
        .errors(&[HW_ALPHA, HW_BETA])
        .native(update_holt_winters);
    r.def("stat.sample.updateHoltWintersPeriodic")
        .sig("(x: double, alpha: double, beta: double, gamma: double, state: record A {level: double, trend: double, cycle: array<double>, multiplicative: boolean}) -> A")
        .errors(&[HWP_ALPHA, HWP_BETA, HWP_GAMMA, HWP_EMPTY])
        .native(update_holt_winters_periodic);
    r.def("stat.sample.forecast1HoltWinters")
        .sig("(state: record A {level: double, trend: double}) -> double")
        .errors(&[FORECAST1_EMPTY])
        .specialize(|s| periodic_fields(s, "stat.sample.forecast1HoltWinters", 0, forecast1));
    r.def("stat.sample.forecastHoltWinters")
        .sig("(n: int, state: record A {level: double, trend: double}) -> array<double>")
        .errors(&[FORECAST_EMPTY])
        .specialize(|s| periodic_fields(s, "stat.sample.forecastHoltWinters", 1, forecast));
    r.def("stat.sample.fillHistogram")
        .sig("(x: double, w: double, histogram: record A {numbins: int, low: double, high: double, values: array<double>}) -> A")
        .sig("(x: double, w: double, histogram: record A {low: double, binsize: double, values: array<double>}) -> A")
        .sig("(x: double, w: double, histogram: record A {ranges: array<array<double>>, values: array<double>}) -> A")
        .errors(&[HIST_SIZE, HIST_RANGE, HIST_SCALE, HIST_RANGES])
        .specialize(histogram_method);
    r.def("stat.sample.fillHistogram2d")
        .sig("(x: double, y: double, w: double, histogram: record A {xnumbins: int, xlow: double, xhigh: double, ynumbins: int, ylow: double, yhigh: double, values: array<array<double>>}) -> A")
        .errors(&[HIST2D_SIZE, HIST2D_RANGE, HIST2D_SCALE])
        .specialize(|s| {
            let fields = sig_fields(s, 3)?;
            for name in FLOWS_2D {
                optional("stat.sample.fillHistogram2d", fields, name, &Type::Double, s.types)?;
            }
            Ok(fill_histogram_2d as NativeFn)
        });
    r.def("stat.sample.fillCounter")
        .sig("(x: string, w: double, counter: record A {values: map<double>}) -> A")
        .native(fill_counter);
    r.def("stat.sample.topN")
        .sig("(x: any A, top: array<A>, n: int, lessThan: fcn(A, A) -> boolean) -> array<A>")
        .native(top_n);
}

// ---------------------------------------------------------------------------------------
// Building updated records

/// Field values of a record being updated.
struct Builder {
    ty: TypeId,
    fields: Box<[Value]>,
}

impl Builder {
    fn from(r: &Record) -> Builder {
        Builder {
            ty: r.ty,
            fields: r.fields.clone(),
        }
    }

    fn set(&mut self, i: usize, v: Value) -> Result<(), PfaError> {
        *self
            .fields
            .get_mut(i)
            .ok_or_else(|| internal("record field out of range"))? = v;
        Ok(())
    }

    /// Adds `w` to the double counter at `i` if there is one (adding zero if not
    /// `hit`, which is what the reference implementations write back).
    fn count(&mut self, r: &Record, i: Option<usize>, hit: bool, w: f64) -> Result<(), PfaError> {
        if let Some(i) = i {
            let old = get_f64(r, i)?;
            self.set(i, Value::Double(old + if hit { w } else { 0.0 }))?;
        }
        Ok(())
    }

    fn finish(self) -> Value {
        Value::Record(Arc::new(Record {
            ty: self.ty,
            fields: self.fields,
        }))
    }
}

/// Checks the optional `mean` and `variance` fields of a state record type (parameter
/// `param`, or the items of an array of them): each must be a double, and a variance
/// needs a mean.
fn mean_variance(
    s: &Spec<'_>,
    fcn: &str,
    param: usize,
    native: NativeFn,
) -> Result<NativeFn, String> {
    let fields = sig_fields(s, param)?;
    let mean = optional(fcn, fields, "mean", &Type::Double, s.types)?;
    let variance = optional(fcn, fields, "variance", &Type::Double, s.types)?;
    if variance && !mean {
        return Err(format!(
            "{fcn} with \"variance\" must also have \"mean\" in the state record type"
        ));
    }
    Ok(native)
}

// ---------------------------------------------------------------------------------------
// §25.2.1 Count, mean and variance

fn update(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, w) = (args::double(a, 0)?, args::double(a, 1)?);
    let r = rec(any(a, 2)?)?;
    let types = host.types();
    let ci = required(types, r.ty, "count")?;
    let original = get_f64(r, ci)?;
    let count = original + w;
    let Some(mi) = position(types, r.ty, "mean") else {
        return replaced(r, [(ci, Value::Double(count))]);
    };
    let mean = get_f64(r, mi)?;
    let delta = x - mean;
    let shift = delta * w / count;
    let new_mean = mean + shift;
    match position(types, r.ty, "variance") {
        None => replaced(
            r,
            [(ci, Value::Double(count)), (mi, Value::Double(new_mean))],
        ),
        Some(vi) => {
            let times_count = get_f64(r, vi)? * original + original * delta * shift;
            replaced(
                r,
                [
                    (ci, Value::Double(count)),
                    (mi, Value::Double(new_mean)),
                    (vi, Value::Double(times_count / count)),
                ],
            )
        }
    }
}

// ---------------------------------------------------------------------------------------
// §25.2.2 Covariance

/// The three state fields of `updateCovariance`: count, mean, covariance.
fn covariance_fields(host: &dyn Host, r: &Record) -> Result<[usize; 3], PfaError> {
    let types = host.types();
    Ok([
        required(types, r.ty, "count")?,
        required(types, r.ty, "mean")?,
        required(types, r.ty, "covariance")?,
    ])
}

fn covariance_array(host: &mut dyn Host, a: &[Value]) -> Ret {
    let x = arr(any(a, 0)?)?;
    let w = args::double(a, 1)?;
    let r = rec(any(a, 2)?)?;
    let [ci, mi, vi] = covariance_fields(host, r)?;
    let size = x.len();
    if size < 2 {
        return Err(fail(COVARIANCE_TOO_FEW));
    }
    let old_mean = arr(get(r, mi)?)?;
    let old_cov = arr(get(r, vi)?)?;
    if old_mean.len() != size || old_cov.len() != size {
        return Err(fail(COVARIANCE_UNEQUAL));
    }
    for row in old_cov {
        if arr(row)?.len() != size {
            return Err(fail(COVARIANCE_UNEQUAL));
        }
    }
    let old_count = get_f64(r, ci)?;
    let count = old_count + w;
    let mut xs = Vec::with_capacity(size);
    let mut ms = Vec::with_capacity(size);
    for (xi, mi) in x.iter().zip(old_mean) {
        xs.push(num(xi)?);
        ms.push(num(mi)?);
    }
    let mean: Vec<Value> = xs
        .iter()
        .zip(&ms)
        .map(|(x, m)| Value::Double(m + (x - m) * w / count))
        .collect();
    let mut cov = Vec::with_capacity(size);
    for (i, row) in old_cov.iter().enumerate() {
        let mut out = Vec::with_capacity(size);
        for (j, c) in arr(row)?.iter().enumerate() {
            let dev = (xs[i] - ms[i]) * (xs[j] - ms[j]) * w * old_count;
            out.push(Value::Double((num(c)? * old_count + dev / count) / count));
        }
        cov.push(Value::array(out));
    }
    replaced(
        r,
        [
            (ci, Value::Double(count)),
            (mi, Value::array(mean)),
            (vi, Value::array(cov)),
        ],
    )
}

/// Entry `(i, j)` of a map matrix, zero where missing.
fn entry(m: &MapData, i: &str, j: &str) -> Result<f64, PfaError> {
    match m.get(i) {
        Some(row) => map(row)?.get(j).map_or(Ok(0.0), num),
        None => Ok(0.0),
    }
}

/// Row and column keys of a map matrix.
fn matrix_keys<'a>(m: &'a MapData, into: &mut BTreeSet<&'a Arc<str>>) -> Result<(), PfaError> {
    for (k, row) in m {
        into.insert(k);
        into.extend(map(row)?.keys());
    }
    Ok(())
}

/// The map form: a key missing from `x` contributes with zero weight, and the counts
/// are kept per pair of keys.
fn covariance_map(host: &mut dyn Host, a: &[Value]) -> Ret {
    let x = map(any(a, 0)?)?;
    let w = args::double(a, 1)?;
    let r = rec(any(a, 2)?)?;
    let [ci, mi, vi] = covariance_fields(host, r)?;
    if x.len() < 2 {
        return Err(fail(COVARIANCE_TOO_FEW));
    }
    let old_count = map(get(r, ci)?)?;
    let old_mean = map(get(r, mi)?)?;
    let old_cov = map(get(r, vi)?)?;
    let mut keys: BTreeSet<&Arc<str>> = x.keys().collect();
    matrix_keys(old_count, &mut keys)?;
    matrix_keys(old_cov, &mut keys)?;
    filled_size(keys.len(), keys.len())?;

    let mut count = MapData::new();
    for &i in &keys {
        let mut row = MapData::new();
        for &j in &keys {
            let old = entry(old_count, i, j)?;
            let new = if x.contains_key(i) && x.contains_key(j) {
                old + w
            } else {
                old
            };
            row.insert(Arc::clone(j), Value::Double(new));
        }
        count.insert(Arc::clone(i), Value::Map(Arc::new(row)));
    }
    let mut mean = MapData::new();
    for &i in &keys {
        let old = old_mean.get(i).map_or(Ok(0.0), num)?;
        let new = match x.get(i) {
            Some(xi) => old + (num(xi)? - old) * w / entry(&count, i, i)?,
            None => old,
        };
        mean.insert(Arc::clone(i), Value::Double(new));
    }
    let mut cov = MapData::new();
    for &i in &keys {
        let mut row = MapData::new();
        for &j in &keys {
            let old = entry(old_cov, i, j)?;
            let new = match (x.get(i), x.get(j)) {
                (Some(xi), Some(xj)) => {
                    let old_c = entry(old_count, i, j)?;
                    let mean_i = old_mean.get(i).map_or(Ok(0.0), num)?;
                    let mean_j = old_mean.get(j).map_or(Ok(0.0), num)?;
                    let n = entry(&count, i, j)?;
                    let dev = (num(xi)? - mean_i) * (num(xj)? - mean_j) * w * old_c;
                    (old * old_c + dev / n) / n
                }
                _ => old,
            };
            row.insert(Arc::clone(j), Value::Double(new));
        }
        cov.insert(Arc::clone(i), Value::Map(Arc::new(row)));
    }
    replaced(
        r,
        [
            (ci, Value::Map(Arc::new(count))),
            (mi, Value::Map(Arc::new(mean))),
            (vi, Value::Map(Arc::new(cov))),
        ],
    )
}

// ---------------------------------------------------------------------------------------
// §25.2.3 Windowed count, mean and variance

fn update_window(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, w) = (args::double(a, 0)?, args::double(a, 1)?);
    let state = arr(any(a, 2)?)?;
    let window = args::int(a, 3)?;
    if window < 2 {
        return Err(fail(WINDOW_SIZE));
    }
    let id = match host.arg_type(2) {
        Type::Array(t) => match &**t {
            Type::Record(id) => *id,
            _ => return Err(internal("expected an array of records")),
        },
        _ => return Err(internal("expected an array of records")),
    };
    let types = host.types();
    let Some(last) = state.last() else {
        // The first sample: every field must be one this function can fill in.
        let mut fields = Vec::new();
        for f in types.fields(id) {
            fields.push(Value::Double(match f.name.as_str() {
                "x" | "mean" => x,
                "w" | "count" => w,
                "variance" => 0.0,
                _ => return Err(fail(WINDOW_UNRECOGNIZED)),
            }));
        }
        return Ok(Value::array(vec![Value::record(id, fields)]));
    };
    let last = rec(last)?;
    let [xi, wi, ci] = [
        required(types, id, "x")?,
        required(types, id, "w")?,
        required(types, id, "count")?,
    ];
    let mean_at = position(types, id, "mean");
    let variance_at = position(types, id, "variance");

    // Samples leaving the window: all but the newest `window - 1`.
    let window = usize::try_from(window).unwrap_or(usize::MAX);
    let split = if state.len() >= window {
        state.len() - window + 1
    } else {
        0
    };
    let (removed, kept) = state.split_at(split);

    let original = get_f64(last, ci)?;
    let count = original + w;
    let mut removed_weight = 0.0;
    for old in removed {
        removed_weight += -get_f64(rec(old)?, wi)?;
    }
    let final_count = if removed.is_empty() {
        count
    } else {
        count + removed_weight
    };

    let mut new = Builder::from(last);
    new.set(xi, Value::Double(x))?;
    new.set(wi, Value::Double(w))?;
    new.set(ci, Value::Double(final_count))?;
    if let Some(mi) = mean_at {
        let mut mean = get_f64(last, mi)?;
        let delta = x - mean;
        let shift = delta * w / count;
        mean += shift;
        // Take the leaving samples out of the mean one by one, keeping the variance
        // correction each removal makes.
        let mut accumulated = count;
        let mut correction = 0.0;
        for old in removed {
            let old = rec(old)?;
            let ow = -get_f64(old, wi)?;
            accumulated += ow;
            let delta2 = get_f64(old, xi)? - mean;
            let shift2 = delta2 * ow / accumulated;
            mean += shift2;
            correction += (accumulated - ow) * delta2 * shift2;
        }
        new.set(mi, Value::Double(mean))?;
        if let Some(vi) = variance_at {
            let mut times_count = get_f64(last, vi)? * original;
            times_count += original * delta * shift;
            if !removed.is_empty() {
                times_count += correction;
            }
            new.set(vi, Value::Double(times_count / final_count))?;
        }
    }
    let mut out = Vec::with_capacity(kept.len() + 1);
    out.extend_from_slice(kept);
    out.push(new.finish());
    Ok(Value::array(out))
}

// ---------------------------------------------------------------------------------------
// §25.2.4-5 Exponentially weighted averages and Holt-Winters

/// Whether a weighting factor is outside [0, 1] (NaN is not outside).
#[allow(clippy::manual_range_contains)] // `contains` would reject NaN
fn out_of_unit(x: f64) -> bool {
    x < 0.0 || x > 1.0
}

fn update_ewma(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, alpha) = (args::double(a, 0)?, args::double(a, 1)?);
    if out_of_unit(alpha) {
        return Err(fail(EWMA_ALPHA));
    }
    let r = rec(any(a, 2)?)?;
    let types = host.types();
    let mi = required(types, r.ty, "mean")?;
    let mean = get_f64(r, mi)?;
    let diff = x - mean;
    let incr = alpha * diff;
    match position(types, r.ty, "variance") {
        None => replaced(r, [(mi, Value::Double(mean + incr))]),
        Some(vi) => {
            let variance = (1.0 - alpha) * (get_f64(r, vi)? + diff * incr);
            replaced(
                r,
                [
                    (mi, Value::Double(mean + incr)),
                    (vi, Value::Double(variance)),
                ],
            )
        }
    }
}

fn update_holt_winters(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, alpha, beta) = (
        args::double(a, 0)?,
        args::double(a, 1)?,
        args::double(a, 2)?,
    );
    if out_of_unit(alpha) {
        return Err(fail(HW_ALPHA));
    }
    if out_of_unit(beta) {
        return Err(fail(HW_BETA));
    }
    let r = rec(any(a, 3)?)?;
    let types = host.types();
    let (li, ti) = (
        required(types, r.ty, "level")?,
        required(types, r.ty, "trend")?,
    );
    let (level_prev, trend_prev) = (get_f64(r, li)?, get_f64(r, ti)?);
    let level = alpha * x + (1.0 - alpha) * (level_prev + trend_prev);
    let trend = beta * (level - level_prev) + (1.0 - beta) * trend_prev;
    replaced(r, [(li, Value::Double(level)), (ti, Value::Double(trend))])
}

/// The cycle is rotated left by one; its new first item is this step's cycle value,
/// computed from the item that was second (the value one period back).
fn update_holt_winters_periodic(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, alpha, beta, gamma) = (
        args::double(a, 0)?,
        args::double(a, 1)?,
        args::double(a, 2)?,
        args::double(a, 3)?,
    );
    if out_of_unit(alpha) {
        return Err(fail(HWP_ALPHA));
    }
    if out_of_unit(beta) {
        return Err(fail(HWP_BETA));
    }
    if out_of_unit(gamma) {
        return Err(fail(HWP_GAMMA));
    }
    let r = rec(any(a, 4)?)?;
    let types = host.types();
    let [li, ti, ci, mi] = [
        required(types, r.ty, "level")?,
        required(types, r.ty, "trend")?,
        required(types, r.ty, "cycle")?,
        required(types, r.ty, "multiplicative")?,
    ];
    let (level_prev, trend_prev) = (get_f64(r, li)?, get_f64(r, ti)?);
    let cycle = arr(get(r, ci)?)?;
    let Some(first) = cycle.first() else {
        return Err(fail(HWP_EMPTY));
    };
    let cycle_prev = num(cycle.get(1).unwrap_or(first))?;
    let multiplicative = get(r, mi)?
        .as_bool()
        .ok_or_else(|| internal("expected a boolean field"))?;
    let (level, trend, c) = if multiplicative {
        let level = alpha * x / cycle_prev + (1.0 - alpha) * (level_prev + trend_prev);
        let trend = beta * (level - level_prev) + (1.0 - beta) * trend_prev;
        (level, trend, gamma * x / level + (1.0 - gamma) * cycle_prev)
    } else {
        let level = alpha * (x - cycle_prev) + (1.0 - alpha) * (level_prev + trend_prev);
        let trend = beta * (level - level_prev) + (1.0 - beta) * trend_prev;
        (
            level,
            trend,
            gamma * (x - level) + (1.0 - gamma) * cycle_prev,
        )
    };
    let mut rotated = Vec::with_capacity(cycle.len());
    rotated.push(Value::Double(c));
    if cycle.len() > 1 {
        rotated.extend_from_slice(&cycle[2..]);
        rotated.push(first.clone());
    }
    replaced(
        r,
        [
            (li, Value::Double(level)),
            (ti, Value::Double(trend)),
            (ci, Value::array(rotated)),
        ],
    )
}

/// Checks the optional `cycle` and `multiplicative` fields of a forecast's state
/// record (parameter `param`): both or neither, with types `array<double>` and
/// `boolean`.
fn periodic_fields(
    s: &Spec<'_>,
    fcn: &str,
    param: usize,
    native: NativeFn,
) -> Result<NativeFn, String> {
    let fields = sig_fields(s, param)?;
    let cycle = optional(fcn, fields, "cycle", &Type::array(Type::Double), s.types)?;
    let multiplicative = optional(fcn, fields, "multiplicative", &Type::Boolean, s.types)?;
    if cycle != multiplicative {
        return Err(format!(
            "{fcn} is being given a state record type with a \"cycle\" but no \"multiplicative\" or vice-versa"
        ));
    }
    Ok(native)
}

/// A forecast state: level, trend and, for a periodic model, the cycle and whether it
/// is multiplicative.
struct Forecast<'a> {
    level: f64,
    trend: f64,
    cycle: Option<(&'a [Value], bool)>,
}

impl Forecast<'_> {
    /// The prediction `i` steps ahead.
    fn at(&self, i: usize) -> Result<f64, PfaError> {
        let base = self.level + i as f64 * self.trend;
        match self.cycle {
            None => Ok(base),
            Some((cycle, multiplicative)) => {
                let c = num(cycle
                    .get(i % cycle.len().max(1))
                    .ok_or_else(|| internal("empty cycle"))?)?;
                Ok(if multiplicative { base * c } else { base + c })
            }
        }
    }
}

fn forecast_state<'a>(
    host: &dyn Host,
    r: &'a Record,
    empty: ErrCode,
) -> Result<Forecast<'a>, PfaError> {
    let types = host.types();
    let level = get_f64(r, required(types, r.ty, "level")?)?;
    let trend = get_f64(r, required(types, r.ty, "trend")?)?;
    let cycle = match (
        position(types, r.ty, "cycle"),
        position(types, r.ty, "multiplicative"),
    ) {
        (Some(ci), Some(mi)) => {
            let cycle = arr(get(r, ci)?)?;
            if cycle.is_empty() {
                return Err(fail(empty));
            }
            let multiplicative = get(r, mi)?
                .as_bool()
                .ok_or_else(|| internal("expected a boolean field"))?;
            Some((cycle, multiplicative))
        }
        _ => None,
    };
    Ok(Forecast {
        level,
        trend,
        cycle,
    })
}

fn forecast1(host: &mut dyn Host, a: &[Value]) -> Ret {
    let r = rec(any(a, 0)?)?;
    Ok(Value::Double(
        forecast_state(host, r, FORECAST1_EMPTY)?.at(1)?,
    ))
}

fn forecast(host: &mut dyn Host, a: &[Value]) -> Ret {
    let n = args::int(a, 0)?;
    let r = rec(any(a, 1)?)?;
    let state = forecast_state(host, r, FORECAST_EMPTY)?;
    let n = usize::try_from(n).unwrap_or(0);
    if n > MAX_ITEMS {
        return Err(too_large());
    }
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        out.push(Value::Double(state.at(i)?));
    }
    Ok(Value::array(out))
}

// ---------------------------------------------------------------------------------------
// §25.2.6-8 Histograms and counters

/// The optional counters of a one-dimensional histogram.
const FLOWS: [&str; 4] = ["underflow", "overflow", "nanflow", "infflow"];

/// The optional counters of a two-dimensional histogram.
const FLOWS_2D: [&str; 10] = [
    "underunderflow",
    "undermidflow",
    "underoverflow",
    "midunderflow",
    "midoverflow",
    "overunderflow",
    "overmidflow",
    "overoverflow",
    "nanflow",
    "infflow",
];

/// Chooses the histogram kind from the record's fields: fixed bins (`numbins`, `low`,
/// `high`), growable bins (`low`, `binsize`) or ranges, exactly one of them.
fn histogram_method(s: &Spec<'_>) -> Result<NativeFn, String> {
    const FCN: &str = "stat.sample.fillHistogram";
    let fields = sig_fields(s, 2)?;
    let has = |name: &str, ty: &Type| optional(FCN, fields, name, ty, s.types);
    let fixed =
        has("numbins", &Type::Int)? && has("low", &Type::Double)? && has("high", &Type::Double)?;
    let growable = has("low", &Type::Double)? && has("binsize", &Type::Double)?;
    let ranges = has("ranges", &Type::array(Type::array(Type::Double)))?;
    for name in FLOWS {
        has(name, &Type::Double)?;
    }
    match (fixed, growable, ranges) {
        (true, false, false) => Ok(fill_fixed),
        (false, true, false) => Ok(fill_growable),
        (false, false, true) => Ok(fill_ranges),
        _ => Err(format!(
            "{FCN} must have \"numbins\", \"low\", \"high\" xor it must have \"low\", \"binsize\" xor it must have \"ranges\", but not any other combination of these fields."
        )),
    }
}

/// Which counter a sample of a one-dimensional histogram goes to, if not a bin.
#[derive(Clone, Copy, PartialEq)]
enum Flow {
    Bin,
    Under,
    Over,
    NaN,
    Inf,
}

/// The common part of filling a one-dimensional histogram: the new `values` (if
/// changed) and the flow counters.
fn finish_histogram(
    host: &dyn Host,
    r: &Record,
    vi: usize,
    values: Option<Vec<Value>>,
    flow: Flow,
    w: f64,
) -> Ret {
    let types = host.types();
    let mut new = Builder::from(r);
    if let Some(values) = values {
        new.set(vi, Value::array(values))?;
    }
    for (name, kind) in FLOWS
        .iter()
        .zip([Flow::Under, Flow::Over, Flow::NaN, Flow::Inf])
    {
        new.count(r, position(types, r.ty, name), flow == kind, w)?;
    }
    Ok(new.finish())
}

/// A copy of `values` with `w` added to bin `i`.
fn add_to_bin(values: &[Value], i: usize, w: f64) -> Result<Vec<Value>, PfaError> {
    let mut out = values.to_vec();
    let slot = out.get_mut(i).ok_or_else(|| internal("bin out of range"))?;
    *slot = Value::Double(num(slot)? + w);
    Ok(out)
}

/// The bin of `x` among `n` equal bins from `low` to `high` (x within them).
fn bin_index(x: f64, low: f64, high: f64, n: usize) -> usize {
    let i = ((x - low) / (high - low) * n as f64).floor();
    // Rounding can put a value just below `high` into bin n.
    if i >= 0.0 {
        (i as usize).min(n.saturating_sub(1))
    } else {
        0
    }
}

fn fill_fixed(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, w) = (args::double(a, 0)?, args::double(a, 1)?);
    let r = rec(any(a, 2)?)?;
    let types = host.types();
    let numbins = get_i32(r, required(types, r.ty, "numbins")?)?;
    let low = get_f64(r, required(types, r.ty, "low")?)?;
    let high = get_f64(r, required(types, r.ty, "high")?)?;
    let vi = required(types, r.ty, "values")?;
    let values = arr(get(r, vi)?)?;
    if numbins < 1 {
        return Err(fail(HIST_SCALE));
    }
    if usize::try_from(numbins).ok() != Some(values.len()) {
        return Err(fail(HIST_SIZE));
    }
    if low >= high || !low.is_finite() || !high.is_finite() {
        return Err(fail(HIST_RANGE));
    }
    let has_inf = position(types, r.ty, "infflow").is_some();
    let flow = if has_inf && x.is_infinite() {
        Flow::Inf
    } else if x.is_nan() {
        Flow::NaN
    } else if x >= high {
        Flow::Over
    } else if x < low {
        Flow::Under
    } else {
        Flow::Bin
    };
    let new_values = if flow == Flow::Bin {
        Some(add_to_bin(
            values,
            bin_index(x, low, high, values.len()),
            w,
        )?)
    } else {
        None
    };
    finish_histogram(host, r, vi, new_values, flow, w)
}

/// Bins of width `binsize` from `low`, as many as the data reach: a value past the
/// last bin pads `values` with empty bins.
fn fill_growable(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, w) = (args::double(a, 0)?, args::double(a, 1)?);
    let r = rec(any(a, 2)?)?;
    let types = host.types();
    let low = get_f64(r, required(types, r.ty, "low")?)?;
    let binsize = get_f64(r, required(types, r.ty, "binsize")?)?;
    let vi = required(types, r.ty, "values")?;
    let values = arr(get(r, vi)?)?;
    if binsize <= 0.0 || !binsize.is_finite() {
        return Err(fail(HIST_SCALE));
    }
    let has_inf = position(types, r.ty, "infflow").is_some();
    let flow = if has_inf && x.is_infinite() {
        Flow::Inf
    } else if x.is_nan() {
        Flow::NaN
    } else if x == f64::INFINITY {
        Flow::Over
    } else if x < low {
        Flow::Under
    } else {
        Flow::Bin
    };
    let new_values = if flow == Flow::Bin {
        let n = values.len();
        let index = if n == 0 {
            ((x - low) / binsize).floor()
        } else {
            let current_high = low + binsize * n as f64;
            ((x - low) / (current_high - low) * n as f64).floor()
        };
        if index.is_nan() {
            // A low edge of -inf or NaN places no value in any bin.
            return Err(fail(HIST_RANGE));
        }
        if index >= MAX_ITEMS as f64 {
            return Err(too_large());
        }
        let index = if index > 0.0 { index as usize } else { 0 };
        if index < n {
            Some(add_to_bin(values, index, w)?)
        } else {
            let mut out = Vec::with_capacity(index + 1);
            out.extend_from_slice(values);
            out.resize(index, Value::Double(0.0));
            out.push(Value::Double(w));
            Some(out)
        }
    } else {
        None
    };
    finish_histogram(host, r, vi, new_values, flow, w)
}

/// Arbitrary (possibly overlapping) intervals: a value goes into every interval that
/// contains it, and a degenerate interval `[a, a]` contains exactly `a` (spec §25.2.6).
fn fill_ranges(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, w) = (args::double(a, 0)?, args::double(a, 1)?);
    let r = rec(any(a, 2)?)?;
    let types = host.types();
    let ranges = arr(get(r, required(types, r.ty, "ranges")?)?)?;
    let vi = required(types, r.ty, "values")?;
    let values = arr(get(r, vi)?)?;
    if values.len() != ranges.len() {
        return Err(fail(HIST_SIZE));
    }
    let mut bounds = Vec::with_capacity(ranges.len());
    for range in ranges {
        let (lo, hi) = match arr(range)? {
            [lo, hi] => (num(lo)?, num(hi)?),
            _ => return Err(fail(HIST_RANGES)),
        };
        if !lo.is_finite() || !hi.is_finite() || lo > hi {
            return Err(fail(HIST_RANGES));
        }
        bounds.push((lo, hi));
    }
    let mut new_values = values.to_vec();
    let mut hit = false;
    if x.is_finite() {
        for ((lo, hi), v) in bounds.into_iter().zip(new_values.iter_mut()) {
            if (lo == hi && x == lo) || (x >= lo && x < hi) {
                *v = Value::Double(num(v)? + w);
                hit = true;
            }
        }
    }
    let has_inf = position(types, r.ty, "infflow").is_some();
    let flow = if has_inf && x.is_infinite() {
        Flow::Inf
    } else if x.is_nan() {
        Flow::NaN
    } else if !hit {
        Flow::Under
    } else {
        Flow::Bin
    };
    finish_histogram(host, r, vi, Some(new_values), flow, w)
}

/// Where a coordinate falls relative to a histogram axis.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Under,
    Mid,
    Over,
}

fn side(v: f64, low: f64, high: f64) -> Side {
    if v >= high {
        Side::Over
    } else if v >= low {
        Side::Mid
    } else {
        Side::Under
    }
}

fn fill_histogram_2d(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y, w) = (
        args::double(a, 0)?,
        args::double(a, 1)?,
        args::double(a, 2)?,
    );
    let r = rec(any(a, 3)?)?;
    let types = host.types();
    let field = |name: &str| required(types, r.ty, name);
    let xnumbins = get_i32(r, field("xnumbins")?)?;
    let ynumbins = get_i32(r, field("ynumbins")?)?;
    let (xlow, xhigh) = (get_f64(r, field("xlow")?)?, get_f64(r, field("xhigh")?)?);
    let (ylow, yhigh) = (get_f64(r, field("ylow")?)?, get_f64(r, field("yhigh")?)?);
    let vi = field("values")?;
    let values = arr(get(r, vi)?)?;
    if xnumbins < 1 || ynumbins < 1 {
        return Err(fail(HIST2D_SCALE));
    }
    let ny = usize::try_from(ynumbins).unwrap_or(0);
    if usize::try_from(xnumbins).ok() != Some(values.len()) {
        return Err(fail(HIST2D_SIZE));
    }
    for row in values {
        if arr(row)?.len() != ny {
            return Err(fail(HIST2D_SIZE));
        }
    }
    if xlow >= xhigh || ylow >= yhigh || [xlow, xhigh, ylow, yhigh].iter().any(|v| !v.is_finite()) {
        return Err(fail(HIST2D_RANGE));
    }
    let has_inf = position(types, r.ty, "infflow").is_some();
    // NaN wins over infinity; the flow names are (x side, y side).
    let flow: Option<&str> = if x.is_nan() || y.is_nan() {
        Some("nanflow")
    } else if has_inf && (x.is_infinite() || y.is_infinite()) {
        Some("infflow")
    } else {
        match (side(x, xlow, xhigh), side(y, ylow, yhigh)) {
            (Side::Mid, Side::Mid) => None,
            (Side::Under, Side::Under) => Some("underunderflow"),
            (Side::Under, Side::Mid) => Some("undermidflow"),
            (Side::Under, Side::Over) => Some("underoverflow"),
            (Side::Mid, Side::Under) => Some("midunderflow"),
            (Side::Mid, Side::Over) => Some("midoverflow"),
            (Side::Over, Side::Under) => Some("overunderflow"),
            (Side::Over, Side::Mid) => Some("overmidflow"),
            (Side::Over, Side::Over) => Some("overoverflow"),
        }
    };
    let mut new = Builder::from(r);
    if flow.is_none() {
        let xi = bin_index(x, xlow, xhigh, values.len());
        let yi = bin_index(y, ylow, yhigh, ny);
        let mut rows = values.to_vec();
        let row = rows
            .get_mut(xi)
            .ok_or_else(|| internal("bin out of range"))?;
        *row = Value::array(add_to_bin(arr(row)?, yi, w)?);
        new.set(vi, Value::array(rows))?;
    }
    for name in FLOWS_2D {
        new.count(r, position(types, r.ty, name), flow == Some(name), w)?;
    }
    Ok(new.finish())
}

fn fill_counter(host: &mut dyn Host, a: &[Value]) -> Ret {
    let x = any(a, 0)?
        .as_str()
        .ok_or_else(|| internal("expected a string"))?;
    let w = args::double(a, 1)?;
    let r = rec(any(a, 2)?)?;
    let vi = required(host.types(), r.ty, "values")?;
    let mut values = map(get(r, vi)?)?.clone();
    match values.get_mut(x) {
        Some(v) => *v = Value::Double(num(v)? + w),
        None => {
            values.insert(Arc::from(x), Value::Double(0.0 + w));
        }
    }
    replaced(r, [(vi, Value::Map(Arc::new(values)))])
}

// ---------------------------------------------------------------------------------------
// §25.2.9 Top N

/// `x` goes just before the first item it is not less than (`lessThan(item, x)`), so
/// equal items already in `top` keep precedence; the result keeps at most `n` items.
fn top_n(host: &mut dyn Host, a: &[Value]) -> Ret {
    let x = any(a, 0)?;
    let top = arr(any(a, 1)?)?;
    let n = usize::try_from(args::int(a, 2)?).unwrap_or(0);
    if n == 0 {
        return Ok(Value::array(Vec::new()));
    }
    let mut at = top.len();
    for (i, item) in top.iter().enumerate() {
        // Past the n-th item x cannot enter the result.
        if i >= n {
            break;
        }
        let less = host.call_fcn(3, &[item.clone(), x.clone()])?;
        if less
            .as_bool()
            .ok_or_else(|| internal("expected a boolean"))?
        {
            at = i;
            break;
        }
    }
    let mut out = Vec::with_capacity(n.min(top.len() + 1));
    out.extend_from_slice(&top[..at.min(n)]);
    if at < n {
        out.push(x.clone());
        let rest = n - out.len();
        out.extend(top[at..].iter().take(rest).cloned());
    }
    Ok(Value::array(out))
}

#[cfg(test)]
mod tests;
