//! A strict RFC 8259 parser that builds the lossless tree, with a depth limit
//! and a record of duplicate keys (the tree keeps both members).

use super::{index_path, key_path, JsonStr, Member, Node, Span, Value};
use crate::Code;
use std::collections::HashSet;

/// Why a text is not JSON we accept, for its problem code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The text starts with a UTF-8 byte order mark.
    Bom,
    /// The bytes are not UTF-8.
    Utf8,
    /// Nesting deeper than the limit.
    Depth,
    /// Anything else that is not JSON.
    Syntax,
}

impl ParseErrorKind {
    /// The problem code reported for this kind of error.
    pub fn code(self) -> Code {
        match self {
            ParseErrorKind::Bom => Code::JsonBom,
            ParseErrorKind::Utf8 => Code::JsonUtf8,
            ParseErrorKind::Depth => Code::JsonDepth,
            ParseErrorKind::Syntax => Code::JsonSyntax,
        }
    }
}

/// The first reason a text is not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What went wrong, for the problem code.
    pub kind: ParseErrorKind,
    /// What went wrong, for people.
    pub message: String,
    /// Byte offset of the problem.
    pub offset: usize,
}

/// A key that appears more than once in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// JSON path of the repeated member.
    pub path: String,
    /// The repeated key.
    pub key: String,
    /// Where the repeat is in the source.
    pub span: Span,
}

/// A parsed document and what the parse noticed on the way.
#[derive(Debug)]
pub struct Parsed<'a> {
    /// The document's top value.
    pub root: Node,
    /// The source text, for its style (indent, line ending).
    pub text: &'a str,
    /// Keys that repeat, in source order; validation decides what they cost.
    pub duplicates: Vec<Duplicate>,
}

/// Parses `bytes` as one JSON document, nesting at most `max_depth` deep.
pub fn parse(bytes: &[u8], max_depth: usize) -> Result<Parsed<'_>, ParseError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(ParseError {
            kind: ParseErrorKind::Bom,
            message: "the text starts with a UTF-8 byte order mark; save it without one".into(),
            offset: 0,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ParseError {
        kind: ParseErrorKind::Utf8,
        message: format!("invalid UTF-8 at byte {}", e.valid_up_to()),
        offset: e.valid_up_to(),
    })?;
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
        max_depth,
        duplicates: Vec::new(),
    };
    p.ws();
    let root = p.value(0, String::new)?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(p.err("unexpected text after the JSON value"));
    }
    Ok(Parsed {
        root,
        text,
        duplicates: p.duplicates,
    })
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    max_depth: usize,
    duplicates: Vec<Duplicate>,
}

impl Parser<'_> {
    fn err(&self, msg: &str) -> ParseError {
        let found = match self.s.get(self.pos) {
            None => "end of input".to_string(),
            Some(_) => {
                let c = self.text[self.pos..].chars().next().unwrap_or('?');
                format!("{c:?}")
            }
        };
        ParseError {
            kind: ParseErrorKind::Syntax,
            message: format!("{msg} (found {found})"),
            offset: self.pos,
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.s.get(self.pos) == Some(&b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// `path` is built only for containers: making one for every scalar
    /// would cost the whole path per array item.
    fn value(&mut self, depth: usize, path: impl FnOnce() -> String) -> Result<Node, ParseError> {
        let start = self.pos;
        let value = match self.s.get(self.pos) {
            Some(b'{') => self.object(depth + 1, &path())?,
            Some(b'[') => self.array(depth + 1, &path())?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.err("expected a JSON value")),
        };
        Ok(Node {
            value,
            span: Span {
                start,
                end: self.pos,
            },
        })
    }

    fn enter(&self, depth: usize) -> Result<(), ParseError> {
        if depth > self.max_depth {
            return Err(ParseError {
                kind: ParseErrorKind::Depth,
                message: format!("nesting is deeper than {} levels", self.max_depth),
                offset: self.pos,
            });
        }
        Ok(())
    }

    fn object(&mut self, depth: usize, path: &str) -> Result<Value, ParseError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut members: Vec<Member> = Vec::new();
        self.ws();
        if self.eat(b'}') {
            return Ok(Value::Object(members));
        }
        loop {
            self.ws();
            if self.s.get(self.pos) != Some(&b'"') {
                return Err(self.err("expected a string key"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span {
                start: key_start,
                end: self.pos,
            };
            self.ws();
            if !self.eat(b':') {
                return Err(self.err("expected ':' after the key"));
            }
            self.ws();
            let value = self.value(depth, || key_path(path, &key.value))?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.ws();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b'}') {
                self.record_duplicates(&members, path);
                return Ok(Value::Object(members));
            }
            return Err(self.err("expected ',' or '}'"));
        }
    }

    /// Every repeat of an earlier key, through one set per object (a scan
    /// of the earlier keys made an object of 100,000 keys take half a
    /// minute). Validation orders findings by position.
    fn record_duplicates(&mut self, members: &[Member], path: &str) {
        let mut seen: HashSet<&str> = HashSet::with_capacity(members.len());
        for m in members {
            if !seen.insert(&m.key.value) {
                self.duplicates.push(Duplicate {
                    path: key_path(path, &m.key.value),
                    key: m.key.value.clone(),
                    span: m.key_span,
                });
            }
        }
    }

    fn array(&mut self, depth: usize, path: &str) -> Result<Value, ParseError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            let i = items.len();
            items.push(self.value(depth, || index_path(path, i))?);
            self.ws();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b']') {
                return Ok(Value::Array(items));
            }
            return Err(self.err("expected ',' or ']'"));
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, ParseError> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.err("expected true, false or null"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.s.get(self.pos) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        self.eat(b'-');
        if self.eat(b'0') {
            if let Some(b'0'..=b'9') = self.s.get(self.pos) {
                return Err(self.err("leading zeros are not allowed in numbers"));
            }
        } else if self.digits() == 0 {
            return Err(self.err("expected digits"));
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.err("expected digits after '.'"));
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return Err(self.err("expected exponent digits"));
            }
        }
        Ok(Value::Number(self.text[start..self.pos].to_string()))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let h = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.err("expected four hex digits after \\u"))?;
        self.pos += 4;
        Ok(u32::from_str_radix(h, 16).expect("checked hex"))
    }

    fn string(&mut self) -> Result<JsonStr, ParseError> {
        self.pos += 1;
        let raw_start = self.pos;
        let mut value = String::new();
        loop {
            let run = self.pos;
            while let Some(&b) = self.s.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            value.push_str(&self.text[run..self.pos]);
            match self.s.get(self.pos) {
                Some(b'"') => {
                    let raw = self.text[raw_start..self.pos].to_string();
                    self.pos += 1;
                    return Ok(JsonStr { value, raw });
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = match self.s.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if !self.text[self.pos..].starts_with("\\u") {
                                    return Err(self.err("unpaired surrogate in \\u escape"));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("invalid low surrogate in \\u escape"));
                                }
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            } else {
                                char::from_u32(hi)
                            };
                            value.push(
                                c.ok_or_else(|| self.err("unpaired surrogate in \\u escape"))?,
                            );
                            continue;
                        }
                        _ => return Err(self.err("invalid escape")),
                    };
                    value.push(c);
                    self.pos += 1;
                }
                Some(_) => return Err(self.err("control character in string")),
                None => return Err(self.err("unterminated string")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_number_text_and_order() {
        let p = parse(br#"{"b": 8.0, "a": 5e-5, "c": 0.90}"#, 8).unwrap();
        let keys: Vec<_> = p
            .root
            .members()
            .unwrap()
            .iter()
            .map(|m| m.key.value.as_str())
            .collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert_eq!(p.root.get("a").unwrap().value, Value::Number("5e-5".into()));
        assert_eq!(p.root.get("c").unwrap().value, Value::Number("0.90".into()));
    }

    #[test]
    fn records_duplicates_with_path() {
        let p = parse(br#"{"x": {"_c": 1, "_c": 2}}"#, 8).unwrap();
        assert_eq!(p.duplicates.len(), 1);
        assert_eq!(p.duplicates[0].path, "x._c");
    }

    #[test]
    fn rejects_bom_depth_utf8_and_trailing_text() {
        assert_eq!(
            parse(b"\xEF\xBB\xBF{}", 8).unwrap_err().kind,
            ParseErrorKind::Bom
        );
        assert_eq!(
            parse(b"[[[1]]]", 2).unwrap_err().kind,
            ParseErrorKind::Depth
        );
        assert_eq!(
            parse(b"\"\xff\"", 2).unwrap_err().kind,
            ParseErrorKind::Utf8
        );
        assert_eq!(parse(b"{} x", 2).unwrap_err().kind, ParseErrorKind::Syntax);
        assert_eq!(parse(b"01", 2).unwrap_err().kind, ParseErrorKind::Syntax);
        assert_eq!(
            parse(b"\"\\ud800\"", 2).unwrap_err().kind,
            ParseErrorKind::Syntax
        );
    }

    #[test]
    fn decodes_escapes_and_keeps_raw() {
        let p = parse(br#""a\u00e9\n\ud83d\ude00""#, 2).unwrap();
        match p.root.value {
            Value::String(s) => {
                assert_eq!(s.value, "a\u{e9}\n\u{1F600}");
                assert_eq!(s.raw, r"a\u00e9\n\ud83d\ude00");
            }
            _ => panic!("not a string"),
        }
    }
}
