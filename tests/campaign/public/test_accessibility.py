import re

from tests.petitions.helpers import sign

BR = "tiremeurostodasuamira"


def test_invalid_fields_point_at_their_error_and_summary_comes_first(client, br_petition):
    response = sign(client, lang="en", slug=BR, name="", email="nope", privacy_consent=None)
    body = response.content.decode()
    assert response.status_code == 400
    form = body[body.index("<form") :]
    assert form.index('id="error-summary"') < form.index('name="name"')
    assert 'role="alert" tabindex="-1" id="error-summary"' in body
    for field in ["id_name", "id_email", "id_privacy_consent"]:
        tag = re.search(rf'<input[^>]* id="{field}"[^>]*>', body)[0]
        assert 'aria-invalid="true"' in tag
        assert f'aria-describedby="{field}_error"' in tag
        assert f'<p class="error" id="{field}_error">' in body
        assert f'<li><a href="#{field}">' in body
    assert "aria-invalid" not in re.search(r'<select[^>]* id="id_country"[^>]*>', body)[0]


def test_form_groups_location_and_asks_browsers_to_autofill(client, br_petition):
    body = client.get(f"/pt-br/{BR}/").content.decode()
    assert "<fieldset>" in body and "<legend>" in body
    for name, token in [
        ("name", "name"),
        ("email", "email"),
        ("country", "country"),
        ("region", "address-level1"),
        ("postal_code", "postal-code"),
    ]:
        tag = re.search(rf'<(?:input|select)[^>]* name="{name}"[^>]*>', body)[0]
        assert f'autocomplete="{token}"' in tag, name


def test_pages_load_the_error_focus_script_deferred_and_no_inline_code(client, br_petition):
    body = client.get(f"/pt-br/{BR}/").content.decode()
    assert '<script src="/static/js/focus-errors.js" defer></script>' in body
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []
    assert " style=" not in body and "<style" not in body
