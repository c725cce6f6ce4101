//! Long lists: printed page by page as they arrive, the same document as the whole
//! list printed at once; shown in the UI before the last page is in.

use crate::cli::{telcreds, write_config};
use crate::support::*;
use telcreds::domain::Platform;
use telcreds::sandbox::{Sandbox, SandboxOptions};

/// The demo seed plus `n` generated SIP credentials.
pub async fn bulk_sandbox(n: usize) -> Sandbox {
    Sandbox::start(SandboxOptions {
        bulk_sip_credentials: n,
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_streamed_json_list_is_the_same_document_as_the_collected_one() {
    let sb = bulk_sandbox(2_500).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let run = telcreds(
        &cfg,
        &["-p", "sandbox-dasha", "sip", "list", "-o", "json"],
        "",
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let collected = client(&sb, Platform::Dasha)
        .list_sip_credentials()
        .await
        .unwrap();
    assert_eq!(collected.len(), 2_542, "4 pages");
    let whole = serde_json::to_string_pretty(&collected).unwrap();
    assert_eq!(run.stdout, format!("{whole}\n"), "same bytes, same order");
    assert!(
        run.stderr.is_empty(),
        "no progress when stderr is not a terminal"
    );

    let table = telcreds(&cfg, &["-p", "sandbox-dasha", "sip", "list"], "").await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 2_543, "a header, then one line per credential");
    assert!(lines[0].starts_with("ID  "), "{}", lines[0]);
    assert_eq!(lines.iter().filter(|l| l.starts_with("ID ")).count(), 1);
    let ids: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let expected: Vec<&str> = collected.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, expected);
}
