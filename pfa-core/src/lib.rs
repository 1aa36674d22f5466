//! # pfa-core
//!
//! A scoring engine for PFA 0.8.1 (Portable Format for Analytics): reads a PFA document
//! (JSON or YAML), type-checks it against the specification, compiles it to bytecode and
//! runs it on a register VM.
//!
//! ```
//! use pfa_core::{LoadOptions, Program, Value};
//!
//! let doc = r#"{"input": "int", "output": "int", "action": [{"+": ["input", 1]}]}"#;
//! let program = Program::from_str(doc, &LoadOptions::default()).unwrap();
//! let mut engine = program.engine().unwrap();
//! engine.begin().unwrap();
//! for x in [1, 2, 3] {
//!     let out = engine.action(Value::Int(x)).unwrap();
//!     assert!(matches!(out, Value::Int(y) if y == x + 1));
//! }
//! engine.end().unwrap();
//! ```
#![warn(missing_docs)]

pub mod engine;
pub mod error;
pub mod library;
pub mod syntax;
pub mod types;
pub mod value;

pub(crate) mod check;
pub(crate) mod compile;
pub(crate) mod vm;

pub use engine::{EmitFn, Engine, LoadOptions, LogFn, Program};
pub use error::{PfaError, RuntimeError};
pub use syntax::ast::Method;
pub use types::{Type, TypeTable};
pub use value::json::JsonStyle;
pub use value::Value;

// Keeps the README's Rust example compiling and correct.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
