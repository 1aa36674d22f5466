//! Table tests of `bytes.*`, one line per case, covering every error code.

use super::*;
use crate::library::testing::{err, ok, run};

fn b(x: &[u8]) -> Value {
    Value::Bytes(Arc::from(x))
}

fn s(x: &str) -> Value {
    Value::str(x)
}

/// Asserts a bytes result exactly.
#[track_caller]
fn bytes_ok(f: crate::library::NativeFn, args: &[Value], want: &[u8]) {
    match run(f, args) {
        Ok(Value::Bytes(got)) => assert_eq!(&got[..], want, "{args:?}"),
        other => panic!("{args:?}: got {other:?}, want {want:?}"),
    }
}

#[test]
fn length_and_subsequences() {
    ok(len, &[b(b"")], Value::Int(0));
    ok(len, &[b(b"hello")], Value::Int(5));
    ok(len, &[b(&[0xff, 0x80, 0])], Value::Int(3));

    let abc = b(b"ABCDEFGHIJ");
    bytes_ok(subseq, &[abc.clone(), Value::Int(2), Value::Int(5)], b"CDE");
    bytes_ok(
        subseq,
        &[abc.clone(), Value::Int(-3), Value::Int(100)],
        b"HIJ",
    );
    bytes_ok(
        subseq,
        &[abc.clone(), Value::Int(-100), Value::Int(2)],
        b"AB",
    );
    bytes_ok(subseq, &[abc.clone(), Value::Int(5), Value::Int(2)], b"");
    bytes_ok(
        subseq,
        &[abc.clone(), Value::Int(0), Value::Int(-1)],
        b"ABCDEFGHI",
    );
    bytes_ok(subseq, &[b(b""), Value::Int(0), Value::Int(1)], b"");
    bytes_ok(
        subseq,
        &[abc.clone(), Value::Int(i32::MIN), Value::Int(i32::MAX)],
        b"ABCDEFGHIJ",
    );

    let dots = b(b"...");
    bytes_ok(
        subseqto,
        &[abc.clone(), Value::Int(2), Value::Int(5), dots.clone()],
        b"AB...FGHIJ",
    );
    bytes_ok(
        subseqto,
        &[abc.clone(), Value::Int(5), Value::Int(2), dots.clone()],
        b"ABCDE...FGHIJ",
    );
    bytes_ok(
        subseqto,
        &[abc.clone(), Value::Int(-2), Value::Int(100), dots.clone()],
        b"ABCDEFGH...",
    );
    bytes_ok(
        subseqto,
        &[abc.clone(), Value::Int(100), Value::Int(100), dots.clone()],
        b"ABCDEFGHIJ...",
    );
    bytes_ok(
        subseqto,
        &[b(b""), Value::Int(0), Value::Int(0), b(b"o")],
        b"o",
    );
}

#[test]
fn validity_tests_on_bytes() {
    let cases: &[(crate::library::NativeFn, &[u8], bool)] = &[
        (is_ascii, b"", true),
        (is_ascii, b"hello\0", true),
        (is_ascii, &[104, 101, 0x81], false),
        (is_latin1, &[0xff, 0x80, 0], true),
        (is_utf8, "对讲机".as_bytes(), true),
        (is_utf8, &[0xff, 0x80, 0], false),
        (is_utf8, &[0xed, 0xa0, 0x80], false), // an encoded surrogate
        (is_utf8, &[0xc0, 0xaf], false),       // overlong
        (is_utf8, &[0xe5, 0xaf], false),       // truncated
        (is_utf16, b"", true),
        (is_utf16, &[0xff, 0xfe, 104, 0, 105, 0], true),
        (is_utf16, &[0xfe, 0xff, 0, 104, 0, 105], true),
        (is_utf16, &[104, 0, 105, 0], true), // no mark: little endian
        (is_utf16, &[0, 0xd8, 0, 0xdc], true), // a surrogate pair, little endian
        (is_utf16, &[0, 0xdc], false),       // a lone low surrogate
        (is_utf16, &[0, 0xd8], false),       // a lone high surrogate at the end
        (is_utf16, b"hello", false),         // odd length
        (is_utf16, &[0xff, 0xfe, 0], false), // odd after the mark
        (is_utf16be, &[0, 104, 0, 105], true),
        (is_utf16be, &[0xd8, 0, 0xdc, 0], true),
        (is_utf16be, &[0xdc, 0], false),
        (is_utf16be, &[0], false),
        (is_utf16le, &[104, 0, 105, 0], true),
        (is_utf16le, &[0, 0xdc], false),
        (is_utf16le, &[0xff, 0x80, 0], false),
    ];
    for &(f, x, want) in cases {
        ok(f, &[b(x)], Value::Boolean(want));
    }
}

#[test]
fn validity_tests_on_strings() {
    let cases: &[(crate::library::NativeFn, &str, bool)] = &[
        (is_ascii, "", true),
        (is_ascii, "hello", true),
        (is_ascii, "oneee−two", false),
        (is_ascii, "é", false),
        (is_latin1, "hello", true),
        (is_latin1, "ÿé", true),
        (is_latin1, "oneee−two", false),
        (is_utf8, "oneee−two", true),
        (is_utf16, "𝄞", true),
        (is_utf16be, "oneee−two", true),
        (is_utf16le, "", true),
    ];
    for &(f, x, want) in cases {
        ok(f, &[s(x)], Value::Boolean(want));
    }
}

#[test]
fn decoders() {
    ok(decode_ascii, &[b(b"hello")], s("hello"));
    ok(decode_ascii, &[b(&[0])], s("\0"));
    err(decode_ascii, &[b(&[0x80])], (16090, "invalid bytes"));
    err(
        decode_ascii,
        &[b(&[104, 101, 108, 0x81, 111])],
        (16090, "invalid bytes"),
    );

    ok(decode_latin1, &[b(&[0xff, 0])], s("ÿ\0"));
    ok(decode_latin1, &[b(b"")], s(""));

    ok(decode_utf8, &[b("oneee−two".as_bytes())], s("oneee−two"));
    err(
        decode_utf8,
        &[b(&[0xff, 0x80, 0])],
        (16110, "invalid bytes"),
    );
    err(
        decode_utf8,
        &[b(&[0xed, 0xa0, 0x80])],
        (16110, "invalid bytes"),
    );

    let hello_le = [0xff, 0xfe, 104, 0, 101, 0, 108, 0, 108, 0, 111, 0];
    ok(decode_utf16, &[b(&hello_le)], s("hello"));
    ok(decode_utf16, &[b(&[0xfe, 0xff, 0, 104, 0, 105])], s("hi"));
    ok(decode_utf16, &[b(&[104, 0, 105, 0])], s("hi"));
    ok(decode_utf16, &[b(&[0xff, 0xfe, 0xff, 0xfe])], s("\u{feff}")); // only one mark is dropped
    ok(decode_utf16, &[b(&[0x34, 0xd8, 0x1e, 0xdd])], s("𝄞"));
    err(decode_utf16, &[b(b"a")], (16120, "invalid bytes"));
    err(decode_utf16, &[b(&[0, 0xdc])], (16120, "invalid bytes"));

    ok(
        decode_utf16be,
        &[b(&[0, 104, 0, 101, 0, 108, 0, 108, 0, 111])],
        s("hello"),
    );
    ok(decode_utf16be, &[b(&[0xfe, 0xff, 0, 104])], s("\u{feff}h"));
    err(decode_utf16be, &[b(b"hello")], (16130, "invalid bytes"));
    err(
        decode_utf16be,
        &[b(&[0xd8, 0x34])],
        (16130, "invalid bytes"),
    );

    ok(
        decode_utf16le,
        &[b(&[104, 0, 101, 0, 108, 0, 108, 0, 111, 0])],
        s("hello"),
    );
    err(
        decode_utf16le,
        &[b(&[0xff, 0x80, 0])],
        (16140, "invalid bytes"),
    );
    err(
        decode_utf16le,
        &[b(&[0x1e, 0xdd, 0x34, 0xd8])],
        (16140, "invalid bytes"),
    ); // pair reversed
}

#[test]
fn encoders() {
    bytes_ok(encode_ascii, &[s("hello")], b"hello");
    err(encode_ascii, &[s("hel\u{81}o")], (16150, "invalid string"));
    err(encode_ascii, &[s("−")], (16150, "invalid string"));

    bytes_ok(encode_latin1, &[s("ÿé\0")], &[0xff, 0xe9, 0]);
    err(encode_latin1, &[s("oneee−two")], (16160, "invalid string"));

    bytes_ok(encode_utf8, &[s("oneee−two")], "oneee−two".as_bytes());
    bytes_ok(
        encode_utf16,
        &[s("hello")],
        &[0xff, 0xfe, 104, 0, 101, 0, 108, 0, 108, 0, 111, 0],
    );
    bytes_ok(encode_utf16, &[s("")], &[0xff, 0xfe]);
    bytes_ok(encode_utf16be, &[s("o−")], &[0, 111, 0x22, 0x12]);
    bytes_ok(encode_utf16be, &[s("𝄞")], &[0xd8, 0x34, 0xdd, 0x1e]);
    bytes_ok(encode_utf16le, &[s("o−")], &[111, 0, 0x12, 0x22]);
    bytes_ok(encode_utf16le, &[s("")], b"");
}

#[test]
fn utf8_and_utf16_never_fail_on_strings() {
    // A string holds scalar values only, so these error codes exist for the spec's sake.
    for x in ["", "hello", "对讲机", "\u{10ffff}", "\0"] {
        assert!(run(encode_utf8, &[s(x)]).is_ok());
        assert!(run(encode_utf16, &[s(x)]).is_ok());
        assert!(run(encode_utf16be, &[s(x)]).is_ok());
        assert!(run(encode_utf16le, &[s(x)]).is_ok());
    }
    let codes: Vec<i32> = [
        ENCODE_UTF8,
        ENCODE_UTF16,
        ENCODE_UTF16BE,
        ENCODE_UTF16LE,
        DECODE_LATIN1,
    ]
    .iter()
    .map(|e| e.0)
    .collect();
    assert_eq!(codes, [16170, 16180, 16190, 16200, 16100]);
}

#[test]
fn round_trips() {
    for x in ["", "hello", "oneee−two", "对讲机", "𝄞 and ÿ", "\0\u{feff}"] {
        for (enc, dec) in [
            (
                encode_utf8 as crate::library::NativeFn,
                decode_utf8 as crate::library::NativeFn,
            ),
            (encode_utf16, decode_utf16),
            (encode_utf16be, decode_utf16be),
            (encode_utf16le, decode_utf16le),
        ] {
            let Ok(bytes) = run(enc, &[s(x)]) else {
                panic!("{x}")
            };
            ok(dec, &[bytes], s(x));
        }
    }
}

#[test]
fn base64() {
    ok(to_base64, &[b(&[0, 127, 64, 38, 22])], s("AH9AJhY="));
    ok(to_base64, &[b(b"")], s(""));
    ok(to_base64, &[b(&[0xff, 0x80, 0])], s("/4AA"));
    ok(to_base64, &[b(b"o")], s("bw=="));

    bytes_ok(from_base64, &[s("AH9AJhY=")], &[0, 127, 64, 38, 22]);
    bytes_ok(from_base64, &[s("")], b"");
    bytes_ok(from_base64, &[s("/4AA")], &[0xff, 0x80, 0]);
    bytes_ok(from_base64, &[s("YQ==")], b"a");
    bytes_ok(from_base64, &[s("YQ===")], b"a"); // extra padding is ignored
    bytes_ok(from_base64, &[s("YR==")], b"a"); // unused bits need not be zero
    bytes_ok(from_base64, &[s("YWI=")], b"ab");
    bytes_ok(from_base64, &[s("YWJj")], b"abc");
    bytes_ok(from_base64, &[s("=")], b"");
    for bad in [
        "...", "YQ", "YQ=", "Y", "YWJjZ", "A===", "YWJjZA=a", "Y=Q=", "YQ==\n", " YQ==", "-_8=",
        "YQ==YQ==",
    ] {
        err(from_base64, &[s(bad)], (16220, "invalid base64"));
    }
}
