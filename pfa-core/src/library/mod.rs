//! The PFA function library: a [`Registry`] of [`LibFn`] entries, one module per
//! namespace, each registering its functions explicitly in `register`.
//!
//! An entry declares its signatures in the notation of [`crate::types::pattern`], its
//! error codes, whether it is pure, and how to run it. At check time a call is matched
//! against the signatures (in order; the first match wins) and the entry's `specialize`
//! picks a [`NativeFn`] for the concrete types, so nothing is looked up by name at run
//! time. The VM calls natives through the [`Host`] trait, which gives access to argument
//! types, function arguments (callbacks), and the engine's random generator.

pub(crate) mod args;
pub mod array;
pub mod bytes;
pub mod cast;
pub mod core;
pub mod enums;
pub mod fixed;
pub mod impute;
pub mod interp;
pub mod kernel;
pub mod la;
pub mod link;
pub mod map;
pub mod math;
pub mod metric;
pub mod model;
pub mod names;
pub mod parse;
pub mod prob;
pub mod rand;
pub mod regex;
pub mod special;
pub mod stat;
pub mod string;
#[cfg(test)]
pub(crate) mod testing;
pub mod time;

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::PfaError;
use crate::types::pattern::{SigMatch, Signature};
use crate::types::{Type, TypeTable};
use crate::value::Value;

/// A library function implementation. Function-typed arguments appear in `args` as
/// `Value::Null` placeholders and are called through [`Host::call_fcn`].
pub type NativeFn = fn(&mut dyn Host, &[Value]) -> Result<Value, PfaError>;

/// What a native can ask of the running engine.
pub trait Host {
    /// Static type of argument `i` (after promotion) at this call site.
    fn arg_type(&self, i: usize) -> &Type;
    /// Static return type at this call site.
    fn ret_type(&self) -> &Type;
    /// The program's named types.
    fn types(&self) -> &TypeTable;
    /// Calls the function passed as argument `i` with `args`.
    fn call_fcn(&mut self, i: usize, args: &[Value]) -> Result<Value, PfaError>;
    /// Like [`Host::call_fcn`], for a caller that owns its argument values: the
    /// engine may use them in place for the call instead of copying them; they are
    /// back in `args` when it returns.
    fn call_fcn_mut(&mut self, i: usize, args: &mut [Value]) -> Result<Value, PfaError> {
        self.call_fcn(i, args)
    }
    /// The native that function argument `i` calls, if all the function does is pass
    /// its arguments, unchanged and in order, to one library function. A native that
    /// recognizes it may do that work itself through [`Host::call_fcn_inline`].
    fn fcn_forwards_to(&self, _i: usize) -> Option<NativeFn> {
        None
    }
    /// Runs `f` in place of a call of function argument `i` (one that
    /// [`Host::fcn_forwards_to`] named): the engine accounts for the call around it
    /// (call depth, clock, error position, conversion of the result).
    fn call_fcn_inline(
        &mut self,
        _i: usize,
        f: &mut dyn FnMut() -> Result<Value, PfaError>,
    ) -> Result<Value, PfaError> {
        f()
    }
    /// The engine's random generator (seeded per instance from `randseed`).
    fn rng(&mut self) -> &mut dyn RandomSource;
}

/// Source of random numbers for `rand.*` and friends.
pub trait RandomSource {
    /// Next uniformly distributed 64 bits.
    fn next_u64(&mut self) -> u64;
    /// Uniform double in [0, 1).
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Information given to `specialize` for one call site.
pub struct Spec<'a> {
    /// Index of the matched signature.
    pub sig: usize,
    /// Concrete parameter and return types.
    pub matched: &'a SigMatch,
    /// The program's named types.
    pub types: &'a TypeTable,
}

/// Chooses the native for a matched call, or explains why it cannot be run.
pub type SpecializeFn = fn(&Spec<'_>) -> Result<NativeFn, String>;

/// How an entry is run.
#[derive(Clone, Copy)]
pub enum Imp {
    /// The same native for every signature and type.
    Native(NativeFn),
    /// A native chosen per call site from the matched types.
    Specialize(SpecializeFn),
}

/// One library function.
#[derive(Clone)]
pub struct LibFn {
    /// Full name, e.g. `"m.sqrt"` or `"+"`.
    pub name: &'static str,
    /// Signatures in order of preference.
    pub sigs: Vec<Signature>,
    /// For each signature: deprecated since this version (accepted with a warning).
    pub deprecated: Vec<Option<&'static str>>,
    /// Error codes this function can raise, with their messages.
    pub errors: &'static [(i32, &'static str)],
    /// No side effects and no randomness: may be folded on constant arguments.
    pub pure: bool,
    /// How to run it.
    pub imp: Imp,
}

/// All library functions, by name.
#[derive(Clone, Default)]
pub struct Registry {
    fns: HashMap<&'static str, Arc<LibFn>>,
}

impl Registry {
    /// The full PFA library as implemented so far.
    pub fn standard() -> Registry {
        let mut r = Registry::default();
        core::register(&mut r);
        math::register(&mut r);
        string::register(&mut r);
        parse::register(&mut r);
        cast::register(&mut r);
        regex::register(&mut r);
        bytes::register(&mut r);
        array::register(&mut r);
        map::register(&mut r);
        enums::register(&mut r);
        fixed::register(&mut r);
        impute::register(&mut r);
        interp::register(&mut r);
        time::register(&mut r);
        prob::register(&mut r);
        special::register(&mut r);
        la::register(&mut r);
        metric::register(&mut r);
        rand::register(&mut r);
        link::register(&mut r);
        kernel::register(&mut r);
        stat::register(&mut r);
        model::register(&mut r);
        r
    }

    /// The standard library, built once per process and shared.
    pub fn shared() -> &'static Registry {
        static REG: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
        REG.get_or_init(Registry::standard)
    }

    /// Looks up a function by name.
    pub fn get(&self, name: &str) -> Option<&Arc<LibFn>> {
        self.fns.get(name)
    }

    /// All registered names (unordered).
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fns.keys().copied()
    }

    /// Starts declaring a function: `r.def("m.sqrt").sig("(x: double) -> double").native(f)`.
    pub fn def(&mut self, name: &'static str) -> Def<'_> {
        Def {
            reg: self,
            f: LibFn {
                name,
                sigs: Vec::new(),
                deprecated: Vec::new(),
                errors: &[],
                pure: true,
                imp: Imp::Native(not_specialized),
            },
        }
    }

    fn insert(&mut self, f: LibFn) {
        let name = f.name;
        let prev = self.fns.insert(name, Arc::new(f));
        // Two registrations of one name is a programming error in the library tables;
        // a registry test checks this, so keep the first and move on in release builds.
        debug_assert!(prev.is_none(), "library function {name} registered twice");
    }
}

fn not_specialized(_: &mut dyn Host, _: &[Value]) -> Result<Value, PfaError> {
    Err(PfaError::runtime(
        0,
        "library function has no implementation",
    ))
}

/// Builder for one [`LibFn`]; finish with [`Def::native`] or [`Def::specialize`].
pub struct Def<'r> {
    reg: &'r mut Registry,
    f: LibFn,
}

impl Def<'_> {
    /// Adds a signature in pattern notation. An unparsable signature is a bug in the
    /// library table, caught by the registry test that loads every entry.
    pub fn sig(mut self, text: &str) -> Self {
        match Signature::parse(text) {
            Ok(s) => {
                self.f.sigs.push(s);
                self.f.deprecated.push(None);
            }
            Err(e) => panic!("bad signature for {}: {text}: {e}", self.f.name),
        }
        self
    }

    /// Adds a signature deprecated since `version`.
    pub fn deprecated_sig(mut self, text: &str, version: &'static str) -> Self {
        self = self.sig(text);
        if let Some(last) = self.f.deprecated.last_mut() {
            *last = Some(version);
        }
        self
    }

    /// Declares the runtime errors (code, message) this function raises.
    pub fn errors(mut self, errors: &'static [(i32, &'static str)]) -> Self {
        self.f.errors = errors;
        self
    }

    /// Marks the function as impure (random, or otherwise not foldable).
    pub fn impure(mut self) -> Self {
        self.f.pure = false;
        self
    }

    /// Finishes with one native for all signatures.
    pub fn native(mut self, f: NativeFn) {
        self.f.imp = Imp::Native(f);
        let f = self.f;
        self.reg.insert(f);
    }

    /// Finishes with a per-call-site choice of native.
    pub fn specialize(mut self, f: SpecializeFn) {
        self.f.imp = Imp::Specialize(f);
        let f = self.f;
        self.reg.insert(f);
    }
}
