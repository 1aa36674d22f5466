//! Support vector machines (spec §26.7): model.svm.*

use super::{arr, field, field_indexes, num, rec, record_id};
use crate::error::PfaError;
use crate::library::args::{any, fail, ErrCode, Ret};
use crate::library::{Host, Registry};
use crate::types::Type;
use crate::value::Value;

const NO_SUPPORT_VECTORS: ErrCode = (12000, "no support vectors");
const BAD_LENGTH: ErrCode = (12001, "support vectors must have same length as datum");

pub(super) fn register(r: &mut Registry) {
    r.def("model.svm.score")
        .sig("(datum: array<double>, model: record L {const: double, posClass: array<record M {supVec: array<double>, coeff: double}>, negClass: array<record N {supVec: array<double>, coeff: double}>}, kernel: fcn(array<double>, array<double>) -> double) -> double")
        .errors(&[NO_SUPPORT_VECTORS, BAD_LENGTH])
        .native(score);
}

/// Field indexes `[supVec, coeff]` of the support-vector records of class field `i`
/// of model type `l`.
fn sv_fields(host: &dyn Host, l: u32, i: usize) -> Result<[usize; 2], PfaError> {
    let types = host.types();
    let class_ty: &Type = &types
        .fields(l)
        .get(i)
        .ok_or_else(|| super::internal("record field out of range"))?
        .ty;
    field_indexes(types, record_id(class_ty)?, ["supVec", "coeff"])
}

fn score(host: &mut dyn Host, a: &[Value]) -> Ret {
    let l = record_id(host.arg_type(1))?;
    let [const_i, pos_i, neg_i] =
        field_indexes(host.types(), l, ["const", "posClass", "negClass"])?;
    let pos_f = sv_fields(host, l, pos_i)?;
    let neg_f = sv_fields(host, l, neg_i)?;
    let datum = any(a, 0)?;
    let dim = arr(datum)?.len();
    let model = rec(any(a, 1)?)?;
    let pos = arr(field(model, pos_i)?)?;
    let neg = arr(field(model, neg_i)?)?;
    if pos.is_empty() && neg.is_empty() {
        return Err(fail(NO_SUPPORT_VECTORS));
    }
    let mut class_score = |svs: &[Value], [sv_i, coeff_i]: [usize; 2]| -> Result<f64, PfaError> {
        let mut sum = 0.0;
        for sv in svs {
            let sv = rec(sv)?;
            let vec = field(sv, sv_i)?;
            if arr(vec)?.len() != dim {
                return Err(fail(BAD_LENGTH));
            }
            let k = num(&host.call_fcn(2, &[vec.clone(), datum.clone()])?)?;
            sum += k * num(field(sv, coeff_i)?)?;
        }
        Ok(sum)
    };
    let neg_score = class_score(neg, neg_f)?;
    let pos_score = class_score(pos, pos_f)?;
    Ok(Value::Double(
        neg_score + pos_score + num(field(model, const_i)?)?,
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::library::model::testing::{
        adouble, assert_double, assert_err, dv, Callback, Fixture,
    };

    #[test]
    fn score_with_a_linear_kernel() {
        let mut fx = Fixture::new();
        let l = fx.ty(json!({"type": "record", "name": "L", "fields": [
            {"name": "negClass", "type": {"type": "array", "items": {"type": "record", "name": "N", "fields": [
                {"name": "coeff", "type": "double"}, {"name": "supVec", "type": {"type": "array", "items": "double"}}]}}},
            {"name": "const", "type": "double"},
            {"name": "posClass", "type": {"type": "array", "items": {"type": "record", "name": "M", "fields": [
                {"name": "supVec", "type": {"type": "array", "items": "double"}}, {"name": "coeff", "type": "double"}]}}}]}));
        let types = [adouble(), l.clone(), Type::Null];
        let dot = || -> Callback<'static> {
            Box::new(|a: &[Value]| {
                let (x, y) = (arr(&a[0])?, arr(&a[1])?);
                let mut s = 0.0;
                for (p, q) in x.iter().zip(y) {
                    s += num(p)? * num(q)?;
                }
                Ok(Value::Double(s))
            })
        };
        let model = |neg: serde_json::Value, pos: serde_json::Value| {
            fx.val(json!({"const": 0.5, "negClass": neg, "posClass": pos}), &l)
        };
        let m = model(
            json!([{"supVec": [1, 0], "coeff": -1}]),
            json!([{"supVec": [0, 1], "coeff": 2}]),
        );
        // -1·(x·[1,0]) + 2·(x·[0,1]) + 0.5
        assert_double(
            fx.run(
                score,
                &types,
                &[dv(&[3.0, 4.0]), m.clone(), Value::Null],
                vec![(2, dot())],
            ),
            5.5,
        );
        let only_pos = model(json!([]), json!([{"supVec": [1, 1], "coeff": 1}]));
        assert_double(
            fx.run(
                score,
                &types,
                &[dv(&[1.0, 2.0]), only_pos, Value::Null],
                vec![(2, dot())],
            ),
            3.5,
        );
        let none = model(json!([]), json!([]));
        assert_err(
            fx.run(
                score,
                &types,
                &[dv(&[1.0, 2.0]), none, Value::Null],
                vec![(2, dot())],
            ),
            (12000, "no support vectors"),
        );
        assert_err(
            fx.run(
                score,
                &types,
                &[dv(&[1.0]), m, Value::Null],
                vec![(2, dot())],
            ),
            (12001, "support vectors must have same length as datum"),
        );
    }
}
