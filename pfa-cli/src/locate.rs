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

/// Indentation and content of a YAML line, ignoring blank lines and comments.
fn yaml_lines(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let content = body.trim_start_matches(' ');
        let indent = body.len() - content.len();
        if !content.is_empty() && !content.starts_with('#') {
            out.push((offset + indent, indent, content));
        }
        offset += line.len();
    }
    out
}

/// The key a YAML mapping line starts with (`key:`, `"key":`, `'key':`).
fn yaml_key(content: &str) -> Option<String> {
    if let Some(q) = content.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let rest = &content[1..];
        let end = rest.find(q)?;
        return rest[end + 1..]
            .starts_with(':')
            .then(|| rest[..end].to_string());
    }
    let end = content
        .find(": ")
        .or_else(|| content.strip_suffix(':').map(|s| s.len()))?;
    Some(content[..end].to_string())
}

/// Follows `steps` through YAML block structure; stops (returning the last position
/// found) where a value is written in flow style.
fn yaml_find(text: &str, steps: &[Step]) -> Option<usize> {
    let lines = yaml_lines(text);
    // The current node: lines [from, to) of its block, its indentation, and the offset
    // where it starts. `col` is an extra indentation for nodes that start after "- ".
    let mut from = 0;
    let mut to = lines.len();
    let mut pos = lines.first()?.0;
    let mut inline: Option<(usize, &str)> = None;
    for step in steps {
        // A node written on the same line as its key or dash ("- key: v", "key: - x").
        if let Some((off, content)) = inline.take() {
            match step {
                Step::Key(k) if yaml_key(content).as_deref() == Some(k.as_str()) => {
                    // The value of the first key of an inline mapping: its block is the
                    // following more-indented lines (plus the rest of this line).
                    let base_indent = off - text[..off].rfind('\n').map(|p| p + 1).unwrap_or(0);
                    let value = &content[k.len() + 1..].trim_start();
                    if !value.is_empty() {
                        return Some(off + content.len() - value.len());
                    }
                    let child_to = lines[from..to]
                        .iter()
                        .position(|l| l.1 <= base_indent)
                        .map(|p| from + p)
                        .unwrap_or(to);
                    to = child_to;
                    pos = off;
                    continue;
                }
                _ => {}
            }
        }
        let (first_off, indent, _) = *lines.get(from)?;
        let _ = first_off;
        let mut found = None;
        match step {
            Step::Key(k) => {
                for j in from..to {
                    let (off, ind, content) = lines[j];
                    if ind == indent && yaml_key(content).as_deref() == Some(k.as_str()) {
                        found = Some((j, off, content, k.len()));
                        break;
                    }
                }
                let (j, off, content, klen) = found?;
                // The key's block: following lines indented deeper (or "- " items at the
                // same indentation, YAML's compact sequences).
                let end = (j + 1..to)
                    .find(|&m| {
                        lines[m].1 < indent
                            || (lines[m].1 == indent && !lines[m].2.starts_with("- "))
                    })
                    .unwrap_or(to);
                let rest = content
                    .get(klen + 2..)
                    .or_else(|| content.get(klen + 1..))
                    .unwrap_or("");
                let rest_q = if content.starts_with(['"', '\'']) {
                    content.get(klen + 4..).unwrap_or("")
                } else {
                    rest
                };
                let value = rest_q.trim_start();
                if !value.is_empty() && !value.starts_with('#') {
                    // Value on the key's line: a scalar or flow collection; stop here.
                    pos = off + content.len() - value.len();
                    if value.starts_with("- ") {
                        inline = Some((pos, value));
                    }
                    from = j + 1;
                    to = end;
                    if !value.starts_with("- ") {
                        return Some(pos);
                    }
                    continue;
                }
                pos = off;
                from = j + 1;
                to = end;
            }
            Step::Index(n) => {
                let mut count = 0;
                for j in from..to {
                    let (off, ind, content) = lines[j];
                    if ind == indent && content.starts_with("- ") || content == "-" {
                        if count == *n {
                            found = Some((j, off, content, 0));
                            break;
                        }
                        count += 1;
                    }
                }
                let (j, off, content, _) = found?;
                let end = (j + 1..to).find(|&m| lines[m].1 <= indent).unwrap_or(to);
                let item = content.strip_prefix('-').unwrap_or("").trim_start();
                pos = off + content.len() - item.len();
                if item.is_empty() {
                    pos = off;
                } else {
                    inline = Some((pos, item));
                }
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
        assert_eq!(at(t, "action[1].+[1].x"), Some((5, 20)));
        assert_eq!(at(t, "nothing"), None);
    }

    #[test]
    fn yaml_paths() {
        let t = "input: double\noutput: double\naction:\n  - let:\n      x: 1\n  - +: [x, 1]\n";
        assert_eq!(at(t, "output"), Some((2, 9)));
        assert_eq!(at(t, "action[0].let.x"), Some((5, 10)));
        assert_eq!(at(t, "action[1]"), Some((6, 5)));
    }
}
