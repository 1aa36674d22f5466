//! Cluster models (spec §26.3): model.cluster.*
//!
//! Clusters are records with a `center` field; the closest-cluster searches return the
//! cluster records themselves (shared, not copied). Without a metric, distances are
//! squared Euclidean over the common length of datum and center.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::{arr, field, field_index, internal, lowest_n, num, rec, record_id, squared_distance};
use crate::error::PfaError;
use crate::library::args::{self, any, fail, ErrCode, Ret};
use crate::library::{Host, Registry};
use crate::value::cmp::{eq_values, hash_value};
use crate::value::{Record, Value};

const NO_CLUSTERS: ErrCode = (29000, "no clusters");
const N_NEGATIVE: ErrCode = (29010, "n must be nonnegative");
const K_NOT_POSITIVE: ErrCode = (29020, "k must be greater than zero");
const NOT_ENOUGH_UNIQUE: ErrCode = (29021, "not enough unique points");
const SEED_DIMENSIONS: ErrCode = (29022, "dimensions of vectors do not match");
const KMEANS_NO_DATA: ErrCode = (29030, "no data");
const KMEANS_NO_CLUSTERS: ErrCode = (29031, "no clusters");
const MEAN_NO_DATA: ErrCode = (29040, "no data");
const MEAN_DIMENSIONS: ErrCode = (29041, "dimensions of vectors do not match");

pub(super) fn register(r: &mut Registry) {
    r.def("model.cluster.closest")
        .sig("(datum: array<double>, clusters: array<record C {center: array<double>}>) -> C")
        .sig("(datum: any A, clusters: array<record C {center: any B}>, metric: fcn(A, B) -> double) -> C")
        .errors(&[NO_CLUSTERS])
        .native(closest);
    r.def("model.cluster.closestN")
        .sig("(n: int, datum: array<double>, clusters: array<record C {center: array<double>}>) -> array<C>")
        .sig("(n: int, datum: any A, clusters: array<record C {center: any B}>, metric: fcn(A, B) -> double) -> array<C>")
        .errors(&[N_NEGATIVE])
        .native(closest_n);
    r.def("model.cluster.randomSeeds")
        .sig("(data: array<array<any A>>, k: int, newCluster: fcn(int, array<A>) -> record C {center: array<any B>}) -> array<C>")
        .errors(&[K_NOT_POSITIVE, NOT_ENOUGH_UNIQUE, SEED_DIMENSIONS])
        .impure()
        .native(random_seeds);
    r.def("model.cluster.kmeansIteration")
        .sig("(data: array<array<any A>>, clusters: array<record C {center: array<any B>}>, metric: fcn(array<A>, array<B>) -> double, update: fcn(array<array<A>>, C) -> C) -> array<C>")
        .errors(&[KMEANS_NO_DATA, KMEANS_NO_CLUSTERS])
        .native(kmeans_iteration);
    r.def("model.cluster.updateMean")
        .sig("(data: array<array<double>>, cluster: record C {center: array<double>}, weight: double) -> C")
        .errors(&[MEAN_NO_DATA, MEAN_DIMENSIONS])
        .native(update_mean);
}

/// Distance of `datum` to the center of every cluster: through the function argument
/// `metric` (argument index) if given, else squared Euclidean.
fn distances(
    host: &mut dyn Host,
    datum: &Value,
    clusters: &[Value],
    center: usize,
    metric: Option<usize>,
) -> Result<Vec<f64>, PfaError> {
    let mut out = Vec::with_capacity(clusters.len());
    match metric {
        Some(m) => {
            for c in clusters {
                let d = host.call_fcn(m, &[datum.clone(), field(rec(c)?, center)?.clone()])?;
                out.push(num(&d)?);
            }
        }
        None => {
            let x = arr(datum)?;
            for c in clusters {
                out.push(squared_distance(x, arr(field(rec(c)?, center)?)?)?);
            }
        }
    }
    Ok(out)
}

/// Index of the `center` field of the cluster records of argument `i`.
fn center_field(host: &dyn Host, i: usize) -> Result<usize, PfaError> {
    field_index(host.types(), record_id(host.arg_type(i))?, "center")
}

fn closest(host: &mut dyn Host, a: &[Value]) -> Ret {
    let center = center_field(host, 1)?;
    let clusters = arr(any(a, 1)?)?;
    if clusters.is_empty() {
        return Err(fail(NO_CLUSTERS));
    }
    let metric = (a.len() > 2).then_some(2);
    let d = distances(host, any(a, 0)?, clusters, center, metric)?;
    let best = lowest_n(&d, 1);
    best.first()
        .and_then(|&i| clusters.get(i))
        .cloned()
        .ok_or_else(|| internal("no closest cluster"))
}

fn closest_n(host: &mut dyn Host, a: &[Value]) -> Ret {
    let n = args::int(a, 0)?;
    if n < 0 {
        return Err(fail(N_NEGATIVE));
    }
    let center = center_field(host, 2)?;
    let clusters = arr(any(a, 2)?)?;
    let metric = (a.len() > 3).then_some(3);
    let d = distances(host, any(a, 1)?, clusters, center, metric)?;
    let picked = lowest_n(&d, n as usize);
    Ok(Value::array(
        picked
            .into_iter()
            .filter_map(|i| clusters.get(i).cloned())
            .collect(),
    ))
}

/// A value usable as a hash-set key, with the engine's value equality.
struct Key<'a>(&'a Value);

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        eq_values(self.0, other.0)
    }
}

impl Eq for Key<'_> {}

impl Hash for Key<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        hash_value(self.0, h);
    }
}

fn random_seeds(host: &mut dyn Host, a: &[Value]) -> Ret {
    let data = arr(any(a, 0)?)?;
    let k = args::int(a, 1)?;
    if k <= 0 {
        return Err(fail(K_NOT_POSITIVE));
    }
    let k = k as usize;
    // Distinct vectors in order of first appearance.
    let mut seen = HashSet::with_capacity(data.len());
    let mut unique: Vec<&Value> = Vec::new();
    for x in data {
        if seen.insert(Key(x)) {
            unique.push(x);
        }
    }
    if unique.len() < k {
        return Err(fail(NOT_ENOUGH_UNIQUE));
    }
    let size = arr(unique[0])?.len();
    for x in &unique {
        if arr(x)?.len() != size {
            return Err(fail(SEED_DIMENSIONS));
        }
    }
    // Partial Fisher-Yates: the first k places get a uniform random selection.
    for i in 0..k {
        let left = (unique.len() - i) as u64;
        let j = i + (host.rng().next_u64() % left) as usize;
        unique.swap(i, j);
    }
    let mut out = Vec::with_capacity(k);
    for (i, x) in unique.iter().take(k).enumerate() {
        let index = i32::try_from(i).map_err(|_| internal("too many clusters"))?;
        out.push(host.call_fcn(2, &[Value::Int(index), (*x).clone()])?);
    }
    Ok(Value::array(out))
}

fn kmeans_iteration(host: &mut dyn Host, a: &[Value]) -> Ret {
    let data = arr(any(a, 0)?)?;
    let clusters = arr(any(a, 1)?)?;
    if data.is_empty() {
        return Err(fail(KMEANS_NO_DATA));
    }
    if clusters.is_empty() {
        return Err(fail(KMEANS_NO_CLUSTERS));
    }
    let center = center_field(host, 1)?;
    let centers = clusters
        .iter()
        .map(|c| Ok(field(rec(c)?, center)?.clone()))
        .collect::<Result<Vec<Value>, PfaError>>()?;
    let mut matched: Vec<Vec<Value>> = vec![Vec::new(); clusters.len()];
    for x in data {
        // The first of the closest centers; a NaN distance never wins after the first.
        let mut best: Option<(usize, f64)> = None;
        for (i, c) in centers.iter().enumerate() {
            let d = num(&host.call_fcn(2, &[x.clone(), c.clone()])?)?;
            if best.map_or(true, |(_, bd)| d < bd) {
                best = Some((i, d));
            }
        }
        if let Some((i, _)) = best {
            matched[i].push(x.clone());
        }
    }
    let mut out = Vec::with_capacity(clusters.len());
    for (c, m) in clusters.iter().zip(matched) {
        if m.is_empty() {
            out.push(c.clone());
        } else {
            out.push(host.call_fcn(3, &[Value::array(m), c.clone()])?);
        }
    }
    Ok(Value::array(out))
}

fn update_mean(host: &mut dyn Host, a: &[Value]) -> Ret {
    let center = center_field(host, 1)?;
    let data = arr(any(a, 0)?)?;
    let cluster = rec(any(a, 1)?)?;
    let weight = args::double(a, 2)?;
    let first = data.first().ok_or_else(|| fail(MEAN_NO_DATA))?;
    let dim = arr(first)?.len();
    let mut sum = vec![0.0; dim];
    for v in data {
        let v = arr(v)?;
        if v.len() != dim {
            return Err(fail(MEAN_DIMENSIONS));
        }
        for (s, x) in sum.iter_mut().zip(v) {
            *s += num(x)?;
        }
    }
    let old = arr(field(cluster, center)?)?;
    if old.len() != dim {
        return Err(fail(MEAN_DIMENSIONS));
    }
    let denom = data.len() as f64 + weight;
    let mut new_center = Vec::with_capacity(dim);
    for (s, x) in sum.iter().zip(old) {
        new_center.push(Value::Double((s + weight * num(x)?) / denom));
    }
    let mut fields = cluster.fields.clone();
    let slot = fields
        .get_mut(center)
        .ok_or_else(|| internal("record field out of range"))?;
    *slot = Value::array(new_center);
    Ok(Value::Record(Arc::new(Record {
        ty: cluster.ty,
        fields,
    })))
}
