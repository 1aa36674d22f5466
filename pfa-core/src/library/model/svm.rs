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
