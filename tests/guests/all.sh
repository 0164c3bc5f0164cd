#!/usr/bin/env bash
# The guests GUEST... one after the other (tests/guests/run.sh), each with the
# fuzzer's boot when it is in FUZZ_BOOT_ARCHES, then the crash tests
# (tests/guests/crash-host.sh) in those of them in CRASH_ARCHES. Exit 1 when any
# failed. make test-guests runs all in one lane; make test in two (Makefile).
set -u
cd "$(dirname "$0")/../.."
status=0
for a in "$@"; do
	case " ${FUZZ_BOOT_ARCHES-} " in *" $a "*) f=() ;; *) f=(--no-fuzz) ;; esac
	tests/guests/run.sh "$a" "${f[@]}" || status=1
done
for a in "$@"; do
	case " ${CRASH_ARCHES-} " in *" $a "*) tests/guests/crash-host.sh "$a" || status=1 ;; esac
done
exit $status
