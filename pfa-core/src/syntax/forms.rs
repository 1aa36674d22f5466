//! Expressions (spec §7) and function definitions/references (§6): one JSON value in an
//! expression position becomes one [`Expr`]. Special forms are recognised by their exact
//! set of member names (§7.4: members in any order, `"@"` allowed anywhere, §2.3).
//!
//! The [`Reader`] also owns the location table: every expression and type gets a [`Loc`]
//! built from the current document path (kept in one growing string) and the nearest
//! enclosing `"@"` locator mark.

use std::fmt::Write as _;

use base64::Engine as _;
use serde_json::{Map, Number, Value as Json};

use super::ast::{
    Arg, CastCase, Expr, ExprKind, FcnArg, FcnDef, Loc, LocId, PackFormat, Param, PathStep, To,
    TryFilter, TypeSpec,
};
use crate::error::PfaError;

/// A JSON object.
pub(super) type Obj = Map<String, Json>;

/// Result of reading one piece of the document.
pub(super) type R<T> = Result<T, PfaError>;

/// How the document root is named in error locations.
pub(super) const ROOT: &str = "(document)";

/// Expression nesting limit: deeper trees are rejected instead of overflowing the stack.
/// The JSON and YAML parsers already stop at 128 levels of nesting, and every expression
/// level is at least one JSON level, so this only ever rejects hand-built trees.
const MAX_DEPTH: usize = 128;

/// Keys that select a special form, in the order they are tried: a key that occurs in
/// several forms (`do`, `while`, `type`) comes after the keys that identify the larger form.
const PRIMARY: &[&str] = &[
    "fcn",
    "params",
    "new",
    "for",
    "foreach",
    "forkey",
    "forval",
    "cond",
    "ifnotnull",
    "unpack",
    "if",
    "while",
    "do",
    "cell",
    "pool",
    "attr",
    "call",
    "cast",
    "upcast",
    "pack",
    "doc",
    "let",
    "set",
    "error",
    "try",
    "log",
    "int",
    "long",
    "float",
    "double",
    "string",
    "base64",
    "type",
    "value",
];

/// Member names that only occur next to a primary key; a one-member object with one of
/// these is malformed rather than a call to a function of that name.
const SECONDARY: &[&str] = &[
    "then",
    "else",
    "path",
    "to",
    "init",
    "del",
    "until",
    "step",
    "in",
    "seq",
    "cases",
    "partial",
    "as",
    "named",
    "format",
    "code",
    "filter",
    "namespace",
    "args",
    "fill",
    "ret",
];

/// Walks the JSON tree, tracking the current path and locator mark.
pub(super) struct Reader {
    path: String,
    mark: Option<String>,
    depth: usize,
    /// Every location handed out so far; `LocId`s index into it.
    pub(super) locs: Vec<Loc>,
}

impl Reader {
    /// A reader positioned at the document root.
    pub(super) fn new() -> Reader {
        Reader {
            path: String::new(),
            mark: None,
            depth: 0,
            locs: Vec::new(),
        }
    }

    // ----- locations and errors -----

    /// Records the current position and returns its id.
    pub(super) fn loc(&mut self) -> LocId {
        let id = self.locs.len() as LocId;
        self.locs.push(Loc {
            path: self.path.clone(),
            mark: self.mark.clone(),
        });
        id
    }

    /// A syntax error at the current position.
    #[cold]
    pub(super) fn err(&self, message: impl Into<String>) -> PfaError {
        let path = if self.path.is_empty() {
            ROOT.to_string()
        } else {
            self.path.clone()
        };
        PfaError::Syntax {
            message: message.into(),
            loc: Loc {
                path,
                mark: self.mark.clone(),
            },
        }
    }

    /// A syntax error at member `key` of the current position.
    #[cold]
    pub(super) fn err_at(&mut self, key: &str, message: impl Into<String>) -> PfaError {
        let n = self.path.len();
        if n > 0 {
            self.path.push('.');
        }
        self.path.push_str(key);
        let e = self.err(message);
        self.path.truncate(n);
        e
    }

    /// Runs `f` with the path extended by `.key`.
    pub(super) fn key<T>(&mut self, key: &str, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        let n = self.path.len();
        if n > 0 {
            self.path.push('.');
        }
        self.path.push_str(key);
        let r = f(self);
        self.path.truncate(n);
        r
    }

    /// Runs `f` with the path extended by `[i]`.
    pub(super) fn index<T>(&mut self, i: usize, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        let n = self.path.len();
        let _ = write!(self.path, "[{i}]");
        let r = f(self);
        self.path.truncate(n);
        r
    }

    /// Runs `f` with the object's `"@"` mark (if any) as the current mark (§2.3).
    pub(super) fn in_object<T>(&mut self, obj: &Obj, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        match obj.get("@") {
            None => f(self),
            Some(Json::String(m)) => {
                let saved = self.mark.replace(m.clone());
                let r = f(self);
                self.mark = saved;
                r
            }
            Some(_) => Err(self.err("locator mark \"@\" must be a string")),
        }
    }

    /// Checks that `obj` has every `required` member and nothing outside `required`,
    /// `optional` and `"@"`.
    pub(super) fn keys(
        &self,
        obj: &Obj,
        form: &str,
        required: &[&str],
        optional: &[&str],
    ) -> R<()> {
        for k in obj.keys() {
            let k = k.as_str();
            if k != "@" && !required.contains(&k) && !optional.contains(&k) {
                return Err(self.err(format!("unexpected member \"{k}\" in {form}")));
            }
        }
        for k in required {
            if !obj.contains_key(*k) {
                return Err(self.err(format!("{form} requires member \"{k}\"")));
            }
        }
        Ok(())
    }

    // ----- small typed readers -----

    /// A JSON string.
    pub(super) fn string(&self, j: &Json, what: &str) -> R<String> {
        match j {
            Json::String(s) => Ok(s.clone()),
            _ => Err(self.err(format!("{what} must be a string"))),
        }
    }

    /// A JSON boolean.
    pub(super) fn boolean(&self, j: &Json, what: &str) -> R<bool> {
        match j {
            Json::Bool(b) => Ok(*b),
            _ => Err(self.err(format!("{what} must be true or false"))),
        }
    }

    /// A JSON integer that fits in 64 bits.
    pub(super) fn long(&self, j: &Json, what: &str) -> R<i64> {
        match j {
            Json::Number(n) => match n.as_i64() {
                Some(v) => Ok(v),
                None if n.is_u64() => Err(self.err(format!("{what} is too large for a long"))),
                None => Err(self.err(format!("{what} must be an integer"))),
            },
            _ => Err(self.err(format!("{what} must be an integer"))),
        }
    }

    /// A JSON integer that fits in 32 bits.
    pub(super) fn int(&self, j: &Json, what: &str) -> R<i32> {
        let v = self.long(j, what)?;
        i32::try_from(v).map_err(|_| self.err(format!("{what} is too large for an int")))
    }

    /// A symbol name (§5: `[A-Za-z_][A-Za-z0-9_]*`).
    pub(super) fn symbol_name(&self, name: &str) -> R<String> {
        if is_identifier(name) {
            Ok(name.to_string())
        } else {
            Err(self.err(format!("\"{name}\" is not a valid symbol name")))
        }
    }

    // ----- types -----

    /// An Avro schema as written; `"@"` members are stripped so that schema readers
    /// never see them (§2.3), but the schema's own mark is kept in its location.
    pub(super) fn type_spec(&mut self, j: &Json) -> R<TypeSpec> {
        match j {
            Json::String(_) | Json::Array(_) => {}
            Json::Object(o) => {
                return self.in_object(o, |r| {
                    let mut json = j.clone();
                    strip_marks(&mut json);
                    Ok(TypeSpec { json, loc: r.loc() })
                })
            }
            _ => return Err(self.err("a type must be an Avro schema (string, object or array)")),
        }
        let mut json = j.clone();
        strip_marks(&mut json);
        Ok(TypeSpec {
            json,
            loc: self.loc(),
        })
    }

    // ----- expressions -----

    /// One expression (§7).
    pub(super) fn expr(&mut self, j: &Json) -> R<Expr> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err("expressions are nested too deeply"));
        }
        self.depth += 1;
        let r = self.expr_inner(j);
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, j: &Json) -> R<Expr> {
        match j {
            Json::Null => Ok(self.node(ExprKind::Null)),
            Json::Bool(b) => Ok(self.node(ExprKind::Bool(*b))),
            Json::Number(n) => {
                let kind = self.bare_number(n)?;
                Ok(self.node(kind))
            }
            Json::String(s) => self.symbol(s),
            Json::Array(items) => match items.as_slice() {
                // §7.2: [STRING] is a string literal where one expression is expected.
                [Json::String(s)] => Ok(self.node(ExprKind::Str(s.clone()))),
                _ => Err(self.err(
                    "a JSON array is not an expression here (a string literal is [\"...\"]; \
                     build arrays with \"new\" or {\"type\": ..., \"value\": ...})",
                )),
            },
            Json::Object(obj) => self.in_object(obj, |r| {
                let loc = r.loc();
                let kind = r.form(obj)?;
                Ok(Expr { loc, kind })
            }),
        }
    }

    fn node(&mut self, kind: ExprKind) -> Expr {
        Expr {
            loc: self.loc(),
            kind,
        }
    }

    /// §7.2: a bare integer is an int if it fits in 32 bits, else a long, else an error;
    /// any other number is a double.
    fn bare_number(&self, n: &Number) -> R<ExprKind> {
        if let Some(v) = n.as_i64() {
            Ok(match i32::try_from(v) {
                Ok(i) => ExprKind::Int(i),
                Err(_) => ExprKind::Long(v),
            })
        } else if n.is_u64() {
            Err(self.err(format!("integer {n} is too large for a long")))
        } else {
            match n.as_f64() {
                Some(x) if x.is_finite() => Ok(ExprKind::Double(x)),
                _ => Err(self.err(format!("number {n} cannot be represented as a double"))),
            }
        }
    }

    /// §7.1: a string is a symbol reference, or with dots a shortcut for "attr" whose
    /// first segment is the symbol and whose other segments are literal path steps
    /// (integers as int literals, anything else as string literals, §7.8.1).
    fn symbol(&mut self, s: &str) -> R<Expr> {
        if !s.contains('.') {
            let name = self.symbol_name(s)?;
            return Ok(self.node(ExprKind::Ref(name)));
        }
        let mut parts = s.split('.');
        let head = parts.next().unwrap_or_default();
        let head = self.symbol_name(head)?;
        let loc = self.loc();
        let mut path = Vec::new();
        for seg in parts {
            let kind = if seg.is_empty() {
                return Err(self.err(format!("empty path segment in \"{s}\"")));
            } else if is_integer_text(seg) {
                match seg.parse::<i32>() {
                    Ok(i) => ExprKind::Int(i),
                    Err(_) => {
                        return Err(self.err(format!("path index {seg} in \"{s}\" is too large")))
                    }
                }
            } else {
                ExprKind::Str(seg.to_string())
            };
            path.push(Expr { loc, kind });
        }
        Ok(Expr {
            loc,
            kind: ExprKind::Attr {
                expr: Box::new(Expr {
                    loc,
                    kind: ExprKind::Ref(head),
                }),
                path,
                to: None,
            },
        })
    }

    /// An expression or a JSON array of expressions (`then`, `do`, `action`, ...). Here
    /// `["x"]` is one symbol reference, not a string literal (§7.2).
    pub(super) fn exprs(&mut self, j: &Json, allow_empty: bool) -> R<Vec<Expr>> {
        match j {
            Json::Array(items) => {
                if items.is_empty() && !allow_empty {
                    return Err(self.err("must contain at least one expression"));
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(self.index(i, |r| r.expr(item))?);
                }
                Ok(out)
            }
            _ => Ok(vec![self.expr(j)?]),
        }
    }

    /// A non-empty body.
    fn body(&mut self, obj: &Obj, key: &str) -> R<Vec<Expr>> {
        self.key(key, |r| r.exprs(&obj[key], false))
    }

    /// The optional `else` body.
    fn else_body(&mut self, obj: &Obj) -> R<Option<Vec<Expr>>> {
        if obj.contains_key("else") {
            Ok(Some(self.body(obj, "else")?))
        } else {
            Ok(None)
        }
    }

    /// One expression under member `key`.
    fn sub(&mut self, obj: &Obj, key: &str) -> R<Box<Expr>> {
        self.key(key, |r| r.expr(&obj[key])).map(Box::new)
    }

    /// A JSON object of new or existing symbol names to expressions (`let`, `set`,
    /// `for`, `step`, `ifnotnull`, `fill`).
    fn bindings(&mut self, j: &Json, what: &str, allow_empty: bool) -> R<Vec<(String, Expr)>> {
        let Json::Object(o) = j else {
            return Err(self.err(format!(
                "{what} must be a JSON object of names to expressions"
            )));
        };
        self.in_object(o, |r| {
            let mut out = Vec::with_capacity(o.len());
            for (name, v) in o {
                if name == "@" {
                    continue;
                }
                let e = r.key(name, |r| {
                    r.symbol_name(name)?;
                    r.expr(v)
                })?;
                out.push((name.clone(), e));
            }
            if out.is_empty() && !allow_empty {
                return Err(r.err(format!("{what} must name at least one symbol")));
            }
            Ok(out)
        })
    }

    /// An `attr`/`cell`/`pool` path: a JSON array of expressions.
    fn path_steps(&mut self, obj: &Obj, allow_empty: bool) -> R<Vec<PathStep>> {
        self.key("path", |r| {
            let Json::Array(items) = &obj["path"] else {
                return Err(r.err("\"path\" must be a JSON array of expressions"));
            };
            if items.is_empty() && !allow_empty {
                return Err(r.err("\"path\" must have at least one element"));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(r.index(i, |r| r.expr(item))?);
            }
            Ok(out)
        })
    }

    /// The optional `to` of `attr-to`, `cell-to`, `pool-to`: a value or a function.
    fn to(&mut self, obj: &Obj) -> R<Option<To>> {
        let Some(j) = obj.get("to") else {
            return Ok(None);
        };
        self.key("to", |r| match r.fcn_arg(j)? {
            Some(f) => Ok(Some(To::Fcn(f))),
            None => Ok(Some(To::Value(Box::new(r.expr(j)?)))),
        })
    }

    /// Dispatches an object in expression position (the location is already recorded).
    /// Each form is read by its own function so that only that function's frame sits on
    /// the stack per nesting level.
    fn form(&mut self, obj: &Obj) -> R<ExprKind> {
        let Some(primary) = PRIMARY.iter().copied().find(|k| obj.contains_key(*k)) else {
            return self.form_call(obj);
        };
        match primary {
            "new" => self.form_new(obj),
            "for" => self.form_for(obj),
            "foreach" => self.form_foreach(obj),
            "forkey" | "forval" => self.form_forkey(obj),
            "cond" => self.form_cond(obj),
            "ifnotnull" => self.form_ifnotnull(obj),
            "unpack" => self.form_unpack(obj),
            "if" => self.form_if(obj),
            "while" => self.form_while(obj),
            "do" => self.form_do(obj),
            "cell" => self.form_cell(obj),
            "pool" => self.form_pool(obj),
            "attr" => self.form_attr(obj),
            "call" => self.form_call_dyn(obj),
            "cast" => self.form_cast(obj),
            "upcast" => self.form_upcast(obj),
            "pack" => self.form_pack(obj),
            "doc" => self.form_doc(obj),
            "let" | "set" => self.form_let_set(obj, primary),
            "error" => self.form_error(obj),
            "try" => self.form_try(obj),
            "log" => self.form_log(obj),
            "int" | "long" | "float" | "double" | "string" | "base64" => {
                self.keys(obj, &format!("\"{primary}\" literal"), &[primary], &[])?;
                self.key(primary, |r| r.literal(primary, &obj[primary]))
            }
            "type" | "value" => self.form_typed_literal(obj),
            "fcn" => Err(self.err(
                "a function reference {\"fcn\": ...} is only allowed as a function argument or \"to\"",
            )),
            "params" => Err(self.err(
                "a function definition {\"params\": ..., \"ret\": ..., \"do\": ...} is only allowed \
                 as a function argument or \"to\"",
            )),
            _ => Err(self.err(format!("unrecognized special form \"{primary}\""))),
        }
    }

    /// A one-member object whose name is not a keyword: a function call (§7.3).
    #[inline(never)]
    fn form_call(&mut self, obj: &Obj) -> R<ExprKind> {
        let mut names = obj.keys().filter(|k| *k != "@");
        match (names.next(), names.next()) {
            (Some(name), None) if !SECONDARY.contains(&name.as_str()) => {
                let args = self.key(name, |r| r.args(&obj[name.as_str()]))?;
                Ok(ExprKind::Call {
                    name: name.clone(),
                    args,
                })
            }
            (None, _) => Err(self.err("an empty JSON object is not an expression")),
            _ => Err(self.err(format!(
                "unrecognized special form with members {}",
                member_list(obj)
            ))),
        }
    }

    #[inline(never)]
    fn form_for(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"for\" form", &["for", "while", "step", "do"], &[])?;
        let init = self.key("for", |r| r.bindings(&obj["for"], "\"for\"", true))?;
        let cond = self.sub(obj, "while")?;
        let step = self.key("step", |r| r.bindings(&obj["step"], "\"step\"", true))?;
        let body = self.body(obj, "do")?;
        Ok(ExprKind::For {
            init,
            cond,
            step,
            body,
        })
    }

    #[inline(never)]
    fn form_foreach(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"foreach\" form", &["foreach", "in", "do"], &["seq"])?;
        let var = self.key("foreach", |r| {
            let s = r.string(&obj["foreach"], "\"foreach\"")?;
            r.symbol_name(&s)
        })?;
        let array = self.sub(obj, "in")?;
        let body = self.body(obj, "do")?;
        // Hadrian and titus treat an absent "seq" as false (§7.12.4 is ambiguous).
        let seq = match obj.get("seq") {
            Some(j) => self.key("seq", |r| r.boolean(j, "\"seq\""))?,
            None => false,
        };
        Ok(ExprKind::Foreach {
            var,
            array,
            body,
            seq,
        })
    }

    #[inline(never)]
    fn form_forkey(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(
            obj,
            "\"forkey\" form",
            &["forkey", "forval", "in", "do"],
            &[],
        )?;
        let key = self.key("forkey", |r| {
            let s = r.string(&obj["forkey"], "\"forkey\"")?;
            r.symbol_name(&s)
        })?;
        let val = self.key("forval", |r| {
            let s = r.string(&obj["forval"], "\"forval\"")?;
            r.symbol_name(&s)
        })?;
        let map = self.sub(obj, "in")?;
        let body = self.body(obj, "do")?;
        Ok(ExprKind::Forkey {
            key,
            val,
            map,
            body,
        })
    }

    #[inline(never)]
    fn form_ifnotnull(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"ifnotnull\" form", &["ifnotnull", "then"], &["else"])?;
        let bindings = self.key("ifnotnull", |r| {
            r.bindings(&obj["ifnotnull"], "\"ifnotnull\"", false)
        })?;
        let then = self.body(obj, "then")?;
        let els = self.else_body(obj)?;
        Ok(ExprKind::IfNotNull {
            bindings,
            then,
            els,
        })
    }

    #[inline(never)]
    fn form_if(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"if\" form", &["if", "then"], &["else"])?;
        let cond = self.sub(obj, "if")?;
        let then = self.body(obj, "then")?;
        let els = self.else_body(obj)?;
        Ok(ExprKind::If { cond, then, els })
    }

    #[inline(never)]
    fn form_while(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"while\" form", &["while", "do"], &[])?;
        let cond = self.sub(obj, "while")?;
        let body = self.body(obj, "do")?;
        Ok(ExprKind::While { cond, body })
    }

    #[inline(never)]
    fn form_do(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"do\" form", &["do"], &["until"])?;
        let body = self.body(obj, "do")?;
        if obj.contains_key("until") {
            let cond = self.sub(obj, "until")?;
            Ok(ExprKind::DoUntil { body, cond })
        } else {
            Ok(ExprKind::Do(body))
        }
    }

    #[inline(never)]
    fn form_cell(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"cell\" form", &["cell"], &["path", "to"])?;
        let name = self.key("cell", |r| r.string(&obj["cell"], "cell name"))?;
        let path = if obj.contains_key("path") {
            self.path_steps(obj, true)?
        } else {
            Vec::new()
        };
        let to = self.to(obj)?;
        Ok(ExprKind::Cell { name, path, to })
    }

    #[inline(never)]
    fn form_attr(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"attr\" form", &["attr", "path"], &["to"])?;
        let expr = self.sub(obj, "attr")?;
        let path = self.path_steps(obj, false)?;
        let to = self.to(obj)?;
        Ok(ExprKind::Attr { expr, path, to })
    }

    #[inline(never)]
    fn form_call_dyn(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"call\" form", &["call", "args"], &[])?;
        let which = self.sub(obj, "call")?;
        let args = self.key("args", |r| r.args(&obj["args"]))?;
        Ok(ExprKind::CallDyn { which, args })
    }

    #[inline(never)]
    fn form_upcast(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"upcast\" form", &["upcast", "as"], &[])?;
        let expr = self.sub(obj, "upcast")?;
        let ty = self.key("as", |r| r.type_spec(&obj["as"]))?;
        Ok(ExprKind::Upcast { expr, ty })
    }

    #[inline(never)]
    fn form_doc(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"doc\" form", &["doc"], &[])?;
        let s = self.key("doc", |r| r.string(&obj["doc"], "\"doc\""))?;
        Ok(ExprKind::Doc(s))
    }

    #[inline(never)]
    fn form_let_set(&mut self, obj: &Obj, which: &str) -> R<ExprKind> {
        let what = format!("\"{which}\"");
        self.keys(obj, &format!("{what} form"), &[which], &[])?;
        let b = self.key(which, |r| r.bindings(&obj[which], &what, false))?;
        Ok(if which == "let" {
            ExprKind::Let(b)
        } else {
            ExprKind::Set(b)
        })
    }

    #[inline(never)]
    fn form_error(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"error\" form", &["error"], &["code"])?;
        let message = self.key("error", |r| r.string(&obj["error"], "\"error\""))?;
        let code = match obj.get("code") {
            Some(j) => Some(self.key("code", |r| r.int(j, "\"code\""))?),
            None => None,
        };
        Ok(ExprKind::Error { message, code })
    }

    #[inline(never)]
    fn form_log(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"log\" form", &["log"], &["namespace"])?;
        let exprs = self.key("log", |r| r.exprs(&obj["log"], true))?;
        let namespace = match obj.get("namespace") {
            Some(j) => Some(self.key("namespace", |r| r.string(j, "\"namespace\""))?),
            None => None,
        };
        Ok(ExprKind::Log { exprs, namespace })
    }

    #[inline(never)]
    fn form_typed_literal(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "typed literal", &["type", "value"], &[])?;
        let ty = self.key("type", |r| r.type_spec(&obj["type"]))?;
        let mut value = obj["value"].clone();
        strip_marks(&mut value);
        Ok(ExprKind::Literal { ty, value })
    }

    /// `{"int": n}`, `{"long": n}`, `{"float": x}`, `{"double": x}`, `{"string": s}`,
    /// `{"base64": s}` (§7.2), read at the member's path.
    fn literal(&self, which: &str, j: &Json) -> R<ExprKind> {
        match which {
            "int" => Ok(ExprKind::Int(self.int(j, "an int literal")?)),
            "long" => Ok(ExprKind::Long(self.long(j, "a long literal")?)),
            "float" => {
                let x = self.number(j, "a float literal")?;
                if x.abs() > f32::MAX as f64 {
                    return Err(self.err(format!("{x} is too large for a float")));
                }
                let f = x as f32;
                if x != 0.0 && f == 0.0 {
                    return Err(self.err(format!("{x} is too small for a float")));
                }
                Ok(ExprKind::Float(f))
            }
            "double" => Ok(ExprKind::Double(self.number(j, "a double literal")?)),
            "string" => Ok(ExprKind::Str(self.string(j, "a string literal")?)),
            _ => {
                let s = self.string(j, "a base64 literal")?;
                decode_base64(&s)
                    .map(ExprKind::Bytes)
                    .ok_or_else(|| self.err("invalid base64 in a bytes literal"))
            }
        }
    }

    /// Any finite JSON number.
    fn number(&self, j: &Json, what: &str) -> R<f64> {
        match j.as_f64() {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(self.err(format!("{what} must be a number"))),
        }
    }

    #[inline(never)]
    fn form_new(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"new\" form", &["new", "type"], &[])?;
        let (items, is_object) = self.key("new", |r| match &obj["new"] {
            Json::Array(a) => {
                let mut items = Vec::with_capacity(a.len());
                for (i, j) in a.iter().enumerate() {
                    items.push((None, r.index(i, |r| r.expr(j))?));
                }
                Ok((items, false))
            }
            Json::Object(o) => r.in_object(o, |r| {
                let mut items = Vec::with_capacity(o.len());
                for (k, j) in o {
                    if k != "@" {
                        items.push((Some(k.clone()), r.key(k, |r| r.expr(j))?));
                    }
                }
                Ok((items, true))
            }),
            _ => Err(r.err("\"new\" must be a JSON array or object of expressions")),
        })?;
        let ty = self.key("type", |r| r.type_spec(&obj["type"]))?;
        Ok(ExprKind::New {
            items,
            is_object,
            ty,
        })
    }

    #[inline(never)]
    fn form_cond(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"cond\" form", &["cond"], &["else"])?;
        let cases = self.key("cond", |r| {
            let Json::Array(items) = &obj["cond"] else {
                return Err(r.err("\"cond\" must be a JSON array of {\"if\", \"then\"} objects"));
            };
            if items.is_empty() {
                return Err(r.err("\"cond\" must have at least one \"if\" case"));
            }
            let mut cases = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                cases.push(r.index(i, |r| {
                    let Json::Object(o) = item else {
                        return Err(r.err("a \"cond\" case must be an {\"if\", \"then\"} object"));
                    };
                    r.in_object(o, |r| {
                        r.keys(o, "a \"cond\" case", &["if", "then"], &[])?;
                        let cond = r.key("if", |r| r.expr(&o["if"]))?;
                        let body = r.body(o, "then")?;
                        Ok((cond, body))
                    })
                })?);
            }
            Ok(cases)
        })?;
        let els = self.else_body(obj)?;
        Ok(ExprKind::Cond { cases, els })
    }

    #[inline(never)]
    fn form_pool(&mut self, obj: &Obj) -> R<ExprKind> {
        let name = self.key("pool", |r| r.string(&obj["pool"], "pool name"))?;
        if obj.contains_key("del") {
            self.keys(obj, "\"pool-del\" form", &["pool", "del"], &[])?;
            let key = self.sub(obj, "del")?;
            return Ok(ExprKind::PoolDel { name, key });
        }
        self.keys(obj, "\"pool\" form", &["pool", "path"], &["to", "init"])?;
        // §7.9.4: pool-to always says how to create a missing item.
        match (obj.contains_key("to"), obj.contains_key("init")) {
            (false, true) => {
                return Err(self.err_at("init", "\"init\" is only allowed with \"to\" (pool-to)"))
            }
            (true, false) => return Err(self.err("\"pool\" with \"to\" requires \"init\"")),
            _ => {}
        }
        let path = self.path_steps(obj, false)?;
        let to = self.to(obj)?;
        let init = match obj.get("init") {
            Some(j) => Some(Box::new(self.key("init", |r| r.expr(j))?)),
            None => None,
        };
        Ok(ExprKind::Pool {
            name,
            path,
            to,
            init,
        })
    }

    #[inline(never)]
    fn form_cast(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"cast\" form", &["cast", "cases"], &["partial"])?;
        let expr = self.sub(obj, "cast")?;
        let cases = self.key("cases", |r| {
            let Json::Array(items) = &obj["cases"] else {
                return Err(r.err("\"cases\" must be a JSON array of {\"as\", \"named\", \"do\"}"));
            };
            if items.is_empty() {
                return Err(r.err("\"cases\" must have at least one case"));
            }
            let mut cases = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                cases.push(r.index(i, |r| {
                    let Json::Object(o) = item else {
                        return Err(
                            r.err("a cast case must be an {\"as\", \"named\", \"do\"} object")
                        );
                    };
                    r.in_object(o, |r| {
                        let loc = r.loc();
                        r.keys(o, "a cast case", &["as", "named", "do"], &[])?;
                        let as_type = r.key("as", |r| r.type_spec(&o["as"]))?;
                        let named = r.key("named", |r| {
                            let s = r.string(&o["named"], "\"named\"")?;
                            r.symbol_name(&s)
                        })?;
                        let body = r.body(o, "do")?;
                        Ok(CastCase {
                            as_type,
                            named,
                            body,
                            loc,
                        })
                    })
                })?);
            }
            Ok(cases)
        })?;
        let partial = match obj.get("partial") {
            Some(j) => self.key("partial", |r| r.boolean(j, "\"partial\""))?,
            None => false,
        };
        Ok(ExprKind::Cast {
            expr,
            cases,
            partial,
        })
    }

    #[inline(never)]
    fn form_unpack(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(
            obj,
            "\"unpack\" form",
            &["unpack", "format", "then"],
            &["else"],
        )?;
        let bytes = self.sub(obj, "unpack")?;
        let format = self.key("format", |r| {
            let Json::Array(items) = &obj["format"] else {
                return Err(r.err("\"format\" must be a JSON array of {symbol: format} objects"));
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(r.index(i, |r| {
                    let (o, name, value) = r.single_member(item, "a \"format\" item")?;
                    r.in_object(o, |r| {
                        let name = r.symbol_name(name)?;
                        let loc = r.loc();
                        let format = r.key(&name, |r| r.string(value, "a format specifier"))?;
                        Ok((name, PackFormat { format, loc }))
                    })
                })?);
            }
            Ok(out)
        })?;
        let then = self.body(obj, "then")?;
        let els = self.else_body(obj)?;
        Ok(ExprKind::Unpack {
            bytes,
            format,
            then,
            els,
        })
    }

    #[inline(never)]
    fn form_pack(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"pack\" form", &["pack"], &[])?;
        self.key("pack", |r| {
            let Json::Array(items) = &obj["pack"] else {
                return Err(r.err("\"pack\" must be a JSON array of {format: expression} objects"));
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(r.index(i, |r| {
                    let (o, format, value) = r.single_member(item, "a \"pack\" item")?;
                    r.in_object(o, |r| {
                        let loc = r.loc();
                        let e = r.key(format, |r| r.expr(value))?;
                        let format = format.to_string();
                        Ok((PackFormat { format, loc }, e))
                    })
                })?);
            }
            Ok(ExprKind::Pack(out))
        })
    }

    #[inline(never)]
    fn form_try(&mut self, obj: &Obj) -> R<ExprKind> {
        self.keys(obj, "\"try\" form", &["try"], &["filter"])?;
        let body = self.body(obj, "try")?;
        let filter = match obj.get("filter") {
            None => None,
            Some(j) => Some(self.key("filter", |r| {
                let Json::Array(items) = j else {
                    return Err(r.err("\"filter\" must be a JSON array of strings and integers"));
                };
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(r.index(i, |r| match item {
                        Json::String(s) => Ok(TryFilter::Message(s.clone())),
                        Json::Number(_) => Ok(TryFilter::Code(r.int(item, "an error code")?)),
                        _ => Err(r.err("a \"filter\" item must be a string or an integer")),
                    })?);
                }
                Ok(out)
            })?),
        };
        Ok(ExprKind::Try { body, filter })
    }

    /// An object with exactly one member besides `"@"`: the object, its member name and
    /// value (callers read inside [`Reader::in_object`] so that the mark applies).
    fn single_member<'a>(&self, j: &'a Json, what: &str) -> R<(&'a Obj, &'a str, &'a Json)> {
        if let Json::Object(o) = j {
            let mut members = o.iter().filter(|(k, _)| *k != "@");
            if let (Some((k, v)), None) = (members.next(), members.next()) {
                return Ok((o, k.as_str(), v));
            }
        }
        Err(self.err(format!("{what} must be a single-member JSON object")))
    }

    // ----- calls and functions -----

    /// Call arguments: a JSON array of arguments, or one argument (§7.3). An array
    /// here is always an argument list, so `["x"]` is one symbol reference.
    fn args(&mut self, j: &Json) -> R<Vec<Arg>> {
        match j {
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(self.index(i, |r| r.arg(item))?);
                }
                Ok(out)
            }
            _ => Ok(vec![self.arg(j)?]),
        }
    }

    fn arg(&mut self, j: &Json) -> R<Arg> {
        match self.fcn_arg(j)? {
            Some(f) => Ok(Arg::Fcn(f)),
            None => Ok(Arg::Expr(self.expr(j)?)),
        }
    }

    /// A function reference (`fcn`, optional `fill`, §6.3.1) or inline definition
    /// (§6.2.1); `None` if `j` is neither.
    fn fcn_arg(&mut self, j: &Json) -> R<Option<FcnArg>> {
        let Json::Object(o) = j else {
            return Ok(None);
        };
        if o.contains_key("fcn") {
            let f = self.in_object(o, |r| {
                let loc = r.loc();
                r.keys(o, "a function reference", &["fcn"], &["fill"])?;
                let name = r.key("fcn", |r| r.string(&o["fcn"], "\"fcn\""))?;
                let fill = match o.get("fill") {
                    Some(j) => r.key("fill", |r| r.bindings(j, "\"fill\"", true))?,
                    None => Vec::new(),
                };
                Ok(FcnArg::Ref { name, fill, loc })
            })?;
            Ok(Some(f))
        } else if o.contains_key("params") {
            Ok(Some(FcnArg::Def(Box::new(self.fcndef(j)?))))
        } else {
            Ok(None)
        }
    }

    /// `{"params": [{name: type}...], "ret": type, "do": body}` (§6.2.1).
    pub(super) fn fcndef(&mut self, j: &Json) -> R<FcnDef> {
        let Json::Object(o) = j else {
            return Err(self
                .err("a function definition must be a {\"params\", \"ret\", \"do\"} JSON object"));
        };
        self.in_object(o, |r| {
            let loc = r.loc();
            r.keys(o, "a function definition", &["params", "ret", "do"], &[])?;
            let params = r.key("params", |r| {
                let Json::Array(items) = &o["params"] else {
                    return Err(r.err("\"params\" must be a JSON array of {name: type} objects"));
                };
                let mut params: Vec<Param> = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let p = r.index(i, |r| {
                        let (po, name, ty) = r.single_member(item, "a parameter")?;
                        r.in_object(po, |r| {
                            let name = r.symbol_name(name)?;
                            if params.iter().any(|p| p.name == name) {
                                return Err(r.err(format!("duplicate parameter \"{name}\"")));
                            }
                            let ty = r.key(&name, |r| r.type_spec(ty))?;
                            Ok(Param { name, ty })
                        })
                    })?;
                    params.push(p);
                }
                Ok(params)
            })?;
            let ret = r.key("ret", |r| r.type_spec(&o["ret"]))?;
            let body = r.body(o, "do")?;
            Ok(FcnDef {
                params,
                ret,
                body,
                loc,
            })
        })
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`: symbol, cell and pool names.
pub(super) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `[A-Za-z_]([A-Za-z0-9_]|\.[A-Za-z][A-Za-z0-9_]*)*`: function names (§6).
pub(super) fn is_function_name(s: &str) -> bool {
    let mut words = s.split('.');
    words.next().is_some_and(is_identifier)
        && words.all(|w| w.starts_with(|c: char| c.is_ascii_alphabetic()) && is_identifier(w))
}

/// An optionally negative run of ASCII digits.
fn is_integer_text(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Base64 with or without padding; whitespace (line breaks in long literals) is ignored.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    let cleaned: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD
        .decode(&cleaned)
        .or_else(|_| STANDARD_NO_PAD.decode(&cleaned))
        .ok()
}

/// `"a", "b"` for error messages.
fn member_list(obj: &Obj) -> String {
    let names: Vec<String> = obj
        .keys()
        .filter(|k| *k != "@")
        .map(|k| format!("\"{k}\""))
        .collect();
    names.join(", ")
}

/// Removes every `"@"` member from embedded data and schemas (§2.3: marks may appear in
/// them and must not reach the schema or data readers). Iterative, so large or deep
/// cell data cannot overflow the stack.
pub(super) fn strip_marks(j: &mut Json) {
    let mut stack = vec![j];
    while let Some(v) = stack.pop() {
        match v {
            Json::Object(m) => {
                if m.contains_key("@") {
                    m.retain(|k, _| k != "@");
                }
                stack.extend(m.values_mut().filter(|v| is_container(v)));
            }
            Json::Array(a) => stack.extend(a.iter_mut().filter(|v| is_container(v))),
            _ => {}
        }
    }
}

fn is_container(j: &Json) -> bool {
    matches!(j, Json::Object(_) | Json::Array(_))
}
