//! Integration tests: the clients against the embedded sandbox over real loopback
//! HTTP, the command line binary, and the secret canary.

mod act_on_what_was_asked;
mod api_dasha;
mod api_mock;
mod api_unpod;
mod canary;
mod cli;
mod cli_issue9;
mod conventions;
mod doctor;
mod e2e_demo;
mod e2e_prompt;
mod e2e_terminal;
mod e2e_tmux;
mod frontends;
mod hostile;
mod interop;
mod journal;
mod local_inputs;
mod mint;
mod probe;
mod probe_scripted;
mod retries;
mod rotation;
mod scale;
mod support;
mod tui_app;
mod tui_doctor;
mod tui_harness;
mod tui_keys;
mod tui_mint;
mod tui_random;
mod tui_sizes;
mod tui_snapshots;
mod twilio_check;
mod twilio_tokens;
