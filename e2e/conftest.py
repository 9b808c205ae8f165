"""Real-browser journeys: Playwright drives Debian's Chromium (never a downloaded build) against the live server.

On a laptop without /usr/bin/chromium these tests skip with one line; under CI (.ci/run installs Chromium) a
missing browser fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import UNDER_CI

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
# Flags for a closed network: without them Chromium keeps trying to reach Google's services.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


# Playwright's sync API runs an event loop in the test thread, and the database fixtures (world, the flush
# after each transactional test) make ordinary synchronous ORM calls there, so Django's async guard must be off
# for this test process. mentoring/tests/test_production_settings.py keeps it out of the processes it starts.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"no browser at {CHROMIUM} (apt-get install chromium)"
        if UNDER_CI:
            pytest.fail(f"{message}; CI requires it.")
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(params=list(VIEWPORTS))
def screen(request, browser):
    """A fresh browser context at desktop or phone width; ``screen.shot(name)`` saves a screenshot artifact."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(10_000)

    def shot(name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{name}-{request.param}.png", full_page=True)

    page.shot = shot
    page.width_name = request.param
    yield page
    context.close()
