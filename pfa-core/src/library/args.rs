//! Helpers shared by library natives: unpacking arguments, raising the spec's runtime
//! errors, and choosing a native per matched numeric type.
//!
//! The checker guarantees that every argument has exactly the representation of its
//! matched parameter type, so a mismatch here is an engine bug. It is reported as an
//! internal runtime error (code 0), never as a panic.

use crate::error::PfaError;
use crate::library::{NativeFn, Spec};
use crate::types::Type;
use crate::value::Value;

/// A runtime error as the spec's function list defines it: code and exact message.
pub(crate) type ErrCode = (i32, &'static str);

/// What every native returns.
pub(crate) type Ret = Result<Value, PfaError>;

/// Raises one of a function's declared runtime errors.
#[cold]
#[inline(never)]
pub(crate) fn fail(e: ErrCode) -> PfaError {
    PfaError::runtime(e.0, e.1)
}

#[cold]
#[inline(never)]
fn wrong_arg(i: usize) -> PfaError {
    PfaError::runtime(
        0,
        format!("internal error: argument {i} does not have the representation of its type"),
    )
}

macro_rules! getter {
    ($(#[$doc:meta])* $name:ident, $variant:ident, $t:ty) => {
        $(#[$doc])*
        #[inline]
        pub(crate) fn $name(a: &[Value], i: usize) -> Result<$t, PfaError> {
            match a.get(i) {
                Some(Value::$variant(x)) => Ok(*x),
                _ => Err(wrong_arg(i)),
            }
        }
    };
}

getter!(
    /// Argument `i` as an `int`.
    int, Int, i32
);
getter!(
    /// Argument `i` as a `long`.
    long, Long, i64
);
getter!(
    /// Argument `i` as a `float`.
    float, Float, f32
);
getter!(
    /// Argument `i` as a `double`.
    double, Double, f64
);
getter!(
    /// Argument `i` as a `boolean`.
    boolean, Boolean, bool
);

/// Argument `i` as a `union<boolean, null>`: `None` for null.
#[inline]
pub(crate) fn maybe_boolean(a: &[Value], i: usize) -> Result<Option<bool>, PfaError> {
    match a.get(i) {
        Some(Value::Boolean(b)) => Ok(Some(*b)),
        Some(Value::Null) => Ok(None),
        _ => Err(wrong_arg(i)),
    }
}

/// Argument `i`, whatever its type.
#[inline]
pub(crate) fn any(a: &[Value], i: usize) -> Result<&Value, PfaError> {
    a.get(i).ok_or_else(|| wrong_arg(i))
}

/// Picks the native for the matched type of the first parameter among
/// `[int, long, float, double]`.
pub(crate) fn by_numeric(s: &Spec<'_>, natives: [NativeFn; 4]) -> Result<NativeFn, String> {
    let [int, long, float, double] = natives;
    match s.matched.params.first() {
        Some(Type::Int) => Ok(int),
        Some(Type::Long) => Ok(long),
        Some(Type::Float) => Ok(float),
        Some(Type::Double) => Ok(double),
        other => Err(no_native(s, other)),
    }
}

/// Picks the native for the matched type of the first parameter among `[int, long]`.
pub(crate) fn by_integer(s: &Spec<'_>, natives: [NativeFn; 2]) -> Result<NativeFn, String> {
    let [int, long] = natives;
    match s.matched.params.first() {
        Some(Type::Int) => Ok(int),
        Some(Type::Long) => Ok(long),
        other => Err(no_native(s, other)),
    }
}

/// Explains a matched type that no native of the function handles.
pub(crate) fn no_native(s: &Spec<'_>, ty: Option<&Type>) -> String {
    match ty {
        Some(t) => format!("no implementation for argument type {}", s.types.show(t)),
        None => "no implementation without arguments".to_string(),
    }
}
