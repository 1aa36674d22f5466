//! Parser for POSIX extended regular expressions (IEEE 1003.1 §9.4) with the GNU
//! extensions that `regcomp(REG_EXTENDED)` accepts: back-references `\1`..`\9`, the
//! class escapes `\w \W \s \S`, and the assertions `\b \B \< \> \` \'`.
//!
//! A pattern is a sequence of units: code points for string patterns, bytes for bytes
//! patterns. Everything that is not an operator is a literal; `\` before an ordinary
//! character makes it literal too (so `\n` is the letter `n`, as in ERE), and inside a
//! bracket expression `\` is an ordinary character.
//!
//! Rejected as bad patterns, like glibc does: a repetition operator with nothing to
//! repeat (`*a`, `(+a)`, `a|*b`, `^*`), malformed or out-of-range intervals (`a{2,1}`,
//! `a{1`, counts above [`DUP_MAX`]), unbalanced `(` or `[`, unknown character classes,
//! reversed ranges, a trailing `\`, and back-references to a group that is not closed
//! yet (`\1`, `(a\1)`). An unmatched `)` is a literal.

/// Largest repetition count (glibc's `RE_DUP_MAX`).
pub(super) const DUP_MAX: u32 = 0x7fff;

/// Deepest nesting of groups accepted; deeper patterns are rejected rather than risking
/// the native stack on recursive processing.
const MAX_DEPTH: usize = 200;

/// Tallest syntax tree accepted (stacked repetitions like `a****` add a level each), so
/// that compiling and dropping the tree, which recurse, stay shallow.
const MAX_HEIGHT: usize = 500;

/// What the units of a pattern and of its haystacks are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Mode {
    /// Unicode code points (string patterns); character classes are Unicode-aware.
    Text,
    /// Bytes (bytes patterns); character classes are ASCII-only.
    Bytes,
}

/// Zero-width assertions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Look {
    /// `^` or `` \` ``: start of the haystack.
    Start,
    /// `$` or `\'`: end of the haystack.
    End,
    /// `\b`
    WordBoundary,
    /// `\B`
    NotWordBoundary,
    /// `\<`
    WordStart,
    /// `\>`
    WordEnd,
}

/// A named character class (`[:alpha:]` and friends, plus the `\w` word class).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Named {
    Alnum,
    Alpha,
    Blank,
    Cntrl,
    Digit,
    Graph,
    Lower,
    Print,
    Punct,
    Space,
    Upper,
    Xdigit,
    /// Alphanumerics and `_` (`\w`).
    Word,
}

impl Named {
    fn from_name(name: &[u32]) -> Option<Named> {
        let name: String = name.iter().filter_map(|&u| char::from_u32(u)).collect();
        Some(match name.as_str() {
            "alnum" => Named::Alnum,
            "alpha" => Named::Alpha,
            "blank" => Named::Blank,
            "cntrl" => Named::Cntrl,
            "digit" => Named::Digit,
            "graph" => Named::Graph,
            "lower" => Named::Lower,
            "print" => Named::Print,
            "punct" => Named::Punct,
            "space" => Named::Space,
            "upper" => Named::Upper,
            "xdigit" => Named::Xdigit,
            _ => return None,
        })
    }

    /// Membership of unit `u`. Bytes mode and ASCII units use the POSIX locale's
    /// definitions; other code points use Unicode properties (as a UTF-8 locale does).
    pub(super) fn contains(self, u: u32, mode: Mode) -> bool {
        if u < 0x80 {
            let b = u as u8;
            return match self {
                Named::Alnum => b.is_ascii_alphanumeric(),
                Named::Alpha => b.is_ascii_alphabetic(),
                Named::Blank => b == b' ' || b == b'\t',
                Named::Cntrl => b.is_ascii_control(),
                Named::Digit => b.is_ascii_digit(),
                Named::Graph => b.is_ascii_graphic(),
                Named::Lower => b.is_ascii_lowercase(),
                Named::Print => b.is_ascii_graphic() || b == b' ',
                Named::Punct => b.is_ascii_punctuation(),
                Named::Space => matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'),
                Named::Upper => b.is_ascii_uppercase(),
                Named::Xdigit => b.is_ascii_hexdigit(),
                Named::Word => b.is_ascii_alphanumeric() || b == b'_',
            };
        }
        if mode == Mode::Bytes {
            return false;
        }
        let Some(c) = char::from_u32(u) else {
            return false;
        };
        let space = c.is_whitespace();
        let cntrl = c.is_control();
        match self {
            Named::Alnum | Named::Word => c.is_alphanumeric(),
            Named::Alpha => c.is_alphabetic(),
            // Horizontal white space: everything white but the line and paragraph breaks.
            Named::Blank => space && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}'),
            Named::Cntrl => cntrl,
            // POSIX: the digit class is exactly 0-9 in every locale.
            Named::Digit | Named::Xdigit => false,
            Named::Graph => !space && !cntrl,
            Named::Lower => c.is_lowercase(),
            Named::Print => !cntrl && (!space || c == ' '),
            Named::Punct => !space && !cntrl && !c.is_alphanumeric(),
            Named::Space => space,
            Named::Upper => c.is_uppercase(),
        }
    }
}

/// A bracket expression or class escape: a set of units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Class {
    /// Matches the units *not* in the set.
    pub(super) negated: bool,
    /// Inclusive unit ranges (single units are one-unit ranges).
    pub(super) ranges: Vec<(u32, u32)>,
    /// Named classes.
    pub(super) named: Vec<Named>,
}

impl Class {
    fn named(n: Named, negated: bool) -> Class {
        Class {
            negated,
            ranges: Vec::new(),
            named: vec![n],
        }
    }

    /// Whether unit `u` is matched.
    pub(super) fn matches(&self, u: u32, mode: Mode) -> bool {
        let inside = self.ranges.iter().any(|&(lo, hi)| lo <= u && u <= hi)
            || self.named.iter().any(|n| n.contains(u, mode));
        inside != self.negated
    }
}

/// Syntax tree of a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Node {
    /// Matches the empty string (`()`, an empty alternative).
    Empty,
    /// One literal unit.
    Unit(u32),
    /// `.`: any unit.
    Any,
    /// A set of units.
    Class(Class),
    /// A zero-width assertion.
    Look(Look),
    /// A capturing group (numbered from 1 in order of `(`).
    Group(u32, Box<Node>),
    /// Items in sequence.
    Concat(Vec<Node>),
    /// Alternatives in order.
    Alt(Vec<Node>),
    /// `node{min,max}`; `max` `None` is unbounded.
    Repeat(Box<Node>, u32, Option<u32>),
    /// `\k`: the text last captured by group `k`.
    Backref(u32),
}

/// Why a pattern was rejected (kept for tests and diagnostics; the library reports
/// every one of them as "bad pattern").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SyntaxError {
    /// A repetition operator without an operand.
    BadRepeat,
    /// A malformed interval `{...}`.
    BadInterval,
    /// A count above [`DUP_MAX`].
    TooBig,
    /// `(` without `)`.
    UnclosedGroup,
    /// `[` without `]`.
    UnclosedBracket,
    /// `[:name:]` with an unknown name, or a collating element of several units.
    BadClass,
    /// A reversed or otherwise invalid range.
    BadRange,
    /// `\` at the end of the pattern.
    TrailingEscape,
    /// `\k` where group `k` is not a closed group.
    BadBackref,
    /// Groups nested too deeply, or a program too large.
    TooComplex,
}

/// A parsed pattern.
#[derive(Debug)]
pub(super) struct Parsed {
    /// The tree.
    pub(super) node: Node,
    /// Number of capturing groups.
    pub(super) groups: u32,
}

/// Parses `pattern`, given as units (code points or bytes).
pub(super) fn parse(pattern: &[u32]) -> Result<Parsed, SyntaxError> {
    let mut p = Parser {
        pat: pattern,
        pos: 0,
        groups: 0,
        closed: Vec::new(),
        depth: 0,
    };
    let (node, _) = p.alternation()?;
    // Only an unmatched `)` can stop the top level early, and at depth 0 it is a literal.
    if p.pos != p.pat.len() {
        return Err(SyntaxError::UnclosedGroup);
    }
    Ok(Parsed {
        node,
        groups: p.groups,
    })
}

struct Parser<'a> {
    pat: &'a [u32],
    pos: usize,
    groups: u32,
    /// `closed[k]`: group k+1 has been closed (back-references may refer to it).
    closed: Vec<bool>,
    depth: usize,
}

const fn u(c: char) -> u32 {
    c as u32
}

impl Parser<'_> {
    fn peek(&self) -> Option<u32> {
        self.pat.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u32> {
        self.pat.get(self.pos + k).copied()
    }

    fn next(&mut self) -> Option<u32> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    /// Each parsing step gives its tree and the tree's height.
    fn alternation(&mut self) -> Result<(Node, usize), SyntaxError> {
        // A back-reference may name a group closed before the alternation or earlier in
        // its own alternative, not one in a sibling alternative (`(a)|\1` is rejected, as
        // glibc does); after the alternation every group closed in it is visible.
        let before = self.closed.clone();
        let (first, mut height) = self.concatenation()?;
        let mut branches = vec![first];
        while self.peek() == Some(u('|')) {
            self.pos += 1;
            // Groups keep their numbers: hide the sibling alternatives' groups in place.
            let seen = self.closed.clone();
            for (i, slot) in self.closed.iter_mut().enumerate() {
                *slot = before.get(i).copied().unwrap_or(false);
            }
            let (branch, h) = self.concatenation()?;
            branches.push(branch);
            height = height.max(h);
            for (i, c) in seen.into_iter().enumerate() {
                if let Some(slot) = self.closed.get_mut(i) {
                    *slot |= c;
                }
            }
        }
        Ok(if branches.len() == 1 {
            (branches.pop().unwrap_or(Node::Empty), height)
        } else {
            (Node::Alt(branches), height + 1)
        })
    }

    fn concatenation(&mut self) -> Result<(Node, usize), SyntaxError> {
        let mut items = Vec::new();
        let mut height = 1;
        loop {
            match self.peek() {
                None => break,
                Some(c) if c == u('|') => break,
                Some(c) if c == u(')') && self.depth > 0 => break,
                Some(_) => {
                    let (item, h) = self.repetition()?;
                    items.push(item);
                    height = height.max(h);
                }
            }
        }
        Ok(match items.len() {
            0 => (Node::Empty, 1),
            1 => (items.pop().unwrap_or(Node::Empty), height),
            _ => (Node::Concat(items), height + 1),
        })
    }

    fn repetition(&mut self) -> Result<(Node, usize), SyntaxError> {
        let (mut node, mut height) = self.atom()?;
        loop {
            if height >= MAX_HEIGHT {
                return Err(SyntaxError::TooComplex);
            }
            let (min, max) = match self.peek() {
                Some(c) if c == u('*') => (0, None),
                Some(c) if c == u('+') => (1, None),
                Some(c) if c == u('?') => (0, Some(1)),
                Some(c) if c == u('{') => {
                    self.pos += 1;
                    if matches!(node, Node::Look(_)) {
                        return Err(SyntaxError::BadRepeat);
                    }
                    let (min, max) = self.interval()?;
                    node = Node::Repeat(Box::new(node), min, max);
                    height += 1;
                    continue;
                }
                _ => break,
            };
            self.pos += 1;
            // ERE leaves a repeated anchor undefined; glibc rejects it.
            if matches!(node, Node::Look(_)) {
                return Err(SyntaxError::BadRepeat);
            }
            node = Node::Repeat(Box::new(node), min, max);
            height += 1;
        }
        Ok((node, height))
    }

    /// The rest of `{m}`, `{m,}`, `{m,n}` or `{,n}` after the `{`.
    fn interval(&mut self) -> Result<(u32, Option<u32>), SyntaxError> {
        let min = self.number()?;
        let (min, max) = if self.peek() == Some(u(',')) {
            self.pos += 1;
            let max = self.number()?;
            (min.unwrap_or(0), max)
        } else {
            match min {
                Some(m) => (m, Some(m)),
                None => return Err(SyntaxError::BadInterval),
            }
        };
        if self.next() != Some(u('}')) {
            return Err(SyntaxError::BadInterval);
        }
        if let Some(max) = max {
            if max < min {
                return Err(SyntaxError::BadInterval);
            }
        }
        Ok((min, max))
    }

    fn number(&mut self) -> Result<Option<u32>, SyntaxError> {
        let mut value: Option<u32> = None;
        while let Some(d) = self.peek().and_then(|c| char::from_u32(c)?.to_digit(10)) {
            self.pos += 1;
            let v = value.unwrap_or(0).saturating_mul(10).saturating_add(d);
            value = Some(v.min(DUP_MAX + 1));
        }
        match value {
            Some(v) if v > DUP_MAX => Err(SyntaxError::TooBig),
            v => Ok(v),
        }
    }

    fn atom(&mut self) -> Result<(Node, usize), SyntaxError> {
        let Some(c) = self.next() else {
            return Ok((Node::Empty, 1));
        };
        let leaf = match char::from_u32(c) {
            Some('(') => return self.group(),
            Some('*' | '+' | '?' | '{') => Err(SyntaxError::BadRepeat),
            Some('^') => Ok(Node::Look(Look::Start)),
            Some('$') => Ok(Node::Look(Look::End)),
            Some('.') => Ok(Node::Any),
            Some('[') => self.bracket(),
            Some('\\') => self.escape(),
            _ => Ok(Node::Unit(c)),
        };
        Ok((leaf?, 1))
    }

    fn group(&mut self) -> Result<(Node, usize), SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(SyntaxError::TooComplex);
        }
        self.groups += 1;
        let index = self.groups;
        self.closed.push(false);
        self.depth += 1;
        let (inner, height) = self.alternation()?;
        self.depth -= 1;
        if self.next() != Some(u(')')) {
            return Err(SyntaxError::UnclosedGroup);
        }
        if let Some(slot) = self.closed.get_mut(index as usize - 1) {
            *slot = true;
        }
        Ok((Node::Group(index, Box::new(inner)), height + 1))
    }

    fn escape(&mut self) -> Result<Node, SyntaxError> {
        let Some(c) = self.next() else {
            return Err(SyntaxError::TrailingEscape);
        };
        Ok(match char::from_u32(c) {
            Some(d @ '1'..='9') => {
                let k = d as u32 - u('0');
                if !self.closed.get(k as usize - 1).copied().unwrap_or(false) {
                    return Err(SyntaxError::BadBackref);
                }
                Node::Backref(k)
            }
            Some('w') => Node::Class(Class::named(Named::Word, false)),
            Some('W') => Node::Class(Class::named(Named::Word, true)),
            Some('s') => Node::Class(Class::named(Named::Space, false)),
            Some('S') => Node::Class(Class::named(Named::Space, true)),
            Some('b') => Node::Look(Look::WordBoundary),
            Some('B') => Node::Look(Look::NotWordBoundary),
            Some('<') => Node::Look(Look::WordStart),
            Some('>') => Node::Look(Look::WordEnd),
            Some('`') => Node::Look(Look::Start),
            Some('\'') => Node::Look(Look::End),
            _ => Node::Unit(c),
        })
    }

    /// A bracket expression, after the `[`.
    fn bracket(&mut self) -> Result<Node, SyntaxError> {
        let mut class = Class {
            negated: false,
            ranges: Vec::new(),
            named: Vec::new(),
        };
        if self.peek() == Some(u('^')) {
            self.pos += 1;
            class.negated = true;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(SyntaxError::UnclosedBracket);
            };
            if c == u(']') && !first {
                self.pos += 1;
                break;
            }
            first = false;
            let lo = match self.bracket_element()? {
                Element::Named(n) => {
                    class.named.push(n);
                    // A class cannot start a range (`[[:alpha:]-z]`).
                    if self.peek() == Some(u('-')) && self.peek_at(1).is_some_and(|c| c != u(']')) {
                        return Err(SyntaxError::BadRange);
                    }
                    continue;
                }
                Element::Unit(lo) => lo,
            };
            // `-` makes a range unless it is the last character before `]`.
            if self.peek() == Some(u('-')) && self.peek_at(1).is_some_and(|c| c != u(']')) {
                self.pos += 1;
                let hi = match self.bracket_element()? {
                    Element::Unit(hi) => hi,
                    Element::Named(_) => return Err(SyntaxError::BadRange),
                };
                if hi < lo {
                    return Err(SyntaxError::BadRange);
                }
                class.ranges.push((lo, hi));
                // `[a-c-e]`: a range may not start where another ends.
                if self.peek() == Some(u('-')) && self.peek_at(1).is_some_and(|c| c != u(']')) {
                    return Err(SyntaxError::BadRange);
                }
            } else {
                class.ranges.push((lo, lo));
            }
        }
        Ok(Node::Class(class))
    }

    /// One element of a bracket expression: a unit, `[.x.]`, `[=x=]` or `[:name:]`.
    fn bracket_element(&mut self) -> Result<Element, SyntaxError> {
        let Some(c) = self.next() else {
            return Err(SyntaxError::UnclosedBracket);
        };
        if c != u('[') {
            return Ok(Element::Unit(c));
        }
        let kind = match self.peek() {
            Some(k) if k == u(':') || k == u('=') || k == u('.') => k,
            _ => return Ok(Element::Unit(c)),
        };
        self.pos += 1;
        let start = self.pos;
        // The name runs to the first `kind` followed by `]`.
        loop {
            match self.peek() {
                None => return Err(SyntaxError::UnclosedBracket),
                Some(k) if k == kind && self.peek_at(1) == Some(u(']')) => break,
                Some(_) => self.pos += 1,
            }
        }
        let name = self.pat.get(start..self.pos).unwrap_or(&[]);
        self.pos += 2;
        if kind == u(':') {
            return Named::from_name(name)
                .map(Element::Named)
                .ok_or(SyntaxError::BadClass);
        }
        // Collating symbols and equivalence classes: only single units are elements
        // in this engine (no multi-character collating elements).
        match name {
            [single] => Ok(Element::Unit(*single)),
            _ => Err(SyntaxError::BadClass),
        }
    }
}

enum Element {
    Unit(u32),
    Named(Named),
}

/// Whether unit `u` is a word character (`\w`, and the word assertions).
pub(super) fn is_word(u: u32, mode: Mode) -> bool {
    Named::Word.contains(u, mode)
}
