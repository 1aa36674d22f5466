//! CSV: a header row names the columns; each column fills the input record's field of the
//! same name. Only flat records qualify: every field a primitive, an enum, or a union of
//! `null` with one of those (an empty cell is then `null`).

use std::sync::Arc;

use pfa_core::types::{Type, TypeTable};
use pfa_core::value::Record;
use pfa_core::{Program, Value};

/// The scalar kinds a CSV cell can hold.
#[derive(Clone, Debug)]
enum Cell {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    String,
    Bytes,
    Enum(u32),
}

/// One field of a flat record: its cell kind and whether an empty cell means `null`
/// (and at which union branch position, for output).
#[derive(Clone, Debug)]
struct FlatField {
    name: String,
    cell: Cell,
    nullable: bool,
}

/// A flat record type: what CSV can carry.
#[derive(Clone, Debug)]
pub struct Flat {
    record: Option<u32>,
    fields: Vec<FlatField>,
}

fn cell_of(ty: &Type) -> Option<Cell> {
    Some(match ty {
        Type::Null => Cell::Null,
        Type::Boolean => Cell::Boolean,
        Type::Int => Cell::Int,
        Type::Long => Cell::Long,
        Type::Float => Cell::Float,
        Type::Double => Cell::Double,
        Type::String => Cell::String,
        Type::Bytes => Cell::Bytes,
        Type::Enum(id) => Cell::Enum(*id),
        _ => return None,
    })
}

fn flat_field(name: &str, ty: &Type) -> Option<FlatField> {
    if let Some(cell) = cell_of(ty) {
        return Some(FlatField {
            name: name.to_string(),
            cell,
            nullable: false,
        });
    }
    if let Type::Union(bs) = ty {
        if bs.len() == 2 && bs.contains(&Type::Null) {
            let other = bs.iter().find(|b| **b != Type::Null)?;
            return Some(FlatField {
                name: name.to_string(),
                cell: cell_of(other)?,
                nullable: true,
            });
        }
    }
    None
}

impl Flat {
    /// The flat shape of `ty`: a record with scalar fields, or (`allow_scalar`) a single
    /// scalar shown as one column named `column`.
    ///
    /// # Errors
    /// Why `ty` cannot be a CSV row.
    pub fn of(ty: &Type, types: &TypeTable, allow_scalar: bool) -> Result<Flat, String> {
        match ty {
            Type::Record(id) => {
                let mut fields = Vec::new();
                for f in types.fields(*id) {
                    fields.push(flat_field(&f.name, &f.ty).ok_or_else(|| {
                        format!(
                            "CSV needs a record of primitive fields, but field \"{}\" of {} has type {}",
                            f.name,
                            types.show(ty),
                            types.show(&f.ty)
                        )
                    })?);
                }
                Ok(Flat {
                    record: Some(*id),
                    fields,
                })
            }
            _ if allow_scalar => match flat_field("output", ty) {
                Some(f) => Ok(Flat {
                    record: None,
                    fields: vec![f],
                }),
                None => Err(format!(
                    "CSV output needs a record of primitive fields or a primitive, not {}",
                    types.show(ty)
                )),
            },
            _ => Err(format!(
                "CSV input needs a record of primitive fields, not {}",
                types.show(ty)
            )),
        }
    }

    /// The header row.
    pub fn header(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, f) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            quote(f.name.as_bytes(), &mut out);
        }
        out.push(b'\n');
        out
    }

    /// Maps each field to its column in a file with this header.
    ///
    /// # Errors
    /// A field with no column that cannot be `null`.
    pub fn columns(&self, header: &csv::StringRecord) -> Result<Vec<Option<usize>>, String> {
        let mut cols = Vec::with_capacity(self.fields.len());
        for f in &self.fields {
            let c = header.iter().position(|h| h.trim() == f.name);
            if c.is_none() && !f.nullable {
                return Err(format!("the header has no column \"{}\"", f.name));
            }
            cols.push(c);
        }
        Ok(cols)
    }

    /// Reads one row as an input record.
    ///
    /// # Errors
    /// The field whose cell does not parse.
    pub fn read_row(
        &self,
        row: &csv::StringRecord,
        cols: &[Option<usize>],
        types: &TypeTable,
    ) -> Result<Value, String> {
        let mut out = Vec::with_capacity(self.fields.len());
        for (f, c) in self.fields.iter().zip(cols) {
            let text = c.and_then(|c| row.get(c));
            let v = match text {
                None if f.nullable => Value::Null,
                None => return Err(format!("field \"{}\": the row has no such column", f.name)),
                Some("") if f.nullable => Value::Null,
                Some(t) => parse_cell(&f.cell, t, types)
                    .map_err(|m| format!("field \"{}\": {m}", f.name))?,
            };
            out.push(v);
        }
        match self.record {
            Some(id) => Ok(Value::Record(Arc::new(Record {
                ty: id,
                fields: out.into_boxed_slice(),
            }))),
            None => out.pop().ok_or_else(|| "empty row".to_string()),
        }
    }

    /// Appends one value as a CSV row.
    pub fn write_row(&self, v: &Value, program: &Program, out: &mut Vec<u8>) {
        let types = program.types();
        match (self.record, v) {
            (Some(_), Value::Record(r)) => {
                for (i, x) in r.fields.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_cell(x, types, out);
                }
            }
            _ => write_cell(v, types, out),
        }
        out.push(b'\n');
    }
}

fn parse_cell(cell: &Cell, t: &str, types: &TypeTable) -> Result<Value, String> {
    let bad = |what: &str| format!("cannot read {t:?} as {what}");
    let s = t.trim();
    Ok(match cell {
        Cell::Null if s.is_empty() || s == "null" => Value::Null,
        Cell::Null => return Err(bad("null")),
        Cell::Boolean => match s {
            "true" | "True" | "TRUE" => Value::Boolean(true),
            "false" | "False" | "FALSE" => Value::Boolean(false),
            _ => return Err(bad("boolean")),
        },
        Cell::Int => Value::Int(s.parse().map_err(|_| bad("int"))?),
        Cell::Long => Value::Long(s.parse().map_err(|_| bad("long"))?),
        Cell::Float => Value::Float(s.parse().map_err(|_| bad("float"))?),
        Cell::Double => Value::Double(s.parse().map_err(|_| bad("double"))?),
        Cell::String => Value::str(t),
        Cell::Bytes => Value::Bytes(Arc::from(t.as_bytes())),
        Cell::Enum(id) => match types.symbols(*id).iter().position(|x| x == s) {
            Some(i) => Value::Enum(*id, i as u32),
            None => return Err(format!("{s:?} is not a symbol of {}", types.get(*id).name)),
        },
    })
}

fn write_cell(v: &Value, types: &TypeTable, out: &mut Vec<u8>) {
    use std::io::Write as _;
    // Writes into a Vec cannot fail.
    let _ = match v {
        Value::Null => Ok(()),
        Value::Boolean(b) => write!(out, "{b}"),
        Value::Int(x) => write!(out, "{x}"),
        Value::Long(x) => write!(out, "{x}"),
        // Debug formatting: shortest round-trip digits, exponents for extreme magnitudes.
        Value::Float(x) => write!(out, "{x:?}"),
        Value::Double(x) => write!(out, "{x:?}"),
        Value::String(s) => {
            quote(s.as_bytes(), out);
            Ok(())
        }
        Value::Bytes(b) | Value::Fixed(_, b) => {
            quote(b, out);
            Ok(())
        }
        Value::Enum(id, i) => {
            let sym = types
                .try_get(*id)
                .and_then(|_| types.symbols(*id).get(*i as usize));
            quote(sym.map(|s| s.as_bytes()).unwrap_or_default(), out);
            Ok(())
        }
        // Not flat: cannot happen for a checked output type; write nothing.
        Value::Array(_) | Value::Map(_) | Value::Record(_) => Ok(()),
    };
}

/// Quotes a cell when it holds a separator, a quote or a line break (RFC 4180).
fn quote(s: &[u8], out: &mut Vec<u8>) {
    if s.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for &b in s {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s);
    }
}
