//! Avro object container files: the engine's input and output types as Avro schemas, the
//! writer-schema check on input files, and conversion between `apache_avro` values and
//! engine values (driven by the PFA type, so unions, enums and named types line up).

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{anyhow, Result};
use apache_avro::schema_compatibility::SchemaCompatibility;
use apache_avro::types::Value as AValue;
use apache_avro::Schema;
use pfa_core::types::{schema::to_schema_json, NamedKind, Type, TypeTable};
use pfa_core::value::Record;
use pfa_core::Value;

/// The Avro schema of a PFA type.
pub fn schema_of(ty: &Type, types: &TypeTable) -> Result<Schema> {
    let json = to_schema_json(ty, types);
    Schema::parse(&json).map_err(|e| anyhow!("cannot express {} as Avro: {e}", types.show(ty)))
}

/// How values read from one input file relate to the engine's input type.
pub struct InputCheck {
    /// `Some(schema)` when the file's schema differs from the engine's and values must be
    /// resolved (promoted, reordered, defaulted) to the engine's schema while reading.
    pub resolve_to: Option<&'static Schema>,
}

/// Checks a file's writer schema against the engine's input schema.
///
/// # Errors
/// A message saying why data written with `writer` cannot be read as `reader`.
pub fn check_input(writer: &Schema, reader: &'static Schema) -> Result<InputCheck, String> {
    if writer.canonical_form() == reader.canonical_form() {
        return Ok(InputCheck { resolve_to: None });
    }
    match SchemaCompatibility::can_read(writer, reader) {
        Ok(()) => Ok(InputCheck {
            resolve_to: Some(reader),
        }),
        Err(e) => Err(format!(
            "the file's schema {} cannot be read as the engine's input type {}: {e}",
            writer.canonical_form(),
            reader.canonical_form()
        )),
    }
}

/// Converts a decoded Avro value to an engine value of type `ty`.
///
/// # Errors
/// What does not fit, with the path inside the datum (e.g. `$.field[2]`).
pub fn to_pfa(v: AValue, ty: &Type, types: &TypeTable) -> Result<Value, String> {
    let mut path = String::from("$");
    to_pfa_at(v, ty, types, &mut path).map_err(|m| format!("{m} at {path}"))
}

fn mismatch(v: &AValue, ty: &Type, types: &TypeTable) -> String {
    format!(
        "Avro value {} does not fit type {}",
        kind_name(v),
        types.show(ty)
    )
}

fn kind_name(v: &AValue) -> &'static str {
    match v {
        AValue::Null => "null",
        AValue::Boolean(_) => "boolean",
        AValue::Int(_) => "int",
        AValue::Long(_) => "long",
        AValue::Float(_) => "float",
        AValue::Double(_) => "double",
        AValue::Bytes(_) => "bytes",
        AValue::String(_) => "string",
        AValue::Fixed(..) => "fixed",
        AValue::Enum(..) => "enum",
        AValue::Union(..) => "union",
        AValue::Array(_) => "array",
        AValue::Map(_) => "map",
        AValue::Record(_) => "record",
        _ => "logical-type value",
    }
}

fn to_pfa_at(v: AValue, ty: &Type, types: &TypeTable, path: &mut String) -> Result<Value, String> {
    // A union value from the file: its branch index is into the schema we generated from
    // the same PFA union, so the index picks the PFA branch.
    let v = match v {
        AValue::Union(i, inner) => {
            return match ty {
                Type::Union(branches) => {
                    let b = branches
                        .get(i as usize)
                        .ok_or_else(|| format!("union branch {i} out of range"))?;
                    to_pfa_at(*inner, b, types, path)
                }
                _ => to_pfa_at(*inner, ty, types, path),
            }
        }
        v => v,
    };
    Ok(match (ty, v) {
        (Type::Null, AValue::Null) => Value::Null,
        (Type::Boolean, AValue::Boolean(b)) => Value::Boolean(b),
        (Type::Int, AValue::Int(x) | AValue::Date(x) | AValue::TimeMillis(x)) => Value::Int(x),
        (
            Type::Long,
            AValue::Long(x)
            | AValue::TimeMicros(x)
            | AValue::TimestampMillis(x)
            | AValue::TimestampMicros(x)
            | AValue::TimestampNanos(x)
            | AValue::LocalTimestampMillis(x)
            | AValue::LocalTimestampMicros(x)
            | AValue::LocalTimestampNanos(x),
        ) => Value::Long(x),
        // Promotions Avro allows (int -> long -> float -> double).
        (Type::Long, AValue::Int(x)) => Value::Long(x as i64),
        (Type::Float, AValue::Float(x)) => Value::Float(x),
        (Type::Float, AValue::Int(x)) => Value::Float(x as f32),
        (Type::Float, AValue::Long(x)) => Value::Float(x as f32),
        (Type::Double, AValue::Double(x)) => Value::Double(x),
        (Type::Double, AValue::Float(x)) => Value::Double(x as f64),
        (Type::Double, AValue::Int(x)) => Value::Double(x as f64),
        (Type::Double, AValue::Long(x)) => Value::Double(x as f64),
        (Type::String, AValue::String(s)) => Value::String(Arc::from(s)),
        (Type::String, AValue::Uuid(u)) => Value::String(Arc::from(u.to_string())),
        (Type::String, AValue::Bytes(b)) => match String::from_utf8(b) {
            Ok(s) => Value::String(Arc::from(s)),
            Err(_) => return Err("bytes are not UTF-8".into()),
        },
        (Type::Bytes, AValue::Bytes(b)) => Value::Bytes(Arc::from(b)),
        (Type::Bytes, AValue::String(s)) => Value::Bytes(Arc::from(s.into_bytes())),
        (Type::Fixed(id), AValue::Fixed(n, b)) => {
            let size = match &types.try_get(*id).map(|t| &t.kind) {
                Some(NamedKind::Fixed { size }) => *size,
                _ => return Err("unknown fixed type".into()),
            };
            if n != size || b.len() != size {
                return Err(format!("fixed of size {n} where {size} is expected"));
            }
            Value::Fixed(*id, Arc::from(b))
        }
        (Type::Enum(id), AValue::Enum(_, sym)) => {
            // By symbol, not index: the file's enum may order its symbols differently.
            let syms = types.symbols(*id);
            match syms.iter().position(|s| *s == sym) {
                Some(i) => Value::Enum(*id, i as u32),
                None => return Err(format!("unknown enum symbol \"{sym}\"")),
            }
        }
        (Type::Array(item), AValue::Array(xs)) => {
            let mut out = Vec::with_capacity(xs.len());
            for (i, x) in xs.into_iter().enumerate() {
                let n = path.len();
                path.push_str(&format!("[{i}]"));
                out.push(to_pfa_at(x, item, types, path)?);
                path.truncate(n);
            }
            Value::Array(Arc::new(out))
        }
        (Type::Map(vt), AValue::Map(m)) => {
            let mut out = BTreeMap::new();
            for (k, x) in m {
                let n = path.len();
                path.push_str(&format!("[{k:?}]"));
                let v = to_pfa_at(x, vt, types, path)?;
                path.truncate(n);
                out.insert(Arc::from(k), v);
            }
            Value::Map(Arc::new(out))
        }
        (Type::Record(id), AValue::Record(fields)) => {
            let want = types.fields(*id);
            let mut out = Vec::with_capacity(want.len());
            if fields.len() != want.len() {
                return Err(format!(
                    "record with {} fields where {} has {}",
                    fields.len(),
                    types.show(ty),
                    want.len()
                ));
            }
            for ((name, x), f) in fields.into_iter().zip(want) {
                let n = path.len();
                path.push('.');
                path.push_str(&f.name);
                if name != f.name {
                    return Err(format!("field \"{name}\" where \"{}\" is expected", f.name));
                }
                out.push(to_pfa_at(x, &f.ty, types, path)?);
                path.truncate(n);
            }
            Value::Record(Arc::new(Record {
                ty: *id,
                fields: out.into_boxed_slice(),
            }))
        }
        (Type::Union(branches), v) => {
            // A non-union value for a union type: the first branch that takes it.
            for b in branches {
                if let Ok(x) = to_pfa_at(v.clone(), b, types, path) {
                    return Ok(x);
                }
            }
            return Err(mismatch(&v, ty, types));
        }
        (_, v) => return Err(mismatch(&v, ty, types)),
    })
}

/// Reads the magic bytes at the start of a container file, for a clearer error than the
/// Avro reader gives on a file of another format.
pub fn looks_like_avro(head: &[u8]) -> bool {
    head.starts_with(b"Obj\x01")
}
