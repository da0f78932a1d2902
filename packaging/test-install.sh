#!/usr/bin/env bash
# Install test: the built package in a clean Debian 12 root, the way a user installs it.
#
#   bash packaging/test-install.sh build/hearth_<version>_<arch>.deb
#
# As root, no display needed. Steps, inside a fresh root made from a cached minbase tarball:
#   1. apt install ./hearth.deb (dependencies and recommends resolved by apt, as for a user)
#   2. purge it again and record every file path: the baseline with only the dependencies
#   3. install again; as an ordinary user run `hearth --version`, `hearth models list`, and the
#      window for 5 s under Xvfb (it must still be running and mapped); anything the user runs
#      wrote must be under the XDG dirs (~/.config/hearth, ~/.local/share/hearth,
#      ~/.local/state/hearth, ~/.cache)
#   4. apt purge hearth: the file list must equal the baseline (user data in $HOME aside)
#   5. without the Vulkan loader (libvulkan1 purged, installed with --no-install-recommends):
#      `hearth --version` starts, `hearth devices` reports "no Vulkan loader", the window opens
#
# Cached under $HEARTH_CACHE_DIR/debian-root (default ~/.cache/hearth/debian-root): the base
# tarball (mmdebstrap, rebuilt after 30 days) and apt's downloaded .debs, so a rerun needs
# the network only for `apt-get update`.
set -euo pipefail

deb="${1:?usage: $0 PACKAGE.deb}"
[ -f "$deb" ] || { echo "test-install: no such file: $deb" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "test-install: must run as root (chroot, mount)" >&2; exit 2; }
deb="$(realpath "$deb")"
version="$(dpkg-deb -f "$deb" Version)"

cache="${HEARTH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hearth}/debian-root"
base="$cache/bookworm-minbase.tar"
archives="$cache/apt-archives"
mirror="${HEARTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security="${HEARTH_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

log() { printf '\033[1m[install-test %3ds]\033[0m %s\n' "$SECONDS" "$*"; }
fail() {
  echo "test-install: $*" >&2
  exit 1
}

mkdir -p "$cache" "$archives/partial"
if [ ! -f "$base" ] || [ -n "$(find "$base" -mtime +30)" ]; then
  log "creating the Debian 12 base ($base)"
  # Xvfb and xwininfo are test tools; they are in the baseline, so they never count as leftovers.
  mmdebstrap --quiet --format=tar --variant=minbase --include=xvfb,xauth,x11-utils bookworm "$base.tmp" \
    "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
    "deb $security bookworm-security main"
  mv "$base.tmp" "$base"
fi

# The root lives in a tmpfs: unpacking and dpkg run at memory speed and cleaning up is one
# umount (the installed root is about 1.5 GB).
root="$(mktemp -d /var/tmp/hearth-install-test.XXXXXX)"
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" || umount -l "${mounted[i]}" || true
  done
  # Never delete through a mount that is still there (it could be the host's /dev).
  if [ -z "$(findmnt -rn -o TARGET | grep -F "$root" || true)" ]; then
    rmdir "$root"
  else
    echo "test-install: mounts left under $root; not deleting it" >&2
  fi
}
trap cleanup EXIT
mount -t tmpfs -o size=6g,mode=755 hearth-install-test "$root"
mounted+=("$root")
mount_in_root() {  # mount_in_root TARGET mount-arguments...
  local target="$root/$1"
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounted+=("$target")
}

log "unpacking the base into $root"
tar -xf "$base" -C "$root"
mount_in_root proc -t proc proc
mount_in_root sys -t sysfs -o ro sysfs
mount_in_root dev --bind /dev
mount_in_root var/cache/apt/archives --bind "$archives"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# A throw-away root: no fsync per file, and no services started by maintainer scripts.
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/hearth-test-unsafe-io"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/tmp/hearth.deb"

in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}
as_user() {
  chroot --userspec=tester:tester "$root" /usr/bin/env -i PATH=/usr/bin:/bin \
    HOME=/home/tester USER=tester LANG=C.UTF-8 "$@"
}
# Every path in the root but the virtual file systems, apt's and dpkg's own bookkeeping, logs
# and the test user's home (checked on its own).
file_list() {
  in_root find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /run \
    -o -path /var/cache/apt -o -path /var/lib/apt -o -path /var/lib/dpkg -o -path /var/log \
    -o -path /var/cache/debconf -o -path /home \) -prune -o -print | LC_ALL=C sort
}

log "apt-get update"
in_root apt-get update -qq
log "apt install ./hearth.deb (with recommends, as a user would)"
in_root apt-get install -y -qq -o Dpkg::Use-Pty=0 /tmp/hearth.deb >"$root/tmp/apt.log" 2>&1 ||
  { cat "$root/tmp/apt.log"; fail "apt could not install the package"; }
grep -E '^(Setting up|Unpacking) hearth ' "$root/tmp/apt.log" | head -1
log "installed $(grep -c '^Setting up ' "$root/tmp/apt.log") packages"

log "purge it once: the baseline is the root with only the dependencies"
in_root dpkg --purge hearth >/dev/null
in_root useradd --create-home --shell /bin/bash tester
before="$(mktemp)"
after="$(mktemp)"
trap 'rm -f "$before" "$after"; cleanup' EXIT
file_list >"$before"
in_root apt-get install -y -qq -o Dpkg::Use-Pty=0 /tmp/hearth.deb >/dev/null 2>&1 ||
  fail "apt could not install the package again"
[ -x "$root/usr/bin/hearth" ] || fail "/usr/bin/hearth missing after install"
while read -r path; do
  [ -e "$root$path" ] || fail "dpkg lists $path but it is not there"
done < <(in_root dpkg -L hearth)

home_before="$(as_user find /home/tester | LC_ALL=C sort)"

window_for_5s() {
  # The window's title is "Hearth"; xwininfo lists it once it is mapped.
  as_user xvfb-run -a -s "-screen 0 1280x800x24" sh -c '
    hearth >/tmp/hearth-window.log 2>&1 &
    pid=$!
    sleep 5
    if ! kill -0 $pid 2>/dev/null; then echo "hearth exited early"; exit 1; fi
    xwininfo -root -tree | grep -q "\"Hearth\"" || { echo "no Hearth window"; kill $pid; exit 1; }
    kill $pid
    wait $pid 2>/dev/null || true
  ' || { cat "$root/tmp/hearth-window.log"; fail "the window did not open"; }
  sed 's/^/  | /' "$root/tmp/hearth-window.log"
  # Plugins are loaded at run time, so a missing package shows only here: a QML module ("is not
  # installed", "plugin ... not found"), the SVG image plugin ("Unsupported image format"), the
  # SQLite driver ("Driver not loaded"). Any warning of Hearth's own logger fails as well.
  if grep -Eq 'is not installed|not found|Unsupported image format|Driver not loaded|\] \[(warning|error|critical)\]' \
    "$root/tmp/hearth-window.log"; then
    fail "the window logged a warning (missing module or plugin?), see above"
  fi
  # The window opened the conversation store (QtSql's SQLite driver is a plugin too).
  [ -s "$root/home/tester/.local/share/hearth/hearth.db" ] || fail "the window created no database"
  echo "window open for 5 s"
}

log "hearth --version"
out="$(as_user hearth --version)"
echo "$out"
[ "$out" = "hearth $version" ] || fail "hearth --version printed '$out', expected 'hearth $version'"

log "hearth models list"
out="$(as_user hearth models list)"
echo "$out"
grep -q 'smollm2-135m-instruct' <<<"$out" || fail "models list does not offer the default model"

log "the window for 5 s under Xvfb"
window_for_5s

log "what the user's runs wrote (must be under the XDG dirs)"
home_after="$(as_user find /home/tester | LC_ALL=C sort)"
new_in_home="$(comm -13 <(echo "$home_before") <(echo "$home_after"))"
# Caches (Mesa and Qt shader caches, ...) are listed by directory only.
grep -Ev '^/home/tester/\.cache/[^/]+/' <<<"$new_in_home" | sed 's/^/  /'
stray="$(grep -Ev '^/home/tester/(\.config|\.local|\.local/share|\.local/state)$|^/home/tester/(\.config/hearth|\.local/share/hearth|\.local/state/hearth|\.cache)(/|$)' <<<"$new_in_home" || true)"
[ -z "$stray" ] || fail "files outside the XDG dirs: $stray"

log "apt purge hearth"
in_root apt-get purge -y -qq -o Dpkg::Use-Pty=0 hearth >/dev/null 2>&1 || fail "apt could not purge"
file_list >"$after"
if ! diff -u "$before" "$after"; then
  fail "purging left files behind (or removed others); see the diff above"
fi

log "without the Vulkan loader: libvulkan1 purged, hearth installed without recommends"
# libvulkan1 is a recommend, not a dependency: the engine opens libvulkan.so.1 at run time.
in_root apt-get purge -y -qq -o Dpkg::Use-Pty=0 libvulkan1 >/dev/null 2>&1 ||
  fail "apt could not purge libvulkan1"
in_root apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 /tmp/hearth.deb \
  >"$root/tmp/apt.log" 2>&1 || { cat "$root/tmp/apt.log"; fail "apt could not install without recommends"; }
if in_root sh -c 'ldconfig -p | grep -q libvulkan'; then
  fail "installing without recommends brought the Vulkan loader back (a dependency needs it?)"
fi
out="$(as_user hearth --version)" || fail "hearth does not start without the Vulkan loader"
[ "$out" = "hearth $version" ] || fail "hearth --version printed '$out' without the Vulkan loader"
out="$(as_user hearth devices)" || fail "hearth devices failed without the Vulkan loader"
echo "$out" | sed 's/^/  | /'
grep -q 'no Vulkan loader' <<<"$out" || fail "hearth devices does not say the loader is missing"
log "the window for 5 s under Xvfb, without the Vulkan loader"
window_for_5s
log "passed: installed, ran, purged with nothing left behind; runs without the Vulkan loader"
