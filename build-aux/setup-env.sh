# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
#
# Shared by build-aux/demo and build-aux/check (sourced, not run): on a
# fresh Debian 12 machine, installs the packages the build and every test
# suite need, then configures and builds the project.

# Everything the library, its bindings, docs, examples and test suites use.
ASYNCSYNC_PACKAGES=(
  build-essential meson ninja-build pkg-config
  libglib2.0-dev libglib2.0-dev-bin libglib2.0-doc
  gobject-introspection libgirepository1.0-dev gir1.2-glib-2.0
  python3-gi gjs valac
  gtk-doc-tools xsltproc docbook-xml docbook-xsl
  valgrind clang libclang-rt-14-dev llvm
  libgtk-4-dev gir1.2-gtk-4.0 xvfb xauth imagemagick
  python3-matplotlib gnuplot-nox
)

# The build directory; build-aux/check and build-aux/demo use _build.
ASYNCSYNC_BUILDDIR=${ASYNCSYNC_BUILDDIR:-_build}

asyncsync_log () {
  printf '==> %s\n' "$*" >&2
}

# Runs "$@" as root: directly when root, else through sudo.
asyncsync_as_root () {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    asyncsync_log "need root to run: $* (install sudo or run as root)"
    return 1
  fi
}

asyncsync_is_installed () {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# Installs whichever of ASYNCSYNC_PACKAGES is missing; does nothing (no
# apt-get update either) when all are there.
asyncsync_install_packages () {
  local missing=() available=() pkg

  for pkg in "${ASYNCSYNC_PACKAGES[@]}"; do
    asyncsync_is_installed "$pkg" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0

  asyncsync_log "installing: ${missing[*]}"
  asyncsync_as_root apt-get -q update || return
  for pkg in "${missing[@]}"; do
    # grep without -q: under pipefail, an early exit could SIGPIPE apt-cache.
    if apt-cache policy "$pkg" 2>/dev/null | grep '^ *Candidate: [^(]' >/dev/null; then
      available+=("$pkg")
    else
      asyncsync_log "package $pkg does not exist here: skipped"
    fi
  done
  [ "${#available[@]}" -eq 0 ] && return 0

  asyncsync_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -q -y --no-install-recommends "${available[@]}"
}

# asyncsync_configure BUILDDIR [MESON OPTION...]: meson setup, or
# --reconfigure when BUILDDIR is already configured.
asyncsync_configure () {
  local builddir=$1
  shift

  if [ -f "$builddir/meson-private/coredata.dat" ]; then
    meson setup --reconfigure "$builddir" "$@"
  else
    meson setup "$builddir" "$@"
  fi
}

# Installs what is missing, then configures and builds ASYNCSYNC_BUILDDIR
# with warnings as errors.  Run from the top of the source tree.
# Fails at the first step that fails, even where errexit is off.
asyncsync_setup () {
  asyncsync_install_packages &&
    asyncsync_configure "$ASYNCSYNC_BUILDDIR" -Dwerror=true &&
    meson compile -C "$ASYNCSYNC_BUILDDIR"
}
