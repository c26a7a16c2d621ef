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

CREATE = """
CREATE PROCEDURE petitions_sign_counted(
    p_public_id uuid, p_petition_id bigint, p_name text, p_email text, p_email_key text,
    p_country text, p_region text, p_postal_code text, p_locale text, p_now timestamptz,
    p_updates_opt_in boolean, p_partner_id bigint, p_source text, p_ref text, p_ip_hash text,
    p_widget_id bigint, p_embed_origin text, p_embed_origin_registered boolean,
    p_partner_opt_in boolean, p_held_reason text, p_text_ids bigint[],
    p_consent_partner_ids bigint[], p_task_id uuid, p_task_path text, p_task_priority integer,
    p_task_queue text, p_task_backend text, p_task_run_after timestamptz,
    p_rate_keys text[], p_rate_expires timestamptz[], p_rate_limits integer[],
    p_rate_reasons text[], p_commit_counters boolean,
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
        p_public_id => p_public_id, p_petition_id => p_petition_id, p_name => p_name,
        p_email => p_email, p_email_key => p_email_key, p_country => p_country,
        p_region => p_region, p_postal_code => p_postal_code, p_locale => p_locale,
        p_now => p_now, p_updates_opt_in => p_updates_opt_in, p_partner_id => p_partner_id,
        p_source => p_source, p_ref => p_ref, p_ip_hash => p_ip_hash,
        p_widget_id => p_widget_id, p_embed_origin => p_embed_origin,
        p_embed_origin_registered => p_embed_origin_registered,
        p_partner_opt_in => p_partner_opt_in, p_held_reason => reason,
        p_text_ids => p_text_ids, p_consent_partner_ids => p_consent_partner_ids,
        p_task_id => p_task_id, p_task_path => p_task_path,
        p_task_priority => p_task_priority, p_task_queue => p_task_queue,
        p_task_backend => p_task_backend, p_task_run_after => p_task_run_after);
END;
$$;
"""

DROP = """
DROP PROCEDURE IF EXISTS petitions_sign_counted(
    uuid, bigint, text, text, text, text, text, text, text, timestamptz, boolean, bigint, text,
    text, text, bigint, text, boolean, boolean, text, bigint[], bigint[], uuid, text, integer,
    text, text, timestamptz, text[], timestamptz[], integer[], text[], boolean, bigint
);
"""


class Migration(migrations.Migration):
    dependencies = [("petitions", "0009_partial_partner_widget_indexes")]

    operations = [migrations.RunSQL(CREATE, DROP)]
