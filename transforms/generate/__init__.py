"""Synthetic feeds for the pipeline: `rcm generate` writes what a practice's systems drop nightly.

Under `OUT/landing/`: `encounters/encounters_YYYYMMDD.csv` (the coding system's extract, contract in
`transforms.contracts`), `claims/*.837` (X12 837P 005010X222A1, one file per submission day) and
`remits/*.835` (X12 835 005010X221A1, one file per payer payment). Deterministic for a seed,
streaming (bounded memory), with realistic payer behaviour and injected coding defects; the
returned dict and `OUT/ground_truth/claims.csv` are the ground truth. See `run.generate`.
"""

from transforms.generate.run import GenerateError, generate

__all__ = ["GenerateError", "generate"]
