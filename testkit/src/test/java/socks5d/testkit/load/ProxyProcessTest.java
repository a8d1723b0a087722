package socks5d.testkit.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class ProxyProcessTest {

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
}
