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
    assert!(
        collected
            .iter()
            .all(|c| std::sync::Arc::ptr_eq(&c.org_id, &collected[0].org_id)),
        "one organisation id shared by every row, across pages"
    );
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

/// Applies messages until the next page of the SIP list.
async fn next_page(h: &mut crate::tui_harness::Harness) {
    // Bounded: each message comes within 10 s, and a list has few other messages.
    for _ in 0..10_000 {
        if h.next().await {
            return;
        }
    }
    panic!("no page of the SIP list in 10,000 messages");
}

#[tokio::test]
async fn sip_rows_show_as_pages_arrive_and_the_cursor_and_filter_keep_up() {
    use crossterm::event::KeyCode;
    let mut h =
        crate::tui_harness::Harness::bulk(3_500, std::time::Duration::from_millis(30)).await;
    h.press(KeyCode::Char('2'));
    next_page(&mut h).await;
    // The first page is on screen before the others arrived.
    assert_eq!(h.app.tables.sip.items().len(), 1_000);
    let screen = h.screen(120, 30);
    assert!(
        screen.contains("SIP credentials: 1,000 of 3,542, loading"),
        "{screen}"
    );
    // A filter typed while loading applies to the rows that arrive later.
    h.press(KeyCode::Char('/'));
    h.type_text("trunk 3");
    h.press(KeyCode::Enter);
    let matched_early = h.app.tables.sip.len();
    for _ in 0..5 {
        h.press(KeyCode::Char('j'));
    }
    let chosen = h.app.tables.sip.selected_item().unwrap().id().to_string();
    h.settle().await;
    assert!(h.app.tables.sip_load.is_none(), "loaded");
    assert_eq!(h.app.tables.sip.items().len(), 3_542);
    let matching = h
        .app
        .tables
        .sip
        .items()
        .iter()
        .filter(|c| c.matches(&telcreds::domain::needle::Needle::new("trunk 3")))
        .count();
    // At least trunk 3, 30–39, 300–399, 3000–3499: 1 + 10 + 100 + 500.
    assert!(matching >= 611, "{matching}");
    assert_eq!(
        h.app.tables.sip.len(),
        matching,
        "early matches: {matched_early}"
    );
    assert!(matched_early < matching);
    let screen = h.screen(120, 30);
    assert!(
        screen.contains(&format!("SIP credentials ({matching} of 3,542)")),
        "{screen}"
    );
    assert_eq!(
        h.app.tables.sip.selected_item().unwrap().id(),
        chosen,
        "the cursor kept its item"
    );
    // Clearing the filter keeps it there too.
    h.press(KeyCode::Char('/'));
    h.press(KeyCode::Esc);
    assert_eq!(h.app.tables.sip.selected_item().unwrap().id(), chosen);
}

#[tokio::test]
async fn the_cursor_stays_on_its_item_while_sorted_pages_arrive() {
    use crossterm::event::KeyCode;
    let mut h =
        crate::tui_harness::Harness::bulk(3_500, std::time::Duration::from_millis(30)).await;
    h.press(KeyCode::Char('2'));
    next_page(&mut h).await;
    // Sorted by name (natural order) while loading: `s`, column 1.
    h.press(KeyCode::Char('s'));
    h.press(KeyCode::Char('1'));
    let sort = h.app.tables.sip.sort();
    assert!(sort.is_some(), "s 1 sorts by the first column");
    for _ in 0..7 {
        h.press(KeyCode::Char('j'));
    }
    let chosen = h.app.tables.sip.selected_item().unwrap().id().to_string();
    let mut pages = 1;
    while h.app.tables.sip_load.is_some() {
        if h.next().await {
            pages += 1;
            assert_eq!(
                h.app.tables.sip.selected_item().unwrap().id(),
                chosen,
                "after page {pages}"
            );
        }
    }
    assert_eq!(pages, 4);
    // Natural order: trunk 9 before trunk 10.
    let names: Vec<String> = h
        .app
        .tables
        .sip
        .items()
        .iter()
        .filter_map(|c| c.description().map(str::to_string))
        .collect();
    assert!(names.contains(&"trunk 10".to_string()));
    let (_, rows) = {
        h.app.tables.sip.first();
        h.app.tables.sip.scroll(50);
        h.app.tables.sip.visible(3_600)
    };
    let order: Vec<&str> = rows
        .iter()
        .filter_map(|c| c.description())
        .filter(|d| d.starts_with("trunk "))
        .take(12)
        .collect();
    assert_eq!(
        order[..10],
        [
            "trunk 1", "trunk 2", "trunk 3", "trunk 4", "trunk 5", "trunk 6", "trunk 7", "trunk 8",
            "trunk 9", "trunk 10"
        ]
    );
}

#[tokio::test]
async fn a_refresh_keeps_the_old_rows_until_the_new_ones_are_in() {
    use crossterm::event::{KeyCode, KeyModifiers};
    let mut h =
        crate::tui_harness::Harness::bulk(2_500, std::time::Duration::from_millis(30)).await;
    h.press(KeyCode::Char('2'));
    h.settle().await;
    assert_eq!(h.app.tables.sip.items().len(), 2_542);
    // One credential more on the platform, then ctrl-r.
    let c = client(&h.sandbox, Platform::Dasha);
    let input = telcreds::domain::SipCredentialInput {
        server: "sip.late.example".into(),
        ..Default::default()
    };
    c.create_sip_credential(&input).await.unwrap();
    h.press_with(KeyCode::Char('r'), KeyModifiers::CONTROL);
    next_page(&mut h).await;
    assert_eq!(h.app.tables.sip.items().len(), 2_542, "the old rows stay");
    assert!(!h.screen(120, 30).contains("loading"));
    h.settle().await;
    assert_eq!(
        h.app.tables.sip.items().len(),
        2_543,
        "then the new ones replace them"
    );
}

#[tokio::test]
async fn a_refresh_during_the_first_load_yields_the_whole_list() {
    use crossterm::event::{KeyCode, KeyModifiers};
    let mut h =
        crate::tui_harness::Harness::bulk(3_500, std::time::Duration::from_millis(20)).await;
    h.press(KeyCode::Char('2'));
    next_page(&mut h).await;
    assert!(h.app.tables.sip.items().len() < 3_542, "still loading");
    // ctrl-r while the first load's pages are still coming.
    h.press_with(KeyCode::Char('r'), KeyModifiers::CONTROL);
    h.settle().await;
    assert!(h.app.tables.sip_load.is_none(), "loaded");
    assert_eq!(
        h.app.tables.sip.items().len(),
        3_542,
        "every credential, once"
    );
    let mut ids: Vec<&str> = h.app.tables.sip.items().iter().map(|r| r.id()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 3_542, "no row twice");
}

// Multi-threaded: the sandbox keeps serving while the test waits on tmux.
#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_listing_shows_its_progress_on_a_terminal_and_erases_it() {
    let sb = Sandbox::start(SandboxOptions {
        bulk_sip_credentials: 5_000,
        latency: std::time::Duration::from_millis(600),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(&sb, dir.path());
    let bin = env!("CARGO_BIN_EXE_telcreds");
    let command = format!(
        "env TELCREDS_DATA_DIR={d}/data TELCREDS_STATE_DIR={d}/state {bin} --config {c} -p sandbox-dasha sip list -o json > {d}/out.json",
        d = dir.path().display(),
        c = cfg.display()
    );
    let tmux = crate::e2e_tmux::Tmux::start(&command, 100, 10);
    let shown = tmux.wait_for("of 5,042 SIP credentials…");
    assert!(
        !shown.contains('{'),
        "nothing of the JSON on the terminal: {shown}"
    );
    tmux.wait_exit();
    let screen = tmux.screen();
    assert!(
        !screen.contains("SIP credentials…"),
        "erased at the end: {screen}"
    );
    let out = std::fs::read_to_string(dir.path().join("out.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 5_042);
}

/// "Acme Production", the account `SandboxOptions::twilio_providers` adds targets of.
const ACME: &str = "AC759b765966b5b7c9cdfaa58072348b24";

/// What `scripts/bench-rotation` measures, without the clock: a sandbox with 100
/// targets of one account on 5 profiles (one Dasha organisation, four Unpod ones), and
/// `rotate twilio --mint --yes` run twice with the current token read from a file
/// that `store_cmd` rewrites. Each run mints, deploys to all 100 and promotes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mint_reaches_100_targets_on_5_profiles_and_stores_the_new_token_each_time() {
    let sb = Sandbox::start(SandboxOptions {
        seed: telcreds::sandbox::Seed::Empty,
        unpod_orgs: 4,
        twilio_providers: 100,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("acme.token");
    std::fs::write(
        &token_file,
        format!("{}\n", current_token(&sb, ACME).expose()),
    )
    .unwrap();
    let origin = sb.origin();
    let bases = format!("twilio_api_base = \"{origin}\"\ntwilio_accounts_base = \"{origin}\"\n");
    let mut text = format!(
        "[profiles.dasha]\nplatform = \"dasha\"\nbase_url = \"{}\"\ntoken = \"{}\"\n{bases}",
        sb.dasha_base(),
        telcreds::sandbox::DASHA_TOKEN
    );
    for n in 1..=4 {
        text.push_str(&format!(
            "\n[profiles.unpod-{n}]\nplatform = \"unpod\"\nbase_url = \"{}\"\ntoken = \"{}\"\norg_handle = \"{}\"\n{bases}",
            sb.unpod_base(),
            telcreds::sandbox::UNPOD_TOKEN,
            telcreds::sandbox::unpod_org_handle(n)
        ));
    }
    let t = token_file.display();
    text.push_str(&format!(
        "\n[twilio_accounts.acme]\naccount_sid = \"{ACME}\"\ntoken_cmd = \"cat '{t}'\"\n\
         store_cmd = \"cat > '{t}.new' && mv '{t}.new' '{t}'\"\ntwilio_accounts_base = \"{origin}\"\n"
    ));
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, text).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();

    let mut seen = vec![current_token(&sb, ACME)];
    for run in 1..=2 {
        let args = ["rotate", "twilio", "--account-sid", ACME, "--mint", "--yes"];
        let out = telcreds(&cfg, &args, "").await;
        assert_eq!(out.code, 0, "run {run}: {}\n{}", out.stderr, out.stdout);
        let stored = std::fs::read_to_string(&token_file).unwrap();
        let stored = stored.trim_end();
        let current = current_token(&sb, ACME);
        assert_eq!(
            stored,
            current.expose(),
            "run {run}: store_cmd has the new primary"
        );
        assert!(!seen.contains(&current), "run {run}: a new token");
        let held = sb.tokens_held(ACME);
        assert_eq!(held.len(), 100, "run {run}");
        assert!(
            held.iter().all(|(_, t)| t == stored),
            "run {run}: every target holds it"
        );
        seen.push(current);
    }
}
