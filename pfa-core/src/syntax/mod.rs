//! Reading PFA documents: JSON or YAML text into a JSON tree, then the tree into the
//! untyped [`ast::Document`]. This module knows no types beyond raw schema JSON.

pub mod ast;
mod document;
mod forms;
mod reader;

pub use reader::{read_document, read_file, read_text};

#[cfg(test)]
mod tests;
