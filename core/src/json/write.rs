//! Pretty serialization of the lossless tree. Numbers and strings are written
//! from their source text, so a parse → write cycle keeps every value exact.

use super::{Node, Value};

/// Indentation and line ending, taken from the source so edits look native.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    /// One level of indentation.
    pub indent: String,
    /// `\n` or `\r\n`.
    pub newline: &'static str,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            indent: "  ".into(),
            newline: "\n",
        }
    }
}

impl Style {
    /// The style of an existing document: CRLF if it uses CRLF, and the
    /// indentation of its first indented line.
    pub fn detect(text: &str) -> Style {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let indent = text
            .lines()
            .map(|l| &l[..l.len() - l.trim_start_matches([' ', '\t']).len()])
            .find(|ws| !ws.is_empty())
            .unwrap_or("  ")
            .to_string();
        Style { indent, newline }
    }
}

/// Serializes with one member per line; arrays of scalars stay on one line,
/// as authors write them.
pub fn to_pretty(node: &Node, style: &Style) -> String {
    let mut out = String::new();
    write_node(node, style, 0, &mut out);
    out.push_str(style.newline);
    out
}

fn is_scalar(n: &Node) -> bool {
    !matches!(n.value, Value::Array(_) | Value::Object(_))
}

fn newline_indent(style: &Style, level: usize, out: &mut String) {
    out.push_str(style.newline);
    for _ in 0..level {
        out.push_str(&style.indent);
    }
}

fn write_node(node: &Node, style: &Style, level: usize, out: &mut String) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(raw) => out.push_str(raw),
        Value::String(s) => {
            out.push('"');
            out.push_str(&s.raw);
            out.push('"');
        }
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) if items.iter().all(is_scalar) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_node(item, style, level, out);
            }
            out.push(']');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(style, level + 1, out);
                write_node(item, style, level + 1, out);
            }
            newline_indent(style, level, out);
            out.push(']');
        }
        Value::Object(members) if members.is_empty() => out.push_str("{}"),
        Value::Object(members) => {
            out.push('{');
            for (i, m) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline_indent(style, level + 1, out);
                out.push('"');
                out.push_str(&m.key.raw);
                out.push_str("\": ");
                write_node(&m.value, style, level + 1, out);
            }
            newline_indent(style, level, out);
            out.push('}');
        }
    }
}

/// JSON string escaping without the quotes; non-ASCII stays literal.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn quote(s: &str) -> String {
    format!("\"{}\"", escape(s))
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn round_trip_keeps_values_keys_and_crlf() {
        let src = "{\r\n  \"n\": 8.0,\r\n  \"s\": \"\\u00e9\",\r\n  \"a\": [1, 2],\r\n  \"o\": {\r\n    \"_c\": \"x\",\r\n    \"_c\": \"y\"\r\n  }\r\n}\r\n";
        let p = parse(src.as_bytes(), 16).unwrap();
        assert_eq!(to_pretty(&p.root, &Style::detect(src)), src);
    }
}
