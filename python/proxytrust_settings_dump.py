"""proxytrust audit --python: import a Django settings module and print the settings the audit judges.

Run by `proxytrust audit --python`, with the project's own interpreter:

    python -B proxytrust_settings_dump.py --module myproject.settings.production \
        --project-dir . [--env-file .env] SETTING_NAME...

It IMPORTS THE SETTINGS MODULE, which runs the project's code. It does not call django.setup(): no app
is loaded, no database or cache is touched. It prints one JSON object on stdout, either
{"settings": ...} or {"error": "one line"}. Secrets never leave this process: SECRET_KEY is replaced by
its length and number of distinct characters, and any other setting whose name looks secret is
withheld; DATABASES and CACHES are never read.

Requires only Django and Python 3.8 or later.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import re
import sys
import traceback

SENSITIVE_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|KEY|CREDENTIAL|DSN")
NEVER_READ = frozenset({"DATABASES", "CACHES"})
# The prefix of the keys startproject generates: public text, so saying whether a key starts with it
# leaks nothing about the key.
DEVELOPMENT_KEY_PREFIX = "django-insecure-"
ENV_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")
DOUBLE_QUOTED_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


class DumpError(Exception):
    """A failure reported to proxytrust as one line."""


def parse_env_value(raw: str, where: str) -> str:
    """The value of one KEY=VALUE line: quoted (single: literal; double: backslash escapes) or bare."""
    if raw[:1] in ("'", '"'):
        quote = raw[0]
        end = raw.find(quote, 1)
        while quote == '"' and end != -1 and _escaped(raw, end):
            end = raw.find(quote, end + 1)
        if end == -1:
            raise DumpError("%s: the quote is not closed" % where)
        rest = raw[end + 1 :].strip()
        if rest and not rest.startswith("#"):
            raise DumpError("%s: unexpected text after the closing quote" % where)
        body = raw[1:end]
        if quote == "'":
            return body
        return re.sub(r"\\(.)", lambda m: DOUBLE_QUOTED_ESCAPES.get(m.group(1), m.group(0)), body)
    # A bare value ends at a comment: " #" (a '#' inside a word, as in a URL fragment, is kept).
    return re.split(r"\s#", raw, maxsplit=1)[0].strip()


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def parse_env_file(text: str, name: str) -> dict:
    """KEY=VALUE lines, with optional `export`, quotes and # comments; anything else is an error."""
    values = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = "%s line %d" % (name, number)
        match = ENV_LINE.match(stripped)
        if not match:
            raise DumpError("%s is not KEY=VALUE" % where)
        values[match.group(1)] = parse_env_value(match.group(2), where)
    return values


def encode(value):
    """A JSON form that keeps what JSON loses: every non-scalar is an object with one tag."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return {"float": value} if math.isfinite(value) else {"other": repr(value)}
    if isinstance(value, tuple):
        return {"tuple": [encode(item) for item in value]}
    if isinstance(value, list):
        return {"list": [encode(item) for item in value]}
    if isinstance(value, (set, frozenset)):
        return {"set": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, re.Pattern):
        return value.pattern if isinstance(value.pattern, str) else {"other": repr(value)}
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return {"other": "%s object" % type(value).__name__}


def redacted(name: str, value) -> dict:
    if name != "SECRET_KEY":
        return {"withheld": True}
    if value is None:
        return {"none": True}
    text = str(value)
    return {
        "length": len(text),
        "distinct": len(set(text)),
        "developmentPrefix": text.startswith(DEVELOPMENT_KEY_PREFIX),
    }


def assignment_lines(module) -> dict:
    """Line of the last assignment to each upper-case name in the module's own source."""
    try:
        with open(module.__file__, encoding="utf-8") as source:
            tree = ast.parse(source.read())
    except (OSError, TypeError, SyntaxError, ValueError):
        return {}
    lines = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id.isupper():
            lines[node.id] = max(node.lineno, lines.get(node.id, 0))
    return lines


def one_line(text: str) -> str:
    return " ".join(text.split())


def failure(exc: BaseException, project_dir: str) -> str:
    """'ExcType: message (at shop/settings/base.py:8)': the last frame in the project, if any."""
    this_script = os.path.abspath(__file__)
    frames = [(os.path.normpath(f.filename), f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
    inside = [
        (path, line)
        for path, line in frames
        if os.path.isabs(path) and path.startswith(project_dir + os.sep) and path != this_script
    ]
    where = " (at %s:%d)" % (os.path.relpath(inside[-1][0], project_dir), inside[-1][1]) if inside else ""
    return one_line("%s: %s%s" % (type(exc).__name__, exc, where))


def read_settings(module_name: str, names: list, project_dir: str) -> dict:
    try:
        import django  # noqa: F401
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
    except ImportError as exc:
        raise DumpError(
            "%s cannot import Django (%s): pass the project's interpreter to --python"
            % (sys.executable, failure(exc, project_dir))
        )
    try:
        module = sys.modules[settings.SETTINGS_MODULE]
    except (Exception, SystemExit) as exc:
        raise DumpError("importing %s failed: %s" % (module_name, failure(exc, project_dir)))
    lines = assignment_lines(module)
    dumped = {}
    for name in names:
        if name in NEVER_READ:
            continue
        try:
            value = getattr(settings, name)
        except AttributeError:
            continue
        except ImproperlyConfigured:
            value = ""  # Django refuses an empty SECRET_KEY at the first read
        entry = {"overridden": settings.is_overridden(name)}
        if SENSITIVE_NAME.search(name):
            entry["redacted"] = redacted(name, value)
        else:
            entry["value"] = encode(value)
        if name in lines:
            entry["line"] = lines[name]
        dumped[name] = entry
    return {"module": module_name, "file": module.__file__, "django": django.get_version(), "settings": dumped}


def main(argv: list) -> None:
    parser = argparse.ArgumentParser(description="Print Django settings for proxytrust audit --python.")
    parser.add_argument("--module", required=True)
    parser.add_argument("--project-dir", required=True)
    parser.add_argument("--env-file")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    report = sys.stdout
    # Whatever the project prints while its settings import must not corrupt the JSON.
    sys.stdout = sys.stderr
    try:
        if args.env_file:
            try:
                with open(args.env_file, encoding="utf-8") as env:
                    text = env.read()
            except (OSError, UnicodeDecodeError) as exc:
                raise DumpError("reading the env file %s failed: %s" % (args.env_file, one_line(str(exc))))
            # The file wins over the inherited environment: the audit judges what the file configures.
            os.environ.update(parse_env_file(text, args.env_file))
        project_dir = os.path.abspath(args.project_dir)
        sys.path.insert(0, project_dir)
        os.environ["DJANGO_SETTINGS_MODULE"] = args.module
        result = read_settings(args.module, args.names, project_dir)
        code = 0
    except DumpError as exc:
        result, code = {"error": str(exc)}, 1
    report.write(json.dumps(result) + "\n")
    report.flush()
    # Threads the settings may have started must not keep the audit waiting.
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv[1:])
