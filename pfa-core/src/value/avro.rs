//! Values from Avro binary data (object container files), driven by the PFA type: used
//! for cell and pool `init` data given with `"source": "avro"`.

use std::collections::BTreeMap;
use std::sync::Arc;

use apache_avro::types::Value as Avro;

use super::json::DataError;
use super::{Record, Value};
use crate::types::{NamedKind, Type, TypeTable};

fn err(path: &str, message: impl Into<String>) -> DataError {
    DataError {
        message: message.into(),
        path: path.to_string(),
    }
}

/// Reads the first datum of an Avro object container as a value of type `ty`.
pub fn read_container(bytes: &[u8], ty: &Type, types: &TypeTable) -> Result<Value, DataError> {
    let reader = apache_avro::Reader::new(bytes)
        .map_err(|e| err("$", format!("not an Avro container: {e}")))?;
    let mut it = reader;
    match it.next() {
        Some(Ok(v)) => from_avro(&v, ty, types),
        Some(Err(e)) => Err(err("$", format!("bad Avro datum: {e}"))),
        None => Err(err("$", "the Avro container holds no datum")),
    }
}

/// Converts a decoded Avro datum to a value of type `ty`.
pub fn from_avro(v: &Avro, ty: &Type, types: &TypeTable) -> Result<Value, DataError> {
    convert(v, ty, types, "$")
}

fn convert(v: &Avro, ty: &Type, types: &TypeTable, path: &str) -> Result<Value, DataError> {
    // Logical types arrive decoded; PFA sees their underlying primitive.
    let v = match v {
        Avro::Date(x) | Avro::TimeMillis(x) => return convert(&Avro::Int(*x), ty, types, path),
        Avro::TimeMicros(x)
        | Avro::TimestampMillis(x)
        | Avro::TimestampMicros(x)
        | Avro::TimestampNanos(x)
        | Avro::LocalTimestampMillis(x)
        | Avro::LocalTimestampMicros(x)
        | Avro::LocalTimestampNanos(x) => return convert(&Avro::Long(*x), ty, types, path),
        Avro::Uuid(u) => return convert(&Avro::String(u.to_string()), ty, types, path),
        other => other,
    };
    let mismatch = || err(path, format!("Avro value does not fit {}", types.show(ty)));
    Ok(match (ty, v) {
        (Type::Union(branches), Avro::Union(_, inner)) => {
            return convert_union(inner, branches, types, path)
        }
        (Type::Union(branches), other) => return convert_union(other, branches, types, path),
        (t, Avro::Union(_, inner)) => return convert(inner, t, types, path),
        (Type::Null, Avro::Null) => Value::Null,
        (Type::Boolean, Avro::Boolean(b)) => Value::Boolean(*b),
        (Type::Int, Avro::Int(x)) => Value::Int(*x),
        (Type::Long, Avro::Long(x)) => Value::Long(*x),
        (Type::Long, Avro::Int(x)) => Value::Long(i64::from(*x)),
        (Type::Float, Avro::Float(x)) => Value::Float(*x),
        (Type::Float, Avro::Int(x)) => Value::Float(*x as f32),
        (Type::Float, Avro::Long(x)) => Value::Float(*x as f32),
        (Type::Double, Avro::Double(x)) => Value::Double(*x),
        (Type::Double, Avro::Float(x)) => Value::Double(f64::from(*x)),
        (Type::Double, Avro::Int(x)) => Value::Double(f64::from(*x)),
        (Type::Double, Avro::Long(x)) => Value::Double(*x as f64),
        (Type::String, Avro::String(s)) => Value::str(s),
        (Type::Bytes, Avro::Bytes(b)) => Value::Bytes(Arc::from(b.as_slice())),
        (Type::Fixed(id), Avro::Fixed(n, b)) => match &types.get(*id).kind {
            NamedKind::Fixed { size } if size == n => Value::Fixed(*id, Arc::from(b.as_slice())),
            _ => return Err(mismatch()),
        },
        (Type::Enum(id), Avro::Enum(_, sym)) => {
            let i = types
                .symbols(*id)
                .iter()
                .position(|s| s == sym)
                .ok_or_else(|| err(path, format!("unknown enum symbol \"{sym}\"")))?;
            Value::Enum(*id, i as u32)
        }
        (Type::Array(items), Avro::Array(xs)) => {
            let mut out = Vec::with_capacity(xs.len());
            for (i, x) in xs.iter().enumerate() {
                out.push(convert(x, items, types, &format!("{path}[{i}]"))?);
            }
            Value::Array(Arc::new(out))
        }
        (Type::Map(values), Avro::Map(m)) => {
            let mut out = BTreeMap::new();
            for (k, x) in m {
                out.insert(
                    Arc::from(k.as_str()),
                    convert(x, values, types, &format!("{path}[\"{k}\"]"))?,
                );
            }
            Value::Map(Arc::new(out))
        }
        (Type::Record(id), Avro::Record(fields)) => {
            let decl = types.fields(*id);
            let mut out = Vec::with_capacity(decl.len());
            for f in decl {
                let x = fields
                    .iter()
                    .find(|(n, _)| *n == f.name)
                    .map(|(_, x)| x)
                    .ok_or_else(|| err(path, format!("record is missing field \"{}\"", f.name)))?;
                out.push(convert(x, &f.ty, types, &format!("{path}.{}", f.name))?);
            }
            Value::Record(Arc::new(Record {
                ty: *id,
                fields: out.into_boxed_slice(),
            }))
        }
        _ => return Err(mismatch()),
    })
}

/// A union value: the first branch the datum converts to (branches are distinct kinds,
/// so at most one fits except for numeric promotions, where the first is narrowest).
fn convert_union(
    v: &Avro,
    branches: &[Type],
    types: &TypeTable,
    path: &str,
) -> Result<Value, DataError> {
    for b in branches {
        if let Ok(x) = convert(v, b, types, path) {
            return Ok(x);
        }
    }
    Err(err(path, "Avro value fits no branch of the union"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::schema::resolve_one;

    #[test]
    fn container_round_trip_of_a_record_with_a_union() {
        let schema_json = serde_json::json!({"type": "record", "name": "R", "fields": [
            {"name": "a", "type": "int"}, {"name": "b", "type": ["null", "string"]},
            {"name": "c", "type": {"type": "array", "items": "double"}}]});
        let schema = apache_avro::Schema::parse(&schema_json).unwrap();
        let mut w = apache_avro::Writer::new(&schema, Vec::new());
        let mut rec = apache_avro::types::Record::new(&schema).unwrap();
        rec.put("a", 3);
        rec.put("b", Avro::Union(1, Box::new(Avro::String("x".into()))));
        rec.put("c", Avro::Array(vec![Avro::Double(1.5)]));
        w.append(rec).unwrap();
        let bytes = w.into_inner().unwrap();
        let mut types = TypeTable::new();
        let ty = resolve_one(&schema_json, &mut types).unwrap();
        let v = read_container(&bytes, &ty, &types).unwrap();
        let r = v.as_record().unwrap();
        assert!(matches!(r.fields[0], Value::Int(3)));
        assert_eq!(r.fields[1].as_str(), Some("x"));
        assert_eq!(r.fields[2].as_array().unwrap()[0].as_f64(), Some(1.5));
        // Wrong type: a clear error, no panic.
        let wrong = resolve_one(&serde_json::json!("string"), &mut types).unwrap();
        assert!(read_container(&bytes, &wrong, &types).is_err());
        assert!(read_container(b"not avro", &ty, &types).is_err());
    }
}
