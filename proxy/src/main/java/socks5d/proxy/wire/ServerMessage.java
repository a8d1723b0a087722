package socks5d.proxy.wire;

/** Messages a SOCKS5 server sends during the handshake (RFC 1928 §3, §6; RFC 1929 §2). */
public sealed interface ServerMessage permits MethodSelection, UserPassReply, Reply {
}
