"""UDP through socks5d with PySocks (Debian's python3-socks): RFC 1928 §7 UDP ASSOCIATE with RFC 1929
username/password. Run by RealClientsUdpBindIT.

usage: pysocks_udp.py PROXY_HOST PROXY_PORT USER PASSWORD ECHO_HOST ECHO_PORT
Prints one line per step; exits 0 when the echo came back unchanged.
"""
import socket
import sys

import socks

proxy_host, proxy_port, user, password, echo_host, echo_port = sys.argv[1:7]
proxy_port, echo_port = int(proxy_port), int(echo_port)

s = socks.socksocket(socket.AF_INET, socket.SOCK_DGRAM)
s.set_proxy(socks.SOCKS5, proxy_host, proxy_port, username=user, password=password)
s.settimeout(10)
# No bind(): PySocks binds ("", 0) itself and declares 0.0.0.0 and that port in the request.
print("pysocks %s: UDP ASSOCIATE via %s:%d as %s, relay port announced" % (
    socks.__version__, proxy_host, proxy_port, user))
for payload in (b"ping over socks5d", b"second datagram"):
    s.sendto(payload, (echo_host, echo_port))
    print("sent %r to %s:%d" % (payload.decode(), echo_host, echo_port))
    data, (host, port) = s.recvfrom(65535)
    print("received %r from %s:%d" % (data.decode(), host, port))
    if data != payload:
        sys.exit("echo differs")
s.close()
print("OK")
