//! A lossless JSON document: keys keep their order, numbers and strings keep
//! their source text, and every node remembers where it came from. Manifests
//! are edited through this tree so that packaging never drops or rewrites a
//! field it does not own.

mod jcs;
mod parse;
mod write;

pub use jcs::canonicalize;
pub use parse::{parse, Duplicate, ParseError, ParseErrorKind, Parsed};
pub use write::{to_pretty, Style};

/// Byte range of a node in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Offset of the node's first byte.
    pub start: usize,
    /// Offset just past the node's last byte.
    pub end: usize,
}

/// A JSON value with where it was in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// Where it was read from; empty for synthesized nodes.
    pub span: Span,
}

/// The JSON types, with numbers and strings kept as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`: an absent field to [`Node::get`].
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// The number exactly as written (`5e-5`, `8.0`, `0.90`).
    Number(String),
    /// A string, decoded and as written.
    String(JsonStr),
    /// An array, in order.
    Array(Vec<Node>),
    /// An object's members in source order, duplicates included.
    Object(Vec<Member>),
}

/// A string with its decoded value and its source text between the quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonStr {
    /// The decoded string.
    pub value: String,
    /// The escaped text as written, so that writing it back changes nothing.
    pub raw: String,
}

impl JsonStr {
    /// A string to write, escaped as our writer does.
    pub fn new(value: &str) -> Self {
        JsonStr {
            value: value.to_string(),
            raw: write::escape(value),
        }
    }
}

/// One `"key": value` of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, decoded and as written.
    pub key: JsonStr,
    /// Where the key was in the source.
    pub key_span: Span,
    /// The member's value.
    pub value: Node,
}

impl Node {
    /// A synthesized node (no source position).
    pub fn new(value: Value) -> Self {
        Node {
            value,
            span: Span::default(),
        }
    }

    /// A synthesized string node.
    pub fn string(s: &str) -> Self {
        Node::new(Value::String(JsonStr::new(s)))
    }

    /// A synthesized integer node.
    pub fn uint(n: u64) -> Self {
        Node::new(Value::Number(n.to_string()))
    }

    /// A synthesized object with these members, in this order.
    pub fn object(members: Vec<(&str, Node)>) -> Self {
        Node::new(Value::Object(
            members
                .into_iter()
                .map(|(k, v)| Member {
                    key: JsonStr::new(k),
                    key_span: Span::default(),
                    value: v,
                })
                .collect(),
        ))
    }

    /// First member with this key, unless its value is `null`: a manifest
    /// field set to `null` is absent (FORMAT.md §1), which is how upstream
    /// writes every optional field it knows but has no value for. Duplicate
    /// keys are reported by the parser; lookups agree on the first occurrence.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.members()?
            .iter()
            .find(|m| m.key.value == key)
            .map(|m| &m.value)
            .filter(|v| !v.is_null())
    }

    /// Like [`Node::get`], `null` counts as absent.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Object(ms) => ms
                .iter_mut()
                .find(|m| m.key.value == key)
                .map(|m| &mut m.value)
                .filter(|v| !v.is_null()),
            _ => None,
        }
    }

    /// An object's members (all of them, `null` values included).
    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(ms) => Some(ms),
            _ => None,
        }
    }

    /// An array's items.
    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(xs) => Some(xs),
            _ => None,
        }
    }

    /// A string's decoded value.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(&s.value),
            _ => None,
        }
    }

    /// A number as the nearest double.
    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(raw) => raw.parse().ok(),
            _ => None,
        }
    }

    /// The value as a non-negative integer, if it is written as one.
    pub fn as_u64(&self) -> Option<u64> {
        match &self.value {
            Value::Number(raw) => raw.parse().ok(),
            _ => None,
        }
    }

    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Sets `key` in place if present, otherwise appends it.
    pub fn set(&mut self, key: &str, value: Node) {
        if let Value::Object(ms) = &mut self.value {
            if let Some(m) = ms.iter_mut().find(|m| m.key.value == key) {
                m.value = value;
            } else {
                ms.push(Member {
                    key: JsonStr::new(key),
                    key_span: Span::default(),
                    value,
                });
            }
        }
    }

    /// Removes every member named `key`; returns whether any was present.
    pub fn remove(&mut self, key: &str) -> bool {
        if let Value::Object(ms) = &mut self.value {
            let before = ms.len();
            ms.retain(|m| m.key.value != key);
            return ms.len() != before;
        }
        false
    }

    /// The value's type, as findings name it ("a string", "an object").
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// Maps byte offsets to 1-based line and column (columns count characters).
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// Characters before each multiple of `STRIDE` bytes, so that a column
    /// costs at most `STRIDE` bytes of counting however long its line is
    /// (counting from the line start made many findings on one long line
    /// quadratic).
    chars_before: Vec<usize>,
}

const STRIDE: usize = 64;

impl<'a> LineIndex<'a> {
    /// Indexes `text` once; every lookup after is cheap.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut chars_before = vec![0];
        for chunk in text.as_bytes().chunks(STRIDE) {
            let last = *chars_before.last().expect("starts with 0");
            chars_before.push(last + char_starts(chunk));
        }
        LineIndex {
            text,
            starts,
            chars_before,
        }
    }

    /// Characters in `text[..offset]`; `offset` is on a character boundary.
    fn chars_to(&self, offset: usize) -> usize {
        let k = offset / STRIDE;
        self.chars_before[k] + char_starts(&self.text.as_bytes()[k * STRIDE..offset])
    }

    /// The 1-based line and column of a byte offset; inside a character,
    /// the column counts bytes from the line start.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = if self.text.is_char_boundary(offset) {
            self.chars_to(offset) - self.chars_to(start)
        } else {
            offset - start
        };
        (line + 1, col + 1)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.starts.get(line).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Bytes of a JSON path kept in findings; longer paths keep their head and
/// tail around a `…`. Without a bound, a long key above a wide array would
/// put its full text into the path of every item.
pub const MAX_PATH: usize = 200;

/// `path` shortened to about `MAX_PATH` bytes (head … tail). Capping a
/// capped path again keeps the same head, so paths built step by step from
/// capped parents stay bounded and deterministic.
pub fn cap_path(path: String) -> String {
    if path.len() <= MAX_PATH {
        return path;
    }
    let half = MAX_PATH / 2 - 2;
    let mut head = half;
    while !path.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = path.len() - half;
    while !path.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{}…{}", &path[..head], &path[tail..])
}

/// Number of characters that start in `bytes` (UTF-8 non-continuation bytes).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// `parent.key`, or `parent["odd key"]` when the key is not a plain
/// identifier; capped (see `cap_path`).
pub fn key_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    cap_path(match (plain, parent.is_empty()) {
        (true, true) => key.to_string(),
        (true, false) => format!("{parent}.{key}"),
        (false, _) => format!("{parent}[{}]", write::quote(key)),
    })
}

/// `parent[i]`; capped (see `cap_path`).
pub fn index_path(parent: &str, i: usize) -> String {
    cap_path(format!("{parent}[{i}]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_across_strides() {
        let text = format!("x\n{}é{}!", "a".repeat(STRIDE - 1), "b".repeat(3 * STRIDE));
        let lines = LineIndex::new(&text);
        let bang = text.len() - 1;
        assert_eq!(lines.line_col(bang), (2, 4 * STRIDE + 1));
        assert_eq!(lines.line_col(0), (1, 1));
        assert_eq!(lines.line_col(2), (2, 1));
        // Inside the two-byte é: bytes from the line start, as before.
        let inside = 2 + STRIDE - 1 + 1;
        assert_eq!(lines.line_col(inside), (2, STRIDE + 1));
    }

    #[test]
    fn paths_are_capped_at_both_ends() {
        let long = "k".repeat(1000);
        let p = index_path(&key_path(&key_path("", &long), "é€"), 7);
        assert!(p.len() <= MAX_PATH + 4, "{} bytes", p.len());
        assert!(p.starts_with("kkk") && p.ends_with("[7]") && p.contains('…'));
        assert_eq!(key_path("a", "b"), "a.b");
    }
}
