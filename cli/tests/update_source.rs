//! `update NAME` updates that expert and nothing else: a source that now
//! holds another expert is refused, and pre-releases are taken only with
//! `--pre`.

mod common;
use common::publisher::{stderr, Home};
use common::*;

fn code(o: &std::process::Output) -> Option<i32> {
    o.status.code()
}

fn versions(h: &Home) -> Vec<(String, String)> {
    h.list().into_iter().map(|(n, v, _)| (n, v)).collect()
}

#[test]
fn update_refuses_source_that_now_holds_another_expert() {
    let h = Home::new();
    h.trust("alice", "Alice");
    let src = h.source("u", "expert-u", "1.0.0", &|m| m);
    h.package(&src, "alice");
    assert_eq!(code(&h.install(&src, &[])), Some(0));
    // The same source now holds another expert, newer, by a trusted key.
    let again = h.source("u", "expert-other", "2.0.0", &|m| m);
    assert_eq!(again, src);
    h.package(&src, "alice");
    let out = h.run(&["update", "expert-u"]);
    assert_eq!(code(&out), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("E_UPDATE_OTHER_EXPERT"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        versions(&h),
        [("expert-u".to_string(), "1.0.0".to_string())]
    );
}

#[test]
fn update_ignores_pre_release_tags_unless_pre() {
    let h = Home::new();
    h.trust("alice", "Alice");
    let publish = |version: &str| {
        let src = h.source("g", "expert-g", version, &|m| m);
        h.package(&src, "alice");
        src
    };
    let src = publish("1.0.0");
    git(&src, &["init", "-q"]);
    git(&src, &["add", "-A"]);
    git(&src, &["commit", "-qm", "1.0.0"]);
    git(&src, &["tag", "v1.0.0"]);
    let url = format!("git+file://{}#v1.0.0", src.display());
    let out = h.run(&["install", &url]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    // Keep the repository while the work tree is rewritten.
    let keep = h.dir.path().join("git-keep");
    std::fs::rename(src.join(".git"), &keep).unwrap();

    let src = publish("1.1.0-rc.1");
    std::fs::rename(&keep, src.join(".git")).unwrap();
    git(&src, &["add", "-A"]);
    git(&src, &["commit", "-qm", "rc"]);
    git(&src, &["tag", "v1.1.0-rc.1"]);

    let out = h.run(&["update", "expert-g"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("up to date"), "{}", stdout(&out));
    assert_eq!(
        versions(&h),
        [("expert-g".to_string(), "1.0.0".to_string())]
    );

    let out = h.run(&["update", "EXPERT_G", "--pre", "--json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["installed"][0]["version"], "1.1.0-rc.1");
}

#[test]
fn update_ignores_pre_release_versions_unless_pre() {
    let h = Home::new();
    h.trust("alice", "Alice");
    let src = h.source("p", "expert-p", "1.0.0", &|m| m);
    h.package(&src, "alice");
    assert_eq!(code(&h.install(&src, &[])), Some(0));
    h.source("p", "expert-p", "2.0.0-beta.1", &|m| m);
    h.package(&src, "alice");
    let out = h.run(&["update", "expert-p", "--json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["skipped_pre_release"], "2.0.0-beta.1");
    assert_eq!(
        versions(&h),
        [("expert-p".to_string(), "1.0.0".to_string())]
    );
    let out = h.run(&["update", "expert-p", "--pre"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(versions(&h)[0].1, "2.0.0-beta.1");
}
