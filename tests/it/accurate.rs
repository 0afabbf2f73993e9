//! The opt-in accurate mode (`TANDEM_TRIAGE_ENCODER`) from the command line: a wrong
//! folder stops the command with its reason; the right one is used and triages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// An unpacked encoder: the folder in the environment variable `var`, else `folder` of
/// the checkout, when it holds `file`. CI fetches both models; elsewhere the tests that
/// need one are skipped when `scripts/get_encoder.sh` has not been run.
fn model_dir(var: &str, folder: &str, file: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os(var) {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(folder),
    };
    if dir.join(file).exists() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must provide the encoder in {var} (scripts/get_encoder.sh)"
    );
    eprintln!("no encoder in {}: skipped", dir.display());
    None
}

/// all-MiniLM-L6-v2 (`scripts/get_encoder.sh`).
fn encoder_dir() -> Option<PathBuf> {
    model_dir(
        "TANDEM_TEST_ENCODER",
        "triage-data/encoder",
        "model.safetensors",
    )
}

/// multilingual-e5-small (`scripts/get_encoder.sh --multilingual`).
fn multilingual_dir() -> Option<PathBuf> {
    model_dir(
        "TANDEM_TEST_ENCODER_MULTILINGUAL",
        "triage-data/encoder-multilingual",
        "e5-small-q4.bin",
    )
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
fn vector_files_that_are_missing_or_not_tables_stop_the_command_and_say_why() {
    let work = tempfile::tempdir().unwrap();
    let slice = include_str!("../../src/triage/testdata/clinc_slice.jsonl");
    std::fs::write(work.path().join("rows.jsonl"), slice).unwrap();
    std::fs::write(work.path().join("garbage.bin"), b"not a table at all").unwrap();
    for (var, file, reason) in [
        (
            "TANDEM_TRIAGE_LEARNED_VECTORS",
            "no-such.bin",
            "No such file",
        ),
        (
            "TANDEM_TRIAGE_LEARNED_VECTORS",
            "garbage.bin",
            "not a vector table",
        ),
        ("TANDEM_TRIAGE_VECTORS", "garbage.bin", "not a vector table"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(["eval", "--train", "rows.jsonl", "--test", "rows.jsonl"])
            .env_remove("TANDEM_TRIAGE_ENCODER")
            .env(var, work.path().join(file))
            .current_dir(work.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(78), "{var}={file}: {err}");
        assert!(
            err.contains(var) && err.contains(file) && err.contains(reason),
            "{var}={file}: {err}"
        );
        assert!(out.stdout.is_empty(), "nothing was evaluated: {var}={file}");
    }
}

#[test]
fn ingest_mail_with_a_missing_vector_file_asks_the_mta_to_retry_and_the_retry_is_stored() {
    let t = crate::harness::TestApp::new();
    let raw = b"From: Ana <ana@example.com>\r\nTo: support@example.com\r\n\
                Subject: Where is my order?\r\nMessage-ID: <vectors-1@example.com>\r\n\r\n\
                Hello, where is my order 4711? Thanks, Ana\r\n";
    let mut env = t.env.clone();
    env.insert(
        "TANDEM_TRIAGE_LEARNED_VECTORS".into(),
        "/nonexistent/learned.bin".into(),
    );
    let (code, _, err) = crate::harness::run_binary(&env, &["ingest-mail"], raw);
    assert_eq!(code, 75, "{err}");
    assert!(
        err.contains("TANDEM_TRIAGE_LEARNED_VECTORS=/nonexistent/learned.bin"),
        "{err}"
    );
    assert!(
        tandem::app::tickets::list(&t.app, 10, 0)
            .unwrap()
            .is_empty()
    );
    // The operator fixes the setting; the MTA's retry is stored and triaged once.
    let (code, _, err) = t.run_cli(&["ingest-mail"], raw);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = t.run_cli(&["ingest-mail"], raw);
    assert_eq!(code, 0, "{err}");
    assert_eq!(tandem::app::tickets::list(&t.app, 10, 0).unwrap().len(), 1);
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

/// `tandem eval`: trained on English questions only, tested on their translations.
fn eval_translations(encoder: Option<&Path>) -> String {
    let train = [
        ("alarm", "set an alarm for 7 am"),
        ("alarm", "wake me up at six tomorrow"),
        ("alarm", "please set my alarm for half past five"),
        ("alarm", "I need an alarm at 8 in the morning"),
        ("alarm", "create a wake-up alarm for 6:30"),
        ("weather", "what is the weather like today"),
        ("weather", "will it rain tomorrow"),
        ("weather", "how cold will it be tonight"),
        ("weather", "is it going to be sunny this weekend"),
        ("weather", "what's the forecast for tomorrow"),
        ("refund", "I want my money back for this order"),
        ("refund", "please refund my purchase"),
        ("refund", "how do I get a refund"),
        ("refund", "return the item and give me a refund"),
        ("refund", "can I get reimbursed for the broken product"),
    ];
    let test = [
        ("alarm", "Stell bitte einen Wecker für sieben Uhr morgens"),
        ("alarm", "明日の朝6時にアラームをセットして"),
        ("alarm", "Pon una alarma a las siete de la mañana"),
        ("alarm", "اضبط المنبه على الساعة السابعة صباحا"),
        ("weather", "Wie wird das Wetter morgen?"),
        ("weather", "明日は雨が降りますか"),
        ("weather", "¿Qué tiempo hará mañana?"),
        ("weather", "كيف سيكون الطقس غدا؟"),
        ("refund", "Ich möchte mein Geld für diese Bestellung zurück"),
        ("refund", "この注文の返金をお願いします"),
        ("refund", "Quiero un reembolso de mi compra"),
        ("refund", "أريد استرداد أموالي مقابل هذا الطلب"),
    ];
    let lines = |rows: &[(&str, &str)]| -> String {
        rows.iter()
            .map(|(intent, text)| {
                format!(
                    "{}\n",
                    serde_json::json!({ "text": text, "intent": intent })
                )
            })
            .collect()
    };
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("train.jsonl"), lines(&train)).unwrap();
    std::fs::write(work.path().join("test.jsonl"), lines(&test)).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    command
        .args(["eval", "--train", "train.jsonl", "--test", "test.jsonl"])
        .env_remove("TANDEM_TRIAGE_ENCODER")
        .current_dir(work.path());
    if let Some(dir) = encoder {
        command.env("TANDEM_TRIAGE_ENCODER", dir);
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn accuracy(stdout: &str) -> f64 {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("in-scope top-1 accuracy"))
        .and_then(|l| l.trim().trim_end_matches('%').trim().parse().ok())
        .unwrap_or_else(|| panic!("no accuracy in {stdout}"))
}

#[test]
fn the_multilingual_encoder_answers_in_languages_it_was_given_no_examples_in() {
    let Some(dir) = multilingual_dir() else {
        return;
    };
    let multilingual = eval_translations(Some(&dir));
    // Every test text is read by the encoder, whatever its language...
    assert!(
        multilingual.contains("sentence encoder          read 12 of 12 test texts"),
        "{multilingual}"
    );
    // ...and the English examples carry over to German, Japanese, Spanish and Arabic
    // (10 of 12 here; the default mode gets 7, the English encoder 8).
    let carried = accuracy(&multilingual);
    assert!(carried >= 75.0, "{multilingual}");
    let default_mode = eval_translations(None);
    assert!(
        carried > accuracy(&default_mode),
        "{multilingual}\n{default_mode}"
    );
    if let Some(english) = encoder_dir() {
        let out = eval_translations(Some(&english));
        assert!(
            out.contains("sentence encoder          read 0 of 12 test texts"),
            "the English model leaves other languages to the static vectors: {out}"
        );
        assert!(carried > accuracy(&out), "{multilingual}\n{out}");
    }
}
