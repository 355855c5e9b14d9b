//! The session picker over real session files: its screen at two widths, the scope toggle,
//! each sort, each search form, rename and delete, driven with the key sequences a terminal
//! sends.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use pi_agent_core::AgentMessage;
use pi_ai::{AssistantContent, AssistantMessage, StopReason, TextContent, UserMessage};
use pi_coding_agent::interactive::keybindings::{AppKeybindings, KeyPlatform};
use pi_coding_agent::interactive::session_selector::search::SortMode;
use pi_coding_agent::interactive::session_selector::{
    NameFilter, SessionScope, SessionSelector, SessionSelectorOptions, format_age,
    rename_session_file,
};
use pi_coding_agent::interactive::theme::{ColorMode, Theme};
use pi_coding_agent::session::{
    NewSessionOptions, SessionInfo, SessionLocation, SessionManager, list_all_sessions,
    list_sessions,
};
use pi_tui::Component;

use super::interactive_support::on_screen;
use super::session_support::json_lines;

const UP: &str = "\x1b[A";
const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESCAPE: &str = "\x1b";
const TAB: &str = "\t";
const CTRL_S: &str = "\x13";
const CTRL_N: &str = "\x0e";
const CTRL_D: &str = "\x04";
const CTRL_R: &str = "\x12";
const CTRL_P: &str = "\x10";
const BACKSPACE: &str = "\x7f";

const MINUTE: i64 = 60_000;
const NOW: i64 = 1_750_000_000_000;

fn user(text: &str, at: i64) -> AgentMessage {
    let mut message = UserMessage::text(text);
    message.timestamp = at;
    message.into()
}

fn assistant(text: &str, at: i64) -> AgentMessage {
    let mut message = AssistantMessage::empty("anthropic-messages", "anthropic", "claude-test");
    message.content = vec![AssistantContent::Text(TextContent::new(text))];
    message.stop_reason = StopReason::Stop;
    message.timestamp = at;
    message.into()
}

/// A home directory with a project and another folder, and sessions in both.
struct World {
    dir: tempfile::TempDir,
    /// Session files by short name.
    files: Vec<(&'static str, PathBuf)>,
}

impl World {
    fn home(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
    fn location(&self) -> SessionLocation {
        SessionLocation::new(self.home().join(".pi/agent"))
    }
    fn project(&self) -> PathBuf {
        self.home().join("project")
    }
    fn file(&self, name: &str) -> PathBuf {
        self.files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p.clone())
            .unwrap()
    }

    fn session(
        &mut self,
        short: &'static str,
        cwd: &Path,
        parent: Option<&str>,
        texts: &[&str],
        minutes_ago: i64,
        name: Option<&str>,
    ) {
        let options = NewSessionOptions {
            parent_session: parent.map(|p| self.file(p).to_string_lossy().into_owned()),
            ..NewSessionOptions::default()
        };
        let mut manager = SessionManager::create(cwd, &self.location(), options).unwrap();
        let at = NOW - minutes_ago * MINUTE;
        for text in texts {
            manager.append_message(&user(text, at - 1)).unwrap();
            manager.append_message(&assistant("done", at)).unwrap();
        }
        if let Some(name) = name {
            manager.append_session_info(name).unwrap();
        }
        let path = manager.session_file().unwrap().to_path_buf();
        self.files.push((short, path));
    }

    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let mut world = World {
            dir,
            files: Vec::new(),
        };
        let project = world.project();
        let other = world.home().join("elsewhere");
        std::fs::create_dir_all(&project).unwrap();
        std::fs::create_dir_all(&other).unwrap();
        world.session(
            "auth",
            &project,
            None,
            &["fix the login bug in auth.rs"],
            3 * 60,
            None,
        );
        world.session(
            "fork",
            &project,
            Some("auth"),
            &["try the token refresh instead"],
            30,
            None,
        );
        world.session(
            "docs",
            &project,
            None,
            &["write the README", "node cve report"],
            2 * 24 * 60,
            Some("Docs pass"),
        );
        world.session("bench", &project, None, &["measure startup time"], 5, None);
        world.session("other", &other, None, &["deploy the website"], 10, None);
        world
    }

    fn selector(&self, current: Option<&str>) -> SessionSelector {
        let (location, cwd) = (self.location(), self.project());
        let all_location = self.location();
        let options = SessionSelectorOptions {
            current_session: current.map(|c| self.file(c)),
            rename: Some(Box::new(|path: &Path, name: &str| {
                rename_session_file(path, name).map_err(|e| e.to_string())
            })),
            show_rename_hint: None,
            home: Some(self.home()),
            now: Some(NOW),
        };
        SessionSelector::new(
            Box::new(move || list_sessions(&location, &cwd, None)),
            Box::new(move || list_all_sessions(&all_location, None)),
            options,
            Theme::dark(ColorMode::TrueColor),
            Rc::new(AppKeybindings::defaults(KeyPlatform::Linux)),
        )
    }

    /// The short names of the sessions listed, in order.
    fn shown(&self, s: &SessionSelector) -> Vec<&'static str> {
        s.shown()
            .iter()
            .map(|info| {
                self.files
                    .iter()
                    .find(|(_, p)| *p == info.path)
                    .map(|(n, _)| *n)
                    .unwrap_or("?")
            })
            .collect()
    }
}

fn type_text(s: &mut SessionSelector, text: &str) {
    for c in text.chars() {
        s.handle_input(&c.to_string());
    }
}

fn clear(s: &mut SessionSelector) {
    for _ in 0..40 {
        s.handle_input(BACKSPACE);
    }
}

/// Replaces the scratch directory's random name so snapshots are stable.
fn screen(world: &World, s: &mut SessionSelector, width: u16) -> String {
    let lines = s.render(usize::from(width));
    for line in &lines {
        assert!(
            pi_tui::visible_width(line) <= usize::from(width),
            "{line:?}"
        );
    }
    let home = world.home().to_string_lossy().into_owned();
    on_screen(&lines, width).replace(&home, "/home/u")
}

#[test]
fn the_picker_on_a_terminal_at_two_widths() {
    let world = World::new();
    let mut s = world.selector(Some("bench"));
    let mut shown = String::new();
    for width in [80u16, 48] {
        shown.push_str(&format!(
            "current, width {width}\n{}",
            screen(&world, &mut s, width)
        ));
    }
    s.handle_input(TAB);
    for width in [80u16, 48] {
        shown.push_str(&format!(
            "all, width {width}\n{}",
            screen(&world, &mut s, width)
        ));
    }
    insta::assert_snapshot!(shown);
    // Paths hold creation times, so they are checked rather than recorded.
    s.handle_input(CTRL_P);
    let text = screen(&world, &mut s, 120);
    assert!(text.contains("ctrl+p path (on)"), "{text}");
    assert!(text.contains("~/.pi/agent/sessions/"), "{text}");
}

#[test]
fn tab_switches_between_the_folder_and_every_session() {
    let world = World::new();
    let mut s = world.selector(None);
    assert_eq!(s.scope(), SessionScope::Current);
    assert_eq!(world.shown(&s), ["bench", "auth", "fork", "docs"].to_vec());
    s.handle_input(TAB);
    assert_eq!(s.scope(), SessionScope::All);
    assert!(world.shown(&s).contains(&"other"));
    assert_eq!(world.shown(&s).len(), 5);
    s.handle_input(TAB);
    assert_eq!(s.scope(), SessionScope::Current);
    assert!(!world.shown(&s).contains(&"other"));
}

#[test]
fn threaded_puts_forks_under_their_parent_and_the_sort_key_cycles() {
    let world = World::new();
    let mut s = world.selector(None);
    assert_eq!(s.sort_mode(), SortMode::Threaded);
    // The fork keeps its parent's thread ahead of older sessions.
    assert_eq!(world.shown(&s), ["bench", "auth", "fork", "docs"].to_vec());
    let screen = screen(&world, &mut s, 80);
    assert!(screen.contains("└─ try the token refresh"), "{screen}");

    s.handle_input(CTRL_S);
    assert_eq!(s.sort_mode(), SortMode::Recent);
    assert_eq!(world.shown(&s), ["bench", "fork", "auth", "docs"].to_vec());

    s.handle_input(CTRL_S);
    assert_eq!(s.sort_mode(), SortMode::Relevance);
    // Recent keeps the list's order among matches; relevance puts the best match first.
    type_text(&mut s, "refresh");
    assert_eq!(world.shown(&s), ["fork"].to_vec());
    clear(&mut s);
    type_text(&mut s, "the");
    let relevance = world.shown(&s);
    s.handle_input(CTRL_S);
    assert_eq!(s.sort_mode(), SortMode::Threaded);
    s.handle_input(CTRL_S);
    assert_eq!(s.sort_mode(), SortMode::Recent);
    let recent = world.shown(&s);
    let mut recent_order = recent.clone();
    recent_order.sort_by_key(|n| {
        ["bench", "fork", "auth", "docs"]
            .iter()
            .position(|x| x == n)
    });
    assert_eq!(recent, recent_order);
    let mut same = relevance.clone();
    same.sort();
    let mut recent_sorted = recent.clone();
    recent_sorted.sort();
    assert_eq!(same, recent_sorted);
}

#[test]
fn the_named_filter_shows_only_named_sessions() {
    let world = World::new();
    let mut s = world.selector(None);
    s.handle_input(CTRL_N);
    assert_eq!(s.name_filter(), NameFilter::Named);
    assert_eq!(world.shown(&s), ["docs"].to_vec());
    type_text(&mut s, "zzzz");
    let text = screen(&world, &mut s, 100);
    assert!(
        text.contains(
            "No named sessions in current folder. Press ctrl+n to show all, or Tab to view all."
        ),
        "{text}"
    );
}

#[test]
fn fuzzy_terms_phrases_and_patterns_search_names_messages_and_folders() {
    let world = World::new();
    let mut s = world.selector(None);
    s.handle_input(TAB);
    // Fuzzy terms: every word must match somewhere.
    // (Every session's text holds its random folder, so only the best match is certain.)
    type_text(&mut s, "lgn bug");
    assert_eq!(world.shown(&s).first(), Some(&"auth"));
    clear(&mut s);
    type_text(&mut s, "elsewhere");
    assert_eq!(world.shown(&s).first(), Some(&"other"));
    clear(&mut s);
    // A phrase matches as written, ignoring case and spacing, not fuzzily.
    type_text(&mut s, "\"NODE   cve\"");
    assert_eq!(world.shown(&s), ["docs"].to_vec());
    clear(&mut s);
    type_text(&mut s, "\"node report\"");
    assert!(world.shown(&s).is_empty());
    clear(&mut s);
    // A pattern, case-insensitive; an invalid one matches nothing.
    type_text(&mut s, "re:^.*(LOGIN|website)");
    let mut found = world.shown(&s);
    found.sort();
    assert_eq!(found, ["auth", "other"].to_vec());
    clear(&mut s);
    type_text(&mut s, "re:(unclosed");
    assert!(world.shown(&s).is_empty());
    clear(&mut s);
    // The name is searched too.
    type_text(&mut s, "docs pass");
    assert_eq!(world.shown(&s).first(), Some(&"docs"));
}

#[test]
fn enter_picks_the_highlighted_session_and_escape_cancels() {
    let world = World::new();
    let mut s = world.selector(None);
    let picked: Rc<RefCell<Vec<PathBuf>>> = Rc::default();
    let cancelled = Rc::new(RefCell::new(false));
    let p = picked.clone();
    s.on_select(move |path| p.borrow_mut().push(path.to_path_buf()));
    let c = cancelled.clone();
    s.on_cancel(move || *c.borrow_mut() = true);
    s.handle_input(DOWN);
    s.handle_input(DOWN);
    s.handle_input(UP);
    s.handle_input(ENTER);
    assert_eq!(*picked.borrow(), vec![world.file("auth")]);
    s.handle_input(ESCAPE);
    assert!(*cancelled.borrow());
}

#[test]
fn rename_writes_a_session_info_entry_to_the_chosen_file() {
    let world = World::new();
    let mut s = world.selector(None);
    s.handle_input(DOWN); // auth
    s.handle_input(CTRL_R);
    let text = screen(&world, &mut s, 60);
    assert!(text.contains("Rename Session"), "{text}");
    assert!(
        text.contains("enter to save · escape/ctrl+c to cancel"),
        "{text}"
    );
    type_text(&mut s, "Login fix");
    s.handle_input(ENTER);
    let lines = json_lines(&world.file("auth"));
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "session_info");
    assert_eq!(last["name"], "Login fix");
    // The list is read again and shows the new name.
    let shown = s.shown();
    let auth = shown.iter().find(|i| i.path == world.file("auth")).unwrap();
    assert_eq!(auth.name.as_deref(), Some("Login fix"));
    assert!(screen(&world, &mut s, 80).contains("Login fix"));

    // Escape leaves renaming without writing.
    let before = json_lines(&world.file("docs")).len();
    s.handle_input(CTRL_S); // recent: bench, fork, auth, docs
    for _ in 0..3 {
        s.handle_input(DOWN);
    }
    s.handle_input(CTRL_R);
    type_text(&mut s, " 2");
    s.handle_input(ESCAPE);
    assert_eq!(json_lines(&world.file("docs")).len(), before);
    assert!(screen(&world, &mut s, 80).contains("Resume Session"));
}

#[test]
fn delete_asks_first_and_never_deletes_the_current_session() {
    let world = World::new();
    let mut s = world.selector(Some("bench"));
    // The current session is refused.
    s.handle_input(CTRL_D);
    let text = screen(&world, &mut s, 80);
    assert!(
        text.contains("Cannot delete the currently active session"),
        "{text}"
    );
    assert!(world.file("bench").exists());

    // Escape at the question keeps the file.
    s.handle_input(DOWN); // auth
    s.handle_input(CTRL_D);
    let text = screen(&world, &mut s, 80);
    assert!(
        text.contains("Delete session? enter confirm · escape/ctrl+c cancel"),
        "{text}"
    );
    s.handle_input(ESCAPE);
    assert!(world.file("auth").exists());

    // Enter at the question deletes it and lists the folder again.
    s.handle_input(CTRL_D);
    s.handle_input("x"); // other keys are ignored while asking
    s.handle_input(ENTER);
    assert!(!world.file("auth").exists());
    assert!(!world.shown(&s).contains(&"auth"));
    let text = screen(&world, &mut s, 80);
    assert!(
        text.contains("Session deleted") || text.contains("Session moved to trash"),
        "{text}"
    );
}

#[test]
fn ages_are_written_as_pi_writes_them() {
    let cases = [
        (0, "now"),
        (59_999, "now"),
        (MINUTE, "1m"),
        (59 * MINUTE, "59m"),
        (60 * MINUTE, "1h"),
        (24 * 60 * MINUTE, "1d"),
        (7 * 24 * 60 * MINUTE, "1w"),
        (30 * 24 * 60 * MINUTE, "1mo"),
        (365 * 24 * 60 * MINUTE, "1y"),
    ];
    for (ago, text) in cases {
        assert_eq!(format_age(NOW, NOW - ago), text, "{ago}");
    }
}

/// The sessions of one scope from the reference recording, aged from `NOW`.
fn recorded_sessions(list: &serde_json::Value) -> Vec<SessionInfo> {
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().map(str::to_owned);
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let modified = NOW - s["minutesAgo"].as_i64().unwrap() * MINUTE;
            SessionInfo {
                path: PathBuf::from(text(s, "path").unwrap()),
                id: text(s, "id").unwrap(),
                cwd: text(s, "cwd").unwrap(),
                name: text(s, "name"),
                parent_session_path: text(s, "parentSessionPath"),
                created: modified,
                modified,
                message_count: usize::try_from(s["messageCount"].as_u64().unwrap()).unwrap(),
                first_message: text(s, "firstMessage").unwrap(),
                all_messages_text: text(s, "allMessagesText").unwrap(),
            }
        })
        .collect()
}

#[test]
fn the_picker_renders_as_the_reference_does() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/interactive/session-selector-reference.json");
    let recording: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let current = recorded_sessions(&recording["current"]);
    let all = recorded_sessions(&recording["all"]);
    for case in recording["cases"].as_array().unwrap() {
        let (current, all) = (current.clone(), all.clone());
        let options = SessionSelectorOptions {
            current_session: Some(PathBuf::from(recording["currentSession"].as_str().unwrap())),
            rename: Some(Box::new(|_: &Path, _: &str| Ok(()))),
            show_rename_hint: Some(true),
            home: Some(PathBuf::from(recording["home"].as_str().unwrap())),
            now: Some(NOW),
        };
        let mut s = SessionSelector::new(
            Box::new(move || current.clone()),
            Box::new(move || all.clone()),
            options,
            Theme::dark(ColorMode::TrueColor),
            Rc::new(AppKeybindings::defaults(KeyPlatform::Linux)),
        );
        for key in case["keys"].as_array().unwrap() {
            s.handle_input(key.as_str().unwrap());
        }
        for (width, expected) in case["renders"].as_object().unwrap() {
            let expected: Vec<String> = expected
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap().to_owned())
                .collect();
            let ours = s.render(width.parse().unwrap());
            assert_eq!(ours, expected, "{} at {width}", case["name"]);
        }
    }
}
