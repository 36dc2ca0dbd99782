"""Harness code: what measures and demonstrates the pipeline, never part of a nightly run.

- `bench`: `rcm bench`, time and peak memory of every stage on generated data, with peers;
- `demo_summary`: what `make demo` prints after its run (`python -m transforms.harness.demo_summary`);
- `x12_bench`: one large 835 read and loaded as a whole process, beside a native peer;
- `x12_peers`: `rcm bench --x12`, ours against oxedi (and edi-835-parser, pyx12) in one run;
- `x12_synth`: X12 interchanges built segment by segment for tests;
- `gate_bench`: the ingestion gate on a million encounter lines;
- `agreement`: each gate's catches against the generator's ground truth.

The synthetic practice (`transforms/generate/`, `rcm generate`) is a product feature and stays there.
"""
