//! Table tests of la.*: one line per case, every error code, and accuracy checks of the
//! decompositions against identities they must satisfy.

use super::*;
use crate::library::testing::run_typed;
use crate::types::TypeTable;

const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

fn v(xs: &[f64]) -> Value {
    Value::array(xs.iter().map(|x| Value::Double(*x)).collect())
}

fn m(rows: &[&[f64]]) -> Value {
    Value::array(rows.iter().map(|r| v(r)).collect())
}

fn mv(entries: &[(&str, f64)]) -> Value {
    Value::Map(Arc::new(
        entries
            .iter()
            .map(|(k, x)| (Arc::from(*k), Value::Double(*x)))
            .collect(),
    ))
}

fn mm(rows: &[(&str, &[(&str, f64)])]) -> Value {
    Value::Map(Arc::new(
        rows.iter().map(|(k, r)| (Arc::from(*k), mv(r))).collect(),
    ))
}

fn d(x: f64) -> Value {
    Value::Double(x)
}

fn call(f: NativeFn, args: &[Value]) -> Ret {
    run_typed(f, TypeTable::new(), &[], args)
}

/// Numbers agree to `tol` relative (absolute near zero); NaN matches NaN.
fn close(a: &Value, b: &Value, tol: f64) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => {
            (x.is_nan() && y.is_nan()) || x == y || (x - y).abs() <= tol * x.abs().max(1.0)
        }
        (Value::Boolean(x), Value::Boolean(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| close(p, q, tol))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k, p), (j, q))| k == j && close(p, q, tol))
        }
        _ => false,
    }
}

#[track_caller]
fn ok(f: NativeFn, args: &[Value], want: Value) {
    match call(f, args) {
        Ok(got) => assert!(
            close(&got, &want, 1e-12),
            "{args:?}: got {got:?}, want {want:?}"
        ),
        Err(e) => panic!("{args:?}: got error {e}, want {want:?}"),
    }
}

#[track_caller]
fn err(f: NativeFn, args: &[Value], want: ErrCode) {
    match call(f, args) {
        Err(PfaError::Runtime(e)) => assert_eq!((e.code, e.message.as_str()), want, "{args:?}"),
        other => panic!("{args:?}: got {other:?}, want error {want:?}"),
    }
}

#[test]
fn elementwise() {
    ok(scale_av, &[v(&[1.0, -2.0]), d(3.0)], v(&[3.0, -6.0]));
    ok(
        scale_am,
        &[m(&[&[1.0], &[2.0, 3.0]]), d(2.0)],
        m(&[&[2.0], &[4.0, 6.0]]),
    );
    ok(scale_mv, &[mv(&[("a", 1.5)]), d(-2.0)], mv(&[("a", -3.0)]));
    ok(
        scale_mm,
        &[mm(&[("a", &[("b", 1.0)]), ("c", &[])]), d(2.0)],
        mm(&[("a", &[("b", 2.0)]), ("c", &[])]),
    );
    ok(
        add_av,
        &[v(&[1.0, 2.0]), v(&[10.0, 20.0])],
        v(&[11.0, 22.0]),
    );
    ok(add_av, &[v(&[]), v(&[])], v(&[]));
    err(add_av, &[v(&[1.0]), v(&[1.0, 2.0])], ADD_MISALIGNED);
    ok(
        add_am,
        &[m(&[&[1.0, 2.0], &[3.0]]), m(&[&[1.0, 1.0], &[1.0]])],
        m(&[&[2.0, 3.0], &[4.0]]),
    );
    err(add_am, &[m(&[&[1.0, 2.0]]), m(&[&[1.0]])], ADD_MISALIGNED);
    err(
        add_am,
        &[m(&[&[1.0]]), m(&[&[1.0], &[1.0]])],
        ADD_MISALIGNED,
    );
    ok(
        add_mv,
        &[mv(&[("a", 1.0)]), mv(&[("b", 2.0)])],
        mv(&[("a", 1.0), ("b", 2.0)]),
    );
    // Sparse matrices are filled in over all row and column keys.
    ok(
        add_mm,
        &[mm(&[("r", &[("a", 1.0)])]), mm(&[("s", &[("b", 2.0)])])],
        mm(&[
            ("r", &[("a", 1.0), ("b", 0.0)]),
            ("s", &[("a", 0.0), ("b", 2.0)]),
        ]),
    );
    ok(add_mm, &[mm(&[]), mm(&[("one", &[])])], mm(&[("one", &[])]));
    ok(
        sub_av,
        &[v(&[1.0, 2.0]), v(&[10.0, 20.0])],
        v(&[-9.0, -18.0]),
    );
    err(sub_av, &[v(&[]), v(&[0.0])], SUB_MISALIGNED);
    ok(sub_am, &[m(&[&[5.0]]), m(&[&[2.0]])], m(&[&[3.0]]));
    err(sub_am, &[m(&[&[5.0]]), m(&[])], SUB_MISALIGNED);
    ok(
        sub_mv,
        &[mv(&[("a", 1.0)]), mv(&[("a", 3.0), ("b", 2.0)])],
        mv(&[("a", -2.0), ("b", -2.0)]),
    );
    ok(
        sub_mm,
        &[mm(&[("r", &[("a", 1.0)])]), mm(&[("r", &[("a", 4.0)])])],
        mm(&[("r", &[("a", -3.0)])]),
    );
    // The misalignment check runs before any call of the function argument.
    err(
        zipmap_array,
        &[m(&[&[1.0, 2.0]]), m(&[&[1.0]]), Value::Null],
        ZIPMAP_MISALIGNED,
    );
}

#[test]
fn products() {
    let a = m(&[&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]]);
    ok(dot_av, &[a.clone(), v(&[1.0, 0.0, -1.0])], v(&[-2.0, -2.0]));
    ok(
        dot_am,
        &[a.clone(), m(&[&[1.0], &[1.0], &[1.0]])],
        m(&[&[6.0], &[15.0]]),
    );
    err(dot_av, &[a.clone(), v(&[1.0, 2.0])], DOT_MISALIGNED);
    err(
        dot_av,
        &[m(&[&[1.0, 2.0], &[3.0]]), v(&[1.0, 2.0])],
        DOT_MISALIGNED,
    );
    err(dot_am, &[a.clone(), a.clone()], DOT_MISALIGNED);
    err(dot_av, &[a.clone(), v(&[])], DOT_TOO_FEW);
    err(dot_av, &[m(&[&[], &[]]), v(&[1.0])], DOT_TOO_FEW);
    err(dot_am, &[m(&[]), a.clone()], DOT_TOO_FEW);
    // Non-finite values are reported before misalignment.
    err(dot_av, &[a.clone(), v(&[INF])], DOT_NON_FINITE);
    err(dot_am, &[m(&[&[NAN]]), a.clone()], DOT_NON_FINITE);
    let x = mm(&[("r", &[("a", 2.0), ("b", 3.0)]), ("s", &[])]);
    ok(
        dot_mv,
        &[x.clone(), mv(&[("a", 1.0), ("c", 5.0)])],
        mv(&[("r", 2.0), ("s", 0.0)]),
    );
    ok(
        dot_mm,
        &[x.clone(), mm(&[("a", &[("z", 1.0)]), ("b", &[("z", 2.0)])])],
        mm(&[("r", &[("z", 8.0)]), ("s", &[("z", 0.0)])]),
    );
    err(dot_mv, &[mm(&[]), mv(&[("a", 1.0)])], DOT_TOO_FEW);
    err(dot_mv, &[mm(&[("r", &[])]), mv(&[])], DOT_TOO_FEW);
    err(dot_mm, &[x.clone(), mm(&[("a", &[])])], DOT_TOO_FEW);
    err(dot_mv, &[x.clone(), mv(&[("q", NAN)])], DOT_NON_FINITE);
    err(dot_mm, &[mm(&[("r", &[("a", -INF)])]), x], DOT_NON_FINITE);
}

#[test]
fn transpose_trace_truncate() {
    ok(
        transpose_array,
        &[m(&[&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]])],
        m(&[&[1.0, 4.0], &[2.0, 5.0], &[3.0, 6.0]]),
    );
    err(transpose_array, &[m(&[])], TRANSPOSE_TOO_FEW);
    err(transpose_array, &[m(&[&[], &[]])], TRANSPOSE_TOO_FEW);
    err(
        transpose_array,
        &[m(&[&[1.0], &[1.0, 2.0]])],
        TRANSPOSE_RAGGED,
    );
    ok(
        transpose_map,
        &[mm(&[("r", &[("a", 1.0), ("b", 2.0)])])],
        mm(&[("a", &[("r", 1.0)]), ("b", &[("r", 2.0)])]),
    );
    err(transpose_map, &[mm(&[("r", &[])])], TRANSPOSE_TOO_FEW);
    err(
        transpose_map,
        &[mm(&[("r", &[("a", 1.0)]), ("s", &[("b", 1.0)])])],
        TRANSPOSE_RAGGED,
    );

    ok(
        trace_array,
        &[m(&[&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]])],
        d(6.0),
    );
    ok(trace_array, &[m(&[])], d(0.0));
    ok(trace_array, &[m(&[&[]])], d(0.0));
    err(trace_array, &[m(&[&[1.0], &[1.0, 2.0]])], TRACE_RAGGED);
    err(trace_array, &[m(&[&[], &[1.0]])], TRACE_RAGGED);
    ok(
        trace_map,
        &[mm(&[
            ("a", &[("a", 2.0), ("b", 7.0)]),
            ("b", &[("a", 1.0)]),
        ])],
        d(2.0),
    );

    let x = m(&[&[1.0, 2.0], &[3.0, 4.0], &[5.0, 6.0]]);
    ok(
        truncate_array,
        &[x.clone(), Value::Int(2)],
        m(&[&[1.0, 2.0], &[3.0, 4.0]]),
    );
    ok(truncate_array, &[x.clone(), Value::Int(9)], x.clone());
    ok(truncate_array, &[x, Value::Int(-1)], m(&[]));
    err(
        truncate_array,
        &[m(&[&[]]), Value::Int(1)],
        TRUNCATE_TOO_FEW,
    );
    err(
        truncate_array,
        &[m(&[&[1.0], &[]]), Value::Int(1)],
        TRUNCATE_RAGGED,
    );
    let keep = Value::array(vec![Value::str("b"), Value::str("zz")]);
    ok(
        truncate_map,
        &[
            mm(&[("a", &[("x", 1.0)]), ("b", &[("x", 2.0)])]),
            keep.clone(),
        ],
        mm(&[("b", &[("x", 2.0)])]),
    );
    err(truncate_map, &[mm(&[("a", &[])]), keep], TRUNCATE_TOO_FEW);
}

#[test]
fn determinants_and_inverses() {
    ok(det_array, &[m(&[&[2.0, 1.0], &[7.0, 4.0]])], d(1.0));
    ok(
        det_array,
        &[m(&[&[0.0, 1.0, 2.0], &[3.0, 4.0, 5.0], &[6.0, 7.0, 9.0]])],
        d(-3.0),
    );
    ok(det_array, &[m(&[&[1.0, INF], &[0.0, 1.0]])], d(NAN));
    err(det_array, &[m(&[])], DET_TOO_FEW);
    err(det_array, &[m(&[&[], &[]])], DET_TOO_FEW);
    err(det_array, &[m(&[&[1.0, 2.0], &[1.0]])], DET_RAGGED);
    err(
        det_array,
        &[m(&[&[1.0, 2.0], &[1.0, 2.0], &[1.0, 2.0]])],
        DET_NON_SQUARE,
    );
    // Map matrices are square over all keys; a missing entry is zero.
    ok(
        det_map,
        &[mm(&[
            ("a", &[("a", 2.0), ("b", 1.0)]),
            ("b", &[("a", 7.0), ("b", 4.0)]),
        ])],
        d(1.0),
    );
    ok(det_map, &[mm(&[("a", &[("b", 1.0)])])], d(0.0));
    ok(det_map, &[mm(&[("a", &[("a", NAN)])])], d(NAN));
    err(det_map, &[mm(&[("a", &[]), ("b", &[])])], DET_TOO_FEW);

    ok(
        inverse_array,
        &[m(&[&[2.0, 1.0], &[7.0, 4.0]])],
        m(&[&[4.0, -1.0], &[-7.0, 2.0]]),
    );
    // Not square: the Moore-Penrose pseudoinverse; singular: likewise.
    ok(inverse_array, &[m(&[&[1.0, 2.0]])], m(&[&[0.2], &[0.4]]));
    ok(
        inverse_array,
        &[m(&[&[1.0, 2.0], &[2.0, 4.0]])],
        m(&[&[0.04, 0.08], &[0.08, 0.16]]),
    );
    ok(inverse_array, &[m(&[&[NAN, 1.0]])], m(&[&[NAN], &[NAN]]));
    err(inverse_array, &[m(&[])], INVERSE_TOO_FEW);
    err(inverse_array, &[m(&[&[], &[]])], INVERSE_TOO_FEW);
    err(inverse_array, &[m(&[&[1.0, 2.0], &[1.0]])], INVERSE_RAGGED);
    // The inverse's rows are the matrix's columns.
    ok(
        inverse_map,
        &[mm(&[("r", &[("a", 1.0), ("b", 2.0)])])],
        mm(&[("a", &[("r", 0.2)]), ("b", &[("r", 0.4)])]),
    );
    err(inverse_map, &[mm(&[("r", &[])])], INVERSE_TOO_FEW);
    err(inverse_map, &[mm(&[])], INVERSE_TOO_FEW);
}

#[test]
fn symmetry() {
    let t = d(1e-9);
    ok(
        symmetric_array,
        &[m(&[&[1.0, 2.0], &[2.0, 1.0]]), t.clone()],
        Value::Boolean(true),
    );
    ok(
        symmetric_array,
        &[m(&[&[1.0, 2.0], &[2.1, 1.0]]), t.clone()],
        Value::Boolean(false),
    );
    ok(
        symmetric_array,
        &[m(&[&[1.0, 2.0], &[2.1, 1.0]]), d(0.2)],
        Value::Boolean(true),
    );
    ok(
        symmetric_array,
        &[m(&[&[NAN, INF], &[INF, 0.0]]), t.clone()],
        Value::Boolean(true),
    );
    ok(
        symmetric_array,
        &[m(&[&[0.0, INF], &[-INF, 0.0]]), t.clone()],
        Value::Boolean(false),
    );
    err(symmetric_array, &[m(&[]), t.clone()], SYMMETRIC_TOO_FEW);
    err(
        symmetric_array,
        &[m(&[&[1.0], &[1.0, 2.0]]), t.clone()],
        SYMMETRIC_RAGGED,
    );
    err(
        symmetric_array,
        &[m(&[&[1.0, 2.0]]), t.clone()],
        SYMMETRIC_NON_SQUARE,
    );
    ok(
        symmetric_map,
        &[mm(&[("a", &[("b", 0.0)]), ("b", &[])]), t.clone()],
        Value::Boolean(true),
    );
    ok(
        symmetric_map,
        &[mm(&[("a", &[("b", 1.0)])]), t.clone()],
        Value::Boolean(false),
    );
    err(symmetric_map, &[mm(&[("a", &[])]), t], SYMMETRIC_TOO_FEW);
}

#[test]
fn eigenbases() {
    let s = 1.0 / 2.0_f64.sqrt();
    let (a, b) = (s / 3.0_f64.sqrt(), s);
    ok(
        eigen_basis_array,
        &[m(&[&[2.0, 1.0], &[1.0, 2.0]])],
        m(&[&[a, a], &[b, -b]]),
    );
    // Only the upper triangle given: symmetrized first.
    ok(
        eigen_basis_array,
        &[m(&[&[2.0, 2.0], &[0.0, 2.0]])],
        m(&[&[a, a], &[b, -b]]),
    );
    ok(
        eigen_basis_map,
        &[mm(&[
            ("x", &[("x", 2.0), ("y", 1.0)]),
            ("y", &[("x", 1.0), ("y", 2.0)]),
        ])],
        mm(&[("0", &[("x", a), ("y", a)]), ("1", &[("x", b), ("y", -b)])]),
    );
    err(eigen_basis_array, &[m(&[])], EIGEN_TOO_FEW);
    err(
        eigen_basis_array,
        &[m(&[&[1.0, 2.0], &[1.0]])],
        EIGEN_RAGGED,
    );
    err(eigen_basis_array, &[m(&[&[1.0, 2.0]])], EIGEN_NON_SQUARE);
    err(
        eigen_basis_array,
        &[m(&[&[1.0, INF], &[0.0, 1.0]])],
        EIGEN_NON_FINITE,
    );
    err(eigen_basis_map, &[mm(&[("a", &[])])], EIGEN_TOO_FEW);
    err(
        eigen_basis_map,
        &[mm(&[("a", &[("a", NAN)])])],
        EIGEN_NON_FINITE,
    );
}

/// A symmetric positive-definite matrix with a spread of eigenvalues.
fn covariance(n: usize) -> DMatrix<f64> {
    let b = DMatrix::from_fn(n, n, |i, j| ((i * 7 + j * 3) % 11) as f64 / 5.0 - 1.0);
    &b * b.transpose() + DMatrix::identity(n, n) * 0.5
}

fn rows_of(x: &DMatrix<f64>) -> Value {
    to_rows(x)
}

fn matrix(v: &Value) -> DMatrix<f64> {
    let rows = arr(v).unwrap();
    let n = arr(&rows[0]).unwrap().len();
    dense(rows, rows.len(), n).unwrap()
}

#[test]
fn decompositions_are_accurate() {
    for n in [1, 2, 3, 5, 8] {
        let c = covariance(n);
        let eye = DMatrix::<f64>::identity(n, n);
        // inverse(C) C = I
        let inv = matrix(&call(inverse_array, &[rows_of(&c)]).unwrap());
        assert!((&inv * &c - &eye).amax() < 1e-13, "inverse, n = {n}");
        // The eigenbasis whitens C: B C B^T = I.
        let basis = matrix(&call(eigen_basis_array, &[rows_of(&c)]).unwrap());
        assert!(
            (&basis * &c * basis.transpose() - &eye).amax() < 1e-13,
            "eigenbasis, n = {n}"
        );
        // det(C) is the product of the eigenvalues of C.
        let det = match call(det_array, &[rows_of(&c)]).unwrap() {
            Value::Double(x) => x,
            other => panic!("{other:?}"),
        };
        let product: f64 = c.clone().symmetric_eigen().eigenvalues.iter().product();
        assert!(
            (det - product).abs() < 1e-12 * product.abs(),
            "det, n = {n}"
        );
        // Jacobi: V^T C V is diagonal with the eigenvalues, V orthogonal.
        let (values, v) = symmetric_eigen(c.clone());
        let diag = DMatrix::from_diagonal(&DVector::from_vec(values));
        assert!(
            (v.transpose() * &c * &v - diag).amax() < 1e-13,
            "eigen, n = {n}"
        );
        assert!(
            (v.transpose() * &v - &eye).amax() < 1e-14,
            "orthogonal, n = {n}"
        );
        // A pseudoinverse P of a wide matrix A satisfies A P A = A.
        let wide = DMatrix::from_fn(n, n + 2, |i, j| ((i * 5 + j * 2) % 7) as f64 - 3.0);
        let p = matrix(&call(inverse_array, &[rows_of(&wide)]).unwrap());
        assert!(
            (&wide * &p * &wide - &wide).amax() < 1e-12,
            "pseudoinverse, n = {n}"
        );
    }
}

#[test]
fn small_off_diagonals_keep_full_accuracy() {
    // Eigenvector of 0.99999 + 2.5e-11: (5.00005e-6, 1) normalized; the first component
    // divided by sqrt(eigenvalue) is 5.000075000687502e-6 (as LAPACK gives).
    let basis = matrix(&call(eigen_basis_array, &[m(&[&[0.0, 0.0], &[1e-05, 0.99999]])]).unwrap());
    assert!(
        (basis[(0, 0)] / 5.000_075_000_687_502e-6 - 1.0).abs() < 1e-13,
        "{basis}"
    );
    assert!(
        (basis[(0, 1)] / 1.000_005_000_012_499_8 - 1.0).abs() < 1e-14,
        "{basis}"
    );
    // The other eigenvalue is -det / 0.99999... = -2.500025e-11 to about 1e-10.
    let small = 1.0 / (basis[(1, 0)] * basis[(1, 0)] + basis[(1, 1)] * basis[(1, 1)]);
    assert!(
        (small / 2.500_025_000_250_002_5e-11 - 1.0).abs() < 1e-9,
        "{small:e}"
    );
}

#[test]
fn sparse_matrices_are_filled_in_within_bounds() {
    // 5000 rows with one distinct column each would fill in to 25 million elements.
    let rows: Vec<(String, f64)> = (0..5000).map(|i| (format!("k{i}"), 1.0)).collect();
    let x = Value::Map(Arc::new(
        rows.iter()
            .map(|(k, v)| (Arc::from(k.as_str()), mv(&[(k.as_str(), *v)])))
            .collect(),
    ));
    let too_large = (
        0,
        "matrix too large (more than 16777216 elements when filled in)",
    );
    err(det_map, std::slice::from_ref(&x), too_large);
    err(add_mm, &[x.clone(), x], too_large);
}
