# Debian packages tick needs to build, test and run. Sourced by scripts/run,
# scripts/check and tests/bench/run (which adds wrk and procps through
# TICK_EXTRA_DEBS); installs what is missing (apt-get as root, or through
# sudo), or names it and stops.
TICK_DEBS="gcc make autoconf automake pkg-config
 libfcgi-dev libmariadb-dev libcurl4-openssl-dev libb64-dev libcunit1-dev
 libjansson-dev libssl-dev libcrypt-dev libqrencode-dev libpng-dev
 libxlsxwriter-dev libhpdf-dev libcsv-dev fonts-dejavu-core tzdata
 mariadb-server mariadb-client nginx-light openssl ca-certificates curl python3"

tick_deps() {
	missing=""
	for p in $TICK_DEBS ${TICK_EXTRA_DEBS:-}; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" = 0 ]; then
		sudo=""
	elif command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		echo "tick: missing Debian packages:$missing" >&2
		echo "tick: install them as root: apt-get install$missing" >&2
		exit 1
	fi
	echo "tick: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq >/dev/null || true
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		{ echo "tick: apt-get install$missing failed" >&2; exit 1; }
}
