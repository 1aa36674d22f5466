//! Interpolation library (spec §23): interp.*
//!
//! Tables are arrays of records with fields `x` and `to` (plus any others, which are
//! ignored). Field positions come from the table's record type, found once per call.
//! Ties in distance go to the first entry of the table, so every search keeps its best
//! entry until a strictly better one appears.

#[cfg(test)]
mod tests;

use super::args::{self, fail, ErrCode, Ret};
use super::{Host, NativeFn, Registry, Spec};
use crate::error::PfaError;
use crate::types::Type;
use crate::value::{Record, Value};

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    bin::register(r);
    nearest::register(r);
    linear::register(r);
}

#[cold]
#[inline(never)]
fn internal(what: &str) -> PfaError {
    PfaError::runtime(0, format!("internal error: {what}"))
}

/// Positions of the fields `x` and `to` in the records of the table passed as argument
/// `i` (an `array` of records).
fn table_fields(host: &dyn Host, i: usize) -> Result<(usize, usize), PfaError> {
    let id = match host.arg_type(i) {
        Type::Array(items) => match **items {
            Type::Record(id) => id,
            _ => return Err(internal("table items are not records")),
        },
        _ => return Err(internal("table is not an array")),
    };
    let types = host.types();
    let fields = match types.try_get(id) {
        Some(_) => types.fields(id),
        None => return Err(internal("table record type is unknown")),
    };
    let pos = |name: &str| {
        fields
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| internal("table record lacks a field"))
    };
    Ok((pos("x")?, pos("to")?))
}

/// Whether distance `d` beats the best so far (`None`: nothing yet). A NaN distance
/// never beats a best, so ties and NaNs keep the earlier entry.
fn closer(d: f64, best: Option<f64>) -> bool {
    match best {
        None => true,
        Some(b) => d < b,
    }
}

/// The table (argument `i`) as records.
fn table(a: &[Value], i: usize) -> Result<&[Value], PfaError> {
    match a.get(i) {
        Some(Value::Array(items)) => Ok(items),
        _ => Err(internal("table is not an array")),
    }
}

/// A table entry as a record.
fn entry(v: &Value) -> Result<&Record, PfaError> {
    v.as_record()
        .map(|r| &**r)
        .ok_or_else(|| internal("table entry is not a record"))
}

/// Field `i` of a record.
fn field(r: &Record, i: usize) -> Result<&Value, PfaError> {
    r.fields
        .get(i)
        .ok_or_else(|| internal("record has too few fields"))
}

/// Field `i` of a record, as a double.
fn field_f64(r: &Record, i: usize) -> Result<f64, PfaError> {
    match field(r, i)? {
        Value::Double(x) => Ok(*x),
        _ => Err(internal("table field is not a double")),
    }
}

// ---------------------------------------------------------------------------------------

/// `interp.bin` (§23.1): histogram binning, by bin count between two edges or by bin
/// width from an origin.
pub(crate) mod bin {
    use super::*;

    /// Empty or undefined range, or an origin that is not finite.
    pub(crate) const BAD_RANGE: ErrCode = (22000, "bad histogram range");
    /// No bins, or a width that is not positive.
    pub(crate) const BAD_SCALE: ErrCode = (22001, "bad histogram scale");
    /// `x` outside the histogram (or not a number).
    pub(crate) const OUT_OF_RANGE: ErrCode = (22002, "x out of range");

    pub(super) fn register(r: &mut Registry) {
        r.def("interp.bin")
            .sig("(x: double, numbins: int, low: double, high: double) -> int")
            .sig("(x: double, origin: double, width: double) -> int")
            .errors(&[BAD_RANGE, BAD_SCALE, OUT_OF_RANGE])
            .specialize(|s: &Spec<'_>| -> Result<NativeFn, String> {
                Ok(if s.sig == 0 { by_count } else { by_width })
            });
    }

    /// Bin of `x` among `numbins` equal bins covering [low, high).
    pub(crate) fn by_count(_: &mut dyn Host, a: &[Value]) -> Ret {
        let x = args::double(a, 0)?;
        let numbins = args::int(a, 1)?;
        let (low, high) = (args::double(a, 2)?, args::double(a, 3)?);
        if low >= high || low.is_nan() || high.is_nan() {
            return Err(fail(BAD_RANGE));
        }
        if numbins < 1 {
            return Err(fail(BAD_SCALE));
        }
        if x.is_nan() || x < low || x >= high {
            return Err(fail(OUT_OF_RANGE));
        }
        let n = f64::from(numbins);
        // Halves keep high - low finite for edges near the largest doubles.
        let frac = (x / 2.0 - low / 2.0) / (high / 2.0 - low / 2.0);
        let bin = (n * frac).floor();
        if bin.is_nan() {
            // Only infinite edges get here (inf/inf): no bin is defined.
            return Err(fail(OUT_OF_RANGE));
        }
        // x < high, so rounding is the only way to reach numbins: that is the last bin.
        Ok(Value::Int(bin.clamp(0.0, n - 1.0) as i32))
    }

    /// Bin of `x` among bins of `width` starting at `origin` (any integer).
    pub(crate) fn by_width(_: &mut dyn Host, a: &[Value]) -> Ret {
        let x = args::double(a, 0)?;
        let (origin, width) = (args::double(a, 1)?, args::double(a, 2)?);
        if !origin.is_finite() {
            return Err(fail(BAD_RANGE));
        }
        if width <= 0.0 || width.is_nan() {
            return Err(fail(BAD_SCALE));
        }
        if !x.is_finite() {
            return Err(fail(OUT_OF_RANGE));
        }
        let bin = ((x - origin) / width).floor();
        // A bin number that an int cannot hold is outside any histogram this can index.
        if !(bin >= f64::from(i32::MIN) && bin <= f64::from(i32::MAX)) {
            return Err(fail(OUT_OF_RANGE));
        }
        Ok(Value::Int(bin as i32))
    }
}

// ---------------------------------------------------------------------------------------

/// `interp.nearest` (§23.2): the `to` of the entry whose `x` is closest.
pub(crate) mod nearest {
    use super::*;

    /// An empty table.
    pub(crate) const EMPTY: ErrCode = (22010, "table must have at least one entry");
    /// Vectors of different lengths.
    pub(crate) const DIMENSIONS: ErrCode = (22011, "inconsistent dimensionality");

    pub(super) fn register(r: &mut Registry) {
        r.def("interp.nearest")
            .sig("(x: double, table: array<record R {x: double, to: any T}>) -> T")
            .sig("(x: array<double>, table: array<record R {x: array<double>, to: any T}>) -> T")
            .sig(
                "(x: any X1, table: array<record R {x: any X2, to: any T}>, \
                 metric: fcn(X1, X2) -> double) -> T",
            )
            .errors(&[EMPTY, DIMENSIONS])
            .specialize(|s: &Spec<'_>| -> Result<NativeFn, String> {
                Ok(match s.sig {
                    0 => scalar,
                    1 => vector,
                    _ => metric,
                })
            });
    }

    /// The `to` of the entry with the smallest `distance` (the first of equals; an entry
    /// whose distance is NaN is never better than the current best).
    fn closest(
        host: &mut dyn Host,
        a: &[Value],
        mut distance: impl FnMut(&mut dyn Host, &Value) -> Result<f64, PfaError>,
    ) -> Ret {
        let (ix, ito) = table_fields(host, 1)?;
        let rows = table(a, 1)?;
        if rows.is_empty() {
            return Err(fail(EMPTY));
        }
        let mut best: Option<(&Record, f64)> = None;
        for row in rows {
            let r = entry(row)?;
            let d = distance(host, field(r, ix)?)?;
            if closer(d, best.map(|(_, bd)| bd)) {
                best = Some((r, d));
            }
        }
        match best {
            Some((r, _)) => field(r, ito).cloned(),
            None => Err(fail(EMPTY)),
        }
    }

    /// One-dimensional: absolute difference.
    pub(crate) fn scalar(host: &mut dyn Host, a: &[Value]) -> Ret {
        let x = args::double(a, 0)?;
        closest(host, a, |_, v| match v {
            Value::Double(y) => Ok((x - y).abs()),
            _ => Err(internal("table x is not a double")),
        })
    }

    /// Vectors: squared Euclidean distance (same order as the distance itself). Every
    /// entry must have the input's dimension.
    pub(crate) fn vector(host: &mut dyn Host, a: &[Value]) -> Ret {
        let x = match a.first() {
            Some(Value::Array(x)) => x.clone(),
            _ => return Err(internal("x is not an array")),
        };
        closest(host, a, |_, v| {
            let y = v
                .as_array()
                .ok_or_else(|| internal("table x is not an array"))?;
            if y.len() != x.len() {
                return Err(fail(DIMENSIONS));
            }
            x.iter()
                .zip(y.iter())
                .try_fold(0.0, |acc, (p, q)| match (p, q) {
                    (Value::Double(p), Value::Double(q)) => Ok(acc + (p - q) * (p - q)),
                    _ => Err(internal("vector component is not a double")),
                })
        })
    }

    /// Any type: the user's metric, called as `metric(x, entry.x)`.
    pub(crate) fn metric(host: &mut dyn Host, a: &[Value]) -> Ret {
        let x = args::any(a, 0)?;
        closest(host, a, |h, v| {
            match h.call_fcn(2, &[x.clone(), v.clone()])? {
                Value::Double(d) => Ok(d),
                _ => Err(internal("metric did not return a double")),
            }
        })
    }
}

// ---------------------------------------------------------------------------------------

/// `interp.linear`, `interp.linearFlat` and `interp.linearMissing` (§23.3-5).
pub(crate) mod linear {
    use super::*;

    /// `interp.linear`'s errors.
    pub(crate) const LINEAR: [ErrCode; 2] = [
        (22020, "table must have at least two distinct x values"),
        (22021, "inconsistent dimensionality"),
    ];
    /// `interp.linearFlat`'s errors.
    pub(crate) const FLAT: [ErrCode; 2] = [
        (22030, "table must have at least two distinct x values"),
        (22031, "inconsistent dimensionality"),
    ];
    /// `interp.linearMissing`'s errors.
    pub(crate) const MISSING: [ErrCode; 2] = [
        (22040, "table must have at least two distinct x values"),
        (22041, "inconsistent dimensionality"),
    ];

    /// What happens outside the table.
    #[derive(Clone, Copy, PartialEq)]
    enum Beyond {
        /// Extrapolate from the two closest entries.
        Extrapolate,
        /// The closest entry's `to`.
        Flat,
        /// `null`, except exactly at the table's last point.
        Missing,
    }

    pub(super) fn register(r: &mut Registry) {
        r.def("interp.linear")
            .sig("(x: double, table: array<record R {x: double, to: double}>) -> double")
            .sig(
                "(x: double, table: array<record R {x: double, to: array<double>}>) \
                 -> array<double>",
            )
            .errors(&LINEAR)
            .native(linear);
        r.def("interp.linearFlat")
            .sig("(x: double, table: array<record R {x: double, to: double}>) -> double")
            .sig(
                "(x: double, table: array<record R {x: double, to: array<double>}>) \
                 -> array<double>",
            )
            .errors(&FLAT)
            .native(flat);
        r.def("interp.linearMissing")
            .sig(
                "(x: double, table: array<record R {x: double, to: double}>) \
                 -> union<null, double>",
            )
            .sig(
                "(x: double, table: array<record R {x: double, to: array<double>}>) \
                 -> union<null, array<double>>",
            )
            .errors(&MISSING)
            .native(missing);
    }

    /// §23.3: interpolates between the entries just below and above `x`, or extrapolates
    /// from the two closest entries.
    pub(crate) fn linear(host: &mut dyn Host, a: &[Value]) -> Ret {
        run(host, a, Beyond::Extrapolate, LINEAR)
    }

    /// §23.4: like `linear`, flat beyond the table.
    pub(crate) fn flat(host: &mut dyn Host, a: &[Value]) -> Ret {
        run(host, a, Beyond::Flat, FLAT)
    }

    /// §23.5: like `linear`, missing (null) beyond the table.
    pub(crate) fn missing(host: &mut dyn Host, a: &[Value]) -> Ret {
        run(host, a, Beyond::Missing, MISSING)
    }

    /// One table entry: its `x` and its `to`.
    type Point<'a> = (f64, &'a Value);

    /// The two entries to interpolate between, and whether they bracket `x`.
    ///
    /// Bracketing: the closest entry with `x' <= x` and the closest with `x' > x`.
    /// Otherwise (x beyond the table, or NaN) the closest entry and the closest one at a
    /// different distance, which beyond the table is a different `x'`.
    fn closest<'a>(
        x: f64,
        rows: &'a [Value],
        (ix, ito): (usize, usize),
        few: ErrCode,
    ) -> Result<(Point<'a>, Point<'a>, bool), PfaError> {
        let mut points = Vec::with_capacity(rows.len());
        for row in rows {
            let r = entry(row)?;
            points.push((field_f64(r, ix)?, field(r, ito)?));
        }
        let mut below: Option<(Point<'a>, f64)> = None;
        let mut above: Option<(Point<'a>, f64)> = None;
        for &p in &points {
            if p.0 <= x {
                let d = x - p.0;
                if closer(d, below.map(|(_, bd)| bd)) {
                    below = Some((p, d));
                }
            }
            if x < p.0 {
                let d = p.0 - x;
                if closer(d, above.map(|(_, ad)| ad)) {
                    above = Some((p, d));
                }
            }
        }
        if let (Some((lo, _)), Some((hi, _))) = (below, above) {
            return Ok((lo, hi, true));
        }
        let mut one: Option<(Point<'a>, f64)> = None;
        let mut two: Option<(Point<'a>, f64)> = None;
        for &p in &points {
            let d = (x - p.0).abs();
            let od = one.map(|(_, od)| od);
            if closer(d, od) {
                two = one;
                one = Some((p, d));
            } else if closer(d, two.map(|(_, td)| td)) && Some(d) != od {
                // `Some(d) != od` treats a NaN distance as different from every other.
                two = Some((p, d));
            }
        }
        match (one, two) {
            (Some((p1, _)), Some((p2, _))) => Ok((p1, p2, false)),
            _ => Err(fail(few)),
        }
    }

    /// The straight line through `one` and `two`, evaluated at `x` (componentwise for
    /// arrays, which must have equal lengths).
    fn interpolate(x: f64, one: Point<'_>, two: Point<'_>, dims: ErrCode) -> Ret {
        let t = (x - one.0) / (two.0 - one.0);
        let line = |p: f64, q: f64| (1.0 - t) * p + t * q;
        match (one.1, two.1) {
            (Value::Double(p), Value::Double(q)) => Ok(Value::Double(line(*p, *q))),
            (Value::Array(p), Value::Array(q)) => {
                if p.len() != q.len() {
                    return Err(fail(dims));
                }
                p.iter()
                    .zip(q.iter())
                    .map(|pq| match pq {
                        (Value::Double(p), Value::Double(q)) => Ok(Value::Double(line(*p, *q))),
                        _ => Err(internal("to component is not a double")),
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::array)
            }
            _ => Err(internal("to values are not doubles or arrays")),
        }
    }

    fn run(host: &mut dyn Host, a: &[Value], beyond: Beyond, errs: [ErrCode; 2]) -> Ret {
        let x = args::double(a, 0)?;
        let fields = table_fields(host, 1)?;
        let (one, two, between) = closest(x, table(a, 1)?, fields, errs[0])?;
        if !between {
            match beyond {
                Beyond::Extrapolate => {}
                Beyond::Flat => return Ok(one.1.clone()),
                // Exactly at the table's last point is still inside the table.
                Beyond::Missing if one.0 != x => return Ok(Value::Null),
                Beyond::Missing => {}
            }
        }
        interpolate(x, one, two, errs[1])
    }
}
