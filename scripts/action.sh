#!/usr/bin/env bash
# The GitHub Action (action.yml): installs quire into a virtualenv and runs `quire build`.
# Reads QUIRE_VERSION, QUIRE_PACKAGE, QUIRE_PROJECT, QUIRE_OUT and QUIRE_ARGS (the action's
# inputs) and GitHub's RUNNER_TEMP, GITHUB_PATH and GITHUB_OUTPUT; puts `quire` on the PATH
# of the job's later steps and writes the output `dist`.
set -euo pipefail
venv="${RUNNER_TEMP:-/tmp}/quire-venv"
if [[ -n "${QUIRE_PACKAGE:-}" ]]; then
  spec="$QUIRE_PACKAGE"
elif [[ "${QUIRE_VERSION:-latest}" == latest ]]; then
  spec=quire-bi
else
  spec="quire-bi==$QUIRE_VERSION"
fi
echo "::group::Installing $spec"
python3 -m venv --clear "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$spec"
echo "::endgroup::"
[[ -n "${GITHUB_PATH:-}" ]] && echo "$venv/bin" >> "$GITHUB_PATH"
"$venv/bin/quire" --version

project="${QUIRE_PROJECT:-.}"
args=(build "$project")
dist="$project/dist"
if [[ -n "${QUIRE_OUT:-}" ]]; then
  args+=(--out "$QUIRE_OUT")
  dist="$QUIRE_OUT"
fi
# More flags, split on spaces as a shell would (without running anything).
read -r -a extra <<< "${QUIRE_ARGS:-}"
"$venv/bin/quire" "${args[@]}" "${extra[@]}"
[[ -n "${GITHUB_OUTPUT:-}" ]] && echo "dist=$dist" >> "$GITHUB_OUTPUT"
exit 0
