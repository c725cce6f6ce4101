//! `telcreds rotate status`: the zero-downtime rotations that did not finish, rebuilt
//! from the journal, with which token each target holds and how to finish each.

use super::Setup;
use super::args::Cli;
use super::exit::CliError;
use super::output::{Table, emit};
use crate::ops::Unfinished;
use crate::ops::carrier_rotation::UnfinishedCarrierRun;
use crate::ops::rotation::{Holds, UnfinishedRun};
use chrono::{DateTime, Utc};
use serde::Serialize;

pub use crate::ops::rotation::WEBHOOKS;

/// Prints every unfinished run (JSON: an array, empty when there is none).
pub async fn run(cli: &Cli, setup: &Setup) -> Result<(), CliError> {
    let (unfinished, warnings) = Unfinished::read(&setup.stores()?.journal)
        .await
        .map_err(|e| {
            CliError::new(
                super::exit::Exit::Other,
                format!("cannot tell which rotations did not finish: {e}"),
            )
        })?;
    super::audit::warn_all(&warnings);
    let Unfinished {
        runs,
        unstored,
        carrier,
    } = unfinished;
    // A token that may be stored nowhere is said on stderr (the JSON stays an array
    // of runs).
    for unstored in unstored {
        super::audit::warn(&unstored.message());
    }
    let all: Vec<StatusRun<'_>> = runs
        .iter()
        .map(StatusRun::TwilioToken)
        .chain(
            carrier
                .iter()
                .map(|r| StatusRun::SipCarrier(CarrierStatus::of(r))),
        )
        .collect();
    emit(cli.output, &all, || {
        let mut out = text(&runs);
        for run in &carrier {
            out.push_str(&carrier_text(run));
        }
        if !carrier.is_empty() && runs.is_empty() {
            out = out.replace("no unfinished rotation in the journal\n", "");
        }
        out
    })?;
    Ok(())
}

/// One unfinished run as JSON: its kind (`twilio_token`, `sip_carrier`) and fields.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum StatusRun<'a> {
    TwilioToken(&'a UnfinishedRun),
    SipCarrier(CarrierStatus<'a>),
}

/// A rotation at both ends as JSON, shaped like a token run: its one target is the
/// platform's SIP credential, holding the new pair, the old one, or unknown.
#[derive(Serialize)]
struct CarrierStatus<'a> {
    account_sid: &'a str,
    stage: &'a str,
    started: DateTime<Utc>,
    targets: [CarrierTarget<'a>; 1],
    carrier: &'a crate::journal::CarrierRecord,
}

#[derive(Serialize)]
struct CarrierTarget<'a> {
    profile: &'a str,
    provider: &'a str,
    name: Option<&'a str>,
    holds: Holds,
}

impl<'a> CarrierStatus<'a> {
    fn of(run: &'a UnfinishedCarrierRun) -> CarrierStatus<'a> {
        CarrierStatus {
            account_sid: &run.account_sid,
            stage: &run.stage,
            started: run.started,
            targets: [CarrierTarget {
                profile: &run.profile,
                provider: &run.credential_id,
                name: run.name.as_deref(),
                holds: run.platform_holds,
            }],
            carrier: &run.carrier,
        }
    }
}

/// A rotation at both ends, as the table output says it.
fn carrier_text(run: &UnfinishedCarrierRun) -> String {
    format!(
        "{}\n  the platform holds the {} pair; the carrier's list: old {} ({}), new {}\n\n",
        crate::text::printable(&run.not_finished()),
        run.platform_holds.as_str(),
        crate::text::printable(&run.carrier.old_username),
        run.carrier.old_sid,
        crate::text::printable(&run.carrier.new_username),
    )
}

/// The error of a rotation command stopped by ctrl-c: where each unfinished run
/// stands, as the journal recorded it (the leaked token works until a promotion).
/// After ctrl-c: `finished` when the step in flight ended in time, else it was cut
/// off.
pub async fn interrupted(setup: &Setup, finished: bool) -> CliError {
    let runs = match setup.stores() {
        Ok(stores) => Unfinished::read(&stores.journal)
            .await
            .map(|(unfinished, _)| unfinished.runs)
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let mut message = String::from(if finished {
        "interrupted: the step in flight ended and its answer is in the audit journal; \
         nothing more was sent"
    } else {
        "interrupted: the requests in flight were cut off, so whether they took effect is \
         unknown"
    });
    if runs.is_empty() {
        message.push_str("; what each target got is in the audit journal");
    }
    for run in &runs {
        message.push('\n');
        message.push_str(&run.not_finished());
    }
    CliError::new(super::exit::Exit::Interrupted, message)
}

/// Each run: its stage, its targets, how to finish it.
fn text(runs: &[UnfinishedRun]) -> String {
    if runs.is_empty() {
        return "no unfinished rotation in the journal\n".to_string();
    }
    let mut out = String::new();
    for run in runs {
        out.push_str(&format!(
            "{}: {} (secondary created {})\n",
            run.account_sid,
            run.stage,
            run.started.format("%Y-%m-%d %H:%MZ")
        ));
        let mut t = Table::new(&["PROFILE", "PROVIDER", "NAME", "HOLDS", "RECORDED"]);
        for target in &run.targets {
            t.row(vec![
                target.profile.clone(),
                target.provider.clone(),
                target.name.clone().unwrap_or_else(|| "-".into()),
                target.holds.as_str().to_string(),
                format!("{} at {}", target.recorded, target.at.format("%H:%MZ")),
            ]);
        }
        out.push_str(&t.render());
        out.push_str(&format!(
            "finish it: telcreds rotate twilio --account-sid {} --promote (once every target \
             holds the new token) or --abort\n{WEBHOOKS}\n\n",
            run.account_sid
        ));
    }
    out
}
