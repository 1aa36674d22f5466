//! The instruction set: one definition, used by the compiler and the dispatcher.

use std::fmt;

/// A frame slot index.
pub type Slot = u16;

/// Typed binary operators with dedicated instructions (the hot core of arithmetic and
/// comparison; everything else goes through native calls).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// int + (18000 on overflow)
    AddI,
    /// int - (18010)
    SubI,
    /// int * (18020)
    MulI,
    /// long + (18001)
    AddL,
    /// long - (18011)
    SubL,
    /// long * (18021)
    MulL,
    /// float +
    AddF,
    /// float -
    SubF,
    /// float *
    MulF,
    /// double +
    AddD,
    /// double -
    SubD,
    /// double *
    MulD,
    /// double /
    DivD,
    /// int comparisons
    LtI,
    /// <=
    LeI,
    /// >
    GtI,
    /// >=
    GeI,
    /// ==
    EqI,
    /// !=
    NeI,
    /// long comparisons
    LtL,
    /// <=
    LeL,
    /// >
    GtL,
    /// >=
    GeL,
    /// ==
    EqL,
    /// !=
    NeL,
    /// double comparisons
    LtD,
    /// <=
    LeD,
    /// >
    GtD,
    /// >=
    GeD,
    /// ==
    EqD,
    /// !=
    NeD,
}

/// Scalar numeric widenings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Widen {
    /// int to long
    IntLong,
    /// int to float
    IntFloat,
    /// int to double
    IntDouble,
    /// long to float
    LongFloat,
    /// long to double
    LongDouble,
    /// float to double
    FloatDouble,
}

impl BinOp {
    /// Whether this operator is a comparison (produces a boolean).
    pub fn is_comparison(self) -> bool {
        use BinOp::*;
        matches!(
            self,
            LtI | LeI
                | GtI
                | GeI
                | EqI
                | NeI
                | LtL
                | LeL
                | GtL
                | GeL
                | EqL
                | NeL
                | LtD
                | LeD
                | GtD
                | GeD
                | EqD
                | NeD
        )
    }
}

/// One VM instruction. Operands are frame slots; payloads live in side tables indexed
/// by `u32`, so instructions stay small and `Copy`. Typed operators, comparisons,
/// compare-and-branch and widenings each have their own variant, so running one costs
/// a single dispatch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Instr {
    /// `dst = consts[k]`
    Const { dst: Slot, k: u32 },
    /// `dst = src` (clone)
    Move { dst: Slot, src: Slot },
    /// `dst = a op b`: int +, error 18000 on overflow
    AddI { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: int -, error 18010 on overflow
    SubI { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: int *, error 18020 on overflow
    MulI { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: long +, error 18001 on overflow
    AddL { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: long -, error 18011 on overflow
    SubL { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: long *, error 18021 on overflow
    MulL { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: float +
    AddF { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: float -
    SubF { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: float *
    MulF { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: double +
    AddD { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: double -
    SubD { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: double *
    MulD { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: double /
    DivD { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: int <
    LtI { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: int <=
    LeI { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: int >
    GtI { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: int >=
    GeI { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: int ==
    EqI { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: int !=
    NeI { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: long <
    LtL { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: long <=
    LeL { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: long >
    GtL { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: long >=
    GeL { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: long ==
    EqL { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: long !=
    NeL { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: double <
    LtD { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: double <=
    LeD { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: double >
    GtD { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: double >=
    GeD { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: double ==
    EqD { dst: Slot, a: Slot, b: Slot },
    /// `dst = a op b`: double !=
    NeD { dst: Slot, a: Slot, b: Slot },
    /// Jump to `to` unless `a op b` holds: int <
    UnlessLtI { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: int <=
    UnlessLeI { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: int >
    UnlessGtI { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: int >=
    UnlessGeI { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: int ==
    UnlessEqI { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: int !=
    UnlessNeI { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: long <
    UnlessLtL { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: long <=
    UnlessLeL { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: long >
    UnlessGtL { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: long >=
    UnlessGeL { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: long ==
    UnlessEqL { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: long !=
    UnlessNeL { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: double <
    UnlessLtD { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: double <=
    UnlessLeD { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: double >
    UnlessGtD { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: double >=
    UnlessGeD { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: double ==
    UnlessEqD { a: Slot, b: Slot, to: u32 },
    /// Jump to `to` unless `a op b` holds: double !=
    UnlessNeD { a: Slot, b: Slot, to: u32 },
    /// `dst = src` widened from int to long
    IntLong { dst: Slot, src: Slot },
    /// `dst = src` widened from int to float
    IntFloat { dst: Slot, src: Slot },
    /// `dst = src` widened from int to double
    IntDouble { dst: Slot, src: Slot },
    /// `dst = src` widened from long to float
    LongFloat { dst: Slot, src: Slot },
    /// `dst = src` widened from long to double
    LongDouble { dst: Slot, src: Slot },
    /// `dst = src` widened from float to double
    FloatDouble { dst: Slot, src: Slot },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): int <
    LoopLtI { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): int <=
    LoopLeI { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): int >
    LoopGtI { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): int >=
    LoopGeI { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): int ==
    LoopEqI { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): int !=
    LoopNeI { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): long <
    LoopLtL { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): long <=
    LoopLeL { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): long >
    LoopGtL { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): long >=
    LoopGeL { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): long ==
    LoopEqL { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): long !=
    LoopNeL { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): double <
    LoopLtD { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): double <=
    LoopLeD { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): double >
    LoopGtD { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): double >=
    LoopGeD { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): double ==
    LoopEqD { a: Slot, b: Slot, to: u32 },
    /// Loop back-edge: while `a op b` holds, jump to `to` (checking the clock now
    /// and then): double !=
    LoopNeD { a: Slot, b: Slot, to: u32 },
    /// Unconditional jump.
    Jump { to: u32 },
    /// Jump if the boolean in `cond` is false.
    JumpIfFalse { cond: Slot, to: u32 },
    /// Jump if the boolean in `cond` is true.
    JumpIfTrue { cond: Slot, to: u32 },
    /// Loop back-edge: jump and check the clock now and then.
    Loop { to: u32 },
    /// Library call: `dst = sites[site].f(args)`, the argument slots listed in the site.
    CallNative { dst: Slot, site: u32 },
    /// User function call with arguments in `start..start+n`.
    CallUser {
        dst: Slot,
        func: u32,
        start: Slot,
        n: u16,
    },
    /// `call` special form: enum in `which` selects `dyncalls[table]`.
    CallDyn {
        dst: Slot,
        which: Slot,
        table: u32,
        start: Slot,
        n: u16,
    },
    /// `dst = src[idx]` for an array in `src` and an int index in range (`foreach`).
    Item { dst: Slot, src: Slot, idx: Slot },
    /// `dst = convs[conv](src)`
    Convert { dst: Slot, src: Slot, conv: u32 },
    /// Walk `paths[path]` from `src` (index/key operands in slots).
    Path { dst: Slot, src: Slot, path: u32 },
    /// Complex operation with payload `ops[op]` (attr-to, cells, pools, new, pack, ...).
    Op { dst: Slot, op: u32 },
    /// Return the value in `src` from this function.
    Return { src: Slot },
    /// Start of a `try`: errors until the matching `TryEnd` jump to `handler`.
    TryBegin { handler: u32, filter: u32 },
    /// End of a `try` block (pops the handler).
    TryEnd,
    /// Raise a user error `errors[e]`.
    Raise { e: u32 },
}

impl Instr {
    /// The instruction computing `dst = a op b`.
    pub fn bin(op: BinOp, dst: Slot, a: Slot, b: Slot) -> Instr {
        use BinOp::*;
        match op {
            AddI => Instr::AddI { dst, a, b },
            SubI => Instr::SubI { dst, a, b },
            MulI => Instr::MulI { dst, a, b },
            AddL => Instr::AddL { dst, a, b },
            SubL => Instr::SubL { dst, a, b },
            MulL => Instr::MulL { dst, a, b },
            AddF => Instr::AddF { dst, a, b },
            SubF => Instr::SubF { dst, a, b },
            MulF => Instr::MulF { dst, a, b },
            AddD => Instr::AddD { dst, a, b },
            SubD => Instr::SubD { dst, a, b },
            MulD => Instr::MulD { dst, a, b },
            DivD => Instr::DivD { dst, a, b },
            LtI => Instr::LtI { dst, a, b },
            LeI => Instr::LeI { dst, a, b },
            GtI => Instr::GtI { dst, a, b },
            GeI => Instr::GeI { dst, a, b },
            EqI => Instr::EqI { dst, a, b },
            NeI => Instr::NeI { dst, a, b },
            LtL => Instr::LtL { dst, a, b },
            LeL => Instr::LeL { dst, a, b },
            GtL => Instr::GtL { dst, a, b },
            GeL => Instr::GeL { dst, a, b },
            EqL => Instr::EqL { dst, a, b },
            NeL => Instr::NeL { dst, a, b },
            LtD => Instr::LtD { dst, a, b },
            LeD => Instr::LeD { dst, a, b },
            GtD => Instr::GtD { dst, a, b },
            GeD => Instr::GeD { dst, a, b },
            EqD => Instr::EqD { dst, a, b },
            NeD => Instr::NeD { dst, a, b },
        }
    }

    /// The instruction jumping to `to` unless `a op b` holds, for a comparison `op`.
    pub fn unless(op: BinOp, a: Slot, b: Slot, to: u32) -> Option<Instr> {
        use BinOp::*;
        Some(match op {
            LtI => Instr::UnlessLtI { a, b, to },
            LeI => Instr::UnlessLeI { a, b, to },
            GtI => Instr::UnlessGtI { a, b, to },
            GeI => Instr::UnlessGeI { a, b, to },
            EqI => Instr::UnlessEqI { a, b, to },
            NeI => Instr::UnlessNeI { a, b, to },
            LtL => Instr::UnlessLtL { a, b, to },
            LeL => Instr::UnlessLeL { a, b, to },
            GtL => Instr::UnlessGtL { a, b, to },
            GeL => Instr::UnlessGeL { a, b, to },
            EqL => Instr::UnlessEqL { a, b, to },
            NeL => Instr::UnlessNeL { a, b, to },
            LtD => Instr::UnlessLtD { a, b, to },
            LeD => Instr::UnlessLeD { a, b, to },
            GtD => Instr::UnlessGtD { a, b, to },
            GeD => Instr::UnlessGeD { a, b, to },
            EqD => Instr::UnlessEqD { a, b, to },
            NeD => Instr::UnlessNeD { a, b, to },
            _ => return None,
        })
    }

    /// The loop back-edge jumping to `to` while `a op b` holds, for a comparison `op`.
    pub fn loop_if(op: BinOp, a: Slot, b: Slot, to: u32) -> Option<Instr> {
        use BinOp::*;
        Some(match op {
            LtI => Instr::LoopLtI { a, b, to },
            LeI => Instr::LoopLeI { a, b, to },
            GtI => Instr::LoopGtI { a, b, to },
            GeI => Instr::LoopGeI { a, b, to },
            EqI => Instr::LoopEqI { a, b, to },
            NeI => Instr::LoopNeI { a, b, to },
            LtL => Instr::LoopLtL { a, b, to },
            LeL => Instr::LoopLeL { a, b, to },
            GtL => Instr::LoopGtL { a, b, to },
            GeL => Instr::LoopGeL { a, b, to },
            EqL => Instr::LoopEqL { a, b, to },
            NeL => Instr::LoopNeL { a, b, to },
            LtD => Instr::LoopLtD { a, b, to },
            LeD => Instr::LoopLeD { a, b, to },
            GtD => Instr::LoopGtD { a, b, to },
            GeD => Instr::LoopGeD { a, b, to },
            EqD => Instr::LoopEqD { a, b, to },
            NeD => Instr::LoopNeD { a, b, to },
            _ => return None,
        })
    }

    /// The instruction widening `src` into `dst`.
    pub fn widen(kind: Widen, dst: Slot, src: Slot) -> Instr {
        match kind {
            Widen::IntLong => Instr::IntLong { dst, src },
            Widen::IntFloat => Instr::IntFloat { dst, src },
            Widen::IntDouble => Instr::IntDouble { dst, src },
            Widen::LongFloat => Instr::LongFloat { dst, src },
            Widen::LongDouble => Instr::LongDouble { dst, src },
            Widen::FloatDouble => Instr::FloatDouble { dst, src },
        }
    }

    /// The slot this instruction writes its result to, if it has one.
    pub fn dst(&self) -> Option<Slot> {
        match *self {
            Instr::Const { dst, .. }
            | Instr::Move { dst, .. }
            | Instr::AddI { dst, .. }
            | Instr::SubI { dst, .. }
            | Instr::MulI { dst, .. }
            | Instr::AddL { dst, .. }
            | Instr::SubL { dst, .. }
            | Instr::MulL { dst, .. }
            | Instr::AddF { dst, .. }
            | Instr::SubF { dst, .. }
            | Instr::MulF { dst, .. }
            | Instr::AddD { dst, .. }
            | Instr::SubD { dst, .. }
            | Instr::MulD { dst, .. }
            | Instr::DivD { dst, .. }
            | Instr::LtI { dst, .. }
            | Instr::LeI { dst, .. }
            | Instr::GtI { dst, .. }
            | Instr::GeI { dst, .. }
            | Instr::EqI { dst, .. }
            | Instr::NeI { dst, .. }
            | Instr::LtL { dst, .. }
            | Instr::LeL { dst, .. }
            | Instr::GtL { dst, .. }
            | Instr::GeL { dst, .. }
            | Instr::EqL { dst, .. }
            | Instr::NeL { dst, .. }
            | Instr::LtD { dst, .. }
            | Instr::LeD { dst, .. }
            | Instr::GtD { dst, .. }
            | Instr::GeD { dst, .. }
            | Instr::EqD { dst, .. }
            | Instr::NeD { dst, .. }
            | Instr::IntLong { dst, .. }
            | Instr::IntFloat { dst, .. }
            | Instr::IntDouble { dst, .. }
            | Instr::LongFloat { dst, .. }
            | Instr::LongDouble { dst, .. }
            | Instr::FloatDouble { dst, .. }
            | Instr::CallNative { dst, .. }
            | Instr::CallUser { dst, .. }
            | Instr::CallDyn { dst, .. }
            | Instr::Item { dst, .. }
            | Instr::Convert { dst, .. }
            | Instr::Path { dst, .. }
            | Instr::Op { dst, .. } => Some(dst),
            _ => None,
        }
    }

    /// The jump target of a jump or branch (or a `try` handler), to patch it.
    pub fn target_mut(&mut self) -> Option<&mut u32> {
        match self {
            Instr::Jump { to }
            | Instr::JumpIfFalse { to, .. }
            | Instr::JumpIfTrue { to, .. }
            | Instr::Loop { to }
            | Instr::LoopLtI { to, .. }
            | Instr::LoopLeI { to, .. }
            | Instr::LoopGtI { to, .. }
            | Instr::LoopGeI { to, .. }
            | Instr::LoopEqI { to, .. }
            | Instr::LoopNeI { to, .. }
            | Instr::LoopLtL { to, .. }
            | Instr::LoopLeL { to, .. }
            | Instr::LoopGtL { to, .. }
            | Instr::LoopGeL { to, .. }
            | Instr::LoopEqL { to, .. }
            | Instr::LoopNeL { to, .. }
            | Instr::LoopLtD { to, .. }
            | Instr::LoopLeD { to, .. }
            | Instr::LoopGtD { to, .. }
            | Instr::LoopGeD { to, .. }
            | Instr::LoopEqD { to, .. }
            | Instr::LoopNeD { to, .. }
            | Instr::UnlessLtI { to, .. }
            | Instr::UnlessLeI { to, .. }
            | Instr::UnlessGtI { to, .. }
            | Instr::UnlessGeI { to, .. }
            | Instr::UnlessEqI { to, .. }
            | Instr::UnlessNeI { to, .. }
            | Instr::UnlessLtL { to, .. }
            | Instr::UnlessLeL { to, .. }
            | Instr::UnlessGtL { to, .. }
            | Instr::UnlessGeL { to, .. }
            | Instr::UnlessEqL { to, .. }
            | Instr::UnlessNeL { to, .. }
            | Instr::UnlessLtD { to, .. }
            | Instr::UnlessLeD { to, .. }
            | Instr::UnlessGtD { to, .. }
            | Instr::UnlessGeD { to, .. }
            | Instr::UnlessEqD { to, .. }
            | Instr::UnlessNeD { to, .. }
            | Instr::TryBegin { handler: to, .. } => Some(to),
            _ => None,
        }
    }
}

const _: () = assert!(std::mem::size_of::<Instr>() <= 16);

impl fmt::Display for Instr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}
