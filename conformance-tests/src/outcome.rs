//! What running something on an engine produced, independent of the engine: a JSON
//! value, a PFA error, or a panic. Engines under test report through these types, and
//! the comparison and report code only ever sees these.

use serde_json::Value as Json;

use crate::report::truncate;

/// An error raised by the engine, as the spec classifies it.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorInfo {
    /// Exception class: `PFARuntimeException`, `PFAUserException`, ...
    pub class: String,
    /// Numeric code of runtime and user errors.
    pub code: Option<i64>,
    /// The bare message.
    pub message: String,
}

impl ErrorInfo {
    /// A new error description.
    pub fn new(class: impl Into<String>, code: Option<i64>, message: impl Into<String>) -> Self {
        ErrorInfo {
            class: class.into(),
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ErrorInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code {
            Some(c) => write!(f, "{} {c}: {}", self.class, self.message),
            None => write!(f, "{}: {}", self.class, self.message),
        }
    }
}

/// Why something produced no value.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The engine raised an error.
    Error(ErrorInfo),
    /// The engine panicked (a bug in the engine, never acceptable).
    Panic(String),
    /// Not run, because an earlier step broke the engine (the reason says which).
    Skipped(String),
}

impl Failure {
    /// A one-line description for reports.
    pub fn describe(&self) -> String {
        match self {
            Failure::Error(e) => truncate(&e.to_string(), 300),
            Failure::Panic(m) => format!("panic: {}", truncate(m, 300)),
            Failure::Skipped(m) => format!("not run: {}", truncate(m, 300)),
        }
    }

    /// A key grouping similar load failures: the class and the message with quoted
    /// names and numbers blanked out (`library function "…" is not implemented`).
    pub fn load_key(&self) -> String {
        match self {
            Failure::Error(e) => format!("{}: {}", e.class, truncate(&normalize(&e.message), 100)),
            other => other.key(),
        }
    }

    /// A short key grouping similar failures (class, or the panic message).
    pub fn key(&self) -> String {
        match self {
            Failure::Error(e) => e.class.clone(),
            Failure::Panic(m) => format!("panic: {}", truncate(m, 120)),
            Failure::Skipped(m) => format!("not run: {}", truncate(m, 120)),
        }
    }
}

/// Blanks out quoted text and numbers, so messages that differ only in names or values
/// group together; keeps the first line only.
pub fn normalize(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or("");
    let mut out = String::with_capacity(first.len());
    let mut in_quote = false;
    let mut last_digit = false;
    for c in first.chars() {
        if c == '"' {
            if in_quote {
                out.push_str("…\"");
            } else {
                out.push('"');
            }
            in_quote = !in_quote;
            last_digit = false;
        } else if in_quote {
        } else if c.is_ascii_digit() {
            if !last_digit {
                out.push('N');
            }
            last_digit = true;
        } else {
            last_digit = false;
            out.push(c);
        }
    }
    out
}

/// The result of one call: its JSON-encoded output or why there is none.
pub type Outcome = Result<Json, Failure>;

/// Describes an outcome for a report.
pub fn describe_outcome(o: &Outcome) -> String {
    match o {
        Ok(j) => truncate(&j.to_string(), 300),
        Err(f) => f.describe(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing() {
        assert_eq!(
            normalize("library function \"m.x\" is not implemented"),
            "library function \"…\" is not implemented"
        );
        assert_eq!(
            normalize("found 0.0147 at $.a[12]\nmore"),
            "found N.N at $.a[N]"
        );
        let f = Failure::Error(ErrorInfo::new(
            "PFASemanticException",
            None,
            "no cell \"y\"",
        ));
        assert_eq!(f.load_key(), "PFASemanticException: no cell \"…\"");
    }
}
