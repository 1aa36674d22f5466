//! Table tests of `m.*`, calling the natives directly.

use super::*;
use crate::library::testing::{err, near, ok};
use crate::value::Value::{Double as D, Float as F, Int as I, Long as L};

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;
const PI: f64 = std::f64::consts::PI;

#[test]
fn constants() {
    ok(constants::pi, &[], D(PI));
    ok(constants::e, &[], D(std::f64::consts::E));
}

#[test]
fn elementary_values() {
    use elementary::*;
    let tol = 1e-15;
    near(sqrt, &[D(2.0)], std::f64::consts::SQRT_2, tol);
    near(sin, &[D(PI / 6.0)], 0.5, tol);
    near(cos, &[D(PI / 3.0)], 0.5, tol);
    near(tan, &[D(PI / 4.0)], 1.0, tol);
    near(asin, &[D(0.5)], PI / 6.0, tol);
    near(acos, &[D(0.5)], PI / 3.0, tol);
    near(atan, &[D(1.0)], PI / 4.0, tol);
    near(atan2, &[D(1.0), D(-1.0)], 3.0 * PI / 4.0, tol);
    near(sinh, &[D(1.0)], 1.175_201_193_643_801_4, tol);
    near(cosh, &[D(1.0)], 1.543_080_634_815_243_7, tol);
    near(tanh, &[D(0.5)], 0.462_117_157_260_009_76, tol);
    near(exp, &[D(1.0)], std::f64::consts::E, tol);
    near(expm1, &[D(1e-10)], 1.000_000_000_05e-10, tol);
    near(ln, &[D(std::f64::consts::E)], 1.0, tol);
    near(log10, &[D(1000.0)], 3.0, tol);
    near(ln1p, &[D(1e-10)], 9.999_999_999_5e-11, tol);
    near(ln1p, &[D(0.5)], 0.405_465_108_108_164_4, tol);
    ok(hypot, &[D(3.0), D(4.0)], D(5.0));
    // No intermediate overflow.
    near(hypot, &[D(3e300), D(4e300)], 5e300, tol);
}

#[test]
fn elementary_edges() {
    use elementary::*;
    // Outside the domain: NaN or infinities, never errors.
    ok(sqrt, &[D(-1.0)], D(NAN));
    ok(sqrt, &[D(-0.0)], D(-0.0));
    ok(sqrt, &[D(INF)], D(INF));
    ok(asin, &[D(1.5)], D(NAN));
    ok(acos, &[D(-1.5)], D(NAN));
    ok(ln, &[D(0.0)], D(-INF));
    ok(ln, &[D(-1.0)], D(NAN));
    ok(log10, &[D(0.0)], D(-INF));
    ok(log10, &[D(-1e-5)], D(NAN));
    ok(ln1p, &[D(-1.0)], D(-INF));
    ok(ln1p, &[D(-2.0)], D(NAN));
    ok(ln1p, &[D(-INF)], D(NAN));
    ok(exp, &[D(-INF)], D(0.0));
    ok(exp, &[D(1000.0)], D(INF));
    ok(expm1, &[D(-INF)], D(-1.0));
    ok(sinh, &[D(-INF)], D(-INF));
    ok(cosh, &[D(-INF)], D(INF));
    ok(tanh, &[D(INF)], D(1.0));
    ok(tanh, &[D(-INF)], D(-1.0));
    ok(sin, &[D(INF)], D(NAN));
    ok(atan, &[D(INF)], D(PI / 2.0));
    ok(atan2, &[D(0.0), D(-INF)], D(PI));
    ok(atan2, &[D(1.0), D(NAN)], D(NAN));
    ok(hypot, &[D(NAN), D(-INF)], D(INF));
    ok(hypot, &[D(1.0), D(NAN)], D(NAN));
    ok(floor, &[D(-0.5)], D(-1.0));
    ok(floor, &[D(2.5)], D(2.0));
    ok(floor, &[D(-INF)], D(-INF));
    ok(ceil, &[D(-0.5)], D(-0.0));
    ok(ceil, &[D(2.1)], D(3.0));
    ok(ceil, &[D(NAN)], D(NAN));
}

#[test]
fn rint_rounds_halves_to_even() {
    use elementary::rint;
    ok(rint, &[D(0.5)], D(0.0));
    ok(rint, &[D(1.5)], D(2.0));
    ok(rint, &[D(2.5)], D(2.0));
    ok(rint, &[D(-2.5)], D(-2.0));
    ok(rint, &[D(-0.5)], D(-0.0));
    ok(rint, &[D(2.6)], D(3.0));
    ok(rint, &[D(INF)], D(INF));
    ok(rint, &[D(NAN)], D(NAN));
}

#[test]
fn round_rounds_halves_up() {
    use rounding::*;
    ok(round_double, &[D(0.5)], L(1));
    ok(round_double, &[D(1.5)], L(2));
    ok(round_double, &[D(2.5)], L(3));
    ok(round_double, &[D(-0.5)], L(0));
    ok(round_double, &[D(-1.5)], L(-1));
    ok(round_double, &[D(-0.99999)], L(-1));
    ok(round_double, &[D(-1e-5)], L(0));
    // The largest double below one half: floor(x + 0.5) in floating point would give 1.
    ok(round_double, &[D(0.499_999_999_999_999_94)], L(0));
    ok(
        round_double,
        &[D(4_503_599_627_370_497.0)],
        L(4_503_599_627_370_497),
    );
    ok(round_double, &[D(-(2f64.powi(63)))], L(i64::MIN));
    err(round_double, &[D(2f64.powi(63))], (27191, "long overflow"));
    err(round_double, &[D(9.323_372_036_854_776e18)], LONG_OVERFLOW);
    err(round_double, &[D(-1e19)], LONG_OVERFLOW);
    err(round_double, &[D(INF)], LONG_OVERFLOW);
    err(round_double, &[D(-INF)], LONG_OVERFLOW);
    err(round_double, &[D(NAN)], LONG_OVERFLOW);
    ok(round_float, &[F(2.5)], I(3));
    ok(round_float, &[F(-2.5)], I(-2));
    ok(round_float, &[F(0.499_999_97)], I(0));
    ok(round_float, &[F(-2_147_483_648.0)], I(i32::MIN));
    ok(round_float, &[F(2_147_483_520.0)], I(2_147_483_520));
    err(round_float, &[F(2_147_483_648.0)], (27190, "int overflow"));
    err(round_float, &[F(2_247_483_650.0)], INT_OVERFLOW);
    err(round_float, &[F(f32::NEG_INFINITY)], INT_OVERFLOW);
    err(round_float, &[F(f32::NAN)], INT_OVERFLOW);
}

#[test]
fn signum() {
    use rounding::signum;
    ok(signum, &[D(0.5)], I(1));
    ok(signum, &[D(-1e-300)], I(-1));
    ok(signum, &[D(0.0)], I(0));
    ok(signum, &[D(-0.0)], I(0));
    ok(signum, &[D(INF)], I(1));
    ok(signum, &[D(-INF)], I(-1));
    ok(signum, &[D(NAN)], I(0));
}

#[test]
fn abs() {
    ok(abs::int, &[I(-5)], I(5));
    ok(abs::int, &[I(i32::MAX)], I(i32::MAX));
    ok(abs::int, &[I(-i32::MAX)], I(i32::MAX));
    err(abs::int, &[I(i32::MIN)], (27020, "int overflow"));
    ok(abs::long, &[L(-5)], L(5));
    err(abs::long, &[L(i64::MIN)], (27021, "long overflow"));
    ok(abs::float, &[F(-0.0)], F(0.0));
    ok(abs::float, &[F(-1.5)], F(1.5));
    ok(abs::double, &[D(-INF)], D(INF));
    ok(abs::double, &[D(-0.1)], D(0.1));
}

#[test]
fn copysign() {
    ok(copysign::int, &[I(5), I(-1)], I(-5));
    ok(copysign::int, &[I(-5), I(0)], I(5));
    ok(copysign::int, &[I(-5), I(3)], I(5));
    ok(copysign::int, &[I(0), I(-3)], I(0));
    ok(copysign::int, &[I(i32::MIN), I(-1)], I(i32::MIN));
    ok(copysign::int, &[I(i32::MIN), I(1)], I(i32::MIN));
    ok(copysign::long, &[L(7), L(i64::MIN)], L(-7));
    ok(copysign::long, &[L(-7), L(0)], L(7));
    ok(copysign::float, &[F(2.0), F(-0.5)], F(-2.0));
    ok(copysign::float, &[F(0.0), F(-1.0)], F(-0.0));
    ok(copysign::double, &[D(-3.0), D(0.0)], D(3.0));
    ok(copysign::double, &[D(3.0), D(-0.0)], D(-3.0));
    ok(copysign::double, &[D(INF), D(-1.0)], D(-INF));
}

#[test]
fn log_with_base() {
    use log::*;
    near(log, &[D(8.0), I(2)], 3.0, 1e-15);
    near(log, &[D(100.0), I(10)], 2.0, 1e-15);
    near(log, &[D(0.5), I(2)], -1.0, 1e-15);
    ok(log, &[D(0.0), I(2)], D(-INF));
    ok(log, &[D(-1.0), I(2)], D(NAN));
    // Base 1: division by ln(1) = 0.
    ok(log, &[D(17.0), I(1)], D(INF));
    ok(log, &[D(0.5), I(1)], D(-INF));
    ok(log, &[D(1.0), I(1)], D(NAN));
    err(log, &[D(0.5), I(0)], (27170, "base must be positive"));
    err(log, &[D(2.0), I(-2)], BASE_NOT_POSITIVE);
}
