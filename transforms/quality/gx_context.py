"""Opening the project's Great Expectations file context (`expectations/`) for one data directory.

The context is committed: `expectations/great_expectations.yml` declares one pandas data source
(`rcm`) with one dataframe asset per validated table, and `expectations/expectations/<suite>/<table>
.json` holds the suites. Per-run locations come from environment variables that the YAML
substitutes, so nothing under `expectations/` is written at run time:

- `RCM_QUALITY_DOCS_DIR`    -> the Data Docs site (`<data_dir>/reports/quality/`)
- `RCM_QUALITY_RESULTS_DIR` -> GX's results store (`<data_dir>/reports/quality/_results/`)

Importing GX costs seconds and logs a lot: `import_gx` sets `GX_ANALYTICS_ENABLED=False` and quiets
its loggers; callers import it only inside a gate run.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

from transforms.settings import PROJECT_ROOT, Paths

CONTEXT_ROOT = PROJECT_ROOT / "expectations"
DATASOURCE_NAME = "rcm"
BATCH_DEFINITION_NAME = "whole_dataframe"
ENV_DOCS_DIR = "RCM_QUALITY_DOCS_DIR"
ENV_RESULTS_DIR = "RCM_QUALITY_RESULTS_DIR"
DOCS_SITE_NAME = "local_site"

_QUIET_LOGGERS = (
    "great_expectations",
    "great_expectations.core",
    "great_expectations.data_context",
)


def import_gx() -> ModuleType:
    """Import great_expectations with analytics off and its loggers and warnings turned down."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx

    # Registers the custom expectations before any suite that names them is read.
    import transforms.quality.expectations  # noqa: F401

    return gx


def docs_dir(data_dir: Path) -> Path:
    return Paths(data_dir).reports / "quality"


def results_dir(data_dir: Path) -> Path:
    return docs_dir(data_dir) / "_results"


def open_context(data_dir: Path, context_root: Path = CONTEXT_ROOT) -> Any:
    """The committed file context, with its Data Docs and results store pointed into `data_dir`."""
    gx = import_gx()
    site, store = docs_dir(data_dir), results_dir(data_dir)
    site.mkdir(parents=True, exist_ok=True)
    store.mkdir(parents=True, exist_ok=True)
    os.environ[ENV_DOCS_DIR] = str(site) + os.sep
    os.environ[ENV_RESULTS_DIR] = str(store) + os.sep
    return gx.get_context(mode="file", context_root_dir=str(context_root))


def batch_definition(context: Any, asset_name: str) -> Any:
    """The whole-dataframe batch definition of one asset of the `rcm` pandas data source."""
    asset = context.data_sources.get(DATASOURCE_NAME).get_asset(asset_name)
    return asset.get_batch_definition(BATCH_DEFINITION_NAME)
