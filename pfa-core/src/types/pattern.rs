//! Library function signatures as patterns over types (spec §4.6), their compact text
//! notation (parsed with pest, see `signature.pest`), and matching of argument types
//! against a signature.
//!
//! Notation, mirroring the `<sig>` elements of the spec's function list:
//! ```text
//! (x: any A of {int, long, float, double}, y: A) -> A
//! (a: array<any A>, fcn: fcn(A) -> any B) -> array<B>
//! (datum: record D, comparison: record T {field: enum F of fields of D, operator: string, value: any V}) -> boolean
//! (x: union<null, any A>) -> boolean
//! (x: fixed A) -> bytes        (x: enum A) -> string
//! ```
//!
//! # Matching (spec §4.6)
//!
//! Every wildcard occurrence records the type it met. Once all arguments are seen, each
//! label is bound to the narrowest supertype (§4.5) of the types it met where values
//! flow into the function (arguments, record fields, return types of function
//! arguments), so `+` on `int` and `double` binds `A` to `double`. Where a label stands
//! for a parameter of a function argument, the function receives values of the bound
//! type, so its declared parameter type must accept the binding (parameters are
//! contravariant); a label met only there is bound to the narrowest of those declared
//! types. An `of` restriction applies to the type met at that place and to the final
//! binding; `record`, `enum` and `fixed` wildcards require that kind of type, and
//! `enum F of fields of D` requires F's symbols to be D's field names in order.
//!
//! Concrete (wildcard-free) patterns promote as `accepts` does (§4.4), except inside
//! record fields and between branches of two unions, where the types must be the same:
//! a record is passed as it is, so its fields cannot be promoted. A union pattern with
//! wildcards matches a union argument branch by branch, each pattern branch taking at
//! most one argument branch (so `union<any A, null>` does not match
//! `["int", "string", "null"]`).

use std::collections::HashMap;

use pest::iterators::Pair;
use pest::Parser;

use super::accepts::{accepts, narrowest_supertype, union_of};
use super::{FcnType, Field, Type, TypeTable};

mod grammar {
    //! The pest parser; private so the generated `Rule` type stays internal.
    #[derive(pest_derive::Parser)]
    #[grammar = "types/signature.pest"]
    pub(super) struct SigParser;
}

use grammar::{Rule, SigParser};

/// A type pattern in a library signature.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    /// `null`
    Null,
    /// `boolean`
    Boolean,
    /// `int`
    Int,
    /// `long`
    Long,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `string`
    String,
    /// `bytes`
    Bytes,
    /// `array<P>`
    Array(Box<Pattern>),
    /// `map<P>`
    Map(Box<Pattern>),
    /// `union<P, Q, ...>`
    Union(Vec<Pattern>),
    /// `fcn(P, Q) -> R`: a function argument.
    Fcn {
        /// Parameter patterns.
        params: Vec<Pattern>,
        /// Return pattern.
        ret: Box<Pattern>,
    },
    /// `any A` or `any A of {int, long}`: binds label `A` to the matched type.
    Any {
        /// Label.
        label: String,
        /// Allowed types, if restricted.
        of: Option<Vec<Type>>,
    },
    /// `A`: the type already bound to label `A`.
    Ref(String),
    /// `record A` or `record A {f: P, ...}`: any record type (with at least these fields).
    Record {
        /// Label.
        label: String,
        /// Required fields.
        fields: Vec<(String, Pattern)>,
    },
    /// `enum A` or `enum A of fields of D`.
    Enum {
        /// Label.
        label: String,
        /// If set: symbols must be the field names of the record bound to this label.
        of_record: Option<String>,
    },
    /// `fixed A`: any fixed type.
    Fixed {
        /// Label.
        label: String,
    },
}

/// One signature of a library function.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// Named parameters in order.
    pub params: Vec<(String, Pattern)>,
    /// Return pattern.
    pub ret: Pattern,
}

/// The result of matching argument types against a signature.
#[derive(Clone, Debug, PartialEq)]
pub struct SigMatch {
    /// For each argument, the concrete parameter type the argument is passed as (the
    /// argument's value must be promoted to this type, e.g. `int` to `double`).
    ///
    /// For a function argument this is the function type as the library sees it: the
    /// parameter types the library will call it with and the return type it expects.
    /// The argument's own type accepts it (its parameters may be wider, its return type
    /// narrower), so the caller may need to convert on the way in and out.
    pub params: Vec<Type>,
    /// The concrete return type.
    pub ret: Type,
}

impl Pattern {
    /// The type of a pattern without wildcards, or `None` if it has any.
    pub fn concrete(&self) -> Option<Type> {
        Some(match self {
            Pattern::Null => Type::Null,
            Pattern::Boolean => Type::Boolean,
            Pattern::Int => Type::Int,
            Pattern::Long => Type::Long,
            Pattern::Float => Type::Float,
            Pattern::Double => Type::Double,
            Pattern::String => Type::String,
            Pattern::Bytes => Type::Bytes,
            Pattern::Array(p) => Type::array(p.concrete()?),
            Pattern::Map(p) => Type::map(p.concrete()?),
            Pattern::Union(ps) => Type::Union(
                ps.iter()
                    .map(Pattern::concrete)
                    .collect::<Option<Vec<_>>>()?,
            ),
            Pattern::Fcn { params, ret } => Type::Fcn(FcnType {
                params: params
                    .iter()
                    .map(Pattern::concrete)
                    .collect::<Option<Vec<_>>>()?,
                ret: Box::new(ret.concrete()?),
            }),
            Pattern::Any { .. }
            | Pattern::Ref(_)
            | Pattern::Record { .. }
            | Pattern::Enum { .. }
            | Pattern::Fixed { .. } => return None,
        })
    }

    /// The label this pattern binds or refers to directly, if any.
    fn label(&self) -> Option<&str> {
        match self {
            Pattern::Any { label, .. }
            | Pattern::Ref(label)
            | Pattern::Record { label, .. }
            | Pattern::Enum { label, .. }
            | Pattern::Fixed { label } => Some(label),
            _ => None,
        }
    }

    /// Calls `f` on this pattern and every pattern inside it.
    fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Pattern)) {
        f(self);
        match self {
            Pattern::Array(p) | Pattern::Map(p) => p.walk(f),
            Pattern::Union(ps) => ps.iter().for_each(|p| p.walk(f)),
            Pattern::Fcn { params, ret } => {
                params.iter().for_each(|p| p.walk(f));
                ret.walk(f);
            }
            Pattern::Record { fields, .. } => fields.iter().for_each(|(_, p)| p.walk(f)),
            _ => {}
        }
    }
}

/// What a label was introduced as; a label must be one kind throughout a signature.
#[derive(Clone, Copy, Debug, PartialEq)]
enum LabelKind {
    Any,
    Record,
    Enum,
    Fixed,
}

impl Signature {
    /// Parses the text notation.
    ///
    /// # Errors
    /// A message if the text does not follow the notation, a label is referred to but
    /// never introduced (by `any`, `record`, `enum` or `fixed`), a label is introduced as
    /// two different kinds, or `enum F of fields of D` names a `D` that is not a record
    /// wildcard.
    pub fn parse(text: &str) -> Result<Signature, String> {
        let mut pairs = SigParser::parse(Rule::signature, text)
            .map_err(|e| format!("bad signature {text:?}:\n{e}"))?;
        let top = pairs
            .next()
            .ok_or_else(|| format!("bad signature {text:?}: empty"))?;
        let mut params = Vec::new();
        let mut ret = None;
        for p in top.into_inner() {
            match p.as_rule() {
                Rule::param => {
                    let mut it = p.into_inner();
                    let (Some(name), Some(pat)) = (it.next(), it.next()) else {
                        return Err(format!("bad signature {text:?}: malformed parameter"));
                    };
                    params.push((name.as_str().to_string(), build(pat)?));
                }
                Rule::EOI => {}
                _ => ret = Some(build(p)?),
            }
        }
        let ret = ret.ok_or_else(|| format!("bad signature {text:?}: no return pattern"))?;
        let sig = Signature { params, ret };
        sig.label_kinds()
            .map_err(|e| format!("bad signature {text:?}: {e}"))?;
        Ok(sig)
    }

    /// Every pattern of the signature: parameters, then the return pattern.
    fn patterns(&self) -> impl Iterator<Item = &Pattern> {
        self.params
            .iter()
            .map(|(_, p)| p)
            .chain(std::iter::once(&self.ret))
    }

    /// The kind of every label, checking the labels are used consistently.
    fn label_kinds(&self) -> Result<HashMap<&str, LabelKind>, String> {
        let mut kinds: HashMap<&str, LabelKind> = HashMap::new();
        let mut problem = None;
        let mut refs: Vec<&str> = Vec::new();
        let mut record_refs: Vec<&str> = Vec::new();
        for pat in self.patterns() {
            pat.walk(&mut |p| {
                let kind = match p {
                    Pattern::Any { .. } => LabelKind::Any,
                    Pattern::Record { .. } => LabelKind::Record,
                    Pattern::Enum { of_record, .. } => {
                        if let Some(d) = of_record {
                            record_refs.push(d);
                        }
                        LabelKind::Enum
                    }
                    Pattern::Fixed { .. } => LabelKind::Fixed,
                    Pattern::Ref(l) => {
                        refs.push(l);
                        return;
                    }
                    _ => return,
                };
                if let Some(label) = p.label() {
                    if let Some(old) = kinds.insert(label, kind) {
                        if old != kind && problem.is_none() {
                            problem =
                                Some(format!("label {label} is used as two kinds of wildcard"));
                        }
                    }
                }
            });
        }
        if let Some(p) = problem {
            return Err(p);
        }
        if let Some(l) = refs.iter().find(|l| !kinds.contains_key(**l)) {
            return Err(format!("label {l} is never introduced"));
        }
        if let Some(l) = record_refs
            .iter()
            .find(|l| kinds.get(**l) != Some(&LabelKind::Record))
        {
            return Err(format!(
                "\"of fields of {l}\" needs {l} to be a record wildcard"
            ));
        }
        Ok(kinds)
    }

    /// Matches argument types (function arguments as [`Type::Fcn`]); `None` if they
    /// don't fit.
    pub fn matches(&self, args: &[Type], table: &super::TypeTable) -> Option<SigMatch> {
        if args.len() != self.params.len() {
            return None;
        }
        let kinds = self.label_kinds().ok()?;
        let mut m = Matcher {
            table,
            occ: Vec::new(),
        };
        for ((_, pat), arg) in self.params.iter().zip(args) {
            if !m.unify(pat, arg, false) {
                return None;
            }
        }
        let bindings = m.bind(self, &kinds)?;
        let mut params = Vec::with_capacity(args.len());
        for ((_, pat), arg) in self.params.iter().zip(args) {
            let t = subst(pat, &bindings)?;
            // Every rule above should make this hold; checking it keeps a bug in them
            // from letting an argument through that cannot be converted.
            if !accepts(&t, arg, table) {
                return None;
            }
            params.push(t);
        }
        let ret = subst(&self.ret, &bindings)?;
        Some(SigMatch { params, ret })
    }
}

/// Builds a pattern from a parse tree node.
fn build(p: Pair<'_, Rule>) -> Result<Pattern, String> {
    let rule = p.as_rule();
    let text = p.as_str().to_string();
    // Keyword tokens carry no information once the rule is known.
    let mut parts = p.into_inner().filter(|x| {
        !matches!(
            x.as_rule(),
            Rule::kw_array
                | Rule::kw_map
                | Rule::kw_union
                | Rule::kw_fcn
                | Rule::kw_any
                | Rule::kw_of
                | Rule::kw_record
                | Rule::kw_enum
                | Rule::kw_fields
                | Rule::kw_fixed
        )
    });
    let malformed = || format!("malformed pattern {text:?}");
    Ok(match rule {
        Rule::primitive => match text.as_str() {
            "null" => Pattern::Null,
            "boolean" => Pattern::Boolean,
            "int" => Pattern::Int,
            "long" => Pattern::Long,
            "float" => Pattern::Float,
            "double" => Pattern::Double,
            "string" => Pattern::String,
            "bytes" => Pattern::Bytes,
            _ => return Err(malformed()),
        },
        Rule::array => Pattern::Array(Box::new(build(parts.next().ok_or_else(malformed)?)?)),
        Rule::map => Pattern::Map(Box::new(build(parts.next().ok_or_else(malformed)?)?)),
        Rule::union => Pattern::Union(parts.map(build).collect::<Result<_, _>>()?),
        Rule::fcn => {
            let mut all = parts.map(build).collect::<Result<Vec<_>, _>>()?;
            let ret = all.pop().ok_or_else(malformed)?;
            Pattern::Fcn {
                params: all,
                ret: Box::new(ret),
            }
        }
        Rule::any => {
            let label = parts.next().ok_or_else(malformed)?.as_str().to_string();
            let of: Vec<Type> = parts
                .map(|x| build(x).and_then(|p| p.concrete().ok_or_else(malformed)))
                .collect::<Result<_, _>>()?;
            Pattern::Any {
                label,
                of: if of.is_empty() { None } else { Some(of) },
            }
        }
        Rule::record => {
            let label = parts.next().ok_or_else(malformed)?.as_str().to_string();
            let mut fields: Vec<(String, Pattern)> = Vec::new();
            for f in parts {
                let mut it = f.into_inner();
                let (Some(name), Some(pat)) = (it.next(), it.next()) else {
                    return Err(malformed());
                };
                let name = name.as_str().to_string();
                if fields.iter().any(|(n, _)| *n == name) {
                    return Err(format!("field {name} listed twice in {text:?}"));
                }
                fields.push((name, build(pat)?));
            }
            Pattern::Record { label, fields }
        }
        Rule::enum_pat => {
            let label = parts.next().ok_or_else(malformed)?.as_str().to_string();
            Pattern::Enum {
                label,
                of_record: parts.next().map(|x| x.as_str().to_string()),
            }
        }
        Rule::fixed => Pattern::Fixed {
            label: parts.next().ok_or_else(malformed)?.as_str().to_string(),
        },
        Rule::label => Pattern::Ref(text),
        _ => return Err(malformed()),
    })
}

/// How a type met by a wildcard relates to the label's binding.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Occ {
    /// A value of this type is passed in: the binding must accept it.
    Value,
    /// A function argument declares this parameter type: it must accept the binding.
    Param,
}

/// Collects the types each label meets while walking patterns and arguments together.
struct Matcher<'a, 't> {
    table: &'t TypeTable,
    /// Occurrences in order; truncated to undo a failed alternative.
    occ: Vec<(&'a str, Type, Occ)>,
}

/// Field list of a record id, empty for an unknown id.
fn fields_of(table: &TypeTable, id: u32) -> &[Field] {
    match table.try_get(id) {
        Some(_) => table.fields(id),
        None => &[],
    }
}

impl<'a> Matcher<'a, '_> {
    fn push(&mut self, label: &'a str, t: &Type, occ: Occ) {
        self.occ.push((label, t.clone(), occ));
    }

    /// Matches a pattern against the type of a value passed in. `strict` forbids
    /// promotion of concrete types (inside record fields and union branches).
    fn unify(&mut self, pat: &'a Pattern, arg: &Type, strict: bool) -> bool {
        if let Some(t) = pat.concrete() {
            return if strict {
                accepts(&t, arg, self.table) && accepts(arg, &t, self.table)
            } else {
                accepts(&t, arg, self.table)
            };
        }
        match (pat, arg) {
            (Pattern::Any { .. } | Pattern::Ref(_), Type::Fcn(_)) => false,
            (Pattern::Any { label, of }, _) => {
                if of.as_ref().is_some_and(|of| !of.contains(arg)) {
                    return false;
                }
                self.push(label, arg, Occ::Value);
                true
            }
            (Pattern::Ref(label), _) => {
                self.push(label, arg, Occ::Value);
                true
            }
            (Pattern::Union(ps), Type::Union(bs)) => self.union_branches(ps, bs),
            (Pattern::Union(ps), _) => {
                // Concrete branches first, so that e.g. `null` meets `null` rather than a
                // wildcard next to it; then as for union arguments.
                let mut order: Vec<&'a Pattern> = ps.iter().collect();
                order.sort_by_key(|p| self.preference(p, arg));
                for p in order {
                    let mark = self.occ.len();
                    if self.unify(p, arg, strict) {
                        return true;
                    }
                    self.occ.truncate(mark);
                }
                false
            }
            // A structured pattern accepts a union only if it accepts every branch.
            (_, Type::Union(bs)) => bs.iter().all(|b| self.unify(pat, b, strict)),
            (Pattern::Array(p), Type::Array(a)) | (Pattern::Map(p), Type::Map(a)) => {
                self.unify(p, a, strict)
            }
            (Pattern::Fcn { params, ret }, Type::Fcn(f)) => {
                params.len() == f.params.len()
                    && params
                        .iter()
                        .zip(&f.params)
                        .all(|(p, t)| self.unify_param(p, t))
                    && self.unify(ret, &f.ret, false)
            }
            (Pattern::Record { label, fields }, Type::Record(id)) => {
                self.push(label, arg, Occ::Value);
                let have = fields_of(self.table, *id);
                fields
                    .iter()
                    .all(|(name, p)| match have.iter().find(|f| f.name == *name) {
                        Some(f) => self.unify(p, &f.ty, true),
                        None => false,
                    })
            }
            (Pattern::Enum { label, .. }, Type::Enum(_))
            | (Pattern::Fixed { label }, Type::Fixed(_)) => {
                self.push(label, arg, Occ::Value);
                true
            }
            _ => false,
        }
    }

    /// Matches a union pattern with wildcards against a union argument: every argument
    /// branch goes to a different pattern branch, with no promotion. The search tries
    /// likely pairings first (see [`Matcher::preference`]) and backtracks.
    fn union_branches(&mut self, ps: &'a [Pattern], bs: &[Type]) -> bool {
        if bs.len() > ps.len() {
            return false;
        }
        let mut used = vec![false; ps.len()];
        self.assign_branches(ps, bs, &mut used)
    }

    fn assign_branches(&mut self, ps: &'a [Pattern], bs: &[Type], used: &mut [bool]) -> bool {
        let Some((b, rest)) = bs.split_first() else {
            return true;
        };
        let mut order: Vec<usize> = (0..ps.len()).filter(|&j| !used[j]).collect();
        order.sort_by_key(|&j| self.preference(&ps[j], b));
        for j in order {
            let mark = self.occ.len();
            if self.unify(&ps[j], b, true) {
                used[j] = true;
                if self.assign_branches(ps, rest, used) {
                    return true;
                }
                used[j] = false;
            }
            self.occ.truncate(mark);
        }
        false
    }

    /// Lower is tried first: concrete branches, then a label already holding exactly
    /// this type (e.g. `T` in a record `T`'s own field), then structured patterns, then
    /// unused labels, then labels holding something else.
    fn preference(&self, p: &Pattern, b: &Type) -> u8 {
        if p.concrete().is_some() {
            return 0;
        }
        match p {
            Pattern::Any { label, .. } | Pattern::Ref(label) => {
                let mut met = self.occ.iter().filter(|(l, _, _)| l == label).peekable();
                if met.peek().is_none() {
                    3
                } else if met.any(|(_, t, _)| t == b) {
                    1
                } else {
                    4
                }
            }
            _ => 2,
        }
    }

    /// Matches a pattern against a parameter type declared by a function argument:
    /// the library will pass values described by the pattern, so `t` must accept them.
    fn unify_param(&mut self, pat: &'a Pattern, t: &Type) -> bool {
        if let Some(p) = pat.concrete() {
            return accepts(t, &p, self.table);
        }
        match (pat, t) {
            (_, Type::Fcn(_)) => false,
            (Pattern::Any { label, .. } | Pattern::Ref(label), _) => {
                self.push(label, t, Occ::Param);
                true
            }
            // Every value of the union must be accepted by `t`.
            (Pattern::Union(ps), _) => ps.iter().all(|p| self.unify_param(p, t)),
            (_, Type::Union(bs)) => {
                // Some branch of `t` must accept everything the pattern describes.
                for b in bs {
                    let mark = self.occ.len();
                    if self.unify_param(pat, b) {
                        return true;
                    }
                    self.occ.truncate(mark);
                }
                false
            }
            (Pattern::Array(p), Type::Array(x)) | (Pattern::Map(p), Type::Map(x)) => {
                self.unify_param(p, x)
            }
            (Pattern::Record { label, fields }, Type::Record(id)) => {
                // Records are accepted only by themselves, so the binding must be `t`
                // and its fields must fit the pattern.
                self.push(label, t, Occ::Param);
                let have = fields_of(self.table, *id);
                fields
                    .iter()
                    .all(|(name, p)| match have.iter().find(|f| f.name == *name) {
                        Some(f) => self.unify(p, &f.ty, true),
                        None => false,
                    })
            }
            (Pattern::Enum { label, .. }, Type::Enum(_))
            | (Pattern::Fixed { label }, Type::Fixed(_)) => {
                self.push(label, t, Occ::Param);
                true
            }
            _ => false,
        }
    }

    /// Binds every label that met a type, checking the signature's constraints.
    fn bind(
        &self,
        sig: &Signature,
        kinds: &HashMap<&str, LabelKind>,
    ) -> Option<HashMap<&'a str, Type>> {
        let mut labels: Vec<&'a str> = Vec::new();
        for (l, _, _) in &self.occ {
            if !labels.contains(l) {
                labels.push(l);
            }
        }
        let mut bindings = HashMap::new();
        for label in labels {
            let met = |want: Occ| -> Vec<Type> {
                self.occ
                    .iter()
                    .filter(|(l, _, o)| *l == label && *o == want)
                    .map(|(_, t, _)| t.clone())
                    .collect()
            };
            let values = met(Occ::Value);
            let params = met(Occ::Param);
            let bound = if values.is_empty() {
                // Only declared parameter types: the narrowest one all others accept.
                params
                    .iter()
                    .find(|c| params.iter().all(|p| accepts(p, c, self.table)))?
                    .clone()
            } else {
                narrowest_supertype(&values, self.table)?
            };
            if !params.iter().all(|p| accepts(p, &bound, self.table)) {
                return None;
            }
            let kind_ok = match kinds.get(label) {
                Some(LabelKind::Record) => matches!(bound, Type::Record(_)),
                Some(LabelKind::Enum) => matches!(bound, Type::Enum(_)),
                Some(LabelKind::Fixed) => matches!(bound, Type::Fixed(_)),
                Some(LabelKind::Any) | None => !matches!(bound, Type::Fcn(_)),
            };
            if !kind_ok {
                return None;
            }
            bindings.insert(label, bound);
        }
        // Constraints that need the final bindings: `of` sets and enum-of-fields.
        let mut ok = true;
        for pat in sig.patterns() {
            pat.walk(&mut |p| match p {
                Pattern::Any {
                    label,
                    of: Some(of),
                } => {
                    if let Some(b) = bindings.get(label.as_str()) {
                        ok &= of.contains(b);
                    }
                }
                Pattern::Enum {
                    label,
                    of_record: Some(d),
                } => {
                    ok &= match (bindings.get(label.as_str()), bindings.get(d.as_str())) {
                        (Some(Type::Enum(e)), Some(Type::Record(r))) => {
                            match self.table.try_get(*e) {
                                Some(_) => {
                                    let symbols = self.table.symbols(*e);
                                    let fields = fields_of(self.table, *r);
                                    symbols.len() == fields.len()
                                        && symbols.iter().zip(fields).all(|(s, f)| *s == f.name)
                                }
                                None => false,
                            }
                        }
                        _ => false,
                    };
                }
                _ => {}
            });
        }
        ok.then_some(bindings)
    }
}

/// The concrete type of a pattern under the bindings, or `None` if it needs a label
/// that was never bound. Union branches with unbound labels are dropped (they matched
/// nothing), as long as one branch remains.
fn subst(pat: &Pattern, bindings: &HashMap<&str, Type>) -> Option<Type> {
    if let Some(t) = pat.concrete() {
        return Some(t);
    }
    Some(match pat {
        Pattern::Array(p) => Type::array(subst(p, bindings)?),
        Pattern::Map(p) => Type::map(subst(p, bindings)?),
        Pattern::Union(ps) => {
            let bs: Vec<Type> = ps.iter().filter_map(|p| subst(p, bindings)).collect();
            if bs.is_empty() {
                return None;
            }
            union_of(bs)
        }
        Pattern::Fcn { params, ret } => Type::Fcn(FcnType {
            params: params
                .iter()
                .map(|p| subst(p, bindings))
                .collect::<Option<Vec<_>>>()?,
            ret: Box::new(subst(ret, bindings)?),
        }),
        _ => bindings.get(pat.label()?)?.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing::{define as named, field};
    use crate::types::NamedKind;

    fn sig(s: &str) -> Signature {
        Signature::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn fcn(params: &[Type], ret: Type) -> Type {
        Type::Fcn(FcnType {
            params: params.to_vec(),
            ret: Box::new(ret),
        })
    }

    fn rec(t: &mut TypeTable, name: &str, fields: Vec<Field>) -> Type {
        Type::Record(named(t, name, NamedKind::Record { fields }))
    }

    #[test]
    fn parses_the_notation() {
        let s = sig("(x: any A of {int, long, float, double}, y: A) -> A");
        assert_eq!(
            s.params[0].1,
            Pattern::Any {
                label: "A".into(),
                of: Some(vec![Type::Int, Type::Long, Type::Float, Type::Double])
            }
        );
        assert_eq!(s.params[1].1, Pattern::Ref("A".into()));
        let s = sig("(datum: record D, comparison: record T {field: enum F of fields of D, operator: string, value: any V}) -> boolean");
        let Pattern::Record { fields, .. } = &s.params[1].1 else {
            panic!()
        };
        assert_eq!(
            fields[0].1,
            Pattern::Enum {
                label: "F".into(),
                of_record: Some("D".into())
            }
        );
        let s = sig("(a: array<any A>, fcn: fcn(A) -> union<any B, null>) -> map<B>");
        assert!(
            matches!(&s.params[1].1, Pattern::Fcn { params, ret } if params.len() == 1 && matches!(**ret, Pattern::Union(_)))
        );
        assert_eq!(sig("() -> double").params.len(), 0);
        assert_eq!(
            sig("(x: fixed A) -> bytes").params[0].1,
            Pattern::Fixed { label: "A".into() }
        );
        assert_eq!(
            sig("(f: fcn() -> int) -> int").params[0].1.concrete(),
            Some(fcn(&[], Type::Int))
        );
    }

    #[test]
    fn rejects_bad_notation() {
        for bad in [
            "(x: int) ->",
            "(x: integer) -> int",
            "(x: anyA) -> int",
            "(x: A) -> int",
            "(x: any A, y: record A) -> int",
            "(x: any A, y: enum F of fields of A) -> int",
            "(x: record A {f: int, f: int}) -> int",
            "(x: any a) -> int",
            "(x: array<int) -> int",
        ] {
            assert!(Signature::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn arithmetic_promotes() {
        let t = TypeTable::new();
        let plus = sig("(x: any A of {int, long, float, double}, y: A) -> A");
        let m = plus.matches(&[Type::Int, Type::Double], &t).unwrap();
        assert_eq!(m.params, vec![Type::Double, Type::Double]);
        assert_eq!(m.ret, Type::Double);
        let m = plus.matches(&[Type::Int, Type::Int], &t).unwrap();
        assert_eq!(m.ret, Type::Int);
        let m = plus.matches(&[Type::Long, Type::Int], &t).unwrap();
        assert_eq!(m.ret, Type::Long);
        // `of` restricts the binding too: int + string would bind a union.
        assert!(plus.matches(&[Type::Int, Type::String], &t).is_none());
        assert!(plus.matches(&[Type::String, Type::String], &t).is_none());
        let div = sig("(x: double, y: double) -> double");
        let m = div.matches(&[Type::Int, Type::Long], &t).unwrap();
        assert_eq!(m.params, vec![Type::Double, Type::Double]);
        let floor_div = sig("(x: any A of {int, long}, y: A) -> A");
        assert!(floor_div.matches(&[Type::Int, Type::Double], &t).is_none());
        assert!(sig("(x: double) -> double")
            .matches(&[Type::String], &t)
            .is_none());
        assert!(sig("(x: double) -> double").matches(&[], &t).is_none());
    }

    #[test]
    fn arrays_and_labels() {
        let t = TypeTable::new();
        let append = sig("(a: array<any A>, item: A) -> array<A>");
        let m = append
            .matches(&[Type::array(Type::Int), Type::Double], &t)
            .unwrap();
        assert_eq!(m.params, vec![Type::array(Type::Double), Type::Double]);
        assert_eq!(m.ret, Type::array(Type::Double));
        let sum = sig("(a: array<any A of {int, long, float, double}>) -> A");
        assert_eq!(
            sum.matches(&[Type::array(Type::Long)], &t).unwrap().ret,
            Type::Long
        );
        assert!(sum.matches(&[Type::array(Type::String)], &t).is_none());
        assert!(sum.matches(&[Type::map(Type::Int)], &t).is_none());
        let eq = sig("(x: any A, y: A) -> boolean");
        let m = eq.matches(&[Type::Int, Type::String], &t).unwrap();
        assert_eq!(m.params[0], Type::Union(vec![Type::Int, Type::String]));
    }

    #[test]
    fn enums_do_not_combine() {
        let mut t = TypeTable::new();
        let e1 = Type::Enum(named(
            &mut t,
            "E1",
            NamedKind::Enum {
                symbols: vec!["a".into()],
            },
        ));
        let e2 = Type::Enum(named(
            &mut t,
            "E2",
            NamedKind::Enum {
                symbols: vec!["a".into()],
            },
        ));
        let eq = sig("(x: any A, y: A) -> boolean");
        assert!(eq.matches(&[e1.clone(), e2], &t).is_none());
        assert!(eq.matches(&[e1.clone(), e1.clone()], &t).is_some());
        let to_string = sig("(x: enum A) -> string");
        assert!(to_string.matches(&[e1], &t).is_some());
        assert!(to_string.matches(&[Type::String], &t).is_none());
    }

    #[test]
    fn union_patterns() {
        let t = TypeTable::new();
        let u = |ts: &[Type]| Type::Union(ts.to_vec());
        let dflt = sig("(x: union<any A, null>, default: A) -> A");
        let m = dflt
            .matches(&[u(&[Type::Int, Type::Null]), Type::Int], &t)
            .unwrap();
        assert_eq!(m.ret, Type::Int);
        assert_eq!(m.params[0], u(&[Type::Int, Type::Null]));
        let m = dflt
            .matches(&[u(&[Type::Null, Type::Double]), Type::Int], &t)
            .unwrap();
        assert_eq!(m.ret, Type::Double);
        // One wildcard branch takes one argument branch.
        assert!(dflt
            .matches(&[u(&[Type::Int, Type::String, Type::Null]), Type::Int], &t)
            .is_none());
        // A lone `null` meets the `null` branch; A comes from `default`.
        let m = dflt.matches(&[Type::Null, Type::String], &t).unwrap();
        assert_eq!(m.ret, Type::String);
        assert_eq!(m.params[0], u(&[Type::String, Type::Null]));
        let both = u(&[Type::Null, Type::Double]);
        let m = dflt.matches(&[both.clone(), both.clone()], &t).unwrap();
        assert_eq!(m.ret, both);
        let kriging = sig("(w: union<null, double>) -> double");
        let m = kriging.matches(&[Type::Int], &t).unwrap();
        assert_eq!(m.params[0], u(&[Type::Null, Type::Double]));
        assert!(kriging
            .matches(&[u(&[Type::Null, Type::Int])], &t)
            .is_some());
        assert!(kriging
            .matches(&[u(&[Type::Null, Type::String])], &t)
            .is_none());
    }

    #[test]
    fn function_arguments() {
        let t = TypeTable::new();
        let map = sig("(a: array<any A>, fcn: fcn(A) -> any B) -> array<B>");
        let m = map
            .matches(
                &[Type::array(Type::Int), fcn(&[Type::Double], Type::String)],
                &t,
            )
            .unwrap();
        // The function receives ints (it accepts them as doubles) and returns strings.
        assert_eq!(m.params[0], Type::array(Type::Int));
        assert_eq!(m.params[1], fcn(&[Type::Int], Type::String));
        assert_eq!(m.ret, Type::array(Type::String));
        // A function that cannot take the items does not match.
        assert!(map
            .matches(
                &[Type::array(Type::Double), fcn(&[Type::Int], Type::String)],
                &t
            )
            .is_none());
        assert!(map
            .matches(&[Type::array(Type::Int), Type::Int], &t)
            .is_none());
        assert!(map
            .matches(
                &[
                    Type::array(Type::Int),
                    fcn(&[Type::Int, Type::Int], Type::Int)
                ],
                &t
            )
            .is_none());
        let filter = sig("(a: array<any A>, fcn: fcn(A) -> boolean) -> array<A>");
        assert!(filter
            .matches(&[Type::array(Type::Int), fcn(&[Type::Int], Type::Int)], &t)
            .is_none());
        // Return types are covariant and promote into the label.
        let fold = sig("(a: array<any A>, zero: any B, fcn: fcn(B, A) -> B) -> B");
        let m = fold
            .matches(
                &[
                    Type::array(Type::Int),
                    Type::Int,
                    fcn(&[Type::Double, Type::Int], Type::Double),
                ],
                &t,
            )
            .unwrap();
        assert_eq!(m.ret, Type::Double);
        assert_eq!(m.params[1], Type::Double);
        // A label introduced in a function's parameters and bound by a later argument.
        let euclid = sig("(similarity: fcn(any A, any B) -> double, x: array<union<null, A>>, y: array<union<null, B>>) -> double");
        let xs = Type::array(Type::Union(vec![Type::Null, Type::Int]));
        let m = euclid
            .matches(
                &[
                    fcn(&[Type::Double, Type::Double], Type::Double),
                    xs.clone(),
                    xs,
                ],
                &t,
            )
            .unwrap();
        assert_eq!(m.params[0], fcn(&[Type::Int, Type::Int], Type::Double));
        let filter_map = sig("(a: array<any A>, fcn: fcn(A) -> union<any B, null>) -> array<B>");
        let m = filter_map
            .matches(
                &[
                    Type::array(Type::Int),
                    fcn(&[Type::Int], Type::Union(vec![Type::Null, Type::String])),
                ],
                &t,
            )
            .unwrap();
        assert_eq!(m.ret, Type::array(Type::String));
    }

    #[test]
    fn record_wildcards() {
        let mut t = TypeTable::new();
        let state = rec(
            &mut t,
            "State",
            vec![field("count", Type::Double), field("extra", Type::String)],
        );
        let update = sig("(x: double, w: double, state: record A {count: double}) -> A");
        let m = update
            .matches(&[Type::Int, Type::Double, state.clone()], &t)
            .unwrap();
        assert_eq!(m.ret, state);
        // Field types must be exactly the pattern's (records are passed as they are).
        let bad = rec(&mut t, "Bad", vec![field("count", Type::Int)]);
        assert!(update
            .matches(&[Type::Double, Type::Double, bad], &t)
            .is_none());
        let missing = rec(&mut t, "Missing", vec![field("other", Type::Double)]);
        assert!(update
            .matches(&[Type::Double, Type::Double, missing], &t)
            .is_none());
        assert!(update
            .matches(&[Type::Double, Type::Double, Type::Double], &t)
            .is_none());
        // Spec example 4.3: fields sharing a label promote to their narrowest supertype.
        let r3 = rec(
            &mut t,
            "R3",
            vec![
                field("one", Type::String),
                field("two", Type::Int),
                field("three", Type::Double),
            ],
        );
        let s = sig("(r: record R {one: any A, two: any B, three: B}) -> B");
        assert_eq!(s.matches(&[r3], &t).unwrap().ret, Type::Double);
        let nearest = sig("(x: double, table: array<record R {x: double, to: any T}>) -> T");
        let row = rec(
            &mut t,
            "Row",
            vec![field("x", Type::Double), field("to", Type::String)],
        );
        let m = nearest
            .matches(&[Type::Double, Type::array(row)], &t)
            .unwrap();
        assert_eq!(m.ret, Type::String);
    }

    #[test]
    fn trees() {
        let mut t = TypeTable::new();
        let datum = rec(
            &mut t,
            "Datum",
            vec![field("a", Type::Double), field("b", Type::String)],
        );
        let fields_enum = Type::Enum(named(
            &mut t,
            "Fields",
            NamedKind::Enum {
                symbols: vec!["a".into(), "b".into()],
            },
        ));
        let wrong_enum = Type::Enum(named(
            &mut t,
            "Wrong",
            NamedKind::Enum {
                symbols: vec!["b".into(), "a".into()],
            },
        ));
        // A recursive tree node: pass/fail are either another node or a string score.
        let node_id = named(&mut t, "Node", NamedKind::Record { fields: vec![] });
        let node = Type::Record(node_id);
        let branch = Type::Union(vec![Type::String, node.clone()]);
        t.set_kind(
            node_id,
            NamedKind::Record {
                fields: vec![
                    field("field", fields_enum.clone()),
                    field("operator", Type::String),
                    field("value", Type::Double),
                    field("pass", branch.clone()),
                    field("fail", Type::Union(vec![node.clone(), Type::String])),
                ],
            },
        );
        let simple_tree = sig("(datum: record D, treeNode: record T {field: enum F of fields of D, operator: string, value: any V, pass: union<T, any S>, fail: union<T, S>}) -> S");
        let m = simple_tree
            .matches(&[datum.clone(), node.clone()], &t)
            .unwrap();
        assert_eq!(m.ret, Type::String);
        assert_eq!(m.params, vec![datum.clone(), node.clone()]);
        // The enum must list the datum's fields in order.
        let bad_id = named(&mut t, "BadNode", NamedKind::Record { fields: vec![] });
        t.set_kind(
            bad_id,
            NamedKind::Record {
                fields: vec![
                    field("field", wrong_enum),
                    field("operator", Type::String),
                    field("value", Type::Double),
                    field("pass", Type::String),
                    field("fail", Type::String),
                ],
            },
        );
        assert!(simple_tree
            .matches(&[datum.clone(), Type::Record(bad_id)], &t)
            .is_none());
        let walk = sig("(datum: record D, treeNode: record T {pass: union<T, any S>, fail: union<T, S>}, test: fcn(D, T) -> boolean) -> S");
        // A branch that is not a union still finds the right pattern branch.
        let half_id = named(&mut t, "Half", NamedKind::Record { fields: vec![] });
        let half = Type::Record(half_id);
        t.set_kind(
            half_id,
            NamedKind::Record {
                fields: vec![
                    field("pass", Type::Double),
                    field("fail", Type::Union(vec![half.clone(), Type::Double])),
                ],
            },
        );
        let m = walk
            .matches(
                &[
                    datum.clone(),
                    half.clone(),
                    fcn(&[datum.clone(), half], Type::Boolean),
                ],
                &t,
            )
            .unwrap();
        assert_eq!(m.ret, Type::Double);
        let m = walk
            .matches(
                &[
                    datum.clone(),
                    node.clone(),
                    fcn(&[datum.clone(), node.clone()], Type::Boolean),
                ],
                &t,
            )
            .unwrap();
        assert_eq!(m.ret, Type::String);
        assert!(walk
            .matches(
                &[
                    datum.clone(),
                    node.clone(),
                    fcn(&[node.clone(), datum], Type::Boolean)
                ],
                &t
            )
            .is_none());
    }

    #[test]
    fn clusters() {
        let mut t = TypeTable::new();
        let cluster = rec(
            &mut t,
            "Cluster",
            vec![
                field("id", Type::Int),
                field("center", Type::array(Type::Double)),
            ],
        );
        let data = Type::array(Type::array(Type::Double));
        let dd = Type::array(Type::Double);
        let kmeans = sig("(data: array<array<any A>>, clusters: array<record C {center: array<any B>}>, metric: fcn(array<A>, array<B>) -> double, update: fcn(array<array<A>>, C) -> C) -> array<C>");
        let m = kmeans
            .matches(
                &[
                    data.clone(),
                    Type::array(cluster.clone()),
                    fcn(&[dd.clone(), dd.clone()], Type::Double),
                    fcn(&[data, cluster.clone()], cluster.clone()),
                ],
                &t,
            )
            .unwrap();
        assert_eq!(m.ret, Type::array(cluster));
    }
}
