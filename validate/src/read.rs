//! Reading an input whole, capped by the bytes actually read: the one reader every dwdi tool
//! uses for files the user names (`dwdi validate`, `dwdi call --Param @file`, `dwdi mock
//! --state`, `dwdi-codegen lint/diff/import`).
//!
//! Why by bytes read and not by the file's size: a file's size says nothing for standard
//! input, a fifo or a device (`/dev/zero` has size 0 and never ends), and such inputs used to
//! grow the process by gigabytes. Here every read goes through `Read::take(limit + 1)`, so at
//! most one byte past the limit is ever read, whatever the input is. A leading UTF-8 byte
//! order mark (which some editors write) is dropped: it is not part of the document.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// The name that means standard input.
pub const STDIN: &str = "-";

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Why an input could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The input holds more than `limit` bytes; reading stopped there.
    TooBig {
        /// The most bytes read.
        limit: u64,
    },
    /// The path names a directory.
    Directory,
    /// The input could not be opened or read.
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::TooBig { limit } => write!(
                f,
                "too big: more than {limit} bytes; expected at most {limit} bytes"
            ),
            ReadError::Directory => f.write_str("it is a directory; expected a file"),
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ReadError> for std::io::Error {
    /// For callers whose errors carry an `io::Error`; the message is kept.
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Io(e) => e,
            other => std::io::Error::new(std::io::ErrorKind::InvalidData, other.to_string()),
        }
    }
}

/// Reads the file at `path` (standard input for `-`), at most `limit` bytes, without a
/// leading byte order mark.
pub fn read_capped(path: impl AsRef<Path>, limit: u64) -> Result<Vec<u8>, ReadError> {
    let path = path.as_ref();
    if path == Path::new(STDIN) {
        return read_from(std::io::stdin().lock(), limit);
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    // Opening a directory succeeds on Unix; reading it fails with a less helpful message.
    if file.metadata().map_err(ReadError::Io)?.is_dir() {
        return Err(ReadError::Directory);
    }
    read_from(file, limit)
}

/// Reads `reader` to its end, at most `limit` bytes (one more is read to tell that it goes
/// on), without a leading byte order mark.
pub fn read_from(reader: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooBig { limit });
    }
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    Ok(bytes)
}

/// Where bytes stop being UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotUtf8 {
    /// Line (1-based).
    pub line: usize,
    /// Column (1-based, in characters).
    pub column: usize,
    /// Offset of the first bad byte.
    pub offset: usize,
    /// The first bad byte.
    pub byte: u8,
}

impl fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not UTF-8: byte 0x{:02X} at offset {} is not valid UTF-8; expected UTF-8 text",
            self.byte, self.offset
        )
    }
}

impl std::error::Error for NotUtf8 {}

/// The bytes as text, or where they stop being UTF-8 (line and column counted in the valid
/// text before that point).
pub fn utf8_text(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let offset = e.utf8_error().valid_up_to();
        not_utf8_at(bytes, offset)
    })
}

/// Where `bytes` stop being UTF-8, given the length of their valid prefix.
pub(crate) fn not_utf8_at(bytes: &[u8], offset: usize) -> NotUtf8 {
    let valid = &bytes[..offset];
    let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count()
        + 1;
    NotUtf8 {
        line,
        column,
        offset,
        byte: bytes.get(offset).copied().unwrap_or_default(),
    }
}

/// Why a text input could not be read.
#[derive(Debug)]
pub enum TextError {
    /// It could not be read (or was too big).
    Read(ReadError),
    /// It is not UTF-8 text.
    NotUtf8(NotUtf8),
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextError::Read(e) => e.fmt(f),
            TextError::NotUtf8(e) => write!(f, "{}:{}: {e}", e.line, e.column),
        }
    }
}

impl std::error::Error for TextError {}

impl From<TextError> for std::io::Error {
    fn from(e: TextError) -> Self {
        match e {
            TextError::Read(e) => e.into(),
            other => std::io::Error::new(std::io::ErrorKind::InvalidData, other.to_string()),
        }
    }
}

/// [`read_capped`], as UTF-8 text.
pub fn read_text(path: impl AsRef<Path>, limit: u64) -> Result<String, TextError> {
    let bytes = read_capped(path, limit).map_err(TextError::Read)?;
    utf8_text(bytes).map_err(TextError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Counts the bytes a reader hands out.
    struct Counting<R> {
        inner: R,
        read: u64,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read += n as u64;
            Ok(n)
        }
    }

    #[test]
    fn an_endless_input_is_read_up_to_the_cap_and_refused() {
        let mut endless = Counting {
            inner: std::io::repeat(0),
            read: 0,
        };
        let e = read_from(&mut endless, 1000).unwrap_err();
        assert!(matches!(e, ReadError::TooBig { limit: 1000 }), "{e}");
        assert!(e.to_string().starts_with("too big"), "{e}");
        // Exactly one byte past the cap, however long the input.
        assert_eq!(endless.read, 1001);
    }

    #[test]
    fn an_input_at_the_cap_is_read_whole() {
        assert_eq!(read_from(&[7u8; 10][..], 10).expect("read"), vec![7u8; 10]);
        assert!(matches!(
            read_from(&[7u8; 11][..], 10),
            Err(ReadError::TooBig { limit: 10 })
        ));
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(read_from(&b"\xef\xbb\xbf{}"[..], 10).expect("read"), b"{}");
        // Only a leading one.
        assert_eq!(
            read_from(&b"{}\xef\xbb\xbf"[..], 10).expect("read"),
            b"{}\xef\xbb\xbf"
        );
    }

    #[test]
    fn a_device_is_capped_by_bytes_read() {
        // /dev/zero reports a size of 0 and never ends.
        let zero = Path::new("/dev/zero");
        if zero.exists() {
            assert!(matches!(
                read_capped(zero, 4096),
                Err(ReadError::TooBig { limit: 4096 })
            ));
        }
    }

    #[test]
    fn a_directory_and_a_missing_file_are_named() {
        let dir = std::env::temp_dir();
        assert_eq!(
            read_capped(&dir, 10).unwrap_err().to_string(),
            "it is a directory; expected a file"
        );
        let e = read_capped(dir.join("dwdi-no-such-file.json"), 10).unwrap_err();
        assert!(e.to_string().starts_with("cannot read: "), "{e}");
    }

    #[test]
    fn a_regular_file_is_read() {
        let path = std::env::temp_dir().join(format!("dwdi-read-{}.json", std::process::id()));
        let mut f = std::fs::File::create(&path).expect("create");
        f.write_all(b"\xef\xbb\xbf{\"a\": 1}").expect("write");
        drop(f);
        let read = read_capped(&path, 100);
        let _ = std::fs::remove_file(&path);
        assert_eq!(read.expect("read"), b"{\"a\": 1}");
    }

    #[test]
    fn invalid_utf8_is_placed_by_line_and_column() {
        let e = utf8_text(b"{\n  \"\xc3\xa9x\": \xff}".to_vec()).unwrap_err();
        assert_eq!((e.line, e.column, e.offset, e.byte), (2, 9, 11, 0xFF));
        assert_eq!(
            e.to_string(),
            "not UTF-8: byte 0xFF at offset 11 is not valid UTF-8; expected UTF-8 text"
        );
        assert_eq!(utf8_text(b"ok".to_vec()).expect("text"), "ok");
    }
}
