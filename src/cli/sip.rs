//! `telcreds sip …`

use super::args::{
    DeleteArgs, ListArgs, OutputFormat, SipCommand, SipCreateArgs, SipFields, SipProbeArgs,
    SipRotateArgs, SipShowArgs, SipUpdateArgs,
};
use super::audit::warn;
use super::confirm::{confirm_delete, confirm_on_tty};
use super::exit::{CliError, Exit};
use super::output::{Table, details, emit, opt};
use super::stream::{ListSink, Progress};
use super::{Context, Item, secrets};
use crate::domain::VerificationStatus;
use crate::domain::needle::Needle;
use crate::domain::time::stamp;
use crate::domain::validate::{self, FieldError, field};
use crate::domain::{Dependants, SipCredential, SipCredentialInput, Transport};
use crate::ops::Error;
use crate::ops::carrier::{
    CarrierEnd, CarrierLink, carrier_password_problem, find_carrier_end, generate_carrier_password,
};
use crate::ops::carrier_rotation::{CarrierRotation, StepOutcome};
use crate::ops::{PasswordChange, Prober, SipEdit};
use crate::secret::Secret;
use serde::Serialize;

/// Runs one `sip` subcommand. Each names its credential by id or name, looked up
/// ([`Context::resolve`]) after its own input is checked.
pub async fn run(ctx: &Context, cmd: SipCommand) -> Result<(), CliError> {
    match cmd {
        SipCommand::List(a) => list(ctx, a).await,
        SipCommand::Show(a) => show(ctx, a).await,
        SipCommand::Create(a) => create(ctx, a).await,
        SipCommand::Update(a) => update(ctx, a).await,
        SipCommand::Rotate(a) => rotate(ctx, a).await,
        SipCommand::Delete(a) => delete(ctx, a).await,
        SipCommand::Probe(a) => probe(ctx, a).await,
    }
}

/// `sip list [--filter TEXT]`: printed page by page as the pages arrive (a long list
/// never waits for its last page, nor sits whole in memory), with progress on a
/// terminal's stderr.
async fn list(ctx: &Context, a: ListArgs) -> Result<(), CliError> {
    let needle = Needle::new(a.filter.as_deref().unwrap_or_default());
    let mut progress = Progress::new("SIP credentials");
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut sink = ListSink::new(ctx.output == OutputFormat::Json, SIP_LIST_COLUMNS, out);
    let mut written: std::io::Result<()> = Ok(());
    let listed = ctx
        .ops
        .list_sip_pages(|mut page| {
            progress.update(page.loaded, page.total);
            if !needle.is_empty() {
                page.items.retain(|c| c.matches(&needle));
            }
            if written.is_ok() {
                written = sink.page(&page.items, sip_cells);
            }
        })
        .await;
    progress.done();
    listed?;
    written.and_then(|()| sink.finish()).or_else(closed_pipe)
}

/// NAME is the description, else the server, as the UI names a credential.
const SIP_LIST_COLUMNS: &[&str] = &[
    "ID",
    "NAME",
    "SERVER",
    "TRANSPORT",
    "AUTH USER",
    "CPS",
    "SOURCE",
];

fn sip_cells(c: &SipCredential) -> Vec<String> {
    vec![
        c.id.clone(),
        c.display_name(),
        c.server.clone(),
        c.transport.to_string(),
        c.field_text(field::AUTH_USER, c.auth_user.as_ref()),
        c.field_text(field::CPS_LIMIT, c.cps_limit.as_ref()),
        c.source.to_string(),
    ]
}

/// A reader that went away (`| head`) ends the listing quietly; anything else is an
/// error.
fn closed_pipe(e: std::io::Error) -> Result<(), CliError> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(CliError::new(
            super::exit::Exit::Other,
            format!("could not write the list: {e}"),
        ))
    }
}

/// A credential, and its password only when asked for.
#[derive(Serialize)]
struct WithPassword<'a> {
    #[serde(flatten)]
    credential: &'a SipCredential,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_password: Option<&'a str>,
}

/// A credential (and its password only when asked for) with what depends on it and
/// its carrier end (or why there is none).
#[derive(Serialize)]
struct SipView<'a> {
    #[serde(flatten)]
    credential: WithPassword<'a>,
    dependants: &'a Dependants,
    #[serde(skip_serializing_if = "Option::is_none")]
    carrier: Option<&'a CarrierLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    carrier_missing: Option<String>,
}

async fn show(ctx: &Context, a: SipShowArgs) -> Result<(), CliError> {
    let id = &ctx.resolve(Item::Sip, &a.id).await?;
    let missing = |e| ctx.about(Item::Sip, id, e);
    let c = ctx.ops.get_sip(id).await.map_err(missing)?;
    let dependants = ctx.ops.sip_dependants(id).await.map_err(missing)?;
    let carrier = find_carrier_end(&c, &ctx.core.twilio_accounts, &ctx.core.http).await;
    let password = a
        .show_secrets
        .then(|| c.auth_password.as_ref().map(Secret::expose))
        .flatten();
    let view = SipView {
        credential: WithPassword {
            credential: &c,
            auth_password: password,
        },
        dependants: &dependants,
        carrier: carrier.found(),
        carrier_missing: carrier.missing(),
    };
    emit(ctx.output, &view, || {
        let mut out = sip_text_with(&c, a.show_secrets, Some(&carrier));
        let lines = dependants.describe();
        out.push_str(if lines.is_empty() {
            "\nused by: nothing\n"
        } else {
            "\nused by:\n"
        });
        for l in lines {
            out.push_str(&format!("  {l}\n"));
        }
        out
    })
}

/// The `carrier` line of `sip show`: the carrier end, or `none` and why.
fn carrier_text(carrier: &CarrierEnd) -> String {
    match (carrier.found(), carrier.missing()) {
        (Some(link), _) => link.describe(),
        (None, Some(why)) => format!("none: {why}"),
        (None, None) => "none".to_string(),
    }
}

fn sip_text(c: &SipCredential, reveal: bool) -> String {
    sip_text_with(c, reveal, None)
}

/// The credential's lines, with its carrier end when it was looked up.
fn sip_text_with(c: &SipCredential, reveal: bool, carrier: Option<&CarrierEnd>) -> String {
    let password = match (&c.auth_password, reveal) {
        (None, _) => c.field_text::<String>(field::AUTH_PASSWORD, None),
        (Some(p), true) => p.expose().to_string(),
        (Some(_), false) => format!("{} (--show-secrets to print)", Secret::masked()),
    };
    let mut lines = vec![
        ("id", c.id.clone()),
        (
            "description",
            c.field_text(field::DESCRIPTION, c.description.as_ref()),
        ),
        ("server", c.server.clone()),
        ("domain", c.field_text(field::DOMAIN, c.domain.as_ref())),
        (
            "auth user",
            c.field_text(field::AUTH_USER, c.auth_user.as_ref()),
        ),
        ("auth password", password),
        ("transport", c.transport.to_string()),
        (
            "cps limit",
            c.field_text(field::CPS_LIMIT, c.cps_limit.as_ref()),
        ),
        ("cps key", c.field_text(field::CPS_KEY, c.cps_key.as_ref())),
        (
            "source",
            format!(
                "{}{}",
                c.source,
                if c.is_read_only() { " (read-only)" } else { "" }
            ),
        ),
        ("provider", opt(&c.provider_id)),
        ("created", stamp(c.created_time)),
        ("updated", stamp(c.last_update_time)),
    ];
    if let Some(carrier) = carrier {
        lines.push(("carrier", carrier_text(carrier)));
    }
    details(&lines)
}

/// The changes the flags ask for; an empty string clears an optional field.
fn edit_from(f: SipFields) -> Result<SipEdit, CliError> {
    let clearable = |v: Option<String>| v.map(|v| Some(v).filter(|v| !v.trim().is_empty()));
    let mut problems = Vec::new();
    let transport = match f.transport {
        None => None,
        Some(t) => match Transport::parse_known(&t) {
            Ok(t) => Some(t),
            Err(m) => {
                problems.push(FieldError::new(
                    field::TRANSPORT,
                    format!("{m} (got \"{t}\")"),
                ));
                None
            }
        },
    };
    let cps_limit = match f.cps_limit {
        None => None,
        Some(v) => match validate::parse_cps_limit(&v) {
            Ok(n) => Some(n),
            Err(m) => {
                problems.push(FieldError::new(
                    field::CPS_LIMIT,
                    format!("{m} (got \"{v}\")"),
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(Error::invalid(problems).into());
    }
    Ok(SipEdit {
        server: f.server,
        domain: clearable(f.domain),
        auth_user: clearable(f.auth_user),
        password: PasswordChange::Keep,
        transport,
        description: clearable(f.description),
        cps_limit,
        cps_key: clearable(f.cps_key),
    })
}

/// Where a generated password can be read: the platform keeps it, and `sip show`
/// prints it as often as asked.
fn generated_note(ctx: &Context, generated: bool, id: &str) -> String {
    if generated && ctx.output == OutputFormat::Table {
        format!(
            "a password was generated; the platform keeps it: `{} --show-secrets` prints it\n",
            show_command(ctx, id)
        )
    } else {
        String::new()
    }
}

async fn create(ctx: &Context, a: SipCreateArgs) -> Result<(), CliError> {
    if a.fields.server.is_none() {
        return Err(CliError::usage("--server is required"));
    }
    let mut input = SipCredentialInput::default();
    edit_from(a.fields)?.apply(&mut input);
    let (password, generated) = secrets::sip_password(&a.password)?.ok_or_else(|| {
        CliError::usage(
            "give the password: --generate-password, --password-stdin or --password-file FILE",
        )
    })?;
    input.auth_password = Some(password.clone());
    let done = ctx.ops.create_sip(&input).await;
    let c = ctx.finish(done).map_err(|e| {
        keep_generated(ctx, &e, generated, Some(&password), a.show_secrets);
        CliError::after_change(e, || {
            format!(
                "telcreds -p {} sip list` (running it again may create a duplicate",
                ctx.profile.name
            )
        })
    })?;
    let view = WithPassword {
        credential: &c,
        auth_password: password_for_json(ctx, &password, generated, a.show_secrets, &c.id),
    };
    emit(ctx.output, &view, || {
        format!(
            "created SIP credential {}\n{}{}",
            c.id,
            generated_note(ctx, generated, &c.id),
            sip_text(&c, false)
        )
    })
}

async fn update(ctx: &Context, a: SipUpdateArgs) -> Result<(), CliError> {
    let mut edit = edit_from(a.fields)?;
    let generated = match secrets::sip_password(&a.password)? {
        Some((p, g)) => {
            edit.password = PasswordChange::Set(p);
            g
        }
        None => false,
    };
    edit.check()?;
    let id = &ctx.resolve(Item::Sip, &a.id).await?;
    let done = ctx.ops.edit_sip(id, &edit).await;
    let c = ctx.finish(done).map_err(|e| {
        let sent = match &edit.password {
            PasswordChange::Set(p) => Some(p),
            _ => None,
        };
        keep_generated(ctx, &e, generated, sent, a.show_secrets);
        ctx.after_change(Item::Sip, id, e, || show_command(ctx, id))
    })?;
    let auth_password = match &edit.password {
        PasswordChange::Set(p) => password_for_json(ctx, p, generated, a.show_secrets, &c.id),
        _ => None,
    };
    let view = WithPassword {
        credential: &c,
        auth_password,
    };
    emit(ctx.output, &view, || {
        format!(
            "updated SIP credential {}\n{}{}",
            c.id,
            generated_note(ctx, generated, &c.id),
            sip_text(&c, false)
        )
    })
}

/// The answer of `sip rotate`: the credential, and its new password only when asked.
#[derive(Serialize)]
struct Rotated<'a> {
    rotated: bool,
    generated: bool,
    credential: &'a SipCredential,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_password: Option<&'a str>,
}

async fn rotate(ctx: &Context, a: SipRotateArgs) -> Result<(), CliError> {
    if a.carrier {
        return rotate_both_ends(ctx, a).await;
    }
    let (password, generated) = secrets::sip_password(&a.password)?.ok_or_else(|| {
        CliError::usage(
            "give the new password: --generate-password, --password-stdin or --password-file FILE",
        )
    })?;
    if !a.allow_weak_password
        && let Some(why) = validate::weak_sip_password(&password)
    {
        return Err(CliError::new(
            Exit::Validation,
            format!(
                "{why}; use --generate-password, or pass --allow-weak-password to use it \
                 anyway: nothing was changed"
            ),
        ));
    }
    let id = &ctx.resolve(Item::Sip, &a.id).await?;
    if ctx.profile.is_production() {
        let current = ctx
            .ops
            .get_sip(id)
            .await
            .map_err(|e| ctx.about(Item::Sip, id, e))?;
        confirm_on_tty(
            &ctx.profile,
            "Rotate the password of SIP credential",
            &current.confirm_name(),
            Some(CARRIER_FOLLOWS),
            a.yes,
        )?;
    }
    let done = ctx.ops.rotate_sip_password(id, &password).await;
    let c = ctx.finish(done).map_err(|e| {
        keep_generated(ctx, &e, generated, Some(&password), a.show_secrets);
        ctx.after_change(Item::Sip, id, e, || show_command(ctx, id))
    })?;
    let auth_password = password_for_json(ctx, &password, generated, a.show_secrets, &c.id);
    warn(CARRIER_FOLLOWS);
    let view = Rotated {
        rotated: true,
        generated,
        credential: &c,
        auth_password,
    };
    emit(ctx.output, &view, || {
        let mut out = format!(
            "rotated the password of SIP credential {} ({})\n",
            c.display_name(),
            c.id
        );
        if generated {
            // The platform keeps it: `sip show --show-secrets` prints it again.
            out.push_str(&format!("new password: {}\n", password.expose()));
        }
        out
    })
}

/// `sip rotate --carrier`: the password rotated at the carrier and on the platform.
async fn rotate_both_ends(ctx: &Context, a: SipRotateArgs) -> Result<(), CliError> {
    let (password, generated) = match secrets::sip_password(&a.password)? {
        Some((_, true)) | None => (generate_carrier_password(), true),
        Some((given, false)) => (given, false),
    };
    if let Some(why) = carrier_password_problem(&password) {
        return Err(CliError::new(
            Exit::Validation,
            format!("{why}; use --generate-password: nothing was changed"),
        ));
    }
    let id = &ctx.resolve(Item::Sip, &a.id).await?;
    let planned = ctx
        .core
        .plan_carrier_rotation(&ctx.ops, id, a.in_place)
        .await
        .map_err(|why| {
            CliError::new(
                Exit::of(why.kind()),
                format!(
                    "cannot rotate SIP credential {id} at both ends: {}; nothing was changed",
                    crate::text::printable(&why.to_string())
                ),
            )
        })?;
    let plan = &planned.plan;
    if ctx.output == OutputFormat::Table {
        for line in plan.lines() {
            eprintln!("{line}");
        }
    }
    if ctx.profile.is_production() {
        confirm_on_tty(
            &ctx.profile,
            "Rotate at both ends (carrier and platform) the password of SIP credential",
            &plan.credential_name,
            plan.warning(),
            a.yes,
        )?;
    }
    let prober = Prober::default();
    let report = CarrierRotation::new(&ctx.ops, planned, password.clone(), &prober)
        .run()
        .await;
    for w in &report.warnings {
        warn(&w.to_string());
    }
    emit(ctx.output, &report, || {
        let mut out = super::output::summary_text(&report.summary());
        if generated
            && report
                .steps
                .iter()
                .any(|(_, o)| matches!(o, StepOutcome::Done(_)))
        {
            // The platform keeps it: `sip show --show-secrets` prints it again.
            out.push_str(&format!("new password: {}\n", password.expose()));
        }
        out
    })?;
    if report.is_complete() {
        Ok(())
    } else {
        let last = report.summary().pop().map(|l| l.text).unwrap_or_default();
        Err(CliError::new(Exit::Incomplete, last))
    }
}

/// A new password for a change's JSON answer: only with `--show-secrets`. A
/// generated one left out is warned about, with the command that prints it.
fn password_for_json<'a>(
    ctx: &Context,
    password: &'a Secret,
    generated: bool,
    show_secrets: bool,
    id: &str,
) -> Option<&'a str> {
    if generated && ctx.output == OutputFormat::Json && !show_secrets {
        warn(&format!(
            "the generated password is not in the JSON output (pass --show-secrets to include it); \
             `{} --show-secrets` prints it",
            show_command(ctx, id)
        ));
    }
    show_secrets.then(|| password.expose())
}

/// The other end of the trunk, which a platform-only rotation leaves behind.
const CARRIER_FOLLOWS: &str = "the carrier end of the trunk (its credential list) must get \
     the same password: until it does, calls through this trunk are refused (on a Twilio \
     trunk, `sip rotate ID --carrier` changes both ends with no failed call)";

/// `sip probe`: the checks as a table (or JSON), and an exit code that says whether
/// every step passed (11 failed, 12 inconclusive).
async fn probe(ctx: &Context, a: SipProbeArgs) -> Result<(), CliError> {
    if !(a.timeout.is_finite() && a.timeout > 0.0 && a.timeout <= 120.0) {
        return Err(CliError::usage(
            "--timeout takes seconds, more than 0 and at most 120",
        ));
    }
    let prober = Prober::new(a.ca_file, std::time::Duration::from_secs_f64(a.timeout));
    // A set-up that cannot be read is said before the platform is asked anything.
    prober.ready().await?;
    let id = &ctx.resolve(Item::Sip, &a.id).await?;
    let done = ctx.ops.probe_sip(id, &prober, a.register).await;
    let report = ctx.finish(done)?;
    emit(ctx.output, &report, || {
        let mut t = Table::new(&["STEP", "RESULT", "TIME", "MESSAGE"]);
        for c in &report.checks {
            t.row(vec![
                c.name.to_string(),
                format!("{} {}", c.status.symbol(), c.status),
                format!("{} ms", c.elapsed.as_millis()),
                c.message.clone(),
            ]);
        }
        format!(
            "probe of {} ({} over {}): {}\n{}",
            report.credential_id,
            report.server,
            report.transport,
            report.headline(),
            t.render()
        )
    })?;
    match report.status() {
        VerificationStatus::Failed => Err(CliError::new(
            Exit::VerifyFailed,
            format!("the probe of SIP credential {id} failed"),
        )),
        VerificationStatus::Warning => Err(CliError::new(
            Exit::VerifyWarning,
            format!("the probe of SIP credential {id} was inconclusive"),
        )),
        _ => Ok(()),
    }
}

/// `telcreds -p PROFILE sip show ID`: what tells whether a change is in place.
fn show_command(ctx: &Context, id: &str) -> String {
    format!("telcreds -p {} sip show {id}", ctx.profile.name)
}

/// A generated password sent in a change whose outcome is unknown may now be the
/// credential's password: it is shown once (table output, or JSON with
/// `--show-secrets`) so that it is not lost.
fn keep_generated(
    ctx: &Context,
    error: &Error,
    generated: bool,
    password: Option<&Secret>,
    show_secrets: bool,
) {
    let Some(password) = password.filter(|_| generated && error.outcome_unknown()) else {
        return;
    };
    match ctx.output {
        OutputFormat::Table => println!(
            "new password (shown once, in case the platform stored it): {}",
            password.expose()
        ),
        OutputFormat::Json if show_secrets => match super::json::compact(&serde_json::json!(
            {"outcome": "unknown", "generated": true, "auth_password": password.expose()}
        )) {
            Ok(line) => println!("{line}"),
            Err(e) => warn(&format!("could not encode JSON: {e}")),
        },
        OutputFormat::Json => warn(
            "the generated password may now be the credential's password and is not shown \
             (pass --show-secrets to include it in JSON)",
        ),
    }
}

/// The answer of `sip delete`: with `--force`, the phone numbers deleted with it.
#[derive(Serialize)]
struct Deleted<'a> {
    deleted: &'a str,
    force: bool,
    deleted_phone_numbers: Vec<&'a str>,
}

async fn delete(ctx: &Context, a: DeleteArgs) -> Result<(), CliError> {
    let id = &ctx.resolve(Item::Sip, &a.id).await?;
    let missing = |e| ctx.about(Item::Sip, id, e);
    let plan = ctx.ops.plan_sip_delete(id).await.map_err(missing)?;
    if plan.in_use() && !a.force {
        let lines = plan.lines().join("\n  ");
        return Err(CliError::new(
            Exit::Conflict,
            format!(
                "SIP credential \"{}\" is in use:\n  {lines}\npass --force to delete those phone numbers too",
                plan.name
            ),
        ));
    }
    confirm_delete(&ctx.profile, "SIP credential", &plan.confirm_name, a.yes)?;
    let done = ctx.ops.delete_sip(&plan, a.force).await;
    ctx.finish(done).map_err(missing)?;
    // What used it a moment ago, which `--force` deleted with it.
    let numbers: Vec<&str> = plan
        .dependants
        .phone_numbers
        .iter()
        .filter(|_| a.force)
        .map(|n| n.phone_number.as_str())
        .collect();
    let deleted = Deleted {
        deleted: id,
        force: a.force,
        deleted_phone_numbers: numbers.clone(),
    };
    emit(ctx.output, &deleted, || {
        let mut out = format!("deleted SIP credential {} ({id})\n", plan.name);
        if !numbers.is_empty() {
            out.push_str(&format!(
                "and the {} phone number(s) that used it: {}\n",
                numbers.len(),
                numbers.join(", ")
            ));
        }
        out
    })
}
