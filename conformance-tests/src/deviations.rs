//! Trials where pfa-core deliberately follows the specification rather than the recorded
//! expectation (explained in `DEVIATIONS.md`), listed one per line in a JSONL file:
//! `{"function": NAME, "sample": {...}, "why": TITLE}` for suite trials and
//! `{"vector": ID, "why": TITLE}` for whole vectors. Suite trials are matched by function
//! and the canonical JSON of the sample, so the list works on any copy of the suite.

use std::collections::HashMap;

use serde_json::Value as Json;

/// The listed deviations.
#[derive(Clone, Debug, Default)]
pub struct Deviations {
    /// Function → canonical sample → why.
    suite: HashMap<String, HashMap<String, String>>,
    /// Vector id → why.
    vectors: HashMap<String, String>,
}

impl Deviations {
    /// Parses a deviations file (blank lines and lines starting with `#` are ignored).
    ///
    /// # Errors
    /// The first malformed line, with its number.
    pub fn parse(text: &str) -> Result<Deviations, String> {
        let mut d = Deviations::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |m: &str| format!("line {}: {m}", n + 1);
            let j: Json = serde_json::from_str(line).map_err(|e| bad(&e.to_string()))?;
            let why = j
                .get("why")
                .and_then(Json::as_str)
                .ok_or_else(|| bad("missing \"why\""))?
                .to_string();
            match (j.get("function"), j.get("sample"), j.get("vector")) {
                (Some(Json::String(f)), Some(s), None) => {
                    d.suite
                        .entry(f.clone())
                        .or_default()
                        .insert(canonical(s), why);
                }
                (None, None, Some(Json::String(v))) => {
                    d.vectors.insert(v.clone(), why);
                }
                _ => {
                    return Err(bad(
                        "expected either \"function\" and \"sample\", or \"vector\"",
                    ))
                }
            }
        }
        Ok(d)
    }

    /// Reads and parses a deviations file.
    ///
    /// # Errors
    /// An unreadable or malformed file.
    pub fn load(path: &std::path::Path) -> Result<Deviations, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read deviations {}: {e}", path.display()))?;
        Deviations::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Whether no deviation is listed.
    pub fn is_empty(&self) -> bool {
        self.suite.is_empty() && self.vectors.is_empty()
    }

    /// Whether some trial of `function` is listed (a cheap test before canonicalizing).
    pub fn has_function(&self, function: &str) -> bool {
        self.suite.contains_key(function)
    }

    /// The key of the listed trial of `function` with this sample, if it is listed.
    pub fn trial_key(&self, function: &str, sample: &Json) -> Option<String> {
        let c = canonical(sample);
        self.suite
            .get(function)?
            .contains_key(&c)
            .then(|| format!("{function} {c}"))
    }

    /// Whether the vector `id` is listed.
    pub fn has_vector(&self, id: &str) -> bool {
        self.vectors.contains_key(id)
    }

    /// Every listed entry as (name it belongs to, key), the key as [`Deviations::trial_key`]
    /// gives it for trials and the id for vectors, sorted.
    pub fn entries(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .suite
            .iter()
            .flat_map(|(f, m)| m.keys().map(move |c| (f.clone(), format!("{f} {c}"))))
            .chain(self.vectors.keys().map(|id| (id.clone(), id.clone())))
            .collect();
        v.sort();
        v
    }
}

/// JSON text with object keys sorted at every level, so that equal values written in
/// different key orders compare equal.
pub fn canonical(j: &Json) -> String {
    let mut s = String::new();
    write_canonical(j, &mut s);
    s
}

fn write_canonical(j: &Json, out: &mut String) {
    match j {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Json::String(k.clone()).to_string());
                out.push(':');
                if let Some(v) = m.get(k) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        Json::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parsing_and_matching() {
        let d = Deviations::parse(
            "# c\n{\"function\": \"//\", \"sample\": {\"y\": 2, \"x\": -7}, \"why\": \"w\"}\n\n{\"vector\": \"titus-1\", \"why\": \"v\"}\n",
        )
        .unwrap();
        assert!(d.has_function("//") && !d.has_function("+"));
        assert!(d.trial_key("//", &json!({"x": -7, "y": 2})).is_some());
        assert!(d.trial_key("//", &json!({"x": 7, "y": 2})).is_none());
        assert!(d.has_vector("titus-1"));
        assert_eq!(d.entries().len(), 2);
        assert!(Deviations::parse("{\"function\": \"f\", \"why\": \"w\"}").is_err());
        assert!(Deviations::parse("{\"vector\": \"v\"}").is_err());
        assert_eq!(
            canonical(&json!({"b": [1, {"d": 1, "c": 2}], "a": null})),
            "{\"a\":null,\"b\":[1,{\"c\":2,\"d\":1}]}"
        );
    }
}
