"""Write the findings page of the documentation from an audit: ``python docs/findings.py AUDIT_JSON OUT_MD``.

The page is the audit report (:func:`nnfield.report.markdown_report`) with its figures copied beside it.
"""

import json
import shutil
import sys
from pathlib import Path

from nnfield.report import markdown_report


def main(audit_json: str, out: str) -> None:
    audit_json, out = Path(audit_json), Path(out)
    if not audit_json.is_file():
        sys.exit(f"docs/findings.py: no audit at {audit_json}; run 'make run' first")
    document = json.loads(audit_json.read_text())
    report = markdown_report(document).replace("# nnfield audit report", "# Findings: the audit report", 1)
    out.write_text(report)
    figures = out.parent / "figures"
    shutil.rmtree(figures, ignore_errors=True)
    shutil.copytree(audit_json.parent / "figures", figures)


if __name__ == "__main__":
    main(*sys.argv[1:])
