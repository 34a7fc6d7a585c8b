//! Injected failures for crash-consistency tests: `EXPERT_FAIL_AT=<point>`
//! ends the process at that point without any cleanup, as a crash or
//! power cut would. Unset (always, outside tests), it does nothing.

pub fn point(name: &str) {
    if std::env::var("EXPERT_FAIL_AT").is_ok_and(|p| p == name) {
        eprintln!("injected failure at {name}");
        std::process::exit(70);
    }
}
