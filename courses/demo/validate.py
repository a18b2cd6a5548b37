"""Check the demo course files against docs/demo-content-format.md.

Run as ``python -m courses.demo.validate``; exits non-zero with one line per problem.
Pure Python (no Django) so content writers can run it anywhere.
"""

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh-hans")
AUDIENCES = {"police", "prosecutors", "judges"}
LEVELS = {"foundation", "intermediate", "advanced"}
RICH_TAGS = {"p", "strong", "em", "ul", "ol", "li", "br", "code"}
BLOCK_TAGS = {"p", "ul", "ol"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Scripts that must appear in a translation, so an English copy is caught.
SCRIPT_RE = {
    "ru": re.compile(r"[\u0400-\u04ff]"),
    "ar": re.compile(r"[\u0600-\u06ff]"),
    "zh-hans": re.compile(r"[\u4e00-\u9fff]"),
}


class _RichTextChecker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag not in RICH_TAGS:
            self.problems.append(f"tag <{tag}> not allowed")
        if attrs:
            self.problems.append(f"attributes not allowed on <{tag}>")
        if self.depth == 0 and tag not in BLOCK_TAGS:
            self.problems.append(f"<{tag}> at top level (wrap it in <p>)")
        if tag != "br":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag != "br":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth == 0 and data.strip():
            self.problems.append(f"bare text at top level: {data.strip()[:30]!r}")


def _check_text(value, where, problems, rich=False, allow_empty=False):
    if not isinstance(value, dict) or set(value) != set(LANGUAGES):
        problems.append(f"{where}: needs exactly the keys {', '.join(LANGUAGES)}")
        return
    for lang, text in value.items():
        if not isinstance(text, str):
            problems.append(f"{where}[{lang}]: must be a string")
            continue
        if not text.strip() and not allow_empty:
            problems.append(f"{where}[{lang}]: empty")
            continue
        if lang in SCRIPT_RE and text.strip() and not SCRIPT_RE[lang].search(text):
            problems.append(f"{where}[{lang}]: no text in the language's script")
        if lang != "en" and text.strip() and text == value["en"] and len(text) > 12:
            problems.append(f"{where}[{lang}]: identical to English")
        if rich and text.strip():
            checker = _RichTextChecker()
            checker.feed(text)
            checker.close()
            problems.extend(f"{where}[{lang}]: {p}" for p in checker.problems)


def _check_list_text(value, where, problems):
    if not isinstance(value, dict) or set(value) != set(LANGUAGES):
        problems.append(f"{where}: needs exactly the keys {', '.join(LANGUAGES)}")
        return
    counts = {len(items) for items in value.values() if isinstance(items, list)}
    if len(counts) != 1 or 0 in counts:
        problems.append(f"{where}: needs the same non-zero number of items in every language")
        return
    for index in range(counts.pop()):
        _check_text({lang: value[lang][index] for lang in LANGUAGES}, f"{where}[{index}]", problems)


BLOCK_FIELDS = {
    "callout": {"title": False, "text": True},
    "glossary_term": {"term": False, "definition": True},
    "case_study": {"title": False, "scenario": True, "discussion": True},
    "reflection": {"question": False, "model_answer": True},
}


def _check_block(block, where, problems):
    kind = block.get("type")
    value = block.get("value")
    if kind == "heading":
        _check_text(value, where, problems)
    elif kind == "paragraph":
        _check_text(value, where, problems, rich=True)
    elif kind in BLOCK_FIELDS:
        if not isinstance(value, dict):
            problems.append(f"{where}: value must be an object")
            return
        expected = set(BLOCK_FIELDS[kind]) | ({"kind"} if kind == "callout" else set())
        if set(value) != expected:
            problems.append(f"{where}: {kind} needs exactly the keys {sorted(expected)}")
            return
        if kind == "callout" and value["kind"] not in {"key_point", "warning", "tip"}:
            problems.append(f"{where}: unknown callout kind {value['kind']!r}")
        for field, rich in BLOCK_FIELDS[kind].items():
            _check_text(value[field], f"{where}.{field}", problems, rich=rich)
    else:
        problems.append(f"{where}: unknown block type {kind!r}")


def _topic_slugs(directory=CONTENT_DIR):
    return {topic["slug"] for topic in json.loads((directory / "topics.json").read_text("utf-8"))}


def check_course(data, name, directory=CONTENT_DIR):
    """Return a list of problems in one course document."""
    problems = []
    if not SLUG_RE.match(str(data.get("slug", ""))):
        problems.append(f"{name}: bad or missing slug")
    if not data.get("audiences") or not set(data["audiences"]) <= AUDIENCES:
        problems.append(f"{name}: audiences must be a non-empty subset of {sorted(AUDIENCES)}")
    if data.get("level") not in LEVELS:
        problems.append(f"{name}: level must be one of {sorted(LEVELS)}")
    if not isinstance(data.get("estimated_hours"), int | float) or data["estimated_hours"] <= 0:
        problems.append(f"{name}: estimated_hours must be a positive number")
    if not set(data.get("topics") or ["?"]) <= _topic_slugs(directory):
        problems.append(f"{name}: topics must be slugs from topics.json")
    for field in ("title", "summary"):
        _check_text(data.get(field), f"{name}.{field}", problems)
    _check_text(data.get("prerequisites"), f"{name}.prerequisites", problems, allow_empty=True)
    if data.get("sensitivity_notice") is not None:
        _check_text(data["sensitivity_notice"], f"{name}.sensitivity_notice", problems)
    _check_list_text(data.get("learning_objectives"), f"{name}.learning_objectives", problems)
    modules = data.get("modules") or []
    if len(modules) < 2:
        problems.append(f"{name}: needs at least two modules")
    lesson_count = 0
    for m_index, module in enumerate(modules):
        where = f"{name}.modules[{m_index}]"
        if not SLUG_RE.match(str(module.get("slug", ""))):
            problems.append(f"{where}: bad or missing slug")
        _check_text(module.get("title"), f"{where}.title", problems)
        _check_text(module.get("introduction"), f"{where}.introduction", problems, rich=True)
        if not isinstance(module.get("estimated_minutes"), int):
            problems.append(f"{where}: estimated_minutes must be an integer")
        for l_index, lesson in enumerate(module.get("lessons") or []):
            lesson_count += 1
            lwhere = f"{where}.lessons[{l_index}]"
            if not SLUG_RE.match(str(lesson.get("slug", ""))):
                problems.append(f"{lwhere}: bad or missing slug")
            _check_text(lesson.get("title"), f"{lwhere}.title", problems)
            _check_text(lesson.get("summary"), f"{lwhere}.summary", problems)
            if not isinstance(lesson.get("estimated_minutes"), int):
                problems.append(f"{lwhere}: estimated_minutes must be an integer")
            body = lesson.get("body") or []
            if len(body) < 5:
                problems.append(f"{lwhere}: body needs at least five blocks")
            for b_index, block in enumerate(body):
                _check_block(block, f"{lwhere}.body[{b_index}]", problems)
    if lesson_count < 4:
        problems.append(f"{name}: needs at least four lessons")
    return problems


def course_files(directory=CONTENT_DIR):
    return sorted(p for p in directory.glob("*.json") if p.name != "topics.json")


def main():
    problems = []
    for path in course_files():
        try:
            data = json.loads(path.read_text("utf-8"))
        except ValueError as error:
            problems.append(f"{path.name}: not valid JSON: {error}")
            continue
        problems.extend(check_course(data, path.name))
    for problem in problems:
        print(problem)
    print(f"{len(course_files())} course files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
