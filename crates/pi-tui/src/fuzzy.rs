//! Fuzzy matching for filters and autocomplete: the query's characters must appear in order;
//! lower scores are better (consecutive matches and word starts count most).

/// A match and its score (lower is better).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FuzzyMatch {
    /// Whether every query character was found in order.
    pub matches: bool,
    /// Lower is better.
    pub score: f64,
}

fn score_query(query: &[char], text: &[char]) -> FuzzyMatch {
    if query.is_empty() {
        return FuzzyMatch {
            matches: true,
            score: 0.0,
        };
    }
    if query.len() > text.len() {
        return FuzzyMatch {
            matches: false,
            score: 0.0,
        };
    }
    let mut score = 0.0;
    let mut last: Option<usize> = None;
    let mut consecutive = 0.0;
    for q in query {
        let from = last.map_or(0, |l| l + 1);
        let Some(i) = text
            .get(from..)
            .and_then(|t| t.iter().position(|c| c == q))
            .map(|p| p + from)
        else {
            return FuzzyMatch {
                matches: false,
                score: 0.0,
            };
        };
        let boundary = i == 0
            || text
                .get(i - 1)
                .is_some_and(|c| c.is_whitespace() || "-_./:".contains(*c));
        // A match right after the previous one continues a run. pi counts a match at the
        // very start as continuing one too (its "previous match" starts at -1), so a text
        // that begins with the query's first character gets that bonus as well.
        let continues = last.map_or(i == 0, |l| l + 1 == i);
        if continues {
            consecutive += 1.0;
            score -= consecutive * 5.0;
        } else {
            consecutive = 0.0;
            if let Some(l) = last {
                score += (i - l - 1) as f64 * 2.0;
            }
        }
        if boundary {
            score -= 10.0;
        }
        score += i as f64 * 0.1;
        last = Some(i);
    }
    if query == text {
        score -= 100.0;
    }
    FuzzyMatch {
        matches: true,
        score,
    }
}

/// Matches `query` against `text`, ignoring case. A query like `gpt4` also matches with
/// letters and digits swapped (`4gpt`), scoring a little worse.
pub fn fuzzy_match(query: &str, text: &str) -> FuzzyMatch {
    let q: Vec<char> = query.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let primary = score_query(&q, &t);
    if primary.matches {
        return primary;
    }
    let split = q
        .iter()
        .position(|c| !c.is_ascii_lowercase())
        .unwrap_or(q.len());
    let (a, b) = q.split_at(split);
    let letters_digits = !a.is_empty()
        && !b.is_empty()
        && a.iter().all(char::is_ascii_lowercase)
        && b.iter().all(char::is_ascii_digit);
    let split = q
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(q.len());
    let (c, d) = q.split_at(split);
    let digits_letters = !c.is_empty()
        && !d.is_empty()
        && c.iter().all(char::is_ascii_digit)
        && d.iter().all(char::is_ascii_lowercase);
    let swapped: Vec<char> = if letters_digits {
        b.iter().chain(a).copied().collect()
    } else if digits_letters {
        d.iter().chain(c).copied().collect()
    } else {
        return primary;
    };
    let m = score_query(&swapped, &t);
    if m.matches {
        FuzzyMatch {
            matches: true,
            score: m.score + 5.0,
        }
    } else {
        primary
    }
}

/// Keeps the items whose text matches every whitespace- or slash-separated token of the
/// query, best first. An empty query keeps everything in order.
pub fn fuzzy_filter<T: Clone>(items: &[T], query: &str, text: impl Fn(&T) -> String) -> Vec<T> {
    let tokens: Vec<&str> = query
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() {
        return items.to_vec();
    }
    let mut scored: Vec<(f64, usize)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let t = text(item);
        let mut total = 0.0;
        let mut all = true;
        for token in &tokens {
            let m = fuzzy_match(token, &t);
            if !m.matches {
                all = false;
                break;
            }
            total += m.score;
        }
        if all {
            scored.push((total, i));
        }
    }
    // A stable sort keeps equal scores in their original order, as the reference does.
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    scored
        .into_iter()
        .filter_map(|(_, i)| items.get(i).cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fuzzy_match;

    /// Scores pi 0.87.1's `fuzzyMatch` gives for the same pairs.
    #[test]
    fn scores_match_pi() {
        let cases = [
            (
                "opus",
                "anthropic anthropic/claude-opus-4-5 anthropic claude-opus-4-5 Claude Opus 4.5",
                45.4,
            ),
            ("anthropic", "anthropic anthropic/claude-opus-4-5", -231.4),
            ("gpt4", "4gpt", -154.4),
            ("op4", "claude-opus-4", -16.3),
            ("a", "abc", -15.0),
            ("abc", "abc", -139.7),
        ];
        for (query, text, score) in cases {
            let m = fuzzy_match(query, text);
            assert!(m.matches, "{query} in {text}");
            assert!(
                (m.score - score).abs() < 1e-9,
                "{query}: {} != {score}",
                m.score
            );
        }
    }
}
