//! The less frequent operations behind `Instr::Op` and `Instr::Path`: paths, cells,
//! pools, constructors, type tests, pack/unpack, log and emit.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::state::{CellSlot, PoolSlot};
use super::{internal, Core};
use crate::check::tir::PackFmt;
use crate::compile::{Compiled, OpSpec, PStep, PathSpec, ToSpec};
use crate::error::PfaError;
use crate::types::{Type, TypeTable};
use crate::value::json::{to_json, JsonStyle};
use crate::value::{Record, Value};

type R<T> = Result<T, PfaError>;

fn index_of(frame: &[Value], slot: u16) -> R<i64> {
    match frame.get(slot as usize) {
        Some(Value::Int(i)) => Ok(*i as i64),
        Some(Value::Long(i)) => Ok(*i),
        _ => Err(internal("array index is not an int")),
    }
}

fn key_of(frame: &[Value], slot: u16) -> R<Arc<str>> {
    match frame.get(slot as usize) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(internal("map key is not a string")),
    }
}

fn not_found_index(spec: &PathSpec) -> PfaError {
    PfaError::runtime(spec.codes.0, "array index not found")
}

fn not_found_key(spec: &PathSpec) -> PfaError {
    PfaError::runtime(spec.codes.1, "map key not found")
}

/// Walks a path from `v`.
pub fn get_path(v: &Value, spec: &PathSpec, frame: &[Value]) -> R<Value> {
    let mut cur = v;
    for s in &spec.steps {
        cur = match (s, cur) {
            (PStep::Index(slot), Value::Array(a)) => {
                let i = index_of(frame, *slot)?;
                if i < 0 {
                    return Err(not_found_index(spec));
                }
                a.get(i as usize).ok_or_else(|| not_found_index(spec))?
            }
            (PStep::Key(slot), Value::Map(m)) => {
                let k = key_of(frame, *slot)?;
                m.get(&k).ok_or_else(|| not_found_key(spec))?
            }
            (PStep::Field(i), Value::Record(r)) => r
                .fields
                .get(*i)
                .ok_or_else(|| internal("bad field index"))?,
            _ => return Err(internal("path does not fit the value")),
        };
    }
    Ok(cur.clone())
}

/// Replaces the element at the end of a path, copying only the containers on the path.
pub fn set_path(
    v: &mut Value,
    steps: &[PStep],
    spec: &PathSpec,
    frame: &[Value],
    leaf: Value,
) -> R<()> {
    let Some((s, rest)) = steps.split_first() else {
        *v = leaf;
        return Ok(());
    };
    match (s, v) {
        (PStep::Index(slot), Value::Array(a)) => {
            let i = index_of(frame, *slot)?;
            if i < 0 || i as usize >= a.len() {
                return Err(not_found_index(spec));
            }
            let a = Arc::make_mut(a);
            set_path(&mut a[i as usize], rest, spec, frame, leaf)
        }
        (PStep::Key(slot), Value::Map(m)) => {
            let k = key_of(frame, *slot)?;
            if !m.contains_key(&k) {
                return Err(not_found_key(spec));
            }
            let m = Arc::make_mut(m);
            match m.get_mut(&k) {
                Some(child) => set_path(child, rest, spec, frame, leaf),
                None => Err(not_found_key(spec)),
            }
        }
        (PStep::Field(i), Value::Record(r)) => {
            let r = Arc::make_mut(r);
            match r.fields.get_mut(*i) {
                Some(child) => set_path(child, rest, spec, frame, leaf),
                None => Err(internal("bad field index")),
            }
        }
        _ => Err(internal("path does not fit the value")),
    }
}

/// Whether a value (of some union type) belongs to type `ty` (a branch, or a union of
/// branches as a `cast` case may name).
pub fn value_is(v: &Value, ty: &Type) -> bool {
    match ty {
        Type::Union(ts) => ts.iter().any(|t| v.is_branch(t)),
        t => v.is_branch(t),
    }
}

impl Core {
    fn replacement(
        &mut self,
        prog: &Compiled,
        to: &ToSpec,
        old: impl FnOnce() -> R<Value>,
        base: usize,
        frame: usize,
    ) -> R<Value> {
        match to {
            ToSpec::Value(slot) => Ok(self.stack[base + *slot as usize].clone()),
            ToSpec::Fcn(clo) => {
                let o = old()?;
                self.call_closure(prog, clo, base, frame, &[o])
            }
        }
    }

    /// Replaces `root` (or the element at the end of `path`) by the `to` value or by
    /// the update function applied to the old element.
    fn update(
        &mut self,
        prog: &Compiled,
        root: Value,
        path: Option<u32>,
        to: &ToSpec,
        base: usize,
        frame: usize,
    ) -> R<Value> {
        match path {
            None => {
                let r = root.clone();
                self.replacement(prog, to, move || Ok(r), base, frame)
            }
            Some(p) => {
                let spec = &prog.paths[p as usize];
                let leaf = {
                    let stack = &self.stack;
                    let old = || get_path(&root, spec, &stack[base..]);
                    match to {
                        ToSpec::Value(slot) => {
                            // Check that the path exists even when replacing by value.
                            old()?;
                            self.stack[base + *slot as usize].clone()
                        }
                        ToSpec::Fcn(clo) => {
                            let o = old()?;
                            self.call_closure(prog, clo, base, frame, &[o])?
                        }
                    }
                };
                let mut root = root;
                set_path(&mut root, &spec.steps, spec, &self.stack[base..], leaf)?;
                Ok(root)
            }
        }
    }

    pub(super) fn op(&mut self, prog: &Compiled, op: usize, base: usize, frame: usize) -> R<Value> {
        let spec = prog.ops.get(op).ok_or_else(|| internal("bad op"))?;
        let slot = |s: u16| base + s as usize;
        match spec {
            OpSpec::AttrTo { src, path, to } => {
                let root = self.stack[slot(*src)].clone();
                self.update(prog, root, Some(*path), to, base, frame)
            }
            OpSpec::CellGet { cell, path } => {
                let v = self.cells[*cell].get();
                match path {
                    None => Ok(v),
                    Some(p) => get_path(&v, &prog.paths[*p as usize], &self.stack[base..]),
                }
            }
            OpSpec::CellTo { cell, path, to } => {
                let shared = match &self.cells[*cell] {
                    CellSlot::Shared(c) => Some(c.clone()),
                    CellSlot::Private(_) => None,
                };
                // The writer lock covers reading the old value, the update and the publish.
                let _guard = shared.as_ref().map(|c| c.lock());
                let old = self.cells[*cell].get();
                let new = self.update(prog, old, *path, to, base, frame)?;
                self.cells[*cell].set(new.clone());
                Ok(new)
            }
            OpSpec::PoolGet { pool, key, path } => {
                let k = key_of(&self.stack[base..], *key)?;
                let item = match &self.pools[*pool] {
                    PoolSlot::Private(m) => m.get(&k).cloned(),
                    PoolSlot::Shared(p) => p.get(&k),
                };
                let item = item.ok_or_else(|| PfaError::runtime(2009, "map key not found"))?;
                match path {
                    None => Ok(item),
                    Some(p) => get_path(&item, &prog.paths[*p as usize], &self.stack[base..]),
                }
            }
            OpSpec::PoolTo {
                pool,
                key,
                path,
                to,
                init,
            } => {
                let k = key_of(&self.stack[base..], *key)?;
                let shared = match &self.pools[*pool] {
                    PoolSlot::Shared(p) => Some(p.clone()),
                    PoolSlot::Private(_) => None,
                };
                let lock = shared.as_ref().map(|p| p.item_lock(&k));
                let _guard = lock
                    .as_ref()
                    .map(|l| l.lock().unwrap_or_else(|e| e.into_inner()));
                let current = match &self.pools[*pool] {
                    PoolSlot::Private(m) => m.get(&k).cloned(),
                    PoolSlot::Shared(p) => p.get(&k),
                };
                let old = match current {
                    Some(v) => v,
                    None => self.stack[slot(*init)].clone(),
                };
                let new = self.update(prog, old, *path, to, base, frame)?;
                match &mut self.pools[*pool] {
                    PoolSlot::Private(m) => {
                        Arc::make_mut(m).insert(k, new.clone());
                    }
                    PoolSlot::Shared(p) => p.put(k, new.clone()),
                }
                Ok(new)
            }
            OpSpec::PoolDel { pool, key } => {
                let k = key_of(&self.stack[base..], *key)?;
                match &mut self.pools[*pool] {
                    PoolSlot::Private(m) => {
                        if m.contains_key(&k) {
                            Arc::make_mut(m).remove(&k);
                        }
                    }
                    PoolSlot::Shared(p) => {
                        let lock = p.item_lock(&k);
                        let _g = lock.lock().unwrap_or_else(|e| e.into_inner());
                        p.remove(&k);
                    }
                }
                Ok(Value::Null)
            }
            OpSpec::NewArray { start, n } => {
                let s = slot(*start);
                let items: Vec<Value> = (s..s + n)
                    .map(|i| std::mem::replace(&mut self.stack[i], Value::Null))
                    .collect();
                Ok(Value::Array(Arc::new(items)))
            }
            OpSpec::NewMap { start, keys } => {
                let s = slot(*start);
                let mut m = BTreeMap::new();
                for (i, k) in keys.iter().enumerate() {
                    m.insert(
                        k.clone(),
                        std::mem::replace(&mut self.stack[s + i], Value::Null),
                    );
                }
                Ok(Value::Map(Arc::new(m)))
            }
            OpSpec::NewRecord { ty, start, n } => {
                let s = slot(*start);
                let fields: Vec<Value> = (s..s + n)
                    .map(|i| std::mem::replace(&mut self.stack[i], Value::Null))
                    .collect();
                Ok(Value::Record(Arc::new(Record {
                    ty: *ty,
                    fields: fields.into_boxed_slice(),
                })))
            }
            OpSpec::IsType { src, ty } => Ok(Value::Boolean(value_is(&self.stack[slot(*src)], ty))),
            OpSpec::IsNull { src } => Ok(Value::Boolean(self.stack[slot(*src)].is_null())),
            OpSpec::Unpack { src, items } => {
                let bytes = match &self.stack[slot(*src)] {
                    Value::Bytes(b) => b.clone(),
                    _ => return Err(internal("unpack of non-bytes")),
                };
                match unpack(&bytes, items.iter().map(|(_, f)| *f)) {
                    Some(vals) => {
                        for ((s, _), v) in items.iter().zip(vals) {
                            self.stack[slot(*s)] = v;
                        }
                        Ok(Value::Boolean(true))
                    }
                    None => Ok(Value::Boolean(false)),
                }
            }
            OpSpec::Pack { items } => {
                let mut out = Vec::new();
                for (f, s) in items {
                    pack_one(*f, &self.stack[slot(*s)], &mut out)?;
                }
                Ok(Value::Bytes(Arc::from(out)))
            }
            OpSpec::Log {
                start,
                n,
                namespace,
                types,
            } => {
                let mut parts = Vec::new();
                for i in 0..*n {
                    let v = &self.stack[slot(*start) + i];
                    let t = types.get(i).unwrap_or(&Type::Null);
                    parts.push(log_text(v, t, &prog.types));
                }
                let text = parts.join(" ");
                self.write_log(&text, namespace.as_deref());
                Ok(Value::Null)
            }
            OpSpec::Emit { src } => {
                let v = self.stack[slot(*src)].clone();
                if let Some(f) = &mut self.emit {
                    f(v);
                }
                Ok(Value::Null)
            }
            OpSpec::Len { src } => match &self.stack[slot(*src)] {
                Value::Array(a) => Ok(Value::Int(a.len().min(i32::MAX as usize) as i32)),
                _ => Err(internal("length of non-array")),
            },
            OpSpec::MapItems { src } => match &self.stack[slot(*src)] {
                Value::Map(m) => {
                    let mut out = Vec::with_capacity(m.len() * 2);
                    for (k, v) in m.iter() {
                        out.push(Value::String(k.clone()));
                        out.push(v.clone());
                    }
                    Ok(Value::Array(Arc::new(out)))
                }
                _ => Err(internal("entries of non-map")),
            },
        }
    }
}

fn log_text(v: &Value, t: &Type, types: &TypeTable) -> String {
    match v {
        Value::String(s) => s.to_string(),
        _ => to_json(v, t, types, JsonStyle::Avro).to_string(),
    }
}

fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if b.len() < n {
        return None;
    }
    let (h, t) = b.split_at(n);
    *b = t;
    Some(h)
}

fn arr<const N: usize>(s: &[u8], little: bool) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&s[..N]);
    if little {
        a
    } else {
        a.reverse();
        a
    }
}

/// Decodes bytes by formats; `None` unless the formats use exactly all bytes.
fn unpack(bytes: &[u8], fmts: impl Iterator<Item = PackFmt>) -> Option<Vec<Value>> {
    let mut b = bytes;
    let mut out = Vec::new();
    for f in fmts {
        let v = match f {
            PackFmt::Pad => {
                take(&mut b, 1)?;
                Value::Null
            }
            PackFmt::Boolean => Value::Boolean(take(&mut b, 1)?[0] != 0),
            PackFmt::Signed(1, _) => Value::Int(take(&mut b, 1)?[0] as i8 as i32),
            PackFmt::Unsigned(1, _) => Value::Int(take(&mut b, 1)?[0] as i32),
            // Multi-byte values: bytes are normalized to little-endian order first.
            PackFmt::Signed(2, l) => {
                Value::Int(i16::from_le_bytes(arr(take(&mut b, 2)?, l)) as i32)
            }
            PackFmt::Unsigned(2, l) => {
                Value::Int(u16::from_le_bytes(arr(take(&mut b, 2)?, l)) as i32)
            }
            PackFmt::Signed(4, l) => Value::Int(i32::from_le_bytes(arr(take(&mut b, 4)?, l))),
            PackFmt::Unsigned(4, l) => {
                Value::Long(u32::from_le_bytes(arr(take(&mut b, 4)?, l)) as i64)
            }
            PackFmt::Signed(_, l) => Value::Long(i64::from_le_bytes(arr(take(&mut b, 8)?, l))),
            PackFmt::Unsigned(_, l) => {
                Value::Double(u64::from_le_bytes(arr(take(&mut b, 8)?, l)) as f64)
            }
            PackFmt::Float(4, l) => Value::Float(f32::from_le_bytes(arr(take(&mut b, 4)?, l))),
            PackFmt::Float(_, l) => Value::Double(f64::from_le_bytes(arr(take(&mut b, 8)?, l))),
            PackFmt::Raw(n) => Value::Bytes(Arc::from(take(&mut b, n)?)),
            PackFmt::RawAny => {
                let all = b;
                b = &[];
                Value::Bytes(Arc::from(all))
            }
            PackFmt::NullTerminated => {
                let end = b.iter().position(|&x| x == 0)?;
                let s = take(&mut b, end)?;
                take(&mut b, 1)?;
                Value::Bytes(Arc::from(s))
            }
            PackFmt::LengthPrefixed => {
                let n = take(&mut b, 1)?[0] as usize;
                Value::Bytes(Arc::from(take(&mut b, n)?))
            }
        };
        out.push(v);
    }
    if b.is_empty() {
        Some(out)
    } else {
        None
    }
}

fn put(out: &mut Vec<u8>, le: &[u8], little: bool) {
    if little {
        out.extend_from_slice(le);
    } else {
        out.extend(le.iter().rev());
    }
}

fn pack_one(f: PackFmt, v: &Value, out: &mut Vec<u8>) -> R<()> {
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    match f {
        PackFmt::Pad => out.push(0),
        PackFmt::Boolean => out.push(u8::from(v.as_bool().unwrap_or(false))),
        PackFmt::Signed(1, _) | PackFmt::Unsigned(1, _) => out.push(int(v) as u8),
        PackFmt::Signed(2, l) | PackFmt::Unsigned(2, l) => {
            put(out, &(int(v) as u16).to_le_bytes(), l)
        }
        PackFmt::Signed(4, l) | PackFmt::Unsigned(4, l) => {
            put(out, &(int(v) as u32).to_le_bytes(), l)
        }
        PackFmt::Signed(_, l) => put(out, &(int(v) as u64).to_le_bytes(), l),
        PackFmt::Unsigned(_, l) => {
            let x = v.as_f64().unwrap_or(0.0);
            put(out, &(x as u64).to_le_bytes(), l)
        }
        PackFmt::Float(4, l) => {
            let x = match v {
                Value::Float(x) => *x,
                other => other.as_f64().unwrap_or(0.0) as f32,
            };
            put(out, &x.to_le_bytes(), l)
        }
        PackFmt::Float(_, l) => put(out, &v.as_f64().unwrap_or(0.0).to_le_bytes(), l),
        PackFmt::Raw(n) => {
            let b = bytes_of(v)?;
            if b.len() != n {
                return Err(PfaError::runtime(
                    3000,
                    "raw bytes does not have specified size",
                ));
            }
            out.extend_from_slice(b);
        }
        PackFmt::RawAny => out.extend_from_slice(bytes_of(v)?),
        PackFmt::NullTerminated => {
            out.extend_from_slice(bytes_of(v)?);
            out.push(0);
        }
        PackFmt::LengthPrefixed => {
            let b = bytes_of(v)?;
            if b.len() > 255 {
                return Err(PfaError::runtime(
                    3001,
                    "length prefixed bytes is larger than 255 bytes",
                ));
            }
            out.push(b.len() as u8);
            out.extend_from_slice(b);
        }
    }
    Ok(())
}

fn bytes_of(v: &Value) -> R<&[u8]> {
    match v {
        Value::Bytes(b) => Ok(b),
        _ => Err(internal("pack of non-bytes")),
    }
}
