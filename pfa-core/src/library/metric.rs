//! Metrics (spec §11): metric.*
//!
//! Similarity functions compare two numbers; metrics combine a similarity over the
//! components of two vectors. A missing component (null in either vector) is left out
//! of the combination, and the result is scaled by the total missing-value weight over
//! the weight of the components present, so that vectors with gaps stay comparable with
//! complete ones. If every component is missing the result is NaN.
//!
//! The binary similarities count the four kinds of coordinate pairs (true/true,
//! true/false, false/true, false/false) and combine the counts.

use super::args::{self, any, fail, ErrCode, Ret};
use super::model::{arr, internal, num};
use super::{Host, Registry};
use crate::error::PfaError;
use crate::value::Value;

const SIMPLE_EUCLIDEAN_DIMS: ErrCode = (28000, "dimensions of vectors do not match");
const EUCLIDEAN_DIMS: ErrCode = (28030, "dimensions of vectors do not match");
const SQUARED_EUCLIDEAN_DIMS: ErrCode = (28040, "dimensions of vectors do not match");
const CHEBYSHEV_DIMS: ErrCode = (28050, "dimensions of vectors do not match");
const TAXICAB_DIMS: ErrCode = (28060, "dimensions of vectors do not match");
const MINKOWSKI_DIMS: ErrCode = (28070, "dimensions of vectors do not match");
const MINKOWSKI_P: ErrCode = (28071, "Minkowski parameter p must be positive");
const SIMPLE_MATCHING_DIMS: ErrCode = (28080, "dimensions of vectors do not match");
const JACCARD_DIMS: ErrCode = (28090, "dimensions of vectors do not match");
const TANIMOTO_DIMS: ErrCode = (28100, "dimensions of vectors do not match");
const BINARY_SIMILARITY_DIMS: ErrCode = (28110, "dimensions of vectors do not match");

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    r.def("metric.simpleEuclidean")
        .sig("(x: array<double>, y: array<double>) -> double")
        .errors(&[SIMPLE_EUCLIDEAN_DIMS])
        .native(simple_euclidean);
    r.def("metric.absDiff")
        .sig("(x: double, y: double) -> double")
        .native(abs_diff);
    r.def("metric.gaussianSimilarity")
        .sig("(x: double, y: double, sigma: double) -> double")
        .native(gaussian_similarity);

    const SIM: &str = "similarity: fcn(double, double) -> double, x: array<union<null, double>>, y: array<union<null, double>>";
    r.def("metric.euclidean")
        .sig("(similarity: fcn(any A, any B) -> double, x: array<union<null, A>>, y: array<union<null, B>>) -> double")
        .sig("(similarity: fcn(any A, any B) -> double, x: array<union<null, A>>, y: array<union<null, B>>, missingWeight: array<double>) -> double")
        .errors(&[EUCLIDEAN_DIMS])
        .native(euclidean);
    r.def("metric.squaredEuclidean")
        .sig(&format!("({SIM}) -> double"))
        .sig(&format!("({SIM}, missingWeight: array<double>) -> double"))
        .errors(&[SQUARED_EUCLIDEAN_DIMS])
        .native(squared_euclidean);
    r.def("metric.chebyshev")
        .sig(&format!("({SIM}) -> double"))
        .sig(&format!("({SIM}, missingWeight: array<double>) -> double"))
        .errors(&[CHEBYSHEV_DIMS])
        .native(chebyshev);
    r.def("metric.taxicab")
        .sig(&format!("({SIM}) -> double"))
        .sig(&format!("({SIM}, missingWeight: array<double>) -> double"))
        .errors(&[TAXICAB_DIMS])
        .native(taxicab);
    r.def("metric.minkowski")
        .sig(&format!("({SIM}, p: double) -> double"))
        .sig(&format!(
            "({SIM}, p: double, missingWeight: array<double>) -> double"
        ))
        .errors(&[MINKOWSKI_DIMS, MINKOWSKI_P])
        .native(minkowski);

    r.def("metric.simpleMatching")
        .sig("(x: array<boolean>, y: array<boolean>) -> double")
        .errors(&[SIMPLE_MATCHING_DIMS])
        .native(simple_matching);
    r.def("metric.jaccard")
        .sig("(x: array<boolean>, y: array<boolean>) -> double")
        .errors(&[JACCARD_DIMS])
        .native(jaccard);
    r.def("metric.tanimoto")
        .sig("(x: array<boolean>, y: array<boolean>) -> double")
        .errors(&[TANIMOTO_DIMS])
        .native(tanimoto);
    r.def("metric.binarySimilarity")
        .sig("(x: array<boolean>, y: array<boolean>, c00: double, c01: double, c10: double, c11: double, d00: double, d01: double, d10: double, d11: double) -> double")
        .errors(&[BINARY_SIMILARITY_DIMS])
        .native(binary_similarity);
}

fn simple_euclidean(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (arr(any(a, 0)?)?, arr(any(a, 1)?)?);
    if x.len() != y.len() {
        return Err(fail(SIMPLE_EUCLIDEAN_DIMS));
    }
    let mut sum = 0.0;
    for (p, q) in x.iter().zip(y) {
        let d = num(p)? - num(q)?;
        sum += d * d;
    }
    Ok(Value::Double(sum.sqrt()))
}

fn abs_diff(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Double(
        (args::double(a, 0)? - args::double(a, 1)?).abs(),
    ))
}

fn gaussian_similarity(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y, sigma) = (
        args::double(a, 0)?,
        args::double(a, 1)?,
        args::double(a, 2)?,
    );
    let d = x - y;
    Ok(Value::Double(
        (-std::f64::consts::LN_2 * (d * d) / (sigma * sigma)).exp(),
    ))
}

/// Runs `similarity` (argument 0) over the components present in both `x` and `y`
/// (arguments 1 and 2), folding the results into a tally with `step`. Gives the tally
/// scaled by the missing-value correction, or NaN if no component is present.
/// `weights_at` is the argument index of the missing-value weights, if any.
fn with_missing(
    host: &mut dyn Host,
    a: &[Value],
    weights_at: usize,
    dims: ErrCode,
    step: impl Fn(f64, f64) -> f64,
) -> Result<f64, PfaError> {
    let (x, y) = (arr(any(a, 1)?)?, arr(any(a, 2)?)?);
    let weights = match a.get(weights_at) {
        Some(w) => Some(arr(w)?),
        None => None,
    };
    if y.len() != x.len() || weights.is_some_and(|w| w.len() != x.len()) {
        return Err(fail(dims));
    }
    let weight = |i: usize| -> Result<f64, PfaError> {
        match weights {
            Some(w) => num(w.get(i).ok_or_else(|| internal("weight index"))?),
            None => Ok(1.0),
        }
    };
    let (mut tally, mut all, mut present) = (0.0, 0.0, 0.0);
    for (i, (p, q)) in x.iter().zip(y).enumerate() {
        let w = weight(i)?;
        if !p.is_null() && !q.is_null() {
            let s = num(&host.call_fcn(0, &[p.clone(), q.clone()])?)?;
            tally = step(tally, s);
            present += w;
        }
        all += w;
    }
    Ok(if present == 0.0 {
        f64::NAN
    } else {
        tally * all / present
    })
}

fn euclidean(host: &mut dyn Host, a: &[Value]) -> Ret {
    let v = with_missing(host, a, 3, EUCLIDEAN_DIMS, |t, s| t + s * s)?;
    Ok(Value::Double(v.sqrt()))
}

fn squared_euclidean(host: &mut dyn Host, a: &[Value]) -> Ret {
    let v = with_missing(host, a, 3, SQUARED_EUCLIDEAN_DIMS, |t, s| t + s * s)?;
    Ok(Value::Double(v))
}

/// The larger of the tally and a new similarity; a NaN similarity is skipped.
fn max_step(t: f64, s: f64) -> f64 {
    if s > t {
        s
    } else {
        t
    }
}

fn chebyshev(host: &mut dyn Host, a: &[Value]) -> Ret {
    let v = with_missing(host, a, 3, CHEBYSHEV_DIMS, max_step)?;
    Ok(Value::Double(v))
}

fn taxicab(host: &mut dyn Host, a: &[Value]) -> Ret {
    let v = with_missing(host, a, 3, TAXICAB_DIMS, |t, s| t + s)?;
    Ok(Value::Double(v))
}

fn minkowski(host: &mut dyn Host, a: &[Value]) -> Ret {
    let p = args::double(a, 3)?;
    // The dimensions are checked before p, so check them here first.
    let (x, y) = (arr(any(a, 1)?)?, arr(any(a, 2)?)?);
    let weights_ok = a
        .get(4)
        .map_or(Ok(true), |w| arr(w).map(|w| w.len() == x.len()))?;
    if y.len() != x.len() || !weights_ok {
        return Err(fail(MINKOWSKI_DIMS));
    }
    if p.is_nan() || p <= 0.0 {
        return Err(fail(MINKOWSKI_P));
    }
    let v = if p == f64::INFINITY {
        with_missing(host, a, 4, MINKOWSKI_DIMS, max_step)?
    } else {
        let sum = with_missing(host, a, 4, MINKOWSKI_DIMS, |t, s| t + fpow(s, p))?;
        fpow(sum, 1.0 / p)
    };
    Ok(Value::Double(v))
}

/// Power with the special cases of the reference implementations (see `**`).
fn fpow(x: f64, y: f64) -> f64 {
    super::core::pow::fpow(x, y)
}

/// Counts of coordinate pairs `[a00, a01, a10, a11]` (first digit: x, second: y).
fn count_pairs(a: &[Value], dims: ErrCode) -> Result<[f64; 4], PfaError> {
    let (x, y) = (arr(any(a, 0)?)?, arr(any(a, 1)?)?);
    if x.len() != y.len() {
        return Err(fail(dims));
    }
    let mut counts = [0usize; 4];
    for (p, q) in x.iter().zip(y) {
        let (p, q) = match (p, q) {
            (Value::Boolean(p), Value::Boolean(q)) => (*p, *q),
            _ => return Err(internal("expected booleans")),
        };
        counts[usize::from(p) * 2 + usize::from(q)] += 1;
    }
    Ok(counts.map(|c| c as f64))
}

fn simple_matching(_: &mut dyn Host, a: &[Value]) -> Ret {
    let [a00, a01, a10, a11] = count_pairs(a, SIMPLE_MATCHING_DIMS)?;
    Ok(Value::Double((a11 + a00) / (a11 + a10 + a01 + a00)))
}

fn jaccard(_: &mut dyn Host, a: &[Value]) -> Ret {
    let [_, a01, a10, a11] = count_pairs(a, JACCARD_DIMS)?;
    Ok(Value::Double(a11 / (a11 + a10 + a01)))
}

fn tanimoto(_: &mut dyn Host, a: &[Value]) -> Ret {
    let [a00, a01, a10, a11] = count_pairs(a, TANIMOTO_DIMS)?;
    Ok(Value::Double((a11 + a00) / (a11 + 2.0 * (a10 + a01) + a00)))
}

fn binary_similarity(_: &mut dyn Host, a: &[Value]) -> Ret {
    let [a00, a01, a10, a11] = count_pairs(a, BINARY_SIMILARITY_DIMS)?;
    let mut c = [0.0; 8];
    for (i, slot) in c.iter_mut().enumerate() {
        *slot = args::double(a, 2 + i)?;
    }
    let [c00, c01, c10, c11, d00, d01, d10, d11] = c;
    Ok(Value::Double(
        (c11 * a11 + c10 * a10 + c01 * a01 + c00 * a00)
            / (d11 * a11 + d10 * a10 + d01 * a01 + d00 * a00),
    ))
}

#[cfg(test)]
mod tests {
    // Case tables are tuples, one line per case.
    #![allow(clippy::type_complexity)]

    use super::*;
    use crate::library::model::testing::{
        adouble, assert_double, assert_err, code, Callback, Fixture,
    };
    use crate::types::Type;

    const NAN: f64 = f64::NAN;
    const INF: f64 = f64::INFINITY;

    /// A vector with missing values (NaN stands for null here).
    fn nv(xs: &[f64]) -> Value {
        Value::array(
            xs.iter()
                .map(|x| {
                    if x.is_nan() {
                        Value::Null
                    } else {
                        Value::Double(*x)
                    }
                })
                .collect(),
        )
    }

    fn bools(xs: &[u8]) -> Value {
        Value::array(xs.iter().map(|x| Value::Boolean(*x != 0)).collect())
    }

    fn abs_diff_fn() -> Callback<'static> {
        Box::new(|a: &[Value]| Ok(Value::Double((num(&a[0])? - num(&a[1])?).abs())))
    }

    #[test]
    fn similarities() {
        let fx = Fixture::new();
        let d = Value::Double;
        let t2 = [Type::Double, Type::Double];
        for (x, y, want) in [
            (1.0, 4.0, 3.0),
            (-2.0, 2.0, 4.0),
            (INF, INF, NAN),
            (0.0, NAN, NAN),
        ] {
            assert_double(fx.run(abs_diff, &t2, &[d(x), d(y)], vec![]), want);
        }
        let t3 = [Type::Double, Type::Double, Type::Double];
        for (x, y, s, want) in [
            (1.0, 1.0, 1.0, 1.0),
            (0.0, 1.0, 1.0, 0.5),
            (0.0, 2.0, 2.0, 0.5),
            (0.0, 1.0, 0.0, 0.0),
            (1.0, 1.0, 0.0, NAN),
        ] {
            assert_double(
                fx.run(gaussian_similarity, &t3, &[d(x), d(y), d(s)], vec![]),
                want,
            );
        }
        let tv = [adouble(), adouble()];
        assert_double(
            fx.run(
                simple_euclidean,
                &tv,
                &[nv(&[0.0, 0.0]), nv(&[3.0, 4.0])],
                vec![],
            ),
            5.0,
        );
        assert_double(
            fx.run(simple_euclidean, &tv, &[nv(&[]), nv(&[])], vec![]),
            0.0,
        );
        assert_err(
            fx.run(simple_euclidean, &tv, &[nv(&[1.0]), nv(&[])], vec![]),
            (28000, "dimensions of vectors do not match"),
        );
    }

    #[test]
    fn metrics_with_missing_values() {
        let fx = Fixture::new();
        let nd = Type::array(Type::Union(vec![Type::Null, Type::Double]));
        let t3 = [Type::Null, nd.clone(), nd.clone()];
        let t4 = [Type::Null, nd.clone(), nd.clone(), adouble()];
        type Metric = fn(&mut dyn Host, &[Value]) -> Ret;
        let x = nv(&[0.0, 0.0, 0.0]);
        let y = nv(&[1.0, 2.0, 2.0]);
        let gap = nv(&[1.0, NAN, 2.0]);
        let w = nv(&[1.0, 2.0, 1.0]);
        // (metric, dims code, [full, with a gap, with a gap and weights, all missing])
        let cases: [(Metric, i32, [f64; 4]); 4] = [
            (
                euclidean,
                28030,
                [3.0, (5.0f64 * 1.5).sqrt(), (5.0f64 * 2.0).sqrt(), NAN],
            ),
            (squared_euclidean, 28040, [9.0, 7.5, 10.0, NAN]),
            (chebyshev, 28050, [2.0, 3.0, 4.0, NAN]),
            (taxicab, 28060, [5.0, 4.5, 6.0, NAN]),
        ];
        let none = nv(&[NAN, NAN, NAN]);
        for (f, dims, want) in cases {
            let run =
                |args: &[Value], types: &[Type]| fx.run(f, types, args, vec![(0, abs_diff_fn())]);
            assert_double(run(&[Value::Null, x.clone(), y.clone()], &t3), want[0]);
            assert_double(run(&[Value::Null, x.clone(), gap.clone()], &t3), want[1]);
            assert_double(
                run(&[Value::Null, gap.clone(), x.clone(), w.clone()], &t4),
                want[2],
            );
            assert_double(run(&[Value::Null, none.clone(), x.clone()], &t3), want[3]);
            assert_double(run(&[Value::Null, nv(&[]), nv(&[])], &t3), NAN);
            assert_err(
                run(&[Value::Null, x.clone(), nv(&[1.0])], &t3),
                (dims, "dimensions of vectors do not match"),
            );
            assert_eq!(
                code(&run(&[Value::Null, x.clone(), y.clone(), nv(&[1.0])], &t4)),
                Some(dims)
            );
        }
        // Minkowski: p = 1 is taxicab, p = 2 euclidean, p = ∞ chebyshev.
        let t4p = [Type::Null, nd.clone(), nd.clone(), Type::Double];
        let t5 = [Type::Null, nd.clone(), nd.clone(), Type::Double, adouble()];
        let mk = |args: &[Value], types: &[Type]| {
            fx.run(minkowski, types, args, vec![(0, abs_diff_fn())])
        };
        let p = Value::Double;
        for (pv, full, gapped) in [
            (1.0, 5.0, 6.0),
            (2.0, 3.0, 10.0f64.sqrt()),
            (INF, 2.0, 4.0),
            (3.0, 17.0f64.cbrt(), 18.0f64.cbrt()),
        ] {
            assert_double(mk(&[Value::Null, x.clone(), y.clone(), p(pv)], &t4p), full);
            assert_double(
                mk(
                    &[Value::Null, gap.clone(), x.clone(), p(pv), w.clone()],
                    &t5,
                ),
                gapped,
            );
        }
        assert_double(
            mk(&[Value::Null, none.clone(), x.clone(), p(2.0)], &t4p),
            NAN,
        );
        for bad in [0.0, -1.0, NAN, -INF] {
            assert_err(
                mk(&[Value::Null, x.clone(), y.clone(), p(bad)], &t4p),
                (28071, "Minkowski parameter p must be positive"),
            );
        }
        // Dimensions are checked before p.
        assert_err(
            mk(&[Value::Null, x.clone(), nv(&[]), p(-1.0)], &t4p),
            (28070, "dimensions of vectors do not match"),
        );
        assert_eq!(
            code(&mk(
                &[Value::Null, x.clone(), y.clone(), p(2.0), nv(&[1.0])],
                &t5
            )),
            Some(28070)
        );
    }

    #[test]
    fn binary_metrics() {
        let fx = Fixture::new();
        let tb = [Type::array(Type::Boolean), Type::array(Type::Boolean)];
        // pairs: a11 = 2, a10 = 1, a01 = 1, a00 = 1
        let x = bools(&[1, 1, 1, 0, 0]);
        let y = bools(&[1, 1, 0, 1, 0]);
        let cases: [(fn(&mut dyn Host, &[Value]) -> Ret, f64, i32); 3] = [
            (simple_matching, 3.0 / 5.0, 28080),
            (jaccard, 2.0 / 4.0, 28090),
            (tanimoto, 3.0 / 7.0, 28100),
        ];
        for (f, want, dims) in cases {
            assert_double(fx.run(f, &tb, &[x.clone(), y.clone()], vec![]), want);
            assert_double(fx.run(f, &tb, &[bools(&[]), bools(&[])], vec![]), NAN);
            assert_err(
                fx.run(f, &tb, &[x.clone(), bools(&[1])], vec![]),
                (dims, "dimensions of vectors do not match"),
            );
        }
        let mut tbs = tb.to_vec();
        tbs.extend(std::iter::repeat_n(Type::Double, 8));
        let with = |c: [f64; 8], x: &Value, y: &Value| {
            let mut args = vec![x.clone(), y.clone()];
            args.extend(c.iter().map(|v| Value::Double(*v)));
            fx.run(binary_similarity, &tbs, &args, vec![])
        };
        // c00, c01, c10, c11, d00, d01, d10, d11: simple matching and Jaccard again.
        assert_double(
            with([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0], &x, &y),
            3.0 / 5.0,
        );
        assert_double(
            with([0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0], &x, &y),
            2.0 / 4.0,
        );
        assert_double(with([1.0, 2.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0], &x, &y), INF);
        assert_err(
            with([0.0; 8], &x, &bools(&[])),
            (28110, "dimensions of vectors do not match"),
        );
    }
}
