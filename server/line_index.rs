//! Byte offsets <-> (line, column) in UTF-8, UTF-16 or UTF-32 units. This is
//! the only place where byte ranges become protocol positions.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    /// Column in the encoding's code units.
    pub col: u32,
}

#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// Converts a byte offset (clamped to the text and to a char boundary)
    /// into a position.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let mut offset = offset.min(self.len).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = units(&text[start..offset], enc);
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Converts a position into a byte offset. Lines past the end clamp to
    /// the end of the text; columns past the end of a line clamp to the line
    /// end; a column inside a multi-unit character rounds down.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self
            .starts
            .get(line + 1)
            .map(|&s| s - 1)
            .unwrap_or(text.len())
            .min(text.len());
        let mut col = pos.col as usize;
        let line_text = text.get(start..end).unwrap_or("");
        for (i, ch) in line_text.char_indices() {
            let w = char_units(ch, enc);
            if col < w {
                return start + i;
            }
            col -= w;
        }
        end
    }
}

fn char_units(ch: char, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => ch.len_utf8(),
        Encoding::Utf16 => ch.len_utf16(),
        Encoding::Utf32 => 1,
    }
}

fn units(s: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
        Encoding::Utf32 => s.chars().count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_round_trip_with_multibyte() {
        let text = "a=é😀b\nx\n";
        let idx = LineIndex::new(text);
        let b = text.find('b').unwrap();
        let p = idx.position(text, b, Encoding::Utf16);
        assert_eq!(p, LineCol { line: 0, col: 5 });
        assert_eq!(idx.offset(text, p, Encoding::Utf16), b);
        let p8 = idx.position(text, b, Encoding::Utf8);
        assert_eq!(p8.col as usize, b);
        assert_eq!(
            idx.offset(text, LineCol { line: 1, col: 99 }, Encoding::Utf16),
            text.len() - 1
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf16),
            text.len()
        );
        // inside the surrogate pair rounds down
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 4 }, Encoding::Utf16),
            text.find('😀').unwrap()
        );
        // offset inside a multibyte char rounds down
        assert_eq!(idx.position(text, 3, Encoding::Utf16).col, 2);
    }
}
