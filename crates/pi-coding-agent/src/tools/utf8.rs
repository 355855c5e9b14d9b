//! Lossy UTF-8 decoding of a byte stream in pieces, with the result of decoding it whole:
//! a character split across two pieces is joined, and invalid bytes become U+FFFD exactly
//! as `TextDecoder` (and `String::from_utf8_lossy`) replace them.

/// Decodes chunks of a stream; call [`Utf8Stream::finish`] at the end.
#[derive(Debug, Default)]
pub struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    /// Decodes `chunk`, holding back an incomplete character at its end for the next one.
    pub fn decode(&mut self, chunk: &[u8]) -> String {
        if self.pending.is_empty() {
            let keep = incomplete_suffix_len(chunk);
            let (body, tail) = chunk.split_at(chunk.len() - keep);
            self.pending.extend_from_slice(tail);
            return String::from_utf8_lossy(body).into_owned();
        }
        let mut joined = std::mem::take(&mut self.pending);
        joined.extend_from_slice(chunk);
        let keep = incomplete_suffix_len(&joined);
        self.pending = joined.split_off(joined.len() - keep);
        String::from_utf8_lossy(&joined).into_owned()
    }

    /// Decodes what is held back (an unfinished character becomes U+FFFD).
    pub fn finish(&mut self) -> String {
        let rest = std::mem::take(&mut self.pending);
        String::from_utf8_lossy(&rest).into_owned()
    }
}

/// Length of a trailing, unfinished but so far valid UTF-8 sequence. Decoding the bytes
/// before it alone gives the same text as decoding everything, because an invalid run never
/// swallows a byte that starts a sequence.
fn incomplete_suffix_len(bytes: &[u8]) -> usize {
    for len in 1..=3.min(bytes.len()) {
        let tail = &bytes[bytes.len() - len..];
        match std::str::from_utf8(tail) {
            Err(err) if err.valid_up_to() == 0 && err.error_len().is_none() => return len,
            _ => {}
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(bytes: &[u8], cuts: &[usize]) -> String {
        let mut stream = Utf8Stream::default();
        let mut out = String::new();
        let mut start = 0;
        for &cut in cuts {
            out.push_str(&stream.decode(&bytes[start..cut]));
            start = cut;
        }
        out.push_str(&stream.decode(&bytes[start..]));
        out.push_str(&stream.finish());
        out
    }

    #[test]
    fn joins_split_characters() {
        let euro = "€\n".as_bytes();
        assert_eq!(decode_in_pieces(euro, &[1]), "€\n");
        assert_eq!(decode_in_pieces(euro, &[1, 2]), "€\n");
    }

    #[test]
    fn matches_whole_decoding_for_invalid_bytes() {
        let bytes = [0x41, 0xE2, 0x82, 0x42, 0xF0, 0x9F, 0x98, 0x80, 0xFF, 0xE2];
        let whole = String::from_utf8_lossy(&bytes).into_owned();
        for cut in 0..=bytes.len() {
            assert_eq!(decode_in_pieces(&bytes, &[cut]), whole, "cut at {cut}");
        }
    }
}
