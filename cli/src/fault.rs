//! Test hooks at named points of an install. `EXPERT_FAIL_AT=<point>` ends
//! the process there without any cleanup, as a crash or power cut would.
//! `EXPERT_HOOK_AT=<point>` runs `EXPERT_HOOK` (a `sh -c` command) there
//! and waits for it, so a test can change a file under a running install.
//! Unset (always, outside tests), they do nothing.

pub fn point(name: &str) {
    if std::env::var("EXPERT_HOOK_AT").is_ok_and(|p| p == name) {
        if let Ok(cmd) = std::env::var("EXPERT_HOOK") {
            let _ = std::process::Command::new("sh").args(["-c", &cmd]).status();
        }
    }
    if std::env::var("EXPERT_FAIL_AT").is_ok_and(|p| p == name) {
        eprintln!("injected failure at {name}");
        std::process::exit(70);
    }
}
