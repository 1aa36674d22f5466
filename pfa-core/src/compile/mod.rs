//! Compiles the typed IR to bytecode for the VM.

use crate::engine::LoadOptions;
use crate::error::PfaError;
use crate::syntax::ast::{Document, Method};
use crate::types::{Type, TypeTable};

/// A compiled program: everything engines share.
pub struct Compiled {
    pub name: String,
    pub method: Method,
    pub input_type: Type,
    pub output_type: Type,
    pub types: TypeTable,
    pub warnings: Vec<String>,
}

/// Checks and compiles a document.
pub fn build(doc: Document, opts: &LoadOptions) -> Result<Compiled, PfaError> {
    let _ = (doc, opts);
    todo!("compile")
}
