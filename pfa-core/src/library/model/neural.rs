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
