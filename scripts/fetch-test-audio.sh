#!/usr/bin/env bash
# Fetch the speech test recordings (Debian package pocketsphinx-testdata) into the cache.
#
# Result: ${SCREENING_CACHE_DIR:-.cache}/testdata/usr/share/pocketsphinx/test/data/
#   librivox/  five read LibriVox sentences (16 kHz mono WAV) + `transcription`
#   cards/     short spoken card names
# Idempotent: does nothing when the data is already unpacked. Not committed to the repository.
# Prints the data directory on its last line of stdout.
set -euo pipefail

CACHE_DIR="${SCREENING_CACHE_DIR:-.cache}"
TARGET="${CACHE_DIR}/testdata"
DATA="${TARGET}/usr/share/pocketsphinx/test/data"

if [ -f "${DATA}/librivox/transcription" ]; then
    echo "${DATA}"
    exit 0
fi

command -v apt-get >/dev/null || { echo "apt-get is required (Debian/Ubuntu)" >&2; exit 1; }
command -v dpkg >/dev/null || { echo "dpkg is required (Debian/Ubuntu)" >&2; exit 1; }

mkdir -p "${TARGET}"
WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT
# apt-get download writes into the current directory; run it in a private scratch folder.
# As root, apt warns that it downloads unsandboxed (user _apt cannot write there): harmless.
# On a fresh machine the package lists may be empty: update them once and try again.
if ! (cd "${WORK}" && apt-get download pocketsphinx-testdata >&2); then
    [ "$(id -u)" = 0 ] || { echo "apt-get download failed; run apt-get update as root" >&2; exit 1; }
    apt-get update -qq >&2
    (cd "${WORK}" && apt-get download pocketsphinx-testdata >&2)
fi
DEB="$(ls "${WORK}"/pocketsphinx-testdata_*.deb)"
dpkg -x "${DEB}" "${TARGET}"

if [ ! -f "${DATA}/librivox/transcription" ]; then
    echo "unpacked ${DEB} but ${DATA}/librivox/transcription is missing" >&2
    exit 1
fi
echo "${DATA}"
