package socks5d.proxy;

public final class Main {
    public static void main(String[] args) {
    }
}
