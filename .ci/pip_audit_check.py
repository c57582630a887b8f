"""pip-audit of the virtualenv, honest about what it could check.

pip-audit asks a vulnerability service about every installed distribution. OSV (api.osv.dev)
is not reachable from these machines (only package registries are), so the CI uses the PyPI
service (`/pypi/<name>/<version>/json`, whose `vulnerabilities` list is PyPI's advisory feed).
Where that per-version endpoint is not served either (a registry mirror), pip-audit skips
every distribution and would still print "No known vulnerabilities found". This script reads
pip-audit's JSON instead and says exactly what happened:

- any known vulnerability (not listed in ACCEPTED below with a reason): exit 1;
- some distributions audited: their count, and the skipped ones by name;
- nothing audited: a loud warning, exit 0 -- or exit 1 with PIP_AUDIT_STRICT=1 (set it where
  the vulnerability service is reachable, so an outage of it fails the build).

Usage: python .ci/pip_audit_check.py  (from the project root, with .venv installed)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_AUDIT = ROOT / ".venv" / "bin" / "pip-audit"
# Vulnerability id -> why it does not affect us. Empty: nothing accepted.
ACCEPTED: dict[str, str] = {}


def main() -> int:
    service = os.environ.get("PIP_AUDIT_SERVICE", "pypi")
    command = [
        str(PIP_AUDIT),
        "--progress-spinner=off",
        "--skip-editable",  # gitpulse itself is not on any index
        f"--vulnerability-service={service}",
        "--format=json",
    ]
    print("$", " ".join(command), flush=True)
    # A fixed command of our own venv's tool, no shell.
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(run.stdout[-2000:], run.stderr[-2000:], sep="\n")
        print("pip-audit did not produce a report", file=sys.stderr)
        return 1
    audited, skipped, found = [], [], []
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            skipped.append(dep["name"])
            continue
        audited.append(dep["name"])
        for vuln in dep.get("vulns", []):
            if vuln["id"] in ACCEPTED:
                print(f"accepted {dep['name']} {vuln['id']}: {ACCEPTED[vuln['id']]}")
            else:
                fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
                found.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
    total = len(audited) + len(skipped)
    print(
        f"pip-audit ({service}): {len(audited)} of {total} distributions audited, "
        f"{len(skipped)} skipped, {len(found)} known vulnerabilities"
    )
    for line in found:
        print("  VULNERABLE", line)
    if found:
        return 1
    if skipped and audited:
        print("  skipped:", ", ".join(sorted(skipped)))
    if not audited:
        print(
            "WARNING: nothing was audited: the vulnerability service did not answer for any "
            "distribution (no route to OSV, and this registry does not serve PyPI's per-version "
            "JSON). Run `make security` where it is reachable, or set PIP_AUDIT_STRICT=1 to fail.",
            file=sys.stderr,
        )
        return 1 if os.environ.get("PIP_AUDIT_STRICT") == "1" else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
