//! Matching: POSIX leftmost-longest matches, then group assignment.
//!
//! - Without back-references the overall match comes from a Pike VM over the NFA that
//!   keeps, per instruction, the thread with the earliest start, and records the
//!   earliest start and, for it, the latest end: linear in haystack × pattern.
//! - Groups are assigned afterwards, within the known match `[s, e]`, by a backtracker
//!   that takes the first path in preference order (earlier alternative, one more
//!   iteration) ending exactly at `e`, with a visited set over (instruction, position)
//!   so that it is linear too. This is what glibc's `regexec` reports as well: a
//!   repeated group holds its last iteration; an empty iteration of an optional group
//!   that matched before does not overwrite it (`(a|)*` on `aa` gives group 1 = `a`).
//! - With back-references, matching depends on captured text, so the overall match is
//!   an exhaustive search per start position over (instruction, position, captures of
//!   referenced groups), with a step budget. Such patterns are NP-hard in general; the
//!   budget turns a pathological case into an error instead of a hang.

use std::collections::HashSet;

use super::prog::{Inst, Prog};
use super::syntax::{is_word, Look};

/// A unit of a haystack: a code point or a byte.
pub(crate) trait Unit: Copy {
    /// The unit's value.
    fn code(self) -> u32;
}

impl Unit for u8 {
    fn code(self) -> u32 {
        u32::from(self)
    }
}

impl Unit for char {
    fn code(self) -> u32 {
        u32::from(self)
    }
}

/// A match or group: `[start, end)` in units.
pub(crate) type Span = (usize, usize);

/// A search gave up: the backtracking budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TooComplex;

/// Backtracking steps allowed per searcher (one library call), plus [`STEPS_PER_UNIT`]
/// for each unit of the haystack, so that long haystacks with simple back-references
/// still get through while an exponential pattern stops within about a second.
const STEP_BUDGET: u64 = 10_000_000;

/// Additional backtracking steps allowed per haystack unit.
const STEPS_PER_UNIT: u64 = 200;

/// Largest visited bitset, in bits, before falling back to a hash set.
const MAX_BITS: usize = 1 << 28;

const NONE: usize = usize::MAX;

/// Searches one haystack with one program; reuses its buffers across searches.
pub(crate) struct Searcher<'a, U> {
    prog: &'a Prog,
    hay: &'a [U],
    clist: Threads,
    nlist: Threads,
    stack: Vec<usize>,
    budget: u64,
}

/// A sparse set of instructions with the start position of each thread.
struct Threads {
    dense: Vec<usize>,
    sparse: Vec<usize>,
    start: Vec<usize>,
}

impl Threads {
    fn new(n: usize) -> Threads {
        Threads {
            dense: Vec::with_capacity(n),
            sparse: vec![0; n],
            start: vec![0; n],
        }
    }

    fn contains(&self, pc: usize) -> bool {
        self.sparse
            .get(pc)
            .and_then(|&i| self.dense.get(i))
            .is_some_and(|&d| d == pc)
    }

    fn insert(&mut self, pc: usize, start: usize) {
        if let (Some(sp), Some(st)) = (self.sparse.get_mut(pc), self.start.get_mut(pc)) {
            *sp = self.dense.len();
            *st = start;
            self.dense.push(pc);
        }
    }
}

impl<'a, U: Unit> Searcher<'a, U> {
    /// A searcher for `prog` over `hay`.
    pub(crate) fn new(prog: &'a Prog, hay: &'a [U]) -> Self {
        let n = if prog.backrefs { 0 } else { prog.insts.len() };
        Searcher {
            prog,
            hay,
            clist: Threads::new(n),
            nlist: Threads::new(n),
            stack: Vec::new(),
            budget: STEP_BUDGET.saturating_add(STEPS_PER_UNIT.saturating_mul(hay.len() as u64)),
        }
    }

    /// Sets the remaining backtracking budget (tests use small ones).
    #[cfg(test)]
    pub(super) fn set_budget(&mut self, steps: u64) {
        self.budget = steps;
    }

    /// The leftmost-longest match starting at or after `from`, not counting an empty
    /// match at `forbid` (the end of the previous match, when iterating).
    pub(crate) fn find(
        &mut self,
        from: usize,
        forbid: Option<usize>,
    ) -> Result<Option<Span>, TooComplex> {
        if from > self.hay.len() {
            return Ok(None);
        }
        if self.prog.backrefs {
            self.find_backtrack(from, forbid)
        } else {
            Ok(self.find_pike(from, forbid))
        }
    }

    /// Every match, left to right, without overlaps. An empty match directly after the
    /// previous match is skipped, as `sed 's/x*/-/g'` does (`axb` gives `-a-b-`).
    pub(crate) fn find_all(&mut self) -> Result<Vec<Span>, TooComplex> {
        let mut out = Vec::new();
        let mut from = 0;
        let mut forbid = None;
        while let Some((s, e)) = self.find(from, forbid)? {
            out.push((s, e));
            from = e;
            forbid = Some(e);
        }
        Ok(out)
    }

    /// The groups of match `m` (index 0 is `m` itself); `None` for a group that did
    /// not participate.
    pub(crate) fn groups(&mut self, m: Span) -> Result<Vec<Option<Span>>, TooComplex> {
        let mut bt = Backtrack::new(self.prog, m.0, m.1, true);
        match bt.run(self.hay, m.0, &mut self.budget)? {
            Found::Path(mut caps) => {
                if let Some(c) = caps.get_mut(0) {
                    *c = Some(m);
                }
                Ok(caps)
            }
            // Cannot happen for a span that `find` returned; report the whole match only.
            _ => {
                let mut caps = vec![None; self.prog.groups + 1];
                if let Some(c) = caps.get_mut(0) {
                    *c = Some(m);
                }
                Ok(caps)
            }
        }
    }

    fn find_pike(&mut self, from: usize, forbid: Option<usize>) -> Option<Span> {
        let prog = self.prog;
        let hay = self.hay;
        let n = hay.len();
        self.clist.dense.clear();
        let mut best: Option<Span> = None;
        let mut p = from;
        loop {
            if best.is_none() {
                add_thread(prog, hay, &mut self.clist, &mut self.stack, 0, p, p);
            }
            if self.clist.dense.is_empty() {
                if best.is_some() || p >= n {
                    break;
                }
                p += 1;
                continue;
            }
            self.nlist.dense.clear();
            let unit = hay.get(p).map(|u| u.code());
            for i in 0..self.clist.dense.len() {
                let Some(&pc) = self.clist.dense.get(i) else {
                    break;
                };
                let st = self.clist.start.get(pc).copied().unwrap_or(NONE);
                if best.is_some_and(|(bs, _)| st > bs) {
                    continue;
                }
                match prog.insts.get(pc) {
                    Some(Inst::Match) => {
                        let allowed = !(forbid == Some(p) && st == p);
                        let better = match best {
                            None => true,
                            Some((bs, be)) => st < bs || (st == bs && p > be),
                        };
                        if allowed && better {
                            best = Some((st, p));
                        }
                    }
                    Some(inst) if unit.is_some_and(|u| consumes(prog, inst, u)) => {
                        add_thread(
                            prog,
                            hay,
                            &mut self.nlist,
                            &mut self.stack,
                            pc + 1,
                            st,
                            p + 1,
                        );
                    }
                    _ => {}
                }
            }
            std::mem::swap(&mut self.clist, &mut self.nlist);
            if p >= n {
                break;
            }
            p += 1;
        }
        best
    }

    /// The backtracking search, also for patterns without back-references (tests compare
    /// it with the Pike VM).
    #[cfg(test)]
    pub(super) fn find_exhaustive(
        &mut self,
        from: usize,
        forbid: Option<usize>,
    ) -> Result<Option<Span>, TooComplex> {
        self.find_backtrack(from, forbid)
    }

    fn find_backtrack(
        &mut self,
        from: usize,
        forbid: Option<usize>,
    ) -> Result<Option<Span>, TooComplex> {
        // States visited from an earlier start that found nothing lead to nothing from a
        // later one either (positions only grow), so one visited set serves all starts.
        let mut bt = Backtrack::new(self.prog, from, self.hay.len(), false);
        for s in from..=self.hay.len() {
            bt.forbid = forbid.filter(|&f| f == s);
            if let Found::End(e) = bt.run(self.hay, s, &mut self.budget)? {
                return Ok(Some((s, e)));
            }
        }
        Ok(None)
    }
}

/// Whether a consuming instruction accepts unit `u`.
fn consumes(prog: &Prog, inst: &Inst, u: u32) -> bool {
    match inst {
        Inst::Unit(c) => *c == u,
        Inst::Any => true,
        Inst::Class(i) => prog
            .classes
            .get(*i)
            .is_some_and(|c| c.matches(u, prog.mode)),
        _ => false,
    }
}

/// Whether assertion `l` holds at position `p`.
fn look<U: Unit>(prog: &Prog, hay: &[U], l: Look, p: usize) -> bool {
    let word = |i: Option<usize>| {
        i.and_then(|i| hay.get(i))
            .is_some_and(|u| is_word(u.code(), prog.mode))
    };
    let before = word(p.checked_sub(1));
    let after = word(Some(p));
    match l {
        Look::Start => p == 0,
        Look::End => p == hay.len(),
        Look::WordBoundary => before != after,
        Look::NotWordBoundary => before == after,
        Look::WordStart => !before && after,
        Look::WordEnd => before && !after,
    }
}

/// Adds the thread at `pc` (start `start`, position `pos`) and its epsilon closure.
/// Instructions already present keep their earlier-start thread.
fn add_thread<U: Unit>(
    prog: &Prog,
    hay: &[U],
    list: &mut Threads,
    stack: &mut Vec<usize>,
    pc: usize,
    start: usize,
    pos: usize,
) {
    stack.clear();
    stack.push(pc);
    while let Some(pc) = stack.pop() {
        if list.contains(pc) {
            continue;
        }
        list.insert(pc, start);
        match prog.insts.get(pc) {
            Some(Inst::Jmp(x)) => stack.push(*x),
            Some(Inst::Split(x, y)) => {
                stack.push(*y);
                stack.push(*x);
            }
            Some(Inst::Open(_) | Inst::Close(..)) => stack.push(pc + 1),
            Some(Inst::Look(l)) if look(prog, hay, *l, pos) => stack.push(pc + 1),
            _ => {}
        }
    }
}

/// Outcome of one backtracking run.
enum Found {
    /// Group assignment of the first path ending at the target.
    Path(Vec<Option<Span>>),
    /// Latest end reachable (exhaustive mode).
    End(usize),
    /// No path.
    Nothing,
}

enum Job {
    Explore(usize, usize),
    RestoreCap(usize, Option<Span>),
    RestoreOpen(usize, usize, Option<Span>),
}

/// Visited states: (instruction, position) in a bitset, or the full state (with the
/// captures that back-references can see) in a hash set.
enum Visited {
    Bits {
        lo: usize,
        width: usize,
        bits: Vec<u64>,
    },
    Hash(HashSet<Box<[usize]>>),
}

/// A backtracking run. In path mode it stops at the first path reaching `Match` exactly
/// at `target`; in exhaustive mode it explores everything and reports the latest end.
struct Backtrack<'p> {
    prog: &'p Prog,
    path_mode: bool,
    target: usize,
    forbid: Option<usize>,
    caps: Vec<Option<Span>>,
    open: Vec<usize>,
    snap: Vec<Option<Span>>,
    visited: Visited,
    jobs: Vec<Job>,
    key: Vec<usize>,
}

impl<'p> Backtrack<'p> {
    /// A run over positions `[lo, hi]`.
    fn new(prog: &'p Prog, lo: usize, hi: usize, path_mode: bool) -> Self {
        let width = hi.saturating_sub(lo).saturating_add(1);
        let bits = prog.insts.len().saturating_mul(width);
        let visited = if !prog.backrefs && bits <= MAX_BITS {
            Visited::Bits {
                lo,
                width,
                bits: vec![0; bits.div_ceil(64)],
            }
        } else {
            Visited::Hash(HashSet::new())
        };
        let g = prog.groups + 1;
        Backtrack {
            prog,
            path_mode,
            target: hi,
            forbid: None,
            caps: vec![None; g],
            open: vec![NONE; g],
            snap: vec![None; g],
            visited,
            jobs: Vec::new(),
            key: Vec::new(),
        }
    }

    /// Marks (pc, pos) visited; false if it already was.
    fn visit(&mut self, pc: usize, pos: usize) -> bool {
        match &mut self.visited {
            Visited::Bits { lo, width, bits } => {
                let i = pc * *width + (pos - *lo);
                match bits.get_mut(i / 64) {
                    Some(word) => {
                        let bit = 1u64 << (i % 64);
                        let fresh = *word & bit == 0;
                        *word |= bit;
                        fresh
                    }
                    None => false,
                }
            }
            Visited::Hash(set) => {
                self.key.clear();
                self.key.push(pc);
                self.key.push(pos);
                if self.prog.backrefs {
                    for (g, &r) in self.prog.referenced.iter().enumerate() {
                        if r {
                            let c = self.caps.get(g).copied().flatten();
                            let s = self.snap.get(g).copied().flatten();
                            self.key.push(self.open.get(g).copied().unwrap_or(NONE));
                            self.key.push(c.map_or(NONE, |c| c.0));
                            self.key.push(c.map_or(NONE, |c| c.1));
                            self.key.push(s.map_or(NONE, |s| s.0));
                            self.key.push(s.map_or(NONE, |s| s.1));
                        }
                    }
                }
                if set.contains(self.key.as_slice()) {
                    false
                } else {
                    set.insert(self.key.clone().into_boxed_slice());
                    true
                }
            }
        }
    }

    fn run<U: Unit>(
        &mut self,
        hay: &[U],
        start: usize,
        budget: &mut u64,
    ) -> Result<Found, TooComplex> {
        let prog = self.prog;
        let limit = if self.path_mode {
            self.target
        } else {
            hay.len()
        };
        let mut best: Option<usize> = None;
        for c in self.caps.iter_mut() {
            *c = None;
        }
        self.jobs.clear();
        self.jobs.push(Job::Explore(0, start));
        while let Some(job) = self.jobs.pop() {
            let (mut pc, mut pos) = match job {
                Job::RestoreCap(g, v) => {
                    if let Some(c) = self.caps.get_mut(g) {
                        *c = v;
                    }
                    continue;
                }
                Job::RestoreOpen(g, o, s) => {
                    if let (Some(op), Some(sn)) = (self.open.get_mut(g), self.snap.get_mut(g)) {
                        *op = o;
                        *sn = s;
                    }
                    continue;
                }
                Job::Explore(pc, pos) => (pc, pos),
            };
            loop {
                *budget = budget.checked_sub(1).ok_or(TooComplex)?;
                if pos > limit {
                    break;
                }
                let Some(inst) = prog.insts.get(pc) else {
                    break;
                };
                if !self.visit(pc, pos) {
                    // Back at a split without having consumed anything: a repetition
                    // whose body matched empty. Leave the loop with that iteration's
                    // groups rather than dropping the path, as glibc does (`(a*)*` on
                    // `b` sets group 1 to the empty iteration).
                    match inst {
                        Inst::Split(_, y) => {
                            pc = *y;
                            continue;
                        }
                        _ => break,
                    }
                }
                match inst {
                    Inst::Unit(_) | Inst::Any | Inst::Class(_) => match hay.get(pos) {
                        Some(u) if pos < limit && consumes(prog, inst, u.code()) => {
                            pc += 1;
                            pos += 1;
                        }
                        _ => break,
                    },
                    Inst::Look(l) => {
                        if !look(prog, hay, *l, pos) {
                            break;
                        }
                        pc += 1;
                    }
                    Inst::Split(x, y) => {
                        self.jobs.push(Job::Explore(*y, pos));
                        pc = *x;
                    }
                    Inst::Jmp(x) => pc = *x,
                    Inst::Open(g) => {
                        let g = *g as usize;
                        let old_open = self.open.get(g).copied().unwrap_or(NONE);
                        let old_snap = self.snap.get(g).copied().flatten();
                        self.jobs.push(Job::RestoreOpen(g, old_open, old_snap));
                        let cur = self.caps.get(g).copied().flatten();
                        if let (Some(op), Some(sn)) = (self.open.get_mut(g), self.snap.get_mut(g)) {
                            *op = pos;
                            *sn = cur;
                        }
                        pc += 1;
                    }
                    Inst::Close(g, opt) => {
                        let g = *g as usize;
                        let old = self.caps.get(g).copied().flatten();
                        self.jobs.push(Job::RestoreCap(g, old));
                        let st = self.open.get(g).copied().unwrap_or(NONE);
                        let prev = self.snap.get(g).copied().flatten();
                        let value = if *opt && st == pos && prev.is_some() {
                            // An empty repetition of a group that matched before leaves it.
                            prev
                        } else if st == NONE {
                            None
                        } else {
                            Some((st, pos))
                        };
                        if let Some(c) = self.caps.get_mut(g) {
                            *c = value;
                        }
                        pc += 1;
                    }
                    Inst::Backref(g) => {
                        let Some((a, b)) = self.caps.get(*g as usize).copied().flatten() else {
                            break;
                        };
                        let len = b - a;
                        let end = pos + len;
                        let same = end <= limit
                            && match (hay.get(a..b), hay.get(pos..end)) {
                                (Some(x), Some(y)) => {
                                    x.iter().zip(y).all(|(p, q)| p.code() == q.code())
                                }
                                _ => false,
                            };
                        if !same {
                            break;
                        }
                        *budget = budget.saturating_sub(len as u64);
                        pos = end;
                        pc += 1;
                    }
                    Inst::Match => {
                        if self.path_mode {
                            if pos == self.target {
                                return Ok(Found::Path(self.caps.clone()));
                            }
                        } else if !(self.forbid == Some(pos) && pos == start)
                            && best.is_none_or(|b| pos > b)
                        {
                            best = Some(pos);
                        }
                        break;
                    }
                }
            }
        }
        Ok(match best {
            Some(e) => Found::End(e),
            None => Found::Nothing,
        })
    }
}
