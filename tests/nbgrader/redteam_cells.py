"""The red team's notebook cells: what a student's extra cells try during `nbgrader autograde`.

One cell tries every attack and prints one line per attack, `REDTEAM {"attack": ..., "got": ...}`,
where got starts with "blocked:" (and the exception) or "SUCCEEDED:". The targets (absolute paths
of the instructor's machine, the listener's port, a secret in the instructor's environment) are
filled in by the test: a real attacker would guess them, or read them from the kernel's own cwd.
Writes into files that must keep their content only open them for writing, or append a marker,
so that a failing sandbox shows in the test instead of corrupting the run.
"""
from __future__ import annotations

import json

REPORT_PREFIX = "REDTEAM "

ATTACKS = r'''# A student's extra cell: everything the autograde kernel should not be able to do.
import json, os, socket, sqlite3, subprocess, sys
T = json.loads({targets!r})

def report(name, attack):
    try:
        got = "SUCCEEDED: " + str(attack())
    except BaseException as exc:
        got = f"blocked: {{type(exc).__name__}}: {{exc}}"
    print({prefix!r} + json.dumps({{"attack": name, "got": got}}), flush=True)

def append(path, text="\n# mallory was here\n"):
    with open(path, "a") as f:
        f.write(text)
    return f"appended to {{path}}"

def open_for_writing(path):
    with open(path, "r+b"):
        return f"opened {{path}} for writing"

def rewrite_gradebook():
    db = sqlite3.connect(f"file:{{T['gradebook']}}?mode=rw", uri=True)
    db.execute("UPDATE grade SET auto_score = ?", (T["score"],))
    db.commit()
    return f"set every auto_score in {{T['gradebook']}} to {{T['score']}}"

def connect(host):
    with socket.create_connection((host, T["port"]), timeout=3) as s:
        s.sendall(b"mallory")
    return f"sent to {{host}}:{{T['port']}}"

def daemon():
    child = subprocess.Popen([sys.executable, "-c", T["daemon"], json.dumps(T), str(os.getpid())],
                             start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return f"started a daemon (pid {{child.pid}} here) that acts once this kernel is gone"

def plant_links():
    for name in ("results.json", "exercise2.ipynb"):  # the writer's and nbgrader's next writes
        if os.path.lexists(name):
            os.remove(name)
        os.symlink(T["gradebook"], name)
    return f"links to {{T['gradebook']}} in {{os.getcwd()}}"

report("write the grader's code", lambda: append(os.path.join(T["repo"], "autograder", T["planted"]), "x = 1\n"))
report("open the grader's engine.py for writing", lambda: open_for_writing(os.path.join(T["repo"], "autograder", "engine.py")))
report("rewrite gradebook.db", rewrite_gradebook)
report("open gradebook.db for writing", lambda: open_for_writing(T["gradebook"]))
report("write another student's submitted folder", lambda: append(T["victim_submitted"]))
report("write another student's autograded folder", lambda: append(T["victim_autograded"]))
report("read another student's notebook", lambda: len(open(T["victim_notebook"]).read()))
report("read the home folder", lambda: open(os.path.join(T["home"], "canary.txt")).read())
report("write the home folder", lambda: append(os.path.join(T["home"], "mallory.txt")))
report("read solution/", lambda: open(os.path.join(T["repo"], "solution", "two_layer_net.py")).read()[:60])
report("read the instructor's environment", lambda: os.environ[T["secret_name"]])
for host in T["hosts"]:
    report(f"connect to the host's listener at {{host}}", lambda: connect(host))
report("start a daemon", daemon)
report("plant links for nbgrader's writes", plant_links)
'''

# The daemon: waits for the kernel that started it to be gone (the end of the notebook), then
# keeps trying for a minute what the kernel could not do in front of the test. argv: targets, pid.
DAEMON = r'''import json, os, socket, sqlite3, sys, time
T, kernel = json.loads(sys.argv[1]), int(sys.argv[2])
if os.fork():
    os._exit(0)
os.setsid()
while True:
    try:
        os.kill(kernel, 0)
        time.sleep(0.2)
    except OSError:
        break
for _ in range(120):
    for path in (T["victim_autograded"], os.path.join(T["home"], "daemon.txt")):
        try:
            with open(path, "a") as f:
                f.write("\n# mallory's daemon was here\n")
        except OSError:
            pass
    try:
        with socket.create_connection(("127.0.0.1", T["port"]), timeout=1) as s:
            s.sendall(b"daemon")
    except OSError:
        pass
    time.sleep(0.5)
'''


def attack_cell(targets: dict) -> str:
    """The attack cell's source, with the targets (and the daemon's code) filled in."""
    return ATTACKS.format(targets=json.dumps({**targets, "daemon": DAEMON}), prefix=REPORT_PREFIX)


def attack_results(cell_outputs: list) -> dict[str, str]:
    """{attack: what it got} from the attack cell's outputs in the autograded notebook."""
    text = "".join(o.get("text", "") for o in cell_outputs if o.get("output_type") == "stream")
    found = {}
    for line in text.splitlines():
        if line.startswith(REPORT_PREFIX):
            entry = json.loads(line[len(REPORT_PREFIX):])
            found[entry["attack"]] = entry["got"]
    return found


# A cell that outlasts the notebook's limit (the test sets nbgrader's per-cell limit above it:
# a notebook of many cells, each just under the per-cell limit, would otherwise run for hours).
HANG = '''import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)  # nor would an interrupt stop it
while True:
    pass'''
