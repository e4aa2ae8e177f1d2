"""Run the app with `streamlit run` on localhost and drive it (browser tests and screenshots)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium; Playwright downloads no browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_index(data_dir: Path) -> None:
    """Build the index of the shipped corpus into data_dir with the project's own CLI."""
    subprocess.run([sys.executable, "-m", "ingest", "build"], cwd=PROJECT_ROOT, check=True,
                   env={**os.environ, "CSC_DATA_DIR": str(data_dir)}, stdout=subprocess.DEVNULL)


def start_app(data_dir: Path, log_file: Path, timeout: float = 60, *,
              env: Mapping[str, str] | None = None, args: Sequence[str] = (),
              port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on data_dir; return the process and its URL once healthy.
    ``env`` adds environment variables, ``args`` streamlit options (e.g. --secrets.files),
    ``port`` a port chosen beforehand (one the app must know in advance, as in a redirect URI)."""
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", *args]
    with open(log_file, "wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, "CSC_DATA_DIR": str(data_dir), **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.2)
    stop_app(process)
    log = log_file.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"streamlit did not become healthy at {url}:\n{log}")


def stop_app(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_app(data_dir: Path, log_file: Path, *, env: Mapping[str, str] | None = None,
                args: Sequence[str] = (), port: int | None = None) -> Iterator[str]:
    """The app's URL while it runs on data_dir (options as for start_app); stopped on exit."""
    process, url = start_app(data_dir, log_file, env=env, args=args, port=port)
    try:
        yield url
    finally:
        stop_app(process)


def wait_for_rerun(page: Page) -> None:
    """Wait until the script run has finished, so no stale element of the previous run is left."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.locator("[data-stale=true]")).to_have_count(0)


def open_page(page: Page, name: str, heading: str | None = None) -> None:
    """Open a page from the sidebar and wait until its own run has drawn it (its title first:
    until the new run starts, the previous page's elements are not yet marked stale)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=heading or name, exact=True)).to_be_visible()
    wait_for_rerun(page)


def open_grid_cell(page: Page, editor: Locator, x: int, moves_right: int) -> Locator:
    """The input of a data editor's cell: the first row's cell at ``x`` pixels, then
    ``moves_right`` cells to the right, opened with Enter. The grid is a canvas that a busy
    machine may draw late, so a click that found no cell is tried again."""
    editor.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the grid draws on its canvas after its box is laid out
    box = editor.bounding_box()
    assert box is not None
    cell = page.locator("input.gdg-input")
    for _ in range(3):
        page.mouse.click(box["x"] + x, box["y"] + 35 + 17)
        for _ in range(moves_right):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            cell.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            page.wait_for_timeout(1_000)
    expect(cell).to_be_visible()
    return cell


def save_full_page(page: Page, path: Path) -> None:
    """Screenshot of the whole page (Streamlit scrolls inside stMain: grow the viewport)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    main = page.get_by_test_id("stMain")
    size = page.viewport_size or {"width": 1280, "height": 900}
    height = main.evaluate("main => main.scrollHeight") if main.count() else size["height"]
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(size)
