//! Type checking: resolves symbols to slots, types every expression, picks library
//! implementations, and produces the typed IR that the compiler turns into bytecode.
