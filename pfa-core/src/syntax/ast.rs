//! The untyped expression tree of a PFA document, exactly as written (spec §2, §6, §7).
//!
//! Types appear here as raw Avro schema JSON ([`TypeSpec`]): they are resolved by
//! `crate::types::schema` after the whole document is read, so named types can be
//! referenced before their definition. Every expression carries a [`LocId`] into the
//! document's location table for error messages.

use serde_json::Value as Json;

/// Index into [`Document::locs`].
pub type LocId = u32;

/// Where something is in the document: its path (e.g. `action[0].let.x`) and the
/// nearest enclosing `"@"` locator mark, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    /// Path from the document root, like `action[2].if.then[0]`.
    pub path: String,
    /// The `"@"` mark of the nearest enclosing object that has one.
    pub mark: Option<String>,
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.mark {
            Some(m) => write!(f, "{} (@ {})", self.path, m),
            None => f.write_str(&self.path),
        }
    }
}

/// An Avro schema as written in the document, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeSpec {
    /// The schema JSON (a string, object or array).
    pub json: Json,
    /// Where it appears.
    pub loc: LocId,
}

/// An expression with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// Location of this expression.
    pub loc: LocId,
    /// What it is.
    pub kind: ExprKind,
}

/// One step of an `attr`/`cell`/`pool` path: an expression (array index or map key) or,
/// for records, a field name given as a literal string (`["name"]` or `{"string": "name"}`).
/// The reader cannot tell record fields from map keys, so a literal string is kept as an
/// expression and the checker decides by the type being indexed.
pub type PathStep = Expr;

/// A parameter of a function definition: name and declared type.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Parameter name.
    pub name: String,
    /// Declared type.
    pub ty: TypeSpec,
}

/// `{"params": [...], "ret": T, "do": [...]}`
#[derive(Clone, Debug, PartialEq)]
pub struct FcnDef {
    /// Parameters in order.
    pub params: Vec<Param>,
    /// Declared return type.
    pub ret: TypeSpec,
    /// Body (at least one expression).
    pub body: Vec<Expr>,
    /// Location of the definition.
    pub loc: LocId,
}

/// A function given as an argument: a reference to a named function (with optional
/// `fill`ed parameters) or an inline definition.
#[derive(Clone, Debug, PartialEq)]
pub enum FcnArg {
    /// `{"fcn": "u.f"}` or `{"fcn": "m.sqrt", "fill": {"x": expr}}`
    Ref {
        /// Function name as written (with `u.` for user functions).
        name: String,
        /// Filled-in parameters, by name.
        fill: Vec<(String, Expr)>,
        /// Location.
        loc: LocId,
    },
    /// An inline `{"params":..., "ret":..., "do":...}`.
    Def(Box<FcnDef>),
}

/// A call argument: an expression or a function.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// An ordinary expression.
    Expr(Expr),
    /// A function reference or inline function.
    Fcn(FcnArg),
}

/// The `to` of `attr-to`, `cell-to`, `pool-to`: a replacement value or an update function.
#[derive(Clone, Debug, PartialEq)]
pub enum To {
    /// Replace with this value.
    Value(Box<Expr>),
    /// Replace with `f(old)`.
    Fcn(FcnArg),
}

/// One `{"as": T, "named": x, "do": ...}` case of `cast`.
#[derive(Clone, Debug, PartialEq)]
pub struct CastCase {
    /// Type to narrow to.
    pub as_type: TypeSpec,
    /// Symbol bound to the narrowed value.
    pub named: String,
    /// Body.
    pub body: Vec<Expr>,
    /// Location.
    pub loc: LocId,
}

/// An item of `unpack`'s `format` or `pack`'s list: a symbol (or expression for pack) and a
/// format string such as `"int"`, `"pad"`, `"bytes 4"`, `"unsigned int"`, `"little double"`.
#[derive(Clone, Debug, PartialEq)]
pub struct PackFormat {
    /// The format string as written.
    pub format: String,
    /// Location.
    pub loc: LocId,
}

/// All expression forms (spec §7).
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A symbol reference: `"x"`.
    Ref(String),
    /// `null`
    Null,
    /// `true`/`false`
    Bool(bool),
    /// Bare integer in 32-bit range, or `{"int": n}`.
    Int(i32),
    /// Bare integer beyond 32 bits, or `{"long": n}`.
    Long(i64),
    /// `{"float": x}`
    Float(f32),
    /// Bare floating-point number or `{"double": x}`.
    Double(f64),
    /// `{"string": s}` or `[s]`.
    Str(String),
    /// `{"base64": s}`, already decoded.
    Bytes(Vec<u8>),
    /// `{"type": T, "value": V}`
    Literal {
        /// Type of the literal.
        ty: TypeSpec,
        /// The JSON value (decoded against `ty` by the checker).
        value: Json,
    },
    /// `{"new": [...] | {...}, "type": T}`
    New {
        /// Array items or map/record entries (name is `None` for arrays).
        items: Vec<(Option<String>, Expr)>,
        /// `true` if written as an object.
        is_object: bool,
        /// The type to build.
        ty: TypeSpec,
    },
    /// `{"do": [...]}`
    Do(Vec<Expr>),
    /// `{"let": {...}}`
    Let(Vec<(String, Expr)>),
    /// `{"set": {...}}`
    Set(Vec<(String, Expr)>),
    /// A library or user function call: `{"name": [args]}`.
    Call {
        /// Function name as written.
        name: String,
        /// Arguments.
        args: Vec<Arg>,
    },
    /// `{"call": expr, "args": [...]}`: user function chosen at run time by an enum value.
    CallDyn {
        /// The enum-valued selector.
        which: Box<Expr>,
        /// Arguments.
        args: Vec<Arg>,
    },
    /// `{"attr": expr, "path": [...]}` and, with `to`, `attr-to`.
    Attr {
        /// Object to index.
        expr: Box<Expr>,
        /// Path steps (non-empty).
        path: Vec<PathStep>,
        /// Replacement, for `attr-to`.
        to: Option<To>,
    },
    /// `{"cell": name, "path"?: [...], "to"?: ...}`
    Cell {
        /// Cell name.
        name: String,
        /// Path steps (possibly empty).
        path: Vec<PathStep>,
        /// Replacement, for `cell-to`.
        to: Option<To>,
    },
    /// `{"pool": name, "path": [...], "to"?: ..., "init"?: expr}`
    Pool {
        /// Pool name.
        name: String,
        /// Path steps (the first is the pool key).
        path: Vec<PathStep>,
        /// Replacement, for `pool-to`.
        to: Option<To>,
        /// Initial value for a missing key, for `pool-to`.
        init: Option<Box<Expr>>,
    },
    /// `{"pool": name, "del": expr}`
    PoolDel {
        /// Pool name.
        name: String,
        /// Key to remove.
        key: Box<Expr>,
    },
    /// `{"if": c, "then": [...], "else"?: [...]}`
    If {
        /// Condition.
        cond: Box<Expr>,
        /// Then branch.
        then: Vec<Expr>,
        /// Else branch.
        els: Option<Vec<Expr>>,
    },
    /// `{"cond": [{"if":..,"then":..}...], "else"?: [...]}`
    Cond {
        /// (condition, body) pairs.
        cases: Vec<(Expr, Vec<Expr>)>,
        /// Else branch.
        els: Option<Vec<Expr>>,
    },
    /// `{"while": c, "do": [...]}`
    While {
        /// Condition.
        cond: Box<Expr>,
        /// Body.
        body: Vec<Expr>,
    },
    /// `{"do": [...], "until": c}`
    DoUntil {
        /// Body.
        body: Vec<Expr>,
        /// Condition.
        cond: Box<Expr>,
    },
    /// `{"for": {...}, "while": c, "step": {...}, "do": [...]}`
    For {
        /// Initial bindings.
        init: Vec<(String, Expr)>,
        /// Condition.
        cond: Box<Expr>,
        /// Step assignments.
        step: Vec<(String, Expr)>,
        /// Body.
        body: Vec<Expr>,
    },
    /// `{"foreach": x, "in": arr, "do": [...], "seq"?: bool}`
    Foreach {
        /// Loop variable.
        var: String,
        /// Array expression.
        array: Box<Expr>,
        /// Body.
        body: Vec<Expr>,
        /// `seq` flag (sequential execution requested).
        seq: bool,
    },
    /// `{"forkey": k, "forval": v, "in": map, "do": [...]}`
    Forkey {
        /// Key variable.
        key: String,
        /// Value variable.
        val: String,
        /// Map expression.
        map: Box<Expr>,
        /// Body.
        body: Vec<Expr>,
    },
    /// `{"cast": expr, "cases": [...], "partial"?: bool}`
    Cast {
        /// Union-typed expression.
        expr: Box<Expr>,
        /// Cases.
        cases: Vec<CastCase>,
        /// `partial` flag.
        partial: bool,
    },
    /// `{"upcast": expr, "as": T}`
    Upcast {
        /// Expression.
        expr: Box<Expr>,
        /// Wider type.
        ty: TypeSpec,
    },
    /// `{"ifnotnull": {...}, "then": [...], "else"?: [...]}`
    IfNotNull {
        /// Symbols and their nullable expressions.
        bindings: Vec<(String, Expr)>,
        /// Then branch.
        then: Vec<Expr>,
        /// Else branch.
        els: Option<Vec<Expr>>,
    },
    /// `{"unpack": bytes, "format": [{x: fmt}...], "then": [...], "else"?: [...]}`
    Unpack {
        /// Bytes expression.
        bytes: Box<Expr>,
        /// Symbols and formats.
        format: Vec<(String, PackFormat)>,
        /// Then branch.
        then: Vec<Expr>,
        /// Else branch.
        els: Option<Vec<Expr>>,
    },
    /// `{"pack": [{fmt: expr}...]}`
    Pack(Vec<(PackFormat, Expr)>),
    /// `{"doc": string}`
    Doc(String),
    /// `{"error": message, "code"?: negative int}`
    Error {
        /// Message.
        message: String,
        /// Optional code.
        code: Option<i32>,
    },
    /// `{"try": [...], "filter"?: [...]}`
    Try {
        /// Body.
        body: Vec<Expr>,
        /// Filter: messages (strings) and codes (integers) to catch; empty catches all.
        filter: Option<Vec<TryFilter>>,
    },
    /// `{"log": [...], "namespace"?: name}`
    Log {
        /// Expressions to log.
        exprs: Vec<Expr>,
        /// Namespace.
        namespace: Option<String>,
    },
}

/// An item of `try`'s filter.
#[derive(Clone, Debug, PartialEq)]
pub enum TryFilter {
    /// Catch errors with this message.
    Message(String),
    /// Catch errors with this code.
    Code(i32),
}

/// Scoring method (spec §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Method {
    /// One output per input.
    #[default]
    Map,
    /// Outputs via `emit`.
    Emit,
    /// Accumulates a tally.
    Fold,
}

/// A cell declaration (spec §2.2).
#[derive(Clone, Debug, PartialEq)]
pub struct CellDecl {
    /// Cell type.
    pub ty: TypeSpec,
    /// Initial value: embedded JSON or external source.
    pub init: Init,
    /// Shared between engine instances.
    pub shared: bool,
    /// Rolled back when an action fails.
    pub rollback: bool,
    /// Location.
    pub loc: LocId,
}

/// A pool declaration (spec §2.2). Its type is the type of each value.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolDecl {
    /// Type of each pool item.
    pub ty: TypeSpec,
    /// Initial items (a JSON object), embedded or external; absent means empty.
    pub init: Init,
    /// Shared between engine instances.
    pub shared: bool,
    /// Rolled back when an action fails.
    pub rollback: bool,
    /// Location.
    pub loc: LocId,
}

/// Initial data of a cell or pool.
#[derive(Clone, Debug, PartialEq)]
pub enum Init {
    /// Embedded JSON (`"init": ...`).
    Embedded(Json),
    /// External source: `"source": "json"|"avro"` with `"init": URL-or-path`.
    External {
        /// `json` or `avro`.
        format: String,
        /// Where to read it.
        location: String,
    },
    /// No `init` (only for pools: empty).
    Empty,
}

/// A whole PFA document (spec §2.1).
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// `name`, if given.
    pub name: Option<String>,
    /// `method`.
    pub method: Method,
    /// `input` type.
    pub input: TypeSpec,
    /// `output` type.
    pub output: TypeSpec,
    /// `begin` expressions.
    pub begin: Vec<Expr>,
    /// `action` expressions (at least one).
    pub action: Vec<Expr>,
    /// `end` expressions.
    pub end: Vec<Expr>,
    /// User functions, by name without `u.`, in document order.
    pub fcns: Vec<(String, FcnDef)>,
    /// `zero` (fold only): tally's initial value.
    pub zero: Option<Json>,
    /// `merge` (fold only): expressions combining `tallyOne` and `tallyTwo`.
    pub merge: Option<Vec<Expr>>,
    /// Cells in document order.
    pub cells: Vec<(String, CellDecl)>,
    /// Pools in document order.
    pub pools: Vec<(String, PoolDecl)>,
    /// `randseed`.
    pub randseed: Option<i64>,
    /// `doc`.
    pub doc: Option<String>,
    /// `version`.
    pub version: Option<i32>,
    /// `metadata` (string to string).
    pub metadata: Vec<(String, String)>,
    /// `options` as written.
    pub options: Vec<(String, Json)>,
    /// Location table: `Expr::loc` and `TypeSpec::loc` index into this.
    pub locs: Vec<Loc>,
}

impl Document {
    /// The location for an id (an out-of-range id yields the document root).
    pub fn loc(&self, id: LocId) -> Loc {
        self.locs.get(id as usize).cloned().unwrap_or_default()
    }
}
