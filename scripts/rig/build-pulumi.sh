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
if [ -f "$dir/built" ] && [ "$("$dir/bin/pulumi" version 2>/dev/null)" = "v$version" ]; then
  echo "$dir/bin"
  exit 0
fi

echo "build-pulumi: building pulumi v$version (wanted >= $want) in $dir" >&2
mkdir -p "$dir/cli" "$dir/langhost" "$dir/bin"
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"

# pkg/go.mod replaces the clipboard module; a replace only applies in the main module, so repeat it.
clipboard=$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$version" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
clipboard_replace=$(grep -E '^replace github.com/atotto/clipboard' "$clipboard" | sed 's/^replace //')

# The CLI: a wrapper module that requires pkg and sdk at the same version (pkg's sdk => ../sdk replace is
# covered by that).
cat > "$dir/cli/go.mod" <<MOD
module phoenix.rig/pulumi

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

replace $clipboard_replace
MOD
(cd "$dir/cli" && GOFLAGS=-mod=mod go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$version" >&2 &&
  GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$dir/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)

# The Node.js language host: its own untagged module; its pseudo-version names the release commit, whose hash
# the sdk module's origin records. Its go.mod replaces pkg and sdk with local paths, so require both here.
hash=$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$version" |
  python3 -c 'import json,sys; print(json.load(sys.stdin).get("Origin",{}).get("Hash",""))')
if [ -n "$hash" ]; then
  langhost="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
  cat > "$dir/langhost/go.mod" <<MOD
module phoenix.rig/langhost

go 1.26

require (
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

replace $clipboard_replace
MOD
  if (cd "$dir/langhost" && GOFLAGS=-mod=mod go get "$langhost@${hash:0:12}" >&2 &&
    GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" -o "$dir/bin/pulumi-language-nodejs" "$langhost"); then
    :
  else
    echo "build-pulumi: the Node.js language host could not be built (plain 'pulumi up' scenarios will be skipped)" >&2
  fi
else
  echo "build-pulumi: no origin hash for sdk v$version; the Node.js language host is not built" >&2
fi

stamped=$("$dir/bin/pulumi" version)
[ "$stamped" = "v$version" ] || { echo "build-pulumi: pulumi version printed '$stamped', expected v$version" >&2; exit 1; }
echo "$version" > "$dir/built"
echo "$dir/bin"
