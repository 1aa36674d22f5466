//! Table tests of `prob.dist.*`, calling the natives directly. Values were computed with
//! 50-digit arithmetic (mpmath) and rounded to doubles; edge cases pin the conventions
//! documented in `continuous` and `discrete`.

use super::*;
use crate::library::args::ErrCode;
use crate::library::testing::{run, run_typed};
use crate::library::NativeFn;
use crate::types::schema::resolve_one;
use crate::types::TypeTable;
use crate::value::Value::{Double as D, Int as I};

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

#[track_caller]
fn value_of(f: NativeFn, args: &[Value]) -> f64 {
    match run(f, args) {
        Ok(D(v)) => v,
        other => panic!("{args:?}: got {other:?}"),
    }
}

#[test]
fn values() {
    // (native, arguments, value); relative tolerance 2e-14.
    let cases: &[(NativeFn, &[Value], f64)] = &[
        (uniform_pdf, &[D(0.5), D(-1.0), D(3.0)], 0.25),
        (uniform_cdf, &[D(0.5), D(-1.0), D(3.0)], 0.375),
        (uniform_qf, &[D(0.3), D(-1.0), D(3.0)], 0.19999999999999996),
        (exponential_pdf, &[D(2.0), D(0.7)], 0.17261787475912455),
        (exponential_cdf, &[D(1e-10), D(0.7)], 6.999999999755e-11),
        (exponential_qf, &[D(1e-12), D(2.0)], 5.0000000000025e-13),
        (gaussian_ll, &[D(1.5), D(-0.5), D(2.0)], -2.112085713764618),
        (
            gaussian_cdf,
            &[D(-30.0), D(2.0), D(1.5)],
            2.7847112412816098e-101,
        ),
        (gaussian_cdf, &[D(2.5), D(0.0), D(1.0)], 0.9937903346742238),
        (gaussian_qf, &[D(1e-300), D(1.0), D(2.0)], -73.0941925987224),
        (gaussian_qf, &[D(0.975), D(0.0), D(1.0)], 1.9599639845400538),
        (
            lognormal_pdf,
            &[D(2.0), D(0.5), D(0.8)],
            0.24217677488483338,
        ),
        (lognormal_cdf, &[D(2.0), D(0.5), D(0.8)], 0.595390608679215),
        (lognormal_qf, &[D(0.25), D(0.5), D(0.8)], 0.9611817133083481),
        (cauchy_pdf, &[D(3.0), D(1.0), D(2.0)], 0.07957747154594767),
        (
            cauchy_cdf,
            &[D(-1000000.0), D(0.0), D(1.0)],
            3.1830988618368455e-07,
        ),
        (cauchy_qf, &[D(1e-05), D(0.0), D(1.0)], -31830.98860790709),
        (cauchy_qf, &[D(0.6), D(1.0), D(2.0)], 1.6498393924658126),
        (t_pdf, &[D(1.5), I(3)], 0.12001717451358739),
        (t_pdf, &[D(0.5), I(1000000)], 0.35206520024085),
        (t_cdf, &[D(-2.5), I(7)], 0.020496109292876447),
        (t_cdf, &[D(40.0), I(3)], 0.9999828096596054),
        (t_qf, &[D(0.05), I(5)], -2.0150483733330242),
        (t_qf, &[D(0.999), I(2)], 22.327124770119866),
        (t_qf, &[D(1e-05), I(1)], -31830.98860790709),
        (f_pdf, &[D(1.3), I(4), I(9)], 0.3279862158882707),
        (f_pdf, &[D(0.2), I(1), I(5)], 0.7546035459902487),
        (f_cdf, &[D(1.3), I(4), I(9)], 0.6598321670802924),
        (f_qf, &[D(0.9), I(4), I(9)], 2.6926800625023417),
        (f_qf, &[D(0.1), I(100), I(2)], 0.4243712320269172),
        (chi2_pdf, &[D(3.0), I(4)], 0.16734762011132237),
        (chi2_cdf, &[D(3.0), I(4)], 0.4421745996289254),
        (chi2_qf, &[D(0.95), I(3)], 7.814727903251178),
        (beta_pdf, &[D(0.3), D(2.5), D(4.0)], 2.03426725306907),
        (beta_cdf, &[D(0.3), D(2.5), D(4.0)], 0.3521975859067672),
        (beta_qf, &[D(0.9), D(1.0), D(100.0)], 0.02276277904418932),
        (beta_qf, &[D(0.3), D(2.5), D(4.0)], 0.27403424690100026),
        (gamma_pdf, &[D(2.0), D(3.0), D(0.5)], 0.29305022221974686),
        (gamma_pdf, &[D(0.001), D(0.5), D(2.0)], 12.609356355490782),
        (gamma_cdf, &[D(2.0), D(3.0), D(0.5)], 0.7618966944464557),
        (gamma_qf, &[D(0.5), D(0.1), D(1.0)], 0.0005933911044602261),
        (weibull_pdf, &[D(1.2), D(1.5), D(2.0)], 0.3650018394294273),
        (
            weibull_cdf,
            &[D(0.0001), D(1.5), D(2.0)],
            3.5355332809328113e-07,
        ),
        (weibull_qf, &[D(0.3), D(1.5), D(2.0)], 1.0058774298314368),
        (binomial_pdf, &[I(3), I(10), D(0.3)], 0.266827932),
        (
            binomial_pdf,
            &[I(10), I(10), D(0.3)],
            5.9048999999999975e-06,
        ),
        (binomial_cdf, &[D(3.7), I(10), D(0.3)], 0.6496107184000001),
        (
            binomial_cdf,
            &[D(0.0), I(17), D(0.99999)],
            9.999999999226326e-86,
        ),
        (
            negative_binomial_pdf,
            &[I(17), I(100), D(0.9)],
            0.027150419533992238,
        ),
        (
            negative_binomial_cdf,
            &[D(17.5), I(100), D(0.9)],
            0.9569295229528226,
        ),
        (poisson_pdf, &[I(5), D(3.0)], 0.10081881344492448),
        (poisson_cdf, &[I(5), D(3.0)], 0.9160820579686966),
        (geometric_pdf, &[I(4), D(0.2)], 0.08192),
        (geometric_cdf, &[D(4.5), D(0.2)], 0.67232),
        (
            hypergeometric_pdf,
            &[I(5), I(5), I(17), I(5)],
            3.79737221842485e-05,
        ),
        (
            hypergeometric_pdf,
            &[I(3), I(10), I(7), I(8)],
            0.10366104483751543,
        ),
        (
            hypergeometric_cdf,
            &[I(3), I(10), I(7), I(8)],
            0.11703002879473468,
        ),
        (
            hypergeometric_cdf,
            &[I(6), I(10), I(7), I(8)],
            0.9635952283011107,
        ),
    ];
    for (f, args, want) in cases {
        let got = value_of(*f, args);
        let err = (got - want).abs() / want.abs();
        assert!(
            err <= 2e-14,
            "{args:?}: got {got:e}, want {want:e} (rel {err:e})"
        );
    }
}

#[test]
fn edges() {
    // (native, arguments, exact value): ends of supports, boundary densities as the
    // spec's formulas give them, degenerate parameters, and quantile conventions.
    let cases: &[(NativeFn, &[Value], f64)] = &[
        (uniform_pdf, &[D(-1.0), D(-1.0), D(3.0)], 0.25),
        (uniform_pdf, &[D(3.5), D(-1.0), D(3.0)], 0.0),
        (uniform_cdf, &[D(-7.0), D(-1.0), D(3.0)], 0.0),
        (uniform_cdf, &[D(7.0), D(-1.0), D(3.0)], 1.0),
        (uniform_qf, &[D(1.0), D(-1.0), D(3.0)], 3.0),
        (uniform_qf, &[D(0.5), D(-1e308), D(1e308)], 0.0),
        (exponential_pdf, &[D(-1.0), D(2.0)], 0.0),
        (exponential_pdf, &[D(0.0), D(2.0)], 2.0),
        (exponential_pdf, &[D(1.0), D(0.0)], 0.0),
        (exponential_cdf, &[D(1.0), D(0.0)], 0.0),
        (exponential_qf, &[D(0.0), D(0.0)], 0.0),
        (exponential_qf, &[D(0.5), D(0.0)], INF),
        (exponential_qf, &[D(1.0), D(2.0)], INF),
        (gaussian_ll, &[D(1.0), D(1.0), D(0.0)], INF),
        (gaussian_ll, &[D(1.5), D(1.0), D(0.0)], -INF),
        (gaussian_cdf, &[D(0.5), D(1.0), D(0.0)], 0.0),
        (gaussian_cdf, &[D(1.0), D(1.0), D(0.0)], 1.0),
        (gaussian_qf, &[D(0.3), D(1.0), D(0.0)], 1.0),
        (gaussian_qf, &[D(0.0), D(1.0), D(2.0)], -INF),
        (gaussian_qf, &[D(1.0), D(1.0), D(2.0)], INF),
        (gaussian_qf, &[D(0.5), D(1.0), D(2.0)], 1.0),
        (lognormal_pdf, &[D(0.0), D(0.0), D(1.0)], 0.0),
        (lognormal_pdf, &[D(-1.0), D(0.0), D(1.0)], 0.0),
        (lognormal_cdf, &[D(0.0), D(0.0), D(1.0)], 0.0),
        (lognormal_qf, &[D(0.0), D(0.0), D(1.0)], 0.0),
        (lognormal_qf, &[D(1.0), D(0.0), D(1.0)], INF),
        (cauchy_cdf, &[D(1.0), D(1.0), D(3.0)], 0.5),
        (cauchy_qf, &[D(0.5), D(1.0), D(3.0)], 1.0),
        (cauchy_qf, &[D(0.0), D(1.0), D(3.0)], -INF),
        (cauchy_qf, &[D(1.0), D(1.0), D(3.0)], INF),
        (t_cdf, &[D(0.0), I(5)], 0.5),
        (t_qf, &[D(0.5), I(5)], 0.0),
        (t_qf, &[D(0.0), I(5)], -INF),
        (t_qf, &[D(1.0), I(5)], INF),
        (f_pdf, &[D(0.0), I(1), I(4)], INF),
        (f_pdf, &[D(0.0), I(2), I(4)], 1.0),
        (f_pdf, &[D(0.0), I(3), I(4)], 0.0),
        (f_pdf, &[D(-1.0), I(3), I(4)], 0.0),
        (f_cdf, &[D(0.0), I(3), I(4)], 0.0),
        (f_qf, &[D(0.0), I(3), I(4)], 0.0),
        (f_qf, &[D(1.0), I(3), I(4)], INF),
        (chi2_pdf, &[D(0.0), I(0)], INF),
        (chi2_pdf, &[D(1.0), I(0)], 0.0),
        (chi2_pdf, &[D(0.0), I(1)], INF),
        (chi2_pdf, &[D(0.0), I(2)], 0.5),
        (chi2_pdf, &[D(0.0), I(3)], 0.0),
        (chi2_cdf, &[D(0.0), I(0)], 0.0),
        (chi2_cdf, &[D(1e-5), I(0)], 1.0),
        (chi2_qf, &[D(0.5), I(0)], 0.0),
        (chi2_qf, &[D(1.0), I(0)], INF),
        (beta_pdf, &[D(0.0), D(0.5), D(2.0)], INF),
        (beta_pdf, &[D(0.0), D(1.0), D(3.0)], 3.0),
        (beta_pdf, &[D(0.0), D(2.0), D(3.0)], 0.0),
        (beta_pdf, &[D(1.0), D(3.0), D(1.0)], 3.0),
        (beta_pdf, &[D(1.0), D(3.0), D(0.5)], INF),
        (beta_pdf, &[D(1.5), D(3.0), D(0.5)], 0.0),
        (beta_cdf, &[D(-0.5), D(3.0), D(0.5)], 0.0),
        (beta_cdf, &[D(1.0), D(3.0), D(0.5)], 1.0),
        (beta_qf, &[D(0.0), D(3.0), D(0.5)], 0.0),
        (beta_qf, &[D(1.0), D(3.0), D(0.5)], 1.0),
        (beta_qf, &[D(0.25), D(1.0), D(1.0)], 0.25),
        (gamma_pdf, &[D(0.0), D(0.0), D(1.0)], INF),
        (gamma_pdf, &[D(1.0), D(2.0), D(0.0)], 0.0),
        (gamma_pdf, &[D(0.0), D(0.5), D(1.0)], INF),
        (gamma_pdf, &[D(0.0), D(1.0), D(2.0)], 0.5),
        (gamma_pdf, &[D(0.0), D(2.0), D(1.0)], 0.0),
        (gamma_pdf, &[D(-1.0), D(2.0), D(1.0)], 0.0),
        // P(X ≤ x) is 0 below the support, also for the point mass at 0.
        (gamma_cdf, &[D(-1e-5), D(0.0), D(1.0)], 0.0),
        (gamma_cdf, &[D(0.0), D(0.0), D(1.0)], 0.0),
        (gamma_cdf, &[D(1e-5), D(0.0), D(1.0)], 1.0),
        (gamma_qf, &[D(0.0), D(2.0), D(1.0)], 0.0),
        (gamma_qf, &[D(1.0), D(2.0), D(1.0)], INF),
        // A quantile below the smallest double.
        (gamma_qf, &[D(0.5), D(1e-5), D(1.0)], 0.0),
        (weibull_pdf, &[D(0.0), D(0.5), D(1.0)], INF),
        (weibull_pdf, &[D(0.0), D(1.0), D(2.0)], 0.5),
        (weibull_pdf, &[D(0.0), D(2.0), D(1.0)], 0.0),
        (weibull_pdf, &[D(-1.0), D(2.0), D(1.0)], 0.0),
        (weibull_cdf, &[D(0.0), D(2.0), D(1.0)], 0.0),
        (weibull_qf, &[D(0.0), D(2.0), D(1.0)], 0.0),
        (weibull_qf, &[D(1.0), D(2.0), D(1.0)], INF),
        (binomial_pdf, &[I(0), I(0), D(0.3)], 1.0),
        (binomial_pdf, &[I(1), I(1), D(0.99999)], 0.99999),
        (binomial_pdf, &[I(-1), I(3), D(0.3)], 0.0),
        (binomial_pdf, &[I(4), I(3), D(0.3)], 0.0),
        (binomial_pdf, &[I(0), I(3), D(0.0)], 1.0),
        (binomial_cdf, &[D(-0.5), I(3), D(0.3)], 0.0),
        (binomial_cdf, &[D(3.0), I(3), D(0.3)], 1.0),
        (binomial_cdf, &[D(0.0), I(0), D(0.3)], 1.0),
        (binomial_qf, &[D(0.0), I(3), D(0.3)], 0.0),
        (binomial_qf, &[D(1.0), I(3), D(0.3)], 3.0),
        (binomial_qf, &[D(0.5), I(0), D(0.3)], 0.0),
        (binomial_qf, &[D(0.9), I(1), D(0.1)], 0.0),
        (binomial_qf, &[D(0.5), I(3), D(1.0)], 3.0),
        (binomial_qf, &[D(0.5), I(3), D(0.0)], 0.0),
        (binomial_qf, &[D(0.5), I(1000), D(0.5)], 500.0),
        (negative_binomial_pdf, &[I(0), I(0), D(0.3)], 1.0),
        (negative_binomial_pdf, &[I(1), I(0), D(0.3)], 0.0),
        (negative_binomial_pdf, &[I(2), I(3), D(0.0)], 0.0),
        (negative_binomial_pdf, &[I(0), I(3), D(1.0)], 1.0),
        (negative_binomial_pdf, &[I(-1), I(3), D(0.5)], 0.0),
        (negative_binomial_cdf, &[D(5.0), I(0), D(0.3)], 1.0),
        (negative_binomial_cdf, &[D(5.0), I(3), D(0.0)], 0.0),
        (negative_binomial_cdf, &[D(-0.5), I(3), D(0.5)], 0.0),
        (negative_binomial_qf, &[D(0.5), I(3), D(0.0)], INF),
        (negative_binomial_qf, &[D(0.5), I(3), D(1.0)], 0.0),
        (negative_binomial_qf, &[D(0.0), I(3), D(0.5)], 0.0),
        (negative_binomial_qf, &[D(1.0), I(3), D(0.5)], INF),
        (negative_binomial_qf, &[D(1e-5), I(1), D(1e-5)], 0.0),
        (negative_binomial_qf, &[D(1e-5), I(2), D(1e-5)], 447.0),
        (poisson_pdf, &[I(0), D(0.0)], 1.0),
        (poisson_pdf, &[I(1), D(0.0)], 0.0),
        (poisson_pdf, &[I(-1), D(2.0)], 0.0),
        (poisson_cdf, &[I(0), D(0.0)], 1.0),
        (poisson_cdf, &[I(-1), D(2.0)], 0.0),
        (poisson_qf, &[D(0.7), D(0.0)], 0.0),
        (poisson_qf, &[D(0.0), D(2.0)], 0.0),
        (poisson_qf, &[D(1.0), D(2.0)], INF),
        (poisson_qf, &[D(0.5), D(1e6)], 1e6),
        (geometric_pdf, &[I(0), D(1.0)], 1.0),
        (geometric_pdf, &[I(3), D(1.0)], 0.0),
        (geometric_pdf, &[I(-1), D(0.5)], 0.0),
        (geometric_cdf, &[D(-0.5), D(0.5)], 0.0),
        (geometric_cdf, &[D(2.5), D(1.0)], 1.0),
        (geometric_qf, &[D(0.1), D(0.1)], 0.0),
        (geometric_qf, &[D(0.99999), D(0.9)], 4.0),
        (geometric_qf, &[D(1.0), D(0.5)], INF),
        (geometric_qf, &[D(1.0), D(1.0)], 0.0),
        (hypergeometric_pdf, &[I(0), I(0), I(1), I(0)], 1.0),
        (hypergeometric_pdf, &[I(2), I(3), I(0), I(2)], 1.0),
        (hypergeometric_pdf, &[I(1), I(1), I(1), I(1)], 0.5),
        (hypergeometric_pdf, &[I(4), I(3), I(5), I(4)], 0.0),
        (hypergeometric_cdf, &[I(1), I(1), I(1), I(1)], 1.0),
        (hypergeometric_cdf, &[I(1), I(0), I(1), I(0)], 1.0),
        (hypergeometric_cdf, &[I(-1), I(3), I(5), I(4)], 0.0),
        (hypergeometric_qf, &[D(1.0), I(0), I(1), I(1)], 0.0),
        (hypergeometric_qf, &[D(0.0), I(3), I(1), I(3)], 2.0),
        (hypergeometric_qf, &[D(0.5), I(100), I(100), I(17)], 8.0),
    ];
    for (f, args, want) in cases {
        let got = value_of(*f, args);
        assert!(
            got == *want || (got - want).abs() <= 1e-15 * want.abs(),
            "{args:?}: got {got:e}, want {want:e}"
        );
    }
}

#[test]
fn errors() {
    let p = |c: i32| (c, PARAM);
    let i = |c: i32| (c + 1, INPUT);
    // (native, arguments, error)
    let cases: &[(NativeFn, &[Value], ErrCode)] = &[
        (uniform_pdf, &[D(0.0), D(1.0), D(1.0)], p(13330)),
        (uniform_pdf, &[D(NAN), D(0.0), D(1.0)], i(13330)),
        (uniform_cdf, &[D(0.0), D(-INF), D(1.0)], p(13340)),
        (uniform_cdf, &[D(INF), D(0.0), D(1.0)], i(13340)),
        (uniform_qf, &[D(0.5), D(2.0), D(1.0)], p(13350)),
        (uniform_qf, &[D(1.5), D(0.0), D(1.0)], i(13350)),
        (exponential_pdf, &[D(1.0), D(-1.0)], p(13030)),
        (exponential_pdf, &[D(INF), D(1.0)], i(13030)),
        (exponential_cdf, &[D(1.0), D(NAN)], p(13040)),
        (exponential_cdf, &[D(-INF), D(1.0)], i(13040)),
        (exponential_qf, &[D(0.5), D(INF)], p(13050)),
        (exponential_qf, &[D(-0.1), D(1.0)], i(13050)),
        (gaussian_ll, &[D(0.0), D(0.0), D(-1.0)], p(13000)),
        (gaussian_ll, &[D(NAN), D(0.0), D(1.0)], i(13000)),
        (gaussian_cdf, &[D(0.0), D(INF), D(1.0)], p(13010)),
        (gaussian_cdf, &[D(INF), D(0.0), D(1.0)], i(13010)),
        (gaussian_qf, &[D(0.5), D(0.0), D(NAN)], p(13020)),
        (gaussian_qf, &[D(NAN), D(0.0), D(1.0)], i(13020)),
        (lognormal_pdf, &[D(1.0), D(0.0), D(0.0)], p(13240)),
        (lognormal_pdf, &[D(INF), D(0.0), D(1.0)], i(13240)),
        (lognormal_cdf, &[D(1.0), D(NAN), D(1.0)], p(13250)),
        (lognormal_cdf, &[D(NAN), D(0.0), D(1.0)], i(13250)),
        (lognormal_qf, &[D(0.5), D(0.0), D(-1.0)], p(13260)),
        (lognormal_qf, &[D(2.0), D(0.0), D(1.0)], i(13260)),
        (cauchy_pdf, &[D(1.0), D(0.0), D(0.0)], p(13180)),
        (cauchy_pdf, &[D(INF), D(0.0), D(1.0)], i(13180)),
        (cauchy_cdf, &[D(1.0), D(INF), D(1.0)], p(13190)),
        (cauchy_cdf, &[D(NAN), D(0.0), D(1.0)], i(13190)),
        (cauchy_qf, &[D(0.5), D(0.0), D(-1.0)], p(13200)),
        (cauchy_qf, &[D(-1.0), D(0.0), D(1.0)], i(13200)),
        (t_pdf, &[D(1.0), I(0)], p(13270)),
        (t_pdf, &[D(INF), I(3)], i(13270)),
        (t_cdf, &[D(1.0), I(-2)], p(13280)),
        (t_cdf, &[D(NAN), I(3)], i(13280)),
        (t_qf, &[D(0.5), I(0)], p(13290)),
        (t_qf, &[D(1.1), I(3)], i(13290)),
        (f_pdf, &[D(1.0), I(0), I(3)], p(13210)),
        (f_pdf, &[D(INF), I(2), I(3)], i(13210)),
        (f_cdf, &[D(1.0), I(2), I(0)], p(13220)),
        (f_cdf, &[D(NAN), I(2), I(3)], i(13220)),
        (f_qf, &[D(0.5), I(-1), I(3)], p(13230)),
        (f_qf, &[D(-0.5), I(2), I(3)], i(13230)),
        (chi2_pdf, &[D(1.0), I(-1)], p(13060)),
        (chi2_pdf, &[D(INF), I(3)], i(13060)),
        (chi2_cdf, &[D(1.0), I(-1)], p(13070)),
        (chi2_cdf, &[D(-INF), I(3)], i(13070)),
        (chi2_qf, &[D(0.5), I(-1)], p(13080)),
        (chi2_qf, &[D(1.00001), I(3)], i(13080)),
        (beta_pdf, &[D(0.5), D(0.0), D(1.0)], p(13150)),
        (beta_pdf, &[D(NAN), D(1.0), D(1.0)], i(13150)),
        (beta_cdf, &[D(0.5), D(1.0), D(INF)], p(13160)),
        (beta_cdf, &[D(INF), D(1.0), D(1.0)], i(13160)),
        (beta_qf, &[D(0.5), D(-1.0), D(1.0)], p(13170)),
        (beta_qf, &[D(NAN), D(1.0), D(1.0)], i(13170)),
        (gamma_pdf, &[D(1.0), D(-1.0), D(1.0)], p(13120)),
        (gamma_pdf, &[D(NAN), D(1.0), D(1.0)], i(13120)),
        (gamma_cdf, &[D(1.0), D(1.0), D(INF)], p(13130)),
        (gamma_cdf, &[D(INF), D(1.0), D(1.0)], i(13130)),
        // The quantile function also rejects shape or scale 0.
        (gamma_qf, &[D(0.5), D(0.0), D(1.0)], p(13140)),
        (gamma_qf, &[D(1.5), D(1.0), D(1.0)], i(13140)),
        (weibull_pdf, &[D(1.0), D(0.0), D(1.0)], p(13420)),
        (weibull_pdf, &[D(INF), D(1.0), D(1.0)], i(13420)),
        (weibull_cdf, &[D(1.0), D(1.0), D(0.0)], p(13430)),
        (weibull_cdf, &[D(NAN), D(1.0), D(1.0)], i(13430)),
        (weibull_qf, &[D(0.5), D(NAN), D(1.0)], p(13440)),
        (weibull_qf, &[D(-0.5), D(1.0), D(1.0)], i(13440)),
        (binomial_pdf, &[I(1), I(-1), D(0.5)], p(13300)),
        (binomial_pdf, &[I(1), I(3), D(1.5)], p(13300)),
        (binomial_cdf, &[D(1.0), I(3), D(NAN)], p(13310)),
        (binomial_cdf, &[D(INF), I(3), D(0.5)], i(13310)),
        (binomial_qf, &[D(0.5), I(3), D(-0.1)], p(13320)),
        (binomial_qf, &[D(2.0), I(3), D(0.5)], i(13320)),
        (negative_binomial_pdf, &[I(1), I(-1), D(0.5)], p(13450)),
        (negative_binomial_pdf, &[I(1), I(3), D(INF)], p(13450)),
        (negative_binomial_cdf, &[D(1.0), I(3), D(1.5)], p(13460)),
        (negative_binomial_cdf, &[D(NAN), I(3), D(0.5)], i(13460)),
        // The quantile function also rejects size 0.
        (negative_binomial_qf, &[D(0.5), I(0), D(0.5)], p(13470)),
        (negative_binomial_qf, &[D(1.5), I(3), D(0.5)], i(13470)),
        (poisson_pdf, &[I(1), D(-1.0)], p(13090)),
        (poisson_cdf, &[I(1), D(INF)], p(13100)),
        (poisson_qf, &[D(0.5), D(NAN)], p(13110)),
        (poisson_qf, &[D(-0.5), D(1.0)], i(13110)),
        (geometric_pdf, &[I(1), D(0.0)], p(13360)),
        (geometric_cdf, &[D(1.0), D(1.5)], p(13370)),
        (geometric_cdf, &[D(INF), D(0.5)], i(13370)),
        (geometric_qf, &[D(0.5), D(NAN)], p(13380)),
        (geometric_qf, &[D(1.5), D(0.5)], i(13380)),
        (hypergeometric_pdf, &[I(1), I(2), I(2), I(5)], p(13390)),
        (hypergeometric_pdf, &[I(1), I(-1), I(2), I(1)], p(13390)),
        (hypergeometric_pdf, &[I(0), I(0), I(0), I(0)], p(13390)),
        (hypergeometric_cdf, &[I(1), I(2), I(-2), I(1)], p(13400)),
        (hypergeometric_cdf, &[I(1), I(2), I(2), I(-1)], p(13400)),
        (hypergeometric_qf, &[D(0.5), I(2), I(2), I(5)], p(13410)),
        (hypergeometric_qf, &[D(1.5), I(2), I(2), I(1)], i(13410)),
    ];
    for (f, args, want) in cases {
        match run(*f, args) {
            Err(PfaError::Runtime(e)) => {
                assert_eq!((e.code, e.message.as_str()), *want, "{args:?}")
            }
            other => panic!("{args:?}: got {other:?}, want {want:?}"),
        }
    }
    // The "invalid input" errors of binomialPDF (13301), negativeBinomialPDF (13451),
    // geometricPDF (13361), poissonCDF (13101) and hypergeometricCDF (13401) concern an
    // int-typed x, which is always finite, so they are declared but never raised.
}

#[test]
fn gaussian_record_form() {
    let mut types = TypeTable::new();
    let schema = serde_json::json!({"type": "record", "name": "Params",
        "fields": [{"name": "variance", "type": "double"}, {"name": "mean", "type": "double"}]});
    let ty = resolve_one(&schema, &mut types).expect("record type");
    let Type::Record(id) = ty else {
        panic!("a record type")
    };
    let params = |mean: f64, variance: f64| Value::record(id, vec![D(variance), D(mean)]);
    let go = |f: NativeFn, x: f64, p: Value| {
        run_typed(f, types.clone(), &[Type::Double, ty.clone()], &[D(x), p])
    };
    let double = |r: Ret| match r {
        Ok(D(v)) => v,
        other => panic!("got {other:?}"),
    };
    // Variance 4 is σ = 2.
    assert_eq!(
        double(go(gaussian_ll_record, 1.5, params(-0.5, 4.0))),
        value_of(gaussian_ll, &[D(1.5), D(-0.5), D(2.0)])
    );
    assert_eq!(
        double(go(gaussian_cdf_record, 1.5, params(-0.5, 4.0))),
        value_of(gaussian_cdf, &[D(1.5), D(-0.5), D(2.0)])
    );
    assert_eq!(
        double(go(gaussian_qf_record, 0.3, params(-0.5, 4.0))),
        value_of(gaussian_qf, &[D(0.3), D(-0.5), D(2.0)])
    );
    assert_eq!(double(go(gaussian_qf_record, 0.3, params(7.0, 0.0))), 7.0);
    let code = |r: Ret| match r {
        Err(PfaError::Runtime(e)) => e.code,
        other => panic!("got {other:?}"),
    };
    assert_eq!(code(go(gaussian_ll_record, 1.0, params(0.0, -1.0))), 13000);
    assert_eq!(code(go(gaussian_cdf_record, 1.0, params(0.0, NAN))), 13010);
    assert_eq!(code(go(gaussian_qf_record, 0.5, params(INF, 1.0))), 13020);
    assert_eq!(code(go(gaussian_ll_record, INF, params(0.0, 1.0))), 13001);
    assert_eq!(code(go(gaussian_qf_record, -1.0, params(0.0, 1.0))), 13021);
}

#[test]
fn quantiles_invert_distribution_functions() {
    // Continuous: F(Q(p)) = p.
    let continuous: &[(NativeFn, NativeFn, &[Value])] = &[
        (gamma_qf, gamma_cdf, &[D(2.5), D(3.0)]),
        (beta_qf, beta_cdf, &[D(0.7), D(30.0)]),
        (t_qf, t_cdf, &[I(7)]),
        (f_qf, f_cdf, &[I(3), I(11)]),
        (chi2_qf, chi2_cdf, &[I(9)]),
        (lognormal_qf, lognormal_cdf, &[D(0.3), D(1.7)]),
        (weibull_qf, weibull_cdf, &[D(0.7), D(2.0)]),
        (cauchy_qf, cauchy_cdf, &[D(-2.0), D(0.5)]),
    ];
    for &(qf, cdf, params) in continuous {
        for p in [1e-12, 1e-5, 0.1, 0.5, 0.77, 0.99999] {
            let mut args = vec![D(p)];
            args.extend_from_slice(params);
            let x = value_of(qf, &args);
            args[0] = D(x);
            let back = value_of(cdf, &args);
            assert!(
                (back - p).abs() <= 1e-12 * p,
                "{params:?} p {p}: F(Q(p)) = {back:e}"
            );
        }
    }
    // Discrete: F(Q(p)) ≥ p > F(Q(p) - 1); the flag says whether x is an int.
    let discrete: &[(NativeFn, NativeFn, &[Value], bool)] = &[
        (binomial_qf, binomial_cdf, &[I(40), D(0.3)], false),
        (
            negative_binomial_qf,
            negative_binomial_cdf,
            &[I(5), D(0.05)],
            false,
        ),
        (poisson_qf, poisson_cdf, &[D(35.5)], true),
        (geometric_qf, geometric_cdf, &[D(0.01)], false),
    ];
    for &(qf, cdf, params, int_x) in discrete {
        for p in [1e-7, 0.05, 0.5, 0.95, 0.9999] {
            let mut args = vec![D(p)];
            args.extend_from_slice(params);
            let k = value_of(qf, &args);
            let at = |x: f64| {
                let mut a = vec![if int_x { I(x as i32) } else { D(x) }];
                a.extend_from_slice(params);
                value_of(cdf, &a)
            };
            assert!(
                at(k) >= p && (k == 0.0 || at(k - 1.0) < p),
                "{params:?} p {p}: {k}"
            );
        }
    }
    let urn = [I(30), I(70), I(25)];
    for p in [1e-7, 0.05, 0.5, 0.95, 0.9999] {
        let k = value_of(
            hypergeometric_qf,
            &[D(p), urn[0].clone(), urn[1].clone(), urn[2].clone()],
        );
        let at = |x: f64| {
            value_of(
                hypergeometric_cdf,
                &[I(x as i32), urn[0].clone(), urn[1].clone(), urn[2].clone()],
            )
        };
        assert!(
            at(k) >= p && (k == 0.0 || at(k - 1.0) < p),
            "urn p {p}: {k}"
        );
    }
}

#[test]
fn extreme_arguments_return() {
    // Every function on a grid of extreme doubles and ints: a value or one of its errors,
    // never a panic, and in bounded time.
    let doubles = [
        0.0,
        -0.0,
        5e-324,
        1e-300,
        1e-12,
        0.5,
        1.0 - 1e-16,
        1.0,
        2.0,
        1e6,
        1e15,
        1e300,
        f64::MAX,
        -1e-300,
        -1.0,
        -1e300,
        INF,
        -INF,
        NAN,
    ];
    let ints = [i32::MIN, -1, 0, 1, 2, 3, 1000, 1_000_000, i32::MAX];
    let natives: &[(NativeFn, &str)] = &[
        (uniform_pdf, "ddd"),
        (uniform_cdf, "ddd"),
        (uniform_qf, "ddd"),
        (exponential_pdf, "dd"),
        (exponential_cdf, "dd"),
        (exponential_qf, "dd"),
        (gaussian_ll, "ddd"),
        (gaussian_cdf, "ddd"),
        (gaussian_qf, "ddd"),
        (lognormal_pdf, "ddd"),
        (lognormal_cdf, "ddd"),
        (lognormal_qf, "ddd"),
        (cauchy_pdf, "ddd"),
        (cauchy_cdf, "ddd"),
        (cauchy_qf, "ddd"),
        (t_pdf, "di"),
        (t_cdf, "di"),
        (t_qf, "di"),
        (f_pdf, "dii"),
        (f_cdf, "dii"),
        (f_qf, "dii"),
        (chi2_pdf, "di"),
        (chi2_cdf, "di"),
        (chi2_qf, "di"),
        (beta_pdf, "ddd"),
        (beta_cdf, "ddd"),
        (beta_qf, "ddd"),
        (gamma_pdf, "ddd"),
        (gamma_cdf, "ddd"),
        (gamma_qf, "ddd"),
        (weibull_pdf, "ddd"),
        (weibull_cdf, "ddd"),
        (weibull_qf, "ddd"),
        (binomial_pdf, "iid"),
        (binomial_cdf, "did"),
        (binomial_qf, "did"),
        (negative_binomial_pdf, "iid"),
        (negative_binomial_cdf, "did"),
        (negative_binomial_qf, "did"),
        (poisson_pdf, "id"),
        (poisson_cdf, "id"),
        (poisson_qf, "dd"),
        (geometric_pdf, "id"),
        (geometric_cdf, "dd"),
        (geometric_qf, "dd"),
        (hypergeometric_pdf, "iiii"),
        (hypergeometric_cdf, "iiii"),
        (hypergeometric_qf, "diii"),
    ];
    for &(f, kinds) in natives {
        let start = std::time::Instant::now();
        let mut calls = 0;
        let mut args = vec![D(0.0); kinds.len()];
        // Odometer over the grid, with the first argument varying over all values and the
        // others over every other value to keep the count down.
        let sizes: Vec<usize> = kinds
            .chars()
            .enumerate()
            .map(|(i, k)| {
                let n = if k == 'd' { doubles.len() } else { ints.len() };
                if i == 0 {
                    n
                } else {
                    n.div_ceil(2)
                }
            })
            .collect();
        let mut idx = vec![0usize; kinds.len()];
        loop {
            for (i, k) in kinds.chars().enumerate() {
                let j = if i == 0 { idx[i] } else { 2 * idx[i] };
                args[i] = if k == 'd' { D(doubles[j]) } else { I(ints[j]) };
            }
            match run(f, &args) {
                Ok(D(_)) | Err(PfaError::Runtime(_)) => {}
                other => panic!("{args:?}: {other:?}"),
            }
            calls += 1;
            let mut i = 0;
            while i < idx.len() {
                idx[i] += 1;
                if idx[i] < sizes[i] {
                    break;
                }
                idx[i] = 0;
                i += 1;
            }
            if i == idx.len() {
                break;
            }
        }
        assert!(
            calls > 0 && start.elapsed().as_secs() < 20,
            "{kinds}: too slow"
        );
    }
    // Large counts and extreme shapes, where the series, fractions and searches are long.
    let heavy: &[(NativeFn, &[Value])] = &[
        (binomial_qf, &[D(0.3), I(i32::MAX), D(0.5)]),
        (binomial_cdf, &[D(1e9), I(i32::MAX), D(0.5)]),
        (negative_binomial_qf, &[D(0.99999), I(i32::MAX), D(1e-300)]),
        (negative_binomial_cdf, &[D(1e300), I(i32::MAX), D(1e-10)]),
        (poisson_qf, &[D(0.7), D(1e300)]),
        (poisson_cdf, &[I(i32::MAX), D(2.1e9)]),
        (
            hypergeometric_qf,
            &[D(0.3), I(i32::MAX), I(i32::MAX), I(i32::MAX)],
        ),
        (
            hypergeometric_cdf,
            &[I(1_073_741_823), I(i32::MAX), I(i32::MAX), I(i32::MAX)],
        ),
        (beta_qf, &[D(0.3), D(1e16), D(1e16)]),
        (beta_cdf, &[D(0.5), D(1e300), D(1e300)]),
        (gamma_qf, &[D(0.3), D(1e300), D(1.0)]),
        (t_qf, &[D(1e-300), I(i32::MAX)]),
        (f_qf, &[D(0.99999), I(i32::MAX), I(1)]),
        (chi2_qf, &[D(1e-300), I(i32::MAX)]),
    ];
    for (f, args) in heavy {
        let start = std::time::Instant::now();
        match run(*f, args) {
            Ok(D(_)) | Err(PfaError::Runtime(_)) => {}
            other => panic!("{args:?}: {other:?}"),
        }
        assert!(start.elapsed().as_secs() < 20, "{args:?}: too slow");
    }
}
