"""Thousands of generated bad payloads against the real server: never a 5xx, never a write."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.intake.util import refs, valid_post

FIELDS = ["national_id", "mobile", "first_name", "family_count", "family.0.name", "family.99.age", "iban",
          "description", "_lang", "_step", "_hp", "_declaration", "_consent", "_add", "_remove", "_stash.id_copy",
          "region", "city", "aid_type"]
NASTY = st.sampled_from([
    "", " ", "\x00", "\u202e\u200f", "!!python/object/apply:os.system ['id']", "&a [*a]", "{{7*7}}", "../../etc/passwd",
    "٠٥٠١٢٣٤٥٦٧", "1" * 10_000, "نعم", "yes", "confirm", "check", "edit", "family", "family.0", "%00", "\r\n\r\n",
    "<script>alert(1)</script>", "SA03 8000 0000 6080 1016 7519", "1e309", "-1", "NaN", "²", "9" * 400,
])
VALUE = st.one_of(NASTY, st.text(max_size=200), st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20))
KEY = st.one_of(st.sampled_from(FIELDS), st.text(min_size=1, max_size=30))
CTYPES = st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x",
                          "application/json", "text/plain", "application/x-www-form-urlencoded; charset=latin-1", ""])


@st.composite
def payloads(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(["fields", "raw", "almost-valid"]))
    form = draw(st.sampled_from(["support-request", "volunteering", "suggestion-or-complaint", "nope", "..%2f"]))
    if kind == "fields":
        data = draw(st.dictionaries(KEY, st.one_of(VALUE, st.lists(VALUE, max_size=3)), max_size=8))
        return {"form": form, "data": data}
    if kind == "raw":
        return {"form": form, "content": draw(st.binary(max_size=2000)), "ctype": draw(CTYPES)}
    # a valid submission with one thing broken, each way sure to make it unacceptable
    fields, files = valid_post("ajaa", "support-request")
    fields = dict(fields)
    how = draw(st.sampled_from(["drop", "garble", "extra", "honeypot", "files"]))
    if how == "drop":
        fields.pop(draw(st.sampled_from(["national_id", "first_name", "mobile", "_declaration", "_consent"])))
    elif how == "garble":
        key = draw(st.sampled_from(["national_id", "family_count", "monthly_rent", "family.0.age", "_declaration"]))
        fields[key] = draw(NASTY.filter(lambda v: v not in ("yes", "نعم")))
    elif how == "extra":
        new_key = st.text(min_size=1, max_size=20).filter(lambda k: k not in fields and not k.startswith("_stash."))
        fields[draw(new_key)] = "x"
    elif how == "honeypot":
        fields["_hp"] = draw(st.text(min_size=1, max_size=20).filter(str.strip))
    else:
        gone = draw(st.sampled_from(["id_copy", "family_record"]))
        files = [f for f in files if f[0] != gone]
    return {"form": "support-request", "data": fields, "files": files}


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(p=payloads())
def _post(client: httpx.Client, p: dict) -> None:
    if "content" in p:
        r = client.post(f"/submit/{p['form']}", content=p["content"],
                        headers={"content-type": p["ctype"]} if p["ctype"] else {})
    else:
        r = client.post(f"/submit/{p['form']}", data=p["data"], files=p.get("files") or None)
    assert r.status_code < 500, r.text[:300]
    assert r.status_code != 303, p


@pytest.mark.parametrize("served", ["ajaa"], indirect=True)  # one association: the payloads use Ajaa's forms
def test_generated_bad_payloads_never_500_never_write(served, client: httpx.Client) -> None:
    before = refs(served.repo_dir)
    _post(client)  # type: ignore[call-arg]
    assert refs(served.repo_dir) == before
    assert client.get("/healthz").status_code == 200
