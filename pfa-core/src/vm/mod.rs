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
use crate::compile::{ArgSlot, Compiled, FcnArg, Func, NativeSite};
use crate::engine::EmitFn;
use crate::error::{PfaError, RuntimeError};
use crate::library::{Host, NativeFn, RandomSource};
use crate::syntax::ast::{Method, TryFilter};
use crate::types::{Type, TypeTable};
use crate::value::json::{to_json, JsonStyle};
use crate::value::Value;
use instr::Instr;
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
    core: Core,
}

/// The instance's state. Kept apart from the program handle so that running code can
/// borrow the program while it changes the state, without touching the handle's
/// reference count.
struct Core {
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
    /// Native stack address below which calls need a new stack segment (see `exec`).
    stack_floor: usize,
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
                core: Core {
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
                    stack_floor: 0,
                },
            });
        }
        Ok(out)
    }

    /// This instance's number.
    pub fn instance(&self) -> usize {
        self.core.instance
    }

    /// The compiled program.
    pub fn program(&self) -> &Arc<Compiled> {
        &self.program
    }

    /// Where `emit` sends values.
    pub fn set_emit(&mut self, f: EmitFn) {
        self.core.emit = Some(f);
    }

    /// Where `log` writes.
    pub fn set_log(&mut self, f: LogFn) {
        self.core.log = Some(f);
    }

    /// The current tally (fold engines).
    pub fn tally(&self) -> Option<&Value> {
        self.core.tally.as_ref()
    }

    /// Replaces the tally (fold engines).
    pub fn set_tally(&mut self, v: Value) -> Result<(), PfaError> {
        if self.program.method != Method::Fold {
            return Err(PfaError::Usage("only fold engines have a tally".into()));
        }
        self.core.tally = Some(v);
        Ok(())
    }

    /// Runs `begin`.
    pub fn begin(&mut self) -> Result<(), PfaError> {
        self.core
            .run_phase(&self.program, 0, None, Vec::new())
            .map(|_| ())
    }

    /// Runs `action` on one input.
    pub fn action(&mut self, input: Value) -> Result<Value, PfaError> {
        self.core.action(&self.program, input)
    }

    /// Runs `end`.
    pub fn end(&mut self) -> Result<(), PfaError> {
        self.core
            .run_phase(&self.program, 2, None, Vec::new())
            .map(|_| ())
    }

    /// Combines two tallies with `merge` (fold engines).
    pub fn merge(&mut self, one: Value, two: Value) -> Result<Value, PfaError> {
        if self.program.merge.is_none() {
            return Err(PfaError::Usage("only fold engines can merge".into()));
        }
        let v = self
            .core
            .run_phase(&self.program, 3, None, vec![one, two])?;
        self.core.tally = Some(v.clone());
        Ok(v)
    }

    /// Cells and pools as JSON.
    pub fn state_json(&self, style: JsonStyle) -> Json {
        let prog = &self.program;
        let mut cells = serde_json::Map::new();
        for (i, c) in prog.cells.iter().enumerate() {
            let v = self.core.cells[i].get();
            cells.insert(c.name.clone(), to_json(&v, &c.ty, &prog.types, style));
        }
        let mut pools = serde_json::Map::new();
        for (i, p) in prog.pools.iter().enumerate() {
            let items = self.core.pools[i].snapshot();
            let mut m = serde_json::Map::new();
            for (k, v) in items.iter() {
                m.insert(k.to_string(), to_json(v, &p.ty, &prog.types, style));
            }
            pools.insert(p.name.clone(), Json::Object(m));
        }
        serde_json::json!({"cells": cells, "pools": pools})
    }

    /// The document with the current cell and pool values as their `init`.
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
}

impl Core {
    fn predef(
        &self,
        prog: &Compiled,
        p: Predef,
        input: &mut Option<Value>,
        extra: &mut Vec<Value>,
    ) -> Value {
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
        prog: &Compiled,
        which: usize,
        input: Option<Value>,
        mut extra: Vec<Value>,
    ) -> Result<Value, PfaError> {
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
        for &(i, p) in &prog.fills[which.min(3)] {
            let v = self.predef(prog, p, &mut input, &mut extra);
            self.stack[i] = v;
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
        self.stack_floor = stack_floor();
        let r = self.exec(prog, func, 0);
        self.deadline = None;
        r
    }

    fn action(&mut self, prog: &Compiled, input: Value) -> Result<Value, PfaError> {
        self.actions_started += 1;
        let saved = self.save_rollback(prog);
        match self.run_phase(prog, 1, Some(input), Vec::new()) {
            Ok(v) => {
                self.actions_finished += 1;
                match prog.method {
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

    #[inline]
    fn tick(&mut self) -> Result<(), PfaError> {
        self.ticks -= 1;
        if self.ticks == 0 {
            self.ticks = TICKS;
            clock(self.deadline)
        } else {
            Ok(())
        }
    }

    /// Runs function `fidx` whose frame starts at `base` (parameters already in place).
    #[inline]
    fn exec(&mut self, prog: &Compiled, func: &Func, base: usize) -> Result<Value, PfaError> {
        // Recursion in the document becomes recursion here; the native stack grows on
        // demand so that the depth limit, not the host thread's stack size, is what
        // stops it. Comparing the address of a local with the floor found when the
        // phase started (or the current segment was entered) is much cheaper than
        // asking for the remaining stack on every call.
        let here = stack_address();
        if here > self.stack_floor.saturating_add(STACK_RED_ZONE) {
            self.exec_inner(prog, func, base)
        } else {
            self.exec_grown(prog, func, base)
        }
    }

    /// `exec` near the end of the native stack: on a new segment if needed.
    #[cold]
    #[inline(never)]
    fn exec_grown(&mut self, prog: &Compiled, func: &Func, base: usize) -> Result<Value, PfaError> {
        let saved = self.stack_floor;
        let r = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
            self.stack_floor = stack_floor();
            self.exec_inner(prog, func, base)
        });
        self.stack_floor = saved;
        r
    }

    fn exec_inner(&mut self, prog: &Compiled, func: &Func, base: usize) -> Result<Value, PfaError> {
        if self.depth >= MAX_DEPTH {
            return Err(too_deep(func));
        }
        self.tick()?;
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
        let end = base + func.frame;
        // The program counter lives in a local for speed and is written back only when
        // leaving, so the caller can locate an error and resume at a handler.
        let mut p = *pc;
        loop {
            let Some(frame) = self.stack.get_mut(base..end) else {
                *pc = p;
                return Err(internal("frame outside the register stack"));
            };
            // Instructions that touch only the frame run in this inner loop, which keeps
            // the frame slice in registers; everything else leaves it through `Exit`
            // (failures too, so that the loop builds no error values itself).
            let exit = loop {
                let Some(&ins) = code.get(p) else {
                    break Exit::Trap(Trap::PcOutOfRange);
                };
                p += 1;
                macro_rules! operands {
                    ($a:expr, $b:expr, $V:ident) => {
                        match (&frame[$a as usize], &frame[$b as usize]) {
                            (Value::$V(x), Value::$V(y)) => (*x, *y),
                            _ => break Exit::Trap(Trap::Operands),
                        }
                    };
                }
                // Integer arithmetic with the spec's overflow error.
                macro_rules! checked {
                    ($dst:expr, $a:expr, $b:expr, $V:ident, $put:ident, $m:ident, $trap:expr) => {{
                        let (x, y) = operands!($a, $b, $V);
                        match x.$m(y) {
                            Some(r) => $put(&mut frame[$dst as usize], r),
                            None => break Exit::Trap($trap),
                        }
                    }};
                }
                macro_rules! compute {
                    ($dst:expr, $a:expr, $b:expr, $V:ident, $put:ident, |$x:ident, $y:ident| $e:expr) => {{
                        let ($x, $y) = operands!($a, $b, $V);
                        $put(&mut frame[$dst as usize], $e)
                    }};
                }
                macro_rules! unless {
                    ($a:expr, $b:expr, $to:expr, $V:ident, |$x:ident, $y:ident| $e:expr) => {{
                        let ($x, $y) = operands!($a, $b, $V);
                        if !$e {
                            p = $to as usize;
                        }
                    }};
                }
                macro_rules! loop_if {
                    ($a:expr, $b:expr, $to:expr, $V:ident, |$x:ident, $y:ident| $e:expr) => {{
                        let ($x, $y) = operands!($a, $b, $V);
                        if $e {
                            p = $to as usize;
                            self.ticks -= 1;
                            if self.ticks == 0 {
                                break Exit::Tick;
                            }
                        }
                    }};
                }
                macro_rules! widen {
                    ($dst:expr, $src:expr, $V:ident, $put:ident, |$x:ident| $e:expr) => {{
                        let $x = match &frame[$src as usize] {
                            Value::$V(x) => *x,
                            _ => break Exit::Trap(Trap::Operands),
                        };
                        $put(&mut frame[$dst as usize], $e)
                    }};
                }
                match ins {
                    Instr::Const { dst, k } => {
                        frame[dst as usize] = prog.consts[k as usize].clone();
                    }
                    Instr::Move { dst, src } => {
                        let v = frame[src as usize].clone();
                        frame[dst as usize] = v;
                    }
                    Instr::AddI { dst, a, b } => {
                        checked!(dst, a, b, Int, put_int, checked_add, Trap::Overflow)
                    }
                    Instr::SubI { dst, a, b } => {
                        checked!(dst, a, b, Int, put_int, checked_sub, Trap::Overflow)
                    }
                    Instr::MulI { dst, a, b } => {
                        checked!(dst, a, b, Int, put_int, checked_mul, Trap::Overflow)
                    }
                    Instr::AddL { dst, a, b } => {
                        checked!(dst, a, b, Long, put_long, checked_add, Trap::Overflow)
                    }
                    Instr::SubL { dst, a, b } => {
                        checked!(dst, a, b, Long, put_long, checked_sub, Trap::Overflow)
                    }
                    Instr::MulL { dst, a, b } => {
                        checked!(dst, a, b, Long, put_long, checked_mul, Trap::Overflow)
                    }
                    Instr::AddF { dst, a, b } => {
                        compute!(dst, a, b, Float, put_float, |x, y| x + y)
                    }
                    Instr::SubF { dst, a, b } => {
                        compute!(dst, a, b, Float, put_float, |x, y| x - y)
                    }
                    Instr::MulF { dst, a, b } => {
                        compute!(dst, a, b, Float, put_float, |x, y| x * y)
                    }
                    Instr::AddD { dst, a, b } => {
                        compute!(dst, a, b, Double, put_double, |x, y| x + y)
                    }
                    Instr::SubD { dst, a, b } => {
                        compute!(dst, a, b, Double, put_double, |x, y| x - y)
                    }
                    Instr::MulD { dst, a, b } => {
                        compute!(dst, a, b, Double, put_double, |x, y| x * y)
                    }
                    Instr::DivD { dst, a, b } => {
                        compute!(dst, a, b, Double, put_double, |x, y| x / y)
                    }
                    Instr::LtI { dst, a, b } => compute!(dst, a, b, Int, put_bool, |x, y| x < y),
                    Instr::LeI { dst, a, b } => compute!(dst, a, b, Int, put_bool, |x, y| x <= y),
                    Instr::GtI { dst, a, b } => compute!(dst, a, b, Int, put_bool, |x, y| x > y),
                    Instr::GeI { dst, a, b } => compute!(dst, a, b, Int, put_bool, |x, y| x >= y),
                    Instr::EqI { dst, a, b } => compute!(dst, a, b, Int, put_bool, |x, y| x == y),
                    Instr::NeI { dst, a, b } => compute!(dst, a, b, Int, put_bool, |x, y| x != y),
                    Instr::LtL { dst, a, b } => compute!(dst, a, b, Long, put_bool, |x, y| x < y),
                    Instr::LeL { dst, a, b } => compute!(dst, a, b, Long, put_bool, |x, y| x <= y),
                    Instr::GtL { dst, a, b } => compute!(dst, a, b, Long, put_bool, |x, y| x > y),
                    Instr::GeL { dst, a, b } => compute!(dst, a, b, Long, put_bool, |x, y| x >= y),
                    Instr::EqL { dst, a, b } => compute!(dst, a, b, Long, put_bool, |x, y| x == y),
                    Instr::NeL { dst, a, b } => compute!(dst, a, b, Long, put_bool, |x, y| x != y),
                    Instr::LtD { dst, a, b } => {
                        compute!(dst, a, b, Double, put_bool, |x, y| lt_d(x, y))
                    }
                    Instr::LeD { dst, a, b } => {
                        compute!(dst, a, b, Double, put_bool, |x, y| !lt_d(y, x))
                    }
                    Instr::GtD { dst, a, b } => {
                        compute!(dst, a, b, Double, put_bool, |x, y| lt_d(y, x))
                    }
                    Instr::GeD { dst, a, b } => {
                        compute!(dst, a, b, Double, put_bool, |x, y| !lt_d(x, y))
                    }
                    Instr::EqD { dst, a, b } => {
                        compute!(dst, a, b, Double, put_bool, |x, y| eq_d(x, y))
                    }
                    Instr::NeD { dst, a, b } => {
                        compute!(dst, a, b, Double, put_bool, |x, y| !eq_d(x, y))
                    }
                    Instr::UnlessLtI { a, b, to } => unless!(a, b, to, Int, |x, y| x < y),
                    Instr::UnlessLeI { a, b, to } => unless!(a, b, to, Int, |x, y| x <= y),
                    Instr::UnlessGtI { a, b, to } => unless!(a, b, to, Int, |x, y| x > y),
                    Instr::UnlessGeI { a, b, to } => unless!(a, b, to, Int, |x, y| x >= y),
                    Instr::UnlessEqI { a, b, to } => unless!(a, b, to, Int, |x, y| x == y),
                    Instr::UnlessNeI { a, b, to } => unless!(a, b, to, Int, |x, y| x != y),
                    Instr::UnlessLtL { a, b, to } => unless!(a, b, to, Long, |x, y| x < y),
                    Instr::UnlessLeL { a, b, to } => unless!(a, b, to, Long, |x, y| x <= y),
                    Instr::UnlessGtL { a, b, to } => unless!(a, b, to, Long, |x, y| x > y),
                    Instr::UnlessGeL { a, b, to } => unless!(a, b, to, Long, |x, y| x >= y),
                    Instr::UnlessEqL { a, b, to } => unless!(a, b, to, Long, |x, y| x == y),
                    Instr::UnlessNeL { a, b, to } => unless!(a, b, to, Long, |x, y| x != y),
                    Instr::UnlessLtD { a, b, to } => unless!(a, b, to, Double, |x, y| lt_d(x, y)),
                    Instr::UnlessLeD { a, b, to } => unless!(a, b, to, Double, |x, y| !lt_d(y, x)),
                    Instr::UnlessGtD { a, b, to } => unless!(a, b, to, Double, |x, y| lt_d(y, x)),
                    Instr::UnlessGeD { a, b, to } => unless!(a, b, to, Double, |x, y| !lt_d(x, y)),
                    Instr::UnlessEqD { a, b, to } => unless!(a, b, to, Double, |x, y| eq_d(x, y)),
                    Instr::UnlessNeD { a, b, to } => unless!(a, b, to, Double, |x, y| !eq_d(x, y)),
                    Instr::LoopLtI { a, b, to } => loop_if!(a, b, to, Int, |x, y| x < y),
                    Instr::LoopLeI { a, b, to } => loop_if!(a, b, to, Int, |x, y| x <= y),
                    Instr::LoopGtI { a, b, to } => loop_if!(a, b, to, Int, |x, y| x > y),
                    Instr::LoopGeI { a, b, to } => loop_if!(a, b, to, Int, |x, y| x >= y),
                    Instr::LoopEqI { a, b, to } => loop_if!(a, b, to, Int, |x, y| x == y),
                    Instr::LoopNeI { a, b, to } => loop_if!(a, b, to, Int, |x, y| x != y),
                    Instr::LoopLtL { a, b, to } => loop_if!(a, b, to, Long, |x, y| x < y),
                    Instr::LoopLeL { a, b, to } => loop_if!(a, b, to, Long, |x, y| x <= y),
                    Instr::LoopGtL { a, b, to } => loop_if!(a, b, to, Long, |x, y| x > y),
                    Instr::LoopGeL { a, b, to } => loop_if!(a, b, to, Long, |x, y| x >= y),
                    Instr::LoopEqL { a, b, to } => loop_if!(a, b, to, Long, |x, y| x == y),
                    Instr::LoopNeL { a, b, to } => loop_if!(a, b, to, Long, |x, y| x != y),
                    Instr::LoopLtD { a, b, to } => loop_if!(a, b, to, Double, |x, y| lt_d(x, y)),
                    Instr::LoopLeD { a, b, to } => loop_if!(a, b, to, Double, |x, y| !lt_d(y, x)),
                    Instr::LoopGtD { a, b, to } => loop_if!(a, b, to, Double, |x, y| lt_d(y, x)),
                    Instr::LoopGeD { a, b, to } => loop_if!(a, b, to, Double, |x, y| !lt_d(x, y)),
                    Instr::LoopEqD { a, b, to } => loop_if!(a, b, to, Double, |x, y| eq_d(x, y)),
                    Instr::LoopNeD { a, b, to } => loop_if!(a, b, to, Double, |x, y| !eq_d(x, y)),
                    Instr::IntLong { dst, src } => {
                        widen!(dst, src, Int, put_long, |x| i64::from(x))
                    }
                    Instr::IntFloat { dst, src } => widen!(dst, src, Int, put_float, |x| x as f32),
                    Instr::IntDouble { dst, src } => {
                        widen!(dst, src, Int, put_double, |x| f64::from(x))
                    }
                    Instr::LongFloat { dst, src } => {
                        widen!(dst, src, Long, put_float, |x| x as f32)
                    }
                    Instr::LongDouble { dst, src } => {
                        widen!(dst, src, Long, put_double, |x| x as f64)
                    }
                    Instr::FloatDouble { dst, src } => {
                        widen!(dst, src, Float, put_double, |x| f64::from(x))
                    }
                    Instr::Jump { to } => p = to as usize,
                    Instr::JumpIfFalse { cond, to } => match frame[cond as usize] {
                        Value::Boolean(true) => {}
                        Value::Boolean(false) => p = to as usize,
                        _ => break Exit::Trap(Trap::NotBoolean),
                    },
                    Instr::JumpIfTrue { cond, to } => match frame[cond as usize] {
                        Value::Boolean(true) => p = to as usize,
                        Value::Boolean(false) => {}
                        _ => break Exit::Trap(Trap::NotBoolean),
                    },
                    Instr::Loop { to } => {
                        p = to as usize;
                        self.ticks -= 1;
                        if self.ticks == 0 {
                            break Exit::Tick;
                        }
                    }
                    Instr::Item { dst, src, idx } => {
                        let item = match (&frame[src as usize], &frame[idx as usize]) {
                            (Value::Array(a), Value::Int(i)) => {
                                usize::try_from(*i).ok().and_then(|i| a.get(i)).cloned()
                            }
                            _ => None,
                        };
                        match item {
                            Some(v) => frame[dst as usize] = v,
                            None => break Exit::Trap(Trap::Item),
                        }
                    }
                    Instr::Convert { dst, src, conv } => {
                        let v = frame[src as usize].clone();
                        frame[dst as usize] = prog.convs[conv as usize].apply(v);
                    }
                    Instr::Path { dst, src, path } => {
                        if let Err(e) = path_into(prog, frame, dst, src, path) {
                            break Exit::Error(e);
                        }
                    }
                    Instr::Return { src } => {
                        break Exit::Return(std::mem::replace(
                            &mut frame[src as usize],
                            Value::Null,
                        ));
                    }
                    Instr::TryBegin { handler, filter } => handlers.push((handler, filter)),
                    Instr::TryEnd => {
                        handlers.pop();
                    }
                    other => break Exit::Slow(other),
                }
            };
            let r = match exit {
                Exit::Return(v) => {
                    *pc = p;
                    return Ok(v);
                }
                Exit::Slow(ins) => self.slow(prog, func, base, ins),
                Exit::Tick => {
                    self.ticks = TICKS;
                    clock(self.deadline)
                }
                Exit::Trap(t) => Err(t.error(code.get(p.wrapping_sub(1)))),
                Exit::Error(e) => Err(e),
            };
            if let Err(e) = r {
                *pc = p;
                return Err(e);
            }
        }
    }

    /// Instructions that need the whole machine: calls and complex operations.
    #[inline(never)]
    fn slow(
        &mut self,
        prog: &Compiled,
        func: &Func,
        base: usize,
        ins: Instr,
    ) -> Result<(), PfaError> {
        let end = base + func.frame;
        match ins {
            Instr::CallNative { dst, site } => {
                let s = prog
                    .sites
                    .get(site as usize)
                    .ok_or_else(|| internal("bad call site"))?;
                let v = self.call_native(prog, s, base, func.frame)?;
                self.stack[base + dst as usize] = v;
            }
            Instr::CallUser {
                dst,
                func: f,
                start,
                n,
            } => {
                let nb = end;
                let callee = prog
                    .funcs
                    .get(f as usize)
                    .ok_or_else(|| internal("bad function"))?;
                if self.stack.len() < nb + callee.frame {
                    self.stack.resize(nb + callee.frame, Value::Null);
                }
                for i in 0..n as usize {
                    let v =
                        std::mem::replace(&mut self.stack[base + start as usize + i], Value::Null);
                    self.stack[nb + i] = v;
                }
                let v = self.exec(prog, callee, nb)?;
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
                    _ => return Err(internal("call on non-enum")),
                };
                let (f, conv) = *prog.dyncalls[table as usize]
                    .get(sym)
                    .ok_or_else(|| internal("enum symbol out of range"))?;
                let nb = end;
                let callee = &prog.funcs[f];
                if self.stack.len() < nb + callee.frame {
                    self.stack.resize(nb + callee.frame, Value::Null);
                }
                let first = base + start as usize + sym * n as usize;
                for i in 0..n as usize {
                    let v = self.stack[first + i].clone();
                    self.stack[nb + i] = v;
                }
                let mut v = self.exec(prog, callee, nb)?;
                if let Some(c) = conv {
                    v = prog.convs[c as usize].apply(v);
                }
                self.stack[base + dst as usize] = v;
            }
            Instr::Op { dst, op } => {
                let v = self.op(prog, op as usize, base, func.frame)?;
                self.stack[base + dst as usize] = v;
            }
            Instr::Raise { e } => {
                let spec = &prog.errors[e as usize];
                return Err(PfaError::User {
                    message: spec.message.clone(),
                    code: spec.code,
                    loc: prog.locs.get(spec.loc as usize).cloned(),
                });
            }
            _ => return Err(internal("instruction without a handler")),
        }
        Ok(())
    }

    /// Calls a native. Its arguments are moved out of their slots into a local array
    /// (no reference counts change); symbols' values go back to their slots after the
    /// call (nothing reads them meanwhile: the compiler copies symbols that a function
    /// argument captures), temporaries are consumed.
    #[inline(never)]
    fn call_native(
        &mut self,
        prog: &Compiled,
        s: &NativeSite,
        base: usize,
        frame: usize,
    ) -> Result<Value, PfaError> {
        macro_rules! call_with {
            ($($i:tt),*) => {{
                #[allow(unused_mut)]
                let mut args = [$(take_arg(&mut self.stack, base, s.args[$i])),*];
                let r = (s.f)(
                    &mut NativeHost {
                        m: self,
                        prog,
                        site: s,
                        base,
                        frame,
                    },
                    &args,
                );
                $(
                    if let ArgSlot::Keep(slot) = s.args[$i] {
                        std::mem::swap(&mut self.stack[base + slot as usize], &mut args[$i]);
                    }
                )*
                r
            }};
        }
        let r = match s.args.len() {
            0 => call_with!(),
            1 => call_with!(0),
            2 => call_with!(0, 1),
            3 => call_with!(0, 1, 2),
            4 => call_with!(0, 1, 2, 3),
            _ => self.call_native_vec(prog, s, base, frame),
        };
        r.map_err(|e| fcn_error(e, s))
    }

    fn call_native_vec(
        &mut self,
        prog: &Compiled,
        s: &NativeSite,
        base: usize,
        frame: usize,
    ) -> Result<Value, PfaError> {
        let stack = &mut self.stack;
        let mut args: Vec<Value> = s.args.iter().map(|a| take_arg(stack, base, *a)).collect();
        let r = (s.f)(
            &mut NativeHost {
                m: self,
                prog,
                site: s,
                base,
                frame,
            },
            &args,
        );
        for (a, v) in s.args.iter().zip(args.iter_mut()) {
            if let ArgSlot::Keep(slot) = a {
                std::mem::swap(&mut self.stack[base + *slot as usize], v);
            }
        }
        r
    }

    /// Calls a closure from a frame at `base` of size `frame` with lent arguments:
    /// they are moved into the callee's parameter slots and back (the compiler found
    /// that the callee leaves its parameters alone and needs no conversions).
    fn call_closure_lent(
        &mut self,
        prog: &Compiled,
        clo: &Closure,
        base: usize,
        frame: usize,
        args: &mut [Value],
    ) -> Result<Value, PfaError> {
        let nb = base + frame;
        let callee = prog
            .funcs
            .get(clo.func)
            .ok_or_else(|| internal("bad closure"))?;
        if args.len() != callee.nparams {
            return Err(internal(
                "closure called with the wrong number of arguments",
            ));
        }
        let need = nb + callee.frame;
        if self.stack.len() < need {
            self.stack.resize(need, Value::Null);
        }
        swap_slices(&mut self.stack[nb..nb + args.len()], args);
        for &(outer, inner) in &clo.captures {
            let v = self.stack[base + outer as usize].clone();
            self.stack[nb + inner as usize] = v;
        }
        let r = self.exec(prog, callee, nb);
        swap_slices(&mut self.stack[nb..nb + args.len()], args);
        let v = r?;
        Ok(match &clo.ret_conv {
            Some(c) => c.apply(v),
            None => v,
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
        if args.len() != callee.nparams {
            return Err(internal(
                "closure called with the wrong number of arguments",
            ));
        }
        if let Some(site) = callee.direct {
            if clo.param_convs.iter().all(Option::is_none) {
                return self.call_direct(prog, callee, site, clo, nb, args);
            }
        }
        let need = nb + callee.frame;
        if self.stack.len() < need {
            self.stack.resize(need, Value::Null);
        }
        let params = &mut self.stack[nb..nb + args.len()];
        for (i, (p, a)) in params.iter_mut().zip(args).enumerate() {
            *p = match clo.param_convs.get(i).and_then(|c| c.as_ref()) {
                Some(c) => c.apply(a.clone()),
                None => a.clone(),
            };
        }
        for &(outer, inner) in &clo.captures {
            let v = self.stack[base + outer as usize].clone();
            self.stack[nb + inner as usize] = v;
        }
        let v = self.exec(prog, callee, nb)?;
        Ok(match &clo.ret_conv {
            Some(c) => c.apply(v),
            None => v,
        })
    }

    /// Calls a closure that the compiler found forwards its parameters to a library
    /// function and needs no conversions of them (see [`Func::direct`]).
    #[inline]
    fn call_forwarder(
        &mut self,
        prog: &Compiled,
        clo: &Closure,
        nb: usize,
        args: &[Value],
    ) -> Result<Value, PfaError> {
        let callee = prog
            .funcs
            .get(clo.func)
            .ok_or_else(|| internal("bad closure"))?;
        match callee.direct {
            Some(site) if args.len() == callee.nparams => {
                self.call_direct(prog, callee, site, clo, nb, args)
            }
            _ => Err(internal(
                "closure called with the wrong number of arguments",
            )),
        }
    }

    /// Runs `callee`, a function that only passes its parameters on to a library
    /// function, by calling that function with the arguments as they are: the same
    /// result, depth count, clock check and error position as running its code.
    #[inline(always)]
    fn call_direct(
        &mut self,
        prog: &Compiled,
        callee: &Func,
        site: u32,
        clo: &Closure,
        nb: usize,
        args: &[Value],
    ) -> Result<Value, PfaError> {
        self.forward(prog, callee, site, clo, |m, s| {
            (s.f)(
                &mut NativeHost {
                    m,
                    prog,
                    site: s,
                    base: nb,
                    frame: callee.frame,
                },
                args,
            )
        })
    }

    /// The accounting of a call of `callee`, which forwards to call site `site`,
    /// around `run`, which does the library function's work.
    #[inline(always)]
    fn forward(
        &mut self,
        prog: &Compiled,
        callee: &Func,
        site: u32,
        clo: &Closure,
        run: impl FnOnce(&mut Core, &NativeSite) -> Result<Value, PfaError>,
    ) -> Result<Value, PfaError> {
        let s = prog
            .sites
            .get(site as usize)
            .ok_or_else(|| internal("bad call site"))?;
        if self.depth >= MAX_DEPTH {
            return Err(too_deep(callee));
        }
        self.tick()?;
        self.depth += 1;
        let r = run(self, s);
        self.depth -= 1;
        let v = r.map_err(|e| locate(fcn_error(e, s), prog, callee, 0))?;
        Ok(match &clo.ret_conv {
            Some(c) => c.apply(v),
            None => v,
        })
    }

    fn save_rollback(&self, prog: &Compiled) -> Option<state::Saved> {
        if !prog.has_rollback {
            return None;
        }
        state::Saved::take(prog, &self.cells, &self.pools)
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
    m: &'a mut Core,
    prog: &'a Compiled,
    site: &'a NativeSite,
    base: usize,
    frame: usize,
}

impl<'a> NativeHost<'a> {
    fn fcn_arg(&self, i: usize) -> Result<&'a FcnArg, PfaError> {
        self.site
            .closures
            .iter()
            .find(|f| f.pos == i)
            .ok_or_else(|| internal("argument is not a function"))
    }
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
        let f = self.fcn_arg(i)?;
        if f.direct {
            self.m
                .call_forwarder(self.prog, &f.clo, self.base + self.frame, args)
        } else {
            self.m
                .call_closure(self.prog, &f.clo, self.base, self.frame, args)
        }
    }

    fn call_fcn_mut(&mut self, i: usize, args: &mut [Value]) -> Result<Value, PfaError> {
        let f = self.fcn_arg(i)?;
        if f.direct {
            self.m
                .call_forwarder(self.prog, &f.clo, self.base + self.frame, args)
        } else if f.lend {
            self.m
                .call_closure_lent(self.prog, &f.clo, self.base, self.frame, args)
        } else {
            self.m
                .call_closure(self.prog, &f.clo, self.base, self.frame, args)
        }
    }

    fn fcn_forwards_to(&self, i: usize) -> Option<NativeFn> {
        let f = self.fcn_arg(i).ok()?;
        if !f.direct {
            return None;
        }
        let site = self.prog.funcs.get(f.clo.func)?.direct?;
        Some(self.prog.sites.get(site as usize)?.f)
    }

    fn call_fcn_inline(
        &mut self,
        i: usize,
        f: &mut dyn FnMut() -> Result<Value, PfaError>,
    ) -> Result<Value, PfaError> {
        let a = self.fcn_arg(i)?;
        let callee = self
            .prog
            .funcs
            .get(a.clo.func)
            .ok_or_else(|| internal("bad closure"))?;
        match callee.direct {
            Some(site) if a.direct => self.m.forward(self.prog, callee, site, &a.clo, |_, _| f()),
            _ => Err(internal(
                "function argument does not forward to a library function",
            )),
        }
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

/// An address in the current native stack frame.
#[inline(always)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// The lowest native stack address usable before a new segment is needed; where the
/// stack's extent is unknown, one so high that every call asks `stacker`.
fn stack_floor() -> usize {
    match stacker::remaining_stack() {
        Some(r) => stack_address().saturating_sub(r),
        None => usize::MAX - STACK_RED_ZONE,
    }
}

/// Fails once the deadline has passed.
#[inline(never)]
fn clock(deadline: Option<(Instant, u64)>) -> Result<(), PfaError> {
    if let Some((t, ms)) = deadline {
        if Instant::now() >= t {
            return Err(PfaError::Timeout { ms });
        }
    }
    Ok(())
}

/// The error for a call beyond [`MAX_DEPTH`].
#[cold]
fn too_deep(func: &Func) -> PfaError {
    PfaError::runtime(
        RECURSION_CODE,
        format!(
            "recursion depth limit of {MAX_DEPTH} exceeded (calling {})",
            func.name
        ),
    )
}

/// Names the library function in a runtime error that does not name one yet.
fn fcn_error(e: PfaError, s: &NativeSite) -> PfaError {
    match e {
        PfaError::Runtime(mut r) => {
            if r.fcn.is_none() {
                r.fcn = Some(s.site.name.clone());
            }
            PfaError::Runtime(r)
        }
        other => other,
    }
}

/// Exchanges the values of two slices of the same length.
#[inline]
fn swap_slices(a: &mut [Value], b: &mut [Value]) {
    for (x, y) in a.iter_mut().zip(b.iter_mut()) {
        std::mem::swap(x, y);
    }
}

/// Moves a native's argument out of its slot (a function argument is a null).
#[inline(always)]
fn take_arg(stack: &mut [Value], base: usize, a: ArgSlot) -> Value {
    match a {
        ArgSlot::Keep(s) | ArgSlot::Take(s) => {
            std::mem::replace(&mut stack[base + s as usize], Value::Null)
        }
        ArgSlot::Fcn => Value::Null,
    }
}

// Writes of scalar results: when the slot already holds a scalar of the same type (as
// in a loop), it is updated in place, without dropping the old value.
#[inline(always)]
fn put_int(slot: &mut Value, x: i32) {
    if let Value::Int(v) = slot {
        *v = x;
    } else {
        *slot = Value::Int(x);
    }
}

#[inline(always)]
fn put_long(slot: &mut Value, x: i64) {
    if let Value::Long(v) = slot {
        *v = x;
    } else {
        *slot = Value::Long(x);
    }
}

#[inline(always)]
fn put_float(slot: &mut Value, x: f32) {
    if let Value::Float(v) = slot {
        *v = x;
    } else {
        *slot = Value::Float(x);
    }
}

#[inline(always)]
fn put_double(slot: &mut Value, x: f64) {
    if let Value::Double(v) = slot {
        *v = x;
    } else {
        *slot = Value::Double(x);
    }
}

#[inline(always)]
fn put_bool(slot: &mut Value, x: bool) {
    if let Value::Boolean(v) = slot {
        *v = x;
    } else {
        *slot = Value::Boolean(x);
    }
}

// Doubles compare in the total order that `cmp` and sorting use (NaN equals NaN and is
// above every number), so an operator gives the same answer whether it is compiled
// inline or called through a function reference.

/// `x < y` in the total order.
#[inline(always)]
fn lt_d(x: f64, y: f64) -> bool {
    x < y || (y.is_nan() && !x.is_nan())
}

/// `x == y` in the total order.
#[inline(always)]
fn eq_d(x: f64, y: f64) -> bool {
    x == y || (x.is_nan() && y.is_nan())
}

/// How the inner dispatch loop was left.
enum Exit {
    /// `Return` with this value.
    Return(Value),
    /// An instruction that needs the whole machine.
    Slow(Instr),
    /// The tick counter ran out: time to look at the clock.
    Tick,
    /// A failure detected by the loop itself.
    Trap(Trap),
    /// A failure reported by an operation.
    Error(PfaError),
}

/// Failures detected by the dispatch loop, small enough to pass around for free.
#[derive(Clone, Copy)]
enum Trap {
    /// Operands of the wrong types (an engine bug).
    Operands,
    /// Integer overflow.
    Overflow,
    /// A condition that is not a boolean (an engine bug).
    NotBoolean,
    /// A loop item out of range or not in an array (an engine bug).
    Item,
    /// A jump outside the function (an engine bug).
    PcOutOfRange,
}

impl Trap {
    #[cold]
    #[inline(never)]
    /// The error, given the failing instruction.
    fn error(self, ins: Option<&Instr>) -> PfaError {
        match self {
            Trap::Operands => match ins {
                Some(ins) => internal(&format!("operands of {ins:?} have the wrong types")),
                None => internal("operands of the wrong types"),
            },
            Trap::Overflow => {
                let (code, msg, fcn) = match ins {
                    Some(Instr::AddI { .. }) => (18000, "int overflow", "+"),
                    Some(Instr::SubI { .. }) => (18010, "int overflow", "-"),
                    Some(Instr::MulI { .. }) => (18020, "int overflow", "*"),
                    Some(Instr::AddL { .. }) => (18001, "long overflow", "+"),
                    Some(Instr::SubL { .. }) => (18011, "long overflow", "-"),
                    Some(Instr::MulL { .. }) => (18021, "long overflow", "*"),
                    _ => return internal("overflow in an instruction that cannot overflow"),
                };
                PfaError::Runtime(RuntimeError {
                    code,
                    message: msg.to_string(),
                    fcn: Some(fcn.to_string()),
                    loc: None,
                })
            }
            Trap::NotBoolean => internal("condition is not boolean"),
            Trap::Item => internal("loop index out of range"),
            Trap::PcOutOfRange => internal("pc out of range"),
        }
    }
}

/// `frame[dst] = path from frame[src]`.
#[inline(never)]
fn path_into(
    prog: &Compiled,
    frame: &mut [Value],
    dst: u16,
    src: u16,
    path: u32,
) -> Result<(), PfaError> {
    let spec = prog
        .paths
        .get(path as usize)
        .ok_or_else(|| internal("bad path"))?;
    let v = ops::get_path(&frame[src as usize], spec, frame)?;
    frame[dst as usize] = v;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::engine::{LoadOptions, Program};
    use crate::value::Value;

    /// Recursion close to the depth limit, through user calls and library callbacks,
    /// on a thread with a small native stack: the stack grows instead of overflowing.
    #[test]
    fn deep_recursion_on_a_small_stack() {
        let doc = r#"{"input": "int", "output": "int", "action": [{"u.down": ["input"]}],
            "fcns": {"down": {"params": [{"n": "int"}], "ret": "int",
                "do": {"if": {"<=": ["n", 0]}, "then": 0,
                       "else": {"a.sum": [{"a.map": [
                           {"new": [{"-": ["n", 1]}], "type": {"type": "array", "items": "int"}},
                           {"fcn": "u.down"}]}]}}}}}"#;
        let run = move || {
            let p = Program::from_str(doc, &LoadOptions::default()).expect("loads");
            let mut e = p.engine().expect("engine");
            let ok = e.action(Value::Int(120)).expect("within the limit");
            let too_deep = e.action(Value::Int(1000)).map_err(|e| e.to_string());
            (ok, too_deep)
        };
        let (ok, too_deep) = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(run)
            .expect("thread")
            .join()
            .expect("no overflow");
        assert!(matches!(ok, Value::Int(0)));
        assert!(too_deep.is_err());
    }

    fn run_one(doc: &str, input: serde_json::Value) -> Result<serde_json::Value, crate::PfaError> {
        let p = Program::from_str(doc, &LoadOptions::default()).expect("loads");
        let mut e = p.engine().expect("engine");
        let style = crate::value::json::JsonStyle::Avro;
        let v = p.input_from_json(&input, style).expect("input");
        e.action(v).map(|v| p.output_to_json(&v, style))
    }

    /// A test function that reassigns its parameter gets copies, not the walk's own
    /// values: the datum seen at the second level is still the input.
    #[test]
    fn callbacks_that_assign_parameters_get_copies() {
        let doc = r#"{"input": {"type": "record", "name": "In", "fields": [{"name": "x", "type": "double"}]},
          "output": "string",
          "cells": {"tree": {"type": {"type": "record", "name": "N", "fields": [
              {"name": "v", "type": "double"}, {"name": "pass", "type": ["string", "N"]},
              {"name": "fail", "type": ["string", "N"]}]},
            "init": {"v": 0.5, "pass": {"N": {"v": 0.9, "pass": {"string": "A"}, "fail": {"string": "B"}}},
                     "fail": {"string": "C"}}}},
          "action": [{"model.tree.simpleWalk": ["input", {"cell": "tree"},
            {"params": [{"d": "In"}, {"t": "N"}], "ret": "boolean",
             "do": [{"let": {"r": {">": ["d.x", "t.v"]}}},
                    {"set": {"d": {"new": {"x": 100.0}, "type": "In"}}}, "r"]}]}]}"#;
        let out = run_one(doc, serde_json::json!({"x": 0.7})).expect("runs");
        assert_eq!(out, serde_json::json!("B"));
    }

    /// Library arguments that are symbols are passed without copies, except where that
    /// would change what the call sees.
    #[test]
    fn symbol_arguments_keep_their_meaning() {
        // Captured by the function argument of the same call.
        let doc = r#"{"input": {"type": "array", "items": "int"}, "output": {"type": "array", "items": "int"},
          "action": [{"a.map": ["input", {"params": [{"i": "int"}], "ret": "int",
                                          "do": {"+": ["i", {"a.len": ["input"]}]}}]}]}"#;
        let out = run_one(doc, serde_json::json!([1, 2, 3])).expect("runs");
        assert_eq!(out, serde_json::json!([4, 5, 6]));
        // The same symbol twice.
        let doc = r#"{"input": "int", "output": "int", "action": [{"max": ["input", "input"]}]}"#;
        assert_eq!(
            run_one(doc, serde_json::json!(5)).expect("runs"),
            serde_json::json!(5)
        );
    }

    /// A function that only forwards its parameters to a library function is called
    /// straight through, with the same error code, function name and position.
    #[test]
    fn forwarding_functions_fail_like_their_code() {
        let doc = r#"{"input": {"type": "array", "items": "int"}, "output": {"type": "array", "items": "int"},
          "action": [{"a.zipmap": ["input", "input", {"fcn": "u.div"}]}],
          "fcns": {"div": {"params": [{"a": "int"}, {"b": "int"}], "ret": "int", "do": {"//": ["a", "b"]}}}}"#;
        assert_eq!(
            run_one(doc, serde_json::json!([2, 3])).expect("runs"),
            serde_json::json!([1, 1])
        );
        match run_one(doc, serde_json::json!([2, 0])) {
            Err(crate::PfaError::Runtime(r)) => {
                assert_eq!(r.code, 18040);
                assert_eq!(r.fcn.as_deref(), Some("//"));
                assert!(r.loc.is_some());
            }
            other => panic!("expected a runtime error, got {other:?}"),
        }
    }

    /// `foreach` runs over the array as it was at the start, also when the body
    /// assigns the symbol holding it; `forkey`/`forval` see every entry once.
    #[test]
    fn loops_over_collections() {
        let doc = r#"{"input": {"type": "array", "items": "int"}, "output": "int", "action": [
          {"let": {"xs": "input", "n": 0}},
          {"foreach": "x", "in": "xs", "seq": true, "do": [
            {"set": {"xs": {"new": [], "type": {"type": "array", "items": "int"}}}},
            {"set": {"n": {"+": [{"*": ["n", 10]}, "x"]}}}]},
          {"foreach": "x", "in": "input", "seq": true, "do": {"set": {"n": {"+": ["n", "x"]}}}},
          "n"]}"#;
        assert_eq!(
            run_one(doc, serde_json::json!([1, 2, 3])).expect("runs"),
            serde_json::json!(129)
        );
        let doc = r#"{"input": {"type": "map", "values": "string"}, "output": "string", "action": [
          {"let": {"s": {"string": ""}}},
          {"forkey": "k", "forval": "v", "in": "input", "do":
            {"set": {"s": {"s.concat": ["s", {"s.concat": ["k", "v"]}]}}}},
          "s"]}"#;
        assert_eq!(
            run_one(doc, serde_json::json!({"a": "1", "b": "22"})).expect("runs"),
            serde_json::json!("a1b22")
        );
    }

    /// A tree walk whose test function only forwards to the numeric `simpleTest` runs
    /// the test in place: the same results and errors as a walk through any other
    /// test function.
    #[test]
    fn tree_walk_with_inline_test_matches_the_called_test() {
        let doc = |test: &str| {
            format!(
                r#"{{"input": {{"type": "record", "name": "D", "fields": [
                    {{"name": "a", "type": "double"}}, {{"name": "b", "type": "int"}}]}},
                  "output": "string",
                  "cells": {{"tree": {{"type": {{"type": "record", "name": "T", "fields": [
                      {{"name": "field", "type": {{"type": "enum", "name": "F", "symbols": ["a", "b"]}}}},
                      {{"name": "operator", "type": "string"}}, {{"name": "value", "type": "double"}},
                      {{"name": "pass", "type": ["string", "T"]}}, {{"name": "fail", "type": ["string", "T"]}}]}},
                    "init": {{"field": "a", "operator": "<", "value": 0.5,
                      "pass": {{"T": {{"field": "b", "operator": ">=", "value": 2,
                                      "pass": {{"string": "ab"}}, "fail": {{"string": "aB"}}}}}},
                      "fail": {{"T": {{"field": "b", "operator": "bogus", "value": 1,
                                      "pass": {{"string": "x"}}, "fail": {{"string": "y"}}}}}}}}}}}},
                  "action": [{{"model.tree.simpleWalk": ["input", {{"cell": "tree"}},
                    {{"params": [{{"d": "D"}}, {{"t": "T"}}], "ret": "boolean", "do": {test}}}]}}]}}"#
            )
        };
        let inline = doc(r#"{"model.tree.simpleTest": ["d", "t"]}"#);
        let called = doc(r#"[{"let": {"r": {"model.tree.simpleTest": ["d", "t"]}}}, "r"]"#);
        for input in [
            serde_json::json!({"a": 0.2, "b": 3}),
            serde_json::json!({"a": 0.2, "b": 1}),
            serde_json::json!({"a": 0.9, "b": 1}),
        ] {
            let x = run_one(&inline, input.clone());
            let y = run_one(&called, input.clone());
            match (x, y) {
                (Ok(x), Ok(y)) => assert_eq!(x, y),
                (Err(crate::PfaError::Runtime(x)), Err(crate::PfaError::Runtime(y))) => {
                    assert_eq!((x.code, &x.message, &x.fcn), (y.code, &y.message, &y.fcn));
                    assert_eq!(x.code, 32000);
                    assert!(x.loc.is_some() && y.loc.is_some());
                }
                (x, y) => panic!("{input}: {x:?} vs {y:?}"),
            }
        }
    }
}
