//! The closed sets of values some settings take, by the names pi writes.

/// Declares a settings enum with the names pi uses for its values.
macro_rules! setting_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// The name pi writes in `settings.json`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value pi writes as `text`, if it is one.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// How queued steering or follow-up messages are delivered (the agent's own type).
pub use pi_agent_core::QueueMode;

setting_enum! {
    /// The preferred transport for providers that offer several.
    Transport {
        /// Let the provider choose (the default).
        Auto = "auto",
        /// Server-sent events.
        Sse = "sse",
        /// A WebSocket per request.
        Websocket = "websocket",
        /// A WebSocket kept open between requests.
        WebsocketCached = "websocket-cached",
    }
}

setting_enum! {
    /// What a double Escape on an empty editor does.
    DoubleEscapeAction {
        /// Open the session tree (the default).
        Tree = "tree",
        /// Fork the session.
        Fork = "fork",
        /// Nothing.
        None = "none",
    }
}

setting_enum! {
    /// The initial filter of `/tree`.
    TreeFilterMode {
        /// The default view.
        Default = "default",
        /// Tool calls hidden.
        NoTools = "no-tools",
        /// User messages only.
        UserOnly = "user-only",
        /// Labeled entries only.
        LabeledOnly = "labeled-only",
        /// Everything.
        All = "all",
    }
}

setting_enum! {
    /// What to do with a project that has no saved trust decision.
    ProjectTrustDefault {
        /// Ask in interactive mode; skip the project's resources elsewhere (the default).
        Ask = "ask",
        /// Trust it.
        Always = "always",
        /// Do not trust it.
        Never = "never",
    }
}

setting_enum! {
    /// When provider prompt caches are kept warm.
    CacheWarming {
        /// Never.
        Off = "off",
        /// During runs (the default).
        Streaming = "streaming",
        /// During runs and between them.
        Idle = "idle",
    }
}

setting_enum! {
    /// The interactive terminal UI mode.
    TuiMode {
        /// The normal screen, conversation in the scrollback (the default).
        Regular = "regular",
        /// The alternate screen.
        Fullscreen = "fullscreen",
    }
}

setting_enum! {
    /// What fullscreen mode prints when it exits.
    FullscreenExitOutput {
        /// The transcript (the default).
        Transcript = "transcript",
        /// A hint on how to resume.
        ResumeHint = "resume-hint",
    }
}

setting_enum! {
    /// The fullscreen transcript's scrollbar.
    FullscreenScrollbar {
        /// Shown when needed (the default).
        Auto = "auto",
        /// Always shown.
        Always = "always",
        /// Never shown.
        Hidden = "hidden",
    }
}

setting_enum! {
    /// How Mermaid diagrams are rendered.
    MermaidMode {
        /// Not rendered.
        Off = "off",
        /// Rendered once a message is complete.
        Final = "final",
        /// Rendered while streaming (the default).
        Streaming = "streaming",
    }
}

setting_enum! {
    /// A forced inline-image protocol (`terminal.images`).
    TerminalImages {
        /// The Kitty graphics protocol.
        Kitty = "kitty",
        /// iTerm2's inline images.
        Iterm2 = "iterm2",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for mode in [QueueMode::All, QueueMode::OneAtATime] {
            assert_eq!(QueueMode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(
            Transport::parse("websocket-cached"),
            Some(Transport::WebsocketCached)
        );
        assert_eq!(
            TreeFilterMode::parse("labeled-only").unwrap().to_string(),
            "labeled-only"
        );
        assert_eq!(ProjectTrustDefault::parse("sometimes"), None);
    }
}
