package socks5d.testkit.load;

import java.nio.ByteBuffer;

/**
 * A process whose resident memory peaks and then falls: it touches 64 MiB of direct memory, frees it at
 * once and sleeps. For {@link ProxyProcessIT}.
 */
public final class PeakThenIdle {
    private PeakThenIdle() {
    }

    public static void main(String[] args) throws Exception {
        ByteBuffer big = ByteBuffer.allocateDirect(64 << 20);
        for (int i = 0; i < big.capacity(); i += 4096) {
            big.put(i, (byte) 1);
        }
        java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        ((sun.misc.Unsafe) f.get(null)).invokeCleaner(big); // frees it now, not at some later GC
        System.out.println("peaked");
        Thread.sleep(300_000);
    }
}
