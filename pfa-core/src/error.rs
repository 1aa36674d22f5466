//! Errors, by the phase that raises them (spec §3.7): syntax, semantic and
//! initialization errors at load time; runtime, user and timeout errors while scoring.

use crate::syntax::ast::Loc;

/// Any error raised by loading or running a PFA document.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PfaError {
    /// The document is not well-formed PFA (bad JSON/YAML, unknown keys, malformed forms).
    #[error("PFA syntax error at {loc}: {message}")]
    Syntax {
        /// What is wrong.
        message: String,
        /// Where.
        loc: Loc,
    },
    /// The document is well-formed but violates the type or scope rules.
    #[error("PFA semantic error at {loc}: {message}")]
    Semantic {
        /// What is wrong.
        message: String,
        /// Where.
        loc: Loc,
    },
    /// The engine could not be initialized (bad cell data, unreadable source, failing begin).
    #[error("PFA initialization error{}: {message}", loc_suffix(.loc))]
    Initialization {
        /// What is wrong.
        message: String,
        /// Where, if known.
        loc: Option<Loc>,
    },
    /// A library function or special form failed at run time.
    #[error("{0}")]
    Runtime(RuntimeError),
    /// An `error` special form was evaluated.
    #[error("PFA user error{}{}: {message}", code.map(|c| format!(" {c}")).unwrap_or_default(), loc_suffix(.loc))]
    User {
        /// The message given in the document.
        message: String,
        /// The optional (negative) code.
        code: Option<i32>,
        /// Where.
        loc: Option<Loc>,
    },
    /// A begin, action or end ran longer than allowed.
    #[error("exceeded timeout of {ms} milliseconds")]
    Timeout {
        /// The limit that was exceeded.
        ms: u64,
    },
    /// A datum given to the engine does not match the expected type.
    #[error("bad input datum{}: {message}", .at.as_ref().map(|a| format!(" at {a}")).unwrap_or_default())]
    Data {
        /// What is wrong.
        message: String,
        /// Path inside the datum, if known.
        at: Option<String>,
    },
    /// An operation was used in the wrong state (e.g. `merge` on a map engine).
    #[error("{0}")]
    Usage(String),
}

fn loc_suffix(loc: &Option<Loc>) -> String {
    match loc {
        Some(l) => format!(" at {l}"),
        None => String::new(),
    }
}

/// A runtime error with its spec-defined code (spec §3.7 and libfcns.xml).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("PFA runtime error {code}{}{}: {message}", fcn.as_ref().map(|f| format!(" in {f}")).unwrap_or_default(), loc_suffix(.loc))]
pub struct RuntimeError {
    /// The error code (e.g. 18000 for int overflow in `+`).
    pub code: i32,
    /// The message, exactly as the spec gives it.
    pub message: String,
    /// The function or special form that raised it.
    pub fcn: Option<String>,
    /// Where in the document.
    pub loc: Option<Loc>,
}

impl PfaError {
    /// A runtime error with a code and message; the VM fills in function and location.
    pub fn runtime(code: i32, message: impl Into<String>) -> PfaError {
        PfaError::Runtime(RuntimeError {
            code,
            message: message.into(),
            fcn: None,
            loc: None,
        })
    }

    /// The spec's exception class name (`PFASyntaxException`, `PFARuntimeException`, ...).
    pub fn class(&self) -> &'static str {
        match self {
            PfaError::Syntax { .. } => "PFASyntaxException",
            PfaError::Semantic { .. } => "PFASemanticException",
            PfaError::Initialization { .. } => "PFAInitializationException",
            PfaError::Runtime(_) => "PFARuntimeException",
            PfaError::User { .. } => "PFAUserException",
            PfaError::Timeout { .. } => "PFATimeoutException",
            PfaError::Data { .. } => "PFADataException",
            PfaError::Usage(_) => "PFAUsageException",
        }
    }

    /// The numeric code of a runtime or user error.
    pub fn code(&self) -> Option<i32> {
        match self {
            PfaError::Runtime(r) => Some(r.code),
            PfaError::User { code, .. } => *code,
            _ => None,
        }
    }

    /// The bare message (without class, code or location).
    pub fn message(&self) -> String {
        match self {
            PfaError::Syntax { message, .. }
            | PfaError::Semantic { message, .. }
            | PfaError::Initialization { message, .. }
            | PfaError::User { message, .. }
            | PfaError::Data { message, .. } => message.clone(),
            PfaError::Runtime(r) => r.message.clone(),
            PfaError::Timeout { ms } => format!("exceeded timeout of {ms} milliseconds"),
            PfaError::Usage(m) => m.clone(),
        }
    }
}

/// Result alias for this crate.
pub type Result<T, E = PfaError> = std::result::Result<T, E>;
