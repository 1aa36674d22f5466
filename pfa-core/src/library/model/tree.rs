//! Decision and regression trees (spec §26.2): model.tree.*
//!
//! Test functions decide which branch to take at a node; walk functions apply a test
//! from the root until they reach a leaf. A walk keeps a reference to the current node
//! inside the tree value it was given (usually a cell's tree), so descending costs no
//! copies: only the leaf is returned, as a shared value.
//!
//! A comparison record names a datum field by an enum whose symbols are the datum's
//! field names in order (`enum F of fields of D`), so the symbol's index is the field's
//! index in the datum record.
//!
//! Whether a comparison's value can be compared with the datum field is decided by
//! their static types (the "bad value type" errors): the value's type must accept the
//! field's type, or both must be numbers; for `in` and `notIn` the value must be an
//! array whose items accept the field's type. This check comes before the test of a
//! missing value and before the check of the operator, as in the reference
//! implementations.

use std::cmp::Ordering;

use super::{field, field_index, field_indexes, internal, rec, record_id};
use crate::error::PfaError;
use crate::library::args::{any, fail, ErrCode, Ret};
use crate::library::{Host, NativeFn, Registry, Spec};
use crate::types::accepts::accepts;
use crate::types::{Type, TypeId, TypeTable};
use crate::value::cmp::{compare, eq_values};
use crate::value::convert::converter;
use crate::value::{Record, Value};

const SIMPLE_TEST: Codes = Codes {
    op: (32000, "invalid comparison operator"),
    ty: (32001, "bad value type"),
};
const MISSING_TEST: Codes = Codes {
    op: (32010, "invalid comparison operator"),
    ty: (32011, "bad value type"),
};
const SIMPLE_TREE: Codes = Codes {
    op: (32060, "invalid comparison operator"),
    ty: (32061, "bad value type"),
};
const BAD_LOGICAL: ErrCode = (32020, "unrecognized logical operator");
const NO_SURROGATE: ErrCode = (32030, "no successful surrogate");

const COMPARISON: &str = "record T {field: enum F of fields of D, operator: string, value: any V}";

pub(super) fn register(r: &mut Registry) {
    r.def("model.tree.simpleTest")
        .sig(&format!(
            "(datum: record D, comparison: {COMPARISON}) -> boolean"
        ))
        .errors(&[SIMPLE_TEST.op, SIMPLE_TEST.ty])
        .specialize(pick_simple_test);
    r.def("model.tree.missingTest")
        .sig(&format!(
            "(datum: record D, comparison: {COMPARISON}) -> union<null, boolean>"
        ))
        .errors(&[MISSING_TEST.op, MISSING_TEST.ty])
        .native(missing_test);
    r.def("model.tree.compoundTest")
        .sig("(datum: record D, operator: string, comparisons: array<record T>, test: fcn(D, T) -> boolean) -> boolean")
        .errors(&[BAD_LOGICAL])
        .native(compound_test);
    r.def("model.tree.surrogateTest")
        .sig("(datum: record D, comparisons: array<record T>, missingTest: fcn(D, T) -> union<null, boolean>) -> boolean")
        .errors(&[NO_SURROGATE])
        .native(surrogate_test);
    r.def("model.tree.simpleWalk")
        .sig("(datum: record D, treeNode: record T {pass: union<T, any S>, fail: union<T, S>}, test: fcn(D, T) -> boolean) -> S")
        .native(simple_walk);
    r.def("model.tree.missingWalk")
        .sig("(datum: record D, treeNode: record T {pass: union<T, any S>, fail: union<T, S>, missing: union<T, S>}, test: fcn(D, T) -> union<null, boolean>) -> S")
        .native(missing_walk);
    r.def("model.tree.simpleTree")
        .sig("(datum: record D, treeNode: record T {field: enum F of fields of D, operator: string, value: any V, pass: union<T, any S>, fail: union<T, S>}) -> S")
        .errors(&[SIMPLE_TREE.op, SIMPLE_TREE.ty])
        .native(simple_tree);
}

/// The two errors of a comparing function.
struct Codes {
    op: ErrCode,
    ty: ErrCode,
}

/// A comparison operator.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    AlwaysTrue,
    AlwaysFalse,
    IsMissing,
    NotMissing,
    Unknown,
}

impl Op {
    #[inline]
    fn parse(s: &str) -> Op {
        match s {
            "==" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "in" => Op::In,
            "notIn" => Op::NotIn,
            "alwaysTrue" => Op::AlwaysTrue,
            "alwaysFalse" => Op::AlwaysFalse,
            "isMissing" => Op::IsMissing,
            "notMissing" => Op::NotMissing,
            _ => Op::Unknown,
        }
    }

    /// The result of an ordering operator for an order (`None`: unordered, NaN).
    fn holds(self, ord: Option<Ordering>) -> Option<bool> {
        use Ordering::*;
        Some(match self {
            Op::Eq => ord == Some(Equal),
            Op::Ne => ord != Some(Equal),
            Op::Lt => ord == Some(Less),
            Op::Le => matches!(ord, Some(Less | Equal)),
            Op::Gt => ord == Some(Greater),
            Op::Ge => matches!(ord, Some(Greater | Equal)),
            _ => return None,
        })
    }
}

/// Where a comparison record type keeps its three fields, and the static types the
/// test depends on.
struct Comparison<'t> {
    types: &'t TypeTable,
    /// The datum record type `D`.
    datum: TypeId,
    field: usize,
    operator: usize,
    value: usize,
    /// The type `V` of the comparison's value.
    value_ty: &'t Type,
}

impl<'t> Comparison<'t> {
    fn new(types: &'t TypeTable, datum: TypeId, node: TypeId) -> Result<Self, PfaError> {
        if types.try_get(node).is_none() || types.try_get(datum).is_none() {
            return Err(internal("unknown record type"));
        }
        // This runs once per tested node: the usual layout (the three fields first, in
        // the signature's order) is recognized without a search.
        let fields = types.fields(node);
        let (mut field, mut operator, mut value) = (None, None, None);
        match fields {
            [f, o, v, ..] if f.name == "field" && o.name == "operator" && v.name == "value" => {
                (field, operator, value) = (Some(0), Some(1), Some((2, &v.ty)));
            }
            _ => {
                for (i, f) in fields.iter().enumerate() {
                    match f.name.as_str() {
                        "field" => field = Some(i),
                        "operator" => operator = Some(i),
                        "value" => value = Some((i, &f.ty)),
                        _ => {}
                    }
                }
            }
        }
        match (field, operator, value) {
            (Some(field), Some(operator), Some((value, value_ty))) => Ok(Comparison {
                types,
                datum,
                field,
                operator,
                value,
                value_ty,
            }),
            _ => Err(internal("comparison record lacks a field of the signature")),
        }
    }

    /// Tests `datum` against the comparison record `node`. With `nulls_unknown`
    /// (`missingTest`), a null field gives `None` and the operators `isMissing` and
    /// `notMissing` do not exist; otherwise the result is always `Some`.
    fn test(
        &self,
        datum: &Record,
        node: &Record,
        nulls_unknown: bool,
        codes: &Codes,
    ) -> Result<Option<bool>, PfaError> {
        let index = match field(node, self.field)? {
            Value::Enum(_, i) => *i as usize,
            _ => return Err(internal("comparison field is not an enum")),
        };
        let x = field(datum, index)?;
        let op = match field(node, self.operator)? {
            Value::String(s) => Op::parse(s),
            _ => return Err(internal("comparison operator is not a string")),
        };
        let value = field(node, self.value)?;
        let mut field_ty = &self
            .types
            .fields(self.datum)
            .get(index)
            .ok_or_else(|| internal("comparison field out of range"))?
            .ty;

        match op {
            Op::AlwaysTrue => return Ok(Some(true)),
            Op::AlwaysFalse => return Ok(Some(false)),
            Op::IsMissing if !nulls_unknown => return Ok(Some(x.is_null())),
            Op::NotMissing if !nulls_unknown => return Ok(Some(!x.is_null())),
            _ => {}
        }
        // Where a null field means "unknown", the test is about the other branches.
        let stripped;
        if nulls_unknown {
            if let Type::Union(branches) = field_ty {
                let mut rest = branches.iter().filter(|t| **t != Type::Null);
                match (rest.next(), rest.next()) {
                    // The usual nullable field: no allocation.
                    (Some(one), None) => field_ty = one,
                    _ if branches.contains(&Type::Null) => {
                        let rest = branches.iter().filter(|t| **t != Type::Null).cloned();
                        stripped = Type::Union(rest.collect());
                        field_ty = &stripped;
                    }
                    _ => {}
                }
            }
        }

        if let Op::In | Op::NotIn = op {
            if !self.is_set_of(field_ty) {
                return Err(fail(codes.ty));
            }
            if nulls_unknown && x.is_null() {
                return Ok(None);
            }
            let items = match value {
                Value::Array(items) => items,
                // A union value that is not the set branch: nothing to look in.
                _ => return Err(fail(codes.ty)),
            };
            let found = items.iter().any(|item| loose_eq(x, item));
            return Ok(Some(found == (op == Op::In)));
        }

        let vty = self.value_ty;
        // Numbers first: that answer needs no look at the type table.
        let comparable =
            (vty.is_numeric() && field_ty.is_numeric()) || accepts(vty, field_ty, self.types);
        if !comparable {
            return Err(fail(codes.ty));
        }
        if nulls_unknown && x.is_null() {
            // The result is unknown, but an invalid operator is an error whatever
            // the datum (the reference implementations return null here).
            return match op.holds(None) {
                Some(_) => Ok(None),
                None => Err(fail(codes.op)),
            };
        }
        if field_ty.is_numeric() {
            // Numbers compare by value across types, like the reference implementations.
            if value.as_f64().is_none() || x.as_f64().is_none() {
                return Err(fail(codes.ty));
            }
            return match op.holds(num_cmp(x, value)) {
                Some(b) => Ok(Some(b)),
                None => Err(fail(codes.op)),
            };
        }
        let ord = match converter(field_ty, vty, self.types) {
            None => compare(x, value, vty, self.types),
            Some(c) => compare(&c.apply(x.clone()), value, vty, self.types),
        };
        match op.holds(Some(ord)) {
            Some(b) => Ok(Some(b)),
            None => Err(fail(codes.op)),
        }
    }

    /// Whether the value type is a set (array) whose items accept `field_ty`, or a
    /// union with such a branch.
    fn is_set_of(&self, field_ty: &Type) -> bool {
        let set =
            |t: &Type| matches!(t, Type::Array(items) if accepts(items, field_ty, self.types));
        match self.value_ty {
            Type::Union(branches) => branches.iter().any(set),
            t => set(t),
        }
    }
}

/// Order of two numbers of any numeric representation, exactly (a long is not rounded
/// to a double); `None` if either is NaN.
fn num_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (integer(a), integer(b)) {
        (Some(i), Some(j)) => Some(i.cmp(&j)),
        (Some(i), None) => int_float_cmp(i, b.as_f64()?),
        (None, Some(j)) => int_float_cmp(j, a.as_f64()?).map(Ordering::reverse),
        (None, None) => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

fn integer(v: &Value) -> Option<i64> {
    match v {
        Value::Int(x) => Some(i64::from(*x)),
        Value::Long(x) => Some(*x),
        _ => None,
    }
}

/// Exact order of an integer and a double.
fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    // 2^63: the first double above every i64.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() {
        None
    } else if f >= TWO_63 {
        Some(Ordering::Less)
    } else if f < -TWO_63 {
        Some(Ordering::Greater)
    } else {
        let whole = f.trunc();
        // |whole| < 2^63, so the conversion is exact.
        match i.cmp(&(whole as i64)) {
            Ordering::Equal => whole.partial_cmp(&f),
            other => Some(other),
        }
    }
}

/// Equality for set membership: numbers by value across numeric types (also inside
/// arrays, maps and records), everything else structurally.
fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| loose_eq(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k, p), (j, q))| k == j && loose_eq(p, q))
        }
        (Value::Record(x), Value::Record(y)) => {
            x.ty == y.ty
                && x.fields.len() == y.fields.len()
                && x.fields
                    .iter()
                    .zip(y.fields.iter())
                    .all(|(p, q)| loose_eq(p, q))
        }
        _ if a.as_f64().is_some() && b.as_f64().is_some() => num_cmp(a, b) == Some(Ordering::Equal),
        _ => eq_values(a, b),
    }
}

/// The static record types of the first two arguments (datum and node).
fn datum_and_node(host: &dyn Host) -> Result<(TypeId, TypeId), PfaError> {
    Ok((record_id(host.arg_type(0))?, record_id(host.arg_type(1))?))
}

fn simple_test(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (d, t) = datum_and_node(host)?;
    let cmp = Comparison::new(host.types(), d, t)?;
    let r = cmp.test(rec(any(a, 0)?)?, rec(any(a, 1)?)?, false, &SIMPLE_TEST)?;
    Ok(Value::Boolean(r.unwrap_or(false)))
}

/// `simpleTest` for a call site whose datum fields and comparison value are all plain
/// numbers and whose comparison records start with `field`, `operator`, `value`:
/// then everything the general test learns from the types is known in advance.
fn pick_simple_test(s: &Spec<'_>) -> Result<NativeFn, String> {
    Ok(if numeric_site(s) {
        simple_test_numeric
    } else {
        simple_test
    })
}

/// Whether [`simple_test_numeric`] applies to a `simpleTest` call site.
fn numeric_site(s: &Spec<'_>) -> bool {
    let plain = |t: &Type| matches!(t, Type::Int | Type::Long | Type::Float | Type::Double);
    let numeric = match (s.matched.params.first(), s.matched.params.get(1)) {
        (Some(Type::Record(d)), Some(Type::Record(t)))
            if s.types.try_get(*d).is_some() && s.types.try_get(*t).is_some() =>
        {
            let usual_layout = matches!(s.types.fields(*t),
                [f, o, v, ..] if f.name == "field" && o.name == "operator" && v.name == "value"
                    && plain(&v.ty));
            usual_layout && s.types.fields(*d).iter().all(|f| plain(&f.ty))
        }
        _ => false,
    };
    numeric
}

/// `simpleTest` where [`pick_simple_test`] found only numbers: the same checks and
/// results as [`Comparison::test`] takes for numeric types, without the type lookups.
fn simple_test_numeric(_: &mut dyn Host, a: &[Value]) -> Ret {
    let datum = rec(any(a, 0)?)?;
    let node = rec(any(a, 1)?)?;
    numeric_test(datum, node).map(Value::Boolean)
}

/// The test of [`simple_test_numeric`] on a datum and a comparison record.
#[inline]
fn numeric_test(datum: &Record, node: &Record) -> Result<bool, PfaError> {
    let index = match field(node, 0)? {
        Value::Enum(_, i) => *i as usize,
        _ => return Err(internal("comparison field is not an enum")),
    };
    let x = field(datum, index)?;
    let op = match field(node, 1)? {
        Value::String(s) => Op::parse(s),
        _ => return Err(internal("comparison operator is not a string")),
    };
    let value = field(node, 2)?;
    let result = match op {
        Op::AlwaysTrue => true,
        Op::AlwaysFalse => false,
        Op::IsMissing => x.is_null(),
        Op::NotMissing => !x.is_null(),
        // A number is not a set.
        Op::In | Op::NotIn => return Err(fail(SIMPLE_TEST.ty)),
        _ => {
            let ord = match (x, value) {
                (Value::Double(p), Value::Double(q)) => p.partial_cmp(q),
                _ => {
                    if value.as_f64().is_none() || x.as_f64().is_none() {
                        return Err(fail(SIMPLE_TEST.ty));
                    }
                    num_cmp(x, value)
                }
            };
            match op.holds(ord) {
                Some(b) => b,
                None => return Err(fail(SIMPLE_TEST.op)),
            }
        }
    };
    Ok(result)
}

fn missing_test(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (d, t) = datum_and_node(host)?;
    let cmp = Comparison::new(host.types(), d, t)?;
    Ok(
        match cmp.test(rec(any(a, 0)?)?, rec(any(a, 1)?)?, true, &MISSING_TEST)? {
            Some(b) => Value::Boolean(b),
            None => Value::Null,
        },
    )
}

fn compound_test(host: &mut dyn Host, a: &[Value]) -> Ret {
    let datum = any(a, 0)?;
    let op = match any(a, 1)? {
        Value::String(s) => s,
        _ => return Err(internal("operator is not a string")),
    };
    let comparisons = super::arr(any(a, 2)?)?;
    // The datum goes to the test by loan, once for all comparisons.
    let mut args = [datum.clone(), Value::Null];
    let mut call = |c: &Value| -> Result<bool, PfaError> {
        args[1] = c.clone();
        match host.call_fcn_mut(3, &mut args)? {
            Value::Boolean(b) => Ok(b),
            _ => Err(internal("test did not return a boolean")),
        }
    };
    let result = match &**op {
        "and" => {
            let mut all = true;
            for c in comparisons {
                if !call(c)? {
                    all = false;
                    break;
                }
            }
            all
        }
        "or" => {
            let mut some = false;
            for c in comparisons {
                if call(c)? {
                    some = true;
                    break;
                }
            }
            some
        }
        "xor" => {
            let mut odd = false;
            for c in comparisons {
                odd ^= call(c)?;
            }
            odd
        }
        _ => return Err(fail(BAD_LOGICAL)),
    };
    Ok(Value::Boolean(result))
}

fn surrogate_test(host: &mut dyn Host, a: &[Value]) -> Ret {
    let mut args = [any(a, 0)?.clone(), Value::Null];
    for c in super::arr(any(a, 1)?)? {
        args[1] = c.clone();
        match host.call_fcn_mut(2, &mut args)? {
            Value::Null => {}
            b @ Value::Boolean(_) => return Ok(b),
            _ => return Err(internal("test did not return a boolean or null")),
        }
    }
    Err(fail(NO_SURROGATE))
}

/// Field indexes of the branches of node type `t`.
fn branches<const N: usize>(
    host: &dyn Host,
    names: [&str; N],
) -> Result<(TypeId, [usize; N]), PfaError> {
    let t = record_id(host.arg_type(1))?;
    Ok((t, field_indexes(host.types(), t, names)?))
}

/// The node a branch value leads to, if it is a node of type `t` rather than a leaf.
#[inline]
fn as_node(next: &Value, t: TypeId) -> Option<&Record> {
    match next {
        Value::Record(r) if r.ty == t => Some(r),
        _ => None,
    }
}

fn simple_walk(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (t, [pass, fail_]) = branches(host, ["pass", "fail"])?;
    let root = any(a, 1)?;
    let mut node = rec(root)?;
    let numeric = host
        .fcn_forwards_to(2)
        .is_some_and(|f| std::ptr::fn_addr_eq(f, simple_test_numeric as NativeFn));
    if numeric {
        // The test function only calls the numeric simpleTest: run that test here, on
        // the records as they are (no reference counting per node), with the engine
        // accounting for each call as if it had been made.
        let datum = any(a, 0)?;
        loop {
            let go = match host.call_fcn_inline(2, &mut || {
                numeric_test(rec(datum)?, node).map(Value::Boolean)
            })? {
                Value::Boolean(true) => pass,
                Value::Boolean(false) => fail_,
                _ => return Err(internal("test did not return a boolean")),
            };
            let next = field(node, go)?;
            match as_node(next, t) {
                Some(r) => node = r,
                None => return Ok(next.clone()),
            }
        }
    }
    // The test gets the datum and the current node by loan.
    let mut args = [any(a, 0)?.clone(), root.clone()];
    loop {
        let go = match host.call_fcn_mut(2, &mut args)? {
            Value::Boolean(true) => pass,
            Value::Boolean(false) => fail_,
            _ => return Err(internal("test did not return a boolean")),
        };
        let next = field(node, go)?;
        match as_node(next, t) {
            Some(r) => {
                node = r;
                args[1] = next.clone();
            }
            None => return Ok(next.clone()),
        }
    }
}

fn missing_walk(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (t, [pass, fail_, missing]) = branches(host, ["pass", "fail", "missing"])?;
    let root = any(a, 1)?;
    let mut node = rec(root)?;
    let mut args = [any(a, 0)?.clone(), root.clone()];
    loop {
        let go = match host.call_fcn_mut(2, &mut args)? {
            Value::Boolean(true) => pass,
            Value::Boolean(false) => fail_,
            Value::Null => missing,
            _ => return Err(internal("test did not return a boolean or null")),
        };
        let next = field(node, go)?;
        match as_node(next, t) {
            Some(r) => {
                node = r;
                args[1] = next.clone();
            }
            None => return Ok(next.clone()),
        }
    }
}

fn simple_tree(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (d, t) = datum_and_node(host)?;
    let types = host.types();
    let cmp = Comparison::new(types, d, t)?;
    let pass = field_index(types, t, "pass")?;
    let fail_ = field_index(types, t, "fail")?;
    let datum = rec(any(a, 0)?)?;
    let mut node = rec(any(a, 1)?)?;
    loop {
        let go = match cmp.test(datum, node, false, &SIMPLE_TREE)? {
            Some(true) => pass,
            _ => fail_,
        };
        let next = field(node, go)?;
        match as_node(next, t) {
            Some(r) => node = r,
            None => return Ok(next.clone()),
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod numeric_tests {
    use serde_json::json;

    use super::*;
    use crate::library::model::testing::Fixture;
    use crate::types::pattern::SigMatch;

    /// The numeric `simpleTest` agrees with the general one (results, error codes and
    /// messages) on every operator, field and value, and is picked only where it applies.
    #[test]
    fn numeric_simple_test_matches_the_general_one() {
        let mut fx = Fixture::new();
        let d = fx.ty(json!({"type": "record", "name": "D", "fields": [
            {"name": "i", "type": "int"}, {"name": "l", "type": "long"},
            {"name": "f", "type": "float"}, {"name": "x", "type": "double"}]}));
        let t = fx.ty(json!({"type": "record", "name": "T", "fields": [
            {"name": "field", "type": {"type": "enum", "name": "F", "symbols": ["i", "l", "f", "x"]}},
            {"name": "operator", "type": "string"}, {"name": "value", "type": "double"}]}));
        let ops = [
            "==",
            "!=",
            "<",
            "<=",
            ">",
            ">=",
            "in",
            "notIn",
            "alwaysTrue",
            "alwaysFalse",
            "isMissing",
            "notMissing",
            "<>",
        ];
        let datums = [
            json!({"i": 3, "l": 9007199254740993i64, "f": 2.5, "x": "nan"}),
            json!({"i": -7, "l": -2, "f": "-inf", "x": 1e300}),
        ];
        let values = [
            json!(3.0),
            json!(2.5),
            json!(-2.0),
            json!("nan"),
            json!(9007199254740992.0),
        ];
        let types = [d.clone(), t.clone()];
        let mut compared = 0;
        for datum in &datums {
            let datum = fx.val(datum.clone(), &d);
            for field in ["i", "l", "f", "x"] {
                for op in ops {
                    for value in &values {
                        let node =
                            fx.val(json!({"field": field, "operator": op, "value": value}), &t);
                        let args = [datum.clone(), node];
                        let general = fx.run(simple_test, &types, &args, vec![]);
                        let numeric = fx.run(simple_test_numeric, &types, &args, vec![]);
                        match (general, numeric) {
                            (Ok(g), Ok(n)) => assert!(eq_values(&g, &n), "{field} {op} {value}"),
                            (Err(g), Err(n)) => assert_eq!(g.to_string(), n.to_string()),
                            (g, n) => panic!("{field} {op} {value}: {g:?} vs {n:?}"),
                        }
                        compared += 1;
                    }
                }
            }
        }
        assert_eq!(compared, 2 * 4 * ops.len() * values.len());

        let pick = |fx: &Fixture, params: Vec<Type>| {
            let matched = SigMatch {
                params,
                ret: Type::Boolean,
            };
            numeric_site(&Spec {
                sig: 0,
                matched: &matched,
                types: &fx.types,
            })
        };
        assert!(pick(&fx, vec![d.clone(), t.clone()]));
        let s = fx.ty(json!({"type": "record", "name": "S", "fields": [
            {"name": "field", "type": {"type": "enum", "name": "G", "symbols": ["i", "l", "f", "x"]}},
            {"name": "operator", "type": "string"}, {"name": "value", "type": ["null", "double"]}]}));
        assert!(!pick(&fx, vec![d.clone(), s]));
        let e = fx.ty(json!({"type": "record", "name": "E", "fields": [
            {"name": "i", "type": "int"}, {"name": "s", "type": "string"}]}));
        assert!(!pick(&fx, vec![e, t]));
    }
}
