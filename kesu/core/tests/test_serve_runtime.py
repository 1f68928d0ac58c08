"""What a serving process does to answer evenly (issue 24): the loaded code kept out of the garbage collector's
sight, so that no request pays for walking it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_a_served_process_keeps_its_loaded_code_out_of_the_collector(tmp_path):
    code = ("import gc; import kesu.wsgi; from django.urls import get_resolver; from django.template import engines; "
            "cached = engines['django'].engine.template_loaders[0].get_template_cache; "
            "print(gc.get_freeze_count() > 100000, 'url_patterns' in get_resolver().__dict__, "
            "'complaints/_rows.html' in cached, 'admin/base.html' in cached)")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "kesu.settings", "PYTHONPATH": str(REPO),
                   "KESU_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], env=environment, cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    # Kesu's own templates are compiled before the freeze; other libraries' wait for their first use.
    assert result.stdout.strip().splitlines()[-1] == "True True True False"
