package socks5d.proxy.wire;

/** Messages a SOCKS5 client sends during the handshake (RFC 1928 §3, §4; RFC 1929 §2). */
public sealed interface ClientMessage permits Greeting, UserPassRequest, Request {
}
