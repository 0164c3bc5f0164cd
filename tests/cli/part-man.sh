# tests/cli/part-man.sh, sourced by run.sh (bin, here, work, fx, check, ok, bad):
# the man page (dmabench.1) and make install.
# The page must render without a warning (groff -ww; mandoc -Tlint where mandoc is
# installed), and name every command `dmabench --help` lists and every option of
# `dmabench run --help`, so that the program and its page cannot drift apart.
# make install DESTDIR=... PREFIX=/usr must put the binary, the plot scripts and the
# page where a user's tools look for them, and the installed dmabench must find its
# scripts.

man_page="$here/dmabench.1"
man_text="$work/man.txt"

# --- it renders, without a warning ---
groff -ww -man -Tutf8 "$man_page" >"$work/man.groff" 2>"$work/man.groff.err"
rc=$?
check "man page: groff -ww -man renders dmabench.1 with no warning (exit 0, nothing on stderr)" bash -c "
	[ $rc = 0 ] && [ -s '$work/man.groff' ] && [ ! -s '$work/man.groff.err' ] || { cat '$work/man.groff.err'; exit 1; }"
# the rendered text without overstriking: what a reader sees
sed 's/.\x08//g' "$work/man.groff" >"$man_text"
check "man page: the sections a man page has (NAME, SYNOPSIS, DESCRIPTION, COMMANDS, OPTIONS, EXIT STATUS, FILES, EXAMPLES, SEE ALSO)" bash -c "
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS 'EXIT STATUS' FILES EXAMPLES 'SEE ALSO'; do
		grep -qx \"\$s\" '$man_text' || { echo \"no section \$s\"; exit 1; }
	done"
if command -v mandoc >/dev/null; then
	mandoc -Tlint -Wall "$man_page" >"$work/man.lint" 2>&1
	rc=$?
	check "man page: mandoc -Tlint -Wall finds nothing" bash -c "
		[ $rc = 0 ] && [ ! -s '$work/man.lint' ] || { cat '$work/man.lint'; exit 1; }"
else
	echo "     (mandoc is not installed: its -Tlint check is not run; groff's is)"
fi

# --- every command of `dmabench --help` has its entry under COMMANDS ---
# the help lists them as "  NAME ..." between "commands:" and the next blank line
"$bin" --help >"$work/help.txt" 2>&1
commands=$(awk '/^commands:/ { on = 1; next } on && /^$/ { exit }
	on && /^  [a-z]/ { print $1 }' "$work/help.txt" | tr '\n' ' ')
awk '/^COMMANDS$/ { on = 1; next } on && /^[A-Z]/ { exit } on' "$man_text" >"$work/man.commands"
check "man page: dmabench --help lists commands (run, compare, help among them), so the next check has something to check" bash -c "
	c=' $commands'; [ \$(echo \$c | wc -w) -ge 8 ] && case \$c in *' run '*' compare '*' help ') ;; *) false ;; esac ||
		{ echo 'commands parsed: $commands'; exit 1; }"
missing=""
for c in $commands; do
	grep -qE "^ +dmabench $c( |\$)" "$work/man.commands" || missing="$missing $c"
done
check "man page: every command of dmabench --help has an entry under COMMANDS ($(echo $commands))" \
	bash -c "[ -z '$missing' ] || { echo 'not under COMMANDS:$missing'; exit 1; }"

# --- every option of `dmabench run --help` is under OPTIONS ---
"$bin" run --help >"$work/run-help.txt" 2>&1
options=$(grep -oE '^  +(-[a-zA-Z], )?--[a-z][a-z-]*' "$work/run-help.txt" | sed 's/^ *//; s/, / /')
awk '/^OPTIONS$/ { on = 1; next } on && /^[A-Z]/ { exit } on' "$man_text" >"$work/man.options"
missing=""
n=0
for o in $options; do
	n=$((n + 1))
	grep -qE -- "(^|[ ,])$o( |,|\$)" "$work/man.options" || missing="$missing $o"
done
check "man page: every option of dmabench run --help ($n names) is under OPTIONS" \
	bash -c "[ $n -ge 20 ] && [ -z '$missing' ] || { echo 'names: $n; not under OPTIONS:$missing'; exit 1; }"

# --- the page is of this version ---
version=$("$bin" --version | awk '{ print $2 }')
check "man page: its title names the version dmabench --version prints ($version)" \
	grep -qE "^\.TH DMABENCH 1 [^ ]+ \"dmabench $version\"" "$man_page"

# --- make install DESTDIR=... PREFIX=/usr ---
# ./dmabench as it is (-o: not rebuilt here), without the calling make's jobserver
inst="$work/inst"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$here" --no-print-directory -s -o dmabench \
	install DESTDIR="$inst" PREFIX=/usr >"$work/install.out" 2>&1
rc=$?
check "make install DESTDIR=... PREFIX=/usr: exits 0" bash -c "[ $rc = 0 ] || { cat '$work/install.out'; exit 1; }"
check "make install: usr/bin/dmabench (mode 755, the tree's ./dmabench), usr/share/man/man1/dmabench.1 (644, the page), usr/share/dmabench/plots/ (every plots/*.gp), nothing else" bash -c "
	cd '$inst' &&
	[ \"\$(stat -c %a usr/bin/dmabench)\" = 755 ] && cmp -s usr/bin/dmabench '$here/dmabench' &&
	[ \"\$(stat -c %a usr/share/man/man1/dmabench.1)\" = 644 ] && cmp -s usr/share/man/man1/dmabench.1 '$man_page' &&
	diff <(cd '$here/plots' && ls *.gp) <(cd usr/share/dmabench/plots && ls) &&
	diff <(find . -type f | sort) <( { echo ./usr/bin/dmabench; echo ./usr/share/man/man1/dmabench.1;
		cd '$here/plots' && ls *.gp | sed 's|^|./usr/share/dmabench/plots/|'; } | sort)"
check "make install: the installed page is found by MANPATH and renders (groff -ww, no warning)" bash -c "
	groff -ww -man -Tutf8 '$inst/usr/share/man/man1/dmabench.1' 2>&1 >/dev/null | grep . && exit 1
	! command -v man >/dev/null || [ \"\$(MANPATH='$inst/usr/share/man' man -w dmabench)\" = '$inst/usr/share/man/man1/dmabench.1' ]"
# the installed binary finds the scripts in ../share/dmabench/plots (no plots/ beside it)
(cd "$work" && env -u DMABENCH_PLOTS "$inst/usr/bin/dmabench" plot "$fx/base.json" -o "$work/inst-plot" \
	>"$work/inst-plot.out" 2>&1)
rc=$?
check "make install: the installed dmabench plot finds its scripts in /usr/share/dmabench/plots and draws base-cost.png" bash -c "
	[ $rc = 0 ] && [ -s '$work/inst-plot/base-cost.png' ] || { cat '$work/inst-plot.out'; exit 1; }"
