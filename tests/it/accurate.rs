//! The opt-in accurate mode (`TANDEM_TRIAGE_ENCODER`) from the command line: a wrong
//! folder stops the command with its reason; the right one is used and triages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The unpacked encoder (see `src/triage/encoder.rs`): CI fetches it, elsewhere the
/// test is skipped when `scripts/get_encoder.sh` has not been run.
fn encoder_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("TANDEM_TEST_ENCODER") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("triage-data/encoder"),
    };
    if dir.join("model.safetensors").exists() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must provide the encoder (scripts/get_encoder.sh, TANDEM_TEST_ENCODER)"
    );
    eprintln!("no encoder in {}: skipped", dir.display());
    None
}

/// `tandem eval` on the CLINC150 slice, every third row held out, with the encoder in
/// `encoder` (none: the default mode); also returns the predictions file.
fn eval(encoder: Option<&Path>) -> (Output, String) {
    let work = tempfile::tempdir().unwrap();
    let slice = include_str!("../../src/triage/testdata/clinc_slice.jsonl");
    let (mut train, mut test) = (String::new(), String::new());
    for (i, line) in slice.lines().enumerate() {
        let side = if i % 3 == 0 { &mut test } else { &mut train };
        side.push_str(line);
        side.push('\n');
    }
    std::fs::write(work.path().join("train.jsonl"), train).unwrap();
    std::fs::write(work.path().join("test.jsonl"), test).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    command
        .args(["eval", "--train", "train.jsonl", "--test", "test.jsonl"])
        .args(["--predictions", "predictions.jsonl"])
        .env_remove("TANDEM_TRIAGE_ENCODER")
        .current_dir(work.path());
    if let Some(dir) = encoder {
        command.env("TANDEM_TRIAGE_ENCODER", dir);
    }
    let out = command.output().unwrap();
    let predictions =
        std::fs::read_to_string(work.path().join("predictions.jsonl")).unwrap_or_default();
    (out, predictions)
}

#[test]
fn eval_with_a_folder_that_holds_no_encoder_stops_and_says_why() {
    let empty = tempfile::tempdir().unwrap();
    let (out, predictions) = eval(Some(empty.path()));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{err}");
    assert!(
        err.contains("TANDEM_TRIAGE_ENCODER") && err.contains("config.json"),
        "{err}"
    );
    assert!(
        out.stdout.is_empty() && predictions.is_empty(),
        "nothing was evaluated"
    );
}

#[test]
fn eval_in_accurate_mode_reads_with_the_encoder_and_gets_the_held_out_rows_right() {
    let Some(dir) = encoder_dir() else { return };
    let (out, predictions) = eval(Some(&dir));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("accurate mode"), "{stderr}");
    let accuracy: f64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("in-scope top-1 accuracy"))
        .and_then(|l| l.trim().trim_end_matches('%').trim().parse().ok())
        .unwrap_or_else(|| panic!("no accuracy in {stdout}"));
    assert!(accuracy >= 95.0, "{stdout}");
    // The encoder's vectors reach the classifier: every (English) test row's vector
    // holds its reading, and the rows get other confidences than in the default mode.
    assert!(
        stdout.contains("sentence encoder          read 100 of 100 test texts"),
        "{stdout}"
    );
    let (default_mode, default_predictions) = eval(None);
    assert!(default_mode.status.success());
    assert_eq!(predictions.lines().count(), 100);
    assert_ne!(predictions, default_predictions);
}

#[test]
fn serve_with_a_folder_that_holds_no_encoder_stops_before_opening_a_database() {
    let work = tempfile::tempdir().unwrap();
    let database = work.path().join("tandem.db");
    let out = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .arg("serve")
        .env("TANDEM_TRIAGE_ENCODER", work.path().join("no-such-folder"))
        .env(
            "TANDEM_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        )
        .env("TANDEM_BIND", "127.0.0.1:0")
        .current_dir(work.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{err}");
    assert!(err.contains("no-such-folder/config.json"), "{err}");
    assert!(
        !err.contains("tandem: database:") && !database.exists(),
        "stopped before opening a database: {err}"
    );
}
