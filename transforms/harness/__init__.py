"""Harness code: what measures and demonstrates the pipeline, never part of a nightly run.

- `bench`: `rcm bench`, time and peak memory of every stage on generated data, with peers;
- `demo_summary`: what `make demo` prints after its run (`python -m transforms.harness.demo_summary`).

Elsewhere, kept beside the code they exercise: `transforms/generate/` (the synthetic practice,
`rcm generate`, also a product feature), `transforms/x12/synth.py` (X12 builders for tests),
`transforms/x12/bench.py` (parser benchmark), `transforms/quality/bench.py` (gate benchmark) and
`transforms/quality/agreement.py` (gate-versus-ground-truth figures).
"""
