#!/usr/bin/env bash
# Vulkan for the WebGPU tests: the Vulkan loader (libvulkan1) and Mesa's software Vulkan driver,
# lavapipe (mesa-vulkan-drivers), at Mesa >= 24: Dawn refuses older lavapipe (Debian 12's own Mesa
# 22.3 lacks shaderUniform*ArrayDynamicIndexing). On Debian 12 that Mesa comes from the
# bookworm-backports suite of the mirror the system already uses.
#
# Idempotent: does nothing when both are installed. Exits 0 when the driver is there (already or
# now), 1 with one sentence saying why when it cannot install it (not root, no apt, apt failed);
# the WebGPU tests then skip, saying what to install.
set -euo pipefail

MIN_MESA=24
APT=(apt-get -o DPkg::Lock::Timeout=600 -q)

mesa_major() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/'; }
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = 'install ok installed' ]; }
say() { echo "vulkan.sh: $*" >&2; }

if command -v dpkg-query >/dev/null 2>&1 && installed libvulkan1 && installed mesa-vulkan-drivers && [ "$(mesa_major)" -ge "$MIN_MESA" ]; then
  say "libvulkan1 and mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) (lavapipe) are installed."
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "no apt-get here; install the Vulkan loader and Mesa >= $MIN_MESA's lavapipe (or a GPU's Vulkan driver) to run the WebGPU tests."
  exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
    say "not root (and no password-less sudo); as root run 'bash .ci/vulkan.sh' (libvulkan1 and mesa-vulkan-drivers >= $MIN_MESA) to run the WebGPU tests."
    exit 1
  fi
fi

. /etc/os-release
CODENAME="${VERSION_CODENAME:-}"
if [ -z "$CODENAME" ]; then say "/etc/os-release names no VERSION_CODENAME; cannot pick the Debian suite for Mesa >= $MIN_MESA."; exit 1; fi

# The candidate version's major number from the lists apt has now (0 for none); args: apt-cache options.
candidate_major() { apt-cache "$@" policy mesa-vulkan-drivers 2>/dev/null | awk '/Candidate:/ { print $2 }' | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/;s/^\(none\)$/0/;s/^$/0/' | grep . || echo 0; }

# Every main-archive entry of the system's own sources (the suite named exactly $CODENAME), as
# "URIs<TAB>Signed-By", from deb822 .sources files and one-line .list files.
own_sources() {
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$CODENAME" '
      function flush() { if (deb && enabled && (" " suites " ") ~ (" " suite " ") && uris != "") print uris "\t" key; uris = ""; suites = ""; key = ""; deb = 0; enabled = 1 }
      BEGIN { enabled = 1 }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^Types:/ { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
      /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      /^Signed-By:/ { sub(/^Signed-By:[ \t]*/, ""); key = $0 }
      /^Enabled:[ \t]*no/ { enabled = 0 }
      END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v suite="$CODENAME" '
      $1 != "deb" { next }
      { key = ""; i = 2
        if ($2 ~ /^\[/) { while (i <= NF) { if ($i ~ /^\[?signed-by=/) { key = $i; sub(/^\[?signed-by=/, "", key); sub(/\]$/, "", key) } if ($i ~ /\]$/) { i++; break } i++ } }
        if ($(i + 1) == suite) print $i "\t" key }' "$f"
  done
}

BACKPORTS="$CODENAME-backports"
LIST=/etc/apt/sources.list.d/collapse-lab-$BACKPORTS.sources
"${SUDO[@]}" "${APT[@]}" update >/dev/null || say "apt-get update failed; trying with the lists apt has."
SUITE_ARGS=()
if [ "$(candidate_major)" -lt "$MIN_MESA" ]; then
  # Not in the suites already configured: add $BACKPORTS of the same mirror(s), unless a source has it.
  # One grep, no pipe: under pipefail, grep -q closing a pipe early would count as "not found".
  if ! grep -qsE "^[^#]*(^|[[:space:]])$BACKPORTS([[:space:]]|$)" /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; then
    entries="$(own_sources | sort -u)"
    if [ -z "$entries" ]; then say "no apt source for the suite '$CODENAME' in /etc/apt; cannot derive $BACKPORTS for Mesa >= $MIN_MESA."; exit 1; fi
    body=""
    while IFS=$'\t' read -r uris key; do
      body+="Types: deb"$'\n'"URIs: $uris"$'\n'"Suites: $BACKPORTS"$'\n'"Components: main"$'\n'
      if [ -n "$key" ]; then body+="Signed-By: $key"$'\n'; fi
      body+=$'\n'
    done <<<"$entries"
    say "adding $BACKPORTS of the system's own mirror(s) as $LIST"
    printf '# Added by collapse-lab .ci/vulkan.sh: Mesa >= %s (lavapipe) for the WebGPU tests.\n%s' "$MIN_MESA" "$body" | "${SUDO[@]}" tee "$LIST.tmp" >/dev/null
    "${SUDO[@]}" mv "$LIST.tmp" "$LIST"
    "${SUDO[@]}" "${APT[@]}" update >/dev/null
  fi
  SUITE_ARGS=(-t "$BACKPORTS")
fi
if [ "$(candidate_major "${SUITE_ARGS[@]}")" -lt "$MIN_MESA" ]; then
  say "apt offers mesa-vulkan-drivers $(apt-cache "${SUITE_ARGS[@]}" policy mesa-vulkan-drivers | awk '/Candidate:/ { print $2 }') at most; the WebGPU tests need Mesa >= $MIN_MESA's lavapipe."
  exit 1
fi

say "installing libvulkan1 and mesa-vulkan-drivers ${SUITE_ARGS[*]:-}..."
if ! DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" "${APT[@]}" install -y --no-install-recommends "${SUITE_ARGS[@]}" libvulkan1 mesa-vulkan-drivers; then
  say "apt-get could not install libvulkan1 and mesa-vulkan-drivers; the WebGPU tests will skip."
  exit 1
fi
say "installed libvulkan1 $(dpkg-query -W -f='${Version}' libvulkan1) and mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) (lavapipe)."
