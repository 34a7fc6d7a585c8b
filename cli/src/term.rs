//! Terminal output: colour only on a TTY and without NO_COLOR, and a
//! progress bar on stderr for long work.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

fn colour_allowed(tty: bool) -> bool {
    tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[derive(Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    pub fn stdout() -> Self {
        Style {
            on: colour_allowed(std::io::stdout().is_terminal()),
        }
    }

    pub fn stderr() -> Self {
        Style {
            on: colour_allowed(std::io::stderr().is_terminal()),
        }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn red(&self, s: &str) -> String {
        self.paint("1;31", s)
    }
    pub fn green(&self, s: &str) -> String {
        self.paint("1;32", s)
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint("1;33", s)
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// A byte-count progress bar, drawn only when stderr is a terminal.
pub struct Progress {
    label: String,
    total: u64,
    done: u64,
    last: Instant,
    on: bool,
}

impl Progress {
    pub fn new(label: &str, total: u64) -> Self {
        Progress {
            label: label.to_string(),
            total,
            done: 0,
            last: Instant::now(),
            on: std::io::stderr().is_terminal() && total > (16 << 20),
        }
    }

    pub fn add(&mut self, n: u64) {
        self.done += n;
        if self.on && self.last.elapsed() > Duration::from_millis(100) {
            self.last = Instant::now();
            let frac = (self.done as f64 / self.total.max(1) as f64).min(1.0);
            let filled = (frac * 30.0) as usize;
            eprint!(
                "\r{} [{}{}] {:>3}% {}/{} MB",
                self.label,
                "#".repeat(filled),
                ".".repeat(30 - filled),
                (frac * 100.0) as u32,
                self.done >> 20,
                self.total >> 20
            );
            let _ = std::io::stderr().flush();
        }
    }

    pub fn finish(&mut self) {
        if self.on {
            eprint!("\r\x1b[2K");
        }
    }
}

pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}
