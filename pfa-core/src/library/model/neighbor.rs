//! Nearest neighbor models (spec §26.4): model.neighbor.*
//!
//! The codebook is searched in place; the points found are returned as shared values.
//! Without a metric, `nearestK` ranks by squared Euclidean distance and `ballR` uses the
//! Euclidean distance.

use super::{arr, doubles, internal, lowest_n, num, squared_distance};
use crate::error::PfaError;
use crate::library::args::{self, any, fail, ErrCode, Ret};
use crate::library::{Host, Registry};
use crate::value::Value;

const NOT_ENOUGH_POINTS: ErrCode = (30000, "not enough points");
const MEAN_DIMENSIONS: ErrCode = (30001, "inconsistent dimensionality");
const K_NEGATIVE: ErrCode = (30010, "k must be nonnegative");
const K_DIMENSIONS: ErrCode = (30011, "inconsistent dimensionality");

pub(super) fn register(r: &mut Registry) {
    r.def("model.neighbor.mean")
        .sig("(points: array<array<double>>) -> array<double>")
        .sig(
            "(points: array<array<double>>, weight: fcn(array<double>) -> double) -> array<double>",
        )
        .errors(&[NOT_ENOUGH_POINTS, MEAN_DIMENSIONS])
        .native(mean);
    r.def("model.neighbor.nearestK")
        .sig("(k: int, datum: array<double>, codebook: array<array<double>>) -> array<array<double>>")
        .sig("(k: int, datum: any A, codebook: array<any B>, metric: fcn(A, B) -> double) -> array<B>")
        .errors(&[K_NEGATIVE, K_DIMENSIONS])
        .native(nearest_k);
    r.def("model.neighbor.ballR")
        .sig("(r: double, datum: array<double>, codebook: array<array<double>>) -> array<array<double>>")
        .sig("(r: double, datum: any A, codebook: array<any B>, metric: fcn(A, B) -> double) -> array<B>")
        .native(ball_r);
}

fn mean(host: &mut dyn Host, a: &[Value]) -> Ret {
    let points = arr(any(a, 0)?)?;
    let weighted = a.len() > 1;
    let first = points.first().ok_or_else(|| fail(NOT_ENOUGH_POINTS))?;
    let dim = arr(first)?.len();
    let mut numer = vec![0.0; dim];
    let mut denom = 0.0;
    for p in points {
        let xs = arr(p)?;
        if xs.len() != dim {
            return Err(fail(MEAN_DIMENSIONS));
        }
        let w = if weighted {
            num(&host.call_fcn(1, std::slice::from_ref(p))?)?
        } else {
            1.0
        };
        for (n, x) in numer.iter_mut().zip(xs) {
            *n += w * num(x)?;
        }
        denom += w;
    }
    Ok(doubles(numer.into_iter().map(|n| n / denom).collect()))
}

/// Distances from `datum` to each codebook entry: through the metric (argument 3) if
/// given, else by `plain` on the two double arrays.
fn distances(
    host: &mut dyn Host,
    a: &[Value],
    plain: fn(&[Value], &[Value]) -> Result<f64, PfaError>,
) -> Result<Vec<f64>, PfaError> {
    let datum = any(a, 1)?;
    let codebook = arr(any(a, 2)?)?;
    let mut out = Vec::with_capacity(codebook.len());
    if a.len() > 3 {
        for x in codebook {
            out.push(num(&host.call_fcn(3, &[datum.clone(), x.clone()])?)?);
        }
    } else {
        let d = arr(datum)?;
        for x in codebook {
            out.push(plain(d, arr(x)?)?);
        }
    }
    Ok(out)
}

fn nearest_k(host: &mut dyn Host, a: &[Value]) -> Ret {
    let k = args::int(a, 0)?;
    if k < 0 {
        return Err(fail(K_NEGATIVE));
    }
    let codebook = arr(any(a, 2)?)?;
    if a.len() <= 3 {
        let dim = arr(any(a, 1)?)?.len();
        for x in codebook {
            if arr(x)?.len() != dim {
                return Err(fail(K_DIMENSIONS));
            }
        }
    }
    let d = distances(host, a, squared_distance)?;
    let picked = lowest_n(&d, k as usize);
    picked
        .into_iter()
        .map(|i| codebook.get(i).cloned().ok_or_else(|| internal("index")))
        .collect::<Result<Vec<Value>, PfaError>>()
        .map(Value::array)
}

fn euclidean(x: &[Value], y: &[Value]) -> Result<f64, PfaError> {
    Ok(squared_distance(x, y)?.sqrt())
}

fn ball_r(host: &mut dyn Host, a: &[Value]) -> Ret {
    let r = args::double(a, 0)?;
    let codebook = arr(any(a, 2)?)?;
    let d = distances(host, a, euclidean)?;
    Ok(Value::array(
        codebook
            .iter()
            .zip(d)
            .filter(|(_, d)| *d < r)
            .map(|(x, _)| x.clone())
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    // Case tables are tuples, one line per case.
    #![allow(clippy::type_complexity)]

    use super::*;
    use crate::library::model::testing::{
        aadouble, adouble, assert_doubles, assert_err, code, dm, doubles_of, dv, Callback, Fixture,
    };
    use crate::types::Type;

    fn rows(v: Result<Value, PfaError>) -> Vec<Vec<f64>> {
        match v {
            Ok(Value::Array(a)) => a.iter().map(|r| doubles_of(Ok(r.clone()))).collect(),
            other => panic!("got {other:?}"),
        }
    }

    #[test]
    fn mean_with_and_without_weights() {
        let fx = Fixture::new();
        let t = [aadouble()];
        let cases: Vec<(Value, Result<Vec<f64>, i32>)> = vec![
            (dm(&[&[1.0, 2.0], &[3.0, 6.0]]), Ok(vec![2.0, 4.0])),
            (dm(&[&[5.0]]), Ok(vec![5.0])),
            (dm(&[&[], &[]]), Ok(vec![])),
            (dm(&[]), Err(30000)),
            (dm(&[&[1.0], &[1.0, 2.0]]), Err(30001)),
        ];
        for (points, want) in cases {
            let r = fx.run(mean, &t, &[points], vec![]);
            match want {
                Ok(w) => assert_doubles(&doubles_of(r), &w),
                Err(c) => assert_eq!(code(&r), Some(c)),
            }
        }
        // Weight = first coordinate: (1·[1, 2] + 3·[3, 6]) / 4.
        let w: Callback<'_> = Box::new(|a: &[Value]| Ok(arr(&a[0])?[0].clone()));
        let r = fx.run(
            mean,
            &[aadouble(), Type::Null],
            &[dm(&[&[1.0, 2.0], &[3.0, 6.0]]), Value::Null],
            vec![(1, w)],
        );
        assert_doubles(&doubles_of(r), &[2.5, 5.0]);
        assert_err(
            fx.run(mean, &t, &[dm(&[])], vec![]),
            (30000, "not enough points"),
        );
        assert_err(
            fx.run(mean, &t, &[dm(&[&[1.0], &[]])], vec![]),
            (30001, "inconsistent dimensionality"),
        );
    }

    #[test]
    fn nearest_k_and_ball_r() {
        let fx = Fixture::new();
        let book = dm(&[
            &[0.0, 0.0],
            &[3.0, 4.0],
            &[1.0, 1.0],
            &[1.0, 1.0],
            &[-6.0, 8.0],
        ]);
        let t = [Type::Int, adouble(), aadouble()];
        let cases: Vec<(i32, &[f64], Result<Vec<Vec<f64>>, i32>)> = vec![
            (2, &[0.0, 0.0], Ok(vec![vec![0.0, 0.0], vec![1.0, 1.0]])),
            (
                3,
                &[1.0, 1.0],
                Ok(vec![vec![1.0, 1.0], vec![1.0, 1.0], vec![0.0, 0.0]]),
            ),
            (0, &[1.0, 1.0], Ok(vec![])),
            (
                9,
                &[0.0, 0.0],
                Ok(vec![
                    vec![0.0, 0.0],
                    vec![1.0, 1.0],
                    vec![1.0, 1.0],
                    vec![3.0, 4.0],
                    vec![-6.0, 8.0],
                ]),
            ),
            (-1, &[0.0, 0.0], Err(30010)),
            (1, &[0.0], Err(30011)),
        ];
        for (k, x, want) in cases {
            let r = fx.run(nearest_k, &t, &[Value::Int(k), dv(x), book.clone()], vec![]);
            match want {
                Ok(w) => assert_eq!(rows(r), w),
                Err(c) => assert_eq!(code(&r), Some(c)),
            }
        }
        // An empty codebook has no dimensions to disagree with.
        let r = fx.run(nearest_k, &t, &[Value::Int(1), dv(&[0.0]), dm(&[])], vec![]);
        assert!(rows(r).is_empty());
        assert_err(
            fx.run(nearest_k, &t, &[Value::Int(-1), dv(&[]), dm(&[])], vec![]),
            (30010, "k must be nonnegative"),
        );
        assert_err(
            fx.run(
                nearest_k,
                &t,
                &[Value::Int(1), dv(&[1.0]), book.clone()],
                vec![],
            ),
            (30011, "inconsistent dimensionality"),
        );
        // With a metric on the first coordinate only, any sizes are fine.
        let m: Callback<'_> = Box::new(|a: &[Value]| {
            Ok(Value::Double(
                (num(&arr(&a[0])?[0])? - num(&arr(&a[1])?[0])?).abs(),
            ))
        });
        let mt = [Type::Int, adouble(), aadouble(), Type::Null];
        let r = fx.run(
            nearest_k,
            &mt,
            &[Value::Int(1), dv(&[-5.0]), book.clone(), Value::Null],
            vec![(3, m)],
        );
        assert_eq!(rows(r), vec![vec![-6.0, 8.0]]);

        // ballR: Euclidean distance strictly below r, in codebook order.
        let bt = [Type::Double, adouble(), aadouble()];
        let cases: Vec<(f64, &[f64], usize)> = vec![
            (5.0, &[0.0, 0.0], 3),
            (5.000001, &[0.0, 0.0], 4),
            (0.0, &[0.0, 0.0], 0),
            (100.0, &[0.0, 0.0], 5),
        ];
        for (r, x, n) in cases {
            let got = fx.run(
                ball_r,
                &bt,
                &[Value::Double(r), dv(x), book.clone()],
                vec![],
            );
            assert_eq!(rows(got).len(), n, "r = {r}");
        }
        let m: Callback<'_> = Box::new(|_: &[Value]| Ok(Value::Double(1.0)));
        let mt = [Type::Double, adouble(), aadouble(), Type::Null];
        let got = fx.run(
            ball_r,
            &mt,
            &[Value::Double(1.5), dv(&[]), book, Value::Null],
            vec![(3, m)],
        );
        assert_eq!(rows(got).len(), 5);
    }
}
