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
            if best.is_none_or(|(_, bd)| d < bd) {
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

#[cfg(test)]
mod tests {
    // Case tables are tuples, one line per case.
    #![allow(clippy::type_complexity)]

    use serde_json::json;

    use super::*;
    use crate::library::model::testing::{
        aadouble, adouble, assert_err, code, doubles_of, dv, Callback, Fixture,
    };
    use crate::types::Type;

    /// Cluster records `{center: array<double>, id: string}`.
    fn fixture() -> (Fixture, Type) {
        let mut fx = Fixture::new();
        let c = fx.ty(json!({"type": "record", "name": "C", "fields": [
            {"name": "id", "type": "string"},
            {"name": "center", "type": {"type": "array", "items": "double"}}]}));
        (fx, c)
    }

    fn ids(v: &Value) -> Vec<String> {
        let one = |c: &Value| match c {
            Value::Record(r) => r.fields[0].as_str().unwrap_or("?").to_string(),
            _ => "?".into(),
        };
        match v {
            Value::Array(a) => a.iter().map(one).collect(),
            other => vec![one(other)],
        }
    }

    fn squared(args: &[Value]) -> Result<Value, PfaError> {
        let (x, y) = (arr(&args[0])?, arr(&args[1])?);
        Ok(Value::Double(squared_distance(x, y)?))
    }

    #[test]
    fn closest_and_closest_n() {
        let (fx, c) = fixture();
        let cs = Type::array(c.clone());
        let clusters = fx.val(
            json!([{"id": "a", "center": [0, 0]}, {"id": "b", "center": [2, 0]},
                   {"id": "c", "center": [0, 2]}, {"id": "d", "center": [2, 0]}]),
            &cs,
        );
        let none = fx.val(json!([]), &cs);
        // (datum, closest, closestN with n = 3)
        let cases: &[(&[f64], &str, &[&str])] = &[
            (&[0.1, 0.1], "a", &["a", "b", "c"]),
            (&[1.9, 0.2], "b", &["b", "d", "a"]),
            (&[0.0, 5.0], "c", &["c", "a", "b"]),
            // Shorter datum: the common length counts.
            (&[1.9], "b", &["b", "d", "a"]),
            (&[f64::NAN, 0.0], "a", &["a", "b", "c"]),
        ];
        let types = [adouble(), cs.clone()];
        for (x, want1, want3) in cases {
            let r = fx.run(closest, &types, &[dv(x), clusters.clone()], vec![]);
            assert_eq!(ids(&r.expect("closest")), vec![want1.to_string()]);
            let nt = [Type::Int, adouble(), cs.clone()];
            let r = fx.run(
                closest_n,
                &nt,
                &[Value::Int(3), dv(x), clusters.clone()],
                vec![],
            );
            assert_eq!(ids(&r.expect("closestN")), *want3);
            // The same through a metric.
            let mt = [adouble(), cs.clone(), Type::Null];
            let m: Callback<'_> = Box::new(squared);
            let r = fx.run(
                closest,
                &mt,
                &[dv(x), clusters.clone(), Value::Null],
                vec![(2, m)],
            );
            assert_eq!(
                ids(&r.expect("closest with metric")),
                vec![want1.to_string()]
            );
        }
        let nt = [Type::Int, adouble(), cs.clone()];
        for (n, want) in [(0, 0), (2, 2), (9, 4)] {
            let r = fx.run(
                closest_n,
                &nt,
                &[Value::Int(n), dv(&[0.0, 0.0]), clusters.clone()],
                vec![],
            );
            assert_eq!(ids(&r.expect("closestN")).len(), want);
        }
        let r = fx.run(
            closest_n,
            &nt,
            &[Value::Int(2), dv(&[0.0]), none.clone()],
            vec![],
        );
        assert_eq!(ids(&r.expect("closestN")).len(), 0);
        assert_err(
            fx.run(
                closest_n,
                &nt,
                &[Value::Int(-1), dv(&[0.0]), clusters.clone()],
                vec![],
            ),
            (29010, "n must be nonnegative"),
        );
        assert_err(
            fx.run(closest, &types, &[dv(&[0.0]), none], vec![]),
            (29000, "no clusters"),
        );
    }

    #[test]
    fn random_seeds_errors_and_picks() {
        let (fx, c) = fixture();
        let data = |rows: &[&[f64]]| crate::library::model::testing::dm(rows);
        let types = [aadouble(), Type::Int, Type::Null];
        fn maker<'a>(fx: &'a Fixture, c: &Type) -> Callback<'a> {
            let c = c.clone();
            Box::new(move |args: &[Value]| {
                let id = match &args[0] {
                    Value::Int(i) => format!("{i}"),
                    _ => "?".into(),
                };
                let center = fx.json(&args[1], &adouble());
                Ok(fx.val(json!({"id": id, "center": center}), &c))
            })
        }
        let make = |fx| maker(fx, &c);
        let same: &[&[f64]] = &[&[1.0, 2.0], &[1.0, 2.0], &[1.0, 2.0]];
        let three: &[&[f64]] = &[&[1.0, 2.0], &[3.0, 4.0], &[1.0, 2.0], &[5.0, 6.0]];
        let ragged: &[&[f64]] = &[&[1.0, 2.0], &[3.0]];
        let cases: &[(&[&[f64]], i32, Option<i32>)] = &[
            (three, 0, Some(29020)),
            (three, -2, Some(29020)),
            (same, 2, Some(29021)),
            (three, 4, Some(29021)),
            (&[], 1, Some(29021)),
            (ragged, 1, Some(29022)),
            (same, 1, None),
            (three, 3, None),
        ];
        for (rows, k, want) in cases {
            let r = fx.run(
                random_seeds,
                &types,
                &[data(rows), Value::Int(*k), Value::Null],
                vec![(2, make(&fx))],
            );
            assert_eq!(code(&r), *want, "{rows:?} k={k}");
            if let Ok(v) = r {
                // k clusters with distinct centers taken from the data, ids 0..k.
                let got = arr(&v).expect("array");
                assert_eq!(got.len(), *k as usize);
                let mut centers: Vec<String> = Vec::new();
                for (i, cl) in got.iter().enumerate() {
                    let cl = rec(cl).expect("record");
                    assert_eq!(cl.fields[0].as_str(), Some(format!("{i}").as_str()));
                    let center = fx.json(&cl.fields[1], &adouble()).to_string();
                    assert!(!centers.contains(&center));
                    centers.push(center);
                }
            }
        }
        assert_err(
            fx.run(
                random_seeds,
                &types,
                &[data(same), Value::Int(0), Value::Null],
                vec![(2, make(&fx))],
            ),
            (29020, "k must be greater than zero"),
        );
        assert_err(
            fx.run(
                random_seeds,
                &types,
                &[data(same), Value::Int(2), Value::Null],
                vec![(2, make(&fx))],
            ),
            (29021, "not enough unique points"),
        );
        assert_err(
            fx.run(
                random_seeds,
                &types,
                &[data(ragged), Value::Int(2), Value::Null],
                vec![(2, make(&fx))],
            ),
            (29022, "dimensions of vectors do not match"),
        );
    }

    #[test]
    fn kmeans_iteration_and_update_mean() {
        let (fx, c) = fixture();
        let cs = Type::array(c.clone());
        let clusters = fx.val(
            json!([{"id": "a", "center": [0, 0]}, {"id": "b", "center": [10, 10]},
                   {"id": "c", "center": [100, 100]}]),
            &cs,
        );
        let data = crate::library::model::testing::dm(&[
            &[1.0, 1.0],
            &[9.0, 9.0],
            &[-1.0, 1.0],
            &[11.0, 12.0],
        ]);
        let types = [aadouble(), cs.clone(), Type::Null, Type::Null];
        let updates = std::cell::Cell::new(0);
        fn updater<'a>(
            fx: &'a Fixture,
            c: &Type,
            updates: &'a std::cell::Cell<usize>,
        ) -> Callback<'a> {
            let c = c.clone();
            Box::new(move |args: &[Value]| {
                updates.set(updates.get() + 1);
                let types = [aadouble(), c.clone(), Type::Double];
                fx.run(
                    update_mean,
                    &types,
                    &[args[0].clone(), args[1].clone(), Value::Double(0.0)],
                    vec![],
                )
            })
        }
        let update = |fx| updater(fx, &c, &updates);
        let metric: Callback<'_> = Box::new(squared);
        let r = fx.run(
            kmeans_iteration,
            &types,
            &[data.clone(), clusters.clone(), Value::Null, Value::Null],
            vec![(2, metric), (3, update(&fx))],
        );
        let out = fx.json(&r.expect("kmeans"), &cs);
        assert_eq!(
            out,
            json!([{"id": "a", "center": [0.0, 1.0]}, {"id": "b", "center": [10.0, 10.5]},
                   {"id": "c", "center": [100.0, 100.0]}])
        );
        // The update is not called for the cluster without data.
        assert_eq!(updates.get(), 2);
        let empty = Value::array(vec![]);
        let metric: Callback<'_> = Box::new(squared);
        assert_err(
            fx.run(
                kmeans_iteration,
                &types,
                &[empty.clone(), clusters.clone(), Value::Null, Value::Null],
                vec![(2, metric)],
            ),
            (29030, "no data"),
        );
        let metric: Callback<'_> = Box::new(squared);
        assert_err(
            fx.run(
                kmeans_iteration,
                &types,
                &[data, empty, Value::Null, Value::Null],
                vec![(2, metric)],
            ),
            (29031, "no clusters"),
        );

        // updateMean: (data, center, weight) -> new center or error code.
        let ut = [aadouble(), c.clone(), Type::Double];
        let cl = |center: &[f64]| fx.val(json!({"id": "k", "center": center}), &c);
        let dm = crate::library::model::testing::dm;
        let cases: Vec<(Value, &[f64], f64, Result<Vec<f64>, i32>)> = vec![
            (
                dm(&[&[1.0, 2.0], &[3.0, 4.0]]),
                &[9.0, 9.0],
                0.0,
                Ok(vec![2.0, 3.0]),
            ),
            (
                dm(&[&[1.0, 2.0], &[3.0, 4.0]]),
                &[8.0, 0.0],
                2.0,
                Ok(vec![5.0, 1.5]),
            ),
            (dm(&[&[1.0]]), &[3.0], 1.0, Ok(vec![2.0])),
            (dm(&[]), &[3.0], 1.0, Err(29040)),
            (dm(&[&[1.0], &[1.0, 2.0]]), &[3.0], 1.0, Err(29041)),
            (dm(&[&[1.0], &[2.0]]), &[3.0, 1.0], 1.0, Err(29041)),
        ];
        for (data, center, w, want) in cases {
            let r = fx.run(
                update_mean,
                &ut,
                &[data, cl(center), Value::Double(w)],
                vec![],
            );
            match want {
                Ok(want) => {
                    let r = r.expect("updateMean");
                    let rc = rec(&r).expect("record");
                    assert_eq!(rc.fields[0].as_str(), Some("k"));
                    assert_eq!(doubles_of(Ok(rc.fields[1].clone())), want);
                }
                Err(c) => assert_eq!(code(&r), Some(c)),
            }
        }
        assert_err(
            fx.run(
                update_mean,
                &ut,
                &[dm(&[]), cl(&[1.0]), Value::Double(0.0)],
                vec![],
            ),
            (29040, "no data"),
        );
        assert_err(
            fx.run(
                update_mean,
                &ut,
                &[dm(&[&[1.0]]), cl(&[1.0, 2.0]), Value::Double(0.0)],
                vec![],
            ),
            (29041, "dimensions of vectors do not match"),
        );
    }
}
