//! Root finding for the quantile functions of continuous distributions.

use super::gamma::EPS;

/// The smallest positive double (a subnormal).
pub(crate) const TINIEST: f64 = 5e-324;

/// Solves T(x) = target for x in [lo, hi] (0 < lo < hi), where T is a tail
/// probability, increasing in x if `increasing` (a lower tail) and decreasing otherwise,
/// and `eval(x)` gives (T(x), T'(x)).
///
/// Newton steps on ln T against ln x first: tail probabilities behave like powers or
/// exponentials there, so the steps are good from far away and tiny quantiles never
/// underflow on the way. A bracket that shrinks with every evaluation falls back to
/// bisection (in ln x) whenever a step leaves it or stalls. Then a few plain Newton
/// steps in x settle the last bits. A root below `lo` gives 0 when `lo` is the
/// smallest double, a root above `hi` gives `hi` (∞ when `hi` is the largest double).
pub(crate) fn solve_tail(
    target: f64,
    x0: f64,
    lo: f64,
    hi: f64,
    increasing: bool,
    mut eval: impl FnMut(f64) -> (f64, f64),
) -> f64 {
    let sign = if increasing { 1.0 } else { -1.0 };
    let ln_target = target.ln();
    // Signed distance from the target: negative below the root, positive above.
    let mut side = |x: f64| -> (f64, f64, f64) {
        let (t, dt) = eval(x);
        let g = t.max(0.0).ln() - ln_target;
        (sign * g, t, dt)
    };
    if side(lo).0 >= 0.0 {
        return if lo <= TINIEST { 0.0 } else { lo };
    }
    if side(hi).0 <= 0.0 {
        return if hi >= f64::MAX { f64::INFINITY } else { hi };
    }
    let (mut ulo, mut uhi) = (lo.ln(), hi.ln());
    let mut u = if x0 > 0.0 && x0.is_finite() {
        x0.ln().clamp(ulo, uhi)
    } else {
        0.5 * (ulo + uhi)
    };
    let mut last_step = uhi - ulo;
    let mut step = last_step;
    for _ in 0..400 {
        let x = u.exp();
        let (g, t, dt) = side(x);
        if g == 0.0 {
            return x;
        }
        if g < 0.0 {
            ulo = u;
        } else {
            uhi = u;
        }
        // d(sign·g)/du = sign · x T'(x) / T(x), positive for a proper tail.
        let slope = sign * x * dt / t;
        let newton = u - g / slope;
        if (newton - u).abs() <= 1e-15 * (1.0 + u.abs()) {
            // Converged as far as ln x can say (the step may even round to nothing).
            u = newton;
            break;
        }
        let before = step;
        if newton > ulo && newton < uhi && (newton - u).abs() <= 0.5 * last_step.abs() {
            step = newton - u;
            u = newton;
        } else {
            step = 0.5 * (uhi - ulo);
            u = ulo + step;
        }
        last_step = before;
        if step.abs() <= 1e-10 * (1.0 + u.abs()) || uhi - ulo <= 1e-14 * (1.0 + u.abs()) {
            break;
        }
    }
    // Newton in x itself: ln x near ±700 only resolves x to about 1e-13.
    // The bracket, widened by the rounding of exp.
    let (xlo, xhi) = (ulo.exp() * (1.0 - 4.0 * EPS), uhi.exp() * (1.0 + 4.0 * EPS));
    let mut x = u.exp();
    for _ in 0..8 {
        let (t, dt) = eval(x);
        let f = t - target;
        if f == 0.0 || dt == 0.0 || !dt.is_finite() {
            break;
        }
        let next = x - f / dt;
        if !(next >= xlo && next <= xhi) {
            break;
        }
        let done = (next - x).abs() <= 2.0 * EPS * x;
        x = next;
        if done {
            break;
        }
    }
    x
}
