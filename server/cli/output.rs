//! Everything the command line prints goes through here.
//!
//! A reader that goes away early (`quadlet-ls lint | head -1`,
//! `quadlet-ls preview FILE | true`) closes the pipe; writing to it then
//! fails with `EPIPE` (Rust ignores `SIGPIPE`), and `print!` would panic.
//! [`Sink`] swallows that error instead: once the pipe is closed it drops the
//! rest of the output quietly, and the subcommand exits with the status the
//! run would have had anyway. Any other write error (a full disk behind
//! `> file`) is kept and reported by [`Sink::finish`].
//!
//! * `let mut out = output::stdout();` then `outln!(out, "...")`, or pass
//!   `&mut out` to anything that takes a `std::io::Write` (serde_json);
//! * `errln!("...")` for messages on stderr (never panics either);
//! * end with `output::finish(out, "quadlet-ls SUBCOMMAND", status)`.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

/// Buffered standard output (or any writer, for tests) that ends quietly on
/// a closed pipe.
pub struct Sink<W: Write = io::BufWriter<io::StdoutLock<'static>>> {
    inner: W,
    closed: bool,
    error: Option<io::Error>,
}

/// Standard output, buffered, locked for the rest of the run.
pub fn stdout() -> Sink {
    Sink::new(io::BufWriter::with_capacity(1 << 16, io::stdout().lock()))
}

impl<W: Write> Sink<W> {
    pub fn new(inner: W) -> Self {
        Sink {
            inner,
            closed: false,
            error: None,
        }
    }

    /// True once the reader has gone away (or another error stopped output):
    /// long loops may stop producing text.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Formats and writes; errors are remembered, never returned.
    pub fn print(&mut self, args: fmt::Arguments) {
        let _ = self.write_fmt(args);
    }

    fn note(&mut self, e: io::Error) {
        self.closed = true;
        if e.kind() != io::ErrorKind::BrokenPipe && self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Flushes. `Ok` when everything was written or the reader closed the
    /// pipe; the first other error otherwise.
    pub fn close(mut self) -> io::Result<()> {
        if !self.closed {
            if let Err(e) = self.inner.flush() {
                self.note(e);
            }
        }
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl<W: Write> Write for Sink<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write_all(buf) {
            Ok(()) => Ok(buf.len()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => self.write(buf),
            Err(e) => {
                self.note(e);
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.closed {
            if let Err(e) = self.inner.flush() {
                self.note(e);
            }
        }
        Ok(())
    }
}

/// Writes a message to stderr. A closed or missing stderr is ignored.
pub fn eprint(args: fmt::Arguments) {
    let _ = io::stderr().lock().write_fmt(args);
}

/// Flushes `out` and returns `status`, or status 2 with a message on stderr
/// when output failed for another reason than a closed pipe.
pub fn finish<W: Write>(out: Sink<W>, who: &str, status: ExitCode) -> ExitCode {
    match out.close() {
        Ok(()) => status,
        Err(e) => {
            eprint(format_args!("{who}: cannot write the output: {e}\n"));
            ExitCode::from(2)
        }
    }
}

/// `outln!(sink, "fmt", args...)`: one line on a [`Sink`].
#[macro_export]
macro_rules! outln {
    ($sink:expr) => { $sink.print(format_args!("\n")) };
    ($sink:expr, $($arg:tt)*) => {
        $sink.print(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `out!(sink, "fmt", args...)`: text on a [`Sink`], no newline.
#[macro_export]
macro_rules! out {
    ($sink:expr, $($arg:tt)*) => { $sink.print(format_args!($($arg)*)) };
}

/// `errln!("fmt", args...)`: one line on stderr, never panics.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::eprint(format_args!("{}\n", format_args!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader goes away after `room` bytes.
    struct Pipe {
        room: usize,
        got: Vec<u8>,
        kind: io::ErrorKind,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from(self.kind));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn closed_pipe_stops_output_quietly() {
        let mut s = Sink::new(Pipe {
            room: 5,
            got: Vec::new(),
            kind: io::ErrorKind::BrokenPipe,
        });
        outln!(s, "hello {}", "world");
        assert!(s.is_closed());
        outln!(s, "more");
        assert_eq!(s.inner.got, b"hello");
        assert!(s.close().is_ok());
    }

    #[test]
    fn other_errors_are_reported() {
        let mut s = Sink::new(Pipe {
            room: 0,
            got: Vec::new(),
            kind: io::ErrorKind::StorageFull,
        });
        out!(s, "x");
        serde_json::to_writer(&mut s, &[1, 2]).expect("never fails");
        let e = s.close().expect_err("the error is kept");
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
    }
}
