# Configures and builds tick in $1 with CFLAGS $2 (and LDFLAGS $3) when
# anything changed. Sourced by scripts/run and scripts/check.
tick_build() {
	dir=$1
	cflags=$2
	ldflags=${3:-}
	[ -x "$TICK_SRCDIR/configure" ] && [ "$TICK_SRCDIR/configure" -nt "$TICK_SRCDIR/configure.ac" ] ||
		(cd "$TICK_SRCDIR" && autoreconf -fi >/dev/null 2>&1) ||
		{ echo "tick: autoreconf failed" >&2; return 1; }
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ] || [ "$(cat "$dir/.cflags" 2>/dev/null)" != "$cflags|$ldflags" ]; then
		(cd "$dir" && "$TICK_SRCDIR/configure" -q CFLAGS="$cflags" LDFLAGS="$ldflags") ||
			{ echo "tick: configure failed in $dir" >&2; return 1; }
		echo "$cflags|$ldflags" > "$dir/.cflags"
	fi
	make -C "$dir" -s -j"$(nproc)" >/dev/null ||
		{ make -C "$dir" -j1 2>&1 | tail -30 >&2; return 1; }
}
