//! `telcreds sandbox`: run the embedded platform on loopback until interrupted, or
//! act on a running one (`roll-token`).

use super::args::{OutputFormat, RollTokenArgs, SandboxAction, SandboxArgs, SeedArg};
use super::exit::{CliError, Exit};
use super::output::emit;
use crate::api::{Http, HttpOptions};
use crate::sandbox::control::{Client, ControlError};
use crate::sandbox::{Sandbox, SandboxOptions, Seed, print_config_for};
use serde::Serialize;
use std::time::Duration;

/// Starts the sandbox (or prints its config) and serves until ctrl-c or SIGTERM;
/// with an action, acts on a running sandbox instead.
pub async fn run(a: SandboxArgs, output: OutputFormat) -> Result<(), CliError> {
    match a.action {
        Some(SandboxAction::RollToken(r)) => roll_token(r, output).await,
        None => serve(a).await,
    }
}

/// The rolled token as printed: in JSON only with `--show-secrets`.
#[derive(Serialize)]
struct Shown<'a> {
    account_sid: &'a str,
    auth_token: &'a str,
}

/// Rolls a demo account's token through the control route of a running sandbox and
/// prints the new one: demo data, and printing it is the point; JSON holds it only
/// with `--show-secrets`, as every JSON output.
async fn roll_token(a: RollTokenArgs, output: OutputFormat) -> Result<(), CliError> {
    crate::domain::validate::account_sid(&a.account_sid)
        .map_err(|m| CliError::new(Exit::Validation, format!("account_sid: {m}")))?;
    let control = Client::new(Http::new(HttpOptions::default())?, &a.url);
    let rolled = control.roll_token(&a.account_sid).await.map_err(|e| {
        let exit = match e {
            ControlError::UnknownAccount { .. } => Exit::NotFound,
            ControlError::Unreachable { .. } | ControlError::Status { .. } => Exit::Other,
        };
        CliError::new(exit, e.to_string())
    })?;
    if output == OutputFormat::Json && !a.show_secrets {
        super::audit::warn(
            "the new auth token is not in the JSON output: pass --show-secrets to include it \
             (the table output shows it)",
        );
        let shown = serde_json::json!({ "account_sid": rolled.account_sid });
        return emit(output, &shown, String::new);
    }
    let shown = Shown {
        account_sid: &rolled.account_sid,
        auth_token: rolled.auth_token.expose(),
    };
    emit(output, &shown, || {
        format!(
            "rolled the sandbox token of {}\nnew auth token: {}\n",
            shown.account_sid, shown.auth_token
        )
    })
}

async fn serve(a: SandboxArgs) -> Result<(), CliError> {
    if !(0.0..=1.0).contains(&a.fault_rate) {
        return Err(CliError::usage(format!(
            "--fault-rate must be between 0 and 1 (got {})",
            a.fault_rate
        )));
    }
    if !a.listen.ip().is_loopback() {
        return Err(CliError::usage(format!(
            "the sandbox listens on loopback only (got {})",
            a.listen
        )));
    }
    let configurations_path = a
        .unpod_provider_configurations_path
        .map(|p| p.trim().to_string());
    if configurations_path
        .as_deref()
        .is_some_and(|p| p.trim_matches('/').is_empty() || p.contains(char::is_whitespace))
    {
        return Err(CliError::usage(
            "--unpod-provider-configurations-path takes a path with no spaces, e.g. \
             telephony/provider-configurations/",
        ));
    }
    let opts = SandboxOptions {
        listen: a.listen,
        seed: match a.seed {
            SeedArg::Demo => Seed::Demo,
            SeedArg::Empty => Seed::Empty,
        },
        latency: Duration::from_millis(a.latency_ms),
        fault_rate: a.fault_rate,
        bulk_sip_credentials: a.sip_credentials as usize,
        unpod_orgs: a.unpod_orgs.into(),
        twilio_providers: a.twilio_providers as usize,
        unpod_provider_configurations_path: configurations_path,
    };
    if a.print_config {
        // The seed is the same every time: a throwaway sandbox on a free port knows the
        // accounts and tokens the real one at --listen will start with.
        let probe = SandboxOptions {
            listen: "127.0.0.1:0".parse().unwrap_or(a.listen),
            bulk_sip_credentials: 0,
            twilio_providers: 0,
            ..opts
        };
        let accounts = match Sandbox::start(probe).await {
            Ok(s) => {
                let accounts = s.twilio_accounts();
                s.shutdown().await;
                accounts
            }
            Err(_) => Vec::new(),
        };
        print!(
            "{}",
            print_config_for(&format!("http://{}", a.listen), &accounts)
        );
        return Ok(());
    }
    let sandbox = Sandbox::start(opts).await.map_err(|e| {
        CliError::new(
            Exit::Other,
            format!("could not start the sandbox on {}: {e}", a.listen),
        )
    })?;
    println!("telcreds sandbox listening on {}", sandbox.origin());
    println!(
        "  Dasha BlackBox  {}   (Authorization: Bearer {})",
        sandbox.dasha_base(),
        crate::sandbox::DASHA_TOKEN
    );
    println!(
        "  Unpod           {}   (Authorization: Token {}, Org-Handle: {})",
        sandbox.unpod_base(),
        crate::sandbox::UNPOD_TOKEN,
        crate::sandbox::UNPOD_ORG_HANDLE
    );
    if a.unpod_orgs > 1 {
        let more: Vec<String> = (2..=usize::from(a.unpod_orgs))
            .map(crate::sandbox::unpod_org_handle)
            .collect();
        println!("                  (also Org-Handle: {})", more.join(", "));
    }
    println!(
        "  Twilio          {}/2010-04-01/Accounts/{{sid}}.json",
        sandbox.twilio_base()
    );
    println!("Twilio demo accounts (sandbox only):");
    for acc in sandbox.twilio_accounts() {
        println!(
            "  {}  {:<22} {:<10} token {}",
            acc.sid, acc.friendly_name, acc.status, acc.auth_token
        );
    }
    println!("Press ctrl-c to stop.");
    wait_for_shutdown().await;
    sandbox.shutdown().await;
    Ok(())
}

async fn wait_for_shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            },
            // No SIGTERM handler: ctrl-c still stops it.
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
