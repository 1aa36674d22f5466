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
/// by `u32`, so instructions stay small and `Copy`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Instr {
    /// `dst = consts[k]`
    Const { dst: Slot, k: u32 },
    /// `dst = src` (clone)
    Move { dst: Slot, src: Slot },
    /// `dst = a op b`
    Bin {
        op: BinOp,
        dst: Slot,
        a: Slot,
        b: Slot,
    },
    /// Unconditional jump.
    Jump { to: u32 },
    /// Jump if the boolean in `cond` is false.
    JumpIfFalse { cond: Slot, to: u32 },
    /// Jump if the boolean in `cond` is true.
    JumpIfTrue { cond: Slot, to: u32 },
    /// Loop back-edge: jump and check the clock now and then.
    Loop { to: u32 },
    /// Library call: `dst = sites[site].f(args[start..start+n])`.
    CallNative {
        dst: Slot,
        site: u32,
        start: Slot,
        n: u16,
    },
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
    /// Numeric widening of a scalar (the common conversions, without a table lookup).
    Widen { kind: Widen, dst: Slot, src: Slot },
    /// Fused compare and branch: jump to `to` unless `a op b` holds (`op` is a comparison).
    BrUnless {
        op: BinOp,
        a: Slot,
        b: Slot,
        to: u32,
    },
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

const _: () = assert!(std::mem::size_of::<Instr>() <= 16);

impl fmt::Display for Instr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}
