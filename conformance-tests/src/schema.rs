//! A lightweight reading of the Avro types in an engine document, independent of the
//! engine under test. It serves two purposes only: telling the comparator where a number
//! is a `float` (so the strict verdict compares it at single precision) and checking that
//! an output has the shape of the declared type (for nondeterministic trials, where the
//! value itself is not compared). Anything it cannot make sense of becomes
//! [`Shape::Any`], which always conforms and compares by JSON structure alone, so a
//! misreading can only loosen the typed rules, never reject a correct engine.

use std::collections::HashMap;

use serde_json::Value as Json;

/// The shape of a JSON-encoded datum.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// Unknown: compared structurally.
    Any,
    /// `null`
    Null,
    /// `boolean`
    Boolean,
    /// `int`
    Int,
    /// `long`
    Long,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `string`
    String,
    /// `bytes` (base64 in the conformance convention)
    Bytes,
    /// An array.
    Array(Box<Shape>),
    /// A map with string keys.
    Map(Box<Shape>),
    /// A union of branches.
    Union(Vec<Shape>),
    /// A named type: index into [`Schemas`].
    Named(usize),
    /// A record given field by field (used for engine state snapshots).
    Fields(Vec<(String, Shape)>),
}

/// The body of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum NamedShape {
    /// Not resolved (yet).
    Unknown,
    /// Record fields in order.
    Record(Vec<(String, Shape)>),
    /// Enum symbols.
    Enum(Vec<String>),
    /// Fixed of a size (base64 in the conformance convention).
    Fixed(usize),
}

/// The named types of one engine document.
#[derive(Clone, Debug, Default)]
pub struct Schemas {
    names: Vec<String>,
    bodies: Vec<NamedShape>,
    by_name: HashMap<String, usize>,
}

const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "string", "bytes",
];

fn primitive(name: &str) -> Option<Shape> {
    Some(match name {
        "null" => Shape::Null,
        "boolean" => Shape::Boolean,
        "int" => Shape::Int,
        "long" => Shape::Long,
        "float" => Shape::Float,
        "double" => Shape::Double,
        "string" => Shape::String,
        "bytes" => Shape::Bytes,
        _ => return None,
    })
}

/// Full name of a named-type definition given the enclosing namespace.
fn full_name(
    obj: &serde_json::Map<String, Json>,
    ns: Option<&str>,
) -> Option<(String, Option<String>)> {
    let name = obj.get("name")?.as_str()?;
    if let Some(dot) = name.rfind('.') {
        return Some((name.to_string(), Some(name[..dot].to_string())));
    }
    let ns = match obj.get("namespace") {
        Some(Json::String(s)) => Some(s.as_str()),
        _ => ns,
    };
    match ns {
        Some(n) if !n.is_empty() => Some((format!("{n}.{name}"), Some(n.to_string()))),
        _ => Some((name.to_string(), None)),
    }
}

fn is_named_def(obj: &serde_json::Map<String, Json>) -> bool {
    matches!(
        obj.get("type").and_then(Json::as_str),
        Some("record" | "enum" | "fixed")
    ) && obj.get("name").is_some_and(Json::is_string)
}

impl Schemas {
    /// Collects every named type defined anywhere in an engine document (input, output,
    /// cells, pools, function signatures, `new`/`type` annotations), resolving forward
    /// references after everything is known.
    pub fn from_document(doc: &Json) -> Schemas {
        let mut s = Schemas::default();
        let mut defs = Vec::new();
        s.collect(doc, None, &mut defs, 0);
        for (idx, def, ns) in defs {
            let body = s.body_of(def, ns.as_deref());
            s.bodies[idx] = body;
        }
        s
    }

    fn collect<'a>(
        &mut self,
        json: &'a Json,
        ns: Option<&str>,
        defs: &mut Vec<(usize, &'a serde_json::Map<String, Json>, Option<String>)>,
        depth: usize,
    ) {
        // Documents nest far less than this; the bound only protects the stack.
        if depth > 200 {
            return;
        }
        match json {
            Json::Object(obj) => {
                let mut inner_ns = ns.map(str::to_string);
                if is_named_def(obj) {
                    if let Some((full, own_ns)) = full_name(obj, ns) {
                        if !self.by_name.contains_key(&full) {
                            let idx = self.names.len();
                            self.names.push(full.clone());
                            self.bodies.push(NamedShape::Unknown);
                            self.by_name.insert(full, idx);
                            defs.push((idx, obj, own_ns.clone()));
                        }
                        inner_ns = own_ns;
                    }
                }
                for v in obj.values() {
                    self.collect(v, inner_ns.as_deref(), defs, depth + 1);
                }
            }
            Json::Array(items) => {
                for v in items {
                    self.collect(v, ns, defs, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn body_of(&self, obj: &serde_json::Map<String, Json>, ns: Option<&str>) -> NamedShape {
        match obj.get("type").and_then(Json::as_str) {
            Some("record") => {
                let fields = obj
                    .get("fields")
                    .and_then(Json::as_array)
                    .map(|fs| {
                        fs.iter()
                            .filter_map(|f| {
                                let name = f.get("name")?.as_str()?.to_string();
                                let ty = f.get("type").map_or(Shape::Any, |t| self.shape_in(t, ns));
                                Some((name, ty))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                NamedShape::Record(fields)
            }
            Some("enum") => NamedShape::Enum(
                obj.get("symbols")
                    .and_then(Json::as_array)
                    .map(|s| {
                        s.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            Some("fixed") => NamedShape::Fixed(
                obj.get("size")
                    .and_then(Json::as_u64)
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or(0),
            ),
            _ => NamedShape::Unknown,
        }
    }

    fn lookup(&self, name: &str, ns: Option<&str>) -> Option<usize> {
        if let Some(n) = ns.filter(|n| !n.is_empty() && !name.contains('.')) {
            if let Some(&i) = self.by_name.get(&format!("{n}.{name}")) {
                return Some(i);
            }
        }
        self.by_name.get(name).copied()
    }

    /// The shape of an Avro type given as JSON (top-level namespace).
    pub fn shape(&self, ty: &Json) -> Shape {
        self.shape_in(ty, None)
    }

    fn shape_in(&self, ty: &Json, ns: Option<&str>) -> Shape {
        match ty {
            Json::String(name) => primitive(name)
                .or_else(|| self.lookup(name, ns).map(Shape::Named))
                .unwrap_or(Shape::Any),
            Json::Array(branches) => {
                Shape::Union(branches.iter().map(|b| self.shape_in(b, ns)).collect())
            }
            Json::Object(obj) => match obj.get("type") {
                Some(Json::String(t)) => match t.as_str() {
                    "array" => Shape::Array(Box::new(
                        obj.get("items")
                            .map_or(Shape::Any, |i| self.shape_in(i, ns)),
                    )),
                    "map" => Shape::Map(Box::new(
                        obj.get("values")
                            .map_or(Shape::Any, |v| self.shape_in(v, ns)),
                    )),
                    "record" | "enum" | "fixed" => full_name(obj, ns)
                        .and_then(|(full, _)| self.by_name.get(&full).copied())
                        .map_or(Shape::Any, Shape::Named),
                    other => self.shape_in(&Json::String(other.to_string()), ns),
                },
                Some(inner @ (Json::Object(_) | Json::Array(_))) => self.shape_in(inner, ns),
                _ => Shape::Any,
            },
            _ => Shape::Any,
        }
    }

    /// The body of a named type.
    pub fn named(&self, idx: usize) -> &NamedShape {
        self.bodies.get(idx).unwrap_or(&NamedShape::Unknown)
    }

    /// The full name of a named type.
    pub fn name(&self, idx: usize) -> &str {
        self.names.get(idx).map_or("", String::as_str)
    }

    /// The tag that names a union branch in the conformance JSON convention.
    pub fn tag<'a>(&'a self, shape: &'a Shape) -> Option<&'a str> {
        Some(match shape {
            Shape::Null => "null",
            Shape::Boolean => "boolean",
            Shape::Int => "int",
            Shape::Long => "long",
            Shape::Float => "float",
            Shape::Double => "double",
            Shape::String => "string",
            Shape::Bytes => "bytes",
            Shape::Array(_) => "array",
            Shape::Map(_) => "map",
            Shape::Named(i) => self.name(*i),
            Shape::Any | Shape::Union(_) | Shape::Fields(_) => return None,
        })
    }

    /// The branch of a union named by `tag` (full name, or short name as a fallback).
    pub fn branch<'a>(&'a self, branches: &'a [Shape], tag: &str) -> Option<&'a Shape> {
        branches
            .iter()
            .find(|b| self.tag(b) == Some(tag))
            .or_else(|| {
                branches.iter().find(|b| match b {
                    Shape::Named(i) => self.name(*i).rsplit('.').next() == Some(tag),
                    _ => false,
                })
            })
    }

    /// Record field names of a shape, if it is a record.
    pub fn record_fields<'a>(&'a self, shape: &'a Shape) -> Option<&'a [(String, Shape)]> {
        match shape {
            Shape::Named(i) => match self.named(*i) {
                NamedShape::Record(f) => Some(f),
                _ => None,
            },
            Shape::Fields(f) => Some(f),
            _ => None,
        }
    }

    /// Whether `json` is a valid encoding of a datum of shape `shape` in the
    /// conformance convention. `Err` says what does not fit, with a path.
    pub fn conforms(&self, json: &Json, shape: &Shape) -> Result<(), String> {
        self.conforms_at(json, shape, "$", 0)
    }

    fn conforms_at(
        &self,
        json: &Json,
        shape: &Shape,
        path: &str,
        depth: usize,
    ) -> Result<(), String> {
        if depth > 200 {
            return Ok(());
        }
        let bad = |what: &str| Err(format!("{path}: expected {what}, got {}", brief(json)));
        match shape {
            Shape::Any => Ok(()),
            Shape::Null => {
                if json.is_null() {
                    Ok(())
                } else {
                    bad("null")
                }
            }
            Shape::Boolean => {
                if json.is_boolean() {
                    Ok(())
                } else {
                    bad("a boolean")
                }
            }
            Shape::Int => match json.as_i64() {
                Some(n) if i32::try_from(n).is_ok() => Ok(()),
                _ => bad("an int"),
            },
            Shape::Long => {
                if json.is_i64() {
                    Ok(())
                } else {
                    bad("a long")
                }
            }
            Shape::Float | Shape::Double => match json {
                Json::Number(_) => Ok(()),
                Json::String(s) if matches!(s.as_str(), "inf" | "-inf" | "nan") => Ok(()),
                _ => bad("a number"),
            },
            Shape::String | Shape::Bytes => {
                if json.is_string() {
                    Ok(())
                } else {
                    bad("a string")
                }
            }
            Shape::Array(items) => match json {
                Json::Array(a) => a.iter().enumerate().try_for_each(|(i, x)| {
                    self.conforms_at(x, items, &format!("{path}[{i}]"), depth + 1)
                }),
                _ => bad("an array"),
            },
            Shape::Map(values) => match json {
                Json::Object(m) => m.iter().try_for_each(|(k, x)| {
                    self.conforms_at(x, values, &format!("{path}.{k}"), depth + 1)
                }),
                _ => bad("a map"),
            },
            Shape::Union(branches) => {
                if json.is_null() && branches.contains(&Shape::Null) {
                    return Ok(());
                }
                if branches.iter().any(|b| matches!(b, Shape::Any)) {
                    return Ok(());
                }
                match json {
                    Json::Object(m) if m.len() == 1 => {
                        let (tag, inner) = m.iter().next().expect("one entry");
                        match self.branch(branches, tag) {
                            Some(b) => {
                                self.conforms_at(inner, b, &format!("{path}.{tag}"), depth + 1)
                            }
                            None => bad("a union value tagged with one of its branches"),
                        }
                    }
                    _ => bad("a tagged union value"),
                }
            }
            Shape::Named(i) => match self.named(*i) {
                NamedShape::Unknown => Ok(()),
                NamedShape::Enum(symbols) => match json {
                    Json::String(s) if symbols.iter().any(|x| x == s) => Ok(()),
                    _ => bad(&format!("a symbol of enum {}", self.name(*i))),
                },
                NamedShape::Fixed(_) => {
                    if json.is_string() {
                        Ok(())
                    } else {
                        bad("a fixed (base64 string)")
                    }
                }
                NamedShape::Record(fields) => self.conforms_fields(json, fields, path, depth),
            },
            Shape::Fields(fields) => self.conforms_fields(json, fields, path, depth),
        }
    }

    fn conforms_fields(
        &self,
        json: &Json,
        fields: &[(String, Shape)],
        path: &str,
        depth: usize,
    ) -> Result<(), String> {
        let Json::Object(m) = json else {
            return Err(format!("{path}: expected a record, got {}", brief(json)));
        };
        for (name, ty) in fields {
            match m.get(name) {
                Some(v) => self.conforms_at(v, ty, &format!("{path}.{name}"), depth + 1)?,
                None => return Err(format!("{path}: missing field \"{name}\"")),
            }
        }
        if let Some(extra) = m.keys().find(|k| !fields.iter().any(|(n, _)| n == *k)) {
            return Err(format!("{path}: unexpected field \"{extra}\""));
        }
        Ok(())
    }
}

/// A short description of a JSON value for messages.
pub fn brief(json: &Json) -> String {
    let s = json.to_string();
    crate::report::truncate(&s, 60)
}

/// The types an engine document declares for its data: output (and tally), input, and
/// the state (cells and pools) for snapshots.
#[derive(Clone, Debug)]
pub struct DocShapes {
    /// Named types.
    pub schemas: Schemas,
    /// Input type.
    pub input: Shape,
    /// Output type (also the tally type of a fold engine).
    pub output: Shape,
    /// `{"cells": {...}, "pools": {...}}` as produced by a snapshot.
    pub state: Shape,
    /// The scoring method: "map", "emit" or "fold".
    pub method: String,
}

impl DocShapes {
    /// Reads the shapes of an engine document.
    pub fn of(doc: &Json) -> DocShapes {
        let schemas = Schemas::from_document(doc);
        let get = |k: &str| doc.get(k).map_or(Shape::Any, |t| schemas.shape(t));
        let input = get("input");
        let output = get("output");
        let section = |k: &str, pool: bool| -> Shape {
            match doc.get(k).and_then(Json::as_object) {
                Some(m) => Shape::Fields(
                    m.iter()
                        .map(|(name, decl)| {
                            let ty = decl.get("type").map_or(Shape::Any, |t| schemas.shape(t));
                            let ty = if pool { Shape::Map(Box::new(ty)) } else { ty };
                            (name.clone(), ty)
                        })
                        .collect(),
                ),
                None => Shape::Fields(Vec::new()),
            }
        };
        let state = Shape::Fields(vec![
            ("cells".to_string(), section("cells", false)),
            ("pools".to_string(), section("pools", true)),
        ]);
        let method = doc
            .get("method")
            .and_then(Json::as_str)
            .unwrap_or("map")
            .to_string();
        DocShapes {
            schemas,
            input,
            output,
            state,
            method,
        }
    }

    /// Field names of the input record, if the input is a record.
    pub fn input_fields(&self) -> Option<Vec<&str>> {
        self.schemas
            .record_fields(&self.input)
            .map(|f| f.iter().map(|(n, _)| n.as_str()).collect())
    }
}

/// Whether `s` names a primitive type.
pub fn is_primitive(s: &str) -> bool {
    PRIMITIVES.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn named_types_forward_refs_and_namespaces() {
        let doc = json!({
            "input": {"type": "array", "items": "com.x.P"},
            "output": ["null", "P2", {"type": "map", "values": "float"}],
            "cells": {"c": {"type": {"type": "record", "name": "P", "namespace": "com.x",
                "fields": [{"name": "a", "type": "double"}, {"name": "b", "type": "Q"}]}, "init": {}}},
            "fcns": {"f": {"params": [{"x": {"type": "enum", "name": "Q", "namespace": "com.x", "symbols": ["A", "B"]}}],
                "ret": {"type": "fixed", "name": "P2", "size": 4}, "do": []}}
        });
        let d = DocShapes::of(&doc);
        let Shape::Array(items) = &d.input else {
            panic!("{:?}", d.input)
        };
        let Shape::Named(p) = **items else { panic!() };
        assert_eq!(d.schemas.name(p), "com.x.P");
        let fields = d.schemas.record_fields(items).unwrap();
        assert_eq!(fields[0], ("a".to_string(), Shape::Double));
        let Shape::Named(q) = fields[1].1 else {
            panic!("{:?}", fields[1])
        };
        assert_eq!(
            d.schemas.named(q),
            &NamedShape::Enum(vec!["A".into(), "B".into()])
        );
        let Shape::Union(b) = &d.output else { panic!() };
        assert_eq!(b.len(), 3);
        assert!(d.schemas.conforms(&json!(null), &d.output).is_ok());
        assert!(d
            .schemas
            .conforms(&json!({"P2": "AAAAAA=="}), &d.output)
            .is_ok());
        assert!(d
            .schemas
            .conforms(&json!({"map": {"k": "inf"}}), &d.output)
            .is_ok());
        assert!(d
            .schemas
            .conforms(&json!({"map": {"k": "x"}}), &d.output)
            .is_err());
        assert!(d.schemas.conforms(&json!(3), &d.output).is_err());
        assert!(d
            .schemas
            .conforms(&json!([{"a": 1.5, "b": "A"}]), &d.input)
            .is_ok());
        let err = d
            .schemas
            .conforms(&json!([{"a": 1.5, "b": "C"}]), &d.input)
            .unwrap_err();
        assert!(err.contains("$[0].b"), "{err}");
        assert!(d.schemas.conforms(&json!([{"a": 1.5}]), &d.input).is_err());
        assert_eq!(d.method, "map");
        assert!(d
            .schemas
            .conforms(
                &json!({"cells": {"c": {"a": 0.0, "b": "B"}}, "pools": {}}),
                &d.state
            )
            .is_ok());
    }

    #[test]
    fn ints_and_unknowns() {
        let s = Schemas::default();
        assert!(s.conforms(&json!(2147483648i64), &Shape::Int).is_err());
        assert!(s.conforms(&json!(2147483648i64), &Shape::Long).is_ok());
        assert!(s.conforms(&json!(1.5), &Shape::Long).is_err());
        assert_eq!(s.shape(&json!("Nope")), Shape::Any);
        assert!(s
            .conforms(&json!({"x": 1}), &s.shape(&json!("Nope")))
            .is_ok());
        assert!(is_primitive("bytes") && !is_primitive("array"));
    }
}
