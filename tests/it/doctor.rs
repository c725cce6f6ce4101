//! `telcreds doctor` against the sandbox: every step passes on a good config; each
//! misconfiguration fails its own step with the fix; a hanging `token_cmd` is cut
//! off; only GET requests are sent; no token is ever printed or logged.

use crate::cli::{Run, telcreds};
use crate::support::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use telcreds::config::{Profile, TokenSource};
use telcreds::domain::{CheckStatus, Platform};
use telcreds::ops::doctor::{self, DoctorOptions};
use telcreds::probe::digest::Algorithm;
use telcreds::probe::transport::TlsTrust;
use telcreds::sandbox::sip_peer::{PeerConfig, SipPeer};
use telcreds::sandbox::{DASHA_TOKEN, Sandbox, SandboxOptions, Seed, UNPOD_TOKEN};
use telcreds::secret::Secret;

/// Writes `text` as the config file in `dir`, with `mode`.
fn write(dir: &Path, text: &str, mode: u32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn report(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: stdout {} stderr {}", run.stdout, run.stderr))
}

/// The step `name` of `profile` in a JSON report.
fn step<'a>(report: &'a Value, profile: &str, name: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"] == profile && s["step"] == name)
        .unwrap_or_else(|| panic!("no step {name:?} of {profile:?} in {report:#}"))
}

/// The status of a step.
fn status<'a>(report: &'a Value, profile: &str, name: &str) -> &'a str {
    step(report, profile, name)["status"].as_str().unwrap()
}

/// Every request the sandbox served was a GET; returns their paths.
async fn only_gets(sb: &Sandbox) -> Vec<String> {
    let served = requests(sb).await;
    assert!(!served.is_empty());
    for (method, path, _) in &served {
        assert_eq!(method, "GET", "doctor sent {method} {path}");
    }
    served.into_iter().map(|(_, p, _)| p).collect()
}

/// None of `secrets` is in what doctor printed or logged (the state directory).
fn never_shown(runs: &[&Run], dir: &Path, secrets: &[&str]) {
    let mut texts: Vec<String> = runs
        .iter()
        .flat_map(|r| [r.stdout.clone(), r.stderr.clone()])
        .collect();
    let logs = std::fs::read_dir(dir.join("state")).expect("doctor logs");
    texts.extend(
        logs.flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default()),
    );
    for text in &texts {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret} shown in: {text}");
        }
    }
}

#[tokio::test]
async fn every_step_passes_against_the_sandbox_and_only_reads() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(dir.path(), &sb.print_config(), 0o600);

    let json = telcreds(&cfg, &["doctor", "--all", "-o", "json"], "").await;
    assert_eq!(json.code, 0, "{}", json.stderr);
    let r = report(&json);
    assert_eq!(r["status"], "passed");
    for s in r["steps"].as_array().unwrap() {
        assert_eq!(s["status"], "passed", "{s}");
        assert!(s["fix"].is_null(), "{s}");
    }
    let config = &r["steps"][0];
    assert!(config["profile"].is_null() && config["step"] == "config");
    let message = config["message"].as_str().unwrap();
    assert!(
        message.ends_with("valid, 2 profile(s), mode 0600"),
        "{message}"
    );
    for name in [
        "token source",
        "base url",
        "token",
        "GET providers",
        "GET providers/twilio/{id}",
        "GET sip-credentials",
        "GET sip-phone-numbers",
        "twilio api",
    ] {
        step(&r, "sandbox-dasha", name);
    }
    for name in [
        "token",
        "GET organizations/",
        "org handle",
        "GET telephony/providers-configurations/",
        "GET telephony/providers-configurations/{id}/",
        "twilio api",
    ] {
        step(&r, "sandbox-unpod", name);
    }
    let base = step(&r, "sandbox-dasha", "base url")["message"]
        .as_str()
        .unwrap();
    assert!(base.starts_with("plain http on loopback"), "{base}");

    let paths = only_gets(&sb).await;
    for path in [
        "/api/v1/providers",
        "/api/v1/sip-credentials",
        "/api/v1/sip-phone-numbers",
        "/api/v2/platform/organizations/",
        "/api/v2/platform/telephony/providers-configurations/",
        "/2010-04-01/Accounts.json",
    ] {
        assert!(paths.iter().any(|p| p == path), "{path} not in {paths:?}");
    }

    let table = telcreds(&cfg, &["doctor", "--all"], "").await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.starts_with("PROFILE"), "{}", table.stdout);
    assert!(
        table.stdout.ends_with("passed, 0 warning, 0 failed\n"),
        "{}",
        table.stdout
    );

    // Without --all: the profile a command would use, here the first.
    let one = report(&telcreds(&cfg, &["doctor", "-o", "json"], "").await);
    let profiles: Vec<&Value> = one["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["profile"])
        .collect();
    // The config file and its key map first, then the profile and the accounts.
    assert_eq!(one["steps"][1]["step"], "key map", "{one:#}");
    assert!(
        profiles[2..].iter().all(|p| *p == "sandbox-dasha"
            || p.as_str().is_some_and(|p| p.starts_with("twilio account "))),
        "{profiles:?}"
    );

    never_shown(&[&json, &table], dir.path(), &[DASHA_TOKEN, UNPOD_TOKEN]);
}

#[tokio::test]
async fn the_other_spelling_of_the_unpod_path_is_tried_and_named_in_the_fix() {
    let sb = Sandbox::start(SandboxOptions {
        unpod_provider_configurations_path: Some("telephony/provider-configurations/".into()),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(dir.path(), &sb.print_config(), 0o600);
    let args = ["-p", "sandbox-unpod", "doctor", "-o", "json"];

    let run = telcreds(&cfg, &args, "").await;
    assert_eq!(run.code, 11, "{}", run.stderr);
    let r = report(&run);
    assert_eq!(r["status"], "failed");
    let list = step(
        &r,
        "sandbox-unpod",
        "GET telephony/providers-configurations/",
    );
    assert_eq!(list["status"], "failed");
    assert!(
        list["message"]
            .as_str()
            .unwrap()
            .contains("the other spelling telephony/provider-configurations/ answers"),
        "{list}"
    );
    assert_eq!(
        list["fix"],
        "set provider_configurations_path = \"telephony/provider-configurations/\" in [profiles.sandbox-unpod]"
    );
    assert_eq!(status(&r, "sandbox-unpod", "token"), "passed");
    assert_eq!(status(&r, "sandbox-unpod", "org handle"), "passed");
    assert!(
        run.stderr.contains("error: doctor: 1 step(s) failed"),
        "{}",
        run.stderr
    );

    // Set as the fix says, every step passes.
    let fixed = sb.print_config().replace(
        "org_handle = \"sandbox.example\"\n",
        "org_handle = \"sandbox.example\"\nprovider_configurations_path = \"telephony/provider-configurations/\"\n",
    );
    let cfg = write(dir.path(), &fixed, 0o600);
    let run = telcreds(&cfg, &args, "").await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        status(
            &report(&run),
            "sandbox-unpod",
            "GET telephony/provider-configurations/{id}/"
        ),
        "passed"
    );
    only_gets(&sb).await;
}

#[tokio::test]
async fn a_hanging_token_cmd_is_cut_off_within_its_limit() {
    assert_eq!(doctor::TOKEN_TIMEOUT, Duration::from_secs(10));
    let sb = sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[profiles.hangs]\nplatform = \"dasha\"\nbase_url = \"{}\"\ntoken_cmd = \"sleep 100\"\ntwilio_api_base = \"{}\"\n",
        sb.dasha_base(),
        sb.twilio_base()
    );
    let cfg = write(dir.path(), &text, 0o600);
    let started = Instant::now();
    let run = telcreds(&cfg, &["doctor", "--token-timeout", "1", "-o", "json"], "").await;
    let took = started.elapsed();
    assert_eq!(run.code, 11, "{}", run.stderr);
    assert!(took < Duration::from_secs(8), "doctor took {took:?}");
    let r = report(&run);
    let token = step(&r, "hangs", "token source");
    assert_eq!(token["status"], "failed");
    assert_eq!(
        token["message"],
        "token_cmd timed out after 1 s and was stopped"
    );
    assert!(
        token["fix"].as_str().unwrap().contains("within 1 s"),
        "{token}"
    );
    let ms = token["elapsed_ms"].as_u64().unwrap();
    assert!((1000..4000).contains(&ms), "{ms} ms");
    assert_eq!(status(&r, "hangs", "GET providers"), "skipped");
    // The command's text is never printed (it may hold a secret).
    assert!(!run.stdout.contains("sleep 100"), "{}", run.stdout);
    assert_eq!(status(&r, "hangs", "twilio api"), "passed");
}

#[tokio::test]
async fn a_wrong_token_a_wrong_org_handle_and_an_unreachable_host_each_fail_their_step() {
    const DASHA_CANARY: &str = "CANARY-dasha-7c1e5a";
    const UNPOD_CANARY: &str = "CANARY-unpod-51d0b2";
    const ENV_CANARY: &str = "CANARY-env-99f0aa";
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let (dasha, unpod, twilio) = (sb.dasha_base(), sb.unpod_base(), sb.twilio_base());
    let text = format!(
        "[profiles.wrong-token]\nplatform = \"dasha\"\nbase_url = \"{dasha}\"\ntoken = \"{DASHA_CANARY}\"\ntwilio_api_base = \"{twilio}\"\n\n\
         [profiles.wrong-unpod-token]\nplatform = \"unpod\"\nbase_url = \"{unpod}\"\ntoken = \"{UNPOD_CANARY}\"\norg_handle = \"sandbox.example\"\ntwilio_api_base = \"{twilio}\"\n\n\
         [profiles.wrong-org]\nplatform = \"unpod\"\nbase_url = \"{unpod}\"\ntoken = \"{UNPOD_TOKEN}\"\norg_handle = \"wrong.example\"\ntwilio_api_base = \"{twilio}\"\n\n\
         [profiles.unreachable]\nplatform = \"dasha\"\nbase_url = \"http://127.0.0.1:1/api/v1\"\ntoken_env = \"DOCTOR_TEST_TOKEN\"\ntwilio_api_base = \"http://127.0.0.1:1\"\n"
    );
    let cfg = write(dir.path(), &text, 0o600);
    let env = [("DOCTOR_TEST_TOKEN", Path::new(ENV_CANARY))];
    let run = telcreds_env(&cfg, &["doctor", "--all", "-o", "json"], "", &env, false).await;
    assert_eq!(run.code, 11, "{}", run.stderr);
    let r = report(&run);

    for profile in ["wrong-token", "wrong-unpod-token"] {
        let token = step(&r, profile, "token");
        assert_eq!(token["status"], "failed", "{token}");
        assert!(
            token["message"].as_str().unwrap().starts_with("refused"),
            "{token}"
        );
        assert_eq!(
            token["fix"],
            "put a valid API token in the profile's token source"
        );
        assert_eq!(status(&r, profile, "token source"), "passed");
    }
    assert_eq!(status(&r, "wrong-token", "GET sip-credentials"), "skipped");

    let org = step(&r, "wrong-org", "org handle");
    assert_eq!(org["status"], "failed", "{org}");
    assert!(
        org["message"]
            .as_str()
            .unwrap()
            .contains("\"wrong.example\" is refused"),
        "{org}"
    );
    assert_eq!(
        org["fix"],
        "set org_handle = \"sandbox.example\" in [profiles.wrong-org] (the token's organizations: sandbox.example)"
    );
    assert_eq!(status(&r, "wrong-org", "token"), "passed");

    let base = step(&r, "unreachable", "base url");
    assert_eq!(base["status"], "failed", "{base}");
    assert_eq!(
        base["message"],
        "nothing answers at 127.0.0.1:1 (connection refused)"
    );
    assert_eq!(status(&r, "unreachable", "token source"), "passed");
    assert_eq!(status(&r, "unreachable", "token"), "skipped");
    assert_eq!(status(&r, "unreachable", "twilio api"), "failed");

    assert!(
        run.stderr.starts_with("error: doctor: 5 step(s) failed"),
        "{}",
        run.stderr
    );
    let table = telcreds_env(&cfg, &["doctor", "--all"], "", &env, false).await;
    assert_eq!(table.code, 11);
    assert!(
        table
            .stdout
            .contains("fix: set org_handle = \"sandbox.example\""),
        "{}",
        table.stdout
    );
    only_gets(&sb).await;
    never_shown(
        &[&run, &table],
        dir.path(),
        &[DASHA_CANARY, UNPOD_CANARY, ENV_CANARY, UNPOD_TOKEN],
    );
}

#[tokio::test]
async fn a_config_others_may_read_is_a_warning_and_exits_12() {
    let sb = sandbox(Seed::Empty).await;
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[profiles.env]\nplatform = \"dasha\"\nbase_url = \"{}\"\ntoken_env = \"DOCTOR_TEST_TOKEN\"\ntwilio_api_base = \"{}\"\n",
        sb.dasha_base(),
        sb.twilio_base()
    );
    let cfg = write(dir.path(), &text, 0o640);
    let env = [("DOCTOR_TEST_TOKEN", Path::new(DASHA_TOKEN))];
    let run = telcreds_env(&cfg, &["doctor", "-o", "json"], "", &env, false).await;
    assert_eq!(run.code, 12, "{}{}", run.stdout, run.stderr);
    let config = &report(&run)["steps"][0];
    assert_eq!(config["status"], "warning");
    assert!(
        config["message"]
            .as_str()
            .unwrap()
            .contains("readable by group (mode 0640)"),
        "{config}"
    );
    assert!(
        config["fix"].as_str().unwrap().starts_with("chmod 600 "),
        "{config}"
    );
    assert!(
        run.stderr.starts_with("warning: doctor: 1 step(s) warned"),
        "{}",
        run.stderr
    );

    let missing = telcreds(&dir.path().join("nope.toml"), &["doctor"], "").await;
    assert_eq!(missing.code, 11, "{}", missing.stderr);
    assert!(missing.stdout.contains("cannot read"), "{}", missing.stdout);
}

/// A Dasha profile at `base` with a token nobody checks.
fn tls_profile(base: &str) -> Profile {
    Profile::new(
        "tls",
        Platform::Dasha,
        base,
        TokenSource::Inline(Secret::new("CANARY-tls-token")),
    )
}

#[tokio::test]
async fn an_https_base_url_needs_a_certificate_valid_for_its_host() {
    let (ca, config) = tls_certs(&["localhost"]);
    let mut peer = SipPeer::start(PeerConfig {
        users: Default::default(),
        algorithm: Algorithm::Md5,
    })
    .await
    .unwrap();
    let addr = peer.listen_tls(config).await.unwrap();
    let base = format!("https://localhost:{}/api/v1", addr.port());
    let options = DoctorOptions::standard(Duration::from_secs(5)).unwrap();

    let steps = doctor::check_profile(&tls_profile(&base), &options).await;
    let tls = steps.iter().find(|s| s.step == "base url").unwrap();
    assert_eq!(tls.status, CheckStatus::Failed, "{tls:?}");
    assert!(
        tls.message
            .contains("TLS certificate of localhost is not valid"),
        "{tls:?}"
    );
    assert!(tls.message.contains("UnknownIssuer"), "{tls:?}");
    assert!(
        steps
            .iter()
            .skip(2)
            .take(5)
            .all(|s| s.status == CheckStatus::Skipped)
    );

    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca).unwrap();
    let trusted = DoctorOptions {
        trust: TlsTrust::new(Some(&ca_file)).unwrap(),
        ..options
    };
    let steps = doctor::check_profile(&tls_profile(&base), &trusted).await;
    let tls = steps.iter().find(|s| s.step == "base url").unwrap();
    assert_eq!(tls.status, CheckStatus::Passed, "{tls:?}");
    assert!(
        tls.message
            .ends_with("its TLS certificate is valid for localhost"),
        "{tls:?}"
    );
    assert!(steps.iter().all(|s| s.profile.as_deref() == Some("tls")));
    let shown = format!("{steps:?}");
    assert!(!shown.contains("CANARY"), "{shown}");
}

#[tokio::test]
async fn every_twilio_account_is_checked_its_source_its_token_and_its_accounts_api() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), &sb.print_config(), 0o600);
    let run = telcreds(&good, &["doctor", "-o", "json"], "").await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = report(&run);
    let acme = "twilio account acme-production";
    for name in ["token source", "twilio token", "accounts api"] {
        assert_eq!(status(&r, acme, name), "passed", "{name}");
    }
    assert_eq!(
        only_gets(&sb).await.len(),
        requests(&sb).await.len(),
        "doctor only reads"
    );

    // A token file that is not there, a token Twilio refuses, a wrong Accounts API.
    let text = sb.print_config().replacen(
        &format!(
            "token = \"{}\"",
            current_token(&sb, "AC759b765966b5b7c9cdfaa58072348b24").expose()
        ),
        "token_file = \"/nonexistent/acme-token\"",
        1,
    );
    let europe = current_token(&sb, "AC2de5b567bd746bbebc5e402b97b9d236");
    let text = text.replacen(
        &format!("token = \"{}\"", europe.expose()),
        &format!("token = \"{}\"", "0".repeat(32)),
        1,
    );
    let text = text.replacen(
        &format!(
            "label = \"Globex Staging\"\ntwilio_accounts_base = \"{}\"",
            sb.origin()
        ),
        &format!(
            "label = \"Globex Staging\"\ntwilio_accounts_base = \"{}/nothing-here\"",
            sb.origin()
        ),
        1,
    );
    let bad = write(dir.path(), &text, 0o600);
    let run = telcreds(&bad, &["doctor", "-o", "json"], "").await;
    assert_eq!(run.code, 11, "{}", run.stderr);
    let r = report(&run);
    assert_eq!(status(&r, acme, "token source"), "failed");
    assert_eq!(status(&r, acme, "twilio token"), "skipped");
    let europe_account = "twilio account acme-europe";
    assert_eq!(status(&r, europe_account, "token source"), "passed");
    assert_eq!(status(&r, europe_account, "twilio token"), "failed");
    let fix = step(&r, europe_account, "twilio token")["fix"]
        .as_str()
        .unwrap();
    assert!(
        fix.contains("store_cmd") || fix.contains("current"),
        "{fix}"
    );
    assert_eq!(
        status(&r, "twilio account globex-staging", "accounts api"),
        "failed"
    );
    never_shown(&[&run], dir.path(), &[europe.expose()]);
}

#[tokio::test]
async fn a_token_file_others_may_read_is_a_warning() {
    let sb = sandbox(Seed::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("dasha-token");
    std::fs::write(&token, format!("{DASHA_TOKEN}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let text = format!(
        "[profiles.p]\nplatform = \"dasha\"\nbase_url = \"{}\"\ntoken_file = \"{}\"\n\
         twilio_api_base = \"{}\"\n",
        sb.dasha_base(),
        token.display(),
        sb.twilio_base()
    );
    let cfg = write(dir.path(), &text, 0o600);
    let run = telcreds(&cfg, &["doctor", "-o", "json"], "").await;
    assert_eq!(run.code, 12, "{}", run.stderr);
    let r = report(&run);
    assert_eq!(status(&r, "p", "token source"), "warning");
    let fix = step(&r, "p", "token source")["fix"].as_str().unwrap();
    assert!(fix.contains("chmod 600"), "{fix}");
}
