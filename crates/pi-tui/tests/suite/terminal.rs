//! The terminal abstraction: keyboard protocol negotiation and the virtual terminal.

use pi_tui::terminal::{KeyboardNegotiation, NegotiationReply};
use pi_tui::{KeyboardProtocol, Terminal, TerminalEvent, VirtualTerminal};

#[test]
fn kitty_reply_activates_the_kitty_protocol() {
    let mut n = KeyboardNegotiation::default();
    assert_eq!(n.handle("\x1b[?7u".into()), NegotiationReply::Consumed(""));
    assert_eq!(n.protocol(), KeyboardProtocol::Kitty);
    // The device attributes sentinel that follows changes nothing.
    assert_eq!(
        n.handle("\x1b[?62;22c".into()),
        NegotiationReply::Consumed("")
    );
    assert_eq!(n.protocol(), KeyboardProtocol::Kitty);
}

#[test]
fn device_attributes_alone_enable_modify_other_keys() {
    let mut n = KeyboardNegotiation::default();
    assert_eq!(
        n.handle("\x1b[?62;22c".into()),
        NegotiationReply::Consumed("\x1b[>4;2m")
    );
    assert_eq!(n.protocol(), KeyboardProtocol::ModifyOtherKeys);
}

#[test]
fn zero_kitty_flags_mean_no_kitty() {
    let mut n = KeyboardNegotiation::default();
    assert_eq!(
        n.handle("\x1b[?0u".into()),
        NegotiationReply::Consumed("\x1b[>4;2m")
    );
    assert_eq!(n.protocol(), KeyboardProtocol::ModifyOtherKeys);
}

#[test]
fn late_kitty_reply_turns_modify_other_keys_off() {
    let mut n = KeyboardNegotiation::default();
    n.handle("\x1b[?62c".into());
    assert_eq!(
        n.handle("\x1b[?1u".into()),
        NegotiationReply::Consumed("\x1b[>4;0m")
    );
    assert_eq!(n.protocol(), KeyboardProtocol::Kitty);
}

#[test]
fn keys_pass_through_negotiation() {
    let mut n = KeyboardNegotiation::default();
    assert_eq!(n.handle("a".into()), NegotiationReply::Input("a".into()));
    assert_eq!(
        n.handle("\x1b[A".into()),
        NegotiationReply::Input("\x1b[A".into())
    );
    assert_eq!(n.protocol(), KeyboardProtocol::Legacy);
}

#[test]
fn virtual_terminal_keeps_scrollback_and_counts_bytes() {
    let mut t = VirtualTerminal::new(10, 2);
    t.feed("$ history\r\n");
    t.write("a\r\nb\r\nc").unwrap();
    assert_eq!(t.bytes_written(), 7);
    assert_eq!(t.screen_lines(), ["b", "c"]);
    assert_eq!(t.scrollback_lines(), ["$ history", "a"]);
    assert_eq!(t.cursor(), (1, 1));
}

#[test]
fn virtual_terminal_queues_input_and_resizes() {
    let mut t = VirtualTerminal::new(10, 2);
    t.send_input("a\x1b[A\x1b[200~paste\x1b[201~");
    t.resize(20, 5);
    let mut events = Vec::new();
    while let Some(e) = t.poll_event(std::time::Duration::ZERO).unwrap() {
        events.push(e);
    }
    assert_eq!(
        events,
        [
            TerminalEvent::Input("a".into()),
            TerminalEvent::Input("\x1b[A".into()),
            TerminalEvent::Input("\x1b[200~paste\x1b[201~".into()),
            TerminalEvent::Resize,
        ]
    );
    assert_eq!(t.size().columns, 20);
}

#[test]
fn virtual_terminal_sees_scrollback_erasure() {
    let mut t = VirtualTerminal::new(10, 2);
    t.write("\x1b[2J\x1b[H\x1b[3J").unwrap();
    assert_eq!(t.scrollback_erasures(), 1);
    assert_eq!(t.screen_erasures(), 1);
}

#[test]
fn title_drops_control_characters() {
    let mut t = VirtualTerminal::new(10, 2);
    t.set_title("pi\x07\x1b[2J - project").unwrap();
    assert_eq!(t.take_output(), "\x1b]0;pi[2J - project\x07");
}
