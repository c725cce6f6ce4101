//! A planted canary secret must not appear in any log line, error message, JSON output
//! or panic message produced by the code paths that handle it.

use crate::cli::{telcreds, write_config};
use crate::support::*;
use telcreds::domain::NewProvider;
use telcreds::sandbox::Seed;
use telcreds::secret::Secret;

/// Looks like a Twilio token, so it passes local validation and reaches the wire.
const TOKEN_CANARY: &str = "cafe0000cafe0000cafe0000cafe0000";
const PASSWORD_CANARY: &str = "CANARY-pa55w0rd-zz";
const CONFIG_CANARY: &str = "CANARY-config-token";

fn assert_clean(what: &str, text: &str) {
    for canary in [TOKEN_CANARY, PASSWORD_CANARY, CONFIG_CANARY] {
        assert!(!text.contains(canary), "{what} leaks {canary}:\n{text}");
    }
}

#[tokio::test]
async fn canaries_never_leak_from_the_command_line() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "\n[profiles.canary]\nplatform = \"dasha\"\nbase_url = \"{}\"\ntoken = \"{CONFIG_CANARY}\"\n",
        sb.dasha_base()
    ));
    std::fs::write(&cfg, text).unwrap();
    let sid = sb.twilio_accounts()[0].sid.clone();
    let mut outputs = Vec::new();

    // Dasha refuses the token after checking it with Twilio.
    let run = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-dasha",
            "providers",
            "create",
            "--allow-duplicate",
            "--account-sid",
            &sid,
            "--token-stdin",
        ],
        TOKEN_CANARY,
    )
    .await;
    assert_eq!(run.code, 6, "{}", run.stderr);
    outputs.push(run);
    // Unpod does not check it, so telcreds checks it with Twilio first and refuses
    // it before anything reaches Unpod: on create and on rotation.
    let run = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-unpod",
            "-o",
            "json",
            "providers",
            "create",
            "--allow-duplicate",
            "--account-sid",
            &sid,
            "--token-stdin",
        ],
        TOKEN_CANARY,
    )
    .await;
    assert_eq!(run.code, 6, "{}", run.stderr);
    outputs.push(run);
    let run = telcreds(
        &cfg,
        &["-p", "sandbox-unpod", "-o", "json", "providers", "list"],
        "",
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    outputs.push(run);
    let run = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-unpod",
            "-o",
            "json",
            "providers",
            "rotate-token",
            &id,
            "--token-stdin",
        ],
        TOKEN_CANARY,
    )
    .await;
    assert_eq!(run.code, 6, "{}", run.stderr);
    outputs.push(run);
    let unpod_writes: Vec<_> = requests(&sb)
        .await
        .into_iter()
        .filter(|(m, p, _)| p.contains("configurations") && m != "GET")
        .collect();
    assert_eq!(unpod_writes, Vec::new(), "nothing was sent to Unpod");
    // A config token the platform refuses.
    let run = telcreds(&cfg, &["-p", "canary", "providers", "list"], "").await;
    assert_eq!(run.code, 3, "{}", run.stderr);
    outputs.push(run);
    // A SIP password, in and out.
    let run = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-dasha",
            "-o",
            "json",
            "sip",
            "create",
            "--server",
            "canary.example",
            "--password-stdin",
        ],
        PASSWORD_CANARY,
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sip = serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    outputs.push(run);
    for args in [
        vec!["-p", "sandbox-dasha", "-o", "json", "sip", "show", &sip],
        vec!["-p", "sandbox-dasha", "sip", "show", &sip],
        vec!["-p", "sandbox-dasha", "-o", "json", "sip", "list"],
    ] {
        let run = telcreds(&cfg, &args, "").await;
        assert_eq!(run.code, 0, "{}", run.stderr);
        outputs.push(run);
    }
    for run in &outputs {
        assert_clean("stdout", &run.stdout);
        assert_clean("stderr", &run.stderr);
    }
    let log = std::fs::read_to_string(dir.path().join("state").join("telcreds.log")).unwrap();
    assert!(
        log.lines().count() > 10,
        "trace logging ran: {} lines",
        log.lines().count()
    );
    assert_clean("the log", &log);

    // Positive control: asked for explicitly, the password is shown, so the checks above can fail.
    let shown = telcreds(
        &cfg,
        &[
            "-p",
            "sandbox-dasha",
            "-o",
            "json",
            "sip",
            "show",
            &sip,
            "--show-secrets",
        ],
        "",
    )
    .await;
    assert!(shown.stdout.contains(PASSWORD_CANARY));
}

#[tokio::test]
async fn canaries_never_leak_into_errors_or_panics_in_process() {
    let sb = sandbox(Seed::Demo).await;
    let c = dasha(&sb);
    let new = NewProvider {
        name: None,
        provider: "twilio".into(),
        account_sid: sb.twilio_accounts()[0].sid.clone(),
        auth_token: Secret::new(TOKEN_CANARY),
        region: None,
        supports_call_transfer: None,
    };
    let e = c.create_twilio_provider(&new).await.unwrap_err();
    assert_clean("the error", &format!("{e} {e:?}"));
    assert_clean("a Debug of the request", &format!("{new:?} {new:#?}"));

    let payload = std::panic::catch_unwind(|| panic!("while handling {new:?}")).unwrap_err();
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("[redacted]"), "{message}");
    assert_clean("the panic message", &message);
}
