//! Tests of the POSIX engine and the `re.*` natives. Expected matches and groups were
//! checked against glibc's `regexec(REG_EXTENDED)`, which the reference implementation
//! uses.

use std::sync::Arc;

use proptest::prelude::*;

use super::exec::{Searcher, Span};
use super::prog::compile;
use super::syntax::{Mode, SyntaxError};
use super::*;
use crate::library::testing::{err, ok, run};
use crate::library::NativeFn;

fn units(p: &str) -> Vec<u32> {
    p.chars().map(u32::from).collect()
}

/// The first match and its groups (`None` for no match), by code point.
fn groups_of(pattern: &str, hay: &str) -> Option<Vec<Option<Span>>> {
    let prog = compile(&units(pattern), Mode::Text).expect(pattern);
    let hay: Vec<char> = hay.chars().collect();
    let mut s = Searcher::new(&prog, &hay);
    let m = s.find(0, None).expect("budget")?;
    Some(s.groups(m).expect("budget"))
}

/// Groups in regexec's notation: `(-1, -1)` for a group that did not participate.
fn regexec(pattern: &str, hay: &str) -> Option<Vec<(i64, i64)>> {
    groups_of(pattern, hay).map(|g| {
        g.iter()
            .map(|x| x.map_or((-1, -1), |(a, b)| (a as i64, b as i64)))
            .collect()
    })
}

#[test]
fn syntax_accepted_and_rejected() {
    use SyntaxError::*;
    let cases: &[(&str, Result<(), SyntaxError>)] = &[
        ("ll", Ok(())),
        ("l{2}", Ok(())),
        ("(.)\\1", Ok(())),
        ("\\1", Err(BadBackref)),
        ("(a\\1)", Err(BadBackref)),
        ("(a)\\2(b)", Err(BadBackref)),
        ("(a)|\\1", Err(BadBackref)),
        ("(a)|(b)\\1", Err(BadBackref)),
        ("(a)|(b)\\2", Ok(())),
        ("((a)|b)\\2", Ok(())),
        ("(a)(b|\\1)", Ok(())),
        ("*a", Err(BadRepeat)),
        ("(+a)", Err(BadRepeat)),
        ("a|*b", Err(BadRepeat)),
        ("^*", Err(BadRepeat)),
        ("$+", Err(BadRepeat)),
        ("{", Err(BadRepeat)),
        ("a**", Ok(())),
        ("a+?", Ok(())),
        ("a{1}{2}", Ok(())),
        ("a{,2}", Ok(())),
        ("a{2,}", Ok(())),
        ("a{2,1}", Err(BadInterval)),
        ("a{1,x}", Err(BadInterval)),
        ("a{", Err(BadInterval)),
        ("a{1", Err(BadInterval)),
        ("a{}", Err(BadInterval)),
        ("a{32767}", Ok(())),
        ("a{32768}", Err(TooBig)),
        ("a{99999999999}", Err(TooBig)),
        ("(a", Err(UnclosedGroup)),
        ("a)", Ok(())),
        ("()", Ok(())),
        ("a||b", Ok(())),
        ("|", Ok(())),
        ("", Ok(())),
        ("[a", Err(UnclosedBracket)),
        ("[]", Err(UnclosedBracket)),
        ("[]a]", Ok(())),
        ("[^]a]", Ok(())),
        ("[[:alpha:]", Err(UnclosedBracket)),
        ("[[:foo:]]", Err(BadClass)),
        ("[[.space.]]", Err(BadClass)),
        ("[[.a.]-c]", Ok(())),
        ("[[=a=]]", Ok(())),
        ("[z-a]", Err(BadRange)),
        ("[a-c-e]", Err(BadRange)),
        ("[[:alpha:]-z]", Err(BadRange)),
        ("[--z]", Ok(())),
        ("[a-]", Ok(())),
        ("a\\", Err(TrailingEscape)),
        ("\\(\\)\\{\\n", Ok(())),
        ("a^b$c", Ok(())),
        ("\\<\\>\\b\\B\\`\\'\\w\\W\\s\\S", Ok(())),
        ("(a{1000}){1000}", Err(TooComplex)),
    ];
    for (pattern, want) in cases {
        let got = compile(&units(pattern), Mode::Text).map(|_| ());
        assert_eq!(&got, want, "{pattern:?}");
    }
    let too_complex = |p: &str| compile(&units(p), Mode::Text).map(|_| ()) == Err(TooComplex);
    assert!(too_complex(&format!(
        "{}a{}",
        "(".repeat(500),
        ")".repeat(500)
    )));
    assert!(too_complex(&format!("a{}", "*".repeat(100_000))));
    assert!(!too_complex(&format!(
        "{}a{}",
        "(".repeat(199),
        ")*".repeat(199)
    )));
    assert!(too_complex(&format!(
        "{}a{}",
        "(".repeat(199),
        ")**".repeat(199)
    )));
}

#[test]
fn leftmost_longest_and_glibc_groups() {
    #[allow(clippy::type_complexity)]
    let cases: &[(&str, &str, Option<&[(i64, i64)]>)] = &[
        ("a|ab", "ab", Some(&[(0, 2)])),
        (
            "(a|ab)(c|bcd)(d*)",
            "abcd",
            Some(&[(0, 4), (0, 1), (1, 4), (4, 4)]),
        ),
        (
            "(wee|week)(knights|night)",
            "weeknights",
            Some(&[(0, 10), (0, 3), (3, 10)]),
        ),
        ("(a*)*", "b", Some(&[(0, 0), (0, 0)])),
        ("(a*)+", "b", Some(&[(0, 0), (0, 0)])),
        ("(a)*", "b", Some(&[(0, 0), (-1, -1)])),
        ("(a*)*", "a", Some(&[(0, 1), (0, 1)])),
        ("(a*)*", "ab", Some(&[(0, 1), (0, 1)])),
        ("(a*)*b", "b", Some(&[(0, 1), (0, 0)])),
        ("(a|)*", "aa", Some(&[(0, 2), (1, 2)])),
        ("(|a)*", "aa", Some(&[(0, 2), (1, 2)])),
        ("(|a)+", "aa", Some(&[(0, 2), (1, 2)])),
        ("(a|)*", "b", Some(&[(0, 0), (0, 0)])),
        ("x(|a)*y", "xay", Some(&[(0, 3), (1, 2)])),
        ("x(|a)*y", "xy", Some(&[(0, 2), (1, 1)])),
        ("(a*){2}", "a", Some(&[(0, 1), (1, 1)])),
        ("(a*){3}", "a", Some(&[(0, 1), (1, 1)])),
        ("(a*)(b|abc)", "abc", Some(&[(0, 3), (0, 0), (0, 3)])),
        ("(.*)(.*)", "ab", Some(&[(0, 2), (0, 2), (2, 2)])),
        ("(a)|b", "b", Some(&[(0, 1), (-1, -1)])),
        ("((a)|b)+", "ab", Some(&[(0, 2), (1, 2), (0, 1)])),
        ("(a|b)*c", "abac", Some(&[(0, 4), (2, 3)])),
        (
            "(a?)((ab)?)(b?)",
            "ab",
            Some(&[(0, 2), (0, 1), (1, 1), (-1, -1), (1, 2)]),
        ),
        ("(a){0}b", "ab", Some(&[(1, 2), (-1, -1)])),
        ("()", "x", Some(&[(0, 0), (0, 0)])),
        ("x*", "abc", Some(&[(0, 0)])),
        (
            "(the )+",
            "Paris in the the spring",
            Some(&[(9, 17), (13, 17)]),
        ),
        (
            "(the )\\1",
            "Paris in the the spring",
            Some(&[(9, 17), (9, 13)]),
        ),
        ("(a)(b)\\2\\1", "abba", Some(&[(0, 4), (0, 1), (1, 2)])),
        ("(.)\\1", "hello", Some(&[(2, 4), (2, 3)])),
        ("(.)\\1", "oneee−two", Some(&[(2, 4), (2, 3)])),
        ("(a*)\\1", "aaaa", Some(&[(0, 4), (0, 2)])),
        ("(a|ab)\\1", "abab", Some(&[(0, 4), (0, 2)])),
        ("ab(c|d)*", "abcccdc", Some(&[(0, 7), (6, 7)])),
        (
            "(abc){2}|(def){2}",
            "defdef",
            Some(&[(0, 6), (-1, -1), (3, 6)]),
        ),
        ("a^b", "a^b", None),
        ("(^a|b)", "ab", Some(&[(0, 1), (0, 1)])),
        ("\\<a", "ba a", Some(&[(3, 4)])),
        ("a\\>", "ab a", Some(&[(3, 4)])),
        ("\\bx\\b", "axb x", Some(&[(4, 5)])),
        ("\\Bx", "ax", Some(&[(1, 2)])),
        ("\\w+", "a_1 ", Some(&[(0, 3)])),
        ("\\W\\s\\S", "a- b", Some(&[(1, 4)])),
        ("[\\n]", "\\", Some(&[(0, 1)])),
        ("\\n", "n", Some(&[(0, 1)])),
        ("a)", "a)", Some(&[(0, 2)])),
        ("[]a]+", "]a]", Some(&[(0, 3)])),
        ("[^]a]", "]ab", Some(&[(2, 3)])),
        ("[[:alpha:]]+", "é1", Some(&[(0, 1)])),
        ("[[:digit:][:space:]]+", "x1 2y", Some(&[(1, 4)])),
        ("[[:upper:]][[:lower:]]", "aAb", Some(&[(1, 3)])),
        ("[[.a.]-c]+", "dcab", Some(&[(1, 4)])),
        ("a{,2}", "aaa", Some(&[(0, 2)])),
        ("a{1,2}{2}", "aaa", Some(&[(0, 3)])),
        ("机+", "对讲机机a", Some(&[(2, 4)])),
        ("[对讲]+", "机对讲对", Some(&[(1, 4)])),
        (".", "€", Some(&[(0, 1)])),
        ("", "", Some(&[(0, 0)])),
        ("$", "ab", Some(&[(2, 2)])),
    ];
    for &(pattern, hay, want) in cases {
        let got = regexec(pattern, hay);
        assert_eq!(got.as_deref(), want, "{pattern:?} on {hay:?}");
    }
}

#[test]
fn bytes_patterns_are_bytes() {
    let find = |p: &[u8], h: &[u8]| {
        let units: Vec<u32> = p.iter().map(|&b| u32::from(b)).collect();
        let prog = compile(&units, Mode::Bytes).expect("pattern");
        Searcher::new(&prog, h).find(0, None).expect("budget")
    };
    // `.` is one byte, so a two-byte character is two units.
    assert_eq!(find(b"^..$", "é".as_bytes()), Some((0, 2)));
    assert_eq!(find(b"^.$", "é".as_bytes()), None);
    // Classes are ASCII in bytes mode: é (C3 A9) is not alphabetic there.
    assert_eq!(find(b"[[:alpha:]]+", "aé".as_bytes()), Some((0, 1)));
    assert_eq!(find(b"\\w+", "é".as_bytes()), None);
    // Any byte matches, including invalid UTF-8 and NUL.
    assert_eq!(find(b"\xff.\x00", &[1, 0xff, 0x80, 0]), Some((1, 4)));
    assert_eq!(find(b"[\x80-\xff]+", &[1, 0xff, 0x80, 0]), Some((1, 3)));
}

#[test]
fn iteration_skips_an_empty_match_after_a_match() {
    let all = |p: &str, h: &str| {
        let prog = compile(&units(p), Mode::Text).expect(p);
        let hay: Vec<char> = h.chars().collect();
        Searcher::new(&prog, &hay).find_all().expect("budget")
    };
    assert_eq!(all("x*", "axb"), [(0, 0), (1, 2), (3, 3)]);
    assert_eq!(all("x*", ""), [(0, 0)]);
    assert_eq!(all("b*", "ab"), [(0, 0), (1, 2)]);
    assert_eq!(all("^a", "aaa"), [(0, 1)]);
    assert_eq!(all("a$", "aaa"), [(2, 3)]);
    assert_eq!(all("\\<.", "ab cd"), [(0, 1), (3, 4)]);
    assert_eq!(all("(.)\\1", "aabbcc"), [(0, 2), (2, 4), (4, 6)]);
}

#[test]
fn backtracking_budget_is_an_error_not_a_hang() {
    // Exponential for a backtracker, and back-references force backtracking.
    let pattern = "(a*)*(a*)*(a*)*(a*)*\\1\\2b";
    let prog = compile(&units(pattern), Mode::Text).expect("pattern");
    let hay: Vec<char> = "a".repeat(60).chars().collect();
    let mut s = Searcher::new(&prog, &hay);
    s.set_budget(200_000);
    assert_eq!(s.find(0, None), Err(super::exec::TooComplex));
    // The natives report it as an engine-limit error (code 0), not a pattern error.
    match too_complex() {
        crate::error::PfaError::Runtime(e) => assert_eq!(e.code, 0),
        other => panic!("{other:?}"),
    }
}

#[test]
fn compiled_patterns_are_cached() {
    let a = compiled(Mode::Text, b"(.)\\1");
    let b = compiled(Mode::Text, b"(.)\\1");
    assert!(Rc::ptr_eq(&a, &b));
    let c = compiled(Mode::Bytes, b"(.)\\1");
    assert!(!Rc::ptr_eq(&a, &c));
    let bad = compiled(Mode::Text, b"\\1");
    assert!(bad.is_err());
    assert!(Rc::ptr_eq(&bad, &compiled(Mode::Text, b"\\1")));
}

// ---------------------------------------------------------------------------------------
// The natives

fn s(x: &str) -> Value {
    Value::str(x)
}

fn b(x: &[u8]) -> Value {
    Value::Bytes(Arc::from(x))
}

fn ints(x: &[i32]) -> Value {
    Value::array(x.iter().map(|&i| Value::Int(i)).collect())
}

fn strs(x: &[&str]) -> Value {
    Value::array(x.iter().map(|&i| s(i)).collect())
}

/// Runs a native and compares its result structurally.
#[track_caller]
fn same(f: NativeFn, args: &[Value], want: Value) {
    match run_any(f, args) {
        Ok(got) => assert_eq!(show(&got), show(&want), "{args:?}"),
        Err(e) => panic!("{args:?}: got error {e}, want {want:?}"),
    }
}

fn run_any(f: NativeFn, args: &[Value]) -> Ret {
    run(f, args)
}

fn show(v: &Value) -> String {
    match v {
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", inner.join(","))
        }
        Value::String(x) => format!("{x:?}"),
        Value::Bytes(x) => format!("b{:?}", &x[..]),
        other => format!("{other:?}"),
    }
}

fn native_of<O: Op>() -> NativeFn {
    native::<O>
}

#[test]
fn every_function_raises_its_bad_pattern_code() {
    let cases: &[(NativeFn, i32, bool)] = &[
        (native_of::<Index>(), 35000, false),
        (native_of::<Contains>(), 35010, false),
        (native_of::<Count>(), 35020, false),
        (native_of::<RIndex>(), 35030, false),
        (native_of::<Groups>(), 35040, false),
        (native_of::<IndexAll>(), 35050, false),
        (native_of::<FindAll>(), 35060, false),
        (native_of::<FindFirst>(), 35070, false),
        (native_of::<FindGroupsFirst>(), 35080, false),
        (native_of::<FindGroupsAll>(), 35090, false),
        (native_of::<GroupsAll>(), 35100, false),
        (native_of::<ReplaceFirst>(), 35110, true),
        (native_of::<ReplaceLast>(), 35120, true),
        (native_of::<Split>(), 35130, false),
        (native_of::<ReplaceAll>(), 35140, true),
    ];
    for &(f, code, replace) in cases {
        let mut args = vec![s("hello"), s("\\1")];
        let mut bargs = vec![b(b"hello"), b(b"(a")];
        if replace {
            args.push(s("x"));
            bargs.push(b(b"x"));
        }
        err(f, &args, (code, "bad pattern"));
        err(f, &bargs, (code, "bad pattern"));
    }
}

#[test]
fn string_functions() {
    let h = s("oneee−two, aab and ccc");
    let p = s("(.)\\1");
    same(native::<Index>, &[h.clone(), p.clone()], ints(&[2, 4]));
    same(native::<Index>, &[h.clone(), s("x")], ints(&[]));
    same(native::<Index>, &[h.clone(), s("two")], ints(&[6, 9]));
    ok(
        native::<Contains>,
        &[h.clone(), p.clone()],
        Value::Boolean(true),
    );
    ok(
        native::<Contains>,
        &[h.clone(), s("^two")],
        Value::Boolean(false),
    );
    ok(native::<Count>, &[h.clone(), p.clone()], Value::Int(3));
    ok(native::<Count>, &[s("abc"), s("x*")], Value::Int(4));
    same(native::<RIndex>, &[h.clone(), p.clone()], ints(&[19, 21]));
    same(native::<RIndex>, &[h.clone(), s("q")], ints(&[]));
    let g = |x: &[[i32; 2]]| Value::array(x.iter().map(|p| ints(p)).collect());
    same(
        native::<Groups>,
        &[h.clone(), p.clone()],
        g(&[[2, 4], [2, 3]]),
    );
    same(native::<Groups>, &[s("b"), s("(a)|b")], g(&[[0, 1]]));
    same(native::<Groups>, &[h.clone(), s("z")], g(&[]));
    same(
        native::<IndexAll>,
        &[h.clone(), p.clone()],
        g(&[[2, 4], [11, 13], [19, 21]]),
    );
    same(
        native::<FindAll>,
        &[h.clone(), p.clone()],
        strs(&["ee", "aa", "cc"]),
    );
    same(
        native::<FindAll>,
        &[s("对讲机机"), s("机+")],
        strs(&["机机"]),
    );
    ok(native::<FindFirst>, &[h.clone(), s("−t.")], s("−tw"));
    ok(native::<FindFirst>, &[h.clone(), s("z")], Value::Null);
    same(
        native::<FindGroupsFirst>,
        &[h.clone(), s("([a-z]+)−([a-z]+)")],
        strs(&["oneee−two", "oneee", "two"]),
    );
    same(
        native::<FindGroupsFirst>,
        &[h.clone(), s("z(.)")],
        strs(&[]),
    );
    same(
        native::<FindGroupsAll>,
        &[h.clone(), p.clone()],
        Value::array(vec![
            strs(&["ee", "e"]),
            strs(&["aa", "a"]),
            strs(&["cc", "c"]),
        ]),
    );
    let gg = Value::array(vec![
        g(&[[2, 4], [2, 3]]),
        g(&[[11, 13], [11, 12]]),
        g(&[[19, 21], [19, 20]]),
    ]);
    same(native::<GroupsAll>, &[h.clone(), p.clone()], gg);
    let r = s("<>");
    ok(
        native::<ReplaceFirst>,
        &[h.clone(), p.clone(), r.clone()],
        s("on<>e−two, aab and ccc"),
    );
    ok(
        native::<ReplaceLast>,
        &[h.clone(), p.clone(), r.clone()],
        s("oneee−two, aab and <>c"),
    );
    ok(
        native::<ReplaceAll>,
        &[h.clone(), p.clone(), r.clone()],
        s("on<>e−two, <>b and <>c"),
    );
    ok(
        native::<ReplaceAll>,
        &[s("axb"), s("x*"), s("-")],
        s("-a-b-"),
    );
    ok(
        native::<ReplaceAll>,
        &[s("abc"), s("q"), r.clone()],
        s("abc"),
    );
    ok(
        native::<ReplaceFirst>,
        &[s("机机"), s("机"), s("\\1&")],
        s("\\1&机"),
    );
    same(
        native::<Split>,
        &[h.clone(), p.clone()],
        strs(&["on", "e−two, ", "b and ", "c"]),
    );
}

#[test]
fn split_edges() {
    let split = |h: &str, p: &str| run(native::<Split>, &[s(h), s(p)]).map(|v| show(&v));
    let want = |x: &[&str]| Ok(show(&strs(x)));
    assert_eq!(split("", "ll"), want(&[""]));
    assert_eq!(split("o", "ll"), want(&["o"]));
    assert_eq!(split("hello", "ll"), want(&["he", "o"]));
    assert_eq!(split("cowpcowppcowppp", "cow"), want(&["p", "pp", "ppp"]));
    assert_eq!(split("pcowppcowpppcow", "cow"), want(&["p", "pp", "ppp"]));
    assert_eq!(split("cowcowp", "cow"), want(&["", "p"]));
    assert_eq!(split("abc", "x*"), want(&["a", "b", "c"]));
    assert_eq!(split("cow", "cow"), want(&[]));
}

#[test]
fn bytes_functions() {
    let h = b(&[b'h', b'e', b'l', b'l', b'o', 0xff, 0xff, 0]);
    let p = b(b"(.)\\1");
    same(native::<Index>, &[h.clone(), p.clone()], ints(&[2, 4]));
    ok(native::<Count>, &[h.clone(), p.clone()], Value::Int(2));
    same(native::<RIndex>, &[h.clone(), p.clone()], ints(&[5, 7]));
    same(
        native::<FindAll>,
        &[h.clone(), p.clone()],
        Value::array(vec![b(b"ll"), b(&[0xff, 0xff])]),
    );
    same(
        native::<FindFirst>,
        &[h.clone(), b(b"o.")],
        b(&[b'o', 0xff]),
    );
    ok(native::<FindFirst>, &[h.clone(), b(b"z")], Value::Null);
    same(
        native::<ReplaceAll>,
        &[h.clone(), p.clone(), b(&[0])],
        b(&[b'h', b'e', 0, b'o', 0, 0]),
    );
    same(
        native::<Split>,
        &[h.clone(), b(b"\xff+")],
        Value::array(vec![b(b"hello"), b(&[0])]),
    );
    // Multi-byte sequences in a bytes pattern match byte by byte (a vector from the
    // reference implementation's tests).
    let walkie = "This 对讲机 works better than that 对讲机.".as_bytes();
    let out = "This walkie talkie works better than that walkie talkie.".as_bytes();
    same(
        native::<ReplaceAll>,
        &[b(walkie), b("对讲机+".as_bytes()), b(b"walkie talkie")],
        b(out),
    );
    let hay = "xyzzzz对讲机机abcc对讲机机mmmmm对讲机机aa".as_bytes();
    let g = |x: &[[i32; 2]]| Value::array(x.iter().map(|p| ints(p)).collect());
    same(
        native::<IndexAll>,
        &[b(hay), b("对讲机(讲|机)*".as_bytes())],
        g(&[[6, 18], [22, 34], [39, 51]]),
    );
}

// ---------------------------------------------------------------------------------------
// The Pike VM and the backtracker agree on the overall match

fn pattern_strategy() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just(".".to_string()),
        Just("[ab]".to_string()),
        Just("[^a]".to_string()),
        Just("^".to_string()),
        Just("$".to_string()),
        Just("\\b".to_string()),
        Just("()".to_string()),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| format!("({})", v.join("|"))),
            (inner.clone(), 0..6usize).prop_map(|(x, k)| {
                let op = ["*", "+", "?", "{2}", "{0,2}", "{1,}"][k];
                format!("({x}){op}")
            }),
            inner.prop_map(|x| format!("({x})")),
        ]
    })
}

proptest! {
    #[test]
    fn pike_and_backtracking_agree(pattern in pattern_strategy(), hay in "[abc ]{0,8}") {
        let Ok(prog) = compile(&units(&pattern), Mode::Text) else { return Ok(()); };
        let hay: Vec<char> = hay.chars().collect();
        let mut a = Searcher::new(&prog, &hay);
        let mut b = Searcher::new(&prog, &hay);
        let mut from = 0;
        let mut forbid = None;
        loop {
            let x = a.find(from, forbid).expect("no budget for the Pike VM");
            let y = b.find_exhaustive(from, forbid).expect("budget");
            prop_assert_eq!(x, y, "{} from {}", pattern, from);
            let Some((s, e)) = x else { break };
            // The groups of a match lie inside it, and group 0 is the match.
            let g = a.groups((s, e)).expect("budget");
            prop_assert_eq!(g.first().copied().flatten(), Some((s, e)));
            for (gs, ge) in g.iter().flatten() {
                prop_assert!(s <= *gs && gs <= ge && *ge <= e);
            }
            from = e;
            forbid = Some(e);
        }
    }
}
