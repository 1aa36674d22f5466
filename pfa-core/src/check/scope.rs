//! Symbol scopes (spec §5): lexical, block-level, no shadowing, with sealed-from-above
//! (outer symbols read-only) and sealed-within (no new declarations) scopes. Each
//! function has its own context; inline functions see enclosing symbols read-only by
//! capturing them into slots of their own frame.

use super::tir::Slot;
use crate::types::Type;

/// A declared symbol.
#[derive(Clone, Debug)]
pub struct Var {
    /// Name.
    pub name: String,
    /// Frame slot.
    pub slot: Slot,
    /// Type.
    pub ty: Type,
    /// Cannot be reassigned (predefined symbols, captured symbols).
    pub readonly: bool,
}

/// One block scope.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Symbols declared here.
    pub vars: Vec<Var>,
    /// Symbols declared outside may not be reassigned inside.
    pub sealed_above: bool,
    /// No new symbols may be declared directly in this scope.
    pub sealed_within: bool,
}

/// Per-function checking state.
#[derive(Clone, Debug)]
pub struct FnCtx {
    /// Index of the function being checked.
    pub func: usize,
    /// Scopes, outermost first.
    pub scopes: Vec<Scope>,
    /// Slots used so far.
    pub nslots: u16,
    /// Whether this is an inline function that may capture enclosing symbols.
    pub is_closure: bool,
    /// Captured symbols: (slot in the enclosing frame, slot in this frame).
    pub captures: Vec<(Slot, Slot)>,
    /// Slots whose symbol is read somewhere (used to skip unused predefined symbols).
    pub used: Vec<Slot>,
}

impl FnCtx {
    /// A new context with one (parameter) scope.
    pub fn new(func: usize, is_closure: bool) -> FnCtx {
        FnCtx {
            func,
            scopes: vec![Scope::default()],
            nslots: 0,
            is_closure,
            captures: Vec::new(),
            used: Vec::new(),
        }
    }

    /// Records that the symbol in `slot` is read.
    pub fn mark_used(&mut self, slot: Slot) {
        if !self.used.contains(&slot) {
            self.used.push(slot);
        }
    }

    /// Allocates a fresh slot.
    pub fn alloc(&mut self) -> Slot {
        let s = self.nslots;
        self.nslots = self.nslots.saturating_add(1);
        s
    }

    /// Declares a parameter in the outermost scope.
    pub fn declare_param(&mut self, name: &str, ty: Type) -> Slot {
        let slot = self.alloc();
        self.scopes[0].vars.push(Var {
            name: name.to_string(),
            slot,
            ty,
            readonly: false,
        });
        slot
    }

    /// Makes all parameters read-only and opens a sealed-from-above scope for the body.
    pub fn seal_params(&mut self) {
        for v in &mut self.scopes[0].vars {
            v.readonly = true;
        }
    }

    /// Finds a symbol: (scope index, variable).
    pub fn find(&self, name: &str) -> Option<(usize, &Var)> {
        for (i, s) in self.scopes.iter().enumerate().rev() {
            if let Some(v) = s.vars.iter().find(|v| v.name == name) {
                return Some((i, v));
            }
        }
        None
    }

    /// Whether a symbol declared in scope `i` may be reassigned from the current scope.
    pub fn assignable_from(&self, i: usize) -> bool {
        !self.scopes[i + 1..].iter().any(|s| s.sealed_above)
    }

    /// Opens a scope.
    pub fn push(&mut self, sealed_above: bool, sealed_within: bool) {
        self.scopes.push(Scope {
            vars: Vec::new(),
            sealed_above,
            sealed_within,
        });
    }

    /// Closes the innermost scope.
    pub fn pop(&mut self) {
        if self.scopes.len() > 1 {
            self.scopes.pop();
        }
    }

    /// Whether the innermost scope forbids declarations.
    pub fn sealed_within(&self) -> bool {
        self.scopes.last().is_some_and(|s| s.sealed_within)
    }

    /// Declares a symbol in the innermost scope.
    pub fn declare(&mut self, name: &str, ty: Type, readonly: bool) -> Slot {
        let slot = self.alloc();
        if let Some(s) = self.scopes.last_mut() {
            s.vars.push(Var {
                name: name.to_string(),
                slot,
                ty,
                readonly,
            });
        }
        slot
    }

    /// Adds a captured symbol to the outermost scope.
    pub fn capture(&mut self, name: &str, ty: Type, outer: Slot) -> Slot {
        let slot = self.alloc();
        self.scopes[0].vars.push(Var {
            name: name.to_string(),
            slot,
            ty,
            readonly: true,
        });
        self.captures.push((outer, slot));
        slot
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*` (spec §5).
pub fn valid_symbol(name: &str) -> bool {
    let mut cs = name.chars();
    match cs.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    cs.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
