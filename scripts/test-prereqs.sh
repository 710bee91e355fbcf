#!/usr/bin/env bash
# What `npm test` needs besides node_modules, checked before every run (the
# `pretest` script) and therefore also by .ci/run, which ends with `npm test`.
# Whatever is missing is installed when it can be (root + apt-get for the
# Debian packages, pip for the Python tools); otherwise ONE line says exactly
# what to install and the run stops, instead of failing later in a test.
# Silent when everything is there: no fork on that path, it stays well below
# 0.5 s.
#
# Three variables point the checks elsewhere; the test of this script uses them,
# so it never touches what this machine has installed:
#   SFTPGW_PREREQ_ROOT  prefix of the fixed paths checked (/usr/sbin/sshd, …)
#                       and of /usr/sbin/policy-rc.d (default: none)
#   SFTPGW_PREREQ_PATH  where commands (ssh-keygen, rsync, apt-get, python3,
#                       cfn-lint, …) are looked up (default: $PATH)
#   SFTPGW_PREREQ_UID   the user id to act as (default: $EUID)
set -euo pipefail

root="${SFTPGW_PREREQ_ROOT:-}"
search_path="${SFTPGW_PREREQ_PATH:-$PATH}"
uid="${SFTPGW_PREREQ_UID:-$EUID}"

# Absolute path of a command in $search_path, without forking.
find_cmd() {
  local dir
  local IFS=:
  for dir in $search_path; do
    if [[ -n "$dir" && -f "$dir/$1" && -x "$dir/$1" ]]; then
      printf '%s' "$dir/$1"
      return 0
    fi
  done
  return 1
}

# name|how it is checked|what provides it. A path is checked as a file under
# $root (the path the tests use); a bare name as a command. Debian packages
# come first, the Python tools (pip:) last.
# The cfn-lint release the bundled schemas come from (package.json config.cfnLintVersion).
cfn_lint_version="$(sed -n 's/.*"cfnLintVersion": *"\([^"]*\)".*/\1/p' "$(dirname "$0")/../package.json")"
checks=(
  "sshd|/usr/sbin/sshd|openssh-server"                       # test/helpers/servers.ts runs this path
  "ssh-keygen|ssh-keygen|openssh-client"                     # test keys
  "sftp|sftp|openssh-client"                                 # the benchmark's OpenSSH baseline
  "pgrep|pgrep|procps"                                       # sshd's session processes (servers.ts)
  "rsync|rsync|rsync"                                        # gitlab-ci-local's shell executor
  "proftpd|/usr/sbin/proftpd|proftpd-core"                   # outbound interop: ProFTPD mod_sftp
  "mod_sftp|/usr/lib/proftpd/mod_sftp.so|proftpd-mod-crypto"
  "gesftpserver|/usr/libexec/gesftpserver|gesftpserver"      # outbound interop: Green End SFTP server
  "cfn-lint|cfn-lint|pip:cfn-lint~=${cfn_lint_version:-1.51.0}"
  "moto_server|moto_server|pip:moto[server]"
)

present() {
  local how="$1"
  if [[ "$how" == /* ]]; then [[ -e "$root$how" ]]; else find_cmd "$how" >/dev/null; fi
}

# Fills missing_names, apt_pkgs and pip_pkgs (each package once).
collect_missing() {
  missing_names=() apt_pkgs=() pip_pkgs=()
  local entry name how pkg
  for entry in "${checks[@]}"; do
    name="${entry%%|*}" how="${entry#*|}"
    pkg="${how#*|}" how="${how%%|*}"
    present "$how" && continue
    missing_names+=("$name")
    if [[ "$pkg" == pip:* ]]; then
      [[ " ${pip_pkgs[*]} " == *" ${pkg#pip:} "* ]] || pip_pkgs+=("${pkg#pip:}")
    else
      [[ " ${apt_pkgs[*]} " == *" $pkg "* ]] || apt_pkgs+=("$pkg")
    fi
  done
}

# join SEP A B C → "A<SEP>B<SEP>C"
join() { local sep="$1" out="$2" x; shift 2; for x in "$@"; do out+="$sep$x"; done; printf '%s' "$out"; }

policy="$root/usr/sbin/policy-rc.d"
policy_saved="$policy.sftpgw-saved"
marker="sftpgw scripts/test-prereqs.sh: no service starts while test prerequisites are installed"
work=""
cleanup() {
  # Runs on every exit (success, apt failure, signal): the machine keeps the
  # policy it had before.
  if [[ -n "$work" ]]; then
    rm -f "$policy"
    [[ -e "$policy_saved" ]] && mv -f "$policy_saved" "$policy"
    rm -rf "$work"
  fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Installing openssh-server or proftpd-core would start sshd on port 22 and
# proftpd on port 21, on every interface. invoke-rc.d (and deb-systemd-invoke)
# ask /usr/sbin/policy-rc.d first; exit status 101 means "action forbidden".
apt_install() {
  local apt="$1"; shift
  work="$(mktemp -d)"
  # Keep the machine's own policy aside, unless a run killed mid-install left
  # ours behind (then the saved copy, if any, is the machine's).
  if [[ -e "$policy" && ! -e "$policy_saved" && "$(<"$policy")" != *"$marker"* ]]; then
    mv -f "$policy" "$policy_saved"
  fi
  printf '#!/bin/sh\n# %s\nexit 101\n' "$marker" >"$policy"
  chmod 0755 "$policy"
  echo "test prerequisites: installing $* (apt-get; no service is started)"
  local ok=0
  # A failed update (one unreachable mirror) may still leave usable lists:
  # the install decides.
  "$apt" update -qq >"$work/apt.log" 2>&1 || true
  if DEBIAN_FRONTEND=noninteractive "$apt" install -y -qq --no-install-recommends "$@" >>"$work/apt.log" 2>&1; then
    ok=1
  else
    tail -n 20 "$work/apt.log" >&2
  fi
  cleanup
  work=""
  [[ $ok == 1 ]]
}

# Node.js 22, what the push function runs on in Lambda: the handler and CLI
# tests run the bundle on it too. It comes from the npm registry (the `node`
# package ships the binary), into a folder of its own.
node22_dir="${SFTPGW_NODE22_DIR:-$(cd "$(dirname "$0")/.." && pwd)/.cache/node22}"
if [[ ! -x "$node22_dir/node_modules/node/bin/node" ]]; then
  echo "test prerequisites: installing Node.js 22 into $node22_dir (npm install node@22)"
  mkdir -p "$node22_dir"
  if ! npm install --prefix "$node22_dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error node@22 >&2; then
    echo "test prerequisites missing: Node.js 22 — install with: npm install --prefix $node22_dir node@22" >&2
    exit 1
  fi
fi

collect_missing
if [[ ${#missing_names[@]} -eq 0 && "$uid" == 0 ]]; then
  exit 0
fi

# A package spec as typed in a shell (moto[server] needs quotes).
shell_word() { if [[ "$1" == *[][]* ]]; then printf "'%s'" "$1"; else printf '%s' "$1"; fi; }

# The pip command line for the Python tools still missing.
pip_command() {
  local p out="python3 -m pip install"
  for p in "${pip_pkgs[@]}"; do out+=" $(shell_word "$p")"; done
  printf '%s' "$out"
}

# pipx commands for the Python tools still missing. Where there is apt-get
# (Debian 12 and later refuse `pip install` outside a virtual environment,
# PEP 668), pipx gives each tool its own environment; as root, with the
# command in /usr/local/bin.
pipx_commands() {
  local p out=()
  for p in "${pip_pkgs[@]}"; do
    if [[ "$uid" == 0 ]]; then out+=("PIPX_BIN_DIR=/usr/local/bin pipx install $(shell_word "$p")"); else out+=("pipx install $(shell_word "$p")"); fi
  done
  join ' && ' "${out[@]}"
}

failed="" attempted=()
apt="$(find_cmd apt-get || true)"
if [[ ${#apt_pkgs[@]} -gt 0 && "$uid" == 0 && -n "$apt" ]]; then
  attempted+=("${apt_pkgs[@]}")
  apt_install "$apt" "${apt_pkgs[@]}" || failed+="apt-get install ${apt_pkgs[*]} failed (output above); "
fi
python="$(find_cmd python3 || true)"
if [[ ${#pip_pkgs[@]} -gt 0 && -n "$python" ]]; then
  attempted+=("${pip_pkgs[@]}")
  echo "test prerequisites: installing ${pip_pkgs[*]} ($(pip_command))"
  "$python" -m pip install --quiet "${pip_pkgs[@]}" >&2 || failed+="$(pip_command) failed (output above); "
fi
collect_missing
if [[ ${#missing_names[@]} -eq 0 && "$uid" == 0 ]]; then
  exit 0
fi
# Installed without an error, yet still missing: say so, or the line below
# would only repeat the command that just ran.
unfound=()
for p in "${attempted[@]}"; do
  [[ " ${apt_pkgs[*]} ${pip_pkgs[*]} " == *" $p "* ]] && unfound+=("$p")
done
if [[ -z "$failed" && ${#unfound[@]} -gt 0 ]]; then
  failed="installed $(join ' ' "${unfound[@]}"), yet still not found where the tests look; "
fi

# One line: what is missing and the exact commands that install it.
steps=() apt_line=("${apt_pkgs[@]}")
[[ ${#pip_pkgs[@]} -gt 0 && -n "$apt" ]] && apt_line+=(pipx)
if [[ ${#apt_line[@]} -gt 0 ]]; then
  step="apt-get install ${apt_line[*]}"
  [[ "$uid" == 0 ]] || step="sudo $step"
  [[ -n "$apt" ]] || step+=" (Debian package names; this machine has no apt-get)"
  steps+=("$step")
fi
if [[ ${#pip_pkgs[@]} -gt 0 && -n "$apt" ]]; then
  steps+=("$(pipx_commands)")
elif [[ ${#pip_pkgs[@]} -gt 0 ]]; then
  step="$(pip_command)"
  [[ -n "$python" ]] || step+=" (this machine has no python3)"
  steps+=("$step")
fi
[[ "$uid" == 0 ]] || steps+=("run npm test as root (a test mounts a tmpfs)")
if [[ ${#missing_names[@]} -gt 0 ]]; then
  echo "test prerequisites missing: $(join ', ' "${missing_names[@]}") — ${failed}install with: $(join '; then ' "${steps[@]}")" >&2
else
  echo "test prerequisites: npm test must run as root (a test mounts a tmpfs): run it with sudo or as root" >&2
fi
exit 1
