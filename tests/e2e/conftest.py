"""Every test under tests/e2e/ is marked `e2e` (docs/testing.md: which tier to run when)."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def departement(tmp_path_factory):
    """The generated département after its first night, shared by every read-only test."""
    from tests.support.departement import build_departement

    return build_departement(tmp_path_factory.mktemp("departement"))


@pytest.fixture
def departement_copy(departement, tmp_path):
    """A copy of it, for a test that changes something (another night, an erasure)."""
    from tests.support.departement import copy_departement

    return copy_departement(departement, tmp_path / "departement")
