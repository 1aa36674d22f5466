//! Typed IR: the checked program. Every node has its static type; symbols are frame
//! slots, record fields are indices, library calls name their chosen native. The
//! compiler turns this into bytecode without any further lookups.

use std::sync::Arc;

use crate::library::NativeFn;
use crate::syntax::ast::LocId;
use crate::types::Type;
use crate::value::convert::Conv;
use crate::value::Value;

/// A frame slot.
pub type Slot = u16;

/// A typed expression.
#[derive(Clone, Debug)]
pub struct TExpr {
    /// Static type (meaningless if `diverges`).
    pub ty: Type,
    /// Never completes normally (the spec's bottom type, e.g. `error`).
    pub diverges: bool,
    /// Where it is.
    pub loc: LocId,
    /// What it does.
    pub kind: TKind,
}

/// Call-site information a native sees through `Host`.
#[derive(Clone, Debug)]
pub struct Site {
    /// Function name (for error messages).
    pub name: String,
    /// Parameter types after matching.
    pub arg_types: Vec<Type>,
    /// Return type after matching.
    pub ret: Type,
}

/// A function passed to a library function or used as an update function: a compiled
/// function plus the values it closes over.
#[derive(Clone, Debug)]
pub struct Closure {
    /// Index of the compiled function.
    pub func: usize,
    /// (slot in the current frame, slot in the callee frame) for each captured symbol.
    pub captures: Vec<(Slot, Slot)>,
    /// Conversions of the arguments the caller passes into the callee's declared types.
    pub param_convs: Vec<Option<Conv>>,
    /// Conversion of the callee's result into the type the caller expects.
    pub ret_conv: Option<Conv>,
}

/// A call argument.
#[derive(Clone, Debug)]
pub enum TArg {
    /// A value.
    Expr(TExpr),
    /// A function.
    Fcn(Closure),
}

/// One step of a path into arrays, maps and records.
#[derive(Clone, Debug)]
pub enum TStep {
    /// Array index (an int expression).
    Index(TExpr),
    /// Map key (a string expression).
    Key(TExpr),
    /// Record field by index.
    Field(usize),
}

/// Replacement for attr-to / cell-to / pool-to.
#[derive(Clone, Debug)]
pub enum TTo {
    /// New value.
    Value(Box<TExpr>),
    /// Update function.
    Fcn(Closure),
}

/// Typed expression forms.
#[derive(Clone, Debug)]
pub enum TKind {
    /// A constant (literals, folded values).
    Const(Value),
    /// Read a symbol.
    Local(Slot),
    /// Convert a value to a wider type's representation.
    Convert(Box<TExpr>, Conv),
    /// A sequence; value of the last (or null if `null_result`).
    Block(Vec<TExpr>, bool),
    /// Declare symbols.
    Let(Vec<(Slot, TExpr)>),
    /// Reassign symbols (all values computed first).
    Set(Vec<(Slot, TExpr)>),
    /// Library call.
    Call {
        /// The implementation.
        f: NativeFn,
        /// Types for the native.
        site: Arc<Site>,
        /// Arguments.
        args: Vec<TArg>,
    },
    /// Short-circuit `&&` (true) or `||` (false).
    Logic(bool, Box<TExpr>, Box<TExpr>),
    /// Typed binary operator compiled to a dedicated instruction.
    BinOp(crate::vm::instr::BinOp, Box<TExpr>, Box<TExpr>),
    /// User function call (arguments already converted).
    CallUser {
        /// Function index.
        func: usize,
        /// Arguments.
        args: Vec<TExpr>,
    },
    /// `call` special form: enum value selects a user function.
    CallDyn {
        /// Enum-valued selector.
        which: Box<TExpr>,
        /// For each enum symbol, function index and conversion of its result.
        funcs: Vec<(usize, Option<Conv>)>,
        /// Arguments per target function (converted to that function's types).
        args: Vec<Vec<TExpr>>,
    },
    /// `if` (with optional else).
    If(Box<TExpr>, Box<TExpr>, Option<Box<TExpr>>),
    /// `cond`.
    Cond(Vec<(TExpr, TExpr)>, Option<Box<TExpr>>),
    /// `while`.
    While(Box<TExpr>, Box<TExpr>),
    /// `do`-`until`.
    DoUntil(Box<TExpr>, Box<TExpr>),
    /// `for`: init, condition, step, body.
    For(
        Vec<(Slot, TExpr)>,
        Box<TExpr>,
        Vec<(Slot, TExpr)>,
        Box<TExpr>,
    ),
    /// `foreach`: variable slot, array, body.
    Foreach(Slot, Box<TExpr>, Box<TExpr>),
    /// `forkey`/`forval`: key slot, value slot, map, body.
    Forkey(Slot, Slot, Box<TExpr>, Box<TExpr>),
    /// `cast`: value, cases (union branch type, slot, conversion, body), partial.
    Cast(Box<TExpr>, Vec<CastArm>, bool),
    /// `ifnotnull`: (slot, expr, conversion) bindings, then, else.
    IfNotNull(Vec<(Slot, TExpr)>, Box<TExpr>, Option<Box<TExpr>>),
    /// `unpack`: bytes, (slot, format), then, else.
    Unpack(
        Box<TExpr>,
        Vec<(Slot, PackFmt)>,
        Box<TExpr>,
        Option<Box<TExpr>>,
    ),
    /// `pack`: (format, value).
    Pack(Vec<(PackFmt, TExpr)>),
    /// `attr`.
    Attr(Box<TExpr>, Vec<TStep>),
    /// `attr-to`.
    AttrTo(Box<TExpr>, Vec<TStep>, TTo),
    /// `cell` (with path).
    CellGet(usize, Vec<TStep>),
    /// `cell-to`.
    CellTo(usize, Vec<TStep>, TTo),
    /// `pool` (key, rest of path).
    PoolGet(usize, Box<TExpr>, Vec<TStep>),
    /// `pool-to`: pool, key, rest of path, replacement, init.
    PoolTo(usize, Box<TExpr>, Vec<TStep>, TTo, Box<TExpr>),
    /// `pool-del`.
    PoolDel(usize, Box<TExpr>),
    /// `new` array.
    NewArray(Vec<TExpr>),
    /// `new` map.
    NewMap(Vec<(Arc<str>, TExpr)>),
    /// `new` record: type id, field values in declaration order.
    NewRecord(u32, Vec<TExpr>),
    /// `error`.
    Error(String, Option<i32>),
    /// `try` with filter; result is converted into union with null.
    Try(
        Box<TExpr>,
        Option<Vec<crate::syntax::ast::TryFilter>>,
        Option<Conv>,
    ),
    /// `log`.
    Log(Vec<TExpr>, Option<String>),
    /// `emit`.
    Emit(Box<TExpr>),
}

/// One case of `cast`.
#[derive(Clone, Debug)]
pub struct CastArm {
    /// The type to test for.
    pub ty: Type,
    /// Slot for the narrowed value.
    pub slot: Slot,
    /// Conversion of the narrowed value (when the union branch needs promotion).
    pub conv: Option<Conv>,
    /// Body.
    pub body: TExpr,
}

/// A binary format item of `pack`/`unpack`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackFmt {
    /// skip one byte (null)
    Pad,
    /// one byte, true if nonzero
    Boolean,
    /// signed integer of 1, 2, 4 or 8 bytes
    Signed(u8, bool),
    /// unsigned integer of 1, 2, 4 or 8 bytes
    Unsigned(u8, bool),
    /// IEEE float (4) or double (8)
    Float(u8, bool),
    /// exactly n bytes
    Raw(usize),
    /// any number of bytes (pack only)
    RawAny,
    /// bytes terminated by zero
    NullTerminated,
    /// first byte is the length
    LengthPrefixed,
}

/// A checked function (named, inline, or synthesized for a function reference).
#[derive(Clone, Debug)]
pub struct TFunc {
    /// Display name (`u.f`, or a generated name for inline functions).
    pub name: String,
    /// Parameter types (slots 0..n).
    pub params: Vec<Type>,
    /// Total frame slots used by symbols.
    pub nslots: u16,
    /// Body (already converted to the declared return type).
    pub body: TExpr,
}
