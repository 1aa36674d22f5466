//! String library (spec §13): `s.*`.
//!
//! A PFA string is a sequence of Unicode code points, so every length and index here
//! counts code points, never UTF-8 bytes: `s.len("oneee−two")` is 9 although the minus
//! sign takes three bytes. Index arguments follow Python's slice rules (negative indexes
//! count from the end, out-of-range indexes are clamped, and an end before the start
//! selects the empty string just before the start).
//!
//! Search and replace functions take their arguments literally; regular expressions are
//! the `re.*` namespace. Number formatting (`s.int`, `s.hex`, `s.number`) lives in
//! [`format`].
//!
//! No native builds a string larger than [`MAX_STRING_BYTES`]: a result that would be
//! larger (`s.repeat` of a long string a billion times, a width of two billion) is an
//! error rather than an allocation that takes the process down.

mod format;
#[cfg(test)]
pub(crate) mod tests;

use std::collections::HashMap;
use std::sync::Arc;

use super::args::{self, Ret};
use super::{Host, NativeFn, Registry, Spec};
use crate::error::PfaError;
use crate::value::Value;

/// Registers `s.*`.
pub fn register(r: &mut Registry) {
    basic::register(r);
    search::register(r);
    convert::register(r);
    format::register(r);
    transform::register(r);
}

// ---------------------------------------------------------------------------------------
// Helpers shared with the other text-producing namespaces (parse, cast).

/// The largest string, in UTF-8 bytes, that a library function builds.
pub(crate) const MAX_STRING_BYTES: usize = 1 << 26;

/// Fails unless a result of `bytes` bytes (`None`: overflowed `usize`) is within
/// [`MAX_STRING_BYTES`].
pub(crate) fn check_size(bytes: Option<usize>) -> Result<usize, PfaError> {
    match bytes {
        Some(n) if n <= MAX_STRING_BYTES => Ok(n),
        _ => Err(too_large()),
    }
}

#[cold]
#[inline(never)]
fn too_large() -> PfaError {
    PfaError::runtime(
        0,
        format!("string result larger than the engine limit of {MAX_STRING_BYTES} bytes"),
    )
}

#[cold]
#[inline(never)]
fn wrong_arg(i: usize, what: &str) -> PfaError {
    PfaError::runtime(0, format!("internal error: argument {i} is not {what}"))
}

/// Argument `i` as a `string`.
#[inline]
pub(crate) fn string(a: &[Value], i: usize) -> Result<&str, PfaError> {
    match a.get(i) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(wrong_arg(i, "a string")),
    }
}

/// Argument `i` as an `array<string>`.
pub(crate) fn strings(a: &[Value], i: usize) -> Result<Vec<&str>, PfaError> {
    match a.get(i) {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| wrong_arg(i, "an array of strings"))
            })
            .collect(),
        _ => Err(wrong_arg(i, "an array of strings")),
    }
}

/// The native for the matched signature, by its index (for functions whose signatures
/// each have their own native).
pub(crate) fn by_sig(s: &Spec<'_>, natives: &[NativeFn]) -> Result<NativeFn, String> {
    natives
        .get(s.sig)
        .copied()
        .ok_or_else(|| format!("no implementation for signature {}", s.sig))
}

/// A string result.
#[inline]
pub(crate) fn text(s: impl Into<Arc<str>>) -> Ret {
    Ok(Value::String(s.into()))
}

/// A count or index as an `int` (strings longer than 2³¹ code points cannot be indexed
/// by an `int`; such a string cannot be built here, but could arrive as input).
fn int_result(n: usize) -> Ret {
    i32::try_from(n)
        .map(Value::Int)
        .map_err(|_| wrong_arg(0, "a string short enough to index with an int"))
}

/// Number of code points.
pub(crate) fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Byte offset of code point `i` of `s`; `s.len()` at or past the end.
fn byte_offset(s: &str, i: usize) -> usize {
    if s.is_ascii() {
        return i.min(s.len());
    }
    s.char_indices().nth(i).map_or(s.len(), |(b, _)| b)
}

/// Code-point index of byte offset `b` (a char boundary) of `s`.
fn char_index(s: &str, b: usize) -> usize {
    s.get(..b).map_or(0, char_len)
}

/// Python slice bounds: `start` and `end` of a sequence of `len` items, negative ones
/// counted from the end, both clamped to `[0, len]`, and `end` no less than `start`.
pub(crate) fn slice_bounds(len: usize, start: i32, end: i32) -> (usize, usize) {
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let norm = |i: i32| -> usize {
        let i = i64::from(i);
        let j = if i < 0 { i + len_i } else { i };
        // In range [0, len] after clamping, so the conversion back cannot fail.
        usize::try_from(j.clamp(0, len_i)).unwrap_or(len)
    };
    let (s, e) = (norm(start), norm(end));
    (s, e.max(s))
}

// ---------------------------------------------------------------------------------------
// §13.1 Basic access

/// `s.len`, `s.substr`, `s.substrto` (§13.1).
pub(crate) mod basic {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("s.len").sig("(s: string) -> int").native(len);
        r.def("s.substr")
            .sig("(s: string, start: int, end: int) -> string")
            .native(substr);
        r.def("s.substrto")
            .sig("(s: string, start: int, end: int, replacement: string) -> string")
            .native(substrto);
    }

    /// §13.1.1: the number of code points.
    pub(crate) fn len(_: &mut dyn Host, a: &[Value]) -> Ret {
        int_result(char_len(string(a, 0)?))
    }

    /// Byte range of the code points `[start, end)` after Python slice normalization.
    fn byte_range(s: &str, start: i32, end: i32) -> (usize, usize) {
        let (cs, ce) = slice_bounds(char_len(s), start, end);
        (byte_offset(s, cs), byte_offset(s, ce))
    }

    /// §13.1.2: `s[start:end]` in Python's slice semantics.
    pub(crate) fn substr(_: &mut dyn Host, a: &[Value]) -> Ret {
        let s = string(a, 0)?;
        let (b, e) = byte_range(s, args::int(a, 1)?, args::int(a, 2)?);
        text(s.get(b..e).unwrap_or(""))
    }

    /// §13.1.3: `s[:start] + replacement + s[end:]`, with the same normalization as
    /// `s.substr`; when `end` ≤ `start` the replacement is inserted before `start`.
    pub(crate) fn substrto(_: &mut dyn Host, a: &[Value]) -> Ret {
        let s = string(a, 0)?;
        let (b, e) = byte_range(s, args::int(a, 1)?, args::int(a, 2)?);
        let replacement = string(a, 3)?;
        let (before, after) = (s.get(..b).unwrap_or(""), s.get(e..).unwrap_or(""));
        let mut out = String::with_capacity(before.len() + replacement.len() + after.len());
        out.push_str(before);
        out.push_str(replacement);
        out.push_str(after);
        text(out)
    }
}

// ---------------------------------------------------------------------------------------
// §13.2 Search (literal substrings, no regular expressions)

/// `s.contains`, `s.count`, `s.index`, `s.rindex`, `s.startswith`, `s.endswith` (§13.2).
pub(crate) mod search {
    use super::*;

    const HAYSTACK_NEEDLE_BOOL: &str = "(haystack: string, needle: string) -> boolean";
    const HAYSTACK_NEEDLE_INT: &str = "(haystack: string, needle: string) -> int";

    pub(super) fn register(r: &mut Registry) {
        r.def("s.contains")
            .sig(HAYSTACK_NEEDLE_BOOL)
            .native(contains);
        r.def("s.count").sig(HAYSTACK_NEEDLE_INT).native(count);
        r.def("s.index").sig(HAYSTACK_NEEDLE_INT).native(index);
        r.def("s.rindex").sig(HAYSTACK_NEEDLE_INT).native(rindex);
        r.def("s.startswith")
            .sig(HAYSTACK_NEEDLE_BOOL)
            .native(startswith);
        r.def("s.endswith")
            .sig(HAYSTACK_NEEDLE_BOOL)
            .native(endswith);
    }

    fn pair(a: &[Value]) -> Result<(&str, &str), PfaError> {
        Ok((string(a, 0)?, string(a, 1)?))
    }

    /// §13.2.1: every string contains the empty string.
    pub(crate) fn contains(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (h, n) = pair(a)?;
        Ok(Value::Boolean(h.contains(n)))
    }

    /// §13.2.2: non-overlapping occurrences, scanning from the left ("aaa" holds "aa"
    /// once); zero for an empty needle, as the spec says.
    pub(crate) fn count(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (h, n) = pair(a)?;
        if n.is_empty() {
            return Ok(Value::Int(0));
        }
        int_result(h.matches(n).count())
    }

    /// §13.2.3: code-point index of the first occurrence, or -1; the empty needle is
    /// found at 0.
    pub(crate) fn index(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (h, n) = pair(a)?;
        match h.find(n) {
            Some(b) => int_result(char_index(h, b)),
            None => Ok(Value::Int(-1)),
        }
    }

    /// §13.2.4: code-point index of the last occurrence, or -1; the empty needle is
    /// found at the end (index = length).
    pub(crate) fn rindex(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (h, n) = pair(a)?;
        match h.rfind(n) {
            Some(b) => int_result(char_index(h, b)),
            None => Ok(Value::Int(-1)),
        }
    }

    /// §13.2.5.
    pub(crate) fn startswith(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (h, n) = pair(a)?;
        Ok(Value::Boolean(h.starts_with(n)))
    }

    /// §13.2.6.
    pub(crate) fn endswith(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (h, n) = pair(a)?;
        Ok(Value::Boolean(h.ends_with(n)))
    }
}

// ---------------------------------------------------------------------------------------
// §13.3.1-2 Conversions to and from arrays

/// `s.join`, `s.split` (§13.3.1-2).
pub(crate) mod convert {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("s.join")
            .sig("(array: array<string>, sep: string) -> string")
            .native(join);
        r.def("s.split")
            .sig("(s: string, sep: string) -> array<string>")
            .native(split);
    }

    /// §13.3.1: the items with `sep` between each pair.
    pub(crate) fn join(_: &mut dyn Host, a: &[Value]) -> Ret {
        let items = strings(a, 0)?;
        let sep = string(a, 1)?;
        let seps = items.len().saturating_sub(1).checked_mul(sep.len());
        let total = items
            .iter()
            .try_fold(0usize, |acc, s| acc.checked_add(s.len()))
            .and_then(|n| n.checked_add(seps?));
        check_size(total)?;
        text(items.join(sep))
    }

    /// §13.3.2: Python's `str.split(sep)`: a string without `sep` gives `[s]`, a
    /// leading or trailing `sep` gives an empty first or last item, and an empty `sep`
    /// gives the empty array (the spec's rule; Python would raise).
    pub(crate) fn split(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (s, sep) = (string(a, 0)?, string(a, 1)?);
        if sep.is_empty() {
            return Ok(Value::array(Vec::new()));
        }
        Ok(Value::array(s.split(sep).map(Value::str).collect()))
    }
}

// ---------------------------------------------------------------------------------------
// §13.4 Conversions to or from other strings

/// `s.concat`, `s.repeat`, `s.lower`, `s.upper`, `s.lstrip`, `s.rstrip`, `s.strip`,
/// `s.replaceall`, `s.replacefirst`, `s.replacelast`, `s.translate` (§13.4).
pub(crate) mod transform {
    use super::*;

    const STRIP: &str = "(s: string, chars: string) -> string";
    const REPLACE: &str = "(s: string, original: string, replacement: string) -> string";

    pub(super) fn register(r: &mut Registry) {
        r.def("s.concat")
            .sig("(x: string, y: string) -> string")
            .native(concat);
        r.def("s.repeat")
            .sig("(s: string, n: int) -> string")
            .native(repeat);
        r.def("s.lower").sig("(s: string) -> string").native(lower);
        r.def("s.upper").sig("(s: string) -> string").native(upper);
        r.def("s.lstrip").sig(STRIP).native(lstrip);
        r.def("s.rstrip").sig(STRIP).native(rstrip);
        r.def("s.strip").sig(STRIP).native(strip);
        r.def("s.replaceall").sig(REPLACE).native(replaceall);
        r.def("s.replacefirst").sig(REPLACE).native(replacefirst);
        r.def("s.replacelast").sig(REPLACE).native(replacelast);
        r.def("s.translate")
            .sig("(s: string, oldchars: string, newchars: string) -> string")
            .native(translate);
    }

    /// §13.4.1.
    pub(crate) fn concat(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, y) = (string(a, 0)?, string(a, 1)?);
        check_size(x.len().checked_add(y.len()))?;
        let mut out = String::with_capacity(x.len() + y.len());
        out.push_str(x);
        out.push_str(y);
        text(out)
    }

    /// §13.4.2: `n` copies of `s`; none for `n` ≤ 0.
    pub(crate) fn repeat(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (s, n) = (string(a, 0)?, args::int(a, 1)?);
        let n = usize::try_from(n).unwrap_or(0);
        check_size(s.len().checked_mul(n))?;
        text(s.repeat(n))
    }

    /// §13.4.3: Unicode lower case (full mappings, so one code point may become
    /// several; a final capital sigma becomes "ς").
    pub(crate) fn lower(_: &mut dyn Host, a: &[Value]) -> Ret {
        text(string(a, 0)?.to_lowercase())
    }

    /// §13.4.4: Unicode upper case (full mappings: "ß" becomes "SS").
    pub(crate) fn upper(_: &mut dyn Host, a: &[Value]) -> Ret {
        text(string(a, 0)?.to_uppercase())
    }

    /// `s` and the set of code points to strip.
    fn strip_args(a: &[Value]) -> Result<(&str, Vec<char>), PfaError> {
        Ok((string(a, 0)?, string(a, 1)?.chars().collect()))
    }

    /// §13.4.5: drops leading code points that occur in `chars` (a set: order and
    /// repetition in `chars` do not matter).
    pub(crate) fn lstrip(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (s, chars) = strip_args(a)?;
        text(s.trim_start_matches(chars.as_slice()))
    }

    /// §13.4.6: drops trailing code points that occur in `chars`.
    pub(crate) fn rstrip(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (s, chars) = strip_args(a)?;
        text(s.trim_end_matches(chars.as_slice()))
    }

    /// §13.4.7: both ends.
    pub(crate) fn strip(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (s, chars) = strip_args(a)?;
        text(s.trim_matches(chars.as_slice()))
    }

    fn replace_args(a: &[Value]) -> Result<(&str, &str, &str), PfaError> {
        Ok((string(a, 0)?, string(a, 1)?, string(a, 2)?))
    }

    /// §13.4.8: every non-overlapping occurrence, from the left. An empty `original`
    /// occurs before every code point and at the end ("ab" → "-a-b-"), as in Python.
    pub(crate) fn replaceall(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (s, original, replacement) = replace_args(a)?;
        // Size the result before building it: many short matches with a long
        // replacement multiply.
        let matches = if original.is_empty() {
            char_len(s) + 1
        } else {
            s.matches(original).count()
        };
        let removed = matches * original.len();
        let added = matches.checked_mul(replacement.len());
        check_size(added.and_then(|n| (s.len() - removed).checked_add(n)))?;
        text(s.replace(original, replacement))
    }

    /// §13.4.9: the leftmost occurrence (an empty `original` is found at the start).
    pub(crate) fn replacefirst(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (s, original, replacement) = replace_args(a)?;
        match s.find(original) {
            Some(b) => splice(s, b, b + original.len(), replacement),
            None => text(s),
        }
    }

    /// §13.4.10: the rightmost occurrence (an empty `original` is found at the end).
    pub(crate) fn replacelast(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (s, original, replacement) = replace_args(a)?;
        match s.rfind(original) {
            Some(b) => splice(s, b, b + original.len(), replacement),
            None => text(s),
        }
    }

    /// `s` with bytes `[b, e)` replaced.
    fn splice(s: &str, b: usize, e: usize, replacement: &str) -> Ret {
        let (before, after) = (s.get(..b).unwrap_or(""), s.get(e..).unwrap_or(""));
        check_size((before.len() + after.len()).checked_add(replacement.len()))?;
        let mut out = String::with_capacity(before.len() + replacement.len() + after.len());
        out.push_str(before);
        out.push_str(replacement);
        out.push_str(after);
        text(out)
    }

    /// §13.4.11: like POSIX `tr`: a code point found in `oldchars` at index `i` becomes
    /// the code point at index `i` of `newchars`, or is deleted if `newchars` is
    /// shorter; others are kept. A code point repeated in `oldchars` maps by its first
    /// occurrence.
    pub(crate) fn translate(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (s, oldchars, newchars) = (string(a, 0)?, string(a, 1)?, string(a, 2)?);
        let new: Vec<char> = newchars.chars().collect();
        let mut table: HashMap<char, Option<char>> = HashMap::new();
        for (i, c) in oldchars.chars().enumerate() {
            table.entry(c).or_insert_with(|| new.get(i).copied());
        }
        let out: String = s
            .chars()
            .filter_map(|c| match table.get(&c) {
                Some(mapped) => *mapped,
                None => Some(c),
            })
            .collect();
        text(out)
    }
}
