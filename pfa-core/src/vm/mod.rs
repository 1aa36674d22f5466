//! The bytecode VM: one [`Machine`] per engine instance. It owns the instance's private
//! state (cells, pools, tally, random generator, register stack) and handles to shared
//! state; the compiled program is shared and read-only.

pub mod instr;
mod ops;
mod state;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::check::tir::Closure;
use crate::check::Predef;
use crate::compile::{Compiled, Func, NativeSite};
use crate::engine::EmitFn;
use crate::error::{PfaError, RuntimeError};
use crate::library::{Host, RandomSource};
use crate::syntax::ast::{Method, TryFilter};
use crate::types::{Type, TypeTable};
use crate::value::cmp::cmp_f64;
use crate::value::json::{to_json, JsonStyle};
use crate::value::Value;
use instr::{BinOp, Instr, Widen};
use state::{CellSlot, PoolSlot};

/// Deepest allowed nesting of user-function calls (including callbacks from library
/// functions); deeper recursion is a runtime error, not a stack overflow.
pub const MAX_DEPTH: usize = 256;

/// Runtime error code for exceeding [`MAX_DEPTH`] (the spec defines no code for it).
pub const RECURSION_CODE: i32 = 9000;

/// Remaining native stack below which a call switches to a fresh stack segment.
const STACK_RED_ZONE: usize = 128 * 1024;
/// Size of each extra native stack segment.
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// Loop back-edges and calls between clock checks.
const TICKS: u32 = 1024;

pub use crate::engine::LogFn;

/// Per-instance state and execution.
pub struct Machine {
    program: Arc<Compiled>,
    instance: usize,
    stack: Vec<Value>,
    cells: Vec<CellSlot>,
    pools: Vec<PoolSlot>,
    tally: Option<Value>,
    emit: Option<EmitFn>,
    log: Option<LogFn>,
    rng: Rng,
    actions_started: i64,
    actions_finished: i64,
    depth: usize,
    deadline: Option<(Instant, u64)>,
    ticks: u32,
}

/// xoshiro256** seeded through splitmix64: fast, good quality, and reproducible for a
/// given seed on every platform.
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator from a 64-bit seed.
    pub fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
        }
    }
}

impl RandomSource for Rng {
    fn next_u64(&mut self) -> u64 {
        let r = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        r
    }
}

fn seed_for(randseed: Option<i64>, instance: usize) -> u64 {
    match randseed {
        Some(s) => (s as u64) ^ (instance as u64).wrapping_mul(0xA24B_AED4_963E_E407),
        None => {
            // No randseed: unpredictable, as the spec requires.
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0);
            let addr = &t as *const u64 as u64;
            t ^ addr.rotate_left(32) ^ (instance as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        }
    }
}

fn internal(msg: &str) -> PfaError {
    PfaError::runtime(0, format!("internal error: {msg}"))
}

impl Machine {
    /// Creates `n` instances sharing `shared` cells and pools.
    pub fn instances(program: &Arc<Compiled>, n: usize) -> Result<Vec<Machine>, PfaError> {
        let shared = state::SharedState::new(program);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            out.push(Machine {
                program: program.clone(),
                instance: i,
                stack: Vec::new(),
                cells: shared.cells_for_instance(program),
                pools: shared.pools_for_instance(program),
                tally: program.zero.clone(),
                emit: None,
                log: None,
                rng: Rng::new(seed_for(program.randseed, i)),
                actions_started: 0,
                actions_finished: 0,
                depth: 0,
                deadline: None,
                ticks: TICKS,
            });
        }
        Ok(out)
    }

    pub fn instance(&self) -> usize {
        self.instance
    }

    pub fn program(&self) -> &Arc<Compiled> {
        &self.program
    }

    pub fn set_emit(&mut self, f: EmitFn) {
        self.emit = Some(f);
    }

    pub fn set_log(&mut self, f: LogFn) {
        self.log = Some(f);
    }

    pub fn tally(&self) -> Option<&Value> {
        self.tally.as_ref()
    }

    pub fn set_tally(&mut self, v: Value) -> Result<(), PfaError> {
        if self.program.method != Method::Fold {
            return Err(PfaError::Usage("only fold engines have a tally".into()));
        }
        self.tally = Some(v);
        Ok(())
    }

    fn predef(&self, p: Predef, input: &mut Option<Value>, extra: &mut Vec<Value>) -> Value {
        let prog = &self.program;
        match p {
            Predef::Input => input.take().unwrap_or(Value::Null),
            Predef::Tally => self.tally.clone().unwrap_or(Value::Null),
            Predef::Name => prog.name_value.clone(),
            Predef::Instance => Value::Int(self.instance as i32),
            Predef::Metadata => prog.metadata.clone(),
            Predef::Version => Value::Int(prog.version.unwrap_or(0)),
            Predef::ActionsStarted => Value::Long(self.actions_started),
            Predef::ActionsFinished => Value::Long(self.actions_finished),
            Predef::TallyOne | Predef::TallyTwo => {
                if extra.is_empty() {
                    Value::Null
                } else {
                    extra.remove(0)
                }
            }
        }
    }

    fn run_phase(
        &mut self,
        which: usize,
        input: Option<Value>,
        mut extra: Vec<Value>,
    ) -> Result<Value, PfaError> {
        let prog = self.program.clone();
        let phase = match which {
            0 => prog.begin.as_ref(),
            1 => Some(&prog.action),
            2 => prog.end.as_ref(),
            _ => prog.merge.as_ref(),
        };
        let Some(phase) = phase else {
            return Ok(Value::Null);
        };
        let mut input = input;
        let func = &prog.funcs[phase.func];
        // Registers keep their last values between calls (every slot is written before
        // it is read), so the stack only ever grows.
        if self.stack.len() < func.frame {
            self.stack.resize(func.frame, Value::Null);
        }
        for (i, p) in phase.params.iter().enumerate() {
            if phase.used[i] || matches!(p, Predef::TallyOne | Predef::TallyTwo) {
                let v = self.predef(*p, &mut input, &mut extra);
                self.stack[i] = v;
            }
        }
        self.deadline = prog
            .timeouts
            .get(which.min(2))
            .copied()
            .flatten()
            .filter(|_| which < 3)
            .map(|ms| (Instant::now() + Duration::from_millis(ms), ms));
        self.ticks = TICKS;
        self.depth = 0;
        let r = self.exec(&prog, phase.func, 0);
        self.deadline = None;
        r
    }

    pub fn begin(&mut self) -> Result<(), PfaError> {
        self.run_phase(0, None, Vec::new()).map(|_| ())
    }

    pub fn action(&mut self, input: Value) -> Result<Value, PfaError> {
        self.actions_started += 1;
        let saved = self.save_rollback();
        match self.run_phase(1, Some(input), Vec::new()) {
            Ok(v) => {
                self.actions_finished += 1;
                match self.program.method {
                    Method::Map => Ok(v),
                    Method::Emit => Ok(Value::Null),
                    Method::Fold => {
                        self.tally = Some(v.clone());
                        Ok(v)
                    }
                }
            }
            Err(e) => {
                self.restore_rollback(saved);
                Err(e)
            }
        }
    }

    pub fn end(&mut self) -> Result<(), PfaError> {
        self.run_phase(2, None, Vec::new()).map(|_| ())
    }

    pub fn merge(&mut self, one: Value, two: Value) -> Result<Value, PfaError> {
        if self.program.merge.is_none() {
            return Err(PfaError::Usage("only fold engines can merge".into()));
        }
        let v = self.run_phase(3, None, vec![one, two])?;
        self.tally = Some(v.clone());
        Ok(v)
    }

    pub fn state_json(&self, style: JsonStyle) -> Json {
        let prog = &self.program;
        let mut cells = serde_json::Map::new();
        for (i, c) in prog.cells.iter().enumerate() {
            let v = self.cells[i].get();
            cells.insert(c.name.clone(), to_json(&v, &c.ty, &prog.types, style));
        }
        let mut pools = serde_json::Map::new();
        for (i, p) in prog.pools.iter().enumerate() {
            let items = self.pools[i].snapshot();
            let mut m = serde_json::Map::new();
            for (k, v) in items.iter() {
                m.insert(k.to_string(), to_json(v, &p.ty, &prog.types, style));
            }
            pools.insert(p.name.clone(), Json::Object(m));
        }
        serde_json::json!({"cells": cells, "pools": pools})
    }

    pub fn snapshot(&self) -> Json {
        let mut doc = self.program.source.clone();
        let state = self.state_json(JsonStyle::Avro);
        for kind in ["cells", "pools"] {
            if let (Some(Json::Object(decls)), Some(Json::Object(vals))) =
                (doc.get_mut(kind), state.get(kind))
            {
                for (name, decl) in decls.iter_mut() {
                    if let (Some(obj), Some(v)) = (decl.as_object_mut(), vals.get(name)) {
                        obj.insert("init".into(), v.clone());
                        obj.remove("source");
                    }
                }
            }
        }
        doc
    }

    fn check_clock(&mut self) -> Result<(), PfaError> {
        self.ticks = TICKS;
        if let Some((t, ms)) = self.deadline {
            if Instant::now() >= t {
                return Err(PfaError::Timeout { ms });
            }
        }
        Ok(())
    }

    #[inline]
    fn tick(&mut self) -> Result<(), PfaError> {
        self.ticks -= 1;
        if self.ticks == 0 {
            self.check_clock()
        } else {
            Ok(())
        }
    }

    /// Runs function `fidx` whose frame starts at `base` (parameters already in place).
    fn exec(&mut self, prog: &Compiled, fidx: usize, base: usize) -> Result<Value, PfaError> {
        // Recursion in the document becomes recursion here; grow the native stack on
        // demand so the depth limit, not the host thread's stack size, is what stops it.
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
            self.exec_inner(prog, fidx, base)
        })
    }

    fn exec_inner(&mut self, prog: &Compiled, fidx: usize, base: usize) -> Result<Value, PfaError> {
        if self.depth >= MAX_DEPTH {
            let name = prog.funcs.get(fidx).map(|f| f.name.as_str()).unwrap_or("?");
            return Err(PfaError::runtime(
                RECURSION_CODE,
                format!("recursion depth limit of {MAX_DEPTH} exceeded (calling {name})"),
            ));
        }
        self.tick()?;
        let func = prog
            .funcs
            .get(fidx)
            .ok_or_else(|| internal("bad function index"))?;
        if self.stack.len() < base + func.frame {
            self.stack.resize(base + func.frame, Value::Null);
        }
        self.depth += 1;
        let mut pc = 0usize;
        let mut handlers: Vec<(u32, u32)> = Vec::new();
        let r = loop {
            match self.run(prog, func, base, &mut pc, &mut handlers) {
                Ok(v) => break Ok(v),
                Err(e) => {
                    let e = locate(e, prog, func, pc.saturating_sub(1));
                    let mut caught = None;
                    while let Some((h, f)) = handlers.pop() {
                        if catches(prog.filters.get(f as usize).and_then(|f| f.as_ref()), &e) {
                            caught = Some(h);
                            break;
                        }
                    }
                    match caught {
                        Some(h) => pc = h as usize,
                        None => break Err(e),
                    }
                }
            }
        };
        self.depth -= 1;
        r
    }

    /// The dispatch loop; returns at `Return` or at the first error.
    fn run(
        &mut self,
        prog: &Compiled,
        func: &Func,
        base: usize,
        pc: &mut usize,
        handlers: &mut Vec<(u32, u32)>,
    ) -> Result<Value, PfaError> {
        let code = &func.code[..];
        // The program counter lives in a local for speed and is written back only when
        // leaving, so the caller can locate an error and resume at a handler.
        let mut p = *pc;
        macro_rules! tri {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => {
                        *pc = p;
                        return Err(e.into());
                    }
                }
            };
        }
        loop {
            let Some(&ins) = code.get(p) else {
                *pc = p;
                return Err(internal("pc out of range"));
            };
            p += 1;
            match ins {
                Instr::Const { dst, k } => {
                    self.stack[base + dst as usize] = prog.consts[k as usize].clone();
                }
                Instr::Move { dst, src } => {
                    let v = self.stack[base + src as usize].clone();
                    self.stack[base + dst as usize] = v;
                }
                Instr::Bin { op, dst, a, b } => {
                    // One slice of the frame: a single bounds check covers the operands.
                    let frame = &mut self.stack[base..];
                    let v = match bin(op, &frame[a as usize], &frame[b as usize]) {
                        Ok(v) => v,
                        Err(e) => {
                            *pc = p;
                            return Err(bin_error(op, e));
                        }
                    };
                    frame[dst as usize] = v;
                }
                Instr::Jump { to } => p = to as usize,
                Instr::JumpIfFalse { cond, to } => {
                    if !tri!(truth(&self.stack[base + cond as usize])) {
                        p = to as usize;
                    }
                }
                Instr::JumpIfTrue { cond, to } => {
                    if tri!(truth(&self.stack[base + cond as usize])) {
                        p = to as usize;
                    }
                }
                Instr::Loop { to } => {
                    tri!(self.tick());
                    p = to as usize;
                }
                Instr::CallNative {
                    dst,
                    site,
                    start,
                    n,
                } => {
                    let s = &prog.sites[site as usize];
                    let v = tri!(self.call_native(
                        prog,
                        s,
                        base,
                        func.frame,
                        start as usize,
                        n as usize
                    ));
                    self.stack[base + dst as usize] = v;
                }
                Instr::CallUser {
                    dst,
                    func: f,
                    start,
                    n,
                } => {
                    let nb = base + func.frame;
                    let callee = tri!(prog
                        .funcs
                        .get(f as usize)
                        .ok_or_else(|| internal("bad function")));
                    if self.stack.len() < nb + callee.frame {
                        self.stack.resize(nb + callee.frame, Value::Null);
                    }
                    for i in 0..n as usize {
                        let v = std::mem::replace(
                            &mut self.stack[base + start as usize + i],
                            Value::Null,
                        );
                        self.stack[nb + i] = v;
                    }
                    let v = tri!(self.exec(prog, f as usize, nb));
                    self.stack[base + dst as usize] = v;
                }
                Instr::CallDyn {
                    dst,
                    which,
                    table,
                    start,
                    n,
                } => {
                    let sym = match &self.stack[base + which as usize] {
                        Value::Enum(_, s) => *s as usize,
                        _ => tri!(Err(internal("call on non-enum"))),
                    };
                    let (f, conv) = *tri!(prog.dyncalls[table as usize]
                        .get(sym)
                        .ok_or_else(|| internal("enum symbol out of range")));
                    let nb = base + func.frame;
                    let callee = &prog.funcs[f];
                    if self.stack.len() < nb + callee.frame {
                        self.stack.resize(nb + callee.frame, Value::Null);
                    }
                    let first = base + start as usize + sym * n as usize;
                    for i in 0..n as usize {
                        let v = self.stack[first + i].clone();
                        self.stack[nb + i] = v;
                    }
                    let mut v = tri!(self.exec(prog, f, nb));
                    if let Some(c) = conv {
                        v = prog.convs[c as usize].apply(v);
                    }
                    self.stack[base + dst as usize] = v;
                }
                Instr::Widen { kind, dst, src } => {
                    let v = match (kind, &self.stack[base + src as usize]) {
                        (Widen::IntLong, Value::Int(x)) => Value::Long(i64::from(*x)),
                        (Widen::IntFloat, Value::Int(x)) => Value::Float(*x as f32),
                        (Widen::IntDouble, Value::Int(x)) => Value::Double(f64::from(*x)),
                        (Widen::LongFloat, Value::Long(x)) => Value::Float(*x as f32),
                        (Widen::LongDouble, Value::Long(x)) => Value::Double(*x as f64),
                        (Widen::FloatDouble, Value::Float(x)) => Value::Double(f64::from(*x)),
                        _ => tri!(Err(internal("widening of a value of the wrong type"))),
                    };
                    self.stack[base + dst as usize] = v;
                }
                Instr::BrUnless { op, a, b, to } => {
                    let holds = match bin(
                        op,
                        &self.stack[base + a as usize],
                        &self.stack[base + b as usize],
                    ) {
                        Ok(Value::Boolean(h)) => h,
                        _ => tri!(Err(internal("comparison of values of the wrong type"))),
                    };
                    if !holds {
                        p = to as usize;
                    }
                }
                Instr::Convert { dst, src, conv } => {
                    let v = self.stack[base + src as usize].clone();
                    self.stack[base + dst as usize] = prog.convs[conv as usize].apply(v);
                }
                Instr::Path { dst, src, path } => {
                    let spec = &prog.paths[path as usize];
                    let v = tri!(ops::get_path(
                        &self.stack[base + src as usize],
                        spec,
                        &self.stack[base..]
                    ));
                    self.stack[base + dst as usize] = v;
                }
                Instr::Op { dst, op } => {
                    let v = tri!(self.op(prog, op as usize, base, func.frame));
                    self.stack[base + dst as usize] = v;
                }
                Instr::Return { src } => {
                    *pc = p;
                    return Ok(std::mem::replace(
                        &mut self.stack[base + src as usize],
                        Value::Null,
                    ));
                }
                Instr::TryBegin { handler, filter } => handlers.push((handler, filter)),
                Instr::TryEnd => {
                    handlers.pop();
                }
                Instr::Raise { e } => {
                    let spec = &prog.errors[e as usize];
                    *pc = p;
                    return Err(PfaError::User {
                        message: spec.message.clone(),
                        code: spec.code,
                        loc: prog.locs.get(spec.loc as usize).cloned(),
                    });
                }
            }
        }
    }

    fn call_native(
        &mut self,
        prog: &Compiled,
        s: &NativeSite,
        base: usize,
        frame: usize,
        start: usize,
        n: usize,
    ) -> Result<Value, PfaError> {
        // Arguments are temporaries: move them out so the native gets a plain slice
        // without copying and the VM stays free for callbacks.
        const N: usize = 6;
        let r = if n <= N {
            let mut buf: [Value; N] = [
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ];
            for (i, b) in buf.iter_mut().enumerate().take(n) {
                *b = std::mem::replace(&mut self.stack[base + start + i], Value::Null);
            }
            let mut host = NativeHost {
                m: self,
                prog,
                site: s,
                base,
                frame,
            };
            (s.f)(&mut host, &buf[..n])
        } else {
            let args: Vec<Value> = (0..n)
                .map(|i| std::mem::replace(&mut self.stack[base + start + i], Value::Null))
                .collect();
            let mut host = NativeHost {
                m: self,
                prog,
                site: s,
                base,
                frame,
            };
            (s.f)(&mut host, &args)
        };
        r.map_err(|e| match e {
            PfaError::Runtime(mut r) => {
                if r.fcn.is_none() {
                    r.fcn = Some(s.site.name.clone());
                }
                PfaError::Runtime(r)
            }
            other => other,
        })
    }

    /// Calls a closure from a frame at `base` of size `frame`.
    fn call_closure(
        &mut self,
        prog: &Compiled,
        clo: &Closure,
        base: usize,
        frame: usize,
        args: &[Value],
    ) -> Result<Value, PfaError> {
        let nb = base + frame;
        let callee = prog
            .funcs
            .get(clo.func)
            .ok_or_else(|| internal("bad closure"))?;
        if self.stack.len() < nb + callee.frame {
            self.stack.resize(nb + callee.frame, Value::Null);
        }
        if args.len() != callee.nparams {
            return Err(internal(
                "closure called with the wrong number of arguments",
            ));
        }
        for (i, a) in args.iter().enumerate() {
            let v = match clo.param_convs.get(i).and_then(|c| c.as_ref()) {
                Some(c) => c.apply(a.clone()),
                None => a.clone(),
            };
            self.stack[nb + i] = v;
        }
        for &(outer, inner) in &clo.captures {
            let v = self.stack[base + outer as usize].clone();
            self.stack[nb + inner as usize] = v;
        }
        let v = self.exec(prog, clo.func, nb)?;
        Ok(match &clo.ret_conv {
            Some(c) => c.apply(v),
            None => v,
        })
    }

    fn save_rollback(&self) -> Option<state::Saved> {
        if !self.program.has_rollback {
            return None;
        }
        state::Saved::take(&self.program, &self.cells, &self.pools)
    }

    fn restore_rollback(&mut self, saved: Option<state::Saved>) {
        if let Some(s) = saved {
            s.restore(&mut self.cells, &mut self.pools);
        }
    }

    fn write_log(&mut self, text: &str, ns: Option<&str>) {
        match &mut self.log {
            Some(f) => f(text, ns),
            None => match ns {
                Some(n) => eprintln!("{n}: {text}"),
                None => eprintln!("{text}"),
            },
        }
    }
}

/// Gives natives access to types, callbacks and randomness.
struct NativeHost<'a> {
    m: &'a mut Machine,
    prog: &'a Compiled,
    site: &'a NativeSite,
    base: usize,
    frame: usize,
}

impl Host for NativeHost<'_> {
    fn arg_type(&self, i: usize) -> &Type {
        self.site.site.arg_types.get(i).unwrap_or(&Type::Null)
    }

    fn ret_type(&self) -> &Type {
        &self.site.site.ret
    }

    fn types(&self) -> &TypeTable {
        &self.prog.types
    }

    fn call_fcn(&mut self, i: usize, args: &[Value]) -> Result<Value, PfaError> {
        let clo = self
            .site
            .closures
            .iter()
            .find(|(j, _)| *j == i)
            .map(|(_, c)| c)
            .ok_or_else(|| internal("argument is not a function"))?;
        self.m
            .call_closure(self.prog, clo, self.base, self.frame, args)
    }

    fn rng(&mut self) -> &mut dyn RandomSource {
        &mut self.m.rng
    }
}

/// Adds the document position of the failing instruction to a runtime error.
fn locate(e: PfaError, prog: &Compiled, func: &Func, pc: usize) -> PfaError {
    match e {
        PfaError::Runtime(mut r) if r.loc.is_none() => {
            let idx = func.locs.partition_point(|(p, _)| (*p as usize) <= pc);
            if idx > 0 {
                let loc = func.locs[idx - 1].1;
                r.loc = prog.locs.get(loc as usize).cloned();
            }
            PfaError::Runtime(r)
        }
        other => other,
    }
}

/// Whether a `try` with this filter catches the error (timeouts are never caught).
fn catches(filter: Option<&Vec<TryFilter>>, e: &PfaError) -> bool {
    let (code, msg) = match e {
        PfaError::Runtime(RuntimeError { code, message, .. }) => {
            if *code == RECURSION_CODE {
                return false;
            }
            (Some(*code), message.as_str())
        }
        PfaError::User { code, message, .. } => (*code, message.as_str()),
        _ => return false,
    };
    match filter {
        None => true,
        Some(items) => items.iter().any(|f| match f {
            TryFilter::Message(m) => m == msg,
            TryFilter::Code(c) => Some(*c) == code,
        }),
    }
}

#[inline]
fn truth(v: &Value) -> Result<bool, PfaError> {
    match v {
        Value::Boolean(b) => Ok(*b),
        _ => Err(internal("condition is not boolean")),
    }
}

/// Why a typed operator failed: overflow (with the spec's code) or an engine bug.
#[derive(Clone, Copy)]
enum BinErr {
    Overflow(i32, &'static str),
    Operands,
}

#[cold]
#[inline(never)]
fn bin_error(op: BinOp, e: BinErr) -> PfaError {
    match e {
        BinErr::Overflow(code, msg) => {
            let fcn = match op {
                BinOp::AddI | BinOp::AddL => "+",
                BinOp::SubI | BinOp::SubL => "-",
                _ => "*",
            };
            PfaError::Runtime(RuntimeError {
                code,
                message: msg.to_string(),
                fcn: Some(fcn.to_string()),
                loc: None,
            })
        }
        BinErr::Operands => internal(&format!("operands of {op:?} have the wrong types")),
    }
}

#[inline(always)]
fn bin(op: BinOp, a: &Value, b: &Value) -> Result<Value, BinErr> {
    use BinOp::*;
    use Value::*;
    Ok(match (op, a, b) {
        (AddI, Int(x), Int(y)) => Int(x
            .checked_add(*y)
            .ok_or(BinErr::Overflow(18000, "int overflow"))?),
        (SubI, Int(x), Int(y)) => Int(x
            .checked_sub(*y)
            .ok_or(BinErr::Overflow(18010, "int overflow"))?),
        (MulI, Int(x), Int(y)) => Int(x
            .checked_mul(*y)
            .ok_or(BinErr::Overflow(18020, "int overflow"))?),
        (AddL, Long(x), Long(y)) => Long(
            x.checked_add(*y)
                .ok_or(BinErr::Overflow(18001, "long overflow"))?,
        ),
        (SubL, Long(x), Long(y)) => Long(
            x.checked_sub(*y)
                .ok_or(BinErr::Overflow(18011, "long overflow"))?,
        ),
        (MulL, Long(x), Long(y)) => Long(
            x.checked_mul(*y)
                .ok_or(BinErr::Overflow(18021, "long overflow"))?,
        ),
        (AddF, Float(x), Float(y)) => Float(x + y),
        (SubF, Float(x), Float(y)) => Float(x - y),
        (MulF, Float(x), Float(y)) => Float(x * y),
        (AddD, Double(x), Double(y)) => Double(x + y),
        (SubD, Double(x), Double(y)) => Double(x - y),
        (MulD, Double(x), Double(y)) => Double(x * y),
        (DivD, Double(x), Double(y)) => Double(x / y),
        (LtI, Int(x), Int(y)) => Boolean(x < y),
        (LeI, Int(x), Int(y)) => Boolean(x <= y),
        (GtI, Int(x), Int(y)) => Boolean(x > y),
        (GeI, Int(x), Int(y)) => Boolean(x >= y),
        (EqI, Int(x), Int(y)) => Boolean(x == y),
        (NeI, Int(x), Int(y)) => Boolean(x != y),
        (LtL, Long(x), Long(y)) => Boolean(x < y),
        (LeL, Long(x), Long(y)) => Boolean(x <= y),
        (GtL, Long(x), Long(y)) => Boolean(x > y),
        (GeL, Long(x), Long(y)) => Boolean(x >= y),
        (EqL, Long(x), Long(y)) => Boolean(x == y),
        (NeL, Long(x), Long(y)) => Boolean(x != y),
        // Doubles compare in the total order that `cmp` and sorting use (NaN equals
        // NaN and is above every number), so an operator gives the same answer whether
        // it is compiled inline or called through a function reference.
        (LtD, Double(x), Double(y)) => Boolean(cmp_f64(*x, *y).is_lt()),
        (LeD, Double(x), Double(y)) => Boolean(cmp_f64(*x, *y).is_le()),
        (GtD, Double(x), Double(y)) => Boolean(cmp_f64(*x, *y).is_gt()),
        (GeD, Double(x), Double(y)) => Boolean(cmp_f64(*x, *y).is_ge()),
        (EqD, Double(x), Double(y)) => Boolean(cmp_f64(*x, *y).is_eq()),
        (NeD, Double(x), Double(y)) => Boolean(cmp_f64(*x, *y).is_ne()),
        _ => return Err(BinErr::Operands),
    })
}
