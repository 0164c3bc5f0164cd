# Debian packages for the build and test scripts, sourced (bash) by tools/sysroot.sh
# and tests/guests/run.sh. Messages start with $apt_prefix (dmabench).
#   need PACKAGE...   install what is missing (root: we are root in CI); otherwise
#                     print the apt-get line to run and exit 3
#   foreign DEBARCH   let apt fetch DEBARCH's packages (nothing of it gets installed)

need() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "${apt_prefix:-dmabench}: missing Debian packages; as root run: apt-get install -y ${missing[*]}" >&2
		exit 3
	fi
	# make test runs two lanes of guests at once: one waits for the other's apt
	apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null || true
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
		--no-install-recommends "${missing[@]}" >&2
}

foreign() {
	dpkg --print-foreign-architectures | grep -qx "$1" && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "${apt_prefix:-dmabench}: as root run: dpkg --add-architecture $1 && apt-get update" >&2
		exit 3
	fi
	dpkg --add-architecture "$1"
	# one security index of this mirror can fail its size check once a foreign
	# architecture is added; the rest of the lists are still usable
	apt-get update -q >/dev/null 2>&1 || true
}
