//! The session picker's search: plain terms match fuzzily, `"quoted phrases"` match exactly
//! (case and runs of whitespace ignored), and `re:<pattern>` matches a case-insensitive
//! regular expression. Every term must match the session's id, name, message text or cwd.

use pi_tui::fuzzy::fuzzy_match;
use regex::{Regex, RegexBuilder};

use crate::session::SessionInfo;

/// How the picker orders what it lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortMode {
    /// Forks under the session they came from, most recent activity first (without a query).
    Threaded,
    /// Most recently active first; a query only filters.
    Recent,
    /// Best match first, then most recently active.
    Relevance,
}

/// One term of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A word matched fuzzily.
    Fuzzy(String),
    /// A quoted phrase matched as a substring.
    Phrase(String),
}

/// A parsed query.
#[derive(Debug, Clone)]
pub enum Query {
    /// Terms that must all match (none: everything matches).
    Tokens(Vec<Token>),
    /// A `re:` pattern, or why it is not a valid one.
    Regex(Result<Regex, String>),
}

/// Parses what was typed into the search field. An unclosed quote makes every
/// whitespace-separated word a fuzzy term, quotes included.
pub fn parse_query(query: &str) -> Query {
    let trimmed = query.trim();
    if let Some(pattern) = trimmed.strip_prefix("re:") {
        let pattern = pattern.trim();
        if pattern.is_empty() {
            return Query::Regex(Err("Empty regex".to_owned()));
        }
        let regex = RegexBuilder::new(pattern)
            .case_insensitive(true)
            .build()
            .map_err(|e| e.to_string());
        return Query::Regex(regex);
    }
    let mut tokens = Vec::new();
    let mut buf = String::new();
    let mut in_quote = false;
    let flush = |buf: &mut String, tokens: &mut Vec<Token>, phrase: bool| {
        let value = buf.trim();
        if !value.is_empty() {
            let value = value.to_owned();
            tokens.push(if phrase {
                Token::Phrase(value)
            } else {
                Token::Fuzzy(value)
            });
        }
        buf.clear();
    };
    for c in trimmed.chars() {
        if c == '"' {
            flush(&mut buf, &mut tokens, in_quote);
            in_quote = !in_quote;
        } else if !in_quote && c.is_whitespace() {
            flush(&mut buf, &mut tokens, false);
        } else {
            buf.push(c);
        }
    }
    if in_quote {
        let words = trimmed.split_whitespace();
        return Query::Tokens(words.map(|w| Token::Fuzzy(w.to_owned())).collect());
    }
    flush(&mut buf, &mut tokens, false);
    Query::Tokens(tokens)
}

/// The text a session is searched in.
fn search_text(session: &SessionInfo) -> String {
    let name = session.name.as_deref().unwrap_or("");
    format!(
        "{} {name} {} {}",
        session.id, session.all_messages_text, session.cwd
    )
}

/// Lower case with every run of whitespace made one space, trimmed.
fn normalize(text: &str) -> String {
    text.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Positions count UTF-16 units, as pi's scores do, so ties break the same way.
fn utf16_offset(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |s| s.encode_utf16().count())
}

/// Whether `session` matches `query`, and how well (lower is better).
pub fn match_session(session: &SessionInfo, query: &Query) -> Option<f64> {
    let text = search_text(session);
    match query {
        Query::Regex(Ok(regex)) => {
            let found = regex.find(&text)?;
            Some(utf16_offset(&text, found.start()) as f64 * 0.1)
        }
        Query::Regex(Err(_)) => None,
        Query::Tokens(tokens) => {
            let mut score = 0.0;
            let mut normalized: Option<String> = None;
            for token in tokens {
                match token {
                    Token::Phrase(phrase) => {
                        let phrase = normalize(phrase);
                        if phrase.is_empty() {
                            continue;
                        }
                        let haystack = normalized.get_or_insert_with(|| normalize(&text));
                        let at = haystack.find(&phrase)?;
                        score += utf16_offset(haystack, at) as f64 * 0.1;
                    }
                    Token::Fuzzy(word) => {
                        let found = fuzzy_match(word, &text);
                        if !found.matches {
                            return None;
                        }
                        score += found.score;
                    }
                }
            }
            Some(score)
        }
    }
}

/// The positions in `sessions` (most recent first) that match `query`, in the order `sort`
/// lists them. An empty query keeps every session in its order; an invalid `re:` pattern
/// matches nothing.
pub fn filter_and_sort(sessions: &[&SessionInfo], query: &str, sort: SortMode) -> Vec<usize> {
    if query.trim().is_empty() {
        return (0..sessions.len()).collect();
    }
    let parsed = parse_query(query);
    if matches!(parsed, Query::Regex(Err(_))) {
        return Vec::new();
    }
    let mut scored: Vec<(usize, f64)> = sessions
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match_session(s, &parsed).map(|score| (i, score)))
        .collect();
    if sort != SortMode::Recent {
        scored.sort_by(|(a, sa), (b, sb)| {
            sa.total_cmp(sb).then_with(|| {
                let modified = |i: &usize| sessions.get(*i).map_or(0, |s| s.modified);
                modified(b).cmp(&modified(a))
            })
        });
    }
    scored.into_iter().map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_make_phrases_and_an_unclosed_quote_makes_words() {
        let Query::Tokens(tokens) = parse_query(r#"foo "node  cve" bar"#) else {
            panic!("tokens expected");
        };
        assert_eq!(
            tokens,
            vec![
                Token::Fuzzy("foo".into()),
                Token::Phrase("node  cve".into()),
                Token::Fuzzy("bar".into()),
            ]
        );
        let Query::Tokens(tokens) = parse_query(r#"foo "node cve"#) else {
            panic!("tokens expected");
        };
        assert_eq!(
            tokens,
            vec![
                Token::Fuzzy("foo".into()),
                Token::Fuzzy("\"node".into()),
                Token::Fuzzy("cve".into()),
            ]
        );
    }

    #[test]
    fn a_bad_or_empty_pattern_is_an_error() {
        assert!(matches!(parse_query("re:"), Query::Regex(Err(e)) if e == "Empty regex"));
        assert!(matches!(parse_query("re:("), Query::Regex(Err(_))));
        assert!(matches!(parse_query(" re: a+b "), Query::Regex(Ok(_))));
    }
}
