//! Values to and from JSON, driven by the static type.
//!
//! The encoding is Avro's JSON encoding: records are objects, enums their symbol
//! strings, unions `null` or `{"BRANCH": value}` where BRANCH is a primitive name,
//! `"array"`, `"map"`, or the full (namespace-qualified) name of a named type. Only
//! bytes, fixed and non-finite numbers depend on the [`JsonStyle`].

use std::{collections::BTreeMap, fmt::Write as _, sync::Arc};

use base64::{
    alphabet,
    engine::{
        general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD},
        DecodePaddingMode,
    },
    Engine as _,
};
use serde_json::{Map as JsonMap, Number, Value as Json};

use super::{Record, Value};
use crate::types::{Field, NamedKind, NamedType, Type, TypeTable};

/// Which JSON convention to use for non-JSON-native values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum JsonStyle {
    /// Avro's JSON encoding: bytes/fixed as strings of code points 0-255; non-finite
    /// floats as the strings "Infinity", "-Infinity", "NaN" on output.
    #[default]
    Avro,
    /// The PFA conformance-suite convention: bytes/fixed as base64, non-finite floats as
    /// "inf", "-inf", "nan".
    Conformance,
}

/// A datum that does not fit its type: what is wrong and where inside the datum.
#[derive(Clone, Debug, PartialEq)]
pub struct DataError {
    /// What is wrong.
    pub message: String,
    /// JSON path inside the datum, e.g. `$.items[3].name`.
    pub path: String,
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}", self.message, self.path)
    }
}

impl std::error::Error for DataError {}

/// Decodes a JSON datum of type `ty`.
///
/// # Errors
/// A [`DataError`] naming the first place where the datum does not fit `ty`.
pub fn from_json(
    json: &Json,
    ty: &Type,
    types: &TypeTable,
    style: JsonStyle,
) -> Result<Value, DataError> {
    let dec = Decoder {
        types,
        style,
        default: false,
    };
    dec.value(json, ty).map_err(|e| e.into_data_error())
}

/// Encodes a value of type `ty` as JSON.
///
/// A value that does not have `ty`'s representation is still encoded, structurally
/// (unions then lack their tag), rather than causing a panic.
pub fn to_json(v: &Value, ty: &Type, types: &TypeTable, style: JsonStyle) -> Json {
    Encoder { types, style }.value(v, Some(ty))
}

/// The name that tags a union branch of type `ty` in JSON (`"int"`, `"array"`,
/// `"com.example.Rec"`).
pub fn branch_name(ty: &Type, types: &TypeTable) -> String {
    match ty {
        Type::Fixed(id) | Type::Enum(id) | Type::Record(id) => types
            .try_get(*id)
            .map(|d| d.full_name())
            .unwrap_or_default(),
        other => primitive_name(other).to_string(),
    }
}

fn primitive_name(ty: &Type) -> &'static str {
    match ty {
        Type::Null => "null",
        Type::Boolean => "boolean",
        Type::Int => "int",
        Type::Long => "long",
        Type::Float => "float",
        Type::Double => "double",
        Type::String => "string",
        Type::Bytes => "bytes",
        Type::Array(_) => "array",
        Type::Map(_) => "map",
        Type::Union(_) => "union",
        Type::Fcn(_) => "function",
        Type::Fixed(_) => "fixed",
        Type::Enum(_) => "enum",
        Type::Record(_) => "record",
    }
}

// ---------------------------------------------------------------------------------------
// Decoding

/// Base64 input is accepted with or without padding; output always has it.
const BASE64_IN: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// One step of a path inside a datum.
enum Seg {
    Key(String),
    Index(usize),
}

/// A decoding failure; the path is collected in reverse while unwinding, so the success
/// path never builds path strings.
struct Fail {
    message: String,
    rev_path: Vec<Seg>,
}

type Res<T> = Result<T, Box<Fail>>;

impl Fail {
    fn into_data_error(self) -> DataError {
        let mut path = String::from("$");
        for seg in self.rev_path.iter().rev() {
            match seg {
                Seg::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
                Seg::Key(k) if is_identifier(k) => {
                    path.push('.');
                    path.push_str(k);
                }
                Seg::Key(k) => {
                    path.push('[');
                    path.push_str(&Json::String(k.clone()).to_string());
                    path.push(']');
                }
            }
        }
        DataError {
            message: self.message,
            path,
        }
    }
}

fn is_identifier(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn fail<T>(message: impl Into<String>) -> Res<T> {
    Err(Box::new(Fail {
        message: message.into(),
        rev_path: Vec::new(),
    }))
}

fn at_key<T>(r: Res<T>, key: &str) -> Res<T> {
    r.map_err(|mut e| {
        e.rev_path.push(Seg::Key(key.to_string()));
        e
    })
}

fn at_index<T>(r: Res<T>, i: usize) -> Res<T> {
    r.map_err(|mut e| {
        e.rev_path.push(Seg::Index(i));
        e
    })
}

/// A short description of a JSON value for error messages.
fn describe(j: &Json) -> String {
    let s = match j {
        Json::Array(_) => return "an array".into(),
        Json::Object(_) => return "an object".into(),
        other => other.to_string(),
    };
    if s.chars().count() > 40 {
        let cut: String = s.chars().take(37).collect();
        format!("{cut}...")
    } else {
        s
    }
}

fn expected<T>(what: &str, j: &Json) -> Res<T> {
    fail(format!("expected {what}, found {}", describe(j)))
}

struct Decoder<'a> {
    types: &'a TypeTable,
    style: JsonStyle,
    /// Decoding a field's Avro default: union values are written untagged, as their
    /// first branch (Avro specification, "Complex Types: Unions").
    default: bool,
}

impl Decoder<'_> {
    fn value(&self, j: &Json, ty: &Type) -> Res<Value> {
        match ty {
            Type::Null => match j {
                Json::Null => Ok(Value::Null),
                _ => expected("null", j),
            },
            Type::Boolean => match j {
                Json::Bool(b) => Ok(Value::Boolean(*b)),
                _ => expected("a boolean", j),
            },
            Type::Int => {
                let x = integer(j, "an int")?;
                match i32::try_from(x) {
                    Ok(x) => Ok(Value::Int(x)),
                    Err(_) => fail(format!("{x} is out of range for an int")),
                }
            }
            Type::Long => integer(j, "a long").map(Value::Long),
            // Any JSON number fits a float, rounded; huge magnitudes become infinite.
            Type::Float => floating(j, "a float").map(|x| Value::Float(x as f32)),
            Type::Double => floating(j, "a double").map(Value::Double),
            Type::String => match j {
                Json::String(s) => Ok(Value::String(Arc::from(s.as_str()))),
                _ => expected("a string", j),
            },
            Type::Bytes => self.bytes(j).map(|b| Value::Bytes(Arc::from(b))),
            Type::Fixed(id) => {
                let Some(NamedKind::Fixed { size }) = self.types.try_get(*id).map(|d| &d.kind)
                else {
                    return fail("type is not a fixed type");
                };
                let b = self.bytes(j)?;
                if b.len() != *size {
                    return fail(format!(
                        "fixed of size {size} given {} byte{}",
                        b.len(),
                        if b.len() == 1 { "" } else { "s" }
                    ));
                }
                Ok(Value::Fixed(*id, Arc::from(b)))
            }
            Type::Enum(id) => {
                let Some(def) = self.types.try_get(*id) else {
                    return fail("unknown enum type");
                };
                let NamedKind::Enum { symbols } = &def.kind else {
                    return fail("type is not an enum type");
                };
                let Json::String(s) = j else {
                    return expected("an enum symbol (a string)", j);
                };
                match symbols.iter().position(|x| x == s) {
                    Some(i) => Ok(Value::Enum(*id, i as u32)),
                    None => fail(format!(
                        "\"{s}\" is not a symbol of enum {}",
                        def.full_name()
                    )),
                }
            }
            Type::Array(item) => {
                let Json::Array(xs) = j else {
                    return expected("an array", j);
                };
                let mut out = Vec::with_capacity(xs.len());
                for (i, x) in xs.iter().enumerate() {
                    out.push(at_index(self.value(x, item), i)?);
                }
                Ok(Value::array(out))
            }
            Type::Map(vt) => {
                let Json::Object(m) = j else {
                    return expected("an object (map)", j);
                };
                let mut out = BTreeMap::new();
                for (k, x) in m {
                    out.insert(Arc::from(k.as_str()), at_key(self.value(x, vt), k)?);
                }
                Ok(Value::Map(Arc::new(out)))
            }
            Type::Record(id) => {
                let Some(def) = self.types.try_get(*id) else {
                    return fail("unknown record type");
                };
                let NamedKind::Record { fields } = &def.kind else {
                    return fail("type is not a record type");
                };
                let Json::Object(m) = j else {
                    return expected(&format!("an object (record {})", def.full_name()), j);
                };
                // Keys that are not fields are ignored, as Avro's reader ignores fields
                // the reading schema does not have.
                let mut out = Vec::with_capacity(fields.len());
                for f in fields {
                    out.push(match m.get(&f.name) {
                        Some(x) => at_key(self.value(x, &f.ty), &f.name)?,
                        None => at_key(self.default(f, def), &f.name)?,
                    });
                }
                Ok(Value::Record(Arc::new(Record {
                    ty: *id,
                    fields: out.into_boxed_slice(),
                })))
            }
            Type::Union(branches) => self.union(j, branches),
            Type::Fcn(_) => fail("functions have no data representation"),
        }
    }

    fn default(&self, f: &Field, def: &NamedType) -> Res<Value> {
        let Some(d) = &f.default else {
            return fail(format!(
                "missing field \"{}\" of record {}",
                f.name,
                def.full_name()
            ));
        };
        // Schema defaults are always Avro-JSON, whatever the style of the datum.
        let dec = Decoder {
            types: self.types,
            style: JsonStyle::Avro,
            default: true,
        };
        dec.value(d, &f.ty).or_else(|e| {
            fail(format!(
                "field \"{}\" is missing and its default does not fit its type: {}",
                f.name, e.message
            ))
        })
    }

    fn union(&self, j: &Json, branches: &[Type]) -> Res<Value> {
        if self.default {
            // Avro writes union defaults as the first branch, untagged. Tagged or null
            // defaults of other branches are accepted too, as some writers produce them.
            let Some(first) = branches.first() else {
                return fail("empty union");
            };
            let first_err = match self.value(j, first) {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            if j.is_null() && branches.contains(&Type::Null) {
                return Ok(Value::Null);
            }
            if let Json::Object(m) = j {
                if m.len() == 1 {
                    if let Ok(v) = self.tagged(m, branches) {
                        return Ok(v);
                    }
                }
            }
            return Err(first_err);
        }
        match j {
            Json::Null if branches.contains(&Type::Null) => Ok(Value::Null),
            Json::Null => fail(format!(
                "null is not allowed here (union of {})",
                self.branch_list(branches)
            )),
            Json::Object(m) if m.len() == 1 => self.tagged(m, branches),
            _ => expected(
                &format!(
                    "a union value, null or {{\"TYPE\": value}} with TYPE one of {}",
                    self.branch_list(branches)
                ),
                j,
            ),
        }
    }

    fn tagged(&self, m: &JsonMap<String, Json>, branches: &[Type]) -> Res<Value> {
        let Some((tag, x)) = m.iter().next() else {
            return fail("empty union object");
        };
        let Some(i) = self.find_branch(tag, branches) else {
            return fail(format!(
                "\"{tag}\" is not a branch of the union of {}",
                self.branch_list(branches)
            ));
        };
        at_key(self.value(x, &branches[i]), tag)
    }

    /// Finds the branch a tag names: a primitive name, "array", "map", or a named type's
    /// full name. A named type's short name is accepted when exactly one branch has it.
    fn find_branch(&self, tag: &str, branches: &[Type]) -> Option<usize> {
        let named = |t: &Type| match t {
            Type::Fixed(id) | Type::Enum(id) | Type::Record(id) => self.types.try_get(*id),
            _ => None,
        };
        let exact = branches.iter().position(|t| match named(t) {
            Some(d) => is_full_name(d, tag),
            None => {
                !matches!(t, Type::Fixed(_) | Type::Enum(_) | Type::Record(_))
                    && primitive_name(t) == tag
            }
        });
        if exact.is_some() {
            return exact;
        }
        let mut short = branches
            .iter()
            .enumerate()
            .filter(|(_, t)| named(t).is_some_and(|d| d.name == tag));
        match (short.next(), short.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }

    fn branch_list(&self, branches: &[Type]) -> String {
        let names: Vec<String> = branches
            .iter()
            .map(|t| branch_name(t, self.types))
            .collect();
        names.join(", ")
    }

    fn bytes(&self, j: &Json) -> Res<Vec<u8>> {
        let Json::String(s) = j else {
            return match self.style {
                JsonStyle::Avro => expected("a string of code points 0-255 (bytes)", j),
                JsonStyle::Conformance => expected("a base64 string (bytes)", j),
            };
        };
        match self.style {
            JsonStyle::Avro => s
                .chars()
                .map(|c| u8::try_from(u32::from(c)))
                .collect::<Result<Vec<u8>, _>>()
                .or_else(|_| fail("bytes given as a string with characters above U+00FF")),
            JsonStyle::Conformance => match BASE64_IN.decode(s) {
                Ok(b) => Ok(b),
                Err(e) => fail(format!("invalid base64 for bytes: {e}")),
            },
        }
    }
}

fn is_full_name(d: &NamedType, tag: &str) -> bool {
    match &d.namespace {
        Some(ns) if !ns.is_empty() => tag
            .strip_prefix(ns.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|rest| rest == d.name),
        _ => tag == d.name,
    }
}

/// Reads an int or long. A JSON number with a fraction or exponent (`1.0`, `1e3`) is
/// rejected even when integral, as Avro's JSON decoder requires an integer token: such a
/// number usually means a double was written where an integer belongs.
fn integer(j: &Json, what: &str) -> Res<i64> {
    match j {
        Json::Number(n) => match n.as_i64() {
            Some(x) => Ok(x),
            None if n.is_u64() => fail(format!("{n} is out of range for {what}")),
            None => fail(format!("expected {what} (an integer), found {n}")),
        },
        _ => expected(what, j),
    }
}

/// Reads a float or double: any JSON number, or a non-finite value as a string. Both
/// styles' spellings are read in either style, since they cannot be confused.
fn floating(j: &Json, what: &str) -> Res<f64> {
    match j {
        Json::Number(n) => match n.as_f64() {
            Some(x) => Ok(x),
            None => expected(what, j),
        },
        Json::String(s) => match s.as_str() {
            "inf" | "Infinity" => Ok(f64::INFINITY),
            "-inf" | "-Infinity" => Ok(f64::NEG_INFINITY),
            "nan" | "NaN" => Ok(f64::NAN),
            _ => expected(
                &format!("{what} (a number, or \"inf\", \"-inf\", \"nan\")"),
                j,
            ),
        },
        _ => expected(what, j),
    }
}

// ---------------------------------------------------------------------------------------
// Encoding

struct Encoder<'a> {
    types: &'a TypeTable,
    style: JsonStyle,
}

impl Encoder<'_> {
    /// Encodes `v` at static type `ty`, or structurally where the type is unknown
    /// (`None`) because a value broke the representation invariant.
    fn value(&self, v: &Value, ty: Option<&Type>) -> Json {
        if let Some(Type::Union(branches)) = ty {
            if v.is_null() {
                return Json::Null;
            }
            return match v.union_branch(branches) {
                Some(i) => {
                    let b = &branches[i];
                    let mut m = JsonMap::with_capacity(1);
                    m.insert(branch_name(b, self.types), self.value(v, Some(b)));
                    Json::Object(m)
                }
                None => self.value(v, None),
            };
        }
        match v {
            Value::Null => Json::Null,
            Value::Boolean(b) => Json::Bool(*b),
            Value::Int(x) => Json::from(*x),
            Value::Long(x) => Json::from(*x),
            Value::Float(x) => self.float(*x),
            Value::Double(x) => self.double(*x),
            Value::String(s) => Json::String(s.to_string()),
            Value::Bytes(b) | Value::Fixed(_, b) => self.bytes(b),
            Value::Enum(id, i) => match self.types.try_get(*id).map(|d| &d.kind) {
                Some(NamedKind::Enum { symbols }) if (*i as usize) < symbols.len() => {
                    Json::String(symbols[*i as usize].clone())
                }
                _ => Json::from(*i),
            },
            Value::Array(xs) => {
                let item = match ty {
                    Some(Type::Array(t)) => Some(&**t),
                    _ => None,
                };
                Json::Array(xs.iter().map(|x| self.value(x, item)).collect())
            }
            Value::Map(m) => {
                let vt = match ty {
                    Some(Type::Map(t)) => Some(&**t),
                    _ => None,
                };
                let mut out = JsonMap::with_capacity(m.len());
                for (k, x) in m.iter() {
                    out.insert(k.to_string(), self.value(x, vt));
                }
                Json::Object(out)
            }
            Value::Record(r) => {
                let fields = match self.types.try_get(r.ty).map(|d| &d.kind) {
                    Some(NamedKind::Record { fields }) => fields.as_slice(),
                    _ => &[],
                };
                let mut out = JsonMap::with_capacity(r.fields.len());
                for (k, x) in r.fields.iter().enumerate() {
                    match fields.get(k) {
                        Some(f) => out.insert(f.name.clone(), self.value(x, Some(&f.ty))),
                        None => out.insert(format!("_{k}"), self.value(x, None)),
                    };
                }
                Json::Object(out)
            }
        }
    }

    fn non_finite(&self, x: f64) -> Json {
        let s = match (self.style, x.is_nan(), x > 0.0) {
            (JsonStyle::Conformance, true, _) => "nan",
            (JsonStyle::Conformance, false, true) => "inf",
            (JsonStyle::Conformance, false, false) => "-inf",
            (JsonStyle::Avro, true, _) => "NaN",
            (JsonStyle::Avro, false, true) => "Infinity",
            (JsonStyle::Avro, false, false) => "-Infinity",
        };
        Json::String(s.into())
    }

    fn double(&self, x: f64) -> Json {
        match Number::from_f64(x) {
            Some(n) => Json::Number(n),
            None => self.non_finite(x),
        }
    }

    fn float(&self, x: f32) -> Json {
        if !x.is_finite() {
            return self.non_finite(f64::from(x));
        }
        // The shortest decimal that reads back as this float ("0.1", not the exact
        // widened double 0.10000000149011612).
        let shortest = x.to_string().parse::<f64>().unwrap_or(f64::from(x));
        self.double(shortest)
    }

    fn bytes(&self, b: &[u8]) -> Json {
        match self.style {
            JsonStyle::Avro => Json::String(b.iter().map(|&c| char::from(c)).collect()),
            JsonStyle::Conformance => Json::String(STANDARD.encode(b)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::value::cmp::equal;

    fn named(name: &str, ns: Option<&str>, kind: NamedKind) -> NamedType {
        NamedType {
            name: name.into(),
            namespace: ns.map(Into::into),
            doc: None,
            aliases: vec![],
            kind,
        }
    }

    fn field(name: &str, ty: Type, default: Option<Json>) -> Field {
        Field {
            name: name.into(),
            ty,
            default,
            doc: None,
        }
    }

    fn err(j: Json, ty: &Type, t: &TypeTable) -> DataError {
        from_json(&j, ty, t, JsonStyle::Avro).unwrap_err()
    }

    fn roundtrip(j: Json, ty: &Type, t: &TypeTable, style: JsonStyle) {
        let v = from_json(&j, ty, t, style).unwrap();
        assert_eq!(to_json(&v, ty, t, style), j);
    }

    #[test]
    fn integers() {
        let t = TypeTable::new();
        assert!(matches!(
            from_json(&json!(7), &Type::Int, &t, JsonStyle::Avro),
            Ok(Value::Int(7))
        ));
        assert!(matches!(
            from_json(
                &json!(-9007199254740993i64),
                &Type::Long,
                &t,
                JsonStyle::Avro
            ),
            Ok(Value::Long(-9007199254740993))
        ));
        assert!(err(json!(1.0), &Type::Int, &t).message.contains("integer"));
        assert!(err(json!(2147483648i64), &Type::Int, &t)
            .message
            .contains("out of range"));
        assert!(err(json!(u64::MAX), &Type::Long, &t)
            .message
            .contains("out of range"));
        assert!(err(json!("1"), &Type::Long, &t)
            .message
            .contains("expected a long"));
        roundtrip(json!(i64::MIN), &Type::Long, &t, JsonStyle::Avro);
    }

    #[test]
    fn floats() {
        let t = TypeTable::new();
        assert!(
            matches!(from_json(&json!(3), &Type::Double, &t, JsonStyle::Avro), Ok(Value::Double(x)) if x == 3.0)
        );
        assert_eq!(
            to_json(&Value::Float(0.1), &Type::Float, &t, JsonStyle::Avro),
            json!(0.1)
        );
        assert_eq!(
            to_json(&Value::Double(3.0), &Type::Double, &t, JsonStyle::Avro).to_string(),
            "3.0"
        );
        for (style, inf, ninf, nan) in [
            (JsonStyle::Avro, "Infinity", "-Infinity", "NaN"),
            (JsonStyle::Conformance, "inf", "-inf", "nan"),
        ] {
            assert_eq!(
                to_json(&Value::Double(f64::INFINITY), &Type::Double, &t, style),
                json!(inf)
            );
            assert_eq!(
                to_json(&Value::Float(f32::NEG_INFINITY), &Type::Float, &t, style),
                json!(ninf)
            );
            assert_eq!(
                to_json(&Value::Double(f64::NAN), &Type::Double, &t, style),
                json!(nan)
            );
            for s in ["inf", "Infinity"] {
                assert!(
                    matches!(from_json(&json!(s), &Type::Double, &t, style), Ok(Value::Double(x)) if x == f64::INFINITY)
                );
            }
            assert!(
                matches!(from_json(&json!("nan"), &Type::Float, &t, style), Ok(Value::Float(x)) if x.is_nan())
            );
        }
        assert!(err(json!("infinite"), &Type::Double, &t).path == "$");
    }

    #[test]
    fn bytes_both_styles() {
        let t = TypeTable::new();
        let v = Value::Bytes(Arc::from(&[0u8, 104, 105, 255][..]));
        assert_eq!(
            to_json(&v, &Type::Bytes, &t, JsonStyle::Avro),
            json!("\u{0}hi\u{ff}")
        );
        assert_eq!(
            to_json(&v, &Type::Bytes, &t, JsonStyle::Conformance),
            json!("AGhp/w==")
        );
        roundtrip(json!("AGhp/w=="), &Type::Bytes, &t, JsonStyle::Conformance);
        roundtrip(json!("\u{0}hi\u{ff}"), &Type::Bytes, &t, JsonStyle::Avro);
        // Missing padding is tolerated on input.
        let w = from_json(&json!("AGhp/w"), &Type::Bytes, &t, JsonStyle::Conformance).unwrap();
        assert!(equal(&v, &w, &Type::Bytes, &t));
        assert!(err(json!("\u{100}"), &Type::Bytes, &t)
            .message
            .contains("U+00FF"));
        assert!(from_json(&json!("!!"), &Type::Bytes, &t, JsonStyle::Conformance).is_err());
    }

    #[test]
    fn fixed_size_must_match() {
        let mut t = TypeTable::new();
        let f = t
            .insert(named("F", None, NamedKind::Fixed { size: 2 }))
            .unwrap();
        let ty = Type::Fixed(f);
        roundtrip(json!("ab"), &ty, &t, JsonStyle::Avro);
        roundtrip(json!("AAE="), &ty, &t, JsonStyle::Conformance);
        assert!(err(json!("abc"), &ty, &t).message.contains("size 2"));
    }

    #[test]
    fn enums() {
        let mut t = TypeTable::new();
        let e = t
            .insert(named(
                "E",
                None,
                NamedKind::Enum {
                    symbols: vec!["A".into(), "B".into()],
                },
            ))
            .unwrap();
        assert!(matches!(
            from_json(&json!("B"), &Type::Enum(e), &t, JsonStyle::Avro),
            Ok(Value::Enum(_, 1))
        ));
        assert!(err(json!("C"), &Type::Enum(e), &t)
            .message
            .contains("not a symbol"));
        roundtrip(json!("A"), &Type::Enum(e), &t, JsonStyle::Avro);
    }

    fn sample_table() -> (TypeTable, u32) {
        let mut t = TypeTable::new();
        let r = t
            .insert(named(
                "Rec",
                Some("com.example"),
                NamedKind::Record {
                    fields: vec![
                        field("x", Type::Int, None),
                        field("tags", Type::array(Type::map(Type::Double)), None),
                        field(
                            "u",
                            Type::Union(vec![Type::Null, Type::String, Type::Int]),
                            Some(json!(null)),
                        ),
                        field("d", Type::Double, Some(json!(1.5))),
                    ],
                },
            ))
            .unwrap();
        (t, r)
    }

    #[test]
    fn records_defaults_and_unknown_keys() {
        let (t, r) = sample_table();
        let ty = Type::Record(r);
        let v = from_json(
            &json!({"x": 1, "tags": [], "extra": true}),
            &ty,
            &t,
            JsonStyle::Avro,
        )
        .unwrap();
        assert_eq!(
            to_json(&v, &ty, &t, JsonStyle::Avro),
            json!({"x": 1, "tags": [], "u": null, "d": 1.5})
        );
        let e = err(json!({"tags": []}), &ty, &t);
        assert_eq!(e.path, "$.x");
        assert!(e.message.contains("missing field"));
        let e = err(json!({"x": 1, "tags": [{}, {"a b": "z"}]}), &ty, &t);
        assert_eq!(e.path, "$.tags[1][\"a b\"]");
        let e = err(json!({"x": 1, "tags": [], "u": {"int": 2.5}}), &ty, &t);
        assert_eq!(e.path, "$.u.int");
    }

    #[test]
    fn union_defaults_are_first_branch_untagged() {
        let mut t = TypeTable::new();
        let r = t
            .insert(named(
                "R",
                None,
                NamedKind::Record {
                    fields: vec![
                        field(
                            "a",
                            Type::Union(vec![Type::Int, Type::Null]),
                            Some(json!(3)),
                        ),
                        field(
                            "b",
                            Type::Union(vec![Type::Int, Type::Null]),
                            Some(json!({"int": 4})),
                        ),
                        field(
                            "c",
                            Type::Union(vec![Type::Int, Type::Null]),
                            Some(json!(null)),
                        ),
                        field("d", Type::Int, Some(json!("bad"))),
                    ],
                },
            ))
            .unwrap();
        let ty = Type::Record(r);
        let v = from_json(&json!({"d": 0}), &ty, &t, JsonStyle::Conformance).unwrap();
        assert_eq!(
            to_json(&v, &ty, &t, JsonStyle::Avro),
            json!({"a": {"int": 3}, "b": {"int": 4}, "c": null, "d": 0})
        );
        assert!(err(json!({}), &ty, &t).message.contains("default"));
    }

    #[test]
    fn unions_are_tagged() {
        let (t, r) = sample_table();
        let ty = Type::Union(vec![
            Type::Null,
            Type::Int,
            Type::Double,
            Type::array(Type::String),
            Type::Record(r),
        ]);
        assert!(matches!(
            from_json(&json!({"int": 2}), &ty, &t, JsonStyle::Avro),
            Ok(Value::Int(2))
        ));
        assert!(matches!(
            from_json(&json!({"double": 2}), &ty, &t, JsonStyle::Avro),
            Ok(Value::Double(_))
        ));
        roundtrip(json!(null), &ty, &t, JsonStyle::Avro);
        roundtrip(json!({"array": ["a"]}), &ty, &t, JsonStyle::Avro);
        roundtrip(
            json!({"com.example.Rec": {"x": 1, "tags": [], "u": {"string": "s"}, "d": 2.0}}),
            &ty,
            &t,
            JsonStyle::Avro,
        );
        // Short name tolerated on input when unambiguous.
        assert!(from_json(
            &json!({"Rec": {"x": 1, "tags": []}}),
            &ty,
            &t,
            JsonStyle::Avro
        )
        .is_ok());
        assert!(err(json!(2), &ty, &t).message.contains("union"));
        assert!(err(json!({"long": 2}), &ty, &t)
            .message
            .contains("not a branch"));
        assert!(
            err(json!(null), &Type::Union(vec![Type::Int, Type::String]), &t)
                .message
                .contains("null")
        );
    }

    #[test]
    fn mismatched_values_encode_without_panic() {
        let t = TypeTable::new();
        let j = to_json(
            &Value::str("x"),
            &Type::Union(vec![Type::Int, Type::Null]),
            &t,
            JsonStyle::Avro,
        );
        assert_eq!(j, json!("x"));
        let j = to_json(&Value::Enum(9, 1), &Type::Enum(9), &t, JsonStyle::Avro);
        assert_eq!(j, json!(1));
        let j = to_json(
            &Value::record(9, vec![Value::Int(1)]),
            &Type::Record(9),
            &t,
            JsonStyle::Avro,
        );
        assert_eq!(j, json!({"_0": 1}));
    }
}
