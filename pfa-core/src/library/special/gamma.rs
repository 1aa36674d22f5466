//! Gamma-function kernels: ln Γ, the Stirling-series error, the deviance term `bd0`,
//! ln B, and the regularized incomplete gamma functions P and Q with their inverse.
//!
//! ln Γ comes from `libm` (musl's implementation, within about an ulp). The incomplete
//! gamma functions are written here because the crates available (statrs, puruspe,
//! special) compute them with relative errors of 1e-9..1e-13 in places the
//! distributions need, e.g. near P ≈ 1 for small shapes; the methods below are the
//! classical ones (power series, Legendre's continued fraction, Temme's uniform
//! expansion for huge shapes) with the common factor x^a e^-x / Γ(a) evaluated through
//! the saddle-point form of Loader (2000), which keeps full relative precision.

use super::roots;
use std::f64::consts::PI;

/// Machine epsilon.
pub(crate) const EPS: f64 = f64::EPSILON;
/// ln √(2π).
pub(crate) const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// Euler–Mascheroni constant γ.
const EULER: f64 = 0.577_215_664_901_532_9;

/// ln Γ(x) for x > 0.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// ζ(2) .. ζ(16); higher values are summed directly (see [`zeta`]).
const ZETA: [f64; 15] = [
    1.644_934_066_848_226_4,
    1.202_056_903_159_594_2,
    1.082_323_233_711_138_1,
    1.036_927_755_143_37,
    1.017_343_061_984_449,
    1.008_349_277_381_922_7,
    1.004_077_356_197_944_4,
    1.002_008_392_826_082_1,
    1.000_994_575_127_818_2,
    1.000_494_188_604_119_4,
    1.000_246_086_553_308,
    1.000_122_713_347_578_5,
    1.000_061_248_135_058_6,
    1.000_030_588_236_307,
    1.000_015_282_259_408_6,
];

/// Riemann ζ(k) for integer k ≥ 2 (only used with k ≤ 40).
fn zeta(k: i32) -> f64 {
    match usize::try_from(k - 2).ok().and_then(|i| ZETA.get(i)) {
        Some(z) => *z,
        // For k ≥ 17 the terms beyond 6^-k are below 1e-14 and shrink fast.
        None => (1..=8).map(|n| f64::from(n).powi(-k)).sum(),
    }
}

/// ln Γ(1 + a), accurate also for tiny |a| where 1 + a rounds: there
/// ln Γ(1 + a) = -γa + Σ_{k≥2} (-1)^k ζ(k) a^k / k.
pub(crate) fn ln_gamma_1p(a: f64) -> f64 {
    if a.abs() >= 0.2 {
        return ln_gamma(1.0 + a);
    }
    let mut sum = -EULER * a;
    // pow = (-a)^k
    let mut pow = -a;
    for k in 2..40 {
        pow *= -a;
        let term = zeta(k) * pow / f64::from(k);
        sum += term;
        if term.abs() <= EPS * 0.25 * sum.abs() {
            break;
        }
    }
    sum
}

/// Coefficients B_{2k} / (2k (2k - 1)) of the Stirling series, k = 1..9.
const STIRLING: [f64; 9] = [
    1.0 / 12.0,
    -1.0 / 360.0,
    1.0 / 1260.0,
    -1.0 / 1680.0,
    1.0 / 1188.0,
    -691.0 / 360_360.0,
    1.0 / 156.0,
    -3617.0 / 122_400.0,
    43867.0 / 244_188.0,
];

/// The error of Stirling's formula, ln Γ(x) - ((x - ½) ln x - x + ln √(2π)), which is
/// also ln x! - ln(√(2πx) (x/e)^x), for x > 0. The series is used from 10 up (its first
/// omitted term is below 2e-19 there); below, the difference is formed directly, with
/// an absolute error of a few ulps of ln Γ(x).
pub(crate) fn stirlerr(x: f64) -> f64 {
    if x >= 10.0 {
        let r = 1.0 / (x * x);
        let mut sum = 0.0;
        for c in STIRLING.iter().rev() {
            sum = sum * r + c;
        }
        sum / x
    } else {
        ln_gamma(x) - (x - 0.5) * x.ln() + x - LN_SQRT_2PI
    }
}

/// stirlerr(x + h) - stirlerr(x) for x ≥ 10, term by term so that small h keeps its
/// digits: each power difference is x^-(2k-1) · expm1(-(2k-1) ln(1 + h/x)).
fn stirlerr_diff(x: f64, h: f64) -> f64 {
    let r = 1.0 / (x * x);
    let l = (h / x).ln_1p();
    let mut pow = 1.0 / x;
    let mut sum = 0.0;
    for (k, c) in STIRLING.iter().enumerate() {
        let e = (2 * k + 1) as f64;
        sum += c * pow * (-e * l).exp_m1();
        pow *= r;
    }
    sum
}

/// ln Γ(x + h) - ln Γ(x) for x > 0 and small h ≥ 0, without the cancellation of two
/// large ln Γ values: x is raised to 10 or more by Γ(x + 1) = xΓ(x) (each step a ln_1p),
/// then Stirling's formula gives h ln x + (x + h - ½) ln(1 + h/x) - h plus the
/// difference of the error terms.
pub(crate) fn ln_gamma_ratio(mut x: f64, h: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift -= (h / x).ln_1p();
        x += 1.0;
    }
    shift + h * x.ln() + (x + h - 0.5) * (h / x).ln_1p() - h + stirlerr_diff(x, h)
}

/// The deviance term x ln(x/m) + m - x ≥ 0, without cancellation when x ≈ m
/// (Loader's series in v = (x - m)/(x + m)).
pub(crate) fn bd0(x: f64, m: f64) -> f64 {
    if x == 0.0 {
        return m;
    }
    if !x.is_finite() || !m.is_finite() || m == 0.0 {
        return f64::INFINITY;
    }
    if (x - m).abs() < 0.1 * (x + m) {
        let v = (x - m) / (x + m);
        let v2 = v * v;
        let mut s = (x - m) * v;
        let mut ej = 2.0 * x * v;
        for j in 1..1000 {
            ej *= v2;
            let next = s + ej / f64::from(2 * j + 1);
            if next == s {
                break;
            }
            s = next;
        }
        s
    } else {
        let ratio = x / m;
        let ln_ratio = if ratio.is_finite() && ratio > 0.0 {
            ratio.ln()
        } else {
            x.ln() - m.ln()
        };
        x * ln_ratio + m - x
    }
}

/// ln B(a, b) for a, b > 0, using Stirling corrections where an argument is large so
/// that the big ln Γ terms cancel exactly instead of in floating point.
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    let (p, q) = if a < b { (a, b) } else { (b, a) };
    if p.is_nan() || q.is_nan() {
        return f64::NAN;
    }
    if q.is_infinite() {
        return f64::NEG_INFINITY;
    }
    let n = p + q;
    if p >= 10.0 {
        let corr = stirlerr(p) + stirlerr(q) - stirlerr(n);
        -0.5 * n.ln() + LN_SQRT_2PI + corr + (p - 0.5) * (p / n).ln() + (q - 0.5) * (-p / n).ln_1p()
    } else if q >= 10.0 {
        let corr = stirlerr(q) - stirlerr(n);
        ln_gamma(p) + corr + p - p * n.ln() + (q - 0.5) * (-p / n).ln_1p()
    } else {
        // n = p + q is rounded; near ln B = 0 (p + q ≈ 2) that rounding would be most of
        // the result, so ln Γ is corrected to the exact sum to first order.
        let rounding = (p - (n - q)) + (q - (n - (n - q)));
        ln_gamma(p) + ln_gamma(q) - (ln_gamma(n) + digamma(n) * rounding)
    }
}

/// ψ(x) = d ln Γ(x)/dx for x > 0, to about 1e-10 relative (enough for first-order
/// corrections): the recurrence ψ(x) = ψ(x + 1) - 1/x up to 6, then the asymptotic
/// series.
fn digamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 6.0 {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let r = 1.0 / (x * x);
    shift + x.ln() - 0.5 / x - r * (1.0 / 12.0 - r * (1.0 / 120.0 - r / 252.0))
}

/// x^a e^-x / Γ(a) for a > 0, x ≥ 0 (the density of the unit-scale gamma distribution
/// times x).
pub(crate) fn gamma_prefix(a: f64, x: f64) -> f64 {
    if x == 0.0 || x.is_infinite() {
        return 0.0;
    }
    if a >= 10.0 {
        // Γ(a) = √(2π/a) (a/e)^a e^stirlerr(a), so the ratio is √(a/2π) e^-(bd0 + stirlerr).
        (a / (2.0 * PI)).sqrt() * (-bd0(a, x) - stirlerr(a)).exp()
    } else if a < 1.0 {
        // x^a e^-x / Γ(1 + a), times a.
        a * (a * x.ln() - x - ln_gamma_1p(a)).exp()
    } else {
        (a * x.ln() - x - ln_gamma(a)).exp()
    }
}

/// Largest number of terms any series or continued fraction here may take; the
/// expansions converge in O(√a) steps, so this only stops runaway loops.
fn max_terms(a: f64) -> usize {
    let n = 1000.0 + 40.0 * a.abs().sqrt();
    if n.is_finite() && n < 1e8 {
        n as usize
    } else {
        100_000_000
    }
}

/// P(a, x) by its power series, for x < a + 1.
fn p_series(a: f64, x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let mut n = a;
    for _ in 0..max_terms(a) {
        n += 1.0;
        term *= x / n;
        sum += term;
        if term <= sum * EPS * 0.25 {
            break;
        }
    }
    // x^a e^-x / Γ(a + 1) = prefix / a.
    gamma_prefix(a, x) / a * sum
}

/// Q(a, x) by Legendre's continued fraction (modified Lentz), for x ≥ a + 1.
fn q_fraction(a: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    let mut i = 0.0;
    for _ in 0..max_terms(a) {
        i += 1.0;
        let an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < TINY {
            d = TINY;
        }
        c = b + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() <= EPS {
            break;
        }
    }
    gamma_prefix(a, x) * h
}

/// Q(a, x) for a < 1 and x < a + 1, where P is close to 1 for small a and 1 - P would
/// lose the digits of Q. With u = x^a / Γ(1 + a):
/// Q = (1 - u) - u·a·Σ_{n≥1} (-x)^n / (n! (a + n)), and
/// 1 - u = ((Γ(1 + a) - 1) - (x^a - 1)) / Γ(1 + a), both differences formed with expm1.
fn q_small_shape(a: f64, x: f64) -> f64 {
    let lg = ln_gamma_1p(a);
    let ax = a * x.ln();
    let one_minus_u = (lg.exp_m1() - ax.exp_m1()) / lg.exp();
    let u = (ax - lg).exp();
    let mut t = 1.0;
    let mut s = 0.0;
    let mut n = 0.0;
    for _ in 0..200 {
        n += 1.0;
        t *= -x / n;
        let term = t / (a + n);
        s += term;
        if term.abs() <= EPS * 0.25 * s.abs() {
            break;
        }
    }
    one_minus_u - u * a * s
}

/// Shape above which Temme's uniform expansion replaces the series (which would need
/// about 40·√a terms).
pub(crate) const TEMME_SHAPE: f64 = 1e10;

/// Leading terms of Temme's uniform asymptotic expansion (DLMF 8.12):
/// Q = ½ erfc(η √(a/2)) + e^(-aη²/2) / √(2πa) · c₀(η), with η²/2 = λ - 1 - ln λ,
/// λ = x/a. The next term is smaller by a factor 1/a ≤ 1e-10.
pub(crate) fn temme(a: f64, x: f64) -> (f64, f64) {
    let d = bd0(a, x);
    let lambda = x / a;
    let eta = (2.0 * d / a).sqrt().copysign(x - a);
    let y = eta * (0.5 * a).sqrt();
    let c0 = if eta.abs() < 1e-3 {
        // Series of 1/(λ - 1) - 1/η, which cancels near λ = 1.
        -1.0 / 3.0 + eta * (1.0 / 12.0 + eta * (-2.0 / 135.0 + eta * (1.0 / 864.0)))
    } else {
        1.0 / (lambda - 1.0) - 1.0 / eta
    };
    let r = (-d).exp() / (2.0 * PI * a).sqrt() * c0;
    let q = 0.5 * libm::erfc(y) + r;
    let p = 0.5 * libm::erfc(-y) - r;
    (p, q)
}

/// The regularized incomplete gamma functions (P(a, x), Q(a, x)) = (γ(a,x)/Γ(a),
/// Γ(a,x)/Γ(a)) for a > 0, x ≥ 0, each with full relative precision (the smaller one
/// is always computed directly).
pub(crate) fn gamma_pq(a: f64, x: f64) -> (f64, f64) {
    if x.is_nan() || a.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if x.is_infinite() {
        return (1.0, 0.0);
    }
    if a > TEMME_SHAPE {
        return temme(a, x);
    }
    if x < a + 1.0 {
        let p = p_series(a, x);
        let q = if a < 1.0 {
            q_small_shape(a, x)
        } else {
            1.0 - p
        };
        (p, q)
    } else {
        let q = q_fraction(a, x);
        (1.0 - q, q)
    }
}

/// The x with P(a, x) = p (and Q(a, x) = q = 1 - p, which the caller gives exactly so
/// that upper quantiles keep their precision), for a > 0 and 0 < p < 1.
pub(crate) fn gamma_p_inv(a: f64, p: f64, q: f64) -> f64 {
    // Solve in the smaller tail: P(x) = p increasing, or Q(x) = q decreasing.
    let lower = p <= q;
    let target = if lower { p } else { q };
    // Starting point: x^a / Γ(a + 1) ≈ P for small x, Wilson–Hilferty otherwise.
    let wh = {
        let z = if lower {
            super::normal::quantile(p)
        } else {
            -super::normal::quantile(q)
        };
        let t = 1.0 - 1.0 / (9.0 * a) + z / (3.0 * a.sqrt());
        a * t * t * t
    };
    let small = ((p.ln() + ln_gamma_1p(a)) / a).exp();
    let x0 = if wh > 0.0 && wh.is_finite() && (a >= 1.0 || wh > small) {
        wh
    } else if small > 0.0 {
        small
    } else {
        f64::MIN_POSITIVE
    };
    let eval = |x: f64| {
        let (pp, qq) = gamma_pq(a, x);
        let density = if x > 0.0 { gamma_prefix(a, x) / x } else { 0.0 };
        if lower {
            (pp, density)
        } else {
            (qq, -density)
        }
    };
    roots::solve_tail(target, x0, roots::TINIEST, f64::MAX, lower, eval)
}
