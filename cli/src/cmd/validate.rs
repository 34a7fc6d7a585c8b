//! `validate PATH`: a manifest, an expert directory (also checks declared
//! files, sizes and hashes) or a .expert package.

use super::read;
use crate::args::ValidateArgs;
use crate::error::{CliError, Code, Exit, ExitClass, Result};
use crate::expert_dir::ExpertDir;
use crate::term::Style;
use expert_core::archive::read_head;
use expert_core::archive::ReadAllError;
use expert_core::display::escape;
use expert_core::json::LineIndex;
use expert_core::manifest::{validate, validate_with_files, Diagnostic, Report, Severity};
use expert_core::Limits;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

pub fn run(a: ValidateArgs) -> Result<Exit> {
    let path = a.path.or(a.expert).expect("clap requires one");
    let limits = Limits::default();
    let (shown, text, report) = if path.is_dir() {
        let file = path.join("manifest.json");
        let bytes = read(&file).map_err(|e| e.hint("an expert directory needs a manifest.json"))?;
        let report = validate_with_files(&bytes, &limits, &ExpertDir::new(&path));
        (file, bytes, report)
    } else if is_package(&path)? {
        let f = std::fs::File::open(&path).map_err(|e| CliError::io(&path, e))?;
        match read_head(&mut std::io::BufReader::new(f), &limits) {
            Err(ReadAllError::Io(e)) => return Err(CliError::io(&path, e)),
            Err(ReadAllError::Archive(e)) => {
                let report = Report {
                    valid: false,
                    schema_version: None,
                    diagnostics: vec![archive_diag(e.code, &e.message)],
                };
                (path.clone(), Vec::new(), report)
            }
            Ok(head) => match head.small.require_manifest() {
                Ok(m) => {
                    let report = validate(m, &limits);
                    (path.join("manifest.json"), m.to_vec(), report)
                }
                Err(e) => (
                    path.clone(),
                    Vec::new(),
                    Report {
                        valid: false,
                        schema_version: None,
                        diagnostics: vec![archive_diag(e.code, &e.message)],
                    },
                ),
            },
        }
    } else {
        let bytes = read(&path)?;
        let report = validate(&bytes, &limits);
        (path.clone(), bytes, report)
    };
    if a.json {
        super::print_json(&report);
    } else {
        print_report(&shown, &String::from_utf8_lossy(&text), &report, false);
    }
    Ok(if report.valid {
        Exit::Ok
    } else {
        Exit::Failed(ExitClass::Validation)
    })
}

fn archive_diag(code: Code, message: &str) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code,
        path: String::new(),
        message: message.to_string(),
        line: None,
        column: None,
    }
}

fn is_package(path: &Path) -> Result<bool> {
    if path.extension().is_some_and(|e| e == "expert") {
        return Ok(true);
    }
    let mut magic = [0u8; 2];
    let mut f = std::fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    Ok(std::io::Read::read(&mut f, &mut magic).unwrap_or(0) == 2 && magic == [0x1f, 0x8b])
}

/// Findings of one code printed in full; the rest are counted, so that a
/// manifest with tens of thousands of findings prints a screenful, not
/// gigabytes (`--json` lists them all).
const FULL_PER_CODE: usize = 10;
/// Columns of source quoted around a finding.
const QUOTE_COLUMNS: usize = 80;

/// Compiler-style findings: `FILE:LINE:COL: severity[CODE]: message`, the
/// source line (at most `QUOTE_COLUMNS` around the column) and a caret;
/// at most `FULL_PER_CODE` findings per code.
/// Findings go to stdout for `validate`, to stderr where stdout carries
/// other output (`migrate`, `package`).
pub fn print_report(file: &Path, text: &str, report: &Report, to_stderr: bool) {
    let style = if to_stderr {
        Style::stderr()
    } else {
        Style::stdout()
    };
    let mut out: Box<dyn std::io::Write> = if to_stderr {
        Box::new(std::io::stderr())
    } else {
        Box::new(std::io::stdout())
    };
    let mut println = |line: String| {
        let _ = writeln!(out, "{line}");
    };
    let mut quoter = Quoter::new(text);
    let mut per_code: HashMap<Code, usize> = HashMap::new();
    let mut codes: Vec<Code> = Vec::new();
    for d in &report.diagnostics {
        let n = per_code.entry(d.code).or_insert(0);
        *n += 1;
        if *n == 1 {
            codes.push(d.code);
        }
        if *n <= FULL_PER_CODE {
            finding_lines(file, d, &mut quoter, style)
                .into_iter()
                .for_each(&mut println);
        }
    }
    for code in codes {
        let n = per_code[&code].saturating_sub(FULL_PER_CODE);
        if n == 0 {
            continue;
        }
        println(format!(
            "… and {} more {code} finding{} (use --json to see all)",
            thousands(n),
            if n == 1 { "" } else { "s" }
        ));
    }
    println(summary(file, report, style));
}

/// One finding: its location and message, the quoted source with a caret
/// when it has a line and column, and its JSON path.
fn finding_lines(file: &Path, d: &Diagnostic, quoter: &mut Quoter, style: Style) -> Vec<String> {
    let mut lines = Vec::new();
    let loc = match (d.line, d.column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", file.display()),
        _ => file.display().to_string(),
    };
    let sev = match d.severity {
        Severity::Error => style.red(&format!("error[{}]", d.code)),
        Severity::Warning => style.yellow(&format!("warning[{}]", d.code)),
    };
    let loc = escape(&loc);
    lines.push(format!(
        "{}: {sev}: {}",
        style.bold(&loc),
        escape(&d.message)
    ));
    if let (Some(l), Some(c)) = (d.line, d.column) {
        let (src, pad) = quoter.quote(l, c);
        let gutter = l.to_string().len();
        lines.push(format!("{} {}", style.dim(&format!("{l:>gutter$} |")), src));
        lines.push(format!(
            "{} {pad}{}",
            style.dim(&format!("{:>gutter$} |", "")),
            style.bold("^")
        ));
    }
    if !d.path.is_empty() {
        lines.push(style.dim(&format!("  at {}", escape(&d.path))));
    }
    lines
}

/// The closing line: valid (with the schema and warnings) or how many
/// errors and warnings.
fn summary(file: &Path, report: &Report, style: Style) -> String {
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = report.diagnostics.len() - errors;
    let schema = report
        .schema_version
        .map(|s| format!("schema {s}, "))
        .unwrap_or_default();
    if report.valid {
        format!(
            "{} {} is valid ({schema}{warnings} warning{})",
            style.green("✓"),
            escape(&file.display().to_string()),
            if warnings == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "{} {}: {errors} error{}, {warnings} warning{}",
            style.red("✗"),
            escape(&file.display().to_string()),
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        )
    }
}

/// Quotes source lines around a (line, column). Findings come sorted, so
/// the column's byte offset is found by walking on from the previous one:
/// linear over a whole report even when every finding is on one 4 MiB line.
struct Quoter<'a> {
    lines: LineIndex<'a>,
    /// The last (line, column) and its byte offset in that line.
    at: (usize, usize, usize),
}

impl<'a> Quoter<'a> {
    fn new(text: &'a str) -> Self {
        Quoter {
            lines: LineIndex::new(text),
            at: (0, 1, 0),
        }
    }

    /// Byte offset of 1-based column `col` in `src`, line `line`.
    fn offset(&mut self, src: &str, line: usize, col: usize) -> usize {
        let (mut c, mut b) = match self.at {
            (l, c, b) if l == line && c <= col => (c, b),
            _ => (1, 0),
        };
        for ch in src[b..].chars() {
            if c == col {
                break;
            }
            c += 1;
            b += ch.len_utf8();
        }
        self.at = (line, c, b);
        b
    }

    /// The quoted source, escaped for the terminal (the whole line if
    /// short, else a window with `…` marks), and the padding that puts a
    /// caret under the column of the escaped text.
    fn quote(&mut self, line: usize, col: usize) -> (String, String) {
        let src = self.lines.line_text(line);
        let pad = |s: &str| -> String {
            s.chars()
                .map(|ch| if ch == '\t' { '\t' } else { ' ' })
                .collect()
        };
        if src.chars().nth(QUOTE_COLUMNS).is_none() {
            let before: String = src.chars().take(col - 1).collect();
            return (escape(src).into_owned(), pad(&escape(&before)));
        }
        let at = self.offset(src, line, col);
        let start = src[..at]
            .char_indices()
            .rev()
            .take(QUOTE_COLUMNS / 2)
            .last()
            .map_or(at, |(i, _)| i);
        let left = &src[start..at];
        let right: String = src[at..]
            .chars()
            .take(QUOTE_COLUMNS - left.chars().count())
            .collect();
        let open = if start > 0 { "…" } else { "" };
        let close = if at + right.len() < src.len() {
            "…"
        } else {
            ""
        };
        (
            escape(&format!("{open}{left}{right}{close}")).into_owned(),
            format!("{}{}", pad(open), pad(&escape(left))),
        )
    }
}

/// `39990` as `39,990`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
