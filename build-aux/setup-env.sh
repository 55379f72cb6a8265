# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
#
# Shared by build-aux/demo, build-aux/check and build-aux/check-debian
# (sourced, not run): on a fresh Debian 12, Debian 13 or Debian testing
# machine, installs the packages the build and every test suite need, then
# configures and builds the project.

# Everything the library, its bindings, docs, examples and test suites use,
# on every release.
ASYNCSYNC_PACKAGES=(
  build-essential meson ninja-build pkg-config
  libglib2.0-dev libglib2.0-dev-bin libglib2.0-doc
  gobject-introspection libgirepository1.0-dev gir1.2-glib-2.0
  python3-gi gjs valac
  gtk-doc-tools xsltproc docbook-xml docbook-xsl
  valgrind clang libclang-rt-dev llvm
  libgtk-4-dev gir1.2-gtk-4.0 xvfb xauth imagemagick
  python3-matplotlib gnuplot-nox
  graphviz chromium
)

# What only some releases have: chosen by release, so that a package
# missing where it should exist fails the set-up instead of silently
# skipping the tests that need it.
asyncsync_release_packages () {
  local codename

  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  case "$codename" in
    bookworm) ;;                   # no libdex before Debian 13
    *)        echo libdex-dev ;;   # trixie (libdex 0.10), testing and later
  esac
}

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

# asyncsync_install_packages_named PACKAGE...: installs whichever of the
# PACKAGEs is missing; does nothing (no apt-get update either) when all are
# there, and fails if one does not exist in this release.
asyncsync_install_packages_named () {
  local missing=() pkg

  for pkg in "$@"; do
    asyncsync_is_installed "$pkg" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0

  asyncsync_log "installing: ${missing[*]}"
  asyncsync_as_root apt-get -q update || return
  asyncsync_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -q -y --no-install-recommends "${missing[@]}"
}

# Installs what the build and every test suite need on this release.
asyncsync_install_packages () {
  local release_packages

  release_packages=$(asyncsync_release_packages)
  # shellcheck disable=SC2086 # one package name per word
  asyncsync_install_packages_named "${ASYNCSYNC_PACKAGES[@]}" $release_packages
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

# Prints one line naming the release and the versions the build and the
# tests use, for the check's summary.
asyncsync_describe_platform () {
  local release parts=() version module

  release=$(. /etc/os-release && echo "${PRETTY_NAME:-unknown}")
  for module in glib-2.0 gobject-introspection-1.0 gtk4 libdex-1; do
    version=$(pkg-config --modversion "$module" 2>/dev/null) || version=none
    parts+=("$module $version")
  done
  version=$(/usr/bin/python3 -c 'import gi, sys; print(gi.__version__, "on Python", sys.version.split()[0])' 2>/dev/null) ||
    version=none
  parts+=("PyGObject $version")
  version=$(gjs --version 2>/dev/null | sed 's/^gjs //') || version=none
  parts+=("GJS $version")
  version=$(gtkdoc-mkdb --version 2>/dev/null) || version=none
  parts+=("gtk-doc $version")
  version=$(valac --version 2>/dev/null | sed 's/^Vala //') || version=none
  parts+=("Vala $version")
  parts+=("GCC $(cc -dumpfullversion 2>/dev/null || echo none)")
  local IFS=,
  echo "platform: $release; ${parts[*]}" | sed 's/,/, /g'
}
