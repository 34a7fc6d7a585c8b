//! The manifest fields that tools show to people (`inspect`, `list`,
//! `verify`, the web page), and the warning for any of them that holds a
//! control, bidi or zero-width character: a terminal would act on it
//! (redraw a line, recolour a verdict, reverse text). `expert-cli` prints
//! them escaped (`display::escape`); the warning tells the author.
//! Fields that are never shown (stop sequences, prompts) may hold
//! newlines freely.

use crate::display::{has_unsafe_chars, is_unsafe_char};
use crate::json::Node;
use crate::manifest::name::describe_char;

/// One displayed string with an unsafe character.
pub struct Unsafe<'a> {
    pub path: String,
    pub node: &'a Node,
    pub message: String,
}

const TOP: [&str; 7] = [
    "version",
    "description",
    "author",
    "license",
    "homepage",
    "repository",
    "publisher",
];
const LISTS: [&str; 3] = ["capabilities", "tags", "keywords"];
const SIGNER: [&str; 3] = ["publisher", "created_at", "key_id"];
const ADAPTER: [&str; 2] = ["type", "path"];

/// Every displayed field of `root` that holds an unsafe character.
pub fn unsafe_displayed(root: &Node) -> Vec<Unsafe<'_>> {
    let mut fields: Vec<(String, &Node)> = Vec::new();
    for k in TOP {
        add(&mut fields, k.to_string(), root.get(k));
    }
    for k in LISTS {
        for (i, n) in items(root.get(k)).iter().enumerate() {
            add(&mut fields, format!("{k}[{i}]"), Some(n));
        }
    }
    if let Some(integrity) = root.get("integrity") {
        for k in SIGNER {
            add(&mut fields, format!("integrity.{k}"), integrity.get(k));
        }
    }
    let mut models: Vec<(String, &Node)> = Vec::new();
    if let Some(m) = root.get("base_model") {
        models.push(("base_model".into(), m));
    }
    for (i, m) in items(root.get("base_models")).iter().enumerate() {
        models.push((format!("base_models[{i}]"), m));
    }
    for (at, m) in &models {
        add(&mut fields, format!("{at}.name"), m.get("name"));
        adapters(&mut fields, &format!("{at}.adapters"), m.get("adapters"));
    }
    adapters(&mut fields, "adapters", root.get("adapters"));
    fields
        .into_iter()
        .filter_map(|(path, node)| {
            let s = node.as_str()?;
            if !has_unsafe_chars(s) {
                return None;
            }
            let mut seen: Vec<char> = Vec::new();
            for c in s.chars().filter(|&c| is_unsafe_char(c)) {
                if !seen.contains(&c) {
                    seen.push(c);
                }
            }
            let shown: Vec<String> = seen.into_iter().map(describe_char).collect();
            let message = format!(
                "`{path}` contains {}, which a terminal would act on (move the cursor, recolour or reorder text); expert-cli shows it escaped, but other tools may not",
                shown.join(", ")
            );
            Some(Unsafe {
                path,
                node,
                message,
            })
        })
        .collect()
}

fn items(n: Option<&Node>) -> &[Node] {
    n.and_then(Node::items).unwrap_or(&[])
}

fn add<'a>(fields: &mut Vec<(String, &'a Node)>, path: String, n: Option<&'a Node>) {
    if let Some(n) = n {
        fields.push((path, n));
    }
}

fn adapters<'a>(fields: &mut Vec<(String, &'a Node)>, at: &str, list: Option<&'a Node>) {
    for (j, a) in items(list).iter().enumerate() {
        for k in ADAPTER {
            add(fields, format!("{at}[{j}].{k}"), a.get(k));
        }
    }
}
