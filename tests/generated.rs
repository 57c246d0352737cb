//! The committed completion scripts and man page match what the CLI
//! definition generates. Refresh them with:
//! `TIKLIVE_BLESS=1 cargo test --test integration generated`

use std::path::PathBuf;

use tiklive::cli::Shell;
use tiklive::cmd::generate::{completion, completion_file, man_page};
use tiklive::settings::readme_table;

fn check(path: PathBuf, fresh: Vec<u8>) {
    if std::env::var_os("TIKLIVE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale; refresh it with: TIKLIVE_BLESS=1 cargo test --test integration generated",
        path.display()
    );
}

#[test]
fn completions_are_fresh() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions");
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        check(dir.join(completion_file(shell)), completion(shell));
    }
}

/// The README's section between `<!-- NAME:start -->` and `<!-- NAME:end -->`
/// is `fresh`.
fn check_readme_section(name: &str, fresh: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = (
        format!("<!-- {name}:start -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let a = readme
        .find(&start)
        .unwrap_or_else(|| panic!("README has a {name}:start marker"))
        + start.len();
    let b = readme
        .find(&end)
        .unwrap_or_else(|| panic!("README has a {name}:end marker"));
    let fresh = format!("{}{fresh}{}", &readme[..a], &readme[b..]);
    check(path, fresh.into_bytes());
}

#[test]
fn the_readme_settings_table_is_fresh() {
    check_readme_section("settings", &readme_table());
}

#[test]
fn the_readme_exit_codes_are_fresh() {
    check_readme_section("exit-codes", &tiklive::error::exit_codes_readme_table());
}

#[test]
fn the_man_page_is_fresh() {
    check(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("doc/tiklive.1"),
        man_page().unwrap(),
    );
}

#[test]
fn type_completion_offers_the_event_names() {
    let bash = String::from_utf8(completion(Shell::Bash)).unwrap();
    for name in ["roomUpdate", "linkMicBattle", "superFan", "gift", "chat"] {
        assert!(bash.contains(name), "{name} missing from bash completion");
    }
    let fish = String::from_utf8(completion(Shell::Fish)).unwrap();
    assert!(fish.contains("roomUpdate"));
}
