"""The parameters of the signing function and procedure, defined once.

``petitions_sign()`` (migration 0008) and ``petitions_sign_counted()`` (migration 0010) take
these parameters, in this order; the migrations' declarations and DROP statements, the
procedure's call of the function and petitions/signing.py's calls are all generated from the
lists below. Adding, removing or retyping one means a new migration that drops and recreates
both routines, and a new list here for it: the two migrations build what they built then, so
these lists are part of their history and must not change in place.
"""

from __future__ import annotations

# petitions_sign(): the signature, its consents and its email task (NULL task_id: no task).
SIGN_PARAMETERS: tuple[tuple[str, str], ...] = (
    ("public_id", "uuid"),
    ("petition_id", "bigint"),
    ("name", "text"),
    ("email", "text"),
    ("email_key", "text"),
    ("country", "text"),
    ("region", "text"),
    ("postal_code", "text"),
    ("locale", "text"),
    ("now", "timestamptz"),
    ("updates_opt_in", "boolean"),
    ("partner_id", "bigint"),
    ("source", "text"),
    ("ref", "text"),
    ("ip_hash", "text"),
    ("widget_id", "bigint"),
    ("embed_origin", "text"),
    ("embed_origin_registered", "boolean"),
    ("partner_opt_in", "boolean"),
    ("held_reason", "text"),
    ("text_ids", "bigint[]"),
    ("consent_partner_ids", "bigint[]"),
    ("task_id", "uuid"),
    ("task_path", "text"),
    ("task_priority", "integer"),
    ("task_queue", "text"),
    ("task_backend", "text"),
    ("task_run_after", "timestamptz"),
)

# petitions_sign_counted(): the same, then the rate limits it counts first.
RATE_PARAMETERS: tuple[tuple[str, str], ...] = (
    ("rate_keys", "text[]"),
    ("rate_expires", "timestamptz[]"),
    ("rate_limits", "integer[]"),
    ("rate_reasons", "text[]"),
    ("commit_counters", "boolean"),
)
COUNTED_PARAMETERS = SIGN_PARAMETERS + RATE_PARAMETERS

_JOIN = ",\n    "


def declaration(parameters) -> str:
    """``p_public_id uuid, p_petition_id bigint, …``: a CREATE statement's parameter list."""
    return _JOIN.join(f"p_{name} {type_}" for name, type_ in parameters)


def types(parameters) -> str:
    """``uuid, bigint, …``: the argument types that name the routine in DROP."""
    return ", ".join(type_ for _, type_ in parameters)


def passed_on(parameters, **instead: str) -> str:
    """``p_public_id => p_public_id, …``: a call passing the caller's own parameters on, but
    the expressions given by name in ``instead``."""
    return _JOIN.join(f"p_{name} => {instead.get(name, f'p_{name}')}" for name, _ in parameters)


def placeholders(parameters) -> str:
    """``p_public_id => %(public_id)s::uuid, …``: a call from Python with named parameters."""
    return _JOIN.join(f"p_{name} => %({name})s::{type_}" for name, type_ in parameters)
