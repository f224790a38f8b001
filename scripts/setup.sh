#!/usr/bin/env bash
# Installs what the kit needs beyond npm packages, only when it is missing, and says what
# it does: Jupyter (Debian packages), the tslab kernel, and Chromium for figure export.
# Safe to run again: each step checks first. See environment.md.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  # Exit 3: the environment, not the data or the command line (the kit's exit codes).
  say "Node $node_major found; the kit needs Node 20 or newer"; exit 3
fi

if [ ! -x node_modules/.bin/tslab ]; then
  say "npm packages missing: running npm ci"
  npm ci
fi

apt_missing=()
/usr/bin/python3 -c 'import nbconvert, nbclient, jupyter_client, ipykernel' 2>/dev/null \
  || apt_missing+=(jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)
# nbconvert's HTML export loads these from /usr/share/javascript; without them the exported
# notebooks still draw their figures but the browser logs missing-file errors.
[ -f /usr/share/javascript/requirejs/require.min.js ] || apt_missing+=(libjs-requirejs)
[ -f /usr/share/javascript/mathjax/MathJax.js ] || apt_missing+=(libjs-mathjax)
if [ ${#apt_missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      say "need Debian packages ${apt_missing[*]} but am not root and have no sudo; install them and rerun"; exit 3
    fi
  fi
  say "installing Debian packages: ${apt_missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
else
  say "Jupyter (Debian), Chromium and the notebook HTML scripts already installed"
fi

export PATH="$PWD/node_modules/.bin:$PATH"
kernels=$(/usr/bin/python3 -m jupyter kernelspec list 2>/dev/null || true)
if printf '%s\n' "$kernels" | grep -q '^ *tslab '; then
  say "tslab kernel already registered"
else
  say "registering the tslab kernel for /usr/bin/python3"
  tslab install --python=/usr/bin/python3 >/dev/null
fi

if [ ! -f dist/index.js ] || [ -n "$(find src -newer dist/index.js -name '*.ts' -print -quit 2>/dev/null)" ]; then
  say "building the kit (tsc)"
  npx tsc -p tsconfig.json
fi
say "ready"
