//! JSON/YAML text -> JSON tree -> [`Document`].
//!
//! Text is JSON when its first non-blank character is `{`, YAML otherwise. Broken JSON is
//! never retried as YAML: YAML would accept much of it with a different meaning (`{"a": }`
//! is a valid YAML mapping to null). YAML is turned into the same JSON tree, rejecting
//! what JSON cannot express (non-string keys, tags, non-finite numbers), so everything
//! after this point sees one representation.

use std::io::Read as _;

use serde_json::{Map, Value as Json};

use super::ast::{Document, Loc};
use super::forms::ROOT;
use crate::error::PfaError;

/// Parses JSON or YAML text: JSON if the first non-blank character is `{`, else YAML.
///
/// # Errors
/// [`PfaError::Syntax`] with the line and column the parser reports.
pub fn read_text(text: &str) -> Result<Json, PfaError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.trim_start().starts_with('{') {
        return read_yaml(text);
    }
    match serde_json::from_str(text) {
        Ok(j) => Ok(j),
        Err(e) => {
            let full = e.to_string();
            // serde_json appends " at line L column C"; say it once, our way.
            let msg = full.split(" at line ").next().unwrap_or(&full);
            Err(syntax(format!(
                "invalid JSON at line {}, column {}: {msg}",
                e.line(),
                e.column()
            )))
        }
    }
}

fn read_yaml(text: &str) -> Result<Json, PfaError> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let full = e.to_string();
        let msg = match e.location() {
            Some(l) => format!(
                "invalid YAML at line {}, column {}: {}",
                l.line(),
                l.column(),
                full.split(" at line ").next().unwrap_or(&full)
            ),
            None => format!("invalid YAML: {full}"),
        };
        syntax(msg)
    })?;
    let mut path = String::new();
    yaml_to_json(yaml, &mut path, 0)
}

/// Reads a document file, un-gzipping it if needed (gzip magic bytes `1f 8b`).
///
/// # Errors
/// [`PfaError::Initialization`] if the file cannot be read, [`PfaError::Syntax`] if it is
/// not valid gzip or not UTF-8 text; both name the file.
pub fn read_file(path: &std::path::Path) -> Result<String, PfaError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| PfaError::Initialization {
        message: format!("cannot read PFA document {shown}: {e}"),
        loc: None,
    })?;
    let file_error = |message: String| PfaError::Syntax {
        message,
        loc: Loc {
            path: shown.clone(),
            mark: None,
        },
    };
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| file_error(format!("cannot decompress gzip file {shown}: {e}")))?;
        out
    } else {
        bytes
    };
    String::from_utf8(bytes).map_err(|e| file_error(format!("{shown} is not UTF-8 text: {e}")))
}

/// Turns a JSON tree into a [`Document`], or a syntax error naming the path.
///
/// # Errors
/// [`PfaError::Syntax`] whose location is the path of the offending member (like
/// `action[0].let.x`) and the nearest `"@"` locator mark.
pub fn read_document(json: &Json) -> Result<Document, PfaError> {
    super::document::read(json)
}

#[cold]
fn syntax(message: String) -> PfaError {
    PfaError::Syntax {
        message,
        loc: Loc {
            path: ROOT.to_string(),
            mark: None,
        },
    }
}

/// YAML nesting is bounded by the YAML parser; this is a second guard for the recursion.
const MAX_YAML_DEPTH: usize = 512;

fn yaml_to_json(y: serde_yaml::Value, path: &mut String, depth: usize) -> Result<Json, PfaError> {
    use serde_yaml::Value as Y;
    let at = |path: &str| if path.is_empty() { ROOT } else { path }.to_string();
    if depth > MAX_YAML_DEPTH {
        return Err(syntax(format!("YAML nested too deeply at {}", at(path))));
    }
    Ok(match y {
        Y::Null => Json::Null,
        Y::Bool(b) => Json::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                Json::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match serde_json::Number::from_f64(f) {
                    Some(n) => Json::Number(n),
                    None => {
                        return Err(syntax(format!(
                            "YAML number {n} at {} has no JSON equivalent",
                            at(path)
                        )))
                    }
                }
            }
        }
        Y::String(s) => Json::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let n = path.len();
                path.push_str(&format!("[{i}]"));
                let v = yaml_to_json(item, path, depth + 1);
                path.truncate(n);
                out.push(v?);
            }
            Json::Array(out)
        }
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let Y::String(k) = k else {
                    return Err(syntax(format!(
                        "YAML mapping key at {} is not a string (JSON keys must be strings)",
                        at(path)
                    )));
                };
                let n = path.len();
                if n > 0 {
                    path.push('.');
                }
                path.push_str(&k);
                let v = yaml_to_json(v, path, depth + 1);
                path.truncate(n);
                out.insert(k, v?);
            }
            Json::Object(out)
        }
        Y::Tagged(t) => {
            return Err(syntax(format!(
                "YAML tag {} at {} has no JSON equivalent",
                t.tag,
                at(path)
            )))
        }
    })
}
