"""Revenue-cycle billing analytics: the code behind every step of the pipeline."""

import os

# numpy (imported by pyarrow, hence by nearly every process here) starts one OpenBLAS worker thread
# per core at import, and they spin before they sleep: ~0.06 CPU s per process, taken from other
# jobs on a shared machine, for BLAS work this project never does. One thread unless the caller
# chose otherwise; it must be set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
