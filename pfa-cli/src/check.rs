//! `pfa check` (load and type-check, with error positions) and `pfa inspect` (what a model
//! reads, writes, keeps and calls).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use pfa_core::library::Registry;
use pfa_core::syntax::ast::{Document, Init, Loc, Method};
use pfa_core::types::schema::resolve_one;
use pfa_core::{PfaError, Program};
use serde_json::{json, Value as Json};

use crate::args::CheckArgs;

/// The location an error carries, if any.
fn error_loc(e: &PfaError) -> Option<&Loc> {
    match e {
        PfaError::Syntax { loc, .. } | PfaError::Semantic { loc, .. } => Some(loc),
        PfaError::Initialization { loc, .. } | PfaError::User { loc, .. } => loc.as_ref(),
        PfaError::Runtime(r) => r.loc.as_ref(),
        _ => None,
    }
}

/// Line and column of an error's location in the model's text, where it can be found.
fn error_line_col(model: &Path, e: &PfaError) -> Option<(usize, usize)> {
    let loc = error_loc(e)?;
    let text = pfa_core::syntax::read_file(model).ok()?;
    let doc = pfa_core::syntax::read_text(&text).ok()?;
    crate::locate::locate(&text, &doc, &loc.path)
}

/// `FILE:LINE:COL: error` (or `FILE: error` where the position is unknown).
pub fn describe_error(model: &Path, e: &PfaError) -> String {
    match error_line_col(model, e) {
        Some((l, c)) => format!("{}:{l}:{c}: {e}", model.display()),
        None => format!("{}: {e}", model.display()),
    }
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Map => "map",
        Method::Emit => "emit",
        Method::Fold => "fold",
    }
}

/// Every problem of a model that failed to load: the checker goes on after each
/// independent error; `first` (what loading reported) stands alone if the document
/// cannot be read again.
fn all_errors(m: &crate::args::ModelArgs, first: PfaError) -> Vec<PfaError> {
    let json = pfa_core::syntax::read_file(&m.model).and_then(|t| pfa_core::syntax::read_text(&t));
    match json {
        Ok(j) => {
            let all = Program::diagnose(&j, &crate::load_options(m));
            if all.is_empty() {
                vec![first]
            } else {
                all
            }
        }
        Err(_) => vec![first],
    }
}

/// Runs `pfa check`.
pub fn check(a: CheckArgs) -> Result<ExitCode> {
    let model = &a.model.model;
    match crate::load_raw(&a.model) {
        Ok(p) => {
            if a.json {
                let out = json!({
                    "ok": true,
                    "name": p.name(),
                    "method": method_name(p.method()),
                    "input": pfa_core::types::schema::to_schema_json(p.input_type(), p.types()),
                    "output": pfa_core::types::schema::to_schema_json(p.output_type(), p.types()),
                    "warnings": p.warnings(),
                });
                outln!("{out}");
            } else {
                for w in p.warnings() {
                    errln!("{}: warning: {w}", model.display());
                }
                outln!(
                    "{}: ok: {} ({}, input {}, output {})",
                    model.display(),
                    p.name(),
                    method_name(p.method()),
                    p.types().show(p.input_type()),
                    p.types().show(p.output_type())
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let errors = all_errors(&a.model, e);
            if a.json {
                let items: Vec<Json> = errors
                    .iter()
                    .map(|e| {
                        let lc = error_line_col(model, e);
                        let loc = error_loc(e);
                        json!({
                            "class": e.class(),
                            "code": e.code(),
                            "message": e.message(),
                            "path": loc.map(|l| l.path.clone()),
                            "mark": loc.and_then(|l| l.mark.clone()),
                            "line": lc.map(|x| x.0),
                            "column": lc.map(|x| x.1),
                        })
                    })
                    .collect();
                let out = json!({"ok": false, "errors": items});
                outln!("{out}");
            } else {
                for e in &errors {
                    errln!("{}", describe_error(model, e));
                }
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// Expression trees of the document: where library functions are called.
const CODE_KEYS: [&str; 4] = ["begin", "action", "end", "merge"];

/// Library functions named in the code of a document (calls and `{"fcn": ...}`
/// references), skipping literal data (`value`, `type`, ...).
fn library_calls(doc: &Json, reg: &Registry) -> BTreeSet<String> {
    fn walk(j: &Json, reg: &Registry, out: &mut BTreeSet<String>, depth: usize) {
        if depth > 2000 {
            return;
        }
        match j {
            Json::Array(xs) => xs.iter().for_each(|x| walk(x, reg, out, depth + 1)),
            Json::Object(o) => {
                for (k, v) in o {
                    if matches!(k.as_str(), "value" | "type" | "params" | "ret" | "as") {
                        continue;
                    }
                    if k == "fcn" {
                        if let Some(name) = v.as_str().filter(|n| reg.get(n).is_some()) {
                            out.insert(name.to_string());
                        }
                        continue;
                    }
                    if reg.get(k).is_some() {
                        out.insert(k.clone());
                    }
                    walk(v, reg, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for k in CODE_KEYS {
        if let Some(v) = doc.get(k) {
            walk(v, reg, &mut out, 0);
        }
    }
    if let Some(Json::Object(fcns)) = doc.get("fcns") {
        for f in fcns.values() {
            if let Some(body) = f.get("do") {
                walk(body, reg, &mut out, 0);
            }
        }
    }
    out
}

/// What to say about a cell's or pool's initial data.
fn init_summary(init: &Init) -> Json {
    match init {
        Init::Embedded(j) => {
            let bytes = serde_json::to_string(j).map(|s| s.len()).unwrap_or(0);
            let items = match j {
                Json::Array(a) => Some(a.len()),
                Json::Object(o) => Some(o.len()),
                _ => None,
            };
            json!({"embedded_bytes": bytes, "items": items})
        }
        Init::External { format, location } => json!({"source": format, "location": location}),
        Init::Empty => json!({"embedded_bytes": 0, "items": 0}),
    }
}

fn init_text(init: &Init) -> String {
    match init {
        Init::Embedded(j) => {
            let bytes = serde_json::to_string(j).map(|s| s.len()).unwrap_or(0);
            match j {
                Json::Array(a) => format!("{} items, {bytes} bytes of JSON", a.len()),
                Json::Object(o) => format!("{} entries, {bytes} bytes of JSON", o.len()),
                _ => format!("{bytes} bytes of JSON"),
            }
        }
        Init::External { format, location } => format!("external {format} source {location}"),
        Init::Empty => "empty".into(),
    }
}

/// Runs `pfa inspect`.
pub fn inspect(a: CheckArgs) -> Result<ExitCode> {
    let model = &a.model.model;
    let program = match crate::load_raw(&a.model) {
        Ok(p) => p,
        Err(e) => {
            errln!("{}", describe_error(model, &e));
            return Ok(ExitCode::from(1));
        }
    };
    let text = pfa_core::syntax::read_file(model)?;
    let json = pfa_core::syntax::read_text(&text)?;
    let doc = pfa_core::syntax::read_document(&json)?;
    let info = describe(&program, &doc, &json, &a.model.options);
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&info)?);
    } else {
        print_text(&program, &doc, &info);
    }
    Ok(ExitCode::SUCCESS)
}

fn show_spec(program: &Program, ty: &Json) -> String {
    let mut table = program.types().clone();
    match resolve_one(ty, &mut table) {
        Ok(t) => table.show(&t).to_string(),
        Err(_) => ty.to_string(),
    }
}

fn describe(
    program: &Program,
    doc: &Document,
    json: &Json,
    host_options: &[(String, Json)],
) -> Json {
    let types = program.types();
    let cells: Vec<Json> = doc
        .cells
        .iter()
        .map(|(name, c)| {
            json!({
                "name": name,
                "type": show_spec(program, &c.ty.json),
                "shared": c.shared,
                "rollback": c.rollback,
                "init": init_summary(&c.init),
            })
        })
        .collect();
    let pools: Vec<Json> = doc
        .pools
        .iter()
        .map(|(name, p)| {
            json!({
                "name": name,
                "type": show_spec(program, &p.ty.json),
                "shared": p.shared,
                "rollback": p.rollback,
                "init": init_summary(&p.init),
            })
        })
        .collect();
    let fcns: Vec<Json> = doc
        .fcns
        .iter()
        .map(|(name, f)| {
            json!({
                "name": format!("u.{name}"),
                "params": f.params.iter().map(|p| json!({"name": p.name, "type": show_spec(program, &p.ty.json)})).collect::<Vec<_>>(),
                "ret": show_spec(program, &f.ret.json),
            })
        })
        .collect();
    let mut options = serde_json::Map::new();
    for (k, v) in &doc.options {
        options.insert(k.clone(), v.clone());
    }
    for (k, v) in host_options {
        options.insert(k.clone(), v.clone());
    }
    json!({
        "name": program.name(),
        "method": method_name(program.method()),
        "doc": doc.doc,
        "version": doc.version,
        "input": pfa_core::types::schema::to_schema_json(program.input_type(), types),
        "output": pfa_core::types::schema::to_schema_json(program.output_type(), types),
        "input_type": types.show(program.input_type()).to_string(),
        "output_type": types.show(program.output_type()).to_string(),
        "cells": cells,
        "pools": pools,
        "functions": fcns,
        "library_functions": library_calls(json, Registry::shared()),
        "options": options,
        "randseed": doc.randseed,
        "metadata": doc.metadata.iter().map(|(k, v)| (k.clone(), Json::String(v.clone()))).collect::<serde_json::Map<_, _>>(),
        "warnings": program.warnings(),
    })
}

fn print_text(program: &Program, doc: &Document, info: &Json) {
    let types = program.types();
    outln!("name:    {}", program.name());
    outln!("method:  {}", method_name(program.method()));
    if let Some(d) = &doc.doc {
        outln!("doc:     {d}");
    }
    outln!("input:   {}", types.show(program.input_type()));
    outln!("output:  {}", types.show(program.output_type()));
    outln!("input schema:  {}", info["input"]);
    outln!("output schema: {}", info["output"]);
    let flags = |shared: bool, rollback: bool| match (shared, rollback) {
        (true, _) => " [shared]",
        (false, true) => " [rollback]",
        _ => "",
    };
    outln!("cells:   {}", doc.cells.len());
    for (name, c) in &doc.cells {
        outln!(
            "  {name}: {}{} ({})",
            show_spec(program, &c.ty.json),
            flags(c.shared, c.rollback),
            init_text(&c.init)
        );
    }
    outln!("pools:   {}", doc.pools.len());
    for (name, p) in &doc.pools {
        outln!(
            "  {name}: {}{} ({})",
            show_spec(program, &p.ty.json),
            flags(p.shared, p.rollback),
            init_text(&p.init)
        );
    }
    outln!("functions: {}", doc.fcns.len());
    for (name, f) in &doc.fcns {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| format!("{}: {}", p.name, show_spec(program, &p.ty.json)))
            .collect();
        outln!(
            "  u.{name}({}) -> {}",
            params.join(", "),
            show_spec(program, &f.ret.json)
        );
    }
    let libs: Vec<&str> = info["library_functions"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    outln!("library functions: {}", libs.join(", "));
    if let Some(o) = info["options"].as_object().filter(|o| !o.is_empty()) {
        let opts: Vec<String> = o.iter().map(|(k, v)| format!("{k}={v}")).collect();
        outln!("options: {}", opts.join(", "));
    }
    if let Some(seed) = doc.randseed {
        outln!("randseed: {seed}");
    }
    for w in program.warnings() {
        outln!("warning: {w}");
    }
}
