//! Probability distributions (spec §24): `prob.dist.*`.
//!
//! Each function checks its parameters first ("invalid parameterization", the base
//! error code), then the point or probability it is evaluated at ("invalid input",
//! base + 1), as the spec's error lists order them. The mathematics is in
//! [`continuous`] and [`discrete`]; the numerical kernels in `special`.

pub(crate) mod continuous;
pub(crate) mod discrete;
#[cfg(test)]
mod tests;

use super::args::{self, Ret};
use super::{Host, Registry};
use crate::error::PfaError;
use crate::types::Type;
use crate::value::Value;

use continuous as c;
use discrete as d;

/// Why a distribution function rejects its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bad {
    /// "invalid parameterization" (the function's base error code).
    Param,
    /// "invalid input" (base + 1).
    Input,
}

/// A value of a distribution function, or why there is none.
pub(crate) type Res = Result<f64, Bad>;

/// `Ok(())` if `ok`, else the error `bad`.
pub(crate) fn ensure(ok: bool, bad: Bad) -> Result<(), Bad> {
    if ok {
        Ok(())
    } else {
        Err(bad)
    }
}

const PARAM: &str = "invalid parameterization";
const INPUT: &str = "invalid input";

/// The native's result: a double, or the runtime error for `base`.
fn out(base: i32, r: Res) -> Ret {
    match r {
        Ok(v) => Ok(Value::Double(v)),
        Err(Bad::Param) => Err(PfaError::runtime(base, PARAM)),
        Err(Bad::Input) => Err(PfaError::runtime(base + 1, INPUT)),
    }
}

/// Declares natives whose arguments are read with `args::<getter>` in order.
macro_rules! natives {
    ($($native:ident = $base:literal, $f:path, ($($get:ident),+);)*) => {
        $(
            pub(crate) fn $native(_: &mut dyn Host, a: &[Value]) -> Ret {
                let mut _i = 0;
                out($base, $f($({ let v = args::$get(a, _i)?; _i += 1; v }),+))
            }
        )*
    };
}

natives! {
    uniform_pdf = 13330, c::uniform_pdf, (double, double, double);
    uniform_cdf = 13340, c::uniform_cdf, (double, double, double);
    uniform_qf = 13350, c::uniform_qf, (double, double, double);
    exponential_pdf = 13030, c::exponential_pdf, (double, double);
    exponential_cdf = 13040, c::exponential_cdf, (double, double);
    exponential_qf = 13050, c::exponential_qf, (double, double);
    gaussian_ll = 13000, c::gaussian_ll, (double, double, double);
    gaussian_cdf = 13010, c::gaussian_cdf, (double, double, double);
    gaussian_qf = 13020, c::gaussian_qf, (double, double, double);
    lognormal_pdf = 13240, c::lognormal_pdf, (double, double, double);
    lognormal_cdf = 13250, c::lognormal_cdf, (double, double, double);
    lognormal_qf = 13260, c::lognormal_qf, (double, double, double);
    cauchy_pdf = 13180, c::cauchy_pdf, (double, double, double);
    cauchy_cdf = 13190, c::cauchy_cdf, (double, double, double);
    cauchy_qf = 13200, c::cauchy_qf, (double, double, double);
    binomial_pdf = 13300, d::binomial_pdf, (int, int, double);
    binomial_cdf = 13310, d::binomial_cdf, (double, int, double);
    binomial_qf = 13320, d::binomial_qf, (double, int, double);
    negative_binomial_pdf = 13450, d::negative_binomial_pdf, (int, int, double);
    negative_binomial_cdf = 13460, d::negative_binomial_cdf, (double, int, double);
    negative_binomial_qf = 13470, d::negative_binomial_qf, (double, int, double);
    poisson_pdf = 13090, d::poisson_pdf, (int, double);
    poisson_cdf = 13100, d::poisson_cdf, (int, double);
    poisson_qf = 13110, d::poisson_qf, (double, double);
    t_pdf = 13270, c::t_pdf, (double, int);
    t_cdf = 13280, c::t_cdf, (double, int);
    t_qf = 13290, c::t_qf, (double, int);
    f_pdf = 13210, c::f_pdf, (double, int, int);
    f_cdf = 13220, c::f_cdf, (double, int, int);
    f_qf = 13230, c::f_qf, (double, int, int);
    chi2_pdf = 13060, c::chi2_pdf, (double, int);
    chi2_cdf = 13070, c::chi2_cdf, (double, int);
    chi2_qf = 13080, c::chi2_qf, (double, int);
    beta_pdf = 13150, c::beta_pdf, (double, double, double);
    beta_cdf = 13160, c::beta_cdf, (double, double, double);
    beta_qf = 13170, c::beta_qf, (double, double, double);
    gamma_pdf = 13120, c::gamma_pdf, (double, double, double);
    gamma_cdf = 13130, c::gamma_cdf, (double, double, double);
    gamma_qf = 13140, c::gamma_qf, (double, double, double);
    geometric_pdf = 13360, d::geometric_pdf, (int, double);
    geometric_cdf = 13370, d::geometric_cdf, (double, double);
    geometric_qf = 13380, d::geometric_qf, (double, double);
    hypergeometric_pdf = 13390, d::hypergeometric_pdf, (int, int, int, int);
    hypergeometric_cdf = 13400, d::hypergeometric_cdf, (int, int, int, int);
    hypergeometric_qf = 13410, d::hypergeometric_qf, (double, int, int, int);
    weibull_pdf = 13420, c::weibull_pdf, (double, double, double);
    weibull_cdf = 13430, c::weibull_cdf, (double, double, double);
    weibull_qf = 13440, c::weibull_qf, (double, double, double);
}

/// (mean, σ) from the `params` record of the Gaussian functions' second signature.
fn gaussian_record(host: &dyn Host, a: &[Value]) -> Result<Result<(f64, f64), Bad>, PfaError> {
    let internal = || {
        PfaError::runtime(
            0,
            "internal error: params is not a record with mean and variance",
        )
    };
    let Some(Value::Record(rec)) = a.get(1) else {
        return Err(internal());
    };
    let Type::Record(id) = host.arg_type(1) else {
        return Err(internal());
    };
    let fields = host.types().fields(*id);
    let get = |name: &str| -> Result<f64, PfaError> {
        fields
            .iter()
            .position(|f| f.name == name)
            .and_then(|i| rec.fields.get(i))
            .and_then(|v| match v {
                Value::Double(x) => Some(*x),
                _ => None,
            })
            .ok_or_else(internal)
    };
    let (mean, variance) = (get("mean")?, get("variance")?);
    Ok(c::sigma_of_variance(variance).map(|sigma| (mean, sigma)))
}

/// Declares the record forms of the Gaussian functions.
macro_rules! gaussian_record_natives {
    ($($native:ident = $base:literal, $f:path;)*) => {
        $(
            pub(crate) fn $native(host: &mut dyn Host, a: &[Value]) -> Ret {
                let x = args::double(a, 0)?;
                out($base, gaussian_record(host, a)?.and_then(|(mu, sigma)| $f(x, mu, sigma)))
            }
        )*
    };
}

gaussian_record_natives! {
    gaussian_ll_record = 13000, c::gaussian_ll;
    gaussian_cdf_record = 13010, c::gaussian_cdf;
    gaussian_qf_record = 13020, c::gaussian_qf;
}

/// The two errors of a function with base code `base`.
macro_rules! two {
    ($base:literal) => {
        &[($base, PARAM), ($base + 1, INPUT)]
    };
}

/// Registers `prob.dist.*`.
pub fn register(r: &mut Registry) {
    use super::NativeFn;
    /// (name, signature, errors, native) of the functions with one signature.
    type Entry = (
        &'static str,
        &'static str,
        &'static [(i32, &'static str)],
        NativeFn,
    );
    let table: &[Entry] = &[
        (
            "prob.dist.uniformPDF",
            "(x: double, min: double, max: double) -> double",
            two!(13330),
            uniform_pdf,
        ),
        (
            "prob.dist.uniformCDF",
            "(x: double, min: double, max: double) -> double",
            two!(13340),
            uniform_cdf,
        ),
        (
            "prob.dist.uniformQF",
            "(p: double, min: double, max: double) -> double",
            two!(13350),
            uniform_qf,
        ),
        (
            "prob.dist.exponentialPDF",
            "(x: double, lambda: double) -> double",
            two!(13030),
            exponential_pdf,
        ),
        (
            "prob.dist.exponentialCDF",
            "(x: double, lambda: double) -> double",
            two!(13040),
            exponential_cdf,
        ),
        (
            "prob.dist.exponentialQF",
            "(p: double, lambda: double) -> double",
            two!(13050),
            exponential_qf,
        ),
        (
            "prob.dist.lognormalPDF",
            "(x: double, meanlog: double, sdlog: double) -> double",
            two!(13240),
            lognormal_pdf,
        ),
        (
            "prob.dist.lognormalCDF",
            "(x: double, meanlog: double, sdlog: double) -> double",
            two!(13250),
            lognormal_cdf,
        ),
        (
            "prob.dist.lognormalQF",
            "(p: double, meanlog: double, sdlog: double) -> double",
            two!(13260),
            lognormal_qf,
        ),
        (
            "prob.dist.cauchyPDF",
            "(x: double, location: double, scale: double) -> double",
            two!(13180),
            cauchy_pdf,
        ),
        (
            "prob.dist.cauchyCDF",
            "(x: double, location: double, scale: double) -> double",
            two!(13190),
            cauchy_cdf,
        ),
        (
            "prob.dist.cauchyQF",
            "(p: double, location: double, scale: double) -> double",
            two!(13200),
            cauchy_qf,
        ),
        (
            "prob.dist.binomialPDF",
            "(x: int, size: int, prob: double) -> double",
            two!(13300),
            binomial_pdf,
        ),
        (
            "prob.dist.binomialCDF",
            "(x: double, size: int, prob: double) -> double",
            two!(13310),
            binomial_cdf,
        ),
        (
            "prob.dist.binomialQF",
            "(p: double, size: int, prob: double) -> double",
            two!(13320),
            binomial_qf,
        ),
        (
            "prob.dist.negativeBinomialPDF",
            "(x: int, size: int, prob: double) -> double",
            two!(13450),
            negative_binomial_pdf,
        ),
        (
            "prob.dist.negativeBinomialCDF",
            "(x: double, size: int, prob: double) -> double",
            two!(13460),
            negative_binomial_cdf,
        ),
        (
            "prob.dist.negativeBinomialQF",
            "(p: double, size: int, prob: double) -> double",
            two!(13470),
            negative_binomial_qf,
        ),
        (
            "prob.dist.poissonPDF",
            "(x: int, lambda: double) -> double",
            &[(13090, PARAM)],
            poisson_pdf,
        ),
        (
            "prob.dist.poissonCDF",
            "(x: int, lambda: double) -> double",
            two!(13100),
            poisson_cdf,
        ),
        (
            "prob.dist.poissonQF",
            "(p: double, lambda: double) -> double",
            two!(13110),
            poisson_qf,
        ),
        (
            "prob.dist.tPDF",
            "(x: double, dof: int) -> double",
            two!(13270),
            t_pdf,
        ),
        (
            "prob.dist.tCDF",
            "(x: double, dof: int) -> double",
            two!(13280),
            t_cdf,
        ),
        (
            "prob.dist.tQF",
            "(p: double, dof: int) -> double",
            two!(13290),
            t_qf,
        ),
        (
            "prob.dist.fPDF",
            "(x: double, d1: int, d2: int) -> double",
            two!(13210),
            f_pdf,
        ),
        (
            "prob.dist.fCDF",
            "(x: double, d1: int, d2: int) -> double",
            two!(13220),
            f_cdf,
        ),
        (
            "prob.dist.fQF",
            "(p: double, d1: int, d2: int) -> double",
            two!(13230),
            f_qf,
        ),
        (
            "prob.dist.chi2PDF",
            "(x: double, dof: int) -> double",
            two!(13060),
            chi2_pdf,
        ),
        (
            "prob.dist.chi2CDF",
            "(x: double, dof: int) -> double",
            two!(13070),
            chi2_cdf,
        ),
        (
            "prob.dist.chi2QF",
            "(p: double, dof: int) -> double",
            two!(13080),
            chi2_qf,
        ),
        (
            "prob.dist.betaPDF",
            "(x: double, a: double, b: double) -> double",
            two!(13150),
            beta_pdf,
        ),
        (
            "prob.dist.betaCDF",
            "(x: double, a: double, b: double) -> double",
            two!(13160),
            beta_cdf,
        ),
        (
            "prob.dist.betaQF",
            "(p: double, a: double, b: double) -> double",
            two!(13170),
            beta_qf,
        ),
        (
            "prob.dist.gammaPDF",
            "(x: double, shape: double, scale: double) -> double",
            two!(13120),
            gamma_pdf,
        ),
        (
            "prob.dist.gammaCDF",
            "(x: double, shape: double, scale: double) -> double",
            two!(13130),
            gamma_cdf,
        ),
        (
            "prob.dist.gammaQF",
            "(p: double, shape: double, scale: double) -> double",
            two!(13140),
            gamma_qf,
        ),
        (
            "prob.dist.geometricPDF",
            "(x: int, prob: double) -> double",
            two!(13360),
            geometric_pdf,
        ),
        (
            "prob.dist.geometricCDF",
            "(x: double, prob: double) -> double",
            two!(13370),
            geometric_cdf,
        ),
        (
            "prob.dist.geometricQF",
            "(p: double, prob: double) -> double",
            two!(13380),
            geometric_qf,
        ),
        (
            "prob.dist.hypergeometricPDF",
            "(x: int, m: int, n: int, k: int) -> double",
            &[(13390, PARAM)],
            hypergeometric_pdf,
        ),
        (
            "prob.dist.hypergeometricCDF",
            "(x: int, m: int, n: int, k: int) -> double",
            two!(13400),
            hypergeometric_cdf,
        ),
        (
            "prob.dist.hypergeometricQF",
            "(p: double, m: int, n: int, k: int) -> double",
            two!(13410),
            hypergeometric_qf,
        ),
        (
            "prob.dist.weibullPDF",
            "(x: double, shape: double, scale: double) -> double",
            two!(13420),
            weibull_pdf,
        ),
        (
            "prob.dist.weibullCDF",
            "(x: double, shape: double, scale: double) -> double",
            two!(13430),
            weibull_cdf,
        ),
        (
            "prob.dist.weibullQF",
            "(p: double, shape: double, scale: double) -> double",
            two!(13440),
            weibull_qf,
        ),
    ];
    for &(name, sig, errors, native) in table {
        r.def(name).sig(sig).errors(errors).native(native);
    }

    // The Gaussian functions also take their parameters as a record (e.g. from
    // stat.sample.update); the matched signature picks the native.
    r.def("prob.dist.gaussianLL")
        .sig("(x: double, mu: double, sigma: double) -> double")
        .sig("(x: double, params: record A {mean: double, variance: double}) -> double")
        .errors(two!(13000))
        .specialize(|s| {
            Ok(if s.sig == 0 {
                gaussian_ll
            } else {
                gaussian_ll_record
            })
        });
    r.def("prob.dist.gaussianCDF")
        .sig("(x: double, mu: double, sigma: double) -> double")
        .sig("(x: double, params: record A {mean: double, variance: double}) -> double")
        .errors(two!(13010))
        .specialize(|s| {
            Ok(if s.sig == 0 {
                gaussian_cdf
            } else {
                gaussian_cdf_record
            })
        });
    r.def("prob.dist.gaussianQF")
        .sig("(p: double, mu: double, sigma: double) -> double")
        .sig("(p: double, params: record A {mean: double, variance: double}) -> double")
        .errors(two!(13020))
        .specialize(|s| {
            Ok(if s.sig == 0 {
                gaussian_qf
            } else {
                gaussian_qf_record
            })
        });
}
