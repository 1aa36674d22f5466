//! Library function signatures as patterns over types (spec §4.6), their compact text
//! notation (parsed with pest, see `signature.pest`), and matching of argument types
//! against a signature.
//!
//! Notation, mirroring the `<sig>` elements of the spec's function list:
//! ```text
//! (x: any A of {int, long, float, double}, y: A) -> A
//! (a: array<any A>, fcn: fcn(A) -> any B) -> array<B>
//! (datum: record D, comparison: record T {field: enum F of fields of D, operator: string, value: any V}) -> boolean
//! (x: union<null, any A>) -> boolean
//! (x: fixed A) -> bytes        (x: enum A) -> string
//! ```

use super::Type;

/// A type pattern in a library signature.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    /// `null`
    Null,
    /// `boolean`
    Boolean,
    /// `int`
    Int,
    /// `long`
    Long,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `string`
    String,
    /// `bytes`
    Bytes,
    /// `array<P>`
    Array(Box<Pattern>),
    /// `map<P>`
    Map(Box<Pattern>),
    /// `union<P, Q, ...>`
    Union(Vec<Pattern>),
    /// `fcn(P, Q) -> R`: a function argument.
    Fcn {
        /// Parameter patterns.
        params: Vec<Pattern>,
        /// Return pattern.
        ret: Box<Pattern>,
    },
    /// `any A` or `any A of {int, long}`: binds label `A` to the matched type.
    Any {
        /// Label.
        label: String,
        /// Allowed types, if restricted.
        of: Option<Vec<Type>>,
    },
    /// `A`: the type already bound to label `A`.
    Ref(String),
    /// `record A` or `record A {f: P, ...}`: any record type (with at least these fields).
    Record {
        /// Label.
        label: String,
        /// Required fields.
        fields: Vec<(String, Pattern)>,
    },
    /// `enum A` or `enum A of fields of D`.
    Enum {
        /// Label.
        label: String,
        /// If set: symbols must be the field names of the record bound to this label.
        of_record: Option<String>,
    },
    /// `fixed A`: any fixed type.
    Fixed {
        /// Label.
        label: String,
    },
}

/// One signature of a library function.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// Named parameters in order.
    pub params: Vec<(String, Pattern)>,
    /// Return pattern.
    pub ret: Pattern,
}

/// The result of matching argument types against a signature.
#[derive(Clone, Debug, PartialEq)]
pub struct SigMatch {
    /// For each argument, the concrete parameter type the argument is passed as (the
    /// argument's value must be promoted to this type, e.g. `int` to `double`).
    pub params: Vec<Type>,
    /// The concrete return type.
    pub ret: Type,
}

impl Signature {
    /// Parses the text notation.
    pub fn parse(text: &str) -> Result<Signature, String> {
        let _ = text;
        todo!("pattern")
    }

    /// Matches argument types (function arguments as [`Type::Fcn`]); `None` if they
    /// don't fit.
    pub fn matches(&self, args: &[Type], table: &super::TypeTable) -> Option<SigMatch> {
        let _ = (args, table);
        todo!("pattern")
    }
}
