//! Shared test helpers: a running sandbox, clients and profiles for it.

use std::time::Duration;
use telcreds::api::dasha::DashaClient;
use telcreds::api::unpod::{UnpodClient, UnpodSettings};
use telcreds::api::{Http, HttpOptions, PlatformClient};
use telcreds::config::DEFAULT_PROVIDER_CONFIGURATIONS_PATH as DEFAULT_CONFIGURATIONS_PATH;
use telcreds::config::{Profile, TokenSource};
use telcreds::domain::Platform;
use telcreds::sandbox::{
    DASHA_TOKEN, Sandbox, SandboxOptions, Seed, UNPOD_ORG_HANDLE, UNPOD_TOKEN,
};
use telcreds::secret::Secret;

/// Starts a sandbox with a seed.
pub async fn sandbox(seed: Seed) -> Sandbox {
    Sandbox::start(SandboxOptions {
        seed,
        ..SandboxOptions::default()
    })
    .await
    .expect("sandbox starts")
}

/// An HTTP layer with quick backoff, so retry tests stay fast.
pub fn http() -> Http {
    Http::new(HttpOptions {
        min_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        request_timeout: Duration::from_secs(5),
        ..HttpOptions::default()
    })
    .unwrap()
}

/// A Dasha client on the sandbox.
pub fn dasha(sb: &Sandbox) -> DashaClient {
    DashaClient::new(http(), &sb.dasha_base(), Secret::new(DASHA_TOKEN))
}

/// A Dasha client with another token.
pub fn dasha_with(sb: &Sandbox, token: &str) -> DashaClient {
    DashaClient::new(http(), &sb.dasha_base(), Secret::new(token))
}

/// Unpod settings on the sandbox.
pub fn unpod_settings(sb: &Sandbox) -> UnpodSettings {
    UnpodSettings {
        base: sb.unpod_base(),
        token: Secret::new(UNPOD_TOKEN),
        org_handle: UNPOD_ORG_HANDLE.into(),
        product_id: None,
        configurations_path: DEFAULT_CONFIGURATIONS_PATH.into(),
    }
}

/// An Unpod client on the sandbox.
pub fn unpod(sb: &Sandbox) -> UnpodClient {
    UnpodClient::new(http(), unpod_settings(sb))
}

/// A profile on the sandbox.
pub fn profile(sb: &Sandbox, name: &str, platform: Platform) -> Profile {
    let dasha = platform == Platform::Dasha;
    let (base, token) = if dasha {
        (sb.dasha_base(), DASHA_TOKEN)
    } else {
        (sb.unpod_base(), UNPOD_TOKEN)
    };
    let mut p = Profile::new(
        name,
        platform,
        &base,
        TokenSource::Inline(Secret::new(token)),
    );
    p.org_handle = (!dasha).then(|| UNPOD_ORG_HANDLE.to_string());
    p.twilio_api_base = sb.twilio_base();
    p.twilio_accounts_base = sb.origin();
    p
}

/// A platform client for a profile on the sandbox.
pub fn client(sb: &Sandbox, platform: Platform) -> PlatformClient {
    PlatformClient::connect(&profile(sb, "test", platform), http()).unwrap()
}

/// Clears the sandbox's queued faults: what a test does next is not slowed or
/// refused by faults meant for an earlier step.
pub async fn clear_faults(sb: &Sandbox) {
    let url = format!("{}/_sandbox/faults", sb.origin());
    let _ = reqwest::Client::new().delete(url).send().await;
}

/// Queues scripted faults on the sandbox.
pub async fn fault(sb: &Sandbox, body: serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/_sandbox/faults", sb.origin()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "fault route answered {}",
        r.status()
    );
}

/// The API requests the sandbox served: (method, path, status).
pub async fn requests(sb: &Sandbox) -> Vec<(String, String, u16)> {
    let v: Vec<serde_json::Value> = reqwest::get(format!("{}/_sandbox/requests", sb.origin()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v.into_iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap_or_default().to_string(),
                r["path"].as_str().unwrap_or_default().to_string(),
                r["status"].as_u64().unwrap_or_default() as u16,
            )
        })
        .collect()
}

/// The changes (requests other than GET) the sandbox served after the first
/// `before` requests: what a step that should send nothing sent.
pub async fn changes_since(sb: &Sandbox, before: usize) -> Vec<(String, String, u16)> {
    requests(sb)
        .await
        .into_iter()
        .skip(before)
        .filter(|(m, _, _)| m != "GET")
        .collect()
}

/// The current token of a sandbox Twilio account.
pub fn current_token(sb: &Sandbox, sid: &str) -> Secret {
    let acc = sb
        .twilio_accounts()
        .into_iter()
        .find(|a| a.sid == sid)
        .expect("account exists");
    Secret::new(acc.auth_token)
}

/// Runs `telcreds --config CONFIG ARGS…` (`telcreds ARGS…` for `sandbox`, which
/// takes no config) with `stdin` and extra environment variables (they win over the
/// defaults: data and state under the config's directory, trace logging). With `no_tty`, the binary runs in a new session
/// (`setsid`), so it has no controlling terminal to prompt on.
pub async fn telcreds_env(
    config: &std::path::Path,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &std::path::Path)],
    no_tty: bool,
) -> crate::cli::Run {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = config.parent().unwrap().to_path_buf();
    let bin = env!("CARGO_BIN_EXE_telcreds");
    let mut cmd = if no_tty {
        let mut c = Command::new("setsid");
        c.arg("--wait").arg(bin);
        c
    } else {
        Command::new(bin)
    };
    if args.first() != Some(&"sandbox") {
        cmd.arg("--config").arg(config);
    }
    cmd.args(args);
    cmd.env("TELCREDS_STATE_DIR", dir.join("state"))
        .env("TELCREDS_DATA_DIR", dir.join("data"))
        .env("TELCREDS_LOG", "trace")
        .env_remove("TELCREDS_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let stdin = stdin.to_string();
    tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().expect("binary runs");
        // A command that ends without reading stdin (a usage error) closes the pipe
        // first: that is its answer, not the test's failure.
        match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.unwrap(),
        }
        let out = child.wait_with_output().unwrap();
        crate::cli::Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
        }
    })
    .await
    .unwrap()
}

/// PATCH requests the sandbox served, as (path, status).
pub async fn patches(sb: &Sandbox) -> Vec<(String, u16)> {
    requests(sb)
        .await
        .into_iter()
        .filter(|(m, _, _)| m == "PATCH")
        .map(|(_, p, s)| (p, s))
        .collect()
}

/// A CA and a leaf for `sans` (DNS names, or IPs when they parse as one), the CA as
/// PEM, and a TLS server config presenting the leaf.
pub fn tls_certs(sans: &[&str]) -> (String, std::sync::Arc<rustls::ServerConfig>) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(Vec::<String>::new()).unwrap();
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    leaf.subject_alt_names = sans
        .iter()
        .map(|s| match s.parse() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName((*s).try_into().unwrap()),
        })
        .collect();
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![leaf_cert.der().clone()], key)
        .unwrap();
    (ca_cert.pem(), std::sync::Arc::new(config))
}
