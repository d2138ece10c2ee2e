# tap.py: runs a test script's functions in turn and reports them in TAP, as meson reads
# it: "ok N - name", or "not ok N - name" with the traceback as comments (and on stderr).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import sys
import traceback


def run(tests):
    """Runs every function in tests; returns the exit status (1 when any failed)."""
    print(f"1..{len(tests)}", flush=True)
    failed = 0
    for number, function in enumerate(tests, 1):
        try:
            function()
            print(f"ok {number} - {function.__name__}", flush=True)
        except Exception:
            failed += 1
            print(f"not ok {number} - {function.__name__}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
            sys.stdout.flush()
            # meson prints a failed test's stderr, not its TAP comments
            print(f"{function.__name__}:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
    return 1 if failed else 0
