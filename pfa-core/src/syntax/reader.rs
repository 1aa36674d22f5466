//! JSON/YAML text -> JSON tree -> [`Document`].

use serde_json::Value as Json;

use super::ast::Document;
use crate::error::PfaError;

/// Parses JSON or YAML text (YAML is tried when the text is not JSON).
pub fn read_text(text: &str) -> Result<Json, PfaError> {
    let _ = text;
    todo!("reader")
}

/// Reads a document file, un-gzipping it if needed.
pub fn read_file(path: &std::path::Path) -> Result<String, PfaError> {
    let _ = path;
    todo!("reader")
}

/// Turns a JSON tree into a [`Document`], or a syntax error naming the path.
pub fn read_document(json: &Json) -> Result<Document, PfaError> {
    let _ = json;
    todo!("reader")
}
