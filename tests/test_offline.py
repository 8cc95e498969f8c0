"""Nothing phones home: index, ask and the web app with no network at all, and every connection attempt logged.

(The tests' own process is guarded by an audit hook in conftest.py; the first test checks that hook.)

The steps run inside a fresh network namespace (`unshare -n`, only loopback brought up), so nothing
can leave the machine whatever a library tries. Because a blocked attempt could fail silently (a
telemetry thread swallows its error), every Python process in there also carries an audit hook
(`sitecustomize.py` on PYTHONPATH) that logs each socket connect, send or name lookup that is not
for loopback; the log must hold nothing but the deliberate canary that proves the hook works.

Steps: `chatbot index` over the seed articles with the real model, `chatbot ask`, then `python app.py`
(with GRADIO_ANALYTICS_ENABLED=True in its environment: the app must switch analytics off itself),
its page fetched over loopback, `/ask` called through gradio_client, and the page loaded in headless
Chromium, where a question is asked and answered, with every request the page makes recorded: all
must go to 127.0.0.1 (no CDN, fonts or analytics).
The offline switches the conftest sets (HF_HUB_OFFLINE, ...) are removed from the children's
environment, so the package has to set them itself.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SEEDS, free_port


BIN = Path(sys.executable).parent
OWN_SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "GRADIO_ANALYTICS_ENABLED",
                "ANONYMIZED_TELEMETRY")
CANARY = ("192.0.2.1", 80)  # TEST-NET-1: never routable; the driver tries it once to prove the hook logs

SITECUSTOMIZE = '''
import os, sys
_LOG = os.environ.get("NET_AUDIT_LOG")
_LOCAL = ("127.", "::1", "localhost", "0.0.0.0", "::ffff:127.")

def _remote(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return host not in (None, "", "::") and not str(host).startswith(_LOCAL)

def _hook(event, args):
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        address = args[-1] if event != "socket.connect" else args[1]
        if isinstance(address, tuple) and address and _remote(address[0]):
            _write(f"{event} {address[0]}:{address[1] if len(address) > 1 else ''}")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex") and args:
        if _remote(args[0]):
            _write(f"{event} {args[0]!r}")

def _write(line):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {' '.join(sys.argv)[:200]}: {line}\\n")

if _LOG:
    with open(_LOG + ".processes", "a", encoding="utf-8") as processes:
        processes.write(f"{os.getpid()} {' '.join(sys.argv)[:200]}\\n")
    sys.addaudithook(_hook)
'''

DRIVER = '''
import json, os, re, socket, subprocess, sys, time, urllib.request
bin_dir, articles, index, port, out = sys.argv[1:6]
result = {}

def run(*args, **kwargs):
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=900, **kwargs)
    return {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr[-3000:]}

try:  # the canary: must fail (no network) and must be logged (the hook works)
    socket.create_connection(("192.0.2.1", 80), timeout=2).close()
    result["canary"] = "connected"
except OSError as error:
    result["canary"] = type(error).__name__
paths = ["--articles", articles, "--index", index]
result["index"] = run(f"{bin_dir}/chatbot", *paths, "index")
result["ask"] = run(f"{bin_dir}/chatbot", *paths, "ask", "Which judge threw out the primary?")
env = {**os.environ, "CHATBOT_ARTICLES": articles, "CHATBOT_INDEX": index, "CHATBOT_PORT": port,
       "GRADIO_ANALYTICS_ENABLED": "True"}
log = open(os.path.join(os.path.dirname(out), "app.log"), "w")
app = subprocess.Popen([sys.executable, "app.py"], env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
url = f"http://127.0.0.1:{port}/"
try:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and app.poll() is None:
        if "Serving the chat on" in open(log.name, encoding="utf-8").read():
            break
        time.sleep(0.5)
    result["page"] = urllib.request.urlopen(url, timeout=60).read().decode("utf-8", "replace")
    # The test's own client must not phone home either: gradio_client reports analytics unless told not
    # to, and huggingface_hub (which it imports) fetches an agent registry from huggingface.co unless offline.
    os.environ.update(GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", HF_HUB_DISABLE_TELEMETRY="1")
    from gradio_client import Client
    answer = Client(url, verbose=False).predict("Which judge threw out the primary?", api_name="/ask")
    result["api"] = answer
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update"])
        page = browser.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url, wait_until="load", timeout=120_000)  # not networkidle: the queue keeps a stream open
        box = page.locator("#question textarea")
        box.wait_for(timeout=120_000)
        box.fill("Which judge threw out the primary?")
        box.press("Enter")
        page.get_by_text("William Clark").first.wait_for(timeout=120_000)
        page.wait_for_timeout(2000)  # late requests (fonts, analytics) would show up here
        result["title"] = page.title()
        result["requests"] = requests
        browser.close()
except Exception as error:
    result["error"] = repr(error)[:3000]
finally:
    app.terminate()
    try:
        app.wait(30)
    except subprocess.TimeoutExpired:
        app.kill()
    log.close()
    result["app_log"] = open(log.name, encoding="utf-8").read()[-5000:]
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
'''


def namespace_command() -> list[str]:
    """`unshare -n` as root, `unshare -rn` otherwise; fails the test (never skips) when neither works here."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.fail("`unshare` (util-linux) is missing, so the no-network check cannot run; install util-linux.")
    for command in ([unshare, "-n"], [unshare, "-rn"]):
        if subprocess.run([*command, "true"], capture_output=True).returncode == 0:
            return command
    pytest.fail("`unshare -n` and `unshare -rn` are both refused here (no user namespaces?), so the "
                "no-network check cannot run; allow unprivileged user namespaces or run the suite as root.")


def test_the_suite_itself_refuses_the_network():
    """conftest's audit hook: an attempt from this process is refused even when the caller swallows the error."""
    import conftest

    before = len(conftest._OUTSIDE)
    try:
        with pytest.raises(OSError, match="may not use the network"):
            socket.create_connection(CANARY, timeout=1)
        assert conftest._OUTSIDE[before:] == [f"socket.getaddrinfo {CANARY[0]}"]
    finally:
        del conftest._OUTSIDE[before:]  # the canary is not a failure of this test


@pytest.mark.model
@pytest.mark.browser
def test_index_ask_and_the_web_app_need_no_network(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "articles")
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    (tmp_path / "driver.py").write_text(DRIVER, encoding="utf-8")
    audit = tmp_path / "net-audit.log"
    out = tmp_path / "result.json"
    env = {key: value for key, value in os.environ.items() if key not in OWN_SWITCHES}
    env.update(NET_AUDIT_LOG=str(audit), PYTHONPATH=os.pathsep.join(filter(None, [str(guard), env.get("PYTHONPATH")])),
               NO_PROXY="localhost,127.0.0.1", no_proxy="localhost,127.0.0.1")
    script = ('ip link set lo up 2>/dev/null || python3 -c "" ; '
              'if (exec 3<>/dev/tcp/1.1.1.1/53) 2>/dev/null; then echo NETWORK-REACHABLE; exit 3; fi; '
              f'exec "{sys.executable}" "{tmp_path / "driver.py"}" "{BIN}" "{tmp_path / "articles"}" '
              f'"{tmp_path / "index"}" {free_port()} "{out}"')
    done = subprocess.run([*namespace_command(), "bash", "-c", script], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=1500)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, f"{result['error']}\n{result.get('app_log', '')}"

    assert result["canary"] != "connected", "the namespace has a network: the check would prove nothing"
    for step in ("index", "ask"):
        assert result[step]["code"] == 0 and "Traceback" not in result[step]["stderr"], result[step]
    assert "4 articles" in result["index"]["stdout"]
    assert "William Clark" in result["ask"]["stdout"] and "Sources:" in result["ask"]["stdout"]
    assert "Serving the chat on http://127.0.0.1:" in result["app_log"], result["app_log"]
    assert "Traceback" not in result["app_log"], result["app_log"]
    assert "<title>" in result["page"] or "gradio" in result["page"].lower()
    assert "William Clark" in json.dumps(result["api"])
    assert result["title"] == "News archive chat" and result["requests"]
    remote = [url for url in result["requests"] if not url.startswith(("http://127.0.0.1:", "data:", "blob:"))]
    assert remote == [], f"the page asked for outside resources: {remote}"

    attempts = audit.read_text(encoding="utf-8").splitlines() if audit.exists() else []
    canary = [line for line in attempts if CANARY[0] in line]
    others = [line for line in attempts if line not in canary]
    assert any(f"socket.connect {CANARY[0]}:{CANARY[1]}" in line for line in canary), \
        "the audit hook did not log the canary, so it would miss real attempts too"
    assert others == [], "connection attempts to the outside:\n" + "\n".join(others)
    processes = (tmp_path / "net-audit.log.processes").read_text(encoding="utf-8")
    assert "chatbot" in processes and "app.py" in processes  # the hook ran in the CLI and the app too
