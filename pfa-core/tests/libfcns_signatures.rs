//! Every `<sig>` of the spec's function list (`libfcns.xml`), written in the signature
//! notation, must parse; generic signatures instantiated with concrete types must match
//! them; and a few functions with intricate signatures match sample arguments as the
//! spec describes. Skipped (with a note) if the spec files are not next to the
//! workspace.

use std::collections::HashMap;

use pfa_core::types::accepts::union_of;
use pfa_core::types::pattern::{Pattern, Signature};
use pfa_core::types::schema::resolve_all;
use pfa_core::types::{FcnType, Type, TypeTable};
use serde_json::json;

/// A parsed XML element (just enough XML for `libfcns.xml`).
#[derive(Debug)]
enum Node {
    Elem {
        tag: String,
        attrs: Vec<(String, String)>,
        children: Vec<Node>,
    },
    Text(String),
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn parse_attrs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().to_string();
        let after = &rest[eq + 1..];
        let quote = after.chars().next().expect("quoted attribute");
        let body = &after[1..];
        let end = body.find(quote).expect("closing quote");
        out.push((name, unescape(&body[..end])));
        rest = body[end + 1..].trim_start();
    }
    out
}

/// Parses a whole document into a list of top-level nodes.
fn parse_xml(text: &str) -> Vec<Node> {
    let mut stack: Vec<Open> = vec![(String::new(), Vec::new(), Vec::new())];
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").expect("comment end");
            rest = &after[end + 3..];
        } else if let Some(after) = rest.strip_prefix("<?") {
            let end = after.find("?>").expect("declaration end");
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').expect("tag end");
            let (tag, attrs, children) = stack.pop().expect("balanced tags");
            assert_eq!(tag, after[..end].trim(), "mismatched closing tag");
            stack.last_mut().expect("open parent").2.push(Node::Elem {
                tag,
                attrs,
                children,
            });
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').expect("tag end");
            let inner = &after[..end];
            let (inner, empty) = match inner.strip_suffix('/') {
                Some(x) => (x, true),
                None => (inner, false),
            };
            let (tag, attrs) = match inner.find(char::is_whitespace) {
                Some(i) => (inner[..i].to_string(), parse_attrs(&inner[i..])),
                None => (inner.to_string(), Vec::new()),
            };
            if empty {
                stack.last_mut().expect("open parent").2.push(Node::Elem {
                    tag,
                    attrs,
                    children: Vec::new(),
                });
            } else {
                stack.push((tag, attrs, Vec::new()));
            }
            rest = &after[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            stack
                .last_mut()
                .expect("open parent")
                .2
                .push(Node::Text(unescape(&rest[..end])));
            rest = &rest[end..];
        }
    }
    assert_eq!(stack.len(), 1, "unclosed tags");
    stack.pop().map(|x| x.2).unwrap_or_default()
}

/// An element still open while parsing: tag, attributes, children so far.
type Open = (String, Vec<(String, String)>, Vec<Node>);

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn elems(children: &[Node]) -> Vec<&Node> {
    children
        .iter()
        .filter(|c| matches!(c, Node::Elem { .. }))
        .collect()
}

fn children_of(n: &Node) -> &[Node] {
    match n {
        Node::Elem { children, .. } => children,
        Node::Text(_) => &[],
    }
}

/// The pattern held by a `<par>`, `<ret>`, `<field>` or `<union>` element.
fn content(children: &[Node]) -> String {
    let es = elems(children);
    if es.is_empty() {
        return children
            .iter()
            .filter_map(|c| match c {
                Node::Text(t) => Some(t.trim()),
                Node::Elem { .. } => None,
            })
            .collect::<String>();
    }
    // Consecutive <union> siblings are the branches of one union.
    if es
        .iter()
        .all(|e| matches!(e, Node::Elem { tag, .. } if tag == "union"))
    {
        let parts: Vec<String> = es.iter().map(|e| content(children_of(e))).collect();
        return format!("union<{}>", parts.join(", "));
    }
    assert_eq!(es.len(), 1, "one pattern per slot");
    pattern(es[0])
}

fn pattern(n: &Node) -> String {
    let Node::Elem {
        tag,
        attrs,
        children,
    } = n
    else {
        unreachable!("only elements are patterns")
    };
    let label = || attr(attrs, "label").expect("label").to_string();
    match tag.as_str() {
        "any" => match attr(attrs, "of") {
            Some(of) => format!("any {} of {{{of}}}", label()),
            None => format!("any {}", label()),
        },
        "ref" => label(),
        "array" | "map" => format!("{tag}<{}>", content(children)),
        "function" => {
            let es = elems(children);
            let params: Vec<String> = es
                .iter()
                .filter(|e| matches!(e, Node::Elem { tag, .. } if tag == "par"))
                .map(|e| content(children_of(e)))
                .collect();
            let ret = es
                .iter()
                .find(|e| matches!(e, Node::Elem { tag, .. } if tag == "ret"))
                .map(|e| content(children_of(e)))
                .expect("function return");
            format!("fcn({}) -> {ret}", params.join(", "))
        }
        "record" => {
            let fields: Vec<String> = elems(children)
                .iter()
                .map(|f| match f {
                    Node::Elem {
                        attrs, children, ..
                    } => format!(
                        "{}: {}",
                        attr(attrs, "name").expect("field name"),
                        content(children)
                    ),
                    Node::Text(_) => unreachable!(),
                })
                .collect();
            if fields.is_empty() {
                format!("record {}", label())
            } else {
                format!("record {} {{{}}}", label(), fields.join(", "))
            }
        }
        "enum" => match attr(attrs, "ofRecord") {
            Some(d) => format!("enum {} of fields of {d}", label()),
            None => format!("enum {}", label()),
        },
        "fixed" => format!("fixed {}", label()),
        other => panic!("unknown pattern element <{other}>"),
    }
}

/// (function name, signature text) for every `<sig>` in the document.
fn signatures(doc: &[Node]) -> Vec<(String, String)> {
    fn walk(nodes: &[Node], out: &mut Vec<(String, String)>) {
        for n in nodes {
            let Node::Elem {
                tag,
                attrs,
                children,
            } = n
            else {
                continue;
            };
            if tag == "fcn" {
                let name = attr(attrs, "name").expect("fcn name").to_string();
                for s in elems(children) {
                    let Node::Elem {
                        tag, children: sc, ..
                    } = s
                    else {
                        continue;
                    };
                    if tag != "sig" {
                        continue;
                    }
                    let mut params = Vec::new();
                    let mut ret = None;
                    for p in elems(sc) {
                        if let Node::Elem {
                            tag,
                            attrs,
                            children,
                        } = p
                        {
                            match tag.as_str() {
                                "par" => params.push(format!(
                                    "{}: {}",
                                    attr(attrs, "name").expect("par name"),
                                    content(children)
                                )),
                                "ret" => ret = Some(content(children)),
                                _ => {}
                            }
                        }
                    }
                    let ret = ret.expect("sig return");
                    out.push((name.clone(), format!("({}) -> {ret}", params.join(", "))));
                }
            } else {
                walk(children, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut out);
    out
}

fn load() -> Option<Vec<(String, String)>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/spec/libfcns.xml");
    match std::fs::read_to_string(path) {
        Ok(text) => Some(signatures(&parse_xml(&text))),
        Err(e) => {
            println!("note: skipping, cannot read {path}: {e}");
            None
        }
    }
}

fn fcn(params: &[Type], ret: Type) -> Type {
    Type::Fcn(FcnType {
        params: params.to_vec(),
        ret: Box::new(ret),
    })
}

/// Whether a pattern contains record, enum or fixed wildcards (which need named types).
fn needs_named(p: &Pattern) -> bool {
    match p {
        Pattern::Record { .. } | Pattern::Enum { .. } | Pattern::Fixed { .. } => true,
        Pattern::Array(x) | Pattern::Map(x) => needs_named(x),
        Pattern::Union(xs) => xs.iter().any(needs_named),
        Pattern::Fcn { params, ret } => params.iter().any(needs_named) || needs_named(ret),
        _ => false,
    }
}

/// Picks a concrete type per label: the first `of` type, or a distinct primitive.
fn choose(p: &Pattern, bindings: &mut HashMap<String, Type>) {
    const POOL: [Type; 4] = [Type::String, Type::Int, Type::Boolean, Type::Bytes];
    match p {
        Pattern::Any { label, of } => {
            let n = bindings.len();
            bindings.entry(label.clone()).or_insert_with(|| match of {
                Some(of) => of[0].clone(),
                None => POOL[n % POOL.len()].clone(),
            });
        }
        Pattern::Array(x) | Pattern::Map(x) => choose(x, bindings),
        Pattern::Union(xs) => xs.iter().for_each(|x| choose(x, bindings)),
        Pattern::Fcn { params, ret } => {
            params.iter().for_each(|x| choose(x, bindings));
            choose(ret, bindings);
        }
        _ => {}
    }
}

/// The concrete type of a pattern with every label replaced by its chosen type.
fn instantiate(p: &Pattern, b: &HashMap<String, Type>) -> Option<Type> {
    Some(match p {
        Pattern::Any { label, .. } | Pattern::Ref(label) => b.get(label)?.clone(),
        Pattern::Array(x) => Type::array(instantiate(x, b)?),
        Pattern::Map(x) => Type::map(instantiate(x, b)?),
        Pattern::Union(xs) => union_of(
            xs.iter()
                .map(|x| instantiate(x, b))
                .collect::<Option<Vec<_>>>()?,
        ),
        Pattern::Fcn { params, ret } => fcn(
            &params
                .iter()
                .map(|x| instantiate(x, b))
                .collect::<Option<Vec<_>>>()?,
            instantiate(ret, b)?,
        ),
        other => other.concrete()?,
    })
}

#[test]
fn every_signature_parses_and_matches_its_instances() {
    let Some(sigs) = load() else { return };
    let table = TypeTable::new();
    let mut failures = Vec::new();
    let (mut parsed, mut instantiated, mut matched) = (0, 0, 0);
    for (name, text) in &sigs {
        let sig = match Signature::parse(text) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        parsed += 1;
        if sig.params.iter().any(|(_, p)| needs_named(p)) {
            continue;
        }
        let mut bindings = HashMap::new();
        sig.params
            .iter()
            .for_each(|(_, p)| choose(p, &mut bindings));
        let Some(args) = sig
            .params
            .iter()
            .map(|(_, p)| instantiate(p, &bindings))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        instantiated += 1;
        match sig.matches(&args, &table) {
            Some(m) => {
                matched += 1;
                assert_eq!(m.params, args, "{name} {text}");
                if let Some(want) = instantiate(&sig.ret, &bindings) {
                    assert_eq!(m.ret, want, "{name} {text}");
                }
            }
            None => failures.push(format!("{name}: {text} does not match {args:?}")),
        }
    }
    println!(
        "libfcns.xml: {} signatures, {parsed} parsed, {instantiated} instantiated, {matched} matched",
        sigs.len()
    );
    assert!(sigs.len() > 600, "expected the full function list");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The signatures of one function, parsed.
fn sigs_of(all: &[(String, String)], name: &str) -> Vec<Signature> {
    let out: Vec<Signature> = all
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, t)| Signature::parse(t).expect("parses"))
        .collect();
    assert!(!out.is_empty(), "{name} is in libfcns.xml");
    out
}

/// The first matching signature's index, parameter types and return type.
fn call(
    all: &[(String, String)],
    name: &str,
    args: &[Type],
    table: &TypeTable,
) -> Option<(usize, Vec<Type>, Type)> {
    sigs_of(all, name)
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.matches(args, table).map(|m| (i, m.params, m.ret)))
}

#[test]
fn known_functions_match_samples() {
    let Some(all) = load() else { return };
    let mut table = TypeTable::new();
    let schemas = [
        json!({"type": "record", "name": "Datum", "fields": [
            {"name": "x", "type": "double"}, {"name": "y", "type": "string"}]}),
        json!({"type": "enum", "name": "DatumFields", "symbols": ["x", "y"]}),
        json!({"type": "record", "name": "TreeNode", "fields": [
            {"name": "field", "type": "DatumFields"},
            {"name": "operator", "type": "string"},
            {"name": "value", "type": ["double", "string"]},
            {"name": "pass", "type": ["TreeNode", "string"]},
            {"name": "fail", "type": ["TreeNode", "string"]}]}),
        json!({"type": "record", "name": "Cluster", "fields": [
            {"name": "id", "type": "int"}, {"name": "center", "type": {"type": "array", "items": "double"}}]}),
        json!({"type": "record", "name": "State", "fields": [
            {"name": "count", "type": "double"}, {"name": "mean", "type": "double"}]}),
    ];
    let refs: Vec<&serde_json::Value> = schemas.iter().collect();
    let tys = resolve_all(&refs, &mut table).expect("sample schemas");
    let (datum, node, cluster, state) = (&tys[0], &tys[2], &tys[3], &tys[4]);
    let t = &table;
    let u = |xs: &[Type]| Type::Union(xs.to_vec());
    let arr = Type::array;

    // Spec example 4.4: int + double -> double, arguments promoted.
    assert_eq!(
        call(&all, "+", &[Type::Int, Type::Double], t),
        Some((0, vec![Type::Double, Type::Double], Type::Double))
    );
    assert_eq!(call(&all, "+", &[Type::Int, Type::String], t), None);
    assert_eq!(
        call(&all, "m.round", &[Type::Int], t).map(|x| x.2),
        Some(Type::Int)
    );
    assert_eq!(
        call(&all, "m.round", &[Type::Double], t).map(|x| x.2),
        Some(Type::Long)
    );
    // Spec example 4.5.
    assert_eq!(
        call(
            &all,
            "a.subseq",
            &[arr(Type::String), Type::Int, Type::Int],
            t
        )
        .map(|x| x.2),
        Some(arr(Type::String))
    );
    // Spec example 4.6: a.filter with a predicate that takes the items.
    let filtered = call(
        &all,
        "a.filter",
        &[arr(Type::Int), fcn(&[Type::Double], Type::Boolean)],
        t,
    );
    assert_eq!(filtered.map(|x| x.2), Some(arr(Type::Int)));
    assert_eq!(
        call(
            &all,
            "a.filter",
            &[arr(Type::Double), fcn(&[Type::Int], Type::Boolean)],
            t
        ),
        None
    );
    // Overloads are tried in order: element search vs subsequence vs predicate.
    assert_eq!(
        call(&all, "a.contains", &[arr(Type::Int), Type::Int], t).map(|x| x.0),
        Some(1)
    );
    assert_eq!(
        call(&all, "a.contains", &[arr(Type::Int), arr(Type::Int)], t).map(|x| x.0),
        Some(0)
    );
    assert_eq!(
        call(
            &all,
            "a.contains",
            &[arr(Type::Int), fcn(&[Type::Int], Type::Boolean)],
            t
        )
        .map(|x| x.0),
        Some(2)
    );
    assert_eq!(
        call(
            &all,
            "a.map",
            &[
                arr(Type::Int),
                fcn(&[Type::Int], u(&[Type::Null, Type::String]))
            ],
            t
        )
        .map(|x| x.2),
        Some(arr(u(&[Type::Null, Type::String])))
    );
    assert_eq!(
        call(
            &all,
            "a.fold",
            &[
                arr(Type::Int),
                Type::Int,
                fcn(&[Type::Double, Type::Int], Type::Double)
            ],
            t
        )
        .map(|x| x.2),
        Some(Type::Double)
    );
    // Union wildcards: one wildcard branch per argument branch.
    assert_eq!(
        call(
            &all,
            "impute.defaultOnNull",
            &[u(&[Type::Int, Type::Null]), Type::Int],
            t
        )
        .map(|x| x.2),
        Some(Type::Int)
    );
    assert_eq!(
        call(
            &all,
            "impute.defaultOnNull",
            &[u(&[Type::Int, Type::String, Type::Null]), Type::Int],
            t
        ),
        None
    );
    // Record wildcards with required fields.
    assert_eq!(
        call(
            &all,
            "stat.sample.update",
            &[Type::Double, Type::Int, state.clone()],
            t
        )
        .map(|x| x.2),
        Some(state.clone())
    );
    assert_eq!(
        call(
            &all,
            "stat.sample.update",
            &[Type::Double, Type::Double, datum.clone()],
            t
        ),
        None
    );
    // Trees: the enum must name the datum's fields; pass/fail bind the score type.
    assert_eq!(
        call(
            &all,
            "model.tree.simpleTree",
            &[datum.clone(), node.clone()],
            t
        )
        .map(|x| x.2),
        Some(Type::String)
    );
    assert_eq!(
        call(
            &all,
            "model.tree.simpleWalk",
            &[
                datum.clone(),
                node.clone(),
                fcn(&[datum.clone(), node.clone()], Type::Boolean)
            ],
            t
        )
        .map(|x| x.2),
        Some(Type::String)
    );
    assert_eq!(
        call(
            &all,
            "model.tree.simpleTree",
            &[state.clone(), node.clone()],
            t
        ),
        None
    );
    // Clusters: a user metric over arrays and the record label in the result.
    let dd = arr(Type::Double);
    assert_eq!(
        call(
            &all,
            "model.cluster.closest",
            &[
                dd.clone(),
                arr(cluster.clone()),
                fcn(&[dd.clone(), dd.clone()], Type::Double)
            ],
            t
        )
        .map(|x| x.2),
        Some(cluster.clone())
    );
    assert_eq!(
        call(
            &all,
            "model.cluster.kmeansIteration",
            &[
                arr(dd.clone()),
                arr(cluster.clone()),
                fcn(&[dd.clone(), dd.clone()], Type::Double),
                fcn(&[arr(dd.clone()), cluster.clone()], cluster.clone())
            ],
            t
        )
        .map(|x| x.2),
        Some(arr(cluster.clone()))
    );
    // A label introduced in a function argument's parameters, bound by later arguments.
    let xs = arr(u(&[Type::Null, Type::Double]));
    assert_eq!(
        call(
            &all,
            "metric.euclidean",
            &[
                fcn(&[Type::Double, Type::Double], Type::Double),
                xs.clone(),
                xs
            ],
            t
        )
        .map(|x| x.2),
        Some(Type::Double)
    );
}
