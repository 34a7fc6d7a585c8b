//! A test home with publishers' keys and experts built from
//! `examples/single-model-expert` under any name, version and extra
//! manifest text, signed by a chosen key.
#![allow(dead_code)]

use super::*;

pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn cli(&self) -> Command {
        let mut c = cli(&self.home());
        c.env("HF_HUB_CACHE", self.dir.path().join("no-hf"))
            .current_dir(self.dir.path());
        c
    }

    /// Runs `expert-cli ARGS`, returning the output.
    pub fn run(&self, args: &[&str]) -> Output {
        run(self.cli().args(args))
    }

    /// Makes key `who` (`who.pem`, `who.pub`) once; returns the .pem path.
    pub fn key(&self, who: &str) -> PathBuf {
        let pem = self.dir.path().join(format!("{who}.pem"));
        if !pem.exists() {
            let out = self.run(&["keygen", "-o", pem.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(0), "keygen {who}");
        }
        pem
    }

    pub fn pubkey(&self, who: &str) -> PathBuf {
        self.key(who);
        self.dir.path().join(format!("{who}.pub"))
    }

    pub fn pubkey_text(&self, who: &str) -> String {
        std::fs::read_to_string(self.pubkey(who))
            .unwrap()
            .trim()
            .to_string()
    }

    /// `trust add who.pub --name NAME`.
    pub fn trust(&self, who: &str, name: &str) {
        let p = self.pubkey(who);
        let out = self.run(&["trust", "add", p.to_str().unwrap(), "--name", name]);
        assert_eq!(out.status.code(), Some(0), "trust add {who}");
    }

    /// An expert source directory: the single-model example renamed,
    /// at `version`, with `edit` applied to the manifest text.
    pub fn source(
        &self,
        tag: &str,
        name: &str,
        version: &str,
        edit: &dyn Fn(String) -> String,
    ) -> PathBuf {
        let dir = self.dir.path().join(format!("src-{tag}"));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&example("single-model-expert"), &dir);
        let m = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
        let m = m
            .replacen(
                "\"name\": \"expert-demo-v1\"",
                &format!("\"name\": \"{name}\""),
                1,
            )
            .replacen(
                "\"version\": \"0.3.0\"",
                &format!("\"version\": \"{version}\""),
                1,
            );
        std::fs::write(dir.join("manifest.json"), edit(m)).unwrap();
        dir
    }

    /// Packages `source` signed by `who` into `source/versions/`; returns
    /// the package path.
    pub fn package(&self, source: &Path, who: &str) -> PathBuf {
        let out_dir = source.join("versions");
        let key = self.key(who);
        let out = self.run(&[
            "package",
            source.to_str().unwrap(),
            "--out-dir",
            out_dir.to_str().unwrap(),
            "--sign-key",
            key.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "package: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "expert"))
            .expect("one package")
    }

    /// A signed package of `name` at `version` by `who`.
    pub fn expert(&self, tag: &str, name: &str, version: &str, who: &str) -> PathBuf {
        let src = self.source(tag, name, version, &|m| m);
        self.package(&src, who)
    }

    pub fn install(&self, source: &Path, flags: &[&str]) -> Output {
        let mut args = vec!["install", source.to_str().unwrap()];
        args.extend_from_slice(flags);
        self.run(&args)
    }

    /// (name, version, path) of every installed expert.
    pub fn list(&self) -> Vec<(String, String, String)> {
        let v = json(&self.run(&["list", "--json"]));
        v["experts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let s = |k: &str| e[k].as_str().unwrap().to_string();
                (s("name"), s("version"), s("path"))
            })
            .collect()
    }

    pub fn trust_store(&self) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.home().join("trust.json")).unwrap()).unwrap()
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
