"""The team's vault served by the intake server (store/vault_http.py is the client): wrapped keys handed to, and
taken from, staff and committee members who sign each call with their roster key (a request's, and those of
its addenda: ``/vault/keys/<id>+add-<hex>``, listed by ``/vault/addenda/<id>``). Nothing here is ever in
clear: the blobs are age-wrapped to the recipients, the server cannot open them."""

from __future__ import annotations

import base64
import datetime as dt
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mustafid.config.keys import signer_of
from mustafid.records.sealing import is_addendum
from mustafid.store import sshsig
from mustafid.store.vault import Vault, check_entry, check_id
from mustafid.store.vault_http import NAMESPACE, signed_message

SKEW = 300  # seconds a signed call stays good


def _refuse(status: int, ar: str, en: str) -> JSONResponse:
    return JSONResponse({"error": {"ar": ar, "en": en}}, status_code=status)


async def _authorised(request: Request) -> tuple[Vault, str] | JSONResponse:
    state = request.app.state.intake
    stamp = request.headers.get("mustafid-vault-time", "")
    try:
        armored = base64.b64decode(request.headers.get("mustafid-vault-signature", "")).decode()
        when = int(stamp)
    except ValueError:
        return _refuse(401, "طلب الخزنة غير موقّع", "the vault call is not signed")
    if abs(time.time() - when) > SKEW:
        return _refuse(401, "انتهت صلاحية توقيع طلب الخزنة: أعد المحاولة", "the vault call's signature is stale: retry")
    body = await request.body()
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    try:
        sig = sshsig.verify(armored, signed_message(request.method, target, stamp, body), NAMESPACE)
    except sshsig.BadSignature:
        return _refuse(401, "توقيع طلب الخزنة لا يصح", "the vault call's signature does not verify")
    who = signer_of(state.intake.assoc, sig.openssh_key, dt.datetime.now(dt.UTC))
    if who is None or who[1] not in ("staff", "committee"):
        return _refuse(403, "الخزنة لأعضاء الفريق في association.yml فقط", "the vault is for the roster's staff and "
                       "committee only")
    vault = state.intake.vault
    assert vault is not None
    return vault, who[0]


def _rid(request: Request, entry: bool = False) -> str | None:
    """The request's id in the path (or, for the keys themselves, an entry: ``<id>+add-<hex>``, an addendum)."""
    try:
        return (check_entry if entry else check_id)(request.path_params["rid"])
    except ValueError:
        return None


async def keys(request: Request) -> Response:
    auth = await _authorised(request)
    if isinstance(auth, JSONResponse):
        return auth
    vault, _who = auth
    if "rid" not in request.path_params:
        return JSONResponse({"ids": list(vault.ids())})
    rid = _rid(request, entry=True)
    if rid is None:
        return _refuse(404, "لا طلب بهذا الرقم", "no such request")
    if request.method == "GET":
        blob = vault.load_blob(rid)
        return _refuse(404, "لا مفاتيح لهذا الطلب (أُتلفت؟)", "no keys for this request (erased?)") if blob is None \
            else Response(blob, media_type="application/octet-stream")
    if request.method == "PUT":
        classes = [c for c in request.query_params.get("classes", "main").split(",") if c.isalpha() or
                   is_addendum(c)]
        vault.store_blob(rid, await request.body(), classes)
        return JSONResponse({"stored": rid})
    removed = vault.remove_blob(rid)
    return JSONResponse({"removed": rid}) if removed else _refuse(404, "لا مفاتيح لهذا الطلب", "no keys for it")


async def classes(request: Request) -> Response:
    auth = await _authorised(request)
    if isinstance(auth, JSONResponse):
        return auth
    vault, _who = auth
    rid = _rid(request)
    if rid is None:
        return _refuse(404, "لا طلب بهذا الرقم", "no such request")
    found = vault.classes(rid)
    return JSONResponse({"classes": found}) if found else _refuse(404, "لا مفاتيح", "no keys")


async def addenda(request: Request) -> Response:
    auth = await _authorised(request)
    if isinstance(auth, JSONResponse):
        return auth
    rid = _rid(request)
    if rid is None:
        return _refuse(404, "لا طلب بهذا الرقم", "no such request")
    return JSONResponse({"addenda": auth[0].addenda(rid)})


async def dedupe(request: Request) -> Response:
    auth = await _authorised(request)
    if isinstance(auth, JSONResponse):
        return auth
    return JSONResponse({"secret": auth[0].dedupe_secret().hex()})


VAULT_ROUTES = [
    Route("/vault/keys", keys, methods=["GET"]),
    Route("/vault/keys/{rid}", keys, methods=["GET", "PUT", "DELETE"]),
    Route("/vault/classes/{rid}", classes, methods=["GET"]),
    Route("/vault/addenda/{rid}", addenda, methods=["GET"]),
    Route("/vault/dedupe", dedupe, methods=["GET"]),
]
