//! A tiny thread-safe SplitMix64 generator for jitter: no dependency, seedable, lock-free.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The SplitMix64 increment (2^64 / golden ratio).
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64 is a counter passed through a mixing function, so one atomic
/// `fetch_add` is a complete, thread-safe step. Clones share the counter: clients
/// sharing a policy draw different values and do not retry in lockstep.
#[derive(Clone)]
pub(crate) struct SharedRng {
    state: Arc<AtomicU64>,
}

impl SharedRng {
    /// A generator whose sequence is fixed by `seed`.
    pub(crate) fn seeded(seed: u64) -> Self {
        SharedRng {
            state: Arc::new(AtomicU64::new(seed)),
        }
    }

    /// A generator seeded from the per-process random keys of the standard library.
    pub(crate) fn from_entropy() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(GAMMA);
        Self::seeded(hasher.finish())
    }

    pub(crate) fn next_u64(&self) -> u64 {
        let state = self
            .state
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        mix(state)
    }

    /// A duration drawn uniformly from `[0, max]` (to the nanosecond).
    pub(crate) fn duration_up_to(&self, max: Duration) -> Duration {
        let max_nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
        // Multiply-shift maps 64 random bits onto 0..=max_nanos without a division.
        let scaled = (u128::from(self.next_u64()) * (u128::from(max_nanos) + 1)) >> 64;
        Duration::from_nanos(u64::try_from(scaled).unwrap_or(max_nanos))
    }
}

impl SharedRng {
    /// Restarts the sequence (shared with the clones) from `seed`.
    pub(crate) fn reseed(&self, seed: u64) {
        self.state.store(seed, Ordering::Relaxed);
    }

    /// A number drawn uniformly from `[0, 1)`, with 53 random bits.
    pub(crate) fn unit(&self) -> f64 {
        const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
        (self.next_u64() >> 11) as f64 * SCALE
    }
}

/// SplitMix64's finaliser: a bijection on `u64` that scatters nearby inputs.
pub(crate) const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_sequences_repeat_and_stay_in_range() {
        let (a, b) = (SharedRng::seeded(7), SharedRng::seeded(7));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
            let max = Duration::from_millis(3);
            assert!(a.duration_up_to(max) <= max);
            b.next_u64();
        }
        assert_eq!(a.duration_up_to(Duration::ZERO), Duration::ZERO);
        for _ in 0..1000 {
            let u = a.unit();
            assert!((0.0..1.0).contains(&u));
        }
        // SplitMix64 reference value for seed 0.
        assert_eq!(SharedRng::seeded(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
