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
            num(&host.call_fcn(1, &[p.clone()])?)?
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
