"""petitions_sign_counted(): count the rate limits and sign in one round trip.

With the rate counters in PostgreSQL (no Redis), signing used to send two statements: the
counters' UPSERT, committed without waiting for the disk, then petitions_sign(). This
procedure does both in one CALL and keeps the plans of both for the session. The counters
still commit on their own, first and without waiting for the disk (``p_commit_counters``), so
the hot rows (the petition's counter above all) stay locked only for that short transaction,
not through the signature's synchronous commit, and the increments stay exact. Inside a
caller's transaction a procedure may not commit: the caller passes false and all of it joins
that transaction.

The held reason decided before counting (honeypot, too fast, disposable) wins; otherwise the
first limit over its count, in the order given.
"""

from django.db import migrations

from petitions.signing.procedure import (
    COUNTED_PARAMETERS,
    SIGN_PARAMETERS,
    declaration,
    passed_on,
    types,
)

CREATE = f"""
CREATE PROCEDURE petitions_sign_counted(
    {declaration(COUNTED_PARAMETERS)},
    INOUT p_signature_id bigint DEFAULT NULL
)
LANGUAGE plpgsql AS $$
DECLARE
    reason text := p_held_reason;
    rate_reason text;
BEGIN
    -- Keys in order, so concurrent calls lock the same rows in the same order.
    WITH counted AS (
        INSERT INTO petitions_ratecounter AS c (key, count, expires_at)
        SELECT r.key, 1, r.expires_at
        FROM unnest(p_rate_keys, p_rate_expires) AS r(key, expires_at)
        ORDER BY r.key
        ON CONFLICT (key) DO UPDATE SET count = c.count + 1
        RETURNING c.key, c.count
    )
    SELECT r.reason INTO rate_reason
    FROM unnest(p_rate_keys, p_rate_limits, p_rate_reasons) WITH ORDINALITY
        AS r(key, max_count, reason, position)
    JOIN counted ON counted.key = r.key
    WHERE counted.count > r.max_count
    ORDER BY r.position
    LIMIT 1;
    IF reason = '' THEN
        reason := coalesce(rate_reason, '');
    END IF;
    IF p_commit_counters THEN
        -- Counters are advisory: a crash may lose the last few increments.
        PERFORM set_config('synchronous_commit', 'off', true);
        COMMIT;
    END IF;
    p_signature_id := petitions_sign(
        {passed_on(SIGN_PARAMETERS, held_reason="reason")});
END;
$$;
"""

DROP = f"DROP PROCEDURE IF EXISTS petitions_sign_counted({types(COUNTED_PARAMETERS)}, bigint);"


class Migration(migrations.Migration):
    dependencies = [("petitions", "0009_partial_partner_widget_indexes")]

    operations = [migrations.RunSQL(CREATE, DROP)]
