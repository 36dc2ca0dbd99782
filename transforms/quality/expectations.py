"""Custom Great Expectations: NPI check digit, ICD-10-CM validity, code-set membership.

Each is a `ColumnMapExpectation` backed by a `ColumnMapMetricProvider` with a pandas implementation
(the gates validate pandas frames; GX's SQL route to DuckDB is broken in 1.24). The rules come from
`transforms.codesets.validators` through the vectorised helpers in `transforms.quality.codes`.

- `expect_column_values_to_be_valid_npi`: 10 digits with the Luhn check digit over `80840` + the
  first nine digits.
- `expect_column_values_to_be_valid_icd10_cm`: the code exists in ICD-10-CM and, with
  `billable=True` (the default), is a billable (leaf) code; with `service_date_column` it is judged
  for that row's date of service (read from the same batch).
- `expect_column_values_to_be_in_code_set`: membership in a named code set whose rule lives in the
  validators (`procedure_code` = CPT/HCPCS format, `modifier`, `place_of_service`).

Importing this module imports GX; it is imported by `gx_context.import_gx`, never at package import.
Nulls are skipped, as for every GX column map expectation: pair each with a not-null check when the
value is required.
"""

from __future__ import annotations

from typing import Any, ClassVar, Optional

from great_expectations.compatibility import pydantic
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.core.metric_function_types import MetricPartialFunctionTypes
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)
from great_expectations.expectations.metrics.metric_provider import metric_partial
from great_expectations.expectations.metrics.util import get_dbms_compatible_metric_domain_kwargs

from transforms.quality import codes


class ColumnValuesValidNpi(ColumnMapMetricProvider):
    """Row-wise: is the value an NPI with a correct check digit?"""

    condition_metric_name = "column_values.valid_npi"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: Any, **kwargs: Any) -> Any:
        return codes.npi_mask(column)


class ColumnValuesInCodeSet(ColumnMapMetricProvider):
    """Row-wise: does the value belong to the named code set?"""

    condition_metric_name = "column_values.in_code_set"
    condition_value_keys = ("code_set",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: Any, code_set: str, **kwargs: Any) -> Any:
        return codes.code_set_mask(column, code_set)


class ColumnValuesValidIcd10Cm(ColumnMapMetricProvider):
    """Row-wise: is the value a (billable) ICD-10-CM code, for the row's date of service?

    Written as a metric partial rather than a `column_condition_partial` because the check needs a
    second column of the same rows (the service date) when `service_date_column` is set.
    """

    condition_metric_name = "column_values.valid_icd10_cm"
    condition_value_keys = ("billable", "service_date_column")

    @metric_partial(
        engine=PandasExecutionEngine,
        partial_fn_type=MetricPartialFunctionTypes.MAP_CONDITION_SERIES,
        domain_type=MetricDomainTypes.COLUMN,
    )
    def _pandas(
        cls,
        execution_engine: PandasExecutionEngine,
        metric_domain_kwargs: dict,
        metric_value_kwargs: dict,
        metrics: dict[str, Any],
        runtime_configuration: dict,
    ) -> tuple[Any, dict, dict]:
        metric_domain_kwargs = get_dbms_compatible_metric_domain_kwargs(
            metric_domain_kwargs=metric_domain_kwargs,
            batch_columns_list=metrics["table.columns"],
        )
        df, compute_kwargs, accessor_kwargs = execution_engine.get_compute_domain(
            domain_kwargs=metric_domain_kwargs, domain_type=MetricDomainTypes.COLUMN
        )
        column = accessor_kwargs["column"]
        df = df[df[column].notnull()]
        date_column = metric_value_kwargs.get("service_date_column")
        dates = df[date_column] if date_column else None
        billable = metric_value_kwargs.get("billable", True)
        valid = codes.icd10cm_mask(df[column], dates, billable=bool(billable))
        return ~valid, compute_kwargs, accessor_kwargs


class ExpectColumnValuesToBeValidNpi(ColumnMapExpectation):
    """Expect each value to be a National Provider Identifier with a correct check digit.

    An NPI is 10 digits; the 10th is a Luhn check digit computed over `80840` followed by the first
    nine. Nulls are skipped.

    Args:
        column: the column holding NPIs (as text; leading zeros are not possible in an NPI).
        mostly: share of non-null values that must pass (default 1.0).
    """

    map_metric = "column_values.valid_npi"
    success_keys = ("mostly",)
    args_keys = ("column",)
    library_metadata: ClassVar[dict[str, Any]] = {"tags": ["healthcare", "npi"], "contributors": []}


class ExpectColumnValuesToBeInCodeSet(ColumnMapExpectation):
    """Expect each value to belong to a named healthcare code set.

    Args:
        column: the column holding codes.
        code_set: one of `procedure_code` (CPT or HCPCS Level II format), `modifier`,
            `place_of_service`; the rule for each is in `transforms.codesets.validators`.
        mostly: share of non-null values that must pass (default 1.0).
    """

    code_set: str
    map_metric = "column_values.in_code_set"
    success_keys = ("code_set", "mostly")
    args_keys = ("column", "code_set")
    library_metadata: ClassVar[dict[str, Any]] = {
        "tags": ["healthcare", "code set"],
        "contributors": [],
    }

    @pydantic.validator("code_set")
    def _known_code_set(cls, value: str) -> str:
        if value not in codes.CODE_SET_VALIDATORS:
            raise ValueError(
                f"unknown code set {value!r}; known: {sorted(codes.CODE_SET_VALIDATORS)}"
            )
        return value


class ExpectColumnValuesToBeValidIcd10Cm(ColumnMapExpectation):
    """Expect each value to be an ICD-10-CM diagnosis code that exists and, by default, is billable.

    Codes are accepted with or without the dot and in any case. A billable code is a leaf of the
    tabular list (a category with subcodes is not billable). With `service_date_column`, each row
    is judged for its own date of service (the code set is the fiscal year's list; see
    `transforms.codesets.validators` for dates outside the year the package ships).

    Args:
        column: the column holding diagnosis codes.
        billable: require a billable (leaf) code, not just an existing one (default True).
        service_date_column: column of the same batch holding the date of service (optional).
        mostly: share of non-null values that must pass (default 1.0).
    """

    billable: bool = True
    service_date_column: Optional[str] = None  # noqa: UP045 - pydantic v1 field
    map_metric = "column_values.valid_icd10_cm"
    success_keys = ("billable", "service_date_column", "mostly")
    args_keys = ("column",)
    library_metadata: ClassVar[dict[str, Any]] = {
        "tags": ["healthcare", "icd-10-cm"],
        "contributors": [],
    }


CUSTOM_EXPECTATIONS = (
    ExpectColumnValuesToBeValidNpi,
    ExpectColumnValuesToBeInCodeSet,
    ExpectColumnValuesToBeValidIcd10Cm,
)
