//! Compilation of a syntax tree to a Thompson NFA program.
//!
//! Alternatives and repetitions become `Split` instructions whose first target is the
//! preferred one (earlier alternative, one more iteration), which fixes the order in
//! which the backtracker tries paths when it assigns groups. Bounded repetitions are
//! expanded (`e{2,4}` is `e e (e (e)?)?`); the program size is capped so that a pattern
//! like `(a{1000}){1000}` is rejected instead of exhausting memory.

use super::syntax::{parse, Class, Look, Mode, Node, SyntaxError};

/// Largest program accepted, in instructions.
const MAX_INSTS: usize = 200_000;

/// One NFA instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Inst {
    /// Consume this unit.
    Unit(u32),
    /// Consume any unit.
    Any,
    /// Consume a unit of `classes[i]`.
    Class(usize),
    /// Zero-width assertion.
    Look(Look),
    /// Continue at both targets, preferring the first.
    Split(usize, usize),
    /// Continue at the target.
    Jmp(usize),
    /// Group `g` starts here.
    Open(u32),
    /// Group `g` ends here; `opt` when the group is the direct operand of a repetition
    /// that may match it zero times (`(...)*`, `(...)?`, `(...){0,n}`).
    Close(u32, bool),
    /// Consume the text last captured by group `g`.
    Backref(u32),
    /// A match ends here.
    Match,
}

/// A compiled pattern.
#[derive(Debug)]
pub(crate) struct Prog {
    /// Instructions; execution starts at 0.
    pub(super) insts: Vec<Inst>,
    /// Character classes referred to by [`Inst::Class`].
    pub(super) classes: Vec<Class>,
    /// Number of capturing groups.
    pub(super) groups: usize,
    /// `referenced[g]`: some back-reference names group `g` (index 0 unused).
    pub(super) referenced: Vec<bool>,
    /// Whether the pattern has back-references (and needs the backtracking search).
    pub(super) backrefs: bool,
    /// Units of the pattern and haystacks.
    pub(super) mode: Mode,
}

/// Parses and compiles a pattern given as units.
pub(crate) fn compile(pattern: &[u32], mode: Mode) -> Result<Prog, SyntaxError> {
    let parsed = parse(pattern)?;
    let groups = parsed.groups as usize;
    let mut c = Compiler {
        insts: Vec::new(),
        classes: Vec::new(),
        referenced: vec![false; groups + 1],
    };
    c.node(&parsed.node, false)?;
    c.push(Inst::Match)?;
    let backrefs = c.referenced.iter().any(|&r| r);
    Ok(Prog {
        insts: c.insts,
        classes: c.classes,
        groups,
        referenced: c.referenced,
        backrefs,
        mode,
    })
}

struct Compiler {
    insts: Vec<Inst>,
    classes: Vec<Class>,
    referenced: Vec<bool>,
}

impl Compiler {
    fn push(&mut self, inst: Inst) -> Result<usize, SyntaxError> {
        if self.insts.len() >= MAX_INSTS {
            return Err(SyntaxError::TooComplex);
        }
        self.insts.push(inst);
        Ok(self.insts.len() - 1)
    }

    /// Points the `Split`/`Jmp` at `at` to `target` (second target for a split).
    fn patch(&mut self, at: usize, target: usize) {
        match self.insts.get_mut(at) {
            Some(Inst::Split(_, y)) => *y = target,
            Some(Inst::Jmp(x)) => *x = target,
            _ => {}
        }
    }

    /// Emits `node`. `opt`: a group here is the direct operand of an optional repetition.
    fn node(&mut self, node: &Node, opt: bool) -> Result<(), SyntaxError> {
        match node {
            Node::Empty => {}
            Node::Unit(u) => {
                self.push(Inst::Unit(*u))?;
            }
            Node::Any => {
                self.push(Inst::Any)?;
            }
            Node::Class(class) => {
                self.classes.push(class.clone());
                self.push(Inst::Class(self.classes.len() - 1))?;
            }
            Node::Look(l) => {
                self.push(Inst::Look(*l))?;
            }
            Node::Group(g, inner) => {
                self.push(Inst::Open(*g))?;
                self.node(inner, false)?;
                self.push(Inst::Close(*g, opt))?;
            }
            Node::Concat(items) => {
                for item in items {
                    self.node(item, false)?;
                }
            }
            Node::Alt(branches) => {
                // An empty alternative is tried last, whatever its place: glibc's NFA
                // links it to the node after the alternation, which it prefers least
                // (`(|b)?b*` on `b` gives group 1 = `b`).
                let (empty, nonempty): (Vec<&Node>, Vec<&Node>) =
                    branches.iter().partition(|b| matches!(b, Node::Empty));
                let branches: Vec<&Node> = nonempty
                    .into_iter()
                    .chain(empty.into_iter().take(1))
                    .collect();
                let mut jumps = Vec::new();
                for (i, branch) in branches.iter().enumerate() {
                    if i + 1 < branches.len() {
                        let split = self.push(Inst::Split(0, 0))?;
                        let here = self.insts.len();
                        if let Some(Inst::Split(x, _)) = self.insts.get_mut(split) {
                            *x = here;
                        }
                        self.node(branch, false)?;
                        jumps.push(self.push(Inst::Jmp(0))?);
                        let next = self.insts.len();
                        self.patch(split, next);
                    } else {
                        self.node(branch, false)?;
                    }
                }
                let end = self.insts.len();
                for j in jumps {
                    self.patch(j, end);
                }
            }
            Node::Repeat(inner, min, max) => self.repeat(inner, *min, *max)?,
            Node::Backref(g) => {
                if let Some(r) = self.referenced.get_mut(*g as usize) {
                    *r = true;
                }
                self.push(Inst::Backref(*g))?;
            }
        }
        Ok(())
    }

    fn repeat(&mut self, inner: &Node, min: u32, max: Option<u32>) -> Result<(), SyntaxError> {
        for _ in 0..min {
            self.node(inner, false)?;
        }
        match max {
            None => {
                // L: Split(body, out); body; Jmp L; out:
                let split = self.push(Inst::Split(0, 0))?;
                let body = self.insts.len();
                if let Some(Inst::Split(x, _)) = self.insts.get_mut(split) {
                    *x = body;
                }
                self.node(inner, true)?;
                self.push(Inst::Jmp(split))?;
                let out = self.insts.len();
                self.patch(split, out);
            }
            Some(max) => {
                // glibc's shape for the optional copies: `e{0,3}` is `(((e)? e)? e)?`, so
                // every split comes first and split j skips to just after copy j (the
                // last copy is the one kept when fewer are used). Only the first optional
                // copy counts as an optional group; later copies are duplicates that
                // glibc does not mark.
                // Each split's preferred target is the next instruction (the next split,
                // or the first copy after the last split).
                let mut splits = Vec::new();
                for _ in min..max {
                    let at = self.insts.len();
                    splits.push(self.push(Inst::Split(at + 1, 0))?);
                }
                // The split pushed last is the innermost, skipping the first copy.
                for (j, &split) in splits.iter().rev().enumerate() {
                    self.node(inner, j == 0)?;
                    let after = self.insts.len();
                    self.patch(split, after);
                }
            }
        }
        Ok(())
    }
}
