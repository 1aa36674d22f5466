//! Data formats for `pfa score`: reading input files into batches of raw records,
//! decoding raw records into engine values (on the worker threads), encoding outputs, and
//! writing them.
//!
//! - `jsonl`: one Avro-JSON datum per line (unions tagged).
//! - `avro`: Avro object container files.
//! - `csv`: a header row, then one flat record per row.

pub mod avro;
pub mod container;
pub mod csv;
pub mod fastjson;
pub mod jsonout;

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::Arc;

use apache_avro::Schema;
use pfa_core::{JsonStyle, PfaError, Program, Value};

/// A data format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON lines.
    Jsonl,
    /// Avro object container file.
    Avro,
    /// Comma-separated values with a header row.
    Csv,
}

impl Format {
    /// The format named on the command line.
    pub fn from_name(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" | "json" | "ndjson" => Some(Format::Jsonl),
            "avro" => Some(Format::Avro),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format a file name says (`data.csv`, `data.avro`, `data.jsonl.gz`, ...):
    /// `Ok(None)` for a name without an extension (or
    /// standard input), an error naming the extension when it is not a known format.
    ///
    /// # Errors
    /// An extension that is no format this command reads or writes.
    pub fn for_path(p: &Path) -> Result<Option<Format>, String> {
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            return Ok(None);
        };
        let name = name.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let Some((_, ext)) = name.rsplit_once('.') else {
            return Ok(None);
        };
        Format::from_name(ext).map(Some).ok_or_else(|| {
            format!(
                "{}: cannot tell the format from \".{ext}\" (jsonl, avro or csv; name it with --input-format or --output-format)",
                p.display()
            )
        })
    }
}

/// Where a record came from and what it looks like before decoding.
pub struct Item {
    /// 1-based record number over all inputs (0 for errors that are not a record).
    pub record: u64,
    /// 1-based line in the file, for text formats (0 otherwise).
    pub line: u64,
    /// The undecoded record.
    pub raw: Raw,
}

/// An undecoded record.
pub enum Raw {
    /// A JSON line: byte range in the batch's text.
    Json(usize, usize),
    /// A block of an Avro container file: `count` records, decompressed. Its item's record
    /// number is the first record's.
    AvroBlock {
        /// The encoded records.
        data: Vec<u8>,
        /// How many.
        count: u64,
    },
    /// Already an engine value (CSV rows).
    Ready(Value),
    /// A record that could not be read; the message says why.
    Bad(String),
    /// The rest of the file could not be read (unopenable, wrong format, truncated); not a
    /// record.
    FileError(String),
}

/// Consecutive records of one input file.
pub struct Batch {
    /// Position of this batch in the input (0, 1, 2, ...).
    pub seq: u64,
    /// The file's name as shown in messages.
    pub file: Arc<str>,
    /// Raw bytes of JSON lines.
    pub text: Vec<u8>,
    /// The records.
    pub items: Vec<Item>,
    /// Avro files: the file's schema.
    pub avro: Option<Arc<container::FileSchema>>,
}

/// Opens an input (or standard input for `-`), un-gzipping it when it starts with the gzip
/// magic bytes.
pub fn open_input(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path)?)
    };
    let mut br = BufReader::with_capacity(1 << 16, raw);
    let gz = br.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    if gz {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(br),
        )))
    } else {
        Ok(Box::new(br))
    }
}

/// What every input needs to know about the engine's input type.
pub struct InputContext {
    /// The program.
    pub program: Program,
    /// The engine's input type as an Avro schema (for checking Avro files), made once.
    pub avro_schema: Option<&'static Schema>,
    /// The engine's input type as a CSV row, if CSV is read.
    pub csv: Option<csv::Flat>,
}

/// A reader of one input file.
pub enum Source {
    /// JSON lines.
    Jsonl {
        /// The text.
        r: Box<dyn BufRead + Send>,
        /// Lines read so far.
        line: u64,
    },
    /// CSV rows.
    Csv {
        /// The parser.
        r: Box<::csv::Reader<Box<dyn BufRead + Send>>>,
        /// Column of each input field.
        cols: Vec<Option<usize>>,
        /// Reused row buffer.
        row: ::csv::StringRecord,
    },
    /// Avro container.
    Avro(Box<container::ContainerReader>),
    /// Nothing more to read.
    Done,
}

impl Source {
    /// Opens `path` as `format`, checking what can be checked before the first record
    /// (CSV header, Avro schema).
    ///
    /// # Errors
    /// Why the file cannot be read at all.
    pub fn open(path: &Path, format: Format, ctx: &InputContext) -> Result<Source, String> {
        let r = open_input(path).map_err(|e| e.to_string())?;
        Ok(match format {
            Format::Jsonl => Source::Jsonl { r, line: 0 },
            Format::Csv => {
                let flat = ctx.csv.as_ref().ok_or("CSV input is not set up")?;
                let mut r = ::csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(true)
                    .from_reader(r);
                let header = r
                    .headers()
                    .map_err(|e| format!("cannot read the CSV header: {e}"))?
                    .clone();
                let cols = flat.columns(&header)?;
                Source::Csv {
                    r: Box::new(r),
                    cols,
                    row: ::csv::StringRecord::new(),
                }
            }
            Format::Avro => {
                let want = ctx.avro_schema.ok_or("Avro input is not set up")?;
                Source::Avro(Box::new(container::ContainerReader::open(r, want)?))
            }
        })
    }

    /// Adds up to `max` records (or about a megabyte of text) to `batch`, numbering them
    /// from `*next`. Returns `false` once the file is exhausted.
    pub fn fill(
        &mut self,
        batch: &mut Batch,
        next: &mut u64,
        max: usize,
        ctx: &InputContext,
    ) -> bool {
        // Record numbers: one per record, a block's worth for an Avro block.
        let counter = std::cell::Cell::new(*next);
        let add = |last: u64| counter.set(last);
        let push = |batch: &mut Batch, line: u64, raw: Raw| -> u64 {
            let record = if matches!(raw, Raw::FileError(_)) {
                0
            } else {
                counter.set(counter.get() + 1);
                counter.get()
            };
            batch.items.push(Item { record, line, raw });
            record
        };
        let more = self.fill_with(batch, max, ctx, &push, &add);
        *next = counter.get();
        more
    }

    fn fill_with(
        &mut self,
        batch: &mut Batch,
        max: usize,
        ctx: &InputContext,
        push: &dyn Fn(&mut Batch, u64, Raw) -> u64,
        add: &dyn Fn(u64),
    ) -> bool {
        match self {
            Source::Done => false,
            Source::Jsonl { r, line } => {
                while batch.items.len() < max && batch.text.len() < (1 << 20) {
                    let start = batch.text.len();
                    match r.read_until(b'\n', &mut batch.text) {
                        Ok(0) => {
                            *self = Source::Done;
                            return false;
                        }
                        Ok(_) => {
                            *line += 1;
                            let l = &batch.text[start..];
                            if l.iter().all(|b| b.is_ascii_whitespace()) {
                                batch.text.truncate(start);
                                continue;
                            }
                            let end = batch.text.len();
                            push(batch, *line, Raw::Json(start, end));
                        }
                        Err(e) => {
                            batch.text.truncate(start);
                            let msg = format!("read error after line {}: {}", *line, e);
                            push(batch, *line + 1, Raw::FileError(msg));
                            *self = Source::Done;
                            return false;
                        }
                    }
                }
                true
            }
            Source::Csv { r, cols, row } => {
                let flat = match ctx.csv.as_ref() {
                    Some(f) => f,
                    None => return false,
                };
                while batch.items.len() < max {
                    match r.read_record(row) {
                        Ok(false) => {
                            *self = Source::Done;
                            return false;
                        }
                        Ok(true) => {
                            let line = row.position().map(|p| p.line()).unwrap_or(0);
                            let raw = match flat.read_row(row, cols, ctx.program.types()) {
                                Ok(v) => Raw::Ready(v),
                                Err(m) => Raw::Bad(m),
                            };
                            push(batch, line, raw);
                        }
                        Err(e) => {
                            let line = e.position().map(|p| p.line()).unwrap_or(0);
                            // A malformed row (bad UTF-8, ...) is one bad record; an I/O
                            // error ends the file.
                            if let ::csv::ErrorKind::Io(io) = e.kind() {
                                let msg = format!("read error: {io}");
                                push(batch, line, Raw::FileError(msg));
                                *self = Source::Done;
                                return false;
                            }
                            push(batch, line, Raw::Bad(format!("malformed CSV row: {e}")));
                        }
                    }
                }
                true
            }
            Source::Avro(r) => {
                batch.avro = Some(r.schema.clone());
                let mut records = 0;
                while records < max as u64 {
                    match r.next_block() {
                        Ok(None) => {
                            *self = Source::Done;
                            return false;
                        }
                        Ok(Some((0, _))) => {}
                        Ok(Some((count, data))) => {
                            // Numbered here: the block's first record is the next one.
                            let first = push(batch, 0, Raw::AvroBlock { data, count });
                            records += count;
                            add(first + count - 1);
                        }
                        Err(e) => {
                            // The block framing is lost: nothing after this can be read.
                            let msg =
                                format!("cannot read Avro data (truncated or corrupt file?): {e}");
                            push(batch, 0, Raw::FileError(msg));
                            *self = Source::Done;
                            return false;
                        }
                    }
                }
                true
            }
        }
    }
}

/// Decodes a raw record into the engine's input type.
///
/// # Errors
/// A message naming the field that does not fit.
pub fn decode(
    program: &Program,
    fast: &fastjson::FastJson,
    batch: &Batch,
    raw: Raw,
) -> Result<Value, String> {
    match raw {
        Raw::Json(s, e) => {
            let bytes = batch.text.get(s..e).unwrap_or_default();
            if let Some(v) = fast.decode(bytes) {
                return Ok(v);
            }
            let json: serde_json::Value =
                serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
            program
                .input_from_json(&json, JsonStyle::Avro)
                .map_err(|e| data_message(&e))
        }
        // Blocks are decoded record by record by the caller.
        Raw::AvroBlock { .. } => Err("internal: an Avro block decoded as one record".into()),
        Raw::Ready(v) => Ok(v),
        Raw::Bad(m) | Raw::FileError(m) => Err(m),
    }
}

/// A data error without the `bad input datum` prefix the engine adds.
fn data_message(e: &PfaError) -> String {
    match e {
        PfaError::Data { message, at } => match at {
            Some(at) if !at.is_empty() && at != "$" => format!("{message} (at {at})"),
            _ => message.clone(),
        },
        other => other.to_string(),
    }
}

/// Encoded outputs of a batch.
pub enum OutBuf {
    /// Text formats: bytes.
    Bytes(Vec<u8>),
    /// Avro: encoded datums and where each ends.
    Avro(Vec<u8>, Vec<usize>),
}

impl OutBuf {
    /// How far the buffer is filled (bytes or values).
    pub fn len(&self) -> usize {
        match self {
            OutBuf::Bytes(b) => b.len(),
            OutBuf::Avro(_, ends) => ends.len(),
        }
    }
}

/// How outputs are encoded.
pub enum Encoder {
    /// JSON lines.
    Jsonl,
    /// CSV rows.
    Csv(csv::Flat),
    /// Avro values.
    Avro,
}

impl Encoder {
    /// An empty buffer for this encoder.
    pub fn buffer(&self) -> OutBuf {
        match self {
            Encoder::Avro => OutBuf::Avro(Vec::new(), Vec::new()),
            _ => OutBuf::Bytes(Vec::new()),
        }
    }

    /// Appends one output value.
    pub fn encode(&self, program: &Program, v: &Value, out: &mut OutBuf) {
        match (self, out) {
            (Encoder::Jsonl, OutBuf::Bytes(b)) => {
                let start = b.len();
                if jsonout::write(v, program.output_type(), program.types(), b) {
                    b.push(b'\n');
                    return;
                }
                b.truncate(start);
                let j = program.output_to_json(v, JsonStyle::Avro);
                // Serializing a JSON tree into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *b, &j);
                b.push(b'\n');
            }
            (Encoder::Csv(flat), OutBuf::Bytes(b)) => flat.write_row(v, program, b),
            (Encoder::Avro, OutBuf::Avro(bytes, ends)) => {
                let start = bytes.len();
                let (ty, types) = (program.output_type(), program.types());
                if !container::encode_datum(v, ty, types, bytes) {
                    // Outputs always have the output type's representation; should one
                    // not, it is dropped rather than written malformed.
                    bytes.truncate(start);
                    return;
                }
                ends.push(bytes.len());
            }
            // Buffers come from `buffer()`, so the kinds always match.
            _ => {}
        }
    }
}

/// The Avro container writer over the output stream.
type AvroWriter = container::ContainerWriter<BufWriter<Box<dyn Write + Send>>>;

/// Where outputs go.
pub enum Sink {
    /// A text stream.
    Text(BufWriter<Box<dyn Write + Send>>),
    /// An Avro container.
    Avro(Box<AvroWriter>),
}

impl Sink {
    /// A sink for `encoder` writing to `w`; `schema` is the output schema's JSON for Avro.
    pub fn new(
        w: Box<dyn Write + Send>,
        encoder: &Encoder,
        schema: Option<&str>,
    ) -> io::Result<Sink> {
        let w = BufWriter::with_capacity(1 << 16, w);
        Ok(match (encoder, schema) {
            (Encoder::Avro, Some(schema)) => {
                Sink::Avro(Box::new(container::ContainerWriter::new(w, schema)?))
            }
            (Encoder::Csv(flat), _) => {
                let mut w = w;
                w.write_all(&flat.header())?;
                Sink::Text(w)
            }
            _ => Sink::Text(w),
        })
    }

    /// Writes the outputs in `buf[from..to]`.
    pub fn write(&mut self, buf: &OutBuf, from: usize, to: usize) -> io::Result<()> {
        match (self, buf) {
            (Sink::Text(w), OutBuf::Bytes(b)) => w.write_all(b.get(from..to).unwrap_or_default()),
            (Sink::Avro(w), OutBuf::Avro(bytes, ends)) => {
                if to <= from {
                    return Ok(());
                }
                let start = if from == 0 {
                    0
                } else {
                    ends.get(from - 1).copied().unwrap_or(0)
                };
                let end = ends.get(to - 1).copied().unwrap_or(start);
                w.append(
                    bytes.get(start..end).unwrap_or_default(),
                    (to - from) as u64,
                )
            }
            _ => Ok(()),
        }
    }

    /// Flushes everything (an Avro container gets its header even with no records).
    pub fn finish(self) -> io::Result<()> {
        match self {
            Sink::Text(mut w) => w.flush(),
            Sink::Avro(mut w) => w.flush(),
        }
    }

    /// Flushes what is buffered so far (after a failure, before exiting).
    pub fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Text(w) => w.flush(),
            Sink::Avro(w) => w.flush(),
        }
    }
}
