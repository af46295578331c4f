# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the end-to-end tests, in the style of the kernel's
# netfilter selftests: random namespace names, PASS:/FAIL: lines, exit 4
# to skip.  Sourced by scripts that run inside scripts/vm-run.

ksft_skip=4
passed=0
failed=0
rnd=$(printf '%04x' $((RANDOM)))

pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# check DESCRIPTION COMMAND...: PASS or FAIL on COMMAND's status.
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

need_vm() {
	if [ "${NF_PPTP_FIX_VM:-}" != 1 ]; then
		echo "SKIP: $0 runs inside scripts/vm-run only"
		exit $ksft_skip
	fi
}

# Prints the per-script tally and exits non-zero if anything failed.
finish() {
	echo "$(basename "$0"): $passed passed, $failed failed"
	[ "$failed" = 0 ]
}
