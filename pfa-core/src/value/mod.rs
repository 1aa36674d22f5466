//! Runtime values, their conversion to and from Avro-JSON, type-directed comparison,
//! and the promotions that turn a value of one type into its representation at a wider
//! type.
//!
//! Representation invariant: a value whose static type is `T` always has exactly the
//! representation of `T` (an `int` in a `double` slot has been converted to `Double`).
//! Union values carry their branch implicitly: primitive variants are distinct, and named
//! types carry their [`TypeId`].

pub mod avro;
pub(crate) mod avro_binary;
pub mod cmp;
pub mod convert;
pub mod json;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::types::{Type, TypeId};

/// A PFA value. Containers are shared and copied on write (`Arc::make_mut`).
#[derive(Clone, Debug)]
pub enum Value {
    /// `null`
    Null,
    /// `boolean`
    Boolean(bool),
    /// `int`
    Int(i32),
    /// `long`
    Long(i64),
    /// `float`
    Float(f32),
    /// `double`
    Double(f64),
    /// `string`
    String(Arc<str>),
    /// `bytes`
    Bytes(Arc<[u8]>),
    /// A fixed value: its type id and exactly `size` bytes.
    Fixed(TypeId, Arc<[u8]>),
    /// An enum value: its type id and the symbol's index.
    Enum(TypeId, u32),
    /// `array`
    Array(Arc<Vec<Value>>),
    /// `map` (string keys, kept in key order so output is deterministic)
    Map(Arc<BTreeMap<Arc<str>, Value>>),
    /// A record: its type id and field values in declaration order.
    Record(Arc<Record>),
}

/// Field values of a record, in the order of its type's fields.
#[derive(Clone, Debug)]
pub struct Record {
    /// The record's type.
    pub ty: TypeId,
    /// Field values, indexed like `TypeTable::fields(ty)`.
    pub fields: Box<[Value]>,
}

/// Shorthand for a map value's contents.
pub type MapData = BTreeMap<Arc<str>, Value>;

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::String(Arc::from(s))
    }

    /// An array value.
    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Arc::new(items))
    }

    /// A record value.
    pub fn record(ty: TypeId, fields: Vec<Value>) -> Value {
        Value::Record(Arc::new(Record {
            ty,
            fields: fields.into_boxed_slice(),
        }))
    }

    /// The value as a double, for any numeric variant.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(x) => Some(*x as f64),
            Value::Long(x) => Some(*x as f64),
            Value::Float(x) => Some(*x as f64),
            Value::Double(x) => Some(*x),
            _ => None,
        }
    }

    /// The value as a long, for `int` and `long`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(x) => Some(*x as i64),
            Value::Long(x) => Some(*x),
            _ => None,
        }
    }

    /// The string contents, for `string`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, for `boolean`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// The items, for `array`.
    pub fn as_array(&self) -> Option<&Arc<Vec<Value>>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The entries, for `map`.
    pub fn as_map(&self) -> Option<&Arc<MapData>> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The record, for records.
    pub fn as_record(&self) -> Option<&Arc<Record>> {
        match self {
            Value::Record(r) => Some(r),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether this value belongs to the non-union type `ty` as a union branch: its
    /// variant is `ty`'s representation (named types by id; any array for an array
    /// branch, any map for a map branch, since a union has at most one of each).
    pub fn is_branch(&self, ty: &Type) -> bool {
        match (self, ty) {
            (Value::Null, Type::Null)
            | (Value::Boolean(_), Type::Boolean)
            | (Value::Int(_), Type::Int)
            | (Value::Long(_), Type::Long)
            | (Value::Float(_), Type::Float)
            | (Value::Double(_), Type::Double)
            | (Value::String(_), Type::String)
            | (Value::Bytes(_), Type::Bytes)
            | (Value::Array(_), Type::Array(_))
            | (Value::Map(_), Type::Map(_)) => true,
            (Value::Fixed(a, _), Type::Fixed(b)) | (Value::Enum(a, _), Type::Enum(b)) => a == b,
            (Value::Record(r), Type::Record(b)) => r.ty == *b,
            _ => false,
        }
    }

    /// Index of the branch of a union (given by its branch types) that this value
    /// belongs to, or `None` if it belongs to none.
    pub fn union_branch(&self, branches: &[Type]) -> Option<usize> {
        branches.iter().position(|t| self.is_branch(t))
    }
}

// Values are moved through VM registers constantly; keep them small.
const _: () = assert!(std::mem::size_of::<Value>() <= 24);
