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

// ---------------------------------------------------------------------------------------
// Writing

fn put_long(x: i64, out: &mut Vec<u8>) {
    let mut z = ((x << 1) ^ (x >> 63)) as u64;
    loop {
        let b = (z & 0x7f) as u8;
        z >>= 7;
        if z == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn put_bytes(b: &[u8], out: &mut Vec<u8>) {
    put_long(b.len() as i64, out);
    out.extend_from_slice(b);
}

/// Appends the Avro binary encoding of `v` (of type `ty`); `false` if `v` does not have
/// the type's representation (the engine never produces such outputs).
pub fn encode_datum(v: &Value, ty: &Type, types: &TypeTable, out: &mut Vec<u8>) -> bool {
    match (ty, v) {
        (Type::Union(bs), v) => match v.union_branch(bs) {
            Some(i) => {
                put_long(i as i64, out);
                encode_datum(v, &bs[i], types, out)
            }
            None => false,
        },
        (Type::Null, Value::Null) => true,
        (Type::Boolean, Value::Boolean(b)) => {
            out.push(u8::from(*b));
            true
        }
        (Type::Int, Value::Int(x)) => {
            put_long(i64::from(*x), out);
            true
        }
        (Type::Long, Value::Long(x)) => {
            put_long(*x, out);
            true
        }
        (Type::Float, Value::Float(x)) => {
            out.extend_from_slice(&x.to_le_bytes());
            true
        }
        (Type::Double, Value::Double(x)) => {
            out.extend_from_slice(&x.to_le_bytes());
            true
        }
        (Type::String, Value::String(s)) => {
            put_bytes(s.as_bytes(), out);
            true
        }
        (Type::Bytes, Value::Bytes(b)) => {
            put_bytes(b, out);
            true
        }
        (Type::Fixed(_), Value::Fixed(_, b)) => {
            out.extend_from_slice(b);
            true
        }
        (Type::Enum(_), Value::Enum(_, i)) => {
            put_long(i64::from(*i), out);
            true
        }
        (Type::Array(item), Value::Array(xs)) => {
            if !xs.is_empty() {
                put_long(xs.len() as i64, out);
                for x in xs.iter() {
                    if !encode_datum(x, item, types, out) {
                        return false;
                    }
                }
            }
            out.push(0);
            true
        }
        (Type::Map(vt), Value::Map(m)) => {
            if !m.is_empty() {
                put_long(m.len() as i64, out);
                for (k, x) in m.iter() {
                    put_bytes(k.as_bytes(), out);
                    if !encode_datum(x, vt, types, out) {
                        return false;
                    }
                }
            }
            out.push(0);
            true
        }
        (Type::Record(id), Value::Record(r)) if r.ty == *id => {
            let fields = types.fields(*id);
            fields.len() == r.fields.len()
                && fields
                    .iter()
                    .zip(r.fields.iter())
                    .all(|(f, x)| encode_datum(x, &f.ty, types, out))
        }
        _ => false,
    }
}

/// Records per block are flushed once a block holds this many bytes.
const BLOCK_BYTES: usize = 1 << 16;

/// Writes an Avro object container file (null codec) of already encoded datums.
pub struct ContainerWriter<W: std::io::Write> {
    w: W,
    sync: [u8; 16],
    block: Vec<u8>,
    count: u64,
}

impl<W: std::io::Write> ContainerWriter<W> {
    /// Writes the header: `schema_json` is the schema of every datum.
    ///
    /// # Errors
    /// Writing fails.
    pub fn new(mut w: W, schema_json: &str) -> std::io::Result<Self> {
        let mut head = b"Obj\x01".to_vec();
        put_long(2, &mut head);
        put_bytes(b"avro.schema", &mut head);
        put_bytes(schema_json.as_bytes(), &mut head);
        put_bytes(b"avro.codec", &mut head);
        put_bytes(b"null", &mut head);
        put_long(0, &mut head);
        let sync = sync_marker();
        head.extend_from_slice(&sync);
        w.write_all(&head)?;
        Ok(ContainerWriter {
            w,
            sync,
            block: Vec::with_capacity(BLOCK_BYTES + 1024),
            count: 0,
        })
    }

    /// Adds `count` encoded datums.
    ///
    /// # Errors
    /// Writing fails.
    pub fn append(&mut self, datums: &[u8], count: u64) -> std::io::Result<()> {
        self.block.extend_from_slice(datums);
        self.count += count;
        if self.block.len() >= BLOCK_BYTES {
            self.flush_block()?;
        }
        Ok(())
    }

    fn flush_block(&mut self) -> std::io::Result<()> {
        if self.count == 0 {
            return Ok(());
        }
        let mut head = Vec::with_capacity(20);
        put_long(self.count as i64, &mut head);
        put_long(self.block.len() as i64, &mut head);
        self.w.write_all(&head)?;
        self.w.write_all(&self.block)?;
        self.w.write_all(&self.sync)?;
        self.block.clear();
        self.count = 0;
        Ok(())
    }

    /// Writes what is buffered as a block and flushes the stream.
    ///
    /// # Errors
    /// Writing fails.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.flush_block()?;
        self.w.flush()
    }
}

/// A sync marker that differs between files (it only has to be unlikely to occur in the
/// data): the standard library's randomly keyed hasher, over the time and process.
fn sync_marker() -> [u8; 16] {
    use std::hash::{BuildHasher, Hasher};
    let mut out = [0u8; 16];
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pfa_core::{JsonStyle, LoadOptions, Program};

    /// Containers written here read back with `apache_avro` (an independent reader) and
    /// with the block reader here, to the same values.
    #[test]
    fn round_trip_through_apache_avro() {
        let ty = r#"{"type": "record", "name": "R", "fields": [
            {"name": "a", "type": "int"}, {"name": "b", "type": "double"},
            {"name": "c", "type": ["null", "string", {"type": "array", "items": "R"}]},
            {"name": "d", "type": {"type": "map", "values": "float"}},
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["x", "y"]}},
            {"name": "f", "type": "bytes"}, {"name": "g", "type": "long"},
            {"name": "h", "type": {"type": "fixed", "name": "F", "size": 2}},
            {"name": "i", "type": "boolean"}]}"#;
        let doc = format!(r#"{{"input": {ty}, "output": "R", "action": "input"}}"#);
        let p = Program::from_str(&doc, &LoadOptions::default()).unwrap();
        let (t, types) = (p.output_type(), p.types());
        let lines = [
            r#"{"a": 1, "b": 2, "c": null, "d": {}, "e": "y", "f": "", "g": 0, "h": "ab", "i": true}"#,
            r#"{"a": -70000, "b": -1e300, "c": {"string": "é"}, "d": {"k": 0.5, "j": -2}, "e": "x", "f": "\u00ff\u0000", "g": -9007199254740993, "h": "\u0000\u0001", "i": false}"#,
            r#"{"a": 0, "b": 0.25, "c": {"array": [{"a": 2, "b": 0.5, "c": null, "d": {}, "e": "x", "f": "b", "g": 1, "h": "zz", "i": true}]}, "d": {}, "e": "y", "f": "", "g": 5, "h": "qq", "i": false}"#,
        ];
        let values: Vec<Value> = lines
            .iter()
            .map(|l| {
                let j: serde_json::Value = serde_json::from_str(l).unwrap();
                p.input_from_json(&j, JsonStyle::Avro).unwrap()
            })
            .collect();
        let schema_json = pfa_core::types::schema::to_schema_json(t, types).to_string();
        let mut file = Vec::new();
        {
            let mut w = ContainerWriter::new(&mut file, &schema_json).unwrap();
            for v in &values {
                let mut buf = Vec::new();
                assert!(encode_datum(v, t, types, &mut buf));
                w.append(&buf, 1).unwrap();
            }
            w.flush().unwrap();
        }
        let json = |v: &Value| p.output_to_json(v, JsonStyle::Avro);
        let reader = apache_avro::Reader::new(&file[..]).unwrap();
        let back: Vec<Value> = reader
            .map(|v| super::super::avro::to_pfa(v.unwrap(), t, types).unwrap())
            .collect();
        assert_eq!(back.len(), values.len());
        for (a, b) in values.iter().zip(&back) {
            assert_eq!(json(a), json(b));
        }
        let engine_schema: &'static Schema =
            Box::leak(Box::new(super::super::avro::schema_of(t, types).unwrap()));
        let mut r =
            ContainerReader::open(Box::new(std::io::Cursor::new(file)), engine_schema).unwrap();
        let (count, data) = r.next_block().unwrap().unwrap();
        assert_eq!(count, 3);
        let mut buf: &[u8] = &data;
        for v in &values {
            let d = decode_datum(&mut buf, &r.schema, t, types).unwrap();
            assert_eq!(json(&d), json(v));
        }
        assert!(buf.is_empty());
        assert!(r.next_block().unwrap().is_none());
    }
}
