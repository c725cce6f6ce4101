//! `telcreds profiles list`

use super::args::OutputFormat;
use super::exit::CliError;
use super::output::{Table, emit, opt};
use crate::config::Config;
use serde::Serialize;

/// What is shown of a profile: never its token, only where the token comes from.
#[derive(Serialize)]
struct ProfileView {
    name: String,
    platform: String,
    base_url: String,
    token_source: String,
    org_handle: Option<String>,
    readonly: bool,
    protected: bool,
    label: Option<String>,
}

/// Lists the profiles of the config.
pub fn list(config: &Config, output: OutputFormat) -> Result<(), CliError> {
    let views: Vec<ProfileView> = config
        .profiles
        .iter()
        .map(|p| ProfileView {
            name: p.name.clone(),
            platform: p.platform.to_string(),
            base_url: p.base_url.clone(),
            token_source: p.token.describe(),
            org_handle: p.org_handle.clone(),
            readonly: p.readonly,
            protected: p.protected,
            label: p.label.clone(),
        })
        .collect();
    emit(output, &views, || {
        let mut t = Table::new(&["NAME", "PLATFORM", "BASE URL", "TOKEN", "FLAGS", "LABEL"]);
        for v in &views {
            let flags: Vec<&str> = [(v.readonly, "readonly"), (v.protected, "protected")]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, f)| *f)
                .collect();
            t.row(vec![
                v.name.clone(),
                v.platform.clone(),
                v.base_url.clone(),
                v.token_source.clone(),
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
