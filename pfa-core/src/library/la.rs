//! Linear algebra (spec §10): la.*
//!
//! Matrices come in two representations. An `array<array<double>>` is a dense matrix
//! whose first level is rows; it must be rectangular where the spec says so. A
//! `map<map<double>>` is a sparse matrix: its rows are the outer keys, its columns the
//! union of the inner keys, and a missing entry is zero. Sparse results are filled in
//! over all row and column keys of the inputs.
//!
//! Elementwise functions work on the values directly. Determinants and inverses use
//! `nalgebra`'s LU and SVD decompositions, which are backward stable (as LAPACK's, which
//! the reference implementations call); eigenvectors come from Jacobi rotations (see
//! `symmetric_eigen` for why).

use std::collections::BTreeSet;
use std::sync::Arc;

use nalgebra::{DMatrix, DVector, SVD};

use super::args::{self, any, fail, ErrCode, Ret};
use super::model::{arr, internal, map, num};
use super::{Host, NativeFn, Registry, Spec};
use crate::error::PfaError;
use crate::value::{MapData, Value};

const ZIPMAP_MISALIGNED: ErrCode = (24020, "misaligned matrices");
const ADD_MISALIGNED: ErrCode = (24030, "misaligned matrices");
const SUB_MISALIGNED: ErrCode = (24040, "misaligned matrices");
const DOT_MISALIGNED: ErrCode = (24050, "misaligned matrices");
const DOT_TOO_FEW: ErrCode = (24051, "too few rows/cols");
const DOT_NON_FINITE: ErrCode = (24052, "contains non-finite value");
const TRANSPOSE_TOO_FEW: ErrCode = (24060, "too few rows/cols");
const TRANSPOSE_RAGGED: ErrCode = (24061, "ragged columns");
const INVERSE_TOO_FEW: ErrCode = (24070, "too few rows/cols");
const INVERSE_RAGGED: ErrCode = (24071, "ragged columns");
const TRACE_RAGGED: ErrCode = (24080, "ragged columns");
const DET_TOO_FEW: ErrCode = (24090, "too few rows/cols");
const DET_RAGGED: ErrCode = (24091, "ragged columns");
const DET_NON_SQUARE: ErrCode = (24092, "non-square matrix");
const SYMMETRIC_TOO_FEW: ErrCode = (24100, "too few rows/cols");
const SYMMETRIC_RAGGED: ErrCode = (24101, "ragged columns");
const SYMMETRIC_NON_SQUARE: ErrCode = (24102, "non-square matrix");
const EIGEN_TOO_FEW: ErrCode = (24110, "too few rows/cols");
const EIGEN_RAGGED: ErrCode = (24111, "ragged columns");
const EIGEN_NON_SQUARE: ErrCode = (24112, "non-square matrix");
const EIGEN_NON_FINITE: ErrCode = (24113, "non-finite matrix");
const TRUNCATE_TOO_FEW: ErrCode = (24120, "too few rows/cols");
const TRUNCATE_RAGGED: ErrCode = (24121, "ragged columns");

const AM: &str = "array<array<double>>";
const MM: &str = "map<map<double>>";

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    r.def("la.map")
        .sig(&format!("(x: {AM}, fcn: fcn(double) -> double) -> {AM}"))
        .sig(&format!("(x: {MM}, fcn: fcn(double) -> double) -> {MM}"))
        .specialize(|s| by_sig(s, &[map_array, map_map]));
    r.def("la.scale")
        .sig("(x: array<double>, alpha: double) -> array<double>")
        .sig(&format!("(x: {AM}, alpha: double) -> {AM}"))
        .sig("(x: map<double>, alpha: double) -> map<double>")
        .sig(&format!("(x: {MM}, alpha: double) -> {MM}"))
        .specialize(|s| by_sig(s, &[scale_av, scale_am, scale_mv, scale_mm]));
    r.def("la.zipmap")
        .sig(&format!(
            "(x: {AM}, y: {AM}, fcn: fcn(double, double) -> double) -> {AM}"
        ))
        .sig(&format!(
            "(x: {MM}, y: {MM}, fcn: fcn(double, double) -> double) -> {MM}"
        ))
        .errors(&[ZIPMAP_MISALIGNED])
        .specialize(|s| by_sig(s, &[zipmap_array, zipmap_map]));
    r.def("la.add")
        .sig("(x: array<double>, y: array<double>) -> array<double>")
        .sig(&format!("(x: {AM}, y: {AM}) -> {AM}"))
        .sig("(x: map<double>, y: map<double>) -> map<double>")
        .sig(&format!("(x: {MM}, y: {MM}) -> {MM}"))
        .errors(&[ADD_MISALIGNED])
        .specialize(|s| by_sig(s, &[add_av, add_am, add_mv, add_mm]));
    r.def("la.sub")
        .sig("(x: array<double>, y: array<double>) -> array<double>")
        .sig(&format!("(x: {AM}, y: {AM}) -> {AM}"))
        .sig("(x: map<double>, y: map<double>) -> map<double>")
        .sig(&format!("(x: {MM}, y: {MM}) -> {MM}"))
        .errors(&[SUB_MISALIGNED])
        .specialize(|s| by_sig(s, &[sub_av, sub_am, sub_mv, sub_mm]));
    r.def("la.dot")
        .sig(&format!("(x: {AM}, y: array<double>) -> array<double>"))
        .sig(&format!("(x: {MM}, y: map<double>) -> map<double>"))
        .sig(&format!("(x: {AM}, y: {AM}) -> {AM}"))
        .sig(&format!("(x: {MM}, y: {MM}) -> {MM}"))
        .errors(&[DOT_MISALIGNED, DOT_TOO_FEW, DOT_NON_FINITE])
        .specialize(|s| by_sig(s, &[dot_av, dot_mv, dot_am, dot_mm]));
    r.def("la.transpose")
        .sig(&format!("(x: {AM}) -> {AM}"))
        .sig(&format!("(x: {MM}) -> {MM}"))
        .errors(&[TRANSPOSE_TOO_FEW, TRANSPOSE_RAGGED])
        .specialize(|s| by_sig(s, &[transpose_array, transpose_map]));
    r.def("la.inverse")
        .sig(&format!("(x: {AM}) -> {AM}"))
        .sig(&format!("(x: {MM}) -> {MM}"))
        .errors(&[INVERSE_TOO_FEW, INVERSE_RAGGED])
        .specialize(|s| by_sig(s, &[inverse_array, inverse_map]));
    r.def("la.trace")
        .sig(&format!("(x: {AM}) -> double"))
        .sig(&format!("(x: {MM}) -> double"))
        .errors(&[TRACE_RAGGED])
        .specialize(|s| by_sig(s, &[trace_array, trace_map]));
    r.def("la.det")
        .sig(&format!("(x: {AM}) -> double"))
        .sig(&format!("(x: {MM}) -> double"))
        .errors(&[DET_TOO_FEW, DET_RAGGED, DET_NON_SQUARE])
        .specialize(|s| by_sig(s, &[det_array, det_map]));
    r.def("la.symmetric")
        .sig(&format!("(x: {AM}, tolerance: double) -> boolean"))
        .sig(&format!("(x: {MM}, tolerance: double) -> boolean"))
        .errors(&[SYMMETRIC_TOO_FEW, SYMMETRIC_RAGGED, SYMMETRIC_NON_SQUARE])
        .specialize(|s| by_sig(s, &[symmetric_array, symmetric_map]));
    r.def("la.eigenBasis")
        .sig(&format!("(x: {AM}) -> {AM}"))
        .sig(&format!("(x: {MM}) -> {MM}"))
        .errors(&[
            EIGEN_TOO_FEW,
            EIGEN_RAGGED,
            EIGEN_NON_SQUARE,
            EIGEN_NON_FINITE,
        ])
        .specialize(|s| by_sig(s, &[eigen_basis_array, eigen_basis_map]));
    r.def("la.truncate")
        .sig(&format!("(x: {AM}, keep: int) -> {AM}"))
        .sig(&format!("(x: {MM}, keep: array<string>) -> {MM}"))
        .errors(&[TRUNCATE_TOO_FEW, TRUNCATE_RAGGED])
        .specialize(|s| by_sig(s, &[truncate_array, truncate_map]));
}

/// The native for the matched signature, by its index.
pub(crate) fn by_sig(s: &Spec<'_>, natives: &[NativeFn]) -> Result<NativeFn, String> {
    natives
        .get(s.sig)
        .copied()
        .ok_or_else(|| format!("no native for signature {}", s.sig))
}

// ---------------------------------------------------------------------------------------
// Reading and writing matrices

/// How the rows of a dense matrix line up.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    /// No rows, or a first row without columns.
    Empty,
    /// Rows of different lengths.
    Ragged,
    /// A proper `rows` x `cols` matrix (both at least 1).
    Rect(usize, usize),
}

/// The shape of an array of rows.
fn shape(rows: &[Value]) -> Result<Shape, PfaError> {
    let Some(first) = rows.first() else {
        return Ok(Shape::Empty);
    };
    let cols = arr(first)?.len();
    if cols == 0 {
        return Ok(Shape::Empty);
    }
    for row in rows {
        if arr(row)?.len() != cols {
            return Ok(Shape::Ragged);
        }
    }
    Ok(Shape::Rect(rows.len(), cols))
}

/// A rectangular array matrix as an `nalgebra` matrix.
fn dense(rows: &[Value], nrows: usize, ncols: usize) -> Result<DMatrix<f64>, PfaError> {
    let mut m = DMatrix::zeros(nrows, ncols);
    for (i, row) in rows.iter().enumerate() {
        for (j, x) in arr(row)?.iter().enumerate() {
            if let Some(slot) = m.get_mut((i, j)) {
                *slot = num(x)?;
            }
        }
    }
    Ok(m)
}

/// A matrix as an array of row arrays.
fn to_rows(m: &DMatrix<f64>) -> Value {
    Value::array(
        (0..m.nrows())
            .map(|i| Value::array(m.row(i).iter().map(|x| Value::Double(*x)).collect()))
            .collect(),
    )
}

/// The sorted union of the inner keys of a map matrix.
fn col_keys(x: &MapData) -> Result<BTreeSet<&Arc<str>>, PfaError> {
    let mut keys = BTreeSet::new();
    for row in x.values() {
        keys.extend(map(row)?.keys());
    }
    Ok(keys)
}

/// Entry `(i, j)` of a map matrix, zero where missing.
fn entry(x: &MapData, i: &str, j: &str) -> Result<f64, PfaError> {
    match x.get(i) {
        Some(row) => map(row)?.get(j).map_or(Ok(0.0), num),
        None => Ok(0.0),
    }
}

/// The map matrix `x` over the given row and column keys, as an `nalgebra` matrix.
fn dense_map(
    x: &MapData,
    rows: &[&Arc<str>],
    cols: &[&Arc<str>],
) -> Result<DMatrix<f64>, PfaError> {
    filled_size(rows.len(), cols.len())?;
    let mut m = DMatrix::zeros(rows.len(), cols.len());
    for (i, r) in rows.iter().enumerate() {
        if let Some(row) = x.get(&***r) {
            let row = map(row)?;
            for (j, c) in cols.iter().enumerate() {
                if let (Some(v), Some(slot)) = (row.get(&***c), m.get_mut((i, j))) {
                    *slot = num(v)?;
                }
            }
        }
    }
    Ok(m)
}

/// The most elements a sparse (map) matrix may be filled in to: a few entries with
/// distinct keys would otherwise ask for the square of their number.
pub(crate) const MAX_FILLED: usize = 1 << 24;

/// Refuses to fill in a `rows` x `cols` matrix beyond [`MAX_FILLED`] elements.
pub(crate) fn filled_size(rows: usize, cols: usize) -> Result<(), PfaError> {
    match rows.checked_mul(cols) {
        Some(n) if n <= MAX_FILLED => Ok(()),
        _ => Err(PfaError::runtime(
            0,
            format!("matrix too large (more than {MAX_FILLED} elements when filled in)"),
        )),
    }
}

/// A matrix as a map of row maps keyed by `rows` and `cols`.
fn to_map(m: &DMatrix<f64>, rows: &[&Arc<str>], cols: &[&Arc<str>]) -> Value {
    let out: MapData = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let row: MapData = cols
                .iter()
                .enumerate()
                .map(|(j, c)| (Arc::clone(c), Value::Double(m[(i, j)])))
                .collect();
            (Arc::clone(r), Value::Map(Arc::new(row)))
        })
        .collect();
    Value::Map(Arc::new(out))
}

/// Whether every element of an array matrix is finite.
fn finite_rows(rows: &[Value]) -> Result<bool, PfaError> {
    for row in rows {
        for x in arr(row)? {
            if !num(x)?.is_finite() {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Whether every element of a map matrix is finite.
fn finite_map(x: &MapData) -> Result<bool, PfaError> {
    for row in x.values() {
        for v in map(row)?.values() {
            if !num(v)?.is_finite() {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Whether every element of a vector (array or map values) is finite.
fn finite_all<'a>(xs: impl IntoIterator<Item = &'a Value>) -> Result<bool, PfaError> {
    for x in xs {
        if !num(x)?.is_finite() {
            return Ok(false);
        }
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------------
// §10.1-10.5 Elementwise operations

/// Applies `f` to every element of an array matrix.
fn map_rows(rows: &[Value], mut f: impl FnMut(f64) -> Result<f64, PfaError>) -> Ret {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let row = arr(row)?;
        let mut new = Vec::with_capacity(row.len());
        for x in row {
            new.push(Value::Double(f(num(x)?)?));
        }
        out.push(Value::array(new));
    }
    Ok(Value::array(out))
}

/// Applies `f` to every element of a map matrix.
fn map_entries(x: &MapData, mut f: impl FnMut(f64) -> Result<f64, PfaError>) -> Ret {
    let mut out = MapData::new();
    for (k, row) in x {
        let mut new = MapData::new();
        for (j, v) in map(row)? {
            new.insert(Arc::clone(j), Value::Double(f(num(v)?)?));
        }
        out.insert(Arc::clone(k), Value::Map(Arc::new(new)));
    }
    Ok(Value::Map(Arc::new(out)))
}

fn map_array(host: &mut dyn Host, a: &[Value]) -> Ret {
    map_rows(arr(any(a, 0)?)?, |x| {
        num(&host.call_fcn(1, &[Value::Double(x)])?)
    })
}

fn map_map(host: &mut dyn Host, a: &[Value]) -> Ret {
    map_entries(map(any(a, 0)?)?, |x| {
        num(&host.call_fcn(1, &[Value::Double(x)])?)
    })
}

fn scale_av(_: &mut dyn Host, a: &[Value]) -> Ret {
    let alpha = args::double(a, 1)?;
    let x = arr(any(a, 0)?)?;
    let mut out = Vec::with_capacity(x.len());
    for v in x {
        out.push(Value::Double(num(v)? * alpha));
    }
    Ok(Value::array(out))
}

fn scale_am(_: &mut dyn Host, a: &[Value]) -> Ret {
    let alpha = args::double(a, 1)?;
    map_rows(arr(any(a, 0)?)?, |x| Ok(x * alpha))
}

fn scale_mv(_: &mut dyn Host, a: &[Value]) -> Ret {
    let alpha = args::double(a, 1)?;
    let mut out = MapData::new();
    for (k, v) in map(any(a, 0)?)? {
        out.insert(Arc::clone(k), Value::Double(num(v)? * alpha));
    }
    Ok(Value::Map(Arc::new(out)))
}

fn scale_mm(_: &mut dyn Host, a: &[Value]) -> Ret {
    let alpha = args::double(a, 1)?;
    map_entries(map(any(a, 0)?)?, |x| Ok(x * alpha))
}

/// Combines two array vectors of equal length elementwise.
fn zip_vectors(a: &[Value], misaligned: ErrCode, f: fn(f64, f64) -> f64) -> Ret {
    let (x, y) = (arr(any(a, 0)?)?, arr(any(a, 1)?)?);
    if x.len() != y.len() {
        return Err(fail(misaligned));
    }
    let mut out = Vec::with_capacity(x.len());
    for (p, q) in x.iter().zip(y) {
        out.push(Value::Double(f(num(p)?, num(q)?)));
    }
    Ok(Value::array(out))
}

/// Combines two array matrices of the same shape elementwise.
fn zip_rows(
    a: &[Value],
    misaligned: ErrCode,
    mut f: impl FnMut(f64, f64) -> Result<f64, PfaError>,
) -> Ret {
    let (x, y) = (arr(any(a, 0)?)?, arr(any(a, 1)?)?);
    if x.len() != y.len() {
        return Err(fail(misaligned));
    }
    for (p, q) in x.iter().zip(y) {
        if arr(p)?.len() != arr(q)?.len() {
            return Err(fail(misaligned));
        }
    }
    let mut out = Vec::with_capacity(x.len());
    for (p, q) in x.iter().zip(y) {
        let (p, q) = (arr(p)?, arr(q)?);
        let mut row = Vec::with_capacity(p.len());
        for (u, v) in p.iter().zip(q) {
            row.push(Value::Double(f(num(u)?, num(v)?)?));
        }
        out.push(Value::array(row));
    }
    Ok(Value::array(out))
}

/// Combines two map vectors over the union of their keys (missing entries are zero).
fn zip_map_vectors(a: &[Value], f: fn(f64, f64) -> f64) -> Ret {
    let (x, y) = (map(any(a, 0)?)?, map(any(a, 1)?)?);
    let mut out = MapData::new();
    for k in x.keys().chain(y.keys()) {
        if out.contains_key(k) {
            continue;
        }
        let p = x.get(k).map_or(Ok(0.0), num)?;
        let q = y.get(k).map_or(Ok(0.0), num)?;
        out.insert(Arc::clone(k), Value::Double(f(p, q)));
    }
    Ok(Value::Map(Arc::new(out)))
}

/// Combines two map matrices over the union of their row keys and of their column keys
/// (missing entries are zero).
fn zip_map_matrices(a: &[Value], mut f: impl FnMut(f64, f64) -> Result<f64, PfaError>) -> Ret {
    let (x, y) = (map(any(a, 0)?)?, map(any(a, 1)?)?);
    let rows: BTreeSet<&Arc<str>> = x.keys().chain(y.keys()).collect();
    let mut cols = col_keys(x)?;
    cols.extend(col_keys(y)?);
    filled_size(rows.len(), cols.len())?;
    let mut out = MapData::new();
    for r in rows {
        let mut row = MapData::new();
        for c in &cols {
            let v = f(entry(x, r, c)?, entry(y, r, c)?)?;
            row.insert(Arc::clone(c), Value::Double(v));
        }
        out.insert(Arc::clone(r), Value::Map(Arc::new(row)));
    }
    Ok(Value::Map(Arc::new(out)))
}

fn zipmap_array(host: &mut dyn Host, a: &[Value]) -> Ret {
    zip_rows(a, ZIPMAP_MISALIGNED, |p, q| {
        num(&host.call_fcn(2, &[Value::Double(p), Value::Double(q)])?)
    })
}

fn zipmap_map(host: &mut dyn Host, a: &[Value]) -> Ret {
    zip_map_matrices(a, |p, q| {
        num(&host.call_fcn(2, &[Value::Double(p), Value::Double(q)])?)
    })
}

fn add_av(_: &mut dyn Host, a: &[Value]) -> Ret {
    zip_vectors(a, ADD_MISALIGNED, |p, q| p + q)
}

fn add_am(_: &mut dyn Host, a: &[Value]) -> Ret {
    zip_rows(a, ADD_MISALIGNED, |p, q| Ok(p + q))
}

fn add_mv(_: &mut dyn Host, a: &[Value]) -> Ret {
    zip_map_vectors(a, |p, q| p + q)
}

fn add_mm(_: &mut dyn Host, a: &[Value]) -> Ret {
    zip_map_matrices(a, |p, q| Ok(p + q))
}

fn sub_av(_: &mut dyn Host, a: &[Value]) -> Ret {
    zip_vectors(a, SUB_MISALIGNED, |p, q| p - q)
}

fn sub_am(_: &mut dyn Host, a: &[Value]) -> Ret {
    zip_rows(a, SUB_MISALIGNED, |p, q| Ok(p - q))
}

fn sub_mv(_: &mut dyn Host, a: &[Value]) -> Ret {
    zip_map_vectors(a, |p, q| p - q)
}

fn sub_mm(_: &mut dyn Host, a: &[Value]) -> Ret {
    zip_map_matrices(a, |p, q| Ok(p - q))
}

// ---------------------------------------------------------------------------------------
// §10.6 Matrix products. Checks run in the order: too few rows/columns, non-finite
// values, then misalignment (a non-finite value is reported even if the shapes differ).

/// The dimensions of a dense operand of `la.dot`: rows and columns, with a ragged
/// matrix reported as misaligned.
fn dot_shape(rows: &[Value]) -> Result<(usize, usize), PfaError> {
    match shape(rows)? {
        Shape::Empty => Err(fail(DOT_TOO_FEW)),
        Shape::Ragged => Err(fail(DOT_MISALIGNED)),
        Shape::Rect(r, c) => Ok((r, c)),
    }
}

fn dot_av(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (arr(any(a, 0)?)?, arr(any(a, 1)?)?);
    if y.is_empty() || matches!(shape(x)?, Shape::Empty) {
        return Err(fail(DOT_TOO_FEW));
    }
    if !finite_rows(x)? || !finite_all(y.iter())? {
        return Err(fail(DOT_NON_FINITE));
    }
    let (_, cols) = dot_shape(x)?;
    if cols != y.len() {
        return Err(fail(DOT_MISALIGNED));
    }
    let mut out = Vec::with_capacity(x.len());
    for row in x {
        let mut sum = 0.0;
        for (p, q) in arr(row)?.iter().zip(y) {
            sum += num(p)? * num(q)?;
        }
        out.push(Value::Double(sum));
    }
    Ok(Value::array(out))
}

fn dot_am(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (arr(any(a, 0)?)?, arr(any(a, 1)?)?);
    if matches!(shape(x)?, Shape::Empty) || matches!(shape(y)?, Shape::Empty) {
        return Err(fail(DOT_TOO_FEW));
    }
    if !finite_rows(x)? || !finite_rows(y)? {
        return Err(fail(DOT_NON_FINITE));
    }
    let (xr, xc) = dot_shape(x)?;
    let (yr, yc) = dot_shape(y)?;
    if xc != yr {
        return Err(fail(DOT_MISALIGNED));
    }
    let product = dense(x, xr, xc)? * dense(y, yr, yc)?;
    Ok(to_rows(&product))
}

fn dot_mv(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (map(any(a, 0)?)?, map(any(a, 1)?)?);
    let mut inner = col_keys(x)?;
    inner.extend(y.keys());
    if x.is_empty() || inner.is_empty() {
        return Err(fail(DOT_TOO_FEW));
    }
    if !finite_map(x)? || !finite_all(y.values())? {
        return Err(fail(DOT_NON_FINITE));
    }
    let mut out = MapData::new();
    for (k, row) in x {
        let mut sum = 0.0;
        // Only entries present in both contribute; the rest are products with zero.
        for (j, p) in map(row)? {
            if let Some(q) = y.get(j) {
                sum += num(p)? * num(q)?;
            }
        }
        out.insert(Arc::clone(k), Value::Double(sum));
    }
    Ok(Value::Map(Arc::new(out)))
}

fn dot_mm(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (map(any(a, 0)?)?, map(any(a, 1)?)?);
    let rows: Vec<&Arc<str>> = x.keys().collect();
    let mut inner = col_keys(x)?;
    inner.extend(y.keys());
    let inner: Vec<&Arc<str>> = inner.into_iter().collect();
    let cols: Vec<&Arc<str>> = col_keys(y)?.into_iter().collect();
    if rows.is_empty() || inner.is_empty() || cols.is_empty() {
        return Err(fail(DOT_TOO_FEW));
    }
    if !finite_map(x)? || !finite_map(y)? {
        return Err(fail(DOT_NON_FINITE));
    }
    let product = dense_map(x, &rows, &inner)? * dense_map(y, &inner, &cols)?;
    Ok(to_map(&product, &rows, &cols))
}

// ---------------------------------------------------------------------------------------
// §10.7 Transpose

fn transpose_array(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = arr(any(a, 0)?)?;
    let (rows, cols) = match shape(x)? {
        Shape::Empty => return Err(fail(TRANSPOSE_TOO_FEW)),
        Shape::Ragged => return Err(fail(TRANSPOSE_RAGGED)),
        Shape::Rect(r, c) => (r, c),
    };
    let mut out: Vec<Vec<Value>> = (0..cols).map(|_| Vec::with_capacity(rows)).collect();
    for row in x {
        for (col, v) in out.iter_mut().zip(arr(row)?) {
            col.push(v.clone());
        }
    }
    Ok(Value::array(out.into_iter().map(Value::array).collect()))
}

fn transpose_map(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = map(any(a, 0)?)?;
    let cols = col_keys(x)?;
    if x.is_empty() || cols.is_empty() {
        return Err(fail(TRANSPOSE_TOO_FEW));
    }
    // Ragged: some row lacks a column another row has.
    for row in x.values() {
        if map(row)?.len() != cols.len() {
            return Err(fail(TRANSPOSE_RAGGED));
        }
    }
    let mut out = MapData::new();
    for c in cols {
        let mut col = MapData::new();
        for (r, row) in x {
            if let Some(v) = map(row)?.get(c) {
                col.insert(Arc::clone(r), v.clone());
            }
        }
        out.insert(Arc::clone(c), Value::Map(Arc::new(col)));
    }
    Ok(Value::Map(Arc::new(out)))
}

// ---------------------------------------------------------------------------------------
// §10.8 Inverse

/// The inverse of a square non-singular matrix, otherwise the Moore-Penrose
/// pseudoinverse (a singular matrix has no inverse; the pseudoinverse is the spec's
/// generalization). A matrix with non-finite elements gives NaNs.
fn inverse(m: DMatrix<f64>) -> DMatrix<f64> {
    let (r, c) = m.shape();
    if m.iter().any(|x| !x.is_finite()) {
        return DMatrix::from_element(c, r, f64::NAN);
    }
    if r == c {
        if let Some(inv) = m.clone().lu().try_inverse() {
            if inv.iter().all(|x| x.is_finite()) {
                return inv;
            }
        }
    }
    pseudo_inverse(m)
}

/// The Moore-Penrose pseudoinverse by SVD, ignoring singular values below
/// `max(rows, cols) * eps` relative to the largest.
fn pseudo_inverse(m: DMatrix<f64>) -> DMatrix<f64> {
    let (r, c) = m.shape();
    let Some(svd) = SVD::try_new(m, true, true, f64::EPSILON, 10_000) else {
        return DMatrix::from_element(c, r, f64::NAN);
    };
    let largest = svd.singular_values.iter().copied().fold(0.0, f64::max);
    let cutoff = largest * (r.max(c) as f64) * f64::EPSILON;
    // A cutoff of zero would keep exact zeros and divide by them.
    svd.pseudo_inverse(cutoff.max(f64::MIN_POSITIVE))
        .unwrap_or_else(|_| DMatrix::from_element(c, r, f64::NAN))
}

fn inverse_array(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = arr(any(a, 0)?)?;
    match shape(x)? {
        Shape::Empty => Err(fail(INVERSE_TOO_FEW)),
        Shape::Ragged => Err(fail(INVERSE_RAGGED)),
        Shape::Rect(r, c) => Ok(to_rows(&inverse(dense(x, r, c)?))),
    }
}

fn inverse_map(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = map(any(a, 0)?)?;
    let rows: Vec<&Arc<str>> = x.keys().collect();
    let cols: Vec<&Arc<str>> = col_keys(x)?.into_iter().collect();
    if rows.is_empty() || cols.is_empty() {
        return Err(fail(INVERSE_TOO_FEW));
    }
    // The inverse maps the column space back to the row space: its rows are x's
    // columns.
    let inv = inverse(dense_map(x, &rows, &cols)?);
    Ok(to_map(&inv, &cols, &rows))
}

// ---------------------------------------------------------------------------------------
// §10.9 Trace

fn trace_array(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = arr(any(a, 0)?)?;
    // Unlike the other functions, an empty first row is no excuse for ragged columns.
    let cols = x.first().map_or(Ok(0), |r| arr(r).map(<[Value]>::len))?;
    for row in x {
        if arr(row)?.len() != cols {
            return Err(fail(TRACE_RAGGED));
        }
    }
    let mut sum = 0.0;
    for (i, row) in x.iter().enumerate() {
        if let Some(v) = arr(row)?.get(i) {
            sum += num(v)?;
        }
    }
    Ok(Value::Double(sum))
}

fn trace_map(_: &mut dyn Host, a: &[Value]) -> Ret {
    let mut sum = 0.0;
    for (k, row) in map(any(a, 0)?)? {
        if let Some(v) = map(row)?.get(k) {
            sum += num(v)?;
        }
    }
    Ok(Value::Double(sum))
}

// ---------------------------------------------------------------------------------------
// §10.10 Determinant

/// The determinant by LU decomposition; NaN if any element is not finite (IEEE
/// arithmetic on such a matrix gives NaN or an undefined sign).
fn determinant(m: DMatrix<f64>) -> f64 {
    if m.iter().any(|x| !x.is_finite()) {
        return f64::NAN;
    }
    m.lu().determinant()
}

fn det_array(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = arr(any(a, 0)?)?;
    match shape(x)? {
        Shape::Empty => Err(fail(DET_TOO_FEW)),
        Shape::Ragged => Err(fail(DET_RAGGED)),
        Shape::Rect(r, c) if r != c => Err(fail(DET_NON_SQUARE)),
        Shape::Rect(r, c) => Ok(Value::Double(determinant(dense(x, r, c)?))),
    }
}

/// The keys of a square map matrix (the union of its row and column keys), or `None`
/// if it has no entries at all.
fn square_keys(x: &MapData) -> Result<Option<Vec<&Arc<str>>>, PfaError> {
    let mut keys = col_keys(x)?;
    if keys.is_empty() {
        return Ok(None);
    }
    keys.extend(x.keys());
    Ok(Some(keys.into_iter().collect()))
}

fn det_map(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = map(any(a, 0)?)?;
    let keys = square_keys(x)?.ok_or_else(|| fail(DET_TOO_FEW))?;
    Ok(Value::Double(determinant(dense_map(x, &keys, &keys)?)))
}

// ---------------------------------------------------------------------------------------
// §10.11 Symmetry test

/// Whether two mirrored elements agree within `tolerance`. Equal infinities agree, and
/// so do two NaNs: a matrix that equals its transpose is symmetric.
fn agree(p: f64, q: f64, tolerance: f64) -> bool {
    if p.is_finite() && q.is_finite() {
        (p - q).abs() < tolerance
    } else {
        p == q || (p.is_nan() && q.is_nan())
    }
}

fn symmetric_array(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = arr(any(a, 0)?)?;
    let tolerance = args::double(a, 1)?;
    let n = match shape(x)? {
        Shape::Empty => return Err(fail(SYMMETRIC_TOO_FEW)),
        Shape::Ragged => return Err(fail(SYMMETRIC_RAGGED)),
        Shape::Rect(r, c) if r != c => return Err(fail(SYMMETRIC_NON_SQUARE)),
        Shape::Rect(r, _) => r,
    };
    let m = dense(x, n, n)?;
    for i in 0..n {
        for j in (i + 1)..n {
            if !agree(m[(i, j)], m[(j, i)], tolerance) {
                return Ok(Value::Boolean(false));
            }
        }
    }
    // The diagonal is compared with itself.
    Ok(Value::Boolean(
        (0..n).all(|i| agree(m[(i, i)], m[(i, i)], tolerance)),
    ))
}

fn symmetric_map(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = map(any(a, 0)?)?;
    let tolerance = args::double(a, 1)?;
    let keys = square_keys(x)?.ok_or_else(|| fail(SYMMETRIC_TOO_FEW))?;
    for (n, i) in keys.iter().enumerate() {
        for j in &keys[n..] {
            if !agree(entry(x, i, j)?, entry(x, j, i)?, tolerance) {
                return Ok(Value::Boolean(false));
            }
        }
    }
    Ok(Value::Boolean(true))
}

// ---------------------------------------------------------------------------------------
// §10.12 Eigenbasis

/// Eigenvalues and orthonormal eigenvectors (as the columns of the second result) of a
/// finite symmetric matrix, by cyclic Jacobi rotations.
///
/// Written here rather than taken from `nalgebra`: its symmetric QR iteration resolves
/// 2x2 blocks in closed form and loses about five digits of an eigenvector when an
/// off-diagonal element is small next to the diagonal gap (`[[0, 5e-6], [5e-6, 1]]`
/// gives a first component of 5.000039e-6 for 5.00005e-6). Jacobi rotations keep every
/// eigenpair to machine precision, and PFA matrices are small.
fn symmetric_eigen(mut a: DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
    let n = a.nrows();
    let mut v = DMatrix::identity(n, n);
    for _ in 0..100 {
        let mut rotated = false;
        for p in 0..n {
            for q in (p + 1)..n {
                let apq = a[(p, q)];
                let (app, aqq) = (a[(p, p)], a[(q, q)]);
                // Negligible next to both diagonal elements (relative accuracy), or
                // vanishing outright.
                if apq.abs() <= f64::EPSILON * 0.5 * (app.abs().sqrt() * aqq.abs().sqrt())
                    || apq.abs() < f64::MIN_POSITIVE
                {
                    a[(p, q)] = 0.0;
                    a[(q, p)] = 0.0;
                    continue;
                }
                rotated = true;
                // The rotation that zeroes a[p][q]: t = tan(angle) is the smaller root of
                // t^2 + 2 tau t - 1 = 0.
                let tau = (aqq - app) / (2.0 * apq);
                let t = if tau.abs() > 1e150 {
                    0.5 / tau
                } else {
                    tau.signum() / (tau.abs() + (1.0 + tau * tau).sqrt())
                };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = t * c;
                for k in 0..n {
                    if k != p && k != q {
                        let (akp, akq) = (a[(k, p)], a[(k, q)]);
                        let (new_p, new_q) = (c * akp - s * akq, s * akp + c * akq);
                        a[(k, p)] = new_p;
                        a[(p, k)] = new_p;
                        a[(k, q)] = new_q;
                        a[(q, k)] = new_q;
                    }
                }
                a[(p, p)] = app - t * apq;
                a[(q, q)] = aqq + t * apq;
                a[(p, q)] = 0.0;
                a[(q, p)] = 0.0;
                for k in 0..n {
                    let (vkp, vkq) = (v[(k, p)], v[(k, q)]);
                    v[(k, p)] = c * vkp - s * vkq;
                    v[(k, q)] = s * vkp + c * vkq;
                }
            }
        }
        if !rotated {
            break;
        }
    }
    ((0..n).map(|i| a[(i, i)]).collect(), v)
}

/// Rows of normalized eigenvectors of the symmetrized matrix, each divided by the
/// square root of its eigenvalue's magnitude, in decreasing order of that magnitude, with
/// the sign chosen so that the first component is not negative.
fn eigen_basis(m: DMatrix<f64>) -> DMatrix<f64> {
    let n = m.nrows();
    let (values, vectors) = symmetric_eigen((&m + m.transpose()) * 0.5);
    let scale: Vec<f64> = values.iter().map(|e| 1.0 / e.abs().sqrt()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&p, &q| scale[p].total_cmp(&scale[q]));
    let mut out = DMatrix::zeros(n, n);
    for (i, &k) in order.iter().enumerate() {
        let v = vectors.column(k);
        let sign = if v[0] < 0.0 { -1.0 } else { 1.0 };
        for j in 0..n {
            out[(i, j)] = sign * v[j] * scale[k];
        }
    }
    out
}

fn eigen_basis_array(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = arr(any(a, 0)?)?;
    let n = match shape(x)? {
        Shape::Empty => return Err(fail(EIGEN_TOO_FEW)),
        Shape::Ragged => return Err(fail(EIGEN_RAGGED)),
        Shape::Rect(r, c) if r != c => return Err(fail(EIGEN_NON_SQUARE)),
        Shape::Rect(r, _) => r,
    };
    if !finite_rows(x)? {
        return Err(fail(EIGEN_NON_FINITE));
    }
    Ok(to_rows(&eigen_basis(dense(x, n, n)?)))
}

fn eigen_basis_map(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = map(any(a, 0)?)?;
    let keys = square_keys(x)?.ok_or_else(|| fail(EIGEN_TOO_FEW))?;
    if !finite_map(x)? {
        return Err(fail(EIGEN_NON_FINITE));
    }
    let basis = eigen_basis(dense_map(x, &keys, &keys)?);
    let names: Vec<Arc<str>> = (0..keys.len()).map(|i| Arc::from(i.to_string())).collect();
    let rows: Vec<&Arc<str>> = names.iter().collect();
    Ok(to_map(&basis, &rows, &keys))
}

// ---------------------------------------------------------------------------------------
// §10.13 Truncation

fn truncate_array(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = arr(any(a, 0)?)?;
    let keep = usize::try_from(args::int(a, 1)?).unwrap_or(0);
    match shape(x)? {
        Shape::Empty => Err(fail(TRUNCATE_TOO_FEW)),
        Shape::Ragged => Err(fail(TRUNCATE_RAGGED)),
        Shape::Rect(r, _) => Ok(Value::array(x[..keep.min(r)].to_vec())),
    }
}

fn truncate_map(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = map(any(a, 0)?)?;
    let keep = arr(any(a, 1)?)?;
    if x.is_empty() || col_keys(x)?.is_empty() {
        return Err(fail(TRUNCATE_TOO_FEW));
    }
    let mut out = MapData::new();
    for k in keep {
        let k = k.as_str().ok_or_else(|| internal("expected a string"))?;
        if let Some((key, row)) = x.get_key_value(k) {
            out.insert(Arc::clone(key), row.clone());
        }
    }
    Ok(Value::Map(Arc::new(out)))
}

/// Solves `c z = d` for the quadratic form `d^T c^-1 d` (used by the Mahalanobis
/// distance); NaN if `c` is singular or not finite.
pub(crate) fn quadratic_form(c: DMatrix<f64>, d: &[f64]) -> f64 {
    let d = DVector::from_column_slice(d);
    if c.iter().chain(d.iter()).any(|x| !x.is_finite()) {
        return f64::NAN;
    }
    match c.lu().solve(&d) {
        Some(z) => z.dot(&d),
        None => f64::NAN,
    }
}

/// A dense square matrix from rows of doubles already checked to be `n` x `n`.
pub(crate) fn square_from_rows(rows: &[Value], n: usize) -> Result<DMatrix<f64>, PfaError> {
    dense(rows, n, n)
}

/// A dense matrix from a map matrix over `keys` (rows and columns).
pub(crate) fn square_from_map(x: &MapData, keys: &[&Arc<str>]) -> Result<DMatrix<f64>, PfaError> {
    dense_map(x, keys, keys)
}

#[cfg(test)]
mod tests;
