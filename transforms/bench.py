"""Old name of `transforms.harness.bench` (`rcm bench`), kept for imports made before the harness
package; new code imports `transforms.harness.bench`."""

from transforms.harness.bench import file_date, run_bench, scan_raw  # noqa: F401
