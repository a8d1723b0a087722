package socks5d.management.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Changes come out in arrival order, each once it and every earlier one is ready. */
class ChangeQueueTest {
    @Test
    void aReadyChangeWaitsForEveryEarlierOne() {
        ChangeQueue<String> queue = new ChangeQueue<>();
        long first = queue.reserve();
        queue.add("remove");
        long third = queue.reserve();
        assertFalse(queue.hasReady());
        queue.fill(third, "add 3");
        assertEquals(List.of(), queue.takeReady(), "the first is still hashing");
        queue.fill(first, "add 1");
        assertTrue(queue.hasReady());
        assertEquals(List.of("add 1", "remove", "add 3"), queue.takeReady());
        assertFalse(queue.hasReady());
    }

    @Test
    void handsOutOnlyTheReadyHead() {
        ChangeQueue<String> queue = new ChangeQueue<>();
        queue.add("a");
        long b = queue.reserve();
        queue.add("c");
        assertEquals(List.of("a"), queue.takeReady());
        queue.fill(b, "b");
        queue.fill(b + 100, "unknown: ignored");
        assertEquals(List.of("b", "c"), queue.takeReady());
        assertEquals(List.of(), queue.takeReady());
    }
}
