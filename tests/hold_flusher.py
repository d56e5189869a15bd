# SPDX-License-Identifier: GPL-2.0-or-later
# Stop rec's flusher thread alone (ptrace), so that a CPU holds its batch:
# hold_flusher.py RECPID SECONDS READY. Waits up to 60 s for the thread
# (named rec-flusher), creates READY once it has stopped, lets it go after
# SECONDS. Exits non-zero, saying why, if it cannot.
import ctypes, glob, os, sys, time

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
PTRACE_SEIZE, PTRACE_INTERRUPT, PTRACE_DETACH = 0x4206, 0x4207, 17
recpid, secs, ready = sys.argv[1], float(sys.argv[2]), sys.argv[3]


def flusher():
    for path in glob.glob("/proc/%s/task/*/comm" % recpid):
        try:
            if open(path).read().strip() == "rec-flusher":
                return int(path.split("/")[-2])
        except OSError:
            pass
    return None


deadline = time.time() + 60
tid = flusher()
while tid is None and time.time() < deadline:
    time.sleep(0.1)
    tid = flusher()
if tid is None:
    sys.exit("no rec-flusher thread in rec %s" % recpid)
if libc.ptrace(PTRACE_SEIZE, tid, None, None) or libc.ptrace(PTRACE_INTERRUPT, tid, None, None):
    sys.exit("ptrace: " + os.strerror(ctypes.get_errno()))
os.waitpid(tid, 0x40000000)  # __WALL: until it has stopped
open(ready, "w").close()
time.sleep(secs)
libc.ptrace(PTRACE_DETACH, tid, None, None)
