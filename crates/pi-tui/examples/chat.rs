//! A small chat screen built with pi-tui: a scrolling transcript of Markdown messages, a
//! spinner while a canned reply streams in token by token, an editor with slash-command and
//! `@` file autocomplete, and a model picker in an overlay.
//!
//!     cargo run -p pi-tui --example chat
//!
//! Type a message and press Enter. `/model` opens the picker, `/clear` empties the
//! transcript, `/quit` (or Ctrl+C twice, or Ctrl+D on an empty editor) leaves.
// An example program reports failures by exiting with them.
#![allow(clippy::print_stderr)]

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::{Duration, Instant};

use pi_tui::autocomplete::{CombinedAutocompleteProvider, SlashCommand};
use pi_tui::components::{
    Editor, EditorTheme, Loader, Markdown, MarkdownTheme, SelectItem, SelectList, SelectListTheme,
    Spacer, Text,
};
use pi_tui::overlay::{OverlayId, OverlayOptions, SizeValue};
use pi_tui::{
    Container, InputDecision, ProcessTerminal, Terminal, TerminalEvent, Tui, matches_key, shared,
    style,
};

const MODELS: [&str; 4] = [
    "claude-sonnet-4-5",
    "gpt-5",
    "gemini-2.5-pro",
    "qwen3-coder",
];
const TOKEN_INTERVAL: Duration = Duration::from_millis(30);

/// What the components asked for; handled in the main loop, outside their callbacks.
enum Action {
    Submit(String),
    ModelChosen(String),
    CloseOverlay,
}

fn reply_for(prompt: &str, model: &str) -> String {
    format!(
        "You said **{prompt}**. This is `{model}` answering from a script, one token at a time.\n\n\
         - the transcript above stays in your terminal's scrollback\n\
         - only the lines that change are redrawn\n\n\
         ```rust\nfn main() {{\n    println!(\"hello from pi-tui\");\n}}\n```\n\n\
         | key | action |\n|---|---|\n| Enter | send |\n| /model | pick a model |"
    )
}

/// Splits text into tokens that keep their whitespace, like a model's stream.
fn tokens(text: &str) -> VecDeque<String> {
    let mut out = VecDeque::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if c.is_whitespace() {
            out.push_back(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push_back(current);
    }
    out
}

fn markdown_theme() -> MarkdownTheme {
    MarkdownTheme {
        heading: style::fg(6),
        code: style::fg(3),
        code_block_border: style::dim(),
        list_bullet: style::fg(4),
        quote_border: style::dim(),
        ..MarkdownTheme::default()
    }
}

fn main() {
    if let Err(err) = run() {
        eprintln!("chat: {err}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), pi_tui::TerminalError> {
    let mut tui = Tui::new(ProcessTerminal::new());
    let actions: Rc<RefCell<Vec<Action>>> = Rc::default();
    let mut model = MODELS[0].to_owned();

    let transcript = shared(Container::new());
    transcript.borrow_mut().add_child(shared(Text::with_padding(
        format!(
            "{} pi-tui chat demo — type a message, /model to switch models, /quit to leave",
            style::bold()("●")
        ),
        1,
        0,
    )));
    tui.add_child(transcript.clone());
    tui.add_child(shared(Spacer::new(1)));

    let commands = vec![
        SlashCommand::new("model", "Pick the model").with_arguments(|prefix| {
            MODELS
                .iter()
                .filter(|m| m.starts_with(prefix))
                .map(|m| SelectItem::new(*m))
                .collect()
        }),
        SlashCommand::new("clear", "Clear the transcript"),
        SlashCommand::new("quit", "Leave the demo"),
    ];
    let cwd = std::env::current_dir().unwrap_or_default();
    let editor_theme = EditorTheme {
        border: style::fg(8),
        select_list: SelectListTheme {
            selected_text: style::fg(6),
            description: style::dim(),
            ..SelectListTheme::default()
        },
    };
    let editor = shared(Editor::new(editor_theme));
    {
        let mut e = editor.borrow_mut();
        e.set_autocomplete_provider(Rc::new(CombinedAutocompleteProvider::new(commands, cwd)));
        e.set_terminal_rows(usize::from(tui.terminal().size().rows));
        let a = actions.clone();
        e.on_submit(move |text| a.borrow_mut().push(Action::Submit(text.to_owned())));
    }
    tui.add_child(editor.clone());
    tui.set_focus(Some(editor.clone()));

    // Ctrl+C twice (or Ctrl+D on an empty editor) quits.
    let quit = Rc::new(RefCell::new(false));
    let interrupts = Rc::new(RefCell::new(0u32));
    {
        let (quit, interrupts, editor) = (quit.clone(), interrupts.clone(), editor.clone());
        tui.add_input_listener(move |data| {
            if matches_key(data, "ctrl+c") {
                *interrupts.borrow_mut() += 1;
                if *interrupts.borrow() >= 2 {
                    *quit.borrow_mut() = true;
                }
                return InputDecision::Consume;
            }
            *interrupts.borrow_mut() = 0;
            if matches_key(data, "ctrl+d") && editor.try_borrow().is_ok_and(|e| e.text().is_empty())
            {
                *quit.borrow_mut() = true;
                return InputDecision::Consume;
            }
            InputDecision::Pass
        });
    }

    let mut stream: Option<(Rc<RefCell<Markdown>>, VecDeque<String>, Instant)> = None;
    let mut loader: Option<Rc<RefCell<Loader>>> = None;
    let mut overlay: Option<OverlayId> = None;

    tui.start()?;
    tui.terminal_mut().set_title("pi-tui chat")?;
    tui.render()?;
    // Lets scripts check that a panic leaves a usable terminal behind.
    if std::env::var_os("CHAT_PANIC_AFTER_START").is_some() {
        panic!("CHAT_PANIC_AFTER_START is set");
    }
    while !*quit.borrow() {
        let timeout = if stream.is_some() {
            Duration::from_millis(10)
        } else {
            Duration::from_millis(100)
        };
        match tui.poll(timeout)? {
            Some(TerminalEvent::Terminate) => break,
            Some(TerminalEvent::Resize) => editor
                .borrow_mut()
                .set_terminal_rows(usize::from(tui.terminal().size().rows)),
            _ => {}
        }
        let pending: Vec<Action> = actions.borrow_mut().drain(..).collect();
        for action in pending {
            match action {
                Action::Submit(text) if text == "/quit" => *quit.borrow_mut() = true,
                Action::Submit(text) if text == "/clear" => transcript.borrow_mut().clear(),
                Action::Submit(text) if text == "/model" || text.starts_with("/model ") => {
                    let arg = text.trim_start_matches("/model").trim();
                    if MODELS.contains(&arg) {
                        actions
                            .borrow_mut()
                            .push(Action::ModelChosen(arg.to_owned()));
                        continue;
                    }
                    let mut list = SelectList::new(
                        MODELS
                            .iter()
                            .map(|m| SelectItem::new(*m).with_description("scripted model"))
                            .collect(),
                        5,
                        SelectListTheme {
                            selected_text: style::fg(6),
                            ..SelectListTheme::default()
                        },
                    );
                    let a = actions.clone();
                    list.on_select(move |item| {
                        a.borrow_mut().push(Action::ModelChosen(item.value.clone()))
                    });
                    let a = actions.clone();
                    list.on_cancel(move || a.borrow_mut().push(Action::CloseOverlay));
                    overlay = Some(tui.show_overlay(
                        shared(list),
                        OverlayOptions {
                            width: Some(SizeValue::Percent(60.0)),
                            ..OverlayOptions::default()
                        },
                    ));
                }
                Action::Submit(text) if text.is_empty() => {}
                Action::Submit(text) => {
                    editor.borrow_mut().add_to_history(&text);
                    let mut t = transcript.borrow_mut();
                    t.add_child(shared(Text::with_padding(
                        format!("{} {text}", style::fg(4)("›")),
                        1,
                        0,
                    )));
                    let reply = shared(Markdown::new("", 1, 0, markdown_theme()));
                    t.add_child(reply.clone());
                    drop(t);
                    let spinner = shared(Loader::new("Thinking...", style::fg(6), style::dim()));
                    tui.insert_child(2, spinner.clone());
                    loader = Some(spinner);
                    stream = Some((reply, tokens(&reply_for(&text, &model)), Instant::now()));
                    editor.borrow_mut().set_disable_submit(true);
                }
                Action::ModelChosen(m) => {
                    model = m;
                    if let Some(id) = overlay.take() {
                        tui.hide_overlay(id);
                    }
                    transcript.borrow_mut().add_child(shared(Text::with_padding(
                        style::dim()(&format!("Model set to {model}")),
                        1,
                        0,
                    )));
                }
                Action::CloseOverlay => {
                    if let Some(id) = overlay.take() {
                        tui.hide_overlay(id);
                    }
                }
            }
            tui.request_render();
        }
        let now = Instant::now();
        if let Some(spinner) = &loader
            && spinner.borrow_mut().tick(now)
        {
            tui.request_render();
        }
        let mut finished = false;
        if let Some((reply, pending, next)) = &mut stream {
            while *next <= now {
                match pending.pop_front() {
                    Some(token) => reply.borrow_mut().push_str(&token),
                    None => {
                        finished = true;
                        break;
                    }
                }
                *next += TOKEN_INTERVAL;
            }
            tui.request_render();
        }
        if finished {
            stream = None;
            if let Some(spinner) = loader.take() {
                let spinner: pi_tui::ComponentRef = spinner;
                tui.remove_child(&spinner);
            }
            editor.borrow_mut().set_disable_submit(false);
        }
        tui.render_if_requested()?;
    }
    tui.stop()
}
