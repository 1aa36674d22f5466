//! Tests of `m.special.*` and of the numerical kernels. Expected values were computed
//! with 50-digit arithmetic (mpmath) and rounded to doubles.

use super::beta::{ibeta, ibeta_inv};
use super::density;
use super::gamma::{bd0, gamma_p_inv, gamma_pq, ln_gamma_1p, stirlerr};
use super::*;
use crate::library::testing::{err, near, ok};
use crate::value::Value::{Double as D, Int as I};

const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

/// Relative difference (absolute below 1e-300).
fn rel(got: f64, want: f64) -> f64 {
    if got == want {
        0.0
    } else {
        (got - want).abs() / want.abs().max(1e-300)
    }
}

#[track_caller]
fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        rel(got, want) <= tol,
        "{what}: got {got:e}, want {want:e} (rel {:e})",
        rel(got, want)
    );
}

#[test]
fn ln_gamma_1p_values() {
    for &(a, want) in &[
        (1e-10, -5.772_156_648_192_861_6e-11),
        (-1e-05, 5.772_238_896_119_36e-06),
        (0.1, -0.049_872_441_259_839_73),
        (-0.15, 0.106_595_116_478_117_63),
        (0.19, -0.082_420_074_477_120_87),
        (0.3, -0.108_174_809_507_860_47),
        (2.5, 1.200_973_602_347_074_3),
    ] {
        close(ln_gamma_1p(a), want, 4e-16, &format!("lnΓ(1+{a})"));
    }
}

#[test]
fn stirling_error_values() {
    for &(x, want, tol) in &[
        (1e-05, 4.837_643_556_460_688, 1e-15),
        (0.5, 0.153_426_409_720_027_36, 4e-15),
        (1.0, 0.081_061_466_795_327_26, 1e-15),
        (3.7, 0.022_468_770_580_143_144, 1e-14),
        // Below 10 the difference is formed directly: 2e-15 absolute.
        (9.99, 0.008_338_896_797_734_33, 3e-13),
        (10.0, 0.008_330_563_433_362_87, 1e-15),
        (15.5, 0.005_375_599_032_926_835, 1e-15),
        (1000.0, 8.333_333_055_555_635e-05, 1e-15),
        (1e9, 8.333_333_333_333_333e-11, 1e-15),
    ] {
        close(stirlerr(x), want, tol, &format!("stirlerr({x})"));
    }
}

#[test]
fn deviance_values() {
    for &(x, m, want) in &[
        (0.0, 3.0, 3.0),
        (10.0, 10.5, 0.012_098_358_305_679_97),
        (1e6, 1_000_003.0, 4.499_991_000_020_25e-06),
        (5.0, 100.0, 80.021_338_632_230_04),
        (100.0, 5.0, 204.573_227_355_399_1),
        (1e-300, 1.0, 1.0),
    ] {
        close(bd0(x, m), want, 1e-14, &format!("bd0({x}, {m})"));
    }
}

#[test]
fn ln_beta_values() {
    for &(a, b, want, tol) in &[
        // ln Γ(a) + ln Γ(b) - ln Γ(a+b) cancels to 1e-10 here: about 1e-11 is reachable.
        (0.99999, 1.00001, 1.644_932_956_682_608e-10, 1e-10),
        (0.3, 0.7, 1.356_665_241_349_742_2, 1e-15),
        (1e-05, 1e-05, 12.206_072_645_365_683, 1e-15),
        (0.5, 0.5, 1.144_729_885_849_400_2, 1e-15),
        (17.0, 100.0, -48.906_848_710_465_11, 1e-15),
        (100.0, 100.0, -139.665_259_086_706_64, 1e-15),
        (3.0, 1e6, -40.753_387_493_330_38, 1e-15),
        (1e8, 2e8, -190_954_258.577_113_12, 1e-15),
        (2.5, 12.0, -6.075_775_125_342_28, 1e-15),
    ] {
        close(gamma::ln_beta(a, b), want, tol, &format!("lnB({a}, {b})"));
    }
}

#[test]
fn incomplete_gamma_values() {
    for &(a, x, p, q) in &[
        (
            1e-05,
            1e-05,
            0.999_890_648_699_043_6,
            0.000_109_351_300_956_329_86,
        ),
        (
            1e-05,
            0.1,
            0.999_981_770_853_723_3,
            1.822_914_627_669_859_3e-05,
        ),
        (0.1, 0.5, 0.941_402_445_890_133_6, 0.058_597_554_109_866_48),
        (0.5, 2.0, 0.954_499_736_103_641_6, 0.045_500_263_896_358_42),
        (0.9, 1.8, 0.859_683_044_332_690_2, 0.140_316_955_667_309_8),
        (
            1.0,
            0.001,
            0.000_999_500_166_625_008_5,
            0.999_000_499_833_375,
        ),
        (3.0, 2.0, 0.323_323_583_816_936_54, 0.676_676_416_183_063_5),
        (
            17.0,
            10.0,
            0.027_041_609_784_801_128,
            0.972_958_390_215_198_9,
        ),
        (
            17.0,
            30.0,
            0.996_127_275_131_395_9,
            0.003_872_724_868_604_131,
        ),
        (100.0, 99.0, 0.473_304_330_399_461, 0.526_695_669_600_539),
        (
            100.0,
            150.0,
            0.999_994_075_459_664_6,
            5.924_540_335_483_916e-06,
        ),
        (5.0, 300.0, 1.0, 1.760_917_694_683_184e-122),
        (
            1e4,
            10050.0,
            0.692_342_440_702_565_6,
            0.307_657_559_297_434_44,
        ),
        (2.5, 1e-200, 0.0, 1.0),
    ] {
        let (gp, gq) = gamma_pq(a, x);
        close(gp, p, 1e-14, &format!("P({a}, {x})"));
        close(gq, q, 1e-14, &format!("Q({a}, {x})"));
    }
    assert_eq!(gamma_pq(2.0, 0.0), (0.0, 1.0));
    assert_eq!(gamma_pq(2.0, INF), (1.0, 0.0));
}

#[test]
fn incomplete_gamma_huge_shape() {
    // Temme's expansion, used beyond 1e10, agrees with the series at the switch (where
    // its first omitted term is about 1e-20).
    let a = super::gamma::TEMME_SHAPE;
    for k in [-8.0, -5.0, -1.0, 0.0, 0.5, 3.0, 8.0] {
        let x = a + k * a.sqrt();
        let (p, q) = gamma_pq(a, x);
        let (tp, tq) = super::gamma::temme(a, x);
        // The series' term products carry rounding of order √(terms)·ε ≈ 1e-13.
        close(tp, p, 1e-12, &format!("P({a}, a + {k}√a)"));
        close(tq, q, 1e-12, &format!("Q({a}, a + {k}√a)"));
    }
    // Beyond: P(a, a) = ½ + 1/(3√(2πa)) + O(1/a).
    let a = 1e14;
    let (p, q) = gamma_pq(a, a);
    close(
        p,
        0.5 + 1.0 / (3.0 * (2.0 * std::f64::consts::PI * a).sqrt()),
        1e-15,
        "P(a, a)",
    );
    close(p + q, 1.0, 1e-15, "P + Q");
}

#[test]
fn incomplete_beta_values() {
    for &(a, b, x, i, j) in &[
        (
            1e-05,
            100.0,
            1e-05,
            0.999_936_636_548_855_1,
            6.336_345_114_491_085e-05,
        ),
        (
            0.5,
            0.5,
            0.3,
            0.369_010_119_565_545_36,
            0.630_989_880_434_454_6,
        ),
        (
            2.5,
            1e-05,
            0.9,
            1.170_313_887_283_944_1e-05,
            0.999_988_296_861_127_1,
        ),
        (
            17.0,
            1.0,
            0.9,
            0.166_771_816_996_665_77,
            0.833_228_183_003_334_2,
        ),
        (
            100.0,
            100.0,
            0.45,
            0.078_387_932_712_220_53,
            0.921_612_067_287_779_4,
        ),
        (
            100.0,
            100.0,
            0.6,
            0.997_839_905_061_944_9,
            0.002_160_094_938_055_148_7,
        ),
        (1.0, 3.0, 1e-10, 2.999_999_999_7e-10, 0.999_999_999_7),
        (
            30.0,
            0.5,
            0.999,
            0.807_237_306_159_537,
            0.192_762_693_840_462_96,
        ),
        (
            5e5,
            0.5,
            0.99999,
            0.001_565_364_006_598_188_9,
            0.998_434_635_993_401_8,
        ),
        (
            1000.0,
            2000.0,
            0.3,
            4.073_827_916_050_771_4e-05,
            0.999_959_261_720_839_5,
        ),
    ] {
        let (gi, gj) = ibeta(a, b, x, 1.0 - x);
        // The side formed as a complement of a value near 1 (only with a tiny shape)
        // has an absolute error of an ulp of 1.
        let tol = if a.min(b) < 1e-3 { 2e-10 } else { 2e-13 };
        close(gi, i, tol, &format!("I_{x}({a}, {b})"));
        close(gj, j, tol, &format!("1 - I_{x}({a}, {b})"));
    }
    assert_eq!(ibeta(2.0, 3.0, 0.0, 1.0), (0.0, 1.0));
    assert_eq!(ibeta(2.0, 3.0, 1.0, 0.0), (1.0, 0.0));
}

#[test]
fn gamma_quantiles() {
    for &(a, p, x) in &[
        (0.1, 0.5, 0.000_593_391_104_460_226_1),
        (0.1, 0.9, 0.266_154_553_738_837_84),
        (1e-05, 0.99999, 0.264_737_344_924_198_3),
        (0.5, 1e-05, 7.853_981_634_385_718e-11),
        (3.0, 0.3, 1.913_775_794_127_062_6),
        (100.0, 0.99999, 148.498_376_889_853_26),
        (17.0, 1e-10, 2.078_210_520_487_188),
        (2.5, 0.999_999_999_999, 32.619_341_261_291_765),
    ] {
        close(
            gamma_p_inv(a, p, 1.0 - p),
            x,
            1e-12,
            &format!("P⁻¹({a}, {p})"),
        );
    }
    // Quantiles below the smallest double round to 0.
    assert_eq!(gamma_p_inv(1e-5, 0.5, 0.5), 0.0);
}

#[test]
fn beta_quantiles() {
    for &(a, b, p, x) in &[
        (0.5, 0.5, 0.3, 0.206_107_373_853_763_43),
        (2.5, 1e-05, 1e-05, 0.877_475_005_216_063_6),
        (17.0, 100.0, 0.5, 0.143_275_494_616_463_24),
        (0.1, 17.0, 0.1, 3.668_963_386_633_807e-12),
        (1e-05, 1e-05, 0.500_001, 0.549_834_685_220_610_2),
        (100.0, 0.5, 0.99999, 0.999_999_999_999_212_6),
        (1.0, 1.0, 0.25, 0.25),
        (30.0, 40.0, 1e-10, 0.122_345_423_445_021_6),
    ] {
        let (gx, gy) = ibeta_inv(a, b, p, 1.0 - p);
        // With a shape of 1e-5 the tail near 1 is formed as 1 - I (see `ibeta`).
        close(
            gx,
            x,
            if a.min(b) < 1e-3 { 1e-10 } else { 1e-13 },
            &format!("I⁻¹({a}, {b}, {p})"),
        );
        close(gx + gy, 1.0, 1e-15, "x + y");
    }
}

#[test]
fn saddle_point_densities() {
    for &(x, lambda, want) in &[
        (0.0, 3.0, 0.049_787_068_367_863_944),
        (5.0, 3.0, 0.100_818_813_444_924_48),
        (1e-05, 2.0, 0.135_337_002_485_557_16),
        (100.0, 100.0, 0.039_860_996_809_147_134),
        (1000.0, 10.0, 0.0),
        (2.5, 0.001, 9.505_818_046_940_783e-09),
    ] {
        close(
            density::poisson(x, lambda),
            want,
            4e-15,
            &format!("pois({x}; {lambda})"),
        );
    }
    assert_eq!(density::poisson(0.0, 0.0), 1.0);
    assert_eq!(density::poisson(1.0, 0.0), 0.0);
    for &(x, n, p, want) in &[
        (0.0, 17.0, 0.99999, 9.999_999_999_226_326e-86),
        (3.0, 10.0, 0.3, 0.266_827_932),
        (50.0, 100.0, 0.5, 0.079_589_237_387_178_77),
        (17.0, 17.0, 0.9, 0.166_771_816_996_665_77),
        (1.5, 4.0, 0.25, 0.330_797_337_253_075_25),
        (1000.0, 100_000.0, 0.01, 0.012_678_161_323_544_589),
    ] {
        close(
            density::binomial(x, n, p, 1.0 - p),
            want,
            // 1 - 0.99999 carries the rounding of 0.99999 into the 17th power.
            if p > 0.5 { 2e-11 } else { 2e-15 },
            &format!("binom({x}; {n}, {p})"),
        );
    }
}

#[test]
fn n_choose_k_values_and_errors() {
    for &(n, k, want) in &[
        (10, 5, 252),
        (10, 1, 10),
        (10, 9, 10),
        (5, 4, 5),
        (33, 16, 1_166_803_110),
        (2_000_000_000, 1, 2_000_000_000),
        (2_000_000_000, 1_999_999_999, 2_000_000_000),
    ] {
        ok(n_choose_k, &[I(n), I(k)], I(want));
    }
    // Outside 0 < k < n, and results beyond the int range (C(34, 17) = 2333606220).
    for &(n, k) in &[
        (0, 5),
        (10, -1),
        (10, 0),
        (10, 10),
        (10, 11),
        (-3, 1),
        (1, 1),
        (34, 17),
    ] {
        err(n_choose_k, &[I(n), I(k)], CHOOSE_DOMAIN);
    }
}

#[test]
fn ln_beta_native() {
    near(ln_beta, &[D(0.5), D(0.5)], std::f64::consts::PI.ln(), 1e-15);
    near(ln_beta, &[D(1.0), D(3.0)], -(3f64.ln()), 1e-15);
    ok(ln_beta, &[D(1.0), D(INF)], D(NAN));
    ok(ln_beta, &[D(NAN), D(1.0)], D(NAN));
    for &(a, b) in &[(0.0, 1.0), (1.0, 0.0), (-1e-5, 2.0), (2.0, -INF)] {
        err(ln_beta, &[D(a), D(b)], BETA_DOMAIN);
    }
}

#[test]
fn erf_and_ln_gamma_natives() {
    near(erf, &[D(0.5)], 0.520_499_877_813_046_5, 1e-16);
    ok(erf, &[D(-INF)], D(-1.0));
    near(erfc, &[D(10.0)], 2.088_487_583_762_545e-45, 1e-16);
    ok(erfc, &[D(NAN)], D(NAN));
    near(ln_gamma, &[D(0.5)], 0.572_364_942_924_700_1, 1e-16);
    near(ln_gamma, &[D(100.0)], 359.134_205_369_575_4, 1e-15);
    // Γ(-1.5) = 4√π/3 > 0; Γ(-0.5) < 0; poles and infinities give NaN.
    near(ln_gamma, &[D(-1.5)], 0.860_047_015_376_481, 1e-15);
    for x in [-0.5, 0.0, -1.0, -17.0, INF, -INF, NAN] {
        ok(ln_gamma, &[D(x)], D(NAN));
    }
}
