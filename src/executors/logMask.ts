import { shQuote } from './shellQuote.js';

/**
 * Masks secrets in a stream, line by line, in bytes (LC_ALL=C): every value in BATON_MASK_RE (an
 * alternation of the values, each escaped, longest first) becomes `***`; BATON_MASK_VALUES holds
 * the values themselves, one per line. They come from its environment, never from its argv
 * (which anyone on the machine can read), and the step's environment never holds them. Output is
 * flushed per line, so the log stays live.
 *
 * Its input ends with an extra newline added by the caller, which truncates the last byte of its
 * output: awk cannot tell a last line without a newline from one with it, and this way every byte
 * of the step's output comes through as it was. It holds one line at a time, and the cap cuts
 * lines first, so a flood without newlines never makes it hold more than the log limit.
 *
 * Where the stream was cut (`lim`: the head ends at byte `lim`, and then it exits 3; `cut`: the
 * stream starts after a cut), a value split by the cut would show its first or last part: those
 * parts are masked too.
 */
const MASK_AWK = `
function lead(t,  i, k, L, b) { for (i = 1; i <= n; i++) { L = length(s[i]); for (k = L - 1; k > b; k--) if (substr(t, 1, k) == substr(s[i], L - k + 1)) { b = k; break } } return b ? "***" substr(t, b + 1) : t }
function trail(t,  i, k, L, b) { for (i = 1; i <= n; i++) { L = length(s[i]); for (k = L - 1; k > b; k--) if (substr(t, length(t) - k + 1) == substr(s[i], 1, k)) { b = k; break } } return b ? substr(t, 1, length(t) - b) "***" : t }
BEGIN { FS = "\\n"; n = split(ENVIRON["BATON_MASK_VALUES"], s, "\\n"); re = ENVIRON["BATON_MASK_RE"] }
{ t = $0; got += length(t) + 1; gsub(re, "***", t); if (NR == 1 && cut) t = lead(t); if (lim && got == lim + 1) t = trail(t); printf "%s\\n", t; fflush() }
END { exit lim && got == lim + 1 ? 3 : 0 }`;

/**
 * The filter a step with secrets writes through (shell code the launcher defines once): masking
 * has to happen before a byte reaches the log, so such a step writes to a pipe.
 *
 * bt_copy N copies the first N bytes of stdin to stdout as they come, and not a byte more: dd
 * with iflag=count_bytes never reads past its count and writes each read at once (head -c would
 * hold output in stdio's buffer, so the log would lag). dd may stop early, as it counts reads, not
 * bytes, so it runs again for the rest; but a read returns at least one byte, so fewer bytes than
 * reads allowed means the end was reached. Without GNU dd, head -c does the copy (exact, not live).
 *
 * bt_mask_cap LOG LIMIT KEEP LIMIT_LABEL KEEP_LABEL reads a step's output on stdin, masks it and
 * keeps its first LIMIT bytes in LOG. Past the limit it keeps draining to the end (the step never
 * gets SIGPIPE because of the cap), holding only the last KEEP bytes (tail -c on a pipe) and
 * counting what goes by (dd's count, exact); at the end it appends the marker and those last
 * bytes, masked. A log it cannot write is drained all the same. Order: cap, then mask.
 */
export const MASK_FUNCTIONS = `bt_mask='${MASK_AWK}'
"$bt_dd" iflag=count_bytes count=0 status=none </dev/null >/dev/null 2>&1 || bt_nodd=1
bt_copy() {
  if [ -n "$bt_nodd" ]; then "$bt_head" -c "$1"; return; fi
  c=0
  while [ "$c" -lt "$1" ]; do
    m=$(($1 - c))
    { n=$(LC_ALL=C "$bt_dd" bs=4096 iflag=count_bytes count="$m" 2>&1 >&7 7>&-); } 7>&1 || return
    n=\${n##*"$nl"}; n=\${n%% *}
    case $n in ''|*[!0-9]*) return 1 ;; esac
    c=$((c + n))
    if [ "$n" -lt $(((m + 4095) / 4096)) ]; then return 0; fi
  done
  return 0
}
bt_mask_cap() {
  export BATON_MASK_RE="$bt_mre" BATON_MASK_VALUES="$bt_mvals"
  true 2>/dev/null >"$1" || { "$bt_cat" >/dev/null; return; }
  { bt_copy "$2"; printf '\\n'; } | LC_ALL=C "$bt_awk" -v lim="$2" "$bt_mask" >"$1"
  k=$?
  "$bt_truncate" -s -1 "$1"
  [ "$k" = 3 ] || { [ "$k" = 0 ] || "$bt_cat" >/dev/null; return; }
  r=$( { LC_ALL=C "$bt_dd" bs=65536 2>&6 | "$bt_tail" -c "$3" >"$1.tail" 6>&-; } 6>&1 )
  r=\${r##*"$nl"}; r=\${r%% *}
  case $r in ''|*[!0-9]*) r=0 ;; esac
  [ "$r" -gt "$3" ] && bt_marker $((r - $3)) "$4" "$5" >>"$1"
  if [ "$r" -gt 0 ]; then
    { "$bt_cat" "$1.tail"; printf '\\n'; } | LC_ALL=C "$bt_awk" -v cut=1 "$bt_mask" >>"$1" && "$bt_truncate" -s -1 "$1"
  fi
  "$bt_rm" -f "$1.tail"
}`;

/** Characters that are not regex syntax in any awk, so they match themselves unescaped. */
const PLAIN = /[A-Za-z0-9\u0080-\u{10FFFF}]/u;

/** A POSIX ERE matching exactly `value`: every other character stands alone in a bracket. */
export function literalRegex(value: string): string {
  let out = '';
  for (const ch of value) {
    if (PLAIN.test(ch)) out += ch;
    else if (ch === '\\') out += '\\\\';
    else if (ch === '^') out += '\\^';
    else out += `[${ch}]`;
  }
  return out;
}

/**
 * The strings to mask for a step's secrets: each value, or for a value of several lines each of
 * its lines (a line-based filter never sees a newline inside a line) that is long enough to mean
 * something (a lone `}` of a key file would mask every brace). Longest first, so a value that
 * contains another is masked whole.
 */
export function maskValues(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    const lines = secret.split(/\r?\n|\r|\0/);
    if (lines.length === 1) {
      if (secret !== '') out.add(secret);
      continue;
    }
    for (const line of lines) if (line.trim().length >= 4) out.add(line.trim());
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * Shell variables (not exported: the step never sees them) from which bt_mask_cap, in the
 * filter's own process, exports the values for awk; '' without secrets.
 */
export function maskVariables(secrets: readonly string[] | undefined): string {
  const values = maskValues(secrets ?? []);
  if (values.length === 0) return '';
  return `bt_mre=${shQuote(values.map((v) => `(${literalRegex(v)})`).join('|'))}; bt_mvals=${shQuote(values.join('\n'))};`;
}

