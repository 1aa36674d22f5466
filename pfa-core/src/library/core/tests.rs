//! Table tests of the core operators, calling the natives directly.

use super::*;
use crate::library::testing::{err, ok, run_typed};
use crate::types::{Field, NamedKind, NamedType, TypeTable};
use crate::value::Value::{Boolean as B, Double as D, Float as F, Int as I, Long as L, Null};

const IMAX: i32 = i32::MAX;
const IMIN: i32 = i32::MIN;
const LMAX: i64 = i64::MAX;
const LMIN: i64 = i64::MIN;
const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

#[test]
fn add() {
    ok(add::int, &[I(2), I(3)], I(5));
    ok(add::int, &[I(IMAX), I(IMIN)], I(-1));
    err(add::int, &[I(IMAX), I(1)], (18000, "int overflow"));
    err(add::int, &[I(IMIN), I(-1)], add::INT_OVERFLOW);
    ok(add::long, &[L(LMAX - 1), L(1)], L(LMAX));
    err(add::long, &[L(LMAX), L(1)], (18001, "long overflow"));
    err(add::long, &[L(LMIN), L(-1)], add::LONG_OVERFLOW);
    ok(add::float, &[F(0.5), F(0.25)], F(0.75));
    // Single precision: 1 + 2^-24 rounds back to 1 in float.
    ok(add::float, &[F(1.0), F(5.960_464_5e-8)], F(1.0));
    ok(add::float, &[F(f32::MAX), F(f32::MAX)], F(f32::INFINITY));
    ok(add::double, &[D(0.1), D(0.2)], D(0.1 + 0.2));
    ok(add::double, &[D(f64::MAX), D(f64::MAX)], D(INF));
    ok(add::double, &[D(INF), D(-INF)], D(NAN));
}

#[test]
fn sub() {
    ok(sub::int, &[I(2), I(3)], I(-1));
    err(sub::int, &[I(IMIN), I(1)], (18010, "int overflow"));
    err(sub::int, &[I(0), I(IMIN)], sub::INT_OVERFLOW);
    ok(sub::long, &[L(0), L(LMAX)], L(-LMAX));
    err(sub::long, &[L(LMIN), L(1)], (18011, "long overflow"));
    ok(sub::float, &[F(1.0), F(0.25)], F(0.75));
    ok(sub::double, &[D(-f64::MAX), D(f64::MAX)], D(-INF));
}

#[test]
fn mul() {
    ok(mul::int, &[I(-7), I(6)], I(-42));
    err(mul::int, &[I(65536), I(32768)], (18020, "int overflow"));
    err(mul::int, &[I(IMIN), I(-1)], mul::INT_OVERFLOW);
    ok(mul::int, &[I(IMIN), I(1)], I(IMIN));
    ok(mul::long, &[L(1 << 31), L(1 << 31)], L(1 << 62));
    err(
        mul::long,
        &[L(1 << 32), L(1 << 31)],
        (18021, "long overflow"),
    );
    ok(mul::float, &[F(1.5), F(-2.0)], F(-3.0));
    ok(mul::double, &[D(INF), D(0.0)], D(NAN));
}

#[test]
fn div() {
    ok(div::double, &[D(1.0), D(4.0)], D(0.25));
    ok(div::double, &[D(1.0), D(0.0)], D(INF));
    ok(div::double, &[D(-1.0), D(0.0)], D(-INF));
    ok(div::double, &[D(0.0), D(0.0)], D(NAN));
}

#[test]
fn floordiv() {
    ok(floordiv::int, &[I(7), I(2)], I(3));
    ok(floordiv::int, &[I(-7), I(2)], I(-4));
    ok(floordiv::int, &[I(7), I(-2)], I(-4));
    ok(floordiv::int, &[I(-7), I(-2)], I(3));
    ok(floordiv::int, &[I(1), I(-2)], I(-1));
    ok(floordiv::int, &[I(-6), I(3)], I(-2));
    ok(floordiv::int, &[I(0), I(-5)], I(0));
    ok(floordiv::int, &[I(IMIN), I(2)], I(IMIN / 2));
    ok(floordiv::int, &[I(IMIN), I(-1)], I(IMIN));
    err(
        floordiv::int,
        &[I(1), I(0)],
        (18040, "integer division by zero"),
    );
    err(floordiv::int, &[I(0), I(0)], floordiv::DIV_ZERO);
    ok(floordiv::long, &[L(-1), L(LMAX)], L(-1));
    ok(floordiv::long, &[L(LMIN), L(LMAX)], L(-2));
    ok(floordiv::long, &[L(LMIN), L(-1)], L(LMIN));
    ok(floordiv::long, &[L(LMIN), L(LMIN)], L(1));
    err(
        floordiv::long,
        &[L(-3), L(0)],
        (18040, "integer division by zero"),
    );
}

#[test]
fn neg() {
    ok(neg::int, &[I(5)], I(-5));
    ok(neg::int, &[I(IMAX)], I(-IMAX));
    err(neg::int, &[I(IMIN)], (18050, "int overflow"));
    ok(neg::long, &[L(-5)], L(5));
    err(neg::long, &[L(LMIN)], (18051, "long overflow"));
    ok(neg::float, &[F(0.0)], F(-0.0));
    ok(neg::double, &[D(-INF)], D(INF));
}

#[test]
fn modulo() {
    // The sign of the modulus.
    ok(modulo::int, &[I(7), I(3)], I(1));
    ok(modulo::int, &[I(-7), I(3)], I(2));
    ok(modulo::int, &[I(7), I(-3)], I(-2));
    ok(modulo::int, &[I(-7), I(-3)], I(-1));
    ok(modulo::int, &[I(1), I(-17)], I(-16));
    ok(modulo::int, &[I(6), I(-3)], I(0));
    ok(modulo::int, &[I(IMIN), I(-1)], I(0));
    ok(modulo::int, &[I(IMIN), I(IMAX)], I(IMAX - 1));
    ok(modulo::int, &[I(-1), I(IMIN)], I(-1));
    ok(modulo::int, &[I(1), I(IMIN)], I(IMIN + 1));
    err(
        modulo::int,
        &[I(5), I(0)],
        (18060, "integer division by zero"),
    );
    ok(modulo::long, &[L(-1), L(LMAX)], L(LMAX - 1));
    ok(modulo::long, &[L(LMIN), L(-1)], L(0));
    err(
        modulo::long,
        &[L(0), L(0)],
        (18060, "integer division by zero"),
    );
    ok(modulo::double, &[D(5.5), D(2.0)], D(1.5));
    ok(modulo::double, &[D(-5.5), D(2.0)], D(0.5));
    ok(modulo::double, &[D(5.5), D(-2.0)], D(-0.5));
    ok(modulo::double, &[D(0.0), D(-1.0)], D(-0.0));
    ok(modulo::double, &[D(-0.0), D(1.0)], D(0.0));
    ok(modulo::double, &[D(1.0), D(0.0)], D(NAN));
    ok(modulo::double, &[D(INF), D(1.0)], D(NAN));
    ok(modulo::double, &[D(1e-5), D(INF)], D(1e-5));
    ok(modulo::double, &[D(-1e-5), D(INF)], D(INF));
    ok(modulo::double, &[D(1e-5), D(-INF)], D(-INF));
    ok(modulo::double, &[D(1.0), D(NAN)], D(NAN));
    ok(modulo::float, &[F(-5.5), F(2.0)], F(0.5));
    ok(modulo::float, &[F(0.0), F(-3.0)], F(-0.0));
}

#[test]
fn rem() {
    // The sign of the dividend.
    ok(rem::int, &[I(7), I(3)], I(1));
    ok(rem::int, &[I(-7), I(3)], I(-1));
    ok(rem::int, &[I(7), I(-3)], I(1));
    ok(rem::int, &[I(IMIN), I(-1)], I(0));
    err(rem::int, &[I(5), I(0)], (18070, "integer division by zero"));
    ok(rem::long, &[L(-7), L(-3)], L(-1));
    ok(rem::long, &[L(LMIN), L(-1)], L(0));
    err(
        rem::long,
        &[L(5), L(0)],
        (18070, "integer division by zero"),
    );
    ok(rem::double, &[D(-5.5), D(2.0)], D(-1.5));
    ok(rem::double, &[D(5.5), D(-INF)], D(5.5));
    ok(rem::double, &[D(1.0), D(0.0)], D(NAN));
    ok(rem::float, &[F(5.5), F(-2.0)], F(1.5));
}

#[test]
fn pow() {
    ok(pow::int, &[I(2), I(10)], I(1024));
    ok(pow::int, &[I(-3), I(3)], I(-27));
    ok(pow::int, &[I(0), I(0)], I(1));
    ok(pow::int, &[I(-2), I(31)], I(IMIN));
    err(pow::int, &[I(2), I(31)], (18080, "int overflow"));
    err(pow::int, &[I(46341), I(2)], pow::INT_OVERFLOW);
    err(pow::int, &[I(-17), I(100)], pow::INT_OVERFLOW);
    // Negative exponents: the whole part of 1/x^|y|; 0^-n is infinite.
    ok(pow::int, &[I(2), I(-1)], I(0));
    ok(pow::int, &[I(1), I(-100)], I(1));
    ok(pow::int, &[I(-1), I(-1)], I(-1));
    ok(pow::int, &[I(-1), I(-2)], I(1));
    ok(pow::int, &[I(-1), I(IMIN)], I(1));
    err(pow::int, &[I(0), I(-1)], (18080, "int overflow"));
    ok(pow::long, &[L(3), L(39)], L(4_052_555_153_018_976_267));
    ok(pow::long, &[L(-2), L(63)], L(LMIN));
    ok(pow::long, &[L(0), L(LMAX)], L(0));
    ok(pow::long, &[L(-1), L(LMAX)], L(-1));
    err(
        pow::long,
        &[L(3_037_000_500), L(2)],
        (18081, "long overflow"),
    );
    err(pow::long, &[L(2), L(LMAX)], pow::LONG_OVERFLOW);
    err(pow::long, &[L(0), L(-2)], pow::LONG_OVERFLOW);
    ok(pow::double, &[D(4.0), D(0.5)], D(2.0));
    ok(pow::double, &[D(0.0), D(-1.0)], D(INF));
    ok(pow::double, &[D(-8.0), D(1.0 / 3.0)], D(NAN));
    ok(pow::double, &[D(NAN), D(0.0)], D(1.0));
    ok(pow::double, &[D(1.0), D(NAN)], D(NAN));
    ok(pow::double, &[D(1.0), D(INF)], D(NAN));
    ok(pow::double, &[D(-1.0), D(-INF)], D(NAN));
    ok(pow::double, &[D(-INF), D(0.5)], D(INF));
    ok(pow::double, &[D(10.0), D(400.0)], D(INF));
    ok(pow::float, &[F(3.0), F(2.0)], F(9.0));
    ok(pow::float, &[F(10.0), F(39.0)], F(f32::INFINITY));
    ok(pow::float, &[F(1.0), F(f32::INFINITY)], F(f32::NAN));
}

#[test]
fn numeric_comparisons() {
    ok(compare::int, &[I(1), I(2)], I(-1));
    ok(compare::int, &[I(2), I(2)], I(0));
    ok(compare::long, &[L(LMAX), L(LMIN)], I(1));
    ok(eq::int, &[I(3), I(3)], B(true));
    ok(eq::long, &[L(3), L(4)], B(false));
    ok(ne::int, &[I(3), I(3)], B(false));
    ok(ne::long, &[L(3), L(4)], B(true));
    for (x, y) in [(1, 2), (2, 2), (3, 2)] {
        ok(lt::int, &[I(x), I(y)], B(x < y));
        ok(le::int, &[I(x), I(y)], B(x <= y));
        ok(gt::int, &[I(x), I(y)], B(x > y));
        ok(ge::int, &[I(x), I(y)], B(x >= y));
        ok(lt::long, &[L(x.into()), L(y.into())], B(x < y));
        ok(le::long, &[L(x.into()), L(y.into())], B(x <= y));
        ok(gt::long, &[L(x.into()), L(y.into())], B(x > y));
        ok(ge::long, &[L(x.into()), L(y.into())], B(x >= y));
    }
    ok(max::int, &[I(-1), I(4)], I(4));
    ok(max::long, &[L(9), L(4)], L(9));
    ok(min::int, &[I(-1), I(4)], I(-1));
    ok(min::long, &[L(9), L(4)], L(4));
}

/// A table with one record type `R {a: int, b: string}`.
fn record_table() -> (TypeTable, Type) {
    let mut t = TypeTable::new();
    let field = |name: &str, ty: Type| Field {
        name: name.to_string(),
        ty,
        default: None,
        doc: None,
    };
    let id = t
        .insert(NamedType {
            name: "R".to_string(),
            namespace: None,
            doc: None,
            aliases: Vec::new(),
            kind: NamedKind::Record {
                fields: vec![field("a", Type::Int), field("b", Type::String)],
            },
        })
        .unwrap_or_else(|id| id);
    (t, Type::Record(id))
}

/// Runs a generic comparison native on two values of type `ty`.
fn generic(f: NativeFn, table: &TypeTable, ty: &Type, x: &Value, y: &Value) -> Value {
    let args = [x.clone(), y.clone()];
    run_typed(f, table.clone(), &[ty.clone(), ty.clone()], &args).expect("comparison failed")
}

#[test]
fn generic_comparisons() {
    let (table, rec) = record_table();
    let Type::Record(id) = rec else {
        unreachable!()
    };
    let r = |a: i32, b: &str| Value::record(id, vec![I(a), Value::str(b)]);
    let arr = Type::array(Type::String);
    let strs = |xs: &[&str]| Value::array(xs.iter().map(|s| Value::str(s)).collect());
    let opt = Type::Union(vec![Type::Null, Type::Double]);
    let cases: Vec<(Type, Value, Value, i32)> = vec![
        (Type::String, Value::str("abc"), Value::str("abd"), -1),
        (Type::String, Value::str("b"), Value::str("abc"), 1),
        (Type::Double, D(1.0), D(1.0), 0),
        (Type::Double, D(-INF), D(0.0), -1),
        (arr.clone(), strs(&[]), strs(&[""]), -1),
        (arr.clone(), strs(&["o", "hello"]), strs(&["o", "hello"]), 0),
        (arr, strs(&["p"]), strs(&["o", "hello"]), 1),
        (rec.clone(), r(0, ""), r(0, "o"), -1),
        (rec.clone(), r(1, ""), r(0, "o"), 1),
        (rec, r(1, "x"), r(1, "x"), 0),
        (opt.clone(), Null, D(-INF), -1),
        (opt.clone(), D(2.0), D(1.0), 1),
        (opt, Null, Null, 0),
    ];
    for (ty, x, y, c) in &cases {
        let c = *c;
        let is = |f: NativeFn, want: bool| {
            let got = generic(f, &table, ty, x, y);
            assert!(matches!(got, B(b) if b == want), "{x:?} vs {y:?}: {got:?}");
        };
        let got = generic(compare::generic, &table, ty, x, y);
        assert!(matches!(got, I(g) if g == c), "cmp {x:?} {y:?}: {got:?}");
        is(eq::generic, c == 0);
        is(ne::generic, c != 0);
        is(lt::generic, c < 0);
        is(le::generic, c <= 0);
        is(gt::generic, c > 0);
        is(ge::generic, c >= 0);
        // max: x if x >= y; min: x if x < y; otherwise y.
        let mx = generic(max::generic, &table, ty, x, y);
        let mn = generic(min::generic, &table, ty, x, y);
        let want_max = if c >= 0 { x } else { y };
        let want_min = if c < 0 { x } else { y };
        assert_eq!(format!("{mx:?}"), format!("{want_max:?}"));
        assert_eq!(format!("{mn:?}"), format!("{want_min:?}"));
    }
}

#[test]
fn logic() {
    for x in [false, true] {
        ok(logic::not, &[B(x)], B(!x));
        for y in [false, true] {
            ok(logic::and, &[B(x), B(y)], B(x && y));
            ok(logic::or, &[B(x), B(y)], B(x || y));
            ok(logic::xor, &[B(x), B(y)], B(x != y));
        }
    }
}

#[test]
fn kleene() {
    let (t, f) = (B(true), B(false));
    // (x, y, x &&& y, x ||| y)
    let table = [
        (t.clone(), t.clone(), t.clone(), t.clone()),
        (t.clone(), f.clone(), f.clone(), t.clone()),
        (t.clone(), Null, Null, t.clone()),
        (f.clone(), t.clone(), f.clone(), t.clone()),
        (f.clone(), f.clone(), f.clone(), f.clone()),
        (f.clone(), Null, f.clone(), Null),
        (Null, t.clone(), Null, t.clone()),
        (Null, f.clone(), f.clone(), Null),
        (Null, Null, Null, Null),
    ];
    for (x, y, and, or) in table {
        ok(kleene::and, &[x.clone(), y.clone()], and);
        ok(kleene::or, &[x, y], or);
    }
    ok(kleene::not, &[B(true)], B(false));
    ok(kleene::not, &[B(false)], B(true));
    ok(kleene::not, &[Null], Null);
}

#[test]
fn bitwise() {
    ok(bitwise::and_int, &[I(0b1100), I(0b1010)], I(0b1000));
    ok(bitwise::or_int, &[I(0b1100), I(0b1010)], I(0b1110));
    ok(bitwise::xor_int, &[I(0b1100), I(0b1010)], I(0b0110));
    ok(bitwise::not_int, &[I(0)], I(-1));
    ok(bitwise::and_int, &[I(-1), I(IMIN)], I(IMIN));
    ok(bitwise::and_long, &[L(-1), L(LMIN)], L(LMIN));
    ok(bitwise::or_long, &[L(1 << 40), L(1)], L((1 << 40) | 1));
    ok(bitwise::xor_long, &[L(-1), L(LMAX)], L(LMIN));
    ok(bitwise::not_long, &[L(LMAX)], L(LMIN));
}

#[test]
fn wrong_representation_is_an_error_not_a_panic() {
    let r = crate::library::testing::run(add::int, &[D(1.0), I(1)]);
    assert!(matches!(r, Err(ref e) if e.code() == Some(0)), "{r:?}");
    let r = crate::library::testing::run(logic::not, &[]);
    assert!(r.is_err());
}

#[test]
fn calls_resolve_promote_and_specialize() {
    use crate::library::testing::call_ok;
    call_ok("+", &[I(2), I(3)], Type::Int, I(5));
    call_ok("+", &[I(2), L(3)], Type::Long, L(5));
    call_ok("+", &[I(2), F(0.5)], Type::Float, F(2.5));
    call_ok("+", &[L(2), D(0.5)], Type::Double, D(2.5));
    call_ok("/", &[I(1), I(2)], Type::Double, D(0.5));
    call_ok("//", &[L(-7), I(2)], Type::Long, L(-4));
    call_ok("u-", &[F(1.5)], Type::Float, F(-1.5));
    call_ok("%", &[I(-7), I(3)], Type::Int, I(2));
    call_ok("%%", &[D(-7.0), I(3)], Type::Double, D(-1.0));
    call_ok("**", &[I(2), L(40)], Type::Long, L(1 << 40));
    call_ok("cmp", &[I(1), I(2)], Type::Int, I(-1));
    call_ok("cmp", &[Value::str("b"), Value::str("a")], Type::Int, I(1));
    call_ok("<", &[I(1), D(1.5)], Type::Boolean, B(true));
    call_ok("==", &[L(1), L(1)], Type::Boolean, B(true));
    call_ok("max", &[I(3), D(2.5)], Type::Double, D(3.0));
    call_ok(
        "min",
        &[Value::str("b"), Value::str("a")],
        Type::String,
        Value::str("a"),
    );
    call_ok("&&", &[B(true), B(false)], Type::Boolean, B(false));
    call_ok("!", &[B(false)], Type::Boolean, B(true));
    let kleene = Type::Union(vec![Type::Boolean, Type::Null]);
    call_ok("&&&", &[B(true), Null], kleene.clone(), Null);
    call_ok("|||", &[Null, B(true)], kleene.clone(), B(true));
    call_ok("!!!", &[Null], kleene, Null);
    call_ok("&", &[I(6), I(3)], Type::Int, I(2));
    call_ok("|", &[I(6), L(3)], Type::Long, L(7));
    call_ok("~", &[L(0)], Type::Long, L(-1));
    call_ok("m.pi", &[], Type::Double, D(std::f64::consts::PI));
    call_ok("m.sqrt", &[I(16)], Type::Double, D(4.0));
    call_ok("m.abs", &[L(-3)], Type::Long, L(3));
    call_ok("m.abs", &[F(-3.0)], Type::Float, F(3.0));
    call_ok("m.copysign", &[I(3), I(-1)], Type::Int, I(-3));
    call_ok("m.log", &[I(8), I(2)], Type::Double, D(3.0));
    call_ok("m.round", &[F(2.5)], Type::Int, I(3));
    call_ok("m.round", &[D(2.5)], Type::Long, L(3));
    call_ok("m.signum", &[I(-4)], Type::Int, I(-1));
    call_ok("m.atan2", &[D(0.0), D(1.0)], Type::Double, D(0.0));
}

#[test]
fn calls_outside_the_signatures_do_not_resolve() {
    use crate::library::testing::resolve;
    assert!(resolve("//", &[Type::Double, Type::Double]).is_err());
    assert!(resolve("&", &[Type::Float, Type::Float]).is_err());
    assert!(resolve("+", &[Type::String, Type::String]).is_err());
    assert!(resolve("&&", &[Type::Boolean, Type::Null]).is_err());
    assert!(resolve("m.log", &[Type::Double, Type::Long]).is_err());
    assert!(resolve("m.pi", &[Type::Double]).is_err());
}

/// Every signature of every function in this module and `math` is reachable from some
/// primitive argument types, and its specialization succeeds for all of them.
#[test]
fn every_signature_specializes() {
    use crate::library::Imp;
    let candidates = [
        Type::Null,
        Type::Boolean,
        Type::Int,
        Type::Long,
        Type::Float,
        Type::Double,
        Type::String,
        Type::Union(vec![Type::Boolean, Type::Null]),
    ];
    let types = TypeTable::new();
    let registry = crate::library::testing::registry();
    let mut names: Vec<&str> = registry.names().collect();
    names.sort_unstable();
    for name in names {
        let Some(f) = registry.get(name) else {
            panic!("{name} listed but not found")
        };
        for (i, sig) in f.sigs.iter().enumerate() {
            let mut reached = false;
            for t in &candidates {
                let args = vec![t.clone(); sig.params.len()];
                let Some(matched) = sig.matches(&args, &types) else {
                    continue;
                };
                reached = true;
                if let Imp::Specialize(spec) = f.imp {
                    let s = Spec {
                        sig: i,
                        matched: &matched,
                        types: &types,
                    };
                    if let Err(e) = spec(&s) {
                        panic!("{name} signature {i} on {args:?}: {e}");
                    }
                }
            }
            assert!(
                reached,
                "{name}: signature {i} matches no primitive arguments"
            );
        }
    }
}
