#!/usr/bin/env bash
# Builds what users install, into artifacts/ (or --out DIR):
#   quire_bi-<version>-<tags>.whl          the wheel: `pipx install` it for a `quire` command
#   quire-<version>-<target>.tar.gz        the binary alone
#   quire-<version>-<target>.oci.tar       the image (an OCI archive; `podman load`/`docker load`)
#   image/                                 the image's build context, for packaging/Dockerfile
# Every artifact holds the same binary, with the size-tuned browser runtime inside it.
#
#   scripts/release.sh                                 x86_64 Linux (glibc), profile dist, with Ballista
#   scripts/release.sh --target x86_64-unknown-linux-musl   a static binary (no DuckDB sources:
#                                                      a static binary cannot load libduckdb)
#   scripts/release.sh --target aarch64-unknown-linux-gnu   64-bit Arm Linux (glibc), with
#                                                      Debian's cross gcc (run it with qemu-user)
#   scripts/release.sh --profile dev --runtime keep --no-cluster   what CI packages: fast to
#                                                      build, with the runtime already in site/dist
# Options: --profile P (a cargo profile; dist by default), --target T, --no-cluster (leave
# Ballista out), --runtime keep (embed site/dist as it is instead of building the size-tuned
# runtime), --no-image, --out DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

profile=dist
target=""
cluster=1
runtime=build
image=1
out=artifacts
while (( $# )); do
  case "$1" in
    --profile) profile="$2"; shift ;;
    --target) target="$2"; shift ;;
    --no-cluster) cluster=0 ;;
    --runtime) [[ "$2" == keep ]] || { echo "--runtime takes only 'keep'" >&2; exit 2; }; runtime=keep; shift ;;
    --no-image) image=0 ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
source scripts/setup.sh
host=$(rustc -vV | awk '/^host:/ { print $2 }')
target="${target:-$host}"

# maturin, in a virtualenv of its own (Debian's Python refuses `pip install` outside one).
MATURIN_VERSION=1.16.0
maturin_venv="$HOME/.cache/quire/maturin-venv"
if [[ "$("$maturin_venv/bin/maturin" --version 2>/dev/null | awk '{print $2}')" != "$MATURIN_VERSION" ]]; then
  say "installing maturin $MATURIN_VERSION in $maturin_venv"
  python3 -m venv --clear "$maturin_venv"
  "$maturin_venv/bin/pip" install --quiet --disable-pip-version-check "maturin==$MATURIN_VERSION"
fi

sysroot=""   # another architecture's libraries, for its image
if [[ "$target" == *-musl ]]; then
  rustup target list --installed | grep -qx "$target" || rustup target add "$target"
  # C code (SQLite, zstd, ring) compiled for musl; Rust links it all statically.
  command -v musl-gcc >/dev/null || apt_install musl-tools
  export "CC_${target//-/_}=musl-gcc"
elif [[ "$target" != "$host" && "$target" == *-unknown-linux-gnu ]]; then
  # Another glibc architecture: Debian's cross gcc compiles the C code (SQLite, zstd, ring)
  # and links; its libraries are the image's.
  arch=${target%%-*}
  rustup target list --installed | grep -qx "$target" || rustup target add "$target"
  command -v "$arch-linux-gnu-gcc" >/dev/null || apt_install "gcc-${arch//_/-}-linux-gnu"
  t=${target//-/_}
  export "CC_$t=$arch-linux-gnu-gcc" "AR_$t=$arch-linux-gnu-ar" "CARGO_TARGET_${t^^}_LINKER=$arch-linux-gnu-gcc"
  sysroot="/usr/$arch-linux-gnu"
fi

if [[ "$runtime" == build ]]; then
  QUIRE_WASM_PROFILE=wasm-release scripts/build-runtime.sh
  # The size-tuned runtime, compressed as tightly as zstd goes (build.rs; a few seconds).
  export QUIRE_RUNTIME_ZSTD_LEVEL="${QUIRE_RUNTIME_ZSTD_LEVEL:-19}"
fi
[[ -f site/dist/quire-site_bg.wasm ]] || { echo "no runtime in site/dist: run scripts/build-runtime.sh" >&2; exit 1; }

args=()
(( cluster )) && args=(--features cluster)
# Naming the host's own target would move cargo's output to target/<triple>/ and build
# every crate again; name it only when it is another.
[[ "$target" != "$host" ]] && args+=(--target "$target")
mkdir -p "$out"
# Scratch folders, removed however the script ends.
wheels=$(mktemp -d)
stage=$(mktemp -d)
store=$(mktemp -d)
trap 'rm -rf "$wheels" "$stage" "$store"' EXIT
say "building the wheel (profile $profile, target $target$( (( cluster )) && echo ', with Ballista'))"
"$maturin_venv/bin/maturin" build --profile "$profile" "${args[@]}" --out "$wheels"
wheel=$(ls "$wheels"/*.whl)
mv "$wheel" "$out/"
wheel="$out/$(basename "$wheel")"

# The binary inside the wheel is the one every other artifact carries.
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
python3 - "$wheel" "$stage/quire" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    [name] = [n for n in z.namelist() if n.endswith(".data/scripts/quire")]
    open(dest, "wb").write(z.read(name))
PY
chmod 755 "$stage/quire"
tarball="$out/quire-$version-$target.tar.gz"
tar -C "$stage" -czf "$tarball" quire

# The image's context: the binary, the libraries a glibc build loads (none for musl), the
# machine's CA certificates and an empty /tmp. Replaced only if this script wrote it.
ctx="$out/image"
if [[ -e "$ctx" && ! -f "$ctx/.quire-image" ]]; then
  echo "$ctx is not an image context this script wrote; not replacing it" >&2
  exit 1
fi
rm -rf "$ctx"
mkdir -p "$ctx/rootfs/usr/local/bin" "$ctx/rootfs/tmp" "$ctx/rootfs/project"
chmod 1777 "$ctx/rootfs/tmp"
cp "$stage/quire" "$ctx/rootfs/usr/local/bin/quire"
if [[ -n "$sysroot" ]]; then
  # Another architecture: ldd cannot run its loader; readelf names the loader and the
  # libraries, found in the cross toolchain's folder and put where the loader looks.
  interp=$(readelf -l "$stage/quire" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
  mkdir -p "$ctx/rootfs$(dirname "$interp")" "$ctx/rootfs/lib"
  cp -L "$sysroot/lib/$(basename "$interp")" "$ctx/rootfs$interp"
  for lib in $(readelf -d "$stage/quire" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    cp -L "$sysroot/lib/$lib" "$ctx/rootfs/lib/$lib"
  done
else
  # (ldd prints no path for a static binary.)
  for lib in $(ldd "$stage/quire" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$ctx/rootfs$(dirname "$lib")"
    cp -L "$lib" "$ctx/rootfs$lib"
  done
fi
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  mkdir -p "$ctx/rootfs/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/rootfs/etc/ssl/certs/"
fi
cp packaging/Dockerfile "$ctx/Dockerfile"
touch "$ctx/.quire-image"   # the mark that this script wrote the folder

if (( image )); then
  command -v buildah >/dev/null || apt_install buildah
  # buildah without a daemon: its own storage in a scratch folder, vfs, no containers run
  # (the Dockerfile only copies files).
  tag="localhost/quire:$version"
  bah=(buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs)
  say "building the image $tag"
  # The image's architecture, as OCI names it.
  case "${target%%-*}" in aarch64) oci_arch=arm64 ;; *) oci_arch=amd64 ;; esac
  "${bah[@]}" bud --quiet --isolation chroot --arch "$oci_arch" -t "$tag" -f "$ctx/Dockerfile" "$ctx" >/dev/null
  oci="$out/quire-$version-$target.oci.tar"
  rm -f "$oci"
  "${bah[@]}" push --quiet "$tag" "oci-archive:$oci:quire:$version"
  "${bah[@]}" rmi --all >/dev/null 2>&1 || true
fi

say "artifacts in $out:"
ls -l "$out" >&2
