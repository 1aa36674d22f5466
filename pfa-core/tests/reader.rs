//! The document reader: JSON/YAML text, top-level fields, every special form and literal
//! (spec §2, §6, §7), locations and locator marks, and syntax errors naming the path.

use pfa_core::{
    syntax::{
        ast::{Arg, Document, Expr, ExprKind, FcnArg, Init, Loc, To, TryFilter},
        read_document, read_file, read_text,
    },
    Method, PfaError,
};
use serde_json::{json, Value as Json};

// ----- helpers -----

fn doc(j: Json) -> Document {
    match read_document(&j) {
        Ok(d) => d,
        Err(e) => panic!("{j} should read: {e}"),
    }
}

/// A map document whose action is `action`.
fn with_action(action: Json) -> Json {
    json!({"input": "double", "output": "double", "action": action})
}

/// The single action expression of a document built around `action`.
fn one(action: Json) -> (Document, Expr) {
    let d = doc(with_action(json!([action])));
    assert_eq!(d.action.len(), 1);
    let e = d.action[0].clone();
    (d, e)
}

fn kind(action: Json) -> ExprKind {
    one(action).1.kind
}

/// The syntax error for a whole document: (path, mark, message).
fn syntax_err(j: Json) -> (String, Option<String>, String) {
    match read_document(&j) {
        Ok(d) => panic!("{j} should be rejected, read {d:?}"),
        Err(PfaError::Syntax { message, loc }) => (loc.path, loc.mark, message),
        Err(e) => panic!("{j} should be a syntax error, got {e}"),
    }
}

/// The syntax error for a document whose action is `[action]`.
fn action_err(action: Json) -> (String, Option<String>, String) {
    syntax_err(with_action(json!([action])))
}

fn path_of(d: &Document, e: &Expr) -> String {
    d.loc(e.loc).path
}

fn r(name: &str) -> ExprKind {
    ExprKind::Ref(name.into())
}

fn kinds(es: &[Expr]) -> Vec<ExprKind> {
    es.iter().map(|e| e.kind.clone()).collect()
}

/// Debug text of an expression with every `loc: N` removed, to compare shapes.
fn without_locs(k: &ExprKind) -> String {
    let text = format!("{k:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("loc: ") {
        out.push_str(&rest[..i]);
        rest = rest[i + 5..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

fn arg_kind(a: &Arg) -> ExprKind {
    match a {
        Arg::Expr(e) => e.kind.clone(),
        Arg::Fcn(f) => panic!("expected an expression argument, got {f:?}"),
    }
}

// ----- top level -----

#[test]
fn minimal_document_and_defaults() {
    let d = doc(json!({"input": "null", "output": "null", "action": null}));
    assert_eq!(d.name, None);
    assert_eq!(d.method, Method::Map);
    assert_eq!(d.input.json, json!("null"));
    assert_eq!(kinds(&d.action), vec![ExprKind::Null]);
    assert!(d.begin.is_empty() && d.end.is_empty() && d.fcns.is_empty());
    assert!(d.cells.is_empty() && d.pools.is_empty());
    assert_eq!((d.zero.clone(), d.merge.clone()), (None, None));
    assert_eq!(d.loc(d.action[0].loc).path, "action");
}

#[test]
fn all_top_level_fields() {
    let d = doc(json!({
        "@": "top", "name": "eng", "method": "fold", "input": "double", "output": "double",
        "begin": [{"log": ["start"]}], "action": {"+": ["input", "tally"]}, "end": "tally",
        "fcns": {"f": {"params": [{"x": "int"}], "ret": "int", "do": "x"}},
        "zero": 0, "merge": {"+": ["tallyOne", "tallyTwo"]},
        "cells": {"c": {"type": "int", "init": 1}}, "pools": {"p": {"type": "int"}},
        "randseed": 12345678901_i64, "doc": "about", "version": 3,
        "metadata": {"a": "b"}, "options": {"timeout": 1000, "x": {"@": "m", "y": [1]}}
    }));
    assert_eq!(d.name.as_deref(), Some("eng"));
    assert_eq!(d.method, Method::Fold);
    assert_eq!(d.begin.len(), 1);
    assert_eq!(d.end.len(), 1);
    assert_eq!(d.fcns[0].0, "f");
    assert_eq!(d.zero, Some(json!(0)));
    assert_eq!(d.merge.as_ref().map(Vec::len), Some(1));
    assert_eq!(d.randseed, Some(12345678901));
    assert_eq!(d.doc.as_deref(), Some("about"));
    assert_eq!(d.version, Some(3));
    assert_eq!(d.metadata, vec![("a".into(), "b".into())]);
    // Marks are stripped from embedded JSON.
    assert_eq!(
        d.options,
        vec![
            ("timeout".into(), json!(1000)),
            ("x".into(), json!({"y": [1]}))
        ]
    );
    assert_eq!(d.loc(d.action[0].loc).mark.as_deref(), Some("top"));
}

#[test]
fn emit_method_and_expression_arrays() {
    let d = doc(json!({"method": "emit", "input": "int", "output": "int",
        "action": [{"emit": "input"}, {"emit": ["input"]}]}));
    assert_eq!(d.method, Method::Emit);
    assert_eq!(path_of(&d, &d.action[1]), "action[1]");
}

#[test]
fn missing_required_fields() {
    for k in ["input", "output", "action"] {
        let mut j = json!({"input": "int", "output": "int", "action": "input"});
        j.as_object_mut().unwrap().remove(k);
        let (path, _, msg) = syntax_err(j);
        assert_eq!(path, "(document)");
        assert!(msg.contains(&format!("\"{k}\"")), "{msg}");
    }
    let (path, _, msg) = syntax_err(json!({"input": "int", "output": "int", "action": []}));
    assert_eq!(path, "action");
    assert!(msg.contains("at least one"), "{msg}");
    let (_, _, msg) = syntax_err(json!([1]));
    assert!(msg.contains("JSON object"), "{msg}");
}

#[test]
fn unknown_top_level_field() {
    let (path, _, msg) =
        syntax_err(json!({"input": "int", "output": "int", "action": "input", "actoin": 1}));
    assert_eq!(path, "actoin");
    assert!(msg.contains("unknown top-level field \"actoin\""), "{msg}");
}

#[test]
fn bad_top_level_values() {
    let base = || json!({"input": "int", "output": "int", "action": "input"});
    let cases = [
        ("method", json!("reduce"), "method"),
        ("name", json!(3), "name"),
        ("randseed", json!(1.5), "randseed"),
        ("version", json!(3_000_000_000_i64), "version"),
        ("metadata", json!({"a": 1}), "metadata.a"),
        ("options", json!([]), "options"),
        (
            "fcns",
            json!({"bad-name": {"params": [], "ret": "int", "do": 1}}),
            "fcns.bad-name",
        ),
        (
            "cells",
            json!({"1c": {"type": "int", "init": 1}}),
            "cells.1c",
        ),
        ("pools", json!({"p q": {"type": "int"}}), "pools.p q"),
        ("input", json!(5), "input"),
    ];
    for (k, v, want) in cases {
        let mut j = base();
        j[k] = v;
        let (path, _, msg) = syntax_err(j);
        assert_eq!(path, want, "{k}: {msg}");
    }
}

#[test]
fn fold_needs_zero_and_merge_and_others_forbid_them() {
    let fold = json!({"method": "fold", "input": "int", "output": "int", "action": "input",
                      "zero": 0});
    let (_, _, msg) = syntax_err(fold);
    assert!(msg.contains("\"merge\""), "{msg}");
    let map = json!({"input": "int", "output": "int", "action": "input", "zero": 0});
    let (path, _, msg) = syntax_err(map);
    assert_eq!(path, "zero");
    assert!(msg.contains("fold"), "{msg}");
}

#[test]
fn function_names_follow_section_6() {
    let d = doc(
        json!({"input": "int", "output": "int", "action": {"u.a.b": "input"},
        "fcns": {"a.b": {"params": [{"x": "int"}], "ret": "int", "do": "x"},
                 "_c": {"params": [], "ret": "int", "do": 1}}}),
    );
    assert_eq!(d.fcns[0].0, "a.b");
    for bad in ["a.", "a.1b", "a._b", "1a", "a..b", ""] {
        let (path, _, msg) = syntax_err(json!({"input": "int", "output": "int",
            "action": "input", "fcns": {bad: {"params": [], "ret": "int", "do": 1}}}));
        assert_eq!(path, format!("fcns.{bad}"));
        assert!(msg.contains("valid function name"), "{msg}");
    }
}

// ----- cells and pools -----

#[test]
fn cells_embedded_and_external() {
    let d = doc(
        json!({"input": "int", "output": "int", "action": "input", "cells": {
        "a": {"type": {"type": "array", "items": "int", "@": "t"}, "init": [1, {"@": "x"}],
              "shared": true},
        "b": {"type": "int", "init": "data/b.json", "source": "json", "rollback": true},
        "c": {"type": "int", "init": "file.avro", "source": "avro"},
        "d": {"type": "int", "init": 4, "source": "embedded"}}}),
    );
    let (name, a) = &d.cells[0];
    assert_eq!(name, "a");
    assert_eq!(a.ty.json, json!({"type": "array", "items": "int"}));
    assert_eq!(d.loc(a.ty.loc).mark.as_deref(), Some("t"));
    assert_eq!(d.loc(a.ty.loc).path, "cells.a.type");
    assert_eq!(a.init, Init::Embedded(json!([1, {}])));
    assert!(a.shared && !a.rollback);
    assert_eq!(d.loc(a.loc).path, "cells.a");
    assert_eq!(
        d.cells[1].1.init,
        Init::External {
            format: "json".into(),
            location: "data/b.json".into()
        }
    );
    assert!(d.cells[1].1.rollback);
    assert!(matches!(&d.cells[2].1.init, Init::External { format, .. } if format == "avro"));
    assert_eq!(d.cells[3].1.init, Init::Embedded(json!(4)));
}

#[test]
fn cell_and_pool_errors() {
    let with_cells = |cells: Json| {
        json!({"input": "int", "output": "int", "action": "input",
                                           "cells": cells})
    };
    let with_pools = |pools: Json| {
        json!({"input": "int", "output": "int", "action": "input",
                                           "pools": pools})
    };
    let cases = [
        (
            with_cells(json!({"c": {"type": "int"}})),
            "cells.c",
            "\"init\"",
        ),
        (with_cells(json!({"c": {"init": 1}})), "cells.c", "\"type\""),
        (
            with_cells(json!({"c": {"type": "int", "init": 1, "x": 1}})),
            "cells.c",
            "\"x\"",
        ),
        (
            with_cells(json!({"c": {"type": "int", "init": 1, "shared": true, "rollback": true}})),
            "cells.c",
            "both",
        ),
        (
            with_cells(json!({"c": {"type": "int", "init": 1, "shared": 1}})),
            "cells.c.shared",
            "true or false",
        ),
        (
            with_cells(json!({"c": {"type": "int", "init": 1, "source": "xml"}})),
            "cells.c.source",
            "source",
        ),
        (
            with_cells(json!({"c": {"type": "int", "init": 1, "source": "json"}})),
            "cells.c.init",
            "file name",
        ),
        (with_cells(json!({"c": 5})), "cells.c", "JSON object"),
        (
            with_pools(json!({"p": {"type": "int", "init": [1]}})),
            "pools.p.init",
            "JSON object",
        ),
    ];
    for (j, want_path, want_msg) in cases {
        let (path, _, msg) = syntax_err(j);
        assert_eq!(path, want_path, "{msg}");
        assert!(msg.contains(want_msg), "{msg}");
    }
}

#[test]
fn pools_init_optional() {
    let d = doc(
        json!({"input": "int", "output": "int", "action": "input", "pools": {
        "p": {"type": "int"}, "q": {"type": "int", "init": {"k": 1}, "shared": true}}}),
    );
    assert_eq!(d.pools[0].1.init, Init::Empty);
    assert_eq!(d.pools[1].1.init, Init::Embedded(json!({"k": 1})));
    assert!(d.pools[1].1.shared);
}

#[test]
fn zero_and_init_are_raw_json_not_expressions() {
    // Data that would be malformed as an expression is fine as embedded data.
    let d = doc(
        json!({"method": "fold", "input": "int", "output": {"type": "map", "values": "int"},
        "action": "tally", "zero": {"let": 1, "if": [1, 2]}, "merge": "tallyOne",
        "cells": {"c": {"type": "int", "init": {"foo.bar": ["a", "b"]}}}}),
    );
    assert_eq!(d.zero, Some(json!({"let": 1, "if": [1, 2]})));
    assert_eq!(
        d.cells[0].1.init,
        Init::Embedded(json!({"foo.bar": ["a", "b"]}))
    );
}

// ----- literals -----

#[test]
fn bare_number_literals() {
    assert_eq!(kind(json!(0)), ExprKind::Int(0));
    assert_eq!(kind(json!(2147483647)), ExprKind::Int(i32::MAX));
    assert_eq!(kind(json!(-2147483648)), ExprKind::Int(i32::MIN));
    assert_eq!(kind(json!(2147483648_i64)), ExprKind::Long(2147483648));
    assert_eq!(kind(json!(-2147483649_i64)), ExprKind::Long(-2147483649));
    assert_eq!(kind(json!(i64::MAX)), ExprKind::Long(i64::MAX));
    assert_eq!(kind(json!(i64::MIN)), ExprKind::Long(i64::MIN));
    assert_eq!(kind(json!(1.5)), ExprKind::Double(1.5));
    assert_eq!(kind(json!(2.0)), ExprKind::Double(2.0));
    let (path, _, msg) = action_err(json!(9223372036854775808_u64));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("too large"), "{msg}");
}

#[test]
fn bare_number_text_forms() {
    // Written as text, `2.0` and `1e3` are doubles and `3` is an int.
    let j =
        read_text(r#"{"input": "double", "output": "double", "action": [3, 2.0, 1e3]}"#).unwrap();
    let d = doc(j);
    assert_eq!(
        kinds(&d.action),
        vec![
            ExprKind::Int(3),
            ExprKind::Double(2.0),
            ExprKind::Double(1000.0)
        ]
    );
}

#[test]
fn null_bool_and_string_literals() {
    assert_eq!(kind(json!(null)), ExprKind::Null);
    assert_eq!(kind(json!(true)), ExprKind::Bool(true));
    assert_eq!(kind(json!(["hello"])), ExprKind::Str("hello".into()));
    assert_eq!(kind(json!({"string": "a.b"})), ExprKind::Str("a.b".into()));
}

#[test]
fn typed_number_literals() {
    assert_eq!(kind(json!({"int": -5})), ExprKind::Int(-5));
    assert_eq!(kind(json!({"long": 5})), ExprKind::Long(5));
    assert_eq!(kind(json!({"long": i64::MIN})), ExprKind::Long(i64::MIN));
    assert_eq!(kind(json!({"float": 1.5})), ExprKind::Float(1.5));
    assert_eq!(kind(json!({"float": 3})), ExprKind::Float(3.0));
    assert_eq!(kind(json!({"double": 3})), ExprKind::Double(3.0));
    assert_eq!(kind(json!({"double": -0.25})), ExprKind::Double(-0.25));
    let bad = [
        (json!({"int": 2147483648_i64}), "too large for an int"),
        (json!({"int": 1.5}), "integer"),
        (
            json!({"long": 9223372036854775808_u64}),
            "too large for a long",
        ),
        (json!({"long": "5"}), "integer"),
        (json!({"float": 1e39}), "too large for a float"),
        (json!({"float": 1e-50}), "too small for a float"),
        (json!({"double": "x"}), "number"),
        (json!({"string": 5}), "string"),
        (json!({"base64": "@@@"}), "base64"),
    ];
    for (lit, want) in bad {
        let key = lit.as_object().unwrap().keys().next().unwrap().clone();
        let (path, _, msg) = action_err(lit);
        assert_eq!(path, format!("action[0].{key}"));
        assert!(msg.contains(want), "{msg}");
    }
}

#[test]
fn bytes_and_typed_literals() {
    assert_eq!(
        kind(json!({"base64": "aGVsbG8="})),
        ExprKind::Bytes(b"hello".to_vec())
    );
    assert_eq!(
        kind(json!({"base64": "aGVsbG8"})),
        ExprKind::Bytes(b"hello".to_vec())
    );
    let (d, e) =
        one(json!({"value": [1, 2, {"@": "m"}], "type": {"type": "array", "items": "int"}}));
    let ExprKind::Literal { ty, value } = e.kind else {
        panic!()
    };
    assert_eq!(ty.json, json!({"type": "array", "items": "int"}));
    assert_eq!(d.loc(ty.loc).path, "action[0].type");
    assert_eq!(value, json!([1, 2, {}]));
    let (path, _, msg) = action_err(json!({"type": "int"}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("\"value\""), "{msg}");
}

#[test]
fn string_shortcut_versus_argument_lists() {
    // In an argument list, ["x"] is one argument: a symbol reference.
    let ExprKind::Call { name, args } = kind(json!({"f": ["x"]})) else {
        panic!()
    };
    assert_eq!(name, "f");
    assert_eq!(args.iter().map(arg_kind).collect::<Vec<_>>(), vec![r("x")]);
    // Nested once more it is a string literal argument.
    let ExprKind::Call { args, .. } = kind(json!({"f": [["x"]]})) else {
        panic!()
    };
    assert_eq!(
        args.iter().map(arg_kind).collect::<Vec<_>>(),
        vec![ExprKind::Str("x".into())]
    );
    // A lone non-array argument is one argument; [] is no arguments.
    let ExprKind::Call { args, .. } = kind(json!({"f": "x"})) else {
        panic!()
    };
    assert_eq!(args.len(), 1);
    let ExprKind::Call { args, .. } = kind(json!({"f": []})) else {
        panic!()
    };
    assert!(args.is_empty());
    // Expression-or-array contexts read ["x"] as an array of one reference too.
    let ExprKind::If { then, .. } = kind(json!({"if": true, "then": ["x"]})) else {
        panic!()
    };
    assert_eq!(kinds(&then), vec![r("x")]);
    // Where exactly one expression is expected it is a string literal.
    let ExprKind::Let(b) = kind(json!({"let": {"s": ["x"]}})) else {
        panic!()
    };
    assert_eq!(b[0].1.kind, ExprKind::Str("x".into()));
    // Other arrays are not expressions.
    let (path, _, msg) = action_err(json!({"let": {"s": [1, 2]}}));
    assert_eq!(path, "action[0].let.s");
    assert!(msg.contains("not an expression"), "{msg}");
}

// ----- symbols and the dotted shortcut -----

#[test]
fn symbol_references() {
    assert_eq!(kind(json!("input")), r("input"));
    assert_eq!(kind(json!("_x9")), r("_x9"));
    for bad in ["", "9x", "a-b", "a b"] {
        let (path, _, msg) = action_err(json!(bad));
        assert_eq!(path, "action[0]");
        assert!(msg.contains("not a valid symbol name"), "{msg}");
    }
}

#[test]
fn dotted_string_is_an_attr_shortcut() {
    let (d, e) = one(json!("input.x.2.-1"));
    let ExprKind::Attr { expr, path, to } = e.kind else {
        panic!()
    };
    assert_eq!(expr.kind, r("input"));
    assert_eq!(
        kinds(&path),
        vec![
            ExprKind::Str("x".into()),
            ExprKind::Int(2),
            ExprKind::Int(-1)
        ]
    );
    assert!(to.is_none());
    assert_eq!(d.loc(path[0].loc).path, "action[0]");
    // The spec's own example: "x.4.key.field" = {"attr": "x", "path": [4, ["key"], ["field"]]}.
    let short = kind(json!("x.4.key.field"));
    let long = kind(json!({"attr": "x", "path": [4, ["key"], ["field"]]}));
    assert_eq!(without_locs(&short), without_locs(&long));
    for bad in ["a..b", "a.", ".a", "1.5", "a.99999999999"] {
        let (path, _, msg) = action_err(json!(bad));
        assert_eq!(path, "action[0]", "{bad}: {msg}");
    }
}

// ----- special forms -----

#[test]
fn form_new() {
    let (d, e) = one(json!({"new": [1, "x", ["s"]], "type": {"type": "array", "items": "double"}}));
    let ExprKind::New {
        items,
        is_object,
        ty,
    } = e.kind
    else {
        panic!()
    };
    assert!(!is_object);
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].0, None);
    assert_eq!(items[2].1.kind, ExprKind::Str("s".into()));
    assert_eq!(d.loc(items[1].1.loc).path, "action[0].new[1]");
    assert_eq!(d.loc(ty.loc).path, "action[0].type");
    let ExprKind::New {
        items, is_object, ..
    } = kind(json!({"type": "R", "new": {"@": "m", "a": 1, "b": "x"}}))
    else {
        panic!()
    };
    assert!(is_object);
    assert_eq!(
        items
            .iter()
            .map(|(k, _)| k.clone().unwrap())
            .collect::<Vec<_>>(),
        vec!["a", "b"]
    );
    let (path, _, msg) = action_err(json!({"new": [1]}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("\"type\""), "{msg}");
    let (path, _, _) = action_err(json!({"new": 1, "type": "int"}));
    assert_eq!(path, "action[0].new");
}

#[test]
fn form_do() {
    let (d, e) = one(json!({"do": [{"let": {"x": 1}}, "x"]}));
    let ExprKind::Do(body) = e.kind else { panic!() };
    assert_eq!(body.len(), 2);
    assert_eq!(path_of(&d, &body[1]), "action[0].do[1]");
    assert!(matches!(kind(json!({"do": "x"})), ExprKind::Do(b) if b.len() == 1));
    let (path, _, msg) = action_err(json!({"do": []}));
    assert_eq!(path, "action[0].do");
    assert!(msg.contains("at least one"), "{msg}");
}

#[test]
fn forms_let_and_set() {
    let (d, e) = one(json!({"let": {"x": 1, "y": {"+": [1, 2]}}}));
    let ExprKind::Let(b) = e.kind else { panic!() };
    assert_eq!(
        b.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        vec!["x", "y"]
    );
    assert_eq!(path_of(&d, &b[1].1), "action[0].let.y");
    assert!(matches!(kind(json!({"set": {"x": 2}})), ExprKind::Set(b) if b.len() == 1));
    let (path, _, msg) = action_err(json!({"let": {}}));
    assert_eq!(path, "action[0].let");
    assert!(msg.contains("at least one"), "{msg}");
    let (path, _, msg) = action_err(json!({"set": {"a.b": 1}}));
    assert_eq!(path, "action[0].set.a.b");
    assert!(msg.contains("valid symbol"), "{msg}");
    let (path, _, _) = action_err(json!({"let": 5}));
    assert_eq!(path, "action[0].let");
    let (path, _, msg) = action_err(json!({"let": {"x": 1}, "extra": 2}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("\"extra\""), "{msg}");
}

#[test]
fn form_call_dynamic() {
    let ExprKind::CallDyn { which, args } = kind(json!({"call": "which", "args": [1, ["s"]]}))
    else {
        panic!()
    };
    assert_eq!(which.kind, r("which"));
    assert_eq!(
        args.iter().map(arg_kind).collect::<Vec<_>>(),
        vec![ExprKind::Int(1), ExprKind::Str("s".into())]
    );
    let (path, _, msg) = action_err(json!({"call": "which"}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("\"args\""), "{msg}");
}

#[test]
fn form_attr_and_attr_to() {
    let (d, e) = one(json!({"attr": "x", "path": [0, ["f"], "k"]}));
    let ExprKind::Attr { expr, path, to } = e.kind else {
        panic!()
    };
    assert_eq!(expr.kind, r("x"));
    assert_eq!(
        kinds(&path),
        vec![ExprKind::Int(0), ExprKind::Str("f".into()), r("k")]
    );
    assert_eq!(path_of(&d, &path[2]), "action[0].path[2]");
    assert!(to.is_none());
    let ExprKind::Attr { to, .. } = kind(json!({"attr": "x", "path": [0], "to": 5})) else {
        panic!()
    };
    assert!(matches!(to, Some(To::Value(v)) if v.kind == ExprKind::Int(5)));
    let ExprKind::Attr { to, .. } = kind(json!({"attr": "x", "path": [0],
        "to": {"params": [{"z": "int"}], "ret": "int", "do": "z"}}))
    else {
        panic!()
    };
    assert!(matches!(to, Some(To::Fcn(FcnArg::Def(_)))));
    let ExprKind::Attr { to, .. } = kind(json!({"attr": "x", "path": [0], "to": {"fcn": "u.inc"}}))
    else {
        panic!()
    };
    assert!(matches!(to, Some(To::Fcn(FcnArg::Ref { name, .. })) if name == "u.inc"));
    let (path, _, msg) = action_err(json!({"attr": "x", "path": []}));
    assert_eq!(path, "action[0].path");
    assert!(msg.contains("at least one"), "{msg}");
    let (path, _, _) = action_err(json!({"attr": "x", "path": "y"}));
    assert_eq!(path, "action[0].path");
    let (path, _, msg) = action_err(json!({"attr": "x"}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("\"path\""), "{msg}");
}

#[test]
fn form_cell() {
    assert_eq!(
        kind(json!({"cell": "c"})),
        ExprKind::Cell {
            name: "c".into(),
            path: vec![],
            to: None
        }
    );
    let ExprKind::Cell { path, to, .. } = kind(json!({"cell": "c", "path": [], "to": 1})) else {
        panic!()
    };
    assert!(path.is_empty());
    assert!(matches!(to, Some(To::Value(_))));
    let ExprKind::Cell { path, to, .. } =
        kind(json!({"cell": "c", "path": ["n"], "to": {"fcn": "u.f"}}))
    else {
        panic!()
    };
    assert_eq!(kinds(&path), vec![r("n")]);
    assert!(matches!(to, Some(To::Fcn(_))));
    let (path, _, _) = action_err(json!({"cell": 5}));
    assert_eq!(path, "action[0].cell");
    let (path, _, msg) = action_err(json!({"cell": "c", "del": "x"}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("\"del\""), "{msg}");
}

#[test]
fn form_pool() {
    let ExprKind::Pool {
        name,
        path,
        to,
        init,
    } = kind(json!({"pool": "p", "path": [["k"]]}))
    else {
        panic!()
    };
    assert_eq!(name, "p");
    assert_eq!(kinds(&path), vec![ExprKind::Str("k".into())]);
    assert!(to.is_none() && init.is_none());
    let ExprKind::Pool { to, init, .. } =
        kind(json!({"pool": "p", "path": ["k"], "to": {"fcn": "u.f"}, "init": 0}))
    else {
        panic!()
    };
    assert!(matches!(to, Some(To::Fcn(_))));
    assert_eq!(init.map(|e| e.kind), Some(ExprKind::Int(0)));
    assert!(matches!(
        kind(json!({"pool": "p", "del": ["k"]})),
        ExprKind::PoolDel { name, key } if name == "p" && key.kind == ExprKind::Str("k".into())
    ));
    // The one syntax rejection recorded from the reference engine's tests.
    let (path, _, msg) = action_err(json!({"pool": "notempty", "path": []}));
    assert_eq!(path, "action[0].path");
    assert!(msg.contains("at least one"), "{msg}");
    let (path, _, msg) = action_err(json!({"pool": "p", "path": ["k"], "init": 0}));
    assert_eq!(path, "action[0].init");
    assert!(msg.contains("\"to\""), "{msg}");
    let (path, _, msg) = action_err(json!({"pool": "p", "del": "k", "path": ["k"]}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("\"path\""), "{msg}");
    let (path, _, msg) = action_err(json!({"pool": "p", "path": ["k"], "to": 1}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("requires \"init\""), "{msg}");
    let (_, _, msg) = action_err(json!({"pool": "p"}));
    assert!(msg.contains("\"path\""), "{msg}");
}

#[test]
fn form_if() {
    let (d, e) = one(json!({"if": {"<": ["x", 1]}, "then": [1, 2], "else": 3}));
    let ExprKind::If { cond, then, els } = e.kind else {
        panic!()
    };
    assert!(matches!(cond.kind, ExprKind::Call { ref name, .. } if name == "<"));
    assert_eq!(path_of(&d, &cond), "action[0].if");
    assert_eq!(path_of(&d, &then[1]), "action[0].then[1]");
    assert_eq!(els.map(|e| kinds(&e)), Some(vec![ExprKind::Int(3)]));
    assert!(matches!(
        kind(json!({"then": 1, "if": true})),
        ExprKind::If { els: None, .. }
    ));
    let (path, _, msg) = action_err(json!({"if": true}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("\"then\""), "{msg}");
    let (path, _, _) = action_err(json!({"if": true, "then": []}));
    assert_eq!(path, "action[0].then");
    let (path, _, _) = action_err(json!({"if": true, "then": 1, "else": []}));
    assert_eq!(path, "action[0].else");
}

#[test]
fn form_cond() {
    let (d, e) = one(
        json!({"cond": [{"if": true, "then": 1}, {"then": [2], "if": false}],
                            "else": 3}),
    );
    let ExprKind::Cond { cases, els } = e.kind else {
        panic!()
    };
    assert_eq!(cases.len(), 2);
    assert_eq!(path_of(&d, &cases[1].0), "action[0].cond[1].if");
    assert_eq!(path_of(&d, &cases[1].1[0]), "action[0].cond[1].then[0]");
    assert!(els.is_some());
    assert!(matches!(
        kind(json!({"cond": [{"if": true, "then": 1}]})),
        ExprKind::Cond { els: None, .. }
    ));
    let (path, _, msg) = action_err(json!({"cond": [{"if": true, "then": 1, "else": 2}]}));
    assert_eq!(path, "action[0].cond[0]");
    assert!(msg.contains("\"else\""), "{msg}");
    let (path, _, _) = action_err(json!({"cond": []}));
    assert_eq!(path, "action[0].cond");
    let (path, _, _) = action_err(json!({"cond": [5]}));
    assert_eq!(path, "action[0].cond[0]");
}

#[test]
fn form_while_and_do_until() {
    let ExprKind::While { cond, body } = kind(json!({"while": true, "do": ["x", "y"]})) else {
        panic!()
    };
    assert_eq!(cond.kind, ExprKind::Bool(true));
    assert_eq!(body.len(), 2);
    let ExprKind::DoUntil { body, cond } = kind(json!({"until": false, "do": "x"})) else {
        panic!()
    };
    assert_eq!(
        (kinds(&body), cond.kind),
        (vec![r("x")], ExprKind::Bool(false))
    );
    let (path, _, msg) = action_err(json!({"while": true, "do": "x", "until": true}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("\"until\""), "{msg}");
}

#[test]
fn form_for() {
    let (d, e) = one(json!({"for": {"i": 0}, "while": {"<": ["i", 10]},
                            "step": {"i": {"+": ["i", 1]}}, "do": [{"f": "i"}]}));
    let ExprKind::For {
        init,
        cond,
        step,
        body,
    } = e.kind
    else {
        panic!()
    };
    assert_eq!(init[0].0, "i");
    assert_eq!(path_of(&d, &init[0].1), "action[0].for.i");
    assert_eq!(path_of(&d, &cond), "action[0].while");
    assert_eq!(path_of(&d, &step[0].1), "action[0].step.i");
    assert_eq!(body.len(), 1);
    // The spec's Example 6.3 uses "until" in a "for"; that is not a valid form.
    let (path, _, msg) = action_err(json!({"for": {"i": "n"}, "until": true, "step": {},
                                           "seq": true, "do": 1}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("unexpected member"), "{msg}");
}

#[test]
fn form_foreach_and_forkey() {
    let ExprKind::Foreach {
        var,
        array,
        body,
        seq,
    } = kind(json!({"foreach": "x", "in": "arr", "do": "x"}))
    else {
        panic!()
    };
    assert_eq!(
        (var.as_str(), array.kind, body.len(), seq),
        ("x", r("arr"), 1, false)
    );
    assert!(matches!(
        kind(json!({"foreach": "x", "in": "arr", "do": "x", "seq": true})),
        ExprKind::Foreach { seq: true, .. }
    ));
    let (path, _, _) = action_err(json!({"foreach": "x", "in": "arr", "do": "x", "seq": 1}));
    assert_eq!(path, "action[0].seq");
    let (path, _, _) = action_err(json!({"foreach": "x.y", "in": "arr", "do": "x"}));
    assert_eq!(path, "action[0].foreach");
    let ExprKind::Forkey {
        key,
        val,
        map,
        body,
    } = kind(json!({"forkey": "k", "forval": "v", "in": "m", "do": ["k", "v"]}))
    else {
        panic!()
    };
    assert_eq!(
        (key.as_str(), val.as_str(), map.kind, body.len()),
        ("k", "v", r("m"), 2)
    );
    let (path, _, msg) = action_err(json!({"forval": "v", "in": "m", "do": 1}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("\"forkey\""), "{msg}");
}

#[test]
fn form_cast_and_upcast() {
    let (d, e) = one(json!({"cast": "input", "cases": [
        {"as": "null", "named": "x", "do": -1000.0},
        {"as": "double", "named": "x", "do": ["x"]}], "partial": true}));
    let ExprKind::Cast {
        expr,
        cases,
        partial,
    } = e.kind
    else {
        panic!()
    };
    assert_eq!(expr.kind, r("input"));
    assert!(partial);
    assert_eq!(cases[1].named, "x");
    assert_eq!(cases[1].as_type.json, json!("double"));
    assert_eq!(d.loc(cases[1].loc).path, "action[0].cases[1]");
    assert_eq!(d.loc(cases[1].as_type.loc).path, "action[0].cases[1].as");
    assert_eq!(kinds(&cases[1].body), vec![r("x")]);
    assert!(matches!(
        kind(json!({"cast": "y", "cases": [{"as": "int", "named": "x", "do": "x"}]})),
        ExprKind::Cast { partial: false, .. }
    ));
    let (path, _, msg) = action_err(json!({"cast": "y", "cases": [{"as": "int", "named": "x"}]}));
    assert_eq!(path, "action[0].cases[0]");
    assert!(msg.contains("\"do\""), "{msg}");
    let (path, _, _) = action_err(json!({"cast": "y", "cases": []}));
    assert_eq!(path, "action[0].cases");
    let ExprKind::Upcast { expr, ty } = kind(json!({"upcast": 3, "as": ["int", "null"]})) else {
        panic!()
    };
    assert_eq!(
        (expr.kind, ty.json),
        (ExprKind::Int(3), json!(["int", "null"]))
    );
    let (path, _, _) = action_err(json!({"upcast": 3, "as": 5}));
    assert_eq!(path, "action[0].as");
}

#[test]
fn form_ifnotnull() {
    let (d, e) = one(
        json!({"ifnotnull": {"a": "x", "b": "y"}, "then": {"+": ["a", "b"]},
                            "else": 0}),
    );
    let ExprKind::IfNotNull {
        bindings,
        then,
        els,
    } = e.kind
    else {
        panic!()
    };
    assert_eq!(bindings.len(), 2);
    assert_eq!(path_of(&d, &bindings[1].1), "action[0].ifnotnull.b");
    assert_eq!(then.len(), 1);
    assert!(els.is_some());
    let (path, _, _) = action_err(json!({"ifnotnull": {}, "then": 1}));
    assert_eq!(path, "action[0].ifnotnull");
}

#[test]
fn forms_unpack_and_pack() {
    let (d, e) = one(
        json!({"unpack": "bytes", "format": [{"x": "pad"}, {"y": "little double"}],
                            "then": ["y"], "else": null}),
    );
    let ExprKind::Unpack {
        bytes,
        format,
        then,
        els,
    } = e.kind
    else {
        panic!()
    };
    assert_eq!(bytes.kind, r("bytes"));
    assert_eq!(format[1].0, "y");
    assert_eq!(format[1].1.format, "little double");
    assert_eq!(d.loc(format[1].1.loc).path, "action[0].format[1]");
    assert_eq!((then.len(), els.map(|e| e.len())), (1, Some(1)));
    let (path, _, _) = action_err(json!({"unpack": "b", "format": [{"x": "int", "y": "int"}],
                                         "then": 1}));
    assert_eq!(path, "action[0].format[0]");
    let (path, _, _) = action_err(json!({"unpack": "b", "format": [{"x": 5}], "then": 1}));
    assert_eq!(path, "action[0].format[0].x");
    let (d, e) = one(json!({"pack": [{"int": 1}, {"raw": "b"}]}));
    let ExprKind::Pack(items) = e.kind else {
        panic!()
    };
    assert_eq!(items[0].0.format, "int");
    assert_eq!(items[0].1.kind, ExprKind::Int(1));
    assert_eq!(path_of(&d, &items[1].1), "action[0].pack[1].raw");
    let (path, _, _) = action_err(json!({"pack": {"int": 1}}));
    assert_eq!(path, "action[0].pack");
}

#[test]
fn forms_doc_error_try_log() {
    assert_eq!(kind(json!({"doc": "hi"})), ExprKind::Doc("hi".into()));
    assert_eq!(
        kind(json!({"error": "bad", "code": -3})),
        ExprKind::Error {
            message: "bad".into(),
            code: Some(-3)
        }
    );
    assert_eq!(
        kind(json!({"error": "bad"})),
        ExprKind::Error {
            message: "bad".into(),
            code: None
        }
    );
    let (path, _, _) = action_err(json!({"error": "bad", "code": "x"}));
    assert_eq!(path, "action[0].code");
    let ExprKind::Try { body, filter } = kind(json!({"try": [1, 2], "filter": ["msg", 18000]}))
    else {
        panic!()
    };
    assert_eq!(body.len(), 2);
    assert_eq!(
        filter,
        Some(vec![
            TryFilter::Message("msg".into()),
            TryFilter::Code(18000)
        ])
    );
    assert!(matches!(
        kind(json!({"try": "x"})),
        ExprKind::Try { filter: None, .. }
    ));
    let (path, _, _) = action_err(json!({"try": "x", "filter": [true]}));
    assert_eq!(path, "action[0].filter[0]");
    let ExprKind::Log { exprs, namespace } = kind(json!({"log": ["x", ["s"]], "namespace": "ns"}))
    else {
        panic!()
    };
    assert_eq!(kinds(&exprs), vec![r("x"), ExprKind::Str("s".into())]);
    assert_eq!(namespace.as_deref(), Some("ns"));
    assert!(matches!(
        kind(json!({"log": "x"})),
        ExprKind::Log {
            namespace: None,
            ..
        }
    ));
    let (path, _, _) = action_err(json!({"doc": 5}));
    assert_eq!(path, "action[0].doc");
}

#[test]
fn function_calls_and_function_arguments() {
    let (d, e) = one(json!({"a.map": ["arr",
        {"fcn": "u.f", "fill": {"y": 2}},
        {"params": [{"x": "int"}, {"@": "pm", "y": "double"}], "ret": "int", "do": "x"},
        {"fcn": "m.sqrt"}]}));
    let ExprKind::Call { name, args } = e.kind else {
        panic!()
    };
    assert_eq!(name, "a.map");
    assert_eq!(arg_kind(&args[0]), r("arr"));
    let Arg::Fcn(FcnArg::Ref { name, fill, loc }) = &args[1] else {
        panic!()
    };
    assert_eq!(name, "u.f");
    assert_eq!(fill[0].0, "y");
    assert_eq!(d.loc(*loc).path, "action[0].a.map[1]");
    assert_eq!(path_of(&d, &fill[0].1), "action[0].a.map[1].fill.y");
    let Arg::Fcn(FcnArg::Def(def)) = &args[2] else {
        panic!()
    };
    assert_eq!(def.params[1].name, "y");
    assert_eq!(def.params[1].ty.json, json!("double"));
    assert_eq!(
        d.loc(def.params[1].ty.loc).path,
        "action[0].a.map[2].params[1].y"
    );
    assert_eq!(d.loc(def.params[1].ty.loc).mark.as_deref(), Some("pm"));
    assert_eq!(d.loc(def.params[0].ty.loc).mark, None);
    assert_eq!(def.ret.json, json!("int"));
    assert!(matches!(&args[3], Arg::Fcn(FcnArg::Ref { fill, .. }) if fill.is_empty()));
    // Operators are ordinary calls.
    assert!(matches!(kind(json!({"+": [1, 2]})), ExprKind::Call { name, .. } if name == "+"));
}

#[test]
fn function_reference_errors() {
    let (path, _, msg) = action_err(json!({"fcn": "u.f"}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("only allowed"), "{msg}");
    let (path, _, msg) = action_err(json!({"params": [], "ret": "int", "do": 1}));
    assert_eq!(path, "action[0]");
    assert!(msg.contains("only allowed"), "{msg}");
    let (path, _, _) = action_err(json!({"f": [{"fcn": 5}]}));
    assert_eq!(path, "action[0].f[0].fcn");
    let (path, _, msg) = action_err(json!({"f": [{"fcn": "u.g", "args": []}]}));
    assert_eq!(path, "action[0].f[0]");
    assert!(msg.contains("\"args\""), "{msg}");
    let (path, _, msg) = action_err(json!({"f": [{"params": [{"x": "int"}], "do": "x"}]}));
    assert_eq!(path, "action[0].f[0]");
    assert!(msg.contains("\"ret\""), "{msg}");
    let (path, _, msg) = action_err(
        json!({"f": [{"params": [{"x": "int"}, {"x": "int"}], "ret": "int", "do": "x"}]}),
    );
    assert_eq!(path, "action[0].f[0].params[1]");
    assert!(msg.contains("duplicate"), "{msg}");
    let (path, _, _) =
        action_err(json!({"f": [{"params": [{"x": "int", "y": "int"}], "ret": "int", "do": "x"}]}));
    assert_eq!(path, "action[0].f[0].params[0]");
    let (path, _, _) = action_err(json!({"f": [{"params": [], "ret": "int", "do": []}]}));
    assert_eq!(path, "action[0].f[0].do");
}

#[test]
fn user_function_definitions() {
    let d = doc(
        json!({"input": "int", "output": "int", "action": {"u.fib": "input"},
        "fcns": {"fib": {"params": [{"n": "int"}], "ret": "int", "do": [
            {"let": {"x": 1}},
            {"if": {"<": ["n", 2]}, "then": "n",
             "else": {"+": [{"u.fib": {"-": ["n", 1]}}, {"u.fib": {"-": ["n", 2]}}]}}]}}}),
    );
    let (name, f) = &d.fcns[0];
    assert_eq!(name, "fib");
    assert_eq!(f.params[0].name, "n");
    assert_eq!(d.loc(f.loc).path, "fcns.fib");
    assert_eq!(path_of(&d, &f.body[1]), "fcns.fib.do[1]");
    let (path, _, _) = syntax_err(json!({"input": "int", "output": "int", "action": 1,
        "fcns": {"f": {"params": [], "ret": "int", "do": [1, {"let": 3}]}}}));
    assert_eq!(path, "fcns.f.do[1].let");
}

#[test]
fn unknown_and_malformed_forms() {
    let cases = [
        (json!({}), "action[0]", "empty"),
        (json!({"then": 1}), "action[0]", "unrecognized"),
        (json!({"a": 1, "b": 2}), "action[0]", "unrecognized"),
        (
            json!({"if": true, "then": 1, "also": 2}),
            "action[0]",
            "\"also\"",
        ),
        (json!({"do": "x", "step": {}}), "action[0]", "\"step\""),
        (json!({"int": 1, "long": 2}), "action[0]", "\"int\""),
    ];
    for (j, want_path, want) in cases {
        let (path, _, msg) = action_err(j);
        assert_eq!(path, want_path, "{msg}");
        assert!(msg.contains(want), "{msg}");
    }
}

#[test]
fn error_paths_name_the_member() {
    let (path, _, _) = syntax_err(with_action(json!([{"let": {"x": [1, 2]}}])));
    assert_eq!(path, "action[0].let.x");
    let (path, _, _) = syntax_err(with_action(json!({"let": {"x": [1, 2]}})));
    assert_eq!(path, "action.let.x");
    let (path, _, _) = syntax_err(json!({"input": "int", "output": "int", "action": 1,
        "cells": {"c": {"type": "int", "init": 1, "shared": "yes"}}}));
    assert_eq!(path, "cells.c.shared");
    let (path, _, _) = syntax_err(with_action(
        json!([1, {"+": [1, {"-": [2, {"int": "x"}]}]}]),
    ));
    assert_eq!(path, "action[1].+[1].-[1].int");
    let err = read_document(&with_action(json!([{"let": {"x": [1, 2]}}]))).unwrap_err();
    assert_eq!(err.class(), "PFASyntaxException");
    assert!(err.to_string().contains("action[0].let.x"), "{err}");
}

// ----- locations and locator marks -----

#[test]
fn marks_are_carried_into_locations_and_errors() {
    let d = doc(with_action(json!([
        {"@": "line 1", "+": [{"@": "line 2", "-": ["input", 1]}, "input"]},
        "input"])));
    let ExprKind::Call { args, .. } = &d.action[0].kind else {
        panic!()
    };
    assert_eq!(d.loc(d.action[0].loc).mark.as_deref(), Some("line 1"));
    let Arg::Expr(inner) = &args[0] else { panic!() };
    assert_eq!(d.loc(inner.loc).mark.as_deref(), Some("line 2"));
    let Arg::Expr(sibling) = &args[1] else {
        panic!()
    };
    // Descendants inherit the nearest mark; siblings of the marked object do not.
    assert_eq!(d.loc(sibling.loc).mark.as_deref(), Some("line 1"));
    assert_eq!(d.loc(d.action[1].loc).mark, None);
    let ExprKind::Call {
        args: inner_args, ..
    } = &inner.kind
    else {
        panic!()
    };
    let Arg::Expr(deep) = &inner_args[0] else {
        panic!()
    };
    assert_eq!(
        d.loc(deep.loc),
        Loc {
            path: "action[0].+[0].-[0]".into(),
            mark: Some("line 2".into())
        }
    );

    let (path, mark, _) = action_err(json!({"@": "src.py:10", "let": {"x": {"@": "src.py:11",
        "if": true}}}));
    assert_eq!(path, "action[0].let.x");
    assert_eq!(mark.as_deref(), Some("src.py:11"));
    let err =
        read_document(&with_action(json!({"@": "src.py:7", "nope": 1, "also": 2}))).unwrap_err();
    assert!(err.to_string().contains("(@ src.py:7)"), "{err}");
    let (_, _, msg) = action_err(json!({"@": 5, "+": [1, 2]}));
    assert!(msg.contains("\"@\" must be a string"), "{msg}");
}

#[test]
fn marks_in_top_level_and_declarations() {
    let (path, mark, _) = syntax_err(json!({"@": "doc", "input": "int", "output": "int",
        "action": "input", "cells": {"@": "cells", "c": {"@": "cell c", "type": "int"}}}));
    assert_eq!(path, "cells.c");
    assert_eq!(mark.as_deref(), Some("cell c"));
    let (_, mark, _) = syntax_err(json!({"@": "doc", "input": "int", "output": "int"}));
    assert_eq!(mark.as_deref(), Some("doc"));
}

#[test]
fn every_location_id_is_in_the_table() {
    let d = doc(
        json!({"input": "int", "output": "int", "begin": [{"let": {"q": 1}}],
        "action": [{"cond": [{"if": "input.a", "then": {"new": [1], "type": "x"}}]},
                   {"cast": "input", "cases": [{"as": "int", "named": "i", "do": "i"}]}],
        "fcns": {"f": {"params": [{"p": "int"}], "ret": "int", "do": "p"}}}),
    );
    fn walk(e: &Expr, n: usize, count: &mut usize) {
        assert!((e.loc as usize) < n);
        *count += 1;
        let text = format!("{:?}", e.kind);
        // Nested expressions carry their own ids; checking the debug text covers them.
        for part in text.split("loc: ").skip(1) {
            let id: usize = part
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!(id < n, "{id} out of {n}");
        }
    }
    let mut count = 0;
    for e in d.begin.iter().chain(&d.action) {
        walk(e, d.locs.len(), &mut count);
    }
    assert!(count > 0);
    assert!(d.locs.iter().all(|l| !l.path.is_empty()));
}

// ----- text formats and files -----

#[test]
fn json_text_and_parse_errors() {
    let j =
        read_text("  \n{\"input\": \"int\", \"output\": \"int\", \"action\": \"input\"}").unwrap();
    doc(j);
    let err = read_text("{\"input\": \"int\",\n \"output\": }").unwrap_err();
    let PfaError::Syntax { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("line 2, column"), "{message}");
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn yaml_documents() {
    let text = "
input: double
output: double
cells:
  c: {type: int, init: 3}
action:
  - let: {x: {'+': [input, 1]}}
  - {'*': [x, {cell: c}]}
  - [hello]
";
    let j = read_text(text).unwrap();
    assert_eq!(j["cells"]["c"]["init"], json!(3));
    let d = doc(j);
    assert_eq!(d.action.len(), 3);
    assert_eq!(d.action[2].kind, ExprKind::Str("hello".into()));
    assert!(matches!(&d.action[1].kind, ExprKind::Call { name, .. } if name == "*"));
}

#[test]
fn yaml_features_without_json_equivalent_are_errors() {
    for (text, want) in [
        ("input: int\noutput: int\naction: {1: 2}\n", "not a string"),
        ("input: int\noutput: int\naction: !custom x\n", "tag"),
        (
            "input: int\noutput: int\naction: .inf\n",
            "no JSON equivalent",
        ),
        ("input: [int\n", "invalid YAML at line 2, column 1"),
    ] {
        let err = read_text(text).unwrap_err();
        assert_eq!(err.class(), "PFASyntaxException");
        assert!(err.message().contains(want), "{text}: {err}");
    }
}

#[test]
fn files_plain_and_gzipped() {
    use std::io::Write as _;
    let dir = std::env::temp_dir().join(format!("pfa-reader-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = r#"{"input": "int", "output": "int", "action": "input"}"#;
    let plain = dir.join("plain.pfa");
    std::fs::write(&plain, text).unwrap();
    assert_eq!(read_file(&plain).unwrap(), text);
    let gz = dir.join("doc.pfa.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(text.as_bytes()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    assert_eq!(read_file(&gz).unwrap(), text);
    let bad_gz = dir.join("bad.gz");
    std::fs::write(&bad_gz, [0x1f, 0x8b, 1, 2, 3]).unwrap();
    let err = read_file(&bad_gz).unwrap_err();
    assert!(err.to_string().contains("bad.gz"), "{err}");
    let missing = dir.join("missing.pfa");
    let err = read_file(&missing).unwrap_err();
    assert!(err.to_string().contains("missing.pfa"), "{err}");
    let binary = dir.join("binary.pfa");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
    assert!(read_file(&binary)
        .unwrap_err()
        .to_string()
        .contains("binary.pfa"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    // Built by hand: deeper than any text parser allows.
    let mut j = json!(1);
    for _ in 0..300 {
        j = json!({"-": j});
    }
    let err = read_document(&with_action(j)).unwrap_err();
    assert!(err.message().contains("nested too deeply"), "{err}");
    // 100 levels (within the JSON parser's limit) read fine.
    let text = format!(
        r#"{{"input": "int", "output": "int", "action": {}1{}}}"#,
        r#"{"-": "#.repeat(100),
        "}".repeat(100)
    );
    doc(read_text(&text).unwrap());
}

// ----- recorded engines -----

/// Every engine the reference implementation loaded must read; the one it rejected as a
/// syntax error must be rejected.
#[test]
fn recorded_engines_read() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/conformance/titus-vectors-sample.jsonl.gz"
    );
    let Ok(text) = read_file(std::path::Path::new(path)) else {
        println!("skipped: {path} not present");
        return;
    };
    let mut read = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Json = serde_json::from_str(line).unwrap();
        let res = read_document(&v["engine"]);
        match v["load"].get("rejected").and_then(Json::as_str) {
            None => {
                if let Err(e) = res {
                    panic!("{} should read: {e}", v["id"]);
                }
                read += 1;
            }
            Some("PFASyntaxException") => assert!(res.is_err(), "{} should fail", v["id"]),
            Some(_) => {}
        }
    }
    assert!(read > 400, "{read}");
}

// ----- no panics -----

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    /// Keys that steer the reader into every form and top-level field.
    const KEYS: &[&str] = &[
        "input",
        "output",
        "action",
        "begin",
        "end",
        "fcns",
        "cells",
        "pools",
        "zero",
        "merge",
        "method",
        "options",
        "metadata",
        "@",
        "new",
        "type",
        "value",
        "do",
        "let",
        "set",
        "call",
        "args",
        "attr",
        "path",
        "to",
        "cell",
        "pool",
        "del",
        "init",
        "if",
        "then",
        "else",
        "cond",
        "while",
        "until",
        "for",
        "step",
        "foreach",
        "in",
        "seq",
        "forkey",
        "forval",
        "cast",
        "cases",
        "as",
        "named",
        "partial",
        "upcast",
        "ifnotnull",
        "unpack",
        "format",
        "pack",
        "doc",
        "error",
        "code",
        "try",
        "filter",
        "log",
        "namespace",
        "int",
        "long",
        "float",
        "double",
        "string",
        "base64",
        "fcn",
        "fill",
        "params",
        "ret",
        "source",
        "shared",
        "rollback",
        "x",
        "u.f",
        "+",
    ];

    fn leaf() -> impl Strategy<Value = Json> {
        prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            any::<i64>().prop_map(Json::from),
            any::<u64>().prop_map(Json::from),
            any::<f64>().prop_map(Json::from),
            prop::sample::select(KEYS).prop_map(Json::from),
            "[a-z.0-9@-]{0,6}".prop_map(Json::from),
            prop::sample::select(vec!["map", "fold", "emit", "json", "int", "aGk="])
                .prop_map(Json::from),
        ]
    }

    fn tree() -> impl Strategy<Value = Json> {
        leaf().prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
                prop::collection::vec((prop::sample::select(KEYS), inner), 0..5).prop_map(|kv| {
                    Json::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn read_document_never_panics(t in tree()) {
            let _ = read_document(&t);
        }

        #[test]
        fn action_trees_never_panic(t in tree()) {
            let doc = json!({"input": "int", "output": "int", "action": t.clone(),
                             "fcns": {"f": {"params": [], "ret": "int", "do": t}}});
            if let Err(e) = read_document(&doc) {
                prop_assert_eq!(e.class(), "PFASyntaxException");
            }
        }
    }
}
