#!/usr/bin/env python3
"""Compile-time benchmark of `#[derive(ApiError)]` (see BENCHMARKS.md).

Generates one crate per (variant, N) with the same N-variant enum, half of whose
variants interpolate two fields:

  plain     the enum with a hand-written `Display`
  thiserror `#[derive(thiserror::Error)]`
  apierror  `#[derive(thiserror::Error, ApiError)]`, a status and a message per variant
  manual    `thiserror` plus a hand-written `impl ApiError` with the same behaviour

All crates live in one generated workspace (outside the repository's workspace) with
one target dir, depend on the local `dos-errors` by path and on `thiserror`, and are
built once to warm the dependencies. Then, round after round, each crate is touched
and rebuilt with `CARGO_INCREMENTAL=0` (dev profile) in interleaved order; a
`RUSTC_WRAPPER` times the rustc invocation of the generated crate only, so cargo's
own start-up and the dependencies are not counted. Prints medians and ratios.

Usage: benches/compile/run.py [--sizes 100,500,1000] [--rounds 5] [--dir DIR] [--expand] [--instructions]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VARIANTS = ["plain", "thiserror", "apierror", "manual"]
STATUSES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    422: "UNPROCESSABLE_ENTITY",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_SERVER_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
}


class Variant:
    """One enum variant: even ones interpolate a `String` and a `u32`, odd ones are static."""

    def __init__(self, index):
        self.index = index
        self.name = f"Failure{index}"
        self.code = list(STATUSES)[index % len(STATUSES)]
        self.interpolated = index % 2 == 0
        if self.interpolated:
            self.fields = " { name: String, count: u32 }"
            self.pattern = " { name, count }"
            self.message = f"Item {{name}} exceeded {{count}} units in step {index}"
        else:
            self.fields = self.pattern = ""
            self.message = f"Step {index} failed"


def generate(variant, size):
    variants = [Variant(i) for i in range(size)]
    out = ["#![allow(dead_code)]", ""]
    derives = {
        "plain": "Debug",
        "thiserror": "Debug, thiserror::Error",
        "apierror": "Debug, thiserror::Error, dos_errors::ApiError",
        "manual": "Debug, thiserror::Error",
    }[variant]
    out.append(f"#[derive({derives})]")
    out.append("pub enum GenError {")
    for v in variants:
        if variant != "plain":
            out.append(f'    #[error("{v.message}")]')
        if variant == "apierror":
            out.append(f'    #[api_error(status = {v.code}, message = "{v.message}")]')
        out.append(f"    {v.name}{v.fields},")
    out.append("}")
    if variant == "plain":
        out += [
            "",
            "impl std::fmt::Display for GenError {",
            "    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {",
            "        match self {",
        ]
        for v in variants:
            if v.interpolated:
                out.append(f'            Self::{v.name}{v.pattern} => write!(f, "{v.message}"),')
            else:
                out.append(f'            Self::{v.name} => f.write_str("{v.message}"),')
        out += ["        }", "    }", "}", "", "impl std::error::Error for GenError {}"]
    if variant == "manual":
        out += [
            "",
            "use std::borrow::Cow;",
            "use dos_errors::{ApiError, Status};",
            "",
            "impl ApiError for GenError {",
            "    fn status(&self) -> Status {",
            "        match self {",
        ]
        for v in variants:
            pattern = " { .. }" if v.interpolated else ""
            out.append(f"            Self::{v.name}{pattern} => Status::{STATUSES[v.code]},")
        out += [
            "        }",
            "    }",
            "",
            "    fn error_type(&self) -> &str {",
            "        self.status().default_type()",
            "    }",
            "",
            "    fn message(&self) -> Cow<'_, str> {",
            "        match self {",
        ]
        for v in variants:
            if v.interpolated:
                out.append(
                    f'            Self::{v.name}{v.pattern} => Cow::Owned(format!("{v.message}")),'
                )
            else:
                out.append(f'            Self::{v.name} => Cow::Borrowed("{v.message}"),')
        out += ["        }", "    }", "}"]
    return "\n".join(out) + "\n"


WRAPPER = """#!/bin/sh
# Times the rustc invocations of generated crates; everything else runs untimed.
# With COMPILE_BENCH_INSTRUCTIONS=1 it counts the instructions rustc executes
# instead (valgrind's callgrind: slow, but the same count whatever else the
# machine is doing).
case " $* " in
  *" --crate-name gen_"*) ;;
  *) exec "$@" ;;
esac
crate=$(printf '%s\\n' "$@" | grep -A1 -x -- --crate-name | tail -n1)
if [ "$COMPILE_BENCH_INSTRUCTIONS" = 1 ]; then
  vglog=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file="$vglog" "$@"
  status=$?
  count=$(grep -o 'Collected : [0-9]*' "$vglog" | grep -o '[0-9]*$')
  rm -f "$vglog"
  echo "$crate $count" >> "$COMPILE_BENCH_LOG"
  exit $status
fi
start=$(date +%s%N)
"$@"
status=$?
end=$(date +%s%N)
echo "$crate $((end - start))" >> "$COMPILE_BENCH_LOG"
exit $status
"""


def write_workspace(root, sizes):
    if root.exists():
        shutil.rmtree(root / "crates", ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    members = []
    for size in sizes:
        for variant in VARIANTS:
            name = f"gen_{variant}_{size}"
            crate = root / "crates" / name
            (crate / "src").mkdir(parents=True, exist_ok=True)
            (crate / "Cargo.toml").write_text(
                f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
                f"[dependencies]\n"
                f'dos-errors = {{ path = "{REPO / "dos-errors"}" }}\n'
                f'thiserror = "2"\n'
            )
            (crate / "src" / "lib.rs").write_text(generate(variant, size))
            members.append(f'"crates/{name}"')
    (root / "Cargo.toml").write_text(
        "[workspace]\nresolver = \"2\"\nmembers = [" + ", ".join(members) + "]\n"
    )
    # The repository's lock file: the same dependency versions as its own builds.
    shutil.copy(REPO / "Cargo.lock", root / "Cargo.lock")
    wrapper = root / "time-rustc.sh"
    wrapper.write_text(WRAPPER)
    wrapper.chmod(0o755)


INSTRUCTIONS = False


def cargo(root, args, log):
    env = dict(os.environ)
    env.update(
        CARGO_INCREMENTAL="0",
        CARGO_TARGET_DIR=str(root / "target"),
        RUSTC_WRAPPER=str(root / "time-rustc.sh"),
        COMPILE_BENCH_LOG=str(log),
        COMPILE_BENCH_INSTRUCTIONS="1" if INSTRUCTIONS else "0",
    )
    subprocess.run(["cargo", *args], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure(root, sizes, rounds):
    log = root / "times.log"
    print("warming dependencies (cargo build --workspace)...", file=sys.stderr)
    cargo(root, ["build", "--workspace"], log)
    times = {(v, s): [] for v in VARIANTS for s in sizes}
    for round_ in range(rounds):
        order = [(v, s) for s in sizes for v in VARIANTS]
        # Alternate the direction so no variant always follows the same one.
        if round_ % 2:
            order.reverse()
        for variant, size in order:
            name = f"gen_{variant}_{size}"
            (root / "crates" / name / "src" / "lib.rs").touch()
            log.write_text("")
            cargo(root, ["build", "-p", name], log)
            lines = [line.split() for line in log.read_text().splitlines()]
            values = [int(value) for crate, value in lines if crate == name]
            assert len(values) == 1, (name, lines)
            # Seconds, or billions of instructions.
            times[(variant, size)].append(values[0] / 1e9)
        print(f"round {round_ + 1}/{rounds} done", file=sys.stderr)
    return times


def report(times, sizes, rounds):
    unit = "billions of instructions (callgrind)" if INSTRUCTIONS else "seconds"
    print(f"rustc cost of the generated crate, dev profile, CARGO_INCREMENTAL=0, "
          f"median of {rounds} interleaved rounds ({unit})\n")
    print("| N | (1) plain | (2) thiserror | (3) + ApiError | (4) + manual impl "
          "| (3)-(2) | (2)-(1) | [(3)-(2)]/[(2)-(1)] (target <= 2) | (3)/(1) (target <= 3) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        plain, thiserror, apierror, manual = (
            statistics.median(times[(v, size)]) for v in VARIANTS
        )
        added, thiserror_added = apierror - thiserror, thiserror - plain
        print(f"| {size} | {plain:.3f} | {thiserror:.3f} | {apierror:.3f} | {manual:.3f} "
              f"| {added:.3f} | {thiserror_added:.3f} | {added / thiserror_added:.2f} "
              f"| {apierror / plain:.2f} |")
    print("\nall samples:")
    for (variant, size), samples in sorted(times.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        print(f"  {variant:>9} N={size:<5} " + " ".join(f"{t:.3f}" for t in samples))


def expansion_lines(root, sizes):
    """Lines of `-Zunpretty=expanded` output per crate: what the derives generate."""
    print("\nexpanded source lines (rustc -Zunpretty=expanded, rustfmt'd by rustc):\n")
    print("| N | plain | thiserror | + ApiError | + manual impl | ApiError lines per variant |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        counts = []
        for variant in VARIANTS:
            env = dict(os.environ, RUSTC_BOOTSTRAP="1", CARGO_TARGET_DIR=str(root / "target"))
            out = subprocess.run(
                ["cargo", "rustc", "-q", "-p", f"gen_{variant}_{size}", "--profile=check",
                 "--", "-Zunpretty=expanded"],
                cwd=root, env=env, check=True, capture_output=True, text=True,
            ).stdout
            counts.append(len(out.splitlines()))
        per_variant = (counts[2] - counts[1]) / size
        print(f"| {size} | " + " | ".join(map(str, counts)) + f" | {per_variant:.1f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500,1000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=REPO / "target" / "compile-bench",
                        help="where the generated workspace goes (default: target/compile-bench)")
    parser.add_argument("--expand", action="store_true",
                        help="also count the lines of each crate's macro expansion")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--instructions", action="store_true",
                        help="count rustc's instructions with valgrind instead of timing it "
                             "(repeatable on a loaded machine; one round is enough)")
    args = parser.parse_args()
    global INSTRUCTIONS
    INSTRUCTIONS = args.instructions
    sizes = [int(s) for s in args.sizes.split(",")]
    write_workspace(args.dir, sizes)
    if args.generate_only:
        print(args.dir)
        return
    times = measure(args.dir, sizes, args.rounds)
    report(times, sizes, args.rounds)
    if args.expand:
        expansion_lines(args.dir, sizes)


if __name__ == "__main__":
    main()
