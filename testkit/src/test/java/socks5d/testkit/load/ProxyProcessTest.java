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
