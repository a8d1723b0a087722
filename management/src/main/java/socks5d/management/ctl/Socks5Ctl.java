package socks5d.management.ctl;

public final class Socks5Ctl {
    public static void main(String[] args) {
    }
}
