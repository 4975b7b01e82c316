//! Pretty JSON, byte for byte as `serde_json::to_writer_pretty` writes it
//! (two-space indent), but each line break and its indent written at once:
//! serde_json's formatter writes the indent one level at a time, a write
//! per level per line, and a work list has a hundred thousand lines.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// [`serde_json::to_writer_pretty`].
pub(crate) fn to_writer<W: Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(
        writer,
        Pretty::default(),
    ))
}

/// `,`, a line break and the indent of 32 levels; a deeper line gets the
/// rest of its indent two spaces at a time.
const BREAK: &[u8] = b",\n                                                                ";
const LEVELS: usize = (BREAK.len() - 2) / 2;

#[derive(Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    /// A line break (after a comma if `comma`) and the current indent.
    fn line<W: ?Sized + Write>(&self, w: &mut W, comma: bool) -> io::Result<()> {
        let start = usize::from(!comma);
        let levels = self.depth.min(LEVELS);
        w.write_all(&BREAK[start..2 + 2 * levels])?;
        for _ in LEVELS..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(w, false)?;
        }
        w.write_all(bracket)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.line(w, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.line(w, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// The same bytes as serde_json's own pretty writer, nesting deeper
    /// than the indent buffer included.
    #[test]
    fn writes_what_serde_json_writes() {
        let mut deep = json!("leaf");
        for i in 0..40 {
            deep = if i % 2 == 0 {
                json!([deep, {}, []])
            } else {
                json!({"k": deep, "e": [], "n": null})
            };
        }
        for value in [
            json!(null),
            json!([]),
            json!({}),
            json!({"a": [1, {"b": "c\n\"d\""}], "e": {}, "f": [[]], "g": 1.5}),
            deep,
        ] {
            let mut ours = Vec::new();
            super::to_writer(&mut ours, &value).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string_pretty(&value).unwrap()
            );
        }
    }
}
