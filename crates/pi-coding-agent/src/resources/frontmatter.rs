//! YAML frontmatter of skills and prompt templates: the block between a leading `---` and
//! the next line starting with `---`, parsed as YAML 1.2 (so `yes` and `on` stay strings, as
//! in pi's `yaml` package).

use serde_json::{Map, Value};

use super::paths::strip_bom;

/// A Markdown file split into its frontmatter fields and its body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frontmatter {
    /// The top-level fields (empty when there is no frontmatter or it is not a mapping).
    pub fields: Map<String, Value>,
    /// The text after the frontmatter, trimmed; the whole text (line endings normalized,
    /// untrimmed) when there is none.
    pub body: String,
}

impl Frontmatter {
    /// A field's value when it is a string.
    pub fn string(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    /// Whether a field is the boolean `true` (not merely truthy).
    pub fn is_true(&self, key: &str) -> bool {
        self.fields.get(key) == Some(&Value::Bool(true))
    }
}

/// Malformed YAML in a frontmatter block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FrontmatterError(pub String);

/// Splits `content` (a byte order mark dropped, `\r\n` and `\r` read as `\n`) into
/// frontmatter and body.
pub fn parse_frontmatter(content: &str) -> Result<Frontmatter, FrontmatterError> {
    let normalized = strip_bom(content).replace("\r\n", "\n").replace('\r', "\n");
    let Some((yaml, body)) = split(&normalized) else {
        return Ok(Frontmatter {
            fields: Map::new(),
            body: normalized,
        });
    };
    let body = super::paths::js_trim(body).to_string();
    if yaml.is_empty() {
        return Ok(Frontmatter {
            fields: Map::new(),
            body,
        });
    }
    let fields = match parse_yaml(yaml)? {
        Value::Object(fields) => fields,
        // A scalar or a list has no fields to read.
        _ => Map::new(),
    };
    Ok(Frontmatter { fields, body })
}

/// The body of `content` without its frontmatter (pi's `stripFrontmatter`).
pub fn strip_frontmatter(content: &str) -> Result<String, FrontmatterError> {
    parse_frontmatter(content).map(|parsed| parsed.body)
}

/// The YAML text and the rest, when `text` opens a frontmatter block that is closed. As in
/// pi, the opening `---` needs no line break after it, and the YAML starts one character
/// later.
fn split(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with("---") {
        return None;
    }
    let end = 3 + text.get(3..)?.find("\n---")?;
    let start = text[3..]
        .chars()
        .next()
        .map_or(3, |first| 3 + first.len_utf8())
        .min(end);
    Some((&text[start..end], &text[end + 4..]))
}

fn parse_yaml(yaml: &str) -> Result<Value, FrontmatterError> {
    let mut options = serde_saphyr::Options::default();
    // YAML 1.2 core schema, as pi's `yaml` package reads it.
    options.strict_booleans = true;
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::AsString;
    options.with_snippet = false;
    let value: Value = serde_saphyr::from_str_with_options(yaml, options)
        .map_err(|err| FrontmatterError(err.to_string()))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_fields_and_trimmed_body() {
        let parsed = parse_frontmatter(
            "\u{FEFF}---\r\nname: pdf\r\ndescription: Read PDFs\r\ndisable-model-invocation: true\r\n---\r\n\r\n# Body\r\n\r\n",
        )
        .unwrap();
        assert_eq!(parsed.string("name"), Some("pdf"));
        assert_eq!(parsed.string("description"), Some("Read PDFs"));
        assert!(parsed.is_true("disable-model-invocation"));
        assert_eq!(parsed.body, "# Body");
    }

    #[test]
    fn yaml_1_2_scalars() {
        let parsed =
            parse_frontmatter("---\ndescription: yes\nflag: on\nn: 12\nt: True\n---\nx").unwrap();
        assert_eq!(parsed.string("description"), Some("yes"));
        assert_eq!(parsed.string("flag"), Some("on"));
        assert_eq!(parsed.string("n"), None);
        assert!(parsed.is_true("t"));
        let folded = parse_frontmatter("---\ndescription: >\n  one\n  two\n---\n").unwrap();
        assert_eq!(folded.string("description"), Some("one two\n"));
    }

    #[test]
    fn without_frontmatter_the_body_is_untouched() {
        let parsed = parse_frontmatter("  text\r\n").unwrap();
        assert!(parsed.fields.is_empty());
        assert_eq!(parsed.body, "  text\n");
        // An unclosed block is no frontmatter.
        assert_eq!(
            parse_frontmatter("---\na: b\n").unwrap().body,
            "---\na: b\n"
        );
        // An empty block or a scalar has no fields.
        assert_eq!(parse_frontmatter("---\n---\nbody").unwrap().body, "body");
        assert!(
            parse_frontmatter("---\njust text\n---\n")
                .unwrap()
                .fields
                .is_empty()
        );
    }

    #[test]
    fn malformed_yaml_is_an_error() {
        assert!(parse_frontmatter("---\na: b: c\n---\n").is_err());
        assert!(parse_frontmatter("---\na: 1\na: 2\n---\n").is_err());
        assert!(parse_frontmatter("---\ndescription: \"open\n---\n").is_err());
    }
}

#[cfg(test)]
mod proptests {
    use super::*;

    proptest::proptest! {
        /// Whatever follows an opening `---`, splitting never panics and never loses the
        /// body's text.
        #[test]
        fn any_text_splits(rest in "[-\na-zé日: ]{0,30}", body in "[a-z\n]{0,10}") {
            let text = format!("---{rest}\n---\n{body}");
            if let Ok(parsed) = parse_frontmatter(&text) {
                proptest::prop_assert!(text.contains(parsed.body.as_str()));
            }
        }
    }
}
