"""Offline stand-in for the pip bootstrap script ansible-test downloads.

ansible-test fetches ``get_pip_24_2.py`` from the internet to create pip in the
environments it builds. This machine only reaches the package mirrors, so the
test harness copies this file to ``~/.ansible/test/cache/get_pip_24_2.py``.

It copies ``os.environ`` before anything else (``ensurepip`` blanks pip's
configuration in ``os.environ``, which would hide the mirror), bootstraps pip
with ``ensurepip`` and then runs ``python -m pip install`` with the arguments
it was given, minus the options only the real get-pip understands.
"""

import ensurepip
import os
import subprocess
import sys

SAVED_ENVIRONMENT = dict(os.environ)
DROPPED_OPTIONS = ("--no-setuptools", "--no-wheel")


def main():
    ensurepip.bootstrap()
    arguments = [arg for arg in sys.argv[1:] if arg not in DROPPED_OPTIONS]
    command = [sys.executable, "-m", "pip", "install"] + arguments
    return subprocess.call(command, env=SAVED_ENVIRONMENT)


if __name__ == "__main__":
    sys.exit(main())
