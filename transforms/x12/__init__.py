"""X12 835/837: a streaming tokenizer, envelope checks, and flatteners into the raw tables.

- `tokenizer`  bytes -> segments (separators from each ISA; BOM, junk, CR/LF tolerated);
- `reader`     segments -> envelope checks + one `TransactionResult` per transaction set;
- `flatten_835`, `flatten_837`  one transaction set -> rows per raw table (ids, balancing);
- `inspect`    `rcm x12 inspect`: counts and money totals of a file;
- `errors`     `X12Error` and its subclasses (file, position, segment, element, rule);
- `constants`, `values`, `records`, `context`  shared constants, value parsing, row types;
- `synth`      small interchanges from Python lists (tests); `bench` the throughput benchmark.

Nothing here writes files: `transforms.ingest` does the I/O.
"""
