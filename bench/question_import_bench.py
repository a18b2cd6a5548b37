"""Importing a large Moodle XML question bank: the import itself, and how long the admin upload request takes.

    .venv/bin/python bench/question_import_bench.py            # SQLite (a throwaway test database)
    DATABASE_URL=postgres://... .venv/bin/python bench/question_import_bench.py
    .venv/bin/python bench/question_import_bench.py --write /tmp/bank.xml   # only write the generated file

The bank is generated (about 3.5 MB, the size of the bank that once held a request for 181 s): a real
Moodle export's mix of HTML multiple choice with per-answer feedback, multiple response, true/false,
short answer, numerical with units, matching and Cloze, in nested categories.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.test")

TARGET_BYTES = 3_500_000


def _text(value, fmt="html"):
    return f'<questiontext format="{fmt}"><text><![CDATA[{value}]]></text></questiontext>'


def _answer(fraction, text, feedback=""):
    return (
        f'<answer fraction="{fraction}" format="html"><text><![CDATA[<p>{text}</p>]]></text>'
        f'<feedback format="html"><text><![CDATA[<p>{feedback}</p>]]></text></feedback></answer>'
    )


def _question(n):
    kind = n % 8
    name = f"<name><text>Evidence handling {n:05d}</text></name>"
    stem = (
        f"<p>Case {n}: officers seize a <strong>running laptop</strong> and a phone at a search. "
        "The suspect's encrypted volume is mounted and a messaging application is open. "
        "Which action best preserves the volatile evidence while respecting the chain of custody?</p>"
    )
    general = (
        '<generalfeedback format="html"><text><![CDATA[<p>See module 3, section 2.</p>]]></text></generalfeedback>'
    )
    if kind in (0, 1, 2):
        answers = "".join(
            [
                _answer(100, "Photograph the screen, then capture RAM with a validated tool", "Right: RAM first."),
                _answer(0, "Switch the laptop off at once", "Switching off loses the RAM contents."),
                _answer(0, "Copy the files to a USB stick", "This changes the evidence."),
                _answer(0, "Ask the suspect for the password", "Not before the volatile data is safe."),
            ]
        )
        return (
            f'<question type="multichoice">{name}{_text(stem)}{general}<defaultgrade>1</defaultgrade>'
            f"<single>true</single><shuffleanswers>1</shuffleanswers>{answers}</question>"
        )
    if kind == 3:
        answers = "".join(
            [
                _answer(50, "RAM contents", "Volatile."),
                _answer(50, "Open network connections", "Volatile."),
                _answer(-100, "Files on the disk", "These persist."),
            ]
        )
        return f'<question type="multichoice">{name}{_text(stem)}{general}<single>false</single>{answers}</question>'
    if kind == 4:
        return (
            f'<question type="truefalse">{name}{_text(stem)}'
            '<answer fraction="100"><text>true</text><feedback><text>Yes.</text></feedback></answer>'
            '<answer fraction="0"><text>false</text><feedback><text>No.</text></feedback></answer></question>'
        )
    if kind == 5:
        return (
            f'<question type="shortanswer">{name}{_text("<p>Name the device that prevents writes.</p>")}'
            '<usecase>0</usecase><answer fraction="100"><text>write blocker</text></answer>'
            '<answer fraction="50"><text>blocker</text><feedback><text>Nearly.</text></feedback></answer></question>'
        )
    if kind == 6:
        return (
            f'<question type="numerical">{name}{_text("<p>How large is a 4 GB image in MB?</p>")}'
            '<answer fraction="100"><text>4096</text><tolerance>0</tolerance></answer>'
            "<units><unit><multiplier>1</multiplier><unit_name>MB</unit_name></unit>"
            "<unit><multiplier>0.0009765625</multiplier><unit_name>GB</unit_name></unit></units>"
            "<unitgradingtype>0</unitgradingtype></question>"
        )
    terms = (("MD5", "hash function"), ("Faraday bag", "signal isolation"), ("Write blocker", "read-only"))
    pairs = "".join(
        f'<subquestion format="html"><text><![CDATA[<p>{escape(left)}</p>]]></text>'
        f"<answer><text>{right}</text></answer></subquestion>"
        for left, right in terms
    )
    return f'<question type="matching">{name}{_text("<p>Match each term.</p>")}{pairs}</question>'


def generate(target=TARGET_BYTES):
    parts, size, n = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'], 0, 0
    while size < target:
        if n % 250 == 0:
            parts.append(
                f'<question type="category"><category><text>$course$/top/Bench bank/Part {n // 250}</text>'
                "</category></question>\n"
            )
        parts.append(_question(n) + "\n")
        size += len(parts[-1].encode())
        n += 1
    parts.append("</quiz>\n")
    return "".join(parts).encode(), n


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", help="write the generated bank to this path and stop")
    args = parser.parse_args()
    content, count = generate()
    if args.write:
        Path(args.write).write_bytes(content)
        print(f"Wrote {len(content) / 1e6:.2f} MB, {count} questions, to {args.write}")
        return

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.runner import DiscoverRunner
    from django.test.utils import setup_test_environment

    setup_test_environment()
    runner = DiscoverRunner(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import override_settings
        from django.urls import reverse

        from accounts.models import User
        from assessments.formats.importer import import_questions
        from assessments.models import Question

        print(f"Database: {connection.vendor}; bank {len(content) / 1e6:.2f} MB, {count} questions")
        start = time.perf_counter()
        result = import_questions(content, category="Bench direct")
        elapsed = time.perf_counter() - start
        saved = len(getattr(result, "questions", result))  # a list before the import reports
        print(f"import_questions(), one transaction        {elapsed:7.2f} s  ({saved} saved)")
        if not hasattr(result, "questions"):  # the code before background imports: the request did the work
            upload = SimpleUploadedFile("bank.xml", content, content_type="application/xml")
            admin = User.objects.create_superuser("bench-admin@example.test", "a-strong-pass-phrase")
            client = Client()
            client.force_login(admin)
            start = time.perf_counter()
            response = client.post(reverse("assessments_import"), {"file": upload, "language": "en"})
            print(f"admin upload request (status {response.status_code})         {time.perf_counter() - start:7.2f} s")
            return
        start = time.perf_counter()
        result = import_questions(content, category="Bench batches", progress=lambda done, total: None)
        elapsed = time.perf_counter() - start
        print(f"import_questions(), batches with progress  {elapsed:7.2f} s  ({len(result.questions)} saved)")

        from assessments.imports import run_import
        from assessments.models import QuestionImport

        admin = User.objects.create_superuser("bench-admin@example.test", "a-strong-pass-phrase")
        client = Client()
        client.force_login(admin)
        upload = SimpleUploadedFile("bank.xml", content, content_type="application/xml")
        before = Question.objects.count()
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            start = time.perf_counter()
            response = client.post(
                reverse("assessments_import"), {"file": upload, "language": "en", "category": "Bench"}
            )
            elapsed = time.perf_counter() - start
        print(
            f"admin upload request (status {response.status_code})         {elapsed:7.2f} s  "
            f"({Question.objects.count() - before} questions saved when it returned)"
        )
        job = QuestionImport.objects.get()
        start = time.perf_counter()
        run_import(job.pk)
        job.refresh_from_db()
        elapsed = time.perf_counter() - start
        print(f"the background job (run_import)            {elapsed:7.2f} s  ({job.state}, {job.done} saved)")
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
