//! Reading Avro object container files block by block, so that worker threads can decode
//! whole blocks in parallel, straight into engine values.
//!
//! The framing (header, blocks, sync markers) is read here; schemas, compatibility and
//! codecs come from `apache_avro`. A datum is decoded by the engine's own input type when
//! the file's schema is the engine's, and by `apache_avro` with schema resolution when the
//! file's schema differs but is compatible.

use std::io::{BufRead, Read};
use std::str::FromStr;
use std::sync::Arc;

use apache_avro::{Codec, Schema};
use pfa_core::types::{NamedKind, Type, TypeTable};
use pfa_core::value::Record;
use pfa_core::Value;

/// What every block of one file needs for decoding.
pub struct FileSchema {
    /// The file's (writer's) schema.
    pub writer: Schema,
    /// `Some` when the file's schema differs from the engine's: resolve to this.
    pub resolve: Option<&'static Schema>,
}

/// A container file being read.
pub struct ContainerReader {
    r: Box<dyn BufRead + Send>,
    sync: [u8; 16],
    codec: Codec,
    /// The schema and how to decode with it.
    pub schema: Arc<FileSchema>,
}

/// Blocks larger than this are taken for corruption rather than allocated.
const MAX_BLOCK: u64 = 1 << 30;

fn read_long(r: &mut dyn Read) -> Result<Option<i64>, String> {
    let mut value: u64 = 0;
    let mut shift = 0;
    let mut first = true;
    loop {
        let mut b = [0u8; 1];
        match r.read(&mut b) {
            Ok(0) if first => return Ok(None),
            Ok(0) => return Err("unexpected end of file inside a number".into()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.to_string()),
        }
        first = false;
        if shift >= 64 {
            return Err("malformed number (too long)".into());
        }
        value |= u64::from(b[0] & 0x7f) << shift;
        if b[0] & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    Ok(Some(((value >> 1) as i64) ^ -((value & 1) as i64)))
}

fn need_long(r: &mut dyn Read) -> Result<i64, String> {
    read_long(r)?.ok_or_else(|| "unexpected end of file".to_string())
}

fn read_exact(r: &mut dyn Read, n: u64) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    r.take(n).read_to_end(&mut buf).map_err(|e| e.to_string())?;
    if buf.len() as u64 != n {
        return Err(format!(
            "unexpected end of file ({} of {n} bytes)",
            buf.len()
        ));
    }
    Ok(buf)
}

impl ContainerReader {
    /// Reads the header and checks the file's schema against the engine's.
    ///
    /// # Errors
    /// Not a container file, a broken header, an unknown codec, or an incompatible schema.
    pub fn open(
        mut r: Box<dyn BufRead + Send>,
        engine_schema: &'static Schema,
    ) -> Result<ContainerReader, String> {
        let head = r.fill_buf().map_err(|e| e.to_string())?;
        if !super::avro::looks_like_avro(head) {
            return Err(if head.is_empty() {
                "empty file: not an Avro object container file".into()
            } else {
                "not an Avro object container file (no \"Obj\\x01\" magic)".into()
            });
        }
        r.consume(4);
        let mut schema_text = None;
        let mut codec_name = String::from("null");
        loop {
            let mut n = need_long(&mut r).map_err(|e| format!("header: {e}"))?;
            if n == 0 {
                break;
            }
            if n < 0 {
                n = n.checked_neg().ok_or("header: malformed count")?;
                need_long(&mut r)?;
            }
            for _ in 0..n {
                let key = read_bytes(&mut r).map_err(|e| format!("header: {e}"))?;
                let value = read_bytes(&mut r).map_err(|e| format!("header: {e}"))?;
                match key.as_slice() {
                    b"avro.schema" => schema_text = Some(value),
                    b"avro.codec" => codec_name = String::from_utf8_lossy(&value).into_owned(),
                    _ => {}
                }
            }
        }
        let mut sync = [0u8; 16];
        r.read_exact(&mut sync)
            .map_err(|e| format!("header: no sync marker: {e}"))?;
        let text = schema_text.ok_or("header: no avro.schema")?;
        let text = String::from_utf8(text).map_err(|_| "header: schema is not UTF-8")?;
        let writer =
            Schema::parse_str(&text).map_err(|e| format!("header: unreadable schema: {e}"))?;
        let codec = Codec::from_str(&codec_name)
            .map_err(|_| format!("codec \"{codec_name}\" is not supported"))?;
        let check = super::avro::check_input(&writer, engine_schema)?;
        Ok(ContainerReader {
            r,
            sync,
            codec,
            schema: Arc::new(FileSchema {
                writer,
                resolve: check.resolve_to,
            }),
        })
    }

    /// The next block: its number of records and its decompressed bytes; `None` at the
    /// end of the file.
    ///
    /// # Errors
    /// A truncated or corrupt block.
    pub fn next_block(&mut self) -> Result<Option<(u64, Vec<u8>)>, String> {
        let Some(count) = read_long(&mut self.r)? else {
            return Ok(None);
        };
        let size = need_long(&mut self.r)?;
        if count < 0 || size < 0 || size as u64 > MAX_BLOCK {
            return Err(format!("corrupt block header (count {count}, size {size})"));
        }
        let mut data = read_exact(&mut self.r, size as u64)?;
        let mut sync = [0u8; 16];
        self.r
            .read_exact(&mut sync)
            .map_err(|_| "unexpected end of file after a block".to_string())?;
        if sync != self.sync {
            return Err("sync marker mismatch (corrupt file)".into());
        }
        self.codec
            .decompress(&mut data)
            .map_err(|e| format!("cannot decompress a block: {e}"))?;
        Ok(Some((count as u64, data)))
    }
}

fn read_bytes(r: &mut dyn Read) -> Result<Vec<u8>, String> {
    let n = need_long(r)?;
    if n < 0 || n as u64 > MAX_BLOCK {
        return Err(format!("bad length {n}"));
    }
    read_exact(r, n as u64)
}

/// Decodes one datum from the front of `buf`, advancing it.
///
/// # Errors
/// What is wrong with the bytes.
pub fn decode_datum(
    buf: &mut &[u8],
    file: &FileSchema,
    ty: &Type,
    types: &TypeTable,
) -> Result<Value, String> {
    match file.resolve {
        None => Datum { types }.value(buf, ty, 0),
        Some(reader) => {
            let v = apache_avro::from_avro_datum(&file.writer, buf, Some(reader))
                .map_err(|e| e.to_string())?;
            super::avro::to_pfa(v, ty, types)
        }
    }
}

struct Datum<'a> {
    types: &'a TypeTable,
}

fn take<'b>(buf: &mut &'b [u8], n: usize) -> Result<&'b [u8], String> {
    if buf.len() < n {
        return Err("truncated datum".into());
    }
    let (a, b) = buf.split_at(n);
    *buf = b;
    Ok(a)
}

fn long(buf: &mut &[u8]) -> Result<i64, String> {
    let mut value: u64 = 0;
    let mut shift = 0;
    loop {
        let (&b, rest) = buf.split_first().ok_or("truncated datum")?;
        *buf = rest;
        if shift >= 64 {
            return Err("malformed number".into());
        }
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    Ok(((value >> 1) as i64) ^ -((value & 1) as i64))
}

fn length(buf: &mut &[u8]) -> Result<usize, String> {
    let n = long(buf)?;
    usize::try_from(n)
        .ok()
        .filter(|&n| n <= buf.len())
        .ok_or_else(|| format!("bad length {n}"))
}

impl Datum<'_> {
    fn value(&self, buf: &mut &[u8], ty: &Type, depth: usize) -> Result<Value, String> {
        if depth > 500 {
            return Err("datum nested too deeply".into());
        }
        Ok(match ty {
            Type::Null => Value::Null,
            Type::Boolean => match take(buf, 1)? {
                [0] => Value::Boolean(false),
                [1] => Value::Boolean(true),
                _ => return Err("bad boolean".into()),
            },
            Type::Int => {
                let x = long(buf)?;
                Value::Int(i32::try_from(x).map_err(|_| format!("{x} is out of range for an int"))?)
            }
            Type::Long => Value::Long(long(buf)?),
            Type::Float => {
                let b = take(buf, 4)?;
                Value::Float(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            Type::Double => {
                let b = take(buf, 8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Value::Double(f64::from_le_bytes(a))
            }
            Type::String => {
                let n = length(buf)?;
                let s = std::str::from_utf8(take(buf, n)?).map_err(|_| "string is not UTF-8")?;
                Value::String(Arc::from(s))
            }
            Type::Bytes => {
                let n = length(buf)?;
                Value::Bytes(Arc::from(take(buf, n)?))
            }
            Type::Fixed(id) => {
                let size = match self.types.try_get(*id).map(|t| &t.kind) {
                    Some(NamedKind::Fixed { size }) => *size,
                    _ => return Err("unknown fixed type".into()),
                };
                Value::Fixed(*id, Arc::from(take(buf, size)?))
            }
            Type::Enum(id) => {
                let i = long(buf)?;
                let n = self.types.symbols(*id).len();
                match usize::try_from(i) {
                    Ok(k) if k < n => Value::Enum(*id, k as u32),
                    _ => return Err(format!("enum index {i} out of range")),
                }
            }
            Type::Array(item) => {
                let mut out = Vec::new();
                self.blocks(buf, |this, buf| {
                    out.push(this.value(buf, item, depth + 1)?);
                    Ok(())
                })?;
                Value::Array(Arc::new(out))
            }
            Type::Map(vt) => {
                let mut out = std::collections::BTreeMap::new();
                self.blocks(buf, |this, buf| {
                    let n = length(buf)?;
                    let k = std::str::from_utf8(take(buf, n)?).map_err(|_| "key is not UTF-8")?;
                    let k: Arc<str> = Arc::from(k);
                    let v = this.value(buf, vt, depth + 1)?;
                    out.insert(k, v);
                    Ok(())
                })?;
                Value::Map(Arc::new(out))
            }
            Type::Record(id) => {
                let fields = self.types.fields(*id);
                let mut out = Vec::with_capacity(fields.len());
                for f in fields {
                    out.push(
                        self.value(buf, &f.ty, depth + 1)
                            .map_err(|e| format!("{e} (in field {})", f.name))?,
                    );
                }
                Value::Record(Arc::new(Record {
                    ty: *id,
                    fields: out.into_boxed_slice(),
                }))
            }
            Type::Union(bs) => {
                let i = long(buf)?;
                let b = usize::try_from(i)
                    .ok()
                    .and_then(|i| bs.get(i))
                    .ok_or_else(|| format!("union branch {i} out of range"))?;
                self.value(buf, b, depth + 1)?
            }
            Type::Fcn(_) => return Err("functions have no data representation".into()),
        })
    }

    /// Array and map items: blocks of a count (negative: followed by a byte size), ended
    /// by a zero count.
    fn blocks(
        &self,
        buf: &mut &[u8],
        mut item: impl FnMut(&Self, &mut &[u8]) -> Result<(), String>,
    ) -> Result<(), String> {
        loop {
            let mut n = long(buf)?;
            if n == 0 {
                return Ok(());
            }
            if n < 0 {
                n = n.checked_neg().ok_or("bad block count")?;
                long(buf)?;
            }
            // Items take at least a byte, except nulls: a count far beyond the bytes
            // left is corruption, not a reason to allocate.
            if n as u64 > buf.len() as u64 + (1 << 20) {
                return Err(format!("bad block count {n}"));
            }
            for _ in 0..n {
                item(self, buf)?;
            }
        }
    }
}
