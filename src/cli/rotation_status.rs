//! `telcreds rotate status`: the zero-downtime rotations that did not finish, rebuilt
//! from the journal, with which token each target holds and how to finish each.

use super::Setup;
use super::args::Cli;
use super::exit::CliError;
use super::output::{Table, emit};
use crate::ops::rotation::{UnfinishedRun, unfinished_runs, unstored_tokens};

pub use crate::ops::rotation::WEBHOOKS;

/// Prints every unfinished run (JSON: an array, empty when there is none).
pub async fn run(cli: &Cli, setup: &Setup) -> Result<(), CliError> {
    let (entries, warnings) = setup.stores()?.journal.read_in_background().await;
    super::audit::warn_all(&warnings);
    let runs = unfinished_runs(&entries);
    // A token that may be stored nowhere is said on stderr (the JSON stays an array
    // of runs).
    for unstored in unstored_tokens(&entries) {
        super::audit::warn(&unstored.message());
    }
    emit(cli.output, &runs, || text(&runs))?;
    Ok(())
}

/// The error of a rotation command stopped by ctrl-c: where each unfinished run
/// stands, as the journal recorded it (the leaked token works until a promotion).
/// After ctrl-c: `finished` when the step in flight ended in time, else it was cut
/// off.
pub async fn interrupted(setup: &Setup, finished: bool) -> CliError {
    let runs = match setup.stores() {
        Ok(stores) => unfinished_runs(&stores.journal.read_in_background().await.0),
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
