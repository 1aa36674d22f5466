//! Type checking: resolves every type, symbol, cell, pool and function of a document,
//! types every expression (spec §4-§7), enforces the scope rules of §5 and the
//! update-function rule of §3.6, and picks library implementations. The result is the
//! typed IR of [`tir`], which the compiler turns into bytecode.
//!
//! This module does not know about bytecode or engine state.

mod expr;
mod scope;
pub mod tir;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::Value as Json;

use crate::engine::LoadOptions;
use crate::error::PfaError;
use crate::library::Registry;
use crate::syntax::ast::{Document, Expr, ExprKind, FcnDef, Init, LocId, Method, TypeSpec};
use crate::types::{Type, TypeTable};
use crate::value::json::{from_json, JsonStyle};
use crate::value::Value;

use scope::FnCtx;
use tir::{TExpr, TFunc};

/// Predefined symbols passed to a phase function, in parameter order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Predef {
    /// `input` (action)
    Input,
    /// `tally` (fold: action, end)
    Tally,
    /// `name`
    Name,
    /// `instance`
    Instance,
    /// `metadata`
    Metadata,
    /// `version` (only if the document has one)
    Version,
    /// `actionsStarted`
    ActionsStarted,
    /// `actionsFinished`
    ActionsFinished,
    /// `tallyOne` (merge)
    TallyOne,
    /// `tallyTwo` (merge)
    TallyTwo,
}

/// A phase routine: a function whose parameters are predefined symbols.
#[derive(Clone, Debug)]
pub struct Phase {
    /// Index into [`Checked::funcs`].
    pub func: usize,
    /// What each parameter slot receives.
    pub params: Vec<Predef>,
    /// Whether each parameter is read at all (unread ones are not filled in).
    pub used: Vec<bool>,
}

/// A checked cell.
#[derive(Clone, Debug)]
pub struct CellInfo {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: Type,
    /// Initial value.
    pub init: Value,
    /// Shared between instances.
    pub shared: bool,
    /// Restored after a failed action.
    pub rollback: bool,
}

/// A checked pool.
#[derive(Clone, Debug)]
pub struct PoolInfo {
    /// Name.
    pub name: String,
    /// Type of each item.
    pub ty: Type,
    /// Initial items.
    pub init: BTreeMap<Arc<str>, Value>,
    /// Shared between instances.
    pub shared: bool,
    /// Restored after a failed action.
    pub rollback: bool,
}

/// A fully checked program.
pub struct Checked {
    /// Named types.
    pub types: TypeTable,
    /// All functions: user functions first (in document order), then synthesized ones.
    pub funcs: Vec<TFunc>,
    /// `begin`, if present.
    pub begin: Option<Phase>,
    /// `action`.
    pub action: Phase,
    /// `end`, if present.
    pub end: Option<Phase>,
    /// `merge`, if present.
    pub merge: Option<Phase>,
    /// Input type.
    pub input: Type,
    /// Output type.
    pub output: Type,
    /// Cells in document order.
    pub cells: Vec<CellInfo>,
    /// Pools in document order.
    pub pools: Vec<PoolInfo>,
    /// Fold: the initial tally.
    pub zero: Option<Value>,
    /// Warnings (deprecated signatures, ignored options).
    pub warnings: Vec<String>,
}

/// Checks a document; the first error if it has any.
pub fn check(doc: &Document, reg: &Registry, opts: &LoadOptions) -> Result<Checked, PfaError> {
    check_all(doc, reg, opts).map_err(|mut es| es.swap_remove(0))
}

/// Checks a document, reporting every error found (in document order where they are
/// independent; errors that stop checking early, such as bad types, come alone).
pub fn check_all(
    doc: &Document,
    reg: &Registry,
    opts: &LoadOptions,
) -> Result<Checked, Vec<PfaError>> {
    let mut c = Checker::new(doc, reg, opts).map_err(|e| vec![e])?;
    match c.run() {
        Ok(checked) if c.errors.is_empty() => Ok(checked),
        Ok(_) => Err(std::mem::take(&mut c.errors)),
        Err(e) => {
            let mut all = std::mem::take(&mut c.errors);
            if !all.contains(&e) {
                all.push(e);
            }
            Err(all)
        }
    }
}

/// What the checker knows about a user function.
#[derive(Clone, Debug)]
pub(crate) struct FnSig {
    pub params: Vec<(String, Type)>,
    pub ret: Type,
}

pub(crate) struct Checker<'a> {
    pub doc: &'a Document,
    pub reg: &'a Registry,
    pub opts: &'a LoadOptions,
    pub types: TypeTable,
    /// Resolved types by the `LocId` of their `TypeSpec`.
    pub resolved: HashMap<LocId, Type>,
    /// User functions by name (without `u.`): index and signature.
    pub user_fns: HashMap<String, (usize, FnSig)>,
    /// All functions being built; `None` until checked.
    pub funcs: Vec<Option<TFunc>>,
    /// Cells by name.
    pub cells: HashMap<String, (usize, Type)>,
    /// Pools by name.
    pub pools: HashMap<String, (usize, Type)>,
    /// Function contexts (innermost last); inline functions push a new one.
    pub ctxs: Vec<FnCtx>,
    /// For each function index: does it (directly) modify cells or pools, and whom it calls.
    pub effects: Vec<(bool, Vec<usize>)>,
    /// Update functions given to cell-to/pool-to, to check after all functions are known.
    pub update_fns: Vec<(usize, LocId)>,
    pub warnings: Vec<String>,
    /// Errors recorded while checking goes on (see `check_all`).
    pub errors: Vec<PfaError>,
    /// Symbols whose declaration failed: uses of them report nothing more.
    pub poisoned: std::collections::HashSet<String>,
    /// How many stand-ins for failed expressions have been made (to tell them apart from
    /// expressions that genuinely never return).
    pub tainted: usize,
    pub method: Method,
    pub output: Type,
}

impl<'a> Checker<'a> {
    fn new(doc: &'a Document, reg: &'a Registry, opts: &'a LoadOptions) -> Result<Self, PfaError> {
        Ok(Checker {
            doc,
            reg,
            opts,
            types: TypeTable::new(),
            resolved: HashMap::new(),
            user_fns: HashMap::new(),
            funcs: Vec::new(),
            cells: HashMap::new(),
            pools: HashMap::new(),
            ctxs: Vec::new(),
            effects: Vec::new(),
            update_fns: Vec::new(),
            warnings: Vec::new(),
            errors: Vec::new(),
            poisoned: Default::default(),
            tainted: 0,
            method: doc.method,
            output: Type::Null,
        })
    }

    pub fn semantic(&self, loc: LocId, message: impl Into<String>) -> PfaError {
        PfaError::Semantic {
            message: message.into(),
            loc: self.doc.loc(loc),
        }
    }

    /// The resolved type of a schema written in the document.
    pub fn ty(&self, spec: &TypeSpec) -> Result<Type, PfaError> {
        self.resolved
            .get(&spec.loc)
            .cloned()
            .ok_or_else(|| self.semantic(spec.loc, "type was not resolved"))
    }

    /// Resolves every schema in the document at once, so named types may be used before
    /// (or without regard to where) they are defined.
    fn resolve_types(&mut self) -> Result<(), PfaError> {
        let mut specs: Vec<&TypeSpec> = Vec::new();
        collect_doc_types(self.doc, &mut specs);
        let jsons: Vec<&Json> = specs.iter().map(|s| &s.json).collect();
        let tys = crate::types::schema::resolve_all(&jsons, &mut self.types).map_err(|e| {
            let loc = specs.get(e.index).map(|s| s.loc).unwrap_or(0);
            self.semantic(loc, format!("bad type schema: {}", e.message))
        })?;
        for (s, t) in specs.iter().zip(tys) {
            self.resolved.insert(s.loc, t);
        }
        Ok(())
    }

    fn run(&mut self) -> Result<Checked, PfaError> {
        let doc = self.doc;
        self.resolve_types()?;
        let input = self.ty(&doc.input)?;
        let output = self.ty(&doc.output)?;
        self.output = output.clone();

        // Declare user functions first so that bodies can call each other in any order.
        for (name, def) in &doc.fcns {
            if !valid_fcn_name(name) {
                return Err(self.semantic(def.loc, format!("invalid function name \"{name}\"")));
            }
            let sig = self.fn_sig(def)?;
            let idx = self.funcs.len();
            self.funcs.push(None);
            self.effects.push((false, Vec::new()));
            if self.user_fns.insert(name.clone(), (idx, sig)).is_some() {
                return Err(self.semantic(def.loc, format!("function \"{name}\" defined twice")));
            }
        }

        let (cells, pools) = self.check_state()?;

        for (name, def) in &doc.fcns {
            let (idx, sig) = self.user_fns[name].clone();
            self.poisoned.clear();
            match self.check_fcn_body(&format!("u.{name}"), idx, &sig, def) {
                Ok(f) => self.funcs[idx] = Some(f),
                Err(e) => self.errors.push(e),
            }
        }
        self.poisoned.clear();

        let version = doc.version.is_some();
        let fold = doc.method == Method::Fold;
        let mut common = vec![Predef::Name, Predef::Instance, Predef::Metadata];
        if version {
            common.push(Predef::Version);
        }
        let begin = if doc.begin.is_empty() {
            None
        } else {
            Some(self.check_phase("begin", &doc.begin, common.clone(), None)?)
        };
        let mut action_params = vec![Predef::Input];
        if fold {
            action_params.push(Predef::Tally);
        }
        action_params.extend(common.iter().copied());
        action_params.push(Predef::ActionsStarted);
        action_params.push(Predef::ActionsFinished);
        let action_ret = match doc.method {
            Method::Emit => None,
            _ => Some(output.clone()),
        };
        let action = self.check_phase("action", &doc.action, action_params, action_ret)?;
        let end = if doc.end.is_empty() {
            None
        } else {
            let mut p = Vec::new();
            if fold {
                p.push(Predef::Tally);
            }
            p.extend(common.iter().copied());
            p.push(Predef::ActionsStarted);
            p.push(Predef::ActionsFinished);
            Some(self.check_phase("end", &doc.end, p, None)?)
        };
        let (zero, merge) = if fold {
            let zero_json = doc
                .zero
                .as_ref()
                .ok_or_else(|| self.semantic(0, "fold method requires a \"zero\" field"))?;
            let zero =
                from_json(zero_json, &output, &self.types, JsonStyle::Avro).map_err(|e| {
                    self.semantic(
                        0,
                        format!(
                            "zero does not match the output type: {} at {}",
                            e.message, e.path
                        ),
                    )
                })?;
            let merge_exprs = doc
                .merge
                .as_ref()
                .ok_or_else(|| self.semantic(0, "fold method requires a \"merge\" field"))?;
            let merge = self.check_phase(
                "merge",
                merge_exprs,
                vec![Predef::TallyOne, Predef::TallyTwo],
                Some(output.clone()),
            )?;
            (Some(zero), Some(merge))
        } else {
            if doc.zero.is_some() {
                return Err(self.semantic(0, "\"zero\" is only allowed with the fold method"));
            }
            if doc.merge.is_some() {
                return Err(self.semantic(0, "\"merge\" is only allowed with the fold method"));
            }
            (None, None)
        };

        self.check_update_fns()?;
        self.check_options()?;

        if let Some(first) = self.errors.first() {
            return Err(first.clone());
        }
        let mut funcs = Vec::with_capacity(self.funcs.len());
        for (i, f) in self.funcs.drain(..).enumerate() {
            match f {
                Some(f) => funcs.push(f),
                None => {
                    return Err(PfaError::Semantic {
                        message: format!("internal: function {i} was never checked"),
                        loc: Default::default(),
                    })
                }
            }
        }
        Ok(Checked {
            types: std::mem::take(&mut self.types),
            funcs,
            begin,
            action,
            end,
            merge,
            input,
            output,
            cells,
            pools,
            zero,
            warnings: std::mem::take(&mut self.warnings),
        })
    }

    fn check_options(&mut self) -> Result<(), PfaError> {
        for (k, v) in &self.doc.options {
            if (k == "timeout" || k.starts_with("timeout.")) && !v.is_i64() {
                return Err(self.semantic(0, format!("option \"{k}\" must be an integer")));
            }
        }
        Ok(())
    }

    pub fn fn_sig(&self, def: &FcnDef) -> Result<FnSig, PfaError> {
        let mut params = Vec::new();
        for p in &def.params {
            if !scope::valid_symbol(&p.name) {
                return Err(
                    self.semantic(def.loc, format!("invalid parameter name \"{}\"", p.name))
                );
            }
            if params.iter().any(|(n, _): &(String, Type)| n == &p.name) {
                return Err(
                    self.semantic(def.loc, format!("parameter \"{}\" declared twice", p.name))
                );
            }
            params.push((p.name.clone(), self.ty(&p.ty)?));
        }
        Ok(FnSig {
            params,
            ret: self.ty(&def.ret)?,
        })
    }

    /// Checks a function body in a fresh context. `parent` captures are handled by the
    /// context stack: an inline function sees enclosing symbols read-only.
    pub fn check_fcn_body(
        &mut self,
        name: &str,
        idx: usize,
        sig: &FnSig,
        def: &FcnDef,
    ) -> Result<TFunc, PfaError> {
        let mut ctx = FnCtx::new(idx, false);
        for (n, t) in &sig.params {
            ctx.declare_param(n, t.clone());
        }
        self.ctxs.push(ctx);
        let body = self.block(&def.body, def.loc);
        let ctx = self.ctxs.pop();
        let body = body?;
        let ctx = ctx.expect("context stack is balanced");
        let body = self.coerce(body, &sig.ret, def.loc, "function return value")?;
        Ok(TFunc {
            name: name.to_string(),
            params: sig.params.iter().map(|(_, t)| t.clone()).collect(),
            nslots: ctx.nslots,
            body,
        })
    }

    fn check_phase(
        &mut self,
        name: &str,
        exprs: &[Expr],
        params: Vec<Predef>,
        ret: Option<Type>,
    ) -> Result<Phase, PfaError> {
        let idx = self.funcs.len();
        self.funcs.push(None);
        self.effects.push((false, Vec::new()));
        self.poisoned.clear();
        let mut ctx = FnCtx::new(idx, false);
        let mut ptypes = Vec::new();
        for p in &params {
            let (n, t) = match p {
                Predef::Input => ("input", self.ty(&self.doc.input)?),
                Predef::Tally => ("tally", self.output.clone()),
                Predef::Name => ("name", Type::String),
                Predef::Instance => ("instance", Type::Int),
                Predef::Metadata => ("metadata", Type::map(Type::String)),
                Predef::Version => ("version", Type::Int),
                Predef::ActionsStarted => ("actionsStarted", Type::Long),
                Predef::ActionsFinished => ("actionsFinished", Type::Long),
                Predef::TallyOne => ("tallyOne", self.output.clone()),
                Predef::TallyTwo => ("tallyTwo", self.output.clone()),
            };
            ctx.declare_param(n, t.clone());
            ptypes.push(t);
        }
        // Predefined symbols are read-only: the routine runs in a sealed scope below them.
        ctx.seal_params();
        self.ctxs.push(ctx);
        let loc = exprs.first().map(|e| e.loc).unwrap_or(0);
        let body = self.block(exprs, loc);
        let ctx = self.ctxs.pop().expect("context stack is balanced");
        let body = body?;
        let body = match ret {
            Some(t) => {
                let what = format!("{name} result (the output type)");
                self.coerce(body, &t, loc, &what)?
            }
            None => self.discard(body),
        };
        self.funcs[idx] = Some(TFunc {
            name: name.to_string(),
            params: ptypes,
            nslots: ctx.nslots,
            body,
        });
        let used = (0..params.len())
            .map(|i| ctx.used.contains(&(i as u16)))
            .collect();
        Ok(Phase {
            func: idx,
            params,
            used,
        })
    }

    /// A block whose value is ignored: its type becomes null.
    pub fn discard(&self, e: TExpr) -> TExpr {
        let loc = e.loc;
        TExpr {
            ty: Type::Null,
            diverges: e.diverges,
            loc,
            kind: tir::TKind::Block(vec![e], true),
        }
    }

    fn check_state(&mut self) -> Result<(Vec<CellInfo>, Vec<PoolInfo>), PfaError> {
        let doc = self.doc;
        let mut cells = Vec::new();
        for (name, c) in &doc.cells {
            if !scope::valid_symbol(name) {
                return Err(self.semantic(c.loc, format!("invalid cell name \"{name}\"")));
            }
            if c.shared && c.rollback {
                return Err(self.semantic(
                    c.loc,
                    format!("cell \"{name}\": shared and rollback cannot both be true"),
                ));
            }
            let ty = self.ty(&c.ty)?;
            let data = self.init_data(&c.init, c.loc, &format!("cell \"{name}\""))?;
            let init = data.decode(Json::Null, &ty, &self.types).map_err(|e| {
                PfaError::Initialization {
                    message: format!(
                        "cell \"{name}\" init does not match its type: {} at {}",
                        e.message, e.path
                    ),
                    loc: Some(doc.loc(c.loc)),
                }
            })?;
            self.cells.insert(name.clone(), (cells.len(), ty.clone()));
            cells.push(CellInfo {
                name: name.clone(),
                ty,
                init,
                shared: c.shared,
                rollback: c.rollback,
            });
        }
        let mut pools = Vec::new();
        for (name, p) in &doc.pools {
            if !scope::valid_symbol(name) {
                return Err(self.semantic(p.loc, format!("invalid pool name \"{name}\"")));
            }
            if p.shared && p.rollback {
                return Err(self.semantic(
                    p.loc,
                    format!("pool \"{name}\": shared and rollback cannot both be true"),
                ));
            }
            let ty = self.ty(&p.ty)?;
            let data = self.init_data(&p.init, p.loc, &format!("pool \"{name}\""))?;
            let map_ty = Type::map(ty.clone());
            let init = data
                .decode(Json::Object(Default::default()), &map_ty, &self.types)
                .map_err(|e| PfaError::Initialization {
                    message: format!(
                        "pool \"{name}\" init does not match its type: {} at {}",
                        e.message, e.path
                    ),
                    loc: Some(doc.loc(p.loc)),
                })?;
            let init = match init {
                Value::Map(m) => Arc::try_unwrap(m).unwrap_or_else(|m| (*m).clone()),
                _ => BTreeMap::new(),
            };
            self.pools.insert(name.clone(), (pools.len(), ty.clone()));
            pools.push(PoolInfo {
                name: name.clone(),
                ty,
                init,
                shared: p.shared,
                rollback: p.rollback,
            });
        }
        Ok((cells, pools))
    }

    /// The init data of a cell or pool: embedded, or read from an allowed file.
    fn init_data(&self, init: &Init, loc: LocId, what: &str) -> Result<InitData, PfaError> {
        match init {
            Init::Embedded(j) => Ok(InitData::Json(j.clone())),
            Init::Empty => Ok(InitData::Missing),
            Init::External { format, location } => {
                let fail = |m: String| PfaError::Initialization {
                    message: format!("{what}: {m}"),
                    loc: Some(self.doc.loc(loc)),
                };
                if is_url(location) {
                    return Err(fail(format!(
                        "reading init data from URL \"{location}\" is not enabled"
                    )));
                }
                let root = self.opts.source_root.as_ref().ok_or_else(|| {
                    fail(format!(
                        "reading external init data \"{location}\" is not allowed by the host"
                    ))
                })?;
                let root = root
                    .canonicalize()
                    .map_err(|e| fail(format!("source folder: {e}")))?;
                let path = root.join(location);
                let path = path
                    .canonicalize()
                    .map_err(|e| fail(format!("cannot open \"{location}\": {e}")))?;
                if !path.starts_with(&root) {
                    return Err(fail(format!(
                        "\"{location}\" is outside the allowed folder"
                    )));
                }
                match format.as_str() {
                    "json" => {
                        let text = std::fs::read_to_string(&path)
                            .map_err(|e| fail(format!("cannot read \"{location}\": {e}")))?;
                        serde_json::from_str(&text)
                            .map(InitData::Json)
                            .map_err(|e| fail(format!("\"{location}\" is not valid JSON: {e}")))
                    }
                    "avro" => std::fs::read(&path)
                        .map(InitData::Avro)
                        .map_err(|e| fail(format!("cannot read \"{location}\": {e}"))),
                    other => Err(fail(format!("unknown source format \"{other}\""))),
                }
            }
        }
    }

    /// Functions given to cell-to/pool-to must not modify state, directly or through
    /// anything they call (spec §3.6), or shared updates could deadlock.
    fn check_update_fns(&self) -> Result<(), PfaError> {
        let n = self.effects.len();
        let mut modifies: Vec<bool> = self.effects.iter().map(|e| e.0).collect();
        loop {
            let mut changed = false;
            for i in 0..n {
                if !modifies[i] && self.effects[i].1.iter().any(|&j| j < n && modifies[j]) {
                    modifies[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for &(f, loc) in &self.update_fns {
            if f < n && modifies[f] {
                return Err(self.semantic(
                    loc,
                    "an update function of cell-to or pool-to must not modify cells or pools (directly or through the functions it calls)",
                ));
            }
        }
        Ok(())
    }
}

/// Initial data of a cell or pool before decoding.
enum InitData {
    /// JSON (embedded or from a `json` source).
    Json(Json),
    /// An Avro object container file's bytes.
    Avro(Vec<u8>),
    /// Nothing given (pools only).
    Missing,
}

impl InitData {
    fn decode(
        self,
        missing: Json,
        ty: &Type,
        types: &TypeTable,
    ) -> Result<Value, crate::value::json::DataError> {
        match self {
            InitData::Json(j) => from_json(&j, ty, types, JsonStyle::Avro),
            InitData::Missing => from_json(&missing, ty, types, JsonStyle::Avro),
            InitData::Avro(bytes) => crate::value::avro::read_container(&bytes, ty, types),
        }
    }
}

fn is_url(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    let rest: &str = chars.as_str();
    match rest.find("://") {
        Some(i) => rest[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.'),
        None => false,
    }
}

/// `[A-Za-z_]([A-Za-z0-9_]|\.[A-Za-z][A-Za-z0-9_]*)*` (spec §6).
pub(crate) fn valid_fcn_name(name: &str) -> bool {
    name.split('.').enumerate().all(|(i, w)| {
        let mut cs = w.chars();
        match cs.next() {
            Some(c) if c.is_ascii_alphabetic() || (c == '_' && i == 0) => {}
            _ => return false,
        }
        cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Every schema written anywhere in the document, in document order.
fn collect_doc_types<'d>(doc: &'d Document, out: &mut Vec<&'d TypeSpec>) {
    out.push(&doc.input);
    out.push(&doc.output);
    for (_, c) in &doc.cells {
        out.push(&c.ty);
    }
    for (_, p) in &doc.pools {
        out.push(&p.ty);
    }
    for (_, f) in &doc.fcns {
        collect_fcndef(f, out);
    }
    for e in doc.begin.iter().chain(&doc.action).chain(&doc.end) {
        collect_expr(e, out);
    }
    if let Some(m) = &doc.merge {
        for e in m {
            collect_expr(e, out);
        }
    }
}

fn collect_fcndef<'d>(f: &'d FcnDef, out: &mut Vec<&'d TypeSpec>) {
    for p in &f.params {
        out.push(&p.ty);
    }
    out.push(&f.ret);
    for e in &f.body {
        collect_expr(e, out);
    }
}

fn collect_fcnarg<'d>(f: &'d crate::syntax::ast::FcnArg, out: &mut Vec<&'d TypeSpec>) {
    use crate::syntax::ast::FcnArg;
    match f {
        FcnArg::Ref { fill, .. } => {
            for (_, e) in fill {
                collect_expr(e, out);
            }
        }
        FcnArg::Def(d) => collect_fcndef(d, out),
    }
}

fn collect_to<'d>(t: &'d Option<crate::syntax::ast::To>, out: &mut Vec<&'d TypeSpec>) {
    use crate::syntax::ast::To;
    match t {
        Some(To::Value(e)) => collect_expr(e, out),
        Some(To::Fcn(f)) => collect_fcnarg(f, out),
        None => {}
    }
}

fn collect_args<'d>(args: &'d [crate::syntax::ast::Arg], out: &mut Vec<&'d TypeSpec>) {
    use crate::syntax::ast::Arg;
    for a in args {
        match a {
            Arg::Expr(e) => collect_expr(e, out),
            Arg::Fcn(f) => collect_fcnarg(f, out),
        }
    }
}

fn collect_exprs<'d>(es: &'d [Expr], out: &mut Vec<&'d TypeSpec>) {
    for e in es {
        collect_expr(e, out);
    }
}

fn collect_expr<'d>(e: &'d Expr, out: &mut Vec<&'d TypeSpec>) {
    match &e.kind {
        ExprKind::Ref(_)
        | ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Long(_)
        | ExprKind::Float(_)
        | ExprKind::Double(_)
        | ExprKind::Str(_)
        | ExprKind::Bytes(_)
        | ExprKind::Doc(_)
        | ExprKind::Error { .. } => {}
        ExprKind::Literal { ty, .. } => out.push(ty),
        ExprKind::New { items, ty, .. } => {
            out.push(ty);
            for (_, x) in items {
                collect_expr(x, out);
            }
        }
        ExprKind::Do(es) => collect_exprs(es, out),
        ExprKind::Let(bs) | ExprKind::Set(bs) => {
            for (_, x) in bs {
                collect_expr(x, out);
            }
        }
        ExprKind::Call { args, .. } => collect_args(args, out),
        ExprKind::CallDyn { which, args } => {
            collect_expr(which, out);
            collect_args(args, out);
        }
        ExprKind::Attr { expr, path, to } => {
            collect_expr(expr, out);
            collect_exprs(path, out);
            collect_to(to, out);
        }
        ExprKind::Cell { path, to, .. } => {
            collect_exprs(path, out);
            collect_to(to, out);
        }
        ExprKind::Pool { path, to, init, .. } => {
            collect_exprs(path, out);
            collect_to(to, out);
            if let Some(i) = init {
                collect_expr(i, out);
            }
        }
        ExprKind::PoolDel { key, .. } => collect_expr(key, out),
        ExprKind::If { cond, then, els } => {
            collect_expr(cond, out);
            collect_exprs(then, out);
            if let Some(e) = els {
                collect_exprs(e, out);
            }
        }
        ExprKind::Cond { cases, els } => {
            for (c, b) in cases {
                collect_expr(c, out);
                collect_exprs(b, out);
            }
            if let Some(e) = els {
                collect_exprs(e, out);
            }
        }
        ExprKind::While { cond, body } | ExprKind::DoUntil { body, cond } => {
            collect_expr(cond, out);
            collect_exprs(body, out);
        }
        ExprKind::For {
            init,
            cond,
            step,
            body,
        } => {
            for (_, x) in init.iter().chain(step) {
                collect_expr(x, out);
            }
            collect_expr(cond, out);
            collect_exprs(body, out);
        }
        ExprKind::Foreach { array, body, .. } => {
            collect_expr(array, out);
            collect_exprs(body, out);
        }
        ExprKind::Forkey { map, body, .. } => {
            collect_expr(map, out);
            collect_exprs(body, out);
        }
        ExprKind::Cast { expr, cases, .. } => {
            collect_expr(expr, out);
            for c in cases {
                out.push(&c.as_type);
                collect_exprs(&c.body, out);
            }
        }
        ExprKind::Upcast { expr, ty } => {
            collect_expr(expr, out);
            out.push(ty);
        }
        ExprKind::IfNotNull {
            bindings,
            then,
            els,
        } => {
            for (_, x) in bindings {
                collect_expr(x, out);
            }
            collect_exprs(then, out);
            if let Some(e) = els {
                collect_exprs(e, out);
            }
        }
        ExprKind::Unpack {
            bytes, then, els, ..
        } => {
            collect_expr(bytes, out);
            collect_exprs(then, out);
            if let Some(e) = els {
                collect_exprs(e, out);
            }
        }
        ExprKind::Pack(items) => {
            for (_, x) in items {
                collect_expr(x, out);
            }
        }
        ExprKind::Try { body, .. } => collect_exprs(body, out),
        ExprKind::Log { exprs, .. } => collect_exprs(exprs, out),
    }
}
