#!/usr/bin/env bash
# Fetch Elasticsearch (integ-test zip) and the parent-join module from Maven Central with
# Maven, unpack into the cache and install parent-join as a module. Idempotent: does
# nothing when the pinned version is already installed.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_user
resolve_cache
set_paths

MARKER="$ES_HOME/.planstore-installed"
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$ES_VERSION" ]; then
  log "Elasticsearch $ES_VERSION already installed in $ES_HOME"
  exit 0
fi

need mvn "Install Debian package 'maven'."
need unzip "Install Debian package 'unzip'."
need sha256sum "Install Debian package 'coreutils'."

start=$(date +%s)
mkdir -p "$ES_DOWNLOADS"
zip="$ES_DOWNLOADS/elasticsearch-$ES_VERSION.zip"
jar="$ES_DOWNLOADS/parent-join-client-$ES_VERSION.jar"

mvn_copy() { # coordinate
  local m2=()
  [ -n "${PLANSTORE_ES_M2_REPO:-}" ] && m2=("-Dmaven.repo.local=$PLANSTORE_ES_M2_REPO")
  log "mvn dependency:copy $1"
  if ! mvn -B -q -C "${m2[@]}" "$DEP_PLUGIN:copy" -Dartifact="$1" \
        -DoutputDirectory="$ES_DOWNLOADS" -Dmdep.overWriteReleases=true >"$ES_DOWNLOADS/mvn.log" 2>&1; then
    cat "$ES_DOWNLOADS/mvn.log" >&2
    die "Maven could not fetch $1 from Maven Central (log above)"
  fi
}

verify() { # file expected-sha256
  [ "$ES_VERSION" = "$PINNED_VERSION" ] || return 0
  local got; got="$(sha256sum "$1" | cut -d' ' -f1)"
  [ "$got" = "$2" ] || { rm -f "$1"; die "checksum mismatch for $1: got $got, want $2"; }
}

[ -s "$zip" ] || mvn_copy "$ZIP_COORD"
verify "$zip" "$PINNED_ZIP_SHA256"
[ -s "$jar" ] || mvn_copy "$JOIN_COORD"
verify "$jar" "$PINNED_JOIN_SHA256"
fetched=$(date +%s)

log "unpacking into $ES_HOME"
tmp="$(mktemp -d "$ES_CACHE/unpack.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
unzip -q "$zip" -d "$tmp"
[ -d "$tmp/elasticsearch-$ES_VERSION" ] || die "unexpected zip layout: $(ls "$tmp")"
home="$tmp/elasticsearch-$ES_VERSION"
[ -d "$home/modules/transport-netty4" ] || die "zip has no transport-netty4 module (HTTP would not work)"

# The integ-test zip ships only transport-netty4 and x-pack core/security; add parent-join
# as a module (modules are loaded like bundled plugins, no 'elasticsearch-plugin install').
mod="$home/modules/parent-join"
mkdir -p "$mod"
cp "$jar" "$mod/"
cat >"$mod/plugin-descriptor.properties" <<PROPS
# Written by deployments/local-es/fetch.sh, same format as the modules shipped in the zip.
type=isolated
description=This module adds the support parent-child queries and aggregations
version=$ES_VERSION
name=parent-join
classname=org.elasticsearch.join.ParentJoinPlugin
java.version=1.8
elasticsearch.version=$ES_VERSION
extended.plugins=
has.native.controller=false
PROPS
echo "$ES_VERSION" >"$home/.planstore-installed"

rm -rf "$ES_HOME"
mv "$home" "$ES_HOME"
chmod -R a+rX "$ES_HOME"
log "installed Elasticsearch $ES_VERSION + parent-join module in $ES_HOME" \
    "(fetch $((fetched - start))s, total $(( $(date +%s) - start ))s)"
