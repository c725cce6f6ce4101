//! `telcreds profiles list`

use super::args::Cli;
use super::exit::CliError;
use super::output::{Table, emit, opt};
use crate::config::{Config, TokenSource};
use serde::Serialize;

/// What is shown of a profile: never its token, only where the token comes from.
#[derive(Serialize)]
struct ProfileView {
    name: String,
    /// The profile a command uses without `--profile` (or with the one given).
    default: bool,
    platform: String,
    base_url: String,
    token_source: TokenView,
    org_handle: Option<String>,
    readonly: bool,
    protected: bool,
    label: Option<String>,
}

/// Where a token comes from, as JSON: the kind, and which variable or file. Never a
/// token, nor a token command's text (it may hold one).
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum TokenView {
    Env { var: String },
    Cmd,
    File { path: String },
    Inline,
}

impl TokenView {
    fn of(source: &TokenSource) -> TokenView {
        match source {
            TokenSource::Env(var) => TokenView::Env { var: var.clone() },
            TokenSource::Cmd(_) => TokenView::Cmd,
            TokenSource::File(path) => TokenView::File {
                path: path.display().to_string(),
            },
            TokenSource::Inline(_) => TokenView::Inline,
        }
    }
}

/// Lists the profiles of the config, the one in use marked. An unknown `--profile`
/// or `TELCREDS_PROFILE` is a warning here: listing is how to find the right name.
pub fn list(config: &Config, cli: &Cli) -> Result<(), CliError> {
    let current = match super::pick(config, cli) {
        Ok(p) => Some(p.name.clone()),
        Err(e) => {
            if cli.profile.is_some() {
                super::audit::warn(&e.to_string());
            }
            None
        }
    };
    let views: Vec<ProfileView> = config
        .profiles
        .iter()
        .map(|p| ProfileView {
            name: p.name.clone(),
            default: current.as_deref() == Some(p.name.as_str()),
            platform: p.platform.to_string(),
            base_url: p.base_url.clone(),
            token_source: TokenView::of(&p.token),
            org_handle: p.org_handle.clone(),
            readonly: p.readonly,
            protected: p.protected,
            label: p.label.clone(),
        })
        .collect();
    let summaries: Vec<String> = config.profiles.iter().map(|p| p.token.describe()).collect();
    emit(cli.output, &views, || {
        let mut t = Table::new(&[
            "DEFAULT", "NAME", "PLATFORM", "BASE URL", "TOKEN", "FLAGS", "LABEL",
        ]);
        for (v, token) in views.iter().zip(summaries) {
            let flags: Vec<&str> = [(v.readonly, "readonly"), (v.protected, "protected")]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, f)| *f)
                .collect();
            t.row(vec![
                if v.default { "*".into() } else { String::new() },
                v.name.clone(),
                v.platform.clone(),
                v.base_url.clone(),
                token,
                if flags.is_empty() {
                    "-".into()
                } else {
                    flags.join(",")
                },
                opt(&v.label),
            ]);
        }
        t.render()
    })
}
