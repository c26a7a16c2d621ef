"""The physical reference for signing: a bare view inserting one row plus one outbox row.

It goes through the same middleware, database settings and gunicorn workers as the real
sign view, so the ratio between the two is the cost of the product's own work.
"""

from __future__ import annotations

import json
import uuid

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

CREATE_TABLES = """
CREATE TABLE IF NOT EXISTS bench_reference_row (
    id bigserial PRIMARY KEY, public_id uuid NOT NULL UNIQUE, name varchar(200) NOT NULL,
    email varchar(254) NOT NULL, country varchar(2) NOT NULL, created_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS bench_reference_outbox (
    id bigserial PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL
);
"""


@csrf_exempt
@require_POST
def reference_insert(request: HttpRequest) -> HttpResponse:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_reference_row (public_id, name, email, country, created_at)"
            " VALUES (%s, %s, %s, %s, now()) RETURNING id",
            [uuid.uuid4(), request.POST.get("name", ""), request.POST.get("email", ""), "DE"],
        )
        row_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO bench_reference_outbox (payload, created_at) VALUES (%s, now())",
            [json.dumps({"row": row_id})],
        )
    response = HttpResponse(status=303)
    response["Location"] = "/done"
    return response
