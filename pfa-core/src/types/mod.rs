//! The Avro type system of PFA (spec §4): types, named-type table, schema reading,
//! type acceptance/promotion, narrowest supertype and library signature patterns.
//!
//! This module knows nothing about expressions or values. Named types (record, enum,
//! fixed) live in a [`TypeTable`] and are referred to by [`TypeId`], so recursive types
//! need no reference cycles and type equality of named types is identity of their id.

pub mod accepts;
pub mod pattern;
pub mod schema;
#[cfg(test)]
pub(crate) mod testing;

use std::collections::HashMap;
use std::fmt;

/// Index of a named type (record, enum or fixed) in a [`TypeTable`].
pub type TypeId = u32;

/// A PFA/Avro type. Named types are references into the program's [`TypeTable`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// `"null"`
    Null,
    /// `"boolean"`
    Boolean,
    /// `"int"` (32-bit signed)
    Int,
    /// `"long"` (64-bit signed)
    Long,
    /// `"float"` (32-bit IEEE)
    Float,
    /// `"double"` (64-bit IEEE)
    Double,
    /// `"string"` (UTF-8)
    String,
    /// `"bytes"`
    Bytes,
    /// A named fixed-size byte string.
    Fixed(TypeId),
    /// A named enumeration.
    Enum(TypeId),
    /// A named record.
    Record(TypeId),
    /// `{"type": "array", "items": T}`
    Array(Box<Type>),
    /// `{"type": "map", "values": T}` (keys are strings)
    Map(Box<Type>),
    /// A union of two or more distinct types (never nested unions).
    Union(Vec<Type>),
    /// A function type: only appears as the type of a function argument to a library
    /// function or of a `fcn` reference (functions are not first-class values).
    Fcn(FcnType),
}

/// Parameter and return types of a function.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FcnType {
    /// Parameter types in order.
    pub params: Vec<Type>,
    /// Return type.
    pub ret: Box<Type>,
}

/// A field of a record type.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Field name.
    pub name: String,
    /// Field type.
    pub ty: Type,
    /// Avro default value (as JSON), if given.
    pub default: Option<serde_json::Value>,
    /// Field documentation, if given.
    pub doc: Option<String>,
}

/// The body of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum NamedKind {
    /// Record with ordered fields.
    Record {
        /// Fields in declaration order.
        fields: Vec<Field>,
    },
    /// Enumeration with ordered symbols.
    Enum {
        /// Symbols in declaration order (their order defines comparison).
        symbols: Vec<String>,
    },
    /// Fixed-size bytes.
    Fixed {
        /// Number of bytes.
        size: usize,
    },
}

/// A named type definition: full name plus body.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedType {
    /// Short name (`"name"` in the schema, without namespace).
    pub name: String,
    /// Namespace, if any.
    pub namespace: Option<String>,
    /// Documentation string, if any.
    pub doc: Option<String>,
    /// Aliases as written.
    pub aliases: Vec<String>,
    /// The body.
    pub kind: NamedKind,
}

impl NamedType {
    /// `namespace.name`, or just `name` without a namespace.
    pub fn full_name(&self) -> String {
        match &self.namespace {
            Some(ns) if !ns.is_empty() => format!("{ns}.{}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// All named types of one program, indexed by [`TypeId`] and by full name.
#[derive(Clone, Debug, Default)]
pub struct TypeTable {
    defs: Vec<NamedType>,
    by_name: HashMap<String, TypeId>,
}

impl TypeTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// The definition of a named type.
    ///
    /// Ids are only created by this table, so an id from another table is a bug; it still
    /// does not panic in release builds of callers that check with [`TypeTable::try_get`].
    pub fn get(&self, id: TypeId) -> &NamedType {
        &self.defs[id as usize]
    }

    /// The definition of a named type, or `None` for an unknown id.
    pub fn try_get(&self, id: TypeId) -> Option<&NamedType> {
        self.defs.get(id as usize)
    }

    /// Looks up a named type by full name.
    pub fn lookup(&self, full_name: &str) -> Option<TypeId> {
        self.by_name.get(full_name).copied()
    }

    /// Number of named types.
    pub fn len(&self) -> usize {
        self.defs.len()
    }

    /// Whether the table has no named types.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// Adds a named type, or returns `Err` with the existing id if the full name is taken.
    pub fn insert(&mut self, def: NamedType) -> Result<TypeId, TypeId> {
        let full = def.full_name();
        if let Some(&id) = self.by_name.get(&full) {
            return Err(id);
        }
        let id = self.defs.len() as TypeId;
        self.defs.push(def);
        self.by_name.insert(full, id);
        Ok(id)
    }

    /// Replaces the body of an already inserted named type (used while resolving
    /// forward references: the name is reserved first, the body filled in after).
    pub fn set_kind(&mut self, id: TypeId, kind: NamedKind) {
        self.defs[id as usize].kind = kind;
    }

    /// Forgets every named type with an id of `len` or more (used to undo a failed
    /// schema resolution, so a rejected schema leaves the table as it was).
    pub(crate) fn truncate(&mut self, len: usize) {
        if len >= self.defs.len() {
            return;
        }
        self.defs.truncate(len);
        self.by_name.retain(|_, id| (*id as usize) < len);
    }

    /// Record fields of a record type id (empty for non-records).
    pub fn fields(&self, id: TypeId) -> &[Field] {
        match &self.get(id).kind {
            NamedKind::Record { fields } => fields,
            _ => &[],
        }
    }

    /// Enum symbols of an enum type id (empty for non-enums).
    pub fn symbols(&self, id: TypeId) -> &[String] {
        match &self.get(id).kind {
            NamedKind::Enum { symbols } => symbols,
            _ => &[],
        }
    }

    /// Display helper: `table.show(&ty)` renders a type as compact Avro JSON.
    pub fn show<'a>(&'a self, ty: &'a Type) -> ShowType<'a> {
        ShowType { table: self, ty }
    }
}

/// Renders a type for error messages (see [`TypeTable::show`]).
pub struct ShowType<'a> {
    table: &'a TypeTable,
    ty: &'a Type,
}

impl fmt::Display for ShowType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.table;
        match self.ty {
            Type::Null => f.write_str("\"null\""),
            Type::Boolean => f.write_str("\"boolean\""),
            Type::Int => f.write_str("\"int\""),
            Type::Long => f.write_str("\"long\""),
            Type::Float => f.write_str("\"float\""),
            Type::Double => f.write_str("\"double\""),
            Type::String => f.write_str("\"string\""),
            Type::Bytes => f.write_str("\"bytes\""),
            Type::Fixed(id) | Type::Enum(id) | Type::Record(id) => match t.try_get(*id) {
                Some(d) => write!(f, "\"{}\"", d.full_name()),
                None => f.write_str("\"?\""),
            },
            Type::Array(items) => write!(f, "{{\"type\":\"array\",\"items\":{}}}", t.show(items)),
            Type::Map(values) => write!(f, "{{\"type\":\"map\",\"values\":{}}}", t.show(values)),
            Type::Union(ts) => {
                f.write_str("[")?;
                for (i, x) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}", t.show(x))?;
                }
                f.write_str("]")
            }
            Type::Fcn(fcn) => {
                f.write_str("{\"type\":\"function\",\"params\":[")?;
                for (i, x) in fcn.params.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}", t.show(x))?;
                }
                write!(f, "],\"ret\":{}}}", t.show(&fcn.ret))
            }
        }
    }
}

impl Type {
    /// Whether this is `int`, `long`, `float` or `double`.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Long | Type::Float | Type::Double)
    }

    /// Convenience constructor for `array<T>`.
    pub fn array(items: Type) -> Type {
        Type::Array(Box::new(items))
    }

    /// Convenience constructor for `map<T>`.
    pub fn map(values: Type) -> Type {
        Type::Map(Box::new(values))
    }
}
