"""Refresh the message catalogues: extract, derive zh-Hant and en, compile.

Source strings are English. zh-Hans is translated by people in
kesu/locale/zh_Hans/LC_MESSAGES/django.po. zh-Hant is derived from zh-Hans
with OpenCC (Taiwan phrasing) unless a person has written the zh-Hant entry
(then it is kept: entries we derived carry the "opencc" flag). en uses the
source string. `--check` fails when any entry is missing, for CI.

Needs GNU gettext (msgfmt/xgettext) and the dev extras (polib, opencc).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

LOCALES = ["zh_Hans", "zh_Hant", "en"]


class Command(BaseCommand):
    help = "Extract messages, derive zh-Hant from zh-Hans, fill en, compile; --check reports gaps."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report untranslated entries.")

    def handle(self, *args, check: bool = False, **options):
        import polib

        locale_dir = Path(settings.BASE_DIR) / "locale"
        if check:
            missing = self._missing(polib, locale_dir)
            if missing:
                raise CommandError("untranslated: " + "; ".join(missing[:40]))
            self.stdout.write("all messages translated")
            return
        root = Path(settings.BASE_DIR)
        import os

        cwd = os.getcwd()
        os.chdir(root)
        try:
            call_command(
                "makemessages", locale=LOCALES, ignore_patterns=["static/*", "tests/*"],
                no_obsolete=True, verbosity=0,
            )
            call_command(
                "makemessages", locale=LOCALES, domain="djangojs", ignore_patterns=["static/vendor/*"], verbosity=0
            )
        finally:
            os.chdir(cwd)
        self._derive(polib, locale_dir)
        call_command("compilemessages", locale=LOCALES, verbosity=0)
        missing = self._missing(polib, locale_dir)
        self.stdout.write(f"catalogues refreshed; {len(missing)} untranslated zh-Hans entries")
        for item in missing:
            self.stdout.write("  " + item)

    def _derive(self, polib, locale_dir: Path) -> None:
        import opencc

        converter = opencc.OpenCC("s2twp")
        hans = polib.pofile(str(locale_dir / "zh_Hans/LC_MESSAGES/django.po"))
        hant = polib.pofile(str(locale_dir / "zh_Hant/LC_MESSAGES/django.po"))
        source = {(e.msgctxt, e.msgid): e for e in hans}
        for entry in hant:
            origin = source.get((entry.msgctxt, entry.msgid))
            if origin is None or "fuzzy" in origin.flags:
                continue
            written_by_person = (entry.msgstr or any(entry.msgstr_plural.values())) and "opencc" not in entry.flags
            if written_by_person and "fuzzy" not in entry.flags:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = {k: converter.convert(v) for k, v in origin.msgstr_plural.items()}
            else:
                entry.msgstr = converter.convert(origin.msgstr)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            if "opencc" not in entry.flags:
                entry.flags.append("opencc")
        hant.save()
        english = polib.pofile(str(locale_dir / "en/LC_MESSAGES/django.po"))
        for entry in english:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        english.save()

    def _missing(self, polib, locale_dir: Path) -> list[str]:
        missing = []
        for locale in LOCALES:
            path = locale_dir / locale / "LC_MESSAGES/django.po"
            if not path.exists():
                missing.append(f"{locale}: no catalogue")
                continue
            for entry in polib.pofile(str(path)):
                if entry.obsolete:
                    continue
                empty = not entry.msgstr if not entry.msgid_plural else not all(entry.msgstr_plural.values())
                if empty or "fuzzy" in entry.flags:
                    missing.append(f"{locale}: {entry.msgid[:60]}")
        return missing
