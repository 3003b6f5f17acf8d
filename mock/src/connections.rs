//! Connections: how many are open, how long each may sit idle or take over a request's head,
//! and which one gives way when the cap is reached.
//!
//! Every accepted socket is wrapped in a [`Tracked`] stream that follows its phase from the
//! bytes that pass:
//! - **idle**: just accepted, or its last answer written; closed after the idle timeout;
//! - **head**: the first byte of a request has arrived; the head must end (a blank line)
//!   within the header-read timeout of that byte, however slowly the rest trickles in;
//! - **busy**: the head is in; the request is the server's to answer (its body has its own
//!   timeout in the server).
//!
//! At the connection cap a new connection takes the place of the one idle the longest (it is
//! closed; a keep-alive client reconnects), so idle connections cannot starve a client with a
//! request to make; with no idle connection the new one is refused, closed at once. Both are
//! counted ([`ConnectionStats`]). When the process runs out of file descriptors, the server
//! likewise closes the longest-idle connection to accept again.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

const IDLE: u8 = 0;
const HEAD: u8 = 1;
const BUSY: u8 = 2;

/// What the connection layer has done so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConnectionStats {
    /// Connections accepted from the listener (refused ones included).
    pub accepted: u64,
    /// Connections open now.
    pub open: usize,
    /// Connections refused at the cap (closed at once) because none was idle to give way.
    pub refused: u64,
    /// Idle connections closed to make room for a new one (at the cap, or out of file
    /// descriptors).
    pub reclaimed: u64,
    /// Connections closed after sitting idle for the idle timeout.
    pub idle_timeouts: u64,
    /// Connections cut off for not delivering a request's head (or body) in time.
    pub read_timeouts: u64,
}

/// One open connection, as the registry sees it.
#[derive(Debug)]
pub(crate) struct Conn {
    phase: AtomicU8,
    /// Milliseconds since the registry's start when it last became idle.
    idle_since: AtomicU64,
    /// Asks the connection's task to close it.
    pub(crate) close: Notify,
}

#[derive(Debug, Default)]
struct Counters {
    accepted: AtomicU64,
    refused: AtomicU64,
    reclaimed: AtomicU64,
    idle_timeouts: AtomicU64,
    read_timeouts: AtomicU64,
}

/// The registry of open connections.
#[derive(Debug)]
pub(crate) struct Connections {
    max: usize,
    header_read_timeout: Duration,
    idle_timeout: Duration,
    start: Instant,
    table: Mutex<HashMap<u64, Arc<Conn>>>,
    next_id: AtomicU64,
    counters: Counters,
    tasks: AtomicUsize,
    tasks_done: Notify,
}

impl Connections {
    pub(crate) fn new(max: usize, header_read_timeout: Duration, idle_timeout: Duration) -> Self {
        Connections {
            max: max.max(1),
            header_read_timeout,
            idle_timeout,
            start: Instant::now(),
            table: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            counters: Counters::default(),
            tasks: AtomicUsize::new(0),
            tasks_done: Notify::new(),
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        match self.table.lock() {
            Ok(t) => t,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn millis(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Takes a connection just accepted: its registration, or `None` when it is refused.
    pub(crate) fn admit(self: &Arc<Self>) -> Option<Admitted> {
        self.counters.accepted.fetch_add(1, Ordering::Relaxed);
        let mut table = self.table();
        if table.len() >= self.max {
            if Self::close_longest_idle(&mut table) {
                self.counters.reclaimed.fetch_add(1, Ordering::Relaxed);
            } else {
                self.counters.refused.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            phase: AtomicU8::new(IDLE),
            idle_since: AtomicU64::new(self.millis()),
            close: Notify::new(),
        });
        table.insert(id, conn.clone());
        drop(table);
        self.tasks.fetch_add(1, Ordering::AcqRel);
        Some(Admitted {
            id,
            conn,
            registry: self.clone(),
        })
    }

    /// Closes the connection idle the longest, if any is idle; true when one was.
    fn close_longest_idle(table: &mut HashMap<u64, Arc<Conn>>) -> bool {
        let victim = table
            .iter()
            .filter(|(_, c)| c.phase.load(Ordering::Acquire) == IDLE)
            .min_by_key(|(id, c)| (c.idle_since.load(Ordering::Acquire), **id))
            .map(|(id, _)| *id);
        match victim.and_then(|id| table.remove(&id)) {
            Some(conn) => {
                conn.close.notify_one();
                true
            }
            None => false,
        }
    }

    /// Closes the longest-idle connection to free its file descriptor; true when one was.
    pub(crate) fn reclaim_idle(&self) -> bool {
        let closed = Self::close_longest_idle(&mut self.table());
        if closed {
            self.counters.reclaimed.fetch_add(1, Ordering::Relaxed);
        }
        closed
    }

    /// Asks every open connection to close (after the answer in progress, if any).
    pub(crate) fn close_all(&self) {
        for conn in self.table().values() {
            conn.close.notify_one();
        }
    }

    /// Waits until every connection task has ended, or `limit` has passed.
    pub(crate) async fn wait_closed(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let done = self.tasks_done.notified();
            if self.tasks.load(Ordering::Acquire) == 0 {
                return;
            }
            if tokio::time::timeout_at(deadline, done).await.is_err() {
                return;
            }
        }
    }

    /// The counts so far.
    pub(crate) fn stats(&self) -> ConnectionStats {
        let c = &self.counters;
        ConnectionStats {
            accepted: c.accepted.load(Ordering::Relaxed),
            open: self.table().len(),
            refused: c.refused.load(Ordering::Relaxed),
            reclaimed: c.reclaimed.load(Ordering::Relaxed),
            idle_timeouts: c.idle_timeouts.load(Ordering::Relaxed),
            read_timeouts: c.read_timeouts.load(Ordering::Relaxed),
        }
    }

    /// Counts a request body that did not arrive in time.
    pub(crate) fn count_read_timeout(&self) {
        self.counters.read_timeouts.fetch_add(1, Ordering::Relaxed);
    }

    /// The header-read timeout (also the time a body has after its head).
    pub(crate) fn header_read_timeout(&self) -> Duration {
        self.header_read_timeout
    }
}

/// A connection's registration; dropping it (when its task ends) unregisters it.
#[derive(Debug)]
pub(crate) struct Admitted {
    id: u64,
    pub(crate) conn: Arc<Conn>,
    registry: Arc<Connections>,
}

impl Admitted {
    /// Wraps the connection's stream so that its phases and deadlines are followed.
    pub(crate) fn track<T>(&self, inner: T) -> Tracked<T> {
        Tracked {
            inner,
            conn: self.conn.clone(),
            registry: self.registry.clone(),
            phase: IDLE,
            deadline: Box::pin(tokio::time::sleep(self.registry.idle_timeout)),
            armed: true,
            scan: 0,
            wrote: false,
        }
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut table = self.registry.table();
        if table
            .get(&self.id)
            .is_some_and(|c| Arc::ptr_eq(c, &self.conn))
        {
            table.remove(&self.id);
        }
        drop(table);
        if self.registry.tasks.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.registry.tasks_done.notify_waiters();
        }
    }
}

/// A stream that follows its connection's phase and enforces the idle and header-read
/// deadlines: a read that waits past the deadline fails with `TimedOut`, which ends the
/// connection.
#[derive(Debug)]
pub(crate) struct Tracked<T> {
    inner: T,
    conn: Arc<Conn>,
    registry: Arc<Connections>,
    phase: u8,
    deadline: Pin<Box<Sleep>>,
    armed: bool,
    /// Progress towards the blank line that ends a head: 0 none, 1 after `\n`, 2 after
    /// `\n\r`. Bare `\n` line ends count too, as the HTTP parser accepts them.
    scan: u8,
    wrote: bool,
}

impl<T> Tracked<T> {
    fn enter(&mut self, phase: u8) {
        self.phase = phase;
        self.conn.phase.store(phase, Ordering::Release);
        match phase {
            IDLE => {
                self.conn
                    .idle_since
                    .store(self.registry.millis(), Ordering::Release);
                let at = Instant::now() + self.registry.idle_timeout;
                self.deadline.as_mut().reset(at);
                self.armed = true;
            }
            HEAD => {
                let at = Instant::now() + self.registry.header_read_timeout;
                self.deadline.as_mut().reset(at);
                self.armed = true;
                self.scan = 0;
            }
            _ => self.armed = false,
        }
    }

    /// Follows the bytes just read.
    fn saw(&mut self, bytes: &[u8]) {
        if self.phase == IDLE {
            self.enter(HEAD);
        }
        if self.phase != HEAD {
            return;
        }
        for &b in bytes {
            self.scan = match (self.scan, b) {
                (1 | 2, b'\n') => {
                    self.enter(BUSY);
                    return;
                }
                (1, b'\r') => 2,
                (_, b'\n') => 1,
                _ => 0,
            };
        }
    }

    /// A response went out: the connection waits for its next request.
    fn answered(&mut self) {
        if self.wrote && self.phase == BUSY {
            self.enter(IDLE);
        }
        self.wrote = false;
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Tracked<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.saw(&buf.filled()[before..]);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => {
                if this.armed && this.deadline.as_mut().poll(cx).is_ready() {
                    this.armed = false;
                    let (counter, what) = if this.phase == IDLE {
                        (&this.registry.counters.idle_timeouts, "idle timeout")
                    } else {
                        (&this.registry.counters.read_timeouts, "header-read timeout")
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, what)));
                }
                Poll::Pending
            }
            other => other,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tracked<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            this.wrote = true;
        }
        r
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            this.wrote = true;
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_flush(cx);
        if matches!(r, Poll::Ready(Ok(()))) {
            this.answered();
            if this.armed {
                // hyper may have polled the read side before this flush; the deadline's timer
                // must wake the task by itself, or an idle connection would wait forever.
                let _ = this.deadline.as_mut().poll(cx);
            }
        }
        r
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry(max: usize) -> Arc<Connections> {
        Arc::new(Connections::new(
            max,
            Duration::from_secs(10),
            Duration::from_secs(60),
        ))
    }

    #[tokio::test]
    async fn at_the_cap_the_longest_idle_gives_way_and_busy_ones_do_not() {
        let reg = registry(2);
        let a = reg.admit().expect("first");
        let b = reg.admit().expect("second");
        // Both idle: the third takes the place of the first (idle the longest).
        let c = reg.admit().expect("third replaces an idle one");
        let s = reg.stats();
        assert_eq!((s.open, s.reclaimed + s.refused), (2, 1));
        drop(a);
        // b and c busy: nothing gives way, the next is refused.
        b.conn.phase.store(BUSY, Ordering::Release);
        c.conn.phase.store(HEAD, Ordering::Release);
        assert!(reg.admit().is_none());
        let s = reg.stats();
        assert_eq!((s.accepted, s.open, s.refused), (4, 2, 1));
        drop((b, c));
        assert_eq!(reg.stats().open, 0);
    }

    #[test]
    fn the_end_of_a_head_is_found_across_reads_with_either_line_end() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async {
            let reg = registry(4);
            for chunks in [
                &[&b"GET / HTTP/1.1\r\nhost: x\r\n\r\n"[..]][..],
                &[b"GET / HTTP/1.1\r\nhost: x\r", b"\n", b"\r", b"\nBODY"],
                &[b"GET / HTTP/1.1\nhost: x\n", b"\n"],
            ] {
                let admitted = reg.admit().unwrap();
                let mut t = admitted.track(());
                for (i, chunk) in chunks.iter().enumerate() {
                    assert_ne!(t.phase, BUSY, "ended early at chunk {i}");
                    t.saw(chunk);
                }
                assert_eq!(t.phase, BUSY, "{chunks:?}");
                t.wrote = true;
                t.answered();
                assert_eq!(t.phase, IDLE);
            }
        });
    }
}
