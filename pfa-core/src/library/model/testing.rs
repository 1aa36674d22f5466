//! Test support for natives that take records and function arguments: named types and
//! values written as JSON, and a host whose function arguments are Rust closures ([`TestHost`]).

use serde_json::Value as Json;

use crate::error::PfaError;
use crate::library::testing::TestHost;
use crate::library::NativeFn;
use crate::types::schema::resolve_one;
use crate::types::{Type, TypeTable};
use crate::value::json::{from_json, to_json, JsonStyle};
use crate::value::Value;

pub(crate) use crate::library::testing::Callback;

/// Named types for one test, and conversions between JSON and values.
pub(crate) struct Fixture {
    /// The named types defined so far.
    pub(crate) types: TypeTable,
}

impl Fixture {
    /// No named types yet.
    pub(crate) fn new() -> Fixture {
        Fixture {
            types: TypeTable::new(),
        }
    }

    /// Reads a schema, defining its named types.
    #[track_caller]
    pub(crate) fn ty(&mut self, schema: Json) -> Type {
        match resolve_one(&schema, &mut self.types) {
            Ok(t) => t,
            Err(e) => panic!("bad test schema {schema}: {e:?}"),
        }
    }

    /// A value of `ty` from its JSON form (conformance conventions: "nan", "inf").
    #[track_caller]
    pub(crate) fn val(&self, json: Json, ty: &Type) -> Value {
        match from_json(&json, ty, &self.types, JsonStyle::Conformance) {
            Ok(v) => v,
            Err(e) => panic!("bad test value {json}: {e}"),
        }
    }

    /// The JSON form of a value of `ty`.
    pub(crate) fn json(&self, v: &Value, ty: &Type) -> Json {
        to_json(v, ty, &self.types, JsonStyle::Conformance)
    }

    /// Runs `f` on `args` of static types `arg_types`; `fcns` gives the function
    /// arguments by position.
    pub(crate) fn run(
        &self,
        f: NativeFn,
        arg_types: &[Type],
        args: &[Value],
        fcns: Vec<(usize, Callback<'_>)>,
    ) -> Result<Value, PfaError> {
        let mut host = TestHost::borrowing(arg_types, &self.types).seeded(7);
        host.fcns = fcns;
        f(&mut host, args)
    }
}

/// The runtime error code of a result, or `None` for a success.
pub(crate) fn code(r: &Result<Value, PfaError>) -> Option<i32> {
    match r {
        Ok(_) => None,
        Err(e) => e.code(),
    }
}

/// Asserts that `r` failed with exactly this runtime error.
#[track_caller]
pub(crate) fn assert_err(r: Result<Value, PfaError>, want: (i32, &str)) {
    match r {
        Err(PfaError::Runtime(e)) => assert_eq!((e.code, e.message.as_str()), want),
        other => panic!("got {other:?}, want error {want:?}"),
    }
}

/// Asserts that `r` is a double within a relative 1e-12 of `want` (NaN matches NaN).
#[track_caller]
pub(crate) fn assert_double(r: Result<Value, PfaError>, want: f64) {
    match r {
        Ok(Value::Double(got)) => {
            let close = (got.is_nan() && want.is_nan())
                || got == want
                || (got - want).abs() <= 1e-12 * want.abs().max(1.0);
            assert!(close, "got {got:e}, want {want:e}");
        }
        other => panic!("got {other:?}, want {want}"),
    }
}

/// The doubles of a double array result.
#[track_caller]
pub(crate) fn doubles_of(r: Result<Value, PfaError>) -> Vec<f64> {
    match r {
        Ok(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_f64().expect("a double array"))
            .collect(),
        other => panic!("got {other:?}, want a double array"),
    }
}

/// Asserts that two double vectors agree within a relative 1e-12.
#[track_caller]
pub(crate) fn assert_doubles(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "got {got:?}, want {want:?}");
    for (g, w) in got.iter().zip(want) {
        let close = (g.is_nan() && w.is_nan()) || (g - w).abs() <= 1e-12 * w.abs().max(1.0);
        assert!(close, "got {got:?}, want {want:?}");
    }
}

/// A double array value.
pub(crate) fn dv(xs: &[f64]) -> Value {
    Value::array(xs.iter().map(|x| Value::Double(*x)).collect())
}

/// A double matrix value (array of double arrays).
pub(crate) fn dm(rows: &[&[f64]]) -> Value {
    Value::array(rows.iter().map(|r| dv(r)).collect())
}

/// `array<double>`.
pub(crate) fn adouble() -> Type {
    Type::array(Type::Double)
}

/// `array<array<double>>`.
pub(crate) fn aadouble() -> Type {
    Type::array(Type::array(Type::Double))
}

/// Loads a PFA document (JSON or YAML text) and runs its action on each input,
/// giving the outputs as JSON or the runtime error codes.
#[track_caller]
pub(crate) fn score(doc: &str, inputs: &[Json]) -> Vec<Result<Json, Option<i32>>> {
    use crate::engine::{LoadOptions, Program};
    let program = match Program::from_str(doc, &LoadOptions::default()) {
        Ok(p) => p,
        Err(e) => panic!("document does not load: {e}"),
    };
    let mut engine = program.engine().expect("an engine");
    engine.begin().expect("begin");
    inputs
        .iter()
        .map(|i| {
            let v = program
                .input_from_json(i, JsonStyle::Conformance)
                .expect("input fits");
            match engine.action(v) {
                Ok(out) => Ok(program.output_to_json(&out, JsonStyle::Conformance)),
                Err(e) => Err(e.code()),
            }
        })
        .collect()
}
