//! Neural networks (spec §26.6): model.neural.*

use super::{arr, doubles, field, field_index, num, rec, record_id};
use crate::error::PfaError;
use crate::library::args::{any, fail, ErrCode, Ret};
use crate::library::{Host, Registry};
use crate::value::{Record, Value};

const NO_LAYERS: ErrCode = (11000, "no layers");
const MISALIGNED: ErrCode = (11001, "weights, bias, or datum misaligned");

pub(super) fn register(r: &mut Registry) {
    r.def("model.neural.simpleLayers")
        .sig("(datum: array<double>, model: array<record M {weights: array<array<double>>, bias: array<double>}>, activation: fcn(double) -> double) -> array<double>")
        .errors(&[NO_LAYERS, MISALIGNED])
        .native(simple_layers);
}

/// One layer's output before activation: `weights · input + bias`.
fn layer(
    layer: &Record,
    weights_i: usize,
    bias_i: usize,
    input: &[f64],
) -> Result<Vec<f64>, PfaError> {
    let weights = arr(field(layer, weights_i)?)?;
    let bias = arr(field(layer, bias_i)?)?;
    if weights.len() != bias.len() {
        return Err(fail(MISALIGNED));
    }
    let mut out = Vec::with_capacity(weights.len());
    for (row, b) in weights.iter().zip(bias) {
        let row = arr(row)?;
        if row.len() != input.len() {
            return Err(fail(MISALIGNED));
        }
        let mut sum = 0.0;
        for (w, x) in row.iter().zip(input) {
            sum += num(w)? * x;
        }
        out.push(sum + num(b)?);
    }
    Ok(out)
}

fn simple_layers(host: &mut dyn Host, a: &[Value]) -> Ret {
    let m = record_id(host.arg_type(1))?;
    let weights_i = field_index(host.types(), m, "weights")?;
    let bias_i = field_index(host.types(), m, "bias")?;
    let layers = arr(any(a, 1)?)?;
    let (last, hidden) = layers.split_last().ok_or_else(|| fail(NO_LAYERS))?;
    let mut x = arr(any(a, 0)?)?
        .iter()
        .map(num)
        .collect::<Result<Vec<f64>, PfaError>>()?;
    for l in hidden {
        let mut out = layer(rec(l)?, weights_i, bias_i, &x)?;
        for v in out.iter_mut() {
            *v = num(&host.call_fcn(2, &[Value::Double(*v)])?)?;
        }
        x = out;
    }
    Ok(doubles(layer(rec(last)?, weights_i, bias_i, &x)?))
}

#[cfg(test)]
mod tests {
    // Case tables are tuples, one line per case.
    #![allow(clippy::type_complexity)]

    use serde_json::json;

    use super::*;
    use crate::library::model::testing::{
        adouble, assert_doubles, assert_err, code, doubles_of, dv, Callback, Fixture,
    };
    use crate::types::Type;

    #[test]
    fn layers() {
        let mut fx = Fixture::new();
        let m = fx.ty(json!({"type": "record", "name": "M", "fields": [
            {"name": "bias", "type": {"type": "array", "items": "double"}},
            {"name": "weights", "type": {"type": "array", "items": {"type": "array", "items": "double"}}}]}));
        let mt = Type::array(m.clone());
        let types = [adouble(), mt.clone(), Type::Null];
        // Activation: doubling, so that hidden layers are visible.
        let double = || -> Callback<'static> {
            Box::new(|a: &[Value]| Ok(Value::Double(2.0 * num(&a[0])?)))
        };
        let cases: Vec<(&[f64], serde_json::Value, Result<Vec<f64>, i32>)> = vec![
            // One layer: no activation.
            (
                &[1.0, 2.0],
                json!([{"weights": [[1, 1], [1, -1]], "bias": [0.5, 0]}]),
                Ok(vec![3.5, -1.0]),
            ),
            // Two layers: 2·(1·1 + 2·1 + 0) = 6 into the last layer 3·6 + 1.
            (
                &[1.0, 2.0],
                json!([{"weights": [[1, 1]], "bias": [0]}, {"weights": [[3]], "bias": [1]}]),
                Ok(vec![19.0]),
            ),
            (&[], json!([{"weights": [], "bias": []}]), Ok(vec![])),
            (&[1.0], json!([]), Err(11000)),
            (
                &[1.0],
                json!([{"weights": [[1]], "bias": [0, 1]}]),
                Err(11001),
            ),
            (
                &[1.0],
                json!([{"weights": [[1, 2]], "bias": [0]}]),
                Err(11001),
            ),
            (
                &[1.0],
                json!([{"weights": [[1], [1]], "bias": [0, 0]}, {"weights": [[1]], "bias": [0]}]),
                Err(11001),
            ),
        ];
        for (x, model, want) in cases {
            let r = fx.run(
                simple_layers,
                &types,
                &[dv(x), fx.val(model, &mt), Value::Null],
                vec![(2, double())],
            );
            match want {
                Ok(w) => assert_doubles(&doubles_of(r), &w),
                Err(c) => assert_eq!(code(&r), Some(c)),
            }
        }
        let r = fx.run(
            simple_layers,
            &types,
            &[dv(&[]), fx.val(json!([]), &mt), Value::Null],
            vec![(2, double())],
        );
        assert_err(r, (11000, "no layers"));
        let bad = fx.val(json!([{"weights": [[1]], "bias": []}]), &mt);
        let r = fx.run(
            simple_layers,
            &types,
            &[dv(&[1.0]), bad, Value::Null],
            vec![(2, double())],
        );
        assert_err(r, (11001, "weights, bias, or datum misaligned"));
    }
}
