//! Runs the PFA conformance data against pfa-core and reports the results.
//!
//! Two kinds of input (described in the conformance data's README):
//! - the function-library suite (`pfa-tests.json`, plain or gzip), streamed example by
//!   example ([`suite`]);
//! - engine vectors (`*.jsonl`): whole engines with sequences of calls ([`vectors`]).
//!
//! The engine is reached through the [`suite::SuiteEngine`] and
//! [`vectors::VectorEngine`] traits; [`backend::PfaCore`] implements them with pfa-core,
//! and tests substitute fakes to exercise comparison and reporting on their own.
#![warn(missing_docs)]

pub mod backend;
pub mod cli;
pub mod compare;
pub mod deviations;
pub mod guard;
pub mod outcome;
pub mod pool;
pub mod report;
pub mod scan;
pub mod schema;
pub mod suite;
pub mod vectors;
