//! Tests of the POSIX engine and the `re.*` natives.
