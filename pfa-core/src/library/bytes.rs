//! Bytes library (spec §19): `bytes.*`.
//!
//! Encodings are strict: a decoder fails on any byte sequence that is not a valid
//! encoding of some string (an encoded surrogate or overlong form in UTF-8, an odd
//! length or an unpaired surrogate in UTF-16), and an encoder fails on any character
//! the encoding cannot represent (above U+007F for ASCII, above U+00FF for latin-1).
//! The `bytes.is*` tests answer whether the corresponding decoder (for bytes) or
//! encoder (for strings) would succeed. A PFA string holds Unicode scalar values only,
//! so every string can be encoded as UTF-8 and UTF-16.
//!
//! UTF-16 with the byte order "identified by optional byte-order mark": a leading
//! `FF FE` or `FE FF` selects little or big endian and is dropped; without one the
//! bytes are read as little endian, which is also the order `bytes.encodeUtf16` writes
//! after its `FF FE` mark (the reference implementation does the same on every
//! platform the conformance data was made on). `bytes.decodeUtf16be`/`le` keep a
//! leading U+FEFF as a character, as a fixed-order decoder must.
//!
//! Base64 is the standard alphabet (`+`, `/`) with `=` padding. `bytes.fromBase64`
//! accepts what the reference implementation accepts: the data characters, then
//! enough `=` to complete the last group (extra `=` are ignored), and unused low bits
//! in the last character need not be zero. Anything else (white space, URL-safe
//! characters, missing padding, a lone trailing character) is "invalid base64".

use std::sync::Arc;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use super::args::{self, fail, int, ErrCode, Ret};
use super::{Host, Registry};
use crate::error::PfaError;
use crate::value::Value;

/// Registers `bytes.*`.
pub fn register(r: &mut Registry) {
    r.def("bytes.len").sig("(x: bytes) -> int").native(len);
    r.def("bytes.subseq")
        .sig("(x: bytes, start: int, end: int) -> bytes")
        .native(subseq);
    r.def("bytes.subseqto")
        .sig("(x: bytes, start: int, end: int, replacement: bytes) -> bytes")
        .native(subseqto);

    for (name, f) in [
        ("bytes.isAscii", is_ascii as super::NativeFn),
        ("bytes.isLatin1", is_latin1),
        ("bytes.isUtf8", is_utf8),
        ("bytes.isUtf16", is_utf16),
        ("bytes.isUtf16be", is_utf16be),
        ("bytes.isUtf16le", is_utf16le),
    ] {
        r.def(name)
            .sig("(x: bytes) -> boolean")
            .sig("(x: string) -> boolean")
            .native(f);
    }

    let decoders: [(&'static str, &'static [ErrCode], super::NativeFn); 6] = [
        ("bytes.decodeAscii", &[DECODE_ASCII], decode_ascii),
        ("bytes.decodeLatin1", &[DECODE_LATIN1], decode_latin1),
        ("bytes.decodeUtf8", &[DECODE_UTF8], decode_utf8),
        ("bytes.decodeUtf16", &[DECODE_UTF16], decode_utf16),
        ("bytes.decodeUtf16be", &[DECODE_UTF16BE], decode_utf16be),
        ("bytes.decodeUtf16le", &[DECODE_UTF16LE], decode_utf16le),
    ];
    for (name, errors, f) in decoders {
        r.def(name)
            .sig("(x: bytes) -> string")
            .errors(errors)
            .native(f);
    }

    let encoders: [(&'static str, &'static [ErrCode], super::NativeFn); 6] = [
        ("bytes.encodeAscii", &[ENCODE_ASCII], encode_ascii),
        ("bytes.encodeLatin1", &[ENCODE_LATIN1], encode_latin1),
        ("bytes.encodeUtf8", &[ENCODE_UTF8], encode_utf8),
        ("bytes.encodeUtf16", &[ENCODE_UTF16], encode_utf16),
        ("bytes.encodeUtf16be", &[ENCODE_UTF16BE], encode_utf16be),
        ("bytes.encodeUtf16le", &[ENCODE_UTF16LE], encode_utf16le),
    ];
    for (name, errors, f) in encoders {
        r.def(name)
            .sig("(s: string) -> bytes")
            .errors(errors)
            .native(f);
    }

    r.def("bytes.toBase64")
        .sig("(x: bytes) -> string")
        .native(to_base64);
    r.def("bytes.fromBase64")
        .sig("(s: string) -> bytes")
        .errors(&[FROM_BASE64])
        .native(from_base64);
}

const DECODE_ASCII: ErrCode = (16090, "invalid bytes");
const DECODE_LATIN1: ErrCode = (16100, "invalid bytes");
const DECODE_UTF8: ErrCode = (16110, "invalid bytes");
const DECODE_UTF16: ErrCode = (16120, "invalid bytes");
const DECODE_UTF16BE: ErrCode = (16130, "invalid bytes");
const DECODE_UTF16LE: ErrCode = (16140, "invalid bytes");
const ENCODE_ASCII: ErrCode = (16150, "invalid string");
const ENCODE_LATIN1: ErrCode = (16160, "invalid string");
const ENCODE_UTF8: ErrCode = (16170, "invalid string");
const ENCODE_UTF16: ErrCode = (16180, "invalid string");
const ENCODE_UTF16BE: ErrCode = (16190, "invalid string");
const ENCODE_UTF16LE: ErrCode = (16200, "invalid string");
const FROM_BASE64: ErrCode = (16220, "invalid base64");

// ---------------------------------------------------------------------------------------
// Argument access

fn bytes_arg(a: &[Value], i: usize) -> Result<&[u8], PfaError> {
    match args::any(a, i)? {
        Value::Bytes(b) => Ok(b),
        _ => Err(wrong_arg(i, "bytes")),
    }
}

fn string_arg(a: &[Value], i: usize) -> Result<&str, PfaError> {
    match args::any(a, i)? {
        Value::String(s) => Ok(s),
        _ => Err(wrong_arg(i, "a string")),
    }
}

#[cold]
#[inline(never)]
fn wrong_arg(i: usize, what: &str) -> PfaError {
    PfaError::runtime(0, format!("internal error: argument {i} is not {what}"))
}

fn bytes_value(b: Vec<u8>) -> Value {
    Value::Bytes(Arc::from(b))
}

fn string_value(s: String) -> Value {
    Value::String(Arc::from(s))
}

// ---------------------------------------------------------------------------------------
// §19.1 Basic access

/// Python's slice bounds for `x[start:end]` on `len` items: negative indexes count from
/// the end, both are clamped to `[0, len]`, and an end before the start is the start.
fn slice_bounds(len: usize, start: i32, end: i32) -> (usize, usize) {
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let norm = |i: i32| {
        let i = i64::from(i);
        let j = if i < 0 { i + len_i } else { i };
        usize::try_from(j.clamp(0, len_i)).unwrap_or(len)
    };
    let (s, e) = (norm(start), norm(end));
    (s, e.max(s))
}

/// `bytes.len` (§19.1.1).
fn len(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = bytes_arg(a, 0)?;
    i32::try_from(x.len())
        .map(Value::Int)
        .map_err(|_| PfaError::runtime(0, "bytes length does not fit in an int"))
}

/// `bytes.subseq` (§19.1.2).
fn subseq(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = bytes_arg(a, 0)?;
    let (s, e) = slice_bounds(x.len(), int(a, 1)?, int(a, 2)?);
    Ok(Value::Bytes(Arc::from(x.get(s..e).unwrap_or(&[]))))
}

/// `bytes.subseqto` (§19.1.3).
fn subseqto(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = bytes_arg(a, 0)?;
    let (s, e) = slice_bounds(x.len(), int(a, 1)?, int(a, 2)?);
    let rep = bytes_arg(a, 3)?;
    let (before, after) = (x.get(..s).unwrap_or(&[]), x.get(e..).unwrap_or(&[]));
    let mut out = Vec::with_capacity(before.len() + rep.len() + after.len());
    out.extend_from_slice(before);
    out.extend_from_slice(rep);
    out.extend_from_slice(after);
    Ok(bytes_value(out))
}

// ---------------------------------------------------------------------------------------
// Codecs

/// UTF-16 code units of `b` in the given order; `None` for an odd length.
fn units(b: &[u8], big_endian: bool) -> Option<impl Iterator<Item = u16> + '_> {
    if !b.len().is_multiple_of(2) {
        return None;
    }
    Some(b.chunks_exact(2).map(move |p| match p {
        [x, y] if big_endian => u16::from_be_bytes([*x, *y]),
        [x, y] => u16::from_le_bytes([*x, *y]),
        _ => 0,
    }))
}

/// Strict UTF-16 decoding in a fixed byte order.
fn utf16_fixed(b: &[u8], big_endian: bool) -> Option<String> {
    char::decode_utf16(units(b, big_endian)?)
        .collect::<Result<String, _>>()
        .ok()
}

/// Strict UTF-16 decoding with an optional byte-order mark (little endian without one).
fn utf16_bom(b: &[u8]) -> Option<String> {
    match b {
        [0xFF, 0xFE, rest @ ..] => utf16_fixed(rest, false),
        [0xFE, 0xFF, rest @ ..] => utf16_fixed(rest, true),
        _ => utf16_fixed(b, false),
    }
}

fn ascii(b: &[u8]) -> Option<String> {
    b.is_ascii()
        .then(|| b.iter().map(|&c| char::from(c)).collect())
}

fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

fn utf8(b: &[u8]) -> Option<String> {
    std::str::from_utf8(b).ok().map(str::to_owned)
}

fn utf16_encode(s: &str, bom: bool, big_endian: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 * s.len() + 2);
    if bom {
        out.extend_from_slice(if big_endian {
            &[0xFE, 0xFF]
        } else {
            &[0xFF, 0xFE]
        });
    }
    for u in s.encode_utf16() {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

// ---------------------------------------------------------------------------------------
// §19.2 Test validity

/// Applies a bytes test or a string test, by the argument's matched type.
fn test(a: &[Value], on_bytes: fn(&[u8]) -> bool, on_string: fn(&str) -> bool) -> Ret {
    Ok(Value::Boolean(match args::any(a, 0)? {
        Value::Bytes(b) => on_bytes(b),
        Value::String(s) => on_string(s),
        _ => return Err(wrong_arg(0, "bytes or a string")),
    }))
}

/// `bytes.isAscii` (§19.2.1).
fn is_ascii(_: &mut dyn Host, a: &[Value]) -> Ret {
    test(a, |b| b.is_ascii(), |s| s.is_ascii())
}

/// `bytes.isLatin1` (§19.2.2): every byte is a latin-1 character.
fn is_latin1(_: &mut dyn Host, a: &[Value]) -> Ret {
    test(a, |_| true, |s| s.chars().all(|c| u32::from(c) <= 0xFF))
}

/// `bytes.isUtf8` (§19.2.3).
fn is_utf8(_: &mut dyn Host, a: &[Value]) -> Ret {
    test(a, |b| std::str::from_utf8(b).is_ok(), |_| true)
}

/// `bytes.isUtf16` (§19.2.4).
fn is_utf16(_: &mut dyn Host, a: &[Value]) -> Ret {
    test(a, |b| utf16_bom(b).is_some(), |_| true)
}

/// `bytes.isUtf16be` (§19.2.5).
fn is_utf16be(_: &mut dyn Host, a: &[Value]) -> Ret {
    test(a, |b| utf16_fixed(b, true).is_some(), |_| true)
}

/// `bytes.isUtf16le` (§19.2.6).
fn is_utf16le(_: &mut dyn Host, a: &[Value]) -> Ret {
    test(a, |b| utf16_fixed(b, false).is_some(), |_| true)
}

// ---------------------------------------------------------------------------------------
// §19.3 Decode bytes to strings

fn decode(a: &[Value], codec: fn(&[u8]) -> Option<String>, err: ErrCode) -> Ret {
    codec(bytes_arg(a, 0)?)
        .map(string_value)
        .ok_or_else(|| fail(err))
}

/// `bytes.decodeAscii` (§19.3.1).
fn decode_ascii(_: &mut dyn Host, a: &[Value]) -> Ret {
    decode(a, ascii, DECODE_ASCII)
}

/// `bytes.decodeLatin1` (§19.3.2): every byte sequence is latin-1, so it cannot fail.
fn decode_latin1(_: &mut dyn Host, a: &[Value]) -> Ret {
    decode(a, |b| Some(latin1(b)), DECODE_LATIN1)
}

/// `bytes.decodeUtf8` (§19.3.3).
fn decode_utf8(_: &mut dyn Host, a: &[Value]) -> Ret {
    decode(a, utf8, DECODE_UTF8)
}

/// `bytes.decodeUtf16` (§19.3.4).
fn decode_utf16(_: &mut dyn Host, a: &[Value]) -> Ret {
    decode(a, utf16_bom, DECODE_UTF16)
}

/// `bytes.decodeUtf16be` (§19.3.5).
fn decode_utf16be(_: &mut dyn Host, a: &[Value]) -> Ret {
    decode(a, |b| utf16_fixed(b, true), DECODE_UTF16BE)
}

/// `bytes.decodeUtf16le` (§19.3.6).
fn decode_utf16le(_: &mut dyn Host, a: &[Value]) -> Ret {
    decode(a, |b| utf16_fixed(b, false), DECODE_UTF16LE)
}

// ---------------------------------------------------------------------------------------
// §19.4 Encode strings to bytes

fn encode(a: &[Value], codec: fn(&str) -> Option<Vec<u8>>, err: ErrCode) -> Ret {
    codec(string_arg(a, 0)?)
        .map(bytes_value)
        .ok_or_else(|| fail(err))
}

/// `bytes.encodeAscii` (§19.4.1).
fn encode_ascii(_: &mut dyn Host, a: &[Value]) -> Ret {
    encode(
        a,
        |s| s.is_ascii().then(|| s.as_bytes().to_vec()),
        ENCODE_ASCII,
    )
}

/// `bytes.encodeLatin1` (§19.4.2).
fn encode_latin1(_: &mut dyn Host, a: &[Value]) -> Ret {
    encode(
        a,
        |s| s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect(),
        ENCODE_LATIN1,
    )
}

/// `bytes.encodeUtf8` (§19.4.3): every string is encodable.
fn encode_utf8(_: &mut dyn Host, a: &[Value]) -> Ret {
    encode(a, |s| Some(s.as_bytes().to_vec()), ENCODE_UTF8)
}

/// `bytes.encodeUtf16` (§19.4.4): byte-order mark `FF FE`, then little endian.
fn encode_utf16(_: &mut dyn Host, a: &[Value]) -> Ret {
    encode(a, |s| Some(utf16_encode(s, true, false)), ENCODE_UTF16)
}

/// `bytes.encodeUtf16be` (§19.4.5).
fn encode_utf16be(_: &mut dyn Host, a: &[Value]) -> Ret {
    encode(a, |s| Some(utf16_encode(s, false, true)), ENCODE_UTF16BE)
}

/// `bytes.encodeUtf16le` (§19.4.6).
fn encode_utf16le(_: &mut dyn Host, a: &[Value]) -> Ret {
    encode(a, |s| Some(utf16_encode(s, false, false)), ENCODE_UTF16LE)
}

// ---------------------------------------------------------------------------------------
// §19.5 Base64

/// `bytes.toBase64` (§19.5.1).
fn to_base64(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(string_value(STANDARD.encode(bytes_arg(a, 0)?)))
}

/// Decodes the data characters once the padding has been checked by hand.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Decodes base64 as described in the module documentation.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let data = s.trim_end_matches('=');
    let pad = s.len() - data.len();
    let needed = match data.len() % 4 {
        0 => 0,
        2 => 2,
        3 => 1,
        _ => return None,
    };
    if pad < needed {
        return None;
    }
    LENIENT.decode(data).ok()
}

/// `bytes.fromBase64` (§19.5.2).
fn from_base64(_: &mut dyn Host, a: &[Value]) -> Ret {
    base64_decode(string_arg(a, 0)?)
        .map(bytes_value)
        .ok_or_else(|| fail(FROM_BASE64))
}

#[cfg(test)]
mod tests;
