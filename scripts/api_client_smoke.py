#!/usr/bin/env python3
"""Generate a Python client from Kesu's live OpenAPI document and use it (issue 24 §4).

Starts a throwaway Kesu with the demo data (as scripts/fuzz_api.py does), generates a client from
/api/v1/openapi.json with openapi-python-client (the `test` extra) into a temporary folder, imports it and,
as the demo salesperson, through the generated code only: records a complaint, finds it in the list with
``fields=`` and cursor pages, fetches it and fetches it again with its ETag (a 304). Exits non-zero on any
generator warning or wrong answer. With ``--base`` and ``--token`` it calls a running Kesu instead (the test
kesu/api/tests/test_client_smoke.py does, against its live test server).

    .venv/bin/python scripts/api_client_smoke.py
    KESU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_ci .venv/bin/python scripts/api_client_smoke.py
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_api import throwaway_kesu  # noqa: E402

PACKAGE = "kesu_client"


def generate(base: str, folder: Path) -> None:
    """The client package ``kesu_client`` in ``folder``, from the server's OpenAPI document."""
    document = folder / "openapi.json"
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=60) as response:
        document.write_bytes(response.read())
    config = folder / "client.yaml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n", encoding="utf-8")
    command = [str(Path(sys.executable).parent / "openapi-python-client"), "generate", "--path", str(document),
               "--meta", "none", "--output-path", str(folder / PACKAGE), "--config", str(config),
               "--fail-on-warning"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"openapi-python-client failed (exit status {done.returncode}):\n{done.stdout}\n{done.stderr}")


def operation(client_package, name: str):
    """The generated module of an operation (``list_complaints``), whichever tag it is filed under."""
    api = importlib.import_module(f"{client_package.__name__}.api")
    for tag in pkgutil.iter_modules(api.__path__):
        for module in pkgutil.iter_modules([str(Path(api.__path__[0]) / tag.name)]):
            if module.name == name:
                return importlib.import_module(f"{api.__name__}.{tag.name}.{name}")
    sys.exit(f"The generated client has no operation {name}.")


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"API client smoke test FAILED: {what}")
    print(f"  ok  {what}", flush=True)


def smoke(kesu_client, base: str, token: str) -> None:
    """Record, list (fields=, cursor) and fetch (ETag, 304) a complaint through the generated client."""
    from kesu_client.models import ComplaintIn

    client = kesu_client.AuthenticatedClient(base_url=base, token=token, raise_on_unexpected_status=True,
                                             timeout=60)
    customers = operation(kesu_client, "list_customer").sync(client=client, fields="code", limit=1)
    check(customers is not None and len(customers.items) == 1, "the salesperson's customers are listed")
    code = customers.items[0].code

    created = operation(kesu_client, "create_complaint").sync_detailed(client=client, body=ComplaintIn(
        channel="phone", customer_code=code, description="API client smoke test: noise at the gearbox."))
    check(created.status_code == 201 and created.parsed.number, f"a complaint is recorded ({created.status_code})")
    complaint = created.parsed

    list_complaints = operation(kesu_client, "list_complaints")
    first = list_complaints.sync(client=client, fields="id,number,status", limit=5)
    check(set(first.items[0].to_dict()) == {"id", "number", "status"}, "fields= answers only id, number, status")
    found, page, pages = False, first, 1
    while not found:
        found = any(item.id == complaint.id for item in page.items)
        if found or not page.next_cursor:
            break
        page = list_complaints.sync(client=client, fields="id", limit=100, cursor=page.next_cursor)
        pages += 1
    check(found, f"the new complaint is in the list (walked {pages} page(s) by cursor)")

    get_complaint = operation(kesu_client, "get_complaint")
    got = get_complaint.sync_detailed(client=client, pk=complaint.id)
    tag = got.headers.get("etag")
    check(got.status_code == 200 and got.parsed.number == complaint.number and bool(tag),
          "the complaint is fetched with an ETag")
    again = get_complaint.sync_detailed(client=client, pk=complaint.id, if_none_match=tag)
    check(again.status_code == 304 and again.content == b"", "fetched again with If-None-Match: 304, no body")


def run(base: str, token: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    generate(base, folder)
    print(f"Client generated in {folder / PACKAGE}; calling {base}", flush=True)
    sys.path.insert(0, str(folder))
    smoke(importlib.import_module(PACKAGE), base, token)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="A running Kesu to call instead of a throwaway one (with --token).")
    parser.add_argument("--token", help="The API token of a user who may record complaints (with --base).")
    args = parser.parse_args(argv)
    started = time.monotonic()
    if args.base:
        if not args.token:
            parser.error("--base needs --token")
        with tempfile.TemporaryDirectory(prefix="kesu-client-") as folder:
            run(args.base.rstrip("/"), args.token, Path(folder))
    else:
        with throwaway_kesu(label="client") as (base, tokens, data_dir):
            run(base, tokens["sales"], data_dir / "client")
    print(f"API client smoke test passed in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
