import { DEFAULT_LOG_LIMIT, formatByteSize } from '../core/byteSize.js';
import { MASK_FUNCTIONS } from './logMask.js';
import { shQuote } from './shellQuote.js';

/** How much of the end of a flood the log keeps after the marker (less when the limit is smaller). */
export const LOG_KEEP_LAST = 1024 * 1024;

/** The programs the wrapper runs, by absolute path, in the order the launcher takes them. */
export const WRAPPER_TOOLS = ['head', 'tail', 'dd', 'cat', 'rm', 'awk', 'truncate', 'stat', 'mv'] as const;
/** Programs the wrapper can do without: without fallocate, a flood's log is only cut at its end. */
export const OPTIONAL_TOOLS = ['fallocate'] as const;

/**
 * The wrapper of every step, as shell functions the launcher defines once (so a job line is one
 * short call: the launcher reads it a byte at a time, as sh's read does, one step after another).
 *
 * bt_run TOKEN PIDFILE EXITFILE LOG LIMIT KEEP LIMIT_LABEL KEEP_LABEL ARGV... starts ARGV through
 * setsid, reports `+ TOKEN PGID`, waits, kills whatever the step left in its group (baton would,
 * and nothing may write to the log after it is cut), makes the log final, then writes the exit file
 * and reports `- TOKEN CODE`, so the log is complete before anyone hears the step ended.
 *
 * A step without secrets writes straight to its log, as a file (no pipe, no filter process: the
 * cost per step stays two execs, setsid and the step). The shell itself reads how much it wrote
 * from the offset of the descriptor it shares with the step (/proc/self/fdinfo, no process), and
 * only past LIMIT + KEEP does it cut the log: the first LIMIT bytes, a one-line marker with the
 * exact count of what it dropped, the last KEEP bytes, into a new file renamed over the log. While
 * such a step floods, baton frees the disk behind it (bt_punch), so the log takes about LIMIT +
 * KEEP on disk, plus what the step writes in a tenth of a second.
 *
 * A step with secrets writes through a pipe to bt_mask_cap (logMask.ts), which masks and caps as
 * the output goes; its exit code reaches the wrapper through a command substitution (fd 4), its
 * start report goes to the launcher's stdout (fd 3); the step gets neither.
 *
 * The step keeps the default SIGPIPE; the wrapper ignores it once the step is forked: if baton
 * died, its reports go nowhere, but it must live on to record the step's exit code and cut the log.
 */
export const WRAPPER_FUNCTIONS = `${MASK_FUNCTIONS}
[ -r /proc/self/fdinfo/0 ] && bt_fdinfo=1
bt_marker() {
  printf '\\n[baton: %s bytes of output past the first %s omitted; the last %s follows]\\n' "$1" "$2" "$3"
}
bt_compact() {
  { "$bt_head" -c "$3" "$1" && bt_marker $(($2 - $3 - $4)) "$5" "$6" && "$bt_tail" -c "$4" "$1"; } >"$1.new" && "$bt_mv" -f "$1.new" "$1" || "$bt_rm" -f "$1.new"
}
bt_punch() {
  [ -n "$bt_fallocate" ] || return
  { [ "$("$bt_stat" -L -c %i /proc/self/fd/6)" = "$1" ] && "$bt_fallocate" -p -o "$2" -l "$3" /proc/self/fd/6; } 6<"$4" 2>/dev/null
}
bt_run() {
  t=$1 pf=$2 ef=$3 lg=$4 lim=$5 kp=$6 ll=$7 kl=$8; shift 8
  if [ -n "$bt_mre" ]; then
    exec 3>&1
    c=$( { { "$bt_setsid" "$@" 2>&1 </dev/null 3>&- 4>&- & p=$!; trap '' PIPE; echo $p >"$pf"; echo "+ $t $p" >&3; wait $p; echo $? >&4; kill -9 -$p 2>/dev/null; } | bt_mask_cap "$lg" "$lim" "$kp" "$ll" "$kl" 3>&- 4>&-; } 4>&1 )
  else
    true 2>/dev/null >"$lg" || { echo 2 >"$ef"; echo "- $t 2"; return; }
    exec 5>"$lg"
    "$bt_setsid" "$@" >&5 2>&1 </dev/null 5>&- & p=$!; trap '' PIPE
    echo $p >"$pf"; echo "+ $t $p"
    wait $p; c=$?
    kill -9 -$p 2>/dev/null
    k=; n=
    [ -n "$bt_fdinfo" ] && { read -r k n; } 2>/dev/null </proc/self/fdinfo/5
    exec 5>&-
    [ "$k" = pos: ] || n=$("$bt_stat" -c %s "$lg" 2>/dev/null)
    [ "$n" -gt $((lim + kp)) ] 2>/dev/null && bt_compact "$lg" "$n" "$lim" "$kp" "$ll" "$kl"
  fi
  trap '' PIPE
  echo $c >"$ef"; echo "- $t $c"
}`;

/** bt_run's arguments for the log: path, limit, how much of the end to keep, and their labels. */
export function capArgs(logPath: string, limit = DEFAULT_LOG_LIMIT): string {
  const keep = keepLast(limit);
  return `${shQuote(logPath)} ${limit} ${keep} ${shQuote(formatByteSize(limit))} ${shQuote(formatByteSize(keep))}`;
}

export function keepLast(limit: number): number {
  return Math.min(LOG_KEEP_LAST, limit);
}
