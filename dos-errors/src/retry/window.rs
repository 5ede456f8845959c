//! Sliding windows for the clock-dependent mechanisms (the ratio budget, the
//! adaptive throttle): time cut into slots, lock-free, driven by explicit instants.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Slots per window: a slot expires as a whole, so a window covers between 90 % and
/// 100 % of its length (Finagle and tower cut their windows in ten too).
pub(crate) const SLOTS: usize = 10;

const UNSET: i64 = i64::MIN;
/// Marks `Ring::current` while one thread expires slots.
const ADVANCING: u64 = 1;

/// Time measured from the first instant a mechanism is given, not from its creation,
/// so that virtual instants (`base + offset`) give the same slots on every run.
pub(crate) struct Timeline {
    reference: Instant,
    /// Nanoseconds from `reference` to the first instant seen (signed: virtual time may start earlier).
    first: AtomicI64,
}

impl Timeline {
    pub(crate) fn new() -> Self {
        Timeline {
            reference: Instant::now(),
            first: AtomicI64::new(UNSET),
        }
    }

    /// Nanoseconds from the first instant ever given to `now`; 0 for an instant before it.
    pub(crate) fn elapsed_nanos(&self, now: Instant) -> u64 {
        let offset = match now.checked_duration_since(self.reference) {
            Some(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
            None => i64::try_from(self.reference.duration_since(now).as_nanos())
                .map_or(i64::MIN + 1, |before| -before),
        };
        let first =
            match self
                .first
                .compare_exchange(UNSET, offset, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => offset,
                Err(first) => first,
            };
        u64::try_from(offset.saturating_sub(first)).unwrap_or(0)
    }
}

/// A ring of [`SLOTS`] slots of `slot` each: which slot is current, and which expire.
///
/// The owner keeps the slot contents (one or more arrays of atomics indexed by the
/// slot index). [`advance`](Ring::advance) moves to the slot of an instant and hands
/// every slot that leaves the window to a callback, exactly once, on one thread.
/// Threads that meet an advance in progress keep using the previous slot: nobody
/// waits. Instants that go backwards use the current slot.
pub(crate) struct Ring {
    timeline: Timeline,
    slot_nanos: u64,
    /// The index of the current slot since the start, shifted left by one; the low bit is [`ADVANCING`].
    current: AtomicU64,
}

impl Ring {
    /// A ring covering `window` (at least one nanosecond per slot).
    pub(crate) fn new(window: Duration) -> Self {
        let slots = u128::try_from(SLOTS).unwrap_or(10);
        let slot_nanos = u64::try_from(window.as_nanos() / slots)
            .unwrap_or(u64::MAX)
            .max(1);
        Ring {
            timeline: Timeline::new(),
            slot_nanos,
            current: AtomicU64::new(0),
        }
    }

    /// The length of the window: [`SLOTS`] slots.
    pub(crate) fn window(&self) -> Duration {
        Duration::from_nanos(self.slot_nanos).saturating_mul(SLOTS as u32)
    }

    /// Moves to the slot of `now`, calling `expire(index)` for each slot that leaves
    /// the window; returns the index (`0..SLOTS`) of the slot to write to.
    pub(crate) fn advance(&self, now: Instant, mut expire: impl FnMut(usize)) -> usize {
        let target = self.timeline.elapsed_nanos(now) / self.slot_nanos;
        let mut seen = self.current.load(Ordering::Acquire);
        loop {
            let epoch = seen >> 1;
            if target <= epoch || seen & ADVANCING != 0 {
                return slot_index(epoch);
            }
            // Claim the advance; the others keep writing to the current slot meanwhile.
            match self.current.compare_exchange_weak(
                seen,
                seen | ADVANCING,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    // Windows epoch+1..=target start; each reuses the slot of the
                    // window SLOTS before it, which expires (all of them after a long gap).
                    let first = (epoch + 1).max(target.saturating_sub(SLOTS as u64 - 1));
                    for window in first..=target {
                        expire(slot_index(window));
                    }
                    self.current.store(target << 1, Ordering::Release);
                    return slot_index(target);
                }
                Err(actual) => seen = actual,
            }
        }
    }
}

fn slot_index(window: u64) -> usize {
    // The remainder is below SLOTS, so it fits any usize.
    usize::try_from(window % SLOTS as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_instants_given() {
        let ring = Ring::new(Duration::from_secs(10));
        assert_eq!(ring.window(), Duration::from_secs(10));
        let base = Instant::now() + Duration::from_secs(1000);
        let at = |ms| base + Duration::from_millis(ms);
        let mut expired = Vec::new();
        assert_eq!(ring.advance(at(0), |i| expired.push(i)), 0);
        assert_eq!(ring.advance(at(999), |i| expired.push(i)), 0);
        assert!(expired.is_empty());
        assert_eq!(ring.advance(at(2500), |i| expired.push(i)), 2);
        assert_eq!(expired, [1, 2]);
        // Backwards: the current slot.
        assert_eq!(ring.advance(at(100), |i| expired.push(i)), 2);
        // A long gap expires every slot once.
        expired.clear();
        assert_eq!(ring.advance(at(60_000), |i| expired.push(i)), 0);
        expired.sort_unstable();
        assert_eq!(expired, (0..SLOTS).collect::<Vec<_>>());
    }

    #[test]
    fn time_starts_at_the_first_instant_even_before_creation() {
        let early = Instant::now();
        let ring = Ring::new(Duration::from_millis(10));
        assert_eq!(ring.advance(early, |_| {}), 0);
        assert_eq!(ring.advance(early + Duration::from_millis(3), |_| {}), 3);
        let tiny = Ring::new(Duration::ZERO);
        assert_eq!(tiny.advance(early, |_| {}), 0);
        assert_eq!(tiny.advance(early + Duration::from_nanos(7), |_| {}), 7);
    }
}
