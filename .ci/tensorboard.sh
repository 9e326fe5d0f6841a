#!/usr/bin/env bash
# TensorBoard's own Python event reader (and pandas) for the tests that read collapse-lab's event files and
# CSV exports back: test/e2e/tensorboard.test.ts, test/e2e/export.test.ts. Installs them with pip when
# they are missing; where that cannot be done it says why and the tests skip with their own message.
set -euo pipefail
PY="${PYTHON:-python3}"
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "tensorboard.sh: no $PY on PATH; install Python 3 to run the TensorBoard and CSV read-back tests." >&2
  exit 1
fi
if "$PY" -c 'import tensorboard, pandas' >/dev/null 2>&1; then
  echo "tensorboard.sh: using $("$PY" -c 'import tensorboard, pandas; print("tensorboard", tensorboard.__version__, "pandas", pandas.__version__)')"
  exit 0
fi
if ! "$PY" -m pip --version >/dev/null 2>&1; then
  echo "tensorboard.sh: $PY has no pip; install pip (Debian: python3-pip) to run the TensorBoard and CSV read-back tests." >&2
  exit 1
fi
echo "tensorboard.sh: installing tensorboard and pandas with pip..."
# Debian's Python refuses a system-wide pip install without --break-system-packages; a user install is enough here.
"$PY" -m pip install -q tensorboard pandas 2>/dev/null || "$PY" -m pip install -q --user --break-system-packages tensorboard pandas
"$PY" -c 'import tensorboard, pandas; print("tensorboard.sh: installed tensorboard", tensorboard.__version__, "pandas", pandas.__version__)'
