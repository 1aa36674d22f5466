//! Random numbers (spec §12): rand.*
//!
//! Every function draws from the engine's generator ([`Host::rng`]), which is seeded
//! from the document's `randseed` (spec §3.9), so a seeded document repeats its results
//! on this implementation. Integers are drawn without modulo bias; sizes given by the
//! document are bounded so that a typo cannot exhaust memory.

use std::sync::Arc;

use super::args::{self, any, fail, ErrCode, Ret};
use super::la::by_sig;
use super::model::{arr, internal, num, rec};
use super::{Host, RandomSource, Registry};
use crate::error::PfaError;
use crate::value::Value;

const INT_RANGE: ErrCode = (34000, "high must be greater than low");
const LONG_RANGE: ErrCode = (34010, "high must be greater than low");
const FLOAT_RANGE: ErrCode = (34020, "high must be greater than low");
const DOUBLE_RANGE: ErrCode = (34030, "high must be greater than low");
const CHOICE_EMPTY: ErrCode = (34040, "population must not be empty");
const CHOICES_EMPTY: ErrCode = (34050, "population must not be empty");
const SAMPLE_EMPTY: ErrCode = (34060, "population must not be empty");
const SAMPLE_TOO_SMALL: ErrCode = (34061, "population smaller than requested subsample");
const HISTOGRAM_EMPTY: ErrCode = (34070, "distribution must be non-empty");
const HISTOGRAM_NON_FINITE: ErrCode = (34071, "distribution must be finite");
const HISTOGRAM_NEGATIVE: ErrCode = (34072, "distribution must be non-negative");
const STRING_SIZE: ErrCode = (34080, "size must be positive");
const STRING_RANGE: ErrCode = (34081, "high must be greater than low");
const STRING_CHAR: ErrCode = (34082, "invalid char");
const STRING_EMPTY: ErrCode = (34083, "population must be non-empty");
const BYTES_SIZE: ErrCode = (34090, "size must be positive");
const BYTES_RANGE: ErrCode = (34091, "high must be greater than low");
const BYTES_BYTE: ErrCode = (34092, "invalid byte");
const BYTES_EMPTY: ErrCode = (34093, "population must be non-empty");

/// The most items (characters, bytes, array items) one call may produce.
const MAX_ITEMS: usize = 1 << 24;

/// The largest code point `rand.string` draws: the spec's range ends at 0xD800, the
/// first surrogate, which is not a character a string can hold.
const MAX_CHAR: u32 = 0xD800;

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    r.def("rand.int")
        .sig("() -> int")
        .sig("(low: int, high: int) -> int")
        .errors(&[INT_RANGE])
        .impure()
        .specialize(|s| by_sig(s, &[int_any, int_range]));
    r.def("rand.long")
        .sig("() -> long")
        .sig("(low: long, high: long) -> long")
        .errors(&[LONG_RANGE])
        .impure()
        .specialize(|s| by_sig(s, &[long_any, long_range]));
    r.def("rand.float")
        .sig("(low: float, high: float) -> float")
        .errors(&[FLOAT_RANGE])
        .impure()
        .native(float);
    r.def("rand.double")
        .sig("(low: double, high: double) -> double")
        .errors(&[DOUBLE_RANGE])
        .impure()
        .native(double);
    r.def("rand.choice")
        .sig("(population: array<any A>) -> A")
        .errors(&[CHOICE_EMPTY])
        .impure()
        .native(choice);
    r.def("rand.choices")
        .sig("(size: int, population: array<any A>) -> array<A>")
        .errors(&[CHOICES_EMPTY])
        .impure()
        .native(choices);
    r.def("rand.sample")
        .sig("(size: int, population: array<any A>) -> array<A>")
        .errors(&[SAMPLE_EMPTY, SAMPLE_TOO_SMALL])
        .impure()
        .native(sample);
    r.def("rand.histogram")
        .sig("(distribution: array<double>) -> int")
        .sig("(distribution: array<record A {prob: double}>) -> A")
        .errors(&[HISTOGRAM_EMPTY, HISTOGRAM_NON_FINITE, HISTOGRAM_NEGATIVE])
        .impure()
        .specialize(|s| by_sig(s, &[histogram_index, histogram_item]));
    r.def("rand.string")
        .sig("(size: int) -> string")
        .sig("(size: int, population: string) -> string")
        .sig("(size: int, low: int, high: int) -> string")
        .errors(&[STRING_SIZE, STRING_RANGE, STRING_CHAR, STRING_EMPTY])
        .impure()
        .specialize(|s| by_sig(s, &[string_any, string_population, string_range]));
    r.def("rand.bytes")
        .sig("(size: int) -> bytes")
        .sig("(size: int, population: bytes) -> bytes")
        .sig("(size: int, low: int, high: int) -> bytes")
        .errors(&[BYTES_SIZE, BYTES_RANGE, BYTES_BYTE, BYTES_EMPTY])
        .impure()
        .specialize(|s| by_sig(s, &[bytes_any, bytes_population, bytes_range]));
    r.def("rand.uuid")
        .deprecated_sig("() -> string", "0.7.2")
        .impure()
        .native(uuid4);
    r.def("rand.uuid4")
        .sig("() -> string")
        .impure()
        .native(uuid4);
    r.def("rand.gaussian")
        .sig("(mu: double, sigma: double) -> double")
        .impure()
        .native(gaussian);
}

// ---------------------------------------------------------------------------------------
// Drawing from the generator

/// A uniform integer in `[0, n)` for `n > 0`, by rejection: draws below `2^64 mod n`
/// are discarded so that every remainder is equally likely.
fn below(rng: &mut dyn RandomSource, n: u64) -> u64 {
    let n = n.max(1);
    let reject = (u64::MAX % n).wrapping_add(1) % n;
    loop {
        let r = rng.next_u64();
        if r >= reject {
            return r % n;
        }
    }
}

/// A uniform integer in `[low, high)` for `low < high`.
fn in_range(rng: &mut dyn RandomSource, low: i64, high: i64) -> i64 {
    // The width fits in u64 even for the full long range.
    let width = high.wrapping_sub(low) as u64;
    low.wrapping_add(below(rng, width) as i64)
}

/// A uniform index into a non-empty collection of `len` items.
fn index(rng: &mut dyn RandomSource, len: usize) -> usize {
    below(rng, len as u64) as usize
}

/// A uniform double in `[low, high)`, or `low` if rounding keeps producing `high`
/// (the interval may hold only a few doubles). Interpolating from both ends avoids
/// overflow when `high - low` exceeds the double range.
fn uniform(rng: &mut dyn RandomSource, low: f64, high: f64) -> f64 {
    for _ in 0..64 {
        let u = rng.next_f64();
        let x = low * (1.0 - u) + high * u;
        if x < high && x >= low {
            return x;
        }
        if x.is_nan() {
            return x;
        }
    }
    low
}

/// A size argument as a count of items, or the function's error if not positive.
fn positive_size(size: i32, err: ErrCode) -> Result<usize, PfaError> {
    match usize::try_from(size) {
        Ok(n) if n > 0 => bounded(n),
        _ => Err(fail(err)),
    }
}

/// Refuses results beyond [`MAX_ITEMS`].
fn bounded(n: usize) -> Result<usize, PfaError> {
    if n > MAX_ITEMS {
        Err(PfaError::runtime(
            0,
            format!("result too large (more than {MAX_ITEMS} items)"),
        ))
    } else {
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------
// §12.1 Uniform deviates of basic types

fn int_any(host: &mut dyn Host, _: &[Value]) -> Ret {
    // The high half of the draw: all 32 bits uniform.
    Ok(Value::Int((host.rng().next_u64() >> 32) as u32 as i32))
}

fn int_range(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (low, high) = (args::int(a, 0)?, args::int(a, 1)?);
    if high <= low {
        return Err(fail(INT_RANGE));
    }
    let x = in_range(host.rng(), low.into(), high.into());
    i32::try_from(x)
        .map(Value::Int)
        .map_err(|_| internal("random int out of range"))
}

fn long_any(host: &mut dyn Host, _: &[Value]) -> Ret {
    Ok(Value::Long(host.rng().next_u64() as i64))
}

fn long_range(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (low, high) = (args::long(a, 0)?, args::long(a, 1)?);
    if high <= low {
        return Err(fail(LONG_RANGE));
    }
    Ok(Value::Long(in_range(host.rng(), low, high)))
}

fn float(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (low, high) = (args::float(a, 0)?, args::float(a, 1)?);
    if high <= low {
        return Err(fail(FLOAT_RANGE));
    }
    let rng = host.rng();
    for _ in 0..64 {
        let x = uniform(rng, low.into(), high.into()) as f32;
        // Rounding to single precision can reach `high`.
        if x < high || x.is_nan() {
            return Ok(Value::Float(x));
        }
    }
    Ok(Value::Float(low))
}

fn double(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (low, high) = (args::double(a, 0)?, args::double(a, 1)?);
    if high <= low {
        return Err(fail(DOUBLE_RANGE));
    }
    Ok(Value::Double(uniform(host.rng(), low, high)))
}

/// §12.2: a normal deviate by the Box-Muller transform.
fn gaussian(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (mu, sigma) = (args::double(a, 0)?, args::double(a, 1)?);
    let rng = host.rng();
    // 1 - u is in (0, 1], so its logarithm is finite.
    let u1 = 1.0 - rng.next_f64();
    let u2 = rng.next_f64();
    let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
    Ok(Value::Double(mu + sigma * z))
}

// ---------------------------------------------------------------------------------------
// §12.1.5-6 Strings and bytes

/// Collects `size` characters drawn by `draw` into a string.
fn string_of(size: usize, mut draw: impl FnMut() -> char) -> Value {
    let mut s = String::with_capacity(size);
    for _ in 0..size {
        s.push(draw());
    }
    Value::String(Arc::from(s))
}

/// A character from a code point below 0xD800 (always a valid scalar value).
fn char_below_surrogates(c: u64) -> char {
    u32::try_from(c)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

fn string_any(host: &mut dyn Host, a: &[Value]) -> Ret {
    let size = positive_size(args::int(a, 0)?, STRING_SIZE)?;
    let rng = host.rng();
    // Code points 1 to 0xD7FF.
    Ok(string_of(size, || {
        char_below_surrogates(1 + below(rng, u64::from(MAX_CHAR) - 1))
    }))
}

fn string_population(host: &mut dyn Host, a: &[Value]) -> Ret {
    let size = positive_size(args::int(a, 0)?, STRING_SIZE)?;
    let population: Vec<char> = any(a, 1)?
        .as_str()
        .ok_or_else(|| internal("expected a string"))?
        .chars()
        .collect();
    if population.is_empty() {
        return Err(fail(STRING_EMPTY));
    }
    let rng = host.rng();
    Ok(string_of(size, || population[index(rng, population.len())]))
}

fn string_range(host: &mut dyn Host, a: &[Value]) -> Ret {
    let size = positive_size(args::int(a, 0)?, STRING_SIZE)?;
    let (low, high) = (args::int(a, 1)?, args::int(a, 2)?);
    if high <= low {
        return Err(fail(STRING_RANGE));
    }
    let valid = |c: i32| (1..=MAX_CHAR as i32).contains(&c);
    if !valid(low) || !valid(high) {
        return Err(fail(STRING_CHAR));
    }
    let rng = host.rng();
    let (low, width) = (low as u64, (high - low) as u64);
    Ok(string_of(size, || {
        char_below_surrogates(low + below(rng, width))
    }))
}

fn bytes_of(size: usize, mut draw: impl FnMut() -> u8) -> Value {
    Value::Bytes((0..size).map(|_| draw()).collect())
}

fn bytes_any(host: &mut dyn Host, a: &[Value]) -> Ret {
    let size = positive_size(args::int(a, 0)?, BYTES_SIZE)?;
    let rng = host.rng();
    Ok(bytes_of(size, || below(rng, 256) as u8))
}

fn bytes_population(host: &mut dyn Host, a: &[Value]) -> Ret {
    let size = positive_size(args::int(a, 0)?, BYTES_SIZE)?;
    let population = match any(a, 1)? {
        Value::Bytes(b) => Arc::clone(b),
        _ => return Err(internal("expected bytes")),
    };
    if population.is_empty() {
        return Err(fail(BYTES_EMPTY));
    }
    let rng = host.rng();
    Ok(bytes_of(size, || population[index(rng, population.len())]))
}

fn bytes_range(host: &mut dyn Host, a: &[Value]) -> Ret {
    let size = positive_size(args::int(a, 0)?, BYTES_SIZE)?;
    let (low, high) = (args::int(a, 1)?, args::int(a, 2)?);
    if high <= low {
        return Err(fail(BYTES_RANGE));
    }
    if !(0..=255).contains(&low) || !(0..=256).contains(&high) {
        return Err(fail(BYTES_BYTE));
    }
    let rng = host.rng();
    let (low, width) = (low as u64, (high - low) as u64);
    Ok(bytes_of(size, || (low + below(rng, width)) as u8))
}

/// A version 4 UUID with the IETF variant, in the spec's form
/// `xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx` (lowercase hexadecimal).
fn uuid4(host: &mut dyn Host, _: &[Value]) -> Ret {
    let rng = host.rng();
    let (hi, lo) = (rng.next_u64(), rng.next_u64());
    let s = format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        (hi >> 4) & 0xfff,
        lo >> 52,
        lo & 0xffff_ffff_ffff
    );
    Ok(Value::String(Arc::from(s)))
}

// ---------------------------------------------------------------------------------------
// §12.4 Items from arrays

fn choice(host: &mut dyn Host, a: &[Value]) -> Ret {
    let population = arr(any(a, 0)?)?;
    if population.is_empty() {
        return Err(fail(CHOICE_EMPTY));
    }
    let i = index(host.rng(), population.len());
    population
        .get(i)
        .cloned()
        .ok_or_else(|| internal("index out of range"))
}

/// With replacement; a negative size gives an empty array.
fn choices(host: &mut dyn Host, a: &[Value]) -> Ret {
    let size = args::int(a, 0)?;
    let population = arr(any(a, 1)?)?;
    if population.is_empty() {
        return Err(fail(CHOICES_EMPTY));
    }
    let size = bounded(usize::try_from(size).unwrap_or(0))?;
    let rng = host.rng();
    let mut out = Vec::with_capacity(size);
    for _ in 0..size {
        out.push(population[index(rng, population.len())].clone());
    }
    Ok(Value::array(out))
}

/// Without replacement (a partial Fisher-Yates shuffle of the indexes); a negative size
/// gives an empty array.
fn sample(host: &mut dyn Host, a: &[Value]) -> Ret {
    let size = args::int(a, 0)?;
    let population = arr(any(a, 1)?)?;
    if population.is_empty() {
        return Err(fail(SAMPLE_EMPTY));
    }
    let size = usize::try_from(size).unwrap_or(0);
    if population.len() < size {
        return Err(fail(SAMPLE_TOO_SMALL));
    }
    let rng = host.rng();
    let mut order: Vec<usize> = (0..population.len()).collect();
    let mut out = Vec::with_capacity(size);
    for i in 0..size {
        let j = i + index(rng, order.len() - i);
        order.swap(i, j);
        out.push(population[order[i]].clone());
    }
    Ok(Value::array(out))
}

/// An index drawn with probability proportional to `weights` (normalized by their sum).
fn weighted_index(rng: &mut dyn RandomSource, weights: &[f64]) -> Result<usize, PfaError> {
    let mut total = 0.0;
    for &w in weights {
        if !w.is_finite() {
            return Err(fail(HISTOGRAM_NON_FINITE));
        }
        if w < 0.0 {
            return Err(fail(HISTOGRAM_NEGATIVE));
        }
        total += w;
    }
    if total <= 0.0 {
        return Err(fail(HISTOGRAM_EMPTY));
    }
    let position = rng.next_f64() * total;
    let mut cumulative = 0.0;
    let mut last = 0;
    for (i, &w) in weights.iter().enumerate() {
        if w > 0.0 {
            cumulative += w;
            last = i;
            if position < cumulative {
                return Ok(i);
            }
        }
    }
    // Rounding put the position at the very top: the last item with any weight.
    Ok(last)
}

fn histogram_index(host: &mut dyn Host, a: &[Value]) -> Ret {
    let mut weights = Vec::new();
    for w in arr(any(a, 0)?)? {
        weights.push(num(w)?);
    }
    let i = weighted_index(host.rng(), &weights)?;
    i32::try_from(i)
        .map(Value::Int)
        .map_err(|_| internal("index out of range"))
}

fn histogram_item(host: &mut dyn Host, a: &[Value]) -> Ret {
    let items = arr(any(a, 0)?)?;
    let types = host.types();
    let mut weights = Vec::with_capacity(items.len());
    for item in items {
        let r = rec(item)?;
        let prob = types
            .try_get(r.ty)
            .and_then(|_| types.fields(r.ty).iter().position(|f| f.name == "prob"))
            .and_then(|i| r.fields.get(i))
            .ok_or_else(|| internal("record lacks a prob field"))?;
        weights.push(num(prob)?);
    }
    let i = weighted_index(host.rng(), &weights)?;
    items
        .get(i)
        .cloned()
        .ok_or_else(|| internal("index out of range"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::library::model::testing::{assert_err, Fixture};
    use crate::library::testing::TestHost;
    use crate::library::NativeFn;
    use crate::types::Type;

    fn i(x: i32) -> Value {
        Value::Int(x)
    }

    fn run(fx: &Fixture, f: NativeFn, args: &[Value]) -> Ret {
        fx.run(f, &[], args, Vec::new())
    }

    /// `n` results of `f(args)` from one generator.
    fn draws(f: NativeFn, args: &[Value], n: usize) -> Vec<Value> {
        // One host, so that the generator keeps its state across calls.
        let mut host = TestHost::new(vec![], crate::types::TypeTable::new()).seeded(42);
        (0..n).map(|_| f(&mut host, args).unwrap()).collect()
    }

    #[test]
    fn errors() {
        let fx = Fixture::new();
        let ints = |xs: &[i32]| Value::array(xs.iter().map(|x| i(*x)).collect());
        let bytes = |b: &[u8]| Value::Bytes(Arc::from(b));
        assert_err(run(&fx, int_range, &[i(3), i(3)]), INT_RANGE);
        assert_err(
            run(&fx, long_range, &[Value::Long(4), Value::Long(3)]),
            LONG_RANGE,
        );
        assert_err(
            run(&fx, float, &[Value::Float(1.0), Value::Float(1.0)]),
            FLOAT_RANGE,
        );
        assert_err(
            run(&fx, double, &[Value::Double(2.0), Value::Double(1.0)]),
            DOUBLE_RANGE,
        );
        assert_err(run(&fx, choice, &[ints(&[])]), CHOICE_EMPTY);
        assert_err(run(&fx, choices, &[i(2), ints(&[])]), CHOICES_EMPTY);
        assert_err(run(&fx, sample, &[i(2), ints(&[])]), SAMPLE_EMPTY);
        assert_err(run(&fx, sample, &[i(3), ints(&[1, 2])]), SAMPLE_TOO_SMALL);
        let dist = |xs: &[f64]| Value::array(xs.iter().map(|x| Value::Double(*x)).collect());
        assert_err(run(&fx, histogram_index, &[dist(&[])]), HISTOGRAM_EMPTY);
        assert_err(
            run(&fx, histogram_index, &[dist(&[0.0, 0.0])]),
            HISTOGRAM_EMPTY,
        );
        assert_err(
            run(&fx, histogram_index, &[dist(&[1.0, f64::INFINITY])]),
            HISTOGRAM_NON_FINITE,
        );
        assert_err(
            run(&fx, histogram_index, &[dist(&[1.0, f64::NAN])]),
            HISTOGRAM_NON_FINITE,
        );
        assert_err(
            run(&fx, histogram_index, &[dist(&[1.0, -2.0])]),
            HISTOGRAM_NEGATIVE,
        );
        assert_err(run(&fx, string_any, &[i(0)]), STRING_SIZE);
        assert_err(
            run(&fx, string_population, &[i(-1), Value::str("ab")]),
            STRING_SIZE,
        );
        assert_err(
            run(&fx, string_population, &[i(1), Value::str("")]),
            STRING_EMPTY,
        );
        assert_err(run(&fx, string_range, &[i(1), i(64), i(64)]), STRING_RANGE);
        assert_err(run(&fx, string_range, &[i(1), i(0), i(64)]), STRING_CHAR);
        assert_err(
            run(&fx, string_range, &[i(1), i(64), i(0xD801)]),
            STRING_CHAR,
        );
        assert_err(run(&fx, bytes_any, &[i(0)]), BYTES_SIZE);
        assert_err(run(&fx, bytes_population, &[i(1), bytes(&[])]), BYTES_EMPTY);
        assert_err(run(&fx, bytes_range, &[i(1), i(10), i(5)]), BYTES_RANGE);
        assert_err(run(&fx, bytes_range, &[i(1), i(-1), i(5)]), BYTES_BYTE);
        assert_err(run(&fx, bytes_range, &[i(1), i(1), i(257)]), BYTES_BYTE);
        assert_err(
            run(&fx, bytes_any, &[i(i32::MAX)]),
            (0, "result too large (more than 16777216 items)"),
        );
    }

    #[test]
    fn numbers_stay_in_range() {
        let xs = draws(int_range, &[i(-2), i(3)], 2000);
        let mut seen = [0; 5];
        for x in &xs {
            let Value::Int(x) = x else { panic!("{x:?}") };
            assert!((-2..3).contains(x));
            seen[(x + 2) as usize] += 1;
        }
        assert!(seen.iter().all(|&n| n > 300), "{seen:?}");
        for x in draws(
            long_range,
            &[Value::Long(i64::MIN), Value::Long(i64::MAX)],
            100,
        ) {
            assert!(matches!(x, Value::Long(v) if v < i64::MAX));
        }
        for x in draws(double, &[Value::Double(-1e308), Value::Double(1e308)], 100) {
            assert!(matches!(x, Value::Double(v) if (-1e308..1e308).contains(&v)));
        }
        for x in draws(float, &[Value::Float(1.0), Value::Float(1.000_000_1)], 100) {
            assert!(matches!(x, Value::Float(v) if (1.0..1.000_000_1).contains(&v)));
        }
        let zs: Vec<f64> = draws(gaussian, &[Value::Double(3.0), Value::Double(2.0)], 20_000)
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let mean = zs.iter().sum::<f64>() / zs.len() as f64;
        let var = zs.iter().map(|z| (z - mean) * (z - mean)).sum::<f64>() / zs.len() as f64;
        assert!(
            (mean - 3.0).abs() < 0.05 && (var.sqrt() - 2.0).abs() < 0.05,
            "{mean} {var}"
        );
        assert!(matches!(draws(int_any, &[], 1)[0], Value::Int(_)));
        assert!(matches!(draws(long_any, &[], 1)[0], Value::Long(_)));
    }

    #[test]
    fn items_strings_and_bytes() {
        let pop = Value::array((0..10).map(i).collect());
        for v in draws(sample, &[i(10), pop.clone()], 20) {
            let mut got: Vec<i64> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_i64().unwrap())
                .collect();
            got.sort_unstable();
            assert_eq!(got, (0..10).collect::<Vec<_>>());
        }
        assert_eq!(
            draws(sample, &[i(-1), pop.clone()], 1)[0]
                .as_array()
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            draws(choices, &[i(7), pop.clone()], 1)[0]
                .as_array()
                .unwrap()
                .len(),
            7
        );
        assert_eq!(
            draws(choices, &[i(-7), pop.clone()], 1)[0]
                .as_array()
                .unwrap()
                .len(),
            0
        );
        assert!(draws(choice, &[pop], 50)
            .iter()
            .all(|v| matches!(v, Value::Int(0..=9))));

        // Weights 1 : 3 : 0.
        let dist = Value::array(vec![
            Value::Double(1.0),
            Value::Double(3.0),
            Value::Double(0.0),
        ]);
        let picks = draws(histogram_index, &[dist], 4000);
        let ones = picks.iter().filter(|v| matches!(v, Value::Int(1))).count();
        assert!(picks.iter().all(|v| matches!(v, Value::Int(0 | 1))));
        assert!((2800..3200).contains(&ones), "{ones}");
        let mut fx = Fixture::new();
        let t = fx.ty(json!({"type": "record", "name": "P", "fields": [{"name": "prob", "type": "double"}, {"name": "id", "type": "string"}]}));
        let items = fx.val(
            json!([{"prob": 0.0, "id": "no"}, {"prob": 2.0, "id": "yes"}]),
            &Type::array(t.clone()),
        );
        let got = run(&fx, histogram_item, &[items]).unwrap();
        assert_eq!(fx.json(&got, &t), json!({"prob": 2.0, "id": "yes"}));

        for v in draws(string_any, &[i(50)], 5) {
            let s = v.as_str().unwrap();
            assert_eq!(s.chars().count(), 50);
            assert!(s.chars().all(|c| (1..0xD800).contains(&(c as u32))));
        }
        let v = &draws(string_population, &[i(30), Value::str("aé")], 1)[0];
        assert!(v.as_str().unwrap().chars().all(|c| c == 'a' || c == 'é'));
        let v = &draws(string_range, &[i(30), i(33), i(36)], 1)[0];
        assert!(v
            .as_str()
            .unwrap()
            .chars()
            .all(|c| ('!'..='#').contains(&c)));
        let v = &draws(bytes_range, &[i(30), i(250), i(256)], 1)[0];
        assert!(matches!(v, Value::Bytes(b) if b.len() == 30 && b.iter().all(|x| *x >= 250)));
        let v = &draws(
            bytes_population,
            &[i(30), Value::Bytes(Arc::from(&b"xy"[..]))],
            1,
        )[0];
        assert!(matches!(v, Value::Bytes(b) if b.iter().all(|x| b"xy".contains(x))));
        assert!(matches!(&draws(bytes_any, &[i(3)], 1)[0], Value::Bytes(b) if b.len() == 3));
    }

    #[test]
    fn uuids_have_the_spec_form() {
        for v in draws(uuid4, &[], 50) {
            let s = v.as_str().unwrap();
            let groups: Vec<&str> = s.split('-').collect();
            let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            assert_eq!(lens, [8, 4, 4, 4, 12], "{s}");
            assert!(
                groups[2].starts_with('4') && groups[3].starts_with('8'),
                "{s}"
            );
            assert!(s
                .chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
        }
    }
}
