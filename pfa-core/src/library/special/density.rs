//! Binomial and Poisson probabilities with full relative precision, by the saddle-point
//! expansion of Loader (2000, "Fast and accurate computation of binomial
//! probabilities"): the large factorials are replaced by Stirling's formula plus its
//! error term, and the exponent is the deviance `bd0`, so nothing cancels. The gamma,
//! beta, F, negative-binomial and hypergeometric densities are built from these.

use super::gamma::{bd0, ln_gamma, stirlerr};
use std::f64::consts::PI;

/// λ^x e^-λ / Γ(x + 1) for real x ≥ 0 and λ ≥ 0.
pub(crate) fn poisson(x: f64, lambda: f64) -> f64 {
    if lambda == 0.0 {
        return if x == 0.0 { 1.0 } else { 0.0 };
    }
    if !lambda.is_finite() || x < 0.0 {
        return 0.0;
    }
    if x <= lambda * f64::MIN_POSITIVE {
        return (-lambda).exp();
    }
    if lambda < x * f64::MIN_POSITIVE {
        return (-lambda + x * lambda.ln() - ln_gamma(x + 1.0)).exp();
    }
    (-stirlerr(x) - bd0(x, lambda)).exp() / (2.0 * PI * x).sqrt()
}

/// C(n, x) p^x q^(n-x) for real 0 ≤ x ≤ n, with q = 1 - p given by the caller (so
/// that whichever of p and q is small carries its own digits).
pub(crate) fn binomial(x: f64, n: f64, p: f64, q: f64) -> f64 {
    if p == 0.0 {
        return if x == 0.0 { 1.0 } else { 0.0 };
    }
    if q == 0.0 {
        return if x == n { 1.0 } else { 0.0 };
    }
    if x == 0.0 {
        if n == 0.0 {
            return 1.0;
        }
        let lc = if p < 0.1 {
            -bd0(n, n * q) - n * p
        } else {
            n * q.ln()
        };
        return lc.exp();
    }
    if x == n {
        let lc = if q < 0.1 {
            -bd0(n, n * p) - n * q
        } else {
            n * p.ln()
        };
        return lc.exp();
    }
    if x < 0.0 || x > n {
        return 0.0;
    }
    let lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
    // 2π x (n - x) / n, without forming x (n - x) for huge n.
    let lf = (2.0 * PI).ln() + x.ln() + (-x / n).ln_1p();
    (lc - 0.5 * lf).exp()
}
