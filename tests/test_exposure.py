"""Who can reach the web app: loopback by default, a login when CHATBOT_AUTH is set, never a share link.

`python app.py` is started as a user would start it, with `CHATBOT_AUTH=user:password` and a free
port; anonymous and wrong-password requests (plain HTTP and gradio_client) must be refused, the
right login must get answers, and the listening socket must be bound to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from chatbot import ChatbotError, Settings
from conftest import REPO, SEEDS, free_port

USER, PASSWORD = "reader", "s3cret-pass"
JUDGE = "Which judge threw out the primary?"


def app_env(tmp_path, port: int, **extra) -> dict[str, str]:
    return {**os.environ, "CHATBOT_ARTICLES": str(tmp_path / "articles"), "CHATBOT_INDEX": str(tmp_path / "index"),
            "CHATBOT_PORT": str(port), **extra}


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port`, from /proc/net/tcp and tcp6 (e.g. {"127.0.0.1"})."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        with open(table, encoding="ascii") as handle:
            for line in handle.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    if width == 8:
                        found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                    else:
                        raw = b"".join(bytes.fromhex(address[i:i + 8])[::-1] for i in range(0, 32, 8))
                        found.add(socket.inet_ntop(socket.AF_INET6, raw))
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`python app.py` with a login, on 127.0.0.1 by default; yields its URL and port."""
    root = tmp_path_factory.mktemp("exposed")
    shutil.copytree(SEEDS, root / "articles")
    port = free_port()
    log = open(root / "app.log", "w+")
    app = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, stdout=log, stderr=subprocess.STDOUT, text=True,
                           env=app_env(root, port, CHATBOT_AUTH=f"{USER}:{PASSWORD}"))
    try:
        deadline = time.monotonic() + 600
        while "Serving the chat on" not in (root / "app.log").read_text() and app.poll() is None:
            assert time.monotonic() < deadline, "the app did not start within 10 minutes"
            time.sleep(0.5)
        assert app.poll() is None, (root / "app.log").read_text()
        yield f"http://127.0.0.1:{port}/", port, (root / "app.log")
    finally:
        app.terminate()
        try:
            app.wait(30)
        except subprocess.TimeoutExpired:
            app.kill()
        log.close()


@pytest.mark.model
def test_an_app_with_a_login_refuses_anonymous_http(served):
    url, _, _ = served
    page = urllib.request.urlopen(url, timeout=60).read().decode("utf-8", "replace")
    assert "News archive chat" not in page and "William Clark" not in page  # the login form's shell only
    ask = urllib.request.Request(url + "gradio_api/call/ask", data=json.dumps({"data": [JUDGE]}).encode(),
                                 headers={"Content-Type": "application/json"})
    for request in (url + "config", url + "gradio_api/info", ask):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=60)
        assert refused.value.code == 401, refused.value.read()[:300]


@pytest.mark.model
def test_an_app_with_a_login_refuses_gradio_client_without_the_right_password(served):
    from gradio_client import Client

    from gradio_client.exceptions import AuthenticationError

    url, _, _ = served
    with pytest.raises(AuthenticationError, match="credentials were not provided"):
        Client(url, verbose=False).predict(JUDGE, api_name="/ask")
    with pytest.raises(ValueError, match="Could not login"):
        Client(url, auth=(USER, "wrong"), verbose=False).predict(JUDGE, api_name="/ask")
    answer = Client(url, auth=(USER, PASSWORD), verbose=False).predict(JUDGE, api_name="/ask")
    assert "William Clark" in answer["text"] and not answer["refused"]


@pytest.mark.model
def test_the_app_listens_on_loopback_only_and_makes_no_share_link(served):
    url, port, log = served
    assert listening_addresses(port) == {"127.0.0.1"}
    output = log.read_text()
    assert f"Serving the chat on {url}" in output
    assert "gradio.live" not in output and "share" not in output.lower().replace("share=true", "")


def test_the_default_host_is_loopback():
    assert Settings().host == "127.0.0.1" and Settings.from_env({}).host == "127.0.0.1"
    assert Settings.from_env({"CHATBOT_HOST": "0.0.0.0"}).host == "0.0.0.0"  # only when told


def test_share_links_are_refused(fake_archive):
    from chatbot.ui import create_app

    demo = create_app(fake_archive)
    assert demo.analytics_enabled is False
    with pytest.raises(ChatbotError, match="never shared through a public link"):
        demo.launch(share=True, prevent_thread_lock=True)
    assert demo.share is not True and getattr(demo, "share_url", None) is None


def test_a_malformed_login_setting_is_one_sentence(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "articles")
    result = subprocess.run([sys.executable, "app.py"], cwd=REPO, capture_output=True, text=True, timeout=300,
                            env=app_env(tmp_path, free_port(), CHATBOT_AUTH="no-colon-here"))
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: CHATBOT_AUTH must look like user:password; fix or unset it."


def test_analytics_stay_off_even_when_the_environment_turns_them_on():
    code = "import os, chatbot.ui; print(os.environ['GRADIO_ANALYTICS_ENABLED'])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "True"})
    assert result.returncode == 0 and result.stdout.strip() == "False", result.stderr[-2000:]
