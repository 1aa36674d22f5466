//! `pfa score`: a reader thread cuts the inputs into batches, N worker threads (one engine
//! each) decode, score and encode them, and the main thread writes the results in input
//! order. A fixed number of batches is in flight at any time, so memory does not grow with
//! the number of records.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;

use anyhow::{anyhow, bail, Context, Result};
use apache_avro::Schema;
use pfa_core::{Engine, Method, Program, Value};

use crate::args::{OnError, ScoreArgs};
use crate::formats::fastjson::FastJson;
use crate::formats::{
    self, avro, container, Batch, Encoder, Format, InputContext, OutBuf, Raw, Sink,
};
use crate::progress::Progress;

/// Records per batch: large enough to amortize channel traffic, small enough to keep
/// several batches per engine in flight.
const BATCH: usize = 512;

/// One scored record's outcome, in input order within its batch.
struct Outcome {
    record: u64,
    line: u64,
    /// End of this record's outputs in the batch's output buffer.
    out_end: usize,
    /// The failure message, if the record failed.
    error: Option<String>,
    /// Fold engines with `--tally-every`: this engine's tally after this record, when the
    /// record number is a multiple of N.
    tally: Option<Value>,
}

/// A scored batch.
struct Done {
    seq: u64,
    engine: usize,
    file: Arc<str>,
    out: OutBuf,
    outcomes: Vec<Outcome>,
    /// Fold engines: the engine's tally after the batch.
    tally: Option<Value>,
}

/// What a worker hands back when the input is exhausted.
struct Finished {
    engine: Engine,
    /// Outputs emitted by `end`.
    out: OutBuf,
    end_error: Option<String>,
}

type Emitted = Arc<Mutex<Vec<Value>>>;

fn drain(emitted: &Emitted, program: &Program, encoder: &Encoder, out: &mut OutBuf) {
    let vals: Vec<Value> = match emitted.lock() {
        Ok(mut v) => std::mem::take(&mut *v),
        Err(_) => return,
    };
    for v in &vals {
        encoder.encode(program, v, out);
    }
}

fn leak(s: Schema) -> &'static Schema {
    // One schema per direction per process: leaking lets the Avro reader and writer, which
    // borrow their schema, live in threads.
    Box::leak(Box::new(s))
}

/// Runs `pfa score`.
pub fn run(a: ScoreArgs) -> Result<ExitCode> {
    let program = crate::load(&a.model)?;
    let method = program.method();
    if a.tally_every.is_some() && method != Method::Fold {
        bail!(crate::args::UsageError(
            "--tally-every is only for fold engines".into()
        ));
    }
    let inputs: Vec<(PathBuf, Format)> = if a.inputs.is_empty() {
        vec![(PathBuf::from("-"), a.input_format.unwrap_or(Format::Jsonl))]
    } else {
        let mut v = Vec::with_capacity(a.inputs.len());
        for p in &a.inputs {
            let f = match a.input_format {
                Some(f) => f,
                None => Format::for_path(p)
                    .map_err(crate::args::UsageError)?
                    .unwrap_or(Format::Jsonl),
            };
            v.push((p.clone(), f));
        }
        v
    };
    let out_format = match (a.output_format, &a.output) {
        (Some(f), _) => f,
        (None, Some(p)) => Format::for_path(p)
            .map_err(crate::args::UsageError)?
            .unwrap_or(Format::Jsonl),
        (None, None) => Format::Jsonl,
    };

    let types = program.types();
    let ctx = InputContext {
        program: program.clone(),
        avro_schema: if inputs.iter().any(|(_, f)| *f == Format::Avro) {
            Some(leak(
                avro::schema_of(program.input_type(), types).context("Avro input")?,
            ))
        } else {
            None
        },
        csv: if inputs.iter().any(|(_, f)| *f == Format::Csv) {
            Some(
                formats::csv::Flat::of(program.input_type(), types, false)
                    .map_err(|m| anyhow!(m))?,
            )
        } else {
            None
        },
    };
    let (encoder, out_schema) = match out_format {
        Format::Jsonl => (Encoder::Jsonl, None),
        Format::Csv => (
            Encoder::Csv(
                formats::csv::Flat::of(program.output_type(), types, true)
                    .map_err(|m| anyhow!(m))?,
            ),
            None,
        ),
        Format::Avro => {
            // Parsed once to make sure it is an Avro schema; written as PFA gives it (the
            // parsing canonical form would drop field defaults and docs).
            avro::schema_of(program.output_type(), types).context("Avro output")?;
            let json = pfa_core::types::schema::to_schema_json(program.output_type(), types);
            (Encoder::Avro, Some(json.to_string()))
        }
    };
    let encoder = Arc::new(encoder);
    let fast = Arc::new(FastJson::new(program.input_type(), types));

    // Engines: created, wired and started here, so begin-phase output comes first.
    let n = a.engines;
    let mut engines = program.engines(n).map_err(|e| anyhow!("{e}"))?;
    let mut emitted: Vec<Emitted> = Vec::with_capacity(n);
    for e in engines.iter_mut() {
        let buf: Emitted = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        e.set_emit(Box::new(move |v| {
            if let Ok(mut b) = sink.lock() {
                b.push(v);
            }
        }));
        emitted.push(buf);
    }
    let out: Box<dyn Write + Send> = match &a.output {
        Some(p) => Box::new(File::create(p).with_context(|| format!("{}", p.display()))?),
        None => Box::new(io::stdout()),
    };
    let mut sink = Sink::new(out, &encoder, out_schema.as_deref()).context("writing output")?;
    let mut progress = Progress::new(a.progress);

    let mut begin_out = encoder.buffer();
    for (e, em) in engines.iter_mut().zip(&emitted) {
        e.begin().map_err(|e| anyhow!("begin: {e}"))?;
        drain(em, &program, &encoder, &mut begin_out);
    }
    if let Err(e) = sink.write(&begin_out, 0, begin_out.len()) {
        return pipe_or(e);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let fail_seq = Arc::new(AtomicU64::new(u64::MAX));
    let (work_tx, work_rx) = sync_channel::<Batch>(2 * n);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = channel::<Done>();
    // Permits bound the batches between reading and writing (flat memory).
    let in_flight = 4 * n + 4;
    let (permit_tx, permit_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = permit_tx.send(());
    }

    let reader = {
        let stop = stop.clone();
        thread::Builder::new()
            .name("pfa-reader".into())
            .spawn(move || read_inputs(inputs, ctx, work_tx, permit_rx, stop))
            .context("starting the reader thread")?
    };
    let mut workers = Vec::with_capacity(n);
    for (i, (engine, em)) in engines.into_iter().zip(emitted).enumerate() {
        let w = Worker {
            index: i,
            fast: fast.clone(),
            engine,
            emitted: em,
            program: program.clone(),
            encoder: encoder.clone(),
            tally_every: a.tally_every,
            on_error: a.on_error,
            stop: stop.clone(),
            fail_seq: fail_seq.clone(),
        };
        let rx = work_rx.clone();
        let tx = done_tx.clone();
        // Deeply recursive documents need more stack than the 2 MiB default.
        workers.push(
            thread::Builder::new()
                .name(format!("pfa-engine-{i}"))
                .stack_size(64 << 20)
                .spawn(move || w.run(rx, tx))
                .context("starting an engine thread")?,
        );
    }
    // Only the workers may hold the receiving end: once they are gone, the reader's
    // sends fail instead of blocking forever.
    drop(work_rx);
    drop(done_tx);

    let mut w = Writer {
        program: program.clone(),
        encoder: encoder.clone(),
        on_error: a.on_error,
        merger: None,
        last_tally: vec![None; n],
        failures: 0,
        records: 0,
        last_was_checkpoint: false,
    };
    if method == Method::Fold && n > 1 {
        w.merger = Some(program.engine().map_err(|e| anyhow!("{e}"))?);
    }
    let result = w.write_all(&done_rx, &mut sink, &permit_tx, &mut progress);
    let fatal_stop = !matches!(result, Ok(Flow::Continue));
    if fatal_stop {
        stop.store(true, Ordering::SeqCst);
    }
    // Unblock the reader (waiting for a permit) and the workers (sending results).
    drop(permit_tx);
    drop(done_rx);
    let _ = reader.join();
    let mut finished = Vec::with_capacity(n);
    for h in workers {
        match h.join() {
            Ok(f) => finished.push(f),
            Err(_) => bail!("an engine thread failed unexpectedly"),
        }
    }
    progress.clear();
    match result {
        Ok(Flow::Continue) => {}
        Ok(Flow::PipeClosed) => return Ok(exit(w.failures)),
        Ok(Flow::Failed) => {
            let _ = sink.flush();
            save_state(&a.save_state, &finished)?;
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e),
    }

    // End phase: outputs emitted by `end`, then the final tally of a fold.
    for f in &finished {
        if let Some(e) = &f.end_error {
            let _ = sink.flush();
            bail!("end: {e}");
        }
        if let Err(e) = sink.write(&f.out, 0, f.out.len()) {
            return pipe_or(e);
        }
    }
    if method == Method::Fold && !w.last_was_checkpoint {
        let tallies: Vec<Value> = finished
            .iter()
            .filter_map(|f| f.engine.tally().cloned())
            .collect();
        let total = w.merge_all(tallies)?;
        if let Some(t) = total {
            let mut buf = encoder.buffer();
            encoder.encode(&program, &t, &mut buf);
            if let Err(e) = sink.write(&buf, 0, buf.len()) {
                return pipe_or(e);
            }
        }
    }
    save_state(&a.save_state, &finished)?;
    if let Err(e) = sink.finish() {
        return pipe_or(e);
    }
    Ok(exit(w.failures))
}

fn exit(failures: u64) -> ExitCode {
    if failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A closed pipe (`pfa score ... | head`) is a normal way to stop.
fn pipe_or(e: io::Error) -> Result<ExitCode> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(anyhow!("writing output: {e}"))
    }
}

fn save_state(path: &Option<PathBuf>, finished: &[Finished]) -> Result<()> {
    let Some(path) = path else { return Ok(()) };
    // Instance 0 holds every shared cell and pool and its own private ones.
    let Some(f) = finished.first() else {
        return Ok(());
    };
    let doc = f.engine.snapshot();
    let text = serde_json::to_string_pretty(&doc).context("serializing the state")?;
    std::fs::write(path, text + "\n").with_context(|| format!("{}", path.display()))
}

/// Reads every input into batches.
fn read_inputs(
    inputs: Vec<(PathBuf, Format)>,
    ctx: InputContext,
    work: SyncSender<Batch>,
    permits: Receiver<()>,
    stop: Arc<AtomicBool>,
) {
    let mut seq = 0u64;
    let mut next_record = 0u64;
    for (path, format) in inputs {
        let name: Arc<str> = if path.as_os_str() == "-" {
            Arc::from("<stdin>")
        } else {
            Arc::from(path.display().to_string())
        };
        let mut source = match formats::Source::open(&path, format, &ctx) {
            Ok(s) => s,
            Err(msg) => {
                let batch = Batch {
                    seq,
                    file: name.clone(),
                    text: Vec::new(),
                    items: vec![formats::Item {
                        record: 0,
                        line: 0,
                        raw: Raw::FileError(msg),
                    }],
                    avro: None,
                };
                if permits.recv().is_err() || work.send(batch).is_err() {
                    return;
                }
                seq += 1;
                continue;
            }
        };
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let mut batch = Batch {
                seq,
                file: name.clone(),
                text: Vec::new(),
                items: Vec::with_capacity(BATCH),
                avro: None,
            };
            let more = source.fill(&mut batch, &mut next_record, BATCH, &ctx);
            if !batch.items.is_empty() {
                if permits.recv().is_err() || work.send(batch).is_err() {
                    return;
                }
                seq += 1;
            }
            if !more {
                break;
            }
        }
    }
}

struct Worker {
    index: usize,
    fast: Arc<FastJson>,
    engine: Engine,
    emitted: Emitted,
    program: Program,
    encoder: Arc<Encoder>,
    tally_every: Option<u64>,
    on_error: OnError,
    stop: Arc<AtomicBool>,
    /// The first batch with a failing record under `--on-error fail`: later batches are
    /// not scored (earlier ones still are, so their outputs are complete).
    fail_seq: Arc<AtomicU64>,
}

impl Worker {
    fn run(mut self, rx: Arc<Mutex<Receiver<Batch>>>, tx: Sender<Done>) -> Finished {
        let method = self.program.method();
        loop {
            let batch = {
                let Ok(guard) = rx.lock() else { break };
                match guard.recv() {
                    Ok(b) => b,
                    Err(_) => break,
                }
            };
            if batch.seq > self.fail_seq.load(Ordering::SeqCst) {
                continue;
            }
            let done = self.score(batch, method);
            if tx.send(done).is_err() {
                break;
            }
        }
        let mut out = self.encoder.buffer();
        let end_error = self.engine.end().err().map(|e| e.to_string());
        drain(&self.emitted, &self.program, &self.encoder, &mut out);
        Finished {
            engine: self.engine,
            out,
            end_error,
        }
    }

    fn score(&mut self, mut batch: Batch, method: Method) -> Done {
        let mut out = self.encoder.buffer();
        let mut outcomes = Vec::with_capacity(batch.items.len());
        let items = std::mem::take(&mut batch.items);
        'items: for item in items {
            match item.raw {
                Raw::AvroBlock { data, count } => {
                    let Some(file) = batch.avro.clone() else {
                        continue;
                    };
                    let program = self.program.clone();
                    let (ty, types) = (program.input_type(), program.types());
                    let mut buf: &[u8] = &data;
                    for k in 0..count {
                        let record = item.record + k;
                        let datum = container::decode_datum(&mut buf, &file, ty, types);
                        let lost = datum.is_err();
                        let datum = datum.map_err(|e| {
                            let rest = count - k - 1;
                            if rest > 0 {
                                format!("cannot decode Avro datum: {e} (the {rest} records after it in its block are skipped)")
                            } else {
                                format!("cannot decode Avro datum: {e}")
                            }
                        });
                        let stop =
                            self.score_one(datum, record, 0, method, &mut out, &mut outcomes);
                        if stop {
                            self.fail_seq.fetch_min(batch.seq, Ordering::SeqCst);
                            self.stop.store(true, Ordering::SeqCst);
                            break 'items;
                        }
                        if lost {
                            break;
                        }
                    }
                }
                raw => {
                    let datum = formats::decode(&self.program, &self.fast, &batch, raw);
                    if self.score_one(
                        datum,
                        item.record,
                        item.line,
                        method,
                        &mut out,
                        &mut outcomes,
                    ) {
                        self.fail_seq.fetch_min(batch.seq, Ordering::SeqCst);
                        self.stop.store(true, Ordering::SeqCst);
                        break;
                    }
                }
            }
        }
        Done {
            seq: batch.seq,
            engine: self.index,
            file: batch.file.clone(),
            out,
            outcomes,
            tally: if method == Method::Fold {
                self.engine.tally().cloned()
            } else {
                None
            },
        }
    }

    /// Scores one decoded datum (or records why it could not be decoded). Returns whether
    /// scoring must stop (`--on-error fail`).
    fn score_one(
        &mut self,
        datum: Result<Value, String>,
        record: u64,
        line: u64,
        method: Method,
        out: &mut OutBuf,
        outcomes: &mut Vec<Outcome>,
    ) -> bool {
        let result = datum.and_then(|v| self.engine.action(v).map_err(|e| e.to_string()));
        let error = match result {
            Ok(v) => {
                match method {
                    Method::Map => self.encoder.encode(&self.program, &v, out),
                    Method::Emit => drain(&self.emitted, &self.program, &self.encoder, out),
                    Method::Fold => {}
                }
                None
            }
            Err(m) => {
                // Whatever was emitted before the failure was emitted.
                drain(&self.emitted, &self.program, &self.encoder, out);
                Some(m)
            }
        };
        let mut tally = None;
        if let Some(k) = self.tally_every {
            if record > 0 && record.is_multiple_of(k) {
                tally = self.engine.tally().cloned();
            }
        }
        let failed = error.is_some();
        outcomes.push(Outcome {
            record,
            line,
            out_end: out.len(),
            error,
            tally,
        });
        failed && self.on_error == OnError::Fail
    }
}

/// How writing ended.
enum Flow {
    /// All input was written.
    Continue,
    /// The reader of standard output went away.
    PipeClosed,
    /// A record failed under `--on-error fail`.
    Failed,
}

struct Writer {
    program: Program,
    encoder: Arc<Encoder>,
    on_error: OnError,
    /// Fold with several engines: an engine used only to merge tallies.
    merger: Option<Engine>,
    /// Fold: each engine's tally after its last written batch.
    last_tally: Vec<Option<Value>>,
    failures: u64,
    records: u64,
    /// The last thing written was a `--tally-every` tally after the last record.
    last_was_checkpoint: bool,
}

impl Writer {
    fn write_all(
        &mut self,
        rx: &Receiver<Done>,
        sink: &mut Sink,
        permits: &SyncSender<()>,
        progress: &mut Progress,
    ) -> Result<Flow> {
        let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
        let mut next = 0u64;
        while let Ok(done) = rx.recv() {
            pending.insert(done.seq, done);
            while let Some(done) = pending.remove(&next) {
                next += 1;
                let flow = self.write_batch(done, sink, progress)?;
                if !matches!(flow, Flow::Continue) {
                    return Ok(flow);
                }
                let _ = permits.send(());
                progress.tick(self.records);
            }
        }
        Ok(Flow::Continue)
    }

    fn write_batch(
        &mut self,
        done: Done,
        sink: &mut Sink,
        progress: &mut Progress,
    ) -> Result<Flow> {
        let mut from = 0;
        for o in &done.outcomes {
            if o.record > 0 {
                self.records += 1;
            }
            if let Err(e) = sink.write(&done.out, from, o.out_end) {
                return pipe_flow(e);
            }
            from = o.out_end;
            self.last_was_checkpoint = false;
            if let Some(t) = &o.tally {
                let total = self.checkpoint(done.engine, t.clone())?;
                let mut buf = self.encoder.buffer();
                self.encoder.encode(&self.program, &total, &mut buf);
                if let Err(e) = sink.write(&buf, 0, buf.len()) {
                    return pipe_flow(e);
                }
                self.last_was_checkpoint = true;
            }
            if let Some(err) = &o.error {
                self.failures += 1;
                let msg = describe(&done.file, o.record, o.line, err);
                match self.on_error {
                    OnError::Fail => {
                        progress.clear();
                        errln!("pfa: {msg}");
                        return Ok(Flow::Failed);
                    }
                    OnError::Log => progress.message(&format!("pfa: {msg}")),
                    OnError::Skip => {}
                }
            }
        }
        if let Some(t) = done.tally {
            if let Some(slot) = self.last_tally.get_mut(done.engine) {
                *slot = Some(t);
            }
        }
        Ok(Flow::Continue)
    }

    /// The tally over all records so far, when `engine` has `tally` after the newest one:
    /// every other engine's records so far are in batches already written.
    fn checkpoint(&mut self, engine: usize, tally: Value) -> Result<Value> {
        if self.merger.is_none() {
            return Ok(tally);
        }
        let mut all = vec![tally];
        for (i, t) in self.last_tally.iter().enumerate() {
            if i != engine {
                if let Some(t) = t {
                    all.push(t.clone());
                }
            }
        }
        Ok(self.merge_all(all)?.unwrap_or(Value::Null))
    }

    fn merge_all(&mut self, tallies: Vec<Value>) -> Result<Option<Value>> {
        let mut it = tallies.into_iter();
        let Some(mut acc) = it.next() else {
            return Ok(None);
        };
        for t in it {
            let m = self
                .merger
                .as_mut()
                .ok_or_else(|| anyhow!("no engine to merge tallies with"))?;
            acc = m.merge(acc, t).map_err(|e| anyhow!("merge: {e}"))?;
        }
        Ok(Some(acc))
    }
}

fn pipe_flow(e: io::Error) -> Result<Flow> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(Flow::PipeClosed)
    } else {
        Err(anyhow!("writing output: {e}"))
    }
}

/// `file:line: record N: message`, leaving out what is unknown.
fn describe(file: &str, record: u64, line: u64, err: &str) -> String {
    let mut s = String::from(file);
    if line > 0 {
        s.push_str(&format!(":{line}"));
    }
    if record > 0 {
        s.push_str(&format!(": record {record}"));
    }
    s.push_str(": ");
    s.push_str(err);
    s
}
