//! Runs the shell examples of `docs/CLI.md` and `docs/MIGRATION.md`.
//!
//! Convention (stated in both documents): a fenced block whose info string
//! is `sh test` is run; `sh test exit=N` means the block must end with exit
//! status N. Other blocks (`sh`, `text`, `json`, …) are never run. Each
//! document is one session: its tested blocks run in document order, each
//! with `bash -euo pipefail`, in one fresh working directory that holds a
//! copy of the repository's `examples/`, with
//!
//! - `expert-cli` (the binary under test) first on `PATH`;
//! - `HOME` a fresh directory and `EXPERT_HOME=$HOME/.expert`, so `~/.expert`
//!   in the examples is the test's own;
//! - `SOURCE_DATE_EPOCH=1764028800`, `NO_COLOR=1`;
//! - an empty Hugging Face cache, no `EXPERT_MODELS_PATH`, and a git author
//!   and committer identity for the examples that commit.
//!
//! Nothing else from the caller's environment is passed on but `PATH`, so
//! the examples cannot depend on the machine they run on.
//!
//! A last test keeps `docs/SECURITY.md` honest: every conformance case its
//! tables name exists and expects a code that its row names, and every
//! case of `tests/conformance/cases/` is named.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One runnable example.
struct Block {
    doc: &'static str,
    /// 1-based line of the opening fence.
    line: usize,
    code: String,
    expect_exit: i32,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the cli crate sits in the workspace")
        .to_path_buf()
}

/// Parses the fence's info string: `None` for a block that is not run.
fn runnable(info: &str, doc: &str, line: usize) -> Option<i32> {
    let mut words = info.split_whitespace();
    if words.next() != Some("sh") {
        return None;
    }
    let attrs: Vec<&str> = words.collect();
    if attrs.is_empty() {
        return None;
    }
    let mut test = false;
    let mut exit = 0;
    for a in attrs {
        if a == "test" {
            test = true;
        } else if let Some(n) = a.strip_prefix("exit=") {
            exit = n
                .parse()
                .unwrap_or_else(|_| panic!("{doc}:{line}: bad exit status in ```{info}"));
        } else {
            panic!("{doc}:{line}: unknown attribute {a:?} in ```{info} (use `sh test` or `sh test exit=N`)");
        }
    }
    assert!(
        test,
        "{doc}:{line}: ```{info} sets an exit status but lacks `test`"
    );
    Some(exit)
}

fn blocks(doc: &'static str) -> Vec<Block> {
    let text = std::fs::read_to_string(repo().join(doc))
        .unwrap_or_else(|e| panic!("cannot read {doc}: {e}"));
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, l)) = lines.next() {
        let Some(info) = l.strip_prefix("```") else {
            continue;
        };
        let expect = runnable(info, doc, i + 1);
        let mut code = String::new();
        let mut closed = false;
        for (_, body) in lines.by_ref() {
            if body.trim_end() == "```" {
                closed = true;
                break;
            }
            code.push_str(body);
            code.push('\n');
        }
        assert!(closed, "{doc}:{}: unclosed code block", i + 1);
        if let Some(expect_exit) = expect {
            out.push(Block {
                doc,
                line: i + 1,
                code,
                expect_exit,
            });
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        let kind = e.file_type().unwrap();
        if kind.is_dir() {
            copy_dir(&e.path(), &dest);
        } else if kind.is_file() {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// Runs every tested block of `doc`, in order, in one session.
fn run_doc(doc: &'static str, at_least: usize) {
    let blocks = blocks(doc);
    assert!(
        blocks.len() >= at_least,
        "{doc} has {} tested blocks; expected at least {at_least} (is the ```sh test convention intact?)",
        blocks.len()
    );
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    let home = tmp.path().join("home");
    let hf = tmp.path().join("hf-cache");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&hf).unwrap();
    copy_dir(&repo().join("examples"), &work.join("examples"));

    let bin = PathBuf::from(env!("CARGO_BIN_EXE_expert-cli"));
    let mut path = vec![bin.parent().unwrap().to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&p));
    }
    let path = std::env::join_paths(path).unwrap();

    for (n, b) in blocks.iter().enumerate() {
        let script = tmp.path().join(format!("block-{n}.sh"));
        std::fs::write(&script, &b.code).unwrap();
        let out = Command::new("bash")
            .arg("-euo")
            .arg("pipefail")
            .arg(&script)
            .current_dir(&work)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", &home)
            .env("EXPERT_HOME", home.join(".expert"))
            .env("SOURCE_DATE_EPOCH", "1764028800")
            .env("NO_COLOR", "1")
            .env("LC_ALL", "C.UTF-8")
            .env("HF_HUB_CACHE", &hf)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Docs Test")
            .env("GIT_AUTHOR_EMAIL", "docs@example.invalid")
            .env("GIT_COMMITTER_NAME", "Docs Test")
            .env("GIT_COMMITTER_EMAIL", "docs@example.invalid")
            .output()
            .expect("bash runs");
        let code = out.status.code().unwrap_or(-1);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("E_INTERNAL"),
            "{}:{}: expert-cli panicked:\n{stderr}",
            b.doc,
            b.line
        );
        assert_eq!(
            code, b.expect_exit,
            "{}:{}: the block exited {code}, but the document says {}\n--- block ---\n{}--- stdout ---\n{stdout}--- stderr ---\n{stderr}",
            b.doc, b.line, b.expect_exit, b.code
        );
    }
}

#[test]
fn cli_guide_examples_run() {
    run_doc("docs/CLI.md", 20);
}

#[test]
fn migration_guide_examples_run() {
    run_doc("docs/MIGRATION.md", 5);
}

#[test]
fn the_block_convention_is_parsed_strictly() {
    assert_eq!(runnable("sh", "d", 1), None);
    assert_eq!(runnable("json", "d", 1), None);
    assert_eq!(runnable("sh test", "d", 1), Some(0));
    assert_eq!(runnable("sh test exit=6", "d", 1), Some(6));
    assert!(std::panic::catch_unwind(|| runnable("sh tset", "d", 1)).is_err());
    assert!(std::panic::catch_unwind(|| runnable("sh exit=6", "d", 1)).is_err());
}

/// The cells of a Markdown table row; `\|` inside a cell is not a separator.
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                out.last_mut().unwrap().push('|');
                chars.next();
            }
            '|' => out.push(String::new()),
            _ => out.last_mut().unwrap().push(c),
        }
    }
    out.into_iter().map(|c| c.trim().to_string()).collect()
}

/// The `backticked` words of a cell.
fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn security_tables_match_the_conformance_corpus() {
    let doc = "docs/SECURITY.md";
    let text = std::fs::read_to_string(repo().join(doc)).unwrap();
    let cases_dir = repo().join("tests/conformance/cases");
    let mut named = BTreeSet::new();
    // (code column, cases column) of the table being read, once its header is seen.
    let mut columns: Option<Option<(usize, usize)>> = None;
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let row = cells(line);
        let Some(cols) = columns else {
            let code = row.iter().position(|c| c == "Code");
            let cases = row.iter().position(|c| c == "Conformance cases");
            columns = Some(code.zip(cases));
            continue;
        };
        let Some((code_col, cases_col)) = cols else {
            continue;
        };
        if row[0].starts_with("---") {
            continue;
        }
        let codes = backticked(&row[code_col]);
        let cases = backticked(&row[cases_col]);
        assert!(!cases.is_empty(), "{doc}:{}: a row without a case", i + 1);
        for case in cases {
            let expected = cases_dir.join(&case).join("expected.json");
            let bytes = std::fs::read(&expected).unwrap_or_else(|e| {
                panic!(
                    "{doc}:{}: case {case:?}: {}: {e}",
                    i + 1,
                    expected.display()
                )
            });
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let want = v["problem_code"]
                .as_str()
                .or(v["status"].as_str())
                .unwrap()
                .to_string();
            assert!(
                codes.contains(&want),
                "{doc}:{}: case {case} expects {want}, but its row names {codes:?}",
                i + 1
            );
            named.insert(case);
        }
    }
    let all: BTreeSet<String> = std::fs::read_dir(&cases_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", cases_dir.display()))
        .flatten()
        .filter(|e| e.path().join("expected.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(all.len() >= 50, "the conformance corpus looks incomplete");
    let missing: Vec<&String> = all.difference(&named).collect();
    assert!(
        missing.is_empty(),
        "conformance cases missing from the tables of {doc}: {missing:?}"
    );
}

#[test]
fn table_cells_split_on_unescaped_pipes_only() {
    assert_eq!(
        cells("| a `x \\| y` | `b`, `c` |"),
        vec!["a `x | y`", "`b`, `c`"]
    );
    assert_eq!(backticked("`b`, `c` and d"), vec!["b", "c"]);
}
