# SPDX-License-Identifier: GPL-2.0-or-later
# The peers of samples/packets.zst (samples/regen.sh), over loopback: a TCP
# client and the server it forks exchange three words over IPv6, then one UDP
# datagram goes each way over IPv4, then a connect to a closed port draws the
# kernel's RST, a packet no socket owns. Each side names itself (comm).
import ctypes, os, socket

def name(n):
    ctypes.CDLL(None).prctl(15, n.encode(), 0, 0, 0)  # PR_SET_NAME

ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("::1", 18080))
ls.listen(4)
us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
us.bind(("127.0.0.1", 18081))
if os.fork() == 0:
    name("flowsrv")
    c, _ = ls.accept()
    while True:
        b = c.recv(4096)
        if not b:
            break
        c.sendall(b.upper())
    c.close()
    b, a = us.recvfrom(4096)
    us.sendto(b.upper(), a)
    os._exit(0)
name("flowcli")
ls.close()
us.close()
c = socket.create_connection(("::1", 18080))
for w in (b"hello", b"flow", b"bye"):
    c.sendall(w)
    c.recv(4096)
c.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"ping", ("127.0.0.1", 18081))
u.recvfrom(4096)
os.wait()
try:
    socket.create_connection(("127.0.0.1", 18082))
except ConnectionRefusedError:
    pass
