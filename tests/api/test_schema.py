"""The OpenAPI 3 schema of the app API: served at /api/v1/schema/ with Swagger UI at
/api/v1/docs/ on the platform's own assets, kept under a snapshot, and every operation run
with generated requests (schemathesis, up to 50 per operation, seeded): no server error
and no answer that contradicts the schema.

When the API changes on purpose, refresh the snapshot with
    UPDATE_API_SNAPSHOT=1 .venv/bin/pytest tests/api/test_schema.py -k snapshot
and review the diff of tests/api/openapi.yaml like code.
"""

import os
import re
from contextlib import contextmanager
from pathlib import Path

import schemathesis
import schemathesis.checks as checks
import yaml
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from channels.api.models import ApiKey

from .conftest import WWW, build_cluster, build_structured

SNAPSHOT = Path(__file__).with_name("openapi.yaml")
# Every answer is checked against the schema. Not run: schemathesis' "schema-valid request
# accepted" check, since a string the schema allows can still be refused on purpose (a
# cursor this API did not make, a column of another site: 400 with problem+json).
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
# Per operation: about 40 s for the whole schema on an idle machine, seeded, so the run
# is the same every time (no time budget: a loaded CI machine runs the same requests).
MAX_EXAMPLES = 50


def current_schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_matches_the_snapshot():
    rendered = OpenApiYamlRenderer().render(current_schema()).decode()
    if os.environ.get("UPDATE_API_SNAPSHOT"):
        SNAPSHOT.write_text(rendered)
    assert rendered == SNAPSHOT.read_text(), "API schema changed: see this module's docstring"


def test_schema_describes_only_the_app_api_and_search():
    paths = current_schema()["paths"]
    assert all(p.startswith("/api/v1/") for p in paths)
    for expected in ("/api/v1/items/", "/api/v1/changes/", "/api/v1/submissions/", "/api/v1/search/"):
        assert expected in paths


def test_schema_and_swagger_ui_are_served_with_local_assets(client):
    schema = client.get("/api/v1/schema/", HTTP_HOST=WWW)
    assert schema.status_code == 200 and yaml.safe_load(schema.content)["openapi"].startswith("3.")
    docs = client.get("/api/v1/docs/", HTTP_HOST=WWW)
    assert docs.status_code == 200
    html = docs.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets and all(a.startswith("/static/drf_spectacular_sidecar/") for a in assets)
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


class Cluster:
    pass


@contextmanager
def keep_test_connection():
    """The WSGI handler closes the database connection after each request, which would
    close the test's transaction; Django's test client does the same as this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# What the runs did, printed at the end of the session (tests/conftest.py): CI's log shows
# how many operations and generated requests ran, and that none was a server error.
RUNS = []
# Requests that do not fit the schema (wrong types, missing or extra fields, bad formats):
# a hostile client's. Only "no server error" and the content type are checked for them.
NEGATIVE_CHECKS = [checks.not_a_server_error, checks.content_type_conformance]
NEGATIVE_EXAMPLES = 25


def test_generated_requests_find_no_server_error_or_schema_violation():
    build_cluster(Cluster)
    build_structured(Cluster)  # disclosures and an interview: their details are checked too
    _, raw = ApiKey.issue(site=Cluster.www.site, name="schemathesis", can_publish=True)
    schema = schemathesis.openapi.from_dict(current_schema())
    schema.app = get_wsgi_application()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    with keep_test_connection():
        calls = {op.label: exercise(op, raw) for op in operations}
        hostile = {
            op.label: exercise(op, raw, GenerationMode.NEGATIVE, NEGATIVE_CHECKS, NEGATIVE_EXAMPLES)
            for op in operations
            if op.label not in NO_NEGATIVE_DATA
        }
    # Every operation ran (one without parameters has a single distinct request).
    assert min(calls.values()) >= 1 and sum(calls.values()) >= 300, calls
    assert sum(hostile.values()) >= 150, hostile
    RUNS.append(
        f"schemathesis over /api/v1/ ({connection.vendor}): {len(calls)} operations, "
        f"{sum(calls.values())} schema-valid and {sum(hostile.values())} schema-violating "
        "generated requests, 0 server errors, 0 schema violations"
    )


# Operations whose every input is valid (no parameters, no body): schemathesis can make
# nothing that violates their schema.
NO_NEGATIVE_DATA = {"GET /api/v1/schema/"}


def exercise(operation, raw, mode=GenerationMode.POSITIVE, run_checks=CHECKS, max_examples=MAX_EXAMPLES):
    """Run up to `max_examples` generated requests of one operation; returns how many ran."""
    calls = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=max_examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case):
        nonlocal calls
        calls += 1
        case.call_and_validate(
            checks=run_checks,
            base_url=f"http://{WWW}",
            # gzip is tested on its own (test_http.py); the WSGI client would not decode it.
            headers={"Authorization": f"Bearer {raw}", "Host": WWW, "Accept-Encoding": "identity"},
        )

    try:
        run()
    except Unsatisfiable:
        # Negative mode on an operation whose parameters admit every value.
        if mode is GenerationMode.POSITIVE:
            raise
    return calls
