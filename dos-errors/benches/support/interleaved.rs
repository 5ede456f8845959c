//! The interleaved measurement shared by the benchmarks: every contender measured
//! round-robin in one process, so that a burst of load hits all contenders of a
//! round alike; reported as medians and medians of per-round ratios.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs `iterations` calls and returns the time they took.
pub type Sample = Box<dyn FnMut(u64) -> Duration>;

/// A sample of `iterations` calls of `f`.
pub fn sampler<T>(mut f: impl FnMut() -> T + 'static) -> Sample {
    Box::new(move |iterations| {
        let start = Instant::now();
        for _ in 0..iterations {
            black_box(f());
        }
        start.elapsed()
    })
}

/// One contender of one case, with its per-round times.
pub struct Contender {
    pub case: &'static str,
    pub name: &'static str,
    sample: Sample,
    iterations: u64,
    /// Nanoseconds per call, one entry per round.
    pub nanos: Vec<f64>,
}

/// Calibrates each contender to samples of about `sample_target`, then measures
/// `rounds` rounds, each contender once per round, in order.
pub fn measure(
    contenders: Vec<(&'static str, &'static str, Sample)>,
    rounds: usize,
    sample_target: Duration,
) -> Vec<Contender> {
    let mut contenders: Vec<Contender> = contenders
        .into_iter()
        .map(|(case, name, mut sample)| {
            let mut iterations = 1;
            while sample(iterations) < sample_target / 4 {
                iterations *= 2;
            }
            let per_call = sample(iterations).as_secs_f64() / iterations as f64;
            Contender {
                case,
                name,
                sample,
                iterations: (sample_target.as_secs_f64() / per_call).max(1.0) as u64,
                nanos: Vec::with_capacity(rounds),
            }
        })
        .collect();
    for _ in 0..rounds {
        for contender in &mut contenders {
            let elapsed = (contender.sample)(contender.iterations);
            contender
                .nanos
                .push(elapsed.as_secs_f64() * 1e9 / contender.iterations as f64);
        }
    }
    contenders
}

/// The median of `values`.
pub fn median(values: &[f64]) -> f64 {
    let mut values = values.to_vec();
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The contender `name` of `case`.
pub fn find<'a>(contenders: &'a [Contender], case: &str, name: &str) -> &'a Contender {
    contenders
        .iter()
        .find(|c| c.case == case && c.name == name)
        .expect("contender")
}

/// The median over rounds of `a / b`, both measured in the same round.
pub fn ratio(a: &Contender, b: &Contender) -> f64 {
    let ratios: Vec<f64> = a.nanos.iter().zip(&b.nanos).map(|(a, b)| a / b).collect();
    median(&ratios)
}
