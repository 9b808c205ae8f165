"""Every app's tests run: pytest only collects the folders named in pytest.ini's ``testpaths``, so an app whose
folder is missing there would have its tests silently left out of ``make test`` and CI."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_every_folder_with_tests_is_in_testpaths():
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    listed = set(config["pytest"]["testpaths"].split())
    folders = [path for path in ROOT.iterdir() if path.is_dir() and not path.name.startswith((".", "var"))]
    with_tests = {folder.name for folder in folders if next(folder.glob("**/test_*.py"), None) is not None}
    assert with_tests - listed == set(), "add these folders to testpaths in pytest.ini"
