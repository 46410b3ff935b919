package dev.correlator.app;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the native memory of all RocksDB stores of the instance together (the engine has a dozen stores per
 * task, the versioned hosting store several segments each; Kafka Streams' default gives every one of them its
 * own 50 MiB block cache and up to three 16 MiB memtables, unbounded in total). One LRU cache of
 * {@value #MEMORY_CONFIG} bytes (default {@value #DEFAULT_MEMORY}) holds the data, index and filter blocks,
 * and the memtables are charged against it (at most half of it) through one write buffer manager, as
 * Kafka's memory management guide describes. The cache and the manager are shared by every store of the JVM
 * (sized by the first configuration that opens a store) and never closed by a store.
 */
public final class BoundedMemoryRocksDBConfig implements RocksDBConfigSetter {

    /** Total bytes of RocksDB block cache and memtables for the whole instance. */
    public static final String MEMORY_CONFIG = "correlator.rocksdb.memory.bytes";
    public static final long DEFAULT_MEMORY = 256L * 1024 * 1024;
    private static final long MEMTABLE_SIZE = 8L * 1024 * 1024;

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;

    private static synchronized void init(Map<String, Object> configs) {
        if (cache != null) {
            return;
        }
        Object configured = configs.get(MEMORY_CONFIG);
        long total = configured == null ? DEFAULT_MEMORY : Long.parseLong(configured.toString().trim());
        // high-priority pool for index and filter blocks, so that data blocks cannot evict them
        cache = new LRUCache(total, -1, false, 0.1);
        // half for memtables: the budget is shared by every store of every task (about 70 RocksDB instances on 4
        // partitions); at a quarter of 128 MiB each memtable was flushed at a fraction of a MiB, level-0 files piled
        // up faster than compaction merged them and RocksDB stalled writes for tens of seconds, long enough for
        // the exactly-once transaction to time out (measured: E 61-122 s instead of 20-26 s on the same input)
        writeBufferManager = new WriteBufferManager(total / 2, cache);
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        init(configs);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(writeBufferManager);
        options.setWriteBufferSize(MEMTABLE_SIZE);
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager are shared by every store: not closed here
    }
}
