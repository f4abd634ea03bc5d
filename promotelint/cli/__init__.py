"""The command line: options into a request, promotelint.app runs it, the report is printed, the
exit code returned (0 safe, 1 blocking findings, 2 usage/input/config error, 3 internal error).

The commands and their options are declared for typer in cli/commands.py (options in
cli/options.py); what each does, in cli/actions.py; what is written where, in cli/output.py. The
plain invocations of the hot commands skip typer (cli/quick.py): a gate starts in half the time."""

from __future__ import annotations

import atexit
import gc
import os
import sys

from promotelint.model.errors import EXIT_INPUT, EXIT_INTERNAL, InputError


def main() -> None:
    # A run is one short process: it runs without the cycle collector. Its passes over every object
    # the run keeps (the modules as they load, then the templates and change sets) were ~4% of a
    # cold start (instructions) and a fifth of a repository's check (wall time). What a run frees, reference counting frees:
    # tests/test_cycles.py holds the pipeline free of reference cycles.
    gc.disable()
    # Python's exit still runs one collection over every object left, after the exit functions
    # (6% of a cold check's instructions). Frozen at exit, those are left to reference counting
    # too (atexit calls the first registered last: after the tempfile and multiprocessing ones).
    atexit.register(gc.freeze)
    from promotelint.cli import actions, quick

    for stream in (sys.stdout, sys.stderr):  # a template may hold text no encoding can write
        stream.reconfigure(errors="backslashreplace")
    invocation = quick.read(sys.argv[1:])
    try:
        if invocation is None:
            from promotelint.cli.commands import app

            app()  # standalone mode: exits; click reports usage errors itself (2), anything else reaches us
            code = 0
        else:
            actions.DEBUG = invocation.debug
            code = quick.action(invocation.command)(**invocation.values)
            sys.stdout.flush()
    except BrokenPipeError:  # `promotelint check | head`: quietly, with click's exit code
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (Python's documented way)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - any failure but bad input is ours, never a "blocking" 1
        if actions.DEBUG:
            raise
        if isinstance(exc, InputError):
            print(f"promotelint: error: {exc}", file=sys.stderr)
            sys.exit(EXIT_INPUT)
        print(f"promotelint: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in promotelint; please report it with the command you ran "
              "(rerun with --debug for the traceback).", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code)
