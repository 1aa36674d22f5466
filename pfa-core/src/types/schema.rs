//! Avro schema JSON <-> [`Type`], with named types defined anywhere in a document.

use serde_json::Value as Json;

use super::{Type, TypeTable};

/// Error in a schema: message and path inside the schema JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaError {
    /// What is wrong.
    pub message: String,
    /// Which of the schemas given (index into the input slice).
    pub index: usize,
}

/// Reads many schemas that may define and reference named types in any order.
pub fn resolve_all(schemas: &[&Json], table: &mut TypeTable) -> Result<Vec<Type>, SchemaError> {
    let _ = (schemas, table);
    todo!("schema")
}

/// Writes a type as Avro schema JSON; each named type is written in full the first time
/// it appears and by name afterwards.
pub fn to_schema_json(ty: &Type, table: &TypeTable) -> Json {
    let _ = (ty, table);
    todo!("schema")
}
