//! Regular expressions (spec §14): `re.*`.
//!
//! # Engine
//!
//! The spec says patterns follow "the POSIX extended standard (like grep -e)". The
//! reference implementation agrees: titus2 passes the pattern to the C library's
//! `regcomp(REG_EXTENDED)` and `regexec`, so the suite's expected values are glibc's
//! POSIX ERE results. Python's `re` module is not involved. That rules out the usual
//! Rust engines:
//! - the `regex` crate has no back-references, and the suite uses `(.)\1` in every
//!   `re.*` example (a third of the trials); it also matches leftmost-first
//!   (`a|ab` on `ab` gives `a`), where POSIX is leftmost-longest (`ab`);
//! - `fancy-regex` adds back-references but stays leftmost-first, has Perl syntax
//!   (`\d`, escapes inside brackets, no `[[:alpha:]]`, `[]a]`...), and works on `&str`
//!   only, while bytes patterns must match arbitrary bytes.
//!
//! So this module has its own small POSIX ERE engine (modules `syntax`, `prog`, `exec`),
//! generic over the unit (code point or byte):
//! - syntax: POSIX ERE with glibc's extensions (`\1`-`\9`, `\w \W \s \S \b \B \< \>`);
//!   what glibc rejects is a "bad pattern" error here too;
//! - overall match: leftmost-longest, in linear time (Pike VM) when the pattern has no
//!   back-references; with back-references an exhaustive backtracking search with a
//!   step budget (running out is an engine-limit error, code 0, never a hang);
//! - groups: glibc's assignment (first path in preference order within the match; a
//!   repeated group reports its last iteration), so `re.groups` agrees with titus2.
//!
//! # Units and iteration
//!
//! String haystacks are matched and indexed by code point, like every other string
//! function in PFA (`s.index`, `s.substr`), so `re.index("对讲机机", "机+")` is
//! `[2, 4]`. (titus2 reports UTF-8 byte offsets there, `[6, 12]`; the suite only has
//! matches before the first non-ASCII character, where the two agree.) Bytes
//! haystacks are matched and indexed by byte, and a bytes pattern is a sequence of
//! bytes (character classes are ASCII there).
//!
//! Functions that visit several matches take them left to right without overlap. An
//! empty match directly after the previous match is skipped (as `sed s/x*/-/g` does),
//! so iteration always ends. `^` and `$` match only at the ends of the whole haystack,
//! also when searching again after a match. Unlike titus2, which restarts `regexec` on
//! the rest of the haystack, later matches see their left context, and an empty match
//! at the end of the haystack counts.
//!
//! Group results list the groups that took part in the match, in order, starting with
//! the whole match; a group that did not participate is left out, as titus2 does.
//!
//! # Caching
//!
//! Patterns are almost always constants, so compiled programs are cached per thread,
//! keyed by the pattern's text or bytes (invalid patterns too). The cache is small and
//! is emptied when full.

mod exec;
mod prog;
mod syntax;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use self::exec::{Searcher, Span, TooComplex, Unit};
use self::prog::{compile, Prog};
use self::syntax::{Mode, SyntaxError};
use super::args::{self, fail, ErrCode, Ret};
use super::string::check_size;
use super::{Host, Registry};
use crate::error::PfaError;
use crate::value::Value;

/// Registers `re.*`.
pub fn register(r: &mut Registry) {
    def::<Index>(r);
    def::<Contains>(r);
    def::<Count>(r);
    def::<RIndex>(r);
    def::<Groups>(r);
    def::<IndexAll>(r);
    def::<FindAll>(r);
    def::<FindFirst>(r);
    def::<FindGroupsFirst>(r);
    def::<FindGroupsAll>(r);
    def::<GroupsAll>(r);
    def::<ReplaceFirst>(r);
    def::<ReplaceLast>(r);
    def::<Split>(r);
    def::<ReplaceAll>(r);
}

fn def<O: Op>(r: &mut Registry) {
    let (string, bytes) = if O::REPLACE {
        (
            format!(
                "(haystack: string, pattern: string, replacement: string) -> {}",
                O::RET_STRING
            ),
            format!(
                "(haystack: bytes, pattern: bytes, replacement: bytes) -> {}",
                O::RET_BYTES
            ),
        )
    } else {
        (
            format!("(haystack: string, pattern: string) -> {}", O::RET_STRING),
            format!("(haystack: bytes, pattern: bytes) -> {}", O::RET_BYTES),
        )
    };
    r.def(O::NAME)
        .sig(&string)
        .sig(&bytes)
        .errors(O::ERRORS)
        .native(native::<O>);
}

/// One `re.*` function: its declaration and its work on a prepared haystack.
trait Op {
    const NAME: &'static str;
    /// Return type of the string signature.
    const RET_STRING: &'static str;
    /// Return type of the bytes signature.
    const RET_BYTES: &'static str;
    /// Takes a third argument, the replacement.
    const REPLACE: bool = false;
    /// The function's one error: "bad pattern".
    const ERRORS: &'static [ErrCode];
    fn run<S: Subject>(c: &mut Ctx<'_, S>, a: &[Value]) -> Ret;
}

// ---------------------------------------------------------------------------------------
// Compiled patterns, cached per thread

/// Distinct patterns kept per thread and mode before the cache is emptied.
const CACHE_LIMIT: usize = 128;

/// Instructions kept per thread and mode before the cache is emptied (a few large
/// patterns must not pin much memory).
const CACHE_INSTS: usize = 1 << 20;

type Compiled = Rc<Result<Prog, SyntaxError>>;

thread_local! {
    static CACHE: RefCell<[HashMap<Box<[u8]>, Compiled>; 2]> =
        RefCell::new([HashMap::new(), HashMap::new()]);
}

/// The program for `pattern` (UTF-8 text or raw bytes, per `mode`), compiled once.
fn compiled(mode: Mode, pattern: &[u8]) -> Compiled {
    let slot = match mode {
        Mode::Text => 0,
        Mode::Bytes => 1,
    };
    let hit = CACHE.with(|c| {
        c.try_borrow()
            .ok()
            .and_then(|maps| maps.get(slot).and_then(|m| m.get(pattern)).cloned())
    });
    if let Some(p) = hit {
        return p;
    }
    let units: Vec<u32> = match mode {
        Mode::Text => String::from_utf8_lossy(pattern)
            .chars()
            .map(u32::from)
            .collect(),
        Mode::Bytes => pattern.iter().map(|&b| u32::from(b)).collect(),
    };
    let prog: Compiled = Rc::new(compile(&units, mode));
    CACHE.with(|c| {
        if let Ok(mut maps) = c.try_borrow_mut() {
            if let Some(m) = maps.get_mut(slot) {
                let size = |p: &Compiled| p.as_ref().as_ref().map_or(0, |p| p.insts.len());
                let held: usize = m.values().map(size).sum();
                if m.len() >= CACHE_LIMIT || held + size(&prog) > CACHE_INSTS {
                    m.clear();
                }
                m.insert(pattern.into(), prog.clone());
            }
        }
    });
    prog
}

// ---------------------------------------------------------------------------------------
// Haystacks

/// A haystack prepared for searching: its units, and how to cut results out of it.
trait Subject {
    /// Code points or bytes.
    type U: Unit;
    /// The units searched.
    fn units(&self) -> &[Self::U];
    /// The encoded bytes of units `[i, j)`.
    fn raw(&self, i: usize, j: usize) -> &[u8];
    /// A value of the haystack's type from encoded bytes.
    fn value(&self, raw: Vec<u8>) -> Ret;
    /// Units `[i, j)` as a value of the haystack's type.
    fn piece(&self, i: usize, j: usize) -> Value;
    /// The replacement argument's encoded bytes.
    fn replacement(a: &[Value]) -> Result<&[u8], PfaError>;
}

/// A string haystack, searched by code point.
struct Text<'a> {
    s: &'a str,
    chars: Vec<char>,
    /// Byte offset of each code point, plus the length.
    offs: Vec<usize>,
}

impl<'a> Text<'a> {
    /// A string from pieces cut at code point boundaries of valid UTF-8 and a string
    /// replacement, which is valid UTF-8 again.
    fn value_of(raw: Vec<u8>) -> Ret {
        String::from_utf8(raw)
            .map(|s| Value::String(Arc::from(s)))
            .map_err(|_| PfaError::runtime(0, "internal error: regex result is not UTF-8"))
    }

    fn new(s: &'a str) -> Self {
        let mut chars = Vec::with_capacity(s.len());
        let mut offs = Vec::with_capacity(s.len() + 1);
        for (o, c) in s.char_indices() {
            chars.push(c);
            offs.push(o);
        }
        offs.push(s.len());
        Text { s, chars, offs }
    }

    fn off(&self, i: usize) -> usize {
        self.offs.get(i).copied().unwrap_or(self.s.len())
    }
}

impl Subject for Text<'_> {
    type U = char;
    fn units(&self) -> &[char] {
        &self.chars
    }
    fn raw(&self, i: usize, j: usize) -> &[u8] {
        self.s
            .as_bytes()
            .get(self.off(i)..self.off(j))
            .unwrap_or(&[])
    }
    fn value(&self, raw: Vec<u8>) -> Ret {
        Text::value_of(raw)
    }
    fn piece(&self, i: usize, j: usize) -> Value {
        Value::str(self.s.get(self.off(i)..self.off(j)).unwrap_or(""))
    }
    fn replacement(a: &[Value]) -> Result<&[u8], PfaError> {
        match args::any(a, 2)? {
            Value::String(r) => Ok(r.as_bytes()),
            _ => Err(internal_arg()),
        }
    }
}

/// An ASCII string haystack: searched by byte, since bytes and code points coincide
/// (and a non-ASCII unit of the pattern can never equal one of its units).
struct Ascii<'a> {
    s: &'a str,
}

impl Subject for Ascii<'_> {
    type U = u8;
    fn units(&self) -> &[u8] {
        self.s.as_bytes()
    }
    fn raw(&self, i: usize, j: usize) -> &[u8] {
        self.s.as_bytes().get(i..j).unwrap_or(&[])
    }
    fn value(&self, raw: Vec<u8>) -> Ret {
        Text::value_of(raw)
    }
    fn piece(&self, i: usize, j: usize) -> Value {
        Value::str(self.s.get(i..j).unwrap_or(""))
    }
    fn replacement(a: &[Value]) -> Result<&[u8], PfaError> {
        Text::replacement(a)
    }
}

/// A bytes haystack, searched by byte.
struct Raw<'a> {
    b: &'a [u8],
}

impl Subject for Raw<'_> {
    type U = u8;
    fn units(&self) -> &[u8] {
        self.b
    }
    fn raw(&self, i: usize, j: usize) -> &[u8] {
        self.b.get(i..j).unwrap_or(&[])
    }
    fn value(&self, raw: Vec<u8>) -> Ret {
        Ok(Value::Bytes(Arc::from(raw)))
    }
    fn piece(&self, i: usize, j: usize) -> Value {
        Value::Bytes(Arc::from(self.raw(i, j)))
    }
    fn replacement(a: &[Value]) -> Result<&[u8], PfaError> {
        match args::any(a, 2)? {
            Value::Bytes(r) => Ok(r),
            _ => Err(internal_arg()),
        }
    }
}

#[cold]
fn internal_arg() -> PfaError {
    PfaError::runtime(
        0,
        "internal error: re.* arguments are not all strings or all bytes",
    )
}

#[cold]
fn too_complex() -> PfaError {
    PfaError::runtime(
        0,
        "regular expression too complex for this haystack (backtracking limit exceeded)",
    )
}

/// One call's haystack and search state.
struct Ctx<'a, S: Subject> {
    subj: &'a S,
    search: Searcher<'a, S::U>,
}

impl<S: Subject> Ctx<'_, S> {
    fn len(&self) -> usize {
        self.subj.units().len()
    }

    fn first(&mut self) -> Result<Option<Span>, PfaError> {
        self.search
            .find(0, None)
            .map_err(|TooComplex| too_complex())
    }

    fn all(&mut self) -> Result<Vec<Span>, PfaError> {
        self.search.find_all().map_err(|TooComplex| too_complex())
    }

    /// The participating groups of match `m`, the whole match first.
    fn groups(&mut self, m: Span) -> Result<Vec<Span>, PfaError> {
        let groups = self.search.groups(m).map_err(|TooComplex| too_complex())?;
        Ok(groups.into_iter().flatten().collect())
    }

    /// `[start, end]` as an `array<int>`.
    fn span(&self, (s, e): Span) -> Ret {
        Ok(Value::array(vec![int(s)?, int(e)?]))
    }

    fn spans(&self, spans: &[Span]) -> Ret {
        let items = spans
            .iter()
            .map(|&m| self.span(m))
            .collect::<Result<_, _>>()?;
        Ok(Value::array(items))
    }

    fn pieces(&self, spans: &[Span]) -> Value {
        Value::array(spans.iter().map(|&(s, e)| self.subj.piece(s, e)).collect())
    }

    /// The haystack with each of `spans` (in order, disjoint) replaced by `rep`.
    fn splice(&self, spans: &[Span], rep: &[u8]) -> Ret {
        let total = self.subj.raw(0, self.len()).len();
        let removed: usize = spans.iter().map(|&(s, e)| self.subj.raw(s, e).len()).sum();
        let added = rep.len().checked_mul(spans.len());
        let size = added.and_then(|a| (total - removed.min(total)).checked_add(a));
        let size = check_size(size)?;
        let mut out = Vec::with_capacity(size);
        let mut at = 0;
        for &(s, e) in spans {
            out.extend_from_slice(self.subj.raw(at, s));
            out.extend_from_slice(rep);
            at = e;
        }
        out.extend_from_slice(self.subj.raw(at, self.len()));
        self.subj.value(out)
    }
}

/// A position as an `int` (haystacks are far shorter than 2^31 units in practice).
fn int(i: usize) -> Result<Value, PfaError> {
    i32::try_from(i)
        .map(Value::Int)
        .map_err(|_| PfaError::runtime(0, "regex match position does not fit in an int"))
}

/// Compiles the pattern (once), prepares the haystack of the matched signature, runs `O`.
fn native<O: Op>(_: &mut dyn Host, a: &[Value]) -> Ret {
    let bad = O::ERRORS.first().copied().unwrap_or((0, "bad pattern"));
    let (mode, pattern) = match args::any(a, 1)? {
        Value::String(p) => (Mode::Text, p.as_bytes()),
        Value::Bytes(p) => (Mode::Bytes, &p[..]),
        _ => return Err(internal_arg()),
    };
    let prog = compiled(mode, pattern);
    let prog = prog.as_ref().as_ref().map_err(|_| fail(bad))?;
    match args::any(a, 0)? {
        Value::String(h) if h.is_ascii() => run_on::<O, _>(prog, &Ascii { s: h }, a),
        Value::String(h) => run_on::<O, _>(prog, &Text::new(h), a),
        Value::Bytes(h) => run_on::<O, _>(prog, &Raw { b: h }, a),
        _ => Err(internal_arg()),
    }
}

fn run_on<O: Op, S: Subject>(prog: &Prog, subj: &S, a: &[Value]) -> Ret {
    let mut ctx = Ctx {
        subj,
        search: Searcher::new(prog, subj.units()),
    };
    O::run(&mut ctx, a)
}

// ---------------------------------------------------------------------------------------
// The functions

macro_rules! op {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $code:literal, $ret_s:literal, $ret_b:literal,
     $replace:literal, |$c:ident, $a:ident| $body:expr) => {
        $(#[$doc])*
        struct $ty;
        impl Op for $ty {
            const NAME: &'static str = $name;
            const RET_STRING: &'static str = $ret_s;
            const RET_BYTES: &'static str = $ret_b;
            const REPLACE: bool = $replace;
            const ERRORS: &'static [ErrCode] = &[($code, "bad pattern")];
            #[allow(unused_variables)]
            fn run<S: Subject>($c: &mut Ctx<'_, S>, $a: &[Value]) -> Ret {
                $body
            }
        }
    };
}

op!(
    /// `re.index` (§14.5.1): `[start, end]` of the first match, or `[]`.
    Index, "re.index", 35000, "array<int>", "array<int>", false,
    |c, a| match c.first()? {
        Some(m) => c.span(m),
        None => Ok(Value::array(Vec::new())),
    }
);

op!(
    /// `re.contains` (§14.1.1).
    Contains, "re.contains", 35010, "boolean", "boolean", false,
    |c, a| Ok(Value::Boolean(c.first()?.is_some()))
);

op!(
    /// `re.count` (§14.1.2): the number of matches.
    Count, "re.count", 35020, "int", "int", false,
    |c, a| int(c.all()?.len())
);

op!(
    /// `re.rindex` (§14.5.2): `[start, end]` of the last match, or `[]`.
    RIndex, "re.rindex", 35030, "array<int>", "array<int>", false,
    |c, a| match c.all()?.last() {
        Some(&m) => c.span(m),
        None => Ok(Value::array(Vec::new())),
    }
);

op!(
    /// `re.groups` (§14.3.1): `[start, end]` of the first match and of its groups.
    Groups, "re.groups", 35040, "array<array<int>>", "array<array<int>>", false,
    |c, a| match c.first()? {
        Some(m) => {
            let g = c.groups(m)?;
            c.spans(&g)
        }
        None => Ok(Value::array(Vec::new())),
    }
);

op!(
    /// `re.indexall` (§14.5.3): `[start, end]` of every match.
    IndexAll, "re.indexall", 35050, "array<array<int>>", "array<array<int>>", false,
    |c, a| {
        let all = c.all()?;
        c.spans(&all)
    }
);

op!(
    /// `re.findall` (§14.2.2): the text of every match.
    FindAll, "re.findall", 35060, "array<string>", "array<bytes>", false,
    |c, a| {
        let all = c.all()?;
        Ok(c.pieces(&all))
    }
);

op!(
    /// `re.findfirst` (§14.2.1): the text of the first match, or null.
    FindFirst, "re.findfirst", 35070, "union<string, null>", "union<bytes, null>", false,
    |c, a| Ok(match c.first()? {
        Some((s, e)) => c.subj.piece(s, e),
        None => Value::Null,
    })
);

op!(
    /// `re.findgroupsfirst` (§14.4.1): the text of the first match and of its groups.
    FindGroupsFirst, "re.findgroupsfirst", 35080, "array<string>", "array<bytes>", false,
    |c, a| match c.first()? {
        Some(m) => {
            let g = c.groups(m)?;
            Ok(c.pieces(&g))
        }
        None => Ok(Value::array(Vec::new())),
    }
);

op!(
    /// `re.findgroupsall` (§14.4.2): for every match, its text and its groups' texts.
    FindGroupsAll, "re.findgroupsall", 35090, "array<array<string>>", "array<array<bytes>>", false,
    |c, a| {
        let all = c.all()?;
        let mut out = Vec::with_capacity(all.len());
        for m in all {
            let g = c.groups(m)?;
            out.push(c.pieces(&g));
        }
        Ok(Value::array(out))
    }
);

op!(
    /// `re.groupsall` (§14.3.2): for every match, `[start, end]` of it and its groups.
    GroupsAll, "re.groupsall", 35100, "array<array<array<int>>>", "array<array<array<int>>>", false,
    |c, a| {
        let all = c.all()?;
        let mut out = Vec::with_capacity(all.len());
        for m in all {
            let g = c.groups(m)?;
            out.push(c.spans(&g)?);
        }
        Ok(Value::array(out))
    }
);

op!(
    /// `re.replacefirst` (§14.6.1): the first match replaced (the replacement is literal).
    ReplaceFirst, "re.replacefirst", 35110, "string", "bytes", true,
    |c, a| {
        let rep = S::replacement(a)?;
        let first: Vec<Span> = c.first()?.into_iter().collect();
        c.splice(&first, rep)
    }
);

op!(
    /// `re.replacelast` (§14.6.2): the last match replaced.
    ReplaceLast, "re.replacelast", 35120, "string", "bytes", true,
    |c, a| {
        let rep = S::replacement(a)?;
        let last: Vec<Span> = c.all()?.last().copied().into_iter().collect();
        c.splice(&last, rep)
    }
);

op!(
    /// `re.split` (§14.7.1): the pieces between matches. A match at the very start or end
    /// does not make an empty first or last piece; matches next to each other do make an
    /// empty piece between them. Without a match the result is the whole haystack.
    Split, "re.split", 35130, "array<string>", "array<bytes>", false,
    |c, a| {
        let all = c.all()?;
        let n = c.len();
        let mut pieces = Vec::with_capacity(all.len() + 1);
        let mut at = 0;
        for (i, &(s, e)) in all.iter().enumerate() {
            if !(i == 0 && s == 0) {
                pieces.push((at, s));
            }
            at = e;
        }
        if all.is_empty() || at != n {
            pieces.push((at, n));
        }
        Ok(c.pieces(&pieces))
    }
);

op!(
    /// `re.replaceall` (§14.6.3): every match replaced.
    ReplaceAll, "re.replaceall", 35140, "string", "bytes", true,
    |c, a| {
        let rep = S::replacement(a)?;
        let all = c.all()?;
        c.splice(&all, rep)
    }
);
