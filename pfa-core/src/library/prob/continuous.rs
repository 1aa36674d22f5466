//! Continuous distributions (spec §24.1-24.5, 24.9-24.13, 24.16): density, distribution
//! and quantile functions on validated arguments.
//!
//! Where the spec's formula has a definite value at a boundary of the support (a
//! density at x = 0 with shape < 1 is +∞, with shape 1 it is the rate), that value is
//! returned. Degenerate but legal parameters (σ = 0, λ = 0, dof = 0, shape or scale 0)
//! give the limiting point mass at the location, as the reference implementation does.

use super::{ensure, Bad, Res};
use crate::library::special::beta::{beta_density, ibeta, ibeta_inv};
use crate::library::special::density;
use crate::library::special::gamma::{gamma_p_inv, gamma_pq, ln_beta, stirlerr, LN_SQRT_2PI};
use crate::library::special::normal;
use std::f64::consts::PI;

/// A probability argument of a quantile function.
fn prob_arg(p: f64) -> Result<(), Bad> {
    ensure((0.0..=1.0).contains(&p), Bad::Input)
}

/// The value at which a density or distribution function is evaluated.
fn point_arg(x: f64) -> Result<(), Bad> {
    ensure(x.is_finite(), Bad::Input)
}

/// tan(π (p - ½)) for 0 < p < 1 without cancellation near the ends: p - ½ is exact on
/// [¼, 1], and tan(π(p - ½)) = -1/tan(πp) = 1/tan(π(1 - p)).
fn tan_pi_centered(p: f64) -> f64 {
    if p < 0.25 {
        -1.0 / (PI * p).tan()
    } else if p > 0.75 {
        1.0 / (PI * (1.0 - p)).tan()
    } else {
        (PI * (p - 0.5)).tan()
    }
}

// ------------------------------------------------------------------------------------
// §24.1 Uniform

/// Parameters of the uniform distribution.
fn uniform_params(min: f64, max: f64) -> Result<(), Bad> {
    ensure(min.is_finite() && max.is_finite() && min < max, Bad::Param)
}

/// (x - min) / (max - min) without overflow of the width.
fn uniform_fraction(x: f64, min: f64, max: f64) -> f64 {
    let width = max - min;
    if width.is_finite() {
        (x - min) / width
    } else {
        (0.5 * x - 0.5 * min) / (0.5 * max - 0.5 * min)
    }
}

/// §24.1.1.
pub(crate) fn uniform_pdf(x: f64, min: f64, max: f64) -> Res {
    uniform_params(min, max)?;
    point_arg(x)?;
    if x < min || x > max {
        return Ok(0.0);
    }
    let width = max - min;
    Ok(if width.is_finite() {
        1.0 / width
    } else {
        0.5 / (0.5 * max - 0.5 * min)
    })
}

/// §24.1.2.
pub(crate) fn uniform_cdf(x: f64, min: f64, max: f64) -> Res {
    uniform_params(min, max)?;
    point_arg(x)?;
    Ok(if x <= min {
        0.0
    } else if x >= max {
        1.0
    } else {
        uniform_fraction(x, min, max)
    })
}

/// §24.1.3.
pub(crate) fn uniform_qf(p: f64, min: f64, max: f64) -> Res {
    uniform_params(min, max)?;
    prob_arg(p)?;
    let width = max - min;
    Ok(if p == 1.0 {
        max
    } else if width.is_finite() {
        min + p * width
    } else {
        (1.0 - p) * min + p * max
    })
}

// ------------------------------------------------------------------------------------
// §24.2 Exponential

fn exponential_params(rate: f64) -> Result<(), Bad> {
    ensure(rate.is_finite() && rate >= 0.0, Bad::Param)
}

/// §24.2.1: λ e^(-λx); rate 0 is the limit of a vanishing density.
pub(crate) fn exponential_pdf(x: f64, rate: f64) -> Res {
    exponential_params(rate)?;
    point_arg(x)?;
    Ok(if rate == 0.0 || x < 0.0 {
        0.0
    } else {
        rate * (-rate * x).exp()
    })
}

/// §24.2.2: 1 - e^(-λx), by expm1.
pub(crate) fn exponential_cdf(x: f64, rate: f64) -> Res {
    exponential_params(rate)?;
    point_arg(x)?;
    Ok(if rate == 0.0 || x <= 0.0 {
        0.0
    } else {
        -(-rate * x).exp_m1()
    })
}

/// §24.2.3: -ln(1 - p)/λ, by ln_1p.
pub(crate) fn exponential_qf(p: f64, rate: f64) -> Res {
    exponential_params(rate)?;
    prob_arg(p)?;
    Ok(if p == 0.0 {
        0.0
    } else if rate == 0.0 || p == 1.0 {
        f64::INFINITY
    } else {
        -(-p).ln_1p() / rate
    })
}

// ------------------------------------------------------------------------------------
// §24.3 Gaussian

fn gaussian_params(mu: f64, sigma: f64) -> Result<(), Bad> {
    ensure(
        mu.is_finite() && sigma.is_finite() && sigma >= 0.0,
        Bad::Param,
    )
}

/// σ from the `variance` field of the record form; a negative or NaN variance is an
/// invalid parameterization.
pub(crate) fn sigma_of_variance(variance: f64) -> Result<f64, Bad> {
    ensure(variance >= 0.0, Bad::Param)?;
    Ok(variance.sqrt())
}

/// §24.3.1: -(x - μ)²/(2σ²) - ln(σ√(2π)); σ = 0 is a point mass (+∞ at μ, -∞ elsewhere).
pub(crate) fn gaussian_ll(x: f64, mu: f64, sigma: f64) -> Res {
    gaussian_params(mu, sigma)?;
    point_arg(x)?;
    if sigma == 0.0 {
        return Ok(if x == mu {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        });
    }
    let z = (x - mu) / sigma;
    Ok(-0.5 * z * z - sigma.ln() - LN_SQRT_2PI)
}

/// §24.3.2.
pub(crate) fn gaussian_cdf(x: f64, mu: f64, sigma: f64) -> Res {
    gaussian_params(mu, sigma)?;
    point_arg(x)?;
    if sigma == 0.0 {
        return Ok(if x < mu { 0.0 } else { 1.0 });
    }
    Ok(normal::cdf((x - mu) / sigma))
}

/// §24.3.3.
pub(crate) fn gaussian_qf(p: f64, mu: f64, sigma: f64) -> Res {
    gaussian_params(mu, sigma)?;
    prob_arg(p)?;
    Ok(if p == 0.0 {
        f64::NEG_INFINITY
    } else if p == 1.0 {
        f64::INFINITY
    } else if sigma == 0.0 {
        mu
    } else {
        mu + sigma * normal::quantile(p)
    })
}

// ------------------------------------------------------------------------------------
// §24.4 Lognormal

fn lognormal_params(meanlog: f64, sdlog: f64) -> Result<(), Bad> {
    ensure(
        meanlog.is_finite() && sdlog.is_finite() && sdlog > 0.0,
        Bad::Param,
    )
}

/// §24.4.1: e^(-(ln x - μ)²/(2σ²)) / (xσ√(2π)) (the spec's formula omits the square; the
/// lognormal density has it), 0 for x ≤ 0.
pub(crate) fn lognormal_pdf(x: f64, meanlog: f64, sdlog: f64) -> Res {
    lognormal_params(meanlog, sdlog)?;
    point_arg(x)?;
    if x <= 0.0 {
        return Ok(0.0);
    }
    let z = (x.ln() - meanlog) / sdlog;
    let direct = (-0.5 * z * z).exp() / (x * sdlog * (2.0 * PI).sqrt());
    Ok(if direct.is_finite() && direct > 0.0 {
        direct
    } else {
        (-0.5 * z * z - x.ln() - sdlog.ln() - LN_SQRT_2PI).exp()
    })
}

/// §24.4.2.
pub(crate) fn lognormal_cdf(x: f64, meanlog: f64, sdlog: f64) -> Res {
    lognormal_params(meanlog, sdlog)?;
    point_arg(x)?;
    Ok(if x <= 0.0 {
        0.0
    } else {
        normal::cdf((x.ln() - meanlog) / sdlog)
    })
}

/// §24.4.3.
pub(crate) fn lognormal_qf(p: f64, meanlog: f64, sdlog: f64) -> Res {
    lognormal_params(meanlog, sdlog)?;
    prob_arg(p)?;
    Ok(if p == 0.0 {
        0.0
    } else if p == 1.0 {
        f64::INFINITY
    } else {
        (meanlog + sdlog * normal::quantile(p)).exp()
    })
}

// ------------------------------------------------------------------------------------
// §24.5 Cauchy

fn cauchy_params(location: f64, scale: f64) -> Result<(), Bad> {
    ensure(
        location.is_finite() && scale.is_finite() && scale > 0.0,
        Bad::Param,
    )
}

/// §24.5.1.
pub(crate) fn cauchy_pdf(x: f64, location: f64, scale: f64) -> Res {
    cauchy_params(location, scale)?;
    point_arg(x)?;
    let z = (x - location) / scale;
    Ok(1.0 / (PI * scale * (1.0 + z * z)))
}

/// The standard Cauchy distribution function, ½ + atan(z)/π, written as atan(1/|z|)/π
/// in the tails where the sum would cancel.
pub(crate) fn cauchy_std_cdf(z: f64) -> f64 {
    if z < -1.0 {
        (-1.0 / z).atan() / PI
    } else if z > 1.0 {
        1.0 - (1.0 / z).atan() / PI
    } else {
        0.5 + z.atan() / PI
    }
}

/// §24.5.2.
pub(crate) fn cauchy_cdf(x: f64, location: f64, scale: f64) -> Res {
    cauchy_params(location, scale)?;
    point_arg(x)?;
    Ok(cauchy_std_cdf((x - location) / scale))
}

/// §24.5.3.
pub(crate) fn cauchy_qf(p: f64, location: f64, scale: f64) -> Res {
    cauchy_params(location, scale)?;
    prob_arg(p)?;
    Ok(if p == 0.0 {
        f64::NEG_INFINITY
    } else if p == 1.0 {
        f64::INFINITY
    } else {
        location + scale * tan_pi_centered(p)
    })
}

// ------------------------------------------------------------------------------------
// §24.9 Student's t

fn t_params(dof: i32) -> Result<f64, Bad> {
    ensure(dof > 0, Bad::Param)?;
    Ok(f64::from(dof))
}

/// ln(1 + x²/n), also where x² overflows.
fn ln1p_square_over(x: f64, n: f64) -> f64 {
    let r = x * x / n;
    if r < 1e300 {
        r.ln_1p()
    } else {
        2.0 * x.abs().ln() - n.ln() + (n / x / x).ln_1p()
    }
}

/// §24.9.1: Γ((n+1)/2) / (√(nπ) Γ(n/2)) (1 + x²/n)^(-(n+1)/2). With h = n/2 and
/// Stirling's formula with its error terms, ln(Γ(h + ½) / (Γ(h) √(2πh))) =
/// h ln(1 + 1/2h) - ½ - ln √(2π) + stirlerr(h + ½) - stirlerr(h), in which nothing
/// cancels for large n.
pub(crate) fn t_pdf(x: f64, dof: i32) -> Res {
    let n = t_params(dof)?;
    point_arg(x)?;
    let h = 0.5 * n;
    let ratio = h * (0.5 / h).ln_1p() - 0.5 + stirlerr(h + 0.5) - stirlerr(h);
    let ln_f = -LN_SQRT_2PI + ratio - 0.5 * (n + 1.0) * ln1p_square_over(x, n);
    Ok(ln_f.exp())
}

/// P(T > |x|) for Student's t with n degrees of freedom.
fn t_upper_tail(x: f64, n: f64) -> f64 {
    if n == 1.0 {
        return cauchy_std_cdf(-x.abs());
    }
    // With y = n/(n + x²) and z = x²/(n + x²), both formed directly:
    // P(T > |x|) = ½ I_y(n/2, ½).
    let x2 = x * x;
    let (y, z) = if x2.is_finite() && x2 < 1e300 {
        (n / (n + x2), x2 / (n + x2))
    } else {
        let y = n / x.abs() / x.abs();
        (y, 1.0 - y)
    };
    0.5 * ibeta(0.5 * n, 0.5, y, z).0
}

/// §24.9.2.
pub(crate) fn t_cdf(x: f64, dof: i32) -> Res {
    let n = t_params(dof)?;
    point_arg(x)?;
    let upper = t_upper_tail(x, n);
    Ok(if x < 0.0 { upper } else { 1.0 - upper })
}

/// §24.9.3: through the inverse incomplete beta function (closed forms for 1 and 2
/// degrees of freedom).
pub(crate) fn t_qf(p: f64, dof: i32) -> Res {
    let n = t_params(dof)?;
    prob_arg(p)?;
    if p == 0.0 {
        return Ok(f64::NEG_INFINITY);
    }
    if p == 1.0 {
        return Ok(f64::INFINITY);
    }
    if p == 0.5 {
        return Ok(0.0);
    }
    // The smaller tail probability (exact: 1 - p is exact for p ≥ ½).
    let tail = if p < 0.5 { p } else { 1.0 - p };
    let magnitude = if n == 1.0 {
        -tan_pi_centered(tail)
    } else if n == 2.0 {
        (1.0 - 2.0 * tail) / (2.0 * tail * (1.0 - tail)).sqrt()
    } else {
        // 2·tail = I_y(n/2, ½) with y = n/(n + t²), so t² = n (1 - y)/y.
        let (y, z) = ibeta_inv(0.5 * n, 0.5, 2.0 * tail, 1.0 - 2.0 * tail);
        (n * z / y).sqrt()
    };
    Ok(if p < 0.5 { -magnitude } else { magnitude })
}

// ------------------------------------------------------------------------------------
// §24.10 F

fn f_params(d1: i32, d2: i32) -> Result<(f64, f64), Bad> {
    ensure(d1 > 0 && d2 > 0, Bad::Param)?;
    Ok((f64::from(d1), f64::from(d2)))
}

/// §24.10.1: through the saddle-point binomial density, with p = mx/(n + mx) and
/// q = n/(n + mx) (m = d1, n = d2): f(x) = (m/n) p^(m/2-1) q^(n/2+1) / B(m/2, n/2).
/// At x = 0 the formula gives +∞ for d1 = 1, 1 for d1 = 2 and 0 above.
pub(crate) fn f_pdf(x: f64, d1: i32, d2: i32) -> Res {
    let (m, n) = f_params(d1, d2)?;
    point_arg(x)?;
    if x < 0.0 {
        return Ok(0.0);
    }
    if x == 0.0 {
        return Ok(if m < 2.0 {
            f64::INFINITY
        } else if m == 2.0 {
            1.0
        } else {
            0.0
        });
    }
    let denom = n + x * m;
    if !denom.is_finite() {
        return Ok(0.0);
    }
    let f = 1.0 / denom;
    let q = n * f;
    let p = x * m * f;
    let f = if m >= 2.0 {
        m * q / 2.0 * density::binomial((m - 2.0) / 2.0, (m + n - 2.0) / 2.0, p, q)
    } else {
        m * m * q / (2.0 * p * (m + n)) * density::binomial(m / 2.0, (m + n) / 2.0, p, q)
    };
    Ok(if f.is_finite() {
        f
    } else {
        // p underflowed (x below about 1e-308): the plain logarithmic form.
        (0.5 * m * (m / n).ln() + (0.5 * m - 1.0) * x.ln()
            - 0.5 * (m + n) * (m * x / n).ln_1p()
            - ln_beta(0.5 * m, 0.5 * n))
        .exp()
    })
}

/// §24.10.2: I_z(d1/2, d2/2) with z = d1 x/(d1 x + d2).
pub(crate) fn f_cdf(x: f64, d1: i32, d2: i32) -> Res {
    let (m, n) = f_params(d1, d2)?;
    point_arg(x)?;
    if x <= 0.0 {
        return Ok(0.0);
    }
    let mx = m * x;
    let (z, y) = if (mx + n).is_finite() {
        (mx / (mx + n), n / (mx + n))
    } else {
        let y = n / m / x;
        (1.0 - y, y)
    };
    Ok(ibeta(0.5 * m, 0.5 * n, z, y).0)
}

/// §24.10.3.
pub(crate) fn f_qf(p: f64, d1: i32, d2: i32) -> Res {
    let (m, n) = f_params(d1, d2)?;
    prob_arg(p)?;
    if p == 0.0 {
        return Ok(0.0);
    }
    if p == 1.0 {
        return Ok(f64::INFINITY);
    }
    let (z, y) = ibeta_inv(0.5 * m, 0.5 * n, p, 1.0 - p);
    Ok(n * z / (m * y))
}

// ------------------------------------------------------------------------------------
// §24.11 Chi-square: the gamma distribution with shape dof/2 and scale 2.

fn chi2_params(dof: i32) -> Result<f64, Bad> {
    ensure(dof >= 0, Bad::Param)?;
    Ok(f64::from(dof))
}

/// §24.11.1; 0 degrees of freedom is the point mass at 0.
pub(crate) fn chi2_pdf(x: f64, dof: i32) -> Res {
    let k = chi2_params(dof)?;
    point_arg(x)?;
    if k == 0.0 {
        return Ok(if x == 0.0 { f64::INFINITY } else { 0.0 });
    }
    Ok(gamma_density(x, 0.5 * k, 2.0))
}

/// §24.11.2.
pub(crate) fn chi2_cdf(x: f64, dof: i32) -> Res {
    let k = chi2_params(dof)?;
    point_arg(x)?;
    Ok(if x <= 0.0 {
        0.0
    } else if k == 0.0 {
        1.0
    } else {
        gamma_pq(0.5 * k, 0.5 * x).0
    })
}

/// §24.11.3.
pub(crate) fn chi2_qf(p: f64, dof: i32) -> Res {
    let k = chi2_params(dof)?;
    prob_arg(p)?;
    Ok(if p == 1.0 {
        f64::INFINITY
    } else if k == 0.0 || p == 0.0 {
        0.0
    } else {
        2.0 * gamma_p_inv(0.5 * k, p, 1.0 - p)
    })
}

// ------------------------------------------------------------------------------------
// §24.12 Beta

fn beta_params(a: f64, b: f64) -> Result<(), Bad> {
    ensure(
        a.is_finite() && b.is_finite() && a > 0.0 && b > 0.0,
        Bad::Param,
    )
}

/// §24.12.1: Γ(a+b)/(Γ(a)Γ(b)) x^(a-1) (1-x)^(b-1) on [0, 1]; at the ends the formula
/// gives +∞ (shape < 1), the other shape (shape = 1, since 1/B(1, b) = b) or 0.
pub(crate) fn beta_pdf(x: f64, a: f64, b: f64) -> Res {
    beta_params(a, b)?;
    point_arg(x)?;
    let end = |near: f64, far: f64| {
        if near < 1.0 {
            f64::INFINITY
        } else if near == 1.0 {
            far
        } else {
            0.0
        }
    };
    Ok(if !(0.0..=1.0).contains(&x) {
        0.0
    } else if x == 0.0 {
        end(a, b)
    } else if x == 1.0 {
        end(b, a)
    } else {
        beta_density(a, b, x, 1.0 - x)
    })
}

/// §24.12.2.
pub(crate) fn beta_cdf(x: f64, a: f64, b: f64) -> Res {
    beta_params(a, b)?;
    point_arg(x)?;
    Ok(if x <= 0.0 {
        0.0
    } else if x >= 1.0 {
        1.0
    } else {
        ibeta(a, b, x, 1.0 - x).0
    })
}

/// §24.12.3.
pub(crate) fn beta_qf(p: f64, a: f64, b: f64) -> Res {
    beta_params(a, b)?;
    prob_arg(p)?;
    Ok(if p == 0.0 {
        0.0
    } else if p == 1.0 {
        1.0
    } else {
        ibeta_inv(a, b, p, 1.0 - p).0
    })
}

// ------------------------------------------------------------------------------------
// §24.13 Gamma

fn gamma_params(shape: f64, scale: f64) -> Result<(), Bad> {
    ensure(
        shape.is_finite() && scale.is_finite() && shape >= 0.0 && scale >= 0.0,
        Bad::Param,
    )
}

/// The gamma density x^(a-1) e^(-x/s) / (s^a Γ(a)) for a, s > 0, through the
/// saddle-point Poisson probability; at x = 0 it is +∞, 1/s or 0 as a <, =, > 1.
pub(crate) fn gamma_density(x: f64, a: f64, s: f64) -> f64 {
    if x < 0.0 {
        return 0.0;
    }
    if x == 0.0 {
        return if a < 1.0 {
            f64::INFINITY
        } else if a == 1.0 {
            1.0 / s
        } else {
            0.0
        };
    }
    if a < 1.0 {
        // (x/s)^a e^(-x/s)/Γ(a + 1) · a/x
        let pr = density::poisson(a, x / s);
        let f = pr * (a / x);
        if f.is_finite() {
            f
        } else {
            (pr.ln() + a.ln() - x.ln()).exp()
        }
    } else {
        density::poisson(a - 1.0, x / s) / s
    }
}

/// §24.13.1; shape or scale 0 is the point mass at 0.
pub(crate) fn gamma_pdf(x: f64, shape: f64, scale: f64) -> Res {
    gamma_params(shape, scale)?;
    point_arg(x)?;
    if shape == 0.0 || scale == 0.0 {
        return Ok(if x == 0.0 { f64::INFINITY } else { 0.0 });
    }
    Ok(gamma_density(x, shape, scale))
}

/// §24.13.2; shape or scale 0 is the point mass at 0, whose distribution function is
/// taken as the limit from positive shapes (0 at x = 0).
pub(crate) fn gamma_cdf(x: f64, shape: f64, scale: f64) -> Res {
    gamma_params(shape, scale)?;
    point_arg(x)?;
    Ok(if x <= 0.0 {
        0.0
    } else if shape == 0.0 || scale == 0.0 {
        1.0
    } else {
        gamma_pq(shape, x / scale).0
    })
}

/// §24.13.3 (here shape and scale must be positive).
pub(crate) fn gamma_qf(p: f64, shape: f64, scale: f64) -> Res {
    ensure(
        shape.is_finite() && scale.is_finite() && shape > 0.0 && scale > 0.0,
        Bad::Param,
    )?;
    prob_arg(p)?;
    Ok(if p == 0.0 {
        0.0
    } else if p == 1.0 {
        f64::INFINITY
    } else {
        scale * gamma_p_inv(shape, p, 1.0 - p)
    })
}

// ------------------------------------------------------------------------------------
// §24.16 Weibull

fn weibull_params(shape: f64, scale: f64) -> Result<(), Bad> {
    ensure(
        shape.is_finite() && scale.is_finite() && shape > 0.0 && scale > 0.0,
        Bad::Param,
    )
}

/// §24.16.1: (a/b)(x/b)^(a-1) e^(-(x/b)^a); at x = 0 +∞, 1/b or 0 as a <, =, > 1.
pub(crate) fn weibull_pdf(x: f64, shape: f64, scale: f64) -> Res {
    weibull_params(shape, scale)?;
    point_arg(x)?;
    if x < 0.0 {
        return Ok(0.0);
    }
    if x == 0.0 {
        return Ok(if shape < 1.0 {
            f64::INFINITY
        } else if shape == 1.0 {
            1.0 / scale
        } else {
            0.0
        });
    }
    let t = x / scale;
    let ta = t.powf(shape);
    let direct = (shape / scale) * t.powf(shape - 1.0) * (-ta).exp();
    Ok(if direct.is_finite() {
        direct
    } else {
        (shape.ln() - scale.ln() + (shape - 1.0) * t.ln() - ta).exp()
    })
}

/// §24.16.2: 1 - e^(-(x/b)^a), by expm1.
pub(crate) fn weibull_cdf(x: f64, shape: f64, scale: f64) -> Res {
    weibull_params(shape, scale)?;
    point_arg(x)?;
    Ok(if x <= 0.0 {
        0.0
    } else {
        -(-(x / scale).powf(shape)).exp_m1()
    })
}

/// §24.16.3: b (-ln(1 - p))^(1/a), by ln_1p.
pub(crate) fn weibull_qf(p: f64, shape: f64, scale: f64) -> Res {
    weibull_params(shape, scale)?;
    prob_arg(p)?;
    Ok(if p == 1.0 {
        f64::INFINITY
    } else {
        scale * (-(-p).ln_1p()).powf(1.0 / shape)
    })
}
