//! Turns a path in a document (`action[0].let.x`, as the engine reports it) into a line and
//! column in the document's text, for error messages.
//!
//! The path is first resolved against the parsed document, which settles keys that contain
//! dots (`a.sort`), then followed through the text: exactly for JSON, and for YAML through
//! block mappings and sequences by indentation, as deep as the block structure goes (the
//! position of the enclosing flow collection otherwise).

use serde_json::Value as Json;

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Splits `path` into steps, using `doc` to tell a key with dots from nested keys.
fn steps(doc: &Json, path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    let mut node = Some(doc);
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let Some(close) = r.find(']') else { break };
            let Ok(i) = r[..close].parse::<usize>() else {
                break;
            };
            out.push(Step::Index(i));
            node = node.and_then(|n| n.get(i));
            rest = &r[close + 1..];
            continue;
        }
        let r = rest.strip_prefix('.').unwrap_or(rest);
        // The longest key of this object that the rest of the path starts with.
        let key = node.and_then(|n| n.as_object()).and_then(|o| {
            o.keys()
                .filter(|k| {
                    r.strip_prefix(k.as_str())
                        .is_some_and(|t| t.is_empty() || t.starts_with('.') || t.starts_with('['))
                })
                .max_by_key(|k| k.len())
                .cloned()
        });
        let key = match key {
            Some(k) => k,
            None => {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                if end == 0 {
                    break;
                }
                r[..end].to_string()
            }
        };
        node = node.and_then(|n| n.get(&key));
        rest = &r[key.len()..];
        out.push(Step::Key(key));
    }
    out
}

/// The 1-based line and column of the member at `path` in `text`, if it can be found.
pub fn locate(text: &str, doc: &Json, path: &str) -> Option<(usize, usize)> {
    if path.is_empty() || path.starts_with('(') {
        return None;
    }
    let steps = steps(doc, path);
    let offset = if text.trim_start().starts_with('{') {
        json_find(text.as_bytes(), &steps)?
    } else {
        yaml_find(text, &steps)?
    };
    let before = text.get(..offset)?;
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    Some((line, col))
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The end of the JSON string starting at `i` (which is a quote).
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The end of the JSON value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    loop {
        let c = *b.get(j)?;
        match c {
            b'"' => j = skip_string(b, j)?,
            b'{' | b'[' => {
                depth += 1;
                j += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                j += 1;
            }
            _ => j += 1,
        }
        if depth == 0 {
            // A scalar ends at a delimiter; a container at its closing bracket.
            if c == b'"' || c == b'}' || c == b']' {
                return Some(j);
            }
            if c != b'{' && c != b'[' {
                while j < b.len() && !matches!(b[j], b',' | b'}' | b']') {
                    j += 1;
                }
                return Some(j);
            }
        }
    }
}

fn json_find(b: &[u8], steps: &[Step]) -> Option<usize> {
    let mut i = skip_ws(b, 0);
    for step in steps {
        match (step, b.get(i)?) {
            (Step::Key(k), b'{') => {
                i = skip_ws(b, i + 1);
                loop {
                    if b.get(i)? != &b'"' {
                        return None;
                    }
                    let end = skip_string(b, i)?;
                    let key: String = serde_json::from_slice(&b[i..end]).ok()?;
                    i = skip_ws(b, end);
                    if b.get(i)? != &b':' {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                    if key == *k {
                        break;
                    }
                    i = skip_ws(b, skip_value(b, i)?);
                    match b.get(i)? {
                        b',' => i = skip_ws(b, i + 1),
                        _ => return None,
                    }
                }
            }
            (Step::Index(n), b'[') => {
                i = skip_ws(b, i + 1);
                for _ in 0..*n {
                    i = skip_ws(b, skip_value(b, i)?);
                    match b.get(i)? {
                        b',' => i = skip_ws(b, i + 1),
                        _ => return None,
                    }
                }
            }
            _ => return None,
        }
    }
    Some(i)
}

/// YAML lines as entries of (offset, indentation, content), blank lines and comments left
/// out. A `- ` prefix becomes an entry of its own, with what follows it one level deeper,
/// so block mappings and sequences can be walked by indentation alone.
fn yaml_entries(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let mut content = body.trim_start_matches(' ');
        let mut indent = body.len() - content.len();
        if !content.is_empty() && !content.starts_with('#') {
            while content == "-" || content.starts_with("- ") {
                out.push((offset + indent, indent, "-"));
                let rest = content[1..].trim_start_matches(' ');
                indent += content.len() - rest.len();
                content = rest;
            }
            if !content.is_empty() {
                out.push((offset + indent, indent, content));
            }
        }
        offset += line.len();
    }
    out
}

/// The key a YAML mapping entry starts with (`key:`, `"key":`, `'key':`) and the length
/// of the text up to and including the colon.
fn yaml_key(content: &str) -> Option<(String, usize)> {
    if let Some(q) = content.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let rest = &content[1..];
        let end = rest.find(q)?;
        return rest[end + 1..]
            .starts_with(':')
            .then(|| (rest[..end].to_string(), end + 3));
    }
    let end = content
        .find(": ")
        .or_else(|| content.strip_suffix(':').map(|s| s.len()))?;
    Some((content[..end].to_string(), end + 1))
}

/// Follows `steps` through YAML block structure; stops (returning the last position
/// found) at a value written on its key's line (a scalar or a flow collection).
fn yaml_find(text: &str, steps: &[Step]) -> Option<usize> {
    let e = yaml_entries(text);
    let (mut from, mut to) = (0, e.len());
    let mut pos = e.first()?.0;
    for (si, step) in steps.iter().enumerate() {
        // Where the block structure ends (a flow collection, or a path it does not
        // have), JSON-like flow text may still be followed; else the deepest position.
        let rest = || {
            let flow = text.as_bytes().get(pos..).unwrap_or_default();
            json_find(flow, &steps[si..]).map(|o| pos + o).or(Some(pos))
        };
        let Some(indent) = e.get(from).filter(|_| from < to).map(|x| x.1) else {
            return rest();
        };
        let is_item = |m: usize| e[m].1 == indent && e[m].2 == "-";
        match step {
            Step::Key(k) => {
                let Some(j) = (from..to).find(|&m| {
                    e[m].1 == indent && yaml_key(e[m].2).is_some_and(|(key, _)| key == *k)
                }) else {
                    return rest();
                };
                let (off, _, content) = e[j];
                let klen = yaml_key(content).map(|x| x.1).unwrap_or(0);
                let after = content.get(klen..).unwrap_or("");
                let value = after.trim_start();
                if !value.is_empty() && !value.starts_with('#') {
                    pos = off + content.len() - value.len();
                    let flow = text.as_bytes().get(pos..).unwrap_or_default();
                    return json_find(flow, &steps[si + 1..])
                        .map(|o| pos + o)
                        .or(Some(pos));
                }
                pos = off;
                // The value's block: deeper entries, or "- " items at the key's own
                // indentation (a compact sequence).
                let end = (j + 1..to)
                    .find(|&m| e[m].1 < indent || (e[m].1 == indent && !is_item(m)))
                    .unwrap_or(to);
                from = j + 1;
                to = end;
            }
            Step::Index(n) => {
                let Some(j) = (from..to).filter(|&m| is_item(m)).nth(*n) else {
                    return rest();
                };
                let end = (j + 1..to).find(|&m| e[m].1 <= indent).unwrap_or(to);
                pos = e
                    .get(j + 1)
                    .filter(|_| j + 1 < end)
                    .map(|x| x.0)
                    .unwrap_or(e[j].0);
                from = j + 1;
                to = end;
            }
        }
    }
    Some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, path: &str) -> Option<(usize, usize)> {
        let doc = pfa_core::syntax::read_text(text).ok()?;
        locate(text, &doc, path)
    }

    #[test]
    fn json_paths() {
        let t = "{\n  \"input\": \"double\",\n  \"action\": [\n    {\"a.sort\": [1]},\n    {\"+\": [1, {\"x\": 2}]}\n  ]\n}";
        assert_eq!(at(t, "input"), Some((2, 12)));
        assert_eq!(at(t, "action[0].a.sort"), Some((4, 16)));
        assert_eq!(at(t, "action[1].+[1].x"), Some((5, 21)));
        assert_eq!(at(t, "nothing"), None);
    }

    #[test]
    fn yaml_paths() {
        let t = "input: double\noutput: double\naction:\n  - let:\n      x: 1\n  - +: [x, 1]\n";
        assert_eq!(at(t, "output"), Some((2, 9)));
        assert_eq!(at(t, "action[0].let.x"), Some((5, 10)));
        assert_eq!(at(t, "action[1]"), Some((6, 5)));
        let t = "action:\n  - {\"+\": [y, 1]}\n";
        assert_eq!(at(t, "action[0].+[0]"), Some((2, 12)));
    }
}
