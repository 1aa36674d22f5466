//! A minimal [`Host`] and one-line assertions for table-driven tests of natives, called
//! directly or resolved through the registry as a call site would be.

use std::sync::OnceLock;

use crate::error::PfaError;
use crate::library::args::ErrCode;
use crate::library::{Host, Imp, NativeFn, RandomSource, Registry, Spec};
use crate::types::pattern::SigMatch;
use crate::types::{Type, TypeTable};
use crate::value::convert::converter;
use crate::value::Value;

/// A host that knows argument types and nothing else.
pub(crate) struct TestHost {
    /// Static argument types.
    pub(crate) args: Vec<Type>,
    /// Named types.
    pub(crate) types: TypeTable,
    rng: Counter,
}

struct Counter(u64);

impl RandomSource for Counter {
    fn next_u64(&mut self) -> u64 {
        // splitmix64: deterministic and good enough for tests.
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

static NULL: Type = Type::Null;

impl Host for TestHost {
    fn arg_type(&self, i: usize) -> &Type {
        self.args.get(i).unwrap_or(&NULL)
    }
    fn ret_type(&self) -> &Type {
        &NULL
    }
    fn types(&self) -> &TypeTable {
        &self.types
    }
    fn call_fcn(&mut self, _: usize, _: &[Value]) -> Result<Value, PfaError> {
        Err(PfaError::runtime(
            0,
            "the test host has no function arguments",
        ))
    }
    fn rng(&mut self) -> &mut dyn RandomSource {
        &mut self.rng
    }
}

/// The type of a primitive value (what a test means when it passes `Value::Int(1)`).
pub(crate) fn type_of(v: &Value) -> Type {
    match v {
        Value::Null => Type::Null,
        Value::Boolean(_) => Type::Boolean,
        Value::Int(_) => Type::Int,
        Value::Long(_) => Type::Long,
        Value::Float(_) => Type::Float,
        Value::Double(_) => Type::Double,
        Value::String(_) => Type::String,
        Value::Bytes(_) => Type::Bytes,
        other => panic!("give explicit types for {other:?}"),
    }
}

/// Runs a native with explicit argument types.
pub(crate) fn run_typed(
    f: NativeFn,
    types: TypeTable,
    arg_types: &[Type],
    args: &[Value],
) -> Result<Value, PfaError> {
    let mut host = TestHost {
        args: arg_types.to_vec(),
        types,
        rng: Counter(1),
    };
    f(&mut host, args)
}

/// Runs a native on primitive arguments.
pub(crate) fn run(f: NativeFn, args: &[Value]) -> Result<Value, PfaError> {
    let types: Vec<Type> = args.iter().map(type_of).collect();
    run_typed(f, TypeTable::new(), &types, args)
}

/// Exact equality of primitive results: floats by bits, except that any NaN equals any NaN.
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Boolean(x), Value::Boolean(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Long(x), Value::Long(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Value::Double(x), Value::Double(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Value::String(x), Value::String(y)) => x == y,
        _ => false,
    }
}

/// Asserts that `f(args)` returns exactly `want`.
#[track_caller]
pub(crate) fn ok(f: NativeFn, args: &[Value], want: Value) {
    match run(f, args) {
        Ok(got) => assert!(same(&got, &want), "{args:?}: got {got:?}, want {want:?}"),
        Err(e) => panic!("{args:?}: got error {e}, want {want:?}"),
    }
}

/// Asserts that `f(args)` returns a double within `tol` (relative, or absolute near zero).
#[track_caller]
pub(crate) fn near(f: NativeFn, args: &[Value], want: f64, tol: f64) {
    match run(f, args) {
        Ok(Value::Double(got)) => {
            let scale = want.abs().max(1.0);
            assert!(
                (got - want).abs() <= tol * scale,
                "{args:?}: got {got:e}, want {want:e}"
            );
        }
        other => panic!("{args:?}: got {other:?}, want {want}"),
    }
}

/// Asserts that `f(args)` raises exactly the runtime error `want` (code and message).
#[track_caller]
pub(crate) fn err(f: NativeFn, args: &[Value], want: ErrCode) {
    match run(f, args) {
        Err(PfaError::Runtime(e)) => {
            assert_eq!((e.code, e.message.as_str()), want, "{args:?}");
        }
        other => panic!("{args:?}: got {other:?}, want error {want:?}"),
    }
}

/// A registry with only the namespaces under test, so that tests do not depend on the
/// rest of the library.
pub(crate) fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut r = Registry::default();
        crate::library::core::register(&mut r);
        crate::library::math::register(&mut r);
        r
    })
}

/// Resolves a call of `name` on arguments of `arg_types` as the checker does: the first
/// matching signature, then the entry's specialization. Gives the matched signature's
/// concrete types and the chosen native.
pub(crate) fn resolve(name: &str, arg_types: &[Type]) -> Result<(SigMatch, NativeFn), String> {
    let f = registry()
        .get(name)
        .ok_or(format!("{name} is not registered"))?;
    let types = TypeTable::new();
    let (sig, matched) = f
        .sigs
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.matches(arg_types, &types).map(|m| (i, m)))
        .ok_or(format!("{name}: no signature matches {arg_types:?}"))?;
    let native = match f.imp {
        Imp::Native(n) => n,
        Imp::Specialize(spec) => spec(&Spec {
            sig,
            matched: &matched,
            types: &types,
        })?,
    };
    Ok((matched, native))
}

/// Calls `name` on primitive arguments the way compiled code does: resolve, promote
/// each argument to its matched parameter type, run. Gives the static return type too.
pub(crate) fn call(name: &str, args: &[Value]) -> Result<(Type, Value), PfaError> {
    let arg_types: Vec<Type> = args.iter().map(type_of).collect();
    let (matched, native) = resolve(name, &arg_types).map_err(|e| PfaError::runtime(0, e))?;
    let types = TypeTable::new();
    let promoted: Vec<Value> = args
        .iter()
        .zip(arg_types.iter().zip(&matched.params))
        .map(|(v, (from, to))| match converter(from, to, &types) {
            Some(c) => c.apply(v.clone()),
            None => v.clone(),
        })
        .collect();
    let out = run_typed(native, types, &matched.params, &promoted)?;
    Ok((matched.ret, out))
}

/// Asserts that calling `name` on `args` returns `want`, of static type `ty`.
#[track_caller]
pub(crate) fn call_ok(name: &str, args: &[Value], ty: Type, want: Value) {
    match call(name, args) {
        Ok((t, got)) => {
            assert_eq!(t, ty, "{name} {args:?}: return type");
            assert!(
                same(&got, &want),
                "{name} {args:?}: got {got:?}, want {want:?}"
            );
        }
        Err(e) => panic!("{name} {args:?}: got error {e}, want {want:?}"),
    }
}
