//! Terminal output: colour only on a TTY and without NO_COLOR, and a
//! progress bar on stderr for long work.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};
use std::io::IsTerminal;

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

/// Work this small ends before a bar would say anything.
const SHOWN_OVER: u64 = 16 << 20;

/// A byte-count progress bar on stderr with rate and ETA, for work over
/// 16 MiB. It draws nothing when stderr is not a terminal (or `TERM` is
/// unset or `dumb`), so piped and captured output never holds one; it is
/// cleared when finished or dropped, so an error prints on a clean line.
pub struct Progress(ProgressBar);

impl Progress {
    pub fn new(label: &str, total: u64) -> Self {
        if !std::io::stderr().is_terminal() || total <= SHOWN_OVER {
            return Progress(ProgressBar::hidden());
        }
        let style = ProgressStyle::with_template(
            "{msg} [{wide_bar}] {percent:>3}% {binary_bytes}/{binary_total_bytes} \
             {binary_bytes_per_sec}, {eta} left",
        )
        .expect("a valid template")
        .progress_chars("#>.");
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_message(label.to_string())
            .with_finish(ProgressFinish::AndClear);
        Progress(bar)
    }

    pub fn add(&self, n: u64) {
        self.0.inc(n);
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Prints each warning on stderr as `warning: …`, escaped: warnings quote
/// package and manifest text.
pub fn print_warnings(warnings: &[String]) {
    let s = Style::stderr();
    for w in warnings {
        eprintln!(
            "{} {}",
            s.yellow("warning:"),
            expert_core::display::escape(w)
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_hidden_for_small_work_and_off_a_terminal() {
        assert!(Progress::new("small", SHOWN_OVER).0.is_hidden());
        if !std::io::stderr().is_terminal() {
            assert!(Progress::new("large", 1 << 40).0.is_hidden());
        }
    }
}
