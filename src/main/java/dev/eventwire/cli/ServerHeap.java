package dev.eventwire.cli;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a {@code serve} process runs on: a fixed size, every page of it touched before the server
 * starts. On a virtual machine a page's first touch is a fault that costs the hypervisor too, and a heap
 * that grows as it goes touches fresh pages all through a busy hour: the server spent a fifth of its CPU
 * a delivery on them (docs/jvm-flags.md). The launcher passes these flags for {@code serve}; so does a
 * bench or test that starts a server in a process of its own.
 */
public final class ServerHeap {
    public static final String VARIABLE = "EVENTWIRE_HEAP";
    public static final String DEFAULT = "2g";
    static final long MIN_MIB = 256;
    private static final Pattern SIZE = Pattern.compile("([1-9][0-9]{0,14})([mMgG])");

    private ServerHeap() {
    }

    /** The JVM flags for a heap of the given size ({@code 512m}, {@code 2g}); the default when blank. */
    public static List<String> jvmFlags(String configured) {
        String size = sizeOr(configured, DEFAULT);
        requireValid(size);
        return List.of("-Xms" + size, "-Xmx" + size, "-XX:+AlwaysPreTouch");
    }

    /** The size asked for, or {@code fallback} when none was (unset or blank). */
    public static String sizeOr(String configured, String fallback) {
        return configured == null || configured.isBlank() ? fallback : configured.strip();
    }

    /**
     * Refuses a size that is not a whole number of m or g of at least {@link #MIN_MIB} MiB, or not less than
     * the machine's memory (its container's limit, when lower): the whole heap is touched at start, and one
     * the machine cannot hold would swap, or be killed, before serving.
     */
    private static void requireValid(String size) {
        Matcher m = SIZE.matcher(size);
        long mib = m.matches() ? Long.parseLong(m.group(1)) * (m.group(2).toLowerCase(Locale.ROOT).equals("g") ? 1024 : 1) : -1;
        if (mib < MIN_MIB) {
            throw new IllegalArgumentException(VARIABLE + " must be a size such as 512m or 2g, at least " + MIN_MIB + "m (got '" + size + "')");
        }
        long memory = memoryMiB();
        if (memory > 0 && mib >= memory) {
            throw new IllegalArgumentException(VARIABLE + " must be less than this machine's memory, " + memory + " MiB (got '" + size + "')");
        }
    }

    /** The machine's memory in MiB, as the JVM sees it (a container's limit when it has one); 0 when unknown. */
    static long memoryMiB() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getTotalMemorySize() >> 20 : 0;
    }

    /** One line for the start log: the heap this process has, and whether it is fixed and touched at start. */
    static String describe() {
        long mib = Runtime.getRuntime().maxMemory() >> 20;
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean touched = flags.contains("-XX:+AlwaysPreTouch") && Runtime.getRuntime().totalMemory() == Runtime.getRuntime().maxMemory();
        return touched
                ? "Heap: " + mib + " MiB, fixed and touched at start."
                : "Heap: grows as needed, up to " + mib + " MiB. Started by ./eventwire (or with -Xms -Xmx of one size and"
                        + " -XX:+AlwaysPreTouch) the server delivers faster; see docs/jvm-flags.md.";
    }
}
