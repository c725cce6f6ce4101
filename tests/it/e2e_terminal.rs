//! The real binary in tmux, at the edges of the terminal: a window too small to draw
//! in, signals sent from outside, and the clipboard.

use crate::e2e_tmux::{Tmux, assert_exited_cleanly, demo_command};

#[test]
fn help_on_a_tiny_window_keeps_answering_keys_and_quits() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = Tmux::start(&demo_command(dir.path()), 100, 30);
    tmux.wait_for("Providers (8)");
    tmux.keys(&["?"]);
    tmux.wait_for("Help — Esc closes");
    for (w, h) in [(10, 3), (120, 3), (60, 5), (10, 3)] {
        tmux.resize(w, h);
        tmux.wait_for("need 40x10");
    }
    // Esc closes the help while the window is tiny: seen once it is large again.
    tmux.keys(&["Escape"]);
    tmux.resize(100, 30);
    let screen = tmux.wait_for("Providers (8)");
    assert!(!screen.contains("Help — Esc closes"), "{screen}");
    tmux.resize(10, 3);
    tmux.wait_for("need 40x10");
    tmux.keys(&["q"]);
    tmux.wait_exit();
    assert_exited_cleanly(&tmux);
    assert_eq!(tmux.format("#{alternate_on}"), "0");
}
