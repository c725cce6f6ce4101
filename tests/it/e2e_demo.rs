//! `telcreds --demo` in tmux leaves the user's data alone: its journal, history and
//! log live in a private temporary directory that is gone once it quits.

use crate::e2e_tmux::{Tmux, assert_exited_cleanly, demo_command};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use telcreds::domain::Platform;
use telcreds::journal::{Action, Journal, JournalEntry, JournalTarget, TargetKind};

/// Every file under `root` with its bytes, and every directory (as `None`).
fn tree(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.insert(path.clone(), None);
            out.extend(tree(&path));
        } else {
            out.insert(path.clone(), Some(std::fs::read(&path).unwrap()));
        }
    }
    out
}

/// The permission bits of `path`, in octal.
fn mode(path: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).unwrap();
    format!("{:o}", meta.permissions().mode() & 0o777)
}

/// The journal of the demo running with `TMPDIR=tmp` (read it before the demo quits).
pub fn demo_journal(tmp: &Path) -> String {
    let dirs: Vec<PathBuf> = std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1, "one demo directory: {dirs:?}");
    let journal = tree(&dirs[0])
        .into_iter()
        .find(|(p, _)| p.ends_with("journal.jsonl"))
        .and_then(|(_, bytes)| bytes)
        .expect("the demo's journal");
    String::from_utf8(journal).unwrap()
}

#[ignore = "needs tmux: scripts/test installs it and runs these"]
#[test]
fn the_demo_keeps_its_journal_history_and_log_in_a_temporary_directory() {
    let dir = tempfile::tempdir().unwrap();
    let (data, state, tmp) = (
        dir.path().join("data"),
        dir.path().join("state"),
        dir.path().join("tmp"),
    );
    // An earlier run's journal, under the names the demo uses.
    let earlier = JournalEntry::new(
        Action::SipDelete,
        JournalTarget::new(TargetKind::SipCredential, "x", Some("EARLIER-RUN".into())),
    )
    .on_named("demo-dasha", &Platform::Dasha);
    Journal::open(data.join("journal.jsonl"))
        .append(&earlier)
        .unwrap();
    std::fs::create_dir_all(&state).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    let before = (tree(&data), tree(&state));

    // TELCREDS_PROFILE is meant for the config file: the demo ignores it.
    let command = format!(
        "env TMPDIR={} TELCREDS_PROFILE=prod {}",
        tmp.display(),
        demo_command(dir.path())
    );
    let tmux = Tmux::start(&command, 120, 30);
    let screen = tmux.wait_for("Providers (8)");
    assert!(
        screen.contains("nothing is kept"),
        "the header says so:\n{screen}"
    );
    assert!(
        screen.contains("temporary directory"),
        "the notice:\n{screen}"
    );

    // A verification (history) and a new SIP credential (journal).
    tmux.keys(&["v"]);
    // The first row; its verification fails (the account is suspended).
    tmux.wait_for("initech-outbound: ");
    tmux.keys(&["2"]);
    tmux.wait_for("SIP credentials (42)");
    tmux.keys(&["n"]);
    tmux.wait_for("New SIP credential");
    tmux.type_text("sip.scratch.example:5061");
    for _ in 0..5 {
        tmux.keys(&["Tab"]);
    }
    tmux.type_text("scratch trunk");
    tmux.keys(&["Enter"]);
    tmux.wait_for("SIP credentials (43)");
    tmux.keys(&["4"]);
    let screen = tmux.wait_for("sip.create");
    assert!(
        !screen.contains("EARLIER-RUN"),
        "no earlier history:\n{screen}"
    );

    // While it runs: one private directory, holding what the demo recorded.
    let scratch: Vec<PathBuf> = std::fs::read_dir(&tmp)
        .expect("the demo made its directory under TMPDIR")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(scratch.len(), 1, "{scratch:?}");
    assert_eq!(mode(&scratch[0]), "700");
    let kept = tree(&scratch[0]);
    assert!(demo_journal(&tmp).contains("scratch trunk"));
    assert!(
        kept.keys()
            .any(|p| p.components().any(|c| c.as_os_str() == "history")),
        "the verification's history: {:?}",
        kept.keys()
    );
    assert!(
        kept.keys()
            .any(|p| p.to_string_lossy().contains("telcreds.log")),
        "the demo's log: {:?}",
        kept.keys()
    );

    tmux.keys(&["q"]);
    tmux.wait_exit();
    assert_exited_cleanly(&tmux);
    assert_eq!((tree(&data), tree(&state)), before, "the user's files");
    assert_eq!(
        tree(&tmp),
        BTreeMap::new(),
        "the demo's directory is removed"
    );
}
