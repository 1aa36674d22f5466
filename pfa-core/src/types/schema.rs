//! Avro schema JSON <-> [`Type`], with named types defined anywhere in a document.
//!
//! Spec §4.2: a document's schemas may be read in any order (JSON object members have no
//! order), so named types can be referenced before, after, or inside their definition.
//! Reading is therefore done in two passes over all schemas at once: the first reserves
//! every named definition in the [`TypeTable`], the second resolves the schemas, filling
//! in each definition's body. Namespaces follow Avro: a name containing a dot is a full
//! name; otherwise the `namespace` member or the enclosing definition's namespace
//! applies, and references are looked up in the enclosing namespace first, then without
//! one.
//!
//! This module only knows schemas and the type table; it never sees expressions.

use std::collections::HashSet;
use std::fmt;

use serde_json::{Map, Value as Json};

use super::{Field, NamedKind, NamedType, Type, TypeId, TypeTable};

/// Error in a schema: message and path inside the schema JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaError {
    /// What is wrong.
    pub message: String,
    /// Which of the schemas given (index into the input slice).
    pub index: usize,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SchemaError {}

/// The Avro primitive type names; they can never name a record, enum or fixed.
const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "string", "bytes",
];

/// Nesting limit, so that a hostile schema cannot exhaust the stack.
const MAX_DEPTH: usize = 400;

fn primitive(name: &str) -> Option<Type> {
    Some(match name {
        "null" => Type::Null,
        "boolean" => Type::Boolean,
        "int" => Type::Int,
        "long" => Type::Long,
        "float" => Type::Float,
        "double" => Type::Double,
        "string" => Type::String,
        "bytes" => Type::Bytes,
        _ => return None,
    })
}

/// Reads many schemas that may define and reference named types in any order.
///
/// Returns one type per schema. Named types are added to `table`; names already in the
/// table (from an earlier call) may be referenced.
///
/// A named type may be defined more than once if every definition is identical (same
/// kind, fields with the same types, defaults and docs, same symbols or size). Spec §4.2
/// asks documents to define each named type exactly once; we accept an identical repeat
/// because it is unambiguous and documents assembled from parts often repeat an inline
/// definition, but a conflicting redefinition is an error.
///
/// # Errors
/// A [`SchemaError`] naming the offending schema (by index) and the place inside it. On
/// error, `table` is left as it was before the call.
pub fn resolve_all(schemas: &[&Json], table: &mut TypeTable) -> Result<Vec<Type>, SchemaError> {
    let start = table.len();
    let result = resolve_inner(schemas, table);
    if result.is_err() {
        table.truncate(start);
    }
    result
}

/// Reads a single schema (see [`resolve_all`]).
///
/// # Errors
/// As for [`resolve_all`].
pub fn resolve_one(json: &Json, table: &mut TypeTable) -> Result<Type, SchemaError> {
    resolve_all(&[json], table)?
        .pop()
        .ok_or_else(|| SchemaError {
            message: "no schema".into(),
            index: 0,
        })
}

fn resolve_inner(schemas: &[&Json], table: &mut TypeTable) -> Result<Vec<Type>, SchemaError> {
    let first_new = table.len();
    for (index, json) in schemas.iter().enumerate() {
        let mut c = Collector { table, index };
        c.collect(json, None, "", 0)?;
    }
    let mut r = Resolver {
        table,
        index: 0,
        first_new,
        filled: HashSet::new(),
        repeats: Vec::new(),
    };
    let mut out = Vec::with_capacity(schemas.len());
    for (index, json) in schemas.iter().enumerate() {
        r.index = index;
        out.push(r.resolve(json, None, "", 0)?);
    }
    // Repeated definitions are compared only now, when every body is filled in.
    for (index, id, kind, path) in std::mem::take(&mut r.repeats) {
        let def = r.table.get(id);
        if def.kind != kind {
            return Err(SchemaError {
                message: format!(
                    "{}named type \"{}\" is defined twice with different definitions",
                    at(&path),
                    def.full_name()
                ),
                index,
            });
        }
    }
    Ok(out)
}

/// `"at items.fields[2]: "` prefix for messages (empty at the top of a schema).
fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("at {path}: ")
    }
}

fn join(path: &str, seg: &str) -> String {
    if path.is_empty() {
        seg.to_string()
    } else if seg.starts_with('[') {
        format!("{path}{seg}")
    } else {
        format!("{path}.{seg}")
    }
}

/// Whether `s` is a valid Avro simple name: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `s` is a valid namespace: empty, or dot-separated simple names.
fn valid_namespace(s: &str) -> bool {
    s.is_empty() || s.split('.').all(valid_name)
}

/// Name and namespace of a definition, after applying Avro's rules. The namespace is
/// `None` for the null namespace.
fn definition_name(
    obj: &Map<String, Json>,
    ns: Option<&str>,
    path: &str,
) -> Result<(String, Option<String>), String> {
    let name = match obj.get("name") {
        Some(Json::String(s)) => s.as_str(),
        Some(_) => return Err(format!("{}\"name\" must be a string", at(path))),
        None => return Err(format!("{}named type without \"name\"", at(path))),
    };
    let (short, namespace) = match name.rfind('.') {
        Some(i) => (&name[i + 1..], Some(&name[..i])),
        None => {
            let explicit = match obj.get("namespace") {
                Some(Json::String(s)) => Some(s.as_str()),
                Some(Json::Null) | None => None,
                Some(_) => return Err(format!("{}\"namespace\" must be a string", at(path))),
            };
            (name, explicit.or(ns))
        }
    };
    if !valid_name(short) {
        return Err(format!("{}invalid type name \"{name}\"", at(path)));
    }
    if let Some(n) = namespace {
        if !valid_namespace(n) {
            return Err(format!("{}invalid namespace \"{n}\"", at(path)));
        }
    }
    if PRIMITIVES.contains(&short) {
        return Err(format!(
            "{}primitive type name \"{short}\" cannot name a {}",
            at(path),
            obj.get("type").and_then(Json::as_str).unwrap_or("type")
        ));
    }
    let namespace = namespace.filter(|n| !n.is_empty()).map(str::to_string);
    Ok((short.to_string(), namespace))
}

fn full_name(name: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("{ns}.{name}"),
        None => name.to_string(),
    }
}

/// First pass: reserves every named definition.
struct Collector<'t> {
    table: &'t mut TypeTable,
    index: usize,
}

impl Collector<'_> {
    fn err(&self, message: String) -> SchemaError {
        SchemaError {
            message,
            index: self.index,
        }
    }

    fn collect(
        &mut self,
        json: &Json,
        ns: Option<&str>,
        path: &str,
        depth: usize,
    ) -> Result<(), SchemaError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("{}schema nested too deeply", at(path))));
        }
        match json {
            Json::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    self.collect(x, ns, &join(path, &format!("[{i}]")), depth + 1)?;
                }
            }
            Json::Object(obj) => match obj.get("type").and_then(Json::as_str) {
                Some("array") => {
                    if let Some(items) = obj.get("items") {
                        self.collect(items, ns, &join(path, "items"), depth + 1)?;
                    }
                }
                Some("map") => {
                    if let Some(values) = obj.get("values") {
                        self.collect(values, ns, &join(path, "values"), depth + 1)?;
                    }
                }
                Some(kind @ ("record" | "enum" | "fixed")) => {
                    let (name, namespace) =
                        definition_name(obj, ns, path).map_err(|m| self.err(m))?;
                    let full = full_name(&name, namespace.as_deref());
                    if self.table.lookup(&full).is_none() {
                        let placeholder = match kind {
                            "record" => NamedKind::Record { fields: Vec::new() },
                            "enum" => NamedKind::Enum {
                                symbols: Vec::new(),
                            },
                            _ => NamedKind::Fixed { size: 0 },
                        };
                        let doc = match obj.get("doc") {
                            Some(Json::String(s)) => Some(s.clone()),
                            Some(Json::Null) | None => None,
                            Some(_) => {
                                return Err(
                                    self.err(format!("{}\"doc\" must be a string", at(path)))
                                )
                            }
                        };
                        let aliases = match obj.get("aliases") {
                            None | Some(Json::Null) => Vec::new(),
                            Some(Json::Array(a)) => a
                                .iter()
                                .map(|x| x.as_str().map(str::to_string))
                                .collect::<Option<Vec<_>>>()
                                .ok_or_else(|| {
                                    self.err(format!("{}\"aliases\" must be strings", at(path)))
                                })?,
                            Some(_) => {
                                return Err(
                                    self.err(format!("{}\"aliases\" must be an array", at(path)))
                                )
                            }
                        };
                        let def = NamedType {
                            name,
                            namespace: namespace.clone(),
                            doc,
                            aliases,
                            kind: placeholder,
                        };
                        // The name was just looked up, so insertion cannot collide.
                        let _ = self.table.insert(def);
                    }
                    if kind == "record" {
                        if let Some(Json::Array(fields)) = obj.get("fields") {
                            for (i, f) in fields.iter().enumerate() {
                                if let Some(t) = f.get("type") {
                                    let p = join(path, &format!("fields[{i}].type"));
                                    self.collect(t, namespace.as_deref(), &p, depth + 1)?;
                                }
                            }
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
        Ok(())
    }
}

/// Second pass: resolves schemas to types and fills in definitions.
struct Resolver<'t> {
    table: &'t mut TypeTable,
    index: usize,
    /// Ids at or above this were reserved by this call.
    first_new: usize,
    /// Definitions whose body has been (or is being) resolved in this call.
    filled: HashSet<TypeId>,
    /// Repeated definitions, to compare with the first once all bodies are known.
    repeats: Vec<(usize, TypeId, NamedKind, String)>,
}

impl Resolver<'_> {
    fn err(&self, message: String) -> SchemaError {
        SchemaError {
            message,
            index: self.index,
        }
    }

    fn named(&self, id: TypeId) -> Type {
        match &self.table.get(id).kind {
            NamedKind::Record { .. } => Type::Record(id),
            NamedKind::Enum { .. } => Type::Enum(id),
            NamedKind::Fixed { .. } => Type::Fixed(id),
        }
    }

    /// Resolves a type name written as a string.
    fn reference(&self, name: &str, ns: Option<&str>, path: &str) -> Result<Type, SchemaError> {
        if let Some(t) = primitive(name) {
            return Ok(t);
        }
        let found = if name.contains('.') {
            self.table.lookup(name)
        } else {
            ns.and_then(|ns| self.table.lookup(&format!("{ns}.{name}")))
                .or_else(|| self.table.lookup(name))
        };
        match found {
            Some(id) => Ok(self.named(id)),
            None => Err(self.err(format!("{}unknown type \"{name}\"", at(path)))),
        }
    }

    fn resolve(
        &mut self,
        json: &Json,
        ns: Option<&str>,
        path: &str,
        depth: usize,
    ) -> Result<Type, SchemaError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("{}schema nested too deeply", at(path))));
        }
        match json {
            Json::String(s) => self.reference(s, ns, path),
            Json::Array(items) => self.union(items, ns, path, depth),
            Json::Object(obj) => {
                let kind = match obj.get("type") {
                    Some(Json::String(s)) => s.as_str(),
                    Some(_) => {
                        return Err(self.err(format!(
                            "{}\"type\" of a schema object must be a string",
                            at(path)
                        )))
                    }
                    None => {
                        return Err(self.err(format!("{}schema object without \"type\"", at(path))))
                    }
                };
                match kind {
                    "array" => {
                        let items = obj.get("items").ok_or_else(|| {
                            self.err(format!("{}array schema without \"items\"", at(path)))
                        })?;
                        let t = self.resolve(items, ns, &join(path, "items"), depth + 1)?;
                        Ok(Type::array(t))
                    }
                    "map" => {
                        let values = obj.get("values").ok_or_else(|| {
                            self.err(format!("{}map schema without \"values\"", at(path)))
                        })?;
                        let t = self.resolve(values, ns, &join(path, "values"), depth + 1)?;
                        Ok(Type::map(t))
                    }
                    "record" | "enum" | "fixed" => self.definition(obj, kind, ns, path, depth),
                    // `{"type": "X"}` is the same as `"X"` (spec §4.2).
                    other => self.reference(other, ns, path),
                }
            }
            other => Err(self.err(format!(
                "{}a schema must be a string, an object or an array, not {other}",
                at(path)
            ))),
        }
    }

    fn union(
        &mut self,
        items: &[Json],
        ns: Option<&str>,
        path: &str,
        depth: usize,
    ) -> Result<Type, SchemaError> {
        if items.is_empty() {
            return Err(self.err(format!("{}a union must have at least one type", at(path))));
        }
        let mut types: Vec<Type> = Vec::with_capacity(items.len());
        for (i, x) in items.iter().enumerate() {
            let p = join(path, &format!("[{i}]"));
            if x.is_array() {
                return Err(self.err(format!(
                    "{}a union may not directly contain a union",
                    at(&p)
                )));
            }
            let t = self.resolve(x, ns, &p, depth + 1)?;
            // Avro allows at most one branch of each unnamed kind (so two arrays or two
            // maps are not allowed) and distinct named types.
            let clash = types.iter().any(|u| match (u, &t) {
                (Type::Array(_), Type::Array(_)) | (Type::Map(_), Type::Map(_)) => true,
                _ => *u == t,
            });
            if clash {
                return Err(self.err(format!(
                    "{}duplicate type {} in union",
                    at(&p),
                    self.table.show(&t)
                )));
            }
            types.push(t);
        }
        Ok(Type::Union(types))
    }

    fn definition(
        &mut self,
        obj: &Map<String, Json>,
        kind: &str,
        ns: Option<&str>,
        path: &str,
        depth: usize,
    ) -> Result<Type, SchemaError> {
        let (name, namespace) = definition_name(obj, ns, path).map_err(|m| self.err(m))?;
        let full = full_name(&name, namespace.as_deref());
        let id = self.table.lookup(&full).ok_or_else(|| {
            self.err(format!(
                "{}named type \"{full}\" was not reserved",
                at(path)
            ))
        })?;
        // The first definition seen in this call fills the reserved entry; any other one
        // (a repeat, or a definition of a type known from an earlier call) is compared.
        let primary = (id as usize) >= self.first_new && self.filled.insert(id);
        let body = match kind {
            "record" => self.record_fields(obj, namespace.as_deref(), path, depth)?,
            "enum" => self.enum_symbols(obj, path)?,
            _ => self.fixed_size(obj, path)?,
        };
        let ty = match &body {
            NamedKind::Record { .. } => Type::Record(id),
            NamedKind::Enum { .. } => Type::Enum(id),
            NamedKind::Fixed { .. } => Type::Fixed(id),
        };
        if primary {
            self.table.set_kind(id, body);
        } else {
            self.repeats.push((self.index, id, body, path.to_string()));
        }
        Ok(ty)
    }

    fn record_fields(
        &mut self,
        obj: &Map<String, Json>,
        ns: Option<&str>,
        path: &str,
        depth: usize,
    ) -> Result<NamedKind, SchemaError> {
        let items = match obj.get("fields") {
            Some(Json::Array(a)) => a,
            Some(_) => return Err(self.err(format!("{}\"fields\" must be an array", at(path)))),
            None => return Err(self.err(format!("{}record schema without \"fields\"", at(path)))),
        };
        let mut fields: Vec<Field> = Vec::with_capacity(items.len());
        for (i, f) in items.iter().enumerate() {
            let p = join(path, &format!("fields[{i}]"));
            let Json::Object(f) = f else {
                return Err(self.err(format!("{}a record field must be an object", at(&p))));
            };
            let name = match f.get("name") {
                Some(Json::String(s)) => s.clone(),
                _ => {
                    return Err(
                        self.err(format!("{}record field without a string \"name\"", at(&p)))
                    )
                }
            };
            if !valid_name(&name) {
                return Err(self.err(format!("{}invalid field name \"{name}\"", at(&p))));
            }
            if fields.iter().any(|x| x.name == name) {
                return Err(self.err(format!("{}duplicate field name \"{name}\"", at(&p))));
            }
            let t = f.get("type").ok_or_else(|| {
                self.err(format!(
                    "{}record field \"{name}\" without \"type\"",
                    at(&p)
                ))
            })?;
            let ty = self.resolve(t, ns, &join(&p, "type"), depth + 1)?;
            let doc = match f.get("doc") {
                Some(Json::String(s)) => Some(s.clone()),
                Some(Json::Null) | None => None,
                Some(_) => return Err(self.err(format!("{}\"doc\" must be a string", at(&p)))),
            };
            match f.get("order") {
                None => {}
                Some(Json::String(o))
                    if matches!(o.as_str(), "ascending" | "descending" | "ignore") => {}
                Some(_) => {
                    return Err(self.err(format!(
                        "{}\"order\" must be \"ascending\", \"descending\" or \"ignore\"",
                        at(&p)
                    )))
                }
            }
            fields.push(Field {
                name,
                ty,
                default: f.get("default").cloned(),
                doc,
            });
        }
        Ok(NamedKind::Record { fields })
    }

    fn enum_symbols(&self, obj: &Map<String, Json>, path: &str) -> Result<NamedKind, SchemaError> {
        let items = match obj.get("symbols") {
            Some(Json::Array(a)) => a,
            _ => return Err(self.err(format!("{}enum schema needs a \"symbols\" array", at(path)))),
        };
        let mut symbols: Vec<String> = Vec::with_capacity(items.len());
        for x in items {
            let Some(s) = x.as_str() else {
                return Err(self.err(format!("{}enum symbols must be strings", at(path))));
            };
            if !valid_name(s) {
                return Err(self.err(format!("{}invalid enum symbol \"{s}\"", at(path))));
            }
            if symbols.iter().any(|y| y == s) {
                return Err(self.err(format!("{}duplicate enum symbol \"{s}\"", at(path))));
            }
            symbols.push(s.to_string());
        }
        Ok(NamedKind::Enum { symbols })
    }

    fn fixed_size(&self, obj: &Map<String, Json>, path: &str) -> Result<NamedKind, SchemaError> {
        match obj.get("size").and_then(Json::as_u64) {
            Some(n) => match usize::try_from(n) {
                Ok(size) => Ok(NamedKind::Fixed { size }),
                Err(_) => Err(self.err(format!("{}fixed size {n} is too large", at(path)))),
            },
            None => Err(self.err(format!(
                "{}fixed schema needs a non-negative integer \"size\"",
                at(path)
            ))),
        }
    }
}

/// Writes a type as Avro schema JSON; each named type is written in full the first time
/// it appears and by name afterwards.
///
/// References are written as full names, so the output reads back the same way wherever
/// it is placed. Function types (not Avro) are written as
/// `{"type": "function", "params": [...], "ret": ...}`.
pub fn to_schema_json(ty: &Type, table: &TypeTable) -> Json {
    let mut seen = HashSet::new();
    write(ty, table, &mut seen, None)
}

fn write(ty: &Type, table: &TypeTable, seen: &mut HashSet<TypeId>, ns: Option<&str>) -> Json {
    let s = |x: &str| Json::String(x.to_string());
    match ty {
        Type::Null => s("null"),
        Type::Boolean => s("boolean"),
        Type::Int => s("int"),
        Type::Long => s("long"),
        Type::Float => s("float"),
        Type::Double => s("double"),
        Type::String => s("string"),
        Type::Bytes => s("bytes"),
        Type::Array(items) => {
            let mut m = Map::new();
            m.insert("type".into(), s("array"));
            m.insert("items".into(), write(items, table, seen, ns));
            Json::Object(m)
        }
        Type::Map(values) => {
            let mut m = Map::new();
            m.insert("type".into(), s("map"));
            m.insert("values".into(), write(values, table, seen, ns));
            Json::Object(m)
        }
        Type::Union(ts) => Json::Array(ts.iter().map(|t| write(t, table, seen, ns)).collect()),
        Type::Fcn(f) => {
            let mut m = Map::new();
            m.insert("type".into(), s("function"));
            m.insert(
                "params".into(),
                Json::Array(f.params.iter().map(|t| write(t, table, seen, ns)).collect()),
            );
            m.insert("ret".into(), write(&f.ret, table, seen, ns));
            Json::Object(m)
        }
        Type::Fixed(id) | Type::Enum(id) | Type::Record(id) => {
            let Some(def) = table.try_get(*id) else {
                return s("?");
            };
            if !seen.insert(*id) {
                return Json::String(def.full_name());
            }
            write_definition(def, table, seen, ns)
        }
    }
}

fn write_definition(
    def: &NamedType,
    table: &TypeTable,
    seen: &mut HashSet<TypeId>,
    ns: Option<&str>,
) -> Json {
    let own_ns = def.namespace.as_deref().filter(|n| !n.is_empty());
    let mut m = Map::new();
    let kind = match def.kind {
        NamedKind::Record { .. } => "record",
        NamedKind::Enum { .. } => "enum",
        NamedKind::Fixed { .. } => "fixed",
    };
    m.insert("type".into(), Json::String(kind.into()));
    m.insert("name".into(), Json::String(def.name.clone()));
    if own_ns != ns {
        // An empty namespace stops the enclosing one from applying.
        m.insert(
            "namespace".into(),
            Json::String(own_ns.unwrap_or("").to_string()),
        );
    }
    if let Some(doc) = &def.doc {
        m.insert("doc".into(), Json::String(doc.clone()));
    }
    if !def.aliases.is_empty() {
        m.insert(
            "aliases".into(),
            Json::Array(def.aliases.iter().cloned().map(Json::String).collect()),
        );
    }
    match &def.kind {
        NamedKind::Record { fields } => {
            let fs = fields
                .iter()
                .map(|f| {
                    let mut fm = Map::new();
                    fm.insert("name".into(), Json::String(f.name.clone()));
                    fm.insert("type".into(), write(&f.ty, table, seen, own_ns));
                    if let Some(d) = &f.default {
                        fm.insert("default".into(), d.clone());
                    }
                    if let Some(doc) = &f.doc {
                        fm.insert("doc".into(), Json::String(doc.clone()));
                    }
                    Json::Object(fm)
                })
                .collect();
            m.insert("fields".into(), Json::Array(fs));
        }
        NamedKind::Enum { symbols } => {
            m.insert(
                "symbols".into(),
                Json::Array(symbols.iter().cloned().map(Json::String).collect()),
            );
        }
        NamedKind::Fixed { size } => {
            m.insert("size".into(), Json::from(*size as u64));
        }
    }
    Json::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(j: Json) -> Result<(Type, TypeTable), SchemaError> {
        let mut t = TypeTable::new();
        let ty = resolve_one(&j, &mut t)?;
        Ok((ty, t))
    }

    fn err(j: Json) -> String {
        match one(j) {
            Ok((ty, t)) => panic!("expected an error, got {}", t.show(&ty)),
            Err(e) => e.message,
        }
    }

    #[test]
    fn primitives_and_containers() {
        let (ty, _) = one(json!("int")).unwrap();
        assert_eq!(ty, Type::Int);
        let (ty, _) = one(json!({"type": "double"})).unwrap();
        assert_eq!(ty, Type::Double);
        let (ty, _) =
            one(json!({"type": "array", "items": {"type": "map", "values": "string"}})).unwrap();
        assert_eq!(ty, Type::array(Type::map(Type::String)));
        let (ty, _) = one(json!(["null", "int"])).unwrap();
        assert_eq!(ty, Type::Union(vec![Type::Null, Type::Int]));
        // A one-branch union is a valid (if useless) Avro type and is kept as written.
        let (ty, _) = one(json!(["int"])).unwrap();
        assert_eq!(ty, Type::Union(vec![Type::Int]));
    }

    #[test]
    fn recursive_record() {
        let (ty, t) = one(json!({"type": "record", "name": "Tree", "fields": [
            {"name": "value", "type": "double"},
            {"name": "children", "type": {"type": "array", "items": "Tree"}}
        ]}))
        .unwrap();
        let Type::Record(id) = ty else { panic!() };
        assert_eq!(t.fields(id)[1].ty, Type::array(Type::Record(id)));
    }

    #[test]
    fn forward_references_across_schemas() {
        let a = json!({"type": "array", "items": "com.x.Rec"});
        let b = json!({"type": "record", "name": "Rec", "namespace": "com.x", "fields": [
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
            {"name": "again", "type": "E"},
            {"name": "f", "type": "F"}
        ]});
        let c = json!({"type": "fixed", "name": "com.x.F", "size": 4});
        let mut t = TypeTable::new();
        let tys = resolve_all(&[&a, &b, &c], &mut t).unwrap();
        let rec = t.lookup("com.x.Rec").unwrap();
        let e = t.lookup("com.x.E").unwrap();
        let f = t.lookup("com.x.F").unwrap();
        assert_eq!(tys[0], Type::array(Type::Record(rec)));
        assert_eq!(tys[1], Type::Record(rec));
        assert_eq!(tys[2], Type::Fixed(f));
        assert_eq!(t.fields(rec)[0].ty, Type::Enum(e));
        assert_eq!(t.fields(rec)[1].ty, Type::Enum(e));
        assert_eq!(t.fields(rec)[2].ty, Type::Fixed(f));
        assert_eq!(t.symbols(e), ["A", "B"]);
    }

    #[test]
    fn namespace_rules() {
        // Dotted name wins over "namespace"; nested definitions inherit the namespace;
        // an empty namespace resets it; references fall back to the null namespace.
        let s = json!({"type": "record", "name": "a.b.R", "namespace": "ignored", "fields": [
            {"name": "x", "type": {"type": "enum", "name": "E", "symbols": ["X"]}},
            {"name": "y", "type": {"type": "fixed", "name": "G", "namespace": "", "size": 1}},
            {"name": "z", "type": "G"}
        ]});
        let (_, t) = one(s).unwrap();
        assert!(t.lookup("a.b.R").is_some());
        assert!(t.lookup("a.b.E").is_some());
        assert!(t.lookup("G").is_some());
        assert!(t.lookup("ignored.R").is_none());
    }

    #[test]
    fn redefinition() {
        let r = json!({"type": "record", "name": "R", "fields": [{"name": "x", "type": "int"}]});
        let r2 = json!({"type": "record", "name": "R", "fields": [{"name": "x", "type": "long"}]});
        let mut t = TypeTable::new();
        let tys = resolve_all(&[&r, &r], &mut t).unwrap();
        assert_eq!(tys[0], tys[1]);
        assert_eq!(t.len(), 1);
        let e = resolve_all(&[&r, &r2], &mut TypeTable::new()).unwrap_err();
        assert!(e.message.contains("defined twice"), "{}", e.message);
        assert_eq!(e.index, 1);
        // Also against a table filled by an earlier call.
        assert!(resolve_one(&r, &mut t).is_ok());
        assert!(resolve_one(&r2, &mut t).is_err());
        let e = json!({"type": "enum", "name": "R", "symbols": ["A"]});
        assert!(resolve_one(&e, &mut t).is_err());
    }

    #[test]
    fn failed_resolution_leaves_table_unchanged() {
        let mut t = TypeTable::new();
        resolve_one(&json!({"type": "fixed", "name": "F", "size": 2}), &mut t).unwrap();
        let bad = json!({"type": "record", "name": "R", "fields": [{"name": "x", "type": "Nope"}]});
        assert!(resolve_one(&bad, &mut t).is_err());
        assert_eq!(t.len(), 1);
        assert!(t.lookup("R").is_none());
    }

    #[test]
    fn errors() {
        assert!(err(json!("Nope")).contains("unknown type \"Nope\""));
        assert!(err(json!(["int", ["null", "string"]])).contains("directly contain a union"));
        assert!(err(json!(["int", "int"])).contains("duplicate"));
        assert!(err(
            json!([{"type": "array", "items": "int"}, {"type": "array", "items": "string"}])
        )
        .contains("duplicate"));
        assert!(err(json!([])).contains("at least one"));
        assert!(err(json!({"type": "fixed", "name": "F", "size": -1})).contains("size"));
        assert!(err(json!({"type": "fixed", "name": "F"})).contains("size"));
        assert!(
            err(json!({"type": "enum", "name": "E", "symbols": ["a", "a"]})).contains("duplicate")
        );
        assert!(err(json!({"type": "enum", "name": "E", "symbols": ["1a"]}))
            .contains("invalid enum symbol"));
        assert!(err(json!({"type": "record", "name": "R", "fields": [
            {"name": "x", "type": "int"}, {"name": "x", "type": "int"}]}))
        .contains("duplicate field"));
        assert!(err(
            json!({"type": "record", "name": "R", "fields": [{"name": "bad-name", "type": "int"}]})
        )
        .contains("invalid field name"));
        assert!(err(json!({"type": "record", "name": "int", "fields": []})).contains("primitive"));
        assert!(err(json!({"type": "record", "name": "9R", "fields": []}))
            .contains("invalid type name"));
        assert!(err(json!({"type": "record", "fields": []})).contains("without \"name\""));
        assert!(err(json!({"type": "array"})).contains("items"));
        assert!(err(json!({"items": "int"})).contains("without \"type\""));
        assert!(err(json!(3)).contains("must be a string"));
        let m = err(json!({"type": "record", "name": "R", "fields": [
            {"name": "a", "type": {"type": "array", "items": "Q"}}]}));
        assert!(m.starts_with("at fields[0].type.items: "), "{m}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut j = json!("int");
        for _ in 0..(MAX_DEPTH + 10) {
            j = json!({"type": "array", "items": j});
        }
        assert!(err(j).contains("too deeply"));
    }

    #[test]
    fn writes_named_types_once() {
        let s = json!({"type": "record", "name": "R", "namespace": "n", "fields": [
            {"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["X", "Y"]}},
            {"name": "b", "type": "E"},
            {"name": "c", "type": ["null", "R"], "default": null}
        ]});
        let (ty, t) = one(s).unwrap();
        let out = to_schema_json(&ty, &t);
        assert_eq!(
            out,
            json!({"type": "record", "name": "R", "namespace": "n", "fields": [
                {"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["X", "Y"]}},
                {"name": "b", "type": "n.E"},
                {"name": "c", "type": ["null", "n.R"], "default": null}
            ]})
        );
        let (again, t2) = one(out.clone()).unwrap();
        assert_eq!(to_schema_json(&again, &t2), out);
    }
}
