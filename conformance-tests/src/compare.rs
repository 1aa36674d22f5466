//! Comparing an actual output with a recorded expectation, both as JSON in the
//! conformance convention (non-finite numbers as "inf"/"-inf"/"nan", bytes as base64,
//! unions tagged with their branch name).
//!
//! Two verdicts:
//! - **official**, as the spec repository's runner: two numbers are equal if both are
//!   below 1e-4 in magnitude or if they differ by at most 5% (relative to the larger
//!   magnitude); "inf" matches any number above 1e80 and "-inf" any below -1e80;
//!   strings, booleans, integers and nulls compare exactly; maps and records by key set
//!   then values; arrays element by element.
//! - **strict**: numbers must agree to a relative difference of 1e-9 (or be equal at
//!   single precision where the type is `float`), non-finite values must be the same
//!   non-finite value, and NaN equals NaN.

use std::cmp::Ordering;

use serde_json::Value as Json;

use crate::schema::{NamedShape, Schemas, Shape};

/// Which verdict to compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The official runner's tolerances.
    Official,
    /// Near-exact agreement.
    Strict,
}

/// Magnitude below which two numbers count as equal in the official verdict.
pub const ZERO_TOLERANCE: f64 = 1e-4;
/// Relative difference allowed by the official verdict.
pub const FRACTIONAL_TOLERANCE: f64 = 0.05;
/// Magnitude above which a finite number matches "inf" in the official verdict.
pub const INFINITY_TOLERANCE: f64 = 1e80;
/// Relative difference allowed by the strict verdict.
pub const STRICT_TOLERANCE: f64 = 1e-9;

/// Deepest nesting compared; deeper values compare as unequal rather than risk the stack.
const MAX_DEPTH: usize = 400;

/// A number read from JSON, including the string forms of non-finite values.
fn number(json: &Json) -> Option<f64> {
    match json {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => match s.as_str() {
            "inf" => Some(f64::INFINITY),
            "-inf" => Some(f64::NEG_INFINITY),
            "nan" => Some(f64::NAN),
            _ => None,
        },
        _ => None,
    }
}

/// Both values as exact integers, if both are JSON integers.
fn integers(a: &Json, b: &Json) -> Option<(i128, i128)> {
    let int = |j: &Json| match j {
        Json::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from)),
        _ => None,
    };
    Some((int(a)?, int(b)?))
}

/// Compares two numbers (non-finite included) under a mode; `single` allows agreement
/// at `float` precision in the strict mode.
pub fn numbers_equal(expected: f64, actual: f64, mode: Mode, single: bool) -> bool {
    if expected.is_nan() || actual.is_nan() {
        return expected.is_nan() && actual.is_nan();
    }
    if expected == actual {
        return true;
    }
    match mode {
        Mode::Official => {
            let big = |x: f64, y: f64| {
                if x == f64::INFINITY {
                    y > INFINITY_TOLERANCE
                } else if x == f64::NEG_INFINITY {
                    y < -INFINITY_TOLERANCE
                } else {
                    false
                }
            };
            if expected.is_infinite() || actual.is_infinite() {
                return big(expected, actual) || big(actual, expected);
            }
            if expected.abs() < ZERO_TOLERANCE && actual.abs() < ZERO_TOLERANCE {
                return true;
            }
            (expected - actual).abs() <= FRACTIONAL_TOLERANCE * expected.abs().max(actual.abs())
        }
        Mode::Strict => {
            if expected.is_infinite() || actual.is_infinite() {
                return false;
            }
            if single && (expected as f32) == (actual as f32) {
                return true;
            }
            (expected - actual).abs() <= STRICT_TOLERANCE * expected.abs().max(actual.abs())
        }
    }
}

/// Compares JSON values, typed by `shape` where known.
pub struct Comparator<'a> {
    schemas: &'a Schemas,
    mode: Mode,
}

impl<'a> Comparator<'a> {
    /// A comparator for one document's types.
    pub fn new(schemas: &'a Schemas, mode: Mode) -> Self {
        Comparator { schemas, mode }
    }

    /// Whether `actual` matches `expected`.
    pub fn equal(&self, expected: &Json, actual: &Json, shape: &Shape) -> bool {
        self.eq_at(expected, actual, shape, 0)
    }

    fn eq_at(&self, e: &Json, a: &Json, shape: &Shape, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match shape {
            Shape::Float | Shape::Double => self.eq_numbers(e, a, matches!(shape, Shape::Float)),
            Shape::Int | Shape::Long => match integers(e, a) {
                Some((x, y)) => x == y,
                // A long written in floating-point form by some producer: exact value.
                None => match (number(e), number(a)) {
                    (Some(x), Some(y)) => x == y,
                    _ => e == a,
                },
            },
            Shape::Null | Shape::Boolean | Shape::String | Shape::Bytes => e == a,
            Shape::Array(items) => match (e, a) {
                (Json::Array(x), Json::Array(y)) => {
                    x.len() == y.len()
                        && x.iter()
                            .zip(y)
                            .all(|(p, q)| self.eq_at(p, q, items, depth + 1))
                }
                _ => false,
            },
            Shape::Map(values) => self.eq_objects(e, a, depth, |_| values),
            Shape::Union(branches) => match (e, a) {
                (Json::Null, Json::Null) => true,
                (Json::Object(x), Json::Object(y)) if x.len() == 1 && y.len() == 1 => {
                    let (tx, vx) = x.iter().next().expect("one entry");
                    let (ty, vy) = y.iter().next().expect("one entry");
                    tx == ty
                        && self.eq_at(
                            vx,
                            vy,
                            self.schemas.branch(branches, tx).unwrap_or(&Shape::Any),
                            depth + 1,
                        )
                }
                _ => self.eq_at(e, a, &Shape::Any, depth + 1),
            },
            Shape::Named(i) => match self.schemas.named(*i) {
                NamedShape::Record(fields) => self.eq_objects(e, a, depth, |k| {
                    fields
                        .iter()
                        .find(|(n, _)| n == k)
                        .map_or(&Shape::Any, |(_, t)| t)
                }),
                NamedShape::Enum(_) | NamedShape::Fixed(_) => e == a,
                NamedShape::Unknown => self.eq_at(e, a, &Shape::Any, depth + 1),
            },
            Shape::Fields(fields) => self.eq_objects(e, a, depth, |k| {
                fields
                    .iter()
                    .find(|(n, _)| n == k)
                    .map_or(&Shape::Any, |(_, t)| t)
            }),
            Shape::Any => self.eq_any(e, a, depth),
        }
    }

    fn eq_numbers(&self, e: &Json, a: &Json, single: bool) -> bool {
        match (number(e), number(a)) {
            (Some(x), Some(y)) => numbers_equal(x, y, self.mode, single),
            _ => e == a,
        }
    }

    fn eq_objects<'s>(
        &self,
        e: &Json,
        a: &Json,
        depth: usize,
        shape_of: impl Fn(&str) -> &'s Shape,
    ) -> bool
    where
        'a: 's,
    {
        match (e, a) {
            (Json::Object(x), Json::Object(y)) => {
                x.len() == y.len()
                    && x.iter().all(|(k, v)| match y.get(k) {
                        Some(w) => self.eq_at(v, w, shape_of(k), depth + 1),
                        None => false,
                    })
            }
            _ => false,
        }
    }

    /// Structural comparison when the type is unknown: numbers by the numeric rules
    /// (exactly if both are written as integers), everything else by structure.
    fn eq_any(&self, e: &Json, a: &Json, depth: usize) -> bool {
        if let Some((x, y)) = integers(e, a) {
            return x == y;
        }
        match (e, a) {
            (Json::Array(x), Json::Array(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|(p, q)| self.eq_at(p, q, &Shape::Any, depth + 1))
            }
            (Json::Object(_), Json::Object(_)) => self.eq_objects(e, a, depth, |_| &Shape::Any),
            (Json::Number(_), _) | (_, Json::Number(_)) => self.eq_numbers(e, a, false),
            (Json::String(x), Json::String(y)) => {
                // "nan" is NaN and equals itself in both modes: plain string equality.
                x == y
            }
            _ => e == a,
        }
    }
}

/// A total order on JSON values, used to sort arrays of "unordered" results before
/// comparing them: null < booleans < numbers < strings < arrays < objects.
pub fn json_order(a: &Json, b: &Json) -> Ordering {
    fn rank(j: &Json) -> u8 {
        match j {
            Json::Null => 0,
            Json::Bool(_) => 1,
            Json::Number(_) => 2,
            Json::String(_) => 3,
            Json::Array(_) => 4,
            Json::Object(_) => 5,
        }
    }
    match (a, b) {
        (Json::Bool(x), Json::Bool(y)) => x.cmp(y),
        (Json::Number(_), Json::Number(_)) => {
            if let Some((x, y)) = integers(a, b) {
                return x.cmp(&y);
            }
            let x = number(a).unwrap_or(f64::NAN);
            let y = number(b).unwrap_or(f64::NAN);
            x.total_cmp(&y)
        }
        (Json::String(x), Json::String(y)) => x.cmp(y),
        (Json::Array(x), Json::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = json_order(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Json::Object(x), Json::Object(y)) => {
            let mut xs: Vec<_> = x.iter().collect();
            let mut ys: Vec<_> = y.iter().collect();
            xs.sort_by(|p, q| p.0.cmp(q.0));
            ys.sort_by(|p, q| p.0.cmp(q.0));
            for ((kx, vx), (ky, vy)) in xs.iter().zip(&ys) {
                let o = kx.cmp(ky).then_with(|| json_order(vx, vy));
                if o != Ordering::Equal {
                    return o;
                }
            }
            xs.len().cmp(&ys.len())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Sorts the array of an "unordered" result (also inside a union tag), leaving other
/// values unchanged.
pub fn sort_unordered(json: &mut Json) {
    match json {
        Json::Array(items) => items.sort_by(json_order),
        Json::Object(m) if m.len() == 1 => {
            if let Some(Json::Array(items)) = m.values_mut().next() {
                items.sort_by(json_order);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn both(e: Json, a: Json, shape: &Shape) -> (bool, bool) {
        let s = Schemas::default();
        (
            Comparator::new(&s, Mode::Official).equal(&e, &a, shape),
            Comparator::new(&s, Mode::Strict).equal(&e, &a, shape),
        )
    }

    #[test]
    fn official_tolerances() {
        use Shape::*;
        assert_eq!(both(json!(1.0), json!(1.04), &Double), (true, false));
        assert_eq!(both(json!(1.0), json!(1.06), &Double), (false, false));
        assert_eq!(both(json!(5e-5), json!(-5e-5), &Double), (true, false));
        assert_eq!(both(json!(0.0), json!(2e-4), &Double), (false, false));
        assert_eq!(both(json!(1.0), json!(1.0 + 1e-12), &Double), (true, true));
        assert_eq!(both(json!("inf"), json!(1e81), &Double), (true, false));
        assert_eq!(both(json!(1e81), json!("inf"), &Double), (true, false));
        assert_eq!(both(json!("inf"), json!(1e79), &Double), (false, false));
        assert_eq!(both(json!("-inf"), json!(-1e300), &Double), (true, false));
        assert_eq!(both(json!("-inf"), json!(1e300), &Double), (false, false));
        assert_eq!(both(json!("inf"), json!("inf"), &Double), (true, true));
        assert_eq!(both(json!("nan"), json!("nan"), &Double), (true, true));
        assert_eq!(both(json!("nan"), json!(1.0), &Double), (false, false));
        assert_eq!(both(json!(0), json!(0.0), &Double), (true, true));
        assert_eq!(both(json!(3), json!(4), &Int), (false, false));
        assert_eq!(
            both(
                json!(9223372036854775807i64),
                json!(9223372036854775806i64),
                &Long
            ),
            (false, false)
        );
        // Integers written as integers compare exactly even without a known type.
        assert_eq!(both(json!(100), json!(101), &Any), (false, false));
        assert_eq!(both(json!(100.0), json!(101.0), &Any), (true, false));
        assert_eq!(both(json!("x"), json!("y"), &Any), (false, false));
        assert_eq!(both(json!("inf"), json!("inf"), &String), (true, true));
    }

    #[test]
    fn float_precision_in_strict_mode() {
        let f = 0.1f32 as f64;
        assert_eq!(both(json!(0.1), json!(f), &Shape::Float), (true, true));
        assert_eq!(both(json!(0.1), json!(f), &Shape::Double), (true, false));
        assert_eq!(both(json!(0.1), json!(f), &Shape::Any), (true, false));
    }

    #[test]
    fn containers_and_unions() {
        use Shape::*;
        let arr = Array(Box::new(Double));
        assert_eq!(
            both(json!([1.0, 2.0]), json!([1.01, 2.0]), &arr),
            (true, false)
        );
        assert_eq!(both(json!([1.0, 2.0]), json!([1.0]), &arr), (false, false));
        let map = Map(Box::new(Double));
        assert_eq!(
            both(json!({"a": 1.0}), json!({"a": 1.0, "b": 2.0}), &map),
            (false, false)
        );
        assert_eq!(
            both(json!({"a": 1.0}), json!({"b": 1.0}), &map),
            (false, false)
        );
        assert_eq!(
            both(json!({"a": 1.0}), json!({"a": 1.02}), &map),
            (true, false)
        );
        let u = Union(vec![Null, Double, Array(Box::new(Int))]);
        assert_eq!(both(json!(null), json!(null), &u), (true, true));
        assert_eq!(
            both(json!({"double": 1.0}), json!({"double": 1.01}), &u),
            (true, false)
        );
        assert_eq!(
            both(json!({"double": 1.0}), json!({"float": 1.0}), &u),
            (false, false)
        );
        assert_eq!(
            both(json!({"array": [1]}), json!({"array": [2]}), &u),
            (false, false)
        );
        assert_eq!(
            both(json!(null), json!({"double": 1.0}), &u),
            (false, false)
        );
    }

    #[test]
    fn unordered_sorting() {
        let mut a = json!(["b", "a", "c"]);
        sort_unordered(&mut a);
        assert_eq!(a, json!(["a", "b", "c"]));
        let mut m = json!([{"b": 1}, {"a": 2}, {"a": 1}]);
        sort_unordered(&mut m);
        assert_eq!(m, json!([{"a": 1}, {"a": 2}, {"b": 1}]));
        let mut n = json!([3, 1.5, -2, null, true]);
        sort_unordered(&mut n);
        assert_eq!(n, json!([null, true, -2, 1.5, 3]));
        let mut t = json!({"array": [2, 1]});
        sort_unordered(&mut t);
        assert_eq!(t, json!({"array": [1, 2]}));
    }
}
