//! Agreeing on a keyboard protocol with the terminal.
//!
//! At start pi pushes Kitty keyboard flags, asks which flags are active and sends a device
//! attributes query as a sentinel (`ESC[>7u ESC[?u ESC[c`). A terminal that speaks the Kitty
//! protocol answers `ESC[?<flags>u` first; one that does not answers only the device
//! attributes (`ESC[?...c`), and xterm's modifyOtherKeys is enabled instead so that keys like
//! Shift+Enter can still be told apart.

/// The query written at start.
pub const KEYBOARD_PROTOCOL_QUERY: &str = "\x1b[>7u\x1b[?u\x1b[c";
/// Pops the Kitty keyboard flags pushed at start.
pub const KITTY_POP: &str = "\x1b[<u";
/// Enables xterm modifyOtherKeys mode 2.
pub const MODIFY_OTHER_KEYS_ON: &str = "\x1b[>4;2m";
/// Resets xterm modifyOtherKeys.
pub const MODIFY_OTHER_KEYS_OFF: &str = "\x1b[>4;0m";

/// The keyboard protocol in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyboardProtocol {
    /// Legacy sequences only (so far no reply, or none expected).
    #[default]
    Legacy,
    /// The Kitty keyboard protocol (disambiguated keys, event types, base-layout keys).
    Kitty,
    /// xterm's modifyOtherKeys mode 2.
    ModifyOtherKeys,
}

/// What an input sequence meant for the negotiation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NegotiationReply {
    /// Not a reply: pass the sequence on as input.
    Input(String),
    /// A reply, consumed; write this to the terminal (may be empty).
    Consumed(&'static str),
}

/// The negotiation's state: which protocol is active.
#[derive(Debug, Default)]
pub struct KeyboardNegotiation {
    protocol: KeyboardProtocol,
}

fn kitty_flags(seq: &str) -> Option<u32> {
    let digits = seq.strip_prefix("\x1b[?")?.strip_suffix('u')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn is_device_attributes(seq: &str) -> bool {
    seq.strip_prefix("\x1b[?")
        .and_then(|s| s.strip_suffix('c'))
        .is_some_and(|body| body.bytes().all(|b| b.is_ascii_digit() || b == b';'))
}

impl KeyboardNegotiation {
    /// The protocol agreed so far.
    pub fn protocol(&self) -> KeyboardProtocol {
        self.protocol
    }

    /// Looks at one input sequence: replies to the start query are consumed.
    pub fn handle(&mut self, seq: String) -> NegotiationReply {
        if let Some(flags) = kitty_flags(&seq) {
            if flags == 0 {
                return NegotiationReply::Consumed(self.enable_modify_other_keys());
            }
            let write = if self.protocol == KeyboardProtocol::ModifyOtherKeys {
                MODIFY_OTHER_KEYS_OFF
            } else {
                ""
            };
            self.protocol = KeyboardProtocol::Kitty;
            return NegotiationReply::Consumed(write);
        }
        if is_device_attributes(&seq) {
            return NegotiationReply::Consumed(self.enable_modify_other_keys());
        }
        NegotiationReply::Input(seq)
    }

    fn enable_modify_other_keys(&mut self) -> &'static str {
        if self.protocol == KeyboardProtocol::Legacy {
            self.protocol = KeyboardProtocol::ModifyOtherKeys;
            MODIFY_OTHER_KEYS_ON
        } else {
            ""
        }
    }
}
