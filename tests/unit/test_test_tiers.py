"""The test tiers (tests/conftest.py): every test has exactly one tier marker, every
folder of tests has a tier, and the Makefile's tier targets run exactly those folders."""

from __future__ import annotations

import re

import pytest

from tests.conftest import FOLDER_TIERS, TESTS, TIERS, TIERS_SEEN

MAKEFILE = (TESTS.parent / "Makefile").read_text(encoding="utf-8")


def _folders_with_tests() -> set[str]:
    return {path.relative_to(TESTS).parts[0] for path in TESTS.rglob("test_*.py")}


MODEL_MARK = re.compile(r"^\s*(@pytest\.mark\.model\b|pytestmark\b.*\bmark\.model\b)", re.M)


def _folders_with_model_tests() -> set[str]:
    return {
        path.relative_to(TESTS).parts[0]
        for path in TESTS.rglob("test_*.py")
        if MODEL_MARK.search(path.read_text(encoding="utf-8"))
    }


def _make_list(name: str) -> list[str]:
    match = re.search(rf"^{name}\s*:=\s*(.+)$", MAKEFILE, re.M)
    assert match, f"Makefile: no {name}"
    return match.group(1).split()


def test_every_collected_test_has_exactly_one_tier(pytestconfig):
    seen = pytestconfig.stash[TIERS_SEEN]  # recorded at collection, before `-m` deselects
    assert any(node.startswith("tests/unit/") for node in seen)
    tiers = {node: [name for name in names if name in TIERS] for node, names in seen.items()}
    assert {node: found for node, found in tiers.items() if len(found) != 1} == {}


def test_a_test_that_needs_the_model_is_never_fast(pytestconfig):
    seen = pytestconfig.stash[TIERS_SEEN]
    model_tests = {node: names for node, names in seen.items() if "model" in names}
    assert {node: names for node, names in model_tests.items() if sorted(names) != ["e2e", "model"]} == {}


def test_every_folder_of_tests_has_a_tier():
    assert set(FOLDER_TIERS) == _folders_with_tests()
    assert set(FOLDER_TIERS.values()) == set(TIERS)


def test_the_tier_markers_are_registered(pytestconfig):
    registered = {line.split(":")[0].strip() for line in pytestconfig.getini("markers")}
    assert set(TIERS) | {"model"} <= registered
    assert "--strict-markers" in pytestconfig.getini("addopts")


@pytest.mark.parametrize("tier", TIERS)
def test_each_make_target_runs_its_tier_on_the_right_folders(tier):
    folders = {folder for folder, its_tier in FOLDER_TIERS.items() if its_tier == tier}
    if tier == "e2e":  # the `model` tests in fast folders
        folders |= {f for f in _folders_with_model_tests() if FOLDER_TIERS[f] == "fast"}
    variable = f"{tier.upper()}_TESTS"
    assert sorted(_make_list(variable)) == sorted(f"tests/{folder}" for folder in folders)
    recipe = re.search(rf"^test-{tier}:.*\n((?:\t.*\n)+)", MAKEFILE, re.M)
    assert recipe, f"Makefile: no target test-{tier}"
    assert re.search(rf"-m pytest -m {tier}\b.*\$\({variable}\)", recipe.group(1))
    assert f"make test-{tier}" in MAKEFILE.split("\nhelp:")[1]  # listed in `make help`


def test_make_test_still_runs_every_test():
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", MAKEFILE, re.M).group(1)
    assert recipe.rstrip().endswith("$(VENV_PY) -m pytest")  # no -m, no paths: every tier
    assert (TESTS.parent / ".ci" / "run").read_text(encoding="utf-8").rstrip().endswith("make test")
