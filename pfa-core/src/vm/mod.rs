//! The bytecode VM: one [`Machine`] per engine instance.

pub mod instr;

use std::sync::Arc;

use serde_json::Value as Json;

use crate::compile::Compiled;
use crate::engine::EmitFn;
use crate::error::PfaError;
use crate::value::json::JsonStyle;
use crate::value::Value;

/// Per-instance state and execution.
pub struct Machine {
    program: Arc<Compiled>,
    instance: usize,
}

impl Machine {
    pub fn instances(program: &Arc<Compiled>, n: usize) -> Result<Vec<Machine>, PfaError> {
        Ok((0..n).map(|i| Machine { program: program.clone(), instance: i }).collect())
    }
    pub fn instance(&self) -> usize {
        self.instance
    }
    pub fn program(&self) -> &Arc<Compiled> {
        &self.program
    }
    pub fn begin(&mut self) -> Result<(), PfaError> {
        todo!()
    }
    pub fn action(&mut self, input: Value) -> Result<Value, PfaError> {
        let _ = input;
        todo!()
    }
    pub fn end(&mut self) -> Result<(), PfaError> {
        todo!()
    }
    pub fn set_emit(&mut self, f: EmitFn) {
        let _ = f;
        todo!()
    }
    pub fn merge(&mut self, one: Value, two: Value) -> Result<Value, PfaError> {
        let _ = (one, two);
        todo!()
    }
    pub fn tally(&self) -> Option<&Value> {
        todo!()
    }
    pub fn set_tally(&mut self, v: Value) -> Result<(), PfaError> {
        let _ = v;
        todo!()
    }
    pub fn state_json(&self, style: JsonStyle) -> Json {
        let _ = style;
        todo!()
    }
    pub fn snapshot(&self) -> Json {
        todo!()
    }
}
