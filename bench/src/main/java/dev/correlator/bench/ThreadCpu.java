package dev.correlator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of a process by thread name, read from Linux's {@code /proc/<pid>/task}: every thread, the JVM's own
 * (JIT compiler, GC) and native ones (RocksDB) included, which the JVM's thread CPU time leaves out. Names are the
 * kernel's (at most 15 characters) with digits replaced by {@code N}, so that a pool's threads add up. Empty where
 * there is no {@code /proc}.
 */
final class ThreadCpu {

    /** Clock ticks per second of {@code /proc/.../stat} (USER_HZ: 100 on every Linux the JDK runs on). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ThreadCpu() {
    }

    /** CPU seconds so far of each thread group of process {@code pid}. */
    static Map<String, Double> snapshot(long pid) {
        Map<String, Double> byName = new TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return byName;
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            threads.forEach(thread -> {
                try {
                    String name = Files.readString(thread.resolve("comm")).strip().replaceAll("\\d+", "N");
                    String stat = Files.readString(thread.resolve("stat"));
                    // fields after the name, which is in parentheses and may hold spaces: utime and stime are 14 and 15
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                    byName.merge(name, seconds, Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between the listing and the read
                }
            });
        } catch (IOException e) {
            return byName;
        }
        return byName;
    }

    /** What each thread group used between two snapshots, largest first, those of at least 0.05 s. */
    static Map<String, Double> since(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> used = new LinkedHashMap<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() >= 0.05)
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .forEach(e -> used.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0));
        return used;
    }
}
