//! A [`Host`] for tests and one-line assertions for table-driven tests of natives,
//! called directly or resolved through the registry as a call site would be.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::error::PfaError;
use crate::library::args::ErrCode;
use crate::library::{Host, Imp, NativeFn, RandomSource, Registry, Spec};
use crate::types::pattern::SigMatch;
use crate::types::{Type, TypeTable};
use crate::value::convert::converter;
use crate::value::Value;

/// A function argument in a test: called with the native's arguments.
pub(crate) type Callback<'a> = Box<dyn FnMut(&[Value]) -> Result<Value, PfaError> + 'a>;

/// A host for calling natives directly: static argument types, named types, function
/// arguments given by position as Rust closures (it counts their calls), and a
/// deterministic generator.
pub(crate) struct TestHost<'a> {
    /// Static argument types.
    pub(crate) args: Cow<'a, [Type]>,
    /// Named types.
    pub(crate) types: Cow<'a, TypeTable>,
    /// Function arguments by position.
    pub(crate) fcns: Vec<(usize, Callback<'a>)>,
    /// How many times a function argument has been called.
    pub(crate) calls: usize,
    rng: SplitMix,
}

impl<'a> TestHost<'a> {
    /// A host owning its argument and named types, with no function arguments.
    pub(crate) fn new(args: Vec<Type>, types: TypeTable) -> TestHost<'a> {
        TestHost::on(Cow::Owned(args), Cow::Owned(types))
    }

    /// A host that borrows its argument and named types.
    pub(crate) fn borrowing(args: &'a [Type], types: &'a TypeTable) -> TestHost<'a> {
        TestHost::on(Cow::Borrowed(args), Cow::Borrowed(types))
    }

    fn on(args: Cow<'a, [Type]>, types: Cow<'a, TypeTable>) -> TestHost<'a> {
        TestHost {
            args,
            types,
            fcns: Vec::new(),
            calls: 0,
            rng: SplitMix(1),
        }
    }

    /// Starts the generator from `seed`.
    pub(crate) fn seeded(mut self, seed: u64) -> TestHost<'a> {
        self.rng = SplitMix(seed);
        self
    }

    /// Makes `f` function argument `i`.
    pub(crate) fn with_fcn(
        mut self,
        i: usize,
        f: impl FnMut(&[Value]) -> Result<Value, PfaError> + 'a,
    ) -> TestHost<'a> {
        self.set_fcn(i, f);
        self
    }

    /// Makes `f` function argument `i`, replacing any earlier one.
    pub(crate) fn set_fcn(
        &mut self,
        i: usize,
        f: impl FnMut(&[Value]) -> Result<Value, PfaError> + 'a,
    ) {
        self.fcns.retain(|(j, _)| *j != i);
        self.fcns.push((i, Box::new(f)));
    }
}

/// splitmix64 from a seed: deterministic and good enough for tests.
pub(crate) struct SplitMix(pub(crate) u64);

impl RandomSource for SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

static NULL: Type = Type::Null;

impl Host for TestHost<'_> {
    fn arg_type(&self, i: usize) -> &Type {
        self.args.get(i).unwrap_or(&NULL)
    }
    fn ret_type(&self) -> &Type {
        &NULL
    }
    fn types(&self) -> &TypeTable {
        &self.types
    }
    fn call_fcn(&mut self, i: usize, args: &[Value]) -> Result<Value, PfaError> {
        self.calls += 1;
        match self.fcns.iter_mut().find(|(j, _)| *j == i) {
            Some((_, f)) => f(args),
            None => Err(PfaError::runtime(0, "no such function argument")),
        }
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
    f(&mut TestHost::new(arg_types.to_vec(), types), args)
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
    resolve_in(registry(), name, arg_types, &TypeTable::new())
}

/// [`resolve`] in a given registry, with named types.
pub(crate) fn resolve_in(
    registry: &Registry,
    name: &str,
    arg_types: &[Type],
    types: &TypeTable,
) -> Result<(SigMatch, NativeFn), String> {
    let f = registry
        .get(name)
        .ok_or(format!("{name} is not registered"))?;
    let (sig, matched) = f
        .sigs
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.matches(arg_types, types).map(|m| (i, m)))
        .ok_or(format!("{name}: no signature matches {arg_types:?}"))?;
    let native = match f.imp {
        Imp::Native(n) => n,
        Imp::Specialize(spec) => spec(&Spec {
            sig,
            matched: &matched,
            types,
        })?,
    };
    Ok((matched, native))
}

/// Converts each argument from its type in `from` to its matched parameter type in
/// `to`, as compiled code does before a call.
pub(crate) fn promote(
    args: impl IntoIterator<Item = Value>,
    from: &[Type],
    to: &[Type],
    types: &TypeTable,
) -> Vec<Value> {
    args.into_iter()
        .zip(from.iter().zip(to))
        .map(|(v, (from, to))| match converter(from, to, types) {
            Some(c) => c.apply(v),
            None => v,
        })
        .collect()
}

/// Calls `name` on primitive arguments the way compiled code does: resolve, promote
/// each argument to its matched parameter type, run. Gives the static return type too.
pub(crate) fn call(name: &str, args: &[Value]) -> Result<(Type, Value), PfaError> {
    let arg_types: Vec<Type> = args.iter().map(type_of).collect();
    let (matched, native) = resolve(name, &arg_types).map_err(|e| PfaError::runtime(0, e))?;
    let types = TypeTable::new();
    let promoted = promote(args.iter().cloned(), &arg_types, &matched.params, &types);
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
