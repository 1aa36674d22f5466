//! The embedding API: load a document once into a [`Program`] (immutable, `Send + Sync`,
//! cheap to clone), then create any number of [`Engine`]s from it (each `Send`, with its
//! own state, instance number and random seed) and score data with them.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value as Json;

use crate::error::PfaError;
use crate::syntax::ast::Method;
use crate::types::{Type, TypeTable};
use crate::value::Value;

/// Host-side settings for loading a document.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Options that override the document's `options` field (e.g. `timeout`).
    pub options: Vec<(String, Json)>,
    /// Directory below which external cell/pool `source` files may be read. `None`
    /// forbids reading files at all.
    pub source_root: Option<PathBuf>,
    /// Overrides the document's `randseed`.
    pub seed: Option<i64>,
}

/// Where `log` messages go: called with the text and the optional namespace.
pub type LogFn = Box<dyn FnMut(&str, Option<&str>) + Send>;

/// Where an emit engine's outputs go.
pub type EmitFn = Box<dyn FnMut(Value) + Send>;

/// A compiled PFA document. Clone it freely: clones share the compiled code.
#[derive(Clone)]
pub struct Program {
    pub(crate) inner: Arc<crate::compile::Compiled>,
}

/// One scoring engine instance: its cells, pools, tally and random generator.
pub struct Engine {
    pub(crate) inner: crate::vm::Machine,
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    const fn send<T: Send>() {}
    send_sync::<Program>();
    send::<Engine>();
};

impl Program {
    /// Loads a document from JSON or YAML text (detected from the content).
    pub fn from_str(text: &str, opts: &LoadOptions) -> Result<Program, PfaError> {
        let json = crate::syntax::read_text(text)?;
        Program::from_json(&json, opts)
    }

    /// Loads a document from a file (`.json`, `.pfa`, `.yaml`, `.yml`; gzip is detected).
    /// External cell/pool sources are allowed below the file's folder unless
    /// `opts.source_root` says otherwise.
    pub fn from_file(
        path: impl AsRef<std::path::Path>,
        opts: &LoadOptions,
    ) -> Result<Program, PfaError> {
        let path = path.as_ref();
        let text = crate::syntax::read_file(path)?;
        let mut opts = opts.clone();
        if opts.source_root.is_none() {
            opts.source_root = path.parent().map(|p| p.to_path_buf());
        }
        Program::from_str(&text, &opts)
    }

    /// Loads a document from an already parsed JSON tree.
    pub fn from_json(json: &Json, opts: &LoadOptions) -> Result<Program, PfaError> {
        let doc = crate::syntax::read_document(json)?;
        let compiled = crate::compile::build_with(
            doc,
            opts,
            crate::library::Registry::shared(),
            json.clone(),
        )?;
        Ok(Program {
            inner: Arc::new(compiled),
        })
    }

    /// Checks a document without building engines and returns every problem found: all
    /// independent type and scope errors of the routines and functions (checking goes on
    /// after each), or the one syntax or initialization error that stopped it. Empty
    /// means the document loads.
    pub fn diagnose(json: &Json, opts: &LoadOptions) -> Vec<PfaError> {
        let doc = match crate::syntax::read_document(json) {
            Ok(d) => d,
            Err(e) => return vec![e],
        };
        match crate::check::check_all(&doc, crate::library::Registry::shared(), opts) {
            Ok(_) => Vec::new(),
            Err(es) => es,
        }
    }

    /// Creates engine instance 0 of 1 and runs no phase yet (call [`Engine::begin`]).
    pub fn engine(&self) -> Result<Engine, PfaError> {
        Ok(self.engines(1)?.remove(0))
    }

    /// Creates `n` engine instances (numbered 0..n) that share `shared` cells and pools.
    pub fn engines(&self, n: usize) -> Result<Vec<Engine>, PfaError> {
        crate::vm::Machine::instances(&self.inner, n)
            .map(|v| v.into_iter().map(|m| Engine { inner: m }).collect())
    }

    /// The document's `name`.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Scoring method.
    pub fn method(&self) -> Method {
        self.inner.method
    }

    /// Input type.
    pub fn input_type(&self) -> &Type {
        &self.inner.input_type
    }

    /// Output type.
    pub fn output_type(&self) -> &Type {
        &self.inner.output_type
    }

    /// Named types of the program.
    pub fn types(&self) -> &TypeTable {
        &self.inner.types
    }

    /// The compiled bytecode, one function after another, for inspection and debugging.
    pub fn disassemble(&self) -> String {
        let mut out = String::new();
        for (i, f) in self.inner.funcs.iter().enumerate() {
            out.push_str(&format!(
                "function {i} {} (params {}, frame {})\n",
                f.name, f.nparams, f.frame
            ));
            for (pc, ins) in f.code.iter().enumerate() {
                out.push_str(&format!("  {pc:4}  {ins}\n"));
            }
        }
        out
    }

    /// Warnings found while loading (e.g. deprecated signatures).
    pub fn warnings(&self) -> &[String] {
        &self.inner.warnings
    }

    /// Reads an input datum from Avro-JSON (unions tagged as `{"type": value}`).
    pub fn input_from_json(
        &self,
        json: &Json,
        style: crate::value::json::JsonStyle,
    ) -> Result<Value, PfaError> {
        crate::value::json::from_json(json, &self.inner.input_type, &self.inner.types, style)
            .map_err(|e| PfaError::Data {
                message: e.message,
                at: Some(e.path),
            })
    }

    /// Writes an output datum as Avro-JSON.
    pub fn output_to_json(&self, v: &Value, style: crate::value::json::JsonStyle) -> Json {
        crate::value::json::to_json(v, &self.inner.output_type, &self.inner.types, style)
    }
}

impl Engine {
    /// This engine's instance number.
    pub fn instance(&self) -> usize {
        self.inner.instance()
    }

    /// The program this engine runs.
    pub fn program(&self) -> Program {
        Program {
            inner: self.inner.program().clone(),
        }
    }

    /// Runs the `begin` phase.
    pub fn begin(&mut self) -> Result<(), PfaError> {
        self.inner.begin()
    }

    /// Scores one datum. Map: the output; emit: `null` (outputs go to the emit callback);
    /// fold: the new tally. On error, cells and pools marked `rollback` are restored.
    ///
    /// A datum that does not have the input type's representation (e.g. a `Value::Int`
    /// for a `double` input) is refused with [`PfaError::Data`] before anything runs;
    /// data decoded with [`Program::input_from_json`] always fits.
    pub fn action(&mut self, input: Value) -> Result<Value, PfaError> {
        let prog = self.inner.program();
        if !crate::value::convert::conforms(&input, &prog.input_type, &prog.types) {
            return Err(PfaError::Data {
                message: format!(
                    "input does not have the input type {}",
                    prog.types.show(&prog.input_type)
                ),
                at: None,
            });
        }
        self.inner.action(input)
    }

    /// Runs the `end` phase.
    pub fn end(&mut self) -> Result<(), PfaError> {
        self.inner.end()
    }

    /// Sets where an emit engine sends its outputs (default: discarded).
    pub fn set_emit(&mut self, f: EmitFn) {
        self.inner.set_emit(f)
    }

    /// Sets where `log` messages go: `f(text, namespace)` (default: standard error).
    pub fn set_log(&mut self, f: LogFn) {
        self.inner.set_log(f)
    }

    /// Fold engines: combines two tallies with the document's `merge`.
    pub fn merge(&mut self, one: Value, two: Value) -> Result<Value, PfaError> {
        self.check_tally(&one)?;
        self.check_tally(&two)?;
        self.inner.merge(one, two)
    }

    fn check_tally(&self, v: &Value) -> Result<(), PfaError> {
        let prog = self.inner.program();
        if crate::value::convert::conforms(v, &prog.output_type, &prog.types) {
            Ok(())
        } else {
            Err(PfaError::Data {
                message: format!(
                    "tally does not have the output type {}",
                    prog.types.show(&prog.output_type)
                ),
                at: None,
            })
        }
    }

    /// Fold engines: the current tally.
    pub fn tally(&self) -> Option<&Value> {
        self.inner.tally()
    }

    /// Fold engines: replaces the current tally.
    pub fn set_tally(&mut self, v: Value) -> Result<(), PfaError> {
        self.check_tally(&v)?;
        self.inner.set_tally(v)
    }

    /// Current values of all cells and pools as Avro-JSON:
    /// `{"cells": {name: value}, "pools": {name: {key: value}}}`.
    pub fn state_json(&self, style: crate::value::json::JsonStyle) -> Json {
        self.inner.state_json(style)
    }

    /// The original document with every cell's and pool's `init` replaced by its current
    /// value: a valid PFA document that starts where this engine is now.
    pub fn snapshot(&self) -> Json {
        self.inner.snapshot()
    }
}
