//! The standard normal distribution function Φ and its inverse.

use std::f64::consts::{FRAC_1_SQRT_2, SQRT_2};

/// Φ(z) = ½ erfc(-z/√2); erfc keeps the lower tail's relative precision.
pub(crate) fn cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z * FRAC_1_SQRT_2)
}

/// Φ⁻¹(p) for 0 ≤ p ≤ 1 (±∞ at the ends), from the inverse complementary error
/// function of statrs (Boost's rational approximations, within a few ulps), applied to
/// whichever tail is smaller so that 1 - p never loses digits.
pub(crate) fn quantile(p: f64) -> f64 {
    if p <= 0.5 {
        -SQRT_2 * statrs::function::erf::erfc_inv(2.0 * p)
    } else {
        // 1 - p is exact for p in [0.5, 1].
        SQRT_2 * statrs::function::erf::erfc_inv(2.0 * (1.0 - p))
    }
}
