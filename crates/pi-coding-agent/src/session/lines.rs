//! Reading session files line by line, and the lenient JSON pieces used to skim them.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Read};
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

const CHUNK: usize = 1 << 20;

/// One line of a file: where it starts, its bytes without the newline, and whether a newline
/// ended it (only the last line of a file can lack one).
#[derive(Debug)]
pub(crate) struct Line<'a> {
    pub offset: u64,
    pub bytes: &'a [u8],
    pub terminated: bool,
}

/// Calls `each` for every line of `reader`, in order, reading a megabyte at a time. A line
/// longer than that is gathered whole before it is handed out. Stops early when `each` says
/// so (returns `false`).
pub(crate) fn for_each_line(
    mut reader: impl Read,
    mut each: impl FnMut(Line<'_>) -> bool,
) -> io::Result<()> {
    let mut buffer = vec![0u8; CHUNK];
    // Bytes of a line that began in an earlier chunk, and where that line began.
    let mut carry: Vec<u8> = Vec::new();
    let mut line_start = 0u64;
    let mut chunk_start = 0u64;
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        let chunk = &buffer[..read];
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', chunk) {
            let bytes = if carry.is_empty() {
                &chunk[start..end]
            } else {
                carry.extend_from_slice(&chunk[start..end]);
                carry.as_slice()
            };
            let line = Line {
                offset: line_start,
                bytes,
                terminated: true,
            };
            if !each(line) {
                return Ok(());
            }
            carry.clear();
            start = end + 1;
            line_start = chunk_start + start as u64;
        }
        carry.extend_from_slice(&chunk[start..]);
        chunk_start += read as u64;
    }
    if !carry.is_empty() {
        each(Line {
            offset: line_start,
            bytes: &carry,
            terminated: false,
        });
    }
    Ok(())
}

/// Parses a line the way pi does: invalid UTF-8 becomes U+FFFD and lone surrogate escapes are
/// dropped (JavaScript can write both; serde cannot read them as they are).
pub(crate) fn parse_lossy<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Some(value);
    }
    let text = String::from_utf8_lossy(bytes);
    pi_ai::lossy_json::from_str(&text).ok()
}

/// A line that plain parsing rejected (invalid UTF-8, lone surrogates), decoded forgivingly
/// and written out again as clean JSON text for a borrowing parser to skim.
pub(crate) fn clean_json(bytes: &[u8]) -> Option<String> {
    let value: Value = parse_lossy(bytes)?;
    serde_json::to_string(&value).ok()
}

/// Whether a line holds anything but whitespace.
pub(crate) fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// Visitor methods that read any JSON scalar as absent.
macro_rules! ignore_scalars {
    () => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Self::Value::default())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Self::Value::default())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Self::Value::default())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Self::Value::default())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Self::Value::default())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Self::Value::default())
        }
    };
}

/// A JSON value that is only of interest when it is a string; any other type reads as absent
/// (where a derived field would reject the whole line).
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct MaybeStr<'a>(pub Option<Cow<'a, str>>);

impl<'a> MaybeStr<'a> {
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }

    pub fn boxed(&self) -> Option<Box<str>> {
        self.0.as_deref().map(Box::from)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for MaybeStr<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for StrVisitor<'a> {
            type Value = MaybeStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(MaybeStr(Some(Cow::Owned(v))))
            }
            ignore_scalars!();
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeStr::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(MaybeStr(None))
            }
        }
        deserializer.deserialize_any(StrVisitor(PhantomData))
    }
}

/// A JSON value that is only of interest when it is an object of shape `T`; any other type
/// reads as absent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MaybeObject<T>(pub Option<T>);

impl<T> Default for MaybeObject<T> {
    fn default() -> Self {
        MaybeObject(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for MaybeObject<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = MaybeObject<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(MaybeObject::default())
            }
            ignore_scalars!();
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeObject(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|v| MaybeObject(Some(v)))
            }
        }
        deserializer.deserialize_any(ObjectVisitor(PhantomData))
    }
}

/// A JSON number, or absent for any other type.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct MaybeNumber(pub Option<f64>);

impl<'de> Deserialize<'de> for MaybeNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(MaybeNumber(value.as_f64()))
    }
}
