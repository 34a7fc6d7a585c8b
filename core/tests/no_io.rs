//! The core takes files, time and randomness as arguments. On
//! wasm32-unknown-unknown `std::fs` and `SystemTime::now` still compile
//! (and fail at run time), so the wasm build alone cannot hold the rule:
//! this test reads the core's source for the std modules that do I/O.

use std::path::Path;

const FORBIDDEN: &[&str] = &[
    "std::fs",
    "std::net",
    "std::env",
    "std::process",
    "std::thread",
    "SystemTime",
    "Instant::now",
    "std::io::stdin",
    "std::io::stdout",
    "std::io::stderr",
    "println!",
    "eprintln!",
    "getrandom",
    "OsRng",
    "thread_rng",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Lines of `text` that use a forbidden name, outside comments.
fn uses(text: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for f in FORBIDDEN {
            if code.contains(f) {
                found.push((n + 1, *f));
            }
        }
    }
    found
}

#[test]
fn core_source_does_no_io_of_its_own() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 50, "read the core's source: {}", files.len());
    let mut found = Vec::new();
    for f in &files {
        for (line, name) in uses(&std::fs::read_to_string(f).unwrap()) {
            found.push(format!("{}:{line}: {name}", f.display()));
        }
    }
    assert!(found.is_empty(), "I/O in core:\n{}", found.join("\n"));
}

#[test]
fn the_check_sees_io_and_skips_comments() {
    assert_eq!(
        uses("let t = std::time::SystemTime::now();"),
        vec![(1, "SystemTime")]
    );
    assert_eq!(
        uses("    std::fs::read(p)\n// std::fs in a comment"),
        vec![(1, "std::fs")]
    );
}
