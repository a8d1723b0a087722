package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class ProxyProcessTest {

    @Test
    void danteConfigWithAuthenticationChecksTheSystemPasswordDatabaseAsRoot() {
        assertEquals("""
                # written by the socks5d benchmark
                logoutput: stderr
                internal: 127.0.0.1 port = 41080
                external: 127.0.0.2
                clientmethod: none
                socksmethod: username
                user.privileged: root
                client pass {
                    from: 127.0.0.0/8 to: 0.0.0.0/0
                }
                socks pass {
                    from: 127.0.0.0/8 to: 0.0.0.0/0
                    command: connect
                }
                """, ProxyProcess.danteConfig(41080, true));
    }

    @Test
    void danteConfigWithoutAuthenticationOffersOnlyMethodNone() {
        assertEquals("""
                # written by the socks5d benchmark
                logoutput: stderr
                internal: 127.0.0.1 port = 1080
                external: 127.0.0.2
                clientmethod: none
                socksmethod: none
                client pass {
                    from: 127.0.0.0/8 to: 0.0.0.0/0
                }
                socks pass {
                    from: 127.0.0.0/8 to: 0.0.0.0/0
                    command: connect
                }
                """, ProxyProcess.danteConfig(1080, false));
    }

    @Test
    void threeProxyConfigWithAuthenticationAllowsOnlyTheBenchUser() {
        assertEquals("""
                # written by the socks5d benchmark
                maxconn 10000
                users bench:CL:bench
                auth strong
                allow bench
                socks -p41080 -i127.0.0.1 -e127.0.0.2
                """, ProxyProcess.threeProxyConfig(41080, true));
    }

    @Test
    void threeProxyConfigWithoutAuthenticationHasNoUsersOrAccessList() {
        assertEquals("""
                # written by the socks5d benchmark
                maxconn 10000
                auth none
                socks -p1080 -i127.0.0.1 -e127.0.0.2
                """, ProxyProcess.threeProxyConfig(1080, false));
    }

    @Test
    void threeProxyRunsInTheForegroundWithoutLoggingOrResolverAndMaxconnBeforeTheService() {
        for (boolean auth : new boolean[] {true, false}) {
            List<String> lines = ProxyProcess.threeProxyConfig(1080, auth).lines().toList();
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("daemon") || l.startsWith("log")
                    || l.startsWith("nserver") || l.startsWith("stacksize")), lines.toString());
            assertTrue(lines.indexOf("maxconn " + ProxyProcess.THREE_PROXY_MAXCONN)
                    < lines.indexOf("socks -p1080 -i127.0.0.1 -e127.0.0.2"), lines.toString());
        }
        // H holds 9,000 connections at full scale; 3proxy drops the ones past maxconn without a word
        assertTrue(ProxyProcess.THREE_PROXY_MAXCONN > BenchmarkOptions.H_CONNECTIONS + 64);
    }

    @Test
    void readsCurrentAndPeakResidentMemoryFromProcStatus() {
        List<String> status = List.of(
                "Name:\tdanted",
                "State:\tS (sleeping)",
                "VmPeak:\t   12720 kB",
                "VmHWM:\t    4316 kB",
                "VmRSS:\t    4212 kB",
                "Threads:\t1");
        assertEquals(Optional.of(new ProxyProcess.Memory(4212, 4316)), ProxyProcess.parseStatus(status));
    }

    @Test
    void aZombieHasNoResidentMemory() {
        List<String> zombie = List.of("Name:\tdanted", "State:\tZ (zombie)", "Threads:\t1");
        assertEquals(Optional.empty(), ProxyProcess.parseStatus(zombie));
    }

    @Test
    void memoryOfSeveralProcessesIsTheSumOfEach() {
        ProxyProcess.Memory sum = Stream.of(new ProxyProcess.Memory(4212, 4316), new ProxyProcess.Memory(2168, 2200),
                new ProxyProcess.Memory(2248, 3000)).reduce(ProxyProcess.Memory::plus).orElseThrow();
        assertEquals(new ProxyProcess.Memory(8628, 9516), sum);
    }

    @Test
    void findsAUserInPasswdLinesByExactName() {
        List<String> passwd = List.of("root:x:0:0:root:/root:/bin/bash",
                "benchmark:x:1001:1001::/home/benchmark:/bin/sh");
        assertFalse(ProxyProcess.passwdHasUser(passwd, "bench"));
        assertTrue(ProxyProcess.passwdHasUser(
                List.of("bench:x:1002:1002::/home/bench:/usr/sbin/nologin"), "bench"));
    }
}
