"""Renders octoflow's Jinja2 conformance cases with Python's Jinja2 (the reference).

Reads a JSON array of cases on stdin ({template, context?, files?}) and writes a JSON array of
results ({ok: true, output} or {ok: false, error}) on stdout, one process for all cases.
The environment matches octoflow's: sandboxed, default Undefined, no autoescape, default
whitespace options (trim_blocks/lstrip_blocks off, trailing newline removed).
"""

import json
import sys

from jinja2 import DictLoader
from jinja2.sandbox import SandboxedEnvironment


def render(case):
    env = SandboxedEnvironment(loader=DictLoader(case.get("files", {})))
    try:
        template = env.from_string(case["template"])
        return {"ok": True, "output": template.render(case.get("context", {}))}
    except Exception as error:  # every failure is data for the comparison
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}


json.dump([render(case) for case in json.load(sys.stdin)], sys.stdout)
