"""Take docs/screenshot.png: the customer list of a running Kesu with demo data.

    .venv/bin/kesu up --port 8765 &       # demo data on first start
    .venv/bin/python scripts/screenshot.py --url http://127.0.0.1:8765

Uses Playwright with Debian's /usr/bin/chromium (apt-get install chromium fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="director")
    parser.add_argument("--password", default=os.environ.get("KESU_DEMO_PASSWORD", "kesu-demo-2026"))
    parser.add_argument("--path", default="/customers/customers/", help="page to capture")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 760}, locale="zh-CN")
        page.goto(args.url.rstrip("/") + "/accounts/login/")
        page.fill("input[name=username]", args.username)
        page.fill("input[name=password]", args.password)
        page.click("#login-submit")
        page.wait_for_selector("#nav-user")
        page.goto(args.url.rstrip("/") + args.path)
        page.wait_for_load_state("networkidle")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
