//! `telcreds providers …`

use super::args::{
    DeleteArgs, ListArgs, ProviderCreateArgs, ProviderUpdateArgs, ProvidersCommand, RotateTokenArgs,
};
use super::audit::warn;
use super::confirm::confirm_delete;
use super::exit::{CliError, Exit};
use super::output::{Table, details, emit, fits_terminal, opt};
use super::{Context, Item, secrets};
use crate::domain::needle::Needle;
use crate::domain::time::{ago, stamp};
use crate::domain::{
    NewProvider, PhoneNumber, Provider, VerificationCheck, VerificationResult, VerificationStatus,
    short_sid,
};
use crate::ops::{ProviderChange, check_change, rotation};
use chrono::Utc;
use serde::Serialize;

/// Runs one `providers` subcommand. Each names its provider by id or name, looked up
/// ([`Context::resolve`]) after its own input is checked.
pub async fn run(ctx: &Context, cmd: ProvidersCommand) -> Result<(), CliError> {
    match cmd {
        ProvidersCommand::List(a) => list(ctx, a).await,
        ProvidersCommand::Show(a) => show(ctx, &a.id).await,
        ProvidersCommand::Create(a) => create(ctx, a).await,
        ProvidersCommand::Update(a) => update(ctx, a).await,
        ProvidersCommand::RotateToken(a) => rotate_token(ctx, a).await,
        ProvidersCommand::Verify(a) => verify(ctx, &a.id).await,
        ProvidersCommand::Delete(a) => delete(ctx, a).await,
    }
}

/// `providers list [--filter TEXT]`.
async fn list(ctx: &Context, a: ListArgs) -> Result<(), CliError> {
    let mut providers = ctx.ops.list_providers().await?;
    if let Some(filter) = a.filter {
        let needle = Needle::new(&filter);
        providers.retain(|p| p.matches(&needle));
    }
    emit(ctx.output, &providers, || {
        // Whole Account SIDs, shortened (AC75…8b24) only when the terminal is narrow.
        let whole = providers_table(&providers, |sid| sid.to_string());
        if fits_terminal(&whole) {
            whole
        } else {
            providers_table(&providers, short_sid)
        }
    })
}

fn providers_table(providers: &[Provider], sid: impl Fn(&str) -> String) -> String {
    let now = Utc::now();
    let mut t = Table::new(&["ID", "NAME", "ACCOUNT SID", "STATUS", "VERIFIED", "NUMBERS"]);
    for p in providers {
        t.row(vec![
            p.id.clone(),
            p.display_name(),
            sid(&p.account_sid),
            format!("{} {}", p.status.symbol(), p.status),
            ago(p.last_verified_at, now),
            opt(&p.phone_number_count),
        ]);
    }
    t.render()
}

/// A provider with the phone numbers imported through it.
#[derive(Serialize)]
struct ProviderView {
    #[serde(flatten)]
    provider: Provider,
    phone_numbers: Vec<PhoneNumber>,
}

async fn show(ctx: &Context, wanted: &str) -> Result<(), CliError> {
    let id = &ctx.resolve(Item::Provider, wanted).await?;
    let missing = |e| ctx.about(Item::Provider, id, e);
    let provider = ctx.ops.get_provider(id).await.map_err(missing)?;
    let phone_numbers = ctx.ops.provider_numbers(id).await.map_err(missing)?;
    let view = ProviderView {
        provider,
        phone_numbers,
    };
    emit(ctx.output, &view, || {
        provider_text(&view.provider, &view.phone_numbers)
    })
}

fn provider_text(p: &Provider, numbers: &[PhoneNumber]) -> String {
    let mut pairs = vec![
        ("id", p.id.clone()),
        ("name", shown_name(p)),
        ("type", p.provider_type.clone()),
        ("account sid", p.account_sid.clone()),
        ("auth token", "•••••••• (never shown)".into()),
        ("status", format!("{} {}", p.status.symbol(), p.status)),
        (
            "last verified",
            format!(
                "{} ({})",
                stamp(p.last_verified_at),
                ago(p.last_verified_at, Utc::now())
            ),
        ),
    ];
    let optional = [
        ("region", &p.region),
        ("trunk sid", &p.trunk_sid),
        ("termination uri", &p.termination_uri),
    ];
    pairs.extend(
        optional
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(k, v)| (*k, opt(v))),
    );
    if let Some(t) = p.supports_call_transfer {
        pairs.push(("call transfer", t.to_string()));
    }
    if let Some(n) = p.phone_number_count {
        pairs.push(("phone numbers", n.to_string()));
    }
    let mut out = details(&pairs);
    out.push_str(&checks_text(&p.checks));
    if !numbers.is_empty() {
        out.push_str("\nphone numbers:\n");
        for n in numbers {
            out.push_str(&format!("  {}  {}\n", n.phone_number, opt(&n.description)));
        }
    }
    out
}

/// The name as every view shows it (lists, plans, JSON `provider_name`), saying so
/// when the platform holds none (Unpod configurations have no name).
fn shown_name(p: &Provider) -> String {
    match &p.name {
        Some(n) if !n.trim().is_empty() => n.clone(),
        _ => format!("{} (no name set)", p.display_name()),
    }
}

/// The per-check lines shown under a provider or a verification result.
pub fn checks_text(checks: &[VerificationCheck]) -> String {
    if checks.is_empty() {
        return String::new();
    }
    let mut t = Table::new(&["  CHECK", "STATUS", "MESSAGE"]);
    for c in checks {
        t.row(vec![
            format!("  {}", c.name),
            format!("{} {}", c.status.symbol(), c.status),
            c.message.clone(),
        ]);
    }
    format!("\nchecks:\n{}", t.render())
}

async fn create(ctx: &Context, a: ProviderCreateArgs) -> Result<(), CliError> {
    ctx.ops.writable()?;
    let auth_token = secrets::read_stdin("auth token")?;
    let new = NewProvider {
        name: a.name,
        provider: a.provider,
        account_sid: a.account_sid,
        auth_token,
        region: a.region,
        supports_call_transfer: a.supports_call_transfer,
    };
    crate::ops::check_new_provider(&new)?;
    if !a.allow_duplicate {
        refuse_duplicate(ctx, &new.account_sid).await?;
    }
    let done = ctx.ops.create_provider(&new).await;
    let p = ctx.finish(done).map_err(|e| {
        CliError::after_change(e, || {
            format!(
                "telcreds -p {} providers list` (running it again may create a duplicate",
                ctx.profile.name
            )
        })
    })?;
    emit(ctx.output, &p, || {
        format!("created provider {}\n{}", p.id, provider_text(&p, &[]))
    })
}

/// Refuses a second provider for an account the profile already links (exit 5),
/// naming the ones that use it.
async fn refuse_duplicate(ctx: &Context, account_sid: &str) -> Result<(), CliError> {
    let holders = ctx.ops.providers_of_account(account_sid).await?;
    if holders.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = holders
        .iter()
        .map(|p| format!("\"{}\" ({})", p.display_name(), p.id))
        .collect();
    Err(CliError::new(
        Exit::Conflict,
        format!(
            "profile \"{}\" already links {account_sid}: {}; pass --allow-duplicate to link \
             it again: nothing was changed",
            ctx.profile.name,
            named.join(", ")
        ),
    ))
}

async fn update(ctx: &Context, a: ProviderUpdateArgs) -> Result<(), CliError> {
    let auth_token = if a.token_stdin {
        ctx.ops.writable()?;
        Some(secrets::read_stdin("auth token")?)
    } else {
        None
    };
    let sid_without_token = a.account_sid.is_some() && auth_token.is_none();
    let change = ProviderChange {
        name: a.name,
        region: a.region,
        supports_call_transfer: a.supports_call_transfer,
        account_sid: a.account_sid,
        auth_token,
    };
    check_change(&change)?;
    let id = &ctx.resolve(Item::Provider, &a.id).await?;
    let done = ctx.ops.update_provider(id, &change).await;
    let p = ctx.finish(done).map_err(|e| {
        let refused_for_token = sid_without_token
            && e.field_errors()
                .iter()
                .any(|f| f.field == crate::domain::validate::field::AUTH_TOKEN);
        let mut e = ctx.after_change(Item::Provider, id, e, || show_command(ctx, id));
        if refused_for_token {
            e.message.push_str(": pipe it in with --token-stdin");
        }
        e
    })?;
    emit(ctx.output, &p, || {
        format!("updated provider {}\n{}", p.id, provider_text(&p, &[]))
    })
}

async fn rotate_token(ctx: &Context, a: RotateTokenArgs) -> Result<(), CliError> {
    ctx.ops.writable()?;
    let token = secrets::read_stdin("auth token")?;
    let id = &ctx.resolve(Item::Provider, &a.id).await?;
    let done = ctx.ops.rotate_provider_token(id, &token).await;
    let p = ctx.finish(done).map_err(|e| {
        ctx.after_change(Item::Provider, id, e, || {
            format!(
                "{}` and `telcreds -p {} providers verify {id}",
                show_command(ctx, id),
                ctx.profile.name,
            )
        })
    })?;
    emit(ctx.output, &p, || {
        format!("auth token replaced on provider {}\n", p.display_name())
    })?;
    warn_same_account(ctx, &p).await;
    Ok(())
}

/// After one provider's token was replaced: the other providers that use its Account
/// SID, on every profile, still hold the old token; says which, and how to rotate it
/// everywhere.
async fn warn_same_account(ctx: &Context, rotated: &Provider) {
    let plan = rotation::plan(&ctx.core.profiles, &ctx.core.http, &rotated.account_sid).await;
    let others = plan.others_than(&ctx.profile.name, &rotated.id);
    if others.is_empty() && plan.unreachable.is_empty() {
        return;
    }
    let mut lines: Vec<String> = others
        .iter()
        .map(|t| format!("  profile \"{}\": {}", t.profile, t.provider_name))
        .collect();
    lines.extend(plan.unreachable.iter().map(|f| {
        format!(
            "  profile \"{}\" could not be checked: {}",
            f.profile, f.error
        )
    }));
    let sid = &plan.account_sid;
    let headline = match others.len() {
        0 => format!("other providers may use {sid}, but not every profile could be checked:"),
        1 => format!("1 other provider uses {sid} and still holds the old token:"),
        n => format!("{n} other providers use {sid} and still hold the old token:"),
    };
    warn(&format!(
        "{headline}\n{}\nto give every one the new token: telcreds rotate twilio \
         --account-sid {sid} --token-stdin",
        lines.join("\n")
    ));
}

/// `telcreds -p PROFILE providers show ID`: what tells whether a change is in place.
fn show_command(ctx: &Context, id: &str) -> String {
    format!("telcreds -p {} providers show {id}", ctx.profile.name)
}

/// A verification result with the provider it is about.
#[derive(Serialize)]
struct Verified<'a> {
    id: &'a str,
    name: Option<String>,
    #[serde(flatten)]
    result: &'a VerificationResult,
}

/// Verifies a provider and says which; a failed verification exits 11, one with
/// warnings 12.
async fn verify(ctx: &Context, wanted: &str) -> Result<(), CliError> {
    let id = &ctx.resolve(Item::Provider, wanted).await?;
    let done = ctx.ops.verify_provider(id).await;
    let r = ctx
        .finish(done)
        .map_err(|e| ctx.about(Item::Provider, id, e))?;
    // The name, for people; the verification stands even when it cannot be read.
    let name = ctx
        .ops
        .get_provider(id)
        .await
        .ok()
        .map(|p| p.display_name());
    let shown = match &name {
        Some(n) => format!("provider \"{n}\" ({id})"),
        None => format!("provider {id}"),
    };
    let view = Verified {
        id: id.as_str(),
        name,
        result: &r,
    };
    emit(ctx.output, &view, || {
        format!(
            "{shown}: {} {}\n{}",
            r.status.symbol(),
            r.status,
            checks_text(&r.checks).trim_start_matches('\n')
        )
    })?;
    match r.status {
        VerificationStatus::Failed => Err(CliError::new(
            Exit::VerifyFailed,
            format!("{shown} failed verification"),
        )),
        VerificationStatus::Warning => Err(CliError::new(
            Exit::VerifyWarning,
            format!("{shown} passed verification with warnings"),
        )),
        _ => Ok(()),
    }
}

async fn delete(ctx: &Context, a: DeleteArgs) -> Result<(), CliError> {
    ctx.ops.writable()?;
    let id = &ctx.resolve(Item::Provider, &a.id).await?;
    let missing = |e| ctx.about(Item::Provider, id, e);
    let plan = ctx.ops.plan_provider_delete(id).await.map_err(missing)?;
    // What goes with it, as the UI's dialog lists it.
    if let Some(heading) = plan.heading() {
        eprintln!("{heading}");
        for line in plan.lines() {
            eprintln!("  {}", crate::text::printable(&line));
        }
    }
    confirm_delete(&ctx.profile, "provider", &plan.confirm_name, a.yes)?;
    let done = ctx.ops.delete_provider(&plan).await;
    ctx.finish(done).map_err(missing)?;
    let deleted = serde_json::json!({ "deleted": id });
    emit(ctx.output, &deleted, || {
        format!("deleted provider {} ({id})\n", plan.name)
    })
}
