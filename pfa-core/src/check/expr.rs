//! Typing of every expression form (spec §6, §7).

use std::sync::Arc;

use super::scope::{valid_symbol, FnCtx};
use super::tir::{CastArm, Closure, PackFmt, Site, TArg, TExpr, TFunc, TKind, TStep, TTo};
use super::{Checker, FnSig};
use crate::error::PfaError;
use crate::library::{Imp, Spec};
use crate::syntax::ast::{Arg, CastCase, Expr, ExprKind, FcnArg, LocId, PathStep, To};
use crate::types::accepts::{accepts, narrowest_supertype};
use crate::types::{FcnType, NamedKind, Type};
use crate::value::convert::converter;
use crate::value::json::{from_json, JsonStyle};
use crate::value::Value;
use crate::vm::instr::BinOp;

type R<T> = Result<T, PfaError>;

/// What a function reference calls: a user function, or a library native.
type RefTarget = Result<usize, (crate::library::NativeFn, Arc<Site>)>;

fn texpr(ty: Type, loc: LocId, kind: TKind) -> TExpr {
    TExpr {
        ty,
        diverges: false,
        loc,
        kind,
    }
}

/// Stands in for an expression that failed to check (the program is rejected anyway);
/// as a never-returning expression it fits any type, so it causes no follow-on errors.
fn invalid(loc: LocId) -> TExpr {
    TExpr {
        ty: Type::Null,
        diverges: true,
        loc,
        kind: TKind::Const(Value::Null),
    }
}

fn null_expr(loc: LocId) -> TExpr {
    texpr(Type::Null, loc, TKind::Const(Value::Null))
}

impl Checker<'_> {
    fn ctx(&mut self) -> &mut FnCtx {
        self.ctxs.last_mut().expect("a function context is open")
    }

    fn show(&self, t: &Type) -> String {
        self.types.show(t).to_string()
    }

    /// Converts `e` to type `to`, or explains why it does not fit.
    pub fn coerce(&self, e: TExpr, to: &Type, loc: LocId, what: &str) -> R<TExpr> {
        if e.diverges {
            return Ok(TExpr {
                ty: to.clone(),
                ..e
            });
        }
        if &e.ty == to {
            return Ok(e);
        }
        if !accepts(to, &e.ty, &self.types) {
            return Err(self.semantic(
                loc,
                format!(
                    "{what}: expected {}, found {}",
                    self.show(to),
                    self.show(&e.ty)
                ),
            ));
        }
        match converter(&e.ty, to, &self.types) {
            None => Ok(TExpr {
                ty: to.clone(),
                ..e
            }),
            Some(c) => {
                let kind = match e.kind {
                    // Literals are converted once, here.
                    TKind::Const(v) => TKind::Const(c.apply(v)),
                    k => TKind::Convert(
                        Box::new(TExpr {
                            ty: e.ty.clone(),
                            diverges: false,
                            loc: e.loc,
                            kind: k,
                        }),
                        c,
                    ),
                };
                Ok(TExpr {
                    ty: to.clone(),
                    diverges: false,
                    loc: e.loc,
                    kind,
                })
            }
        }
    }

    /// Expressions in their own block scope; the value of the last one.
    pub fn block(&mut self, exprs: &[Expr], loc: LocId) -> R<TExpr> {
        self.ctx().push(false, false);
        let r = self.block_in_scope(exprs, loc);
        self.ctx().pop();
        r
    }

    fn block_in_scope(&mut self, exprs: &[Expr], loc: LocId) -> R<TExpr> {
        if exprs.is_empty() {
            return Err(self.semantic(loc, "expression list must not be empty"));
        }
        let mut out = Vec::with_capacity(exprs.len());
        let mut diverges = false;
        for e in exprs {
            // An error in one expression is recorded and checking goes on with the next,
            // so that one load reports every independent problem.
            let t = match self.expr(e) {
                Ok(t) => t,
                Err(err) => {
                    self.errors.push(err);
                    self.tainted += 1;
                    invalid(e.loc)
                }
            };
            diverges |= t.diverges;
            out.push(t);
        }
        if out.len() == 1 {
            return Ok(out.pop().expect("one element"));
        }
        let last = out.last().expect("non-empty");
        let ty = last.ty.clone();
        Ok(TExpr {
            ty,
            diverges,
            loc,
            kind: TKind::Block(out, false),
        })
    }

    /// An expression in a sealed-from-above, sealed-within scope (arguments, conditions).
    fn sealed(&mut self, e: &Expr) -> R<TExpr> {
        self.ctx().push(true, true);
        let r = self.expr(e);
        self.ctx().pop();
        r
    }

    /// Looks up a symbol, capturing it from enclosing functions if needed.
    fn lookup(&mut self, name: &str) -> Option<(u16, Type)> {
        let n = self.ctxs.len();
        self.lookup_in(n - 1, name)
    }

    fn lookup_in(&mut self, k: usize, name: &str) -> Option<(u16, Type)> {
        if let Some((_, v)) = self.ctxs[k].find(name) {
            let (slot, ty) = (v.slot, v.ty.clone());
            self.ctxs[k].mark_used(slot);
            return Some((slot, ty));
        }
        if k == 0 || !self.ctxs[k].is_closure {
            return None;
        }
        let (outer, ty) = self.lookup_in(k - 1, name)?;
        let slot = self.ctxs[k].capture(name, ty.clone(), outer);
        Some((slot, ty))
    }

    /// Whether a name is visible anywhere (for the no-shadowing rule).
    fn visible(&self, name: &str) -> bool {
        for c in self.ctxs.iter().rev() {
            if c.find(name).is_some() {
                return true;
            }
            if !c.is_closure {
                break;
            }
        }
        false
    }

    fn declare_new(&mut self, name: &str, ty: Type, loc: LocId) -> R<u16> {
        if !valid_symbol(name) {
            return Err(self.semantic(loc, format!("invalid symbol name \"{name}\"")));
        }
        if self.visible(name) {
            return Err(self.semantic(
                loc,
                format!("symbol \"{name}\" is already defined (shadowing is not allowed)"),
            ));
        }
        Ok(self.ctx().declare(name, ty, false))
    }

    pub fn expr(&mut self, e: &Expr) -> R<TExpr> {
        let loc = e.loc;
        let c = |v: Value, t: Type| Ok(texpr(t, loc, TKind::Const(v)));
        match &e.kind {
            ExprKind::Ref(name) if self.poisoned.contains(name) => {
                self.tainted += 1;
                Ok(invalid(loc))
            }
            ExprKind::Ref(name) => match self.lookup(name) {
                Some((slot, ty)) => Ok(texpr(ty, loc, TKind::Local(slot))),
                None => Err(self.semantic(loc, format!("unknown symbol \"{name}\""))),
            },
            ExprKind::Null => c(Value::Null, Type::Null),
            ExprKind::Bool(b) => c(Value::Boolean(*b), Type::Boolean),
            ExprKind::Int(x) => c(Value::Int(*x), Type::Int),
            ExprKind::Long(x) => c(Value::Long(*x), Type::Long),
            ExprKind::Float(x) => c(Value::Float(*x), Type::Float),
            ExprKind::Double(x) => c(Value::Double(*x), Type::Double),
            ExprKind::Str(s) => c(Value::str(s), Type::String),
            ExprKind::Bytes(b) => c(Value::Bytes(Arc::from(b.as_slice())), Type::Bytes),
            ExprKind::Literal { ty, value } => {
                let t = self.ty(ty)?;
                let v = from_json(value, &t, &self.types, JsonStyle::Avro).map_err(|er| {
                    self.semantic(
                        loc,
                        format!(
                            "literal value does not match its type: {} at {}",
                            er.message, er.path
                        ),
                    )
                })?;
                c(v, t)
            }
            ExprKind::New {
                items,
                is_object,
                ty,
            } => self.new_form(items, *is_object, ty, loc),
            ExprKind::Do(es) => self.block(es, loc),
            ExprKind::Let(bs) => self.let_form(bs, loc),
            ExprKind::Set(bs) => self.set_form(bs, loc),
            ExprKind::Call { name, args } => self.call(name, args, loc),
            ExprKind::CallDyn { which, args } => self.call_dyn(which, args, loc),
            ExprKind::Attr { expr, path, to } => {
                let base = self.sealed(expr)?;
                if path.is_empty() {
                    return Err(self.semantic(loc, "attr path must not be empty"));
                }
                let (steps, ty) = self.path(&base.ty, path, loc)?;
                match to {
                    None => Ok(texpr(ty, loc, TKind::Attr(Box::new(base), steps))),
                    Some(to) => {
                        let to = self.replacement_clause(to, &ty, loc, false)?;
                        Ok(texpr(
                            base.ty.clone(),
                            loc,
                            TKind::AttrTo(Box::new(base), steps, to),
                        ))
                    }
                }
            }
            ExprKind::Cell { name, path, to } => {
                let (idx, cty) = self
                    .cells
                    .get(name)
                    .cloned()
                    .ok_or_else(|| self.semantic(loc, format!("unknown cell \"{name}\"")))?;
                let (steps, ty) = self.path(&cty, path, loc)?;
                match to {
                    None => Ok(texpr(ty, loc, TKind::CellGet(idx, steps))),
                    Some(to) => {
                        self.mark_modifies();
                        let to = self.replacement_clause(to, &ty, loc, true)?;
                        Ok(texpr(cty, loc, TKind::CellTo(idx, steps, to)))
                    }
                }
            }
            ExprKind::Pool {
                name,
                path,
                to,
                init,
            } => {
                let (idx, pty) = self
                    .pools
                    .get(name)
                    .cloned()
                    .ok_or_else(|| self.semantic(loc, format!("unknown pool \"{name}\"")))?;
                let Some((first, rest)) = path.split_first() else {
                    return Err(self.semantic(loc, "pool path must not be empty"));
                };
                let key = self.sealed(first)?;
                let key = self.coerce(key, &Type::String, first.loc, "pool key")?;
                let (steps, ty) = self.path(&pty, rest, loc)?;
                match (to, init) {
                    (None, None) => Ok(texpr(ty, loc, TKind::PoolGet(idx, Box::new(key), steps))),
                    (Some(to), Some(init)) => {
                        self.mark_modifies();
                        let to = self.replacement_clause(to, &ty, loc, true)?;
                        let init = self.sealed(init)?;
                        let init = self.coerce(init, &pty, loc, "pool-to init")?;
                        Ok(texpr(
                            pty,
                            loc,
                            TKind::PoolTo(idx, Box::new(key), steps, to, Box::new(init)),
                        ))
                    }
                    (Some(_), None) => Err(self.semantic(loc, "pool-to requires \"init\"")),
                    (None, Some(_)) => {
                        Err(self.semantic(loc, "\"init\" is only allowed with \"to\""))
                    }
                }
            }
            ExprKind::PoolDel { name, key } => {
                let (idx, _) = self
                    .pools
                    .get(name)
                    .cloned()
                    .ok_or_else(|| self.semantic(loc, format!("unknown pool \"{name}\"")))?;
                self.mark_modifies();
                let k = self.sealed(key)?;
                let k = self.coerce(k, &Type::String, loc, "pool-del key")?;
                Ok(texpr(Type::Null, loc, TKind::PoolDel(idx, Box::new(k))))
            }
            ExprKind::If { cond, then, els } => {
                let c = self.condition(cond)?;
                let t = self.block(then, loc)?;
                match els {
                    None => {
                        let t = self.discard(t);
                        Ok(texpr(
                            Type::Null,
                            loc,
                            TKind::If(Box::new(c), Box::new(t), None),
                        ))
                    }
                    Some(els) => {
                        let f = self.block(els, loc)?;
                        let (ty, mut bs, div) = self.unify(vec![t, f], loc)?;
                        let f = bs.pop().expect("two branches");
                        let t = bs.pop().expect("two branches");
                        Ok(TExpr {
                            ty,
                            diverges: div || c.diverges,
                            loc,
                            kind: TKind::If(Box::new(c), Box::new(t), Some(Box::new(f))),
                        })
                    }
                }
            }
            ExprKind::Cond { cases, els } => {
                if cases.is_empty() {
                    return Err(self.semantic(loc, "cond must have at least one case"));
                }
                let mut conds = Vec::new();
                let mut bodies = Vec::new();
                for (c, b) in cases {
                    conds.push(self.condition(c)?);
                    bodies.push(self.block(b, loc)?);
                }
                match els {
                    None => {
                        let arms = conds
                            .into_iter()
                            .zip(bodies)
                            .map(|(c, b)| (c, self.discard(b)))
                            .collect();
                        Ok(texpr(Type::Null, loc, TKind::Cond(arms, None)))
                    }
                    Some(els) => {
                        bodies.push(self.block(els, loc)?);
                        let (ty, mut bs, div) = self.unify(bodies, loc)?;
                        let e = bs.pop().expect("else branch");
                        let arms = conds.into_iter().zip(bs).collect();
                        Ok(TExpr {
                            ty,
                            diverges: div,
                            loc,
                            kind: TKind::Cond(arms, Some(Box::new(e))),
                        })
                    }
                }
            }
            ExprKind::While { cond, body } => {
                let c = self.condition(cond)?;
                let b = self.block(body, loc)?;
                let b = self.discard(b);
                Ok(texpr(
                    Type::Null,
                    loc,
                    TKind::While(Box::new(c), Box::new(b)),
                ))
            }
            ExprKind::DoUntil { body, cond } => {
                // The condition sees the symbols declared in the body (they share a scope).
                self.ctx().push(false, false);
                let r = (|| {
                    let b = self.block_in_scope(body, loc)?;
                    let b = self.discard(b);
                    let c = self.condition(cond)?;
                    Ok((b, c))
                })();
                self.ctx().pop();
                let (b, c) = r?;
                Ok(texpr(
                    Type::Null,
                    loc,
                    TKind::DoUntil(Box::new(b), Box::new(c)),
                ))
            }
            ExprKind::For {
                init,
                cond,
                step,
                body,
            } => {
                if init.is_empty() {
                    return Err(self.semantic(loc, "for must declare at least one symbol"));
                }
                self.ctx().push(false, false);
                let r = self.for_form(init, cond, step, body, loc);
                self.ctx().pop();
                r
            }
            ExprKind::Foreach {
                var,
                array,
                body,
                seq,
            } => {
                let a = self.sealed(array)?;
                let item = match &a.ty {
                    Type::Array(t) => (**t).clone(),
                    t => {
                        return Err(self.semantic(
                            loc,
                            format!("foreach needs an array, found {}", self.show(t)),
                        ))
                    }
                };
                // Without seq the loop may run in any order, so outer symbols are read-only.
                self.ctx().push(!*seq, false);
                let r = (|| {
                    let slot = self.declare_new(var, item, loc)?;
                    let b = self.block(body, loc)?;
                    Ok((slot, self.discard(b)))
                })();
                self.ctx().pop();
                let (slot, b) = r?;
                Ok(texpr(
                    Type::Null,
                    loc,
                    TKind::Foreach(slot, Box::new(a), Box::new(b)),
                ))
            }
            ExprKind::Forkey {
                key,
                val,
                map,
                body,
            } => {
                let m = self.sealed(map)?;
                let vt = match &m.ty {
                    Type::Map(t) => (**t).clone(),
                    t => {
                        return Err(self.semantic(
                            loc,
                            format!("forkey/forval needs a map, found {}", self.show(t)),
                        ))
                    }
                };
                if key == val {
                    return Err(self.semantic(loc, "forkey and forval must be different symbols"));
                }
                self.ctx().push(false, false);
                let r = (|| {
                    let ks = self.declare_new(key, Type::String, loc)?;
                    let vs = self.declare_new(val, vt, loc)?;
                    let b = self.block(body, loc)?;
                    Ok((ks, vs, self.discard(b)))
                })();
                self.ctx().pop();
                let (ks, vs, b) = r?;
                Ok(texpr(
                    Type::Null,
                    loc,
                    TKind::Forkey(ks, vs, Box::new(m), Box::new(b)),
                ))
            }
            ExprKind::Cast {
                expr,
                cases,
                partial,
            } => self.cast_form(expr, cases, *partial, loc),
            ExprKind::Upcast { expr, ty } => {
                let x = self.sealed(expr)?;
                let t = self.ty(ty)?;
                self.coerce(x, &t, loc, "upcast")
            }
            ExprKind::IfNotNull {
                bindings,
                then,
                els,
            } => self.ifnotnull(bindings, then, els.as_deref(), loc),
            ExprKind::Unpack {
                bytes,
                format,
                then,
                els,
            } => {
                let b = self.sealed(bytes)?;
                let b = self.coerce(b, &Type::Bytes, loc, "unpack")?;
                let mut fmts = Vec::new();
                for (name, f) in format {
                    let pf = parse_format(&f.format, false).ok_or_else(|| {
                        self.semantic(f.loc, format!("bad unpack format \"{}\"", f.format))
                    })?;
                    fmts.push((name, pf));
                }
                self.ctx().push(false, false);
                let r = (|| {
                    let mut slots = Vec::new();
                    for (name, pf) in &fmts {
                        let s = self.declare_new(name, format_type(*pf), loc)?;
                        slots.push((s, *pf));
                    }
                    let t = self.block(then, loc)?;
                    Ok((slots, t))
                })();
                self.ctx().pop();
                let (slots, t) = r?;
                match els {
                    None => {
                        let t = self.discard(t);
                        Ok(texpr(
                            Type::Null,
                            loc,
                            TKind::Unpack(Box::new(b), slots, Box::new(t), None),
                        ))
                    }
                    Some(els) => {
                        let f = self.block(els, loc)?;
                        let (ty, mut bs, div) = self.unify(vec![t, f], loc)?;
                        let f = bs.pop().expect("two");
                        let t = bs.pop().expect("two");
                        Ok(TExpr {
                            ty,
                            diverges: div,
                            loc,
                            kind: TKind::Unpack(Box::new(b), slots, Box::new(t), Some(Box::new(f))),
                        })
                    }
                }
            }
            ExprKind::Pack(items) => {
                let mut out = Vec::new();
                for (f, x) in items {
                    let pf = parse_format(&f.format, true).ok_or_else(|| {
                        self.semantic(f.loc, format!("bad pack format \"{}\"", f.format))
                    })?;
                    let v = self.sealed(x)?;
                    let v = self.coerce(v, &pack_input_type(pf), f.loc, "pack")?;
                    out.push((pf, v));
                }
                Ok(texpr(Type::Bytes, loc, TKind::Pack(out)))
            }
            ExprKind::Doc(_) => Ok(null_expr(loc)),
            ExprKind::Error { message, code } => {
                if let Some(c) = code {
                    if *c >= 0 {
                        return Err(
                            self.semantic(loc, "error codes of the error form must be negative")
                        );
                    }
                }
                Ok(TExpr {
                    ty: Type::Null,
                    diverges: true,
                    loc,
                    kind: TKind::Error(message.clone(), *code),
                })
            }
            ExprKind::Try { body, filter } => {
                let b = self.block(body, loc)?;
                let ty = if b.diverges || b.ty == Type::Null {
                    Type::Null
                } else {
                    narrowest_supertype(&[b.ty.clone(), Type::Null], &self.types)
                        .unwrap_or(Type::Null)
                };
                let conv = if b.diverges {
                    None
                } else {
                    converter(&b.ty, &ty, &self.types)
                };
                Ok(texpr(
                    ty,
                    loc,
                    TKind::Try(Box::new(b), filter.clone(), conv),
                ))
            }
            ExprKind::Log { exprs, namespace } => {
                let mut out = Vec::new();
                for x in exprs {
                    out.push(self.sealed(x)?);
                }
                Ok(texpr(Type::Null, loc, TKind::Log(out, namespace.clone())))
            }
        }
    }

    fn mark_modifies(&mut self) {
        let f = self.ctx().func;
        if let Some(e) = self.effects.get_mut(f) {
            e.0 = true;
        }
    }

    fn mark_calls(&mut self, callee: usize) {
        let f = self.ctx().func;
        if let Some(e) = self.effects.get_mut(f) {
            e.1.push(callee);
        }
    }

    fn condition(&mut self, e: &Expr) -> R<TExpr> {
        let c = self.sealed(e)?;
        if !c.diverges && c.ty != Type::Boolean {
            return Err(self.semantic(
                e.loc,
                format!("condition must be boolean, found {}", self.show(&c.ty)),
            ));
        }
        Ok(c)
    }

    /// The narrowest supertype of branch results (ignoring branches that never return),
    /// with every branch converted to it.
    fn unify(&self, branches: Vec<TExpr>, loc: LocId) -> R<(Type, Vec<TExpr>, bool)> {
        let live: Vec<Type> = branches
            .iter()
            .filter(|b| !b.diverges)
            .map(|b| b.ty.clone())
            .collect();
        if live.is_empty() {
            return Ok((Type::Null, branches, true));
        }
        let ty = narrowest_supertype(&live, &self.types)
            .ok_or_else(|| self.semantic(loc, "branches have no common type"))?;
        let mut out = Vec::new();
        for b in branches {
            out.push(self.coerce(b, &ty, loc, "branch")?);
        }
        Ok((ty, out, false))
    }

    fn new_form(
        &mut self,
        items: &[(Option<String>, Expr)],
        is_object: bool,
        ty: &crate::syntax::ast::TypeSpec,
        loc: LocId,
    ) -> R<TExpr> {
        let t = self.ty(ty)?;
        match (&t, is_object) {
            (Type::Array(it), false) => {
                let mut out = Vec::new();
                for (_, x) in items {
                    let v = self.sealed(x)?;
                    out.push(self.coerce(v, it, x.loc, "array item")?);
                }
                Ok(texpr(t.clone(), loc, TKind::NewArray(out)))
            }
            (Type::Map(vt), true) => {
                let mut out = Vec::new();
                for (k, x) in items {
                    let v = self.sealed(x)?;
                    let v = self.coerce(v, vt, x.loc, "map value")?;
                    out.push((Arc::from(k.clone().unwrap_or_default().as_str()), v));
                }
                Ok(texpr(t.clone(), loc, TKind::NewMap(out)))
            }
            (Type::Record(id), true) => {
                let fields = self.types.fields(*id).to_vec();
                for (k, _) in items {
                    let k = k.clone().unwrap_or_default();
                    if !fields.iter().any(|f| f.name == k) {
                        return Err(self.semantic(loc, format!("record has no field \"{k}\"")));
                    }
                }
                let mut out = Vec::new();
                for f in &fields {
                    let x = items
                        .iter()
                        .find(|(k, _)| k.as_deref() == Some(f.name.as_str()))
                        .map(|(_, x)| x)
                        .ok_or_else(|| {
                            self.semantic(
                                loc,
                                format!("new record is missing field \"{}\"", f.name),
                            )
                        })?;
                    let v = self.sealed(x)?;
                    out.push(self.coerce(v, &f.ty, x.loc, &format!("field \"{}\"", f.name))?);
                }
                Ok(texpr(t.clone(), loc, TKind::NewRecord(*id, out)))
            }
            _ => Err(self.semantic(
                loc,
                format!(
                    "new: {} cannot be built from a JSON {}",
                    self.show(&t),
                    if is_object { "object" } else { "array" }
                ),
            )),
        }
    }

    fn let_form(&mut self, bs: &[(String, Expr)], loc: LocId) -> R<TExpr> {
        if bs.is_empty() {
            return Err(self.semantic(loc, "let must declare at least one symbol"));
        }
        if self.ctx().sealed_within() {
            return Err(self.semantic(
                loc,
                "symbols cannot be declared here (wrap in a \"do\" block)",
            ));
        }
        let mut vals = Vec::new();
        for (name, x) in bs {
            let before = self.tainted;
            match self.sealed(x) {
                Ok(v) if v.diverges && self.tainted > before => {
                    // Never returns only because something inside failed to check.
                    self.declare_new(name, Type::Null, loc)?;
                    self.poisoned.insert(name.clone());
                }
                Ok(v) => vals.push((name, v)),
                Err(err) => {
                    // Declare the symbol anyway (marked invalid) so that later uses do not
                    // report follow-on "unknown symbol" errors.
                    self.errors.push(err);
                    self.declare_new(name, Type::Null, loc)?;
                    self.poisoned.insert(name.clone());
                }
            }
        }
        let mut out = Vec::new();
        for (name, v) in vals {
            if v.diverges {
                return Err(self.semantic(loc, format!("cannot declare symbol \"{name}\" with the value of an expression that never returns (exception type)")));
            }
            let slot = self.declare_new(name, v.ty.clone(), loc)?;
            out.push((slot, v));
        }
        Ok(texpr(Type::Null, loc, TKind::Let(out)))
    }

    fn set_form(&mut self, bs: &[(String, Expr)], loc: LocId) -> R<TExpr> {
        if bs.is_empty() {
            return Err(self.semantic(loc, "set must assign at least one symbol"));
        }
        let mut out = Vec::new();
        for (name, x) in bs {
            let (scope, var) = match self.ctx().find(name) {
                Some((i, v)) => (i, v.clone()),
                None => {
                    return Err(if self.visible(name) || self.lookup(name).is_some() {
                        self.semantic(loc, format!("symbol \"{name}\" belongs to an enclosing function and is read-only here"))
                    } else {
                        self.semantic(loc, format!("unknown symbol \"{name}\""))
                    })
                }
            };
            if var.readonly {
                return Err(self.semantic(loc, format!("symbol \"{name}\" is read-only")));
            }
            if !self.ctx().assignable_from(scope) {
                return Err(self.semantic(
                    loc,
                    format!("symbol \"{name}\" cannot be modified in this sealed scope"),
                ));
            }
            let v = self.sealed(x)?;
            let v = self.coerce(v, &var.ty, x.loc, &format!("set {name}"))?;
            out.push((var.slot, v));
        }
        Ok(texpr(Type::Null, loc, TKind::Set(out)))
    }

    fn for_form(
        &mut self,
        init: &[(String, Expr)],
        cond: &Expr,
        step: &[(String, Expr)],
        body: &[Expr],
        loc: LocId,
    ) -> R<TExpr> {
        let mut vals = Vec::new();
        for (name, x) in init {
            vals.push((name, self.sealed(x)?));
        }
        let mut inits = Vec::new();
        for (name, v) in vals {
            let ty = if v.diverges { Type::Null } else { v.ty.clone() };
            let slot = self.declare_new(name, ty, loc)?;
            inits.push((slot, v));
        }
        let c = self.condition(cond)?;
        let mut steps = Vec::new();
        for (name, x) in step {
            let (scope, var) = match self.ctx().find(name) {
                Some((i, v)) => (i, v.clone()),
                None => {
                    return Err(self.semantic(loc, format!("unknown symbol \"{name}\" in for step")))
                }
            };
            if var.readonly || !self.ctx().assignable_from(scope) {
                return Err(
                    self.semantic(loc, format!("symbol \"{name}\" cannot be modified here"))
                );
            }
            let v = self.sealed(x)?;
            steps.push((
                var.slot,
                self.coerce(v, &var.ty, x.loc, &format!("step {name}"))?,
            ));
        }
        let b = self.block(body, loc)?;
        let b = self.discard(b);
        Ok(texpr(
            Type::Null,
            loc,
            TKind::For(inits, Box::new(c), steps, Box::new(b)),
        ))
    }

    fn cast_form(
        &mut self,
        expr: &Expr,
        cases: &[CastCase],
        partial: bool,
        loc: LocId,
    ) -> R<TExpr> {
        let x = self.sealed(expr)?;
        let branches: Vec<Type> = match &x.ty {
            Type::Union(ts) => ts.clone(),
            t => vec![t.clone()],
        };
        let mut arms = Vec::new();
        let mut covered = vec![false; branches.len()];
        for case in cases {
            let t = self.ty(&case.as_type)?;
            if !accepts(&x.ty, &t, &self.types) {
                return Err(self.semantic(
                    case.loc,
                    format!(
                        "cast case {} can never match a value of type {}",
                        self.show(&t),
                        self.show(&x.ty)
                    ),
                ));
            }
            let members: Vec<Type> = match &t {
                Type::Union(ts) => ts.clone(),
                t => vec![t.clone()],
            };
            for m in &members {
                if let Some(i) = branches.iter().position(|b| b == m) {
                    covered[i] = true;
                }
            }
            self.ctx().push(false, false);
            let r = (|| {
                let slot = self.declare_new(&case.named, t.clone(), case.loc)?;
                let b = self.block(&case.body, case.loc)?;
                Ok((slot, b))
            })();
            self.ctx().pop();
            let (slot, body) = r?;
            arms.push(CastArm {
                ty: t,
                slot,
                conv: None,
                body,
            });
        }
        if partial {
            for a in &mut arms {
                let b = std::mem::replace(&mut a.body, null_expr(loc));
                a.body = self.discard(b);
            }
            return Ok(texpr(Type::Null, loc, TKind::Cast(Box::new(x), arms, true)));
        }
        if let Some(i) = covered.iter().position(|c| !c) {
            return Err(self.semantic(
                loc,
                format!(
                    "cast is not exhaustive: no case for {} (use \"partial\": true)",
                    self.show(&branches[i])
                ),
            ));
        }
        let bodies: Vec<TExpr> = arms
            .iter_mut()
            .map(|a| std::mem::replace(&mut a.body, null_expr(loc)))
            .collect();
        let (ty, bodies, div) = self.unify(bodies, loc)?;
        for (a, b) in arms.iter_mut().zip(bodies) {
            a.body = b;
        }
        Ok(TExpr {
            ty,
            diverges: div,
            loc,
            kind: TKind::Cast(Box::new(x), arms, false),
        })
    }

    fn ifnotnull(
        &mut self,
        bindings: &[(String, Expr)],
        then: &[Expr],
        els: Option<&[Expr]>,
        loc: LocId,
    ) -> R<TExpr> {
        if bindings.is_empty() {
            return Err(self.semantic(loc, "ifnotnull needs at least one symbol"));
        }
        let mut vals = Vec::new();
        for (name, x) in bindings {
            let v = self.sealed(x)?;
            let inner = match &v.ty {
                Type::Union(ts) if ts.contains(&Type::Null) => {
                    let rest: Vec<Type> =
                        ts.iter().filter(|t| **t != Type::Null).cloned().collect();
                    if rest.len() == 1 {
                        rest.into_iter().next().expect("one")
                    } else {
                        Type::Union(rest)
                    }
                }
                t => {
                    return Err(self.semantic(
                        x.loc,
                        format!("ifnotnull needs a union with null, found {}", self.show(t)),
                    ))
                }
            };
            vals.push((name, v, inner));
        }
        self.ctx().push(false, false);
        let r = (|| {
            let mut out = Vec::new();
            for (name, v, inner) in vals {
                let slot = self.declare_new(name, inner, loc)?;
                out.push((slot, v));
            }
            let t = self.block(then, loc)?;
            Ok((out, t))
        })();
        self.ctx().pop();
        let (out, t) = r?;
        match els {
            None => {
                let t = self.discard(t);
                Ok(texpr(
                    Type::Null,
                    loc,
                    TKind::IfNotNull(out, Box::new(t), None),
                ))
            }
            Some(els) => {
                let f = self.block(els, loc)?;
                let (ty, mut bs, div) = self.unify(vec![t, f], loc)?;
                let f = bs.pop().expect("two");
                let t = bs.pop().expect("two");
                Ok(TExpr {
                    ty,
                    diverges: div,
                    loc,
                    kind: TKind::IfNotNull(out, Box::new(t), Some(Box::new(f))),
                })
            }
        }
    }

    /// Types a path through arrays (int index), maps (string key) and records (literal
    /// field name).
    fn path(&mut self, start: &Type, path: &[PathStep], loc: LocId) -> R<(Vec<TStep>, Type)> {
        let mut ty = start.clone();
        let mut steps = Vec::new();
        for p in path {
            match ty.clone() {
                Type::Array(items) => {
                    let i = self.sealed(p)?;
                    let i = if i.ty == Type::Int || i.diverges {
                        i
                    } else {
                        return Err(self.semantic(
                            p.loc,
                            format!("array index must be an int, found {}", self.show(&i.ty)),
                        ));
                    };
                    steps.push(TStep::Index(i));
                    ty = *items;
                }
                Type::Map(values) => {
                    let k = self.sealed(p)?;
                    if k.ty != Type::String && !k.diverges {
                        return Err(self.semantic(
                            p.loc,
                            format!("map key must be a string, found {}", self.show(&k.ty)),
                        ));
                    }
                    steps.push(TStep::Key(k));
                    ty = *values;
                }
                Type::Record(id) => {
                    let name = match &p.kind {
                        ExprKind::Str(s) => s.clone(),
                        _ => {
                            return Err(self.semantic(
                                p.loc,
                                "record field in a path must be a literal string",
                            ))
                        }
                    };
                    let fields = self.types.fields(id);
                    let i = fields.iter().position(|f| f.name == name).ok_or_else(|| {
                        self.semantic(
                            p.loc,
                            format!(
                                "record {} has no field \"{name}\"",
                                self.types.get(id).full_name()
                            ),
                        )
                    })?;
                    ty = fields[i].ty.clone();
                    steps.push(TStep::Field(i));
                }
                t => {
                    return Err(self.semantic(
                        loc,
                        format!(
                            "path goes into {}, which is not an array, map or record",
                            self.show(&t)
                        ),
                    ))
                }
            }
        }
        Ok((steps, ty))
    }

    fn replacement_clause(&mut self, to: &To, ty: &Type, loc: LocId, is_update: bool) -> R<TTo> {
        match to {
            To::Value(x) => {
                let v = self.sealed(x)?;
                Ok(TTo::Value(Box::new(self.coerce(
                    v,
                    ty,
                    x.loc,
                    "replacement value",
                )?)))
            }
            To::Fcn(f) => {
                let want = FcnType {
                    params: vec![ty.clone()],
                    ret: Box::new(ty.clone()),
                };
                let (clo, fty) = self.fcn_arg(f)?;
                if fty.params.len() != 1
                    || !accepts(&fty.params[0], ty, &self.types)
                    || !accepts(ty, &fty.ret, &self.types)
                {
                    return Err(self.semantic(
                        loc,
                        format!(
                            "update function must map {} to {}",
                            self.show(ty),
                            self.show(ty)
                        ),
                    ));
                }
                let clo = self.finish_closure(clo, &fty, &want);
                if is_update {
                    self.update_fns.push((clo.func, loc));
                }
                Ok(TTo::Fcn(clo))
            }
        }
    }

    /// Adds conversions so that a closure of type `have` can be called as `want`.
    fn finish_closure(&self, mut clo: Closure, have: &FcnType, want: &FcnType) -> Closure {
        clo.param_convs = want
            .params
            .iter()
            .zip(&have.params)
            .map(|(w, h)| converter(w, h, &self.types))
            .collect();
        clo.ret_conv = converter(&have.ret, &want.ret, &self.types);
        clo
    }

    /// Builds the closure for a function argument and returns its type.
    fn fcn_arg(&mut self, f: &FcnArg) -> R<(Closure, FcnType)> {
        match f {
            FcnArg::Def(def) => {
                let sig = self.fn_sig(def)?;
                let idx = self.new_func();
                self.mark_calls(idx);
                let mut ctx = FnCtx::new(idx, true);
                for (n, t) in &sig.params {
                    if self.visible(n) {
                        return Err(self.semantic(
                            def.loc,
                            format!("parameter \"{n}\" shadows an enclosing symbol"),
                        ));
                    }
                    ctx.declare_param(n, t.clone());
                }
                self.ctxs.push(ctx);
                let body = self.block(&def.body, def.loc);
                let ctx = self.ctxs.pop().expect("balanced");
                let body = self.coerce(body?, &sig.ret, def.loc, "function return value")?;
                self.funcs[idx] = Some(TFunc {
                    name: format!("(inline function {idx})"),
                    params: sig.params.iter().map(|(_, t)| t.clone()).collect(),
                    nslots: ctx.nslots,
                    body,
                });
                let fty = FcnType {
                    params: sig.params.iter().map(|(_, t)| t.clone()).collect(),
                    ret: Box::new(sig.ret),
                };
                Ok((
                    Closure {
                        func: idx,
                        captures: ctx.captures,
                        param_convs: Vec::new(),
                        ret_conv: None,
                    },
                    fty,
                ))
            }
            FcnArg::Ref { name, fill, loc } => self.fcn_ref(name, fill, *loc),
        }
    }

    fn new_func(&mut self) -> usize {
        let idx = self.funcs.len();
        self.funcs.push(None);
        self.effects.push((false, Vec::new()));
        idx
    }

    fn fcn_ref(
        &mut self,
        name: &str,
        fill: &[(String, Expr)],
        loc: LocId,
    ) -> R<(Closure, FcnType)> {
        // The referenced function's parameters and return type, and how to call it.
        let (params, ret, target): (Vec<(String, Type)>, Type, RefTarget) = if let Some(short) =
            name.strip_prefix("u.")
        {
            let (idx, sig) = self
                .user_fns
                .get(short)
                .cloned()
                .ok_or_else(|| self.semantic(loc, format!("unknown function \"{name}\"")))?;
            (sig.params, sig.ret, Ok(idx))
        } else {
            let lf = self
                .reg
                .get(name)
                .cloned()
                .ok_or_else(|| self.unknown_fn(name, loc))?;
            if lf.sigs.len() != 1 {
                return Err(self.semantic(loc, format!("\"{name}\" has several signatures and cannot be referenced with fcn; wrap it in an inline function")));
            }
            let sig = &lf.sigs[0];
            let mut ps = Vec::new();
            for (pn, pat) in &sig.params {
                let filled = fill.iter().any(|(n, _)| n == pn);
                match concrete(pat) {
                        Some(t) => ps.push((pn.clone(), t)),
                        None if filled => ps.push((pn.clone(), Type::Null)),
                        None => {
                            return Err(self.semantic(loc, format!("\"{name}\" is generic and cannot be referenced with fcn; wrap it in an inline function")))
                        }
                    }
            }
            let ret = concrete(&sig.ret).ok_or_else(|| {
                self.semantic(
                    loc,
                    format!(
                        "\"{name}\" has a generic return type and cannot be referenced with fcn"
                    ),
                )
            })?;
            // Filled generic parameters take the type of their fill expression.
            let site = Arc::new(Site {
                name: name.to_string(),
                arg_types: ps.iter().map(|(_, t)| t.clone()).collect(),
                ret: ret.clone(),
            });
            let matched = crate::types::pattern::SigMatch {
                params: site.arg_types.clone(),
                ret: ret.clone(),
            };
            let native = match lf.imp {
                Imp::Native(f) => f,
                Imp::Specialize(s) => s(&Spec {
                    sig: 0,
                    matched: &matched,
                    types: &self.types,
                })
                .map_err(|m| self.semantic(loc, format!("{name}: {m}")))?,
            };
            (ps, ret, Err((native, site)))
        };
        for (n, _) in fill {
            if !params.iter().any(|(p, _)| p == n) {
                return Err(
                    self.semantic(loc, format!("\"{name}\" has no parameter \"{n}\" to fill"))
                );
            }
        }
        if fill.is_empty() {
            if let Ok(idx) = target {
                self.mark_calls(idx);
                let fty = FcnType {
                    params: params.iter().map(|(_, t)| t.clone()).collect(),
                    ret: Box::new(ret),
                };
                return Ok((
                    Closure {
                        func: idx,
                        captures: Vec::new(),
                        param_convs: Vec::new(),
                        ret_conv: None,
                    },
                    fty,
                ));
            }
        }
        // Synthesize a function whose parameters are the unfilled ones and whose body
        // evaluates the fill expressions (on every call, as the spec requires) and calls
        // the target.
        let idx = self.new_func();
        self.mark_calls(idx);
        let mut ctx = FnCtx::new(idx, true);
        let mut free = Vec::new();
        for (pn, pt) in &params {
            if !fill.iter().any(|(n, _)| n == pn) {
                let s = ctx.declare_param(&format!(" {pn}"), pt.clone());
                free.push((pn.clone(), s, pt.clone()));
            }
        }
        self.ctxs.push(ctx);
        let built = (|| -> R<TExpr> {
            let mut args = Vec::new();
            let mut arg_types = Vec::new();
            for (pn, pt) in &params {
                let e = match fill.iter().find(|(n, _)| n == pn) {
                    Some((_, x)) => {
                        let v = self.sealed(x)?;
                        if *pt == Type::Null && target.is_err() {
                            v
                        } else {
                            self.coerce(v, pt, x.loc, &format!("fill {pn}"))?
                        }
                    }
                    None => {
                        let (_, s, t) = free.iter().find(|(n, _, _)| n == pn).expect("free param");
                        texpr(t.clone(), loc, TKind::Local(*s))
                    }
                };
                arg_types.push(e.ty.clone());
                args.push(e);
            }
            Ok(match &target {
                Ok(fidx) => {
                    self.mark_calls(*fidx);
                    texpr(ret.clone(), loc, TKind::CallUser { func: *fidx, args })
                }
                Err((native, site)) => {
                    let site = Arc::new(Site {
                        name: site.name.clone(),
                        arg_types,
                        ret: site.ret.clone(),
                    });
                    texpr(
                        ret.clone(),
                        loc,
                        TKind::Call {
                            f: *native,
                            site,
                            args: args.into_iter().map(TArg::Expr).collect(),
                        },
                    )
                }
            })
        })();
        let ctx = self.ctxs.pop().expect("balanced");
        let body = built?;
        let fparams: Vec<Type> = free.iter().map(|(_, _, t)| t.clone()).collect();
        self.funcs[idx] = Some(TFunc {
            name: format!("{name} (filled)"),
            params: fparams.clone(),
            nslots: ctx.nslots,
            body,
        });
        Ok((
            Closure {
                func: idx,
                captures: ctx.captures,
                param_convs: Vec::new(),
                ret_conv: None,
            },
            FcnType {
                params: fparams,
                ret: Box::new(ret),
            },
        ))
    }

    fn unknown_fn(&self, name: &str, loc: LocId) -> PfaError {
        if crate::library::names::is_spec_function(name) {
            self.semantic(
                loc,
                format!("library function \"{name}\" is not implemented"),
            )
        } else {
            self.semantic(loc, format!("unknown function \"{name}\""))
        }
    }

    fn call(&mut self, name: &str, args: &[Arg], loc: LocId) -> R<TExpr> {
        if let Some(short) = name.strip_prefix("u.") {
            let (idx, sig) = self
                .user_fns
                .get(short)
                .cloned()
                .ok_or_else(|| self.semantic(loc, format!("unknown function \"{name}\"")))?;
            return self.call_user(name, idx, &sig, args, loc);
        }
        if name == "emit" && self.method == crate::syntax::ast::Method::Emit {
            if args.len() != 1 {
                return Err(self.semantic(loc, "emit takes exactly one argument"));
            }
            let Arg::Expr(x) = &args[0] else {
                return Err(self.semantic(loc, "emit takes a value, not a function"));
            };
            let v = self.sealed(x)?;
            let out = self.output.clone();
            let v = self.coerce(v, &out, x.loc, "emitted value (the output type)")?;
            return Ok(texpr(Type::Null, loc, TKind::Emit(Box::new(v))));
        }
        let lf = self
            .reg
            .get(name)
            .cloned()
            .ok_or_else(|| self.unknown_fn(name, loc))?;

        // Argument types: values are typed first; function arguments are typed from
        // their declarations (their bodies are checked once, below).
        let mut typed: Vec<Option<TExpr>> = Vec::new();
        let mut closures: Vec<Option<(Closure, FcnType)>> = Vec::new();
        let mut arg_types = Vec::new();
        for a in args {
            match a {
                Arg::Expr(x) => {
                    let v = self.sealed(x)?;
                    arg_types.push(v.ty.clone());
                    typed.push(Some(v));
                    closures.push(None);
                }
                Arg::Fcn(f) => {
                    let (clo, fty) = self.fcn_arg(f)?;
                    arg_types.push(Type::Fcn(fty.clone()));
                    typed.push(None);
                    closures.push(Some((clo, fty)));
                }
            }
        }
        let mut found = None;
        for (i, sig) in lf.sigs.iter().enumerate() {
            if sig.params.len() != arg_types.len() {
                continue;
            }
            if let Some(m) = sig.matches(&arg_types, &self.types) {
                found = Some((i, m));
                break;
            }
        }
        let Some((si, m)) = found else {
            if typed.iter().flatten().any(|t| t.diverges) {
                // An argument that failed to check (or never returns): nothing more to say.
                self.tainted += 1;
                return Ok(invalid(loc));
            }
            let shown: Vec<String> = arg_types.iter().map(|t| self.show(t)).collect();
            return Err(self.semantic(
                loc,
                format!(
                    "no signature of \"{name}\" accepts arguments ({})",
                    shown.join(", ")
                ),
            ));
        };
        if let Some(Some(v)) = lf.deprecated.get(si) {
            self.warnings.push(format!(
                "{}: this signature of \"{name}\" is deprecated since PFA {v}",
                self.doc.loc(loc)
            ));
        }
        let mut targs = Vec::new();
        for ((t, c), want) in typed.into_iter().zip(closures).zip(&m.params) {
            match (t, c) {
                (Some(v), _) => targs.push(TArg::Expr(self.coerce(
                    v,
                    want,
                    loc,
                    &format!("argument of {name}"),
                )?)),
                (None, Some((clo, fty))) => {
                    let want_f = match want {
                        Type::Fcn(f) => f.clone(),
                        _ => fty.clone(),
                    };
                    targs.push(TArg::Fcn(self.finish_closure(clo, &fty, &want_f)));
                }
                (None, None) => return Err(self.semantic(loc, "internal: argument lost")),
            }
        }
        let diverges = targs
            .iter()
            .any(|a| matches!(a, TArg::Expr(e) if e.diverges));

        if name == "&&" || name == "||" {
            if let [TArg::Expr(a), TArg::Expr(b)] =
                <[TArg; 2]>::try_from(targs).map_err(|_| self.semantic(loc, "bad arity"))?
            {
                return Ok(TExpr {
                    ty: Type::Boolean,
                    diverges,
                    loc,
                    kind: TKind::Logic(name == "&&", Box::new(a), Box::new(b)),
                });
            }
            return Err(self.semantic(loc, format!("{name} takes two booleans")));
        }
        if let Some(op) = bin_op(name, &m.params) {
            if let [TArg::Expr(_), TArg::Expr(_)] = targs.as_slice() {
                let mut it = targs.into_iter();
                if let (Some(TArg::Expr(a)), Some(TArg::Expr(b))) = (it.next(), it.next()) {
                    return Ok(TExpr {
                        ty: m.ret.clone(),
                        diverges,
                        loc,
                        kind: TKind::BinOp(op, Box::new(a), Box::new(b)),
                    });
                }
                return Err(self.semantic(loc, "internal: operator arguments"));
            }
        }
        let native = match lf.imp {
            Imp::Native(f) => f,
            Imp::Specialize(s) => s(&Spec {
                sig: si,
                matched: &m,
                types: &self.types,
            })
            .map_err(|msg| self.semantic(loc, format!("{name}: {msg}")))?,
        };
        Ok(TExpr {
            ty: m.ret.clone(),
            diverges,
            loc,
            kind: TKind::Call {
                f: native,
                site: Arc::new(Site {
                    name: name.to_string(),
                    arg_types: m.params.clone(),
                    ret: m.ret.clone(),
                }),
                args: targs,
            },
        })
    }

    fn call_user(
        &mut self,
        name: &str,
        idx: usize,
        sig: &FnSig,
        args: &[Arg],
        loc: LocId,
    ) -> R<TExpr> {
        if args.len() != sig.params.len() {
            return Err(self.semantic(
                loc,
                format!(
                    "{name} takes {} arguments, {} given",
                    sig.params.len(),
                    args.len()
                ),
            ));
        }
        let mut out = Vec::new();
        let mut diverges = false;
        for (a, (pn, pt)) in args.iter().zip(&sig.params) {
            let Arg::Expr(x) = a else {
                return Err(self.semantic(
                    loc,
                    format!("{name}: user functions do not take function arguments"),
                ));
            };
            let v = self.sealed(x)?;
            diverges |= v.diverges;
            out.push(self.coerce(v, pt, x.loc, &format!("argument {pn} of {name}"))?);
        }
        self.mark_calls(idx);
        Ok(TExpr {
            ty: sig.ret.clone(),
            diverges,
            loc,
            kind: TKind::CallUser {
                func: idx,
                args: out,
            },
        })
    }

    fn call_dyn(&mut self, which: &Expr, args: &[Arg], loc: LocId) -> R<TExpr> {
        let w = self.sealed(which)?;
        let Type::Enum(id) = w.ty else {
            return Err(self.semantic(
                loc,
                format!("call needs an enum value, found {}", self.show(&w.ty)),
            ));
        };
        let symbols = match &self.types.get(id).kind {
            NamedKind::Enum { symbols } => symbols.clone(),
            _ => Vec::new(),
        };
        let mut vals = Vec::new();
        for a in args {
            match a {
                Arg::Expr(x) => vals.push(self.sealed(x)?),
                Arg::Fcn(_) => {
                    return Err(self.semantic(loc, "call does not take function arguments"))
                }
            }
        }
        let mut funcs = Vec::new();
        let mut per = Vec::new();
        let mut rets = Vec::new();
        for s in &symbols {
            let (idx, sig) = self.user_fns.get(s).cloned().ok_or_else(|| {
                self.semantic(
                    loc,
                    format!("call: no user function \"u.{s}\" for enum symbol \"{s}\""),
                )
            })?;
            if sig.params.len() != vals.len() {
                return Err(self.semantic(
                    loc,
                    format!("call: u.{s} takes {} arguments", sig.params.len()),
                ));
            }
            let mut conv_args = Vec::new();
            for (v, (pn, pt)) in vals.iter().zip(&sig.params) {
                conv_args.push(self.coerce(
                    v.clone(),
                    pt,
                    loc,
                    &format!("argument {pn} of u.{s}"),
                )?);
            }
            self.mark_calls(idx);
            funcs.push(idx);
            per.push(conv_args);
            rets.push(sig.ret.clone());
        }
        let ty = narrowest_supertype(&rets, &self.types).unwrap_or(Type::Null);
        let funcs = funcs
            .into_iter()
            .zip(&rets)
            .map(|(f, r)| (f, converter(r, &ty, &self.types)))
            .collect();
        Ok(texpr(
            ty,
            loc,
            TKind::CallDyn {
                which: Box::new(w),
                funcs,
                args: per,
            },
        ))
    }
}

/// A pattern that names exactly one type (no wildcards), as that type.
fn concrete(p: &crate::types::pattern::Pattern) -> Option<Type> {
    use crate::types::pattern::Pattern as P;
    Some(match p {
        P::Null => Type::Null,
        P::Boolean => Type::Boolean,
        P::Int => Type::Int,
        P::Long => Type::Long,
        P::Float => Type::Float,
        P::Double => Type::Double,
        P::String => Type::String,
        P::Bytes => Type::Bytes,
        P::Array(x) => Type::array(concrete(x)?),
        P::Map(x) => Type::map(concrete(x)?),
        P::Union(xs) => Type::Union(xs.iter().map(concrete).collect::<Option<Vec<_>>>()?),
        _ => return None,
    })
}

/// The dedicated instruction for an operator on matched parameter types, if any.
fn bin_op(name: &str, params: &[Type]) -> Option<BinOp> {
    use BinOp::*;
    let [a, b] = params else { return None };
    if a != b {
        return None;
    }
    Some(match (name, a) {
        ("+", Type::Int) => AddI,
        ("-", Type::Int) => SubI,
        ("*", Type::Int) => MulI,
        ("+", Type::Long) => AddL,
        ("-", Type::Long) => SubL,
        ("*", Type::Long) => MulL,
        ("+", Type::Float) => AddF,
        ("-", Type::Float) => SubF,
        ("*", Type::Float) => MulF,
        ("+", Type::Double) => AddD,
        ("-", Type::Double) => SubD,
        ("*", Type::Double) => MulD,
        ("/", Type::Double) => DivD,
        ("<", Type::Int) => LtI,
        ("<=", Type::Int) => LeI,
        (">", Type::Int) => GtI,
        (">=", Type::Int) => GeI,
        ("==", Type::Int) => EqI,
        ("!=", Type::Int) => NeI,
        ("<", Type::Long) => LtL,
        ("<=", Type::Long) => LeL,
        (">", Type::Long) => GtL,
        (">=", Type::Long) => GeL,
        ("==", Type::Long) => EqL,
        ("!=", Type::Long) => NeL,
        ("<", Type::Double) => LtD,
        ("<=", Type::Double) => LeD,
        (">", Type::Double) => GtD,
        (">=", Type::Double) => GeD,
        ("==", Type::Double) => EqD,
        ("!=", Type::Double) => NeD,
        _ => return None,
    })
}

/// Parses a pack/unpack format specifier (spec §7.13.4).
pub(crate) fn parse_format(s: &str, pack: bool) -> Option<PackFmt> {
    let words: Vec<String> = s
        .split_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let mut w: Vec<&str> = words.iter().map(|x| x.as_str()).collect();
    // Endianness prefix.
    let mut little = false;
    if let Some(first) = w.first().copied() {
        let (end, rest) = match first {
            "<" | "little" => (Some(true), None),
            ">" | "!" | "big" | "network" => (Some(false), None),
            _ if first.starts_with('<') => (Some(true), Some(&first[1..])),
            _ if first.starts_with('>') || first.starts_with('!') => {
                (Some(false), Some(&first[1..]))
            }
            _ => (None, None),
        };
        if let Some(e) = end {
            little = e;
            match rest {
                Some(r) if !r.is_empty() => w[0] = r,
                _ => {
                    w.remove(0);
                }
            }
        }
    }
    let unsigned = w.first() == Some(&"unsigned");
    if unsigned {
        w.remove(0);
    }
    let joined = w.join(" ");
    Some(match (joined.as_str(), unsigned) {
        ("pad", false) => PackFmt::Pad,
        ("boolean", false) => PackFmt::Boolean,
        ("byte" | "int8", u) => int_fmt(1, u, little),
        ("short" | "int16", u) => int_fmt(2, u, little),
        ("int" | "int32", u) => int_fmt(4, u, little),
        ("long" | "long long" | "int64", u) => int_fmt(8, u, little),
        ("float" | "float32", false) => PackFmt::Float(4, little),
        ("double" | "float64", false) => PackFmt::Float(8, little),
        ("null terminated" | "nullterminated", false) => PackFmt::NullTerminated,
        ("length prefixed" | "lengthprefixed", false) => PackFmt::LengthPrefixed,
        ("raw", false) if pack => PackFmt::RawAny,
        (other, false) if other.starts_with("raw") => {
            let n: usize = other[3..].trim().parse().ok()?;
            PackFmt::Raw(n)
        }
        _ => return None,
    })
}

fn int_fmt(n: u8, unsigned: bool, little: bool) -> PackFmt {
    if unsigned {
        PackFmt::Unsigned(n, little)
    } else {
        PackFmt::Signed(n, little)
    }
}

/// The PFA type an unpack format produces.
pub(crate) fn format_type(f: PackFmt) -> Type {
    match f {
        PackFmt::Pad => Type::Null,
        PackFmt::Boolean => Type::Boolean,
        PackFmt::Signed(8, _) => Type::Long,
        PackFmt::Signed(_, _) => Type::Int,
        PackFmt::Unsigned(4, _) => Type::Long,
        PackFmt::Unsigned(8, _) => Type::Double,
        PackFmt::Unsigned(_, _) => Type::Int,
        PackFmt::Float(4, _) => Type::Float,
        PackFmt::Float(_, _) => Type::Double,
        PackFmt::Raw(_) | PackFmt::RawAny | PackFmt::NullTerminated | PackFmt::LengthPrefixed => {
            Type::Bytes
        }
    }
}

/// The PFA type a pack format consumes.
fn pack_input_type(f: PackFmt) -> Type {
    format_type(f)
}
