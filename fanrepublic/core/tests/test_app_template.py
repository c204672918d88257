"""The skeleton for a new capability (docs/architecture.md, "Adding a capability")
generates an app that compiles, declares its capability and renders its page."""

import ast
from pathlib import Path

from django.core.management import call_command
from django.template import engines

TEMPLATE = Path(__file__).resolve().parents[1] / "app_template"


def test_the_skeleton_generates_a_declared_app(tmp_path):
    target = tmp_path / "gadgets"
    target.mkdir()
    call_command("startapp", "gadgets", str(target), template=str(TEMPLATE), extensions=["py", "html"])
    files = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert {
        "capability.py",
        "services.py",
        "selectors.py",
        "permissions.py",
        "api.py",
        "urls.py",
        "demo.py",
    } <= files
    assert "templates/gadgets/index.html" in files and "tests/test_services.py" in files
    assert "tests/xss_places.py" in files  # its own places for the stored-XSS suite
    for path in target.rglob("*.py"):
        ast.parse(path.read_text(), filename=str(path))  # every module compiles
    capability = (target / "capability.py").read_text()
    assert 'label="gadgets"' in capability and '"gadgets.item.created"' in capability
    assert '"fanrepublic.gadgets.demo:seed"' in capability
    assert "class GadgetsConfig" in (target / "apps.py").read_text()
    page = (target / "templates" / "gadgets" / "index.html").read_text()
    engines["django"].from_string(page)  # a valid template once generated
    assert '{% extends "base.html" %}' in page
