//! A panic in the module reaches JS as an `Error` whose `code` is `E_PANIC`
//! and whose message is the panic's; the JS wrapper then replaces the
//! instance, which was left mid-call (`wasm/js/instance.js`).

use crate::error;
use expert_core::code::Code;
use std::sync::atomic::{AtomicU32, Ordering};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic");
        let at = info
            .location()
            .map(|l| format!(" (at {}:{})", l.file(), l.line()))
            .unwrap_or_default();
        let message = format!("expert-format hit an internal error, a bug to report: {what}{at}");
        // Thrown from here, the error skips the trap that would follow and
        // keeps the message; the instance is abandoned either way.
        wasm_bindgen::throw_val(error(Code::Panic, &message));
    }));
}

/// Deliberate failures of this instance, for the tests: a fresh instance
/// starts at 0.
static FAILURES: AtomicU32 = AtomicU32::new(0);

/// Test only: panics with `message`.
#[wasm_bindgen(js_name = __testPanic)]
pub fn test_panic(message: &str) {
    FAILURES.fetch_add(1, Ordering::Relaxed);
    panic!("{message}");
}

/// Test only: traps without a panic (as running out of memory does).
#[wasm_bindgen(js_name = __testTrap)]
pub fn test_trap() {
    FAILURES.fetch_add(1, Ordering::Relaxed);
    std::process::abort();
}

/// Test only: how many deliberate failures this instance has seen.
#[wasm_bindgen(js_name = __testFailures)]
pub fn test_failures() -> u32 {
    FAILURES.load(Ordering::Relaxed)
}
