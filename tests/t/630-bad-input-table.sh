#!/bin/bash
# Malformed and hostile input for fix, persist, rollback and verify, as a
# table: each row builds a host, runs one command, and expects an exit code,
# a message (extended regex, on stdout+stderr) and not one file written or
# re-moded, inside --root or outside it. Extends 120 (check) and 230 (fix's
# first cases) without repeating them. Directories a refused run created
# for its lock (/var/lib/dom0cuda) are not counted as writes.
. "$(dirname "$0")/../lib.sh"
export SOURCE_DATE_EPOCH=1764000000
PV=$TOP/tests/fixtures/xcpng83-pv-h100
PVH=$TOP/tests/fixtures/xcpng83-pvh-h100
OUT=$TMP/outside
# Copies: a rebuild running beside the test must not swap them mid-table.
cp "$D0C" "$TMP/d0c-san" && D0C=$TMP/d0c-san
cp "$TOP/build/dom0cuda" "$TMP/d0c" && BIN=$TMP/d0c

G=boot/grub/grub.cfg E=boot/grub/grubenv J=var/lib/dom0cuda/state.json
# A 1024-byte block starting with the printf format $1, '#'-padded.
env_block() { { printf "$1"; head -c 1100 /dev/zero | tr '\0' '#'; } | head -c 1024; }
# N bytes of one character.
run_of() { head -c "$1" /dev/zero | tr '\0' "$2"; }
# Files, symlinks and modes of a tree, with checksums.
snap() { (cd "$1" && find . ! -type d -printf '%p %y %m %l\n' | sort &&
	find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }

# name ~ base (pv, fixed: pv after `fix --yes`, pvh) ~ setup, run in $H ~ args ~ exit ~ message
cases=$(cat <<'TABLE'
cfg_unterminated_single_quote~pv~sed -i "0,/menuentry 'XCP-ng'/s//menuentry 'XCP-ng/" $G~fix --yes~65~grub.cfg:[0-9]+: expected a closing '
cfg_unterminated_double_quote~pv~printf 'menuentry "X {\n' >>$G~fix --yes~65~grub.cfg:36: expected a closing "
cfg_unterminated_variable~pv~printf 'set x=${foo\n' >>$G~fix --yes~65~grub.cfg:36: expected '\}' to close '\$\{'
cfg_unterminated_submenu~pv~printf "submenu 'a' {\nmenuentry 'b' {\n" >>$G~fix --yes~65~grub.cfg:[0-9]+: expected '\}'
cfg_text_after_closing_brace~pv~printf "menuentry 'b' {\n}x\n" >>$G~fix --yes~65~grub.cfg:[0-9]+: expected a newline or ';' after the '\}' that closes the menuentry
cfg_stray_close_brace~pv~printf '}\n' >>$G~fix --yes~65~grub.cfg:36: unexpected '\}' \(no block is open\)
cfg_nul_byte~pv~printf 'set a=b\0c\n' >>$G~fix --yes~65~grub.cfg:36: expected text, found a NUL byte
cfg_10mb_line~pv~run_of 10000000 a >>$G~fix --yes~74~cannot read /boot/grub/grub.cfg: File too large
cfg_4mib_plus_one~pv~run_of $((4194305 - $(wc -c <$G))) '#' >>$G~fix --yes~74~cannot read /boot/grub/grub.cfg: File too large
cfg_submenus_20000_deep~pv~python3 -c "print('submenu x {\n'*20000 + '}\n'*20000)" >>$G~fix --yes~65~menus nested deeper than 64 levels
cfg_if_20000_deep~pv~python3 -c "print('if true; then\n'*20000 + 'fi\n'*20000)" >>$G~fix --yes~65~'if' nested deeper than 64 levels
cfg_empty~pv~: >$G~fix --yes~65~no entry of /boot/grub/grub.cfg has the Xen arguments
cfg_is_a_directory~pv~rm $G; mkdir $G~fix --yes~74~cannot read /boot/grub/grub.cfg: Invalid argument
cfg_is_a_fifo~pv~rm $G; mkfifo $G~fix --yes~74~cannot read /boot/grub/grub.cfg: Invalid argument
cfg_symlink_loop~pv~rm $G; ln -s a boot/grub/b; ln -s b boot/grub/a; ln -s a $G~fix --yes --force~74~grub.cfg: it is a symlink; refusing
boot_symlink_to_itself~pv~rm -rf boot; ln -s boot boot~fix --yes --force~74~cannot read /boot/grub/grub.cfg: .*symlink
boot_relative_symlink_escapes_root~pv~mv boot $OUT/boot; ln -s ../../../../../../../../../..$OUT/boot boot~fix --yes --force~74~a symlink on the path leads outside --root
cfg_crlf_line_ends~pv~sed -i 's/$/\r/' $G~fix --dry-run~0~Dry run: nothing changed
cfg_utf8_bom~pv~sed -i '1s/^/\xef\xbb\xbf/' $G~fix --dry-run~0~Dry run: nothing changed
cfg_world_writable~pv~chmod 666 $G~fix --dry-run~0~Dry run: nothing changed
cfg_dir_world_writable~pv~chmod 777 boot/grub~fix --dry-run~0~Dry run: nothing changed
cfg_1000_entries~pv~python3 -c "print(\"menuentry 'x' {\n}\n\"*1000)" >>$G~fix --dry-run~0~Dry run: nothing changed
cfg_half_marked_piece~pv~printf '### BEGIN dom0cuda pvh-entry ###\n' >>$G~fix --dry-run~0~Dry run: nothing changed
env_empty~pv~: >$E~fix --yes~65~grubenv:line 1: not a GRUB environment block: size is not 1024 bytes
env_1023_bytes~pv~env_block '# GRUB Environment Block\n' | head -c 1023 >$E~fix --yes~65~size is not 1024 bytes
env_1025_bytes~pv~{ env_block '# GRUB Environment Block\n'; echo; } >$E~fix --yes~65~size is not 1024 bytes
env_4096_bytes~pv~{ printf '# GRUB Environment Block\n'; run_of 4071 '#'; } >$E~fix --yes~65~size is not 1024 bytes
env_crlf~pv~env_block '# GRUB Environment Block\r\nnext_entry=1\r\n' >$E~fix --yes~65~missing "# GRUB Environment Block" signature
env_utf8_bom~pv~env_block '\xef\xbb\xbf# GRUB Environment Block\n' >$E~fix --yes~65~missing "# GRUB Environment Block" signature
env_nul_byte~pv~env_block '# GRUB Environment Block\nnext_entry=\0\n' >$E~fix --yes~65~contains NUL bytes
env_line_without_name~pv~env_block '# GRUB Environment Block\n=novalue\n' >$E~fix --yes~65~grubenv:line 2: expected name=value
env_symlink_out_of_root~pv~ln -s /etc/passwd $E~fix --yes~74~grubenv: it is a symlink; refusing
env_is_a_directory~pv~mkdir $E~fix --yes~74~cannot read /boot/grub/grubenv: Invalid argument
fix_command_after_closing_brace~pv~sed -i -z 's/}\nmenuentry/};menuentry/' $G~fix --yes~65~grub.cfg:[0-9]*: the default entry 'XCP-ng' ends with '}' and another command on the same line
persist_without_fix~pv~~persist --yes --force~65~has no PVH entry from `dom0cuda fix`
persist_bad_grubenv~fixed~run_of 1024 x >$E~persist --yes --force~65~missing "# GRUB Environment Block" signature
persist_set_default_after_semicolon~fixed~sed -i 's/^set default=0/;set default=0/' $G~persist --yes --force~65~grub.cfg:4: 'set default=0' shares its line with another command
persist_command_after_set_default~fixed~sed -i 's/^set default=0$/set default=0; echo x/' $G~persist --yes --force~65~grub.cfg:4: 'set default=0' shares its line with another command
persist_cfg_nul_byte~fixed~printf '\0\n' >>$G~persist --yes --force~65~found a NUL byte
journal_not_json~fixed~echo '{' >$J~rollback --yes~65~state.json is not a dom0cuda.state/1 journal
journal_truncated~fixed~truncate -s 100 $J~rollback --yes~65~is not a dom0cuda.state/1 journal \(byte 100\)
journal_wrong_schema~fixed~echo '{"schema":"other"}' >$J~rollback --yes~65~is not a dom0cuda.state/1 journal
journal_200000_deep_arrays~fixed~run_of 200000 '[' >$J~rollback --yes~65~is not a dom0cuda.state/1 journal
journal_over_1mib~fixed~run_of 2000000 ' ' >>$J~rollback --yes~74~cannot read /var/lib/dom0cuda/state.json: File too large
journal_backup_path_escapes_root~fixed~sed -i "s|\"backup\": \"/var|\"backup\": \"/../../../../../..$OUT/var|" $J~rollback --yes~74~leads outside --root; .*nothing restored
journal_file_path_dotdot~fixed~sed -i "s|\"path\": \"/boot/grub/grub.cfg\"|\"path\": \"/boot/../../../../../..$OUT/victim\"|" $J~rollback --yes~74~cannot read /boot/\.\./.*outside --root
journal_symlink_out_of_root~fixed~mv $J $OUT/state.json; ln -s $OUT/state.json $J~rollback --yes~74~state.json: it is a symlink; refusing
journal_backup_missing~fixed~rm var/lib/dom0cuda/backups/*~rollback --yes~74~No such file or directory; nothing restored
journal_backup_tampered~fixed~echo x >>var/lib/dom0cuda/backups/*~rollback --yes~74~not the original \(checksum differs\); nothing restored
rollback_cfg_became_symlink~fixed~mv $G boot/grub/real.cfg; ln -s real.cfg $G~rollback --yes~74~cannot read /boot/grub/grub.cfg: it is a symlink
verify_bad_grubenv~pvh~run_of 1024 x >$E~verify --no-smoke~1~cannot tell: /boot/grub/grubenv:line 1
verify_bad_grub_cfg~pvh~printf '{\n' >>$G~verify --no-smoke~1~cannot tell: /boot/grub/grub.cfg:[0-9]+: unexpected '\{'
usage_rollback_force~pv~~rollback --force~64~usage: dom0cuda rollback
usage_verify_yes~pv~~verify --yes~64~usage: dom0cuda verify
usage_persist_extra_argument~pv~~persist extra~64~unexpected argument 'extra'
usage_fix_100k_accept_id~pv~~fix --accept $(run_of 100000 A)~64~A{100}
root_symlink_to_itself~pv~ln -s selfloop $OUT/selfloop~fix --yes --root $OUT/selfloop~66~cannot open --root .*Too many levels of symbolic links
TABLE
)

# Rows about symlinks and paths leaving --root run a second time without
# openat2 (ENOSYS, as on XCP-ng's 4.19 kernel): the fallback must refuse
# them as well (its messages differ, so only exit code and writes count).
cc -shared -fPIC -O1 -o "$TMP/noopenat2.so" "$TOP/tests/crash/noopenat2.c" || echo "# cannot build noopenat2.so"
n=0
while IFS='~' read -r name base setup args want re; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	for pass in openat2 fallback; do
		if [ $pass = fallback ]; then
			case $name in *escape*|*symlink*|*dotdot*) ;; *) continue ;; esac
			[ -f "$TMP/noopenat2.so" ] || continue
		fi
		H=$TMP/h; rm -rf "$H" "$OUT"; mkdir -p "$OUT"
		case $base in
		pvh) cp -a "$PVH" "$H" ;;
		*) cp -a "$PV" "$H" ;;
		esac
		chmod -R u+w "$H"
		[ "$base" = fixed ] && "$BIN" --root "$H" fix --yes >/dev/null 2>&1
		(cd "$H" && eval "$setup") || echo "# setup of $name failed"
		{ snap "$H"; echo ---; snap "$OUT"; } >"$TMP/before" 2>/dev/null
		eval "set -- $args"
		if [ $pass = openat2 ]; then
			timeout 120 "$D0C" --root "$H" "$@" >"$TMP/out" 2>&1
			rc=$?
		else
			LD_PRELOAD=$TMP/noopenat2.so timeout 120 "$BIN" --root "$H" "$@" >"$TMP/out" 2>&1
			rc=$?
			name=${name}_without_openat2
		fi
		{ snap "$H"; echo ---; snap "$OUT"; } >"$TMP/after" 2>/dev/null
		is "$rc" "$want" "${name}_exits_$want"
		[ $pass = openat2 ] && ok "${name}_says_why" grep -qE -- "$re" "$TMP/out"
		if ! cmp -s "$TMP/before" "$TMP/after"; then
			diff "$TMP/before" "$TMP/after" | head -5 | sed 's/^/#   /'
		fi
		ok "${name}_writes_nothing" cmp -s "$TMP/before" "$TMP/after"
	done
done <<<"$cases"

# A grub.cfg on a FAT /boot that the running user may not read or write
# (FAT has no modes to fix; mode 000 stands for it), as a user who is not
# root: refused with 77, nothing written.
n=$((n + 1))
H=$TMP/h; rm -rf "$H"; cp -a "$PV" "$H"; chmod -R u+w,o+rX "$H"; chmod 000 "$H/$G"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod o+x "$TMP"
	snap "$H" >"$TMP/before"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN" --root "$H" fix --yes >"$TMP/out" 2>&1
	rc=$?
	snap "$H" >"$TMP/after"
	is "$rc" 77 "cfg_no_permissions_as_user_exits_77"
	ok "cfg_no_permissions_as_user_says_why" grep -q 'Permission denied' "$TMP/out"
	ok "cfg_no_permissions_as_user_writes_nothing" cmp -s "$TMP/before" "$TMP/after"
else
	skip "cfg_no_permissions_as_user" "needs root and setpriv to become another user"
fi
ok "at_least_40_bad_inputs ($n)" test "$n" -ge 40
done_testing
