"""petitions_sign(): a signature, its consents and its email task in one function call.

The function's statements are planned once per database session (PL/pgSQL keeps their
plans), where the same SQL sent as text was parsed and planned for every signature; see
petitions/signing/service.py. Changing the signature or consent columns means replacing this
function in a new migration. The parameter list is defined once, in petitions/signing/procedure.py.
"""

from django.db import migrations

from petitions.signing.procedure import SIGN_PARAMETERS, declaration, types

CREATE = f"""
CREATE OR REPLACE FUNCTION petitions_sign(
    {declaration(SIGN_PARAMETERS)}
) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    INSERT INTO petitions_signature
        (public_id, petition_id, name, email, email_key, country, region, postal_code, locale,
         status, created_at, counted, updates_opt_in, partner_id, source, ref, ip_hash,
         widget_id, embed_origin, embed_origin_registered, partner_opt_in, held_reason)
    VALUES (p_public_id, p_petition_id, p_name, p_email, p_email_key, p_country, p_region,
            p_postal_code, p_locale, 'pending', p_now, false, p_updates_opt_in, p_partner_id,
            p_source, p_ref, p_ip_hash, p_widget_id, p_embed_origin, p_embed_origin_registered,
            p_partner_opt_in, p_held_reason)
    ON CONFLICT (petition_id, email_key) DO NOTHING
    RETURNING id INTO new_id;
    IF new_id IS NULL THEN
        RETURN NULL;  -- already signed: nothing written
    END IF;
    INSERT INTO petitions_consent (signature_id, text_id, given_at, partner_id)
    SELECT new_id, shown.text_id, p_now, shown.partner_id
    FROM unnest(p_text_ids, p_consent_partner_ids) AS shown(text_id, partner_id);
    IF p_task_id IS NOT NULL THEN
        -- The row django-tasks-db's enqueue() writes for send_confirmation_email(signature_id).
        INSERT INTO django_tasks_database_dbtaskresult
            (id, status, enqueued_at, args_kwargs, priority, task_path, worker_ids,
             queue_name, backend_name, run_after, exception_class_path, traceback)
        VALUES (p_task_id, 'READY', p_now,
                jsonb_build_object('args', '[]'::jsonb,
                                   'kwargs', jsonb_build_object('signature_id', new_id)),
                p_task_priority, p_task_path, '[]'::jsonb, p_task_queue, p_task_backend,
                p_task_run_after, '', '');
    END IF;
    RETURN new_id;
END;
$$;
"""

DROP = f"DROP FUNCTION IF EXISTS petitions_sign({types(SIGN_PARAMETERS)});"


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0007_signature_column_defaults"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
