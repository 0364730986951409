#!/usr/bin/env bash
# Builds the Pulumi CLI and the Node.js language host from the Go module proxy into the rig's cache:
#   $PHOENIX_RIG_CACHE/pulumi-v<version>/bin/{pulumi,pulumi-language-nodejs}
# The version is the first one the proxy serves at or above the locked @pulumi/pulumi (the proxy lacks some
# releases). A finished build is reused: its marker file names the version it was stamped with.
set -euo pipefail
want="${1:?usage: build-pulumi.sh <minimum version, e.g. 3.270.0>}"
cache="${PHOENIX_RIG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/phoenix-rig}"
mkdir -p "$cache"

# Pick the version: the first served one >= want (go list -versions lists what the proxy has).
pick_version() {
  local versions
  versions=$(cd "$cache" && GOFLAGS=-mod=mod go list -m -versions github.com/pulumi/pulumi/pkg/v3 | tr ' ' '\n' | tail -n +2)
  printf '%s\n' "$versions" | sed 's/^v//' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' | sort -V |
    awk -v want="$want" 'BEGIN{split(want,w,".")} {split($0,v,"."); if (v[1]>w[1] || (v[1]==w[1] && (v[2]>w[2] || (v[2]==w[2] && v[3]>=w[3])))) {print; exit}}'
}

version="${PHOENIX_PULUMI_VERSION:-$(pick_version)}"
[ -n "$version" ] || { echo "build-pulumi: the Go module proxy serves no pulumi/pkg/v3 at or above $want" >&2; exit 1; }
dir="$cache/pulumi-v$version"
mkdir -p "$dir/cli" "$dir/langhost" "$dir/bin"
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"
cli_built() { [ -f "$dir/built" ] && [ "$("$dir/bin/pulumi" version 2>/dev/null)" = "v$version" ]; }

# pkg/go.mod replaces the clipboard module; a replace only applies in the main module, so repeat it.
clipboard=$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$version" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
clipboard_replace=$(grep -E '^replace github.com/atotto/clipboard' "$clipboard" | sed 's/^replace //')

# A wrapper module that requires pkg and sdk at one version (pkg's `sdk => ../sdk` replace is covered by that).
# write_module <dir> <module path> <pulumi version>
write_module() {
  cat > "$1/go.mod" <<MOD
module $2

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 v$3
	github.com/pulumi/pulumi/sdk/v3 v$3
)

replace $clipboard_replace
MOD
}

# The CLI, once per version.
if ! cli_built; then
  echo "build-pulumi: building pulumi v$version (wanted >= $want) in $dir" >&2
  write_module "$dir/cli" phoenix.rig/pulumi "$version"
  (cd "$dir/cli" && GOFLAGS=-mod=mod go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$version" >&2 &&
    GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$dir/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  stamped=$("$dir/bin/pulumi" version)
  [ "$stamped" = "v$version" ] || { echo "build-pulumi: pulumi version printed '$stamped', expected v$version" >&2; exit 1; }
  echo "$version" > "$dir/built"
fi

# The Node.js language host: its own untagged module (sdk/nodejs/cmd/pulumi-language-nodejs/v3). Policy packs
# and plain `pulumi up` of a Node program need it; inline programs do not.
langhost="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
build_langhost_from_proxy() {
  # Its pseudo-version names the release commit, whose hash the sdk module's origin records, when it does.
  local hash
  hash=$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$version" |
    python3 -c 'import json,sys; print(json.load(sys.stdin).get("Origin",{}).get("Hash",""))')
  [ -n "$hash" ] || { echo "build-pulumi: the proxy records no origin commit for sdk v$version" >&2; return 1; }
  write_module "$dir/langhost" phoenix.rig/langhost "$version"
  (cd "$dir/langhost" && GOFLAGS=-mod=mod go get "$langhost@${hash:0:12}" >&2 &&
    GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$dir/bin/pulumi-language-nodejs" "$langhost")
}
build_langhost_from_checkout() {
  # The host's sources from a pulumi/pulumi git checkout (PHOENIX_PULUMI_SOURCE), built against pkg and sdk at
  # the version its sdk/.version names: the host must compile against the pkg it was written for (e.g. 3.274
  # added ExistsResource to the resource monitor, which a 3.260 host's proxy does not implement). The engine
  # speaks to a language host of another version over gRPC, as it does to any installed language plugin.
  local source="${PHOENIX_PULUMI_SOURCE:-}" src_version commit
  [ -n "$source" ] || { echo "build-pulumi: PHOENIX_PULUMI_SOURCE (a pulumi/pulumi checkout) is not set" >&2; return 1; }
  src_version=$(git -C "$source" show HEAD:sdk/.version)
  commit=$(git -C "$source" rev-parse --short=12 HEAD)
  rm -rf "$dir/langhost" && mkdir -p "$dir/langhost"
  for file in $(git -C "$source" ls-tree --name-only HEAD sdk/nodejs/cmd/pulumi-language-nodejs/ | grep -E '\.go$' | grep -v '_test\.go$'); do
    git -C "$source" show "HEAD:$file" > "$dir/langhost/$(basename "$file")"
  done
  write_module "$dir/langhost" "$langhost" "$src_version"
  (cd "$dir/langhost" && GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$src_version-dev.$commit" \
    -o "$dir/bin/pulumi-language-nodejs" .)
}
if [ ! -x "$dir/bin/pulumi-language-nodejs" ] && ! build_langhost_from_proxy && ! build_langhost_from_checkout; then
  rm -f "$dir/bin/pulumi-language-nodejs"
  echo "build-pulumi: the Node.js language host could not be built; the engine suite skips the scenarios that need it (policy packs, plain 'pulumi up')" >&2
fi

echo "$dir/bin"
