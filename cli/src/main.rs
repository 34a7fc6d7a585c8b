//! `expert-cli`: a thin shell over `expert-core` that adds files, keys,
//! the clock, randomness and terminal output.

mod args;
mod atomic;
mod cmd;
mod error;
mod expert_dir;
mod expert_tree;
mod fault;
mod git_source;
mod home;
mod http;
mod install;
mod key_input;
mod models;
mod oci_client;
mod package_read;
mod parallel;
mod quantization;
mod reconcile;
mod registry;
mod remote;
mod safe_fs;
mod source;
mod source_read;
mod staging;
mod term;
mod trust_store;

use clap::{CommandFactory, Parser};
use error::Exit;

fn main() {
    // Die quietly on a closed pipe (`expert-cli verify x | head`), like
    // other Unix tools, instead of panicking on the failed write.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error[E_INTERNAL]: expert-cli hit a bug: {info}");
        eprintln!("  hint: please report this with the command you ran");
    }));
    let _ = ctrlc::set_handler(|| {
        atomic::cleanup_in_flight();
        std::process::exit(130);
    });
    let cli = args::Cli::parse();
    let json = cli.command.json();
    let result = match cli.command {
        args::Command::Validate(a) => cmd::validate::run(a),
        args::Command::Migrate(a) => cmd::migrate::run(a),
        args::Command::Package(a) => cmd::package::run(a),
        args::Command::Keygen(a) => cmd::keygen::run(a),
        args::Command::Sign(a) => cmd::sign::run(a),
        args::Command::Verify(a) => cmd::verify::run(a),
        args::Command::Inspect(a) => cmd::inspect::run(a),
        args::Command::Trust(c) => cmd::trust::run(c),
        args::Command::Registry(c) => cmd::registry::run(c),
        args::Command::Install(a) => cmd::install::run(a),
        args::Command::List(a) => cmd::list::run(a),
        args::Command::Uninstall(a) => cmd::uninstall::run(a),
        args::Command::Update(a) => cmd::install::update(a),
        args::Command::Push(a) => cmd::push::run(a),
        args::Command::Pull(a) => cmd::pull::run(a),
        args::Command::Models(a) => cmd::list::models(a.json),
        args::Command::Fingerprint(a) => cmd::list::fingerprint(a),
        args::Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut args::Cli::command(),
                "expert-cli",
                &mut std::io::stdout(),
            );
            Ok(Exit::Ok)
        }
    };
    let exit = match result {
        Ok(exit) => exit,
        Err(e) => {
            if json {
                cmd::print_json(
                    &serde_json::json!({ "error": { "code": e.code, "message": e.message, "hint": e.hint } }),
                );
            }
            let s = term::Style::stderr();
            // Messages quote names, paths and fields from packages:
            // controls and bidi characters are shown escaped (our own
            // line breaks stay).
            let esc = expert_core::display::escape_lines;
            eprintln!(
                "{}: {}",
                s.red(&format!("error[{}]", esc(e.code.as_str()))),
                esc(&e.message)
            );
            if let Some(h) = &e.hint {
                eprintln!("  {} {}", s.bold("hint:"), esc(h));
            }
            Exit::Failed(e.exit())
        }
    };
    std::process::exit(exit.status());
}
