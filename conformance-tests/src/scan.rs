//! Reading input files: transparent gzip, and a streaming splitter that yields the
//! elements of the suite's top-level `"pfa-tests"` array one at a time.
//!
//! The official file is ~250 MB, so it is never parsed as a whole. The splitter tracks
//! only JSON nesting and string state byte by byte, which works for the pretty-printed
//! official layout (one example per block of lines) and for compact one-line JSON alike.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Opens a file for buffered reading, decompressing it if it starts with the gzip magic
/// bytes (whatever its extension).
///
/// # Errors
/// Any I/O error from opening or peeking at the file.
pub fn open_maybe_gz(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    let mut reader = BufReader::with_capacity(1 << 16, File::open(path)?);
    let head = reader.fill_buf()?;
    if head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b {
        let gz = flate2::read::MultiGzDecoder::new(reader);
        Ok(Box::new(BufReader::with_capacity(1 << 16, gz)))
    } else {
        Ok(Box::new(reader))
    }
}

/// One raw element of the `"pfa-tests"` array.
#[derive(Debug)]
pub struct RawExample {
    /// Position in the array, from 0.
    pub index: usize,
    /// Line (from 1) where the element starts.
    pub line: usize,
    /// The element's JSON text.
    pub text: String,
}

/// Why a suite file could not be split into examples.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanError(pub String);

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Longest top-level key we bother to remember (keys are only compared to "pfa-tests").
const MAX_KEY: usize = 64;

/// Streams the examples of a suite file. Yields `Err` once and then stops if the file is
/// not a JSON object with a `"pfa-tests"` array of objects, or ends early.
pub struct SuiteSplitter<R: BufRead> {
    reader: R,
    line: usize,
    depth: usize,
    in_string: bool,
    escape: bool,
    /// Seen the opening `{` of the document.
    started: bool,
    /// Text of the string being read at depth 1 (keys of the top-level object).
    key_buf: Vec<u8>,
    /// The most recent complete string at depth 1, and whether a `:` followed it.
    last_key: Vec<u8>,
    key_done: bool,
    /// Inside the `"pfa-tests"` array (at depth 2).
    in_tests: bool,
    found_tests: bool,
    tests_closed: bool,
    /// The element being captured, with its start line.
    capture: Option<(usize, Vec<u8>)>,
    next_index: usize,
    finished: bool,
}

impl<R: BufRead> SuiteSplitter<R> {
    /// Wraps a reader positioned at the start of the document.
    pub fn new(reader: R) -> Self {
        SuiteSplitter {
            reader,
            line: 1,
            depth: 0,
            in_string: false,
            escape: false,
            started: false,
            key_buf: Vec::new(),
            last_key: Vec::new(),
            key_done: false,
            in_tests: false,
            found_tests: false,
            tests_closed: false,
            capture: None,
            next_index: 0,
            finished: false,
        }
    }

    fn fail(&mut self, msg: String) -> Option<Result<RawExample, ScanError>> {
        self.finished = true;
        Some(Err(ScanError(msg)))
    }

    /// Processes one byte outside any captured element. Returns an error message for
    /// input that cannot be a suite file.
    fn outer_byte(&mut self, b: u8) -> Result<(), String> {
        if self.in_string {
            if self.escape {
                self.escape = false;
            } else if b == b'\\' {
                self.escape = true;
            } else if b == b'"' {
                self.in_string = false;
                if self.depth == 1 {
                    self.last_key = std::mem::take(&mut self.key_buf);
                    self.key_done = false;
                }
                return Ok(());
            }
            if self.depth == 1 && self.key_buf.len() < MAX_KEY {
                self.key_buf.push(b);
            }
            return Ok(());
        }
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => {}
            b'"' => {
                if !self.started {
                    return Err(not_object());
                }
                self.in_string = true;
                self.key_buf.clear();
            }
            b'{' | b'[' => {
                if !self.started {
                    if b != b'{' {
                        return Err(not_object());
                    }
                    self.started = true;
                } else if self.depth == 1
                    && b == b'['
                    && self.key_done
                    && self.last_key == b"pfa-tests"
                {
                    if self.found_tests {
                        return Err("the file has two \"pfa-tests\" arrays".into());
                    }
                    self.in_tests = true;
                    self.found_tests = true;
                } else if self.in_tests && self.depth == 2 {
                    return Err(format!(
                        "element {} of \"pfa-tests\" (line {}) is not an object",
                        self.next_index, self.line
                    ));
                }
                self.depth += 1;
            }
            b'}' | b']' => {
                if self.depth == 0 {
                    return Err(format!("unbalanced '{}' at line {}", b as char, self.line));
                }
                if self.in_tests && self.depth == 2 {
                    self.in_tests = false;
                    self.tests_closed = true;
                }
                self.depth -= 1;
                if self.depth == 0 {
                    self.finished = true;
                }
            }
            b':' => {
                if self.depth == 1 {
                    self.key_done = true;
                }
            }
            b',' => {}
            _ => {
                if !self.started {
                    return Err(not_object());
                }
                if self.in_tests && self.depth == 2 {
                    return Err(format!(
                        "element {} of \"pfa-tests\" (line {}) is not an object",
                        self.next_index, self.line
                    ));
                }
            }
        }
        Ok(())
    }

    /// Processes one byte of a captured element; returns true when the element is
    /// complete.
    fn capture_byte(&mut self, b: u8) -> bool {
        if let Some((_, buf)) = self.capture.as_mut() {
            buf.push(b);
        }
        if self.in_string {
            if self.escape {
                self.escape = false;
            } else if b == b'\\' {
                self.escape = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return false;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth -= 1;
                return self.depth == 2;
            }
            _ => {}
        }
        false
    }
}

fn not_object() -> String {
    "not a PFA test suite: the file must be a JSON object with a \"pfa-tests\" array".into()
}

impl<R: BufRead> Iterator for SuiteSplitter<R> {
    type Item = Result<RawExample, ScanError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished && self.capture.is_none() {
            return None;
        }
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return self.fail(format!("read error at line {}: {e}", self.line)),
            };
            if chunk.is_empty() {
                // End of input.
                if let Some((line, _)) = self.capture.take() {
                    return self.fail(format!(
                        "the file ends inside example {} (starting at line {line}): truncated?",
                        self.next_index
                    ));
                }
                if self.finished {
                    return None;
                }
                let msg = if !self.started {
                    "the file is empty".to_string()
                } else if !self.found_tests {
                    "no \"pfa-tests\" array found in the file".to_string()
                } else {
                    "the file ends before the document is closed: truncated?".to_string()
                };
                return self.fail(msg);
            }
            // Copy out so the reader can be borrowed again; chunks are at most 64 KiB.
            let chunk: Vec<u8> = chunk.to_vec();
            let mut used = 0;
            for &b in &chunk {
                used += 1;
                if b == b'\n' {
                    self.line += 1;
                }
                if self.capture.is_some() {
                    if self.capture_byte(b) {
                        let (line, buf) = self.capture.take().unwrap_or_default();
                        self.reader.consume(used);
                        let index = self.next_index;
                        self.next_index += 1;
                        return match String::from_utf8(buf) {
                            Ok(text) => Some(Ok(RawExample { index, line, text })),
                            Err(_) => self
                                .fail(format!("example {index} (line {line}) is not valid UTF-8")),
                        };
                    }
                    continue;
                }
                if self.finished {
                    // Only whitespace may follow the document.
                    if !b.is_ascii_whitespace() {
                        self.reader.consume(used);
                        return self.fail(format!(
                            "unexpected text after the end of the document at line {}",
                            self.line
                        ));
                    }
                    continue;
                }
                if self.in_tests && self.depth == 2 && !self.in_string && b == b'{' {
                    self.depth += 1;
                    self.capture = Some((self.line, vec![b]));
                    continue;
                }
                if let Err(msg) = self.outer_byte(b) {
                    self.reader.consume(used);
                    return self.fail(msg);
                }
            }
            self.reader.consume(used);
            if self.finished && !self.found_tests {
                return self.fail("no \"pfa-tests\" array found in the file".into());
            }
            let _ = self.tests_closed;
        }
    }
}

/// Reads a whole (small) file as text, decompressing gzip.
///
/// # Errors
/// I/O errors and invalid UTF-8.
pub fn read_text(path: &Path) -> io::Result<String> {
    let mut s = String::new();
    open_maybe_gz(path)?.read_to_string(&mut s)?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<Result<String, String>> {
        SuiteSplitter::new(text.as_bytes())
            .map(|r| r.map(|e| e.text).map_err(|e| e.0))
            .collect()
    }

    #[test]
    fn compact_and_pretty() {
        let compact =
            r#"{"pfa-version":"0.8.1","pfa-tests":[{"function":"+","x":"}]{["},{"function":"-"}]}"#;
        assert_eq!(
            split(compact),
            vec![
                Ok(r#"{"function":"+","x":"}]{["}"#.to_string()),
                Ok(r#"{"function":"-"}"#.to_string())
            ]
        );
        let pretty = "{\"pfa-version\": \"0.8.1\",\n \"pfa-tests\": [\n     {\"function\": \"a\\\"\",\n      \"t\": [1]\n     },\n     {\"function\": \"b\"}\n ]}\n";
        let got = split(pretty);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].as_ref().unwrap(),
            "{\"function\": \"a\\\"\",\n      \"t\": [1]\n     }"
        );
    }

    #[test]
    fn key_order_and_other_keys() {
        let text = r#"{"pfa-tests": [], "other": {"pfa-tests": [1]}}"#;
        assert_eq!(split(text), vec![]);
        let text = r#"{"x": ["pfa-tests", [{"a": 1}]], "pfa-tests": [{"b": 2}]}"#;
        assert_eq!(split(text), vec![Ok(r#"{"b": 2}"#.to_string())]);
    }

    #[test]
    fn errors() {
        assert!(split("")
            .last()
            .unwrap()
            .as_ref()
            .unwrap_err()
            .contains("empty"));
        assert!(split("[1,2]").last().unwrap().is_err());
        assert!(split(r#"{"a": 1}"#)
            .last()
            .unwrap()
            .as_ref()
            .unwrap_err()
            .contains("no \"pfa-tests\""));
        let trunc = split(r#"{"pfa-tests": [{"function": "x"}, {"function": "#);
        assert_eq!(trunc.len(), 2);
        assert!(trunc[1].as_ref().unwrap_err().contains("truncated"));
        let bad = split(r#"{"pfa-tests": [1]}"#);
        assert!(bad[0].as_ref().unwrap_err().contains("not an object"));
    }
}
