//! The top level of a PFA document (spec §2.1) and its cells and pools (§2.2).
//! Expressions are delegated to [`super::forms`]; embedded data (`init`, `zero`,
//! `options`) is kept as raw JSON and never read as expressions.

use serde_json::Value as Json;

use super::ast::{CellDecl, Document, Init, LocId, Method, PoolDecl, TypeSpec};
use super::forms::{is_function_name, is_identifier, strip_marks, Obj, Reader, R};

/// Every member name allowed at the top level (§2.1), plus the locator mark.
const TOP_LEVEL: &[&str] = &[
    "name", "method", "input", "output", "begin", "action", "end", "fcns", "zero", "merge",
    "cells", "pools", "randseed", "doc", "version", "metadata", "options", "@",
];

/// Reads a whole document tree.
pub(super) fn read(json: &Json) -> R<Document> {
    let mut r = Reader::new();
    let Json::Object(top) = json else {
        return Err(r.err("a PFA document must be a JSON object"));
    };
    let mut doc = r.in_object(top, |r| top_level(r, top))?;
    doc.locs = r.locs;
    Ok(doc)
}

fn top_level(r: &mut Reader, top: &Obj) -> R<Document> {
    for k in top.keys() {
        if !TOP_LEVEL.contains(&k.as_str()) {
            return Err(r.err_at(k, format!("unknown top-level field \"{k}\"")));
        }
    }
    for k in ["input", "output", "action"] {
        if !top.contains_key(k) {
            return Err(r.err(format!("missing required top-level field \"{k}\"")));
        }
    }

    let name = opt(r, top, "name", |r, j| r.string(j, "\"name\""))?;
    let method = opt(r, top, "method", |r, j| match j.as_str() {
        Some("map") => Ok(Method::Map),
        Some("emit") => Ok(Method::Emit),
        Some("fold") => Ok(Method::Fold),
        _ => Err(r.err("\"method\" must be \"map\", \"emit\" or \"fold\"")),
    })?
    .unwrap_or_default();
    let input = r.key("input", |r| r.type_spec(&top["input"]))?;
    let output = r.key("output", |r| r.type_spec(&top["output"]))?;
    let begin = opt(r, top, "begin", |r, j| r.exprs(j, true))?.unwrap_or_default();
    let action = r.key("action", |r| r.exprs(&top["action"], false))?;
    let end = opt(r, top, "end", |r, j| r.exprs(j, true))?.unwrap_or_default();
    let fcns = opt(r, top, "fcns", |r, j| {
        named_entries(r, j, "\"fcns\"", |r, name, j| {
            if !is_function_name(name) {
                return Err(r.err(format!("\"{name}\" is not a valid function name")));
            }
            r.fcndef(j)
        })
    })?
    .unwrap_or_default();
    let zero = top.get("zero").map(raw);
    let merge = opt(r, top, "merge", |r, j| r.exprs(j, false))?;
    let cells = opt(r, top, "cells", |r, j| {
        named_entries(r, j, "\"cells\"", |r, name, j| {
            if !is_identifier(name) {
                return Err(r.err(format!("\"{name}\" is not a valid cell name")));
            }
            cell(r, j)
        })
    })?
    .unwrap_or_default();
    let pools = opt(r, top, "pools", |r, j| {
        named_entries(r, j, "\"pools\"", |r, name, j| {
            if !is_identifier(name) {
                return Err(r.err(format!("\"{name}\" is not a valid pool name")));
            }
            pool(r, j)
        })
    })?
    .unwrap_or_default();
    let randseed = opt(r, top, "randseed", |r, j| r.long(j, "\"randseed\""))?;
    let doc = opt(r, top, "doc", |r, j| r.string(j, "\"doc\""))?;
    let version = opt(r, top, "version", |r, j| r.int(j, "\"version\""))?;
    let metadata = opt(r, top, "metadata", |r, j| {
        named_entries(r, j, "\"metadata\"", |r, _, j| {
            r.string(j, "a \"metadata\" value")
        })
    })?
    .unwrap_or_default();
    let options = opt(r, top, "options", |r, j| {
        named_entries(r, j, "\"options\"", |_, _, j| Ok(raw(j)))
    })?
    .unwrap_or_default();

    // §2.1: zero and merge belong to fold engines, and fold engines need both.
    let fold = method == Method::Fold;
    for (k, present) in [("zero", zero.is_some()), ("merge", merge.is_some())] {
        if fold && !present {
            return Err(r.err(format!("a \"fold\" engine requires \"{k}\"")));
        }
        if !fold && present {
            return Err(r.err_at(k, format!("\"{k}\" is only allowed with method \"fold\"")));
        }
    }

    Ok(Document {
        name,
        method,
        input,
        output,
        begin,
        action,
        end,
        fcns,
        zero,
        merge,
        cells,
        pools,
        randseed,
        doc,
        version,
        metadata,
        options,
        locs: Vec::new(),
    })
}

/// Reads top-level member `key` with `f`, if present.
fn opt<T>(
    r: &mut Reader,
    top: &Obj,
    key: &str,
    f: impl FnOnce(&mut Reader, &Json) -> R<T>,
) -> R<Option<T>> {
    match top.get(key) {
        Some(j) => r.key(key, |r| f(r, j)).map(Some),
        None => Ok(None),
    }
}

/// The members of a JSON object in document order (skipping `"@"`), each read with `f`
/// at its own path.
fn named_entries<T>(
    r: &mut Reader,
    j: &Json,
    what: &str,
    mut f: impl FnMut(&mut Reader, &str, &Json) -> R<T>,
) -> R<Vec<(String, T)>> {
    let Json::Object(o) = j else {
        return Err(r.err(format!("{what} must be a JSON object")));
    };
    r.in_object(o, |r| {
        let mut out = Vec::with_capacity(o.len());
        for (k, v) in o {
            if k != "@" {
                out.push((k.clone(), r.key(k, |r| f(r, k, v))?));
            }
        }
        Ok(out)
    })
}

/// Embedded JSON data with locator marks removed.
fn raw(j: &Json) -> Json {
    let mut j = j.clone();
    strip_marks(&mut j);
    j
}

/// What cells and pools have in common.
struct Storage {
    ty: TypeSpec,
    init: Init,
    shared: bool,
    rollback: bool,
    loc: LocId,
}

fn storage(r: &mut Reader, j: &Json, what: &str, init_required: bool) -> R<Storage> {
    let Json::Object(o) = j else {
        return Err(r.err(format!("a {what} specification must be a JSON object")));
    };
    r.in_object(o, |r| {
        let loc = r.loc();
        let required: &[&str] = if init_required {
            &["type", "init"]
        } else {
            &["type"]
        };
        let optional: &[&str] = if init_required {
            &["shared", "rollback", "source"]
        } else {
            &["init", "shared", "rollback", "source"]
        };
        r.keys(o, &format!("a {what} specification"), required, optional)?;
        let ty = r.key("type", |r| r.type_spec(&o["type"]))?;
        let shared = match o.get("shared") {
            Some(j) => r.key("shared", |r| r.boolean(j, "\"shared\""))?,
            None => false,
        };
        let rollback = match o.get("rollback") {
            Some(j) => r.key("rollback", |r| r.boolean(j, "\"rollback\""))?,
            None => false,
        };
        if shared && rollback {
            return Err(r.err("\"shared\" and \"rollback\" cannot both be true"));
        }
        let source = match o.get("source") {
            Some(j) => r.key("source", |r| match j.as_str() {
                Some(s @ ("embedded" | "json" | "avro")) => Ok(s.to_string()),
                _ => Err(r.err("\"source\" must be \"embedded\", \"json\" or \"avro\"")),
            })?,
            None => "embedded".to_string(),
        };
        let init = match o.get("init") {
            None => Init::Empty,
            Some(j) if source == "embedded" => {
                if !init_required && !j.is_object() {
                    return Err(r.err_at("init", "a pool's \"init\" must be a JSON object"));
                }
                Init::Embedded(raw(j))
            }
            Some(j) => {
                let location = r.key("init", |r| {
                    r.string(j, "\"init\" of an external source (a file name or URL)")
                })?;
                Init::External {
                    format: source,
                    location,
                }
            }
        };
        Ok(Storage {
            ty,
            init,
            shared,
            rollback,
            loc,
        })
    })
}

fn cell(r: &mut Reader, j: &Json) -> R<CellDecl> {
    let s = storage(r, j, "cell", true)?;
    Ok(CellDecl {
        ty: s.ty,
        init: s.init,
        shared: s.shared,
        rollback: s.rollback,
        loc: s.loc,
    })
}

fn pool(r: &mut Reader, j: &Json) -> R<PoolDecl> {
    let s = storage(r, j, "pool", false)?;
    Ok(PoolDecl {
        ty: s.ty,
        init: s.init,
        shared: s.shared,
        rollback: s.rollback,
        loc: s.loc,
    })
}
