//! The fleet simulation of `examples/retry_storm.rs`, small: its targets as assertions,
//! so the numbers of BENCHMARKS.md cannot silently regress.

#[allow(dead_code)] // `main` and the reporting are the example's.
#[path = "../examples/retry_storm.rs"]
mod retry_storm;

use retry_storm::{run_all, simulate, Config, Scenario, ScenarioReport, Stats, Strategy};

/// 50 clients at 10 requests per second each: every client behaves as in the
/// 1,000-client run (budgets and throttles are per client), in a fraction of the time.
fn small() -> Config {
    Config {
        clients: 50,
        ..Config::default()
    }
}

fn row(report: &ScenarioReport, strategy: Strategy) -> &Stats {
    &report
        .rows
        .iter()
        .find(|(s, _)| *s == strategy)
        .expect("every strategy is simulated")
        .1
}

#[test]
fn the_recommended_combination_meets_its_targets() {
    let reports = run_all(&small());
    let [outage, overload, storm] = &reports[..] else {
        panic!("three scenarios");
    };
    assert_eq!(outage.scenario, Scenario::Outage);

    // Total outage: at most 1.1 attempts per request, where naive retries send about 3.
    let recommended = row(outage, Strategy::Recommended);
    assert!(recommended.amplification_during <= 1.1, "{recommended:?}");
    let naive = row(outage, Strategy::Naive);
    assert!(
        (2.7..=3.0).contains(&naive.amplification_during),
        "{naive:?}"
    );
    let none = row(outage, Strategy::NoRetries);
    assert_eq!(none.amplification_during, 1.0);

    // 50 % overload: goodput within 5 % of the best strategy's.
    let best = overload
        .rows
        .iter()
        .map(|(_, stats)| stats.goodput)
        .fold(0.0, f64::max);
    let recommended = row(overload, Strategy::Recommended);
    assert!(
        recommended.goodput >= 0.95 * best,
        "{} vs {best}",
        recommended.goodput
    );
    // …where naive retries lose more than that.
    assert!(row(overload, Strategy::Naive).goodput < 0.95 * best);

    // Recovery no slower than without retries, in every scenario.
    for report in &reports {
        let recommended = row(report, Strategy::Recommended).recovery;
        let none = row(report, Strategy::NoRetries).recovery;
        assert!(
            recommended.is_some() && none.is_some(),
            "{:?}",
            report.scenario
        );
        assert!(
            recommended <= none,
            "{:?}: {recommended:?} vs {none:?}",
            report.scenario
        );
    }

    // The budgets and throttles bound the amplification of an outage.
    assert!(row(outage, Strategy::TokenBucket).amplification_during < 1.25);
    assert!(row(outage, Strategy::RatioBudget).amplification_during < 1.35);
    assert!(row(outage, Strategy::A6Throttle).amplification_during < 1.05);
    // Retry-After spreads the 429 storm's retries but does not bound them: only a budget does.
    assert!(row(storm, Strategy::Naive).amplification_during > 2.0);
    assert!(row(storm, Strategy::Recommended).amplification_during < 1.1);
}

#[test]
fn the_simulation_is_deterministic() {
    let config = Config {
        clients: 20,
        ..Config::default()
    };
    for strategy in [Strategy::Adaptive, Strategy::Recommended] {
        let first = simulate(&config, Scenario::Overload, strategy);
        let second = simulate(&config, Scenario::Overload, strategy);
        assert_eq!(first, second, "{strategy:?}");
    }
    let other_seed = Config {
        seed: 2,
        ..config.clone()
    };
    assert_ne!(
        simulate(&config, Scenario::Overload, Strategy::Naive),
        simulate(&other_seed, Scenario::Overload, Strategy::Naive)
    );
}
