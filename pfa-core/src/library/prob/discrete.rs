//! Discrete distributions (spec §24.6-24.8, 24.14, 24.15) on validated arguments.
//!
//! Quantiles follow the spec's "the value x such that F(x) = P(X ≤ x) = p" as the
//! smallest x of the support with F(x) ≥ p; p = 0 gives the lowest and p = 1 the highest
//! point of the support (+∞ where it is unbounded).

use super::{ensure, Bad, Res};
use crate::library::special::beta::ibeta;
use crate::library::special::density;
use crate::library::special::gamma::{gamma_pq, EPS};
use crate::library::special::normal;

/// A probability argument of a quantile function.
fn prob_arg(p: f64) -> Result<(), Bad> {
    ensure((0.0..=1.0).contains(&p), Bad::Input)
}

/// 2^53: above it not every integer is a double.
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

/// The smallest integer k in [lo, hi] with cdf(k) ≥ p, searched from `guess`.
///
/// The comparison allows p to exceed cdf(k) by 64 ulps: a distribution function
/// computed in floating point can fall a few ulps short of a p it reaches exactly
/// (e.g. F(0) = 0.9 for the binomial with size 1 and prob 0.1).
fn search(p: f64, lo: f64, hi: f64, guess: f64, cdf: impl Fn(f64) -> f64) -> f64 {
    let target = p * (1.0 - 64.0 * EPS);
    let reaches = |k: f64| cdf(k) >= target;
    if guess > MAX_EXACT && hi > MAX_EXACT {
        // Beyond 2^53 consecutive integers are not all doubles; the Cornish–Fisher value
        // is closer to the quantile than their spacing there.
        return guess.round();
    }
    let start = if guess.is_nan() {
        lo
    } else {
        guess.round().clamp(lo, hi.min(MAX_EXACT))
    };
    // Bracket the answer in (below, above] by steps that double, then bisect.
    let (mut below, mut above);
    if reaches(start) {
        above = start;
        let mut step = 1.0;
        loop {
            let k = (start - step).max(lo);
            if k >= above {
                return above;
            }
            if reaches(k) {
                above = k;
                if k == lo {
                    return lo;
                }
                step *= 2.0;
            } else {
                below = k;
                break;
            }
        }
    } else {
        below = start;
        let mut step = 1.0;
        loop {
            let k = start + step;
            if k >= hi {
                if hi.is_finite() {
                    above = hi;
                    break;
                }
                return f64::INFINITY;
            }
            if k > MAX_EXACT {
                // Beyond 2^53 integers are not representable; the distribution has
                // no finite quantile worth reporting here.
                return f64::INFINITY;
            }
            if reaches(k) {
                above = k;
                break;
            }
            below = k;
            step *= 2.0;
        }
    }
    while above - below > 1.0 {
        let mid = below + ((above - below) / 2.0).floor();
        if reaches(mid) {
            above = mid;
        } else {
            below = mid;
        }
    }
    above
}

/// The Cornish–Fisher approximation μ + σ (z + γ(z² - 1)/6) of the p quantile.
fn cornish_fisher(p: f64, mean: f64, sd: f64, skew: f64) -> f64 {
    let z = normal::quantile(p);
    mean + sd * (z + skew * (z * z - 1.0) / 6.0)
}

// ------------------------------------------------------------------------------------
// §24.6 Binomial

fn binomial_params(size: i32, prob: f64) -> Result<f64, Bad> {
    ensure(size >= 0 && (0.0..=1.0).contains(&prob), Bad::Param)?;
    Ok(f64::from(size))
}

/// §24.6.1: C(n, x) p^x (1 - p)^(n - x).
pub(crate) fn binomial_pdf(x: i32, size: i32, prob: f64) -> Res {
    let n = binomial_params(size, prob)?;
    Ok(if x < 0 || x > size {
        0.0
    } else {
        density::binomial(f64::from(x), n, prob, 1.0 - prob)
    })
}

/// P(X ≤ k) for whole k in [0, n): I_(1-p)(n - k, k + 1).
fn binomial_lower(k: f64, n: f64, prob: f64) -> f64 {
    if k < 0.0 {
        0.0
    } else if k >= n {
        1.0
    } else {
        ibeta(n - k, k + 1.0, 1.0 - prob, prob).0
    }
}

/// §24.6.2.
pub(crate) fn binomial_cdf(x: f64, size: i32, prob: f64) -> Res {
    let n = binomial_params(size, prob)?;
    ensure(x.is_finite(), Bad::Input)?;
    Ok(binomial_lower(x.floor(), n, prob))
}

/// §24.6.3.
pub(crate) fn binomial_qf(p: f64, size: i32, prob: f64) -> Res {
    let n = binomial_params(size, prob)?;
    prob_arg(p)?;
    if p == 0.0 {
        return Ok(0.0);
    }
    if p == 1.0 {
        return Ok(n);
    }
    let q = 1.0 - prob;
    let sd = (n * prob * q).sqrt();
    let guess = cornish_fisher(p, n * prob, sd, (q - prob) / sd);
    Ok(search(p, 0.0, n, guess, |k| binomial_lower(k, n, prob)))
}

// ------------------------------------------------------------------------------------
// §24.7 Negative binomial

/// Parameters of the density and distribution function: the spec rejects only
/// prob < 0, prob > 1 and size < 0 (prob = 0 gives a distribution with no mass at any
/// finite count).
fn negative_binomial_params(size: i32, prob: f64) -> Result<f64, Bad> {
    ensure(size >= 0 && (0.0..=1.0).contains(&prob), Bad::Param)?;
    Ok(f64::from(size))
}

/// §24.7.1: Γ(x + n)/(Γ(n) x!) p^n (1 - p)^x, as n/(n + x) times the binomial
/// probability of n successes in n + x trials.
pub(crate) fn negative_binomial_pdf(x: i32, size: i32, prob: f64) -> Res {
    let n = negative_binomial_params(size, prob)?;
    if x < 0 {
        return Ok(0.0);
    }
    let x = f64::from(x);
    Ok(if n == 0.0 || prob == 1.0 {
        if x == 0.0 {
            1.0
        } else {
            0.0
        }
    } else if prob == 0.0 {
        0.0
    } else {
        n / (n + x) * density::binomial(n, n + x, prob, 1.0 - prob)
    })
}

/// P(X ≤ k) for whole k ≥ 0: I_p(n, k + 1).
fn negative_binomial_lower(k: f64, n: f64, prob: f64) -> f64 {
    if k < 0.0 {
        0.0
    } else if n == 0.0 {
        1.0
    } else if prob == 0.0 {
        0.0
    } else {
        ibeta(n, k + 1.0, prob, 1.0 - prob).0
    }
}

/// §24.7.2.
pub(crate) fn negative_binomial_cdf(x: f64, size: i32, prob: f64) -> Res {
    let n = negative_binomial_params(size, prob)?;
    ensure(x.is_finite(), Bad::Input)?;
    Ok(negative_binomial_lower(x.floor(), n, prob))
}

/// §24.7.3 (here the size must be positive).
pub(crate) fn negative_binomial_qf(p: f64, size: i32, prob: f64) -> Res {
    ensure(size > 0 && (0.0..=1.0).contains(&prob), Bad::Param)?;
    prob_arg(p)?;
    let n = f64::from(size);
    if p == 0.0 || prob == 1.0 {
        return Ok(0.0);
    }
    if p == 1.0 || prob == 0.0 {
        return Ok(f64::INFINITY);
    }
    // Mean n(1-p)/p, variance n(1-p)/p², skewness (2 - p)/√(n(1-p)).
    let q = 1.0 - prob;
    let mean = n * q / prob;
    let sd = (n * q).sqrt() / prob;
    let guess = cornish_fisher(p, mean, sd, (2.0 - prob) / (n * q).sqrt());
    Ok(search(p, 0.0, f64::INFINITY, guess, |k| {
        negative_binomial_lower(k, n, prob)
    }))
}

// ------------------------------------------------------------------------------------
// §24.8 Poisson

fn poisson_params(lambda: f64) -> Result<(), Bad> {
    ensure(lambda.is_finite() && lambda >= 0.0, Bad::Param)
}

/// §24.8.1: λ^x e^(-λ)/x!; λ = 0 is the point mass at 0.
pub(crate) fn poisson_pdf(x: i32, lambda: f64) -> Res {
    poisson_params(lambda)?;
    Ok(if x < 0 {
        0.0
    } else {
        density::poisson(f64::from(x), lambda)
    })
}

/// P(X ≤ k) for whole k: Q(k + 1, λ).
fn poisson_lower(k: f64, lambda: f64) -> f64 {
    if k < 0.0 {
        0.0
    } else if lambda == 0.0 {
        1.0
    } else {
        gamma_pq(k + 1.0, lambda).1
    }
}

/// §24.8.2.
pub(crate) fn poisson_cdf(x: i32, lambda: f64) -> Res {
    poisson_params(lambda)?;
    Ok(poisson_lower(f64::from(x), lambda))
}

/// §24.8.3.
pub(crate) fn poisson_qf(p: f64, lambda: f64) -> Res {
    poisson_params(lambda)?;
    prob_arg(p)?;
    if lambda == 0.0 || p == 0.0 {
        return Ok(0.0);
    }
    if p == 1.0 {
        return Ok(f64::INFINITY);
    }
    let sd = lambda.sqrt();
    let guess = cornish_fisher(p, lambda, sd, 1.0 / sd);
    Ok(search(p, 0.0, f64::INFINITY, guess, |k| {
        poisson_lower(k, lambda)
    }))
}

// ------------------------------------------------------------------------------------
// §24.14 Geometric (failures before the first success)

fn geometric_params(prob: f64) -> Result<(), Bad> {
    ensure(prob > 0.0 && prob <= 1.0, Bad::Param)
}

/// §24.14.1: p (1 - p)^x.
pub(crate) fn geometric_pdf(x: i32, prob: f64) -> Res {
    geometric_params(prob)?;
    Ok(if x < 0 {
        0.0
    } else if x == 0 {
        prob
    } else {
        prob * (f64::from(x) * (-prob).ln_1p()).exp()
    })
}

/// P(X ≤ k) = 1 - (1 - p)^(k + 1) for whole k.
fn geometric_lower(k: f64, prob: f64) -> f64 {
    if k < 0.0 {
        0.0
    } else {
        -((k + 1.0) * (-prob).ln_1p()).exp_m1()
    }
}

/// §24.14.2.
pub(crate) fn geometric_cdf(x: f64, prob: f64) -> Res {
    geometric_params(prob)?;
    ensure(x.is_finite(), Bad::Input)?;
    Ok(geometric_lower(x.floor(), prob))
}

/// §24.14.3.
pub(crate) fn geometric_qf(p: f64, prob: f64) -> Res {
    geometric_params(prob)?;
    prob_arg(p)?;
    if p == 0.0 || prob == 1.0 {
        return Ok(0.0);
    }
    if p == 1.0 {
        return Ok(f64::INFINITY);
    }
    // (k + 1) ln(1 - prob) ≤ ln(1 - p), checked against the distribution function.
    let guess = ((-p).ln_1p() / (-prob).ln_1p() - 1.0).ceil();
    Ok(search(p, 0.0, f64::INFINITY, guess, |k| {
        geometric_lower(k, prob)
    }))
}

// ------------------------------------------------------------------------------------
// §24.15 Hypergeometric: x white balls among k drawn from m white and n black.

/// Validated parameters and the support [lo, hi] of x.
struct Urn {
    m: f64,
    n: f64,
    k: f64,
    lo: f64,
    hi: f64,
}

fn urn(m: i32, n: i32, k: i32) -> Result<Urn, Bad> {
    let (m, n, k) = (i64::from(m), i64::from(n), i64::from(k));
    ensure(
        m >= 0 && n >= 0 && k >= 0 && m + n >= k && m + n > 0,
        Bad::Param,
    )?;
    let (lo, hi) = ((k - n).max(0), k.min(m));
    // Counts below 2^32 are exact in doubles.
    Ok(Urn {
        m: m as f64,
        n: n as f64,
        k: k as f64,
        lo: lo as f64,
        hi: hi as f64,
    })
}

impl Urn {
    /// C(m, x) C(n, k - x) / C(m + n, k) for x in the support, as a ratio of three
    /// saddle-point binomial probabilities with p = k/(m + n).
    fn pmf(&self, x: f64) -> f64 {
        if x < self.lo || x > self.hi {
            return 0.0;
        }
        let total = self.m + self.n;
        let p = self.k / total;
        let q = (total - self.k) / total;
        let p1 = density::binomial(x, self.m, p, q);
        let p2 = density::binomial(self.k - x, self.n, p, q);
        let p3 = density::binomial(self.k, total, p, q);
        p1 * p2 / p3
    }

    /// The same urn counting black balls: its x is k minus this one's.
    fn swapped(&self) -> Urn {
        Urn {
            m: self.n,
            n: self.m,
            k: self.k,
            lo: (self.k - self.m).max(0.0),
            hi: self.k.min(self.n),
        }
    }

    /// Σ_{i ≤ x} pmf(i) for x in the support and at most the mean, summed from x
    /// downwards with the term ratio pmf(i-1)/pmf(i) = i(n-k+i)/((m-i+1)(k-i+1)) until
    /// the terms no longer matter.
    fn lower_sum(&self, x: f64) -> f64 {
        let mut term = 1.0;
        let mut sum = 1.0;
        let mut i = x;
        while i > self.lo {
            term *= i * (self.n - self.k + i) / ((self.m - i + 1.0) * (self.k - i + 1.0));
            sum += term;
            if term <= sum * EPS * 0.25 {
                break;
            }
            i -= 1.0;
        }
        self.pmf(x) * sum
    }

    /// P(X ≤ x) for whole x, summing the smaller tail.
    fn cdf(&self, x: f64) -> f64 {
        if x < self.lo {
            0.0
        } else if x >= self.hi {
            1.0
        } else if x * (self.m + self.n) > self.k * self.m {
            // Above the mean: P(X > x) = P(k - X ≤ k - x - 1) in the swapped urn.
            1.0 - self.swapped().lower_sum(self.k - x - 1.0)
        } else {
            self.lower_sum(x)
        }
    }
}

/// §24.15.1.
pub(crate) fn hypergeometric_pdf(x: i32, m: i32, n: i32, k: i32) -> Res {
    Ok(urn(m, n, k)?.pmf(f64::from(x)))
}

/// §24.15.2.
pub(crate) fn hypergeometric_cdf(x: i32, m: i32, n: i32, k: i32) -> Res {
    Ok(urn(m, n, k)?.cdf(f64::from(x)))
}

/// §24.15.3.
pub(crate) fn hypergeometric_qf(p: f64, m: i32, n: i32, k: i32) -> Res {
    let u = urn(m, n, k)?;
    prob_arg(p)?;
    if p == 0.0 {
        return Ok(u.lo);
    }
    if p == 1.0 {
        return Ok(u.hi);
    }
    let total = u.m + u.n;
    let mean = u.k * u.m / total;
    let var = if total > 1.0 {
        mean * (u.n / total) * (total - u.k) / (total - 1.0)
    } else {
        0.0
    };
    let guess = mean + var.sqrt() * normal::quantile(p);
    Ok(search(p, u.lo, u.hi, guess, |x| u.cdf(x)))
}
