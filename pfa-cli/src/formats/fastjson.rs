//! A fast path for reading JSON-lines input: the JSON text is read straight into engine
//! values, guided by the input type, without building a JSON tree first.
//!
//! It handles what most input records are made of (primitives, strings, enums, arrays,
//! maps, records, tagged unions). Anything else (bytes, fixed, missing fields with
//! defaults) and every malformed datum make it give up, and the caller decodes the line
//! again the general way, which also produces the error message. So valid data decode to
//! the same values either way, and invalid data get the same messages.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use pfa_core::types::{Type, TypeTable};
use pfa_core::value::json::branch_name;
use pfa_core::value::Record;
use pfa_core::Value;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// How to read one type.
#[derive(Debug)]
enum Plan {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    String,
    Enum(u32),
    Array(Box<Plan>),
    Map(Box<Plan>),
    /// Index into `FastJson::records`.
    Record(usize),
    /// Branch tag, plan; `null` is read untagged.
    Union(Vec<(String, Plan)>),
    /// Leave it to the general decoder.
    Unsupported,
}

#[derive(Debug)]
struct RecordPlan {
    id: u32,
    fields: Vec<(String, Plan)>,
}

/// A reader of JSON text into values of one type.
#[derive(Debug)]
pub struct FastJson {
    root: Plan,
    records: Vec<RecordPlan>,
    types: TypeTable,
}

impl FastJson {
    /// The plan for reading `ty`.
    pub fn new(ty: &Type, types: &TypeTable) -> FastJson {
        let mut f = FastJson {
            root: Plan::Unsupported,
            records: Vec::new(),
            types: types.clone(),
        };
        let mut seen = Vec::new();
        f.root = f.plan(ty, &mut seen);
        f
    }

    fn plan(&mut self, ty: &Type, seen: &mut Vec<(u32, usize)>) -> Plan {
        match ty {
            Type::Null => Plan::Null,
            Type::Boolean => Plan::Boolean,
            Type::Int => Plan::Int,
            Type::Long => Plan::Long,
            Type::Float => Plan::Float,
            Type::Double => Plan::Double,
            Type::String => Plan::String,
            Type::Enum(id) => Plan::Enum(*id),
            Type::Array(t) => Plan::Array(Box::new(self.plan(t, seen))),
            Type::Map(t) => Plan::Map(Box::new(self.plan(t, seen))),
            Type::Record(id) => {
                // Recursive types refer back to the plan already being built.
                if let Some(&(_, i)) = seen.iter().find(|(r, _)| r == id) {
                    return Plan::Record(i);
                }
                let i = self.records.len();
                self.records.push(RecordPlan {
                    id: *id,
                    fields: Vec::new(),
                });
                seen.push((*id, i));
                let fields: Vec<_> = self
                    .types
                    .fields(*id)
                    .iter()
                    .map(|f| (f.name.clone(), f.ty.clone()))
                    .collect();
                let planned = fields
                    .into_iter()
                    .map(|(n, t)| {
                        let p = self.plan(&t, seen);
                        (n, p)
                    })
                    .collect();
                self.records[i].fields = planned;
                Plan::Record(i)
            }
            Type::Union(bs) => {
                let mut out = Vec::with_capacity(bs.len());
                for b in bs {
                    let tag = branch_name(b, &self.types);
                    out.push((tag, self.plan(b, seen)));
                }
                Plan::Union(out)
            }
            Type::Bytes | Type::Fixed(_) | Type::Fcn(_) => Plan::Unsupported,
        }
    }

    /// Reads one datum, or `None` if the general decoder must take over.
    pub fn decode(&self, text: &[u8]) -> Option<Value> {
        let mut de = serde_json::Deserializer::from_slice(text);
        let v = Seed {
            f: self,
            plan: &self.root,
        }
        .deserialize(&mut de)
        .ok()?;
        de.end().ok()?;
        Some(v)
    }
}

#[derive(Clone, Copy)]
struct Seed<'a> {
    f: &'a FastJson,
    plan: &'a Plan,
}

fn give_up<E: de::Error>() -> E {
    E::custom("not handled here")
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        match self.plan {
            Plan::Record(_) | Plan::Map(_) => d.deserialize_map(self),
            Plan::Array(_) => d.deserialize_seq(self),
            Plan::Unsupported => Err(give_up()),
            _ => d.deserialize_any(self),
        }
    }
}

fn float_word(s: &str) -> Option<f64> {
    match s {
        "inf" | "Infinity" => Some(f64::INFINITY),
        "-inf" | "-Infinity" => Some(f64::NEG_INFINITY),
        "nan" | "NaN" => Some(f64::NAN),
        _ => None,
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a datum of the input type")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        match self.plan {
            Plan::Null => Ok(Value::Null),
            Plan::Union(bs) if bs.iter().any(|(_, p)| matches!(p, Plan::Null)) => Ok(Value::Null),
            _ => Err(give_up()),
        }
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        match self.plan {
            Plan::Boolean => Ok(Value::Boolean(b)),
            _ => Err(give_up()),
        }
    }

    fn visit_i64<E: de::Error>(self, x: i64) -> Result<Value, E> {
        match self.plan {
            Plan::Int => i32::try_from(x).map(Value::Int).map_err(|_| give_up()),
            Plan::Long => Ok(Value::Long(x)),
            Plan::Float => Ok(Value::Float(x as f64 as f32)),
            Plan::Double => Ok(Value::Double(x as f64)),
            _ => Err(give_up()),
        }
    }

    fn visit_u64<E: de::Error>(self, x: u64) -> Result<Value, E> {
        match self.plan {
            Plan::Int => i32::try_from(x).map(Value::Int).map_err(|_| give_up()),
            Plan::Long => i64::try_from(x).map(Value::Long).map_err(|_| give_up()),
            Plan::Float => Ok(Value::Float(x as f64 as f32)),
            Plan::Double => Ok(Value::Double(x as f64)),
            _ => Err(give_up()),
        }
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<Value, E> {
        match self.plan {
            Plan::Float => Ok(Value::Float(x as f32)),
            Plan::Double => Ok(Value::Double(x)),
            _ => Err(give_up()),
        }
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        match self.plan {
            Plan::String => Ok(Value::String(Arc::from(s))),
            Plan::Enum(id) => match self.f.types.symbols(*id).iter().position(|x| x == s) {
                Some(i) => Ok(Value::Enum(*id, i as u32)),
                None => Err(give_up()),
            },
            Plan::Float => float_word(s)
                .map(|x| Value::Float(x as f32))
                .ok_or_else(give_up),
            Plan::Double => float_word(s).map(Value::Double).ok_or_else(give_up),
            _ => Err(give_up()),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let Plan::Array(item) = self.plan else {
            return Err(give_up());
        };
        let seed = Seed {
            f: self.f,
            plan: item,
        };
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element_seed(seed)? {
            out.push(v);
        }
        Ok(Value::Array(Arc::new(out)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        match self.plan {
            Plan::Record(i) => {
                let rec = self.f.records.get(*i).ok_or_else(give_up)?;
                let mut vals: Vec<Option<Value>> = vec![None; rec.fields.len()];
                let mut next = 0;
                while let Some(k) = map.next_key_seed(FieldSeed(&rec.fields, next))? {
                    match k {
                        Some(j) => {
                            next = j + 1;
                            let v = map.next_value_seed(Seed {
                                f: self.f,
                                plan: &rec.fields[j].1,
                            })?;
                            vals[j] = Some(v);
                        }
                        // Keys that are not fields are ignored, as the general reader does.
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let fields: Option<Vec<Value>> = vals.into_iter().collect();
                Ok(Value::Record(Arc::new(Record {
                    ty: rec.id,
                    fields: fields.ok_or_else(give_up)?.into_boxed_slice(),
                })))
            }
            Plan::Map(vt) => {
                let seed = Seed {
                    f: self.f,
                    plan: vt,
                };
                let mut out = BTreeMap::new();
                while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let v = map.next_value_seed(seed)?;
                    out.insert(Arc::from(k.as_ref()), v);
                }
                Ok(Value::Map(Arc::new(out)))
            }
            Plan::Union(bs) => {
                // A tagged branch: exactly one key, the branch's name.
                let Some(tag) = map.next_key::<std::borrow::Cow<'de, str>>()? else {
                    return Err(give_up());
                };
                let (_, plan) = bs
                    .iter()
                    .find(|(t, p)| *t == tag && !matches!(p, Plan::Null))
                    .ok_or_else(give_up)?;
                let v = map.next_value_seed(Seed { f: self.f, plan })?;
                if map.next_key::<IgnoredAny>()?.is_some() {
                    return Err(give_up());
                }
                Ok(v)
            }
            _ => Err(give_up()),
        }
    }
}

/// Reads a record key as the index of its field (`None` for other keys); the field after
/// the previous key is tried first, since writers mostly keep the schema's order.
struct FieldSeed<'a>(&'a [(String, Plan)], usize);

impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Option<usize>, E> {
        if self.0.get(self.1).is_some_and(|(n, _)| n == s) {
            return Ok(Some(self.1));
        }
        Ok(self.0.iter().position(|(n, _)| n == s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pfa_core::{JsonStyle, LoadOptions, Program};

    /// Every line decodes to what the general decoder gives (compared through JSON), or
    /// the fast path gives up.
    fn same(input: &str, lines: &[&str], fast_ok: bool) {
        let doc = format!(r#"{{"input": {input}, "output": "null", "action": null}}"#);
        let p = Program::from_str(&doc, &LoadOptions::default()).unwrap();
        let f = FastJson::new(p.input_type(), p.types());
        for l in lines {
            let fast = f.decode(l.as_bytes());
            assert_eq!(fast.is_some(), fast_ok, "{l}");
            let json: serde_json::Value = serde_json::from_str(l).unwrap();
            let slow = p.input_from_json(&json, JsonStyle::Avro).unwrap();
            if let Some(v) = fast {
                let ty = p.input_type();
                let a = pfa_core::value::json::to_json(&v, ty, p.types(), JsonStyle::Avro);
                let b = pfa_core::value::json::to_json(&slow, ty, p.types(), JsonStyle::Avro);
                assert_eq!(a, b, "{l}");
            }
        }
    }

    #[test]
    fn agrees_with_the_general_decoder() {
        let rec = r#"{"type": "record", "name": "R", "fields": [
            {"name": "a", "type": "int"}, {"name": "b", "type": "double"},
            {"name": "c", "type": ["null", "string", {"type": "array", "items": "R"}]},
            {"name": "d", "type": {"type": "map", "values": "float"}},
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["x", "y"]}}]}"#;
        same(
            rec,
            &[
                r#"{"a": 1, "b": 2, "c": null, "d": {}, "e": "y"}"#,
                r#"{"e": "x", "d": {"k": 1.5, "j": "NaN"}, "c": {"string": "s\n"}, "b": -1e300, "a": -5, "z": [1]}"#,
                r#"{"a": 1, "b": 2.5, "c": {"array": [{"a": 2, "b": 0, "c": null, "d": {}, "e": "x"}]}, "d": {}, "e": "y"}"#,
            ],
            true,
        );
        // Missing fields, wrong types, out of range: left to the general decoder.
        let doc = r#"{"input": {"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}, "output": "null", "action": null}"#;
        let p = Program::from_str(doc, &LoadOptions::default()).unwrap();
        let f = FastJson::new(p.input_type(), p.types());
        for l in [
            r#"{}"#,
            r#"{"a": 1.5}"#,
            r#"{"a": 3000000000}"#,
            r#"{"a": 1} x"#,
            "[1]",
        ] {
            assert!(f.decode(l.as_bytes()).is_none(), "{l}");
        }
        same(r#""bytes""#, &[r#""abc""#], false);
        same(r#"["null", "double"]"#, &["null", r#"{"double": 1}"#], true);
    }
}
