#!/bin/bash
# 5xx packaging: bash completion of verbs, options, option arguments and
# finding ids, all read from the binary's own help (nothing hand-copied).
. "$(dirname "$0")/../lib.sh"
cd "$TOP"
BC=/usr/share/bash-completion/bash_completion
if [ ! -f "$BC" ]; then skip bash_completion "bash-completion is not installed"; done_testing; exit; fi

mkdir -p "$TMP/bin" "$TMP/dirs/alpha" "$TMP/dirs/beta"
touch "$TMP/dirs/afile"
ln -s "$TOP/build/dom0cuda" "$TMP/bin/dom0cuda"

# complete LINE: what TAB offers at the end of LINE, sorted, on one line.
# Words are split as bash does with the default COMP_WORDBREAKS ('=' apart).
complete() {
	PATH="$TMP/bin:$PATH" bash -c '
		. "$1"; . contrib/bash-completion/dom0cuda
		COMP_LINE=$2; COMP_POINT=${#2}
		read -ra COMP_WORDS <<<"${2//=/ = }"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_dom0cuda dom0cuda "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$BC" "$1"
}
has() { [[ " $1 " == *" $2 "* ]] || { echo "'$2' not in: $1"; return 1; }; }
lacks() { [[ " $1 " != *" $2 "* ]] || { echo "'$2' in: $1"; return 1; }; }

verbs=$(build/dom0cuda help | sed -n '/^Verbs:/,/^$/s/^  *\([a-z][a-z0-9-]*\) .*/\1/p' | sort | tr '\n' ' ')
ok help_lists_verbs test -n "$verbs"
is "$(complete 'dom0cuda ')" "$(printf '%s\n' $verbs help | sort | tr '\n' ' ')" completes_every_verb_of_help
is "$(complete 'dom0cuda che')" "check " completes_verb_prefix
ok completes_global_options_before_verb has "$(complete 'dom0cuda --')" --root
ok completes_verb_options has "$(complete 'dom0cuda check --')" --accept
ok completes_global_options_after_verb has "$(complete 'dom0cuda check --')" --json
ok verb_options_stay_with_their_verb lacks "$(complete 'dom0cuda report --')" --accept
is "$(complete "dom0cuda --root $TMP/dirs/")" "$TMP/dirs/alpha $TMP/dirs/beta " root_argument_completes_directories
is "$(complete "dom0cuda --root=$TMP/dirs/a")" "$TMP/dirs/alpha " root_equals_argument_completes_directories
is "$(complete "dom0cuda --root $TMP/dirs ch")" "check " verb_found_after_option_argument

ids=$(build/dom0cuda help findings | sed -n 's/^  \([A-Z][A-Z0-9_]*\)$/\1/p' | sort | tr '\n' ' ')
ok help_findings_lists_ids has "$ids" DOM0_PV
is "$(complete 'dom0cuda check --accept ')" "$ids" accept_completes_every_finding_id
is "$(complete 'dom0cuda check --accept NVRM_P')" "NVRM_PAT_UNSUPPORTED " accept_completes_finding_id_prefix
ok help_completes_verbs_and_findings has "$(complete 'dom0cuda help ')" findings
is "$(complete "dom0cuda report -o $TMP/dirs/a")" "$TMP/dirs/afile $TMP/dirs/alpha " \
	short_option_of_a_pair_completes_its_path
is "$(complete "dom0cuda report --output $TMP/dirs/a")" "$TMP/dirs/afile $TMP/dirs/alpha " \
	long_option_completes_its_path

# A verb or option the binary grows is completed without touching this file.
rm "$TMP/bin/dom0cuda" # the link to the real build: replace it, do not write through it
cat >"$TMP/bin/dom0cuda" <<'FAKE'
#!/bin/sh
case "$*" in
help) printf 'usage: dom0cuda VERB\n\nVerbs:\n  frobnicate a verb added later, its name too long for two spaces\n\n  --root DIR  root\n' ;;
"help frobnicate") printf 'usage: dom0cuda frobnicate [--level N] [--out FILE]\n' ;;
esac
FAKE
chmod +x "$TMP/bin/dom0cuda"
is "$(complete 'dom0cuda ')" "frobnicate help " completes_a_verb_added_later
is "$(complete 'dom0cuda frobnicate --')" "--help --level --out " completes_options_added_later
is "$(complete 'dom0cuda frobnicate --level ')" "" number_argument_offers_nothing
done_testing
