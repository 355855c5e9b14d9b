//! The colour tokens of a theme: 49 foreground and 7 background roles, 51 of them required
//! in a theme file and 5 optional ones that fall back to another token.

use std::fmt;
use std::str::FromStr;

use super::ThemeError;

/// A foreground colour role of a theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ThemeColor {
    /// Highlights: selected items, key hints, the logo.
    Accent,
    /// Normal borders.
    Border,
    /// Highlighted borders.
    BorderAccent,
    /// Subtle borders (the editor's by default).
    BorderMuted,
    /// Success markers.
    Success,
    /// Errors (and the context figure above 90%).
    Error,
    /// Warnings (and the context figure above 70%).
    Warning,
    /// Secondary text.
    Muted,
    /// Tertiary text (the footer).
    Dim,
    /// Default text.
    Text,
    /// Thinking blocks.
    ThinkingText,
    /// Fullscreen scrollbar track (optional; falls back to `muted`).
    ScrollbarTrack,
    /// Fullscreen scrollbar thumb (optional; falls back to `text`).
    ScrollbarThumb,
    /// Text of a transcript search match (optional; falls back to `text`).
    SearchMatchText,
    /// Text of user messages.
    UserMessageText,
    /// Text of extension messages.
    CustomMessageText,
    /// Label of extension messages.
    CustomMessageLabel,
    /// Tool call titles.
    ToolTitle,
    /// Tool output.
    ToolOutput,
    /// Markdown headings.
    MdHeading,
    /// Markdown link text.
    MdLink,
    /// Markdown link URLs.
    MdLinkUrl,
    /// Inline code.
    MdCode,
    /// Code block content.
    MdCodeBlock,
    /// Code block fences.
    MdCodeBlockBorder,
    /// Block quote text.
    MdQuote,
    /// Block quote bar.
    MdQuoteBorder,
    /// Horizontal rules.
    MdHr,
    /// List bullets and numbers.
    MdListBullet,
    /// Added lines of a diff.
    ToolDiffAdded,
    /// Removed lines of a diff.
    ToolDiffRemoved,
    /// Context lines of a diff.
    ToolDiffContext,
    /// Highlighted code: comments.
    SyntaxComment,
    /// Highlighted code: keywords.
    SyntaxKeyword,
    /// Highlighted code: function names.
    SyntaxFunction,
    /// Highlighted code: variables and parameters.
    SyntaxVariable,
    /// Highlighted code: strings.
    SyntaxString,
    /// Highlighted code: numbers and literals.
    SyntaxNumber,
    /// Highlighted code: types and built-ins.
    SyntaxType,
    /// Highlighted code: operators.
    SyntaxOperator,
    /// Highlighted code: punctuation.
    SyntaxPunctuation,
    /// Editor border with thinking off.
    ThinkingOff,
    /// Editor border at thinking level `minimal`.
    ThinkingMinimal,
    /// Editor border at thinking level `low`.
    ThinkingLow,
    /// Editor border at thinking level `medium`.
    ThinkingMedium,
    /// Editor border at thinking level `high`.
    ThinkingHigh,
    /// Editor border at thinking level `xhigh`.
    ThinkingXhigh,
    /// Editor border at thinking level `max` (optional; falls back to `thinkingXhigh`).
    ThinkingMax,
    /// Editor border in `!` bash mode.
    BashMode,
}

impl ThemeColor {
    /// Every foreground token.
    pub const ALL: [ThemeColor; 49] = {
        use ThemeColor::*;
        [
            Accent,
            Border,
            BorderAccent,
            BorderMuted,
            Success,
            Error,
            Warning,
            Muted,
            Dim,
            Text,
            ThinkingText,
            ScrollbarTrack,
            ScrollbarThumb,
            SearchMatchText,
            UserMessageText,
            CustomMessageText,
            CustomMessageLabel,
            ToolTitle,
            ToolOutput,
            MdHeading,
            MdLink,
            MdLinkUrl,
            MdCode,
            MdCodeBlock,
            MdCodeBlockBorder,
            MdQuote,
            MdQuoteBorder,
            MdHr,
            MdListBullet,
            ToolDiffAdded,
            ToolDiffRemoved,
            ToolDiffContext,
            SyntaxComment,
            SyntaxKeyword,
            SyntaxFunction,
            SyntaxVariable,
            SyntaxString,
            SyntaxNumber,
            SyntaxType,
            SyntaxOperator,
            SyntaxPunctuation,
            ThinkingOff,
            ThinkingMinimal,
            ThinkingLow,
            ThinkingMedium,
            ThinkingHigh,
            ThinkingXhigh,
            ThinkingMax,
            BashMode,
        ]
    };

    /// The token's name in theme files.
    pub fn name(self) -> &'static str {
        use ThemeColor::*;
        match self {
            Accent => "accent",
            Border => "border",
            BorderAccent => "borderAccent",
            BorderMuted => "borderMuted",
            Success => "success",
            Error => "error",
            Warning => "warning",
            Muted => "muted",
            Dim => "dim",
            Text => "text",
            ThinkingText => "thinkingText",
            ScrollbarTrack => "scrollbarTrack",
            ScrollbarThumb => "scrollbarThumb",
            SearchMatchText => "searchMatchText",
            UserMessageText => "userMessageText",
            CustomMessageText => "customMessageText",
            CustomMessageLabel => "customMessageLabel",
            ToolTitle => "toolTitle",
            ToolOutput => "toolOutput",
            MdHeading => "mdHeading",
            MdLink => "mdLink",
            MdLinkUrl => "mdLinkUrl",
            MdCode => "mdCode",
            MdCodeBlock => "mdCodeBlock",
            MdCodeBlockBorder => "mdCodeBlockBorder",
            MdQuote => "mdQuote",
            MdQuoteBorder => "mdQuoteBorder",
            MdHr => "mdHr",
            MdListBullet => "mdListBullet",
            ToolDiffAdded => "toolDiffAdded",
            ToolDiffRemoved => "toolDiffRemoved",
            ToolDiffContext => "toolDiffContext",
            SyntaxComment => "syntaxComment",
            SyntaxKeyword => "syntaxKeyword",
            SyntaxFunction => "syntaxFunction",
            SyntaxVariable => "syntaxVariable",
            SyntaxString => "syntaxString",
            SyntaxNumber => "syntaxNumber",
            SyntaxType => "syntaxType",
            SyntaxOperator => "syntaxOperator",
            SyntaxPunctuation => "syntaxPunctuation",
            ThinkingOff => "thinkingOff",
            ThinkingMinimal => "thinkingMinimal",
            ThinkingLow => "thinkingLow",
            ThinkingMedium => "thinkingMedium",
            ThinkingHigh => "thinkingHigh",
            ThinkingXhigh => "thinkingXhigh",
            ThinkingMax => "thinkingMax",
            BashMode => "bashMode",
        }
    }

    /// For an optional token, the token whose colour it takes when a theme leaves it out.
    pub fn fallback(self) -> Option<ThemeColor> {
        match self {
            ThemeColor::ScrollbarTrack => Some(ThemeColor::Muted),
            ThemeColor::ScrollbarThumb | ThemeColor::SearchMatchText => Some(ThemeColor::Text),
            ThemeColor::ThinkingMax => Some(ThemeColor::ThinkingXhigh),
            _ => None,
        }
    }
}

/// A background colour role of a theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ThemeBg {
    /// Selected line in lists.
    SelectedBg,
    /// Transcript search match (optional; falls back to `selectedBg`).
    SearchMatchBg,
    /// User message background.
    UserMessageBg,
    /// Extension message background.
    CustomMessageBg,
    /// Tool box while the tool runs.
    ToolPendingBg,
    /// Tool box of a successful call.
    ToolSuccessBg,
    /// Tool box of a failed call.
    ToolErrorBg,
}

impl ThemeBg {
    /// Every background token.
    pub const ALL: [ThemeBg; 7] = [
        ThemeBg::SelectedBg,
        ThemeBg::SearchMatchBg,
        ThemeBg::UserMessageBg,
        ThemeBg::CustomMessageBg,
        ThemeBg::ToolPendingBg,
        ThemeBg::ToolSuccessBg,
        ThemeBg::ToolErrorBg,
    ];

    /// The token's name in theme files.
    pub fn name(self) -> &'static str {
        match self {
            ThemeBg::SelectedBg => "selectedBg",
            ThemeBg::SearchMatchBg => "searchMatchBg",
            ThemeBg::UserMessageBg => "userMessageBg",
            ThemeBg::CustomMessageBg => "customMessageBg",
            ThemeBg::ToolPendingBg => "toolPendingBg",
            ThemeBg::ToolSuccessBg => "toolSuccessBg",
            ThemeBg::ToolErrorBg => "toolErrorBg",
        }
    }

    /// For the optional token, the token whose colour it takes when a theme leaves it out.
    pub fn fallback(self) -> Option<ThemeBg> {
        (self == ThemeBg::SearchMatchBg).then_some(ThemeBg::SelectedBg)
    }
}

/// Either kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Token {
    /// A foreground role.
    Fg(ThemeColor),
    /// A background role.
    Bg(ThemeBg),
}

impl Token {
    /// Every token in the order of pi's theme schema (which orders validation errors).
    pub const SCHEMA_ORDER: [Token; 56] = {
        use ThemeBg as B;
        use ThemeColor as C;
        use Token::{Bg, Fg};
        [
            Fg(C::Accent),
            Fg(C::Border),
            Fg(C::BorderAccent),
            Fg(C::BorderMuted),
            Fg(C::Success),
            Fg(C::Error),
            Fg(C::Warning),
            Fg(C::Muted),
            Fg(C::Dim),
            Fg(C::Text),
            Fg(C::ThinkingText),
            Fg(C::ScrollbarTrack),
            Fg(C::ScrollbarThumb),
            Bg(B::SelectedBg),
            Bg(B::SearchMatchBg),
            Fg(C::SearchMatchText),
            Bg(B::UserMessageBg),
            Fg(C::UserMessageText),
            Bg(B::CustomMessageBg),
            Fg(C::CustomMessageText),
            Fg(C::CustomMessageLabel),
            Bg(B::ToolPendingBg),
            Bg(B::ToolSuccessBg),
            Bg(B::ToolErrorBg),
            Fg(C::ToolTitle),
            Fg(C::ToolOutput),
            Fg(C::MdHeading),
            Fg(C::MdLink),
            Fg(C::MdLinkUrl),
            Fg(C::MdCode),
            Fg(C::MdCodeBlock),
            Fg(C::MdCodeBlockBorder),
            Fg(C::MdQuote),
            Fg(C::MdQuoteBorder),
            Fg(C::MdHr),
            Fg(C::MdListBullet),
            Fg(C::ToolDiffAdded),
            Fg(C::ToolDiffRemoved),
            Fg(C::ToolDiffContext),
            Fg(C::SyntaxComment),
            Fg(C::SyntaxKeyword),
            Fg(C::SyntaxFunction),
            Fg(C::SyntaxVariable),
            Fg(C::SyntaxString),
            Fg(C::SyntaxNumber),
            Fg(C::SyntaxType),
            Fg(C::SyntaxOperator),
            Fg(C::SyntaxPunctuation),
            Fg(C::ThinkingOff),
            Fg(C::ThinkingMinimal),
            Fg(C::ThinkingLow),
            Fg(C::ThinkingMedium),
            Fg(C::ThinkingHigh),
            Fg(C::ThinkingXhigh),
            Fg(C::ThinkingMax),
            Fg(C::BashMode),
        ]
    };

    /// The token's name in theme files.
    pub fn name(self) -> &'static str {
        match self {
            Token::Fg(color) => color.name(),
            Token::Bg(bg) => bg.name(),
        }
    }

    /// Whether a theme file must set it (51 tokens); the other 5 have fallbacks.
    pub fn is_required(self) -> bool {
        match self {
            Token::Fg(color) => color.fallback().is_none(),
            Token::Bg(bg) => bg.fallback().is_none(),
        }
    }

    /// The token named `name`, if any.
    pub fn from_name(name: &str) -> Option<Token> {
        Token::SCHEMA_ORDER
            .into_iter()
            .find(|token| token.name() == name)
    }
}

impl fmt::Display for ThemeColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for ThemeBg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ThemeColor {
    type Err = ThemeError;

    /// A foreground token by name (`Unknown theme color: x` otherwise, as pi says).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match Token::from_name(name) {
            Some(Token::Fg(color)) => Ok(color),
            _ => Err(ThemeError::UnknownColor(name.to_owned())),
        }
    }
}

impl FromStr for ThemeBg {
    type Err = ThemeError;

    /// A background token by name (`Unknown theme background color: x` otherwise).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match Token::from_name(name) {
            Some(Token::Bg(bg)) => Ok(bg),
            _ => Err(ThemeError::UnknownBackground(name.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_one_required_tokens_and_five_optional_ones() {
        let required = Token::SCHEMA_ORDER
            .iter()
            .filter(|t| t.is_required())
            .count();
        assert_eq!(required, 51);
        // Themes index their sequences by discriminant, in `ALL` order.
        for (index, color) in ThemeColor::ALL.iter().enumerate() {
            assert_eq!(*color as usize, index);
        }
        for (index, bg) in ThemeBg::ALL.iter().enumerate() {
            assert_eq!(*bg as usize, index);
        }
        for color in ThemeColor::ALL {
            assert_eq!(color.name().parse::<ThemeColor>().unwrap(), color);
            assert!(Token::SCHEMA_ORDER.contains(&Token::Fg(color)));
        }
        for bg in ThemeBg::ALL {
            assert_eq!(bg.name().parse::<ThemeBg>().unwrap(), bg);
        }
        assert_eq!(
            "selectedBg".parse::<ThemeColor>().unwrap_err().to_string(),
            "Unknown theme color: selectedBg"
        );
        assert_eq!(
            "accent".parse::<ThemeBg>().unwrap_err().to_string(),
            "Unknown theme background color: accent"
        );
    }
}
