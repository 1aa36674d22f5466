//! Compiles the typed IR to register bytecode. Symbols already have slots; temporaries
//! are allocated above them in LIFO order. Everything an instruction needs beyond slot
//! numbers lives in side tables of [`Compiled`], built once at load time and shared by
//! all engines.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value as Json;

use crate::check::tir::{CastArm, Closure, PackFmt, Site, TArg, TExpr, TFunc, TKind, TStep, TTo};
use crate::check::{self, CellInfo, Phase, PoolInfo, Predef};
use crate::engine::LoadOptions;
use crate::error::PfaError;
use crate::library::{NativeFn, Registry};
use crate::syntax::ast::{Document, Loc, LocId, Method, TryFilter};
use crate::types::{Type, TypeTable};
use crate::value::convert::Conv;
use crate::value::Value;
use crate::vm::instr::{Instr, Slot, Widen};

/// Where a native call finds one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgSlot {
    /// A symbol's (or an operand constant's) slot: its value is lent to the call and
    /// back in the slot after it.
    Keep(Slot),
    /// A temporary holding the computed argument: consumed by the call.
    Take(Slot),
    /// A function argument: the native sees a null and calls it through the host.
    Fcn,
}

/// A compiled function.
pub struct Func {
    /// Name for error messages.
    pub name: String,
    /// Instructions.
    pub code: Vec<Instr>,
    /// Frame size: symbols plus temporaries.
    pub frame: usize,
    /// Number of parameters (slots 0..n).
    pub nparams: usize,
    /// (first pc, location) runs, in pc order, for error positions.
    pub locs: Vec<(u32, LocId)>,
    /// No instruction writes a parameter slot, so a caller may lend argument values
    /// for a call (they are still in place when it returns).
    pub params_kept: bool,
    /// The function only passes its parameters, in order, to this library call site
    /// (which takes no function arguments) and returns the result: callers can call
    /// the library function directly.
    pub direct: Option<u32>,
}

/// A function argument of a library call.
pub struct FcnArg {
    /// Argument position.
    pub pos: usize,
    /// The function and what it captures.
    pub clo: Closure,
    /// The callee can run on lent argument values: it keeps its parameters, needs no
    /// conversions of them, and nothing is captured into a parameter slot.
    pub lend: bool,
    /// The callee is called directly (see [`Func::direct`]) with the arguments as
    /// they are.
    pub direct: bool,
}

/// A library call site.
pub struct NativeSite {
    /// Implementation.
    pub f: NativeFn,
    /// Types.
    pub site: Arc<Site>,
    /// Function arguments.
    pub closures: Vec<FcnArg>,
    /// Where each argument is, in order.
    pub args: Vec<ArgSlot>,
}

/// One step of a compiled path.
#[derive(Clone, Copy, Debug)]
pub enum PStep {
    /// Array index in a slot.
    Index(Slot),
    /// Map key in a slot.
    Key(Slot),
    /// Record field index.
    Field(usize),
}

/// A compiled path with the error codes of its form.
pub struct PathSpec {
    /// Steps.
    pub steps: Vec<PStep>,
    /// (array index not found, map key not found) codes.
    pub codes: (i32, i32),
}

/// Replacement value or function.
pub enum ToSpec {
    /// A value in a slot.
    Value(Slot),
    /// A closure.
    Fcn(Closure),
}

/// Payloads of `Instr::Op`.
pub enum OpSpec {
    /// attr-to
    AttrTo { src: Slot, path: u32, to: ToSpec },
    /// cell
    CellGet { cell: usize, path: Option<u32> },
    /// cell-to
    CellTo {
        cell: usize,
        path: Option<u32>,
        to: ToSpec,
    },
    /// pool
    PoolGet {
        pool: usize,
        key: Slot,
        path: Option<u32>,
    },
    /// pool-to
    PoolTo {
        pool: usize,
        key: Slot,
        path: Option<u32>,
        to: ToSpec,
        init: Slot,
    },
    /// pool-del
    PoolDel { pool: usize, key: Slot },
    /// new array
    NewArray { start: Slot, n: usize },
    /// new map
    NewMap { start: Slot, keys: Vec<Arc<str>> },
    /// new record
    NewRecord { ty: u32, start: Slot, n: usize },
    /// does the value in `src` belong to type `ty` (a union branch or several)?
    IsType { src: Slot, ty: Type },
    /// is `src` null?
    IsNull { src: Slot },
    /// unpack bytes into slots; result is whether the format matched
    Unpack {
        src: Slot,
        items: Vec<(Slot, PackFmt)>,
    },
    /// pack values into bytes
    Pack { items: Vec<(PackFmt, Slot)> },
    /// log values (with their types, to print them)
    Log {
        start: Slot,
        n: usize,
        namespace: Option<String>,
        types: Vec<Type>,
    },
    /// emit a value
    Emit { src: Slot },
    /// array length as int (for foreach)
    Len { src: Slot },
    /// map entries as an array [k0, v0, k1, v1, ...] (for forkey/forval)
    MapItems { src: Slot },
}

/// A user error raised by the `error` form.
pub struct ErrorSpec {
    /// Message.
    pub message: String,
    /// Code.
    pub code: Option<i32>,
    /// Where.
    pub loc: LocId,
}

/// A compiled program: everything engines share.
pub struct Compiled {
    /// Engine name.
    pub name: String,
    /// The name as a value for the `name` symbol (built once, not per action).
    pub name_value: Value,
    /// Scoring method.
    pub method: Method,
    /// Input type.
    pub input_type: Type,
    /// Output type.
    pub output_type: Type,
    /// Named types.
    pub types: TypeTable,
    /// Load-time warnings.
    pub warnings: Vec<String>,
    /// Functions.
    pub funcs: Vec<Func>,
    /// Constants.
    pub consts: Vec<Value>,
    /// Library call sites.
    pub sites: Vec<NativeSite>,
    /// Conversions.
    pub convs: Vec<Conv>,
    /// Paths.
    pub paths: Vec<PathSpec>,
    /// Complex operations.
    pub ops: Vec<OpSpec>,
    /// `call` tables: per enum symbol, function and result conversion.
    pub dyncalls: Vec<Vec<(usize, Option<u32>)>>,
    /// User errors.
    pub errors: Vec<ErrorSpec>,
    /// `try` filters.
    pub filters: Vec<Option<Vec<TryFilter>>>,
    /// Phases.
    pub begin: Option<Phase>,
    /// Action.
    pub action: Phase,
    /// End.
    pub end: Option<Phase>,
    /// Merge.
    pub merge: Option<Phase>,
    /// For begin, action, end and merge: the parameter slots to fill when the phase
    /// starts, and with what.
    pub fills: [Vec<(usize, Predef)>; 4],
    /// Cells.
    pub cells: Vec<CellInfo>,
    /// Pools.
    pub pools: Vec<PoolInfo>,
    /// Whether any cell or pool is rolled back after a failed action.
    pub has_rollback: bool,
    /// Initial tally.
    pub zero: Option<Value>,
    /// `randseed` (possibly overridden by the host).
    pub randseed: Option<i64>,
    /// `version`.
    pub version: Option<i32>,
    /// `metadata`.
    pub metadata: Value,
    /// Timeouts in milliseconds for begin, action, end (None: no limit).
    pub timeouts: [Option<u64>; 3],
    /// The document as JSON, for snapshots.
    pub source: Json,
    /// Location table of the document.
    pub locs: Vec<Loc>,
}

/// Checks and compiles with a given library and the document's JSON (kept for snapshots).
pub fn build_with(
    doc: Document,
    opts: &LoadOptions,
    reg: &Registry,
    source: Json,
) -> Result<Compiled, PfaError> {
    let checked = check::check(&doc, reg, opts)?;
    let mut c = Compiler::default();
    for f in &checked.funcs {
        let func = c.function(f)?;
        c.funcs.push(func);
    }
    // Now that every function is compiled, decide which callbacks can borrow their
    // arguments.
    for site in &mut c.sites {
        for a in &mut site.closures {
            let Some(f) = c.funcs.get(a.clo.func) else {
                continue;
            };
            let plain = a.clo.param_convs.iter().all(|c| c.is_none());
            a.lend = plain
                && f.params_kept
                && a.clo
                    .captures
                    .iter()
                    .all(|(_, inner)| *inner as usize >= f.nparams);
            a.direct = plain && f.direct.is_some();
        }
    }
    let timeouts = timeouts(&doc, opts)?;
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let name = doc.name.clone().unwrap_or_else(|| {
        format!(
            "Engine_{}",
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        )
    });
    let metadata: BTreeMap<Arc<str>, Value> = doc
        .metadata
        .iter()
        .map(|(k, v)| (Arc::from(k.as_str()), Value::str(v)))
        .collect();
    let fills = [
        checked.begin.as_ref(),
        Some(&checked.action),
        checked.end.as_ref(),
        checked.merge.as_ref(),
    ]
    .map(|phase| phase.map(phase_fills).unwrap_or_default());
    Ok(Compiled {
        fills,
        name_value: Value::str(&name),
        name,
        method: doc.method,
        input_type: checked.input,
        output_type: checked.output,
        types: checked.types,
        warnings: checked.warnings,
        funcs: c.funcs,
        consts: c.consts,
        sites: c.sites,
        convs: c.convs,
        paths: c.paths,
        ops: c.ops,
        dyncalls: c.dyncalls,
        errors: c.errors,
        filters: c.filters,
        begin: checked.begin,
        action: checked.action,
        end: checked.end,
        merge: checked.merge,
        has_rollback: checked.cells.iter().any(|c| c.rollback)
            || checked.pools.iter().any(|p| p.rollback),
        cells: checked.cells,
        pools: checked.pools,
        zero: checked.zero,
        randseed: opts.seed.or(doc.randseed),
        version: doc.version,
        metadata: Value::Map(Arc::new(metadata)),
        timeouts,
        source,
        locs: doc.locs,
    })
}

/// The parameter slots a phase reads (and the tally arguments of merge, which are
/// always taken).
fn phase_fills(phase: &Phase) -> Vec<(usize, Predef)> {
    phase
        .params
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            phase.used.get(*i).copied().unwrap_or(true)
                || matches!(p, Predef::TallyOne | Predef::TallyTwo)
        })
        .map(|(i, p)| (i, *p))
        .collect()
}

/// Effective timeouts: host options override the document's (spec §3.8).
fn timeouts(doc: &Document, opts: &LoadOptions) -> Result<[Option<u64>; 3], PfaError> {
    let get = |key: &str| -> Result<Option<i64>, PfaError> {
        let v = opts
            .options
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .or_else(|| doc.options.iter().rev().find(|(k, _)| k == key))
            .map(|(_, v)| v);
        match v {
            None => Ok(None),
            Some(j) => j.as_i64().map(Some).ok_or_else(|| PfaError::Semantic {
                message: format!("option \"{key}\" must be an integer"),
                loc: Loc::default(),
            }),
        }
    };
    let general = get("timeout")?;
    let mut out = [None; 3];
    for (i, k) in ["timeout.begin", "timeout.action", "timeout.end"]
        .iter()
        .enumerate()
    {
        let v = get(k)?.or(general);
        out[i] = v.and_then(|ms| if ms < 0 { None } else { Some(ms as u64) });
    }
    Ok(out)
}

#[derive(Default)]
struct Compiler {
    funcs: Vec<Func>,
    consts: Vec<Value>,
    sites: Vec<NativeSite>,
    convs: Vec<Conv>,
    paths: Vec<PathSpec>,
    ops: Vec<OpSpec>,
    dyncalls: Vec<Vec<(usize, Option<u32>)>>,
    errors: Vec<ErrorSpec>,
    filters: Vec<Option<Vec<TryFilter>>>,
    // Per-function state.
    const_slots: Vec<(ConstKey, Slot)>,
    code: Vec<Instr>,
    locs: Vec<(u32, LocId)>,
    next: usize,
    max: usize,
}

type R<T> = Result<T, PfaError>;

/// Destination meaning "value not needed": statements compiled into it emit no result.
const SINK: Slot = Slot::MAX;

/// A scalar constant used as an operand, loaded once per call into a fixed slot.
#[derive(Clone, PartialEq, Eq, Hash)]
enum ConstKey {
    Bool(bool),
    Int(i32),
    Long(i64),
    Float(u32),
    Double(u64),
    Str(Arc<str>),
}

fn const_key(v: &Value) -> Option<ConstKey> {
    Some(match v {
        Value::Boolean(b) => ConstKey::Bool(*b),
        Value::Int(x) => ConstKey::Int(*x),
        Value::Long(x) => ConstKey::Long(*x),
        Value::Float(x) => ConstKey::Float(x.to_bits()),
        Value::Double(x) => ConstKey::Double(x.to_bits()),
        Value::String(x) => ConstKey::Str(x.clone()),
        _ => return None,
    })
}

/// The dedicated instruction for a scalar numeric conversion, if it is one.
fn widen_of(c: &Conv) -> Option<Widen> {
    Some(match c {
        Conv::IntToLong => Widen::IntLong,
        Conv::IntToFloat => Widen::IntFloat,
        Conv::IntToDouble => Widen::IntDouble,
        Conv::LongToFloat => Widen::LongFloat,
        Conv::LongToDouble => Widen::LongDouble,
        Conv::FloatToDouble => Widen::FloatDouble,
        _ => return None,
    })
}

/// Whether an expression's value is computed by one final write to its destination,
/// after all its reads: then it may target the symbol it reassigns directly.
fn single_write(e: &TExpr) -> bool {
    matches!(
        e.kind,
        TKind::BinOp(..)
            | TKind::Call { .. }
            | TKind::CallUser { .. }
            | TKind::Const(_)
            | TKind::Local(_)
            | TKind::Convert(..)
    )
}

/// Collects scalar constants that appear directly as operands (of operators, paths,
/// conversions), which are worth keeping in slots for the whole call.
fn collect_operand_consts(e: &TExpr, out: &mut Vec<ConstKey>) {
    let mut push = |x: &TExpr| {
        if let TKind::Const(v) = &x.kind {
            if let Some(k) = const_key(v) {
                if !out.contains(&k) {
                    out.push(k);
                }
            }
        }
    };
    match &e.kind {
        TKind::BinOp(_, a, b) => {
            push(a);
            push(b);
        }
        TKind::Convert(x, _) => push(x),
        TKind::Call { args, .. } => {
            for a in args {
                if let TArg::Expr(x) = a {
                    push(x);
                }
            }
        }
        TKind::Attr(_, steps) | TKind::CellGet(_, steps) => {
            for st in steps {
                if let TStep::Index(x) | TStep::Key(x) = st {
                    push(x);
                }
            }
        }
        _ => {}
    }
    visit_children(e, &mut |c| collect_operand_consts(c, out));
}

/// Whether evaluating `e` may assign to `slot` (a conservative answer: any form that
/// binds or sets that slot).
fn writes_slot(e: &TExpr, slot: Slot) -> bool {
    let direct = match &e.kind {
        TKind::Let(bs) | TKind::Set(bs) | TKind::IfNotNull(bs, ..) => {
            bs.iter().any(|(s, _)| *s == slot)
        }
        TKind::For(init, _, step, _) => init.iter().chain(step).any(|(s, _)| *s == slot),
        TKind::Foreach(v, ..) => *v == slot,
        TKind::Forkey(k, v, ..) => *k == slot || *v == slot,
        TKind::Cast(_, arms, _) => arms.iter().any(|a| a.slot == slot),
        TKind::Unpack(_, items, ..) => items.iter().any(|(s, _)| *s == slot),
        _ => false,
    };
    let mut found = direct;
    if !found {
        visit_children(e, &mut |c| found = found || writes_slot(c, slot));
    }
    found
}

/// Calls `f` on every direct sub-expression evaluated in the same function.
fn visit_children(e: &TExpr, f: &mut dyn FnMut(&TExpr)) {
    let steps = |steps: &[TStep], f: &mut dyn FnMut(&TExpr)| {
        for st in steps {
            if let TStep::Index(x) | TStep::Key(x) = st {
                f(x);
            }
        }
    };
    let to = |t: &TTo, f: &mut dyn FnMut(&TExpr)| {
        if let TTo::Value(x) = t {
            f(x);
        }
    };
    match &e.kind {
        TKind::Const(_) | TKind::Local(_) | TKind::Error(..) => {}
        TKind::Convert(x, _) => f(x),
        TKind::Block(es, _) | TKind::NewArray(es) | TKind::Log(es, _) => es.iter().for_each(f),
        TKind::Let(bs) | TKind::Set(bs) => bs.iter().for_each(|(_, x)| f(x)),
        TKind::Call { args, .. } => {
            for a in args {
                if let TArg::Expr(x) = a {
                    f(x);
                }
            }
        }
        TKind::Logic(_, a, b)
        | TKind::BinOp(_, a, b)
        | TKind::While(a, b)
        | TKind::DoUntil(a, b) => {
            f(a);
            f(b);
        }
        TKind::CallUser { args, .. } => args.iter().for_each(f),
        TKind::CallDyn { which, args, .. } => {
            f(which);
            args.iter().flatten().for_each(f);
        }
        TKind::If(c, t, e2) => {
            f(c);
            f(t);
            if let Some(x) = e2 {
                f(x);
            }
        }
        TKind::Cond(arms, e2) => {
            for (c, b) in arms {
                f(c);
                f(b);
            }
            if let Some(x) = e2 {
                f(x);
            }
        }
        TKind::For(init, c, step, body) => {
            init.iter().chain(step).for_each(|(_, x)| f(x));
            f(c);
            f(body);
        }
        TKind::Foreach(_, a, b) | TKind::Forkey(_, _, a, b) => {
            f(a);
            f(b);
        }
        TKind::Cast(x, arms, _) => {
            f(x);
            arms.iter().for_each(|a| f(&a.body));
        }
        TKind::IfNotNull(bs, t, e2) => {
            bs.iter().for_each(|(_, x)| f(x));
            f(t);
            if let Some(x) = e2 {
                f(x);
            }
        }
        TKind::Unpack(b, _, t, e2) => {
            f(b);
            f(t);
            if let Some(x) = e2 {
                f(x);
            }
        }
        TKind::Pack(items) => items.iter().for_each(|(_, x)| f(x)),
        TKind::Attr(b, st) => {
            f(b);
            steps(st, f);
        }
        TKind::AttrTo(b, st, t) => {
            f(b);
            steps(st, f);
            to(t, f);
        }
        TKind::CellGet(_, st) => steps(st, f),
        TKind::CellTo(_, st, t) => {
            steps(st, f);
            to(t, f);
        }
        TKind::PoolGet(_, k, st) => {
            f(k);
            steps(st, f);
        }
        TKind::PoolTo(_, k, st, t, i) => {
            f(k);
            steps(st, f);
            to(t, f);
            f(i);
        }
        TKind::PoolDel(_, k) => f(k),
        TKind::NewMap(items) => items.iter().for_each(|(_, x)| f(x)),
        TKind::NewRecord(_, items) => items.iter().for_each(f),
        TKind::Try(b, _, _) => f(b),
        TKind::Emit(x) => f(x),
    }
}

fn too_big() -> PfaError {
    PfaError::Semantic {
        message: "function is too large to compile (more than 65535 slots)".into(),
        loc: Loc::default(),
    }
}

impl Compiler {
    fn function(&mut self, f: &TFunc) -> R<Func> {
        self.code = Vec::new();
        self.locs = Vec::new();
        self.next = f.nslots as usize;
        self.max = self.next;
        // Operand constants live in fixed slots loaded once at entry, so loops don't
        // reload them on every iteration.
        let mut keys = Vec::new();
        collect_operand_consts(&f.body, &mut keys);
        self.const_slots.clear();
        for k in keys {
            let slot = self.temp()?;
            let v = match &k {
                ConstKey::Bool(b) => Value::Boolean(*b),
                ConstKey::Int(x) => Value::Int(*x),
                ConstKey::Long(x) => Value::Long(*x),
                ConstKey::Float(x) => Value::Float(f32::from_bits(*x)),
                ConstKey::Double(x) => Value::Double(f64::from_bits(*x)),
                ConstKey::Str(x) => Value::String(x.clone()),
            };
            let kidx = self.konst(v);
            self.emit(Instr::Const { dst: slot, k: kidx }, f.body.loc);
            self.const_slots.push((k, slot));
        }
        let dst = self.temp()?;
        self.expr(&f.body, dst)?;
        self.emit(Instr::Return { src: dst }, f.body.loc);
        let nparams = f.params.len();
        let params_kept = !self.code.iter().any(|i| self.writes_below(i, nparams));
        let direct = match self.code.as_slice() {
            [Instr::CallNative { dst, site }, Instr::Return { src }] if dst == src => {
                self.sites.get(*site as usize).and_then(|s| {
                    let passes_params = s.args.len() == nparams
                        && s.args
                            .iter()
                            .enumerate()
                            .all(|(i, a)| *a == ArgSlot::Keep(i as Slot));
                    (passes_params && s.closures.is_empty()).then_some(*site)
                })
            }
            _ => None,
        };
        Ok(Func {
            name: f.name.clone(),
            code: std::mem::take(&mut self.code),
            frame: self.max,
            nparams,
            locs: std::mem::take(&mut self.locs),
            params_kept,
            direct,
        })
    }

    /// Whether instruction `i` may write (or move a value out of) a slot below `n`.
    fn writes_below(&self, i: &Instr, n: usize) -> bool {
        let below = |s: Slot| (s as usize) < n;
        let range = |start: Slot, len: usize| (start as usize) < n && len > 0;
        if i.dst().is_some_and(below) {
            return true;
        }
        match *i {
            Instr::Return { src } => below(src),
            Instr::CallUser { start, n: len, .. } => range(start, len as usize),
            Instr::CallNative { site, .. } => self.sites.get(site as usize).is_none_or(|s| {
                s.args
                    .iter()
                    .any(|a| matches!(a, ArgSlot::Take(t) if below(*t)))
            }),
            Instr::Op { op, .. } => match self.ops.get(op as usize) {
                Some(OpSpec::Unpack { items, .. }) => items.iter().any(|(s, _)| below(*s)),
                Some(
                    OpSpec::NewArray { start, n: len } | OpSpec::NewRecord { start, n: len, .. },
                ) => range(*start, *len),
                Some(OpSpec::NewMap { start, keys }) => range(*start, keys.len()),
                Some(_) => false,
                None => true,
            },
            _ => false,
        }
    }

    fn temp(&mut self) -> R<Slot> {
        let s = self.next;
        if s >= u16::MAX as usize {
            return Err(too_big());
        }
        self.next += 1;
        self.max = self.max.max(self.next);
        Ok(s as Slot)
    }

    fn temps(&mut self, n: usize) -> R<Slot> {
        let s = self.next;
        if s + n >= u16::MAX as usize {
            return Err(too_big());
        }
        self.next += n;
        self.max = self.max.max(self.next);
        Ok(s as Slot)
    }

    fn free_to(&mut self, mark: usize) {
        self.next = mark;
    }

    fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    fn emit(&mut self, i: Instr, loc: LocId) -> usize {
        let pc = self.code.len();
        if self.locs.last().map(|l| l.1) != Some(loc) {
            self.locs.push((pc as u32, loc));
        }
        self.code.push(i);
        pc
    }

    fn patch(&mut self, at: usize, to: u32) {
        if let Some(t) = self.code[at].target_mut() {
            *t = to;
        }
    }

    fn konst(&mut self, v: Value) -> u32 {
        self.consts.push(v);
        (self.consts.len() - 1) as u32
    }

    fn op(&mut self, o: OpSpec, dst: Slot, loc: LocId) {
        self.ops.push(o);
        let op = (self.ops.len() - 1) as u32;
        self.emit(Instr::Op { dst, op }, loc);
    }

    /// The slot whose value a native call can borrow for argument `e` instead of a
    /// copy: a symbol or an operand constant, unless an earlier argument lends the same
    /// slot, a function argument captures it, or a later argument may assign to it.
    fn lendable(
        &self,
        e: &TExpr,
        later: &[TArg],
        earlier: &[ArgSlot],
        closures: &[FcnArg],
    ) -> Option<Slot> {
        let s = match &e.kind {
            TKind::Local(s) => *s,
            TKind::Const(v) => {
                let k = const_key(v)?;
                self.const_slots.iter().find(|(c, _)| *c == k)?.1
            }
            _ => return None,
        };
        let lent = earlier.contains(&ArgSlot::Keep(s));
        let captured = closures
            .iter()
            .any(|a| a.clo.captures.iter().any(|(outer, _)| *outer == s));
        let assigned = later.iter().any(|a| match a {
            TArg::Expr(x) => writes_slot(x, s),
            TArg::Fcn(_) => false,
        });
        (!lent && !captured && !assigned).then_some(s)
    }

    /// The slot holding `e`'s value: a symbol's own slot, or a new temporary.
    fn operand(&mut self, e: &TExpr) -> R<Slot> {
        if let TKind::Local(s) = e.kind {
            return Ok(s);
        }
        if let TKind::Const(v) = &e.kind {
            if let Some(k) = const_key(v) {
                if let Some((_, s)) = self.const_slots.iter().find(|(c, _)| *c == k) {
                    return Ok(*s);
                }
            }
        }
        let t = self.temp()?;
        self.expr(e, t)?;
        Ok(t)
    }

    fn block(&mut self, es: &[TExpr], null_result: bool, dst: Slot, loc: LocId) -> R<()> {
        let mark = self.next;
        let n = es.len();
        for (i, e) in es.iter().enumerate() {
            if i + 1 == n && !null_result {
                self.expr(e, dst)?;
            } else {
                self.expr(e, SINK)?;
                self.free_to(mark);
            }
        }
        if null_result || es.is_empty() {
            self.null(dst, loc);
        }
        Ok(())
    }

    fn null(&mut self, dst: Slot, loc: LocId) {
        if dst == SINK {
            return;
        }
        let k = self.konst(Value::Null);
        self.emit(Instr::Const { dst, k }, loc);
    }

    fn path(&mut self, steps: &[TStep], codes: (i32, i32)) -> R<u32> {
        let mut out = Vec::new();
        for s in steps {
            out.push(match s {
                TStep::Index(e) => PStep::Index(self.operand(e)?),
                TStep::Key(e) => PStep::Key(self.operand(e)?),
                TStep::Field(i) => PStep::Field(*i),
            });
        }
        self.paths.push(PathSpec { steps: out, codes });
        Ok((self.paths.len() - 1) as u32)
    }

    fn opt_path(&mut self, steps: &[TStep], codes: (i32, i32)) -> R<Option<u32>> {
        if steps.is_empty() {
            Ok(None)
        } else {
            self.path(steps, codes).map(Some)
        }
    }

    fn to(&mut self, to: &TTo) -> R<ToSpec> {
        Ok(match to {
            TTo::Value(e) => ToSpec::Value(self.operand(e)?),
            TTo::Fcn(c) => ToSpec::Fcn(c.clone()),
        })
    }

    fn conv(&mut self, c: &Conv) -> u32 {
        self.convs.push(c.clone());
        (self.convs.len() - 1) as u32
    }

    fn expr(&mut self, e: &TExpr, dst: Slot) -> R<()> {
        let loc = e.loc;
        let mark = self.next;
        if dst == SINK && !Self::sinkable(&e.kind) {
            let t = self.temp()?;
            self.expr(e, t)?;
            self.free_to(mark);
            return Ok(());
        }
        match &e.kind {
            TKind::Const(_) | TKind::Local(_) if dst == SINK => {}
            TKind::Const(v) => {
                let k = self.konst(v.clone());
                self.emit(Instr::Const { dst, k }, loc);
            }
            TKind::Local(s) => {
                if *s != dst {
                    self.emit(Instr::Move { dst, src: *s }, loc);
                }
            }
            TKind::Convert(x, c) => {
                let s = self.operand(x)?;
                match widen_of(c) {
                    Some(kind) => {
                        self.emit(Instr::widen(kind, dst, s), loc);
                    }
                    None => {
                        let conv = self.conv(c);
                        self.emit(Instr::Convert { dst, src: s, conv }, loc);
                    }
                }
            }
            TKind::Block(es, null_result) => self.block(es, *null_result, dst, loc)?,
            TKind::Let(bs) => {
                for (slot, v) in bs {
                    self.expr(v, *slot)?;
                    self.free_to(mark);
                }
                self.null(dst, loc);
            }
            TKind::Set(bs) => {
                self.assign_all(bs, loc)?;
                self.null(dst, loc);
            }
            TKind::Call { f, site, args } => {
                let closures: Vec<FcnArg> = args
                    .iter()
                    .enumerate()
                    .filter_map(|(i, a)| match a {
                        TArg::Fcn(c) => Some(FcnArg {
                            pos: i,
                            clo: c.clone(),
                            lend: false,
                            direct: false,
                        }),
                        TArg::Expr(_) => None,
                    })
                    .collect();
                let mut slots = Vec::with_capacity(args.len());
                for (i, a) in args.iter().enumerate() {
                    let slot = match a {
                        TArg::Fcn(_) => ArgSlot::Fcn,
                        TArg::Expr(x) => {
                            match self.lendable(x, &args[i + 1..], &slots, &closures) {
                                Some(s) => ArgSlot::Keep(s),
                                None => {
                                    let t = self.temp()?;
                                    self.expr(x, t)?;
                                    ArgSlot::Take(t)
                                }
                            }
                        }
                    };
                    slots.push(slot);
                }
                self.sites.push(NativeSite {
                    f: *f,
                    site: site.clone(),
                    closures,
                    args: slots,
                });
                let site = (self.sites.len() - 1) as u32;
                self.emit(Instr::CallNative { dst, site }, loc);
            }
            TKind::Logic(is_and, a, b) => {
                self.expr(a, dst)?;
                let j = if *is_and {
                    self.emit(Instr::JumpIfFalse { cond: dst, to: 0 }, loc)
                } else {
                    self.emit(Instr::JumpIfTrue { cond: dst, to: 0 }, loc)
                };
                self.expr(b, dst)?;
                let end = self.pc();
                self.patch(j, end);
            }
            TKind::BinOp(op, a, b) => {
                let sa = self.operand(a)?;
                let sb = self.operand(b)?;
                self.emit(Instr::bin(*op, dst, sa, sb), loc);
            }
            TKind::CallUser { func, args } => {
                let start = self.temps(args.len())?;
                for (i, a) in args.iter().enumerate() {
                    self.expr(a, start + i as Slot)?;
                }
                self.emit(
                    Instr::CallUser {
                        dst,
                        func: *func as u32,
                        start,
                        n: args.len() as u16,
                    },
                    loc,
                );
            }
            TKind::CallDyn { which, funcs, args } => {
                let w = self.operand(which)?;
                // Arguments are converted per target; lay them out per target.
                let n = args.first().map(|a| a.len()).unwrap_or(0);
                let start = self.temps(n * args.len().max(1))?;
                for (t, targs) in args.iter().enumerate() {
                    for (i, a) in targs.iter().enumerate() {
                        self.expr(a, start + (t * n + i) as Slot)?;
                    }
                }
                let table: Vec<(usize, Option<u32>)> = funcs
                    .iter()
                    .map(|(f, c)| (*f, c.as_ref().map(|c| self.conv(c))))
                    .collect();
                self.dyncalls.push(table);
                let table = (self.dyncalls.len() - 1) as u32;
                self.emit(
                    Instr::CallDyn {
                        dst,
                        which: w,
                        table,
                        start,
                        n: n as u16,
                    },
                    loc,
                );
            }
            TKind::If(c, t, f) => {
                let j = self.branch_unless(c, loc)?;
                self.free_to(mark);
                self.expr(t, dst)?;
                match f {
                    None => {
                        let end = self.pc();
                        self.patch(j, end);
                    }
                    Some(f) => {
                        let j2 = self.emit(Instr::Jump { to: 0 }, loc);
                        let else_pc = self.pc();
                        self.patch(j, else_pc);
                        self.expr(f, dst)?;
                        let end = self.pc();
                        self.patch(j2, end);
                    }
                }
                if f.is_none() {
                    self.null(dst, loc);
                }
            }
            TKind::Cond(arms, els) => {
                let mut ends = Vec::new();
                for (c, b) in arms {
                    let j = self.branch_unless(c, loc)?;
                    self.free_to(mark);
                    self.expr(b, dst)?;
                    ends.push(self.emit(Instr::Jump { to: 0 }, loc));
                    let next = self.pc();
                    self.patch(j, next);
                }
                match els {
                    Some(e) => self.expr(e, dst)?,
                    None => self.null(dst, loc),
                }
                let end = self.pc();
                for j in ends {
                    self.patch(j, end);
                }
                if els.is_none() {
                    // Branches that ran produced their (discarded) values in dst.
                    self.null(dst, loc);
                }
            }
            TKind::While(c, body) => {
                let top = self.pc();
                let j = self.branch_unless(c, loc)?;
                self.free_to(mark);
                let first = self.pc();
                self.expr(body, SINK)?;
                self.free_to(mark);
                self.loop_back(c, top, first, loc)?;
                let end = self.pc();
                self.patch(j, end);
                self.null(dst, loc);
            }
            TKind::DoUntil(body, c) => {
                let top = self.pc();
                self.expr(body, SINK)?;
                self.free_to(mark);
                let cs = self.operand(c)?;
                let j = self.emit(Instr::JumpIfTrue { cond: cs, to: 0 }, loc);
                self.emit(Instr::Loop { to: top }, loc);
                let end = self.pc();
                self.patch(j, end);
                self.null(dst, loc);
            }
            TKind::For(init, c, step, body) => {
                for (slot, v) in init {
                    self.expr(v, *slot)?;
                    self.free_to(mark);
                }
                let top = self.pc();
                let j = self.branch_unless(c, loc)?;
                self.free_to(mark);
                let first = self.pc();
                self.expr(body, SINK)?;
                self.free_to(mark);
                self.assign_all(step, loc)?;
                self.free_to(mark);
                self.loop_back(c, top, first, loc)?;
                let end = self.pc();
                self.patch(j, end);
                self.null(dst, loc);
            }
            TKind::Foreach(var, arr, body) => {
                // A symbol's array is read in place unless the body may assign the
                // symbol (the loop runs over the array as it was at the start).
                let a = match arr.kind {
                    TKind::Local(s) if !writes_slot(body, s) => s,
                    _ => {
                        let a = self.temp()?;
                        self.expr(arr, a)?;
                        a
                    }
                };
                self.foreach(a, *var, None, body, loc)?;
                self.null(dst, loc);
            }
            TKind::Forkey(k, v, map, body) => {
                let m = self.operand(map)?;
                let items = self.temp()?;
                self.op(OpSpec::MapItems { src: m }, items, loc);
                self.foreach(items, *k, Some(*v), body, loc)?;
                self.null(dst, loc);
            }
            TKind::Cast(x, arms, partial) => {
                let s = self.temp()?;
                self.expr(x, s)?;
                self.cast(s, arms, *partial, dst, loc)?;
            }
            TKind::IfNotNull(bs, then, els) => {
                let mut jumps = Vec::new();
                let flag = self.temp()?;
                for (slot, v) in bs {
                    self.expr(v, *slot)?;
                }
                for (slot, _) in bs {
                    self.op(OpSpec::IsNull { src: *slot }, flag, loc);
                    jumps.push(self.emit(Instr::JumpIfTrue { cond: flag, to: 0 }, loc));
                }
                self.expr(then, dst)?;
                let j2 = self.emit(Instr::Jump { to: 0 }, loc);
                let else_pc = self.pc();
                for j in jumps {
                    self.patch(j, else_pc);
                }
                match els {
                    Some(f) => self.expr(f, dst)?,
                    None => self.null(dst, loc),
                }
                let end = self.pc();
                self.patch(j2, end);
                if els.is_none() {
                    self.null(dst, loc);
                }
            }
            TKind::Unpack(b, items, then, els) => {
                let s = self.operand(b)?;
                let flag = self.temp()?;
                self.op(
                    OpSpec::Unpack {
                        src: s,
                        items: items.clone(),
                    },
                    flag,
                    loc,
                );
                let j = self.emit(Instr::JumpIfFalse { cond: flag, to: 0 }, loc);
                self.expr(then, dst)?;
                let j2 = self.emit(Instr::Jump { to: 0 }, loc);
                let else_pc = self.pc();
                self.patch(j, else_pc);
                match els {
                    Some(f) => self.expr(f, dst)?,
                    None => self.null(dst, loc),
                }
                let end = self.pc();
                self.patch(j2, end);
                if els.is_none() {
                    self.null(dst, loc);
                }
            }
            TKind::Pack(items) => {
                let mut out = Vec::new();
                for (f, v) in items {
                    out.push((*f, self.operand(v)?));
                }
                self.op(OpSpec::Pack { items: out }, dst, loc);
            }
            TKind::Attr(base, steps) => {
                let b = self.operand(base)?;
                let path = self.path(steps, (2000, 2001))?;
                self.emit(Instr::Path { dst, src: b, path }, loc);
            }
            TKind::AttrTo(base, steps, to) => {
                let b = self.operand(base)?;
                let path = self.path(steps, (2002, 2003))?;
                let to = self.to(to)?;
                self.op(OpSpec::AttrTo { src: b, path, to }, dst, loc);
            }
            TKind::CellGet(cell, steps) => {
                let path = self.opt_path(steps, (2004, 2005))?;
                self.op(OpSpec::CellGet { cell: *cell, path }, dst, loc);
            }
            TKind::CellTo(cell, steps, to) => {
                let path = self.opt_path(steps, (2006, 2007))?;
                let to = self.to(to)?;
                self.op(
                    OpSpec::CellTo {
                        cell: *cell,
                        path,
                        to,
                    },
                    dst,
                    loc,
                );
            }
            TKind::PoolGet(pool, key, steps) => {
                let k = self.operand(key)?;
                let path = self.opt_path(steps, (2008, 2009))?;
                self.op(
                    OpSpec::PoolGet {
                        pool: *pool,
                        key: k,
                        path,
                    },
                    dst,
                    loc,
                );
            }
            TKind::PoolTo(pool, key, steps, to, init) => {
                let k = self.operand(key)?;
                let path = self.opt_path(steps, (2010, 2011))?;
                let to = self.to(to)?;
                let i = self.operand(init)?;
                self.op(
                    OpSpec::PoolTo {
                        pool: *pool,
                        key: k,
                        path,
                        to,
                        init: i,
                    },
                    dst,
                    loc,
                );
            }
            TKind::PoolDel(pool, key) => {
                let k = self.operand(key)?;
                self.op(
                    OpSpec::PoolDel {
                        pool: *pool,
                        key: k,
                    },
                    dst,
                    loc,
                );
            }
            TKind::NewArray(items) => {
                let start = self.temps(items.len())?;
                for (i, x) in items.iter().enumerate() {
                    self.expr(x, start + i as Slot)?;
                }
                self.op(
                    OpSpec::NewArray {
                        start,
                        n: items.len(),
                    },
                    dst,
                    loc,
                );
            }
            TKind::NewMap(items) => {
                let start = self.temps(items.len())?;
                for (i, (_, x)) in items.iter().enumerate() {
                    self.expr(x, start + i as Slot)?;
                }
                let keys = items.iter().map(|(k, _)| k.clone()).collect();
                self.op(OpSpec::NewMap { start, keys }, dst, loc);
            }
            TKind::NewRecord(ty, items) => {
                let start = self.temps(items.len())?;
                for (i, x) in items.iter().enumerate() {
                    self.expr(x, start + i as Slot)?;
                }
                self.op(
                    OpSpec::NewRecord {
                        ty: *ty,
                        start,
                        n: items.len(),
                    },
                    dst,
                    loc,
                );
            }
            TKind::Error(message, code) => {
                self.errors.push(ErrorSpec {
                    message: message.clone(),
                    code: *code,
                    loc,
                });
                let e = (self.errors.len() - 1) as u32;
                self.emit(Instr::Raise { e }, loc);
            }
            TKind::Try(body, filter, conv) => {
                self.filters.push(filter.clone());
                let filter = (self.filters.len() - 1) as u32;
                let t = self.emit(Instr::TryBegin { handler: 0, filter }, loc);
                self.expr(body, dst)?;
                if let Some(c) = conv {
                    let conv = self.conv(c);
                    self.emit(
                        Instr::Convert {
                            dst,
                            src: dst,
                            conv,
                        },
                        loc,
                    );
                }
                self.emit(Instr::TryEnd, loc);
                let j = self.emit(Instr::Jump { to: 0 }, loc);
                let h = self.pc();
                self.patch(t, h);
                self.null(dst, loc);
                let end = self.pc();
                self.patch(j, end);
            }
            TKind::Log(es, ns) => {
                let start = self.temps(es.len())?;
                for (i, x) in es.iter().enumerate() {
                    self.expr(x, start + i as Slot)?;
                }
                self.op(
                    OpSpec::Log {
                        start,
                        n: es.len(),
                        namespace: ns.clone(),
                        types: es.iter().map(|x| x.ty.clone()).collect(),
                    },
                    dst,
                    loc,
                );
            }
            TKind::Emit(x) => {
                let s = self.operand(x)?;
                self.op(OpSpec::Emit { src: s }, dst, loc);
            }
        }
        self.free_to(mark);
        Ok(())
    }

    /// Emits a jump taken when condition `c` is false: a fused compare-and-branch for
    /// typed comparisons, else the condition's value and a conditional jump.
    fn branch_unless(&mut self, c: &TExpr, loc: LocId) -> R<usize> {
        if let TKind::BinOp(op, a, b) = &c.kind {
            if op.is_comparison() {
                let sa = self.operand(a)?;
                let sb = self.operand(b)?;
                if let Some(i) = Instr::unless(*op, sa, sb, 0) {
                    return Ok(self.emit(i, loc));
                }
            }
        }
        let cs = self.operand(c)?;
        Ok(self.emit(Instr::JumpIfFalse { cond: cs, to: 0 }, loc))
    }

    /// Emits the back-edge of a loop whose condition `c` is tested at `top` and whose
    /// body starts at `first`: for a typed comparison, the test is repeated here and
    /// jumps straight to the body (one instruction per iteration instead of two).
    fn loop_back(&mut self, c: &TExpr, top: u32, first: u32, loc: LocId) -> R<()> {
        if let TKind::BinOp(op, a, b) = &c.kind {
            if op.is_comparison() {
                let mark = self.next;
                let sa = self.operand(a)?;
                let sb = self.operand(b)?;
                self.free_to(mark);
                if let Some(i) = Instr::loop_if(*op, sa, sb, first) {
                    self.emit(i, loc);
                    return Ok(());
                }
            }
        }
        self.emit(Instr::Loop { to: top }, loc);
        Ok(())
    }

    /// Reassigns symbols as `set` and a `for` step do: every value is computed before any
    /// symbol changes, so each sees the old values of the others; a single value computed
    /// by one final write goes straight into its symbol.
    fn assign_all(&mut self, bs: &[(Slot, TExpr)], loc: LocId) -> R<()> {
        if let [(slot, v)] = bs {
            if single_write(v) {
                return self.expr(v, *slot);
            }
        }
        let mark = self.next;
        let start = self.temps(bs.len())?;
        for (i, (_, v)) in bs.iter().enumerate() {
            self.expr(v, start + i as Slot)?;
        }
        for (i, (slot, _)) in bs.iter().enumerate() {
            self.emit(
                Instr::Move {
                    dst: *slot,
                    src: start + i as Slot,
                },
                loc,
            );
        }
        self.free_to(mark);
        Ok(())
    }

    /// Forms that can be compiled without a destination (their value is discarded).
    fn sinkable(k: &TKind) -> bool {
        matches!(
            k,
            TKind::Const(_)
                | TKind::Local(_)
                | TKind::Block(..)
                | TKind::Let(_)
                | TKind::Set(_)
                | TKind::If(..)
                | TKind::Cond(..)
                | TKind::While(..)
                | TKind::DoUntil(..)
                | TKind::For(..)
                | TKind::Foreach(..)
                | TKind::Forkey(..)
                | TKind::IfNotNull(..)
                | TKind::Cast(..)
                | TKind::Unpack(..)
                | TKind::Error(..)
        )
    }

    /// Loop over array `a` (or flattened key/value pairs if `val` is given).
    fn foreach(
        &mut self,
        a: Slot,
        var: Slot,
        val: Option<Slot>,
        body: &TExpr,
        loc: LocId,
    ) -> R<()> {
        // The index stays below the length (an int), so stepping it cannot overflow.
        let len = self.temp()?;
        let idx = self.temp()?;
        let one = self.temp()?;
        self.op(OpSpec::Len { src: a }, len, loc);
        let zero = self.konst(Value::Int(0));
        self.emit(Instr::Const { dst: idx, k: zero }, loc);
        let k1 = self.konst(Value::Int(1));
        self.emit(Instr::Const { dst: one, k: k1 }, loc);
        let j = self.emit(
            Instr::UnlessLtI {
                a: idx,
                b: len,
                to: 0,
            },
            loc,
        );
        let first = self.pc();
        let step = Instr::AddI {
            dst: idx,
            a: idx,
            b: one,
        };
        self.emit(
            Instr::Item {
                dst: var,
                src: a,
                idx,
            },
            loc,
        );
        self.emit(step, loc);
        if let Some(v) = val {
            self.emit(
                Instr::Item {
                    dst: v,
                    src: a,
                    idx,
                },
                loc,
            );
            self.emit(step, loc);
        }
        let mark = self.next;
        self.expr(body, SINK)?;
        self.free_to(mark);
        self.emit(
            Instr::LoopLtI {
                a: idx,
                b: len,
                to: first,
            },
            loc,
        );
        let end = self.pc();
        self.patch(j, end);
        Ok(())
    }

    fn cast(&mut self, s: Slot, arms: &[CastArm], partial: bool, dst: Slot, loc: LocId) -> R<()> {
        let flag = self.temp()?;
        let mut ends = Vec::new();
        for arm in arms {
            self.op(
                OpSpec::IsType {
                    src: s,
                    ty: arm.ty.clone(),
                },
                flag,
                loc,
            );
            let j = self.emit(Instr::JumpIfFalse { cond: flag, to: 0 }, loc);
            match &arm.conv {
                Some(c) => {
                    let conv = self.conv(c);
                    self.emit(
                        Instr::Convert {
                            dst: arm.slot,
                            src: s,
                            conv,
                        },
                        loc,
                    );
                }
                None => {
                    self.emit(
                        Instr::Move {
                            dst: arm.slot,
                            src: s,
                        },
                        loc,
                    );
                }
            }
            self.expr(&arm.body, dst)?;
            ends.push(self.emit(Instr::Jump { to: 0 }, loc));
            let next = self.pc();
            self.patch(j, next);
        }
        // No case matched: only possible for partial casts (exhaustiveness is checked).
        self.null(dst, loc);
        let end = self.pc();
        for j in ends {
            self.patch(j, end);
        }
        if partial {
            self.null(dst, loc);
        }
        Ok(())
    }
}
